//! Integration tests for `landed`, one binary with a module per area (fewer link steps).
#![allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

mod additional_rules;
mod bands_engine;
mod bands_floor;
mod bands_oracle;
mod bands_rules;
mod builders;
mod data_contradictions;
mod data_loading;
mod endings_relative;
mod fees_breakdown;
mod fees_models;
mod fees_oracle;
mod fees_props;
mod fees_wire;
mod fx_bulk_minor;
mod fx_endings;
mod fx_exact;
mod fx_history;
mod fx_messages;
mod fx_props;
mod fx_rates;
mod fx_wire;
mod hostile_inputs;
mod jp_tariff_import;
mod landed_carts;
mod landed_diff;
mod landed_diff_ch_no_sg_kr;
mod landed_diff_cn_br_mx;
mod landed_oracle;
mod landed_props;
mod landed_regimes;
mod landed_wire;
mod market_display;
mod market_matrix;
mod market_reverse;
mod money_props;
mod refusals;
mod regimes_ch_no_sg_kr;
mod regimes_cn_br_mx;
mod regimes_jp;
mod rounding_table;
mod silent_answers;
mod small_amounts;
mod tariff_data;
mod us_additional_boundaries;
mod us_headings;
mod us_schedule;
mod us_section_232;
mod us_tariff_truth;
mod usitc_import;
mod vat_lookup;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A date from `yyyy-mm-dd`.
pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The standard VAT/GST rate of `country` on `day` (national series).
pub fn standard_vat<'a>(
    tables: &'a landed::RateTables,
    country: &str,
    day: &str,
) -> Result<landed::data::VatRate<'a>, landed::Error> {
    tables.vat_rate(
        country.parse().unwrap(),
        None,
        &landed::TaxCategory::standard(),
        date(day),
    )
}

/// A decimal from a string.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The quote of the sample request `examples/requests/{file}.json` on the embedded data.
pub fn example_quote(file: &str) -> landed::Quote {
    let path = format!(
        "{}/examples/requests/{file}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let req = landed::QuoteRequest::from_json(&text).unwrap();
    landed::RateTables::embedded().unwrap().quote(&req).unwrap()
}

/// The `duty_rate` a line of a column 2 origin (general note 3(b): BY, CU, KP, RU) must give,
/// as the data holds column 1 only: these tests are about the additional duties, so it gives
/// the column 1 general rate of the line on that day, the tariff duty they were written with.
pub fn column_2_duty_rate(hs: &str, origin: &str, date: &str) -> Option<String> {
    if !["BY", "CU", "KP", "RU"].contains(&origin) {
        return None;
    }
    let tables = landed::RateTables::embedded().unwrap();
    let t = tables
        .tariff(
            "US".parse().unwrap(),
            &hs.parse().unwrap(),
            date.parse().unwrap(),
        )
        .unwrap();
    Some(t.rate.rate_percent.unwrap().to_string())
}
