//! The integer lane: every rounded amount of a quote (goods, shares, duty, tax, fees) is a
//! whole number of `10^-scale` units of the destination currency in an `i64`, so sums and
//! splits are exact integer operations and a line's shares add up to its charge by
//! construction.
//!
//! Invariants:
//! - `scale ≥ minor`: the lane's scale is the currency's minor unit, or finer when a rounding
//!   rule's increment asks for it (a CHF 0.05 increment stays at 2 decimals; a 0.001 one makes
//!   the lane 3 decimals); every amount read back with [`Lane::dec`] has exactly that scale;
//! - every operation is checked: an amount beyond `i64` units is an overflow error, never a
//!   wrapped value;
//! - [`Lane::split`] returns shares that sum to the amount exactly, by the largest remainder
//!   (the earlier part first on a tie), each a multiple of one unit of the scale it is asked
//!   for; the 64-bit paths and the `Decimal` fallback give the same shares.

use rust_decimal::Decimal;

use super::arith::{Exact, OP, percent_of};
use crate::data::RoundingRule;
use crate::error::Error;
use crate::money::{
    POW10, RoundingMode, allocate_by, pow10_u128, round_int, round_to_increment, rounds_away,
    scaled_int, split_u64, split_units, wide_mul,
};

/// The amounts of one quote as whole numbers of `10^-scale` units of the destination
/// currency: every rounded amount (goods, shares, duty, tax, fees) lives in this integer lane,
/// so sums and splits are exact integer operations. `scale` is the minor unit's, or finer when
/// a rounding rule's increment asks for it.
#[derive(Clone, Copy)]
pub(crate) struct Lane {
    pub(crate) scale: u32,
    pub(crate) minor: u32,
}

/// [`Lane::round`] of amounts in lane units under one rule, prepared once for a step's lines
/// ([`Lane::unit_rounding`]): when the rule's increment is a whole number of lane units, its
/// units are computed once, and each amount is rounded on integers with
/// [`Lane::to_increment_u64`]'s arithmetic for an amount with exactly the lane's decimals
/// (`drop = 0`, so the divisor is the increment in units): the same quotient, remainder and
/// `rounds_away`, hence the same amount. Any other case (no increment, a finer one, an
/// overflow) goes to [`Lane::round_exact`], which decides it as before. Japan truncates every
/// line's bases to ¥1,000 and its chained amounts to ¥100 through here.
#[derive(Clone, Copy)]
pub(crate) struct UnitRounding<'r> {
    lane: Lane,
    rule: &'r RoundingRule,
    /// The increment in lane units, when it is a whole (non-zero) number of them.
    inc: Option<u64>,
}

impl UnitRounding<'_> {
    /// The rounded amount of `units`. The integer path is small and inlined at every call;
    /// the rest is out of line ([`Lane::round_units_exact`]), so that a call costs no frame.
    #[inline]
    pub(crate) fn round(self, units: i64) -> Result<i64, Error> {
        match self.integer(units) {
            Some(u) => Ok(u),
            None => self.lane.round_units_exact(units, self.rule),
        }
    }

    /// The integer path: `None` without a whole increment or when a number overflows.
    #[inline]
    fn integer(self, units: i64) -> Option<i64> {
        let inc = self.inc?;
        let mag = units.unsigned_abs();
        let (q, rem) = (mag.checked_div(inc)?, mag.checked_rem(inc)?);
        let neg = units < 0;
        let away = rounds_away(
            q & 1 == 1,
            u128::from(rem),
            u128::from(inc),
            neg,
            self.rule.mode,
        );
        let u = i64::try_from(q.checked_add(u64::from(away))?.checked_mul(inc)?).ok()?;
        Some(if neg { u.wrapping_neg() } else { u })
    }
}

