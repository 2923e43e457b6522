//! A deliberately plain reference implementation of fee schedules, and the law that the engine
//! agrees with it.
//!
//! The oracle reads the [`ScheduleSpec`] as written (no integer scales, no precomputed tiers)
//! and walks the tiers and the events in `Decimal`, straight from the rules of
//! `landed::data::ScheduleSpec` and `landed::fees`: tiers cover `(previous up_to, up_to]`; a
//! tier's unit price is `unit_amount + rate / 100`; graduated charges each portion at its
//! tier's price plus the flat amount of every tier entered, volume the whole value at the tier
//! reached, stairstep the flat amount of the tier reached, package `ceil(x / size)` packages;
//! tier `min`/`max` bound a tier's subtotal, per-event caps an event's fee, period caps the
//! total; free units come off the quantity, free events and the free amount off the events in
//! order; `period_volume` places each event on the period's cumulative volume, and
//! `previous_period_volume` picks one tier for every event; one rounding per fee line.
//!
//! Only the total is compared: the breakdown lines do not add up to it (a known, separate
//! issue).

use landed::RoundingMode;
use landed::data::{ChainBase, ChainFeeSpec, ChainSpec, FeeBasis, FeeMode, FeeRoundingStage};
use landed::data::{FeeSchedule, ScheduleSpec};
use landed::fees::{FeeChain, FeeInput, Sale};
use landed::{Error, RateTables};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

/// Why the oracle refuses an evaluation: an input field, or an overflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The field named by the engine's `InvalidInput`.
    Input(String),
    /// Too large for the engine's fixed scales.
    Overflow,
}

impl Refusal {
    /// The engine's error in the oracle's terms.
    pub fn of(e: &Error) -> Self {
        match e {
            Error::InvalidInput { field, .. } => Self::Input(field.clone()),
            Error::Overflow { .. } => Self::Overflow,
            other => panic!("unexpected error kind: {other:?}"),
        }
    }
}

/// One tier, as the oracle reads it.
#[derive(Debug, Clone)]
struct Tier {
    up_to: Option<Decimal>,
    price: Decimal,
    flat: Decimal,
    min: Option<Decimal>,
    max: Option<Decimal>,
}

/// How the tiers price a basis value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Graduated,
    /// Volume and stairstep (a stairstep tier has price 0).
    WholeValue,
    Package,
    /// Flat mode on events: only the fixed amount.
    FixedOnly,
}

fn clamp(v: Decimal, min: Option<Decimal>, max: Option<Decimal>) -> Decimal {
    match (min, max) {
        (Some(lo), _) if v < lo => lo,
        (_, Some(hi)) if v > hi => hi,
        _ => v,
    }
}

/// `v` rounded to `scale` decimals with `mode`.
pub fn round(v: Decimal, scale: u32, mode: RoundingMode) -> Decimal {
    let s = match mode {
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
        RoundingMode::Up => RoundingStrategy::AwayFromZero,
        RoundingMode::Down => RoundingStrategy::ToZero,
        RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
        RoundingMode::HalfCeiling => {
            // Nearest, ties toward +∞: the floor, plus one unit when at or past the half.
            let down = v.round_dp_with_strategy(scale, RoundingStrategy::ToNegativeInfinity);
            let half = Decimal::new(5, scale + 1);
            return if v - down >= half {
                down + Decimal::new(1, scale)
            } else {
                down
            };
        }
        other => panic!("rounding mode {other:?} not in the oracle"),
    };
    v.round_dp_with_strategy(scale, s)
}

/// A basis value as the engine accepts it: zero or more, at most 6 decimals.
fn basis(field: &str, v: Decimal) -> Result<Decimal, Refusal> {
    if v < Decimal::ZERO || v.normalize().scale() > 6 {
        return Err(Refusal::Input(field.to_owned()));
    }
    if v > Decimal::from(9_000_000_000_000i64) {
        return Err(Refusal::Input(field.to_owned()));
    }
    Ok(v)
}

/// The schedule read plainly.
struct Plain<'a> {
    spec: &'a ScheduleSpec,
    basis: FeeBasis,
    how: How,
    tiers: Vec<Tier>,
    fixed: Decimal,
    flat_at_zero: bool,
}

