//! The matrix request: the seller's side (currency, rates, options) and the markets and
//! products to price.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Market, Product};
use crate::codes::{CountryCode, Currency};
use crate::error::Error;
use crate::fx::{RatesInput, StalenessPolicy};

/// A market-matrix request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MatrixRequest {
    /// The date the prices are for (the quotes', the rates' and the fee schedules').
    #[serde(with = "crate::serde_util::date_str")]
    pub date: NaiveDate,
    /// The seller's currency: base prices, unit costs, shipping costs, net and profit.
    pub currency: Currency,
    /// Where the goods ship from; default each product's origin.
    #[serde(default)]
    pub ship_from: Option<CountryCode>,
    /// Reference rates; default the embedded ECB table in force on `date`.
    #[serde(default)]
    pub rates: Option<RatesInput>,
    /// Rates older than their source's maximum age on `date`: an error (the default) or a
    /// warning on each market.
    #[serde(default)]
    pub staleness: Option<StalenessPolicy>,
    /// Target mode from a margin: the lowest shelf price (with its ending) whose margin is at
    /// least this percent, for products without a target for the market.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub target_margin_percent: Option<Decimal>,
    /// How close to a regime change a price is reported (default 3, as reverse pricing).
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub near_threshold_percent: Option<Decimal>,
    /// Whether each cell carries its explanation (the quote and the steps); default false.
    #[serde(default)]
    pub explain: bool,
    /// The markets.
    pub markets: Vec<Market>,
    /// The products.
    pub products: Vec<Product>,
}

impl MatrixRequest {
    /// Parses the wire format. Errors name the field.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        crate::serde_util::from_json_named(text)
    }
}
