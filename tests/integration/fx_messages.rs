//! Every FX input error names its request field and the actual problem: amounts too large to
//! convert, rates that are zero or negative, unknown currencies, too many digits.

use landed::data::ReferenceRates;
use landed::fx::{RepriceRequest, reprice};
use landed::{Error, RateTables};
use serde_json::{Value, json};

/// The field and reason of an input error, from the JSON request to the response.
fn refused(v: &Value) -> (String, String) {
    let e = RepriceRequest::from_json(&v.to_string())
        .and_then(|req| reprice(RateTables::embedded().unwrap(), &req))
        .unwrap_err();
    match e {
        Error::InvalidInput { field, reason } => (field, reason),
        other => panic!("not an input error: {other:?} ({other})"),
    }
}

fn with_rates(rates: Value) -> Value {
    json!({
        "rates": {"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB", "rates": rates},
        "to": "GBP",
        "prices": [{"amount": "10.00", "currency": "GBP"}]
    })
}

fn with_amount(amount: &str, to: &str) -> Value {
    json!({"to": to, "prices": [{"amount": amount, "currency": "USD"}]})
}

#[test]
fn an_amount_too_large_to_convert_says_so_with_the_limit() {
    let (field, reason) = refused(&with_amount("79228162514264337593543950335", "GBP"));
    assert_eq!(field, "prices[0].amount");
    // Newest ECB table: USD 1.1418, GBP 0.85205; a GBP result keeps 2 decimals in 28 digits:
    // at most 792281625142643375935439503.35 GBP, i.e. 1061706659923561066419910597 USD.
    assert_eq!(
        reason,
        "79228162514264337593543950335 USD is too large to convert to GBP: at this rate at most 1061706659923561066419910597 USD (either sign) converts with GBP's 2 decimals in 28 significant digits; split the price into smaller amounts"
    );
    assert!(
        !reason.contains("decimals;"),
        "not the old off-grid message"
    );
}

#[test]
fn the_limit_itself_converts_and_one_more_is_refused() {
    let ok =
        RepriceRequest::from_json(&with_amount("1061706659923561066419910597", "GBP").to_string())
            .unwrap();
    let res = reprice(RateTables::embedded().unwrap(), &ok).unwrap();
    assert_eq!(res.quotes[0].amount.scale(), 2);
    let (field, reason) = refused(&with_amount("1061706659923561066419910598", "GBP"));
    assert_eq!(field, "prices[0].amount");
    assert!(reason.contains("too large"), "{reason}");
}

#[test]
fn a_large_negative_amount_is_too_large_as_well() {
    let (field, reason) = refused(&with_amount("-79228162514264337593543950335", "JPY"));
    assert_eq!(field, "prices[0].amount");
    assert!(reason.starts_with("-79228162514264337593543950335 USD is too large to convert to JPY: at this rate at most "), "{reason}");
}

#[test]
fn an_amount_that_overflows_the_markup_step_is_too_large_not_an_overflow() {
    let v = json!({"to": "EUR", "markup_bps": 200,
                   "prices": [{"amount": "79228162514264337593543950335", "currency": "USD"}]});
    let (field, reason) = refused(&v);
    assert_eq!(field, "prices[0].amount");
    assert!(
        reason.contains("is too large to convert to EUR"),
        "{reason}"
    );
}

#[test]
fn a_zero_rate_names_the_currencys_entry() {
    let (field, reason) = refused(&with_rates(json!({"USD": "0", "GBP": "0.84163"})));
    assert_eq!(field, "rates.rates.USD");
    assert_eq!(
        reason,
        "the rate is 0; a rate must be greater than zero (the USD that 1 EUR buys)"
    );
}

#[test]
fn a_negative_rate_names_the_currencys_entry() {
    let (field, reason) = refused(&with_rates(json!({"USD": "1.1097", "GBP": "-0.84163"})));
    assert_eq!(field, "rates.rates.GBP");
    assert_eq!(
        reason,
        "the rate is -0.84163; a rate must be greater than zero (the GBP that 1 EUR buys)"
    );
}

#[test]
fn an_unknown_currency_in_the_table_names_its_entry() {
    let (field, reason) = refused(&with_rates(json!({"XYZ": "1.1", "GBP": "0.84163"})));
    assert_eq!(field, "rates.rates.XYZ");
    assert!(
        reason.starts_with("invalid currency code \"XYZ\": it is not an assigned code"),
        "{reason}"
    );
}

#[test]
fn a_rate_with_more_digits_than_decimal_holds_names_its_entry() {
    let (field, reason) = refused(&with_rates(
        json!({"USD": "1.12345678901234567890123456789", "GBP": "0.84163"}),
    ));
    assert_eq!(field, "rates.rates.USD");
    assert!(
        reason.starts_with("invalid decimal \"1.12345678901234567890123456789\": too many digits: at most 28 significant digits fit"),
        "{reason}"
    );
}

#[test]
fn a_bare_number_rate_names_its_entry() {
    let (field, reason) = refused(&with_rates(json!({"USD": 1.1, "GBP": "0.84163"})));
    assert_eq!(field, "rates.rates.USD");
    assert!(
        reason.starts_with("bare float 1.1 is not accepted"),
        "{reason}"
    );
}

#[test]
fn the_pivot_listed_with_another_rate_names_its_entry() {
    let (field, reason) = refused(&with_rates(json!({"EUR": "2", "GBP": "0.84163"})));
    assert_eq!(field, "rates.rates.EUR");
    assert_eq!(
        reason,
        "the pivot EUR is listed with rate 2; the pivot's rate is 1 by definition: give \"1\" or leave it out"
    );
}

#[test]
fn an_empty_table_and_a_blank_source_name_their_fields() {
    let (field, reason) = refused(&with_rates(json!({})));
    assert_eq!(field, "rates.rates");
    assert!(reason.starts_with("no rate is listed"), "{reason}");
    let mut v = with_rates(json!({"GBP": "0.84163"}));
    v["rates"]["source"] = json!("  ");
    let (field, reason) = refused(&v);
    assert_eq!(field, "rates.source");
    assert_eq!(
        reason,
        "the source is empty; name the publisher, e.g. \"ECB\""
    );
}

#[test]
fn a_target_the_table_does_not_list_names_to() {
    let mut v = with_rates(json!({"USD": "1.1097"}));
    v["prices"] = json!([{"amount": "10.00", "currency": "USD"}]);
    let (field, reason) = refused(&v);
    assert_eq!(field, "to");
    assert!(reason.contains("have no rate for GBP"), "{reason}");
}

#[test]
fn a_price_currency_the_table_does_not_list_names_the_prices_currency() {
    let mut v = with_rates(json!({"GBP": "0.84163"}));
    v["prices"] =
        json!([{"amount": "10.00", "currency": "GBP"}, {"amount": "1", "currency": "USD"}]);
    let (field, reason) = refused(&v);
    assert_eq!(field, "prices[1].currency");
    assert!(reason.contains("have no rate for USD"), "{reason}");
}

#[test]
fn the_rust_api_says_no_line_when_there_is_none() {
    let e = ReferenceRates::new(
        "EUR".parse().unwrap(),
        "2025-04-03".parse().unwrap(),
        "ECB",
        [("USD".parse().unwrap(), "0".parse().unwrap())],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed rates rate table: the rate of USD is 0; rates must be greater than zero"
    );
}
