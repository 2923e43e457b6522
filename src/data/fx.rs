//! FX reference data: reference rate tables (`[[reference_rates]]`), the staleness policy of
//! each rate source (`[[rate_source]]`) and presentment price endings per currency and market
//! (`[[price_ending]]`); plus readers for the ECB's own daily XML and CSV files.
//!
//! A reference rate table is a snapshot: one pivot currency, the date it was published for
//! (`as_of`), the publisher (`source`, e.g. `ECB`) and one decimal-string rate per currency
//! (pivot 1 = rate), kept with the digits as published (`0.86780` stays `0.86780`). Cross rates
//! are never stored: a conversion multiplies by the target's rate and divides by the source's
//! rate last.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, FileReader, Validity};
use super::series::{Location, RawDated, SeriesMap, build_series, row_at};
use super::{DataVersion, Period, RateTables};
use crate::codes::{CountryCode, Currency};
use crate::ending::PriceEnding;
use crate::error::Error;
use crate::serde_util::DecimalStr;

/// A reference rate table: rates of many currencies against one pivot, for one date.
///
/// # Example
/// ```
/// use landed::data::ReferenceRates;
/// let xml = r#"<gesmes:Envelope><Cube><Cube time='2025-10-21'>
///   <Cube currency='USD' rate='1.1607'/><Cube currency='GBP' rate='0.86780'/>
/// </Cube></Cube></gesmes:Envelope>"#;
/// let ecb = ReferenceRates::from_ecb_xml(xml)?;
/// assert_eq!(ecb.pivot().code(), "EUR");
/// assert_eq!(ecb.rate("GBP".parse()?)?.to_string(), "0.86780");
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRates {
    pivot: Currency,
    as_of: NaiveDate,
    source: Arc<str>,
    citation: Option<Arc<str>>,
    rates: BTreeMap<Currency, Decimal>,
}

impl ReferenceRates {
    /// A table from its parts. The pivot may be listed only with rate 1.
    ///
    /// # Errors
    /// [`Error::MalformedRates`] when a rate is zero or negative, the pivot is listed with a
    /// rate other than 1, the source is blank or no currency is listed.
    pub fn new(
        pivot: Currency,
        as_of: NaiveDate,
        source: &str,
        rates: impl IntoIterator<Item = (Currency, Decimal)>,
    ) -> Result<Self, Error> {
        Self::build("rates", 0, pivot, as_of, Arc::from(source), None, rates)
    }

    /// Builds a table; `source` and `citation` are shared by every day of a series.
    fn build(
        format: &'static str,
        line: usize,
        pivot: Currency,
        as_of: NaiveDate,
        source: Arc<str>,
        citation: Option<Arc<str>>,
        rates: impl IntoIterator<Item = (Currency, Decimal)>,
    ) -> Result<Self, Error> {
        let bad = |reason: String| Error::MalformedRates {
            format,
            line,
            reason,
        };
        if source.trim().is_empty() {
            return Err(bad(
                "the source is empty; name the publisher, e.g. \"ECB\"".into()
            ));
        }
        let mut map = BTreeMap::new();
        for (currency, rate) in rates {
            if rate <= Decimal::ZERO {
                return Err(bad(format!(
                    "the rate of {currency} is {rate}; rates must be greater than zero"
                )));
            }
            if currency == pivot {
                if rate != Decimal::ONE {
                    return Err(bad(format!(
                        "the pivot {pivot} is listed with rate {rate}; the pivot's rate is 1 by definition"
                    )));
                }
                continue;
            }
            if map.insert(currency, rate).is_some() {
                return Err(bad(format!("{currency} is listed twice")));
            }
        }
        if map.is_empty() {
            return Err(bad("no rates are listed".into()));
        }
        Ok(Self {
            pivot,
            as_of,
            source,
            citation,
            rates: map,
        })
    }

    /// The pivot currency (rate 1).
    pub const fn pivot(&self) -> Currency {
        self.pivot
    }

