//! The repricing engine: policy, prepared repricer, price quotes, rate locks and drift.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use crate::codes::{Bps, CountryCode, Currency};
use crate::data::{DataVersion, RateTables, ReferenceRates};
use crate::ending::{CompiledEnding, PriceEnding};
use crate::error::Error;
use crate::money::{Money, RoundingMode, round_to_increment, round_to_scale};
use exact::Part;

/// The rate source of the embedded reference tables.
pub const DEFAULT_RATE_SOURCE: &str = "ECB";

/// The default re-price threshold: 300 basis points of drift.
pub const DEFAULT_DRIFT_THRESHOLD_BPS: u32 = 300;

/// What to do with rates older than the source's maximum age.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum StalenessPolicy {
    /// Refuse to price ([`Error::StaleRates`]). The default.
    #[default]
    Error,
    /// Price, and add a warning to the result.
    Warn,
}

/// Where the price ending comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndingChoice {
    /// This ending.
    Rule(PriceEnding),
    /// The data's ending for the target currency (and the market, when given).
    Data {
        /// The market (country) whose ending applies, when the data has one.
        market: Option<CountryCode>,
    },
}

/// How to reprice into one currency.
///
/// # Example
/// ```
/// use landed::fx::FxPolicy;
/// use landed::{Bps, RoundingMode};
/// let policy = FxPolicy::new("JPY".parse()?)
///     .with_markup(Bps::new(150.into()))
///     .with_rounding(RoundingMode::HalfEven);
/// assert_eq!(policy.markup_bps.to_string(), "150");
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FxPolicy {
    /// The target (presentment) currency.
    pub to: Currency,
    /// The markup over the reference rate; all-in = mid × (1 + bps / 10,000).
    pub markup_bps: Bps,
    /// Rounding to the target's minor unit.
    pub rounding: RoundingMode,
    /// An optional presentment price ending, applied after the minor-unit rounding.
    pub ending: Option<EndingChoice>,
    /// Also give the cash amount (rounded to the currency's cash increment, CHF 0.05).
    pub cash: bool,
    /// The maximum age of the rates in days; `None` takes the source's `[[rate_source]]` row.
    pub max_age_days: Option<u32>,
    /// What to do with stale rates.
    pub staleness: StalenessPolicy,
    /// How long a quote is honoured, from `now`.
    pub lock_minutes: Option<u32>,
}

impl FxPolicy {
    /// Zero markup, `half_up`, no ending, no lock, staleness from the data.
    pub const fn new(to: Currency) -> Self {
        Self {
            to,
            markup_bps: Bps::new(Decimal::ZERO),
            rounding: RoundingMode::HalfUp,
            ending: None,
            cash: false,
            max_age_days: None,
            staleness: StalenessPolicy::Error,
            lock_minutes: None,
        }
    }

    /// With this markup.
    #[must_use]
    pub const fn with_markup(mut self, bps: Bps) -> Self {
        self.markup_bps = bps;
        self
    }

    /// With this rounding mode.
    #[must_use]
    pub const fn with_rounding(mut self, mode: RoundingMode) -> Self {
        self.rounding = mode;
        self
    }

    /// With a price ending.
    #[must_use]
    pub fn with_ending(mut self, ending: EndingChoice) -> Self {
        self.ending = Some(ending);
        self
    }

    /// Also computing the cash amount.
    #[must_use]
    pub const fn with_cash(mut self, cash: bool) -> Self {
        self.cash = cash;
        self
    }

    /// With a maximum rate age in days.
    #[must_use]
    pub const fn with_max_age_days(mut self, days: u32) -> Self {
        self.max_age_days = Some(days);
        self
    }

    /// With a staleness policy.
    #[must_use]
    pub const fn with_staleness(mut self, policy: StalenessPolicy) -> Self {
        self.staleness = policy;
        self
    }

    /// With a rate lock of this many minutes from `now`.
    #[must_use]
    pub const fn with_lock_minutes(mut self, minutes: u32) -> Self {
        self.lock_minutes = Some(minutes);
        self
    }
}

