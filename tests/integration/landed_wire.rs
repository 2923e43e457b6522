//! The landed-cost JSON wire format: requests round-trip, responses carry the documented
//! fields, bad input names its field, and the example requests quote on the embedded data.

use landed::{Error, Quote, QuoteRequest, RateTables};
use serde_json::Value;

use crate::{date, dec};

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn parse(json: &str) -> QuoteRequest {
    QuoteRequest::from_json(json).unwrap_or_else(|e| panic!("request should parse: {e}\n{json}"))
}

fn quote(json: &str) -> Quote {
    tables()
        .quote(&parse(json))
        .unwrap_or_else(|e| panic!("request should quote: {e}\n{json}"))
}

/// The `(field, reason)` of an `InvalidInput` error, or a panic naming what came instead.
fn invalid_input<T: core::fmt::Debug>(result: Result<T, Error>) -> (String, String) {
    match result {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("expected Error::InvalidInput, got {other:?}"),
    }
}

/// A GB request with one line; `line` is the line's JSON object, `extra` top-level fields
/// (each followed by a comma).
fn gb_request(extra: &str, line: &str) -> String {
    format!(
        r#"{{"date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
            {extra} "lines": [{line}]}}"#
    )
}

const SWEATER: &str =
    r#"{"hs_code": "611020", "quantity": "2", "unit_price": "100.00", "origin": "CN"}"#;

/// A request that uses every field of the wire format, codes in lower case.
const EVERY_FIELD: &str = r#"{
    "date": "2026-11-25",
    "destination": "de",
    "region": "by",
    "currency": "eur",
    "ship_from": "cn",
    "transport": "air",
    "buyer": "business",
    "buyer_tax_id": "DE123456789",
    "seller_registrations": ["EU_IOSS", "GB_VAT"],
    "incoterm": "ddp",
    "shipping": "12.50",
    "insurance": "1.25",
    "extra_fees": [
        {"name": "clearance", "amount": "9.90", "currency": "usd", "taxable": true},
        {"name": "handling", "amount": "2.00"}
    ],
    "exchange_rates": [{"from": "usd", "to": "eur", "rate": "0.8650"}],
    "lines": [
        {
            "hs_code": "6110.20 00",
            "quantity": "3",
            "unit_price": "19.99",
            "origin": "cn",
            "weight_kg": "0.45",
            "description": "cotton sweater",
            "duty_rate": "12",
            "tax_rate": "19",
            "tax_category": "standard",
            "claim_preference": false
        },
        {
            "hs_code": "490199",
            "quantity": "1.5",
            "unit_price": "0",
            "origin": "gb",
            "tax_category": "reduced",
            "claim_preference": true
        }
    ]
}"#;