    /// The date the rates were published for.
    pub const fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The publisher, e.g. `ECB`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Where the table was taken from, when the data row says.
    pub fn citation(&self) -> Option<&str> {
        self.citation.as_deref()
    }

    /// Every listed currency with its rate against the pivot (the pivot itself not included).
    pub fn rates(&self) -> impl Iterator<Item = (Currency, Decimal)> + '_ {
        self.rates.iter().map(|(c, r)| (*c, *r))
    }

    /// The rate of `currency` against the pivot (1 for the pivot), as published.
    ///
    /// # Errors
    /// [`Error::NoReferenceRate`] when the table does not list the currency.
    pub fn rate(&self, currency: Currency) -> Result<Decimal, Error> {
        if currency == self.pivot {
            return Ok(Decimal::ONE);
        }
        self.rates
            .get(&currency)
            .copied()
            .ok_or_else(|| Error::NoReferenceRate {
                currency,
                source_name: self.source.to_string(),
                as_of: self.as_of,
            })
    }

    /// Converts at the mid rate: `amount × rate(to) / rate(from)`, dividing last, unrounded.
    ///
    /// # Errors
    /// [`Error::NoReferenceRate`] for an unlisted currency; [`Error::Overflow`].
    pub fn convert(&self, amount: Decimal, from: Currency, to: Currency) -> Result<Decimal, Error> {
        amount
            .checked_mul(self.rate(to)?)
            .ok_or(Error::overflow("fx convert (multiply)"))?
            .checked_div(self.rate(from)?)
            .ok_or(Error::overflow("fx convert (divide)"))
    }

    /// The cross rate `from → to` (`rate(to) / rate(from)`), for display. Conversions never
    /// multiply by it: they divide last.
    ///
    /// # Errors
    /// As [`ReferenceRates::convert`].
    pub fn cross(&self, from: Currency, to: Currency) -> Result<Decimal, Error> {
        self.convert(Decimal::ONE, from, to)
    }

    /// Reads the ECB's daily XML (`eurofxref-daily.xml`) and returns the newest day in it.
    ///
    /// # Errors
    /// [`Error::MalformedRates`] with the line of the problem.
    pub fn from_ecb_xml(text: &str) -> Result<Self, Error> {
        newest(parse_ecb_xml(text)?, "ECB XML")
    }

    /// Reads the ECB's daily CSV (`eurofxref.csv`, or a history file) and returns the newest
    /// day in it.
    ///
    /// # Errors
    /// [`Error::MalformedRates`] with the line of the problem.
    pub fn from_ecb_csv(text: &str) -> Result<Self, Error> {
        newest(parse_ecb_csv(text)?, "ECB CSV")
    }
}

fn newest(mut days: Vec<ReferenceRates>, format: &'static str) -> Result<ReferenceRates, Error> {
    days.sort_by_key(|t| t.as_of);
    days.pop().ok_or(Error::MalformedRates {
        format,
        line: 0,
        reason: "no day of rates found".into(),
    })
}

/// The ECB's daily reference rates file (`eurofxref-daily.xml`, the newest publication), to
/// read with [`ReferenceRates::from_ecb_xml`] when the embedded series is older than the rate
/// source's maximum age.
pub const ECB_DAILY_XML_URL: &str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml";

const ECB: &str = "ECB";
const ECB_CITATION: &str = "European Central Bank, euro foreign exchange reference rates (https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html)";

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count())
        .saturating_add(1)
}

/// The line of increasing offsets of one text, each counted on from the previous one, so that
/// numbering every record costs one pass over the text.
#[derive(Debug, Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    /// The line (from 1) of `offset`, at or after the previous offset asked for.
    fn line_at(&mut self, text: &str, offset: usize) -> usize {
        if offset < self.offset {
            return line_of(text, offset);
        }
        let newlines = text
            .get(self.offset..offset)
            .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count());
        self.line = self.line.saturating_add(newlines);
        self.offset = offset;
        self.line.saturating_add(1)
    }
}