/// One converted price with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PriceQuote {
    /// The price converted.
    pub original: Money,
    /// The final amount in the target currency (minor unit, then the ending).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub amount: Decimal,
    /// The target currency.
    pub currency: Currency,
    /// The exact conversion at the all-in rate, before any rounding.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unrounded: Decimal,
    /// Rounded to the minor unit, before the price ending.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub before_ending: Decimal,
    /// The reference (mid) cross rate `rate(to) / rate(from)`.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub reference_rate: Decimal,
    /// The rate the price was converted at: reference × (1 + bps / 10,000).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub all_in_rate: Decimal,
    /// The markup in basis points.
    #[serde(serialize_with = "bps_number")]
    pub markup_bps: Bps,
    /// The markup as a percentage over the reference rate.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub markup_percent: Decimal,
    /// What the markup adds, in the target currency: the all-in conversion minus the
    /// conversion at the reference rate, rounded like the amount (before the ending).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub markup_amount: Decimal,
    /// The rates' publisher, e.g. `ECB`.
    pub source: Arc<str>,
    /// The rates' date.
    #[serde(with = "crate::serde_util::date_str")]
    pub as_of: NaiveDate,
    /// Until when this quote is honoured (the first instant it no longer is), when locked.
    pub expires_at: Option<DateTime<Utc>>,
    /// The amount rounded to the currency's cash increment, when asked for.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub cash_amount: Option<Decimal>,
}

/// Basis points as a JSON number when whole (`150`), else as a string (`"12.5"`).
fn bps_number<S: serde::Serializer>(b: &Bps, s: S) -> Result<S::Ok, S::Error> {
    let v = b.value().normalize();
    match (v.scale(), i64::try_from(v.mantissa())) {
        (0, Ok(i)) => s.serialize_i64(i),
        _ => s.collect_str(&v),
    }
}

/// A policy prepared against one reference table: rates, markup, rounding, ending and lock
/// resolved once, so converting a price is arithmetic only.
///
/// # Example
/// ```
/// use landed::fx::{FxPolicy, Repricer};
/// use landed::{Bps, Money, RateTables};
/// let tables = RateTables::embedded()?;
/// let ecb = tables.latest_reference_rates("ECB")?;
/// let policy = FxPolicy::new("GBP".parse()?).with_markup(Bps::new(150.into()));
/// let repricer = Repricer::new(tables, ecb.clone(), &policy, None)?;
/// let q = repricer.convert(Money::parse("100.00", "USD")?)?;
/// // The newest embedded table (2026-07-21): 100 × 0.85205 × 1.015 / 1.1418 = 75.742…
/// assert_eq!(q.amount.to_string(), "75.74");
/// assert_eq!(q.markup_percent.to_string(), "1.5");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Repricer {
    pub(super) rates: Arc<ReferenceRates>,
    to: Currency,
    pub(super) rate_to: Decimal,
    pub(super) scale: u32,
    /// The largest magnitude a result may have and still carry `scale` decimals.
    max_result: Decimal,
    markup_bps: Bps,
    pub(super) factor: Decimal,
    /// Whether `factor` is exactly `1 + bps/10,000` (a markup with more than 24 decimals is
    /// rounded to 28); when not, every conversion takes the exact path, and bulk repricing
    /// skips its integer path.
    pub(super) factor_exact: bool,
    markup_percent: Decimal,
    pub(super) rounding: RoundingMode,
    pub(super) ending: Option<CompiledEnding>,
    cash_increment: Option<Decimal>,
    expires_at: Option<DateTime<Utc>>,
    warnings: Vec<String>,
    data_version: DataVersion,
}

