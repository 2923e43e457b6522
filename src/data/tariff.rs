//! Tariff schedules (`[[tariff]]` rows), looked up by the longest matching HS prefix; the
//! table also holds the additional duties by origin ([`super::additional`]).
//!
//! The index is a hash map keyed by (territory, HS prefix) with a cheap multiplicative hash, so
//! a lookup costs at most one probe per prefix length present in the territory's schedule,
//! whatever the schedule's size. A territory's CSV files (a whole schedule) are a second
//! layer, read on first use into one sorted vector with an open-addressing table of series
//! starts; a lookup takes the longest prefix over both layers, the TOML row on a tie.

use core::fmt;
use core::hash::{BuildHasherDefault, Hasher};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::additional::{
    AdditionalDuty, AdditionalDutyRow, AdditionalIndex, DutyExemption, DutyExemptionRow,
};
use super::csv::{self, CsvRows};
use super::customs::{dated_row, validity};
use super::error::{DataError, DataProblem, ProblemKind};
use super::fast_rows::{self as fast, FastRow, Shared};
use super::load::{DatedRow, Validity};
use super::series::{
    Dated, Location, Period, RawDated, Series, build_series, build_sorted, rows_at,
};
use super::{DataVersion, RateTables};
use crate::codes::{CountryCode, Currency, HsCode, Territory};
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

/// Unit of a specific duty: what its amount is charged per.
///
/// A quote counts the units of a line from its inputs: `quantity` for units, pairs and head
/// (and dozens, grosses and thousands of them), `weight_kg` for kilograms and tonnes, and the
/// line's `measures` for volumes, areas and jewels (see `landed::Measures`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SpecificPer {
    /// Per unit (`quantity`).
    Unit,
    /// Per kilogram of net weight (`weight_kg` × `quantity`).
    Kg,
    /// Per pair (`quantity` counts pairs, as of footwear).
    Pair,
    /// Per head of livestock (`quantity` counts animals).
    Head,
    /// Per dozen units (`quantity` / 12).
    Dozen,
    /// Per gross of 144 units (`quantity` / 144).
    Gross,
    /// Per thousand units (`quantity` / 1,000).
    Thousand,
    /// Per metric ton of net weight (`weight_kg` × `quantity` / 1,000).
    Tonne,
    /// Per litre (`measures.liter` × `quantity`).
    Liter,
    /// Per proof litre of alcohol (`measures.proof_liter` × `quantity`).
    ProofLiter,
    /// Per square metre (`measures.square_meter` × `quantity`).
    SquareMeter,
    /// Per cubic metre (`measures.cubic_meter` × `quantity`).
    CubicMeter,
    /// Per barrel (`measures.barrel` × `quantity`).
    Barrel,
    /// Per jewel of a watch or clock movement (`measures.jewel` × `quantity`).
    Jewel,
}

impl SpecificPer {
    /// Every unit, in declaration order.
    pub const ALL: [Self; 14] = [
        Self::Unit,
        Self::Kg,
        Self::Pair,
        Self::Head,
        Self::Dozen,
        Self::Gross,
        Self::Thousand,
        Self::Tonne,
        Self::Liter,
        Self::ProofLiter,
        Self::SquareMeter,
        Self::CubicMeter,
        Self::Barrel,
        Self::Jewel,
    ];

