//! Fee schedules as data: the schedule shape ([`ScheduleSpec`], one tier shape and a few
//! switches), its validated form ([`FeeSchedule`]), fee chains ([`ChainSpec`]) and the dated
//! `[[fee_schedule]]` and `[[fee_chain]]` rows keyed by provider × category × seller region.
//!
//! Tiers cover `(previous up_to, up_to]`: the upper bound is inclusive and the first tier starts
//! above zero; the last tier has no `up_to` (infinity). Each tier has a `unit_amount` (per unit
//! of the basis), a `rate` (percent of the basis, the same as a unit amount of rate/100), and a
//! `flat_amount` (once per tier entered), and optionally `min`/`max` on the tier's subtotal.
//!
//! Validation turns every number into exact integers at fixed scales (basis values at 6
//! decimals, unit prices at 10, money at 16), so the evaluation is integer arithmetic with no
//! rounding until the one rounding per fee line. A value with more decimals than its scale is
//! refused with the field named, never truncated.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, FileReader, Validity};
use super::series::{Location, RawDated, Series, SeriesMap, build_series, row_at};
use super::{DataVersion, Period, RateTables};
use crate::codes::{CountryCode, Currency};
use crate::error::Error;
use crate::money::RoundingMode;

/// Decimals of basis values (quantities, amounts, volumes, tier bounds).
pub(crate) const X: u32 = 6;
/// Decimals of unit prices (unit amounts and rates as fractions).
pub(crate) const P: u32 = 10;
/// Decimals of a rate in percent: `P` less the two of the division by 100.
pub(crate) const PERCENT_DECIMALS: u32 = 8;
/// Decimals of money inside an evaluation (`X + P`).
pub(crate) const M: u32 = 16;

/// The fee model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeMode {
    /// `fixed_amount` per event (basis amount) or per unit (basis quantity).
    Flat,
    /// `rate` percent of each event's amount plus `fixed_amount` per event; or, with tiers,
    /// tiered rates on the period volume (graduated) or on last period's volume.
    Percentage,
    /// Each portion of the basis at its own tier's price (marginal).
    Graduated,
    /// Graduated, priced by `rate` (percent) per tier.
    GraduatedPercentage,
    /// The whole basis at the price of the tier reached.
    Volume,
    /// One flat amount for the tier reached.
    Stairstep,
    /// `package_amount` per block of `package_size`, rounded up.
    Package,
}

/// What the tiers are measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// A quantity for the period (`quantity`).
    Quantity,
    /// Each event's amount on its own (`events`).
    Amount,
    /// This period's cumulative volume: `period_volume` so far, then each event added.
    PeriodVolume,
    /// Last period's volume (`period_volume`) picks the tier for every event.
    PreviousPeriodVolume,
}

/// When a fee line is rounded to the currency's minor unit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FeeRoundingStage {
    /// Once, on the total (the default).
    #[default]
    Total,
    /// Each event's fee (as processors charge per transaction), then the total is their sum.
    Event,
}

/// One tier.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    /// Inclusive upper bound; `null` (or absent) for infinity, only on the last tier.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub up_to: Option<Decimal>,
    /// Price per unit of the basis in the tier.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub unit_amount: Option<Decimal>,
    /// Charged once when the tier is entered.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub flat_amount: Option<Decimal>,
    /// Percent of the basis in the tier.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<Decimal>,
    /// Minimum of the tier's subtotal (when the tier is entered).
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub min: Option<Decimal>,
    /// Maximum of the tier's subtotal.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub max: Option<Decimal>,
}

/// A fee schedule as written in data or a request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(
    missing_docs,
    reason = "the fields are documented in the crate's wire-format docs"
)]
pub struct ScheduleSpec {
    /// The model.
    pub mode: FeeMode,
    /// What tiers are measured on; default `amount` for percentage and graduated_percentage,
    /// `quantity` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<FeeBasis>,
    /// The fee's currency.
    pub currency: Currency,
    /// Rounding to the minor unit; default `half_up`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<RoundingMode>,
    /// When to round; default `total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding_stage: Option<FeeRoundingStage>,
    /// The tiers, in increasing `up_to`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierSpec>,
    /// Percent of each event's amount (percentage mode without tiers).
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<Decimal>,
    /// Per event (per unit in flat mode with basis quantity).
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub fixed_amount: Option<Decimal>,
    /// Minimum fee per paying event.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub per_event_min: Option<Decimal>,
    /// Maximum fee per event.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub per_event_max: Option<Decimal>,
    /// Minimum total of the evaluation (period).
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub period_min: Option<Decimal>,
    /// Maximum total of the evaluation (period).
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub period_max: Option<Decimal>,
    /// The first N events are free (combined with `free_amount`: while both last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_events: Option<u64>,
    /// This much of the events' amounts is free, consumed in event order.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub free_amount: Option<Decimal>,
    /// This many units of the quantity are free.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub free_units: Option<Decimal>,
    /// Package mode: units per package.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub package_size: Option<Decimal>,
    /// Package mode: price per package.
    #[serde(
        default,
        with = "crate::serde_util::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    pub package_amount: Option<Decimal>,
    /// Whether the first tier's flat amount is charged at zero usage; default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_tier_flat_at_zero: Option<bool>,
}