impl Repricer {
    /// Prepares `policy` against `rates` at `now` (the moment of the quote). Checks the rates'
    /// age when `now` is given (none given: a warning says the age was not checked).
    ///
    /// # Errors
    /// [`Error::StaleRates`] (policy `error`), [`Error::RatesFromTheFuture`],
    /// [`Error::NoReferenceRate`] for a target the table does not list,
    /// [`Error::InvalidInput`] for a markup of −10,000 bps or less, a lock without `now`, a
    /// source without a known maximum age, a bad ending or a cash amount for a currency
    /// without a cash increment; currency and ending lookups' errors.
    pub fn new(
        tables: &RateTables,
        rates: Arc<ReferenceRates>,
        policy: &FxPolicy,
        now: Option<DateTime<Utc>>,
    ) -> Result<Self, Error> {
        let mut warnings = Vec::new();
        let day = now.map_or(rates.as_of(), |n| n.date_naive());
        if let Some(now) = now {
            check_age(tables, &rates, policy, now, &mut warnings)?;
        } else {
            warnings.push(
                "no `now` given: the rates' age was not checked and the quote has no expiry"
                    .to_owned(),
            );
        }
        let expires_at = match (policy.lock_minutes, now) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(Error::input(
                    "lock_minutes",
                    "a lock runs from `now`; give now (an RFC 3339 time such as \"2025-04-04T10:00:00Z\")",
                ));
            }
            (Some(m), Some(now)) => Some(
                now.checked_add_signed(TimeDelta::minutes(i64::from(m)))
                    .ok_or(Error::overflow("lock expiry"))?,
            ),
        };
        let ten_thousand = Decimal::from(10_000u32);
        if policy.markup_bps.value() <= Decimal::NEGATIVE_ONE.saturating_mul(ten_thousand) {
            return Err(Error::input(
                "markup_bps",
                format!(
                    "{} would make the rate zero or negative; give more than -10000",
                    policy.markup_bps
                ),
            ));
        }
        let factor = ten_thousand
            .checked_add(policy.markup_bps.value())
            .and_then(|v| v.checked_div(ten_thousand))
            .ok_or(Error::overflow("markup factor"))?;
        let to = policy.to;
        let info = tables.currency_info(to, day)?;
        let scale = info.info.iso_exponent;
        let cash_increment = if policy.cash {
            Some(info.info.cash_increment.ok_or_else(|| {
                Error::input(
                    "cash",
                    format!("no cash increment is known for {to}; drop cash or add one to the currency data"),
                )
            })?)
        } else {
            None
        };
        let ending = match &policy.ending {
            None => None,
            Some(EndingChoice::Rule(e)) => Some(e.compile(scale, "ending")?),
            Some(EndingChoice::Data { market }) => Some(
                tables
                    .price_ending(to, *market, day)?
                    .ending
                    .compile(scale, "ending")?,
            ),
        };
        let rate_to = rates.rate(to)?;
        let max_result = Decimal::MAX
            .checked_div(pow10(scale))
            .map_or(Decimal::ZERO, |m| m.trunc_with_scale(scale));
        Ok(Self {
            rate_to,
            to,
            scale,
            max_result,
            markup_bps: policy.markup_bps,
            factor_exact: factor_is_exact(factor, policy.markup_bps.value()),
            factor,
            markup_percent: policy.markup_bps.as_percent()?.value(),
            rounding: policy.rounding,
            ending,
            cash_increment,
            expires_at,
            warnings,
            data_version: tables.version().clone(),
            rates,
        })
    }

    /// The reference table used.
    pub fn rates(&self) -> &ReferenceRates {
        &self.rates
    }

    /// When a locked quote stops being honoured.
    pub const fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// Warnings about the preparation (unchecked or stale rates).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The data the currency metadata and endings came from.
    pub const fn data_version(&self) -> &DataVersion {
        &self.data_version
    }

    /// The target currency's minor-unit scale.
    pub const fn scale(&self) -> u32 {
        self.scale
    }

    /// The final amount of one price (the `Decimal` path): convert, divide last, round to the
    /// minor unit, apply the ending. The bulk path returns exactly this.
    ///
    /// # Errors
    /// [`Error::NoReferenceRate`] for an unlisted `from`; [`Error::Overflow`];
    /// [`Error::EndingNotPositive`].
    pub fn amount(&self, amount: Decimal, from: Currency) -> Result<Decimal, Error> {
        let c = self.unrounded(amount, from, Part::AllIn)?;
        let rounded = self.round_part(&c, Part::AllIn)?;
        self.end(rounded)
    }

    /// The conversion in `Decimal`, with a bound on each result's error: `Decimal` keeps 28
    /// significant digits, so a product of a long rate and a large amount may be rounded, and
    /// the quotient by `rate_from` almost always is. The rounding to the minor unit is then
    /// decided by [`Repricer::round_part`], exactly.
    ///
    /// `parts`: [`Part::Markup`] for both values, [`Part::AllIn`] for the all-in value alone
    /// (the mid value is then still computed where it decides the refusal below: a markup
    /// below zero, or an all-in value within a factor of two of the limit).
    fn unrounded(&self, amount: Decimal, from: Currency, parts: Part) -> Result<Conversion, Error> {
        let rate_from = self.rates.rate(from)?;
        let too_large = || self.too_large(amount, from, rate_from);
        let num = amount.checked_mul(self.rate_to).ok_or_else(too_large)?;
        let scaled = num.checked_mul(self.factor).ok_or_else(too_large)?;
        let all_in = scaled.checked_div(rate_from).ok_or_else(too_large)?;
        let need_mid = parts == Part::Markup
            || self.factor < Decimal::ONE
            || self
                .max_result
                .checked_div(Decimal::TWO)
                .is_none_or(|half| all_in.abs() > half);
        let mid = if need_mid {
            Some(num.checked_div(rate_from).ok_or_else(too_large)?)
        } else {
            None
        };
        // A result past `max_result` cannot show the target's minor unit: refuse it rather
        // than answer with fewer decimals than the currency has.
        if all_in.abs() > self.max_result || mid.is_some_and(|m| m.abs() > self.max_result) {
            return Err(too_large());
        }
        let num_exact = product_is_exact(num, amount, self.rate_to);
        let all_in_exact =
            num_exact && self.factor_exact && product_is_exact(scaled, num, self.factor);
        Ok(Conversion {
            amount,
            from,
            rate_from,
            mid,
            all_in,
            mid_error: mid
                .filter(|_| num_exact)
                .map(|m| quotient_error(m, num, rate_from)),
            all_in_error: all_in_exact.then(|| quotient_error(all_in, scaled, rate_from)),
        })
    }

    /// `part` of the conversion rounded to the target's minor unit, exactly: the `Decimal`
    /// value when every value within its error bound rounds to the same result (rounding is
    /// monotone, so both ends of the bound agreeing suffices), else the exact rational value
    /// rounded ([`exact`]). A result too large to keep the currency's decimals is refused.
    fn round_part(&self, c: &Conversion, part: Part) -> Result<Decimal, Error> {
        let (approx, error) = match part {
            Part::AllIn => (Some(c.all_in), c.all_in_error),
            Part::Markup => (
                c.mid.and_then(|m| c.all_in.checked_sub(m)),
                c.all_in_error
                    .zip(c.mid_error)
                    .and_then(|(a, m)| a.checked_add(m)),
            ),
        };
        if let Some(r) = approx.zip(error).and_then(|(v, e)| self.settled(v, e)) {
            return Ok(r);
        }
        let (neg, num, den) = exact::ratio(
            c.amount,
            self.rate_to,
            c.rate_from,
            self.markup_bps.value(),
            part,
            self.scale,
        )
        .ok_or(Error::overflow("exact conversion"))?;
        exact::to_decimal(neg, &num, &den, self.scale, self.rounding)
            .ok_or_else(|| self.too_large(c.amount, c.from, c.rate_from))
    }

    /// `v` rounded when every value within `error` of it rounds the same way.
    fn settled(&self, v: Decimal, error: Decimal) -> Option<Decimal> {
        if error.is_zero() {
            return Some(self.round(v));
        }
        let lo = self.round(v.checked_sub(error)?);
        let hi = self.round(v.checked_add(error)?);
        (lo == hi).then_some(lo)
    }

    /// The all-in value to show as unrounded: the `Decimal` quotient when it decides the
    /// rounding, else the exact value to as many decimals as `Decimal` holds (up to 28,
    /// nearest, ties to even), so that it never contradicts the rounded amount beyond its
    /// last digit.
    fn shown_unrounded(&self, c: &Conversion) -> Result<Decimal, Error> {
        if c.all_in_error
            .and_then(|e| self.settled(c.all_in, e))
            .is_some()
        {
            return Ok(c.all_in);
        }
        let too_large = || self.too_large(c.amount, c.from, c.rate_from);
        let ratio = |scale| {
            exact::ratio(
                c.amount,
                self.rate_to,
                c.rate_from,
                self.markup_bps.value(),
                Part::AllIn,
                scale,
            )
            .ok_or(Error::overflow("exact conversion"))
        };
        let (neg, num, den) = ratio(0)?;
        let whole =
            exact::round_ratio(&num, &den, neg, RoundingMode::Down).ok_or_else(too_large)?;
        // 28 − digits decimals fit the 96-bit mantissa (whose largest value has 29 digits);
        // a 29-digit whole part takes no decimals, and its rounding may not fit at all.
        let scale = 28u32.saturating_sub(exact::digits(whole));
        let (neg, num, den) = ratio(scale)?;
        let mut v = exact::to_decimal(neg, &num, &den, scale, RoundingMode::HalfEven)
            .ok_or_else(too_large)?
            .normalize();
        if v.scale() < self.scale {
            v.rescale(self.scale);
        }
        Ok(v)
    }

    /// The error for an amount whose conversion leaves `Decimal`'s range, with the largest
    /// magnitude that converts at this rate and markup: the least of what the multiplication
    /// allows (`MAX / (rate_to × max(factor, 1))`) and what keeps the result on the target's
    /// minor unit (`max_result × rate_from / (rate_to × max(factor, 1))`), truncated to the
    /// source currency's minor unit.
    fn too_large(&self, amount: Decimal, from: Currency, rate_from: Decimal) -> Error {
        let factor = self.factor.max(Decimal::ONE);
        // A bound that itself leaves `Decimal`'s range does not limit anything.
        let limit = match self.rate_to.checked_mul(factor) {
            Some(per_unit) => {
                let by_product = Decimal::MAX.checked_div(per_unit).unwrap_or(Decimal::MAX);
                let by_result = rate_from
                    .checked_div(per_unit)
                    .and_then(|inverse| self.max_result.checked_mul(inverse))
                    .unwrap_or(Decimal::MAX);
                by_product.min(by_result)
            }
            // The rate times the markup does not fit: only amounts below one unit convert.
            None => Decimal::ZERO,
        };
        Error::AmountTooLarge {
            amount,
            from,
            to: self.to,
            // Whole units when there are any: the last digits of so long a bound mean nothing.
            limit: if limit >= Decimal::ONE {
                limit.trunc()
            } else {
                limit.trunc_with_scale(from.exponent().unwrap_or(0))
            },
            scale: self.scale,
        }
    }

    fn round(&self, v: Decimal) -> Decimal {
        let mut r = round_to_scale(v, self.scale, self.rounding);
        r.rescale(self.scale);
        r
    }

    fn end(&self, rounded: Decimal) -> Result<Decimal, Error> {
        match &self.ending {
            Some(e) => e.apply(rounded),
            None => Ok(rounded),
        }
    }

    /// Converts one price and explains it.
    ///
    /// # Errors
    /// As [`Repricer::amount`].
    pub fn convert(&self, price: Money) -> Result<PriceQuote, Error> {
        let from = price.currency();
        let c = self.unrounded(price.amount(), from, Part::Markup)?;
        let rate_from = c.rate_from;
        let before_ending = self.round_part(&c, Part::AllIn)?;
        let unrounded = self.shown_unrounded(&c)?;
        let amount = self.end(before_ending)?;
        let markup_amount = self.round_part(&c, Part::Markup)?;
        let reference_rate = self
            .rate_to
            .checked_div(rate_from)
            .ok_or(Error::overflow("reference rate"))?;
        let all_in_rate = self
            .rate_to
            .checked_mul(self.factor)
            .and_then(|v| v.checked_div(rate_from))
            .ok_or(Error::overflow("all-in rate"))?;
        let cash_amount = self
            .cash_increment
            .map(|inc| round_to_increment(amount, inc, self.rounding))
            .transpose()?;
        Ok(PriceQuote {
            original: price,
            amount,
            currency: self.to,
            unrounded,
            before_ending,
            reference_rate,
            all_in_rate: all_in_rate.normalize(),
            markup_bps: self.markup_bps,
            markup_percent: self.markup_percent,
            markup_amount,
            source: Arc::from(self.rates.source()),
            as_of: self.rates.as_of(),
            expires_at: self.expires_at,
            cash_amount,
        })
    }

    /// Honours a locked quote at `at`: the same amounts as when it was made, as long as `at`
    /// is before `expires_at`.
    ///
    /// # Errors
    /// [`Error::QuoteExpired`] at or after the expiry; [`Error::InvalidInput`] when the
    /// policy had no lock; otherwise as [`Repricer::convert`].
    pub fn honour(&self, price: Money, at: DateTime<Utc>) -> Result<PriceQuote, Error> {
        let Some(expires_at) = self.expires_at else {
            return Err(Error::input(
                "lock_minutes",
                "this quote was not locked; give lock_minutes (and now) to lock it",
            ));
        };
        if at >= expires_at {
            return Err(Error::QuoteExpired { expires_at, at });
        }
        self.convert(price)
    }
}

