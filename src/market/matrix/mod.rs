//! The market matrix: a product, or a catalogue, priced for a list of markets at once.
//!
//! The steps:
//! 1. **Prepare each market once** (`prepare`): the shelf currency (the destination's), the FX
//!    repricer with the market's markup, the compiled price ending, the marketplace fee
//!    schedule, the quote template (destination, region, registrations, incoterm) and the
//!    drift of the current rate from the one the market was last priced at. Nothing here
//!    depends on the product, so a catalogue pays it once per market.
//! 2. **Start price** (`cell`), by mode:
//!    - *forward*: the product's `base_price` converted at the all-in rate (mid × markup);
//!    - *target*: the round local shelf price the product gives for the market;
//!    - *margin goal*: the lowest price whose margin reaches the request's
//!      `target_margin_percent`.
//! 3. **Shelf price**: the price the buyer pays at checkout (under DDP the landed total) is
//!    put on the market's ending, and the goods price that gives exactly that shelf price is
//!    solved over the forward quote ([`reverse`](super::reverse)), thresholds included. When
//!    the ending leaves the price as it is, the start price's own quote is kept. A solve
//!    depends only on the product's line (HS code, origin, tax category, weight) and the shelf
//!    price, never on the product's own start price, so the products of a catalogue that share
//!    both share one solve (`memo`), and no cell depends on the order of the products.
//! 4. **Floor**: when the market's minimum margin or profit is not met, the price is raised
//!    to the lowest one that meets it (then put on the ending and solved again).
//! 5. **Figures** (`figures`): duty, tax and customs fees (from the quote), the FX markup
//!    inside the price, the marketplace fee, the seller's net in the seller's currency, the
//!    profit and margin, the binding rule, warnings and, when asked, the explanation (the
//!    quote with every charge, rate, row and source, and the FX quote).
//!
//! Definitions (the same in every market):
//! - *shelf price*: what the buyer pays at checkout, in the destination's currency: the
//!   landed total under DDP; goods, shipping and the charges collected at checkout under DAP;
//! - *remitted*: the charges the seller pays over (all of them under DDP, the checkout ones
//!   under DAP);
//! - *net*: `(shelf − remitted − marketplace fee) ÷ mid rate`, in the seller's currency,
//!   rounded half up to its minor unit (the FX markup stays inside the net: it is the
//!   seller's);
//! - *profit*: `net − unit_cost − shipping` (the market's shipping cost per unit);
//! - *margin*: `profit ÷ (shelf ÷ mid rate) × 100`, to two decimals.

mod cell;
mod figures;
mod memo;
mod prepare;
mod wire;

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::codes::{Bps, CountryCode, Currency, HsCode, RegionCode, TaxCategory};
use crate::data::{DataVersion, RateTables};
use crate::ending::PriceEnding;
use crate::error::Error;
use crate::fx::{Drift, StalenessPolicy};
use crate::landed::{Incoterm, Measures, Quote};

pub use wire::MatrixRequest;

use super::reverse::NearThreshold;

/// How one market is priced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Market {
    /// The market's name in the results, e.g. `"DE"` or `"amazon.de"`.
    pub id: Arc<str>,
    /// The destination country; the shelf currency is its currency.
    pub destination: CountryCode,
    /// Subdivision, where the destination taxes by it (CA, BR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionCode>,
    /// The FX markup over the reference rate (default 0).
    #[serde(default = "zero_bps")]
    pub markup_bps: Bps,
    /// The shelf price's ending (e.g. `.99`), applied to what the buyer pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending: Option<PriceEnding>,
    /// DDP (the default: the shelf price includes duty and tax) or DAP.
    #[serde(default)]
    pub incoterm: Incoterm,
    /// The seller's registrations in this market (`EU_IOSS`, `GB_VAT`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seller_registrations: Vec<String>,
    /// What the seller pays to ship one unit there, in the seller's currency; the buyer pays
    /// it too, converted at the all-in rate, as the quote's shipping (default 0).
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// A marketplace fee schedule id of the data (`RateTables::fee_schedule`), charged on
    /// the shelf price; its currency must be the shelf currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_schedule: Option<String>,
    /// The lowest margin accepted, in percent of the shelf price.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub min_margin_percent: Option<Decimal>,
    /// The lowest profit per unit accepted, in the seller's currency.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub min_profit: Option<Decimal>,
    /// The mid rate (shelf currency per seller currency unit) the market's prices were last
    /// set at: the result says whether the current rate has drifted past the threshold.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub locked_rate: Option<Decimal>,
    /// The drift that calls for re-pricing (default 300 bps, the FX module's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift_threshold_bps: Option<Bps>,
}

