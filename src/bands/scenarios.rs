//! Step 6, scenarios: the policies that replace the strategy's target when there is no
//! competitor left (`no_competitors`: hold, ceiling or floor) or the own offer is already the
//! lowest (`when_lowest`: hold, or rise to the strategy's target against the next offer).

use rust_decimal::Decimal;

use super::engine::Decision;
use super::grid::{amount, ovf};
use super::limits::Band;
use super::normalise::Landed;
use super::request::{Action, BandRequest, NoCompetitors, Strategy, WhenLowest};
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::error::Error;

/// The price with no competitor left, recorded as the reference step (`kept`: its input).
pub(super) fn no_competitors<'r>(
    req: &BandRequest,
    band: &Band<'_>,
    kept: Note<'r>,
    trace: &mut Trace<'r>,
) -> Decision {
    let (p, why) = match req.no_competitors {
        NoCompetitors::Hold => (req.current_price, "no_competitors: hold"),
        NoCompetitors::Ceiling => (band.ceiling, "no_competitors: ceiling"),
        NoCompetitors::Floor => (band.floor, "no_competitors: floor"),
    };
    trace.push(
        "reference",
        kept,
        amount(p),
        Note::text(why),
        "no_competitors",
    );
    Decision::new(p, "no_competitors", None)
}

/// When the own landed price `own_landed` is under every offer kept: the `when_lowest`
/// policy's price (recorded as the target step); `None` otherwise, when the strategy aims.
///
/// `raise_to_next` applies the strategy to the next offer up (the lowest kept offer), as
/// Amazon's automated pricing does: a `beat` strategy stays its amount or percent below it, a
/// `match` meets it, an `above` stays above it.
///
/// # Errors
/// [`crate::Error::Overflow`].
pub(super) fn already_lowest(
    req: &BandRequest,
    offers: &[Landed<'_>],
    r: Decimal,
    own_landed: Decimal,
    scale: u32,
    trace: &mut Trace<'_>,
) -> Result<Option<Decision>, Error> {
    let lowest = offers.first().map(|o| o.price);
    if lowest.is_none_or(|l| own_landed >= l) {
        return Ok(None);
    }
    if req.when_lowest == WhenLowest::Hold {
        trace.push(
            "target",
            Note::two(
                "own landed {} under the lowest {}",
                Arg::Amount(own_landed),
                Arg::Maybe(lowest),
            ),
            amount(req.current_price),
            Note::text("when_lowest: hold"),
            "already_lowest",
        );
        return Ok(Some(Decision::new(
            req.current_price,
            "no_change",
            Some(req.current_price),
        )));
    }
    let next = lowest.unwrap_or(r);
    let t = super::target::target(req, next, scale)?
        .checked_sub(req.own_shipping)
        .ok_or_else(ovf)?;
    trace.push(
        "target",
        amount(next),
        amount(t),
        raise_rule(&req.strategy),
        "already_lowest",
    );
    Ok(Some(Decision::new(t, "strategy", Some(t))))
}

/// The rule of `raise_to_next`, as the trace states it.
fn raise_rule(s: &Strategy) -> Note<'static> {
    match (s.action, s.amount, s.percent) {
        (Action::Beat, Some(a), _) => Note::one(
            "when_lowest: raise_to_next, the strategy on the next offer: beat it by {}, minus own shipping",
            Arg::Amount(a),
        ),
        (Action::Beat, None, p) => Note::one(
            "when_lowest: raise_to_next, the strategy on the next offer: beat it by {} %, rounded down, minus own shipping",
            Arg::Maybe(p),
        ),
        (Action::Above, Some(a), _) => Note::one(
            "when_lowest: raise_to_next, the strategy on the next offer: stay above it by {}, minus own shipping",
            Arg::Amount(a),
        ),
        (Action::Above, None, p) => Note::one(
            "when_lowest: raise_to_next, the strategy on the next offer: stay above it by {} %, rounded up, minus own shipping",
            Arg::Maybe(p),
        ),
        (Action::Match, _, _) => Note::text(
            "when_lowest: raise_to_next, the strategy on the next offer: match it, minus own shipping",
        ),
    }
}