#[test]
fn every_request_field_round_trips_through_serde_json() {
    let first = parse(EVERY_FIELD);
    let text = serde_json::to_string(&first).unwrap();
    let second = parse(&text);
    assert_eq!(first, second);
    // And once more: serialization is stable.
    assert_eq!(serde_json::to_string(&second).unwrap(), text);

    // Every field made it into the serialized form (none was dropped on the way out).
    let v: Value = serde_json::from_str(&text).unwrap();
    for key in [
        "date",
        "destination",
        "region",
        "currency",
        "ship_from",
        "transport",
        "buyer",
        "buyer_tax_id",
        "seller_registrations",
        "incoterm",
        "shipping",
        "insurance",
        "extra_fees",
        "exchange_rates",
        "lines",
    ] {
        assert!(
            v.get(key).is_some(),
            "serialized request lacks {key}: {text}"
        );
    }
    for key in ["name", "amount", "currency", "taxable"] {
        assert!(
            v["extra_fees"][0].get(key).is_some(),
            "extra_fees[0] lacks {key}"
        );
    }
    for key in ["from", "to", "rate"] {
        assert!(
            v["exchange_rates"][0].get(key).is_some(),
            "exchange_rates[0] lacks {key}"
        );
    }
    for key in [
        "hs_code",
        "quantity",
        "unit_price",
        "origin",
        "weight_kg",
        "description",
        "duty_rate",
        "tax_rate",
        "tax_category",
        "claim_preference",
    ] {
        assert!(v["lines"][0].get(key).is_some(), "lines[0] lacks {key}");
    }

    // The values survived.
    assert_eq!(first.date, date("2026-11-25"));
    assert_eq!(first.shipping, Some(dec("12.50")));
    assert_eq!(first.insurance, Some(dec("1.25")));
    assert_eq!(first.buyer_tax_id.as_deref(), Some("DE123456789"));
    assert_eq!(first.seller_registrations, ["EU_IOSS", "GB_VAT"]);
    assert_eq!(first.extra_fees.len(), 2);
    assert_eq!(first.extra_fees[0].amount, dec("9.90"));
    assert!(first.extra_fees[0].taxable);
    assert!(!first.extra_fees[1].taxable);
    assert_eq!(first.extra_fees[1].currency, None);
    assert_eq!(first.exchange_rates[0].rate, dec("0.8650"));
    let l = &first.lines[0];
    assert_eq!(l.hs_code.as_str(), "61102000");
    assert_eq!(l.quantity, dec("3"));
    assert_eq!(l.unit_price, dec("19.99"));
    assert_eq!(l.weight_kg, Some(dec("0.45")));
    assert_eq!(l.description.as_deref(), Some("cotton sweater"));
    assert_eq!(l.duty_rate, Some(dec("12")));
    assert_eq!(l.tax_rate, Some(dec("19")));
    assert_eq!(
        l.tax_category.as_ref().map(|c| c.as_str()),
        Some("standard")
    );
    assert_eq!(l.claim_preference, Some(false));
    assert_eq!(first.lines[1].quantity, dec("1.5"));
    assert_eq!(first.lines[1].claim_preference, Some(true));
}

#[test]
fn lower_case_codes_are_accepted_and_come_out_upper_case() {
    let req = parse(EVERY_FIELD);
    assert_eq!(req.destination.to_string(), "DE");
    assert_eq!(req.region.map(|r| r.to_string()).as_deref(), Some("BY"));
    assert_eq!(req.currency.to_string(), "EUR");
    assert_eq!(req.ship_from.map(|c| c.to_string()).as_deref(), Some("CN"));
    assert_eq!(req.lines[0].origin.to_string(), "CN");
    assert_eq!(req.incoterm, Some(landed::landed::Incoterm::Ddp));
    assert_eq!(req.exchange_rates[0].from.to_string(), "USD");

    let v: Value = serde_json::to_value(&req).unwrap();
    assert_eq!(v["destination"], "DE");
    assert_eq!(v["region"], "BY");
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["ship_from"], "CN");
    assert_eq!(v["incoterm"], "DDP");
    assert_eq!(v["transport"], "air");
    assert_eq!(v["buyer"], "business");
    assert_eq!(v["extra_fees"][0]["currency"], "USD");
    assert_eq!(v["exchange_rates"][0]["from"], "USD");
    assert_eq!(v["exchange_rates"][0]["to"], "EUR");
    assert_eq!(v["lines"][0]["origin"], "CN");
    assert_eq!(v["lines"][1]["origin"], "GB");
    // Amounts stay decimal strings, exactly as given.
    assert_eq!(v["shipping"], "12.50");
    assert_eq!(v["lines"][0]["unit_price"], "19.99");
    assert_eq!(v["exchange_rates"][0]["rate"], "0.8650");
}