fn zero_bps() -> Bps {
    Bps::new(Decimal::ZERO)
}

/// One product of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Product {
    /// The product's id in the results (shared by its cells).
    pub sku: Arc<str>,
    /// HS code (6 digits, or a national code where one market's tariff needs it).
    pub hs_code: HsCode,
    /// National codes by market id (a US HTS or JP statistical code), where the tariff of
    /// that market has no row for `hs_code`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub hs_codes: std::collections::BTreeMap<String, HsCode>,
    /// Country of origin.
    pub origin: CountryCode,
    /// What one unit costs the seller, in the seller's currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unit_cost: Decimal,
    /// The base price in the seller's currency (forward mode).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub base_price: Option<Decimal>,
    /// Round shelf prices by market id, in each market's currency (target mode).
    #[serde(
        default,
        skip_serializing_if = "std::collections::BTreeMap::is_empty",
        with = "crate::serde_util::decimal_map"
    )]
    pub targets: std::collections::BTreeMap<String, Decimal>,
    /// Tax category; default `standard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_category: Option<TaxCategory>,
    /// Net weight of one unit in kg (per-kg duties).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub weight_kg: Option<Decimal>,
    /// Measures of one unit (litres, m², …) for specific duties per one of them.
    #[serde(default, skip_serializing_if = "Measures::is_empty")]
    pub measures: Measures,
}

/// Why the shelf price is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// The base price, converted (forward mode).
    Base,
    /// The product's round shelf price for the market (target mode).
    Target,
    /// The request's margin goal.
    MarginGoal,
    /// The market's minimum margin or profit raised the price.
    Floor,
}

/// One product in one market.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Cell {
    /// The product.
    pub sku: Arc<str>,
    /// The market.
    pub market: Arc<str>,
    /// The shelf currency.
    pub currency: Currency,
    /// What the buyer pays at checkout, with the market's ending.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub shelf_price: Decimal,
    /// The goods price inside it (one unit), in the shelf currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub goods_price: Decimal,
    /// The shipping the buyer pays, in the shelf currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// Duty inside the shelf price (DDP), or due on delivery (DAP).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub duty: Decimal,
    /// Import tax or VAT/GST.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub tax: Decimal,
    /// Customs and carrier fees of the quote.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub customs_fees: Decimal,
    /// The charges the seller pays over (see the module docs).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub remitted: Decimal,
    /// The FX markup inside the goods and shipping prices, in the shelf currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub fx_markup: Decimal,
    /// The marketplace fee on the shelf price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub marketplace_fee: Decimal,
    /// The seller's net, in the seller's currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub net: Decimal,
    /// Net less unit cost and shipping, in the seller's currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub profit: Decimal,
    /// Profit in percent of the shelf price (both in the seller's currency at the mid rate).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub margin_percent: Decimal,
    /// What set the price.
    pub binding: Binding,
    /// The regime of the quote.
    pub regime: std::sync::Arc<str>,
    /// Regime changes near the price (both sides of each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub near_thresholds: Vec<NearThreshold>,
    /// Things the caller should know.
    pub warnings: Vec<String>,
    /// How every figure was reached, when the request asks for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Box<Explanation>>,
}

/// How a cell's figures were reached.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The steps, in order, each with its numbers.
    pub trace: Vec<String>,
    /// The forward quote at the goods price: every charge with its base, rate, row and source.
    pub quote: Quote,
}

