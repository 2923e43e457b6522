//! The money core: [`Money`], [`RoundingMode`], rounding to a scale or an increment, and exact
//! allocation by weights.
//!
//! All arithmetic is checked: `rust_decimal`'s operators panic on overflow, so every operation
//! here uses `checked_*` and returns [`Error::Overflow`] naming the operation instead.

use core::fmt;
use core::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::codes::{Currency, parse_decimal};
use crate::error::{Error, ParseProblem, ValueKind};

mod quotient;
pub(crate) use quotient::{half_up as half_up_quotient, half_up_of_quotient};

/// How to round a value that lies between two representable results.
///
/// Serialized by the snake_case names below, which every JSON wire format of the crate uses.
/// This is our own enum (mapped onto `rust_decimal::RoundingStrategy`) so that the crate's
/// semver does not follow rust_decimal's.
///
/// | name | rule | 2.5 | −2.5 | 2.4 | −2.6 |
/// |---|---|---|---|---|---|
/// | `half_even` | nearest, ties to even | 2 | −2 | 2 | −3 |
/// | `half_up` | nearest, ties away from zero | 3 | −3 | 2 | −3 |
/// | `half_down` | nearest, ties toward zero | 2 | −2 | 2 | −3 |
/// | `half_ceiling` | nearest, ties toward +∞ | 3 | −2 | 2 | −3 |
/// | `up` | away from zero | 3 | −3 | 3 | −3 |
/// | `down` | toward zero | 2 | −2 | 2 | −2 |
/// | `ceiling` | toward +∞ | 3 | −2 | 3 | −2 |
/// | `floor` | toward −∞ | 2 | −3 | 2 | −3 |
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundingMode {
    /// Nearest; ties to the even neighbour (banker's rounding).
    HalfEven,
    /// Nearest; ties away from zero (commercial rounding). The default.
    #[default]
    HalfUp,
    /// Nearest; ties toward zero.
    HalfDown,
    /// Away from zero.
    Up,
    /// Toward zero (truncation).
    Down,
    /// Toward positive infinity.
    Ceiling,
    /// Toward negative infinity.
    Floor,
    /// Nearest; ties toward positive infinity.
    HalfCeiling,
}

impl RoundingMode {
    /// Every mode, for tables and tests.
    pub const ALL: [Self; 8] = [
        Self::HalfEven,
        Self::HalfUp,
        Self::HalfDown,
        Self::Up,
        Self::Down,
        Self::Ceiling,
        Self::Floor,
        Self::HalfCeiling,
    ];

    /// The wire name, e.g. `"half_even"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::HalfEven => "half_even",
            Self::HalfUp => "half_up",
            Self::HalfDown => "half_down",
            Self::Up => "up",
            Self::Down => "down",
            Self::Ceiling => "ceiling",
            Self::Floor => "floor",
            Self::HalfCeiling => "half_ceiling",
        }
    }

    /// The rust_decimal strategy for a value of the given sign. Only `half_ceiling` depends on
    /// the sign: its ties go away from zero when positive and toward zero when negative.
    const fn strategy(self, negative: bool) -> RoundingStrategy {
        match self {
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
            Self::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfDown => RoundingStrategy::MidpointTowardZero,
            Self::Up => RoundingStrategy::AwayFromZero,
            Self::Down => RoundingStrategy::ToZero,
            Self::Ceiling => RoundingStrategy::ToPositiveInfinity,
            Self::Floor => RoundingStrategy::ToNegativeInfinity,
            Self::HalfCeiling => {
                if negative {
                    RoundingStrategy::MidpointTowardZero
                } else {
                    RoundingStrategy::MidpointAwayFromZero
                }
            }
        }
    }
}

impl fmt::Display for RoundingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RoundingMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| {
                Error::parse(
                    ValueKind::RoundingMode,
                    s,
                    ParseProblem::Malformed(
                        "expected one of half_even, half_up, half_down, up, down, ceiling, floor, half_ceiling",
                    ),
                )
            })
    }
}

/// Whether a magnitude `q + rem/d` (`0 <= rem < d`) of a value with sign `neg` rounds away from
/// zero under `mode`. The integer fast paths (FX bulk, fee schedules) round with this, so they
/// decide exactly as [`round_to_scale`] does.
#[inline]
pub(crate) const fn rounds_away(
    q_odd: bool,
    rem: u128,
    d: u128,
    neg: bool,
    mode: RoundingMode,
) -> bool {
    if rem == 0 {
        return false;
    }
    // rem < d, so d − rem does not wrap; comparing rem with it compares rem with d/2.
    let other = d.wrapping_sub(rem);
    match mode {
        RoundingMode::HalfUp => rem >= other,
        RoundingMode::HalfDown => rem > other,
        RoundingMode::HalfEven => rem > other || (rem == other && q_odd),
        RoundingMode::HalfCeiling => rem > other || (rem == other && !neg),
        RoundingMode::Up => true,
        RoundingMode::Down => false,
        RoundingMode::Ceiling => !neg,
        RoundingMode::Floor => neg,
    }
}

