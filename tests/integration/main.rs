//! Integration tests for `landed`, one binary with a module per area (fewer link steps).
#![allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

mod data_loading;
mod money_props;
mod rounding_table;
mod vat_lookup;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A date from `yyyy-mm-dd`.
pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A decimal from a string.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}
