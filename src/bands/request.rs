//! The request: the wire types of a band (the strategy, the filters, the competitors' offers and
//! the exchange rates that normalise them), deserialized with every field named in errors.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::codes::Currency;
use crate::data::ScheduleSpec;
use crate::ending::PriceEnding;

/// Which competitor price the strategy starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// The lowest landed offer.
    Lowest,
    /// The second lowest.
    SecondLowest,
    /// The offer at `position` (1 = lowest).
    Position,
    /// The average of the `count` lowest.
    AverageLowest,
    /// The median.
    Median,
    /// The buy-box offer.
    BuyBox,
}

/// What to do relative to the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Match it.
    Match,
    /// Go below it by `amount` or `percent`.
    Beat,
    /// Stay above it by `amount` or `percent`.
    Above,
}

/// The strategy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Strategy {
    /// The reference kind.
    pub reference: Reference,
    /// For `position`: 1-based.
    #[serde(default)]
    pub position: Option<usize>,
    /// For `average_lowest`.
    #[serde(default)]
    pub count: Option<usize>,
    /// The action.
    pub action: Action,
    /// By this amount.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub amount: Option<Decimal>,
    /// Or by this percent.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub percent: Option<Decimal>,
}

impl Strategy {
    /// Start from `reference` and `action` it: the wire format's required fields, with no
    /// `position`, `count`, `amount` or `percent` (set those the reference and action need).
    ///
    /// # Example
    /// ```
    /// use landed::bands::{Action, Reference, Strategy};
    /// let beat_lowest = Strategy::new(Reference::Lowest, Action::Beat).amount("0.50".parse()?);
    /// assert_eq!(beat_lowest.amount, Some("0.50".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(reference: Reference, action: Action) -> Self {
        Self {
            reference,
            position: None,
            count: None,
            action,
            amount: None,
            percent: None,
        }
    }

    /// Sets `position`, the 1-based offer of [`Reference::Position`].
    #[must_use]
    pub const fn position(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }

    /// Sets `count`, the number of lowest offers [`Reference::AverageLowest`] averages.
    #[must_use]
    pub const fn count(mut self, count: usize) -> Self {
        self.count = Some(count);
        self
    }

    /// Sets `amount`, the amount to beat or stay above the reference by.
    #[must_use]
    pub const fn amount(mut self, amount: Decimal) -> Self {
        self.amount = Some(amount);
        self
    }

    /// Sets `percent`, the percent to beat or stay above the reference by.
    #[must_use]
    pub const fn percent(mut self, percent: Decimal) -> Self {
        self.percent = Some(percent);
        self
    }
}

/// With no competitor left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoCompetitors {
    /// Keep the current price. The default.
    #[default]
    Hold,
    /// Go to the ceiling.
    Ceiling,
    /// Go to the floor.
    Floor,
}

/// When the own offer is already the lowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenLowest {
    /// Keep the current price. The default.
    #[default]
    Hold,
    /// Rise to just under the next offer.
    RaiseToNext,
}

/// Offer filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Filters {
    /// Minimum seller rating.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_rating: Option<Decimal>,
    /// Fulfilment types to exclude.
    #[serde(default)]
    pub exclude_fulfillment: Vec<String>,
    /// Conditions to keep (empty: all).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Maximum age of an offer in hours (needs `now`).
    #[serde(default)]
    pub max_age_hours: Option<u32>,
    /// Exclude offers more than this percent below the median.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub outlier_below_percent: Option<Decimal>,
    /// Exclude offers more than this percent above the median.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub outlier_above_percent: Option<Decimal>,
}

impl Filters {
    /// No filter: the wire format's `{}` (the same as [`Filters::default`]).
    pub const fn new() -> Self {
        Self {
            min_rating: None,
            exclude_fulfillment: Vec::new(),
            conditions: Vec::new(),
            max_age_hours: None,
            outlier_below_percent: None,
            outlier_above_percent: None,
        }
    }

    /// Sets `min_rating`, the minimum seller rating.
    #[must_use]
    pub const fn min_rating(mut self, rating: Decimal) -> Self {
        self.min_rating = Some(rating);
        self
    }

