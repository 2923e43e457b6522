//! Steps 7 and 8, cool-down and step limit: no change before `cool_down_minutes` have passed
//! since the last change, and at most `max_step_up_percent` up or `max_step_down_percent` down
//! from the current price (default `max_step_percent`, else
//! [`DEFAULT_MAX_STEP_PERCENT`](super::DEFAULT_MAX_STEP_PERCENT) = 5 %, named in the trace when
//! it binds) per change.

use chrono::TimeDelta;
use rust_decimal::{Decimal, RoundingStrategy};

use super::engine::Decision;
use super::grid::{amount, bad, ovf, pct, round};
use super::request::BandRequest;
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::error::Error;

/// The limits on a change from the current price.
#[derive(Debug, Clone, Copy)]
pub(super) struct StepLimit {
    /// Whether the cool-down still holds the current price.
    cooling: bool,
    /// The highest price one change can reach, on the grid.
    pub(super) up: Decimal,
    /// The lowest price one change can reach, on the grid.
    pub(super) down: Decimal,
    up_pct: Decimal,
    down_pct: Decimal,
    /// Whether the up or down limit is the default, no percent given.
    up_default: bool,
    down_default: bool,
}

/// The cool-down and step limit of `req` at `scale` decimals.
///
/// # Errors
/// A cool-down with `last_change_at` but no `now`; [`crate::Error::Overflow`].
pub(super) fn step_limit(req: &BandRequest, scale: u32) -> Result<StepLimit, Error> {
    let current = req.current_price;
    let cooling = match (req.last_change_at, req.now) {
        (Some(last), Some(now)) if req.cool_down_minutes > 0 => last
            .checked_add_signed(TimeDelta::minutes(i64::from(req.cool_down_minutes)))
            .is_some_and(|until| now < until),
        (Some(_), None) if req.cool_down_minutes > 0 => {
            return Err(bad("now", "a cool-down needs now"));
        }
        _ => false,
    };
    // An unattended repricer moves at most 5 % per change unless told otherwise: a wrong
    // competitor price (a typo, a currency mix-up) then costs one small step, not the margin.
    let default_step = req
        .max_step_percent
        .unwrap_or(Decimal::from(super::DEFAULT_MAX_STEP_PERCENT));
    let up_default = req.max_step_up_percent.is_none() && req.max_step_percent.is_none();
    let down_default = req.max_step_down_percent.is_none() && req.max_step_percent.is_none();
    let up_pct = req.max_step_up_percent.unwrap_or(default_step);
    let down_pct = req.max_step_down_percent.unwrap_or(default_step);
    let up = round(
        current.checked_add(pct(current, up_pct)?).ok_or_else(ovf)?,
        scale,
        RoundingStrategy::ToNegativeInfinity,
    );
    let down = round(
        current
            .checked_sub(pct(current, down_pct)?)
            .ok_or_else(ovf)?,
        scale,
        RoundingStrategy::ToPositiveInfinity,
    );
    Ok(StepLimit {
        cooling,
        up,
        down,
        up_pct,
        down_pct,
        up_default,
        down_default,
    })
}

impl StepLimit {
    /// Holds the current price during the cool-down, else limits the step.
    pub(super) fn apply<'r>(&self, req: &'r BandRequest, d: &mut Decision, trace: &mut Trace<'r>) {
        let current = req.current_price;
        if self.cooling && d.price != current {
            trace.push(
                "cool_down",
                amount(d.price),
                amount(current),
                Note::two(
                    "{} minutes since the last change at {}",
                    Arg::Count(usize::try_from(req.cool_down_minutes).unwrap_or(usize::MAX)),
                    Arg::Time(req.last_change_at),
                ),
                "cool_down",
            );
            d.price = current;
            d.binding = "cool_down";
        } else if d.price > self.up {
            trace.push(
                "step_limit",
                amount(d.price),
                amount(self.up),
                if self.up_default {
                    Note::one(
                        "at most +{} % per change (the default: no max_step_percent or max_step_up_percent given)",
                        Arg::Amount(self.up_pct),
                    )
                } else {
                    Note::one("at most +{} % per change", Arg::Amount(self.up_pct))
                },
                "step_limit",
            );
            d.price = self.up;
            d.binding = "step_limit";
        } else if d.price < self.down {
            trace.push(
                "step_limit",
                amount(d.price),
                amount(self.down),
                if self.down_default {
                    Note::one(
                        "at most −{} % per change (the default: no max_step_percent or max_step_down_percent given)",
                        Arg::Amount(self.down_pct),
                    )
                } else {
                    Note::one("at most −{} % per change", Arg::Amount(self.down_pct))
                },
                "step_limit",
            );
            d.price = self.down;
            d.binding = "step_limit";
        }
    }
}