    /// The unit's name in data files and on the wire: `unit`, `kg`, `proof_liter`, ….
    pub const fn name(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::Kg => "kg",
            Self::Pair => "pair",
            Self::Head => "head",
            Self::Dozen => "dozen",
            Self::Gross => "gross",
            Self::Thousand => "thousand",
            Self::Tonne => "tonne",
            Self::Liter => "liter",
            Self::ProofLiter => "proof_liter",
            Self::SquareMeter => "square_meter",
            Self::CubicMeter => "cubic_meter",
            Self::Barrel => "barrel",
            Self::Jewel => "jewel",
        }
    }

    /// The unit named `name` (see [`SpecificPer::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl core::fmt::Display for SpecificPer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A specific amount: so much per unit, kg, litre, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Specific {
    /// Amount per `per`.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// What it is charged per.
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
    /// The minimum and maximum duty and a second specific part: boxed because few rows have
    /// them, so that a row without them costs a pointer rather than three `Specific`s (a
    /// million-row schedule is 32 MB smaller). Read through [`TariffRate::min`],
    /// [`TariffRate::max`] and [`TariffRate::second_specific`].
    pub(crate) limits: Option<Box<Limits>>,
    /// The chapter-99 headings (`9903.xx.xx`) the schedule's footnotes point this line to
    /// (the US schedule's "See 9903.88.15."): the additional duties that may apply to it,
    /// such as Section 301 lists. Informational: the duties themselves are
    /// `[[additional_duty]]` rows; empty when the row names none. Each is an eight-digit code
    /// starting with `9903`, checked when the data is loaded. Shared between the rows that
    /// name the same headings.
    pub see: Arc<[HsCode]>,
}

/// The rarely present parts of a [`TariffRate`]: its bounds and a second specific part; at
/// least one is `Some`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    min: Option<Specific>,
    max: Option<Specific>,
    second: Option<Specific>,
}

impl Limits {
    /// The rare parts of a rate, boxed; `None` when it has none.
    pub(crate) fn boxed(
        min: Option<Specific>,
        max: Option<Specific>,
        second: Option<Specific>,
    ) -> Option<Box<Self>> {
        (min.is_some() || max.is_some() || second.is_some())
            .then(|| Box::new(Self { min, max, second }))
    }
}

impl TariffRate {
    /// Minimum duty, per the specific unit and currency.
    pub fn min(&self) -> Option<Specific> {
        self.limits.as_ref().and_then(|l| l.min)
    }

    /// Maximum duty, per the specific unit and currency.
    pub fn max(&self) -> Option<Specific> {
        self.limits.as_ref().and_then(|l| l.max)
    }

    /// A second specific part, added to [`TariffRate::specific`] in the specific part's
    /// currency (`4.4¢/liter + 31.4¢/pf. liter`, `36¢ each + 2¢/jewel`); present only with a
    /// first one.
    pub fn second_specific(&self) -> Option<Specific> {
        self.limits.as_ref().and_then(|l| l.second)
    }

    /// True when the rate is ad valorem only (no specific part, minimum or maximum).
    pub fn is_ad_valorem_only(&self) -> bool {
        self.specific.is_none() && self.limits.is_none()
    }

    /// The rate as written, e.g. `12%`, `0.90 USD/unit + 20%`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for s in self.specific.iter().chain(self.second_specific().iter()) {
            parts.push(format!("{} {}/{}", s.amount, s.currency, s.per));
        }
        if let Some(p) = self.rate_percent {
            parts.push(format!("{}%", p.normalize()));
        }
        let mut out = parts.join(" + ");
        if let Some(m) = &self.min() {
            out.push_str(&format!(" min {} {}/{}", m.amount, m.currency, m.per));
        }
        if let Some(m) = &self.max() {
            out.push_str(&format!(" max {} {}/{}", m.amount, m.currency, m.per));
        }
        out
    }
}

/// True when `code` starts with `prefix`.
pub(crate) fn hs_starts_with(code: &HsCode, prefix: &HsCode) -> bool {
    // On the digit bytes (no UTF-8 check, no code built per test): Japan's small-amount rule
    // tests every line against some sixty prefixes. A code holds 2 to 10 digits and zeros
    // past them (its only constructors), so this is `code.prefix(prefix.len()) ==
    // Some(*prefix)`. The first digits are compared before the call to compare the rest:
    // most prefixes tested (exclusion lists) are of another chapter.
    let (c, p) = (code.digit_bytes(), prefix.digit_bytes());
    match p.first() {
        Some(first) if c.first() != Some(first) => false,
        _ => c.starts_with(p),
    }
}

