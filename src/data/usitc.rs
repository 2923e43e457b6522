//! An importer for the JSON export of the Harmonized Tariff Schedule of the United States
//! published by the U.S. International Trade Commission (USITC).
//!
//! The export is one JSON array with a record per line of the schedule (`htsno`, `indent`,
//! `description`, `general`, …). [`import_hts_json`] reads the general (column 1, MFN) rate of
//! every eight-digit line, parses it into a [`ParsedRate`] and lists every text it could not
//! parse or cannot encode in the crate's [`TariffRate`] model yet, so nothing is skipped
//! silently.
//!
//! Ref: USITC, Harmonized Tariff Schedule of the United States, JSON export
//! (<https://hts.usitc.gov/>), US government work in the public domain.

use core::fmt;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{DataError, DataProblem, ProblemKind};
use super::tariff::{Specific, SpecificPer, TariffRate};
use crate::codes::{CountryCode, Currency, HsCode, Territory};

/// The unit a specific US duty is charged per, as written in the general column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum RateUnit {
    /// Per kilogram (`¢/kg`, `$/kg`).
    Kg,
    /// Per piece (`¢ each`, `$ each`, `¢/article`).
    Each,
    /// Per dozen (`¢/doz.`).
    Dozen,
    /// Per pair (`¢/pr.`).
    Pair,
    /// Per liter (`¢/liter`).
    Liter,
    /// Per proof liter of alcohol (`¢/pf.liter`).
    ProofLiter,
    /// Per square meter (`¢/m2`, `¢/m²`).
    SquareMeter,
    /// Per cubic meter (`$/m3`).
    CubicMeter,
    /// Per barrel (`¢/bbl`).
    Barrel,
    /// Per gross of 144 pieces (`¢/gross`).
    Gross,
    /// Per metric ton (`$/t`).
    Tonne,
    /// Per head of livestock (`¢/head`).
    Head,
    /// Per thousand pieces (`¢/1000`, `¢/thousand`, `¢/1,000 pins`).
    Thousand,
    /// Per jewel of a watch movement (`¢/jewel`).
    Jewel,
}

impl RateUnit {
    /// The unit's short name, e.g. `kg`, `each`, `doz`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Kg => "kg",
            Self::Each => "each",
            Self::Dozen => "doz",
            Self::Pair => "pr",
            Self::Liter => "liter",
            Self::ProofLiter => "pf.liter",
            Self::SquareMeter => "m2",
            Self::CubicMeter => "m3",
            Self::Barrel => "bbl",
            Self::Gross => "gross",
            Self::Tonne => "t",
            Self::Head => "head",
            Self::Thousand => "thousand",
            Self::Jewel => "jewel",
        }
    }

    /// The unit in the crate's tariff model (a piece is a unit).
    pub const fn specific_per(self) -> SpecificPer {
        match self {
            Self::Kg => SpecificPer::Kg,
            Self::Each => SpecificPer::Unit,
            Self::Dozen => SpecificPer::Dozen,
            Self::Pair => SpecificPer::Pair,
            Self::Liter => SpecificPer::Liter,
            Self::ProofLiter => SpecificPer::ProofLiter,
            Self::SquareMeter => SpecificPer::SquareMeter,
            Self::CubicMeter => SpecificPer::CubicMeter,
            Self::Barrel => SpecificPer::Barrel,
            Self::Gross => SpecificPer::Gross,
            Self::Tonne => SpecificPer::Tonne,
            Self::Head => SpecificPer::Head,
            Self::Thousand => SpecificPer::Thousand,
            Self::Jewel => SpecificPer::Jewel,
        }
    }

    fn from_text(unit: &str) -> Option<Self> {
        Some(match unit.trim() {
            "kg" => Self::Kg,
            "each" | "article" => Self::Each,
            "doz." | "doz" => Self::Dozen,
            "pr." | "pr" => Self::Pair,
            "liter" => Self::Liter,
            "pf.liter" | "pf. liter" => Self::ProofLiter,
            "m2" | "m²" => Self::SquareMeter,
            "m3" | "m³" => Self::CubicMeter,
            "bbl" => Self::Barrel,
            "gross" => Self::Gross,
            "t" => Self::Tonne,
            "head" => Self::Head,
            "1000" | "1,000" | "thousand" | "1,000 pins" => Self::Thousand,
            "jewel" => Self::Jewel,
            _ => return None,
        })
    }
}

impl fmt::Display for RateUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A specific amount in US dollars per [`RateUnit`] (`1.9¢/kg` is 0.019 USD per kg).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnitAmount {
    /// The amount in US dollars (cents are converted exactly).
    pub amount_usd: Decimal,
    /// The unit it is charged per.
    pub unit: RateUnit,
}

/// A general-column rate, parsed: `Free`, ad valorem, specific, compound and min/max forms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ParsedRate {
    /// True for `Free`.
    pub free: bool,
    /// The ad valorem part in percent, if any.
    pub ad_valorem_percent: Option<Decimal>,
    /// The specific parts, in the order written (two for `4.4¢/liter + 31.4¢/pf. liter`).
    pub specific: Vec<UnitAmount>,
    /// A minimum duty (`… but not less than 5¢/kg`).
    pub min: Option<UnitAmount>,
    /// A maximum duty (`… but not more than 5¢/kg`).
    pub max: Option<UnitAmount>,
}

impl ParsedRate {
    /// The rate's form, for counts: `free`, `ad valorem`, `specific per kg`,
    /// `compound per kg + ad valorem`, `specific per liter + per pf.liter`, with
    /// ` + min per kg` / ` + max per kg` appended.
    pub fn form(&self) -> String {
        if self.free {
            return "free".to_owned();
        }
        let mut out = match (self.specific.is_empty(), self.ad_valorem_percent.is_some()) {
            (true, _) => "ad valorem".to_owned(),
            (false, av) => {
                let units: Vec<String> = self
                    .specific
                    .iter()
                    .map(|s| format!("per {}", s.unit))
                    .collect();
                let head = if av { "compound" } else { "specific" };
                let tail = if av { " + ad valorem" } else { "" };
                format!("{head} {}{tail}", units.join(" + "))
            }
        };
        if let Some(m) = self.min {
            out.push_str(&format!(" + min per {}", m.unit));
        }
        if let Some(m) = self.max {
            out.push_str(&format!(" + max per {}", m.unit));
        }
        out
    }

