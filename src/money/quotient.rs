//! Rounded quotients of `Decimal`s on integers, where they provably equal `Decimal`'s own.
//!
//! `Decimal`'s division costs a long division on 96-bit limbs (about a thousand
//! instructions); the market matrix divides four times per cell. The quotient of two decimals is
//! a ratio of integers `n / d`, and rounding it to `k` decimals is one `u128` division. The two
//! answers can differ only where `Decimal` rounds its quotient to 28 significant digits and that
//! moves it across a rounding tie, so [`half_up`] answers only when it can show that no tie is
//! that close, and `None` (compute it the `Decimal` way) otherwise.
//!
//! # Invariant
//! `half_up(x, y, k) == Some(r)` implies `r == round_half_up(x.checked_div(y)?, k)` with
//! exactly `k` decimals, and likewise [`half_up_of_quotient`] for its two divisions.
//!
//! # Proof
//! - `Decimal`'s division keeps dividing until its mantissa holds 28 digits or its scale is 28,
//!   then rounds the last digit (rust_decimal `ops::div`): so the quotient `q'` of an exact `q`
//!   is within `E = 10^-26 × max(1, |q|)` of it (one unit of a 28-digit mantissa is at most
//!   `10^-27 × |q|`; at scale 28 it is `10^-28`).
//! - Rounding is monotone, so `q'` and `q` round alike unless a tie (an odd multiple of half a
//!   unit of the `k`th decimal) lies within `E` of `q`. In units of `10^-k`, `q × 10^k = n / d`
//!   and its distance to the nearest tie is `|2 (n mod d) − d| / 2d`: the guard requires
//!   `E × 10^k` (times a safety `budget`) to be smaller than that, in integers.
//! - An exact tie (`2 (n mod d) = d`) is not decided here (`None`).
//! - Two chained divisions, `x / round28(a / b)` rounded: with `|a / b| >= 1` the inner
//!   rounding moves the result by at most `1.0001 × 10^-26 × |x / (a / b)|` and the outer one
//!   by `10^-26 × max(1, …)`, so the budget is 3 units of `E` at the exact value.
//!
//! The tests beside this module compare both ways over random values and near-ties.

use rust_decimal::Decimal;

use super::{POW10, pow10_u128};

/// The guard's safety factor over the error bound of one division (see the module docs: the
/// bound holds with a factor of 1; 2 leaves room).
const ONE_DIVISION: u128 = 2;
/// The same for two chained divisions (the bound is 3 there; 4 leaves room).
const TWO_DIVISIONS: u128 = 4;
/// `10^26`: the error bound's denominator.
const TEN_26: u128 = 100_000_000_000_000_000_000_000_000;

/// `x / y` rounded half away from zero to `scale` decimals (shown with exactly `scale`), on
/// integers; `None` where the guard cannot show the `Decimal` division would round the same
/// (then divide in `Decimal`).
#[inline]
pub(crate) fn half_up(x: Decimal, y: Decimal, scale: u32) -> Option<Decimal> {
    let (n, d) = ratio(&[x], &[y], scale)?;
    decided(
        n,
        d,
        scale,
        ONE_DIVISION,
        x.is_sign_negative() != y.is_sign_negative(),
    )
}

/// `x / round28(a / b)` rounded half away from zero to `scale` decimals, where `round28` is
/// `Decimal`'s division: the two divisions of `x / (a / b)` as `Decimal` makes them, answered
/// on integers when `|a| >= |b|` and the guard holds (else `None`).
#[inline]
pub(crate) fn half_up_of_quotient(
    x: Decimal,
    a: Decimal,
    b: Decimal,
    scale: u32,
) -> Option<Decimal> {
    if a.abs() < b.abs() {
        return None;
    }
    let (n, d) = ratio(&[x, b], &[a], scale)?;
    let neg = x.is_sign_negative() != (a.is_sign_negative() != b.is_sign_negative());
    decided(n, d, scale, TWO_DIVISIONS, neg)
}

