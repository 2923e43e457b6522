//! The search over the forward function: an integer `x` whose total is at most the target
//! while `x + 1`'s is above it (the largest such `x` when the total never falls as `x` rises).
//!
//! Invariants:
//! - `f` is evaluated only at `0 ≤ x ≤ MAX_X`, at most [`MAX_EVALUATIONS`] times;
//! - throughout, `f(lo) ≤ target < f(hi)` and `lo < hi`; each step evaluates a point strictly
//!   between them and replaces one end, so the bracket shrinks every step and ends with
//!   `hi = lo + 1`;
//! - the candidate is the secant's through the two latest points (the forward function is
//!   close to affine between jumps, so it lands within a unit or two in two or three steps),
//!   but after two steps that have not halved the bracket the next is a bisection: the worst
//!   case is about three times the evaluations of bisection, and a jump (threshold, rounding
//!   cliff) cannot stall it;
//! - when `f` does not fall as `x` rises, `lo` is the largest `x` with `f(x) ≤ target` and
//!   `hi = lo + 1` the smallest above it; when it falls somewhere, `lo` and `hi` are still a
//!   crossing of the target, one of several.

use rust_decimal::Decimal;

use crate::error::Error;

/// The most evaluations one search spends (a bisection of the whole range needs about 50; the
/// safeguarded secant at most three times that).
pub const MAX_EVALUATIONS: u32 = 200;

/// The largest `x` searched: 10^15 minor units (10^13 units of a two-decimal currency).
pub(crate) const MAX_X: i64 = 1_000_000_000_000_000;

/// One evaluated point: `x` and the total there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Point {
    pub(crate) x: i64,
    pub(crate) total: Decimal,
}

/// The result: the largest point at most the target (`None` when even `x = 0` is above it)
/// and the smallest above it (`None` when no `x` up to [`MAX_X`] reaches the target).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bracket {
    pub(crate) below: Option<Point>,
    pub(crate) above: Option<Point>,
    pub(crate) evaluations: u32,
}

/// Counts the evaluations and refuses the one past the limit. A quote that fails at `x > 0`
/// counts as above every target (the search then looks below it) and its error is kept: it
/// is returned if that price ends up as the bracket's upper end (the answer would sit next
/// to a price that cannot be quoted, e.g. one above a de minimis where the tariff has no row).
struct Counted<F> {
    f: F,
    evaluations: u32,
    failed: Vec<(i64, Error)>,
}

impl<F: FnMut(i64) -> Result<Decimal, Error>> Counted<F> {
    const fn new(f: F) -> Self {
        Self {
            f,
            evaluations: 0,
            failed: Vec::new(),
        }
    }

    fn at(&mut self, x: i64) -> Result<Point, Error> {
        if self.evaluations >= MAX_EVALUATIONS {
            return Err(Error::input(
                "target_total",
                format!(
                    "the search for the unit price stopped after {MAX_EVALUATIONS} quotes without closing on the target; please report the request"
                ),
            ));
        }
        self.evaluations = self.evaluations.saturating_add(1);
        let total = match (self.f)(x) {
            Ok(t) => t,
            Err(e) if x > 0 => {
                self.failed.push((x, e));
                Decimal::MAX
            }
            Err(e) => return Err(e),
        };
        Ok(Point { x, total })
    }

    /// The bracket, or the error of its upper end when that price could not be quoted.
    fn finish(self, below: Option<Point>, above: Option<Point>) -> Result<Bracket, Error> {
        if let Some(a) = above
            && let Some((_, e)) = self.failed.into_iter().find(|(x, _)| *x == a.x)
        {
            return Err(e);
        }
        Ok(Bracket {
            below,
            above,
            evaluations: self.evaluations,
        })
    }
}

/// Searches `f` for `target`; `guess` gives the first point tried after `x = 0` from the
/// total there.
pub(crate) fn largest_at_most<F>(
    f: F,
    target: Decimal,
    guess: impl FnOnce(Decimal) -> i64,
) -> Result<Bracket, Error>
where
    F: FnMut(i64) -> Result<Decimal, Error>,
{
    let mut f = Counted::new(f);
    let zero = f.at(0)?;
    if zero.total > target {
        return f.finish(None, Some(zero));
    }
    let (lo, hi) = match expand(&mut f, zero, target, guess(zero.total).clamp(1, MAX_X))? {
        (lo, Some(hi)) => (lo, hi),
        (lo, None) => return f.finish(Some(lo), None),
    };
    let (lo, hi) = narrow(&mut f, lo, hi, target)?;
    f.finish(Some(lo), Some(hi))
}