/// Rounds an integer `value` (read with `drop` more decimals than wanted) to a whole number of
/// the wanted unit: `value / 10^drop`, rounded with `mode`. `None` when `10^drop` overflows.
#[inline]
pub(crate) fn round_int(value: i128, drop: u32, mode: RoundingMode) -> Option<i128> {
    if drop == 0 {
        return Some(value);
    }
    let neg = value < 0;
    let mag = value.unsigned_abs();
    let d = match POW10.get(usize::try_from(drop).ok()?) {
        Some(p) => u128::try_from(*p).ok()?,
        None => pow10_u128(drop)?,
    };
    // Most fees fit 64 bits; their division is a single hardware instruction.
    let (q, rem) = match (u64::try_from(mag), u64::try_from(d)) {
        (Ok(m), Ok(d64)) => (
            u128::from(m.checked_div(d64)?),
            u128::from(m.checked_rem(d64)?),
        ),
        _ => (mag.checked_div(d)?, mag.checked_rem(d)?),
    };
    let q = q.checked_add(u128::from(rounds_away(q & 1 == 1, rem, d, neg, mode)))?;
    let q = i128::try_from(q).ok()?;
    Some(if neg { q.wrapping_neg() } else { q })
}

/// `value × 10^scale` as an exact integer (`None` when the value has more decimals than
/// `scale` or the result leaves `i128`): the entry to every integer fast path (price endings,
/// fee schedules).
pub(crate) fn scaled_int(value: Decimal, scale: u32) -> Option<i128> {
    let mut v = value;
    if v.scale() > scale {
        v = v.normalize();
        if v.scale() > scale {
            return None;
        }
    }
    let shift = scale.checked_sub(v.scale())?;
    let factor = match POW10.get(usize::try_from(shift).ok()?) {
        Some(p) => i128::from(*p),
        None => 10i128.checked_pow(shift)?,
    };
    v.mantissa().checked_mul(factor)
}

/// Rounds `value` to `scale` decimal places with `mode`. The result has exactly `scale`
/// decimals when the value had at least that many (so `12.5` at scale 2 stays `12.5`, and
/// `12.345` becomes `12.35` under `half_up`).
///
/// # Example
/// ```
/// use landed::{RoundingMode, round_to_scale};
/// use rust_decimal::Decimal;
/// let v: Decimal = "-2.345".parse()?;
/// assert_eq!(round_to_scale(v, 2, RoundingMode::HalfCeiling).to_string(), "-2.34");
/// assert_eq!(round_to_scale(v, 2, RoundingMode::HalfUp).to_string(), "-2.35");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn round_to_scale(value: Decimal, scale: u32, mode: RoundingMode) -> Decimal {
    value.round_dp_with_strategy(scale, mode.strategy(value.is_sign_negative()))
}

/// Rounds `value` to a multiple of `increment` with `mode` (CHF cash 0.05, JPY 100, KWD 0.010).
/// The result carries the increment's scale.
///
/// # Errors
/// [`Error::InvalidIncrement`] when `increment <= 0`; [`Error::Overflow`] when the quotient or
/// product leaves `Decimal`'s range.
///
/// # Example
/// ```
/// use landed::{RoundingMode, round_to_increment};
/// use rust_decimal::Decimal;
/// let v: Decimal = "12.325".parse()?;
/// let inc: Decimal = "0.05".parse()?;
/// assert_eq!(round_to_increment(v, inc, RoundingMode::HalfUp)?.to_string(), "12.35");
/// assert_eq!(round_to_increment(v, inc, RoundingMode::Floor)?.to_string(), "12.30");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn round_to_increment(
    value: Decimal,
    increment: Decimal,
    mode: RoundingMode,
) -> Result<Decimal, Error> {
    if increment <= Decimal::ZERO {
        return Err(Error::InvalidIncrement { increment });
    }
    let steps = value
        .checked_div(increment)
        .ok_or(Error::overflow("round to increment (divide)"))?;
    let whole = round_to_scale(steps, 0, mode);
    let mut out = whole
        .checked_mul(increment)
        .ok_or(Error::overflow("round to increment (multiply)"))?;
    // A product can carry more scale than the increment (e.g. when the increment was given as
    // 0.050); present it at the increment's scale where that is exact.
    if out.scale() > increment.scale() {
        out = out.normalize();
    }
    if out.scale() < increment.scale() {
        out.rescale(increment.scale());
    }
    Ok(out)
}