/// `|Π num| / |Π den| × 10^scale` as integers `(n, d)`; `None` on overflow or a zero `d`.
fn ratio(num: &[Decimal], den: &[Decimal], scale: u32) -> Option<(u128, u128)> {
    let mut n = 1_u128;
    for v in num {
        n = n.checked_mul(v.mantissa().unsigned_abs())?;
    }
    let mut d = 1_u128;
    for v in den {
        d = d.checked_mul(v.mantissa().unsigned_abs())?;
    }
    // The value is n / 10^(Σ num scales) ÷ d / 10^(Σ den scales), times 10^scale: move the
    // powers of ten to one side.
    let num_scales = num
        .iter()
        .try_fold(0_u32, |s, v| s.checked_add(v.scale()))?;
    let den_scales = den
        .iter()
        .try_fold(0_u32, |s, v| s.checked_add(v.scale()))?;
    let up = den_scales.checked_add(scale)?;
    if up >= num_scales {
        n = n.checked_mul(pow10(up.checked_sub(num_scales)?)?)?;
    } else {
        d = d.checked_mul(pow10(num_scales.checked_sub(up)?)?)?;
    }
    (d != 0).then_some((n, d))
}

/// `n / d` rounded half up as a decimal with `scale` decimals and sign `neg`, when no rounding
/// tie lies within `budget` error bounds of it (see the module docs); `None` otherwise, and
/// for a zero result of negative sign (`Decimal` keeps a negative zero's sign).
fn decided(n: u128, d: u128, scale: u32, budget: u128, neg: bool) -> Option<Decimal> {
    let q = n.checked_div(d)?;
    // n − q·d: one multiplication rather than a second 128-bit division.
    let rem = n.checked_sub(q.checked_mul(d)?)?;
    let twice = rem.checked_mul(2)?;
    let gap = twice.abs_diff(d);
    // The error bound in units of 10^-scale, times 10^26 and 2d: budget × max(10^scale, q + 1)
    // × 2d; it must stay below gap × 10^26, compared as ⌈bound / 10^26⌉ < gap. Since
    // 10^26 > 2^86, ⌈bound / 10^26⌉ <= (bound >> 86) + 1: a shift decides the usual case.
    let magnitude = pow10(scale)?.max(q.checked_add(1)?);
    let bound = budget
        .checked_mul(magnitude)?
        .checked_mul(d.checked_mul(2)?)?;
    if gap == 0 {
        return None;
    }
    let far = bound
        .checked_shr(86)
        .and_then(|b| b.checked_add(1))
        .is_some_and(|b| b < gap);
    if !far && bound.div_ceil(TEN_26) >= gap {
        return None;
    }
    let r = q.checked_add(u128::from(twice > d))?;
    if r == 0 && neg {
        return None;
    }
    let r = i128::try_from(r).ok()?;
    Decimal::try_from_i128_with_scale(if neg { r.wrapping_neg() } else { r }, scale).ok()
}

