#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]
#![doc(test(attr(deny(warnings))))]

pub mod bands;
pub mod codes;
pub mod coverage;
pub mod data;
pub mod ending;
pub mod error;
pub mod fees;
pub mod fx;
pub mod landed;
pub mod market;
pub mod money;
mod serde_util;
pub mod text;

/// The calendar date type of quotes and data periods (from `chrono`), re-exported so that
/// callers need no other crate.
pub use chrono::NaiveDate;
pub use codes::{Bps, CountryCode, Currency, HsCode, Percent, RegionCode, TaxCategory, Territory};
pub use data::{DataError, DataVersion, RateTables};
pub use error::Error;
pub use landed::{Quote, QuoteLine, QuoteRequest};
pub use money::{Money, RoundingMode, allocate, round_to_increment, round_to_scale};
/// The decimal number type of every amount, rate and percent (from `rust_decimal`), re-exported
/// so that callers need no other crate.
pub use rust_decimal::Decimal;
