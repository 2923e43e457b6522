//! Bulk repricing: a catalogue at a time, into the caller's buffers.
//!
//! [`Repricer::reprice_minor_into`] takes integer minor units of the source currency and writes
//! integer minor units of the target; [`Repricer::reprice_into`] does the same with `Decimal`
//! amounts; [`Repricer::reprice_bulk`] allocates its result. All three give, price for price,
//! exactly what [`Repricer::amount`] gives: the rates, markup, rounding and ending are resolved
//! once per call, each price goes through the exact integer arithmetic of [`fixed`] when it
//! fits, and through the `Decimal` path (for that price alone) when it does not.

use rust_decimal::Decimal;

use self::fixed::{Factor, FastConvert};
use super::engine::Repricer;
use crate::codes::Currency;
use crate::error::Error;
use crate::money::{RoundingMode, scaled_int};

pub(crate) mod fixed {
    //! The exact integer arithmetic of bulk repricing, and its invariants.
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
    //!
    //! # Invariants
    //! For a [`Factor`] `K/M = Q + R/M` (in lowest terms, `M < 2^64`) and a mantissa `a` with
    //! `|a| <= a_max`:
    //! 1. `|a|·Q` and `|a|·R` fit a `u64` (so the wrapping multiplies never wrap);
    //! 2. `|a|·K < 10^26` and the scales of `a × rate(to) × factor` add up to at most 28, so the
    //!    `Decimal` path's product is exact and its one division cannot move the value across a
    //!    rounding boundary;
    //! 3. `|a|·(Q + 1) <= 2^62`, so the quotient, the rounding step and the sign fit an `i64`;
    //! 4. [`Divider::divrem`] returns the exact quotient and remainder for every `u64`.
    //!
    //! Rounding decides on the exact remainder with the same rule as every other integer path
    //! of the crate ([`rounds_away`]). Outside these bounds the caller takes the `Decimal` path
    //! for that price: never a different answer, only a slower one.

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

