//! Tariff schedules (`[[tariff]]` rows), looked up by the longest matching HS prefix; the
//! table also holds the additional duties by origin ([`super::additional`]).
//!
//! The index is a hash map keyed by (territory, HS prefix) with a cheap multiplicative hash, so
//! a lookup costs at most one probe per prefix length present in the territory's schedule,
//! whatever the schedule's size.

use core::hash::{BuildHasherDefault, Hasher};
use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::additional::{
    AdditionalDuty, AdditionalDutyRow, AdditionalIndex, DutyExemption, DutyExemptionRow,
};
use super::customs::{dated_row, validity};
use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, Validity};
use super::series::{Dated, Location, Period, RawDated, Series, build_series, row_at};
use super::{DataVersion, RateTables};
use crate::codes::{Currency, HsCode, Territory};
use crate::error::Error;

/// A fast, non-cryptographic hasher for small fixed-size keys (the FxHash mixing step). The
/// keys come from our own validated data, so hash flooding is not a concern.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            for (slot, b) in buf.iter_mut().zip(chunk) {
                *slot = *b;
            }
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Unit of a specific duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecificPer {
    /// Per unit (a pair counts as one unit).
    Unit,
    /// Per kilogram of net weight.
    Kg,
}

/// A specific (per unit or per kg) amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Specific {
    /// Amount per `per`.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// Per unit or per kg.
    pub per: SpecificPer,
}

/// A tariff rate: ad valorem, specific, or compound, with an optional minimum and maximum.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TariffRate {
    /// The territory.
    pub territory: Territory,
    /// The HS prefix of the row.
    pub hs: HsCode,
    /// The tariff's description.
    pub description: Arc<str>,
    /// Ad valorem percent, if any.
    pub rate_percent: Option<Decimal>,
    /// Specific part, if any.
    pub specific: Option<Specific>,
    /// Minimum duty, per the specific unit and currency.
    pub min: Option<Specific>,
    /// Maximum duty, per the specific unit and currency.
    pub max: Option<Specific>,
}

impl TariffRate {
    /// The rate as written, e.g. `12%`, `0.90 USD/unit + 20%`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.specific {
            parts.push(format!("{} {}/{}", s.amount, s.currency, per_name(s.per)));
        }
        if let Some(p) = self.rate_percent {
            parts.push(format!("{}%", p.normalize()));
        }
        let mut out = parts.join(" + ");
        if let Some(m) = &self.min {
            out.push_str(&format!(
                " min {} {}/{}",
                m.amount,
                m.currency,
                per_name(m.per)
            ));
        }
        if let Some(m) = &self.max {
            out.push_str(&format!(
                " max {} {}/{}",
                m.amount,
                m.currency,
                per_name(m.per)
            ));
        }
        out
    }
}

const fn per_name(p: SpecificPer) -> &'static str {
    match p {
        SpecificPer::Unit => "unit",
        SpecificPer::Kg => "kg",
    }
}

/// True when `code` starts with `prefix`.
pub(crate) fn hs_starts_with(code: &HsCode, prefix: &HsCode) -> bool {
    code.as_str().starts_with(prefix.as_str())
}

fn opt_specific(
    field: &str,
    amount: Option<Decimal>,
    currency: Option<Currency>,
    per: Option<SpecificPer>,
    at: &Location,
    problems: &mut Vec<DataProblem>,
) -> Result<Option<Specific>, ()> {
    match (amount, currency, per) {
        (None, _, _) => Ok(None),
        (Some(a), Some(c), Some(p)) => {
            if a.is_sign_negative() && !a.is_zero() {
                problems.push(at.problem(
                    ProblemKind::NegativeRate,
                    format!("{field} {a} is negative"),
                ));
                return Err(());
            }
            Ok(Some(Specific {
                amount: a,
                currency: c,
                per: p,
            }))
        }
        _ => {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!("{field} needs specific_currency and specific_per"),
            ));
            Err(())
        }
    }
}

dated_row! {
    struct TariffRow {
        territory: Territory,
        hs: HsCode,
        description: String,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        rate_percent: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        specific_amount: Option<Decimal>,
        #[serde(default)]
        specific_currency: Option<Currency>,
        #[serde(default)]
        specific_per: Option<SpecificPer>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        min_amount: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        max_amount: Option<Decimal>,
    }
}

impl DatedRow for TariffRow {
    type Value = TariffRate;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        if let Some(p) = self
            .rate_percent
            .filter(|p| p.is_sign_negative() && !p.is_zero())
        {
            problems.push(at.problem(
                ProblemKind::NegativeRate,
                format!(
                    "tariff {} {}: rate_percent {p} is negative",
                    self.territory, self.hs
                ),
            ));
            return None;
        }
        let cur = self.specific_currency;
        let per = self.specific_per;
        let specific = opt_specific(
            "specific_amount",
            self.specific_amount,
            cur,
            per,
            &at,
            problems,
        )
        .ok()?;
        let min = opt_specific("min_amount", self.min_amount, cur, per, &at, problems).ok()?;
        let max = opt_specific("max_amount", self.max_amount, cur, per, &at, problems).ok()?;
        if self.rate_percent.is_none() && specific.is_none() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!(
                    "tariff {} {}: give rate_percent, specific_amount or both",
                    self.territory, self.hs
                ),
            ));
            return None;
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo.amount > hi.amount
        {
            problems.push(at.problem(
                ProblemKind::Inconsistent,
                format!(
                    "tariff {} {}: min_amount exceeds max_amount",
                    self.territory, self.hs
                ),
            ));
            return None;
        }
        let value = TariffRate {
            territory: self.territory,
            hs: self.hs,
            description: Arc::from(self.description),
            rate_percent: self.rate_percent,
            specific,
            min,
            max,
        };
        validity!(self).wrap(at, value, problems)
    }
}

