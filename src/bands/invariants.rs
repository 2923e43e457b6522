//! Step 10, invariants, checked on the output: `floor <= price <= ceiling`, a multiple of the
//! minor unit, and within the step limit unless the band forced the price, the cool-down held
//! it, or it did not change. A failed invariant is an error, never a price.

use rust_decimal::RoundingStrategy;

use super::engine::Decision;
use super::grid::{bad, round};
use super::limits::Band;
use super::request::BandRequest;
use super::step_limit::StepLimit;
use crate::error::Error;

/// Checks the final price.
///
/// # Errors
/// [`crate::Error::InvalidInput`] naming `price` when an invariant fails.
pub(super) fn check(
    req: &BandRequest,
    band: &Band<'_>,
    step: &StepLimit,
    d: &Decision,
    scale: u32,
) -> Result<(), Error> {
    let (price, floor, ceiling) = (d.price, band.floor, band.ceiling);
    let on_grid = round(price, scale, RoundingStrategy::ToZero) == price;
    let in_step = d.forced || d.binding == "cool_down" || (price >= step.down && price <= step.up);
    if !(floor <= price && price <= ceiling && on_grid && (in_step || price == req.current_price)) {
        return Err(bad(
            "price",
            format!(
                "invariant failed for {price}: band [{floor}, {ceiling}], step [{}, {}]",
                step.down, step.up
            ),
        ));
    }
    Ok(())
}
