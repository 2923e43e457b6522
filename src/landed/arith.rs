//! Exact arithmetic of the cascade: checked `Decimal` operations that fail with a named
//! overflow, and [`Exact`], an unrounded amount kept as an integer mantissa and scale.
//!
//! Invariants:
//! - an [`Exact`] always holds a value a `Decimal` can represent exactly (mantissa within 96
//!   bits, scale at most 28): every constructor checks it, so [`Exact::dec`] only fails for a
//!   value built past these bounds, which it reports as an overflow;
//! - products and sums are exact when they fit those bounds, and otherwise fall back to
//!   `Decimal`'s own (rounding) operations, never to a wrapped or truncated integer.

use rust_decimal::Decimal;

use crate::error::Error;
use crate::money::{cmp_exact, pow10_u128};

/// The operation named in overflow errors of the cascade.
pub(crate) const OP: &str = "landed cost";

#[inline]
pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_add(b).ok_or_else(|| Error::overflow(OP))
}

#[inline]
pub(crate) fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_sub(b).ok_or_else(|| Error::overflow(OP))
}

#[inline]
pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_mul(b).ok_or_else(|| Error::overflow(OP))
}

#[inline]
pub(crate) fn div(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    if b.is_zero() {
        return Err(Error::DivisionByZero { operation: OP });
    }
    a.checked_div(b).ok_or_else(|| Error::overflow(OP))
}

/// `m × 10^-scale` as a `Decimal` when it holds it exactly, built from its 32-bit parts
/// (inlined: every amount of a quote passes here).
#[inline]
pub(crate) fn dec_of(m: i128, scale: u32) -> Option<Decimal> {
    let mag = m.unsigned_abs();
    if scale > 28 || mag > DECIMAL_MAX {
        return None;
    }
    let part = |shift: u32| {
        u32::try_from(mag.checked_shr(shift).unwrap_or_default() & u128::from(u32::MAX))
            .unwrap_or_default()
    };
    Some(Decimal::from_parts(
        part(0),
        part(32),
        part(64),
        m < 0,
        scale,
    ))
}

/// The larger of two values (the second on a tie, as `Ord::max`), compared on integers.
#[inline]
pub(crate) fn max_exact(a: Decimal, b: Decimal) -> Decimal {
    if cmp_exact(b, a).is_ge() { b } else { a }
}

/// `amount × percent / 100`.
#[inline]
pub(crate) fn percent_of(amount: Decimal, percent: Decimal) -> Result<Decimal, Error> {
    // Multiplying by 0.01 is exact and cheaper than dividing by 100.
    mul(mul(amount, percent)?, Decimal::new(1, 2))
}

/// An exact unrounded amount, `m × 10^-scale`, always one a `Decimal` can hold: products
/// of the integer lane stay integers until a charge is rounded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Exact {
    /// The mantissa.
    pub(crate) m: i128,
    /// The number of decimals.
    pub(crate) scale: u32,
}

/// The largest mantissa a `Decimal` holds (96 bits).
pub(crate) const DECIMAL_MAX: u128 = (1u128 << 96).wrapping_sub(1);

impl Exact {
    pub(crate) fn of(d: Decimal) -> Self {
        Self {
            m: d.mantissa(),
            scale: d.scale(),
        }
    }

    /// `m × 10^-scale` when a `Decimal` can hold it exactly.
    #[inline]
    pub(crate) fn new(m: i128, scale: u32) -> Option<Self> {
        (scale <= 28 && m.unsigned_abs() <= DECIMAL_MAX).then_some(Self { m, scale })
    }

    /// The value without trailing zeros (as `Decimal::normalize`), on 64-bit integers when
    /// it fits.
    pub(crate) fn normalized(self) -> Result<Decimal, Error> {
        let Ok(mut m) = i64::try_from(self.m) else {
            return Ok(self.dec()?.normalize());
        };
        if m == 0 {
            return Ok(Decimal::ZERO);
        }
        let mut scale = self.scale;
        while scale > 0 && m.checked_rem(10) == Some(0) {
            m = m.checked_div(10).unwrap_or(m);
            scale = scale.saturating_sub(1);
        }
        dec_of(i128::from(m), scale).ok_or_else(|| Error::overflow(OP))
    }