/// `10^e` as `u128`.
fn pow10(e: u32) -> Option<u128> {
    match POW10.get(usize::try_from(e).ok()?) {
        Some(p) => u128::try_from(*p).ok(),
        None => pow10_u128(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{RoundingMode, round_to_scale};
    use core::ops::Neg;
    use proptest::prelude::*;

    fn by_decimal(x: Decimal, y: Decimal, k: u32) -> Decimal {
        let mut r = round_to_scale(x.checked_div(y).unwrap(), k, RoundingMode::HalfUp);
        r.rescale(k);
        r
    }

    fn dec(m: i64, s: u32) -> Decimal {
        Decimal::new(m, s)
    }

    #[test]
    fn exact_ties_are_left_to_decimal() {
        assert_eq!(half_up(dec(1, 2), dec(2, 0), 2), None);
        assert_eq!(half_up(dec(-25, 3), dec(1, 0), 2), None);
    }

    #[test]
    fn answers_typical_quotients_like_decimal() {
        let mid: Decimal = "0.8677685950413223140495867769".parse().unwrap();
        for (x, k) in [(dec(4999, 2), 2), (dec(-1234567, 2), 2), (dec(5, 0), 0)] {
            assert_eq!(half_up(x, mid, k), Some(by_decimal(x, mid, k)));
        }
        assert_eq!(
            half_up_of_quotient(dec(1250, 0), dec(4999, 2), mid, 2),
            Some(by_decimal(
                dec(1250, 0),
                dec(4999, 2).checked_div(mid).unwrap(),
                2
            ))
        );
    }

    #[test]
    fn a_quotient_decimal_rounds_onto_a_tie_is_left_to_decimal() {
        // x / 3 = 1234.5 − 3.3 × 10^-26: exactly it rounds to 1234, but Decimal's quotient
        // (25 decimals here) is 1234.5, which rounds to 1235. The guard must not answer.
        let x: Decimal = "3703.4999999999999999999999999".parse().unwrap();
        let three = dec(3, 0);
        assert_eq!(by_decimal(x, three, 0), dec(1235, 0));
        assert_eq!(half_up(x, three, 0), None);
    }

    #[test]
    fn answers_nearly_every_price_like_quotient() {
        let mid: Decimal = "151.37"
            .parse::<Decimal>()
            .unwrap()
            .checked_div(dec(10_912, 4))
            .unwrap();
        let answered = (1..=10_000_i64)
            .filter(|c| half_up(dec(c.wrapping_mul(7_919), 2), mid, 2).is_some())
            .count();
        assert!(answered > 9_990, "{answered}");
    }

    #[test]
    fn a_divisor_below_one_in_the_chain_is_left_to_decimal() {
        assert_eq!(
            half_up_of_quotient(dec(1, 0), dec(1, 2), dec(3, 0), 2),
            None
        );
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0_u32..=12).prop_map(|(m, s)| dec(m % 10_000_000_000_000, s))
    }

    fn rate() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (1_i64..10_000_000, 0_u32..=8).prop_map(|(m, s)| dec(m, s)),
            (1_i64..100_000, 1_i64..100_000)
                .prop_map(|(a, b)| dec(a, 2).checked_div(dec(b, 3)).unwrap()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn an_answer_equals_the_decimal_division_rounded(
            x in decimal(), y in rate(), k in 0_u32..=4, neg in any::<bool>()
        ) {
            let y = if neg { y.neg() } else { y };
            if let Some(r) = half_up(x, y, k) {
                prop_assert_eq!(r, by_decimal(x, y, k));
                prop_assert_eq!(r.scale(), k);
            }
        }

        #[test]
        fn an_answer_near_a_tie_equals_the_decimal_division_rounded(
            t in -1_000_000_i64..1_000_000, y in rate(), k in 0_u32..=3, off in -3_i64..=3,
            near in 16_u32..=28
        ) {
            // x = (t + 1/2) × 10^-k + off × 10^-near, times y: a quotient next to a tie.
            let tie = Decimal::new(t.saturating_mul(10).saturating_add(5), k.saturating_add(1))
                .checked_add(Decimal::new(off, near))
                .unwrap();
            let x = tie.checked_mul(y).unwrap();
            if let Some(r) = half_up(x, y, k) {
                prop_assert_eq!(r, by_decimal(x, y, k));
            }
        }

        #[test]
        fn a_chained_answer_equals_the_two_decimal_divisions_rounded(
            x in decimal(), a in decimal(), b in rate(), k in 0_u32..=4
        ) {
            prop_assume!(!a.is_zero());
            if let Some(r) = half_up_of_quotient(x, a, b, k) {
                let inner = a.checked_div(b).unwrap();
                prop_assert_eq!(r, by_decimal(x, inner, k));
            }
        }
    }
}