#[test]
fn the_response_has_every_documented_field() {
    let q = quote(&gb_request(
        r#""shipping": "15.00", "insurance": "2.00",
           "extra_fees": [{"name": "clearance", "amount": "5.00", "taxable": true}],"#,
        r#"{"hs_code": "640411", "quantity": "2", "unit_price": "75.00", "origin": "CN"},
           {"hs_code": "611020", "quantity": "3", "unit_price": "20.00", "origin": "CN"}"#,
    ));
    let text = q.to_json().unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let amounts = [
        "intrinsic_value",
        "customs_value",
        "duty",
        "tax",
        "fees",
        "total_charges",
        "landed_total",
    ];
    for key in [
        "currency",
        "regime",
        "collected_at",
        "charges",
        "warnings",
        "data_version",
    ]
    .iter()
    .chain(&amounts)
    {
        assert!(v.get(*key).is_some(), "response lacks {key}: {text}");
    }
    for key in amounts {
        assert!(v[key].is_string(), "{key} is not a JSON string: {}", v[key]);
    }
    assert_eq!(v["currency"], "GBP");
    assert!(v["regime"].is_string());
    assert!(v["collected_at"].is_string());
    assert!(v["warnings"].is_array());

    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    for line in lines {
        for key in ["customs_value", "shipping", "insurance", "duty", "tax"] {
            assert!(
                line[key].is_string(),
                "line {key} is not a JSON string: {line}"
            );
        }
    }

    let charges = v["charges"].as_array().unwrap();
    assert!(
        !charges.is_empty(),
        "a GB import of GBP 210 has duty and VAT: {text}"
    );
    for c in charges {
        for key in ["kind", "name", "base", "rate", "amount", "rule", "source"] {
            assert!(c.get(key).is_some(), "charge lacks {key}: {c}");
        }
        assert!(
            c["amount"].is_string(),
            "charge amount is not a string: {c}"
        );
        assert!(["duty", "tax", "fee"].contains(&c["kind"].as_str().unwrap()));
    }
    let duty = charges.iter().find(|c| c["kind"] == "duty").unwrap();
    assert!(
        duty["base"].is_string() && duty["rate"].is_string(),
        "{duty}"
    );
    let fee = charges.iter().find(|c| c["name"] == "clearance").unwrap();
    assert_eq!(fee["kind"], "fee");
    assert_eq!(fee["amount"], "5.00");

    let version = tables().version().to_string();
    let data_version = v["data_version"].as_str().unwrap();
    assert!(
        data_version.starts_with(&version),
        "data_version {data_version} does not start with {version}"
    );
    assert!(data_version.starts_with(&*tables().version().dataset));
}

