//! Step 9, ending: the price on the currency's grid, then the nearest allowed ending (e.g.
//! `.99`) inside the band and the step limit (the band alone when the band forced the price).
//! A price held (cool-down, or no move asked for) keeps its digits: an ending never moves a
//! price the strategy did not move.

use rust_decimal::{Decimal, RoundingStrategy};

use super::engine::Decision;
use super::grid::{amount, round};
use super::request::BandRequest;
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::ending::{EndingDirection, IncrementEnding, PriceEnding};
use crate::error::Error;

/// Rounds the price to the grid and gives it the request's ending inside `[lo, hi]`.
///
/// # Errors
/// An ending rule that does not compile for the currency.
pub(super) fn ending<'r>(
    req: &'r BandRequest,
    d: &mut Decision,
    (lo, hi): (Decimal, Decimal),
    scale: u32,
    trace: &mut Trace<'r>,
) -> Result<(), Error> {
    d.price = round(d.price, scale, RoundingStrategy::MidpointAwayFromZero);
    let Some(e) = &req.ending else {
        return Ok(());
    };
    let (to, reason) = if d.binding == "cool_down" || d.price == req.current_price {
        (d.price, "held")
    } else {
        match ending_in(e, d.price, lo, hi, scale)? {
            Some(p) => (p, "ending"),
            None => (d.price, "no_ending_in_band"),
        }
    };
    // A directed ending that moved the price the other way: its own result was outside the
    // limits, and the nearest allowed ending inside them was taken. Say so, with the limits.
    let against = match e {
        PriceEnding::Increment(i) => match i.direction {
            EndingDirection::Down => to > d.price,
            EndingDirection::Up => to < d.price,
            EndingDirection::Nearest => false,
        },
        PriceEnding::Ranges { .. } => false,
    };
    let rule = if against {
        Note::three(
            "{}: its own result is outside the limits [{}, {}], so the nearest allowed ending inside them, against the rule's direction",
            Arg::Ending(e),
            Arg::Amount(lo),
            Arg::Amount(hi),
        )
    } else {
        Note::one("{}", Arg::Ending(e))
    };
    let reason = if against {
        "ending_against_direction"
    } else {
        reason
    };
    trace.push("ending", amount(d.price), amount(to), rule, reason);
    d.price = to;
    Ok(())
}

/// The ending of `price` inside `[lo, hi]`: the rule as written when its result is inside,
/// else the nearest allowed ending of an increment rule (either direction) inside.
fn ending_in(
    e: &PriceEnding,
    price: Decimal,
    lo: Decimal,
    hi: Decimal,
    scale: u32,
) -> Result<Option<Decimal>, Error> {
    // The rule as written wins when its price is inside the band.
    if let Ok(p) = e.compile(scale, "ending")?.apply(price)
        && p >= lo
        && p <= hi
    {
        return Ok(Some(p));
    }
    let mut candidates = Vec::new();
    match e {
        PriceEnding::Increment(i) => {
            for d in [
                EndingDirection::Down,
                EndingDirection::Up,
                EndingDirection::Nearest,
            ] {
                let rule = PriceEnding::Increment(IncrementEnding {
                    direction: d,
                    ..i.clone()
                });
                if let Ok(p) = rule.compile(scale, "ending")?.apply(price) {
                    candidates.push(p);
                }
            }
        }
        PriceEnding::Ranges { .. } => {
            if let Ok(p) = e.compile(scale, "ending")?.apply(price) {
                candidates.push(p);
            }
        }
    }
    Ok(candidates
        .into_iter()
        .filter(|p| *p >= lo && *p <= hi)
        .min_by_key(|p| (p.checked_sub(price).map(|d| d.abs()), *p)))
}