/// A product the matrix could not price in a market, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CellError {
    /// The product.
    pub sku: Arc<str>,
    /// The market.
    pub market: Arc<str>,
    /// The error's field, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

/// What the matrix says about a market as a whole.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct MarketSummary {
    /// The market.
    pub market: String,
    /// Its shelf currency.
    pub currency: Currency,
    /// The mid rate used (shelf currency per seller currency unit).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub reference_rate: Decimal,
    /// The rates' source and date.
    pub rates: String,
    /// The drift from the market's `locked_rate`, when given: `reprice` says the market's
    /// prices need re-pricing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
    /// Warnings about the market (rates' age, no lock given).
    pub warnings: Vec<String>,
}

/// The matrix: one cell per product and market (products in order, markets in order within
/// each), the errors of those it could not price, and a summary per market.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Matrix {
    /// The seller's currency.
    pub currency: Currency,
    /// The priced cells.
    pub cells: Vec<Cell>,
    /// The cells that could not be priced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CellError>,
    /// Per market.
    pub markets: Vec<MarketSummary>,
    /// The data every figure was computed with.
    pub data_version: DataVersion,
}

impl Matrix {
    /// The matrix as pretty JSON.
    ///
    /// # Errors
    /// Never in practice (as [`Quote::to_json`]).
    pub fn to_json(&self) -> Result<String, Error> {
        crate::serde_util::to_json_pretty(self)
    }
}

impl RateTables {
    /// The market matrix with these tables; see [`matrix`].
    ///
    /// # Errors
    /// As [`matrix`].
    pub fn matrix(&self, request: &MatrixRequest) -> Result<Matrix, Error> {
        matrix(self, request)
    }
}

/// Prices every product of `request` in every market. A product that cannot be priced in a
/// market (a missing tariff row, an unreachable target) is listed in `errors` and the others
/// are still priced.
///
/// # Errors
/// Errors of a market as a whole (its rates, ending or fee schedule, a bad option), naming
/// the field.
pub fn matrix(tables: &RateTables, request: &MatrixRequest) -> Result<Matrix, Error> {
    let markets = prepare::markets(tables, request)?;
    // Market by market (one market's memo and data stay in the caches), each cell put in
    // its product-major place.
    let width = markets.len();
    let mut slots: Vec<Option<Result<Cell, CellError>>> = Vec::new();
    slots.resize_with(request.products.len().saturating_mul(width), || None);
    for (m, market) in markets.iter().enumerate() {
        let mut memo = memo::Memo::default();
        let mut quote = market.template.clone();
        for (index, product) in request.products.iter().enumerate() {
            let priced = cell::price(
                tables,
                request,
                market,
                (index, product),
                &mut memo,
                &mut quote,
            )
            .map_err(|e| cell_error(product, market, &e));
            if let Some(slot) = slots.get_mut(index.saturating_mul(width).saturating_add(m)) {
                *slot = Some(priced);
            }
        }
    }
    let mut cells = Vec::with_capacity(slots.len());
    let mut errors = Vec::new();
    for slot in slots.into_iter().flatten() {
        match slot {
            Ok(c) => cells.push(c),
            Err(e) => errors.push(e),
        }
    }
    Ok(Matrix {
        currency: request.currency,
        cells,
        errors,
        markets: markets.into_iter().map(|m| m.summary).collect(),
        data_version: tables.version().clone(),
    })
}

/// A cell the matrix could not price.
fn cell_error(product: &Product, market: &prepare::Prepared<'_>, e: &Error) -> CellError {
    CellError {
        sku: Arc::clone(&product.sku),
        market: Arc::clone(&market.market.id),
        field: match e {
            Error::InvalidInput { field, .. } => Some(field.clone()),
            _ => None,
        },
        message: e.to_string(),
    }
}

/// The staleness policy of the request's rates (default: an error, as in FX repricing).
pub(crate) fn staleness(request: &MatrixRequest) -> StalenessPolicy {
    request.staleness.unwrap_or_default()
}

/// The incoterm of a market as the quote wants it.
pub(crate) const fn is_dap(m: &Market) -> bool {
    matches!(m.incoterm, Incoterm::Dap)
}
