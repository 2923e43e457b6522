//! Additional duties by origin (`[[additional_duty]]` rows: US Section 301, 232, IEEPA,
//! Section 122 …), each scoped by HS prefix and origin, and their index.
//!
//! The index is keyed by (territory, HS prefix or all goods), so a lookup costs at most one
//! probe per prefix length present in the territory's rows, whatever their number.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customs::{dated_row, validity};
use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, Validity};
use super::series::{Dated, Location, RawDated, Series, build_series};
use super::tariff::{FastMap, bit, hs_starts_with};
use crate::codes::{CountryCode, HsCode, Territory};

/// How an additional duty combines with others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// Adds on top of the tariff and every other additional duty.
    Cumulative,
    /// Only the highest matching duty of the same `group` applies.
    HighestInGroup,
}

/// An additional duty by origin (e.g. US Section 301 on goods of China, Section 122).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AdditionalDuty {
    /// The territory.
    pub territory: Territory,
    /// Stable identifier, e.g. `section_301_list_4a`.
    pub name: Arc<str>,
    /// HS prefix covered; `None` covers all goods.
    pub hs: Option<HsCode>,
    /// Origins covered; empty covers all.
    pub origins: Vec<CountryCode>,
    /// Origins not covered.
    pub exclude_origins: Vec<CountryCode>,
    /// HS prefixes not covered.
    pub exclude_hs: Vec<HsCode>,
    /// Not applied to goods that claim a preference (e.g. USMCA goods under Section 122).
    pub not_with_preference: bool,
    /// Ad valorem percent of the customs value.
    pub rate_percent: Decimal,
    /// Stacking rule.
    pub stacking: Stacking,
    /// Group for [`Stacking::HighestInGroup`].
    pub group: Option<Arc<str>>,
}

impl AdditionalDuty {
    /// True when the duty covers a line of this HS code and origin.
    pub(crate) fn covers(&self, hs: &HsCode, origin: CountryCode, preferential: bool) -> bool {
        (self.origins.is_empty() || self.origins.contains(&origin))
            && !self.exclude_origins.contains(&origin)
            && !(self.not_with_preference && preferential)
            && !self.exclude_hs.iter().any(|p| hs_starts_with(hs, p))
            && self.hs.as_ref().is_none_or(|p| hs_starts_with(hs, p))
    }
}

dated_row! {
    struct AdditionalDutyRow {
        territory: Territory,
        name: String,
        #[serde(default)]
        hs: Option<HsCode>,
        #[serde(default)]
        origins: Vec<CountryCode>,
        #[serde(default)]
        exclude_origins: Vec<CountryCode>,
        #[serde(default)]
        exclude_hs: Vec<HsCode>,
        #[serde(default)]
        not_with_preference: bool,
        #[serde(with = "crate::serde_util::decimal_str")]
        rate_percent: Decimal,
        stacking: Stacking,
        #[serde(default)]
        group: Option<String>,
    }
}

impl DatedRow for AdditionalDutyRow {
    type Value = AdditionalDuty;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        if self.rate_percent.is_sign_negative() && !self.rate_percent.is_zero() {
            problems.push(at.problem(
                ProblemKind::NegativeRate,
                format!("additional_duty {}: rate_percent is negative", self.name),
            ));
            return None;
        }
        if self.stacking == Stacking::HighestInGroup && self.group.is_none() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!(
                    "additional_duty {}: stacking highest_in_group needs a group",
                    self.name
                ),
            ));
            return None;
        }
        let value = AdditionalDuty {
            territory: self.territory,
            name: Arc::from(self.name),
            hs: self.hs,
            origins: self.origins,
            exclude_origins: self.exclude_origins,
            exclude_hs: self.exclude_hs,
            not_with_preference: self.not_with_preference,
            rate_percent: self.rate_percent,
            stacking: self.stacking,
            group: self.group.map(Arc::from),
        };
        validity!(self).wrap(at, value, problems)
    }
}

type AdditionalKey = (Territory, Option<HsCode>);
type NamedSeries = Vec<(Arc<str>, Series<AdditionalDuty>)>;

/// The additional duties of every territory, keyed by (territory, HS prefix).
#[derive(Debug, Clone, Default)]
pub(crate) struct AdditionalIndex {
    by_key: FastMap<AdditionalKey, NamedSeries>,
    /// Bit `n` set: the territory has additional duties keyed by `n` digits (bit 0: all goods).
    lengths: FastMap<Territory, u16>,
}

impl AdditionalIndex {
    pub(crate) fn build(
        rows: Vec<RawDated<AdditionalDuty>>,
        problems: &mut Vec<DataProblem>,
    ) -> Self {
        let mut index = Self::default();
        let additional = build_series(
            rows,
            |v| (v.territory, v.hs, Arc::clone(&v.name)),
            |(t, hs, n)| match hs {
                Some(hs) => format!("additional_duty {t} {n} {hs}"),
                None => format!("additional_duty {t} {n}"),
            },
            problems,
        );
        let mut sorted: Vec<_> = additional.into_iter().collect();
        sorted.sort_by(|a, b| a.0.2.cmp(&b.0.2));
        for ((t, hs, name), s) in sorted {
            index.insert(t, hs, name, s);
        }
        index
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for ((t, hs), list) in &other.by_key {
            for (name, s) in list {
                self.insert(*t, *hs, Arc::clone(name), s.clone());
            }
        }
    }

    fn insert(
        &mut self,
        t: Territory,
        hs: Option<HsCode>,
        name: Arc<str>,
        s: Series<AdditionalDuty>,
    ) {
        let mask = self.lengths.entry(t).or_default();
        *mask |= bit(hs.map_or(0, |h| h.len()));
        let list = self.by_key.entry((t, hs)).or_default();
        match list.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = s,
            None => list.push((name, s)),
        }
    }

    /// Every additional duty of the territory whose key matches `hs`, in force on `date`.
    pub(crate) fn for_hs<'s>(
        &'s self,
        territory: Territory,
        hs: &HsCode,
        date: NaiveDate,
        mut each: impl FnMut(&'s Dated<AdditionalDuty>),
    ) {
        let Some(mask) = self.lengths.get(&territory).copied() else {
            return;
        };
        for n in 0..=hs.len() {
            if mask & bit(n) == 0 {
                continue;
            }
            let key = if n == 0 { None } else { hs.prefix(n) };
            if n != 0 && key.is_none() {
                continue;
            }
            if let Some(list) = self.by_key.get(&(territory, key)) {
                for (_, s) in list {
                    if let Ok(row) = s.at(date) {
                        each(row);
                    }
                }
            }
        }
    }
}