    /// Sets `exclude_fulfillment`, the fulfilment types to exclude.
    #[must_use]
    pub fn exclude_fulfillment<S: Into<String>>(
        mut self,
        types: impl IntoIterator<Item = S>,
    ) -> Self {
        self.exclude_fulfillment = types.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `conditions`, the conditions to keep (empty: all).
    #[must_use]
    pub fn conditions<S: Into<String>>(mut self, conditions: impl IntoIterator<Item = S>) -> Self {
        self.conditions = conditions.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `max_age_hours`, the maximum age of an offer (needs the request's `now`).
    #[must_use]
    pub const fn max_age_hours(mut self, hours: u32) -> Self {
        self.max_age_hours = Some(hours);
        self
    }

    /// Sets `outlier_below_percent`: offers more than this percent below the median are
    /// excluded.
    #[must_use]
    pub const fn outlier_below_percent(mut self, percent: Decimal) -> Self {
        self.outlier_below_percent = Some(percent);
        self
    }

    /// Sets `outlier_above_percent`: offers more than this percent above the median are
    /// excluded.
    #[must_use]
    pub const fn outlier_above_percent(mut self, percent: Decimal) -> Self {
        self.outlier_above_percent = Some(percent);
        self
    }
}

/// A competitor offer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Offer {
    /// The seller.
    pub seller_id: String,
    /// Item price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub price: Decimal,
    /// Shipping charged.
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// The offer's currency.
    pub currency: Currency,
    /// Seller rating.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub rating: Option<Decimal>,
    /// Fulfilment type.
    #[serde(default)]
    pub fulfillment: Option<String>,
    /// Condition.
    #[serde(default)]
    pub condition: Option<String>,
    /// Holds the buy box.
    #[serde(default)]
    pub buy_box: bool,
    /// When the offer was seen.
    #[serde(default)]
    pub seen_at: Option<DateTime<Utc>>,
}

impl Offer {
    /// `seller_id`'s offer at `price` in `currency`: the wire format's required fields, with
    /// free shipping, no rating, fulfilment or condition, not the buy box, seen at no stated
    /// time.
    ///
    /// # Example
    /// ```
    /// use landed::bands::Offer;
    /// let offer = Offer::new("A", "10.50".parse()?, "USD".parse()?).shipping("1.00".parse()?);
    /// assert_eq!((offer.seller_id.as_str(), offer.buy_box), ("A", false));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(seller_id: impl Into<String>, price: Decimal, currency: Currency) -> Self {
        Self {
            seller_id: seller_id.into(),
            price,
            shipping: Decimal::ZERO,
            currency,
            rating: None,
            fulfillment: None,
            condition: None,
            buy_box: false,
            seen_at: None,
        }
    }

    /// Sets `shipping`, the shipping charged (default 0).
    #[must_use]
    pub const fn shipping(mut self, amount: Decimal) -> Self {
        self.shipping = amount;
        self
    }

    /// Sets `rating`, the seller's rating.
    #[must_use]
    pub const fn rating(mut self, rating: Decimal) -> Self {
        self.rating = Some(rating);
        self
    }

    /// Sets `fulfillment`, the fulfilment type.
    #[must_use]
    pub fn fulfillment(mut self, fulfillment: impl Into<String>) -> Self {
        self.fulfillment = Some(fulfillment.into());
        self
    }

    /// Sets `condition`.
    #[must_use]
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// Sets `buy_box`: whether the offer holds the buy box (default false).
    #[must_use]
    pub const fn buy_box(mut self, buy_box: bool) -> Self {
        self.buy_box = buy_box;
        self
    }

    /// Sets `seen_at`, when the offer was seen.
    #[must_use]
    pub const fn seen_at(mut self, at: DateTime<Utc>) -> Self {
        self.seen_at = Some(at);
        self
    }
}

/// An exchange rate for normalising offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rate {
    /// From.
    pub from: Currency,
    /// To.
    pub to: Currency,
    /// Units of `to` per unit of `from`.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub rate: Decimal,
}

impl Rate {
    /// One unit of `from` is worth `rate` units of `to`.
    ///
    /// # Example
    /// ```
    /// use landed::bands::Rate;
    /// let eur_usd = Rate::new("EUR".parse()?, "USD".parse()?, "1.08".parse()?);
    /// assert_eq!(eur_usd.rate.to_string(), "1.08");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(from: Currency, to: Currency, rate: Decimal) -> Self {
        Self { from, to, rate }
    }
}