#[test]
fn an_unknown_destination_country_names_the_destination_field() {
    let json = gb_request("", SWEATER).replace(r#""destination": "GB""#, r#""destination": "XX""#);
    let (field, reason) = invalid_input(QuoteRequest::from_json(&json));
    assert_eq!(field, "destination");
    assert!(reason.contains("XX"), "{reason}");
}

#[test]
fn a_negative_quantity_is_refused_by_the_quote_naming_the_line() {
    let req = parse(&gb_request(
        "",
        r#"{"hs_code": "611020", "quantity": "-1", "unit_price": "10.00", "origin": "CN"}"#,
    ));
    let (field, reason) = invalid_input(tables().quote(&req));
    assert_eq!(field, "lines[0].quantity");
    assert!(reason.contains("-1"), "{reason}");
}

#[test]
fn a_zero_quantity_is_refused_too() {
    let req = parse(&gb_request(
        "",
        r#"{"hs_code": "611020", "quantity": "0", "unit_price": "10.00", "origin": "CN"}"#,
    ));
    let (field, _) = invalid_input(tables().quote(&req));
    assert_eq!(field, "lines[0].quantity");
}

#[test]
fn a_missing_exchange_rate_names_the_pair() {
    let json = gb_request("", SWEATER).replace(r#""currency": "GBP""#, r#""currency": "USD""#);
    let err = tables().quote(&parse(&json)).unwrap_err();
    assert_eq!(
        err,
        Error::MissingExchangeRate {
            from: "USD".parse().unwrap(),
            to: "GBP".parse().unwrap(),
        }
    );
    assert!(err.to_string().contains("exchange_rates"), "{err}");
}

#[test]
fn the_reverse_rate_pair_converts_by_division() {
    let json = gb_request(
        r#""exchange_rates": [{"from": "GBP", "to": "USD", "rate": "1.25"}],"#,
        r#"{"hs_code": "611020", "quantity": "1", "unit_price": "125", "origin": "CN"}"#,
    )
    .replace(r#""currency": "GBP""#, r#""currency": "USD""#);
    let q = quote(&json);
    assert_eq!(q.currency.to_string(), "GBP");
    assert_eq!(q.intrinsic_value, dec("100.00"));
    assert_eq!(q.intrinsic_value.to_string(), "100.00");
    assert_eq!(q.lines[0].goods_value.to_string(), "100.00");
}

#[test]
fn the_reverse_pair_is_divided_not_rounded_to_an_inverse() {
    // 100 USD at 1.3 GBP→USD is 76.923… GBP, so 76.92; a rounded inverse (0.77) would give 77.00.
    let json = gb_request(
        r#""exchange_rates": [{"from": "GBP", "to": "USD", "rate": "1.3"}],"#,
        r#"{"hs_code": "611020", "quantity": "1", "unit_price": "100", "origin": "CN"}"#,
    )
    .replace(r#""currency": "GBP""#, r#""currency": "USD""#);
    assert_eq!(quote(&json).intrinsic_value, dec("76.92"));
}

#[test]
fn a_decimal_with_a_comma_names_the_unit_price() {
    let json = gb_request(
        "",
        r#"{"hs_code": "611020", "quantity": "1", "unit_price": "12,50", "origin": "CN"}"#,
    );
    let (field, reason) = invalid_input(QuoteRequest::from_json(&json));
    assert_eq!(field, "lines[0].unit_price");
    assert!(reason.contains("12,50"), "{reason}");
}

#[test]
fn a_bare_json_number_for_an_amount_is_refused_with_a_hint_to_quote_it() {
    let json = gb_request(
        "",
        r#"{"hs_code": "611020", "quantity": "1", "unit_price": 12.5, "origin": "CN"}"#,
    );
    let (field, reason) = invalid_input(QuoteRequest::from_json(&json));
    assert_eq!(field, "lines[0].unit_price");
    assert!(reason.contains("quote"), "{reason}");

    // Integers too, and top-level amounts.
    let json = gb_request(
        "",
        r#"{"hs_code": "611020", "quantity": 2, "unit_price": "1", "origin": "CN"}"#,
    );
    let (field, reason) = invalid_input(QuoteRequest::from_json(&json));
    assert_eq!(field, "lines[0].quantity");
    assert!(reason.contains("quote"), "{reason}");
    let (field, reason) = invalid_input(QuoteRequest::from_json(&gb_request(
        r#""shipping": 5,"#,
        SWEATER,
    )));
    assert_eq!(field, "shipping");
    assert!(reason.contains("quote"), "{reason}");
}

#[test]
fn an_unknown_line_field_is_refused_by_name() {
    let json = gb_request(
        "",
        r#"{"hs_code": "611020", "quantity": "1", "unit_price": "1", "origin": "CN",
            "colour": "red"}"#,
    );
    let (field, reason) = invalid_input(QuoteRequest::from_json(&json));
    assert!(field.contains("lines[0]"), "field {field}");
    assert_eq!(field, "lines[0].colour");
    assert!(reason.contains("colour"), "{reason}");
}

#[test]
fn an_unknown_top_level_field_is_refused_by_name() {
    let json = gb_request(r#""shiping": "5.00","#, SWEATER);
    let (field, reason) = invalid_input(QuoteRequest::from_json(&json));
    // The path names the unknown key itself, at the top level.
    assert_eq!(field, "shiping");
    assert!(reason.contains("unknown field `shiping`"), "{reason}");
}

#[test]
fn a_bad_hs_code_names_the_line() {
    for bad in ["61-10-20", "6", "", "12345678901"] {
        let json = gb_request(
            "",
            &format!(
                r#"{{"hs_code": "{bad}", "quantity": "1", "unit_price": "1", "origin": "CN"}}"#
            ),
        );
        let (field, _) = invalid_input(QuoteRequest::from_json(&json));
        assert_eq!(field, "lines[0].hs_code", "hs_code {bad:?}");
    }
}

#[test]
fn an_hs_code_without_a_tariff_row_names_the_line_and_suggests_duty_rate() {
    // GBP 500 is above the GBP 135 relief, so the duty is needed.
    let req = parse(&gb_request(
        "",
        r#"{"hs_code": "01", "quantity": "1", "unit_price": "500", "origin": "CN"}"#,
    ));
    let (field, reason) = invalid_input(tables().quote(&req));
    assert_eq!(field, "lines[0].hs_code");
    assert!(reason.contains("duty_rate"), "{reason}");
}

#[test]
fn canada_without_a_region_asks_for_the_region() {
    let json = r#"{"date": "2026-11-25", "destination": "CA", "currency": "CAD",
        "ship_from": "CN",
        "lines": [{"hs_code": "610910", "quantity": "2", "unit_price": "100.00", "origin": "CN",
                   "duty_rate": "18"}]}"#;
    let (field, reason) = invalid_input(tables().quote(&parse(json)));
    assert_eq!(field, "region");
    assert!(reason.contains("CA"), "{reason}");

    // With the region it quotes.
    let with_region = json.replace(
        r#""currency": "CAD","#,
        r#""currency": "CAD", "region": "ON","#,
    );
    let q = quote(&with_region);
    assert_eq!(q.currency.to_string(), "CAD");
}

#[test]
fn shipping_from_inside_the_destination_territory_names_ship_from() {
    let json = r#"{"date": "2026-11-25", "destination": "FR", "currency": "EUR",
        "ship_from": "DE",
        "lines": [{"hs_code": "610910", "quantity": "1", "unit_price": "10.00", "origin": "CN",
                   "duty_rate": "12"}]}"#;
    let (field, reason) = invalid_input(tables().quote(&parse(json)));
    assert_eq!(field, "ship_from");
    assert!(reason.contains("DE") && reason.contains("EU"), "{reason}");
}

#[test]
fn a_request_without_lines_is_refused() {
    let json = r#"{"date": "2026-11-25", "destination": "GB", "currency": "GBP", "lines": []}"#;
    let (field, _) = invalid_input(tables().quote(&parse(json)));
    assert_eq!(field, "lines");

    let json = r#"{"date": "2026-11-25", "destination": "GB", "currency": "GBP"}"#;
    let (field, reason) = invalid_input(QuoteRequest::from_json(json));
    assert_eq!(field, "request");
    assert!(reason.contains("lines"), "{reason}");
}

#[test]
fn malformed_json_is_an_invalid_request() {
    // Truncated: the path is where parsing stopped.
    let (field, reason) = invalid_input(QuoteRequest::from_json("{\"date\": "));
    assert_eq!(field, "date");
    assert!(reason.contains("EOF"), "{reason}");
    let (field, reason) = invalid_input(QuoteRequest::from_json("not json"));
    assert_eq!(field, "request");
    assert!(reason.contains("line 1"), "{reason}");
}

#[test]
fn every_example_request_parses_and_quotes_on_the_embedded_data() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/requests");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        // Requests of the other examples are named after them (`reprice_*`, `fees_*`, `band_*`,
        // `matrix_*`, `display_*`) and are run by their own tests.
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.starts_with("reprice_")
                    && !n.starts_with("fees_")
                    && !n.starts_with("band_")
                    && !n.starts_with("matrix_")
                    && !n.starts_with("display_")
            })
        })
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no example requests in {}",
        dir.display()
    );
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        // Both shapes the quote example takes: a quote, or reverse pricing (`target_total`).
        let req = landed::market::reverse::Request::from_json(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        let json = match req {
            landed::market::reverse::Request::Quote(req) => {
                tables().quote(&req).map(|q| q.to_json())
            }
            landed::market::reverse::Request::Reverse(req) => {
                tables().reverse(&req).map(|s| s.to_json())
            }
        }
        .unwrap_or_else(|e| panic!("{} does not quote: {e}", path.display()))
        .unwrap();
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["data_version"],
            tables().version().to_string(),
            "{}",
            path.display()
        );
    }
}
