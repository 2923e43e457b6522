//! The cost-floor solver.

use rust_decimal::Decimal;

use crate::data::FeeSchedule;
use crate::data::fees_internal::{Kind, M};
use crate::error::Error;
use crate::money::scaled_int;

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
    /// The same check in integers, when every input fits (see [`Fast`]).
    fast: Option<Fast>,
}

/// The check in integers at [`F`] decimals: prices, fees, costs and minimums are exact there
/// (an input with more decimals leaves the check to `Decimal`), so both checks agree.
#[derive(Debug, Clone, Copy)]
struct Fast {
    costs: i128,
    min_profit: Option<i128>,
    /// The minimum margin in percent at [`MARGIN_SCALE`] decimals.
    margin: Option<i128>,
    /// Grid price → [`F`] decimals.
    price_mul: i128,
    /// Grid price → the fee schedule's basis scale.
    basis_mul: i64,
    /// Fee minor units → [`F`] decimals.
    fee_mul: i128,
}

/// A fee, in the form of the check that computed it.
#[derive(Debug, Clone, Copy)]
enum Fee {
    /// At [`F`] decimals (the integer check).
    Int(i128),
    /// As charged (the `Decimal` check).
    Dec(Decimal),
}

/// Decimals of the integer check.
const F: u32 = 12;
/// Decimals of the minimum margin in the integer check.
const MARGIN_SCALE: u32 = 6;
/// 100 at [`MARGIN_SCALE`] decimals.
const MARGIN_ONE_HUNDRED: i128 = 100_000_000;

impl Fast {
    fn new(input: &FloorInput<'_>) -> Option<Self> {
        let pow = |n: u32| 10i128.checked_pow(n);
        let (basis_mul, fee_mul) = match input.fees {
            Some(f) if f.is_price_fee() => (
                i64::try_from(pow(crate::data::fees_internal::X.checked_sub(input.scale)?)?)
                    .ok()?,
                pow(F.checked_sub(f.minor_scale())?)?,
            ),
            Some(_) => return None,
            None => (1, 0),
        };
        Some(Self {
            costs: scaled_int(input.costs, F)?,
            min_profit: match input.min_profit {
                Some(m) => Some(scaled_int(m, F)?),
                None => None,
            },
            margin: match input.min_margin_percent {
                Some(m) => Some(scaled_int(m, MARGIN_SCALE)?),
                None => None,
            },
            price_mul: pow(F.checked_sub(input.scale)?)?,
            basis_mul,
            fee_mul,
        })
    }

    fn check(&self, fees: Option<&FeeSchedule>, k: i64) -> Result<bool, Error> {
        let fee = self.fee(fees, k)?;
        self.meets(k, fee)
    }

    /// The fee at grid price `k`, at [`F`] decimals.
    fn fee(&self, fees: Option<&FeeSchedule>, k: i64) -> Result<i128, Error> {
        let ovf = || Error::overflow("profit");
        match fees {
            Some(s) => s
                .amount_fee_minor(k.checked_mul(self.basis_mul).ok_or_else(ovf)?)?
                .checked_mul(self.fee_mul)
                .ok_or_else(ovf),
            None => Ok(0),
        }
    }

    /// Whether grid price `k` qualifies when the fee is `fee` (at [`F`] decimals).
    fn meets(&self, k: i64, fee: i128) -> Result<bool, Error> {
        let ovf = || Error::overflow("profit");
        let p = i128::from(k).checked_mul(self.price_mul).ok_or_else(ovf)?;
        let profit = p
            .checked_sub(fee)
            .and_then(|v| v.checked_sub(self.costs))
            .ok_or_else(ovf)?;
        if self.min_profit.is_some_and(|m| profit < m) {
            return Ok(false);
        }
        if let Some(m) = self.margin {
            // profit / price >= m %, without dividing: profit × 100 >= m × price.
            let lhs = profit
                .checked_mul(MARGIN_ONE_HUNDRED)
                .ok_or_else(|| Error::overflow("margin"))?;
            let rhs = m.checked_mul(p).ok_or_else(|| Error::overflow("margin"))?;
            return Ok(lhs >= rhs && k > 0);
        }
        Ok(true)
    }
}

