//! The answer: the price, the band it was held in, what decided it, the excluded offers and the
//! trace of every step.

use rust_decimal::Decimal;

use super::trace::TraceStep;
use crate::data::DataVersion;

/// An excluded offer and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Excluded<'r> {
    /// The seller.
    pub seller_id: &'r str,
    /// `own_offer`, `low_rating`, `no_rating`, `excluded_fulfillment`, `excluded_condition`,
    /// `stale`, `no_seen_at`, `outlier_low`, `outlier_high`.
    pub reason: &'static str,
}

/// The band's answer. It borrows the request's texts (seller ids, the ending rule) for its
/// explanation, which is formatted only when read or serialized.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct BandResult<'r> {
    /// The new price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub price: Decimal,
    /// Whether it differs from the current price.
    pub changed: bool,
    /// max(min_price, map, cost floor).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub floor: Decimal,
    /// The ceiling (max_price).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub ceiling: Decimal,
    /// The smallest price meeting the minimum profit and margin after fees.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub cost_floor: Decimal,
    /// The reference landed price, when there was one.
    #[serde(with = "crate::serde_util::opt_decimal_str")]
    pub reference: Option<Decimal>,
    /// The target item price, when there was one.
    #[serde(with = "crate::serde_util::opt_decimal_str")]
    pub target: Option<Decimal>,
    /// What decided the price: `strategy`, `floor`, `ceiling`, `step_limit`, `cool_down`,
    /// `no_competitors`, `no_change`.
    pub binding: &'static str,
    /// Excluded offers with their reasons.
    pub excluded: Vec<Excluded<'r>>,
    /// The steps: the band, then every offer as given with its landed price (or why it was
    /// excluded), the reference, the target and each limit that moved the price.
    pub trace: Vec<TraceStep<'r>>,
    /// The data the fees came from.
    pub data_version: DataVersion,
}

impl BandResult<'_> {
    /// The result as pretty JSON.
    ///
    /// # Errors
    /// Never in practice.
    pub fn to_json(&self) -> Result<String, crate::Error> {
        crate::serde_util::to_json_pretty(self)
    }
}
