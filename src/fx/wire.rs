//! The JSON wire format of repricing: [`RepriceRequest`] in, [`RepriceResponse`] out.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::engine::{
    DEFAULT_DRIFT_THRESHOLD_BPS, DEFAULT_RATE_SOURCE, Drift, EndingChoice, FxPolicy, PriceQuote,
    Repricer, StalenessPolicy, drift,
};
use crate::codes::{Bps, CountryCode, Currency};
use crate::data::{DataVersion, RateTables, ReferenceRates};
use crate::ending::{EndingRange, IncrementEnding};
use crate::error::Error;
use crate::money::{Money, RoundingMode};
use crate::serde_util::DecimalStr;

/// A reference rate table given in the request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RatesInput {
    /// The pivot currency (rate 1).
    pub pivot: Currency,
    /// The date the rates are for.
    #[serde(with = "crate::serde_util::date_str")]
    pub as_of: NaiveDate,
    /// The publisher, e.g. `ECB`.
    pub source: String,
    /// Rates against the pivot, as decimal strings.
    #[serde(deserialize_with = "rates_map")]
    pub rates: BTreeMap<Currency, Decimal>,
}

impl RatesInput {
    /// The validated table, each problem named by its request field: `rates.source` when it
    /// is blank, `rates.rates` when no rate is listed, `rates.rates.USD` for a rate that is
    /// zero or negative or outside 10^-12..10^12, or a pivot listed with a rate other than 1.
    /// A currency listed twice is refused when the request is read.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with the field's path.
    ///
    /// # Example
    /// ```
    /// use landed::fx::RepriceRequest;
    /// let req = RepriceRequest::from_json(r#"{"to": "GBP", "prices": [],
    ///   "rates": {"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB",
    ///             "rates": {"USD": "0", "GBP": "0.84163"}}}"#)?;
    /// let err = req.rates.ok_or("rates")?.to_reference_rates().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "rates.rates.USD: the rate is 0; a rate must be greater than zero (the USD that 1 EUR buys)"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_reference_rates(&self) -> Result<ReferenceRates, Error> {
        if self.source.trim().is_empty() {
            return Err(Error::input(
                "rates.source",
                "the source is empty; name the publisher, e.g. \"ECB\"",
            ));
        }
        if self.rates.is_empty() {
            return Err(Error::input(
                "rates.rates",
                "no rate is listed; give the rate of every currency the request converts from or to, e.g. {\"USD\": \"1.1607\"}",
            ));
        }
        let pivot = self.pivot;
        for (currency, rate) in &self.rates {
            let field = || format!("rates.rates.{currency}");
            if *currency == pivot && *rate != Decimal::ONE {
                return Err(Error::input(
                    field(),
                    format!(
                        "the pivot {pivot} is listed with rate {rate}; the pivot's rate is 1 by definition: give \"1\" or leave it out"
                    ),
                ));
            }
            if *rate <= Decimal::ZERO {
                return Err(Error::input(
                    field(),
                    format!(
                        "the rate is {rate}; a rate must be greater than zero (the {currency} that 1 {pivot} buys)"
                    ),
                ));
            }
            if *rate < MIN_RATE || *rate > MAX_RATE {
                return Err(Error::input(
                    field(),
                    format!(
                        "the rate is {rate}; rates from 0.000000000001 to 1000000000000 are accepted (the {currency} that 1 {pivot} buys): check the rate, or give the table against another pivot"
                    ),
                ));
            }
        }
        ReferenceRates::new(
            pivot,
            self.as_of,
            &self.source,
            self.rates.iter().map(|(c, v)| (*c, *v)),
        )
        .map_err(|e| Error::input("rates", e.to_string()))
    }
}

/// The `rates` map, refusing a currency listed twice: a JSON object with a repeated key is
/// legal JSON, and a plain map would silently keep the last value.
fn rates_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<Currency, Decimal>, D::Error> {
    d.deserialize_map(RatesVisitor)
}

struct RatesVisitor;

impl<'de> serde::de::Visitor<'de> for RatesVisitor {
    type Value = BTreeMap<Currency, Decimal>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of currency codes to rates as decimal strings")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(currency) = map.next_key::<Currency>()? {
            let DecimalStr(rate) = map.next_value()?;
            if let Some(first) = out.insert(currency, rate) {
                return Err(serde::de::Error::custom(format!(
                    "{currency} is listed twice (\"{first}\" and \"{rate}\"); give each currency once"
                )));
            }
        }
        Ok(out)
    }
}