fn opt_specific(
    (field, per_field): (&str, &str),
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
                format!("{field} needs specific_currency and {per_field}"),
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
        specific2_amount: Option<Decimal>,
        #[serde(default)]
        specific2_per: Option<SpecificPer>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        min_amount: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        max_amount: Option<Decimal>,
        #[serde(default)]
        see: Vec<HsCode>,
    }
}

impl FastRow for TariffRow {
    const FIELDS: &'static [&'static str] = &[
        "territory",
        "hs",
        "description",
        "rate_percent",
        "specific_amount",
        "specific_currency",
        "specific_per",
        "specific2_amount",
        "specific2_per",
        "min_amount",
        "max_amount",
        "see",
        "effective_from",
        "effective_to",
        "source",
    ];

    fn from_cells(cells: &[&str], _: &mut Shared) -> Option<Self> {
        let [
            t,
            hs,
            description,
            rate,
            amount,
            currency,
            per,
            amount2,
            per2,
            min,
            max,
            see,
            from,
            to,
            source,
        ] = cells
        else {
            return None;
        };
        let unit = |cell: &str| match cell {
            "" => Some(None),
            name => SpecificPer::from_name(name).map(Some),
        };
        Some(Self {
            territory: fast::req(t)?,
            hs: fast::req(hs)?,
            description: fast::text(description)?,
            rate_percent: fast::opt_decimal(rate)?,
            specific_amount: fast::opt_decimal(amount)?,
            specific_currency: fast::opt(currency)?,
            specific_per: unit(per)?,
            specific2_amount: fast::opt_decimal(amount2)?,
            specific2_per: unit(per2)?,
            min_amount: fast::opt_decimal(min)?,
            max_amount: fast::opt_decimal(max)?,
            see: fast::list(see)?,
            effective_from: fast::date(from)?,
            effective_to: fast::opt_date(to)?,
            source: fast::text(source)?,
        })
    }
}

/// True for a chapter-99 heading of the US schedule's form `9903.xx.xx`.
fn is_chapter_99_heading(hs: &HsCode) -> bool {
    hs.len() == 8 && hs.as_str().starts_with("9903")
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
            ("specific_amount", "specific_per"),
            self.specific_amount,
            cur,
            per,
            &at,
            problems,
        )
        .ok()?;
        let second = opt_specific(
            ("specific2_amount", "specific2_per"),
            self.specific2_amount,
            cur,
            self.specific2_per,
            &at,
            problems,
        )
        .ok()?;
        if second.is_some() && specific.is_none() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!(
                    "tariff {} {}: specific2_amount is a second specific part; give specific_amount too",
                    self.territory, self.hs
                ),
            ));
            return None;
        }
        let min = opt_specific(
            ("min_amount", "specific_per"),
            self.min_amount,
            cur,
            per,
            &at,
            problems,
        )
        .ok()?;
        let max = opt_specific(
            ("max_amount", "specific_per"),
            self.max_amount,
            cur,
            per,
            &at,
            problems,
        )
        .ok()?;
        if let Some(bad) = self.see.iter().find(|h| !is_chapter_99_heading(h)) {
            problems.push(at.problem(
                ProblemKind::BadValue,
                format!(
                    "tariff {} {}: see {bad} is not a chapter-99 heading; give headings such as 9903.88.15",
                    self.territory, self.hs
                ),
            ));
            return None;
        }
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
            limits: Limits::boxed(min, max, second),
            see: Arc::from(self.see),
        };
        validity!(self).wrap(at, value, problems)
    }
}

/// The tariff and additional-duty index: the rows of TOML files, loaded eagerly, and per
/// territory the CSV files that are read on first use.
#[derive(Debug, Clone, Default)]
pub(crate) struct TariffTable {
    rates: FastMap<(Territory, HsCode), Series<TariffRate>>,
    /// Bit `n` set: the territory has rows of `n` digits.
    lengths: FastMap<Territory, u16>,
    /// The additional duties ([`super::additional`]).
    pub(crate) additional: AdditionalIndex,
    /// The keys of the eager additional-duty series: a CSV series of the same key is
    /// replaced by the eager one, as a tariff row is.
    additional_keys: FastMap<AdditionalKey, ()>,
    /// Per territory, its CSV files: the first group has priority (an override's files come
    /// before the base's).
    lazy: FastMap<Territory, Vec<Arc<LazyTerritory>>>,
}

