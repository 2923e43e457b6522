//! Evaluating a fee schedule: one event, a batch of events, a period's quantity, or the delta
//! between two cumulative quantities. Integer arithmetic at fixed scales, one rounding per fee
//! line.

use rust_decimal::Decimal;

use crate::codes::Currency;
use crate::data::fees_internal::{CTier, FeeSchedule, Kind, M, P, X, scaled_input, to_decimal};
use crate::data::{DataVersion, FeeBasis, FeeRoundingStage, Period};
use crate::error::Error;
use crate::money::round_int;

/// Which cap bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cap {
    /// The minimum raised the fee.
    Min,
    /// The maximum lowered the fee.
    Max,
    /// Over several events, the minimum bound some and the maximum others.
    Mixed,
}

/// What a schedule is evaluated on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeeInput {
    /// The period's quantity (basis `quantity`).
    pub quantity: Option<Decimal>,
    /// The events' amounts, in order (bases `amount`, `period_volume`,
    /// `previous_period_volume`).
    pub events: Vec<Decimal>,
    /// Basis `period_volume`: this period's volume before these events (default 0); basis
    /// `previous_period_volume`: last period's volume (required).
    pub period_volume: Option<Decimal>,
    /// Basis `quantity`: the cumulative quantity already billed; the result is then the fee
    /// for the increment, `fee(quantity) − fee(previous_quantity)`.
    pub previous_quantity: Option<Decimal>,
}

impl FeeInput {
    /// An input with nothing in it, as a request without `quantity`, `events`,
    /// `period_volume` or `previous_quantity`: add events with [`event`](Self::event), or
    /// start from [`FeeInput::quantity`] or [`FeeInput::events`].
    ///
    /// # Example
    /// ```
    /// use landed::fees::FeeInput;
    /// let input = FeeInput::new().event("80".parse()?).event("10000".parse()?)
    ///     .period_volume("500".parse()?);
    /// assert_eq!(input, FeeInput::events(vec!["80".parse()?, "10000".parse()?])
    ///     .period_volume("500".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new() -> Self {
        Self {
            quantity: None,
            events: Vec::new(),
            period_volume: None,
            previous_quantity: None,
        }
    }

    /// Adds an event's amount to `events`.
    #[must_use]
    pub fn event(mut self, amount: Decimal) -> Self {
        self.events.push(amount);
        self
    }

    /// Sets `period_volume`: basis `period_volume`, this period's volume before these events;
    /// basis `previous_period_volume`, last period's volume.
    #[must_use]
    pub const fn period_volume(mut self, v: Decimal) -> Self {
        self.period_volume = Some(v);
        self
    }

    /// Sets `previous_quantity`, the cumulative quantity already billed (graduated delta).
    #[must_use]
    pub const fn previous_quantity(mut self, q: Decimal) -> Self {
        self.previous_quantity = Some(q);
        self
    }

    /// A period quantity.
    pub const fn quantity(q: Decimal) -> Self {
        Self {
            quantity: Some(q),
            events: Vec::new(),
            period_volume: None,
            previous_quantity: None,
        }
    }

    /// Events' amounts.
    pub const fn events(events: Vec<Decimal>) -> Self {
        Self {
            quantity: None,
            events,
            period_volume: None,
            previous_quantity: None,
        }
    }

    /// With a period volume; the same as [`period_volume`](Self::period_volume).
    #[must_use]
    pub const fn with_period_volume(mut self, v: Decimal) -> Self {
        self.period_volume = Some(v);
        self
    }

    /// With the previous cumulative quantity (graduated delta); the same as
    /// [`previous_quantity`](Self::previous_quantity).
    #[must_use]
    pub const fn with_previous_quantity(mut self, q: Decimal) -> Self {
        self.previous_quantity = Some(q);
        self
    }
}

/// One tier's share of the fee, on the whole basis as given (before free allowances, the fixed
/// fee and the per-event and period caps, which are [`AdjustmentLine`]s).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TierLine {
    /// The tier of the schedule, 1-based: `tier` n is the schedule's `tiers[n − 1]`, whose
    /// basis values are `(from, up_to]`. A schedule written without tiers (a percentage with
    /// one `rate`, a flat fee per unit, a package fee) has one tier, number 1, over every value.
    pub tier: usize,
    /// The lower bound of the tier's basis values (exclusive; 0 for the first tier).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub from: Decimal,
    /// The upper bound of the tier's basis values (inclusive; `None` for the open last tier).
    #[serde(with = "crate::serde_util::opt_decimal_str")]
    pub up_to: Option<Decimal>,
    /// Units of the basis charged in the tier (packages in package mode).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub units: Decimal,
    /// Price per unit (unit amount + rate / 100; the package amount in package mode).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unit_amount: Decimal,
    /// The tier's rate in percent, when it has one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub rate: Option<Decimal>,
    /// Flat amounts charged for entering the tier.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub flat_amount: Decimal,
    /// The tier's subtotal after its own caps (`min`/`max` of the tier), unrounded.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub amount: Decimal,
    /// The tier cap that bound, if any.
    pub cap: Option<Cap>,
}