impl Fast {
    /// Whether no price in `[x, y]` (`0 < x < y`, inside one piece) can qualify, judged from
    /// the unrounded fee `h` where it is affine: `h(y) − h(x)` equal to the tier's unit price
    /// times the span means no cap or minimum bends it in between (they only flatten it), and
    /// the rounded fee is then above `h − 1` minor unit at every price (for packages without a
    /// maximum, the line through their steps bounds `h` from below instead). With that bound
    /// the profit and margin are affine in the price, so one failing at both ends fails
    /// throughout. This is what prunes a fee rising at the very rate the allowance does
    /// (a 39 % fee under a 61 % margin), where comparing fees at the ends cannot.
    fn affine_fails(&self, fees: &FeeSchedule, x: i64, y: i64) -> Result<bool, Error> {
        if x <= 0 || x >= y {
            return Ok(false);
        }
        let (Some(bx), Some(by)) = (x.checked_mul(self.basis_mul), y.checked_mul(self.basis_mul))
        else {
            return Ok(false);
        };
        // The fee's lower bound at both ends (affine in the price between them).
        let (hx, hy) = if fees.kind == Kind::Package {
            // Packages of the price: ceil(basis / size) × amount is at least basis × amount /
            // size, a line through the steps; only a maximum could push the fee below it.
            if fees.per_event_max.is_some() || fees.period_max.is_some() {
                return Ok(false);
            }
            // Per grid step, rounded down: the line stays under the steps (and the numbers
            // small enough to compare in 128 bits).
            let per_step = i128::from(self.basis_mul)
                .checked_mul(fees.package_amount)
                .and_then(|v| v.checked_div(i128::from(fees.package_size)));
            let line = |k: i64| {
                per_step?
                    .checked_mul(i128::from(k))?
                    .checked_add(fees.fixed)
            };
            let (Some(lx), Some(ly)) = (line(x), line(y)) else {
                return Ok(false);
            };
            (lx, ly)
        } else {
            let tier = |v: i64| {
                fees.tiers
                    .iter()
                    .position(|t| t.up_to.is_none_or(|u| v <= u))
            };
            let price = match (fees.kind, tier(bx), tier(by)) {
                (Kind::Flat, _, _) => 0,
                (_, Some(i), Some(j)) if i == j => fees.tiers.get(i).map_or(0, |t| t.price),
                _ => return Ok(false),
            };
            let (hx, hy) = (
                fees.amount_fee_unrounded(bx)?,
                fees.amount_fee_unrounded(by)?,
            );
            let span = i128::from(price)
                .checked_mul(i128::from(self.basis_mul))
                .and_then(|v| v.checked_mul(i128::from(y.checked_sub(x)?)));
            if span.is_none() || hy.checked_sub(hx) != span {
                return Ok(false);
            }
            (hx, hy)
        };
        let Some(s) = 10i128.checked_pow(M.saturating_sub(F)) else {
            return Ok(false);
        };
        // S × (profit − minimum) is below `a1`, and S × (margin lhs − rhs) below `a2`, where S
        // = 10^(M − F) and the fee is replaced by its bound `h / S − fee_mul` (F
        // decimals), under which the rounded fee cannot fall.
        let ends = |k: i64, h: i128| -> Option<(Option<i128>, Option<i128>)> {
            let p = i128::from(k).checked_mul(self.price_mul)?;
            let slack = s
                .checked_mul(p.checked_sub(self.costs)?.checked_add(self.fee_mul)?)?
                .checked_sub(h)?;
            let a1 = match self.min_profit {
                Some(m) => Some(slack.checked_sub(s.checked_mul(m)?)?),
                None => None,
            };
            let a2 = match self.margin {
                Some(m) => Some(
                    slack
                        .checked_mul(MARGIN_ONE_HUNDRED)?
                        .checked_sub(s.checked_mul(m)?.checked_mul(p)?)?,
                ),
                None => None,
            };
            Some((a1, a2))
        };
        let (Some((x1, x2)), Some((y1, y2))) = (ends(x, hx), ends(y, hy)) else {
            return Ok(false);
        };
        let fails = |a: Option<i128>, b: Option<i128>| matches!((a, b), (Some(a), Some(b)) if a <= 0 && b <= 0);
        Ok(fails(x1, y1) || fails(x2, y2))
    }
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

/// The most fee evaluations one cost-floor solve may spend (a few tens of milliseconds). The
/// solver's branch and bound needs about a hundred over 10^12 minor units; only the case it cannot
/// prune (a fee and allowance rising together less than a minor unit apart) could need one per
/// price, and that is refused by name rather than left to run for seconds.
pub const MAX_EVALUATIONS: u32 = 200_000;

impl<'a, 'b> Solver<'a, 'b> {
    fn new(input: &'b FloorInput<'a>, window: Option<i64>) -> Self {
        Self {
            input,
            evaluations: 0,
            window,
            fast: Fast::new(input),
        }
    }