    /// The rate in the crate's tariff model (ad valorem, up to two specific parts, their sum,
    /// and a minimum or maximum in the first specific part's unit), or `None` when the form
    /// is not encodable (three specific parts, or a bound in another unit than the specific
    /// part's).
    pub fn encode(&self) -> Option<Encoded> {
        if self.free {
            return Some(Encoded {
                rate_percent: Some(Decimal::ZERO),
                ..Encoded::default()
            });
        }
        let usd = Currency::from_iso(iso_currency::Currency::USD);
        let to_specific = |u: UnitAmount| Specific {
            amount: u.amount_usd,
            currency: usd,
            per: u.unit.specific_per(),
        };
        let (specific, specific_2) = match self.specific.as_slice() {
            [] => (None, None),
            [one] => (Some(to_specific(*one)), None),
            [one, two] => (Some(to_specific(*one)), Some(to_specific(*two))),
            _ => return None,
        };
        // The model holds min and max in the specific part's unit (or, without one, in any
        // unit it knows); another unit could not be compared.
        let same_unit = |m: Option<UnitAmount>| -> Option<Option<Specific>> {
            match m {
                None => Some(None),
                Some(m) => {
                    let s = to_specific(m);
                    match specific {
                        Some(sp) if sp.per != s.per => None,
                        _ => Some(Some(s)),
                    }
                }
            }
        };
        let min = same_unit(self.min)?;
        let max = same_unit(self.max)?;
        if self.ad_valorem_percent.is_none() && specific.is_none() {
            return None;
        }
        Some(Encoded {
            rate_percent: self.ad_valorem_percent,
            specific,
            specific_2,
            min,
            max,
        })
    }
}

/// A parsed rate in the fields of a `[[tariff]]` data row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Encoded {
    /// `rate_percent` (`0` for `Free`).
    pub rate_percent: Option<Decimal>,
    /// `specific_amount`, `specific_currency`, `specific_per`.
    pub specific: Option<Specific>,
    /// `specific2_amount`, `specific2_per`: a second specific part, in the first one's
    /// currency.
    pub specific_2: Option<Specific>,
    /// `min_amount`.
    pub min: Option<Specific>,
    /// `max_amount`.
    pub max: Option<Specific>,
}

/// Why a general-column text is listed in [`HtsImport::problems`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HtsProblemKind {
    /// The text is not a rate form the parser knows (e.g. `The duty provided in the
    /// applicable subheading + 25%`, `2.5% on the value of the lead content`).
    Unparsed,
    /// The text parsed, but its form is not encodable in [`TariffRate`] yet; the form is named.
    NotEncodable(String),
    /// A statistical line under an eight-digit line gives a different text than the first
    /// one seen for that line; the first is kept.
    Conflicting {
        /// The text kept.
        kept: String,
    },
}

/// A general-column text the importer could not parse or cannot encode.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HtsProblem {
    /// The HTS number as written in the export (`9903.88.15`).
    pub htsno: String,
    /// The general-column text, as written.
    pub text: String,
    /// What is wrong.
    pub kind: HtsProblemKind,
}

impl fmt::Display for HtsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            HtsProblemKind::Unparsed => write!(f, "{}: unparsed: {:?}", self.htsno, self.text),
            HtsProblemKind::NotEncodable(form) => {
                write!(
                    f,
                    "{}: not encodable yet ({form}): {:?}",
                    self.htsno, self.text
                )
            }
            HtsProblemKind::Conflicting { kept } => write!(
                f,
                "{}: conflicting: {:?} differs from {kept:?} given above",
                self.htsno, self.text
            ),
        }
    }
}

/// One eight-digit line of the schedule with its parsed general rate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HtsLine {
    /// The eight-digit line; the rate holds for it and every statistical suffix below it.
    pub hs: HsCode,
    /// The HTS number of the record that carried the rate, as written (`6109.10.00`, or a
    /// ten-digit number where the export puts the rate on the statistical line).
    pub htsno: String,
    /// The description: the line's own text after its parents' (`Live horses…: Horses:
    /// Purebred breeding animals`).
    pub description: String,
    /// The general-column text, as written.
    pub general: String,
    /// The parsed rate.
    pub rate: ParsedRate,
    /// The chapter-99 headings (`9903.xx.xx`) named by the general-column footnotes of the
    /// record that carried the rate ("See 9903.88.15."), in order, without repeats.
    pub see: Vec<HsCode>,
}

impl HtsLine {
    /// The line as a US [`TariffRate`], when its form is encodable.
    pub fn tariff_rate(&self) -> Option<TariffRate> {
        let e = self.rate.encode()?;
        let us: CountryCode = "US".parse().ok()?;
        Some(TariffRate {
            territory: Territory::of_country(us),
            hs: self.hs,
            description: Arc::from(self.description.as_str()),
            rate_percent: e.rate_percent,
            specific: e.specific,
            limits: super::tariff::Limits::boxed(e.min, e.max, e.specific_2),
            see: Arc::from(self.see.as_slice()),
        })
    }
}

/// How many times each key occurs (the importers' counts of forms and columns).
pub(crate) fn tally<K: Ord>(keys: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    let mut out = BTreeMap::new();
    for k in keys {
        let n: &mut usize = out.entry(k).or_default();
        *n = n.saturating_add(1);
    }
    out
}

/// The result of [`import_hts_json`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct HtsImport {
    /// Every eight-digit line whose general text parsed, in schedule order (encodable or not:
    /// see [`ParsedRate::encode`]).
    pub lines: Vec<HtsLine>,
    /// Every text that did not parse or cannot be encoded, in schedule order.
    pub problems: Vec<HtsProblem>,
}

