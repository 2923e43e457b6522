//! The cost-floor solver.

use rust_decimal::Decimal;

use crate::data::FeeSchedule;
use crate::error::Error;

/// What the cost floor depends on.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FloorInput<'a> {
    /// The fee schedule charged on the price (basis `amount`), if any.
    pub fees: Option<&'a FeeSchedule>,
    /// Costs per unit that do not depend on the price (unit cost, landed cost, other costs).
    pub costs: Decimal,
    /// The minimum profit per unit, if any.
    pub min_profit: Option<Decimal>,
    /// The minimum margin in percent of the price, if any.
    pub min_margin_percent: Option<Decimal>,
    /// The lowest price considered (inclusive).
    pub low: Decimal,
    /// The highest price considered (inclusive): the band's ceiling.
    pub high: Decimal,
    /// Decimals of the currency's minor unit.
    pub scale: u32,
}

impl<'a> FloorInput<'a> {
    /// Costs only, between `low` and `high`, at `scale` decimals.
    pub const fn new(costs: Decimal, low: Decimal, high: Decimal, scale: u32) -> Self {
        Self {
            fees: None,
            costs,
            min_profit: None,
            min_margin_percent: None,
            low,
            high,
            scale,
        }
    }

    /// With a fee schedule.
    #[must_use]
    pub const fn with_fees(mut self, fees: &'a FeeSchedule) -> Self {
        self.fees = Some(fees);
        self
    }

    /// With a minimum profit.
    #[must_use]
    pub const fn with_min_profit(mut self, v: Decimal) -> Self {
        self.min_profit = Some(v);
        self
    }

    /// With a minimum margin in percent.
    #[must_use]
    pub const fn with_min_margin_percent(mut self, v: Decimal) -> Self {
        self.min_margin_percent = Some(v);
        self
    }
}

/// The cost floor and what it was solved from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CostFloor {
    /// The smallest qualifying price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub price: Decimal,
    /// The fee at that price (rounded, as charged).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub fee: Decimal,
    /// The profit at that price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub profit: Decimal,
    /// Prices evaluated to find it.
    pub evaluations: u32,
}

struct Solver<'a, 'b> {
    input: &'b FloorInput<'a>,
    evaluations: u32,
    /// How many grid steps the rounding of the fee can hide a qualifying price below a
    /// failing one (see [`window`]); `None`: scan every price.
    window: Option<i64>,
}

/// Inside a piece, `profit − margin × price` rises by at least `s = 1 − margin − r` per unit
/// of price (`r`: the highest unit price of the schedule's tiers), and the fee's rounding moves
/// it by at most one minor unit. So the first qualifying price lies within `1/s + 1` steps of
/// any price found by the search; the solver scans that far back. With `s <= 0` (or a package
/// fee, whose blocks are cliffs of their own) it scans every price.
fn window(input: &FloorInput<'_>) -> Option<i64> {
    let m = input
        .min_margin_percent
        .unwrap_or(Decimal::ZERO)
        .checked_div(Decimal::ONE_HUNDRED)?;
    let r = match input.fees {
        Some(f) => f.max_unit_rate()?,
        None => Decimal::ZERO,
    };
    let slope = Decimal::ONE.checked_sub(m)?.checked_sub(r)?;
    if slope <= Decimal::ZERO {
        return None;
    }
    let steps = Decimal::ONE
        .checked_div(slope)?
        .ceil()
        .checked_add(Decimal::TWO)?;
    i64::try_from(steps.mantissa())
        .ok()
        .filter(|w| *w <= 100_000)
}

impl Solver<'_, '_> {
    fn price(&self, k: i64) -> Decimal {
        Decimal::new(k, self.input.scale)
    }

    /// Fee, profit and whether the price qualifies.
    fn check(&mut self, k: i64) -> Result<(Decimal, Decimal, bool), Error> {
        self.evaluations = self.evaluations.saturating_add(1);
        let p = self.price(k);
        let fee = match self.input.fees {
            Some(s) => s.fee_for_amount(p)?,
            None => Decimal::ZERO,
        };
        let profit = p
            .checked_sub(fee)
            .and_then(|v| v.checked_sub(self.input.costs))
            .ok_or(Error::overflow("profit"))?;
        let mut ok = self.input.min_profit.is_none_or(|m| profit >= m);
        if let Some(m) = self.input.min_margin_percent {
            // profit / price >= m %, without dividing: profit × 100 >= m × price.
            let lhs = profit.checked_mul(Decimal::ONE_HUNDRED);
            let rhs = m.checked_mul(p);
            ok = ok
                && match (lhs, rhs) {
                    (Some(l), Some(r)) => l >= r && p > Decimal::ZERO,
                    _ => return Err(Error::overflow("margin")),
                };
        }
        Ok((fee, profit, ok))
    }
}

/// Whether `price` meets the minimum profit and margin after fees and costs.
///
/// # Errors
/// Fee errors; [`Error::Overflow`].
pub fn qualifies(input: &FloorInput<'_>, price: Decimal) -> Result<bool, Error> {
    let mut k = price;
    k.rescale(input.scale);
    let k = i64::try_from(k.mantissa()).map_err(|_| Error::overflow("price"))?;
    let mut s = Solver {
        input,
        evaluations: 0,
        window: None,
    };
    Ok(s.check(k)?.2)
}