/// What an [`AdjustmentLine`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AdjustmentKind {
    /// The schedule's `fixed_amount`, charged per event (positive).
    FixedAmount,
    /// Events made free by `free_events` (negative: the fee they would have cost, fixed fee
    /// included).
    FreeEvents,
    /// The part of the events covered by `free_amount` (negative).
    FreeAmount,
    /// The units covered by `free_units` (negative).
    FreeUnits,
    /// `per_event_min` raised events' fees (positive).
    PerEventMin,
    /// `per_event_max` lowered events' fees (negative).
    PerEventMax,
    /// Rounding stage `event`: each event's fee rounded to the minor unit.
    EventRounding,
    /// `period_min` raised the period's fee (positive).
    PeriodMin,
    /// `period_max` lowered the period's fee (negative).
    PeriodMax,
}

/// An adjustment of the fee after its tiers: the fixed fee, a free allowance, a cap or a
/// minimum. The tier lines and the adjustment lines sum exactly to the unrounded total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AdjustmentLine {
    /// What it is.
    pub kind: AdjustmentKind,
    /// How many events it applied to (1 for a period's adjustment).
    pub count: u64,
    /// Its signed amount, unrounded.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub amount: Decimal,
}

/// Where a named schedule (or chain) came from: its id and the data row's period and source,
/// so that the result can be re-audited.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ScheduleSource {
    /// The id it was looked up by, `provider/category[/REGION]`.
    pub id: String,
    /// The row's period, e.g. `2024-03-15..`.
    pub period: Period,
    /// The row's source.
    pub source: String,
}

/// One event's fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct EventFee {
    /// The event's amount.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub amount: Decimal,
    /// Its fee (unrounded, or rounded with rounding stage `event`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub fee: Decimal,
    /// The part of the amount covered by the free allowance.
    #[serde(
        with = "crate::serde_util::decimal_str",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub free: Decimal,
    /// The per-event cap that bound, if any.
    pub cap: Option<Cap>,
}

/// The fee of one schedule: total, unrounded total and the breakdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct FeeResult {
    /// Rounded once to the currency's minor unit (per event with stage `event`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub total: Decimal,
    /// The exact total before rounding.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unrounded: Decimal,
    /// The fee's currency.
    pub currency: Currency,
    /// Per tier, on the whole basis (see [`TierLine`]).
    pub tiers: Vec<TierLine>,
    /// After the tiers: the fixed fee, free allowances, per-event caps, per-event rounding and
    /// period caps, in that order. `tiers` and `adjustments` sum exactly to `unrounded`.
    pub adjustments: Vec<AdjustmentLine>,
    /// `total − unrounded`: the rounding of the total to the minor unit.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub rounding: Decimal,
    /// Per event (empty for basis quantity).
    pub events: Vec<EventFee>,
    /// Charged once for the period (tier flats of period bases), unrounded.
    #[serde(
        with = "crate::serde_util::decimal_str",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub period_amount: Decimal,
    /// The period cap that bound, if any.
    pub period_cap: Option<Cap>,
    /// The data the schedule came from (named schedules and the wire format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_version: Option<DataVersion>,
    /// A schedule read from the data: its id, period and source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSource>,
}

impl ScheduleSource {
    /// The provenance of the schedule `rec` looked up by `id`.
    pub(crate) fn of(id: &str, rec: &crate::data::FeeScheduleRecord<'_>) -> Self {
        Self {
            id: id.to_owned(),
            period: rec.period,
            source: rec.source.to_owned(),
        }
    }
}

/// The result of [`FeeSchedule::evaluate_batch`]: totals, tiers and each event's fee.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct BatchResult {
    /// Rounded once to the currency's minor unit (per event with stage `event`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub total: Decimal,
    /// The exact total before rounding.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unrounded: Decimal,
    /// The fee's currency.
    pub currency: Currency,
    /// Per tier, on the whole basis (see [`TierLine`]).
    pub tiers: Vec<TierLine>,
    /// After the tiers, as in [`FeeResult::adjustments`]: `tiers` and `adjustments` sum
    /// exactly to `unrounded`.
    pub adjustments: Vec<AdjustmentLine>,
    /// Each event's fee, exact at 16 decimals (rounded with stage `event`), in event order.
    pub fees: Vec<Decimal>,
    /// Events whose per-event minimum bound.
    pub min_capped: u64,
    /// Events whose per-event maximum bound.
    pub max_capped: u64,
    /// Charged once for the period, unrounded.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub period_amount: Decimal,
    /// The period cap that bound, if any.
    pub period_cap: Option<Cap>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    units: i128,
    amount: i128,
    flat: i128,
    min_hits: u32,
    max_hits: u32,
}

impl Acc {
    fn cap(&self) -> Option<Cap> {
        match (self.min_hits > 0, self.max_hits > 0) {
            (false, false) => None,
            (true, false) => Some(Cap::Min),
            (false, true) => Some(Cap::Max),
            (true, true) => Some(Cap::Mixed),
        }
    }
}