impl HtsImport {
    /// Number of parsed lines per [`ParsedRate::form`].
    pub fn counts(&self) -> BTreeMap<String, usize> {
        tally(self.lines.iter().map(|l| l.rate.form()))
    }

    /// The encodable lines as `[[tariff]]` rows of a data file (`schema_version = 1`,
    /// `territory = "US"`, `hs` the eight-digit line, `effective_from` the given date,
    /// `source` the given citation), ready for [`RateTables::from_toml_str`] or a dataset
    /// directory. The rows not encodable yet are left out: they are in
    /// [`HtsImport::problems`].
    ///
    /// [`RateTables::from_toml_str`]: crate::data::RateTables::from_toml_str
    pub fn tariff_toml(&self, effective_from: NaiveDate, source: &str) -> String {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = String::from("schema_version = 1\n");
        for (line, e) in self.encodable() {
            out.push_str("\n[[tariff]]\nterritory = \"US\"\n");
            out.push_str(&format!("hs = \"{}\"\n", line.hs));
            out.push_str(&format!("description = {}\n", quote(&line.description)));
            if let Some(p) = e.rate_percent {
                out.push_str(&format!("rate_percent = \"{}\"\n", p.normalize()));
            }
            if let Some(sp) = e.specific.or(e.min).or(e.max) {
                if let Some(s) = e.specific {
                    out.push_str(&format!("specific_amount = \"{}\"\n", s.amount.normalize()));
                }
                out.push_str(&format!("specific_currency = \"{}\"\n", sp.currency.code()));
                out.push_str(&format!("specific_per = \"{}\"\n", sp.per));
            }
            if let Some(s) = e.specific_2 {
                out.push_str(&format!(
                    "specific2_amount = \"{}\"\n",
                    s.amount.normalize()
                ));
                out.push_str(&format!("specific2_per = \"{}\"\n", s.per));
            }
            if let Some(m) = e.min {
                out.push_str(&format!("min_amount = \"{}\"\n", m.amount.normalize()));
            }
            if let Some(m) = e.max {
                out.push_str(&format!("max_amount = \"{}\"\n", m.amount.normalize()));
            }
            out.push_str(&format!("effective_from = \"{effective_from}\"\n"));
            let cite = format!("{source}: {} general {:?}", line.htsno, line.general.trim());
            out.push_str(&format!("source = {}\n", quote(&cite)));
        }
        out
    }

    /// The lines whose rate is encodable, with it.
    pub fn encodable(&self) -> impl Iterator<Item = (&HtsLine, Encoded)> {
        self.lines
            .iter()
            .filter_map(|l| l.rate.encode().map(|e| (l, e)))
    }
}

/// One edition of the schedule, for [`HtsImport::merge_editions`]: its import, its name
/// (`2026 Revision 10`) and the date it took effect.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct HtsEdition<'a> {
    /// The edition's lines.
    pub import: &'a HtsImport,
    /// Its name, cited in each row's source.
    pub name: &'a str,
    /// The day it took effect.
    pub effective_from: NaiveDate,
}

impl<'a> HtsEdition<'a> {
    /// An edition: its import, name and effective date.
    pub const fn new(import: &'a HtsImport, name: &'a str, effective_from: NaiveDate) -> Self {
        Self {
            import,
            name,
            effective_from,
        }
    }
}

/// A dated row of a line's series, from [`HtsImport::merge_editions`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HtsSeriesRow {
    /// The line as read in the last edition of the row (its description and text).
    pub line: HtsLine,
    /// The rate, the same in every edition of the row.
    pub encoded: Encoded,
    /// The chapter-99 headings of the row: every heading any of its editions names, in the
    /// order first seen (footnotes are informational, so a change in them alone does not
    /// start a new row).
    pub see: Vec<HsCode>,
    /// The first day: the date of the first edition of the row.
    pub effective_from: NaiveDate,
    /// The last day (inclusive): the day before the first later edition that changes the
    /// rate or lacks the line; `None` while the last edition has it.
    pub effective_to: Option<NaiveDate>,
    /// The names of the editions the row was read from, oldest first.
    pub editions: Vec<String>,
}

/// Dated series of a schedule's lines across editions, from [`HtsImport::merge_editions`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct HtsSeries {
    /// The rows, by HS code then date.
    pub rows: Vec<HtsSeriesRow>,
}