/// One conversion in `Decimal`, with the error bound of each quotient (`None` when a product
/// before it was rounded, so that no bound is known and the exact path decides).
#[derive(Debug)]
struct Conversion {
    amount: Decimal,
    from: Currency,
    rate_from: Decimal,
    /// The mid value (`None` where it was not asked for and cannot change the answer).
    mid: Option<Decimal>,
    all_in: Decimal,
    mid_error: Option<Decimal>,
    all_in_error: Option<Decimal>,
}

/// Whether `product` (computed as `a × b`) is exact: `Decimal`'s multiplication keeps the sum
/// of the scales unless it had to round, so a product with that scale was not rounded.
fn product_is_exact(product: Decimal, a: Decimal, b: Decimal) -> bool {
    a.scale().checked_add(b.scale()) == Some(product.scale())
}

/// The error bound of the quotient `q = x / d` as `Decimal` computed it: zero when `q × d`
/// gives `x` back exactly, else one unit of `q`'s last decimal (the division keeps as many
/// digits as fit and rounds the last one).
fn quotient_error(q: Decimal, x: Decimal, d: Decimal) -> Decimal {
    match q.checked_mul(d) {
        Some(back) if product_is_exact(back, q, d) && back == x => Decimal::ZERO,
        _ => Decimal::new(1, q.scale()),
    }
}