impl<'a> Plain<'a> {
    fn new(spec: &'a ScheduleSpec) -> Self {
        let basis = spec.basis.unwrap_or(match spec.mode {
            FeeMode::Percentage | FeeMode::GraduatedPercentage => FeeBasis::Amount,
            _ => FeeBasis::Quantity,
        });
        let open = |price: Decimal| Tier {
            up_to: None,
            price,
            flat: Decimal::ZERO,
            min: None,
            max: None,
        };
        let written: Vec<Tier> = spec
            .tiers
            .iter()
            .map(|t| Tier {
                up_to: t.up_to,
                price: t.unit_amount.unwrap_or_default()
                    + t.rate.unwrap_or_default() / Decimal::ONE_HUNDRED,
                flat: t.flat_amount.unwrap_or_default(),
                min: t.min,
                max: t.max,
            })
            .collect();
        let fixed = spec.fixed_amount.unwrap_or_default();
        let (how, tiers, fixed) = match spec.mode {
            FeeMode::Flat if basis == FeeBasis::Quantity => {
                (How::WholeValue, vec![open(fixed)], Decimal::ZERO)
            }
            FeeMode::Flat => (How::FixedOnly, vec![], fixed),
            FeeMode::Percentage if spec.tiers.is_empty() => (
                How::WholeValue,
                vec![open(spec.rate.unwrap_or_default() / Decimal::ONE_HUNDRED)],
                fixed,
            ),
            FeeMode::Percentage if basis == FeeBasis::PeriodVolume => {
                (How::Graduated, written, fixed)
            }
            FeeMode::Percentage | FeeMode::Volume | FeeMode::Stairstep => {
                (How::WholeValue, written, fixed)
            }
            FeeMode::Graduated | FeeMode::GraduatedPercentage => (How::Graduated, written, fixed),
            FeeMode::Package => (How::Package, vec![], fixed),
        };
        Self {
            spec,
            basis,
            how,
            tiers,
            fixed,
            flat_at_zero: spec.first_tier_flat_at_zero.unwrap_or(true),
        }
    }

    /// The first tier whose `up_to` is at least `x`.
    fn reached(&self, x: Decimal) -> usize {
        self.tiers
            .iter()
            .position(|t| t.up_to.is_none_or(|u| x <= u))
            .unwrap_or(0)
    }

    /// The tiers' fee at basis value `x`: a walk over the tiers.
    fn walk(&self, x: Decimal) -> Decimal {
        match self.how {
            How::FixedOnly => Decimal::ZERO,
            How::Package => {
                let size = self.spec.package_size.unwrap();
                (x / size).ceil() * self.spec.package_amount.unwrap()
            }
            How::WholeValue => {
                if x.is_zero() && !self.flat_at_zero {
                    return Decimal::ZERO;
                }
                let t = &self.tiers[self.reached(x)];
                clamp(x * t.price + t.flat, t.min, t.max)
            }
            How::Graduated => {
                let mut total = Decimal::ZERO;
                let mut lower = Decimal::ZERO;
                for (i, t) in self.tiers.iter().enumerate() {
                    // The first tier is entered at zero only when its flat is charged at zero.
                    let entered = x > lower || (i == 0 && self.flat_at_zero);
                    if !entered {
                        break;
                    }
                    let top = t.up_to.map_or(x, |u| u.min(x));
                    let units = (top - lower).max(Decimal::ZERO);
                    total += clamp(units * t.price + t.flat, t.min, t.max);
                    match t.up_to {
                        Some(u) if x > u => lower = u,
                        _ => break,
                    }
                }
                total
            }
        }
    }

    fn per_event(&self, fee: Decimal) -> Decimal {
        clamp(fee, self.spec.per_event_min, self.spec.per_event_max)
    }

    fn period(&self, fee: Decimal) -> Decimal {
        clamp(fee, self.spec.period_min, self.spec.period_max)
    }

    fn whole_period_mode(&self) -> bool {
        matches!(self.spec.mode, FeeMode::Volume | FeeMode::Stairstep)
    }