/// A band request (the wire format of `cargo run --example band`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
#[allow(
    missing_docs,
    reason = "the fields are documented in the wire format of the crate docs"
)]
pub struct BandRequest {
    pub currency: Currency,
    #[serde(with = "crate::serde_util::decimal_str")]
    pub current_price: Decimal,
    #[serde(default)]
    pub own_seller_ids: Vec<String>,
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub own_shipping: Decimal,
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unit_cost: Decimal,
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub other_costs: Decimal,
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub landed_cost: Decimal,
    #[serde(default)]
    pub fees: Option<ScheduleSpec>,
    /// A fee schedule from the data (e.g. `amazon_us/clothing_and_accessories`), in force on
    /// the date of `now`; instead of `fees`.
    #[serde(default)]
    pub fee_schedule_id: Option<String>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_profit: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_margin_percent: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_price: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_price: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub map: Option<Decimal>,
    pub strategy: Strategy,
    /// The most a price may move per change, in percent of `current_price`, up and down
    /// (`max_step_up_percent` and `max_step_down_percent` override each side). Absent: 5 %
    /// ([`DEFAULT_MAX_STEP_PERCENT`](super::DEFAULT_MAX_STEP_PERCENT)), named in the trace when
    /// it binds. The band's floor and ceiling win over it.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_step_percent: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_step_up_percent: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_step_down_percent: Option<Decimal>,
    #[serde(default)]
    pub last_change_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub cool_down_minutes: u32,
    #[serde(default)]
    pub no_competitors: NoCompetitors,
    #[serde(default)]
    pub when_lowest: WhenLowest,
    #[serde(default)]
    pub ending: Option<PriceEnding>,
    #[serde(default)]
    pub filters: Filters,
    #[serde(default)]
    pub exchange_rates: Vec<Rate>,
    #[serde(default)]
    pub now: Option<DateTime<Utc>>,
    #[serde(default)]
    pub competitors: Vec<Offer>,
}