    /// The factor `K/M = Q + R/M` for amounts of one scale, in lowest terms, with the bound
    /// `a_max` under which the invariants at the top of this module hold.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Factor {
        q: u64,
        r: u64,
        div: Divider,
        /// Largest mantissa magnitude the fast path takes.
        a_max: u64,
    }

    /// Precomputed integer conversion for one (from, to, markup, target scale, mode), for
    /// amounts of any scale from 0 to 8.
    #[derive(Debug, Clone)]
    pub(crate) struct FastConvert {
        by_scale: [Option<Factor>; 9],
        mode: RoundingMode,
    }

    /// Mantissa and scale of a decimal as (u128 magnitude, scale).
    fn parts(d: Decimal) -> (u128, u32) {
        (d.mantissa().unsigned_abs(), d.scale())
    }

    fn gcd(mut a: u128, mut b: u128) -> u128 {
        while let Some(t) = a.checked_rem(b) {
            a = b;
            b = t;
        }
        a
    }

    const LIMIT: u128 = 100_000_000_000_000_000_000_000_000; // 10^26

    impl Factor {
        /// The factor for amounts with `s` decimals converted `× rate_to × factor / rate_from`
        /// into minor units of `out_scale` decimals; `None` when the rates are too precise for
        /// the integer path (every such amount then takes the `Decimal` path).
        pub(crate) fn new(
            rate_from: Decimal,
            rate_to: Decimal,
            factor: Decimal,
            out_scale: u32,
            s: u32,
        ) -> Option<Self> {
            let (from_m, s_from) = parts(rate_from);
            let (to_m, s_to) = parts(rate_to);
            let (fac_m, s_fac) = parts(factor);
            if rate_from <= Decimal::ZERO || rate_to <= Decimal::ZERO || factor <= Decimal::ZERO {
                return None;
            }
            // The Decimal path's product amount × rate_to × factor has this scale; beyond 28 it
            // would be rounded, so such amounts take that path.
            if s.checked_add(s_to)?.checked_add(s_fac)? > 28 {
                return None;
            }
            // value in target minor units = a × to_m × fac_m × 10^(out_scale + s_from)
            //                                / (from_m × 10^(s + s_to + s_fac))
            let k = to_m
                .checked_mul(fac_m)?
                .checked_mul(10u128.checked_pow(out_scale.checked_add(s_from)?)?)?;
            let m = from_m
                .checked_mul(10u128.checked_pow(s.checked_add(s_to)?.checked_add(s_fac)?)?)?;
            let g = gcd(k, m);
            let (k2, m2) = (k.checked_div(g)?, m.checked_div(g)?);
            let q = u64::try_from(k2.checked_div(m2)?).ok()?;
            let r = u64::try_from(k2.checked_rem(m2)?).ok()?;
            let div = Divider::new(u64::try_from(m2).ok()?)?;
            let a_max = [
                // Invariant 1: a·R and a·Q fit a u64.
                u128::from(u64::MAX).checked_div(u128::from(r.max(1)))?,
                u128::from(u64::MAX).checked_div(u128::from(q.max(1)))?,
                // Invariant 2: a·K < 10^26, where the Decimal path rounds the same way.
                LIMIT.checked_div(k.max(1))?,
                // Invariant 3: a·K/M + 1 < a·(Q + 1) + 1 <= 2^62 + 1, so the rounded result
                // fits an i64 of minor units with room to spare.
                (1u128 << 62).checked_div(u128::from(q.saturating_add(1)))?,
            ]
            .into_iter()
            .min()?;
            Some(Self {
                q,
                r,
                div,
                a_max: u64::try_from(a_max).unwrap_or(u64::MAX),
            })
        }

        /// `a × K / M` for a mantissa `a` (negative: the magnitude is converted and the sign
        /// restored), rounded to a whole number with `mode`; `None` when `|a| > a_max`.
        #[inline(always)]
        pub(crate) fn convert(self, a: i64, mode: RoundingMode) -> Option<i64> {
            let neg = a < 0;
            let a = a.unsigned_abs();
            if a > self.a_max {
                return None;
            }
            // Invariant 1 (a <= a_max): a·q and a·r do not wrap; invariant 3: neither does the
            // sum nor the rounding step, and the result fits an i64.
            let whole = a.wrapping_mul(self.q);
            let (q1, rem) = self.div.divrem(a.wrapping_mul(self.r));
            let q = whole.wrapping_add(q1);
            let up = rounds_away(
                q & 1 == 1,
                u128::from(rem),
                u128::from(self.div.d),
                neg,
                mode,
            );
            let mag = q.wrapping_add(u64::from(up)) as i64;
            // mag >= 0, so its negation cannot overflow.
            Some(if neg { mag.wrapping_neg() } else { mag })
        }
    }

    impl FastConvert {
        /// Prepares `× rate_to × factor / rate_from`, rounded to `out_scale` decimals with
        /// `mode`, for amounts of every scale from 0 to 8.
        pub(crate) fn new(
            rate_from: Decimal,
            rate_to: Decimal,
            factor: Decimal,
            out_scale: u32,
            mode: RoundingMode,
        ) -> Self {
            let mut by_scale = [None; 9];
            for (s, slot) in (0u32..).zip(by_scale.iter_mut()) {
                *slot = Factor::new(rate_from, rate_to, factor, out_scale, s);
            }
            Self { by_scale, mode }
        }

        /// The converted amount in target minor units, or `None` when the amount is outside the
        /// fast path's bounds.
        #[inline]
        pub(crate) fn convert_minor(&self, amount: Decimal) -> Option<i64> {
            let scale = usize::try_from(amount.scale()).ok()?;
            let f = (*self.by_scale.get(scale)?)?;
            f.convert(i64::try_from(amount.mantissa()).ok()?, self.mode)
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
}

/// `prices[i]`, the field of a bulk error.
fn at(i: usize, e: &Error) -> Error {
    Error::input(format!("prices[{i}]"), e.to_string())
}

/// Both slices must have the same length; the error names the first index without a pair.
fn same_len(prices: usize, out: usize) -> Result<(), Error> {
    if prices == out {
        return Ok(());
    }
    let field = if out < prices {
        format!("prices[{out}]")
    } else {
        format!("out[{prices}]")
    };
    Err(Error::input(
        field,
        format!(
            "{prices} prices for an output of {out}; give an output slice of the same length as the prices"
        ),
    ))
}

impl Repricer {
    /// Reprices a catalogue: every amount (in `from`) converted, rounded and ended exactly as
    /// [`Repricer::amount`] would, with the rates, markup and rules resolved once. Allocates
    /// the result; [`Repricer::reprice_into`] writes into a buffer of the caller's and
    /// [`Repricer::reprice_minor_into`] works on integer minor units, both faster.
    ///
    /// # Errors
    /// [`Error::NoReferenceRate`] for an unlisted `from`; the first failing amount's error
    /// (overflow, ending), with its position (`prices[17]`) in [`Error::InvalidInput`]'s field.
    pub fn reprice_bulk(&self, from: Currency, amounts: &[Decimal]) -> Result<Vec<Decimal>, Error> {
        let mut out = vec![Decimal::ZERO; amounts.len()];
        self.reprice_into(from, amounts, &mut out)?;
        Ok(out)
    }

    /// Reprices `prices` (amounts in `from`) into `out`, price for price exactly as
    /// [`Repricer::amount`] would (rounded to the target's minor unit, then the policy's
    /// ending when it has one), without allocating. Amounts go through an exact integer fast
    /// path where they fit and through the `Decimal` path otherwise.
    ///
    /// On error, the prices before the offending one have been written and the rest of `out`
    /// is unspecified.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first index without a pair when the slices differ in
    /// length (`prices[3]` when `out` is shorter, `out[4]` when it is longer);
    /// [`Error::NoReferenceRate`] for an unlisted `from`; the first failing price's error
    /// (overflow, an ending that would reach zero) as [`Error::InvalidInput`] with the field
    /// `prices[i]`.
    ///
    /// # Example
    /// ```
    /// use std::sync::Arc;
    /// use landed::data::ReferenceRates;
    /// use landed::fx::{FxPolicy, Repricer};
    /// use landed::{Bps, RateTables, RoundingMode};
    /// use rust_decimal::Decimal;
    /// let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 21).ok_or("date")?;
    /// let eur: Decimal = "0.867519".parse()?;
    /// let rates = ReferenceRates::new("USD".parse()?, date, "TEST", [("EUR".parse()?, eur)])?;
    /// let policy = FxPolicy::new("EUR".parse()?)
    ///     .with_markup(Bps::new(150.into()))
    ///     .with_rounding(RoundingMode::HalfEven);
    /// let repricer = Repricer::new(RateTables::embedded()?, Arc::new(rates), &policy, None)?;
    /// let prices: Vec<Decimal> = vec!["1.00".parse()?, "24.99".parse()?, "-10.00".parse()?];
    /// let mut out = vec![Decimal::ZERO; prices.len()];
    /// repricer.reprice_into("USD".parse()?, &prices, &mut out)?;
    /// // 24.99 × 0.867519 × 1.015 = 22.0044…
    /// assert_eq!(out, ["0.88".parse::<Decimal>()?, "22.00".parse()?, "-8.81".parse()?]);
    /// let e = repricer.reprice_into("USD".parse()?, &prices, &mut out[..2]).unwrap_err();
    /// assert!(e.to_string().contains("prices[2]"), "{e}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reprice_into(
        &self,
        from: Currency,
        prices: &[Decimal],
        out: &mut [Decimal],
    ) -> Result<(), Error> {
        same_len(prices.len(), out.len())?;
        self.rates.rate(from)?;
        let fast = self.fast_convert(from);
        for (i, (a, o)) in prices.iter().zip(out.iter_mut()).enumerate() {
            *o = match fast.as_ref().and_then(|f| f.convert_minor(*a)) {
                Some(minor) => {
                    let ended = match &self.ending {
                        Some(e) => e.apply_minor(minor).map_err(|e| at(i, &e))?,
                        None => minor,
                    };
                    Decimal::try_new(ended, self.scale)
                        .map_err(|_| at(i, &Error::overflow("bulk result")))?
                }
                None => self.amount(*a, from).map_err(|e| at(i, &e))?,
            };
        }
        Ok(())
    }

    /// The integer conversion from `from` into this repricer's minor units, rounded and
    /// before the ending: equal to [`Repricer::amount`] without its ending wherever it answers
    /// (see [`fixed`]). `None` when `from` has no rate, or the markup factor is not exactly
    /// 1 + bps/10,000 (a markup with more than 24 decimals): every price then takes the exact
    /// `Decimal` path.
    pub(crate) fn fast_convert(&self, from: Currency) -> Option<FastConvert> {
        let rate_from = self.rates.rate(from).ok()?;
        self.factor_exact.then(|| {
            FastConvert::new(
                rate_from,
                self.rate_to,
                self.factor,
                self.scale,
                self.rounding,
            )
        })
    }

    /// Whether the policy ends prices (then [`Repricer::fast_convert`] is not the whole
    /// answer of [`Repricer::amount`]).
    pub(crate) const fn has_ending(&self) -> bool {
        self.ending.is_some()
    }

    /// Reprices `prices`, integer minor units of `from` (ISO 4217, as
    /// [`Currency::minor_unit_scale`] gives: cents for USD, yen for JPY, fils for KWD), into
    /// `out`, integer minor units of the target (with [`Repricer::scale`] decimals). Each
    /// result is exactly [`Repricer::amount`] of `prices[i]` read at `from`'s scale, rounded
    /// to the target's minor unit and then ended with the policy's ending when it has one.
    ///
    /// This is the fast path for catalogues: no allocation, no `Decimal` in the loop when the
    /// rates and the price fit the exact integer arithmetic (prices outside it take the
    /// `Decimal` path one by one, with the same answer). On error, the prices before the
    /// offending one have been written and the rest of `out` is unspecified.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first index without a pair when the slices differ in
    /// length (`prices[3]` when `out` is shorter, `out[4]` when it is longer);
    /// [`Error::NoReferenceRate`] for an unlisted `from`; [`Error::NotPriceable`] for a
    /// source currency without minor units; the first failing price's error (overflow, a
    /// result beyond `i64`, an ending that would reach zero) as [`Error::InvalidInput`] with
    /// the field `prices[i]`.
    ///
    /// # Example
    /// ```
    /// use std::sync::Arc;
    /// use landed::data::ReferenceRates;
    /// use landed::ending::PriceEnding;
    /// use landed::fx::{EndingChoice, FxPolicy, Repricer};
    /// use landed::{Bps, RateTables, RoundingMode};
    /// let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 21).ok_or("date")?;
    /// let rates = Arc::new(ReferenceRates::new(
    ///     "USD".parse()?, date, "TEST", [("EUR".parse()?, "0.867519".parse()?)],
    /// )?);
    /// let policy = FxPolicy::new("EUR".parse()?)
    ///     .with_markup(Bps::new(150.into()))
    ///     .with_rounding(RoundingMode::HalfEven);
    /// let tables = RateTables::embedded()?;
    /// let repricer = Repricer::new(tables, Arc::clone(&rates), &policy, None)?;
    /// let cents = [100, 2499, -1000];
    /// let mut eur_cents = [0i64; 3];
    /// repricer.reprice_minor_into("USD".parse()?, &cents, &mut eur_cents)?;
    /// assert_eq!(eur_cents, [88, 2200, -881]);
    ///
    /// // With a .99 ending.
    /// let ending: PriceEnding = serde_json::from_str(
    ///     r#"{"kind":"increment","increment":"1.00","offset":"-0.01"}"#,
    /// )?;
    /// let charm = Repricer::new(tables, rates, &policy.with_ending(EndingChoice::Rule(ending)), None)?;
    /// charm.reprice_minor_into("USD".parse()?, &cents, &mut eur_cents)?;
    /// assert_eq!(eur_cents, [99, 2299, -899]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reprice_minor_into(
        &self,
        from: Currency,
        prices: &[i64],
        out: &mut [i64],
    ) -> Result<(), Error> {
        same_len(prices.len(), out.len())?;
        let rate_from = self.rates.rate(from)?;
        let src_scale = from.minor_unit_scale()?;
        // As in `reprice_into`: no integer path on an inexact markup factor.
        let factor = self
            .factor_exact
            .then(|| Factor::new(rate_from, self.rate_to, self.factor, self.scale, src_scale))
            .flatten();
        let Some(f) = factor else {
            return self.minor_loop(None, self.rounding, from, src_scale, prices, out);
        };
        // One copy of the loop per rounding mode, so the mode's test folds into the loop.
        let f = Some(f);
        match self.rounding {
            RoundingMode::HalfUp => {
                self.minor_loop(f, RoundingMode::HalfUp, from, src_scale, prices, out)
            }
            RoundingMode::HalfDown => {
                self.minor_loop(f, RoundingMode::HalfDown, from, src_scale, prices, out)
            }
            RoundingMode::HalfEven => {
                self.minor_loop(f, RoundingMode::HalfEven, from, src_scale, prices, out)
            }
            RoundingMode::HalfCeiling => {
                self.minor_loop(f, RoundingMode::HalfCeiling, from, src_scale, prices, out)
            }
            RoundingMode::Up => self.minor_loop(f, RoundingMode::Up, from, src_scale, prices, out),
            RoundingMode::Down => {
                self.minor_loop(f, RoundingMode::Down, from, src_scale, prices, out)
            }
            RoundingMode::Ceiling => {
                self.minor_loop(f, RoundingMode::Ceiling, from, src_scale, prices, out)
            }
            RoundingMode::Floor => {
                self.minor_loop(f, RoundingMode::Floor, from, src_scale, prices, out)
            }
        }
    }

    #[inline(always)]
    fn minor_loop(
        &self,
        f: Option<Factor>,
        mode: RoundingMode,
        from: Currency,
        src_scale: u32,
        prices: &[i64],
        out: &mut [i64],
    ) -> Result<(), Error> {
        for (i, (&x, o)) in prices.iter().zip(out.iter_mut()).enumerate() {
            *o = match f.and_then(|f| f.convert(x, mode)) {
                Some(minor) => match &self.ending {
                    None => minor,
                    Some(e) => e.apply_minor(minor).map_err(|e| at(i, &e))?,
                },
                None => self
                    .minor_by_decimal(x, src_scale, from)
                    .map_err(|e| at(i, &e))?,
            };
        }
        Ok(())
    }

    /// One price in minor units through the `Decimal` path.
    #[cold]
    fn minor_by_decimal(&self, x: i64, src_scale: u32, from: Currency) -> Result<i64, Error> {
        let a = Decimal::try_new(x, src_scale).map_err(|_| Error::overflow("bulk input"))?;
        let v = self.amount(a, from)?;
        scaled_int(v, self.scale)
            .and_then(|m| i64::try_from(m).ok())
            .ok_or_else(|| Error::overflow("bulk result in minor units"))
    }
}