    fn quantity_total(&self, input: &FeeInput) -> Result<Decimal, Refusal> {
        if !input.events.is_empty() {
            return Err(Refusal::Input("events".into()));
        }
        if input.period_volume.is_some() {
            return Err(Refusal::Input("period_volume".into()));
        }
        let q = basis(
            "quantity",
            input
                .quantity
                .ok_or_else(|| Refusal::Input("quantity".into()))?,
        )?;
        let free = self.spec.free_units.unwrap_or_default();
        let now = self.period(self.walk((q - free).max(Decimal::ZERO)));
        let Some(p) = input.previous_quantity else {
            return Ok(now);
        };
        if self.whole_period_mode() {
            return Err(Refusal::Input("previous_quantity".into()));
        }
        let p = basis("previous_quantity", p)?;
        if p > q {
            return Err(Refusal::Input("previous_quantity".into()));
        }
        Ok(now - self.period(self.walk((p - free).max(Decimal::ZERO))))
    }

    /// The events' fees (each rounded with stage `event`) plus the part charged once for the
    /// period, before the period caps.
    fn events_total(
        &self,
        input: &FeeInput,
        minor: u32,
        mode: RoundingMode,
    ) -> Result<Decimal, Refusal> {
        if input.quantity.is_some() {
            return Err(Refusal::Input("quantity".into()));
        }
        if input.previous_quantity.is_some() {
            return Err(Refusal::Input("previous_quantity".into()));
        }
        let start = input
            .period_volume
            .map(|v| basis("period_volume", v))
            .transpose()?;
        let xs = input
            .events
            .iter()
            .enumerate()
            .map(|(i, a)| basis(&format!("events[{i}]"), *a))
            .collect::<Result<Vec<_>, _>>()?;
        let sum: Decimal = xs.iter().sum();
        // Where the tiers come from: each event alone, one tier for all, or the period's
        // cumulative volume.
        let mut one_tier: Option<usize> = None;
        let mut cumulative = false;
        let mut period_part = Decimal::ZERO;
        if self.how != How::FixedOnly {
            match self.basis {
                FeeBasis::PreviousPeriodVolume => {
                    let p = start.ok_or_else(|| Refusal::Input("period_volume".into()))?;
                    one_tier = Some(self.reached(p));
                    if sum > Decimal::ZERO || self.flat_at_zero {
                        period_part = self.tiers[self.reached(p)].flat;
                    }
                }
                FeeBasis::PeriodVolume if self.how == How::WholeValue => {
                    let start = start.unwrap_or_default();
                    if self.whole_period_mode() && start > Decimal::ZERO {
                        return Err(Refusal::Input("period_volume".into()));
                    }
                    let end = start + sum;
                    let i = self.reached(end);
                    one_tier = Some(i);
                    if end > Decimal::ZERO || self.flat_at_zero {
                        period_part = self.tiers[i].flat;
                    }
                }
                FeeBasis::PeriodVolume => {
                    cumulative = true;
                    if start.unwrap_or_default().is_zero() {
                        // The flat charged at zero usage belongs to the period.
                        period_part = self.walk(Decimal::ZERO);
                    }
                }
                _ => {}
            }
        }
        let allowance = self.spec.free_events.is_some() || self.spec.free_amount.is_some();
        let mut remaining = self.spec.free_amount;
        let mut volume = start.unwrap_or_default();
        let mut total = period_part;
        for (n, &x) in xs.iter().enumerate() {
            let eligible = allowance && self.spec.free_events.is_none_or(|k| (n as u64) < k);
            let free = if eligible {
                remaining.map_or(x, |r| r.min(x))
            } else {
                Decimal::ZERO
            };
            if let Some(r) = remaining.as_mut()
                && eligible
            {
                *r -= free;
            }
            let fee = if eligible && free == x {
                Decimal::ZERO
            } else if cumulative {
                self.per_event(self.walk(volume + x) - self.walk(volume + free) + self.fixed)
            } else if let Some(i) = one_tier {
                self.per_event((x - free) * self.tiers[i].price + self.fixed)
            } else {
                self.per_event(self.walk(x - free) + self.fixed)
            };
            volume += x;
            total += match self.spec.rounding_stage.unwrap_or_default() {
                FeeRoundingStage::Event => round(fee, minor, mode),
                _ => fee,
            };
        }
        Ok(total)
    }
}

