//! Fee chains: an ordered list of fees, each charged on its declared base (item, shipping,
//! tax, other fees), computed after the fees its base names. Cycles are refused when the chain
//! is built.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::engine::{AdjustmentLine, Cap, FeeInput, ScheduleSource, TierLine};
use crate::codes::Currency;
use crate::data::{ChainBase, ChainSpec, DataVersion, FeeBasis, FeeSchedule, RateTables};
use crate::error::Error;

/// What a sale gives the chain's bases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Sale {
    /// The item price (`item`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub item: Decimal,
    /// Shipping charged to the buyer (`shipping`).
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// Tax charged to the buyer (`tax`).
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub tax: Decimal,
    /// Last period's volume, for fees with basis `previous_period_volume`.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub period_volume: Option<Decimal>,
}

impl Sale {
    /// A sale of an item at `item`.
    pub const fn item(item: Decimal) -> Self {
        Self {
            item,
            shipping: Decimal::ZERO,
            tax: Decimal::ZERO,
            period_volume: None,
        }
    }

    /// With shipping.
    #[must_use]
    pub const fn with_shipping(mut self, v: Decimal) -> Self {
        self.shipping = v;
        self
    }

    /// With tax.
    #[must_use]
    pub const fn with_tax(mut self, v: Decimal) -> Self {
        self.tax = v;
        self
    }

    /// With last period's volume.
    #[must_use]
    pub const fn with_period_volume(mut self, v: Decimal) -> Self {
        self.period_volume = Some(v);
        self
    }
}

/// One fee of a chain's result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ChainLine {
    /// The fee's name.
    pub name: String,
    /// The base terms, as declared.
    pub base_terms: Vec<ChainBase>,
    /// The base amount it was charged on.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub base: Decimal,
    /// The fee, rounded (this is what later fees' bases use).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub fee: Decimal,
    /// The fee before rounding.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unrounded: Decimal,
    /// The per-event cap that bound (e.g. a per-item minimum), if any.
    pub cap: Option<Cap>,
    /// The fee's tiers.
    pub tiers: Vec<TierLine>,
    /// The fee's adjustments after its tiers (see
    /// [`FeeResult::adjustments`](super::FeeResult::adjustments)): `tiers` and `adjustments`
    /// sum exactly to `unrounded`.
    pub adjustments: Vec<AdjustmentLine>,
    /// `fee − unrounded`: the rounding to the minor unit.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub rounding: Decimal,
    /// A schedule read from the data (`schedule_id`): its id, period and source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSource>,
}

/// The result of a chain: every fee in the chain's order and their sum.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ChainResult {
    /// Sum of the rounded fees.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub total: Decimal,
    /// Sum of the unrounded fees.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unrounded: Decimal,
    /// The fees' currency.
    pub currency: Currency,
    /// Each fee, in the order listed.
    pub lines: Vec<ChainLine>,
    /// The data the named schedules came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_version: Option<DataVersion>,
    /// A chain read from the data (`chain_id`): its id, period and source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<ScheduleSource>,
}

/// A validated chain, ready to evaluate.
#[derive(Debug, Clone)]
pub struct FeeChain {
    spec: ChainSpec,
    order: Vec<usize>,
    schedules: Vec<FeeSchedule>,
    sources: Vec<Option<ScheduleSource>>,
    currency: Currency,
}

impl FeeChain {
    /// Builds a chain: orders the fees by their bases (refusing cycles) and resolves each
    /// fee's schedule, inline or by `schedule_id` from `tables` on `date`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: a cycle, a duplicate or unknown name, a
    /// schedule_id without a date, fees in different currencies, a basis other than `amount`
    /// or `previous_period_volume`; lookup errors of named schedules.
    pub fn new(
        spec: &ChainSpec,
        tables: &RateTables,
        date: Option<NaiveDate>,
        at: &str,
    ) -> Result<Self, Error> {
        let order = spec.order(at)?;
        let mut schedules = Vec::with_capacity(spec.fees.len());
        let mut sources = Vec::with_capacity(spec.fees.len());
        for (i, f) in spec.fees.iter().enumerate() {
            let field = format!("{at}.fees[{i}]");
            let s = match (&f.schedule, &f.schedule_id) {
                (Some(s), _) => {
                    sources.push(None);
                    s.compile(&format!("{field}.schedule"))?
                }
                (None, Some(id)) => {
                    let date = date.ok_or_else(|| {
                        Error::input("date", "a named schedule needs the date to look it up")
                    })?;
                    let rec = tables.fee_schedule(id, date)?;
                    sources.push(Some(ScheduleSource::of(id, &rec)));
                    rec.schedule.clone()
                }
                (None, None) => {
                    return Err(Error::input(field, "give schedule or schedule_id"));
                }
            };
            if !matches!(s.basis(), FeeBasis::Amount | FeeBasis::PreviousPeriodVolume) {
                return Err(Error::input(
                    format!("{field}.schedule.basis"),
                    "a chain fee is charged on one base amount: use basis amount (or previous_period_volume)",
                ));
            }
            schedules.push(s);
        }
        let currency = schedules
            .first()
            .map(FeeSchedule::currency)
            .ok_or_else(|| Error::input(format!("{at}.fees"), "a chain needs at least one fee"))?;
        if let Some(i) = schedules.iter().position(|s| s.currency() != currency) {
            return Err(Error::input(
                format!("{at}.fees[{i}].schedule.currency"),
                format!("the chain's fees are in {currency}; convert the schedule first"),
            ));
        }
        Ok(Self {
            spec: spec.clone(),
            order,
            schedules,
            sources,
            currency,
        })
    }