/// How the tiers are applied inside an evaluation (derived from mode and basis).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Each portion at its tier's price, tier flats once entered.
    Graduated,
    /// The whole value at the tier reached.
    Volume,
    /// The flat amount of the tier reached.
    Stairstep,
    /// Packages of `package_size`.
    Package,
    /// A fixed amount per event only.
    Flat,
}

/// A tier in integer form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CTier {
    /// Upper bound at scale `X`; `None` for infinity.
    pub(crate) up_to: Option<i64>,
    /// Unit price at scale `P` (unit amount + rate / 100).
    pub(crate) price: i64,
    /// At scale `M`.
    pub(crate) flat: i128,
    pub(crate) min: Option<i128>,
    pub(crate) max: Option<i128>,
    /// The rate as written, for the breakdown.
    pub(crate) rate: Option<Decimal>,
    /// The tier's lower bound (the previous `up_to`), scale `X`.
    pub(crate) lower: i64,
    /// Graduated: the fee of every tier below this one, each full and within its caps.
    pub(crate) below: i128,
}

/// A validated fee schedule, ready to evaluate (see [`crate::fees`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeSchedule {
    pub(crate) spec: ScheduleSpec,
    pub(crate) kind: Kind,
    pub(crate) basis: FeeBasis,
    pub(crate) currency: Currency,
    pub(crate) minor: u32,
    pub(crate) rounding: RoundingMode,
    pub(crate) stage: FeeRoundingStage,
    pub(crate) tiers: Vec<CTier>,
    /// Per event, at scale `M`.
    pub(crate) fixed: i128,
    pub(crate) per_event_min: Option<i128>,
    pub(crate) per_event_max: Option<i128>,
    pub(crate) period_min: Option<i128>,
    pub(crate) period_max: Option<i128>,
    pub(crate) free_events: Option<u64>,
    /// At scale `X`.
    pub(crate) free_amount: Option<i64>,
    /// At scale `X`.
    pub(crate) free_units: i64,
    /// At scale `X`.
    pub(crate) package_size: i64,
    /// At scale `M`.
    pub(crate) package_amount: i128,
    pub(crate) flat_at_zero: bool,
    /// The mode refuses mid-period deltas (volume, stairstep).
    pub(crate) whole_period: bool,
}

/// `value × 10^scale` as an exact integer.
pub(crate) fn fixed(value: Decimal, scale: u32) -> Option<i128> {
    crate::money::scaled_int(value, scale)
}

/// A non-negative input value at `scale` as an integer, naming `field` when it is negative,
/// has more than `scale` decimals or is too large (`what` says which scale it is).
pub(crate) fn scaled_input(field: &str, v: Decimal, scale: u32, what: &str) -> Result<i128, Error> {
    if v < Decimal::ZERO {
        return Err(Error::input(
            field,
            format!("{v} is negative; fees, amounts and bounds are zero or more"),
        ));
    }
    fixed(v, scale).ok_or_else(|| {
        Error::input(
            field,
            format!("{v} has more than {scale} decimals{what} or is too large"),
        )
    })
}

/// An integer at `scale` back to a decimal, trailing zeros dropped but at least `min_scale`
/// decimals shown.
pub(crate) fn to_decimal(v: i128, scale: u32, min_scale: u32) -> Result<Decimal, Error> {
    let mut d = Decimal::try_from_i128_with_scale(v, scale)
        .map_err(|_| Error::overflow("fee amount"))?
        .normalize();
    if d.scale() < min_scale {
        d.rescale(min_scale);
    }
    Ok(d)
}

struct Check<'a> {
    at: &'a str,
}

/// A tier's field, named only when an error needs it: `tiers[2].rate`.
#[derive(Clone, Copy)]
struct TierField(usize, &'static str);

impl fmt::Display for TierField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tiers[{}].{}", self.0, self.1)
    }
}