/// An amount of money in a currency. The amount is a `Decimal`; no `f64` anywhere.
///
/// Serializes as `{"amount":"12.34","currency":"EUR"}` with the amount always a string; a JSON
/// number is rejected on input because it may already have lost digits.
///
/// # Example
/// ```
/// use landed::{Money, RoundingMode};
/// let price = Money::parse("19.999", "EUR")?;
/// let rounded = price.round_to_minor(RoundingMode::HalfUp)?;
/// assert_eq!(rounded.to_string(), "20.00 EUR");
/// let total = rounded.checked_add(Money::parse("0.50", "eur")?)?;
/// assert_eq!(serde_json::to_string(&total)?, r#"{"amount":"20.50","currency":"EUR"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency.
    pub const fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// Zero in a currency.
    pub const fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    /// Parses a decimal string and a currency code.
    ///
    /// # Errors
    /// [`Error::Parse`] naming the bad decimal or currency.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, Error> {
        Ok(Self::new(
            parse_decimal(ValueKind::Decimal, amount)?,
            currency.parse()?,
        ))
    }

    /// The amount.
    pub const fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    fn same_currency(&self, other: &Self, operation: &'static str) -> Result<(), Error> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::CurrencyMismatch {
                operation,
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// `self + other`, same currency.
    ///
    /// # Errors
    /// [`Error::CurrencyMismatch`] or [`Error::Overflow`].
    pub fn checked_add(self, other: Self) -> Result<Self, Error> {
        self.same_currency(&other, "money add")?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(Error::overflow("money add"))?;
        Ok(Self::new(amount, self.currency))
    }

    /// `self - other`, same currency.
    ///
    /// # Errors
    /// [`Error::CurrencyMismatch`] or [`Error::Overflow`].
    pub fn checked_sub(self, other: Self) -> Result<Self, Error> {
        self.same_currency(&other, "money subtract")?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(Error::overflow("money subtract"))?;
        Ok(Self::new(amount, self.currency))
    }

    /// `self × factor` (a quantity, a rate), unrounded.
    ///
    /// # Errors
    /// [`Error::Overflow`].
    pub fn checked_mul(self, factor: Decimal) -> Result<Self, Error> {
        let amount = self
            .amount
            .checked_mul(factor)
            .ok_or(Error::overflow("money multiply"))?;
        Ok(Self::new(amount, self.currency))
    }

    /// `self ÷ divisor`, unrounded (28 significant digits).
    ///
    /// # Errors
    /// [`Error::DivisionByZero`] or [`Error::Overflow`].
    pub fn checked_div(self, divisor: Decimal) -> Result<Self, Error> {
        if divisor.is_zero() {
            return Err(Error::DivisionByZero {
                operation: "money divide",
            });
        }
        let amount = self
            .amount
            .checked_div(divisor)
            .ok_or(Error::overflow("money divide"))?;
        Ok(Self::new(amount, self.currency))
    }

    /// The amount with its sign flipped (exact: `Decimal`'s range is symmetric).
    pub fn negated(self) -> Self {
        Self::new(negate(self.amount), self.currency)
    }

    /// Rounds to the currency's ISO 4217 minor unit (2 decimals for EUR, 0 for JPY, 3 for
    /// KWD), always showing that many decimals.
    ///
    /// # Errors
    /// [`Error::NotPriceable`] for currencies without a minor unit.
    pub fn round_to_minor(self, mode: RoundingMode) -> Result<Self, Error> {
        let scale = self.currency.minor_unit_scale()?;
        Ok(self.round_to_scale(scale, mode))
    }

    /// Rounds to `scale` decimals, then shows exactly `scale` decimals.
    pub fn round_to_scale(self, scale: u32, mode: RoundingMode) -> Self {
        let mut amount = round_to_scale(self.amount, scale, mode);
        if amount.scale() < scale {
            amount.rescale(scale);
        }
        Self::new(amount, self.currency)
    }

    /// Rounds to a multiple of `increment` (cash rounding, processor charge increments).
    ///
    /// # Errors
    /// As [`round_to_increment`].
    pub fn round_to_increment(self, increment: Decimal, mode: RoundingMode) -> Result<Self, Error> {
        Ok(Self::new(
            round_to_increment(self.amount, increment, mode)?,
            self.currency,
        ))
    }

    /// Splits the amount across parts in proportion to `weights` at the currency's minor unit,
    /// exactly: see [`allocate`].
    ///
    /// # Errors
    /// As [`allocate`], plus [`Error::NotPriceable`].
    pub fn allocate(self, weights: &[Decimal]) -> Result<Vec<Self>, Error> {
        let scale = self.currency.minor_unit_scale()?;
        Ok(allocate(self.amount, weights, scale)?
            .into_iter()
            .map(|a| Self::new(a, self.currency))
            .collect())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.amount, self.currency)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Money", 2)?;
        st.serialize_field("amount", &crate::serde_util::DecimalStr(self.amount))?;
        st.serialize_field("currency", &self.currency)?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            #[serde(with = "crate::serde_util::decimal_str")]
            amount: Decimal,
            currency: Currency,
        }
        let w = Wire::deserialize(d)?;
        Ok(Self::new(w.amount, w.currency))
    }
}

/// Splits `amount` (already on the grid of `scale` decimals) across parts in proportion to
/// `weights`, by the largest-remainder method, so that the parts always add up to `amount`
/// exactly.
///
/// Each part first gets its share rounded toward zero; the units left over go one each to the
/// parts with the largest remainders (earlier parts first on ties). Zero weights get nothing
/// unless every weight is zero, in which case the amount is split equally (so that, for
/// example, shipping is still allocated across free lines). Negative amounts are split like
/// their absolute value and negated.
///
/// # Errors
/// [`Error::NoParts`] for no weights; [`Error::NegativeWeight`]; [`Error::OffGrid`] when the
/// amount has more than `scale` decimals (round it first, nothing is dropped silently);
/// [`Error::Overflow`] for amounts and weights too large to multiply exactly.
///
/// # Example
/// ```
/// use landed::allocate;
/// use rust_decimal::Decimal;
/// let parts = allocate("10.00".parse()?, &[Decimal::ONE, Decimal::ONE, Decimal::ONE], 2)?;
/// let shown: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
/// assert_eq!(shown, ["3.34", "3.33", "3.33"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn allocate(amount: Decimal, weights: &[Decimal], scale: u32) -> Result<Vec<Decimal>, Error> {
    let mut out = Vec::with_capacity(weights.len());
    allocate_by(
        amount,
        weights.len(),
        |i| weights.get(i).copied().unwrap_or_default(),
        scale,
        |_, share| {
            out.push(share);
            Ok(())
        },
    )?;
    Ok(out)
}