/// The qualifying price nearest to `price` inside `[lo, hi]`: the highest one at or below it,
/// else the lowest above it (fee cliffs leave dead zones above the cost floor).
///
/// # Errors
/// As [`qualifies`].
pub fn nearest_qualifying(
    input: &FloorInput<'_>,
    price: Decimal,
    lo: Decimal,
    hi: Decimal,
) -> Result<Option<Decimal>, Error> {
    let unit = Decimal::new(1, input.scale);
    let mut p = price.min(hi);
    while p >= lo {
        if qualifies(input, p)? {
            return Ok(Some(p));
        }
        p = p.checked_sub(unit).ok_or(Error::overflow("price"))?;
    }
    let mut p = price.max(lo);
    while p <= hi {
        if qualifies(input, p)? {
            return Ok(Some(p));
        }
        p = p.checked_add(unit).ok_or(Error::overflow("price"))?;
    }
    Ok(None)
}

/// The smallest price in `[low, high]` on the minor-unit grid that meets the minimum profit
/// and margin after fees and costs.
///
/// # Errors
/// [`Error::InvalidInput`] naming `max_price` when no price in the band qualifies (the
/// message gives the band), or for a band with `low > high` or off-grid bounds; fee errors.
///
/// # Example
/// ```
/// use landed::bands::{FloorInput, cost_floor};
/// // Costs 8.00 + 3.22, at least 2.00 profit and 10 % margin, no fees: 13.22 meets the
/// // profit, and its margin is 15 %.
/// let f = cost_floor(&FloorInput::new("11.22".parse()?, "0.01".parse()?, "30.00".parse()?, 2)
///     .with_min_profit("2.00".parse()?)
///     .with_min_margin_percent("10".parse()?))?;
/// assert_eq!(f.price.to_string(), "13.22");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cost_floor(input: &FloorInput<'_>) -> Result<CostFloor, Error> {
    let grid = |v: Decimal, field: &str| -> Result<i64, Error> {
        let mut r = v;
        r.rescale(input.scale);
        if r != v {
            return Err(Error::input(
                field,
                format!("{v} is not on the currency's minor-unit grid"),
            ));
        }
        i64::try_from(r.mantissa()).map_err(|_| Error::input(field, "is too large"))
    };
    let lo = grid(input.low, "min_price")?;
    let hi = grid(input.high, "max_price")?;
    if lo > hi {
        return Err(Error::input(
            "max_price",
            format!(
                "the band's floor {} is above its ceiling {}",
                input.low, input.high
            ),
        ));
    }
    let mut s = Solver {
        input,
        evaluations: 0,
        window: window(input),
    };
    // Pieces between the schedule's tier bounds: cliffs can only sit on a bound.
    let mut cuts: Vec<i64> = input
        .fees
        .map(|f| {
            f.tiers
                .iter()
                .filter_map(|t| t.up_to)
                .filter_map(|u| {
                    // up_to at 6 decimals → the last grid price inside the tier.
                    let d = Decimal::new(u, crate::data::fees_internal::X);
                    let mut g = d.round_dp_with_strategy(
                        input.scale,
                        rust_decimal::RoundingStrategy::ToNegativeInfinity,
                    );
                    g.rescale(input.scale);
                    i64::try_from(g.mantissa()).ok()
                })
                .collect()
        })
        .unwrap_or_default();
    cuts.retain(|c| *c >= lo && *c < hi);
    cuts.sort_unstable();
    cuts.dedup();
    let mut start = lo;
    for end in cuts.iter().copied().chain(std::iter::once(hi)) {
        if let Some(k) = search_piece(&mut s, start, end)? {
            let (fee, profit, ok) = s.check(k)?;
            if ok {
                return Ok(CostFloor {
                    price: s.price(k),
                    fee,
                    profit,
                    evaluations: s.evaluations,
                });
            }
        }
        start = end.saturating_add(1);
    }
    Err(Error::input(
        "max_price",
        format!(
            "no price from {} to {} meets the minimum profit and margin after fees and costs of {}; raise max_price or lower the minimums",
            input.low, input.high, input.costs
        ),
    ))
}

/// The smallest qualifying price in `[a, b]`, by binary search where profit cannot fall
/// inside the piece, verified; a piece where the search's answer fails its neighbours is
/// scanned.
fn search_piece(s: &mut Solver<'_, '_>, a: i64, b: i64) -> Result<Option<i64>, Error> {
    if a > b {
        return Ok(None);
    }
    let Some(w) = s.window else {
        return scan(s, a, b, i64::MAX);
    };
    if !s.check(b)?.2 {
        // The top fails: only the rounding window below it can still hold a qualifying price.
        return scan(s, b.saturating_sub(w).max(a), b.saturating_sub(1), w);
    }
    let (mut lo, mut hi) = (a, b);
    while lo < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
        if s.check(mid)?.2 {
            hi = mid;
        } else {
            lo = mid.saturating_add(1);
        }
    }
    // A qualifying price hidden by the rounding lies within the window below.
    if let Some(k) = scan(s, a.max(lo.saturating_sub(w)), lo.saturating_sub(1), w)? {
        return Ok(Some(k));
    }
    Ok(Some(lo))
}

/// The first qualifying price in `[a, b]`, scanning at most `limit` prices.
fn scan(s: &mut Solver<'_, '_>, a: i64, b: i64, limit: i64) -> Result<Option<i64>, Error> {
    let mut k = a;
    while k <= b && k < a.saturating_add(limit) {
        if s.check(k)?.2 {
            return Ok(Some(k));
        }
        k = k.saturating_add(1);
    }
    Ok(None)
}