impl BandRequest {
    /// A band in `currency` for an offer now at `current_price` that costs `unit_cost`,
    /// priced by `strategy`: the wire format's required fields, every other one at its
    /// default (no own seller ids, shipping, other or landed costs, fees, minimum profit or
    /// margin, limits, step limits, cool-down or ending; `hold` when there is no competitor
    /// or the offer is already the lowest; no filters, exchange rates, `now` or competitors).
    ///
    /// A band needs a ceiling: set [`max_price`](Self::max_price), or [`band`](super::band)
    /// refuses the request naming the field.
    ///
    /// # Example
    /// ```
    /// use landed::bands::{Action, BandRequest, Offer, Reference, Strategy, band};
    /// let usd = "USD".parse()?;
    /// let req = BandRequest::new(usd, "11.50".parse()?, "8.00".parse()?,
    ///                            Strategy::new(Reference::Lowest, Action::Match))
    ///     .max_price("30.00".parse()?)
    ///     .competitor(Offer::new("A", "11.00".parse()?, usd));
    /// let r = band(landed::RateTables::embedded()?, &req)?;
    /// assert_eq!(r.price.to_string(), "11.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(
        currency: Currency,
        current_price: Decimal,
        unit_cost: Decimal,
        strategy: Strategy,
    ) -> Self {
        Self {
            currency,
            current_price,
            own_seller_ids: Vec::new(),
            own_shipping: Decimal::ZERO,
            unit_cost,
            other_costs: Decimal::ZERO,
            landed_cost: Decimal::ZERO,
            fees: None,
            fee_schedule_id: None,
            min_profit: None,
            min_margin_percent: None,
            min_price: None,
            max_price: None,
            map: None,
            strategy,
            max_step_percent: None,
            max_step_up_percent: None,
            max_step_down_percent: None,
            last_change_at: None,
            cool_down_minutes: 0,
            no_competitors: NoCompetitors::Hold,
            when_lowest: WhenLowest::Hold,
            ending: None,
            filters: Filters::new(),
            exchange_rates: Vec::new(),
            now: None,
            competitors: Vec::new(),
        }
    }

    /// Adds one of the seller's own ids to `own_seller_ids` (their offers are not competitors).
    #[must_use]
    pub fn own_seller_id(mut self, id: impl Into<String>) -> Self {
        self.own_seller_ids.push(id.into());
        self
    }

    /// Sets `own_seller_ids`, replacing any added before.
    #[must_use]
    pub fn own_seller_ids<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.own_seller_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `own_shipping`, the shipping the seller charges (default 0).
    #[must_use]
    pub const fn own_shipping(mut self, amount: Decimal) -> Self {
        self.own_shipping = amount;
        self
    }

    /// Sets `other_costs`, costs per unit beside `unit_cost` (default 0).
    #[must_use]
    pub const fn other_costs(mut self, amount: Decimal) -> Self {
        self.other_costs = amount;
        self
    }

    /// Sets `landed_cost`, the landed-cost charges per unit the seller bears (duty, import
    /// taxes, border fees), added to the costs (default 0).
    #[must_use]
    pub const fn landed_cost(mut self, amount: Decimal) -> Self {
        self.landed_cost = amount;
        self
    }

    /// Sets `fees`, an inline fee schedule charged on the price.
    #[must_use]
    pub fn fees(mut self, schedule: ScheduleSpec) -> Self {
        self.fees = Some(schedule);
        self
    }

    /// Sets `fee_schedule_id`, a fee schedule of the data (e.g.
    /// `amazon_us/clothing_and_accessories`) in force on the date of `now`; instead of `fees`.
    #[must_use]
    pub fn fee_schedule_id(mut self, id: impl Into<String>) -> Self {
        self.fee_schedule_id = Some(id.into());
        self
    }

    /// Sets `min_profit`, the minimum profit per unit after fees and costs.
    #[must_use]
    pub const fn min_profit(mut self, amount: Decimal) -> Self {
        self.min_profit = Some(amount);
        self
    }

    /// Sets `min_margin_percent`, the minimum profit in percent of the price.
    #[must_use]
    pub const fn min_margin_percent(mut self, percent: Decimal) -> Self {
        self.min_margin_percent = Some(percent);
        self
    }

    /// Sets `min_price`, a floor of its own.
    #[must_use]
    pub const fn min_price(mut self, amount: Decimal) -> Self {
        self.min_price = Some(amount);
        self
    }

    /// Sets `max_price`, the ceiling (required by [`band`](super::band)).
    #[must_use]
    pub const fn max_price(mut self, amount: Decimal) -> Self {
        self.max_price = Some(amount);
        self
    }

    /// Sets `map`, the minimum advertised price (a floor).
    #[must_use]
    pub const fn map(mut self, amount: Decimal) -> Self {
        self.map = Some(amount);
        self
    }

    /// Sets `strategy`.
    #[must_use]
    pub const fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets `max_step_percent`, the largest move per change from the current price in either
    /// direction.
    #[must_use]
    pub const fn max_step_percent(mut self, percent: Decimal) -> Self {
        self.max_step_percent = Some(percent);
        self
    }

    /// Sets `max_step_up_percent`, the largest rise from the current price.
    #[must_use]
    pub const fn max_step_up_percent(mut self, percent: Decimal) -> Self {
        self.max_step_up_percent = Some(percent);
        self
    }

    /// Sets `max_step_down_percent`, the largest fall from the current price.
    #[must_use]
    pub const fn max_step_down_percent(mut self, percent: Decimal) -> Self {
        self.max_step_down_percent = Some(percent);
        self
    }

    /// Sets `last_change_at`, when the price last changed (for the cool-down).
    #[must_use]
    pub const fn last_change_at(mut self, at: DateTime<Utc>) -> Self {
        self.last_change_at = Some(at);
        self
    }

    /// Sets `cool_down_minutes`, how long after `last_change_at` the price holds (default 0).
    #[must_use]
    pub const fn cool_down_minutes(mut self, minutes: u32) -> Self {
        self.cool_down_minutes = minutes;
        self
    }

    /// Sets `no_competitors`, what to do with no competitor left (default `hold`).
    #[must_use]
    pub const fn no_competitors(mut self, policy: NoCompetitors) -> Self {
        self.no_competitors = policy;
        self
    }

    /// Sets `when_lowest`, what to do when the own offer is already the lowest (default
    /// `hold`).
    #[must_use]
    pub const fn when_lowest(mut self, policy: WhenLowest) -> Self {
        self.when_lowest = policy;
        self
    }

    /// Sets `ending`, the price ending chosen inside the band.
    #[must_use]
    pub fn ending(mut self, ending: PriceEnding) -> Self {
        self.ending = Some(ending);
        self
    }

    /// Sets `filters` (default: none).
    #[must_use]
    pub fn filters(mut self, filters: Filters) -> Self {
        self.filters = filters;
        self
    }

    /// Adds a rate to `exchange_rates`, used to normalise offers in other currencies.
    #[must_use]
    pub fn exchange_rate(mut self, rate: Rate) -> Self {
        self.exchange_rates.push(rate);
        self
    }

    /// Sets `exchange_rates`, replacing any added before.
    #[must_use]
    pub fn exchange_rates(mut self, rates: impl IntoIterator<Item = Rate>) -> Self {
        self.exchange_rates = rates.into_iter().collect();
        self
    }

    /// Sets `now`, the time of the band (for offer ages, the cool-down and a named fee
    /// schedule's date).
    #[must_use]
    pub const fn now(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }

    /// Adds a competitor offer to `competitors`.
    #[must_use]
    pub fn competitor(mut self, offer: Offer) -> Self {
        self.competitors.push(offer);
        self
    }

    /// Sets `competitors`, replacing any added before.
    #[must_use]
    pub fn competitors(mut self, offers: impl IntoIterator<Item = Offer>) -> Self {
        self.competitors = offers.into_iter().collect();
        self
    }

    /// Parses a request, naming the JSON path of any bad field.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] with the field's path.
    pub fn from_json(text: &str) -> Result<Self, crate::Error> {
        crate::serde_util::from_json_named(text)
    }
}