/// [`allocate`] without building vectors: `weight(i)` gives part `i`'s weight and `emit(i,
/// share)` receives the shares in order (its error stops the split). Up to 16 parts are split
/// on the stack.
pub(crate) fn allocate_by(
    amount: Decimal,
    parts: usize,
    weight: impl Fn(usize) -> Decimal,
    scale: u32,
    mut emit: impl FnMut(usize, Decimal) -> Result<(), Error>,
) -> Result<(), Error> {
    if parts == 0 {
        return Err(Error::NoParts);
    }
    if let Some((index, weight)) = (0..parts)
        .map(|i| (i, weight(i)))
        .find(|(_, w)| w.is_sign_negative() && !w.is_zero())
    {
        return Err(Error::NegativeWeight { index, weight });
    }
    if round_to_scale(amount, scale, RoundingMode::Down) != amount {
        return Err(Error::OffGrid { amount, scale });
    }
    if let Some(done) = allocate_int(amount, parts, &weight, scale, &mut emit) {
        return done;
    }
    let weights: Vec<Decimal> = (0..parts).map(weight).collect();
    for (i, share) in allocate_decimal(amount, &weights, scale)?
        .into_iter()
        .enumerate()
    {
        emit(i, share)?;
    }
    Ok(())
}

/// Slow path of [`allocate`] for amounts and weights beyond 64 bits: the same method in checked
/// `Decimal` arithmetic. Inputs are validated by the caller.
fn allocate_decimal(
    amount: Decimal,
    weights: &[Decimal],
    scale: u32,
) -> Result<Vec<Decimal>, Error> {
    const OP: &str = "allocate";
    let negative = amount.is_sign_negative();
    let unit = Decimal::new(1, scale);
    // The amount in minor units, as a whole number.
    let units = amount
        .abs()
        .checked_div(unit)
        .ok_or(Error::overflow(OP))?
        .trunc();

    // Scale every weight to a whole number so the arithmetic below is exact.
    let weight_scale = weights.iter().map(Decimal::scale).max().unwrap_or(0);
    let factor = pow10(weight_scale).ok_or(Error::overflow(OP))?;
    let mut ints = Vec::with_capacity(weights.len());
    for w in weights {
        ints.push(w.checked_mul(factor).ok_or(Error::overflow(OP))?.trunc());
    }
    let mut total_weight = Decimal::ZERO;
    for w in &ints {
        total_weight = total_weight.checked_add(*w).ok_or(Error::overflow(OP))?;
    }
    if total_weight.is_zero() {
        ints.iter_mut().for_each(|w| *w = Decimal::ONE);
        total_weight = Decimal::from(ints.len());
    }

    // base_i = floor(units * w_i / W), with the exact remainder units * w_i - base_i * W.
    let mut bases = Vec::with_capacity(ints.len());
    let mut remainders = Vec::with_capacity(ints.len());
    let mut allotted = Decimal::ZERO;
    for w in &ints {
        let numerator = units.checked_mul(*w).ok_or(Error::overflow(OP))?;
        let mut base = numerator
            .checked_div(total_weight)
            .ok_or(Error::overflow(OP))?
            .floor();
        let mut rem = numerator
            .checked_sub(base.checked_mul(total_weight).ok_or(Error::overflow(OP))?)
            .ok_or(Error::overflow(OP))?;
        // Decimal division keeps 28 digits; correct the floor by one step if it was off.
        while rem.is_sign_negative() && !rem.is_zero() {
            base = base.checked_sub(Decimal::ONE).ok_or(Error::overflow(OP))?;
            rem = rem.checked_add(total_weight).ok_or(Error::overflow(OP))?;
        }
        while rem >= total_weight {
            base = base.checked_add(Decimal::ONE).ok_or(Error::overflow(OP))?;
            rem = rem.checked_sub(total_weight).ok_or(Error::overflow(OP))?;
        }
        allotted = allotted.checked_add(base).ok_or(Error::overflow(OP))?;
        bases.push(base);
        remainders.push(rem);
    }

    let leftover = units.checked_sub(allotted).ok_or(Error::overflow(OP))?;
    let leftover = usize::try_from(leftover.trunc().mantissa()).map_err(|_| Error::overflow(OP))?;
    let mut order: Vec<usize> = (0..bases.len()).collect();
    // Largest remainder first; the stable sort keeps earlier parts first on ties.
    order.sort_by(|&a, &b| {
        let ra = remainders.get(a).copied().unwrap_or_default();
        let rb = remainders.get(b).copied().unwrap_or_default();
        rb.cmp(&ra)
    });
    for &i in order.iter().take(leftover) {
        if let Some(b) = bases.get_mut(i) {
            *b = b.checked_add(Decimal::ONE).ok_or(Error::overflow(OP))?;
        }
    }

    bases
        .into_iter()
        .map(|b| {
            let mut part = b.checked_mul(unit).ok_or(Error::overflow(OP))?;
            part.rescale(scale);
            Ok(if negative { negate(part) } else { part })
        })
        .collect()
}