/// The adjustment lines being summed, at scale M, in the order they are reported.
#[derive(Debug, Clone, Copy, Default)]
struct Adj {
    lines: [(i128, u64); 9],
}

const ADJ_KINDS: [AdjustmentKind; 9] = [
    AdjustmentKind::FixedAmount,
    AdjustmentKind::FreeEvents,
    AdjustmentKind::FreeAmount,
    AdjustmentKind::FreeUnits,
    AdjustmentKind::PerEventMin,
    AdjustmentKind::PerEventMax,
    AdjustmentKind::EventRounding,
    AdjustmentKind::PeriodMin,
    AdjustmentKind::PeriodMax,
];

impl Adj {
    /// Adds `v` (scale M) to the line of `kind`, counting one more event.
    fn add(&mut self, kind: AdjustmentKind, v: i128) -> Result<(), Error> {
        let i = ADJ_KINDS.iter().position(|k| *k == kind).unwrap_or(0);
        if let Some((sum, n)) = self.lines.get_mut(i) {
            *sum = sum.checked_add(v).ok_or_else(ovf)?;
            *n = n.saturating_add(1);
        }
        Ok(())
    }

    /// A cap's effect `v` (capped − raw), on the min or max line.
    fn cap(&mut self, min: AdjustmentKind, max: AdjustmentKind, v: i128) -> Result<(), Error> {
        match v.cmp(&0) {
            core::cmp::Ordering::Greater => self.add(min, v),
            core::cmp::Ordering::Less => self.add(max, v),
            core::cmp::Ordering::Equal => Ok(()),
        }
    }

    /// The lines that applied.
    fn lines(&self, minor: u32) -> Result<Vec<AdjustmentLine>, Error> {
        let mut out = Vec::new();
        for (kind, (sum, n)) in ADJ_KINDS.iter().zip(self.lines) {
            if n == 0 || (sum == 0 && *kind == AdjustmentKind::EventRounding) {
                continue;
            }
            out.push(AdjustmentLine {
                kind: *kind,
                count: n,
                amount: to_decimal(sum, M, minor)?,
            });
        }
        Ok(out)
    }
}

fn ovf() -> Error {
    Error::overflow("fee")
}

/// Clamps `v` to `[min, max]`, saying which bound.
#[inline]
fn clamp(v: i128, min: Option<i128>, max: Option<i128>) -> (i128, Option<Cap>) {
    if let Some(lo) = min
        && v < lo
    {
        return (lo, Some(Cap::Min));
    }
    if let Some(hi) = max
        && v > hi
    {
        return (hi, Some(Cap::Max));
    }
    (v, None)
}

/// Product of a basis value (scale X) and a unit price (scale P): scale M, never overflowing
/// (both fit 64 bits).
#[inline]
fn mul(x: i64, price: i64) -> i128 {
    i128::from(x).wrapping_mul(i128::from(price))
}

/// Adds `sign × v` to an accumulator field.
#[inline]
fn add(field: &mut i128, v: i128, sign: i128) {
    *field = if sign < 0 {
        field.saturating_sub(v)
    } else {
        field.saturating_add(v)
    };
}

/// The tier reached by `x`: the first whose `up_to` is at least `x`.
#[inline]
fn reached(tiers: &[CTier], x: i64) -> usize {
    tiers
        .iter()
        .position(|t| t.up_to.is_none_or(|u| x <= u))
        .unwrap_or(0)
}

impl FeeSchedule {
    /// The tiered part of the fee at basis value `x` (scale X), adding `sign ×` each tier's
    /// share to `acc` when given.
    fn tiered(&self, x: i64, mut acc: Option<&mut [Acc]>, sign: i128) -> Result<i128, Error> {
        match self.kind {
            Kind::Flat => Ok(0),
            Kind::Graduated if acc.is_none() => {
                // The tier holding x, the full tiers below it precomputed.
                let Some(t) = self.tiers.get(reached(&self.tiers, x)) else {
                    return Ok(0);
                };
                if x == 0 && !self.flat_at_zero {
                    return Ok(0);
                }
                let units = x.saturating_sub(t.lower).max(0);
                let raw = mul(units, t.price).checked_add(t.flat).ok_or_else(ovf)?;
                t.below
                    .checked_add(clamp(raw, t.min, t.max).0)
                    .ok_or_else(ovf)
            }
            Kind::Graduated => {
                let mut total: i128 = 0;
                let mut prev: i64 = 0;
                for (i, t) in self.tiers.iter().enumerate() {
                    let entered = x > prev || (i == 0 && self.flat_at_zero);
                    if !entered {
                        break;
                    }
                    let top = t.up_to.map_or(x, |u| u.min(x));
                    let units = top.saturating_sub(prev).max(0);
                    let raw = mul(units, t.price).checked_add(t.flat).ok_or_else(ovf)?;
                    let (amount, cap) = clamp(raw, t.min, t.max);
                    total = total.checked_add(amount).ok_or_else(ovf)?;
                    if let Some(a) = acc.as_deref_mut().and_then(|a| a.get_mut(i)) {
                        add(&mut a.units, i128::from(units), sign);
                        add(&mut a.amount, amount, sign);
                        add(&mut a.flat, t.flat, sign);
                        count(a, cap, sign);
                    }
                    match t.up_to {
                        Some(u) if x > u => prev = u,
                        _ => break,
                    }
                }
                Ok(total)
            }
            Kind::Volume | Kind::Stairstep => {
                let i = reached(&self.tiers, x);
                self.whole_tier(i, x, acc, sign)
            }
            Kind::Package => {
                // ceil(x / size) packages.
                let size = self.package_size;
                let packages = x
                    .checked_add(size.saturating_sub(1))
                    .and_then(|v| v.checked_div(size))
                    .ok_or_else(ovf)?;
                let amount = i128::from(packages)
                    .checked_mul(self.package_amount)
                    .ok_or_else(ovf)?;
                if let Some(a) = acc.and_then(|a| a.get_mut(0)) {
                    add(
                        &mut a.units,
                        i128::from(packages).saturating_mul(10i128.pow(X)),
                        sign,
                    );
                    add(&mut a.amount, amount, sign);
                }
                Ok(amount)
            }
        }
    }