/// Whether `factor` is exactly `1 + bps/10,000`.
fn factor_is_exact(factor: Decimal, bps: Decimal) -> bool {
    let Some((neg, num, den)) = exact::ratio(
        Decimal::ONE,
        Decimal::ONE,
        Decimal::ONE,
        bps,
        Part::AllIn,
        factor.scale(),
    ) else {
        return false;
    };
    let down = exact::round_ratio(&num, &den, neg, RoundingMode::Down);
    let up = exact::round_ratio(&num, &den, neg, RoundingMode::Up);
    down == up && down == u128::try_from(factor.mantissa()).ok()
}

/// `10^scale` (1 when it leaves `Decimal`'s range, which no currency's scale does).
fn pow10(scale: u32) -> Decimal {
    10i64.checked_pow(scale).map_or(Decimal::ONE, Decimal::from)
}

fn check_age(
    tables: &RateTables,
    rates: &ReferenceRates,
    policy: &FxPolicy,
    now: DateTime<Utc>,
    warnings: &mut Vec<String>,
) -> Result<(), Error> {
    let today = now.date_naive();
    if rates.as_of() > today {
        return Err(Error::RatesFromTheFuture {
            source_name: rates.source().to_owned(),
            as_of: rates.as_of(),
            now,
        });
    }
    let max_age_days = match policy.max_age_days {
        Some(d) => d,
        None => tables
            .max_rate_age_days(rates.source(), today)
            .map_err(|_| {
                Error::input(
                    "max_age_days",
                    format!(
                        "no maximum age is known for rate source {:?}; give max_age_days",
                        rates.source()
                    ),
                )
            })?,
    };
    let age_days = today.signed_duration_since(rates.as_of()).num_days();
    if age_days > i64::from(max_age_days) {
        // No newer table of the source is loaded: the message says how to load fresh rates.
        let newest_loaded = tables
            .latest_reference_rates(rates.source())
            .map_or(true, |t| t.as_of() <= rates.as_of());
        let e = Error::StaleRates {
            source_name: rates.source().to_owned(),
            as_of: rates.as_of(),
            today,
            age_days,
            max_age_days,
            newest_loaded,
        };
        match policy.staleness {
            StalenessPolicy::Error => return Err(e),
            StalenessPolicy::Warn => warnings.push(e.to_string()),
        }
    }
    Ok(())
}