impl HtsImport {
    /// Merges editions of the schedule into dated series of the encodable lines (those
    /// whose rate [`ParsedRate::encode`] accepts) of chapters 1 to 98. Chapter 99 is left
    /// out: its lines are not goods but the headings of additional duties and temporary
    /// provisions (9903.88.15, Section 301 List 4A), whose general text is the additional
    /// rate; those duties are `[[additional_duty]]` rows.
    ///
    /// Editions are taken in date order. A rate unchanged across editions is one row, from
    /// the first edition's date, citing every edition it was read from. A changed rate
    /// starts a new row on the later edition's date and closes the previous row the day
    /// before. A line that a later edition lacks (or whose rate it gives in a form not
    /// encodable) is closed the day before that edition.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) when two editions have the same
    /// date, or no edition is given.
    ///
    /// # Example
    /// ```
    /// use landed::data::{HtsEdition, HtsImport, import_hts_json};
    /// let old = import_hts_json(r#"[{"htsno": "6109.10.00", "general": "16.5%"},
    ///   {"htsno": "6109.90.10", "general": "32%"}]"#)?;
    /// let new = import_hts_json(r#"[{"htsno": "6109.10.00", "general": "16.5%"},
    ///   {"htsno": "6109.90.10", "general": "28.2%"}]"#)?;
    /// let series = HtsImport::merge_editions(&[
    ///     HtsEdition::new(&old, "2025 Basic Edition", "2025-01-01".parse()?),
    ///     HtsEdition::new(&new, "2026 Basic Edition", "2026-01-01".parse()?),
    /// ])?;
    /// assert_eq!(series.rows.len(), 3);
    /// assert_eq!(series.rows[0].editions.len(), 2);
    /// assert_eq!(series.rows[1].effective_to, Some("2025-12-31".parse()?));
    /// assert_eq!(series.rows[2].effective_from, "2026-01-01".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge_editions(editions: &[HtsEdition<'_>]) -> Result<HtsSeries, crate::Error> {
        let mut sorted: Vec<&HtsEdition<'_>> = editions.iter().collect();
        sorted.sort_by_key(|e| e.effective_from);
        if sorted.is_empty() {
            return Err(crate::Error::input(
                "editions",
                "is empty; give at least one",
            ));
        }
        if let Some(w) = sorted
            .windows(2)
            .find(|w| w.first().map(|e| e.effective_from) == w.get(1).map(|e| e.effective_from))
        {
            let names: Vec<&str> = w.iter().map(|e| e.name).collect();
            return Err(crate::Error::input(
                "editions",
                format!(
                    "{} share a date; give each edition its own effective date",
                    names.join(" and ")
                ),
            ));
        }
        let mut open: BTreeMap<HsCode, HtsSeriesRow> = BTreeMap::new();
        let mut done: Vec<HtsSeriesRow> = Vec::new();
        for ed in sorted {
            let day_before = ed.effective_from.pred_opt();
            let mut seen: BTreeMap<HsCode, ()> = BTreeMap::new();
            for (line, encoded) in ed
                .import
                .encodable()
                .filter(|(l, _)| !l.hs.as_str().starts_with("99"))
            {
                seen.insert(line.hs, ());
                match open.get_mut(&line.hs) {
                    Some(row) if row.encoded == encoded => {
                        row.editions.push(ed.name.to_owned());
                        for h in &line.see {
                            if !row.see.contains(h) {
                                row.see.push(*h);
                            }
                        }
                        row.line = line.clone();
                        continue;
                    }
                    Some(_) => {
                        if let Some(mut row) = open.remove(&line.hs) {
                            row.effective_to = day_before;
                            done.push(row);
                        }
                    }
                    None => {}
                }
                open.insert(
                    line.hs,
                    HtsSeriesRow {
                        line: line.clone(),
                        encoded,
                        see: line.see.clone(),
                        effective_from: ed.effective_from,
                        effective_to: None,
                        editions: vec![ed.name.to_owned()],
                    },
                );
            }
            let gone: Vec<HsCode> = open
                .keys()
                .filter(|hs| !seen.contains_key(hs))
                .copied()
                .collect();
            for hs in gone {
                if let Some(mut row) = open.remove(&hs) {
                    row.effective_to = day_before;
                    done.push(row);
                }
            }
        }
        done.extend(open.into_values());
        done.sort_by_key(|r| (r.line.hs, r.effective_from));
        Ok(HtsSeries { rows: done })
    }
}

/// The columns of a `tariff` CSV file, in the order [`HtsSeries::tariff_csv`] writes them.
pub const TARIFF_CSV_COLUMNS: &str = "territory,hs,description,rate_percent,specific_amount,specific_currency,specific_per,specific2_amount,specific2_per,min_amount,max_amount,see,effective_from,effective_to,source";

impl Encoded {
    /// The rate's cells of a tariff CSV row, from `rate_percent` to `max_amount` in the
    /// order of [`TARIFF_CSV_COLUMNS`] (empty where absent).
    pub(crate) fn csv_cells(&self) -> [String; 8] {
        let num = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
        let unit = self.specific.or(self.min).or(self.max);
        [
            num(self.rate_percent),
            num(self.specific.map(|s| s.amount)),
            unit.map(|s| s.currency.code().to_owned())
                .unwrap_or_default(),
            unit.map(|s| s.per.to_string()).unwrap_or_default(),
            num(self.specific_2.map(|s| s.amount)),
            self.specific_2
                .map(|s| s.per.to_string())
                .unwrap_or_default(),
            num(self.min.map(|s| s.amount)),
            num(self.max.map(|s| s.amount)),
        ]
    }
}

/// A CSV cell: quoted (quotes doubled) when it holds a comma, quote or line break.
pub(crate) fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A chapter-99 heading as written in the schedule: `9903.88.15`.
fn dotted(hs: &HsCode) -> String {
    let s = hs.as_str();
    match (s.get(..4), s.get(4..6), s.get(6..)) {
        (Some(a), Some(b), Some(c)) if !c.is_empty() => format!("{a}.{b}.{c}"),
        _ => s.to_owned(),
    }
}

impl HtsSeries {
    /// Number of lines (HS codes) with more than one row: a rate that changed, or a line
    /// that disappeared and came back.
    pub fn changed_lines(&self) -> usize {
        let mut out = 0usize;
        let mut prev: Option<HsCode> = None;
        let mut counted: Option<HsCode> = None;
        for r in &self.rows {
            if prev == Some(r.line.hs) && counted != Some(r.line.hs) {
                out = out.saturating_add(1);
                counted = Some(r.line.hs);
            }
            prev = Some(r.line.hs);
        }
        out
    }

    /// The rows as a `landed-csv` file of section `tariff` for territory US: the
    /// `# landed-csv` line, `comments` (each line written after `# `), the header
    /// ([`TARIFF_CSV_COLUMNS`]) and a row per series row. Each row's source is
    /// `{publisher} ({editions}), {what}` with the editions it was read from, so rows read
    /// from the same editions share one source text.
    pub fn tariff_csv(&self, comments: &str, publisher: &str, what: &str) -> String {
        let mut out = String::from("# landed-csv section=tariff territory=US schema=1\n");
        for c in comments.lines() {
            out.push_str(if c.is_empty() { "#" } else { "# " });
            out.push_str(c);
            out.push('\n');
        }
        // Each distinct source is written once, as a citation the rows name (`@eN`).
        let source_of =
            |r: &HtsSeriesRow| format!("{publisher} ({}), {what}", r.editions.join("; "));
        let mut cites: Vec<String> = Vec::new();
        for r in &self.rows {
            let s = source_of(r);
            if !cites.contains(&s) {
                cites.push(s);
            }
        }
        out.push_str("# Citations: a source cell @eN stands for the text of its line below.\n");
        for (i, c) in cites.iter().enumerate() {
            out.push_str(&format!("# cite @e{}: {c}\n", i.saturating_add(1)));
        }
        out.push_str(TARIFF_CSV_COLUMNS);
        out.push('\n');
        for r in &self.rows {
            let see: Vec<String> = r.see.iter().map(dotted).collect();
            let text = source_of(r);
            let source = cites
                .iter()
                .position(|c| *c == text)
                .map_or(text, |i| format!("@e{}", i.saturating_add(1)));
            let head = [
                "US".to_owned(),
                r.line.hs.to_string(),
                csv_cell(&r.line.description),
            ];
            let tail = [
                see.join(" "),
                r.effective_from.to_string(),
                r.effective_to.map(|d| d.to_string()).unwrap_or_default(),
                csv_cell(&source),
            ];
            push_csv_row(&mut out, &head, &r.encoded, &tail);
        }
        out
    }
}