    /// The whole value `x` at tier `i`'s price, plus its flat amount, within its caps.
    fn whole_tier(
        &self,
        i: usize,
        x: i64,
        acc: Option<&mut [Acc]>,
        sign: i128,
    ) -> Result<i128, Error> {
        let Some(t) = self.tiers.get(i) else {
            return Ok(0);
        };
        if x == 0 && !self.flat_at_zero {
            return Ok(0);
        }
        let raw = mul(x, t.price).checked_add(t.flat).ok_or_else(ovf)?;
        let (amount, cap) = clamp(raw, t.min, t.max);
        if let Some(a) = acc.and_then(|a| a.get_mut(i)) {
            add(&mut a.units, i128::from(x), sign);
            add(&mut a.amount, amount, sign);
            add(&mut a.flat, t.flat, sign);
            count(a, cap, sign);
        }
        Ok(amount)
    }

    /// The fee of one event of `amount` on basis `amount` (no allowances consumed), rounded
    /// to the minor unit. The fast entry point for price bands.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the basis is not `amount` or the amount is negative or
    /// too precise; [`Error::Overflow`].
    pub fn fee_for_amount(&self, amount: Decimal) -> Result<Decimal, Error> {
        if !self.is_price_fee() {
            return Err(Error::input(
                "fees",
                "a price-dependent fee needs basis amount and no free allowance",
            ));
        }
        let x = basis_value("amount", amount)?;
        let r = self.amount_fee_minor(x)?;
        Decimal::try_from_i128_with_scale(r, self.minor).map_err(|_| ovf())
    }

    /// The fee of one event of `x` (the amount at [`X`] decimals), in minor units of the
    /// schedule's currency: the integer core of [`Self::fee_for_amount`], for callers (the
    /// price-band solver) that already hold integers and checked the basis.
    pub(crate) fn amount_fee_minor(&self, x: i64) -> Result<i128, Error> {
        let fee = self.amount_fee_unrounded(x)?;
        round_int(fee, M.saturating_sub(self.minor), self.rounding).ok_or_else(ovf)
    }

    /// [`Self::amount_fee_minor`] before its rounding, at [`M`] decimals (the price-band
    /// solver bounds the rounded fee by it).
    pub(crate) fn amount_fee_unrounded(&self, x: i64) -> Result<i128, Error> {
        let fee = self.event_fee(x, 0, false, None)?.0;
        Ok(clamp(fee, self.period_min, self.period_max).0)
    }

    /// Whether [`Self::fee_for_amount`] can be used: basis `amount`, no free allowance.
    pub(crate) fn is_price_fee(&self) -> bool {
        self.basis == FeeBasis::Amount && self.free_events.is_none() && self.free_amount.is_none()
    }

    /// The minor-unit scale of the schedule's currency.
    pub(crate) const fn minor_scale(&self) -> u32 {
        self.minor
    }

    /// The highest unit price of the tiers, as a fraction of the basis (`None` for package
    /// fees, whose blocks are steps of their own). Price bands bound their search with it.
    pub(crate) fn max_unit_rate(&self) -> Option<Decimal> {
        if self.kind == Kind::Package {
            return None;
        }
        let top = self.tiers.iter().map(|t| t.price).max().unwrap_or(0);
        Decimal::try_new(top, P).ok()
    }

    /// The fee of a quantity on basis `quantity` (free units and period caps applied), rounded
    /// to the minor unit, without the breakdown: the fast entry point for one evaluation.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the basis is not `quantity` or the quantity is negative or
    /// too precise; [`Error::Overflow`].
    pub fn quantity_fee(&self, quantity: Decimal) -> Result<Decimal, Error> {
        if self.basis != FeeBasis::Quantity {
            return Err(Error::input(
                "quantity",
                "this schedule's basis is not quantity",
            ));
        }
        let x = basis_value("quantity", quantity)?
            .saturating_sub(self.free_units)
            .max(0);
        let (fee, _) = clamp(self.tiered(x, None, 1)?, self.period_min, self.period_max);
        let r = round_int(fee, M.saturating_sub(self.minor), self.rounding).ok_or_else(ovf)?;
        Decimal::try_from_i128_with_scale(r, self.minor).map_err(|_| ovf())
    }