/// [`largest_at_most`] from a point the caller has evaluated already (a forward quote near
/// the target, as the market matrix has): the first step follows the line through
/// `(0, fixed)` and it, then the search goes on as from zero. `known` is not counted; `fixed`
/// is in the totals' currency.
pub(crate) fn largest_at_most_near<F>(
    f: F,
    target: Decimal,
    known: Point,
    fixed: Decimal,
) -> Result<Bracket, Error>
where
    F: FnMut(i64) -> Result<Decimal, Error>,
{
    let mut f = Counted::new(f);
    // The step to the target along the line through `(0, fixed)` and `known`, where `fixed`
    // is the part of the total that does not grow with the price (shipping): close to the
    // local slope, a little steeper when charges on the fixed part are left in, so the step
    // falls just short and the secant from there is local.
    let step = target
        .checked_sub(known.total)
        .and_then(|d| d.checked_mul(Decimal::from(known.x)))
        .and_then(|d| d.checked_div(known.total.checked_sub(fixed).filter(|r| !r.is_zero())?))
        .and_then(|d| i64::try_from(d.trunc()).ok())
        .unwrap_or(0);
    let (lo, hi) = if known.total <= target {
        let guess = known.x.saturating_add(step.max(1)).min(MAX_X);
        match expand(&mut f, known, target, guess)? {
            (lo, Some(hi)) => (lo, hi),
            (lo, None) => return f.finish(Some(lo), None),
        }
    } else {
        match descend(&mut f, known, target, step.min(-1))? {
            (Some(lo), hi) => (lo, hi),
            (None, hi) => return f.finish(None, Some(hi)),
        }
    };
    let (lo, hi) = narrow(&mut f, lo, hi, target)?;
    f.finish(Some(lo), Some(hi))
}

/// From `hi` (above the target), down to the first point at most the target: `step` (< 0)
/// first, then doubling; `None` with the point at zero when even that is above.
fn descend<F>(
    f: &mut Counted<F>,
    mut hi: Point,
    target: Decimal,
    step: i64,
) -> Result<(Option<Point>, Point), Error>
where
    F: FnMut(i64) -> Result<Decimal, Error>,
{
    let mut step = step;
    loop {
        let x = hi.x.saturating_add(step).max(0);
        let p = f.at(x)?;
        if p.total <= target {
            return Ok((Some(p), hi));
        }
        hi = p;
        if x == 0 {
            return Ok((None, hi));
        }
        step = step.saturating_mul(2);
    }
}

/// From `lo` (at most the target), the first point found above the target: the guess, then
/// the secant's point one unit (and a sixty-fourth) past the target, twice (the total is close
/// to affine, so this usually lands just above it); after that, extrapolations that
/// overshoot by a quarter and at least double the step, so a flat or slowing total is crossed
/// in a bounded number of steps.
fn expand<F>(
    f: &mut Counted<F>,
    mut lo: Point,
    target: Decimal,
    guess: i64,
) -> Result<(Point, Option<Point>), Error>
where
    F: FnMut(i64) -> Result<Decimal, Error>,
{
    let mut next = guess;
    let mut close_tries = 2_u32;
    loop {
        let p = f.at(next)?;
        if p.total > target {
            return Ok((lo, Some(p)));
        }
        let (prev, step) = (lo, p.x.saturating_sub(lo.x));
        lo = p;
        if p.x >= MAX_X {
            return Ok((lo, None));
        }
        let secant = secant_x(prev, p, target).map(|x| x.saturating_sub(p.x));
        let reach = match secant {
            Some(d) if close_tries > 0 => {
                close_tries = close_tries.saturating_sub(1);
                d.saturating_add(1).saturating_add(d / 64)
            }
            d => {
                let d = d.unwrap_or(0);
                d.saturating_add(d / 4).max(step.saturating_mul(2))
            }
        };
        next = p.x.saturating_add(reach.max(1)).min(MAX_X);
    }
}

