//! Step 4, target: match, beat or stay above the reference by an amount or a percent, on landed
//! prices, minus own shipping; beating rounds down and staying above rounds up.

use rust_decimal::{Decimal, RoundingStrategy};

use super::engine::Decision;
use super::grid::{amount, bad, ovf, pct, round};
use super::request::{Action, BandRequest, Strategy};
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::error::Error;

/// The strategy's item price for the reference landed price `r`.
///
/// # Errors
/// A beat or above strategy without exactly one of amount and percent.
pub(super) fn aim(
    req: &BandRequest,
    r: Decimal,
    scale: u32,
    trace: &mut Trace<'_>,
) -> Result<Decision, Error> {
    let landed = target(req, r, scale)?;
    let t = landed.checked_sub(req.own_shipping).ok_or_else(ovf)?;
    trace.push(
        "target",
        amount(r),
        amount(t),
        strategy_rule(&req.strategy),
        "strategy",
    );
    Ok(Decision::new(t, "strategy", Some(t)))
}

/// The target landed price for the reference `r`: the strategy's action and increment
/// (amount, or percent of `r`) applied to `r`.
pub(super) fn target(req: &BandRequest, r: Decimal, scale: u32) -> Result<Decimal, Error> {
    let s = &req.strategy;
    let delta = match (s.amount, s.percent) {
        (Some(a), None) => a,
        (None, Some(p)) => pct(r, p)?,
        (None, None) if s.action == Action::Match => Decimal::ZERO,
        _ => {
            return Err(bad(
                "strategy.amount",
                "give exactly one of amount and percent (match needs neither)",
            ));
        }
    };
    Ok(match s.action {
        Action::Match => r,
        // Beating rounds down and staying above rounds up, so the result keeps its promise.
        Action::Beat => round(
            r.checked_sub(delta).ok_or_else(ovf)?,
            scale,
            RoundingStrategy::ToNegativeInfinity,
        ),
        Action::Above => round(
            r.checked_add(delta).ok_or_else(ovf)?,
            scale,
            RoundingStrategy::ToPositiveInfinity,
        ),
    })
}

/// The rule of the target step, as the trace states it.
fn strategy_rule(s: &Strategy) -> Note<'static> {
    let by = match (s.action, s.amount, s.percent) {
        (Action::Match, _, _) => return Note::text("match the reference, minus own shipping"),
        (_, Some(a), _) => Arg::Amount(a),
        (_, None, Some(p)) => {
            return match s.action {
                Action::Beat => Note::one(
                    "beat by {} %, rounded down, minus own shipping",
                    Arg::Amount(p),
                ),
                _ => Note::one(
                    "stay above by {} %, rounded up, minus own shipping",
                    Arg::Amount(p),
                ),
            };
        }
        (_, None, None) => Arg::None,
    };
    match s.action {
        Action::Beat => Note::one("beat by {}, minus own shipping", by),
        _ => Note::one("stay above by {}, minus own shipping", by),
    }
}