/// The value of `name='…'` or `name="…"` in a tag's text.
fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = tag;
    loop {
        let at = rest.find(name)?;
        let before_ok = at == 0
            || rest
                .as_bytes()
                .get(at.checked_sub(1)?)
                .is_some_and(|b| b.is_ascii_whitespace());
        let after = rest.get(at.checked_add(name.len())?..)?.trim_start();
        if before_ok && let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let quote = v.chars().next()?;
            if quote == '\'' || quote == '"' {
                let body = v.get(1..)?;
                let end = body.find(quote)?;
                return body.get(..end);
            }
            return None;
        }
        rest = rest.get(at.checked_add(name.len())?..)?;
    }
}

/// Reads every day of an ECB XML file (daily, 90-day or history layout), oldest first as in
/// the file order.
///
/// # Errors
/// [`Error::MalformedRates`] naming the line: a rate outside a dated `Cube`, a bad date,
/// currency or decimal, a currency twice in one day, or no day at all.
pub fn parse_ecb_xml(text: &str) -> Result<Vec<ReferenceRates>, Error> {
    const FORMAT: &str = "ECB XML";
    let source: Arc<str> = Arc::from(ECB);
    let citation: Arc<str> = Arc::from(ECB_CITATION);
    let bad = |offset: usize, reason: String| Error::MalformedRates {
        format: FORMAT,
        line: line_of(text, offset),
        reason,
    };
    let mut days = Vec::new();
    // Lines of the dated Cubes, counted on from the previous one: counting from the start of
    // the text for each day made a 6,800-day history quadratic (19 s).
    let mut lines = LineCounter::default();
    // The day being read: its date, its line and its rates so far.
    type Day = (NaiveDate, usize, Vec<(Currency, Decimal)>);
    let mut current: Option<Day> = None;
    let mut pos = 0usize;
    while let Some(rel) = text.get(pos..).and_then(|s| s.find('<')) {
        let start = pos.saturating_add(rel);
        let Some(len) = text.get(start..).and_then(|s| s.find('>')) else {
            return Err(bad(start, "a tag is not closed with '>'".into()));
        };
        let end = start.saturating_add(len);
        let tag = text.get(start.saturating_add(1)..end).unwrap_or("");
        pos = end.saturating_add(1);
        let name = tag
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if name != "Cube" && !name.ends_with(":Cube") {
            continue;
        }
        if let Some(time) = attr(tag, "time") {
            let date = NaiveDate::parse_from_str(time, "%Y-%m-%d")
                .map_err(|_| bad(start, format!("time {time:?} is not a date yyyy-mm-dd")))?;
            if let Some((d, line, rates)) = current.take() {
                days.push(ReferenceRates::build(
                    FORMAT,
                    line,
                    Currency::from_iso(iso_currency::Currency::EUR),
                    d,
                    Arc::clone(&source),
                    Some(Arc::clone(&citation)),
                    rates,
                )?);
            }
            current = Some((date, lines.line_at(text, start), Vec::new()));
        } else if let Some(code) = attr(tag, "currency") {
            let currency: Currency = code
                .parse()
                .map_err(|e| bad(start, format!("currency {code:?}: {e}")))?;
            let Some(rate) = attr(tag, "rate") else {
                return Err(bad(start, format!("{currency} has no rate attribute")));
            };
            let rate: Decimal = Decimal::from_str_exact(rate).map_err(|_| {
                bad(
                    start,
                    format!("rate {rate:?} of {currency} is not a decimal"),
                )
            })?;
            let Some((_, _, rates)) = current.as_mut() else {
                return Err(bad(
                    start,
                    format!("{currency} appears outside a dated <Cube time='…'>"),
                ));
            };
            if rates.iter().any(|(c, _)| *c == currency) {
                return Err(bad(start, format!("{currency} is listed twice in one day")));
            }
            rates.push((currency, rate));
        }
    }
    if let Some((d, line, rates)) = current.take() {
        days.push(ReferenceRates::build(
            FORMAT,
            line,
            Currency::from_iso(iso_currency::Currency::EUR),
            d,
            Arc::clone(&source),
            Some(Arc::clone(&citation)),
            rates,
        )?);
    }
    if days.is_empty() {
        return Err(bad(0, "no <Cube time='…'> with rates found".into()));
    }
    Ok(days)
}