/// The total fee of `spec` on `input`, rounded once (per event with stage `event`) to the
/// currency's minor unit.
pub fn naive_total(spec: &ScheduleSpec, input: &FeeInput) -> Result<Decimal, Refusal> {
    let plain = Plain::new(spec);
    let minor = spec.currency.minor_unit_scale().unwrap();
    let mode = spec.rounding.unwrap_or_default();
    let unrounded = if plain.basis == FeeBasis::Quantity {
        plain.quantity_total(input)?
    } else {
        plain.period(plain.events_total(input, minor, mode)?)
    };
    Ok(round(unrounded, minor, mode))
}

/// The total of a chain: each fee on the sum of its base terms, in an order where every fee
/// comes after the fees its base names (found by repeated passes), totals added up.
fn naive_chain(spec: &ChainSpec, sale: &Sale) -> Result<Decimal, Refusal> {
    let n = spec.fees.len();
    let mut fees: Vec<Option<Decimal>> = vec![None; n];
    while fees.iter().any(Option::is_none) {
        for (i, f) in spec.fees.iter().enumerate() {
            if fees[i].is_some() {
                continue;
            }
            let ready = f.base.iter().all(|b| match b {
                ChainBase::Fee(name) => spec
                    .fees
                    .iter()
                    .position(|g| &g.name == name)
                    .is_some_and(|k| fees[k].is_some()),
                ChainBase::Fees => fees[..i].iter().all(Option::is_some),
                _ => true,
            });
            if !ready {
                continue;
            }
            let base: Decimal = f
                .base
                .iter()
                .map(|b| match b {
                    ChainBase::Item => sale.item,
                    ChainBase::Shipping => sale.shipping,
                    ChainBase::Tax => sale.tax,
                    ChainBase::Fee(name) => {
                        fees[spec.fees.iter().position(|g| &g.name == name).unwrap()].unwrap()
                    }
                    ChainBase::Fees => fees[..i].iter().flatten().sum(),
                })
                .sum();
            let s = f.schedule.as_ref().unwrap();
            let mut input = FeeInput::events(vec![base]);
            if s.basis == Some(FeeBasis::PreviousPeriodVolume) {
                input.period_volume = sale.period_volume;
            }
            fees[i] = Some(naive_total(s, &input)?);
        }
    }
    Ok(fees.into_iter().flatten().sum())
}

// ---- Random schedules and inputs -------------------------------------------------------------

/// A decimal of `m` units at `scale` decimals, as a string.
fn d(m: i64, scale: u32) -> String {
    Decimal::new(m, scale).to_string()
}

/// A rate in percent: often zero, else up to 8 decimals.
fn rate() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just("0".to_owned()),
        3 => (0i64..3000).prop_map(|m| d(m, 1)),
        3 => (0i64..3_000_000_000).prop_map(|m| d(m, 8)),
    ]
}

/// A unit amount: zero, cents, or up to 10 decimals.
fn unit_amount() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("0".to_owned()),
        2 => (0i64..500).prop_map(|m| d(m, 2)),
        2 => (0i64..50_000_000_000).prop_map(|m| d(m, 10)),
    ]
}

/// Money: zero, cents, or up to 8 decimals.
fn money() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("0".to_owned()),
        3 => (0i64..2000).prop_map(|m| d(m, 2)),
        2 => (0i64..2_000_000_000).prop_map(|m| d(m, 8)),
    ]
}

/// Tier bounds: increasing, at 0 to 6 decimals.
fn bounds() -> impl Strategy<Value = Vec<Decimal>> {
    (
        proptest::collection::vec(1i64..5_000_000_000, 0..4),
        0u32..=6,
    )
        .prop_map(|(steps, scale)| {
            let mut b = 0i64;
            steps
                .into_iter()
                .map(|s| {
                    // At least one unit of the scale apart.
                    b += (s / 10i64.pow(6 - scale)).max(1);
                    Decimal::new(b, scale)
                })
                .collect()
        })
}

/// A tier: a price from a unit amount and/or a rate, maybe a flat amount and caps.
fn tier_fields() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(unit_amount()),
        proptest::option::of(rate()),
        proptest::option::of(money()),
        proptest::option::of(money()),
        proptest::option::of(money()),
    )
        .prop_map(|(u, r, f, lo, hi)| {
            let mut t = json!({});
            if let Some(u) = u {
                t["unit_amount"] = json!(u);
            }
            if let Some(r) = r {
                t["rate"] = json!(r);
            }
            if let Some(f) = f {
                t["flat_amount"] = json!(f);
            }
            let (lo, hi) = ordered(lo, hi);
            if let Some(lo) = lo {
                t["min"] = json!(lo);
            }
            if let Some(hi) = hi {
                t["max"] = json!(hi);
            }
            t
        })
}