/// How far a rate has moved from a locked or listed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Drift {
    /// The locked or listed rate.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub locked_rate: Decimal,
    /// The current rate.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub current_rate: Decimal,
    /// `(current − locked) / locked × 10,000`, rounded to 2 decimals (half up) for display.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub drift_bps: Decimal,
    /// The same, unrounded; the re-price decision uses this value.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub drift_bps_unrounded: Decimal,
    /// The threshold.
    #[serde(serialize_with = "bps_number")]
    pub threshold_bps: Bps,
    /// True when the drift's magnitude exceeds the threshold (strictly).
    pub reprice: bool,
}

/// The drift of `current` from `locked` in basis points, and whether it exceeds `threshold`.
///
/// # Errors
/// [`Error::InvalidInput`] when `locked` is not greater than zero or the threshold is
/// negative; [`Error::Overflow`].
///
/// # Example
/// ```
/// use landed::fx::drift;
/// use landed::Bps;
/// let d = drift("1.1000".parse()?, "1.1341".parse()?, Bps::new(300.into()))?;
/// assert_eq!(d.drift_bps.to_string(), "310.00");
/// assert!(d.reprice);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn drift(locked: Decimal, current: Decimal, threshold: Bps) -> Result<Drift, Error> {
    if locked <= Decimal::ZERO {
        return Err(Error::input(
            "locked_rate",
            format!("{locked} must be greater than zero"),
        ));
    }
    if threshold.value() < Decimal::ZERO {
        return Err(Error::input(
            "drift_threshold_bps",
            format!("{threshold} must be zero or more"),
        ));
    }
    let unrounded = current
        .checked_sub(locked)
        .and_then(|d| d.checked_mul(Decimal::from(10_000u32)))
        .and_then(|d| d.checked_div(locked))
        .ok_or(Error::overflow("drift"))?;
    let mut shown = round_to_scale(unrounded, 2, RoundingMode::HalfUp);
    shown.rescale(2);
    Ok(Drift {
        locked_rate: locked,
        current_rate: current,
        drift_bps: shown,
        drift_bps_unrounded: unrounded,
        threshold_bps: threshold,
        reprice: unrounded.abs() > threshold.value(),
    })
}

/// Exact rational arithmetic for the conversions whose `Decimal` computation may have rounded
/// (a product past 28 digits, a quotient close to a rounding boundary). The value
/// `amount × rate_to × (1 + bps/10,000) / rate_from` is a ratio of integers built from the
/// decimals' mantissas and powers of ten; its quotient and remainder decide every rounding
/// mode exactly.
mod exact {
    use core::cmp::Ordering;
    use core::iter;

