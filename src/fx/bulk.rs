//! The exact integer fast path of bulk repricing.
//!
//! A conversion `amount × rate(to) × (1 + bps/10,000) / rate(from)`, rounded to the target's
//! minor unit, is a rational function of the amount's mantissa `a`: in target minor units it
//! is `a × K / M` for integers `K` and `M` fixed by the rates, the markup and the amount's scale.
//! With `K = Q·M + R` this is `a·Q + (a·R) / M`, one 64 × 64-bit multiply-add and one division
//! by the constant `M`, which a precomputed reciprocal turns into a multiply and shifts
//! (Granlund and Montgomery, "Division by invariant integers using multiplication", PLDI 1994,
//! figure 4.1). Quotient and remainder are exact, so every rounding mode decides exactly as
//! the `Decimal` path does.
//!
//! Why the two paths agree: the `Decimal` path multiplies exactly (the product stays far
//! below 96 bits here) and divides once, with about 28 significant digits. The exact value
//! `a·K/M` is either a multiple of `1/(2M)` away from every rounding boundary (an integer or a
//! midpoint) or on one; the fast path is only used while `a·K < 10^26`, where the division's
//! error (below `a·K/M × 10^-27`) is smaller than `1/(2M)`, so both paths round the same way.
//! Any amount outside these bounds (a scale above 8, a mantissa over 64 bits, an overflow)
//! falls back to the `Decimal` path. The property tests compare both paths on random input.

use rust_decimal::Decimal;

use crate::money::{RoundingMode, rounds_away};

/// Division of `u64` values by a constant, by multiplication (Granlund–Montgomery).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Divider {
    d: u64,
    m: u64,
    sh1: u32,
    sh2: u32,
}

impl Divider {
    /// A divider for `d >= 1`.
    pub(crate) fn new(d: u64) -> Option<Self> {
        if d == 0 {
            return None;
        }
        // l = ceil(log2 d); m = floor(2^64 × (2^l − d) / d) + 1.
        let l = 64u32.checked_sub(d.checked_sub(1)?.leading_zeros())?;
        let two_l = 1u128.checked_shl(l)?;
        let numer = two_l.checked_sub(u128::from(d))?.checked_mul(1u128 << 64)?;
        let m = numer.checked_div(u128::from(d))?.checked_add(1)?;
        Some(Self {
            d,
            m: u64::try_from(m).ok()?,
            sh1: l.min(1),
            sh2: l.saturating_sub(1),
        })
    }

    /// `(n / d, n % d)`.
    #[inline]
    pub(crate) fn divrem(self, n: u64) -> (u64, u64) {
        let t = ((u128::from(self.m).wrapping_mul(u128::from(n))) >> 64) as u64;
        // t <= n, so n − t cannot wrap, and t + (n − t) / 2 <= n cannot overflow.
        let q = t.wrapping_add(n.wrapping_sub(t) >> self.sh1) >> self.sh2;
        (q, n.wrapping_sub(q.wrapping_mul(self.d)))
    }
}

/// The factor `K/M` for amounts of one scale.
#[derive(Debug, Clone, Copy)]
struct Factor {
    q: u64,
    r: u64,
    div: Divider,
    /// Largest mantissa magnitude the fast path takes.
    a_max: u64,
}

/// Precomputed integer conversion for one (from, to, markup, target scale, mode).
#[derive(Debug, Clone)]
pub(crate) struct FastConvert {
    by_scale: [Option<Factor>; 9],
    mode: RoundingMode,
}

/// Mantissa and scale of a decimal as (u128 magnitude, scale).
fn parts(d: Decimal) -> Option<(u128, u32)> {
    Some((d.mantissa().unsigned_abs(), d.scale()))
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while let Some(t) = a.checked_rem(b) {
        a = b;
        b = t;
    }
    a
}

const LIMIT: u128 = 100_000_000_000_000_000_000_000_000; // 10^26

impl FastConvert {
    /// Prepares `× rate_to × factor / rate_from`, rounded to `out_scale` decimals with `mode`.
    /// `None` when the rates are too precise for the integer path (the caller then uses the
    /// `Decimal` path for every amount).
    pub(crate) fn new(
        rate_from: Decimal,
        rate_to: Decimal,
        factor: Decimal,
        out_scale: u32,
        mode: RoundingMode,
    ) -> Self {
        let mut by_scale = [None; 9];
        for (s, slot) in (0u32..).zip(by_scale.iter_mut()) {
            *slot = Self::factor(rate_from, rate_to, factor, out_scale, s);
        }
        Self { by_scale, mode }
    }

