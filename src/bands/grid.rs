//! Helpers every step shares: the currency's minor-unit grid, percentages and the errors a step
//! raises.

use rust_decimal::{Decimal, RoundingStrategy};

use super::trace::TraceNote as Note;
use crate::error::Error;

/// An input error naming `field`.
pub(super) fn bad(field: &str, reason: impl Into<String>) -> Error {
    Error::input(field, reason)
}

/// The overflow error of every step.
pub(super) fn ovf() -> Error {
    Error::overflow("price band")
}

/// `v` rounded to `scale` decimals with strategy `s`, shown with exactly `scale` decimals.
#[inline]
pub(super) fn round(v: Decimal, scale: u32, s: RoundingStrategy) -> Decimal {
    let mut r = v.round_dp_with_strategy(scale, s);
    r.rescale(scale);
    r
}

/// `v` on the currency's grid, half away from zero (rounding only when it has more decimals).
#[inline]
pub(super) fn to_grid(v: Decimal, scale: u32) -> Decimal {
    let mut r = if v.scale() > scale {
        v.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
    } else {
        v
    };
    r.rescale(scale);
    r
}

/// `p` percent of `v`, unrounded.
#[inline]
pub(super) fn pct(v: Decimal, p: Decimal) -> Result<Decimal, Error> {
    v.checked_mul(p)
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(ovf)
}

/// A trace text holding one amount.
#[inline]
pub(super) const fn amount<'r>(v: Decimal) -> Note<'r> {
    Note::amount(v)
}