impl Lane {
    /// The value of `units`, at exactly the lane's scale.
    #[inline]
    pub(crate) fn dec(self, units: i64) -> Decimal {
        // `Decimal::new` from its 32-bit parts, inlined (every amount of the quote is read
        // back through here).
        let m = units.unsigned_abs();
        let lo = u32::try_from(m & u64::from(u32::MAX)).unwrap_or_default();
        let mid = u32::try_from(m.checked_shr(32).unwrap_or_default()).unwrap_or_default();
        Decimal::from_parts(lo, mid, 0, units < 0, self.scale)
    }

    /// The units of a value with at most `scale` decimals.
    #[inline]
    pub(crate) fn units(self, v: Decimal) -> Result<i64, Error> {
        if v.scale() == self.scale
            && let Ok(u) = i64::try_from(v.mantissa())
        {
            return Ok(u);
        }
        scaled_int(v, self.scale)
            .and_then(|u| i64::try_from(u).ok())
            .ok_or_else(|| Error::overflow(OP))
    }

    /// `10^(scale − to)`: one unit of scale `to` in lane units.
    #[inline]
    pub(crate) fn step(self, to: u32) -> Result<i64, Error> {
        self.scale
            .checked_sub(to)
            .and_then(|d| POW10.get(usize::try_from(d).ok()?).copied())
            .ok_or_else(|| Error::overflow(OP))
    }

    /// [`Lane::round_exact`] to an increment on integers (Japan's ¥1,000 and ¥100 on every
    /// line): `v / inc` rounded with `mode` and multiplied back, exactly, as
    /// `round_to_increment` does; `None` when the increment is finer than the lane or a
    /// number leaves 128 bits (then the `Decimal` path decides).
    #[inline]
    fn to_increment_int(self, v: Exact, inc: Decimal, mode: RoundingMode) -> Option<i64> {
        if let Some(u) = self.to_increment_u64(v, inc, mode) {
            return Some(u);
        }
        let inc_units = match self.scale.checked_sub(inc.scale()) {
            Some(up) => u128::try_from(inc.mantissa())
                .ok()?
                .checked_mul(pow10_u128(up)?)?,
            None => u128::try_from(scaled_int(inc, self.scale)?).ok()?,
        };
        let (m, d) = match v.scale.checked_sub(self.scale) {
            Some(drop) => {
                // Up to 28 decimals (a quotient such as 22/78 of a base): beyond `POW10`.
                let p = pow10_u128(drop)?;
                (v.m, inc_units.checked_mul(p)?)
            }
            None => {
                let up = self.scale.checked_sub(v.scale)?;
                let p = *POW10.get(usize::try_from(up).ok()?)?;
                (v.m.checked_mul(i128::from(p))?, inc_units)
            }
        };
        let neg = m < 0;
        let mag = m.unsigned_abs();
        // Most amounts fit 64 bits; their division is a single hardware instruction.
        let (q, rem) = match (u64::try_from(mag), u64::try_from(d)) {
            (Ok(m), Ok(d64)) => (
                u128::from(m.checked_div(d64)?),
                u128::from(m.checked_rem(d64)?),
            ),
            _ => (mag.checked_div(d)?, mag.checked_rem(d)?),
        };
        let q = q.checked_add(u128::from(rounds_away(q & 1 == 1, rem, d, neg, mode)))?;
        let units = i128::try_from(q.checked_mul(inc_units)?).ok()?;
        i64::try_from(if neg { units.checked_neg()? } else { units }).ok()
    }