fn rounding() -> impl Strategy<Value = Option<&'static str>> {
    proptest::option::of(proptest::sample::select(vec![
        "half_even",
        "half_up",
        "half_down",
        "up",
        "down",
        "ceiling",
        "floor",
        "half_ceiling",
    ]))
}

/// Orders a (min, max) pair.
fn ordered(a: Option<String>, b: Option<String>) -> (Option<String>, Option<String>) {
    match (a, b) {
        (Some(a), Some(b)) if a.parse::<Decimal>().unwrap() > b.parse::<Decimal>().unwrap() => {
            (Some(b), Some(a))
        }
        other => other,
    }
}

/// A schedule valid by construction: the fields each mode and basis allow.
fn schedule() -> impl Strategy<Value = ScheduleSpec> {
    (
        0usize..7,
        0usize..4,
        bounds(),
        proptest::collection::vec(tier_fields(), 5),
        (rate(), money(), money(), money()),
        (proptest::option::of(money()), proptest::option::of(money())),
        (proptest::option::of(money()), proptest::option::of(money())),
        (
            proptest::option::of(0u64..4),
            proptest::option::of((0i64..50_000_000).prop_map(|m| d(m, 6))),
            proptest::option::of((0i64..50_000_000).prop_map(|m| d(m, 6))),
        ),
        (
            rounding(),
            any::<bool>(),
            proptest::option::of(any::<bool>()),
            0usize..3,
            any::<bool>(),
        ),
    )
        .prop_map(
            |(mode, basis, bounds, mut fields, (r, fixed, size, pkg), pe, pp, free, misc)| {
                let (round, event_stage, flat_at_zero, currency, with_fixed) = misc;
                let modes = [
                    "flat",
                    "percentage",
                    "graduated",
                    "graduated_percentage",
                    "volume",
                    "stairstep",
                    "package",
                ];
                let mode = modes[mode];
                let bases = [
                    "quantity",
                    "amount",
                    "period_volume",
                    "previous_period_volume",
                ];
                let mut basis = bases[basis];
                let with_tiers_pct =
                    mode == "percentage" && basis.contains("period") && !bounds.is_empty();
                if mode == "percentage" && basis == "quantity" {
                    basis = "amount";
                }
                if mode == "package" && basis == "previous_period_volume" {
                    basis = "period_volume";
                }
                let currency = ["USD", "JPY", "KWD"][currency];
                let mut v = json!({"mode": mode, "basis": basis, "currency": currency});
                let tiered = matches!(
                    mode,
                    "graduated" | "graduated_percentage" | "volume" | "stairstep"
                ) || with_tiers_pct;
                if tiered {
                    let whole_period = basis == "previous_period_volume"
                        || (basis == "period_volume"
                            && matches!(mode, "volume" | "stairstep" | "percentage"));
                    let n = bounds.len() + 1;
                    let tiers: Vec<Value> = fields
                        .iter_mut()
                        .take(n)
                        .enumerate()
                        .map(|(i, t)| {
                            let o = t.as_object_mut().unwrap();
                            o.insert(
                                "up_to".into(),
                                bounds.get(i).map_or(Value::Null, |b| json!(b.to_string())),
                            );
                            match mode {
                                "stairstep" => {
                                    o.remove("unit_amount");
                                    o.remove("rate");
                                }
                                "graduated_percentage" => {
                                    o.entry("rate").or_insert(json!("2.9"));
                                }
                                "percentage" => {
                                    o.remove("unit_amount");
                                    o.entry("rate").or_insert(json!("1.5"));
                                }
                                _ => {}
                            }
                            if whole_period {
                                o.remove("min");
                                o.remove("max");
                            }
                            t.clone()
                        })
                        .collect();
                    v["tiers"] = json!(tiers);
                }
                match mode {
                    "flat" => v["fixed_amount"] = json!(fixed),
                    "percentage" if !with_tiers_pct => v["rate"] = json!(r),
                    "package" => {
                        let size: Decimal = size.parse::<Decimal>().unwrap().round_dp(6);
                        v["package_size"] = json!(size.max(Decimal::new(1, 2)).to_string());
                        v["package_amount"] = json!(pkg);
                    }
                    _ => {}
                }
                if basis == "quantity" {
                    if let Some(f) = free.2 {
                        v["free_units"] = json!(f);
                    }
                } else {
                    if mode != "flat" && with_fixed {
                        v["fixed_amount"] = json!(fixed);
                    }
                    let (lo, hi) = ordered(pe.0, pe.1);
                    if let Some(lo) = lo {
                        v["per_event_min"] = json!(lo);
                    }
                    if let Some(hi) = hi {
                        v["per_event_max"] = json!(hi);
                    }
                    if let Some(k) = free.0 {
                        v["free_events"] = json!(k);
                    }
                    if let Some(a) = free.1 {
                        v["free_amount"] = json!(a);
                    }
                    if event_stage {
                        v["rounding_stage"] = json!("event");
                    }
                }
                let (lo, hi) = ordered(pp.0, pp.1);
                if let Some(lo) = lo {
                    v["period_min"] = json!(lo);
                }
                if let Some(hi) = hi {
                    v["period_max"] = json!(hi);
                }
                if let Some(r) = round {
                    v["rounding"] = json!(r);
                }
                if let Some(z) = flat_at_zero {
                    v["first_tier_flat_at_zero"] = json!(z);
                }
                serde_json::from_value(v).unwrap()
            },
        )
}