/// Integer fast path of [`allocate`]: the same largest-remainder method in `i128`, used when
/// the amount in minor units and the weights scaled to whole numbers fit in 64 bits (so every
/// product fits in `i128`). `None` means "use the Decimal path", never a different answer.
fn allocate_int(
    amount: Decimal,
    n: usize,
    weight: &impl Fn(usize) -> Decimal,
    scale: u32,
    emit: &mut impl FnMut(usize, Decimal) -> Result<(), Error>,
) -> Option<Result<(), Error>> {
    const LIMIT: i128 = 1 << 63;
    // Shares are emitted only once every check has passed: `None` never follows an emission.
    if scale > 28 {
        return None;
    }
    let to_scale = |d: &Decimal, target: u32| -> Option<i128> {
        let m = d.mantissa();
        m.checked_mul(10i128.checked_pow(target.checked_sub(d.scale())?)?)
    };
    let units = to_scale(&amount, scale)
        .or_else(|| to_scale(&amount.normalize(), scale))?
        .checked_abs()?;
    if units >= LIMIT {
        return None;
    }
    let weight_scale = (0..n).map(|i| weight(i).scale()).max().unwrap_or(0);
    // Weights and shares of a few parts (the usual case) live on the stack.
    let mut stack_w = [0u128; 16];
    let mut stack_s = [0i64; 16];
    let (mut heap_w, mut heap_s): (Vec<u128>, Vec<i64>);
    let (weights, shares): (&mut [u128], &mut [i64]) = if n <= stack_w.len() {
        (stack_w.get_mut(..n)?, stack_s.get_mut(..n)?)
    } else {
        heap_w = vec![0; n];
        heap_s = vec![0; n];
        (&mut heap_w, &mut heap_s)
    };
    for (i, w) in weights.iter_mut().enumerate() {
        // Any weight within 128 bits: `split_units` takes wide weights exactly.
        *w = u128::try_from(to_scale(&weight(i), weight_scale)?).ok()?;
    }
    // The largest-remainder split itself is `split_units`, shared with the landed engine.
    split_units(i64::try_from(units).ok()?, weights, shares)?;
    // Every share is below 2^63 and the scale at most 28: the conversions cannot fail, so
    // `None` (take the Decimal path) is decided before the first share is emitted.
    let negative = amount.is_sign_negative();
    for (i, b) in shares.iter().enumerate() {
        let b = i128::from(*b);
        let b = if negative { b.checked_neg()? } else { b };
        if let Err(e) = emit(i, Decimal::try_from_i128_with_scale(b, scale).ok()?) {
            return Some(Err(e));
        }
    }
    Some(Ok(()))
}

/// `10^n` as a `u128` for `n ≤ 38` (the largest power of ten in 128 bits), else `None`:
/// a table lookup where `checked_pow` would loop over 128-bit multiplications (the integer
/// lane divides 28-decimal quotients, such as 22/78 of a base, by these on every line).
#[inline]
pub(crate) fn pow10_u128(n: u32) -> Option<u128> {
    POW10_U128.get(usize::try_from(n).ok()?).copied()
}