    use rust_decimal::Decimal;

    use crate::money::RoundingMode;

    /// An unsigned integer of any size: 32-bit limbs, least significant first, no zero limb
    /// on top (zero has no limbs).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) struct Big(Vec<u32>);

    impl Big {
        pub(super) fn from_u128(mut v: u128) -> Self {
            let mut limbs = Vec::with_capacity(4);
            while v != 0 {
                limbs.push(low32(v));
                v = v.wrapping_shr(32);
            }
            Self(limbs)
        }

        fn trim(&mut self) {
            while self.0.last() == Some(&0) {
                self.0.pop();
            }
        }

        fn is_zero(&self) -> bool {
            self.0.is_empty()
        }

        fn mul_small(&mut self, m: u32) {
            let mut carry = 0u64;
            for l in &mut self.0 {
                // (2^32 − 1)² + (2^32 − 1) < 2^64: no wrap.
                let t = u64::from(*l).wrapping_mul(u64::from(m)).wrapping_add(carry);
                *l = low32(u128::from(t));
                carry = t.wrapping_shr(32);
            }
            if carry != 0 {
                self.0.push(low32(u128::from(carry)));
            }
            self.trim();
        }

        /// `self × 10^n`.
        pub(super) fn mul_pow10(&mut self, mut n: u32) {
            while n >= 9 {
                self.mul_small(1_000_000_000);
                n = n.wrapping_sub(9);
            }
            self.mul_small(10u32.pow(n));
        }

        pub(super) fn mul(&self, other: &Self) -> Self {
            let mut out = vec![0u32; self.0.len().saturating_add(other.0.len())];
            for (i, &a) in self.0.iter().enumerate() {
                let mut carry = 0u64;
                // The extra zero limb takes the last carry; the product fits `out`.
                let row = other.0.iter().copied().chain(iter::once(0));
                for (slot, b) in out.iter_mut().skip(i).zip(row) {
                    // slot + a·b + carry <= 2^64 − 1.
                    let t = u64::from(a)
                        .wrapping_mul(u64::from(b))
                        .wrapping_add(u64::from(*slot))
                        .wrapping_add(carry);
                    *slot = low32(u128::from(t));
                    carry = t.wrapping_shr(32);
                }
            }
            let mut out = Self(out);
            out.trim();
            out
        }

        fn sub_assign(&mut self, other: &Self) {
            let mut borrow = false;
            let rhs = other.0.iter().copied().chain(iter::repeat(0));
            for (l, r) in self.0.iter_mut().zip(rhs) {
                let (d1, o1) = l.overflowing_sub(r);
                let (d2, o2) = d1.overflowing_sub(u32::from(borrow));
                *l = d2;
                borrow = o1 || o2;
            }
            self.trim();
        }

        fn bits(&self) -> u32 {
            let top = self
                .0
                .last()
                .map_or(0, |t| 32u32.wrapping_sub(t.leading_zeros()));
            let below = u32::try_from(self.0.len().saturating_sub(1))
                .unwrap_or(u32::MAX)
                .saturating_mul(32);
            below.saturating_add(top)
        }

        fn shl(&self, n: u32) -> Self {
            let (limbs, bits) = (n.wrapping_div(32), n.wrapping_rem(32));
            let mut out: Vec<u32> =
                iter::repeat_n(0, usize::try_from(limbs).unwrap_or(0)).collect();
            let mut carry = 0u32;
            for &l in &self.0 {
                if bits == 0 {
                    out.push(l);
                } else {
                    out.push(l.wrapping_shl(bits) | carry);
                    carry = l.wrapping_shr(32u32.wrapping_sub(bits));
                }
            }
            out.push(carry);
            let mut out = Self(out);
            out.trim();
            out
        }

        fn shr1(&mut self) {
            let mut carry = 0u32;
            for l in self.0.iter_mut().rev() {
                let next = *l & 1;
                *l = l.wrapping_shr(1) | carry.wrapping_shl(31);
                carry = next;
            }
            self.trim();
        }

        /// `(self / d, self % d)` when the quotient fits 128 bits and `d` is not zero.
        fn div_rem(&self, d: &Self) -> Option<(u128, Self)> {
            if d.is_zero() {
                return None;
            }
            if self < d {
                return Some((0, self.clone()));
            }
            let k = self.bits().checked_sub(d.bits())?;
            if k >= 128 {
                return None;
            }
            let mut shifted = d.shl(k);
            let mut rem = self.clone();
            let mut q = 0u128;
            for i in (0..=k).rev() {
                if rem >= shifted {
                    rem.sub_assign(&shifted);
                    q |= 1u128.wrapping_shl(i);
                }
                shifted.shr1();
            }
            Some((q, rem))
        }
    }