    /// One event's fee: the tiered part on its chargeable amount (or the tier `selected`),
    /// plus the fixed fee unless fully free, within the per-event caps.
    #[inline]
    fn event_fee(
        &self,
        x: i64,
        free: i64,
        fully_free: bool,
        selected: Option<usize>,
    ) -> Result<(i128, Option<Cap>), Error> {
        if fully_free {
            return Ok((0, None));
        }
        let chargeable = x.saturating_sub(free);
        let tiered = match selected {
            Some(i) => self.tiers.get(i).map_or(0, |t| mul(chargeable, t.price)),
            None => self.tiered(chargeable, None, 1)?,
        };
        self.finish_event(tiered)
    }

    /// Adds the fixed fee to an event's tiered part and applies the per-event caps.
    #[inline]
    fn finish_event(&self, tiered: i128) -> Result<(i128, Option<Cap>), Error> {
        let raw = tiered.checked_add(self.fixed).ok_or_else(ovf)?;
        Ok(clamp(raw, self.per_event_min, self.per_event_max))
    }

    /// Evaluates the schedule.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the input field: a field the basis does not use, a
    /// missing quantity or period volume, a negative or too precise value, a mid-period delta
    /// on a volume or stairstep schedule, a previous quantity above the quantity;
    /// [`Error::Overflow`].
    pub fn evaluate(&self, input: &FeeInput) -> Result<FeeResult, Error> {
        let mut acc = vec![Acc::default(); self.tiers.len().max(1)];
        let mut adj = Adj::default();
        let mut events = Vec::with_capacity(input.events.len());
        let (total, period_part, period_cap) = match self.basis {
            FeeBasis::Quantity => {
                let (t, cap) = self.quantity_total(input, &mut acc, &mut adj)?;
                (t, 0, cap)
            }
            _ => {
                let minor = self.minor;
                let (t, part) =
                    self.events_total(input, &mut acc, &mut adj, |amount, fee, free, cap| {
                        events.push(EventFee {
                            amount,
                            fee: trimmed(fee, M, minor)?,
                            free: if free == 0 {
                                Decimal::ZERO
                            } else {
                                trimmed(i128::from(free), X, 0)?
                            },
                            cap,
                        });
                        Ok(())
                    })?;
                let (capped, cap) = clamp(t, self.period_min, self.period_max);
                adj.cap(
                    AdjustmentKind::PeriodMin,
                    AdjustmentKind::PeriodMax,
                    capped.checked_sub(t).ok_or_else(ovf)?,
                )?;
                (capped, part, cap)
            }
        };
        let drop = M.saturating_sub(self.minor);
        let rounded = round_int(total, drop, self.rounding).ok_or_else(ovf)?;
        let tiers = self.tier_lines(&acc)?;
        let rounding = rounded
            .checked_mul(10i128.checked_pow(drop).ok_or_else(ovf)?)
            .and_then(|r| r.checked_sub(total))
            .ok_or_else(ovf)?;
        Ok(FeeResult {
            total: to_decimal(rounded, self.minor, self.minor)?,
            unrounded: to_decimal(total, M, self.minor)?,
            currency: self.currency,
            tiers,
            adjustments: adj.lines(self.minor)?,
            rounding: to_decimal(rounding, M, self.minor)?,
            events,
            period_amount: to_decimal(period_part, M, 0)?,
            period_cap,
            data_version: None,
            schedule: None,
        })
    }

    /// Evaluates a batch of events like [`FeeSchedule::evaluate`], keeping per event only its
    /// fee (exact, at 16 decimals: `normalize()` it for display) and counting the per-event
    /// caps: the lean path for large batches.
    ///
    /// # Errors
    /// As [`FeeSchedule::evaluate`]; [`Error::InvalidInput`] for basis `quantity`.
    pub fn evaluate_batch(&self, input: &FeeInput) -> Result<BatchResult, Error> {
        if self.basis == FeeBasis::Quantity {
            return Err(Error::input(
                "events",
                "this schedule's basis is quantity; evaluate the quantity instead",
            ));
        }
        let mut acc = vec![Acc::default(); self.tiers.len().max(1)];
        let mut fees = Vec::with_capacity(input.events.len());
        let (mut min_capped, mut max_capped) = (0u64, 0u64);
        let mut adj = Adj::default();
        let (t, part) = self.events_total(input, &mut acc, &mut adj, |_, fee, _, cap| {
            match cap {
                Some(Cap::Min) => min_capped = min_capped.saturating_add(1),
                Some(Cap::Max) => max_capped = max_capped.saturating_add(1),
                _ => {}
            }
            fees.push(Decimal::try_from_i128_with_scale(fee, M).map_err(|_| ovf())?);
            Ok(())
        })?;
        let (total, period_cap) = clamp(t, self.period_min, self.period_max);
        adj.cap(
            AdjustmentKind::PeriodMin,
            AdjustmentKind::PeriodMax,
            total.checked_sub(t).ok_or_else(ovf)?,
        )?;
        let rounded =
            round_int(total, M.saturating_sub(self.minor), self.rounding).ok_or_else(ovf)?;
        Ok(BatchResult {
            total: to_decimal(rounded, self.minor, self.minor)?,
            unrounded: to_decimal(total, M, self.minor)?,
            currency: self.currency,
            tiers: self.tier_lines(&acc)?,
            adjustments: adj.lines(self.minor)?,
            fees,
            min_capped,
            max_capped,
            period_amount: to_decimal(part, M, 0)?,
            period_cap,
        })
    }