    /// `self ≤ other`.
    pub(crate) fn le(self, other: Self) -> bool {
        if self.scale == other.scale {
            return self.m <= other.m;
        }
        match (self.dec(), other.dec()) {
            (Ok(a), Ok(b)) => a <= b,
            _ => false,
        }
    }

    #[inline]
    pub(crate) fn dec(self) -> Result<Decimal, Error> {
        dec_of(self.m, self.scale).ok_or_else(|| Error::overflow(OP))
    }

    /// `x × y × 10^-scale` when a `Decimal` holds it (64-bit products first: one
    /// instruction).
    #[inline]
    pub(crate) fn of_product(x: i64, y: i64, scale: u32) -> Option<Self> {
        match x.checked_mul(y) {
            Some(p) if scale <= 28 => Some(Self {
                m: i128::from(p),
                scale,
            }),
            _ => Self::new(i128::from(x).saturating_mul(i128::from(y)), scale),
        }
    }

    /// `a × b`, exactly when it fits (a quantity times a price), else `Decimal`'s product.
    #[inline]
    pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Self, Error> {
        if let (Ok(x), Ok(y)) = (i64::try_from(a.mantissa()), i64::try_from(b.mantissa()))
            && let Some(e) = Self::of_product(x, y, a.scale().saturating_add(b.scale()))
        {
            return Ok(e);
        }
        mul(a, b).map(Self::of)
    }

    /// `self × percent / 100` as [`percent_of`] computes it on `Decimal`s: on integers when
    /// both of its products are exact there (the mantissas' product within 96 bits at scale
    /// `self.scale + percent.scale + 2 ≤ 28`, which is what `Decimal` gives then); a zero
    /// product or any other case takes the `Decimal` path, which decides its scale.
    #[inline]
    pub(crate) fn percent(self, percent: Decimal) -> Result<Self, Error> {
        let scale = self.scale.saturating_add(percent.scale()).saturating_add(2);
        if let Some(e) = self
            .m
            .checked_mul(percent.mantissa())
            .filter(|m| *m != 0)
            .and_then(|m| Self::new(m, scale))
        {
            return Ok(e);
        }
        percent_of(self.dec()?, percent).map(Self::of)
    }

    /// `self + other`, exactly when it fits, else `Decimal`'s sum.
    ///
    /// At different scales this is `Decimal`'s sum (value and scale) without building the
    /// `Decimal`s, in the cases where `rust_decimal` 1.43's addition is exact: a zero operand
    /// gives the other one unchanged (its scale included); two non-zero amounts of the same
    /// sign, each below `2^64`, at most 19 decimals apart, are added at the wider scale,
    /// which is `Decimal`'s result whenever the sum stays below `2^96` (its 32- and 64-bit
    /// paths). Everything else (mixed signs, wider operands, a sum past 96 bits) takes the
    /// `Decimal` path. Checked against `Decimal` by `exact_add_equals_decimal_add`.
    #[inline]
    pub(crate) fn add(self, other: Self) -> Result<Self, Error> {
        if self.scale == other.scale
            && let Some(e) = self
                .m
                .checked_add(other.m)
                .and_then(|m| Self::new(m, self.scale))
        {
            return Ok(e);
        }
        if self.scale != other.scale {
            if self.m == 0 {
                return Ok(other);
            }
            if other.m == 0 {
                return Ok(self);
            }
            if let Some(e) = self.add_rescaled(other) {
                return Ok(e);
            }
        }
        add(self.dec()?, other.dec()?).map(Self::of)
    }

