//! Step 6, scenarios: the policies that replace the strategy's target when there is no
//! competitor left (`no_competitors`: hold, ceiling or floor) or the own offer is already the
//! lowest (`when_lowest`: hold, or rise to one minor unit under the next offer).

use rust_decimal::Decimal;

use super::engine::Decision;
use super::grid::{amount, ovf};
use super::limits::Band;
use super::normalise::Landed;
use super::request::{BandRequest, NoCompetitors, WhenLowest};
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
/// policy's price (recorded as the target step; `unit`: the minor unit); `None` otherwise,
/// when the strategy aims.
///
/// # Errors
/// [`crate::Error::Overflow`].
pub(super) fn already_lowest(
    req: &BandRequest,
    offers: &[Landed<'_>],
    r: Decimal,
    own_landed: Decimal,
    unit: Decimal,
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
    let t = next
        .checked_sub(unit)
        .and_then(|v| v.checked_sub(req.own_shipping))
        .ok_or_else(ovf)?;
    trace.push(
        "target",
        amount(next),
        amount(t),
        Note::text(
            "when_lowest: raise_to_next, one minor unit under the next offer, minus own shipping",
        ),
        "already_lowest",
    );
    Ok(Some(Decision::new(t, "strategy", Some(t))))
}