/// `10^0 ..= 10^38`, built at compile time.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "evaluated at compile time: an index out of range or an overflow fails the build"
)]
const POW10_U128: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Powers of ten up to 10^18.
pub(crate) const POW10: [i64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// The order of two values, on their integers brought to one scale when that fits 128 bits
/// (a threshold of `150` against a value of `1485.20`), else `Decimal`'s comparison.
#[inline]
pub(crate) fn cmp_exact(a: Decimal, b: Decimal) -> core::cmp::Ordering {
    let (sa, sb) = (a.scale(), b.scale());
    let up = |m: i128, by: u32| {
        POW10
            .get(usize::try_from(by).ok()?)
            .and_then(|p| m.checked_mul(i128::from(*p)))
    };
    let pair = if sa >= sb {
        up(b.mantissa(), sa.wrapping_sub(sb)).map(|mb| (a.mantissa(), mb))
    } else {
        up(a.mantissa(), sb.wrapping_sub(sa)).map(|ma| (ma, b.mantissa()))
    };
    match pair {
        Some((x, y)) => x.cmp(&y),
        None => a.cmp(&b),
    }
}

/// `-v`, exactly; zero stays positive zero.
fn negate(mut v: Decimal) -> Decimal {
    if !v.is_zero() {
        v.set_sign_negative(!v.is_sign_negative());
    }
    v
}

/// 10^n as a Decimal, if it fits.
fn pow10(n: u32) -> Option<Decimal> {
    let mut v = Decimal::ONE;
    for _ in 0..n {
        v = v.checked_mul(Decimal::TEN)?;
    }
    Some(v)
}

/// Largest-remainder split of `amount` whole units by integer `weights` (all zero: equal
/// parts), the same method as [`allocate`] with ties going to the earlier part. Shares are
/// written to `out` (at least as long as `weights`); a negative amount is split as its
/// magnitude and mirrored. Weights within 64 bits take one-instruction products; wider ones
/// (the 28-digit quotients of a division, brought to a common scale) take exact 256-bit
/// products ([`wide_mul`], [`div_wide`]). `None` when the weights' total exceeds 128 bits.
pub(crate) fn split_units(amount: i64, weights: &[u128], out: &mut [i64]) -> Option<()> {
    let n = weights.len();
    if n == 0 || out.len() < n {
        return None;
    }
    let limit = u128::from(u64::MAX);
    let mut total: u128 = 0;
    let mut wide = false;
    for w in weights {
        wide |= *w > limit;
        total = total.checked_add(*w)?;
    }
    if wide {
        let magnitude = u128::from(amount.unsigned_abs());
        // Each product `magnitude × w` is below 2^191 and `w ≤ total`: its quotient by the
        // total fits 128 bits.
        split_with(n, magnitude, out, |i| {
            let (hi, lo) = wide_mul(magnitude, *weights.get(i)?);
            div_wide(hi, lo, total)
        })?;
        if amount < 0 {
            for o in out.iter_mut().take(n) {
                *o = o.checked_neg()?;
            }
        }
        return Some(());
    }
    let equal = total == 0;
    if equal {
        total = u128::try_from(n).ok()?;
    }
    if !equal && n <= 16 {
        let mut small = [0u64; 16];
        for (s, w) in small.iter_mut().zip(weights) {
            *s = u64::try_from(*w).ok()?;
        }
        if let Some(w) = small.get(..n)
            && split_u64(amount, w, out).is_some()
        {
            return Some(());
        }
    }
    let magnitude = u128::from(amount.unsigned_abs());
    // Most splits fit 64 bits, where each step is one hardware instruction.
    if let (Ok(m), Ok(t)) = (u64::try_from(magnitude), u64::try_from(total))
        && m.checked_mul(t).is_some()
    {
        split_with(n, magnitude, out, |i| {
            let w = if equal {
                1
            } else {
                u64::try_from(*weights.get(i)?).ok()?
            };
            let p = m.checked_mul(w)?;
            Some((u128::from(p.checked_div(t)?), u128::from(p.checked_rem(t)?)))
        })?;
    } else {
        split_with(n, magnitude, out, |i| {
            let w = if equal { 1 } else { *weights.get(i)? };
            let p = magnitude.checked_mul(w)?;
            Some((p.checked_div(total)?, p.checked_rem(total)?))
        })?;
    }
    if amount < 0 {
        for o in out.iter_mut().take(n) {
            *o = o.checked_neg()?;
        }
    }
    Some(())
}

/// [`split_units`] for up to 16 parts with 64-bit weights, not all zero, whose products
/// `|amount| × total weight` fit 64 bits (the common case: a charge over a few lines): the
/// floors, then one unit each to the largest remainders, the earlier part first on a tie.
/// `None` when the split does not fit this path (use [`split_units`]).
pub(crate) fn split_u64(amount: i64, weights: &[u64], out: &mut [i64]) -> Option<()> {
    const STACK: usize = 16;
    let n = weights.len();
    if n > STACK || out.len() < n {
        return None;
    }
    let mut t: u64 = 0;
    for w in weights {
        t = t.checked_add(*w)?;
    }
    let m = amount.unsigned_abs();
    if t == 0 {
        return None;
    }
    m.checked_mul(t)?;
    // Remainders plus one, so that zero marks a part already served.
    let mut rems = [0u64; STACK];
    let mut allotted: u64 = 0;
    for ((w, o), r) in weights.iter().zip(out.iter_mut()).zip(rems.iter_mut()) {
        let p = m.checked_mul(*w)?;
        let q = p.checked_div(t)?;
        *o = i64::try_from(q).ok()?;
        *r = p.checked_rem(t)?.checked_add(1)?;
        allotted = allotted.checked_add(q)?;
    }
    for _ in 0..m.checked_sub(allotted)? {
        let mut best = 0usize;
        let mut top = 0u64;
        for (i, r) in rems.iter().take(n).enumerate() {
            if *r > top {
                top = *r;
                best = i;
            }
        }
        *rems.get_mut(best)? = 0;
        let o = out.get_mut(best)?;
        *o = o.checked_add(1)?;
    }
    if amount < 0 {
        for o in out.iter_mut().take(n) {
            *o = o.checked_neg()?;
        }
    }
    Some(())
}

/// The full 256-bit product `a × b` as (high, low) 128-bit halves: exact largest-remainder
/// splits by weights beyond 64 bits, and exact comparisons of fractions `r₁/d₁ ≷ r₂/d₂` as
/// `r₁ × d₂ ≷ r₂ × d₁`.
pub(crate) fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0) = (a.wrapping_shr(64), a & LOW);
    let (b1, b0) = (b.wrapping_shr(64), b & LOW);
    // Each partial product of two 64-bit halves fits 128 bits.
    let p00 = a0.wrapping_mul(b0);
    let p01 = a0.wrapping_mul(b1);
    let p10 = a1.wrapping_mul(b0);
    let p11 = a1.wrapping_mul(b1);
    let (mid, carry_mid) = p01.overflowing_add(p10);
    let (low, carry_low) = p00.overflowing_add(mid.wrapping_shl(64));
    let high = p11
        .wrapping_add(mid.wrapping_shr(64))
        .wrapping_add(u128::from(carry_mid).wrapping_shl(64))
        .wrapping_add(u128::from(carry_low));
    (high, low)
}

/// The quotient and remainder of the 256-bit `hi × 2^128 + lo` by `d`, by binary long
/// division (128 steps: the rare path of splits by weights beyond 64 bits). `None` when `d`
/// is zero or the quotient does not fit 128 bits (`hi ≥ d`).
pub(crate) fn div_wide(hi: u128, lo: u128, d: u128) -> Option<(u128, u128)> {
    if d == 0 || hi >= d {
        return None;
    }
    let (mut q, mut rem) = (0u128, hi);
    for i in (0..128u32).rev() {
        // `rem < d`, so shifting it left by one can carry out one bit: then the true value
        // `rem × 2 + bit` is at least 2^128 > d, and the wrapped subtraction is exact.
        let carry = rem.wrapping_shr(127) == 1;
        rem = rem.wrapping_shl(1) | (lo.wrapping_shr(i) & 1);
        q = q.wrapping_shl(1);
        if carry || rem >= d {
            rem = rem.wrapping_sub(d);
            q |= 1;
        }
    }
    Some((q, rem))
}