/// The tariff and additional-duty index.
#[derive(Debug, Clone, Default)]
pub(crate) struct TariffTable {
    rates: FastMap<(Territory, HsCode), Series<TariffRate>>,
    /// Bit `n` set: the territory has rows of `n` digits.
    lengths: FastMap<Territory, u16>,
    /// The additional duties ([`super::additional`]).
    pub(crate) additional: AdditionalIndex,
}

/// Rows of the tariff sections, collected across files.
#[derive(Default)]
pub(crate) struct TariffRows {
    pub(crate) tariffs: Vec<RawDated<TariffRate>>,
    pub(crate) additional: Vec<RawDated<AdditionalDuty>>,
    pub(crate) exemptions: Vec<RawDated<DutyExemption>>,
}

impl TariffRows {
    pub(crate) fn read<'a>(
        &mut self,
        reader: &super::load::FileReader<'_>,
        section: &str,
        value: toml::Spanned<toml::de::DeValue<'a>>,
        problems: &mut Vec<DataProblem>,
    ) -> Result<(), toml::Spanned<toml::de::DeValue<'a>>> {
        match section {
            "tariff" => self
                .tariffs
                .extend(reader.rows::<TariffRow>(section, value, problems)),
            "additional_duty" => self
                .additional
                .extend(reader.rows::<AdditionalDutyRow>(section, value, problems)),
            "duty_exemption" => self
                .exemptions
                .extend(reader.rows::<DutyExemptionRow>(section, value, problems)),
            _ => return Err(value),
        }
        Ok(())
    }
}

/// The section names this module reads.
pub(crate) const SECTIONS: &[&str] = &["tariff", "additional_duty", "duty_exemption"];

pub(crate) fn bit(len: usize) -> u16 {
    1u16.checked_shl(u32::try_from(len).unwrap_or(15))
        .unwrap_or(0)
}

impl TariffTable {
    pub(crate) fn build(rows: TariffRows, problems: &mut Vec<DataProblem>) -> Self {
        let mut table = Self::default();
        let series = build_series(
            rows.tariffs,
            |v| (v.territory, v.hs),
            |(t, hs)| format!("tariff {t} {hs}"),
            problems,
        );
        for (key, s) in series {
            table.insert_rate(key, s);
        }
        table.additional = AdditionalIndex::build(rows.additional, rows.exemptions, problems);
        table
    }

    fn insert_rate(&mut self, key: (Territory, HsCode), s: Series<TariffRate>) {
        let mask = self.lengths.entry(key.0).or_default();
        *mask |= bit(key.1.len());
        self.rates.insert(key, s);
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for (k, s) in &other.rates {
            self.insert_rate(*k, s.clone());
        }
        self.additional.overlay(&other.additional);
    }

    /// The series of the longest prefix of `hs` with a row in the territory.
    pub(crate) fn longest(&self, territory: Territory, hs: &HsCode) -> Option<&Series<TariffRate>> {
        let mask = *self.lengths.get(&territory)?;
        (2..=hs.len())
            .rev()
            .filter(|n| mask & bit(*n) != 0)
            .find_map(|n| self.rates.get(&(territory, hs.prefix(n)?)))
    }

    /// Every tariff series, for listings and checks.
    pub(crate) fn rate_series(&self) -> impl Iterator<Item = &Series<TariffRate>> {
        self.rates.values()
    }
}

/// A tariff rate found for a line, with its provenance.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TariffLookup<'a> {
    /// The rate row.
    pub rate: &'a TariffRate,
    /// Its period.
    pub period: Period,
    /// Its source.
    pub source: &'a str,
    /// The data it was read from.
    pub data_version: &'a DataVersion,
}

impl RateTables {
    /// The tariff rate for `hs` in `territory` on `date`: the row of the longest matching HS
    /// prefix.
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when no prefix of the code has a row;
    /// [`Error::NoRateInForce`] when the matching row's series does not cover the date.
    pub fn tariff(
        &self,
        territory: Territory,
        hs: &HsCode,
        date: NaiveDate,
    ) -> Result<TariffLookup<'_>, Error> {
        let row = self.tariff_row(territory, hs, date)?;
        Ok(TariffLookup {
            rate: &row.value,
            period: row.period,
            source: &row.source,
            data_version: &self.version,
        })
    }

    /// The tariff row in force (crate-internal: the source stays an `Arc`).
    pub(crate) fn tariff_row(
        &self,
        territory: Territory,
        hs: &HsCode,
        date: NaiveDate,
    ) -> Result<&Dated<TariffRate>, Error> {
        row_at(
            self.tariffs.longest(territory, hs),
            "tariff",
            || format!("{territory} {hs}"),
            date,
        )
    }

    /// Every tariff row, for listings and checks: (rate, period, source).
    pub fn tariff_rows(&self) -> impl Iterator<Item = (&TariffRate, Period, &str)> {
        self.tariffs
            .rate_series()
            .flat_map(|s| s.rows().iter().map(|r| (&r.value, r.period, &*r.source)))
    }
}