    fn factor(
        rate_from: Decimal,
        rate_to: Decimal,
        factor: Decimal,
        out_scale: u32,
        s: u32,
    ) -> Option<Factor> {
        let (from_m, s_from) = parts(rate_from)?;
        let (to_m, s_to) = parts(rate_to)?;
        let (fac_m, s_fac) = parts(factor)?;
        if rate_from <= Decimal::ZERO || rate_to <= Decimal::ZERO || factor <= Decimal::ZERO {
            return None;
        }
        // The Decimal path's product amount × rate_to × factor has this scale; beyond 28 it
        // would be rounded, so such amounts take that path.
        if s.checked_add(s_to)?.checked_add(s_fac)? > 28 {
            return None;
        }
        // value in target minor units = a × to_m × fac_m × 10^(e + s_from)
        //                                / (from_m × 10^(s + s_to + s_fac))
        let k = to_m
            .checked_mul(fac_m)?
            .checked_mul(10u128.checked_pow(out_scale.checked_add(s_from)?)?)?;
        let m =
            from_m.checked_mul(10u128.checked_pow(s.checked_add(s_to)?.checked_add(s_fac)?)?)?;
        let g = gcd(k, m);
        let (k2, m2) = (k.checked_div(g)?, m.checked_div(g)?);
        let q = u64::try_from(k2.checked_div(m2)?).ok()?;
        let r = u64::try_from(k2.checked_rem(m2)?).ok()?;
        let div = Divider::new(u64::try_from(m2).ok()?)?;
        let a_max = [
            u128::from(u64::MAX).checked_div(u128::from(r.max(1)))?,
            u128::from(u64::MAX).checked_div(u128::from(q.max(1)))?,
            LIMIT.checked_div(k.max(1))?,
            // Results must fit an i64 of minor units: a × K / M < 2^63.
            (1u128 << 62).checked_div(u128::from(q.saturating_add(1)))?,
        ]
        .into_iter()
        .min()?;
        Some(Factor {
            q,
            r,
            div,
            a_max: u64::try_from(a_max).unwrap_or(u64::MAX),
        })
    }

    /// The converted amount in target minor units, or `None` when the amount is outside the
    /// fast path's bounds.
    #[inline]
    pub(crate) fn convert_minor(&self, amount: Decimal) -> Option<i64> {
        let scale = usize::try_from(amount.scale()).ok()?;
        let f = (*self.by_scale.get(scale)?)?;
        let m = amount.mantissa();
        let neg = m < 0;
        let a = u64::try_from(m.unsigned_abs()).ok()?;
        if a > f.a_max {
            return None;
        }
        // a ≤ a_max keeps a·q and a·r within u64 and the sum below 2^62.
        let whole = a.wrapping_mul(f.q);
        let (q1, rem) = f.div.divrem(a.wrapping_mul(f.r));
        let q = whole.checked_add(q1)?;
        let up = rounds_away(
            q & 1 == 1,
            u128::from(rem),
            u128::from(f.div.d),
            neg,
            self.mode,
        );
        let mag = i64::try_from(q.checked_add(u64::from(up))?).ok()?;
        // mag >= 0, so its negation cannot overflow.
        Some(if neg { mag.wrapping_neg() } else { mag })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_divider_is_exact() {
        let ds = [
            1u64,
            2,
            3,
            7,
            10,
            100,
            641,
            1_000_003,
            u64::MAX / 3,
            u64::MAX - 1,
            u64::MAX,
        ];
        let ns = [
            0u64,
            1,
            2,
            99,
            12_345_678_901,
            u64::MAX / 2,
            u64::MAX - 1,
            u64::MAX,
        ];
        for d in ds {
            let div = Divider::new(d).unwrap();
            for n in ns {
                assert_eq!(div.divrem(n), (n / d, n % d), "{n} / {d}");
            }
        }
    }

    #[test]
    fn converts_like_the_hand_computation() {
        // 10.00 USD → JPY at EUR-pivot rates 1.1097 and 162.17, markup 150 bps:
        // 10 × 162.17 × 1.015 / 1.1097 = 1483.3115...
        let f = FastConvert::new(
            "1.1097".parse().unwrap(),
            "162.17".parse().unwrap(),
            "1.0150".parse().unwrap(),
            0,
            RoundingMode::HalfUp,
        );
        assert_eq!(f.convert_minor("10.00".parse().unwrap()), Some(1483));
        assert_eq!(f.convert_minor("-10.00".parse().unwrap()), Some(-1483));
    }
}