type AdditionalKey = (Territory, Option<HsCode>, Arc<str>);

/// Rows of the tariff sections, collected across files.
#[derive(Default)]
pub(crate) struct TariffRows {
    pub(crate) tariffs: Vec<RawDated<TariffRate>>,
    pub(crate) additional: Vec<RawDated<AdditionalDuty>>,
    pub(crate) exemptions: Vec<RawDated<DutyExemption>>,
    /// The CSV files, by territory (read on first use).
    pub(crate) csv: Vec<(Territory, CsvFile)>,
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
        for r in &rows.additional {
            let v = &r.value;
            table
                .additional_keys
                .insert((v.territory, v.hs, Arc::clone(&v.name)), ());
        }
        table.additional = AdditionalIndex::build(rows.additional, rows.exemptions, problems);
        let mut by_territory: FastMap<Territory, Vec<CsvFile>> = FastMap::default();
        for (t, f) in rows.csv {
            by_territory.entry(t).or_default().push(f);
        }
        for (t, files) in by_territory {
            table.lazy.insert(
                t,
                vec![Arc::new(LazyTerritory {
                    territory: t,
                    files,
                    cell: OnceLock::new(),
                })],
            );
        }
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
        for k in other.additional_keys.keys() {
            self.additional_keys.insert(k.clone(), ());
        }
        for (t, groups) in &other.lazy {
            let mine = self.lazy.entry(*t).or_default();
            let mut all = groups.clone();
            all.append(mine);
            *mine = all;
        }
    }

    /// The tariffs of one territory, its CSV files read (on first use) and checked.
    ///
    /// # Errors
    /// [`Error::LazyData`] when a CSV file of the territory has problems.
    pub(crate) fn view(&self, territory: Territory) -> Result<TariffView<'_>, Error> {
        let lazy = self.lazy.get(&territory).map_or(&[][..], Vec::as_slice);
        for l in lazy {
            l.get().map_err(|e| Error::LazyData {
                territory,
                error: Box::new(e.clone()),
            })?;
        }
        Ok(TariffView {
            eager: self,
            lazy,
            territory,
        })
    }

    /// Every tariff series, for listings and checks.
    pub(crate) fn rate_series(&self) -> impl Iterator<Item = &Series<TariffRate>> {
        self.rates.values()
    }

    /// Reads every CSV file now and returns the problems of all of them.
    pub(crate) fn load_all(&self) -> Result<(), DataError> {
        let mut problems = Vec::new();
        for l in self.lazy.values().flatten() {
            if let Err(e) = l.get() {
                problems.extend(e.problems.iter().cloned());
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DataError { problems })
        }
    }

    /// `None`: the territory has no CSV files; else whether they have been read.
    pub(crate) fn is_loaded(&self, territory: Territory) -> Option<bool> {
        let lazy = self.lazy.get(&territory)?;
        Some(lazy.iter().all(|l| l.cell.get().is_some()))
    }
}

/// The tariffs of one territory for one quote: the eager rows and the territory's CSV
/// layers (read and checked when the view was made).
#[derive(Clone, Copy)]
pub(crate) struct TariffView<'a> {
    eager: &'a TariffTable,
    lazy: &'a [Arc<LazyTerritory>],
    territory: Territory,
}

impl<'a> TariffView<'a> {
    fn layers(&self) -> impl Iterator<Item = &'a TariffLayer> + use<'a> {
        self.lazy
            .iter()
            .filter_map(|l| l.cell.get().and_then(|r| r.as_ref().ok()))
    }