    /// The period's fee within the period caps (and the cap that bound), or for a delta the
    /// difference of the two capped cumulative fees. The tiers in `acc` price the whole
    /// quantity; the free units and period caps go to `adj`.
    fn quantity_total(
        &self,
        input: &FeeInput,
        acc: &mut [Acc],
        adj: &mut Adj,
    ) -> Result<(i128, Option<Cap>), Error> {
        if !input.events.is_empty() {
            return Err(Error::input(
                "events",
                "this schedule's basis is quantity; give quantity instead of events",
            ));
        }
        if input.period_volume.is_some() {
            return Err(Error::input(
                "period_volume",
                "this schedule's basis is quantity; period_volume is not used",
            ));
        }
        let q = input.quantity.ok_or_else(|| {
            Error::input(
                "quantity",
                "this schedule's basis is quantity; give quantity",
            )
        })?;
        let q = basis_value("quantity", q)?;
        let previous = match input.previous_quantity {
            None => None,
            Some(_) if self.whole_period => {
                return Err(Error::input(
                    "previous_quantity",
                    "a volume or stairstep schedule prices the whole quantity at the tier reached, so a mid-period increment is not fee(new) − fee(previous); evaluate the whole period's quantity",
                ));
            }
            Some(p) => {
                let p = basis_value("previous_quantity", p)?;
                if p > q {
                    return Err(Error::input(
                        "previous_quantity",
                        "is above quantity; the previous cumulative quantity cannot exceed the new one",
                    ));
                }
                Some(p)
            }
        };
        // One cumulative quantity: (gross tiers, after the free units, within the period caps).
        let mut at = |v: i64, sign: i128| -> Result<(i128, i128, i128, Option<Cap>), Error> {
            let gross = self.tiered(v, Some(&mut *acc), sign)?;
            let x = v.saturating_sub(self.free_units).max(0);
            let net = if x == v {
                gross
            } else {
                self.tiered(x, None, 1)?
            };
            let (capped, cap) = clamp(net, self.period_min, self.period_max);
            Ok((gross, net, capped, cap))
        };
        let (g1, n1, c1, cap1) = at(q, 1)?;
        let (g0, n0, c0, cap0) = match previous {
            Some(p) => at(p, -1)?,
            None => (0, 0, 0, None),
        };
        // The period caps were applied to each cumulative total; the delta is their difference.
        let sub = |a: i128, b: i128| a.checked_sub(b).ok_or_else(ovf);
        if self.free_units > 0 {
            adj.add(AdjustmentKind::FreeUnits, sub(sub(n1, g1)?, sub(n0, g0)?)?)?;
        }
        let capped = sub(sub(c1, n1)?, sub(c0, n0)?)?;
        let kind = match cap1.or(cap0) {
            Some(Cap::Min) => AdjustmentKind::PeriodMin,
            _ => AdjustmentKind::PeriodMax,
        };
        if capped != 0 {
            adj.add(kind, capped)?;
        }
        Ok((sub(c1, c0)?, cap1))
    }