/// The body of [`split_units`]: `share(i)` gives part `i`'s floor share of `whole` and its
/// remainder; the units left over go one each to the largest remainders, the earlier part
/// first on a tie.
fn split_with(
    n: usize,
    whole: u128,
    out: &mut [i64],
    share: impl Fn(usize) -> Option<(u128, u128)>,
) -> Option<()> {
    const STACK: usize = 16;
    let mut rems = [0u128; STACK];
    let mut allotted: u128 = 0;
    for (i, o) in out.iter_mut().take(n).enumerate() {
        let (q, r) = share(i)?;
        *o = i64::try_from(q).ok()?;
        allotted = allotted.checked_add(q)?;
        if let Some(slot) = rems.get_mut(i) {
            *slot = r;
        }
    }
    // The floors fall short of the whole by fewer than `n` units.
    let left = usize::try_from(whole.checked_sub(allotted)?).ok()?;
    if left == 0 {
        return Some(());
    }
    if n <= STACK {
        // Picks the largest remaining remainder `left` times; `None` marks a part served.
        let mut open: [Option<u128>; STACK] = [None; STACK];
        for (o, r) in open.iter_mut().zip(rems).take(n) {
            *o = Some(r);
        }
        for _ in 0..left {
            let mut best: Option<(usize, u128)> = None;
            for (i, r) in open.iter().take(n).enumerate() {
                if let Some(r) = r
                    && best.is_none_or(|(_, b)| *r > b)
                {
                    best = Some((i, *r));
                }
            }
            let (i, _) = best?;
            *open.get_mut(i)? = None;
            let o = out.get_mut(i)?;
            *o = o.checked_add(1)?;
        }
    } else {
        let mut order: Vec<(u128, usize)> = Vec::with_capacity(n);
        for i in 0..n {
            order.push((share(i)?.1, i));
        }
        order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in order.iter().take(left) {
            let o = out.get_mut(*i)?;
            *o = o.checked_add(1)?;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_mul_and_div_wide_are_exact() {
        assert_eq!(wide_mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(wide_mul(1 << 64, 1 << 64), (1, 0));
        assert_eq!(wide_mul(12_345, 678), (0, 12_345 * 678));
        for (a, b, d) in [
            (u128::MAX, u128::MAX, u128::MAX),
            (3 << 100, 7 << 90, (1u128 << 127) + 12_345),
            (10u128.pow(30), 10u128.pow(30), 10u128.pow(33) + 7),
            (999, 1_000, 7),
        ] {
            let (hi, lo) = wide_mul(a, b);
            let (q, r) = div_wide(hi, lo, d).unwrap();
            // q × d + r == a × b, checked on the 256-bit halves.
            let (qh, ql) = wide_mul(q, d);
            let (sum_lo, carry) = ql.overflowing_add(r);
            assert_eq!(
                (qh + u128::from(carry), sum_lo),
                (hi, lo),
                "{a} × {b} / {d}"
            );
            assert!(r < d);
        }
        assert_eq!(div_wide(5, 0, 5), None);
        assert_eq!(div_wide(0, 5, 0), None);
    }

    /// Weights beyond 64 bits (28-digit quotients at a common scale) split exactly like
    /// their reduced ratio: 1.3636…36 and 31.5 at scale 28 against 15:347 scaled down.
    #[test]
    fn split_units_takes_wide_weights() {
        let w = [
            13_636_363_636_363_636_363_636_363_636u128,
            315 * 10u128.pow(27),
        ];
        let mut out = [0i64; 2];
        split_units(3_286, &w, &mut out).unwrap();
        assert_eq!(out.iter().sum::<i64>(), 3_286);
        // 3286 × 1.3636…/32.8636… = 136.35…, 3149.64… → 136 and 3150 (largest remainder).
        assert_eq!(out, [136, 3_150]);
        let mut neg = [0i64; 2];
        split_units(-3_286, &w, &mut neg).unwrap();
        assert_eq!(neg, [-136, -3_150]);
    }

    /// The integer split gives the same shares as the `Decimal` method, on every amount from -40 to
    /// 400 units over weight vectors with ties, zeros, all zeros, and more than 16 parts (the
    /// heap path), and on products that need 128 bits.
    #[test]
    #[allow(clippy::unwrap_used, clippy::indexing_slicing)]
    fn split_units_equals_allocate() {
        let sets: Vec<Vec<u128>> = vec![
            vec![1, 1, 1],
            vec![0, 0],
            vec![5, 0, 5, 3],
            vec![7, 11, 13, 17, 19, 23],
            (1..=20).map(|i| i % 4).collect(),
            vec![u128::from(u64::MAX), 1, u128::from(u64::MAX / 3)],
        ];
        for w in &sets {
            let weights: Vec<Decimal> = w
                .iter()
                .map(|x| Decimal::from_i128_with_scale(i128::try_from(*x).unwrap(), 2))
                .collect();
            for amount in (-40i64..=400).chain([i64::MAX / 7, 1 << 40]) {
                let mut out = vec![0i64; w.len()];
                split_units(amount, w, &mut out).unwrap();
                let want = allocate_decimal(Decimal::from(amount), &weights, 0);
                if let Ok(want) = want {
                    let want: Vec<i64> = want.iter().map(|d| i64::try_from(*d).unwrap()).collect();
                    assert_eq!(out, want, "{amount} over {w:?}");
                }
                assert_eq!(out.iter().sum::<i64>(), amount);
                // The 64-bit path, where it applies, gives the same shares.
                let small: Option<Vec<u64>> = w.iter().map(|x| u64::try_from(*x).ok()).collect();
                let mut fast = vec![0i64; w.len()];
                if let Some(small) = small
                    && split_u64(amount, &small, &mut fast).is_some()
                {
                    assert_eq!(fast, out, "64-bit path: {amount} over {w:?}");
                }
            }
        }
        // Weights beyond 64 bits split exactly (the 256-bit path); only a total beyond 128
        // bits is refused.
        let mut one = [0i64];
        assert!(split_units(1, &[u128::from(u64::MAX) + 1], &mut one).is_some());
        assert_eq!(one, [1]);
        let mut wide = [0i64; 3];
        split_units(
            10,
            &[u128::from(u64::MAX) * 3, u128::from(u64::MAX), 0],
            &mut wide,
        )
        .unwrap();
        assert_eq!(wide, [8, 2, 0]);
        assert!(split_units(1, &[u128::MAX, 1], &mut [0, 0]).is_none());
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The integer comparison orders values as `Decimal` does, across scales, signs, zeros
    /// and values whose rescaling leaves 128 bits.
    #[test]
    fn cmp_exact_orders_as_decimal() {
        let values = [
            "0",
            "-0",
            "0.00",
            "150",
            "150.00",
            "150.01",
            "149.999",
            "-150",
            "1485.20",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7922816251426433759354395033.5",
            "1e-20",
        ];
        for a in values {
            for b in values {
                let (x, y) = (d(a), d(b));
                assert_eq!(cmp_exact(x, y), x.cmp(&y), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn mode_names_round_trip() {
        for m in RoundingMode::ALL {
            assert_eq!(m.name().parse::<RoundingMode>().unwrap(), m);
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.name())
            );
        }
        assert!("HALF_UP".parse::<RoundingMode>().is_err());
    }

    #[test]
    fn increment_rounding() {
        assert_eq!(
            round_to_increment(d("1949"), d("100"), RoundingMode::HalfUp).unwrap(),
            d("1900")
        );
        assert_eq!(
            round_to_increment(d("1950"), d("100"), RoundingMode::HalfUp).unwrap(),
            d("2000")
        );
        assert_eq!(
            round_to_increment(d("1.2345"), d("0.010"), RoundingMode::HalfUp)
                .unwrap()
                .to_string(),
            "1.230"
        );
        assert_eq!(
            round_to_increment(d("-0.025"), d("0.05"), RoundingMode::HalfEven).unwrap(),
            d("0")
        );
        assert!(round_to_increment(d("1"), d("0"), RoundingMode::HalfUp).is_err());
        assert!(round_to_increment(d("1"), d("-1"), RoundingMode::HalfUp).is_err());
    }

    #[test]
    fn allocation_examples() {
        let parts = allocate(d("100.00"), &[d("1"), d("0"), d("2")], 2).unwrap();
        assert_eq!(parts, vec![d("33.33"), d("0.00"), d("66.67")]);
        let parts = allocate(d("-0.05"), &[d("1"), d("1")], 2).unwrap();
        assert_eq!(parts, vec![d("-0.03"), d("-0.02")]);
        let parts = allocate(d("0.03"), &[d("0"), d("0"), d("0")], 2).unwrap();
        assert_eq!(parts, vec![d("0.01"), d("0.01"), d("0.01")]);
        assert!(matches!(
            allocate(d("1.001"), &[d("1")], 2),
            Err(Error::OffGrid { .. })
        ));
        assert!(matches!(allocate(d("1"), &[], 2), Err(Error::NoParts)));
        assert!(matches!(
            allocate(d("1"), &[d("1"), d("-1")], 2),
            Err(Error::NegativeWeight { index: 1, .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn integer_fast_path_equals_the_decimal_path(
            units in -1_000_000_000_000i64..1_000_000_000_000,
            scale in 0u32..4,
            weights in proptest::collection::vec((0i64..10_000_000, 0u32..5), 1..30),
        ) {
            let amount = Decimal::new(units, scale);
            let weights: Vec<Decimal> = weights.into_iter().map(|(m, s)| Decimal::new(m, s)).collect();
            let mut fast = Vec::new();
            let w = |i: usize| weights[i];
            allocate_int(amount, weights.len(), &w, scale, &mut |_, share| {
                fast.push(share);
                Ok(())
            })
            .unwrap()
            .unwrap();
            let slow = allocate_decimal(amount, &weights, scale).unwrap();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn money_arithmetic_is_checked() {
        let eur = Money::parse("1", "EUR").unwrap();
        let usd = Money::parse("1", "USD").unwrap();
        assert!(matches!(
            eur.checked_add(usd),
            Err(Error::CurrencyMismatch { .. })
        ));
        let max = Money::new(Decimal::MAX, eur.currency());
        assert!(max.checked_add(eur).unwrap_err().is_overflow());
        assert!(matches!(
            eur.checked_div(Decimal::ZERO),
            Err(Error::DivisionByZero { .. })
        ));
    }

    #[test]
    fn money_serde() {
        let m: Money = serde_json::from_str(r#"{"amount":"12.34","currency":"eur"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"amount":"12.34","currency":"EUR"}"#
        );
        assert!(serde_json::from_str::<Money>(r#"{"amount":12.34,"currency":"EUR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"EUR","x":1}"#).is_err());
        let xau = Money::parse("1", "XAU").unwrap();
        assert!(matches!(
            xau.round_to_minor(RoundingMode::HalfUp),
            Err(Error::NotPriceable { .. })
        ));
    }
}
