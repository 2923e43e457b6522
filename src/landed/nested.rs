//! Roundings computed on integers where the engine would round a longer number: a chaining
//! rounding from the line rounding a declaration already did ([`chain_from_line`]), and the
//! line rounding of a fraction rate's quotient from its numerator and denominator
//! ([`FractionRounding`]). Japan rounds every line's duty and tax twice (to the yen for the
//! declaration's total, to ¥100 for the later bases), and its local tax is 22/78 of the
//! national one, a 28-digit quotient.
//!
//! Invariant of [`chain_from_line`] (why the result is identical): for truncation toward zero to multiples of `a`,
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
use crate::money::{POW10, RoundingMode, rounds_away};

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

/// The largest denominator [`FractionRounding`] takes.
const MAX_DENOMINATOR: u64 = 1_000_000;

/// `rule`'s rounding (lane units) of `base × num / den` for the bases of a step's lines
/// ([`FractionRounding::round`]), where `base` is in lane units, as
/// [`Lane::round_exact`] gives it on the `Decimal` quotient the fraction rate computes
/// (`Decimal::checked_div`, 28 significant digits or 28 decimals); `None` outside the bounds
/// below (then round the quotient).
///
/// Invariant (why the result is identical): the exact quotient `q = N / den` (`N = base ×
/// num` lane units) is a multiple of `1 / den` unit, so when it is not itself a multiple of
/// the increment or a midpoint between two, it is at least `1 / (2 × den)` unit away from
/// every one. The `Decimal` quotient `q'` is within one unit of its last digit of `q`: with
/// `|N| < 2^63` and a lane of at most 9 decimals, that digit is below `10^-8 / den` unit, so
/// `q'` lies on the same side of every multiple and midpoint as `q` and every mode rounds
/// both alike. When `q` is a multiple or a midpoint it has at most the lane's decimals plus
/// one, so the division is exact and `q' = q`. Here `q` is rounded exactly on integers, as
/// [`Lane::round_exact`] rounds (`rounds_away` on the remainder).
#[derive(Clone, Copy)]
pub(crate) struct FractionRounding {
    num: i64,
    /// The increment in lane units.
    inc: u64,
    /// `den × inc`, the divisor of `base × num`.
    d: u64,
    mode: RoundingMode,
}

impl FractionRounding {
    /// The increment in lane units and the divisor `den × increment`, computed once for all
    /// bases; `None` outside the bounds above (then round the quotient).
    pub(crate) fn new(lane: Lane, (num, den): (u64, u64), rule: &RoundingRule) -> Option<Self> {
        if lane.scale > MAX_LANE_SCALE || den == 0 || den > MAX_DENOMINATOR {
            return None;
        }
        let inc = u64::try_from(units(lane, rule.increment?)?).ok()?;
        Some(Self {
            num: i64::try_from(num).ok()?,
            inc,
            d: den.checked_mul(inc)?,
            mode: rule.mode,
        })
    }

    /// The rounding of `base × num / den`; `None` when a number overflows.
    #[inline]
    pub(crate) fn round(self, base: i64) -> Option<i64> {
        let n = base.checked_mul(self.num)?;
        let mag = n.unsigned_abs();
        let (q, rem) = (mag.checked_div(self.d)?, mag.checked_rem(self.d)?);
        let away = rounds_away(
            q & 1 == 1,
            u128::from(rem),
            u128::from(self.d),
            n < 0,
            self.mode,
        );
        let units = i64::try_from(q.checked_add(u64::from(away))?.checked_mul(self.inc)?).ok()?;
        if n < 0 {
            units.checked_neg()
        } else {
            Some(units)
        }
    }
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

    fn fraction_rounded(
        lane: Lane,
        base: i64,
        fraction: (u64, u64),
        rule: &RoundingRule,
    ) -> Option<i64> {
        FractionRounding::new(lane, fraction, rule)?.round(base)
    }
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

    /// The rounding of a fraction's quotient computed on integers equals the rounding of the
    /// `Decimal` quotient, in every mode, at exact multiples, midpoints and in between, on yen
    /// and cent lanes.
    #[test]
    fn fraction_rounded_equals_rounding_the_decimal_quotient() {
        use super::super::arith::{div, mul};
        let modes = [
            RoundingMode::Down,
            RoundingMode::Up,
            RoundingMode::Floor,
            RoundingMode::Ceiling,
            RoundingMode::HalfUp,
            RoundingMode::HalfDown,
            RoundingMode::HalfEven,
            RoundingMode::HalfCeiling,
        ];
        let fractions = [
            (22u64, 78u64),
            (1, 3),
            (2, 7),
            (176, 624),
            (1, 2),
            (5, 4),
            (7, 999_983),
        ];
        let lanes = [
            (Lane { scale: 0, minor: 0 }, ["1", "100"]),
            (Lane { scale: 2, minor: 2 }, ["0.01", "0.05"]),
        ];
        let mut bases: Vec<i64> = (-400..=400).collect();
        bases.extend((0..60).map(|k| 7_800 * k + 39));
        bases.extend([
            1_000_000_007,
            9_007_199_254_740_993,
            -5_550_000,
            123_456_789_012,
        ]);
        for (lane, incs) in lanes {
            for inc in incs {
                for mode in modes {
                    let r = rule(inc, mode);
                    for frac in fractions {
                        for &base in &bases {
                            let Some(got) = fraction_rounded(lane, base, frac, &r) else {
                                continue;
                            };
                            let q = div(
                                mul(lane.dec(base), Decimal::from(frac.0)).unwrap(),
                                Decimal::from(frac.1),
                            )
                            .unwrap();
                            let want = lane.round_exact(Exact::of(q), Some(&r)).unwrap();
                            assert_eq!(got, want, "{base} × {frac:?} per {inc} {mode:?}");
                        }
                    }
                }
            }
        }
        let jpy = Lane { scale: 0, minor: 0 };
        assert!(
            fraction_rounded(jpy, 5, (22, 2_000_000), &rule("1", RoundingMode::Down)).is_none()
        );
        assert!(
            fraction_rounded(jpy, i64::MAX, (22, 78), &rule("1", RoundingMode::Down)).is_none()
        );
        assert!(
            fraction_rounded(
                Lane {
                    scale: 10,
                    minor: 2
                },
                5,
                (22, 78),
                &rule("1", RoundingMode::Down)
            )
            .is_none()
        );
    }
}