    /// The series of the longest prefix of `hs` with a row in the territory, over both
    /// layers; on a key of equal length the eager (TOML) row wins, then the CSV files in
    /// priority order.
    pub(crate) fn longest(&self, hs: &HsCode) -> Option<&'a [Dated<TariffRate>]> {
        let t = self.territory;
        let eager = self.eager.lengths.get(&t).copied().unwrap_or(0);
        let lazy = self.layers().fold(0, |m, l| m | l.mask);
        (2..=hs.len())
            .rev()
            .filter(|n| (eager | lazy) & bit(*n) != 0)
            .find_map(|n| {
                let p = hs.prefix(n)?;
                if eager & bit(n) != 0
                    && let Some(s) = self.eager.rates.get(&(t, p))
                {
                    return Some(s.rows());
                }
                self.layers()
                    .filter(|l| l.mask & bit(n) != 0)
                    .find_map(|l| l.series(&p))
            })
    }

    /// The tariff row in force for `hs` on `date`.
    pub(crate) fn row(&self, hs: &HsCode, date: NaiveDate) -> Result<&'a Dated<TariffRate>, Error> {
        let territory = self.territory;
        rows_at(
            self.longest(hs),
            "tariff",
            || format!("{territory} {hs}"),
            date,
        )
    }

    /// Every additional duty of the territory whose key matches `hs`, in force on `date`:
    /// the eager rows, then the CSV rows whose series no eager row replaces.
    pub(crate) fn additional_for_hs(
        &self,
        hs: &HsCode,
        origin: CountryCode,
        date: NaiveDate,
        mut each: impl FnMut(&'a Dated<AdditionalDuty>),
    ) {
        let t = self.territory;
        self.eager.additional.for_hs(t, hs, origin, date, &mut each);
        for layer in self.layers() {
            layer.additional.for_hs(t, hs, origin, date, |row| {
                let key = (t, row.value.hs, Arc::clone(&row.value.name));
                if !self.eager.additional_keys.contains_key(&key) {
                    each(row);
                }
            });
        }
    }

    /// Every duty exemption of the territory whose prefix matches `hs`, in force on `date`,
    /// from both layers (an exemption only ever spares, so the layers simply add up).
    pub(crate) fn exemptions_for(
        &self,
        hs: &HsCode,
        date: NaiveDate,
        mut each: impl FnMut(&'a Dated<DutyExemption>),
    ) {
        let t = self.territory;
        self.eager.additional.exemptions_for(t, hs, date, &mut each);
        for layer in self.layers() {
            layer.additional.exemptions_for(t, hs, date, &mut each);
        }
    }

    /// True when a duty or exemption row of the territory, in either layer, is entered under
    /// `heading` on a day of `period`.
    pub(crate) fn heading_during(&self, heading: &HsCode, period: &Period) -> bool {
        let t = self.territory;
        self.eager.additional.heading_during(t, heading, period)
            || self
                .layers()
                .any(|l| l.additional.heading_during(t, heading, period))
    }
}

/// Where the text of a CSV file is.
#[derive(Debug, Clone)]
pub(crate) enum CsvSource {
    /// Compiled into the crate.
    Static(&'static str),
    /// Given as a string.
    Owned(Arc<str>),
    /// A file of a dataset directory with the sha256 its manifest gives, checked again while
    /// the file is read (so the rows are those of the hashed text).
    File {
        /// The file.
        path: Arc<Path>,
        /// The expected hex sha256.
        sha256: Arc<str>,
    },
}

/// A CSV file of a dataset, not read yet.
#[derive(Debug, Clone)]
pub(crate) struct CsvFile {
    pub(crate) name: Arc<str>,
    pub(crate) source: CsvSource,
}

/// A territory's CSV files and, once read, their rows: read at most once, by the first
/// lookup that needs them, from any thread; the result (a data error included) is kept.
pub(crate) struct LazyTerritory {
    territory: Territory,
    files: Vec<CsvFile>,
    cell: OnceLock<Result<TariffLayer, DataError>>,
}

impl fmt::Debug for LazyTerritory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyTerritory")
            .field("territory", &self.territory)
            .field("files", &self.files)
            .field(
                "loaded",
                &self.cell.get().map(|r| r.as_ref().map(|l| l.rows.len())),
            )
            .finish()
    }
}