/// Shrinks `lo < hi` (`f(lo) ≤ target < f(hi)`) to `hi = lo + 1`.
fn narrow<F>(
    f: &mut Counted<F>,
    mut lo: Point,
    mut hi: Point,
    target: Decimal,
) -> Result<(Point, Point), Error>
where
    F: FnMut(i64) -> Result<Decimal, Error>,
{
    // The secant goes through the two latest points (a local slope, not one across a jump
    // between the bracket's ends); after two steps that neither halved the bracket nor halved
    // the distance to the target, bisect.
    let (mut last, mut before) = (hi, lo);
    let gap = |p: Point| p.total.saturating_sub(target).abs();
    let mut halved_at = hi.x.saturating_sub(lo.x);
    let mut closest = gap(lo).min(gap(hi));
    let mut stalls = 0_u32;
    while hi.x.saturating_sub(lo.x) > 1 {
        let width = hi.x.saturating_sub(lo.x);
        let mid = lo.x.saturating_add(width / 2);
        let x = match secant_x(before, last, target) {
            _ if stalls >= 2 => mid,
            Some(x) => x.clamp(lo.x.saturating_add(1), hi.x.saturating_sub(1)),
            None => mid,
        };
        let p = f.at(x)?;
        (before, last) = (last, p);
        if p.total > target {
            hi = p;
        } else {
            lo = p;
        }
        let now = hi.x.saturating_sub(lo.x);
        if now.saturating_mul(2) <= halved_at {
            (halved_at, stalls) = (now, 0);
        } else if gap(p).saturating_mul(Decimal::TWO) <= closest && closest > Decimal::ZERO {
            stalls = 0;
        } else {
            stalls = stalls.saturating_add(1);
        }
        if stalls > 2 {
            // A bisection of an odd width may leave just over half: count it as one.
            (halved_at, stalls) = (now, 0);
        }
        closest = closest.min(gap(p));
    }
    Ok((lo, hi))
}

/// Where the line through `a` and `b` (in either order) reaches `target`, rounded down; `None`
/// when it does not rise or a number does not fit.
fn secant_x(a: Point, b: Point, target: Decimal) -> Option<i64> {
    let rise = b.total.checked_sub(a.total)?;
    let run = Decimal::from(b.x.checked_sub(a.x)?);
    if rise.is_zero() || rise.is_sign_negative() != run.is_sign_negative() {
        return None;
    }
    let dx = target
        .checked_sub(a.total)?
        .checked_mul(run)?
        .checked_div(rise)?
        .floor();
    i64::try_from(dx).ok().and_then(|d| a.x.checked_add(d))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]

    use super::*;

    /// A step function: `3x/2` rounded down, plus 10 from 1000 on (a cliff).
    fn cliff(x: i64) -> Result<Decimal, Error> {
        Ok(Decimal::from(x * 3 / 2 + if x >= 1000 { 10 } else { 0 }))
    }

    #[test]
    fn finds_the_largest_x_at_most_the_target() {
        for target in [0, 1, 2, 3, 500, 1498, 1499, 1500, 1509, 1510, 1511, 99_999] {
            let b = largest_at_most(cliff, Decimal::from(target), |_| 7).unwrap();
            let (lo, hi) = (b.below.unwrap(), b.above.unwrap());
            assert!(lo.total <= Decimal::from(target) && hi.total > Decimal::from(target));
            assert_eq!(hi.x, lo.x + 1, "{target}");
            assert!(b.evaluations < 40, "{target}: {}", b.evaluations);
        }
    }

    #[test]
    fn from_a_known_point_it_finds_the_same_answer() {
        for target in [0, 1, 500, 1498, 1499, 1500, 1509, 1510, 1511, 99_999] {
            let t = Decimal::from(target);
            let from_zero = largest_at_most(cliff, t, |_| 7).unwrap();
            for x in [1, 10, 999, 1000, 5000] {
                let known = Point {
                    x,
                    total: cliff(x).unwrap(),
                };
                let near = largest_at_most_near(cliff, t, known, Decimal::ZERO).unwrap();
                assert_eq!(
                    (near.below, near.above),
                    (from_zero.below, from_zero.above),
                    "{target} {x}"
                );
            }
        }
    }

    #[test]
    fn a_target_below_f_of_zero_has_only_a_point_above() {
        let b = largest_at_most(|x| Ok(Decimal::from(x + 5)), Decimal::from(4), |_| 1).unwrap();
        assert_eq!(b.below, None);
        assert_eq!(b.above.map(|p| p.x), Some(0));
    }

    #[test]
    fn a_price_that_cannot_be_quoted_is_above_every_target() {
        // Quotes fail from 100 on: a target reached below is found; one that is not gets the
        // error of the first failing price.
        let f = |x: i64| {
            if x >= 100 {
                Err(Error::input("lines[0].hs_code", "no tariff row"))
            } else {
                Ok(Decimal::from(x * 2))
            }
        };
        let b = largest_at_most(f, Decimal::from(50), |_| 1000).unwrap();
        assert_eq!(b.below.map(|p| p.x), Some(25));
        let e = largest_at_most(f, Decimal::from(500), |_| 1000).unwrap_err();
        assert!(e.to_string().contains("no tariff row"), "{e}");
    }

    #[test]
    fn a_flat_function_reaches_the_end_of_the_range() {
        let b = largest_at_most(|_| Ok(Decimal::ONE), Decimal::TEN, |_| 1).unwrap();
        assert_eq!(b.below.map(|p| p.x), Some(MAX_X));
        assert_eq!(b.above, None);
    }
}
