//! Refused, not truncated: inputs that used to be silently changed are refused when read,
//! each naming its field and saying what to do.

use landed::RateTables;
use landed::fees::{FeeRequest, evaluate_request};
use landed::fx::{RepriceRequest, reprice};
use serde_json::json;

fn fee_error(schedule: serde_json::Value) -> String {
    let req = FeeRequest::from_json(&json!({"schedule": schedule, "events": ["100"]}).to_string())
        .unwrap();
    evaluate_request(RateTables::embedded().unwrap(), &req)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_fee_rate_with_more_digits_than_kept_is_refused() {
    let msg = fee_error(json!({"mode": "percentage", "currency": "USD",
                               "rate": "2.900000000000000000000000001"}));
    assert_eq!(
        msg,
        "schedule.rate: 2.900000000000000000000000001 has more than 8 decimals (a percent rate) or is too large"
    );
    let msg = fee_error(json!({"mode": "graduated_percentage", "currency": "USD",
        "tiers": [{"up_to": null, "rate": "1.000000000000000000000000001"}]}));
    assert!(msg.starts_with("schedule.tiers[0].rate: "), "{msg}");
    assert!(msg.contains("has more than 8 decimals"), "{msg}");
}

#[test]
fn a_fee_rate_with_eight_decimals_is_kept_exactly() {
    let req = FeeRequest::from_json(
        &json!({"schedule": {"mode": "percentage", "currency": "USD", "rate": "2.90000001"},
                "events": ["100000000"]})
        .to_string(),
    )
    .unwrap();
    let res = evaluate_request(RateTables::embedded().unwrap(), &req).unwrap();
    // 100,000,000 × 2.90000001 % = 2,900,000.01
    let out: serde_json::Value = serde_json::from_str(&res.to_json().unwrap()).unwrap();
    assert_eq!(out["total"], "2900000.01");
}

fn reprice_error(rates: &str) -> String {
    let text = format!(
        r#"{{"to": "GBP", "prices": [{{"amount": "10.00", "currency": "USD"}}],
            "rates": {{"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB", "rates": {rates}}}}}"#
    );
    match RepriceRequest::from_json(&text) {
        Err(e) => e.to_string(),
        Ok(req) => reprice(RateTables::embedded().unwrap(), &req)
            .unwrap_err()
            .to_string(),
    }
}

#[test]
fn a_currency_listed_twice_in_the_rates_is_refused() {
    let msg = reprice_error(r#"{"USD": "1.1", "GBP": "0.84", "USD": "1.2"}"#);
    assert!(msg.starts_with("rates.rates"), "{msg}");
    assert!(
        msg.contains("USD is listed twice (\"1.1\" and \"1.2\"); give each currency once"),
        "{msg}"
    );
}

#[test]
fn a_rate_of_ten_to_the_minus_28_is_refused_when_read() {
    let msg = reprice_error(r#"{"USD": "0.0000000000000000000000000001", "GBP": "0.84"}"#);
    assert_eq!(
        msg,
        "rates.rates.USD: the rate is 0.0000000000000000000000000001; rates from 0.000000000001 to 1000000000000 are accepted (the USD that 1 EUR buys): check the rate, or give the table against another pivot"
    );
    let msg = reprice_error(r#"{"USD": "1.1", "GBP": "10000000000000.5"}"#);
    assert!(
        msg.starts_with("rates.rates.GBP: the rate is 10000000000000.5; "),
        "{msg}"
    );
}

#[test]
fn rates_at_the_bounds_are_accepted() {
    for rates in [
        r#"{"USD": "0.000000000001", "GBP": "0.84"}"#,
        r#"{"USD": "1000000000000", "GBP": "0.84"}"#,
    ] {
        let text = format!(
            r#"{{"to": "GBP", "prices": [{{"amount": "10.00", "currency": "USD"}}],
                "rates": {{"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB", "rates": {rates}}}}}"#
        );
        let req = RepriceRequest::from_json(&text).unwrap();
        reprice(RateTables::embedded().unwrap(), &req).unwrap();
    }
}