impl LazyTerritory {
    fn get(&self) -> Result<&TariffLayer, &DataError> {
        self.cell
            .get_or_init(|| TariffLayer::load(&self.files))
            .as_ref()
    }
}

/// Reads through to `inner`, hashing every byte read.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(buf.get(..n).unwrap_or(&[]));
        Ok(n)
    }
}

/// The rows of a territory's CSV files: tariff rows sorted by HS code then date (each
/// series contiguous), found through an open-addressing table of series starts, so a lookup
/// costs a probe or two per prefix length whatever the number of rows; and the additional
/// duties the files hold.
pub(crate) struct TariffLayer {
    rows: Vec<Dated<TariffRate>>,
    /// A power-of-two number of slots: 0 is empty, else 1 + the index of a series' first row.
    slots: Vec<u32>,
    /// Bit `n` set: rows of `n` digits.
    mask: u16,
    additional: AdditionalIndex,
}

/// A slot for a code: its digits and length mixed (the FxHash step).
fn slot_hash(hs: &HsCode) -> u64 {
    let mut h = FastHasher::default();
    h.write(hs.as_str().as_bytes());
    h.write_usize(hs.len());
    h.finish()
}

impl TariffLayer {
    fn load(files: &[CsvFile]) -> Result<Self, DataError> {
        let mut rows = CsvRows::default();
        let mut problems = Vec::new();
        for f in files {
            match &f.source {
                CsvSource::Static(t) => csv::read(&f.name, t.as_bytes(), &mut rows, &mut problems),
                CsvSource::Owned(t) => csv::read(&f.name, t.as_bytes(), &mut rows, &mut problems),
                CsvSource::File { path, sha256 } => {
                    read_file(&f.name, path, sha256, &mut rows, &mut problems);
                }
            }
        }
        let layer = Self::build(rows, &mut problems);
        if problems.is_empty() {
            Ok(layer)
        } else {
            problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            Err(DataError { problems })
        }
    }

    fn build(rows: CsvRows, problems: &mut Vec<DataProblem>) -> Self {
        let rows_sorted = build_sorted(
            rows.tariffs,
            &rows.files,
            |v| v.hs,
            |v| format!("tariff {} {}", v.territory, v.hs),
            problems,
        );
        let mut series = 0usize;
        let mut mask = 0u16;
        let mut prev: Option<HsCode> = None;
        for r in &rows_sorted {
            if prev != Some(r.value.hs) {
                series = series.saturating_add(1);
                mask |= bit(r.value.hs.len());
                prev = Some(r.value.hs);
            }
        }
        // At most half full, so a probe sequence stays short.
        let n = series.saturating_mul(2).max(16).next_power_of_two();
        let mut slots = vec![0u32; n];
        let modulo = n.saturating_sub(1);
        let mut prev: Option<HsCode> = None;
        for (i, r) in rows_sorted.iter().enumerate() {
            if prev == Some(r.value.hs) {
                continue;
            }
            prev = Some(r.value.hs);
            let Ok(start) = u32::try_from(i.saturating_add(1)) else {
                problems.push(DataProblem {
                    file: format!("the csv files of {}", r.value.territory),
                    line: 0,
                    column: 0,
                    kind: ProblemKind::BadValue,
                    message: "more than 4 billion rows in one territory; split the schedule"
                        .to_owned(),
                });
                break;
            };
            let mut at = usize::try_from(slot_hash(&r.value.hs)).unwrap_or(0) & modulo;
            while let Some(slot) = slots.get_mut(at) {
                if *slot == 0 {
                    *slot = start;
                    break;
                }
                at = at.saturating_add(1) & modulo;
            }
        }
        Self {
            rows: rows_sorted,
            slots,
            mask,
            additional: AdditionalIndex::build(rows.additional, rows.exemptions, problems),
        }
    }