/// Field names are written only for errors: validating a schedule formats nothing.
impl Check<'_> {
    fn err(&self, field: impl fmt::Display, reason: impl Into<String>) -> Error {
        Error::input(format!("{}.{field}", self.at), reason)
    }

    fn scaled(
        &self,
        field: impl fmt::Display,
        v: Decimal,
        scale: u32,
        what: &str,
    ) -> Result<i128, Error> {
        match fixed(v, scale) {
            Some(x) if v >= Decimal::ZERO => Ok(x),
            _ => scaled_input(&format!("{}.{field}", self.at), v, scale, what),
        }
    }

    fn non_negative(&self, field: impl fmt::Display, v: Decimal) -> Result<Decimal, Error> {
        if v < Decimal::ZERO {
            return Err(self.err(
                field,
                format!("{v} is negative; fees, amounts and bounds are zero or more"),
            ));
        }
        Ok(v)
    }

    fn basis_value(&self, field: impl fmt::Display + Copy, v: Decimal) -> Result<i64, Error> {
        i64::try_from(self.scaled(field, v, X, "")?)
            .map_err(|_| self.err(field, format!("{v} is too large")))
    }

    fn price(&self, field: impl fmt::Display + Copy, v: Decimal) -> Result<i64, Error> {
        i64::try_from(self.scaled(field, v, P, " (as a unit price)")?)
            .map_err(|_| self.err(field, format!("{v} is too large")))
    }

    /// A rate in percent as a unit price at scale `P`: `rate / 100`, read exactly from the
    /// rate's own digits. Dividing the `Decimal` by 100 first would round a rate with 27
    /// decimals to 28 digits (`2.900000000000000000000000001` became `2.9`) and the check of
    /// the decimals would then pass silently.
    fn percent_rate(&self, field: impl fmt::Display + Copy, r: Decimal) -> Result<i64, Error> {
        let r = self.non_negative(field, r)?;
        i64::try_from(self.scaled(field, r, PERCENT_DECIMALS, " (a percent rate)")?)
            .map_err(|_| self.err(field, format!("{r} is too large")))
    }

    fn money(&self, field: impl fmt::Display, v: Decimal) -> Result<i128, Error> {
        self.scaled(field, v, M, "")
    }

    fn opt_money(
        &self,
        field: impl fmt::Display,
        v: Option<Decimal>,
    ) -> Result<Option<i128>, Error> {
        v.map(|v| self.money(field, v)).transpose()
    }

    fn min_max(
        &self,
        min_field: impl fmt::Display,
        min: Option<i128>,
        max: Option<i128>,
    ) -> Result<(), Error> {
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            return Err(self.err(
                min_field,
                "the minimum is above the maximum; give min <= max",
            ));
        }
        Ok(())
    }

    fn forbid(&self, field: impl fmt::Display, present: bool, why: &str) -> Result<(), Error> {
        if present {
            return Err(self.err(field, why.to_owned()));
        }
        Ok(())
    }
}

/// Unit price of a tier: unit amount + rate / 100.
fn tier_price(c: &Check<'_>, i: usize, t: &TierSpec) -> Result<i64, Error> {
    let unit = t
        .unit_amount
        .map(|u| c.price(TierField(i, "unit_amount"), u))
        .transpose()?
        .unwrap_or(0);
    let rate = t
        .rate
        .map(|r| c.percent_rate(TierField(i, "rate"), r))
        .transpose()?
        .unwrap_or(0);
    unit.checked_add(rate)
        .ok_or_else(|| c.err(TierField(i, "rate"), "the unit price is too large"))
}