    /// Prices every event, handing each one's (amount, fee, free part, cap) to `emit` and
    /// summing the adjustments in `adj`; returns the sum of the fees and the part charged once
    /// for the period.
    fn events_total(
        &self,
        input: &FeeInput,
        acc: &mut [Acc],
        adj: &mut Adj,
        mut emit: impl FnMut(Decimal, i128, i64, Option<Cap>) -> Result<(), Error>,
    ) -> Result<(i128, i128), Error> {
        if input.quantity.is_some() {
            return Err(Error::input(
                "quantity",
                "this schedule's basis is per event; give events (amounts) instead of quantity",
            ));
        }
        if input.previous_quantity.is_some() {
            return Err(Error::input(
                "previous_quantity",
                "a delta from a previous quantity needs basis quantity; for events, send the new events with period_volume",
            ));
        }
        let start = input
            .period_volume
            .map(|v| basis_value("period_volume", v))
            .transpose()?;
        let x_of = |i: usize, a: Decimal| match fast_basis(a) {
            Some(x) => Ok(x),
            // The slow path names the field.
            None => basis_value(&format!("events[{i}]"), a),
        };
        // The period's sum is needed only where a period's volume places the tiers.
        let needs_sum = self.basis != FeeBasis::Amount;
        let mut sum = 0i64;
        if needs_sum {
            for (i, a) in input.events.iter().enumerate() {
                sum = sum.checked_add(x_of(i, *a)?).ok_or_else(ovf)?;
            }
        }
        // How the tiers are placed for these bases.
        let mut period_part: i128 = 0;
        let (selected, graduated_volume) = match (self.basis, self.kind) {
            (FeeBasis::Amount, _) | (_, Kind::Flat) => (None, false),
            (FeeBasis::PreviousPeriodVolume, Kind::Package) => (None, false),
            (FeeBasis::PreviousPeriodVolume, _) => {
                let p = start.ok_or_else(|| {
                    Error::input(
                        "period_volume",
                        "basis previous_period_volume picks the tier by last period's volume; give period_volume",
                    )
                })?;
                (Some(reached(&self.tiers, p)), false)
            }
            (_, Kind::Graduated | Kind::Package) => (None, true),
            (_, Kind::Volume | Kind::Stairstep) => {
                if self.whole_period && start.is_some_and(|v| v > 0) {
                    return Err(Error::input(
                        "period_volume",
                        "a volume or stairstep schedule prices the whole period at the tier reached; send every event of the period (period_volume 0) or use basis previous_period_volume",
                    ));
                }
                let end = start.unwrap_or(0).checked_add(sum).ok_or_else(ovf)?;
                (Some(reached(&self.tiers, end)), false)
            }
        };
        if let Some(i) = selected {
            // The tier's flat amount is charged once for the period.
            let total_x = if self.basis == FeeBasis::PeriodVolume {
                start.unwrap_or(0).checked_add(sum).ok_or_else(ovf)?
            } else {
                sum
            };
            if let Some(t) = self.tiers.get(i)
                && (total_x > 0 || self.flat_at_zero)
            {
                period_part = t.flat;
                if let Some(a) = acc.get_mut(i) {
                    a.flat = a.flat.saturating_add(t.flat);
                    a.amount = a.amount.saturating_add(t.flat);
                }
            }
        }
        if graduated_volume && start.unwrap_or(0) == 0 {
            // The flat amount charged at zero usage belongs to the period, not to an event.
            period_part = self.tiered(0, Some(acc), 1)?;
        }
        let mut volume = start.unwrap_or(0);
        let mut remaining = self.free_amount;
        let has_allowance = self.free_events.is_some() || self.free_amount.is_some();
        let free_kind = if self.free_amount.is_some() {
            AdjustmentKind::FreeAmount
        } else {
            AdjustmentKind::FreeEvents
        };
        let mut total = period_part;
        let drop = M.saturating_sub(self.minor);
        for (n, &amount) in input.events.iter().enumerate() {
            let x = x_of(n, amount)?;
            let eligible = has_allowance && self.free_events.is_none_or(|k| (n as u64) < k);
            let free = if eligible {
                remaining.map_or(x, |r| r.min(x))
            } else {
                0
            };
            if let Some(r) = remaining.as_mut()
                && eligible
            {
                *r = r.saturating_sub(free);
            }
            let fully_free = eligible && free == x;
            // The tier lines price the whole event (`gross`); the free allowance, the fixed
            // fee and the caps follow as adjustments, so that the lines add up to the fee.
            let chargeable = x.saturating_sub(free);
            let (gross, net) = if graduated_volume {
                let hi = volume.checked_add(x).ok_or_else(ovf)?;
                let gross = self
                    .tiered(hi, Some(acc), 1)?
                    .checked_sub(self.tiered(volume, Some(acc), -1)?)
                    .ok_or_else(ovf)?;
                let net = if free == 0 {
                    gross
                } else {
                    let lo = volume.checked_add(free).ok_or_else(ovf)?;
                    self.tiered(hi, None, 1)?
                        .checked_sub(self.tiered(lo, None, 1)?)
                        .ok_or_else(ovf)?
                };
                (gross, net)
            } else {
                match selected {
                    Some(i) => match (acc.get_mut(i), self.tiers.get(i)) {
                        (Some(a), Some(t)) => {
                            let v = mul(x, t.price);
                            a.units = a.units.saturating_add(i128::from(x));
                            a.amount = a.amount.saturating_add(v);
                            (v, mul(chargeable, t.price))
                        }
                        _ => (0, 0),
                    },
                    None => {
                        let gross = self.tiered(x, Some(acc), 1)?;
                        let net = if free == 0 {
                            gross
                        } else {
                            self.tiered(chargeable, None, 1)?
                        };
                        (gross, net)
                    }
                }
            };
            if self.fixed != 0 {
                adj.add(AdjustmentKind::FixedAmount, self.fixed)?;
            }
            let (fee, cap) = if fully_free {
                let would = gross.checked_add(self.fixed).ok_or_else(ovf)?;
                adj.add(free_kind, 0i128.checked_sub(would).ok_or_else(ovf)?)?;
                (0, None)
            } else {
                if free > 0 {
                    adj.add(free_kind, net.checked_sub(gross).ok_or_else(ovf)?)?;
                }
                let raw = net.checked_add(self.fixed).ok_or_else(ovf)?;
                let (fee, cap) = clamp(raw, self.per_event_min, self.per_event_max);
                adj.cap(
                    AdjustmentKind::PerEventMin,
                    AdjustmentKind::PerEventMax,
                    fee.checked_sub(raw).ok_or_else(ovf)?,
                )?;
                (fee, cap)
            };
            volume = volume.checked_add(x).ok_or_else(ovf)?;
            let fee = match self.stage {
                FeeRoundingStage::Event => {
                    let r = round_int(fee, drop, self.rounding)
                        .and_then(|r| r.checked_mul(10i128.checked_pow(drop)?))
                        .ok_or_else(ovf)?;
                    adj.add(
                        AdjustmentKind::EventRounding,
                        r.checked_sub(fee).ok_or_else(ovf)?,
                    )?;
                    r
                }
                FeeRoundingStage::Total => fee,
            };
            total = total.checked_add(fee).ok_or_else(ovf)?;
            emit(amount, fee, free, cap)?;
        }
        Ok((total, period_part))
    }