/// Appends a tariff CSV row: the cells before the rate, the rate's (see
/// [`Encoded::csv_cells`]) and the cells after it, in the order of [`TARIFF_CSV_COLUMNS`].
pub(crate) fn push_csv_row(
    out: &mut String,
    head: &[String; 3],
    rate: &Encoded,
    tail: &[String; 4],
) {
    let rate = rate.csv_cells();
    let cells: Vec<&str> = head
        .iter()
        .chain(rate.iter())
        .chain(tail.iter())
        .map(String::as_str)
        .collect();
    out.push_str(&cells.join(","));
    out.push('\n');
}

/// One record of the export; fields it does not need are ignored, because USITC adds fields
/// (the export carries both `additionalDuties` and a misspelt `addiitionalDuties`).
#[derive(serde::Deserialize)]
struct Record {
    #[serde(default)]
    htsno: Option<String>,
    #[serde(default)]
    indent: Option<serde_json::Value>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    general: Option<String>,
    #[serde(default)]
    footnotes: Option<Vec<Footnote>>,
}

/// A footnote of a record: the columns it is attached to and its text.
#[derive(serde::Deserialize)]
struct Footnote {
    #[serde(default)]
    columns: Vec<String>,
    #[serde(default)]
    value: String,
}

/// The chapter-99 headings `9903.xx.xx` a general-column footnote names, in order and
/// without repeats (a `9817.xx.xx` heading or a note is not an additional duty heading).
fn see_headings(footnotes: &[Footnote]) -> Vec<HsCode> {
    let mut out: Vec<HsCode> = Vec::new();
    for f in footnotes
        .iter()
        .filter(|f| f.columns.iter().any(|c| c == "general"))
    {
        let v = f.value.as_bytes();
        let mut i = 0usize;
        while let Some(rest) = v.get(i..) {
            // `9903.dd.dd` not preceded by a digit or dot and not followed by `.d` (a ten-digit
            // statistical number).
            let is = |j: usize, f: fn(&u8) -> bool| rest.get(j).is_some_and(f);
            let digit = |b: &u8| b.is_ascii_digit();
            let dot = |b: &u8| *b == b'.';
            let starts = rest.starts_with(b"9903.")
                && is(5, digit)
                && is(6, digit)
                && is(7, dot)
                && is(8, digit)
                && is(9, digit)
                && !(is(10, dot) && is(11, digit))
                && !is(10, digit)
                && i.checked_sub(1)
                    .and_then(|p| v.get(p))
                    .is_none_or(|b| !(b.is_ascii_digit() || *b == b'.'));
            if starts
                && let Some(code) = rest
                    .get(..10)
                    .and_then(|c| core::str::from_utf8(c).ok())
                    .and_then(|c| c.parse::<HsCode>().ok())
                && !out.contains(&code)
            {
                out.push(code);
            }
            i = i.saturating_add(1);
            if i > v.len() {
                break;
            }
        }
    }
    out
}

fn indent_of(v: Option<&serde_json::Value>) -> usize {
    match v {
        Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0),
        _ => 0,
    }
}

/// Reads USITC's HTS JSON export and returns every eight-digit line's parsed general rate,
/// plus every general text it could not parse or cannot encode.
///
/// A rate on a ten-digit statistical line is the rate of its eight-digit line; a text on a
/// heading (fewer than eight digits) is not a rate and is listed as unparsed.
///
/// # Example
/// ```
/// let json = r#"[{"htsno": "6109", "indent": "0", "description": "T-shirts:", "general": ""},
///   {"htsno": "6109.10.00", "indent": "1", "description": "Of cotton", "general": "16.5%"}]"#;
/// let import = landed::data::import_hts_json(json)?;
/// assert_eq!(import.lines[0].hs.as_str(), "61091000");
/// assert_eq!(import.lines[0].rate.ad_valorem_percent, Some("16.5".parse()?));
/// assert!(import.problems.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A [`DataError`] with one [`ProblemKind::Syntax`] problem when the text is not a JSON array
/// of records.
pub fn import_hts_json(text: &str) -> Result<HtsImport, DataError> {
    let records: Vec<Record> = serde_json::from_str(text).map_err(|e| DataError {
        problems: vec![DataProblem {
            file: "usitc.json".to_owned(),
            line: e.line(),
            column: e.column(),
            kind: ProblemKind::Syntax,
            message: format!("not a USITC HTS JSON export: {e}"),
        }],
    })?;
    let mut out = HtsImport::default();
    // The descriptions of the open parents, by indent.
    let mut parents: Vec<(usize, String)> = Vec::new();
    let mut seen: BTreeMap<HsCode, String> = BTreeMap::new();
    for r in records {
        let indent = indent_of(r.indent.as_ref());
        let desc = r.description.unwrap_or_default();
        let desc = desc.trim();
        while parents.last().is_some_and(|(i, _)| *i >= indent) {
            parents.pop();
        }
        let mut full: Vec<&str> = parents.iter().map(|(_, d)| d.as_str()).collect();
        full.push(desc);
        let description = full.join(" ");
        parents.push((indent, desc.to_owned()));

        let general = r.general.unwrap_or_default();
        let text = general.trim();
        if text.is_empty() {
            continue;
        }
        let htsno = r.htsno.unwrap_or_default().trim().to_owned();
        let problem = |kind| HtsProblem {
            htsno: htsno.clone(),
            text: general.clone(),
            kind,
        };
        let hs8 = htsno.parse::<HsCode>().ok().and_then(|hs| hs.prefix(8));
        let Some(hs) = hs8 else {
            out.problems.push(problem(HtsProblemKind::Unparsed));
            continue;
        };
        if let Some(kept) = seen.get(&hs) {
            if kept.trim() != text {
                out.problems
                    .push(problem(HtsProblemKind::Conflicting { kept: kept.clone() }));
            }
            continue;
        }
        seen.insert(hs, general.clone());
        let Some(rate) = parse_general(text) else {
            out.problems.push(problem(HtsProblemKind::Unparsed));
            continue;
        };
        if rate.encode().is_none() {
            out.problems
                .push(problem(HtsProblemKind::NotEncodable(rate.form())));
        }
        out.lines.push(HtsLine {
            hs,
            htsno,
            description,
            general,
            rate,
            see: see_headings(r.footnotes.as_deref().unwrap_or(&[])),
        });
    }
    Ok(out)
}