impl ScheduleSpec {
    /// Validates the schedule. `at` names it in errors (e.g. `"schedule"`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: tiers out of order or not ending open, a field
    /// the mode or basis does not use, a negative amount, min above max, too many decimals.
    pub fn compile(&self, at: &str) -> Result<FeeSchedule, Error> {
        let c = Check { at };
        let minor = self.currency.minor_unit_scale()?;
        let basis = self.basis.unwrap_or(match self.mode {
            FeeMode::Percentage | FeeMode::GraduatedPercentage => FeeBasis::Amount,
            _ => FeeBasis::Quantity,
        });
        let per_event_basis = basis != FeeBasis::Quantity;
        // Tiers.
        let needs_tiers = matches!(
            self.mode,
            FeeMode::Graduated
                | FeeMode::GraduatedPercentage
                | FeeMode::Volume
                | FeeMode::Stairstep
        );
        if needs_tiers && self.tiers.is_empty() {
            return Err(c.err(
                "tiers",
                "this mode needs at least one tier; the last has up_to null",
            ));
        }
        c.forbid(
            "tiers",
            matches!(self.mode, FeeMode::Flat | FeeMode::Package) && !self.tiers.is_empty(),
            "flat and package schedules have no tiers; use graduated or volume",
        )?;
        let mut tiers = Vec::with_capacity(self.tiers.len());
        let mut prev: i64 = 0;
        for (i, t) in self.tiers.iter().enumerate() {
            let last = i.checked_add(1) == Some(self.tiers.len());
            let up_to = match (t.up_to, last) {
                (None, true) => None,
                (None, false) => {
                    return Err(c.err(
                        TierField(i, "up_to"),
                        "only the last tier may be open (up_to null)",
                    ));
                }
                (Some(_), true) => {
                    return Err(c.err(
                        TierField(i, "up_to"),
                        "the last tier must be open (up_to null) so that every value has a tier",
                    ));
                }
                (Some(u), false) => {
                    let v = c.basis_value(TierField(i, "up_to"), u)?;
                    if v <= prev {
                        return Err(c.err(
                            TierField(i, "up_to"),
                            format!(
                                "{u} must be above the previous tier's up_to (tiers cover (previous up_to, up_to])"
                            ),
                        ));
                    }
                    prev = v;
                    Some(v)
                }
            };
            if self.mode == FeeMode::Stairstep {
                c.forbid(
                    TierField(i, "unit_amount"),
                    t.unit_amount.is_some() || t.rate.is_some(),
                    "a stairstep tier has only a flat_amount",
                )?;
            }
            if self.mode == FeeMode::GraduatedPercentage && t.rate.is_none() {
                return Err(c.err(
                    TierField(i, "rate"),
                    "graduated_percentage tiers need a rate",
                ));
            }
            if self.mode == FeeMode::Percentage {
                c.forbid(
                    TierField(i, "unit_amount"),
                    t.unit_amount.is_some(),
                    "percentage tiers carry a rate; use graduated for unit amounts",
                )?;
            }
            let min = c.opt_money(TierField(i, "min"), t.min)?;
            let max = c.opt_money(TierField(i, "max"), t.max)?;
            c.min_max(TierField(i, "min"), min, max)?;
            tiers.push(CTier {
                up_to,
                price: tier_price(&c, i, t)?,
                flat: c
                    .opt_money(TierField(i, "flat_amount"), t.flat_amount)?
                    .unwrap_or(0),
                min,
                max,
                rate: t.rate,
                lower: 0,
                below: 0,
            });
        }
        // Mode-specific fields.
        let fixed_amount = c.opt_money("fixed_amount", self.fixed_amount)?;
        let kind = match self.mode {
            FeeMode::Flat => {
                let Some(f) = self.fixed_amount else {
                    return Err(c.err("fixed_amount", "a flat schedule needs fixed_amount"));
                };
                if per_event_basis {
                    Kind::Flat
                } else {
                    // Per unit: a one-tier volume schedule priced at the fixed amount.
                    tiers.push(CTier {
                        up_to: None,
                        price: c.price("fixed_amount", f)?,
                        flat: 0,
                        min: None,
                        max: None,
                        rate: None,
                        lower: 0,
                        below: 0,
                    });
                    Kind::Volume
                }
            }
            FeeMode::Percentage => {
                if self.tiers.is_empty() {
                    let Some(r) = self.rate else {
                        return Err(c.err(
                            "rate",
                            "a percentage schedule needs rate (percent) or tiers with rates",
                        ));
                    };
                    tiers.push(CTier {
                        up_to: None,
                        price: c.percent_rate("rate", r)?,
                        flat: 0,
                        min: None,
                        max: None,
                        rate: Some(r),
                        lower: 0,
                        below: 0,
                    });
                    Kind::Volume
                } else {
                    c.forbid(
                        "rate",
                        self.rate.is_some(),
                        "give the rate in the tiers or here, not both",
                    )?;
                    match basis {
                        FeeBasis::PeriodVolume => Kind::Graduated,
                        FeeBasis::PreviousPeriodVolume => Kind::Volume,
                        _ => {
                            return Err(c.err(
                                "basis",
                                "percentage tiers are on period_volume or previous_period_volume; for tiers on each event's amount use graduated_percentage (portions) or volume (whole amount)",
                            ));
                        }
                    }
                }
            }
            FeeMode::Graduated | FeeMode::GraduatedPercentage => Kind::Graduated,
            FeeMode::Volume => Kind::Volume,
            FeeMode::Stairstep => Kind::Stairstep,
            FeeMode::Package => Kind::Package,
        };
        if self.mode != FeeMode::Percentage {
            c.forbid(
                "rate",
                self.rate.is_some(),
                "rate is for percentage schedules; put rates in the tiers",
            )?;
        }
        c.forbid(
            "percentage",
            self.mode == FeeMode::Percentage && basis == FeeBasis::Quantity,
            "a percentage of a quantity is not defined; use basis amount",
        )?;
        let (package_size, package_amount) = if self.mode == FeeMode::Package {
            let size = self
                .package_size
                .ok_or_else(|| c.err("package_size", "a package schedule needs package_size"))?;
            let size = c.basis_value("package_size", size)?;
            if size == 0 {
                return Err(c.err("package_size", "must be greater than zero"));
            }
            let amount = self.package_amount.ok_or_else(|| {
                c.err("package_amount", "a package schedule needs package_amount")
            })?;
            c.forbid(
                "basis",
                basis == FeeBasis::PreviousPeriodVolume,
                "packages count this period's units; use quantity, amount or period_volume",
            )?;
            (size, c.money("package_amount", amount)?)
        } else {
            c.forbid(
                "package_size",
                self.package_size.is_some(),
                "only package schedules have package_size",
            )?;
            c.forbid(
                "package_amount",
                self.package_amount.is_some(),
                "only package schedules have package_amount",
            )?;
            (0, 0)
        };
        // Basis-specific fields.
        if !per_event_basis {
            let why = "is per event; with basis quantity there are no events (use a tier flat_amount, period_min or period_max)";
            c.forbid("per_event_min", self.per_event_min.is_some(), why)?;
            c.forbid("per_event_max", self.per_event_max.is_some(), why)?;
            c.forbid("free_events", self.free_events.is_some(), why)?;
            c.forbid("free_amount", self.free_amount.is_some(), why)?;
            c.forbid(
                "fixed_amount",
                self.mode != FeeMode::Flat && self.fixed_amount.is_some(),
                why,
            )?;
        } else {
            c.forbid(
                "free_units",
                self.free_units.is_some(),
                "free_units is for basis quantity; for events use free_amount or free_events",
            )?;
        }
        // Precompute each tier's lower bound and the graduated fee of the full tiers below
        // it, so a graduated evaluation is one lookup and one multiplication.
        let mut lower = 0i64;
        let mut below = 0i128;
        for t in &mut tiers {
            t.lower = lower;
            t.below = below;
            if let Some(u) = t.up_to {
                let units = i128::from(u.saturating_sub(lower));
                let raw = units
                    .checked_mul(i128::from(t.price))
                    .and_then(|v| v.checked_add(t.flat))
                    .ok_or_else(|| c.err("tiers", "the tiers' amounts are too large"))?;
                let full = match (t.min, t.max) {
                    (Some(lo), _) if raw < lo => lo,
                    (_, Some(hi)) if raw > hi => hi,
                    _ => raw,
                };
                below = below
                    .checked_add(full)
                    .ok_or_else(|| c.err("tiers", "the tiers' amounts are too large"))?;
                lower = u;
            }
        }
        let selects_whole_period = match basis {
            FeeBasis::PreviousPeriodVolume => true,
            FeeBasis::PeriodVolume => matches!(kind, Kind::Volume | Kind::Stairstep),
            _ => false,
        };
        if selects_whole_period
            && let Some(i) = self
                .tiers
                .iter()
                .position(|t| t.min.is_some() || t.max.is_some())
        {
            return Err(c.err(
                TierField(i, "min"),
                "tier caps bound one evaluation of a tier; when the period's volume picks the tier, cap the period with period_min or period_max",
            ));
        }
        let per_event_min = c.opt_money("per_event_min", self.per_event_min)?;
        let per_event_max = c.opt_money("per_event_max", self.per_event_max)?;
        c.min_max("per_event_min", per_event_min, per_event_max)?;
        let period_min = c.opt_money("period_min", self.period_min)?;
        let period_max = c.opt_money("period_max", self.period_max)?;
        c.min_max("period_min", period_min, period_max)?;
        Ok(FeeSchedule {
            spec: self.clone(),
            kind,
            basis,
            currency: self.currency,
            minor,
            rounding: self.rounding.unwrap_or_default(),
            stage: self.rounding_stage.unwrap_or_default(),
            tiers,
            fixed: if self.mode == FeeMode::Flat && !per_event_basis {
                0
            } else {
                fixed_amount.unwrap_or(0)
            },
            per_event_min,
            per_event_max,
            period_min,
            period_max,
            free_events: self.free_events,
            free_amount: self
                .free_amount
                .map(|f| c.basis_value("free_amount", f))
                .transpose()?,
            free_units: self
                .free_units
                .map(|f| c.basis_value("free_units", f))
                .transpose()?
                .unwrap_or(0),
            package_size,
            package_amount,
            flat_at_zero: self.first_tier_flat_at_zero.unwrap_or(true),
            whole_period: matches!(self.mode, FeeMode::Volume | FeeMode::Stairstep),
        })
    }
}