    /// [`Exact::add`] of two non-zero amounts of one sign at different scales, each below
    /// `2^64`, at most 19 decimals apart: the sum at the wider scale when it is below `2^96`.
    fn add_rescaled(self, other: Self) -> Option<Self> {
        const U64: u128 = u64::MAX as u128;
        let (a, b) = (self.m.unsigned_abs(), other.m.unsigned_abs());
        if (self.m < 0) != (other.m < 0) || a > U64 || b > U64 {
            return None;
        }
        let (scale, diff) = (
            self.scale.max(other.scale),
            self.scale.abs_diff(other.scale),
        );
        let p = pow10_u128(diff).filter(|_| diff <= 19)?;
        let (a, b) = if self.scale < other.scale {
            (a.checked_mul(p)?, b)
        } else {
            (a, b.checked_mul(p)?)
        };
        let sum = i128::try_from(a.checked_add(b)?.min(DECIMAL_MAX.saturating_add(1))).ok()?;
        let m = if self.m < 0 { sum.checked_neg()? } else { sum };
        Self::new(m, scale)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// `Exact::percent` gives `percent_of`'s value and scale: small products, zero, scales
    /// past 28 and mantissas past 96 bits.
    #[test]
    fn exact_percent_equals_decimal_percent_of() {
        let big = i128::try_from(DECIMAL_MAX).unwrap();
        for ((m, scale), p) in [
            ((12_345i128, 2u32), "70"),
            ((-12_345, 2), "70.5"),
            ((0, 3), "70"),
            ((123_456_789, 25), "7.25"),
            ((big / 3, 4), "70"),
            ((98_765, 0), "0.125"),
        ] {
            let e = Exact { m, scale };
            let p: Decimal = p.parse().unwrap();
            let want = percent_of(e.dec().unwrap(), p).unwrap();
            let got = e.percent(p).unwrap().dec().unwrap();
            assert_eq!(got, want, "{m}e-{scale} × {p}%");
            assert_eq!(got.scale(), want.scale(), "{m}e-{scale} × {p}%");
        }
    }

    /// `Exact::add` gives `Decimal`'s sum, value and scale (its `Debug` form), at equal and
    /// different scales, with zeros, negative amounts, mixed signs and sums near 64 and 96
    /// bits.
    #[test]
    fn exact_add_equals_decimal_add() {
        let big = i128::try_from(DECIMAL_MAX).unwrap();
        let u64max = i128::from(u64::MAX);
        let ms = [
            0i128,
            1,
            7,
            99,
            4_294_967_295,
            4_294_967_296,
            123_456_789_012,
            u64max,
            u64max + 1,
            big / 1_000,
            big / 10,
            big,
            -1,
            -4_294_967_296,
            -u64max,
            -(big / 10),
        ];
        let scales = [0u32, 1, 2, 3, 9, 18, 19, 20, 25, 28];
        for &m1 in &ms {
            for &m2 in &ms {
                for &s1 in &scales {
                    for &s2 in &scales {
                        let (a, b) = (Exact { m: m1, scale: s1 }, Exact { m: m2, scale: s2 });
                        let want = add(a.dec().unwrap(), b.dec().unwrap());
                        let got = a.add(b).and_then(Exact::dec);
                        match (want, got) {
                            (Ok(w), Ok(g)) => {
                                assert_eq!(format!("{g:?}"), format!("{w:?}"), "{a:?} + {b:?}");
                                assert_eq!(g.scale(), w.scale(), "{a:?} + {b:?}");
                                assert_eq!(g.is_sign_negative(), w.is_sign_negative());
                            }
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!("{a:?} + {b:?}: {w:?} vs {g:?}"),
                        }
                    }
                }
            }
        }
    }

    /// The integer normalisation gives what `Decimal::normalize` gives (zero, negative
    /// values, values beyond 64 bits).
    #[test]
    fn normalized_equals_decimal_normalize() {
        let big = i128::try_from(DECIMAL_MAX).unwrap();
        for (m, scale) in [
            (0i128, 0u32),
            (0, 5),
            (245_058, 3),
            (2_450_000, 4),
            (-1_200, 2),
            (16_500, 3),
            (10, 0),
            (big, 3),
            (big - 9, 28),
            (1_000_000_000_000_000_000_000_000, 20),
        ] {
            let e = Exact { m, scale };
            let want = e.dec().unwrap().normalize();
            let got = e.normalized().unwrap();
            assert_eq!(got, want, "{m}e-{scale}");
            assert_eq!(got.scale(), want.scale(), "{m}e-{scale}");
            assert_eq!(got.to_string(), want.to_string(), "{m}e-{scale}");
        }
    }
}