    impl PartialOrd for Big {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }

    impl Ord for Big {
        fn cmp(&self, other: &Self) -> Ordering {
            self.0
                .len()
                .cmp(&other.0.len())
                .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
        }
    }

    /// The low 32 bits.
    const fn low32(v: u128) -> u32 {
        (v & 0xFFFF_FFFF) as u32
    }

    /// `num / den` rounded to an integer with `mode`, for a value of sign `neg`; `None` when
    /// the quotient leaves 128 bits or `den` is zero.
    pub(super) fn round_ratio(num: &Big, den: &Big, neg: bool, mode: RoundingMode) -> Option<u128> {
        let (q, rem) = num.div_rem(den)?;
        if rem.is_zero() {
            return Some(q);
        }
        let half = rem.shl(1).cmp(den);
        let odd = q & 1 == 1;
        let away = match mode {
            RoundingMode::HalfUp => half != Ordering::Less,
            RoundingMode::HalfDown => half == Ordering::Greater,
            RoundingMode::HalfEven => half == Ordering::Greater || (half == Ordering::Equal && odd),
            RoundingMode::HalfCeiling => {
                half == Ordering::Greater || (half == Ordering::Equal && !neg)
            }
            RoundingMode::Up => true,
            RoundingMode::Down => false,
            RoundingMode::Ceiling => !neg,
            RoundingMode::Floor => neg,
        };
        q.checked_add(u128::from(away))
    }

    /// Which part of the conversion: the all-in value, or what the markup adds over the
    /// value at the reference (mid) rate.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum Part {
        AllIn,
        Markup,
    }

    /// The exact value of `part` of `amount × rate_to × (1 + bps/10,000) / rate_from` as a
    /// sign and a ratio of integers, times `10^scale` (so rounding the ratio to an integer
    /// rounds the value to `scale` decimals). `None` when a rate is not positive.
    pub(super) fn ratio(
        amount: Decimal,
        rate_to: Decimal,
        rate_from: Decimal,
        bps: Decimal,
        part: Part,
        scale: u32,
    ) -> Option<(bool, Big, Big)> {
        if rate_to <= Decimal::ZERO || rate_from <= Decimal::ZERO {
            return None;
        }
        // 1 + bps/10,000 = (10^(4+s) + B) / 10^(4+s) with B = bps × 10^s; the markup alone
        // is B / 10^(4+s).
        let bps_scale = bps.scale().checked_add(4)?;
        let one = 10i128.checked_pow(bps_scale)?;
        let (factor, factor_scale) = match part {
            Part::AllIn => (one.checked_add(bps.mantissa())?, bps_scale),
            Part::Markup => (bps.mantissa(), bps_scale),
        };
        let neg = (amount.is_sign_negative() && !amount.is_zero()) != (factor < 0);
        let mut num = Big::from_u128(amount.mantissa().unsigned_abs())
            .mul(&Big::from_u128(rate_to.mantissa().unsigned_abs()))
            .mul(&Big::from_u128(factor.unsigned_abs()));
        let mut den = Big::from_u128(rate_from.mantissa().unsigned_abs());
        let up = rate_from.scale().checked_add(scale)?;
        let down = amount
            .scale()
            .checked_add(rate_to.scale())?
            .checked_add(factor_scale)?;
        if up >= down {
            num.mul_pow10(up.wrapping_sub(down));
        } else {
            den.mul_pow10(down.wrapping_sub(up));
        }
        Some((neg, num, den))
    }

    /// The value of `(neg, num, den)` rounded to `scale` decimals (the ratio already carries
    /// `10^scale`), as a `Decimal` of exactly that scale; `None` when it does not fit.
    pub(super) fn to_decimal(
        neg: bool,
        num: &Big,
        den: &Big,
        scale: u32,
        mode: RoundingMode,
    ) -> Option<Decimal> {
        let mag = round_ratio(num, den, neg, mode)?;
        let m = i128::try_from(mag).ok()?;
        Decimal::try_from_i128_with_scale(if neg { m.wrapping_neg() } else { m }, scale).ok()
    }

    /// The decimal digits of `v` (0 for zero).
    pub(super) fn digits(mut v: u128) -> u32 {
        let mut n = 0u32;
        while v != 0 {
            v = v.wrapping_div(10);
            n = n.wrapping_add(1);
        }
        n
    }
}