impl FeeSchedule {
    /// The schedule as written.
    pub const fn spec(&self) -> &ScheduleSpec {
        &self.spec
    }

    /// The fee's currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// What the tiers are measured on (the default filled in).
    pub const fn basis(&self) -> FeeBasis {
        self.basis
    }
}

/// One term of a chain fee's base.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChainBase {
    /// The item price (`item`).
    Item,
    /// Shipping charged to the buyer (`shipping`).
    Shipping,
    /// Tax charged to the buyer (`tax`).
    Tax,
    /// Another fee of the chain, by name (`fee:NAME`), as charged (rounded).
    Fee(String),
    /// Every fee listed before this one (`fees`), as charged.
    Fees,
}

impl serde::Serialize for ChainBase {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Item => s.serialize_str("item"),
            Self::Shipping => s.serialize_str("shipping"),
            Self::Tax => s.serialize_str("tax"),
            Self::Fees => s.serialize_str("fees"),
            Self::Fee(n) => s.collect_str(&format_args!("fee:{n}")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for ChainBase {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "item" => Self::Item,
            "shipping" => Self::Shipping,
            "tax" => Self::Tax,
            "fees" => Self::Fees,
            other => match other.strip_prefix("fee:") {
                Some(n) if !n.is_empty() => Self::Fee(n.to_owned()),
                _ => {
                    return Err(serde::de::Error::custom(format_args!(
                        "unknown base term {other:?}; expected item, shipping, tax, fees or fee:NAME"
                    )));
                }
            },
        })
    }
}