/// A basis value: often on or next to a tier bound of `bounds`, else anywhere, sometimes
/// zero; a few are invalid (negative, or 7 decimals).
fn value_near(bounds: &[Decimal], pick: usize, nudge: i64, any: i64) -> Decimal {
    let eps = Decimal::new(1, 6);
    match (pick % 8, bounds.get(pick / 8 % bounds.len().max(1))) {
        (0, _) => Decimal::ZERO,
        (1..=3, Some(b)) => (*b + eps * Decimal::from(nudge % 3 - 1)).max(Decimal::ZERO),
        (4, _) if nudge % 50 == 0 => Decimal::new(-1, 2),
        (5, _) if nudge % 50 == 0 => {
            Decimal::new(any.abs() % 100_000_000 + 1, 7) + Decimal::new(1, 7)
        }
        _ => Decimal::new(any.rem_euclid(60_000_000_000), 6).round_dp(nudge.rem_euclid(7) as u32),
    }
}

/// An input fitting the schedule's basis (sometimes not: the engine must refuse it alike).
fn input_for(spec: &ScheduleSpec, picks: &[(usize, i64, i64)], extra: (u8, i64, i64)) -> FeeInput {
    let bounds: Vec<Decimal> = spec.tiers.iter().filter_map(|t| t.up_to).collect();
    let v = |k: usize| {
        let (p, n, a) = picks[k % picks.len()];
        value_near(&bounds, p, n, a)
    };
    let quantity_basis = spec.basis == Some(FeeBasis::Quantity)
        || (spec.basis.is_none()
            && !matches!(
                spec.mode,
                FeeMode::Percentage | FeeMode::GraduatedPercentage
            ));
    let (kind, x, y) = extra;
    let mut input = if quantity_basis {
        let q = v(0);
        let mut i = FeeInput::quantity(q);
        if kind % 3 == 0 {
            // A previous quantity at or below the quantity, or above it now and then.
            let p = if x % 10 == 0 {
                q + Decimal::ONE
            } else {
                v(1).min(q)
            };
            i = i.with_previous_quantity(p);
        }
        i
    } else {
        let n = (x.rem_euclid(6)) as usize;
        let mut i = FeeInput::events((0..n).map(|k| v(k + 1)).collect());
        if kind % 2 == 0 || spec.basis == Some(FeeBasis::PreviousPeriodVolume) && kind % 7 != 1 {
            i = i.with_period_volume(if y % 3 == 0 { Decimal::ZERO } else { v(7) });
        }
        i
    };
    // Now and then a field the basis does not take.
    match kind % 29 {
        1 => input.events.push(Decimal::ONE),
        2 => input.quantity = Some(Decimal::ONE),
        3 => input.previous_quantity = Some(Decimal::ZERO),
        _ => {}
    }
    input
}

