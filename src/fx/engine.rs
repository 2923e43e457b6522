//! The repricing engine: policy, prepared repricer, price quotes, rate locks and drift.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use crate::codes::{Bps, CountryCode, Currency};
use crate::data::{DataVersion, RateTables, ReferenceRates};
use crate::ending::{CompiledEnding, PriceEnding};
use crate::error::Error;
use crate::money::{Money, RoundingMode, round_to_increment, round_to_scale};

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
        let (_, unrounded, _) = self.unrounded(amount, from)?;
        let rounded = self.round(unrounded);
        self.end(rounded)
    }

    fn unrounded(
        &self,
        amount: Decimal,
        from: Currency,
    ) -> Result<(Decimal, Decimal, Decimal), Error> {
        let rate_from = self.rates.rate(from)?;
        let too_large = || self.too_large(amount, from, rate_from);
        let num = amount.checked_mul(self.rate_to).ok_or_else(too_large)?;
        let all_in = num
            .checked_mul(self.factor)
            .and_then(|v| v.checked_div(rate_from))
            .ok_or_else(too_large)?;
        let mid = num.checked_div(rate_from).ok_or_else(too_large)?;
        // A result past `max_result` cannot show the target's minor unit: refuse it rather
        // than answer with fewer decimals than the currency has.
        if all_in.abs() > self.max_result || mid.abs() > self.max_result {
            return Err(too_large());
        }
        Ok((mid, all_in, rate_from))
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
        let (mid, unrounded, rate_from) = self.unrounded(price.amount(), from)?;
        let before_ending = self.round(unrounded);
        let amount = self.end(before_ending)?;
        let markup_amount = self.round(
            unrounded
                .checked_sub(mid)
                .ok_or(Error::overflow("markup amount"))?,
        );
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