/// The smallest rate a request may give: 10^-12. A smaller one (`1e-28`) loads, and then
/// every cross rate through it leaves `Decimal`'s range or keeps a digit or two; real rates
/// against any pivot are far inside 10^-12..10^12.
const MIN_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 12);
/// The largest rate a request may give: 10^12.
const MAX_RATE: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// The `ending` of a request: a rule, or the data's ending for the currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum EndingInput {
    /// `{"kind": "increment", "increment": "1.00", "offset": "-0.01", "direction": "up"}`.
    Increment(IncrementEnding),
    /// `{"kind": "ranges", "ranges": [...]}` (Global-e semantics).
    Ranges {
        /// The ranges, in order.
        ranges: Vec<EndingRange>,
    },
    /// `{"kind": "data", "market": "CH"}`: the data's ending for the target currency.
    Data {
        /// The market whose ending applies, when the data has one.
        #[serde(default)]
        market: Option<CountryCode>,
    },
}

impl From<EndingInput> for EndingChoice {
    fn from(e: EndingInput) -> Self {
        match e {
            EndingInput::Increment(i) => Self::Rule(crate::ending::PriceEnding::Increment(i)),
            EndingInput::Ranges { ranges } => {
                Self::Rule(crate::ending::PriceEnding::Ranges { ranges })
            }
            EndingInput::Data { market } => Self::Data { market },
        }
    }
}

/// A repricing request (the wire format of `cargo run --example reprice`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RepriceRequest {
    /// The reference rates; absent: the embedded table of the default source (the newest
    /// published on or before `now`, or the newest loaded).
    #[serde(default)]
    pub rates: Option<RatesInput>,
    /// The target currency.
    pub to: Currency,
    /// The markup in basis points (an integer or a decimal string).
    #[serde(default = "zero_bps")]
    pub markup_bps: Bps,
    /// Minor-unit rounding; default `half_up`.
    #[serde(default)]
    pub rounding: Option<RoundingMode>,
    /// A price ending.
    #[serde(default)]
    pub ending: Option<EndingInput>,
    /// The moment of the quote (RFC 3339); enables the staleness check and the lock.
    #[serde(default)]
    pub now: Option<DateTime<Utc>>,
    /// The rates' maximum age in days; default from the data's `[[rate_source]]`.
    #[serde(default)]
    pub max_age_days: Option<u32>,
    /// `error` (default) or `warn` for stale rates.
    #[serde(default)]
    pub staleness: Option<StalenessPolicy>,
    /// Lock the quote for this many minutes from `now`.
    #[serde(default)]
    pub lock_minutes: Option<u32>,
    /// A locked or listed reference rate for the prices' currency → `to`, for the drift check.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub locked_rate: Option<Decimal>,
    /// The re-price threshold; default 300 bps.
    #[serde(default)]
    pub drift_threshold_bps: Option<Bps>,
    /// Also give each price's cash amount.
    #[serde(default)]
    pub cash: bool,
    /// The prices to convert.
    pub prices: Vec<Money>,
}

const fn zero_bps() -> Bps {
    Bps::new(Decimal::ZERO)
}

/// The response: one quote per price, the drift when a locked rate was given, warnings and
/// the data version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RepriceResponse {
    /// One quote per price, in order.
    pub quotes: Vec<PriceQuote>,
    /// Drift of the current reference rate from `locked_rate`, in bps (2 decimals).
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub drift_bps: Option<Decimal>,
    /// Whether the drift exceeds the threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reprice: Option<bool>,
    /// The full drift computation, when a locked rate was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
    /// Warnings (unchecked or stale rates).
    pub warnings: Vec<String>,
    /// The data the currency metadata, endings and (when not given) rates came from.
    pub data_version: DataVersion,
}

impl RepriceRequest {
    /// Parses a request, naming the JSON path of any bad field.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with the field's path.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        crate::serde_util::from_json_named(text)
    }
}

impl RepriceResponse {
    /// The response as pretty JSON.
    ///
    /// # Errors
    /// Never in practice (every field serializes).
    pub fn to_json(&self) -> Result<String, Error> {
        crate::serde_util::to_json_pretty(self)
    }
}