    fn tier_lines(&self, acc: &[Acc]) -> Result<Vec<TierLine>, Error> {
        let mut lines = Vec::new();
        if self.kind == Kind::Package {
            if let Some(a) = acc.first() {
                lines.push(TierLine {
                    tier: 1,
                    from: Decimal::ZERO,
                    up_to: None,
                    units: to_decimal(a.units, X, 0)?,
                    unit_amount: to_decimal(self.package_amount, M, self.minor)?,
                    rate: None,
                    flat_amount: Decimal::ZERO,
                    amount: to_decimal(a.amount, M, self.minor)?,
                    cap: None,
                });
            }
            return Ok(lines);
        }
        if self.kind == Kind::Flat {
            return Ok(lines);
        }
        for (i, (t, a)) in self.tiers.iter().zip(acc).enumerate() {
            if a.units == 0 && a.amount == 0 && a.flat == 0 {
                continue;
            }
            lines.push(TierLine {
                tier: i.saturating_add(1),
                from: to_decimal(i128::from(t.lower), X, 0)?,
                up_to: t
                    .up_to
                    .map(|u| to_decimal(i128::from(u), X, 0))
                    .transpose()?,
                units: to_decimal(a.units, X, 0)?,
                unit_amount: to_decimal(i128::from(t.price), P, 0)?,
                rate: t.rate,
                flat_amount: to_decimal(a.flat, M, 0)?,
                amount: to_decimal(a.amount, M, self.minor)?,
                cap: a.cap(),
            });
        }
        Ok(lines)
    }
}

fn count(a: &mut Acc, cap: Option<Cap>, sign: i128) {
    if sign > 0 {
        match cap {
            Some(Cap::Min) => a.min_hits = a.min_hits.saturating_add(1),
            Some(Cap::Max) => a.max_hits = a.max_hits.saturating_add(1),
            _ => {}
        }
    }
}

/// A basis value of the input at scale X, refusing negatives and extra decimals.
pub(crate) fn basis_value(field: &str, v: Decimal) -> Result<i64, Error> {
    i64::try_from(scaled_input(field, v, X, "")?)
        .map_err(|_| Error::input(field, format!("{v} is too large")))
}

/// A non-negative amount with at most X decimals as an integer at scale X, without
/// allocating; `None` sends the value to [`basis_value`] (which names the problem).
#[inline]
fn fast_basis(v: Decimal) -> Option<i64> {
    if v.is_sign_negative() {
        return None;
    }
    let shift = usize::try_from(X.checked_sub(v.scale())?).ok()?;
    i64::try_from(v.mantissa())
        .ok()?
        .checked_mul(*crate::money::POW10.get(shift)?)
}

/// An integer at `scale` as a decimal with trailing zeros dropped down to `min_scale`
/// decimals, in 64-bit arithmetic when it fits (the common case for fees).
#[inline]
fn trimmed(v: i128, scale: u32, min_scale: u32) -> Result<Decimal, Error> {
    let Ok(mut m) = i64::try_from(v) else {
        return to_decimal(v, scale, min_scale);
    };
    let mut s = scale;
    // Strip zeros in steps of 8, 4, 2 and 1 digits: a handful of divisions by constants (which
    // compile to multiplications), not one per digit.
    macro_rules! strip {
        ($k:literal, $p:literal) => {
            while m != 0 && s >= min_scale.saturating_add($k) && m.wrapping_rem($p) == 0 {
                m = m.wrapping_div($p);
                s = s.saturating_sub($k);
            }
        };
    }
    strip!(8, 100_000_000);
    strip!(4, 10_000);
    strip!(2, 100);
    strip!(1, 10);
    if m == 0 {
        s = min_scale;
    }
    Decimal::try_new(m, s).map_err(|_| ovf())
}