/// Reads every day of an ECB CSV file: the daily `eurofxref.csv` (`Date, USD, JPY, …` then
/// `21 October 2025, 1.1607, 176.45, …`) or the history layout with ISO dates and `N/A` for
/// currencies not published that day (left out of that day's table, as the ECB did).
///
/// # Errors
/// [`Error::MalformedRates`] naming the line: no `Date` header, a row with more values than
/// the header, a bad date, currency or decimal.
pub fn parse_ecb_csv(text: &str) -> Result<Vec<ReferenceRates>, Error> {
    parse_csv_layout(
        text,
        "ECB CSV",
        Currency::from_iso(iso_currency::Currency::EUR),
        &Arc::from(ECB),
        &Arc::from(ECB_CITATION),
    )
    .map(|days| days.into_iter().map(|(_, t)| t).collect())
}

/// Reads a CSV in the ECB's layout (see [`parse_ecb_csv`]) for any pivot and source, each
/// day with its 1-based line in `text` (the line numbers of errors count the same way).
fn parse_csv_layout(
    text: &str,
    format: &'static str,
    pivot: Currency,
    source: &Arc<str>,
    citation: &Arc<str>,
) -> Result<Vec<(usize, ReferenceRates)>, Error> {
    let bad = |line: usize, reason: String| Error::MalformedRates {
        format,
        line,
        reason,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i.saturating_add(1), l.trim_start_matches('\u{feff}')))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((hline, header)) = lines.next() else {
        return Err(bad(1, "the file is empty".into()));
    };
    let mut cols = header.split(',').map(str::trim);
    if cols.next() != Some("Date") {
        return Err(bad(
            hline,
            "the first column must be `Date` (the ECB layout: Date, USD, JPY, …)".into(),
        ));
    }
    let currencies = cols
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<Currency>()
                .map_err(|e| bad(hline, format!("column {c:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut days = Vec::new();
    for (n, line) in lines {
        let mut cells = line.split(',').map(str::trim);
        let date_text = cells.next().unwrap_or("");
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(date_text, "%d %B %Y"))
            .map_err(|_| {
                bad(
                    n,
                    format!(
                        "date {date_text:?} is neither yyyy-mm-dd nor the ECB's \"21 October 2025\""
                    ),
                )
            })?;
        let values: Vec<&str> = cells.collect();
        // The ECB's files end every line with a comma: one empty cell more than the header.
        let values = match values.split_last() {
            Some((&"", rest)) => rest,
            _ => values.as_slice(),
        };
        if values.len() != currencies.len() {
            return Err(bad(
                n,
                format!(
                    "{} values for {} currencies in the header",
                    values.len(),
                    currencies.len()
                ),
            ));
        }
        let mut rates = Vec::with_capacity(values.len());
        for (currency, v) in currencies.iter().zip(values) {
            if v.is_empty() || *v == "N/A" {
                continue;
            }
            let rate = Decimal::from_str_exact(v)
                .map_err(|_| bad(n, format!("rate {v:?} of {currency} is not a decimal")))?;
            rates.push((*currency, rate));
        }
        days.push((
            n,
            ReferenceRates::build(
                format,
                n,
                pivot,
                date,
                Arc::clone(source),
                Some(Arc::clone(citation)),
                rates,
            )?,
        ));
    }
    if days.is_empty() {
        return Err(bad(hline, "no row of rates under the header".into()));
    }
    Ok(days)
}

/// `[[reference_rates]]`: one published table.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceRatesRow {
    source: String,
    pivot: Currency,
    #[serde(with = "crate::serde_util::date_str")]
    as_of: NaiveDate,
    citation: String,
    rates: BTreeMap<Currency, DecimalStr>,
}

/// `[[reference_rates_csv]]`: a series of published tables, one per line of a CSV in the
/// ECB's layout (`Date,USD,JPY,…` then one line per publication day, `N/A` where a currency
/// was not quoted).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceRatesCsvRow {
    source: String,
    pivot: Currency,
    citation: String,
    csv: toml::Spanned<String>,
}