    /// The series of exactly `hs`.
    fn series(&self, hs: &HsCode) -> Option<&[Dated<TariffRate>]> {
        let modulo = self.slots.len().saturating_sub(1);
        let mut at = usize::try_from(slot_hash(hs)).unwrap_or(0) & modulo;
        for _ in 0..self.slots.len() {
            let start = usize::try_from(*self.slots.get(at)?).ok()?.checked_sub(1)?;
            let tail = self.rows.get(start..)?;
            if tail.first().is_some_and(|r| r.value.hs == *hs) {
                let len = tail
                    .iter()
                    .position(|r| r.value.hs != *hs)
                    .unwrap_or(tail.len());
                return tail.get(..len);
            }
            at = at.saturating_add(1) & modulo;
        }
        None
    }
}

/// Reads a CSV file of a dataset directory, checking its sha256 against the manifest's.
fn read_file(
    name: &str,
    path: &Path,
    expected: &str,
    rows: &mut CsvRows,
    problems: &mut Vec<DataProblem>,
) {
    let whole_file = |kind, message: String| DataProblem {
        file: name.to_owned(),
        line: 0,
        column: 0,
        kind,
        message,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            problems.push(whole_file(
                ProblemKind::Io,
                format!("cannot read {}: {e}", path.display()),
            ));
            return;
        }
    };
    let mut reader = std::io::BufReader::with_capacity(
        1 << 16,
        Hashing {
            inner: file,
            hasher: Sha256::new(),
        },
    );
    csv::read(name, &mut reader, rows, problems);
    // The rest of the file, if reading stopped early, still counts for the hash.
    if let Err(e) = std::io::copy(&mut reader, &mut std::io::sink()) {
        problems.push(whole_file(
            ProblemKind::Io,
            format!("cannot read {}: {e}", path.display()),
        ));
    }
    let actual = super::hex(&reader.into_inner().hasher.finalize());
    if !actual.eq_ignore_ascii_case(expected) {
        problems.push(whole_file(
            ProblemKind::HashMismatch,
            format!(
                "sha256 is {actual} but {} says {expected} (the file changed after the dataset was loaded); load the dataset again",
                super::MANIFEST
            ),
        ));
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
        self.tariffs.view(territory)?.row(hs, date)
    }

    /// Every tariff row, for listings and checks: (rate, period, source).
    ///
    /// This reads every territory's CSV files that are not read yet (they are otherwise read
    /// on first use). A territory whose files have problems contributes none of their rows:
    /// call [`RateTables::load_all`] first to see the problems. A CSV row whose key (territory
    /// and HS code) also has a TOML row is left out, as lookups leave it out.
    pub fn tariff_rows(&self) -> impl Iterator<Item = (&TariffRate, Period, &str)> {
        let eager = self.tariffs.rate_series().flat_map(|s| s.rows().iter());
        let rates = &self.tariffs.rates;
        let lazy = self
            .tariffs
            .lazy
            .iter()
            .flat_map(|(t, groups)| groups.iter().map(move |g| (*t, g)))
            .filter_map(|(t, g)| g.get().ok().map(|l| (t, l)))
            .flat_map(move |(t, l)| {
                l.rows
                    .iter()
                    .filter(move |r| !rates.contains_key(&(t, r.value.hs)))
            });
        eager.chain(lazy).map(|r| (&r.value, r.period, &*r.source))
    }

    /// Reads every file that is otherwise read on first use (the territories' CSV tariff
    /// schedules) now, and returns the problems of all of them.
    ///
    /// # Errors
    /// A [`DataError`] with every problem of every such file.
    ///
    /// # Example
    /// ```
    /// let tables = landed::RateTables::embedded()?;
    /// tables.load_all()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_all(&self) -> Result<(), DataError> {
        self.tariffs.load_all()
    }

    /// Whether the territory's CSV files have been read: `None` when it has none. For tests
    /// of the lazy loading; not part of the stable API.
    #[doc(hidden)]
    pub fn is_loaded(&self, territory: Territory) -> Option<bool> {
        self.tariffs.is_loaded(territory)
    }
}