    fn price(&self, k: i64) -> Decimal {
        Decimal::new(k, self.input.scale)
    }

    /// Counts `n` fee evaluations against [`MAX_EVALUATIONS`].
    fn spend(&mut self, n: u32) -> Result<(), Error> {
        self.evaluations = self.evaluations.saturating_add(n);
        if self.evaluations > MAX_EVALUATIONS {
            return Err(Error::input(
                "max_price",
                format!(
                    "the cost floor was not found within {MAX_EVALUATIONS} fee evaluations between {} and {} (a fee that rises at the rate the margin leaves, with costs below one minor unit, is decided by the rounding of each fee); narrow the range with a lower max_price or a min_price, or give the costs in whole minor units",
                    self.input.low, self.input.high,
                ),
            ));
        }
        Ok(())
    }

    /// Whether the grid price `k` qualifies.
    fn ok(&mut self, k: i64) -> Result<bool, Error> {
        self.spend(1)?;
        match &self.fast {
            Some(f) => f.check(self.input.fees, k),
            None => Ok(self.check(k)?.2),
        }
    }

    /// Fee, profit and whether the price qualifies, in `Decimal`.
    fn check(&self, k: i64) -> Result<(Decimal, Decimal, bool), Error> {
        let fee = self.dec_fee(k)?;
        let (profit, ok) = self.dec_meets(k, fee)?;
        Ok((fee, profit, ok))
    }

    /// The fee at grid price `k`, in `Decimal`.
    fn dec_fee(&self, k: i64) -> Result<Decimal, Error> {
        match self.input.fees {
            Some(s) => s.fee_for_amount(self.price(k)),
            None => Ok(Decimal::ZERO),
        }
    }

    /// Profit at grid price `k` with fee `fee`, and whether it qualifies, in `Decimal`.
    fn dec_meets(&self, k: i64, fee: Decimal) -> Result<(Decimal, bool), Error> {
        let p = self.price(k);
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
        Ok((profit, ok))
    }

    /// The fee at grid price `k`, counted as an evaluation.
    fn fee_at(&mut self, k: i64) -> Result<Fee, Error> {
        self.spend(1)?;
        match &self.fast {
            Some(f) => Ok(Fee::Int(f.fee(self.input.fees, k)?)),
            None => Ok(Fee::Dec(self.dec_fee(k)?)),
        }
    }

    /// Whether grid price `k` qualifies if its fee were `fee`. For `fee` fixed this does not
    /// fall as `k` rises (a margin of at most 100 %), and for `k` fixed it does not rise with
    /// the fee: what [`bound`] prunes by.
    fn meets(&self, k: i64, fee: Fee) -> Result<bool, Error> {
        match (&self.fast, fee) {
            (Some(f), Fee::Int(v)) => f.meets(k, v),
            (_, Fee::Dec(v)) => Ok(self.dec_meets(k, v)?.1),
            (None, Fee::Int(_)) => Err(Error::overflow("profit")),
        }
    }

    /// Whether no price in `[x, y]` can qualify by the affine bound of the fee (see
    /// [`Fast::affine_fails`]); two evaluations.
    fn affine_fails(&mut self, x: i64, y: i64) -> Result<bool, Error> {
        match (self.fast, self.input.fees) {
            (Some(f), Some(fees)) => {
                self.spend(2)?;
                f.affine_fails(fees, x, y)
            }
            _ => Ok(false),
        }
    }