/// `[[rate_source]]`: the staleness policy of a rate source.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RateSourceRow {
    name: String,
    max_age_days: u32,
    #[serde(with = "crate::serde_util::date_str")]
    effective_from: NaiveDate,
    #[serde(default, with = "crate::serde_util::opt_date_str")]
    effective_to: Option<NaiveDate>,
    source: String,
}

/// A rate source's policy in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RateSourcePolicy {
    name: String,
    max_age_days: u32,
}

impl DatedRow for RateSourceRow {
    type Value = RateSourcePolicy;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<RateSourcePolicy>> {
        Validity {
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            source: self.source,
        }
        .wrap(
            at,
            RateSourcePolicy {
                name: self.name,
                max_age_days: self.max_age_days,
            },
            problems,
        )
    }
}

/// `[[price_ending]]`: the presentment ending of a currency, optionally for one market.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceEndingRow {
    currency: Currency,
    #[serde(default)]
    market: Option<CountryCode>,
    ending: PriceEnding,
    #[serde(with = "crate::serde_util::date_str")]
    effective_from: NaiveDate,
    #[serde(default, with = "crate::serde_util::opt_date_str")]
    effective_to: Option<NaiveDate>,
    source: String,
}

/// A price-ending row in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndingValue {
    currency: Currency,
    market: Option<CountryCode>,
    ending: PriceEnding,
}

impl DatedRow for PriceEndingRow {
    type Value = EndingValue;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<EndingValue>> {
        // Check the rule against the currency's ISO minor unit now, so a broken ending is a
        // load error with a line number, not a surprise at checkout.
        if let Some(scale) = self.currency.exponent()
            && let Err(e) = self.ending.compile(scale, "ending")
        {
            problems.push(at.problem(ProblemKind::BadValue, e.to_string()));
            return None;
        }
        Validity {
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            source: self.source,
        }
        .wrap(
            at,
            EndingValue {
                currency: self.currency,
                market: self.market,
                ending: self.ending,
            },
            problems,
        )
    }
}

/// Rows of the FX sections, collected across files.
#[derive(Default)]
pub(crate) struct FxRows {
    reference: Vec<(Location, ReferenceRates)>,
    sources: Vec<RawDated<RateSourcePolicy>>,
    endings: Vec<RawDated<EndingValue>>,
}

/// The section names this module reads.
pub(crate) const SECTIONS: &[&str] = &[
    "reference_rates",
    "reference_rates_csv",
    "rate_source",
    "price_ending",
];

