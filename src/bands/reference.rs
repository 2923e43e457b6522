//! Step 3, reference: the competitor price the strategy starts from (lowest, second lowest,
//! position N, average of the N lowest, median or buy box), among the offers kept.

use rust_decimal::{Decimal, RoundingStrategy};

use super::grid::{amount, bad, ovf, round};
use super::normalise::Landed;
use super::request::{BandRequest, Reference, Strategy};
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::error::Error;

/// The reference landed price of `offers` (sorted by landed price); `None` when no offer is
/// left to take it from.
///
/// # Errors
/// A `position` or `average_lowest` strategy without its position or count.
pub(super) fn take(
    req: &BandRequest,
    offers: &[Landed<'_>],
    scale: u32,
) -> Result<Option<Decimal>, Error> {
    let s = &req.strategy;
    let at = |n: usize| offers.get(n).map(|o| o.price);
    Ok(match s.reference {
        Reference::Lowest => at(0),
        Reference::SecondLowest => at(1),
        Reference::Position => {
            let p = s
                .position
                .filter(|p| *p >= 1)
                .ok_or_else(|| bad("strategy.position", "give the position, 1 for the lowest"))?;
            at(p.saturating_sub(1))
        }
        Reference::AverageLowest => {
            let n = s
                .count
                .filter(|c| *c >= 1)
                .ok_or_else(|| bad("strategy.count", "give how many lowest offers to average"))?;
            let take: Vec<Decimal> = offers.iter().take(n).map(|o| o.price).collect();
            if take.is_empty() {
                None
            } else {
                let sum = take
                    .iter()
                    .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b))
                    .ok_or_else(ovf)?;
                Some(round(
                    sum.checked_div(Decimal::from(take.len())).ok_or_else(ovf)?,
                    scale,
                    RoundingStrategy::MidpointAwayFromZero,
                ))
            }
        }
        Reference::Median => median(offers, scale),
        Reference::BuyBox => offers.iter().find(|o| o.offer.buy_box).map(|o| o.price),
    })
}

/// The trace's input of the reference step: how many offers were kept.
pub(super) fn kept<'r>(req: &BandRequest, offers: &[Landed<'_>]) -> Note<'r> {
    Note::two(
        "{} offers kept of {}",
        Arg::Count(offers.len()),
        Arg::Count(req.competitors.len()),
    )
}

/// Records the reference `r` taken from the `kept` offers.
pub(super) fn trace<'r>(req: &BandRequest, kept: Note<'r>, r: Decimal, trace: &mut Trace<'r>) {
    trace.push(
        "reference",
        kept,
        amount(r),
        reference_rule(&req.strategy),
        "reference",
    );
}

/// The median landed price of offers sorted by price.
#[inline]
pub(super) fn median(sorted: &[Landed<'_>], scale: u32) -> Option<Decimal> {
    let n = sorted.len();
    let mid = n / 2;
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        sorted.get(mid).map(|o| o.price)
    } else {
        let (a, b) = (
            sorted.get(mid.checked_sub(1)?)?.price,
            sorted.get(mid)?.price,
        );
        Some(round(
            a.checked_add(b)?.checked_div(Decimal::TWO)?,
            scale,
            RoundingStrategy::MidpointAwayFromZero,
        ))
    }
}

/// The rule of the reference step, as the trace states it.
fn reference_rule(s: &Strategy) -> Note<'static> {
    let count = |n: Option<usize>| Arg::Count(n.unwrap_or(0));
    match s.reference {
        Reference::Lowest => Note::text("the lowest landed offer"),
        Reference::SecondLowest => Note::text("the second lowest landed offer"),
        Reference::Position => Note::one("the landed offer at position {}", count(s.position)),
        Reference::AverageLowest => Note::one(
            "the average of the {} lowest landed offers, to the minor unit",
            count(s.count),
        ),
        Reference::Median => Note::text("the median landed offer"),
        Reference::BuyBox => Note::text("the buy-box offer"),
    }
}