    /// Whether [`bound`] may prune: the qualification is monotone in the price for a fixed
    /// fee (a margin above 100 % would make it fall with the price).
    fn prunable(&self) -> bool {
        self.input
            .min_margin_percent
            .is_none_or(|m| m <= Decimal::ONE_HUNDRED)
    }

    /// The grid price of `v`.
    fn grid(&self, v: Decimal) -> Result<i64, Error> {
        let mut k = v;
        k.rescale(self.input.scale);
        i64::try_from(k.mantissa()).map_err(|_| Error::overflow("price"))
    }
}

/// Whether `price` meets the minimum profit and margin after fees and costs.
///
/// # Errors
/// Fee errors; [`Error::Overflow`].
pub fn qualifies(input: &FloorInput<'_>, price: Decimal) -> Result<bool, Error> {
    let mut s = Solver::new(input, None);
    let k = s.grid(price)?;
    s.ok(k)
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
    let mut s = Solver::new(input, None);
    let (k, lo, hi) = (s.grid(price)?, s.grid(lo)?, s.grid(hi)?);
    let pieces = pieces(input, lo, hi);
    // The highest qualifying price at or below `k`, piece by piece from the top.
    let top = k.min(hi);
    for &(a, b) in pieces.iter().rev() {
        if a > top {
            continue;
        }
        if let Some(p) = bound(&mut s, a, b.min(top), true)? {
            return Ok(Some(s.price(p)));
        }
    }
    // Else the lowest above it.
    let bottom = k.max(lo);
    for &(a, b) in &pieces {
        if b < bottom {
            continue;
        }
        if let Some(p) = bound(&mut s, a.max(bottom), b, false)? {
            return Ok(Some(s.price(p)));
        }
    }
    Ok(None)
}

/// The band `[lo, hi]` split at the fee schedule's tier bounds: inside a piece the fee does
/// not fall as the price rises (the tiers' rates, flat amounts, caps and the rounding are all
/// non-decreasing there), so cliffs, where a higher price can pay a lower fee or a much higher
/// one, sit only between pieces.
fn pieces(input: &FloorInput<'_>, lo: i64, hi: i64) -> Vec<(i64, i64)> {
    if lo > hi {
        return Vec::new();
    }
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
    let mut out = Vec::with_capacity(cuts.len().saturating_add(1));
    let mut start = lo;
    for end in cuts.iter().copied().chain(std::iter::once(hi)) {
        out.push((start, end));
        start = end.saturating_add(1);
    }
    out
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
    let mut s = Solver::new(input, window(input));
    // Pieces between the schedule's tier bounds: cliffs can only sit on a bound.
    for (start, end) in pieces(input, lo, hi) {
        if let Some(k) = search_piece(&mut s, start, end)? {
            let (fee, profit, ok) = s.check(k)?;
            s.evaluations = s.evaluations.saturating_add(1);
            if ok {
                return Ok(CostFloor {
                    price: s.price(k),
                    fee,
                    profit,
                    evaluations: s.evaluations,
                });
            }
        }
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
/// inside the piece, verified over the rounding window below it; a piece where profit could
/// fall (the fee's rate at least `1 − margin`) is searched by [`bound`].
fn search_piece(s: &mut Solver<'_, '_>, a: i64, b: i64) -> Result<Option<i64>, Error> {
    if a > b {
        return Ok(None);
    }
    let Some(w) = s.window else {
        return bound(s, a, b, false);
    };
    if !s.ok(b)? {
        // The top fails: only the rounding window below it can still hold a qualifying price.
        return scan(s, b.saturating_sub(w).max(a), b.saturating_sub(1), w);
    }
    let (mut lo, mut hi) = (a, b);
    while lo < hi {
        let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
        if s.ok(mid)? {
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

/// The first (or, with `last`, the last) qualifying price in `[a, b]`, a piece where the fee
/// does not fall as the price rises, by branch and bound.
///
/// A range `[x, y]` holds no qualifying price when `x`'s fee already fails at `y`: every price
/// in the range pays at least that fee, and with a fixed fee a higher price earns at least as
/// much profit and margin, so none does better than `y` would with `x`'s fee. Nor does it when
/// the fee's affine lower bound fails at both ends ([`Fast::affine_fails`]), which covers a fee
/// rising at the rate the allowance does. Such a range is skipped whole; any other is halved,
/// the half to search first taken first. The ranges kept are those where the allowance can
/// still catch up with the fee: a few per halving, so the cost is logarithmic in `b − a`. What
/// neither rule prunes is a fee and allowance that rise together and differ by less than one
/// minor unit (costs below a minor unit), or inputs beyond the integer check (more than 12
/// decimals), which are then searched range by range. The stack holds two ranges per
/// halving, at most 128.
fn bound(s: &mut Solver<'_, '_>, a: i64, b: i64, last: bool) -> Result<Option<i64>, Error> {
    if a > b {
        return Ok(None);
    }
    if !s.prunable() {
        // Not reachable through a band request (its margin is below 100 %).
        return if last {
            scan_down(s, a, b)
        } else {
            scan(s, a, b, i64::MAX)
        };
    }
    let mut stack = vec![(a, b)];
    while let Some((x, y)) = stack.pop() {
        if x > y {
            continue;
        }
        let fx = s.fee_at(x)?;
        if last {
            let fy = s.fee_at(y)?;
            if s.meets(y, fy)? {
                return Ok(Some(y));
            }
        } else if s.meets(x, fx)? {
            return Ok(Some(x));
        }
        if !s.meets(y, fx)? || (y.saturating_sub(x) > 8 && s.affine_fails(x, y)?) {
            continue;
        }
        let mid = x.saturating_add(y.saturating_sub(x) / 2);
        if last {
            // y fails: search [x, y − 1], the upper half first.
            stack.push((x, mid));
            stack.push((mid.saturating_add(1), y.saturating_sub(1)));
        } else {
            // x fails: search [x + 1, y], the lower half first.
            stack.push((mid.saturating_add(1), y));
            stack.push((x.saturating_add(1), mid));
        }
    }
    Ok(None)
}

/// The last qualifying price in `[a, b]`, scanning down.
fn scan_down(s: &mut Solver<'_, '_>, a: i64, b: i64) -> Result<Option<i64>, Error> {
    let mut k = b;
    while k >= a {
        if s.ok(k)? {
            return Ok(Some(k));
        }
        k = k.saturating_sub(1);
        if k == i64::MIN {
            break;
        }
    }
    Ok(None)
}

/// The first qualifying price in `[a, b]`, scanning at most `limit` prices.
fn scan(s: &mut Solver<'_, '_>, a: i64, b: i64, limit: i64) -> Result<Option<i64>, Error> {
    let mut k = a;
    while k <= b && k < a.saturating_add(limit) {
        if s.ok(k)? {
            return Ok(Some(k));
        }
        k = k.saturating_add(1);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::data::ScheduleSpec;

    fn schedule() -> FeeSchedule {
        let spec: ScheduleSpec = serde_json::from_value(serde_json::json!({
            "mode": "volume", "basis": "amount", "currency": "USD", "per_event_min": "0.30",
            "tiers": [{"up_to": "15.00", "rate": "5"}, {"up_to": "20.00", "rate": "10"},
                      {"up_to": null, "rate": "17.5", "flat_amount": "0.125"}]}))
        .unwrap();
        spec.compile("fees").unwrap()
    }

    #[test]
    fn the_integer_check_equals_the_decimal_check() {
        let fees = schedule();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for costs in ["0", "11.22", "13.4", "9.999999"] {
            for (profit, margin) in [(None, None), (Some("1.00"), None), (None, Some("12.5"))] {
                for with_fees in [true, false] {
                    let mut input = FloorInput::new(d(costs), d("0.00"), d("40.00"), 2);
                    input.min_profit = profit.map(d);
                    input.min_margin_percent = margin.map(d);
                    if with_fees {
                        input = input.with_fees(&fees);
                    }
                    let mut s = Solver::new(&input, None);
                    assert!(s.fast.is_some());
                    for k in 0..=4000 {
                        assert_eq!(s.ok(k).unwrap(), s.check(k).unwrap().2, "{costs} at {k}");
                    }
                }
            }
        }
        // Costs beyond the integer check's decimals fall back to Decimal.
        let input = FloorInput::new(d("1.0000000000001"), d("0.01"), d("40.00"), 2);
        assert!(Solver::new(&input, None).fast.is_none());
    }
}
