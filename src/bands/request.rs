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
    /// Parses a request, naming the JSON path of any bad field.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] with the field's path.
    pub fn from_json(text: &str) -> Result<Self, crate::Error> {
        crate::serde_util::from_json_named(text)
    }
}