    /// [`Lane::to_increment_int`] on 64-bit integers: the same quotient, remainder and
    /// rounding, when the increment, the divisor `inc × 10^drop` and the value's magnitude
    /// all fit `u64` and the value has at least the lane's decimals (a line's duty or tax at
    /// a percent rate); `None` sends every other case to the 128-bit path, which decides it.
    #[inline]
    fn to_increment_u64(self, v: Exact, inc: Decimal, mode: RoundingMode) -> Option<i64> {
        let up = self.scale.checked_sub(inc.scale())?;
        let inc_units = u64::try_from(inc.mantissa())
            .ok()?
            .checked_mul(u64::try_from(*POW10.get(usize::try_from(up).ok()?)?).ok()?)?;
        let drop = v.scale.checked_sub(self.scale)?;
        let p = u64::try_from(*POW10.get(usize::try_from(drop).ok()?)?).ok()?;
        let d = inc_units.checked_mul(p)?;
        let mag = u64::try_from(v.m.unsigned_abs()).ok()?;
        let (q, rem) = (mag.checked_div(d)?, mag.checked_rem(d)?);
        let neg = v.m < 0;
        let away = rounds_away(q & 1 == 1, u128::from(rem), u128::from(d), neg, mode);
        let units = i64::try_from(q.checked_add(u64::from(away))?.checked_mul(inc_units)?).ok()?;
        if neg {
            units.checked_neg()
        } else {
            Some(units)
        }
    }