impl FxRows {
    /// One `[[reference_rates_csv]]` row: every day of its CSV becomes a table located at its
    /// own line of the data file, so that a bad value or a repeated day names that line.
    fn read_csv_row(
        &mut self,
        reader: &FileReader<'_>,
        at: Location,
        row: ReferenceRatesCsvRow,
        problems: &mut Vec<DataProblem>,
    ) {
        if row.source.trim().is_empty() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                "source is empty; name the publisher, e.g. \"ECB\"".to_owned(),
            ));
            return;
        }
        // The line of the data file where the CSV's first line is: the line of the opening
        // quotes, plus one when (as TOML does) the newline right after them is dropped.
        let start = row.csv.span().start;
        let opening = reader.location(start).line;
        let skips_newline = reader
            .text
            .get(start..)
            .map(|t| t.trim_start_matches(['\'', '"']))
            .is_some_and(|t| t.starts_with('\n') || t.starts_with("\r\n"));
        let first = if skips_newline {
            opening.saturating_add(1)
        } else {
            opening
        };
        let file_line = |n: usize| first.saturating_add(n.saturating_sub(1));
        let source: Arc<str> = Arc::from(row.source);
        let citation: Arc<str> = Arc::from(row.citation);
        match parse_csv_layout(
            row.csv.get_ref(),
            "reference_rates_csv",
            row.pivot,
            &source,
            &citation,
        ) {
            Ok(days) => self.reference.extend(days.into_iter().map(|(n, t)| {
                let mut day_at = at.clone();
                day_at.line = file_line(n);
                day_at.column = 1;
                (day_at, t)
            })),
            Err(Error::MalformedRates { line, reason, .. }) => {
                let mut bad_at = at;
                bad_at.line = file_line(line);
                bad_at.column = 1;
                problems.push(bad_at.problem(ProblemKind::BadValue, reason));
            }
            Err(e) => problems.push(at.problem(ProblemKind::BadValue, e.to_string())),
        }
    }

    pub(crate) fn read<'a>(
        &mut self,
        reader: &FileReader<'_>,
        section: &str,
        value: toml::Spanned<toml::de::DeValue<'a>>,
        problems: &mut Vec<DataProblem>,
    ) -> Result<(), toml::Spanned<toml::de::DeValue<'a>>> {
        match section {
            "reference_rates" => {
                for (at, row) in reader.plain_rows::<ReferenceRatesRow>(section, value, problems) {
                    let rates = row.rates.into_iter().map(|(c, r)| (c, r.0));
                    match ReferenceRates::build(
                        "reference_rates",
                        at.line,
                        row.pivot,
                        row.as_of,
                        Arc::from(row.source),
                        Some(Arc::from(row.citation)),
                        rates,
                    ) {
                        Ok(t) => self.reference.push((at, t)),
                        Err(e) => problems.push(at.problem(ProblemKind::BadValue, e.to_string())),
                    }
                }
            }
            "reference_rates_csv" => {
                for (at, row) in reader.plain_rows::<ReferenceRatesCsvRow>(section, value, problems)
                {
                    self.read_csv_row(reader, at, row, problems);
                }
            }
            "rate_source" => self
                .sources
                .extend(reader.rows::<RateSourceRow>(section, value, problems)),
            "price_ending" => self
                .endings
                .extend(reader.rows::<PriceEndingRow>(section, value, problems)),
            _ => return Err(value),
        }
        Ok(())
    }
}

/// FX reference data, validated.
#[derive(Debug, Clone, Default)]
pub(crate) struct FxTables {
    /// Tables per source, sorted by `as_of`.
    reference: HashMap<String, Vec<Arc<ReferenceRates>>>,
    sources: SeriesMap<String, RateSourcePolicy>,
    endings: SeriesMap<(Currency, Option<CountryCode>), EndingValue>,
}

impl FxTables {
    pub(crate) fn build(rows: FxRows, problems: &mut Vec<DataProblem>) -> Self {
        let mut reference: HashMap<String, Vec<(Location, Arc<ReferenceRates>)>> = HashMap::new();
        for (at, t) in rows.reference {
            reference
                .entry(t.source.to_string())
                .or_default()
                .push((at, Arc::new(t)));
        }
        let reference = reference
            .into_iter()
            .map(|(name, mut tables)| {
                tables.sort_by_key(|(_, t)| t.as_of);
                for pair in tables.windows(2) {
                    if let [(_, a), (at, b)] = pair
                        && a.as_of == b.as_of
                    {
                        problems.push(at.problem(
                            ProblemKind::Overlap,
                            format!(
                                "a second {name} table for {}; keep one table per source and date",
                                b.as_of
                            ),
                        ));
                    }
                }
                (name, tables.into_iter().map(|(_, t)| t).collect())
            })
            .collect();
        Self {
            reference,
            sources: build_series(
                rows.sources,
                |v| v.name.clone(),
                |n| format!("rate source {n}"),
                problems,
            ),
            endings: build_series(
                rows.endings,
                |v| (v.currency, v.market),
                |(c, m)| match m {
                    Some(m) => format!("price ending {c} in {m}"),
                    None => format!("price ending {c}"),
                },
                problems,
            ),
        }
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for (k, v) in &other.reference {
            self.reference.insert(k.clone(), v.clone());
        }
        for (k, v) in &other.sources {
            self.sources.insert(k.clone(), v.clone());
        }
        for (k, v) in &other.endings {
            self.endings.insert(*k, v.clone());
        }
    }
}