/// One fee of a chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainFeeSpec {
    /// The fee's name, unique in the chain.
    pub name: String,
    /// What the fee is charged on: the sum of these terms.
    pub base: Vec<ChainBase>,
    /// The schedule, inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSpec>,
    /// Or a named schedule of the data (`provider/category[/region]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
}

/// An ordered list of fees, each on its declared base.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// The fees, in order.
    pub fees: Vec<ChainFeeSpec>,
}

/// The most fees a chain may have ([`ChainSpec::order`] refuses longer ones with
/// [`Error::TooLong`] naming `fees`): real marketplaces charge a handful, and the limit keeps
/// one request's time and memory bounded (ordering and evaluating are linear in the chain's
/// length and its bases).
pub const MAX_CHAIN_FEES: usize = 1_000;

/// A dependency of a chain fee's base.
#[derive(Debug, Clone, Copy)]
enum Dep {
    /// `fee:NAME`: the fee at this position.
    One(usize),
    /// `fees`: every fee listed before; kept as one entry so that memory stays linear.
    AllBefore,
}

impl ChainSpec {
    /// The order in which the fees must be computed (each after the fees its base names):
    /// fee positions in list order where possible.
    ///
    /// # Errors
    /// [`Error::TooLong`] for more than [`MAX_CHAIN_FEES`] fees; [`Error::InvalidInput`]
    /// naming the field for a duplicate name, a base naming a fee that does not exist, a fee
    /// without exactly one of `schedule` and `schedule_id`, or a cycle (the message lists it).
    pub fn order(&self, at: &str) -> Result<Vec<usize>, Error> {
        let err = |field: String, reason: String| Error::input(format!("{at}.{field}"), reason);
        if self.fees.len() > MAX_CHAIN_FEES {
            return Err(Error::TooLong {
                field: format!("{at}.fees"),
                count: self.fees.len(),
                limit: MAX_CHAIN_FEES,
                advice: "split the chain, or charge repeated fees as one schedule",
            });
        }
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, f) in self.fees.iter().enumerate() {
            if index.insert(f.name.as_str(), i).is_some() {
                return Err(err(
                    format!("fees[{i}].name"),
                    format!("{:?} is used twice", f.name),
                ));
            }
            if f.schedule.is_some() == f.schedule_id.is_some() {
                return Err(err(
                    format!("fees[{i}]"),
                    "give exactly one of schedule and schedule_id".to_owned(),
                ));
            }
            if f.base.is_empty() {
                return Err(err(
                    format!("fees[{i}].base"),
                    "name what the fee is charged on, e.g. [\"item\", \"shipping\"]".to_owned(),
                ));
            }
        }
        // Dependencies: `fee:X` → X; `fees` → every fee listed before (one entry, expanded
        // while walking).
        let mut deps: Vec<Vec<Dep>> = Vec::with_capacity(self.fees.len());
        for (i, f) in self.fees.iter().enumerate() {
            let mut d = Vec::new();
            for (j, b) in f.base.iter().enumerate() {
                match b {
                    ChainBase::Fee(n) => match index.get(n.as_str()) {
                        Some(&k) => d.push(Dep::One(k)),
                        None => {
                            return Err(err(
                                format!("fees[{i}].base[{j}]"),
                                format!("no fee named {n:?} in the chain"),
                            ));
                        }
                    },
                    ChainBase::Fees => d.push(Dep::AllBefore),
                    _ => {}
                }
            }
            deps.push(d);
        }
        let cycle_error = |cycle: &[usize]| {
            let names: Vec<&str> = cycle
                .iter()
                .filter_map(|&i| self.fees.get(i).map(|f| f.name.as_str()))
                .collect();
            err(
                "fees".to_owned(),
                format!(
                    "the bases form a cycle: {}; a fee cannot be charged on itself",
                    names.join(" → ")
                ),
            )
        };
        // Depth-first topological order, with an explicit stack (a recursion as deep as the
        // chain is long overflowed threads' stacks); a grey node met again is a cycle.
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            White,
            Grey,
            Black,
        }
        /// A fee being visited: its position, the next base term, and inside a `fees` term the
        /// next fee listed before it.
        struct Frame {
            node: usize,
            term: usize,
            inner: usize,
        }
        let mut marks = vec![Mark::White; self.fees.len()];
        let mut out = Vec::with_capacity(self.fees.len());
        let mut frames: Vec<Frame> = Vec::new();
        for root in 0..self.fees.len() {
            if marks.get(root).copied() != Some(Mark::White) {
                continue;
            }
            if let Some(m) = marks.get_mut(root) {
                *m = Mark::Grey;
            }
            frames.push(Frame {
                node: root,
                term: 0,
                inner: 0,
            });
            while let Some(top) = frames.last_mut() {
                let node = top.node;
                let child = match deps.get(node).and_then(|d| d.get(top.term)) {
                    None => {
                        frames.pop();
                        if let Some(m) = marks.get_mut(node) {
                            *m = Mark::Black;
                        }
                        out.push(node);
                        continue;
                    }
                    Some(Dep::One(d)) => {
                        top.term = top.term.saturating_add(1);
                        *d
                    }
                    Some(Dep::AllBefore) => {
                        if top.inner < node {
                            let c = top.inner;
                            top.inner = top.inner.saturating_add(1);
                            c
                        } else {
                            top.term = top.term.saturating_add(1);
                            top.inner = 0;
                            continue;
                        }
                    }
                };
                match marks.get(child).copied() {
                    Some(Mark::Black) | None => {}
                    Some(Mark::Grey) => {
                        let from = frames.iter().position(|f| f.node == child).unwrap_or(0);
                        let mut cycle: Vec<usize> = frames
                            .get(from..)
                            .unwrap_or(&[])
                            .iter()
                            .map(|f| f.node)
                            .collect();
                        cycle.push(child);
                        return Err(cycle_error(&cycle));
                    }
                    Some(Mark::White) => {
                        if let Some(m) = marks.get_mut(child) {
                            *m = Mark::Grey;
                        }
                        frames.push(Frame {
                            node: child,
                            term: 0,
                            inner: 0,
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The key of a schedule or chain row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FeeKey {
    provider: String,
    category: String,
    region: Option<CountryCode>,
}

impl FeeKey {
    fn id(&self) -> String {
        match self.region {
            Some(r) => format!("{}/{}/{r}", self.provider, self.category),
            None => format!("{}/{}", self.provider, self.category),
        }
    }

    /// Parses `provider/category[/REGION]`.
    fn parse(id: &str) -> Result<Self, Error> {
        let mut parts = id.split('/');
        let bad = || {
            Error::input(
                "schedule_id",
                format!("{id:?} is not provider/category or provider/category/REGION"),
            )
        };
        let provider = parts.next().filter(|p| !p.is_empty()).ok_or_else(bad)?;
        let category = parts.next().filter(|p| !p.is_empty()).ok_or_else(bad)?;
        let region = parts.next().map(str::parse::<CountryCode>).transpose()?;
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Self {
            provider: provider.to_owned(),
            category: category.to_owned(),
            region,
        })
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FeeScheduleRow {
    provider: String,
    category: String,
    #[serde(default)]
    seller_region: Option<CountryCode>,
    schedule: ScheduleSpec,
    #[serde(with = "crate::serde_util::date_str")]
    effective_from: NaiveDate,
    #[serde(default, with = "crate::serde_util::opt_date_str")]
    effective_to: Option<NaiveDate>,
    source: String,
}

/// A schedule row in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScheduleValue {
    key: FeeKey,
    schedule: FeeSchedule,
}

impl DatedRow for FeeScheduleRow {
    type Value = ScheduleValue;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<ScheduleValue>> {
        let schedule = match self.schedule.compile("schedule") {
            Ok(s) => s,
            Err(e) => {
                problems.push(at.problem(ProblemKind::BadValue, e.to_string()));
                return None;
            }
        };
        Validity {
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            source: self.source,
        }
        .wrap(
            at,
            ScheduleValue {
                key: FeeKey {
                    provider: self.provider,
                    category: self.category,
                    region: self.seller_region,
                },
                schedule,
            },
            problems,
        )
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FeeChainRow {
    provider: String,
    category: String,
    #[serde(default)]
    seller_region: Option<CountryCode>,
    fees: Vec<ChainFeeSpec>,
    #[serde(with = "crate::serde_util::date_str")]
    effective_from: NaiveDate,
    #[serde(default, with = "crate::serde_util::opt_date_str")]
    effective_to: Option<NaiveDate>,
    source: String,
}

/// A chain row in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChainValue {
    key: FeeKey,
    chain: ChainSpec,
}

impl DatedRow for FeeChainRow {
    type Value = ChainValue;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<ChainValue>> {
        let chain = ChainSpec { fees: self.fees };
        let inline = chain
            .fees
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.schedule.as_ref().map(|s| (i, s)))
            .try_for_each(|(i, s)| s.compile(&format!("fees[{i}].schedule")).map(|_| ()));
        if let Err(e) = chain.order("chain").and(inline) {
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
            ChainValue {
                key: FeeKey {
                    provider: self.provider,
                    category: self.category,
                    region: self.seller_region,
                },
                chain,
            },
            problems,
        )
    }
}

/// Rows of the fee sections, collected across files.
#[derive(Default)]
pub(crate) struct FeeRows {
    schedules: Vec<RawDated<ScheduleValue>>,
    chains: Vec<RawDated<ChainValue>>,
}

/// The section names this module reads.
pub(crate) const SECTIONS: &[&str] = &["fee_schedule", "fee_chain"];

impl FeeRows {
    pub(crate) fn read<'a>(
        &mut self,
        reader: &FileReader<'_>,
        section: &str,
        value: toml::Spanned<toml::de::DeValue<'a>>,
        problems: &mut Vec<DataProblem>,
    ) -> Result<(), toml::Spanned<toml::de::DeValue<'a>>> {
        match section {
            "fee_schedule" => self
                .schedules
                .extend(reader.rows::<FeeScheduleRow>(section, value, problems)),
            "fee_chain" => self
                .chains
                .extend(reader.rows::<FeeChainRow>(section, value, problems)),
            _ => return Err(value),
        }
        Ok(())
    }
}

/// Fee schedules and chains, validated.
#[derive(Debug, Clone, Default)]
pub(crate) struct FeeTables {
    schedules: SeriesMap<FeeKey, ScheduleValue>,
    chains: SeriesMap<FeeKey, ChainValue>,
}

impl FeeTables {
    pub(crate) fn build(rows: FeeRows, problems: &mut Vec<DataProblem>) -> Self {
        Self {
            schedules: build_series(
                rows.schedules,
                |v| v.key.clone(),
                |k| format!("fee schedule {}", k.id()),
                problems,
            ),
            chains: build_series(
                rows.chains,
                |v| v.key.clone(),
                |k| format!("fee chain {}", k.id()),
                problems,
            ),
        }
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for (k, v) in &other.schedules {
            self.schedules.insert(k.clone(), v.clone());
        }
        for (k, v) in &other.chains {
            self.chains.insert(k.clone(), v.clone());
        }
    }
}

/// The series of `id`: the regional one when the data has it, else the provider's series for
/// every region.
fn regional<'m, T>(
    map: &'m SeriesMap<FeeKey, T>,
    id: &str,
) -> Result<Option<&'m Series<T>>, Error> {
    let key = FeeKey::parse(id)?;
    Ok(map.get(&key).or_else(|| {
        key.region.and_then(|_| {
            map.get(&FeeKey {
                region: None,
                ..key.clone()
            })
        })
    }))
}

/// A named schedule found in the data, with its provenance.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FeeScheduleRecord<'a> {
    /// The validated schedule.
    pub schedule: &'a FeeSchedule,
    /// The row's period.
    pub period: Period,
    /// The row's source.
    pub source: &'a str,
    /// The data it was read from.
    pub data_version: &'a DataVersion,
}

/// A named chain found in the data, with its provenance.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FeeChainRecord<'a> {
    /// The chain.
    pub chain: &'a ChainSpec,
    /// The row's period.
    pub period: Period,
    /// The row's source.
    pub source: &'a str,
    /// The data it was read from.
    pub data_version: &'a DataVersion,
}

