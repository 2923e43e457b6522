//! After the ending, the minimums: a fee cliff can leave prices above the cost floor that do
//! not meet the minimum profit and margin. Such a price is never returned; the nearest
//! qualifying price is taken, below first, inside the limits (the band alone when the limits
//! hold none).

use rust_decimal::Decimal;

use super::engine::Decision;
use super::floor::{nearest_qualifying, qualifies};
use super::grid::{amount, bad};
use super::limits::Band;
use super::request::BandRequest;
use super::trace::{Trace, TraceNote as Note};
use crate::error::Error;

/// Moves a price in a fee cliff's dead zone to the nearest qualifying price inside `[lo, hi]`
/// (else inside the band, which then forces it).
///
/// # Errors
/// No price in the band meets the minimums; fee errors.
pub(super) fn out_of_dead_zone(
    req: &BandRequest,
    band: &Band<'_>,
    d: &mut Decision,
    (lo, hi): (Decimal, Decimal),
    trace: &mut Trace<'_>,
) -> Result<(), Error> {
    let checks = req.min_profit.is_some() || req.min_margin_percent.is_some();
    if !checks || qualifies(&band.input, d.price)? {
        return Ok(());
    }
    let found = match nearest_qualifying(&band.input, d.price, lo, hi)? {
        Some(p) => Some(p),
        None => nearest_qualifying(&band.input, d.price, band.floor, band.ceiling)?,
    };
    let p = found.ok_or_else(|| {
        bad(
            "max_price",
            format!(
                "no price in [{}, {}] meets the minimum profit and margin",
                band.floor, band.ceiling
            ),
        )
    })?;
    trace.push(
        "profit",
        amount(d.price),
        amount(p),
        Note::text(
            "the price is inside a fee cliff's dead zone: the nearest price meeting the minimums",
        ),
        "floor",
    );
    if p < lo || p > hi {
        // Only the band could hold a profitable price: like the floor, it wins over the
        // step limit.
        d.binding = "floor";
        d.forced = true;
    }
    d.price = p;
    Ok(())
}