/// Reprices a request against `tables` (currency metadata, endings, rate-source policies and,
/// when the request gives none, the reference rates).
///
/// # Errors
/// Any error of [`Repricer::new`], [`Repricer::convert`] and [`drift`], with request fields
/// named; [`Error::MalformedRates`] for a bad `rates` object.
///
/// # Example
/// ```
/// use landed::fx::{RepriceRequest, reprice};
/// let req = RepriceRequest::from_json(r#"{
///   "rates": {"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB",
///             "rates": {"USD": "1.1097", "JPY": "162.17"}},
///   "to": "JPY", "markup_bps": 150,
///   "ending": {"kind": "increment", "increment": "100", "offset": "-1", "direction": "up"},
///   "now": "2025-04-04T10:00:00Z", "max_age_days": 5, "lock_minutes": 60,
///   "prices": [{"amount": "10.00", "currency": "USD"}]
/// }"#)?;
/// let res = reprice(landed::RateTables::embedded()?, &req)?;
/// let q = &res.quotes[0];
/// assert_eq!(q.before_ending.to_string(), "1483"); // 10 × 162.17 × 1.015 / 1.1097
/// assert_eq!(q.amount.to_string(), "1499");
/// assert_eq!(q.expires_at.map(|t| t.to_rfc3339()).as_deref(), Some("2025-04-04T11:00:00+00:00"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reprice(tables: &RateTables, req: &RepriceRequest) -> Result<RepriceResponse, Error> {
    let rates: Arc<ReferenceRates> = match &req.rates {
        Some(r) => Arc::new(r.to_reference_rates()?),
        None => match req.now {
            Some(now) => Arc::clone(tables.reference_rates(DEFAULT_RATE_SOURCE, now.date_naive())?),
            None => Arc::clone(tables.latest_reference_rates(DEFAULT_RATE_SOURCE)?),
        },
    };
    let mut policy = FxPolicy::new(req.to)
        .with_markup(req.markup_bps)
        .with_rounding(req.rounding.unwrap_or_default())
        .with_cash(req.cash)
        .with_staleness(req.staleness.unwrap_or_default());
    policy.max_age_days = req.max_age_days;
    policy.lock_minutes = req.lock_minutes;
    policy.ending = req.ending.clone().map(EndingChoice::from);
    let repricer = Repricer::new(tables, rates, &policy, req.now).map_err(|e| match e {
        Error::NoReferenceRate { currency, .. } if currency == req.to => {
            Error::input("to", e.to_string())
        }
        other => other,
    })?;
    let quotes = req
        .prices
        .iter()
        .enumerate()
        .map(|(i, p)| {
            repricer.convert(*p).map_err(|e| match e {
                Error::AmountTooLarge { .. } => {
                    Error::input(format!("prices[{i}].amount"), e.to_string())
                }
                Error::NoReferenceRate { .. } => {
                    Error::input(format!("prices[{i}].currency"), e.to_string())
                }
                Error::EndingNotPositive { .. } => {
                    Error::input(format!("prices[{i}]"), e.to_string())
                }
                other => other,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let drift = match req.locked_rate {
        None => None,
        Some(locked) => {
            let from = single_currency(&req.prices)?;
            let current = repricer.rates().cross(from, req.to)?;
            let threshold = req
                .drift_threshold_bps
                .unwrap_or_else(|| Bps::new(Decimal::from(DEFAULT_DRIFT_THRESHOLD_BPS)));
            Some(drift(locked, current.normalize(), threshold)?)
        }
    };
    Ok(RepriceResponse {
        quotes,
        drift_bps: drift.map(|d| d.drift_bps),
        reprice: drift.map(|d| d.reprice),
        drift,
        warnings: repricer.warnings().to_vec(),
        data_version: repricer.data_version().clone(),
    })
}

fn single_currency(prices: &[Money]) -> Result<Currency, Error> {
    let mut it = prices.iter().map(Money::currency);
    let Some(first) = it.next() else {
        return Err(Error::input(
            "locked_rate",
            "the drift is measured for the prices' currency pair; give at least one price",
        ));
    };
    if let Some(other) = it.find(|c| *c != first) {
        return Err(Error::input(
            "locked_rate",
            format!(
                "the prices are in {first} and {other}; a locked rate is for one pair, so send one currency per request"
            ),
        ));
    }
    Ok(first)
}