/// Parses a decimal written with digits and at most one dot (no sign, no exponent).
fn decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    s.parse().ok()
}

/// One `¢/kg`, `$/kg`, `¢ each`, `$1.34/1000` amount, converted to US dollars.
fn unit_amount(term: &str) -> Option<UnitAmount> {
    let term = term.trim();
    let (number, cents, rest) = if let Some(rest) = term.strip_prefix('$') {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (n, r) = rest.split_at(end);
        (n, false, r)
    } else {
        let (n, r) = term.split_once('¢')?;
        (n, true, r)
    };
    let mut amount = decimal(number)?;
    if cents {
        amount = amount.checked_div(Decimal::ONE_HUNDRED)?;
    }
    let unit = if let Some(u) = rest.strip_prefix('/') {
        RateUnit::from_text(u)?
    } else if rest.trim() == "each" && rest.starts_with(' ') {
        RateUnit::Each
    } else {
        return None;
    };
    Some(UnitAmount {
        amount_usd: amount.normalize(),
        unit,
    })
}

/// Parses a general-column text: `Free`, `6.5%`, `1.9¢/kg`, `$1.13/m3`, `40¢ each`,
/// `3.5¢/kg + 5%`, `4.4¢/liter + 31.4¢/pf. liter`, and a trailing `but not less than …` or
/// `but not more than …` (a minimum or maximum). `None` for any other text.
///
/// # Example
/// ```
/// use landed::data::{RateUnit, parse_general};
/// let r = parse_general("3.5¢/kg + 5%").ok_or("unparsed")?;
/// assert_eq!(r.ad_valorem_percent, Some("5".parse()?));
/// assert_eq!(r.specific[0].amount_usd, "0.035".parse()?);
/// assert_eq!(r.specific[0].unit, RateUnit::Kg);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_general(text: &str) -> Option<ParsedRate> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("free") {
        return Some(ParsedRate {
            free: true,
            ..ParsedRate::default()
        });
    }
    let mut rate = ParsedRate::default();
    let mut body = text;
    for (marker, is_min) in [
        ("but not less than", true),
        ("but not more than", false),
        ("but not over", false),
    ] {
        if let Some((head, bound)) = body.split_once(marker) {
            let bound = unit_amount(bound)?;
            if is_min {
                rate.min = Some(bound);
            } else {
                rate.max = Some(bound);
            }
            body = head.trim().trim_end_matches(',').trim();
        }
    }
    for term in body.split('+') {
        let term = term.trim();
        if let Some(p) = term.strip_suffix('%') {
            if rate.ad_valorem_percent.is_some() {
                return None;
            }
            rate.ad_valorem_percent = Some(decimal(p)?);
        } else {
            rate.specific.push(unit_amount(term)?);
        }
    }
    if rate.ad_valorem_percent.is_none() && rate.specific.is_empty() {
        return None;
    }
    Some(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn one(text: &str) -> (Option<Decimal>, Vec<(Decimal, RateUnit)>) {
        let r = parse_general(text).unwrap();
        (
            r.ad_valorem_percent,
            r.specific.iter().map(|s| (s.amount_usd, s.unit)).collect(),
        )
    }

    // Every text below is copied from the 2026 Revision 10 export (line in the comment).

    #[test]
    fn free() {
        // 0101.21.00
        let r = parse_general("Free").unwrap();
        assert!(r.free);
        assert_eq!(r.form(), "free");
        assert_eq!(r.encode().unwrap().rate_percent, Some(Decimal::ZERO));
    }

    #[test]
    fn ad_valorem_with_trailing_space() {
        // 6109.10.00 and 2904.31.00.00 ("3.7% ")
        assert_eq!(one("16.5%"), (Some(d("16.5")), vec![]));
        assert_eq!(one("3.7% "), (Some(d("3.7")), vec![]));
        assert_eq!(parse_general("16.5%").unwrap().form(), "ad valorem");
    }

    #[test]
    fn cents_per_kg() {
        // 0201.10.05
        assert_eq!(one("4.4¢/kg"), (None, vec![(d("0.044"), RateUnit::Kg)]));
    }

    #[test]
    fn dollars_per_kg() {
        // 0401.50.75.00 and 0402.29.50.00
        assert_eq!(one("$1.646/kg"), (None, vec![(d("1.646"), RateUnit::Kg)]));
        assert_eq!(
            one("$1.104/kg + 14.9%"),
            (Some(d("14.9")), vec![(d("1.104"), RateUnit::Kg)])
        );
    }

    #[test]
    fn cents_each_and_dollars_each() {
        // 0105.11.00 and 9108.90.50.00
        assert_eq!(one("0.9¢ each"), (None, vec![(d("0.009"), RateUnit::Each)]));
        assert_eq!(one("$2.16 each"), (None, vec![(d("2.16"), RateUnit::Each)]));
        let r = parse_general("0.9¢ each").unwrap();
        assert_eq!(r.encode().unwrap().specific.unwrap().per, SpecificPer::Unit);
    }

    #[test]
    fn compound_per_kg() {
        // 0402.99.90.00
        let r = parse_general("46.3¢/kg + 14.9%").unwrap();
        assert_eq!(r.form(), "compound per kg + ad valorem");
        let e = r.encode().unwrap();
        assert_eq!(e.rate_percent, Some(d("14.9")));
        assert_eq!(e.specific.unwrap().amount, d("0.463"));
        // 1704.90.58.00, without a space.
        assert_eq!(
            one("40¢/kg +10.4%"),
            (Some(d("10.4")), vec![(d("0.4"), RateUnit::Kg)])
        );
    }

    #[test]
    fn per_dozen() {
        // 0407.11.00.00
        let r = parse_general("2.8¢/doz.").unwrap();
        assert_eq!(r.specific[0].unit, RateUnit::Dozen);
        assert_eq!(r.specific[0].amount_usd, d("0.028"));
        let s = r.encode().unwrap().specific.unwrap();
        assert_eq!((s.amount, s.per), (d("0.028"), SpecificPer::Dozen));
        // 6501.00.60.00
        assert_eq!(
            one("96¢/doz. + 1.4%"),
            (Some(d("1.4")), vec![(d("0.96"), RateUnit::Dozen)])
        );
    }

    #[test]
    fn per_pair() {
        // 6402.19.50
        let r = parse_general("76¢/pr. + 32%").unwrap();
        assert_eq!(r.specific[0].unit, RateUnit::Pair);
        assert_eq!(r.form(), "compound per pr + ad valorem");
        let e = r.encode().unwrap();
        assert_eq!(e.rate_percent, Some(d("32")));
        assert_eq!(e.specific.unwrap().per, SpecificPer::Pair);
    }

    #[test]
    fn per_liter_and_proof_liter() {
        // 2204.30.00.00, 2207.10.30.00, and 2009.21.20.00 ("¢/ liter" with a space)
        assert_eq!(
            one("4.4¢/liter + 31.4¢/pf. liter"),
            (
                None,
                vec![
                    (d("0.044"), RateUnit::Liter),
                    (d("0.314"), RateUnit::ProofLiter)
                ]
            )
        );
        assert_eq!(
            one("18.9¢/pf.liter").1,
            vec![(d("0.189"), RateUnit::ProofLiter)]
        );
        assert_eq!(one("4.5¢/ liter").1, vec![(d("0.045"), RateUnit::Liter)]);
    }

    #[test]
    fn per_area_volume_weight_and_count_units() {
        // 7005.29.08, 7005.21.10, 0806.10.20, 1212.91.00.00, 1212.93.00.00, 0104.20.00.00,
        // 4421.91.80, 0601.10.15.00, 0601.10.60.00, 9608.99.30.00, 9209.92.40.00, 2709 (bbl)
        assert_eq!(one("18.7¢/m2").1, vec![(d("0.187"), RateUnit::SquareMeter)]);
        assert_eq!(one("14.5¢/m2 + 0.4%").0, Some(d("0.4")));
        assert_eq!(one("$1.13/m3").1, vec![(d("1.13"), RateUnit::CubicMeter)]);
        assert_eq!(one("39.7¢/t").1, vec![(d("0.397"), RateUnit::Tonne)]);
        assert_eq!(one("$1.24/t").1, vec![(d("1.24"), RateUnit::Tonne)]);
        assert_eq!(one("68¢/head").1, vec![(d("0.68"), RateUnit::Head)]);
        assert_eq!(one("6.5¢/gross").1, vec![(d("0.065"), RateUnit::Gross)]);
        assert_eq!(one("89.6¢/1000").1, vec![(d("0.896"), RateUnit::Thousand)]);
        assert_eq!(one("$1.34/1000").1, vec![(d("1.34"), RateUnit::Thousand)]);
        assert_eq!(
            one("20¢/thousand + 3.5%").1,
            vec![(d("0.2"), RateUnit::Thousand)]
        );
        assert_eq!(
            one("10¢/1,000 pins + 3.5%").1,
            vec![(d("0.1"), RateUnit::Thousand)]
        );
        assert_eq!(one("10.5¢/bbl").1, vec![(d("0.105"), RateUnit::Barrel)]);
    }

    #[test]
    fn three_terms_and_jewels() {
        // 6505.00.08.00 and 9105.99.10.00
        let r = parse_general("13.5¢/kg + 6.3% + 1.9¢/article").unwrap();
        assert_eq!(r.form(), "compound per kg + per each + ad valorem");
        let e = r.encode().unwrap();
        assert_eq!(e.rate_percent, Some(d("6.3")));
        assert_eq!(e.specific.unwrap().per, SpecificPer::Kg);
        let second = e.specific_2.unwrap();
        assert_eq!((second.amount, second.per), (d("0.019"), SpecificPer::Unit));
        let r = parse_general("17¢ each + 2.5% + 1¢/jewel").unwrap();
        assert_eq!(r.specific[1].unit, RateUnit::Jewel);
        let e = r.encode().unwrap();
        assert_eq!(e.specific.unwrap().per, SpecificPer::Unit);
        assert_eq!(e.specific_2.unwrap().per, SpecificPer::Jewel);
        // Three specific parts are not encodable (no such text in the three editions).
        let r = parse_general("1¢/kg + 2¢ each + 3¢/jewel").unwrap();
        assert_eq!(r.specific.len(), 3);
        assert!(r.encode().is_none());
    }

    #[test]
    fn min_and_max() {
        // No general-column text of the three editions has a plain minimum or maximum (the
        // sugar texts' "but not less than" follows a per-degree scale, which is unparsed), so
        // these texts are written in the schedule's style.
        let r = parse_general("5% but not less than 2¢/kg").unwrap();
        assert_eq!(r.min.unwrap().amount_usd, d("0.02"));
        assert_eq!(r.form(), "ad valorem + min per kg");
        assert_eq!(r.encode().unwrap().min.unwrap().per, SpecificPer::Kg);
        let r = parse_general("3¢/kg + 5%, but not more than 10¢/kg").unwrap();
        assert_eq!(r.max.unwrap().amount_usd, d("0.1"));
        assert!(r.encode().unwrap().max.is_some());
    }

    #[test]
    fn unparsed_texts() {
        for t in [
            "The duty provided in the applicable subheading + 25%",
            "2.5% on the value of the lead content",
            "98¢ each + 3% on the case",
            "3.3¢/kg on drained weight",
            "Free, under bond, as prescribed in U.S. note 2 to this subchapter",
            "No change",
            "1.7¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree in proportion) but not less than 1.1¢/kg",
            "0.3¢/line/ gross + 4.6%",
            "5% + 5%",
        ] {
            assert!(parse_general(t).is_none(), "{t}");
        }
    }

    #[test]
    fn import_keys_by_eight_digits_and_lists_problems() {
        let json = r#"[
          {"htsno": "0101", "indent": "0", "description": "Live horses:", "general": ""},
          {"htsno": "0101.30.00.00", "indent": "1", "description": "Asses", "general": "6.8%"},
          {"htsno": "0407.11.00.00", "indent": "1", "description": "Eggs", "general": "1¢/kg + 2¢ each + 3¢/doz."},
          {"htsno": "9903.88.15", "indent": "1", "description": "List 4A", "general": "The duty provided in the applicable subheading + 7.5%"},
          {"htsno": "6109.10.00", "indent": "1", "description": "Of cotton", "general": "16.5%"},
          {"htsno": "6109.10.00.04", "indent": "2", "description": "Men's", "general": "17%"}
        ]"#;
        let i = import_hts_json(json).unwrap();
        assert_eq!(i.lines.len(), 3);
        assert_eq!(i.lines[0].hs.as_str(), "01013000");
        assert_eq!(i.lines[0].description, "Live horses: Asses");
        assert_eq!(i.problems.len(), 3);
        assert!(matches!(
            i.problems[0].kind,
            HtsProblemKind::NotEncodable(_)
        ));
        assert_eq!(i.problems[1].kind, HtsProblemKind::Unparsed);
        assert!(matches!(
            i.problems[2].kind,
            HtsProblemKind::Conflicting { .. }
        ));
        assert_eq!(i.encodable().count(), 2);
        let t = i.lines[2].tariff_rate().unwrap();
        assert_eq!(t.rate_percent, Some(d("16.5")));
        assert!(import_hts_json("{").is_err());
    }

    fn edition(json: &str) -> HtsImport {
        import_hts_json(json).unwrap()
    }

    #[test]
    fn merge_keeps_unchanged_rates_as_one_row_and_dates_changes_and_removals() {
        let a = edition(
            r#"[{"description": "d", "htsno": "0101.21.00", "general": "Free", "footnotes": [{"columns": ["general"], "value": "See 9903.88.15. ", "type": "endnote"}]},
                {"description": "d", "htsno": "0201.10.05", "general": "4.4¢/kg"},
                {"description": "d", "htsno": "6109.90.10", "general": "32%"},
                {"description": "d", "htsno": "0407.11.00", "general": "1¢/kg + 2¢ each + 3¢/doz."}]"#,
        );
        let b = edition(
            r#"[{"description": "d", "htsno": "0101.21.00", "general": "Free", "footnotes": [{"columns": ["general"], "value": "See 9903.88.03 and 9817.00.00.", "type": "endnote"}]},
                {"description": "d", "htsno": "0201.10.05", "general": "4.4¢/kg"},
                {"description": "d", "htsno": "6109.90.10", "general": "28.2%"}]"#,
        );
        let c = edition(
            r#"[{"description": "d", "htsno": "0101.21.00", "general": "Free"},
                {"description": "d", "htsno": "6109.90.10", "general": "28.2%"}]"#,
        );
        let date = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Given out of order: merged by date.
        let series = HtsImport::merge_editions(&[
            HtsEdition::new(&c, "C", date("2026-06-08")),
            HtsEdition::new(&a, "A", date("2025-01-01")),
            HtsEdition::new(&b, "B", date("2026-01-01")),
        ])
        .unwrap();
        let rows: Vec<_> = series
            .rows
            .iter()
            .map(|r| {
                (
                    r.line.hs.to_string(),
                    r.effective_from.to_string(),
                    r.effective_to.map(|d| d.to_string()),
                    r.editions.join(" "),
                )
            })
            .collect();
        let own = |hs: &str, f: &str, t: Option<&str>, e: &str| {
            (
                hs.to_owned(),
                f.to_owned(),
                t.map(str::to_owned),
                e.to_owned(),
            )
        };
        assert_eq!(
            rows,
            vec![
                own("01012100", "2025-01-01", None, "A B C"),
                own("02011005", "2025-01-01", Some("2026-06-07"), "A B"),
                own("61099010", "2025-01-01", Some("2025-12-31"), "A"),
                own("61099010", "2026-01-01", None, "B C"),
            ]
        );
        // The footnote headings of every edition of the row, 9817 left out.
        let see: Vec<String> = series.rows[0].see.iter().map(dotted).collect();
        assert_eq!(see, ["9903.88.15", "9903.88.03"]);
        assert_eq!(series.changed_lines(), 1);
        // The not-encodable line (three specific parts) is in no row.
        assert!(series.rows.iter().all(|r| r.line.hs.as_str() != "04071100"));
        let csv = series.tariff_csv("made by a test", "USITC", "JSON export");
        let tables = crate::data::RateTables::from_csv_str("t.csv", &csv).unwrap();
        let us = "US".parse().unwrap();
        let shirt = "6109.90.10.10".parse().unwrap();
        let on = |d| {
            tables
                .tariff(us, &shirt, date(d))
                .unwrap()
                .rate
                .rate_percent
        };
        assert_eq!(on("2025-12-31"), Some(d("32")));
        assert_eq!(on("2026-01-01"), Some(d("28.2")));
        let err = HtsImport::merge_editions(&[
            HtsEdition::new(&a, "A", date("2025-01-01")),
            HtsEdition::new(&b, "B", date("2025-01-01")),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("A and B share a date"));
    }
}
