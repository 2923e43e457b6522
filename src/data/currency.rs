//! Currency metadata (`[[currency]]` rows): ISO exponent, display exponent, cash increment and
//! payment-processor charge increment, kept apart and never inferred from one another.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, Validity};
use super::series::{Location, Period, RawDated, SeriesMap, build_series, row_at};
use super::{DataVersion, RateTables};
use crate::codes::Currency;
use crate::error::Error;

/// Metadata of one currency in force on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CurrencyInfo {
    /// The currency.
    pub currency: Currency,
    /// ISO 4217 minor unit: the accounting precision.
    pub iso_exponent: u32,
    /// Decimals shown to people (CLDR digits).
    pub display_exponent: u32,
    /// Smallest step of cash payments (CHF 0.05, DKK 0.50), when known.
    pub cash_increment: Option<Decimal>,
    /// A payment processor's constraint on charge or payout amounts (ISK whole krónur, KWD last
    /// digit 0), when documented.
    pub charge_increment: Option<Decimal>,
    /// What the charge increment applies to.
    pub charge_increment_note: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CurrencyRow {
    code: Currency,
    iso_exponent: u32,
    display_exponent: u32,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    cash_increment: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    charge_increment: Option<Decimal>,
    #[serde(default)]
    charge_increment_note: Option<String>,
    #[serde(with = "crate::serde_util::date_str")]
    effective_from: NaiveDate,
    #[serde(default, with = "crate::serde_util::opt_date_str")]
    effective_to: Option<NaiveDate>,
    source: String,
}

impl DatedRow for CurrencyRow {
    type Value = CurrencyInfo;

    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<CurrencyInfo>> {
        let mut ok = true;
        for (name, inc) in [
            ("cash_increment", self.cash_increment),
            ("charge_increment", self.charge_increment),
        ] {
            if let Some(v) = inc.filter(|v| *v <= Decimal::ZERO) {
                problems.push(at.problem(
                    ProblemKind::NegativeRate,
                    format!("{name} {v} must be greater than zero; omit it when unknown"),
                ));
                ok = false;
            }
        }
        for (name, e) in [
            ("iso_exponent", self.iso_exponent),
            ("display_exponent", self.display_exponent),
        ] {
            if e > 28 {
                problems.push(at.problem(
                    ProblemKind::BadValue,
                    format!("{name} {e} is more than 28 decimals"),
                ));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let value = CurrencyInfo {
            currency: self.code,
            iso_exponent: self.iso_exponent,
            display_exponent: self.display_exponent,
            cash_increment: self.cash_increment,
            charge_increment: self.charge_increment,
            charge_increment_note: self.charge_increment_note,
        };
        Validity {
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            source: self.source,
        }
        .wrap(at, value, problems)
    }
}

/// All currency series by code.
#[derive(Debug, Clone, Default)]
pub(crate) struct CurrencyTable {
    by_code: SeriesMap<Currency, CurrencyInfo>,
}

impl CurrencyTable {
    pub(crate) fn build(
        rows: Vec<RawDated<CurrencyInfo>>,
        problems: &mut Vec<DataProblem>,
    ) -> Self {
        Self {
            by_code: build_series(rows, |v| v.currency, |c| format!("currency {c}"), problems),
        }
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for (code, series) in &other.by_code {
            self.by_code.insert(*code, series.clone());
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.by_code.len()
    }
}

/// Currency metadata found for a date, with its provenance.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CurrencyRecord<'a> {
    /// The metadata.
    pub info: &'a CurrencyInfo,
    /// The period of the row in force.
    pub period: Period,
    /// The row's source.
    pub source: &'a str,
    /// The data it was read from.
    pub data_version: &'a DataVersion,
}

impl RateTables {
    /// The metadata of `currency` in force on `date`.
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when the tables do not list the currency;
    /// [`Error::NoRateInForce`] when the date is outside its rows.
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let tables = RateTables::embedded()?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?;
    /// let chf = tables.currency_info("CHF".parse()?, date)?;
    /// assert_eq!(chf.info.cash_increment.map(|d| d.to_string()).as_deref(), Some("0.05"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn currency_info(
        &self,
        currency: Currency,
        date: NaiveDate,
    ) -> Result<CurrencyRecord<'_>, Error> {
        let row = row_at(
            self.currencies.by_code.get(&currency),
            "currency",
            || currency.to_string(),
            date,
        )?;
        Ok(CurrencyRecord {
            info: &row.value,
            period: row.period,
            source: &row.source,
            data_version: &self.version,
        })
    }

    /// Every currency with its rows, for listings and checks.
    pub fn currency_rows(&self) -> impl Iterator<Item = (&CurrencyInfo, Period, &str)> {
        self.currencies
            .by_code
            .values()
            .flat_map(|s| s.rows().iter().map(|r| (&r.value, r.period, &*r.source)))
    }
}