    /// Evaluates every fee on the sale.
    ///
    /// # Errors
    /// Errors of the fees' schedules, with the fee named.
    pub fn evaluate(&self, sale: &Sale) -> Result<ChainResult, Error> {
        let n = self.schedules.len();
        let mut fees: Vec<Option<Decimal>> = vec![None; n];
        let mut lines: Vec<Option<ChainLine>> = vec![None; n];
        // Names looked up once, and the sums of the fees listed before each position built as
        // far as needed, so that bases cost their length, not the chain's.
        let by_name: HashMap<&str, usize> = self
            .spec
            .fees
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.as_str(), i))
            .collect();
        let mut before: Vec<Decimal> = vec![Decimal::ZERO];
        for &i in &self.order {
            let (Some(f), Some(s)) = (self.spec.fees.get(i), self.schedules.get(i)) else {
                continue;
            };
            let mut base = Decimal::ZERO;
            for term in &f.base {
                let v = match term {
                    ChainBase::Item => sale.item,
                    ChainBase::Shipping => sale.shipping,
                    ChainBase::Tax => sale.tax,
                    ChainBase::Fee(name) => by_name
                        .get(name.as_str())
                        .and_then(|&k| fees.get(k).copied().flatten())
                        .unwrap_or(Decimal::ZERO),
                    ChainBase::Fees => {
                        // Every fee before `i` is computed by now (the order puts them first).
                        while before.len() <= i {
                            let k = before.len().saturating_sub(1);
                            let sum = before.last().copied().unwrap_or(Decimal::ZERO);
                            let fee = fees.get(k).copied().flatten().unwrap_or(Decimal::ZERO);
                            before.push(sum.checked_add(fee).ok_or(Error::overflow("chain base"))?);
                        }
                        before.get(i).copied().unwrap_or(Decimal::ZERO)
                    }
                };
                base = base.checked_add(v).ok_or(Error::overflow("chain base"))?;
            }
            let mut input = FeeInput::events(vec![base]);
            if s.basis() == FeeBasis::PreviousPeriodVolume {
                input.period_volume = sale.period_volume;
            }
            let r = s.evaluate(&input).map_err(|e| match e {
                Error::InvalidInput { field, reason } => Error::InvalidInput {
                    field: format!("fees[{i}] ({}): {field}", f.name),
                    reason,
                },
                other => other,
            })?;
            if let Some(slot) = fees.get_mut(i) {
                *slot = Some(r.total);
            }
            if let Some(slot) = lines.get_mut(i) {
                *slot = Some(ChainLine {
                    name: f.name.clone(),
                    base_terms: f.base.clone(),
                    base,
                    fee: r.total,
                    unrounded: r.unrounded,
                    cap: r.events.first().and_then(|e| e.cap),
                    tiers: r.tiers,
                    adjustments: r.adjustments,
                    rounding: r.rounding,
                    schedule: self.sources.get(i).cloned().flatten(),
                });
            }
        }
        let lines: Vec<ChainLine> = lines.into_iter().flatten().collect();
        let sum = |f: fn(&ChainLine) -> Decimal| {
            lines
                .iter()
                .try_fold(Decimal::ZERO, |a, l| a.checked_add(f(l)))
                .ok_or(Error::overflow("chain total"))
        };
        Ok(ChainResult {
            total: sum(|l| l.fee)?,
            unrounded: sum(|l| l.unrounded)?,
            currency: self.currency,
            lines,
            data_version: None,
            chain: None,
        })
    }
}