/// A price ending found in the data, with its provenance.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct EndingRecord<'a> {
    /// The ending.
    pub ending: &'a PriceEnding,
    /// The market the row is for (`None`: every market of the currency).
    pub market: Option<CountryCode>,
    /// The row's period.
    pub period: Period,
    /// The row's source.
    pub source: &'a str,
    /// The data it was read from.
    pub data_version: &'a DataVersion,
}

impl RateTables {
    /// The newest `source` reference table published on or before `on` (the ECB publishes on
    /// TARGET working days only, so a Saturday gets Friday's table, and 25 December the 24th's).
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when no table of that source is loaded;
    /// [`Error::NoRateInForce`] when every table is dated after `on`.
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let tables = RateTables::embedded()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2025, 10, 25).ok_or("date")?; // a Saturday
    /// let ecb = tables.reference_rates("ECB", day)?;
    /// assert_eq!(ecb.as_of().to_string(), "2025-10-24"); // Friday's publication
    /// assert_eq!(ecb.rate("USD".parse()?)?.to_string(), "1.1612");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reference_rates(
        &self,
        source: &str,
        on: NaiveDate,
    ) -> Result<&Arc<ReferenceRates>, Error> {
        let tables = self
            .fx
            .reference
            .get(source)
            .ok_or_else(|| Error::UnknownSeries {
                table: "reference_rates",
                key: source.to_owned(),
            })?;
        let idx = tables.partition_point(|t| t.as_of <= on);
        idx.checked_sub(1)
            .and_then(|i| tables.get(i))
            .ok_or_else(|| Error::NoRateInForce {
                table: "reference_rates",
                key: source.to_owned(),
                date: on,
                coverage: crate::error::Coverage {
                    from: tables.first().map_or(NaiveDate::MIN, |t| t.as_of),
                    until: None,
                },
            })
    }

    /// The newest `source` reference table loaded.
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when no table of that source is loaded.
    pub fn latest_reference_rates(&self, source: &str) -> Result<&Arc<ReferenceRates>, Error> {
        self.fx
            .reference
            .get(source)
            .and_then(|t| t.last())
            .ok_or_else(|| Error::UnknownSeries {
                table: "reference_rates",
                key: source.to_owned(),
            })
    }

    /// The maximum age in days of `source`'s rates in force on `date` (`[[rate_source]]`).
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when the source has no policy row;
    /// [`Error::NoRateInForce`] when the date is outside its rows.
    pub fn max_rate_age_days(&self, source: &str, date: NaiveDate) -> Result<u32, Error> {
        row_at(
            self.fx.sources.get(source),
            "rate_source",
            || source.to_owned(),
            date,
        )
        .map(|r| r.value.max_age_days)
    }

    /// The presentment price ending of `currency` on `date`: the row for `market` when there
    /// is one, else the currency's row for every market.
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when neither exists; [`Error::NoRateInForce`] when the date is
    /// outside the rows.
    pub fn price_ending(
        &self,
        currency: Currency,
        market: Option<CountryCode>,
        date: NaiveDate,
    ) -> Result<EndingRecord<'_>, Error> {
        let series = market
            .and_then(|m| self.fx.endings.get(&(currency, Some(m))))
            .or_else(|| self.fx.endings.get(&(currency, None)));
        let row = row_at(
            series,
            "price_ending",
            || match market {
                Some(m) => format!("{currency} (market {m})"),
                None => currency.to_string(),
            },
            date,
        )?;
        Ok(EndingRecord {
            ending: &row.value.ending,
            market: row.value.market,
            period: row.period,
            source: &row.source,
            data_version: &self.version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_in_either_quote_style() {
        assert_eq!(attr("Cube currency='USD' rate='1.1'/", "rate"), Some("1.1"));
        assert_eq!(attr("Cube currency=\"USD\"", "currency"), Some("USD"));
        assert_eq!(attr("Cube time='2025-10-21'", "rate"), None);
        // `rate` inside another attribute's name is not `rate`.
        assert_eq!(attr("Cube xrate='1' rate='2'", "rate"), Some("2"));
    }
}