    /// [`Lane::round`] of amounts in lane units (what `self.round(self.dec(units), ..)` gives:
    /// the same mantissa and scale, without building the `Decimal`) under `rule`, prepared
    /// for the many amounts of a step (see [`UnitRounding`]).
    #[inline]
    pub(crate) fn unit_rounding(self, rule: &RoundingRule) -> UnitRounding<'_> {
        UnitRounding {
            lane: self,
            rule,
            inc: rule.increment.and_then(|i| self.whole_units(i)),
        }
    }

    /// [`UnitRounding::round`] past its integer path: [`Lane::round_exact`] of the amount.
    #[inline(never)]
    fn round_units_exact(self, units: i64, rule: &RoundingRule) -> Result<i64, Error> {
        self.round_exact(
            Exact {
                m: i128::from(units),
                scale: self.scale,
            },
            Some(rule),
        )
    }

    /// An increment as a whole positive number of lane units (as [`Lane::to_increment_u64`]
    /// computes it: mantissa times `10^(scale − increment's scale)`), when it has at most the
    /// lane's decimals and fits.
    #[inline]
    fn whole_units(self, inc: Decimal) -> Option<u64> {
        let up = self.scale.checked_sub(inc.scale())?;
        let p = u64::try_from(*POW10.get(usize::try_from(up).ok()?)?).ok()?;
        u64::try_from(inc.mantissa())
            .ok()?
            .checked_mul(p)
            .filter(|u| *u != 0)
    }

    /// Rounds a value per a rule, or to the minor unit half-up by default, into units.
    pub(crate) fn round(self, v: Decimal, rule: Option<&RoundingRule>) -> Result<i64, Error> {
        self.round_exact(Exact::of(v), rule)
    }

    /// [`Lane::round`] of an exact amount.
    ///
    /// The 64-bit path to an increment ([`Lane::to_increment_u64`]) is inlined at every
    /// call; every other case is [`Lane::round_exact_out`], out of line. (`always`: with the
    /// second check below, plain `inline` left it out of line in the quote, where every line
    /// rounds through here two to four times.)
    #[inline(always)]
    pub(crate) fn round_exact(self, v: Exact, rule: Option<&RoundingRule>) -> Result<i64, Error> {
        if let Some(RoundingRule {
            increment: Some(inc),
            mode,
            ..
        }) = rule
            && let Some(u) = self.to_increment_u64(v, *inc, *mode)
        {
            return Ok(u);
        }
        // To the minor unit, an amount with the lane's decimals is its units (a goods value,
        // a share): what `round_exact_out` gives, as `round_int` drops no digit then.
        if rule.is_none_or(|r| r.increment.is_none())
            && v.scale == self.scale
            && self.scale <= self.minor
            && let Ok(u) = i64::try_from(v.m)
        {
            return Ok(u);
        }
        self.round_exact_out(v, rule)
    }

    /// [`Lane::round_exact`] past its inlined path (which gives the same result where it
    /// answers).
    #[inline(never)]
    fn round_exact_out(self, v: Exact, rule: Option<&RoundingRule>) -> Result<i64, Error> {
        if let Some(RoundingRule {
            increment: Some(inc),
            mode,
            ..
        }) = rule
        {
            if let Some(u) = self.to_increment_int(v, *inc, *mode) {
                return Ok(u);
            }
            return self.units(round_to_increment(v.dec()?, *inc, *mode)?);
        }
        let mode = rule.map_or(RoundingMode::HalfUp, |r| r.mode);
        let s = v.scale;
        let minor = if s <= self.minor {
            Some(v.m)
        } else {
            round_int(v.m, s.wrapping_sub(self.minor), mode)
        };
        let up = self.step(s.min(self.minor))?;
        minor
            .and_then(|m| i64::try_from(m).ok())
            .and_then(|m| m.checked_mul(up))
            .ok_or_else(|| Error::overflow(OP))
    }

    /// `units × percent / 100`, exactly (the integer product read at a wider scale; the
    /// `Decimal` product, which rounds, when that does not fit).
    #[inline]
    pub(crate) fn percent_of(self, units: i64, percent: Decimal) -> Result<Exact, Error> {
        let scale = self.scale.saturating_add(percent.scale()).saturating_add(2);
        if let Ok(p) = i64::try_from(percent.mantissa())
            && let Some(e) = Exact::of_product(units, p, scale)
        {
            return Ok(e);
        }
        percent_of(self.dec(units), percent).map(Exact::of)
    }

    /// The integer split of `units` over up to 16 weights at different scales or beyond 64
    /// bits, brought to their widest scale; false when they do not fit 128 bits.
    fn split_wide(
        units: i64,
        n: usize,
        weight: &impl Fn(usize) -> (i128, u32),
        out: &mut [i64; 16],
    ) -> bool {
        let mut w = [0u128; 16];
        let mut scales = [0u32; 16];
        for ((slot, s), i) in w.iter_mut().zip(scales.iter_mut()).take(n).zip(0..) {
            let (m, scale) = weight(i);
            *slot = m.unsigned_abs();
            *s = scale;
        }
        let common = scales.iter().take(n).copied().max().unwrap_or(0);
        for (slot, s) in w.iter_mut().zip(scales).take(n) {
            let up = usize::try_from(common.wrapping_sub(s)).unwrap_or(usize::MAX);
            match u32::try_from(up)
                .ok()
                .and_then(pow10_u128)
                .and_then(|p| slot.checked_mul(p))
            {
                Some(x) => *slot = x,
                None => return false,
            }
        }
        w.get(..n)
            .zip(out.get_mut(..n))
            .is_some_and(|(w, o)| split_units(units, w, o).is_some())
    }

    /// Splits `amount` units (a multiple of one unit of scale `at`) by 64-bit `weights`
    /// into `out` on integers, as [`Lane::split`] does; false when the split does not fit
    /// that path (then use [`Lane::split`]).
    pub(crate) fn split_small(
        self,
        amount: i64,
        at: u32,
        weights: &[u64],
        out: &mut [i64],
    ) -> Result<bool, Error> {
        if let ([_], [only, ..]) = (weights, &mut *out) {
            *only = amount;
            return Ok(true);
        }
        let step = self.step(at)?;
        if amount.checked_rem(step) != Some(0)
            || split_u64(amount.checked_div(step).unwrap_or(0), weights, out).is_none()
        {
            return Ok(false);
        }
        for o in out.iter_mut().take(weights.len()) {
            *o = o.checked_mul(step).ok_or_else(|| Error::overflow(OP))?;
        }
        Ok(true)
    }

    /// Splits `amount` units (a multiple of one unit of scale `at`) over `n` parts in
    /// proportion to `weight(i)`'s magnitude, by the largest remainder (see
    /// [`crate::allocate`]), and hands each share to `apply`.
    pub(crate) fn split(
        self,
        amount: i64,
        at: u32,
        n: usize,
        weight: impl Fn(usize) -> (i128, u32),
        mut apply: impl FnMut(usize, i64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        const STACK: usize = 16;
        if n == 1 {
            return apply(0, amount);
        }
        let step = self.step(at)?;
        if n <= STACK && amount.checked_rem(step) == Some(0) {
            let units = amount.checked_div(step).unwrap_or(0);
            // The common case: every weight at one scale and within 64 bits.
            let mut small = [0u64; STACK];
            let mut scale = None;
            let mut fits = true;
            for (slot, i) in small.iter_mut().take(n).zip(0..) {
                let (m, s) = weight(i);
                match u64::try_from(m.unsigned_abs()) {
                    Ok(x) if *scale.get_or_insert(s) == s => *slot = x,
                    _ => {
                        fits = false;
                        break;
                    }
                }
            }
            let mut out = [0i64; STACK];
            let done = match small.get(..n).zip(out.get_mut(..n)).filter(|_| fits) {
                Some((w, o)) => self.split_small(amount, at, w, o)?,
                None => false,
            };
            if done || Self::split_wide(units, n, &weight, &mut out) {
                for (i, share) in out.iter().take(n).enumerate() {
                    let share = if done {
                        *share
                    } else {
                        share.checked_mul(step).ok_or_else(|| Error::overflow(OP))?
                    };
                    apply(i, share)?;
                }
                return Ok(());
            }
        }
        allocate_by(
            self.dec(amount),
            n,
            |i| {
                let (m, scale) = weight(i);
                Decimal::try_from_i128_with_scale(m.abs(), scale).unwrap_or_default()
            },
            at,
            |i, share| apply(i, self.units(share)?),
        )
    }

    /// Splits `amount` units (a multiple of one unit of scale `at`) over parts that each own
    /// `num / den` of one of `groups` equal wholes, by the largest remainder compared exactly
    /// as fractions (the earlier part first on a tie), and hands each share to `apply`. The
    /// ratios of the parts must add up to `groups`; a split that does not is an overflow
    /// error, never a silent shortfall.
    pub(crate) fn split_ratios(
        self,
        amount: i64,
        at: u32,
        groups: u32,
        ratios: impl Iterator<Item = (u64, u64)>,
        mut apply: impl FnMut(usize, i64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let step = self.step(at)?;
        let ovf = || Error::overflow(OP);
        let units = u128::from(
            amount
                .checked_div(step)
                .filter(|_| amount.checked_rem(step) == Some(0))
                .ok_or_else(ovf)?
                .unsigned_abs(),
        );
        // (floor share, remainder, denominator) of each part: share = units × num / den'.
        let mut parts: Vec<(u128, u128, u128)> = Vec::with_capacity(ratios.size_hint().0);
        let mut allotted: u128 = 0;
        for (num, den) in ratios {
            let d = u128::from(den)
                .checked_mul(u128::from(groups))
                .filter(|d| *d != 0)
                .ok_or_else(ovf)?;
            let n = units.checked_mul(u128::from(num)).ok_or_else(ovf)?;
            let (q, r) = (
                n.checked_div(d).ok_or_else(ovf)?,
                n.checked_rem(d).ok_or_else(ovf)?,
            );
            allotted = allotted.checked_add(q).ok_or_else(ovf)?;
            parts.push((q, r, d));
        }
        let left =
            usize::try_from(units.checked_sub(allotted).ok_or_else(ovf)?).map_err(|_| ovf())?;
        if left > parts.len() {
            return Err(ovf());
        }
        // The parts by remainder fraction, largest first; a stable sort keeps line order on ties.
        let mut order: Vec<usize> = (0..parts.len()).collect();
        order.sort_by(|a, b| match (parts.get(*a), parts.get(*b)) {
            (Some(&(_, ra, da)), Some(&(_, rb, db))) => cmp_fractions(rb, da, ra, db),
            _ => core::cmp::Ordering::Equal,
        });
        for i in order.into_iter().take(left) {
            if let Some(p) = parts.get_mut(i) {
                p.0 = p.0.checked_add(1).ok_or_else(ovf)?;
            }
        }
        for (i, (q, _, _)) in parts.into_iter().enumerate() {
            let share = i64::try_from(q)
                .ok()
                .and_then(|q| q.checked_mul(step))
                .ok_or_else(ovf)?;
            apply(
                i,
                if amount < 0 {
                    share.checked_neg().ok_or_else(ovf)?
                } else {
                    share
                },
            )?;
        }
        Ok(())
    }
}

/// The order of `a × b` and `c × d`: on 128-bit products when both fit (the remainders and
/// denominators of a split are usually below 64 bits), else on the 256-bit products of
/// `wide_mul`; the same order either way.
#[inline]
fn cmp_fractions(a: u128, b: u128, c: u128, d: u128) -> core::cmp::Ordering {
    match (a.checked_mul(b), c.checked_mul(d)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => wide_mul(a, b).cmp(&wide_mul(c, d)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )]

    use super::*;
    use crate::data::{RoundingStage, RoundingTarget};

    /// `unit_rounding(..).round` gives what `round_exact` gives on the same amount at the lane's scale,
    /// in every mode, for whole, finer-than-lane and scaled increments and at the limits of
    /// 64 bits.
    #[test]
    fn round_units_equals_round_exact() {
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
        let mut units: Vec<i64> = (-1_050..=1_050).collect();
        units.extend([
            i64::MAX,
            i64::MIN + 1,
            i64::MAX - 99,
            9_223_372_036_854_775_000,
        ]);
        for lane in [Lane { scale: 0, minor: 0 }, Lane { scale: 2, minor: 2 }] {
            for inc in ["1", "100", "1000", "100.0", "0.05", "0.001", "0"] {
                for mode in modes {
                    let rule = RoundingRule {
                        territory: "JP".parse().unwrap(),
                        target: RoundingTarget::Tax,
                        stage: RoundingStage::Line,
                        increment: Some(inc.parse().unwrap()),
                        mode,
                        line: None,
                        chain: None,
                        declaration: false,
                    };
                    for &u in &units {
                        let exact = Exact {
                            m: i128::from(u),
                            scale: lane.scale,
                        };
                        let want = lane.round_exact(exact, Some(&rule));
                        let got = lane.unit_rounding(&rule).round(u);
                        match (want, got) {
                            (Ok(w), Ok(g)) => assert_eq!(g, w, "{u} per {inc} {mode:?}"),
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!("{u} per {inc} {mode:?}: {w:?} vs {g:?}"),
                        }
                    }
                }
            }
        }
    }

    /// €3 per subheading over lines of €15 and €18 (one subheading): 300 cents in 15:18.
    #[test]
    fn ratios_split_by_exact_fractions() {
        let lane = Lane { scale: 2, minor: 2 };
        let mut out = vec![0i64; 2];
        lane.split_ratios(
            300,
            2,
            1,
            [(1500, 3300), (1800, 3300)].into_iter(),
            |i, s| {
                out[i] = s;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(out, [136, 164]);
        // Two groups of 600: a line alone in its group, two lines of 1:2 in the other.
        let mut out = vec![0i64; 3];
        lane.split_ratios(600, 2, 2, [(1, 1), (1, 3), (2, 3)].into_iter(), |i, s| {
            out[i] = s;
            Ok(())
        })
        .unwrap();
        assert_eq!(out, [300, 100, 200]);
        // Ties go to the earlier part: 1 cent over three equal thirds.
        let mut out = vec![0i64; 3];
        lane.split_ratios(1, 2, 1, [(1, 3), (1, 3), (1, 3)].into_iter(), |i, s| {
            out[i] = s;
            Ok(())
        })
        .unwrap();
        assert_eq!(out, [1, 0, 0]);
    }
}