fn engine_total(s: &FeeSchedule, input: &FeeInput) -> Result<Decimal, Refusal> {
    s.evaluate(input)
        .map(|r| r.total)
        .map_err(|e| Refusal::of(&e))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The engine's total equals the naive tier walk's for every schedule and input, and both
    /// refuse the same inputs (the same field, or both overflow).
    #[test]
    fn engine_equals_naive_tier_walk(
        spec in schedule(),
        picks in proptest::collection::vec((0usize..64, any::<i64>(), any::<i64>()), 8),
        extra in (any::<u8>(), any::<i64>(), any::<i64>()),
    ) {
        let s = spec.compile("schedule").unwrap();
        let input = input_for(&spec, &picks, extra);
        let engine = engine_total(&s, &input);
        let naive = naive_total(&spec, &input);
        prop_assert_eq!(&engine, &naive, "spec {} input {:?}", serde_json::to_string(&spec).unwrap(), input);
        // The batch path sums the same fees.
        if spec.basis.is_some_and(|b| b != FeeBasis::Quantity) {
            let batch = s.evaluate_batch(&input).map(|r| r.total).map_err(|e| Refusal::of(&e));
            prop_assert_eq!(batch, naive);
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A chain's total is the sum of its fees, each the naive fee of its base terms.
    #[test]
    fn chain_total_equals_naive_fees_on_their_bases(
        specs in proptest::collection::vec(schedule(), 1..4),
        bases in proptest::collection::vec((any::<bool>(), any::<bool>(), any::<bool>(), 0usize..4), 4),
        sale in (0i64..500_000, 0i64..5000, 0i64..5000, 0i64..10_000_000),
    ) {
        // Chain fees are on one base amount, in one currency.
        let fees: Vec<ChainFeeSpec> = specs
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                s.currency = "USD".parse().unwrap();
                if s.basis != Some(FeeBasis::PreviousPeriodVolume) {
                    s.basis = Some(FeeBasis::Amount);
                }
                let s = if s.compile("s").is_ok() { s } else {
                    serde_json::from_value(json!({"mode": "percentage", "currency": "USD", "rate": "2.9", "fixed_amount": "0.30"})).unwrap()
                };
                let (item, ship, tax, on) = bases[i];
                let mut base = Vec::new();
                if item { base.push(ChainBase::Item); }
                if ship { base.push(ChainBase::Shipping); }
                if tax { base.push(ChainBase::Tax); }
                // A base on an earlier fee, or on all earlier fees.
                match (on, i) {
                    (1, 1..) => base.push(ChainBase::Fee(format!("f{}", i - 1))),
                    (2, 1..) => base.push(ChainBase::Fees),
                    _ => {}
                }
                if base.is_empty() {
                    base.push(ChainBase::Item);
                }
                serde_json::from_value(json!({"name": format!("f{i}"), "base": base, "schedule": s})).unwrap()
            })
            .collect();
        let spec = ChainSpec { fees };
        let chain = FeeChain::new(&spec, RateTables::embedded().unwrap(), None, "chain").unwrap();
        let sale = Sale::item(Decimal::new(sale.0, 2))
            .with_shipping(Decimal::new(sale.1, 2))
            .with_tax(Decimal::new(sale.2, 2))
            .with_period_volume(Decimal::new(sale.3, 2));
        let engine = chain.evaluate(&sale).map(|r| r.total);
        match (engine, naive_chain(&spec, &sale)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(e), Err(r)) => prop_assert!(matches!((Refusal::of(&e), r), (Refusal::Overflow, Refusal::Overflow) | (Refusal::Input(_), Refusal::Input(_)))),
            (a, b) => prop_assert!(false, "engine {:?}, naive {:?}", a, b),
        }
    }
}

#[test]
fn the_oracle_reads_the_crate_docs_example() {
    // 10 × 10 + 2 + 2 × 5 + 3 (the `landed::fees` example).
    let spec: ScheduleSpec = serde_json::from_value(json!({
        "mode": "graduated", "basis": "quantity", "currency": "USD",
        "tiers": [{"up_to": "10", "unit_amount": "10", "flat_amount": "2"},
                  {"up_to": null, "unit_amount": "5", "flat_amount": "3"}]}))
    .unwrap();
    let input = FeeInput::quantity(Decimal::from(12));
    assert_eq!(naive_total(&spec, &input), Ok(Decimal::from(115)));
}
