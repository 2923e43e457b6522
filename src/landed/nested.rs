//! Nested truncations: a chaining rounding computed from the line rounding a declaration
//! already did, rather than from the exact amount again (Japan rounds every line's duty and
//! tax twice: to the yen for the declaration's total, to ¥100 for the later bases).
//!
//! Invariant (why the result is identical): for truncation toward zero to multiples of `a`,
//! `T_a(x) = a × trunc(x / a)`, and for `b = k × a` with a whole `k ≥ 1`,
//! `T_b(T_a(x)) = b × trunc(trunc(x / a) / k) = b × trunc(x / (a × k)) = T_b(x)` (nested
//! integer division: `trunc(trunc(y) / k) = trunc(y / k)` for a whole `k`). The engine
//! computes both roundings exactly on integers ([`Lane::round_exact`]'s integer path) when
//! the lane has at most 9 decimals and the increments are at most `10^10` lane units, which
//! [`chain_from_line`] checks; and `|T_b(x)| ≤ |T_a(x)|`, so a chained amount fits 64 bits
//! whenever the line amount did. Any other rule (another mode, increments that do not
//! nest, a finer lane) rounds the exact amount as before.

use rust_decimal::Decimal;

use super::lane::Lane;
use crate::data::RoundingRule;
use crate::money::{POW10, RoundingMode};

/// The largest increment, in lane units, for which both roundings stay on the exact integer
/// path (`increment × 10^28` within 128 bits).
const MAX_INCREMENT_UNITS: i64 = 10_000_000_000;

/// The largest lane scale for which an amount with fewer decimals than the lane, brought to
/// the lane's scale, stays within 128 bits (a 96-bit mantissa times `10^9`).
const MAX_LANE_SCALE: u32 = 9;

/// True when rounding per `chain` can be computed from an amount already rounded per `line`
/// (both toward zero, `chain`'s increment a whole multiple of `line`'s, on a lane where both
/// roundings are exact integer operations): see the module invariant.
pub(crate) fn chain_from_line(lane: Lane, line: &RoundingRule, chain: &RoundingRule) -> bool {
    if line.mode != RoundingMode::Down || chain.mode != RoundingMode::Down {
        return false;
    }
    if lane.scale > MAX_LANE_SCALE {
        return false;
    }
    let (Some(a), Some(b)) = (
        line.increment.and_then(|i| units(lane, i)),
        chain.increment.and_then(|i| units(lane, i)),
    ) else {
        return false;
    };
    b.checked_rem(a) == Some(0)
}

/// An increment in lane units, when it is a positive whole number of them no larger than
/// [`MAX_INCREMENT_UNITS`].
fn units(lane: Lane, inc: Decimal) -> Option<i64> {
    let up = lane.scale.checked_sub(inc.scale())?;
    let m = i64::try_from(inc.mantissa()).ok()?;
    let u = m.checked_mul(*POW10.get(usize::try_from(up).ok()?)?)?;
    (u > 0 && u <= MAX_INCREMENT_UNITS).then_some(u)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::arith::Exact;
    use super::*;
    use crate::data::{RoundingStage, RoundingTarget};

    fn rule(inc: &str, mode: RoundingMode) -> RoundingRule {
        RoundingRule {
            territory: "JP".parse().unwrap(),
            target: RoundingTarget::Tax,
            stage: RoundingStage::Total,
            increment: Some(inc.parse().unwrap()),
            mode,
            line: None,
            chain: None,
            declaration: false,
        }
    }

    /// Rounding the line-rounded amount per the chain gives what rounding the exact amount
    /// does, for every pair the check accepts (yen and cent lanes, quotients of 25 decimals,
    /// negative amounts), and the check refuses modes and increments that do not nest.
    #[test]
    fn chained_from_line_equals_chained_from_exact() {
        let jpy = Lane { scale: 0, minor: 0 };
        let eur = Lane { scale: 2, minor: 2 };
        let down = RoundingMode::Down;
        let pairs = [
            (jpy, rule("1", down), rule("100", down)),
            (jpy, rule("100", down), rule("1000", down)),
            (eur, rule("0.01", down), rule("1", down)),
            (eur, rule("0.05", down), rule("0.10", down)),
        ];
        let amounts = [
            (236_923_076_923_076_923_076_923_077i128, 25u32),
            (-236_923_076_923_076_923_076_923_077, 25),
            (858_000, 3),
            (1_068_200, 3),
            (99, 0),
            (100, 0),
            (-199, 0),
            (0, 0),
            (123_456_789, 4),
            (7, 1),
        ];
        for (lane, line, chain) in &pairs {
            assert!(chain_from_line(*lane, line, chain));
            for (m, scale) in amounts {
                let x = Exact::new(m, scale).unwrap();
                let lined = lane.round_exact(x, Some(line)).unwrap();
                let via_line = lane
                    .round_exact(
                        Exact::new(i128::from(lined), lane.scale).unwrap(),
                        Some(chain),
                    )
                    .unwrap();
                assert_eq!(
                    via_line,
                    lane.round_exact(x, Some(chain)).unwrap(),
                    "{m}e-{scale}"
                );
            }
        }
        let refused = [
            (
                jpy,
                rule("1", RoundingMode::HalfUp),
                rule("100", RoundingMode::HalfUp),
            ),
            (jpy, rule("1", down), rule("100", RoundingMode::Floor)),
            (jpy, rule("30", down), rule("100", down)),
            (jpy, rule("0.5", down), rule("100", down)),
            (jpy, rule("1", down), rule("100000000000", down)),
            (
                Lane {
                    scale: 10,
                    minor: 2,
                },
                rule("1", down),
                rule("100", down),
            ),
        ];
        for (lane, line, chain) in &refused {
            assert!(!chain_from_line(*lane, line, chain));
        }
    }
}
