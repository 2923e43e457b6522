//! Multi-currency repricing with a transparent FX markup.
//!
//! - **Reference rates** ([`ReferenceRates`]): one pivot, an `as_of` date, a source and
//!   decimal-string rates as published. The embedded data ships the ECB's reference set; the
//!   ECB's own XML and CSV files load too ([`ReferenceRates::from_ecb_xml`],
//!   [`ReferenceRates::from_ecb_csv`]). Cross rates go through the pivot and divide last:
//!   `amount × rate(to) / rate(from)`; no inverse or cross rate is ever stored or rounded.
//! - **Transparent markup**: all-in rate = mid × (1 + bps / 10,000); every [`PriceQuote`]
//!   shows the reference rate, its source and date, the markup in bps and in percent, the
//!   markup amount, the all-in rate, the unrounded and the rounded amount.
//! - **Rate lock** ([`Repricer::honour`]), **staleness** (a maximum age per source, in days,
//!   from `[[rate_source]]` or the policy; error or warning) and **drift** ([`drift`]).
//! - **Rounding** to the minor unit with a named [`RoundingMode`](crate::RoundingMode), then an
//!   optional price ending ([`crate::ending`]), and an optional cash amount (CHF 0.05).
//! - **Bulk repricing** into the caller's buffers: integer minor units in and out
//!   ([`Repricer::reprice_minor_into`]) or `Decimal` ([`Repricer::reprice_into`]), or
//!   allocating ([`Repricer::reprice_bulk`]); an exact integer fast path with a `Decimal`
//!   fallback per price; results equal [`Repricer::amount`] exactly.

mod bulk;
mod engine;
mod wire;

pub use crate::data::{ReferenceRates, parse_ecb_csv, parse_ecb_xml};
pub(crate) use bulk::fixed::FastConvert;
pub use engine::{
    DEFAULT_DRIFT_THRESHOLD_BPS, DEFAULT_RATE_SOURCE, Drift, EndingChoice, FxPolicy, PriceQuote,
    Repricer, StalenessPolicy, drift,
};
pub use wire::{EndingInput, RatesInput, RepriceRequest, RepriceResponse, reprice};