impl RateTables {
    /// The fee schedule `id` (`provider/category` or `provider/category/REGION`; a regional id
    /// falls back to the provider's schedule for every region) in force on `date`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed id; [`Error::UnknownSeries`] when no schedule
    /// has the id; [`Error::NoRateInForce`] when the date is outside its rows.
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let tables = RateTables::embedded()?;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?;
    /// let jewelry = tables.fee_schedule("amazon_us/jewelry", day)?;
    /// assert_eq!(jewelry.schedule.currency().code(), "USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fee_schedule(&self, id: &str, date: NaiveDate) -> Result<FeeScheduleRecord<'_>, Error> {
        let row = row_at(
            regional(&self.fees.schedules, id)?,
            "fee_schedule",
            || id.to_owned(),
            date,
        )?;
        Ok(FeeScheduleRecord {
            schedule: &row.value.schedule,
            period: row.period,
            source: &row.source,
            data_version: &self.version,
        })
    }

    /// The fee chain `id` in force on `date` (ids as for [`RateTables::fee_schedule`]).
    ///
    /// # Errors
    /// As [`RateTables::fee_schedule`].
    pub fn fee_chain(&self, id: &str, date: NaiveDate) -> Result<FeeChainRecord<'_>, Error> {
        let row = row_at(
            regional(&self.fees.chains, id)?,
            "fee_chain",
            || id.to_owned(),
            date,
        )?;
        Ok(FeeChainRecord {
            chain: &row.value.chain,
            period: row.period,
            source: &row.source,
            data_version: &self.version,
        })
    }

    /// Every fee schedule id with its rows' periods and sources, for listings.
    pub fn fee_schedule_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.fees.schedules.keys().map(FeeKey::id).collect();
        ids.sort();
        ids
    }
}
