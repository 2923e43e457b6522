//! The repricing wire format: the exact field names of the issue, named errors for bad input.

use landed::RateTables;
use landed::fx::{RepriceRequest, reprice};
use serde_json::{Value, json};

fn run(v: &Value) -> Result<Value, landed::Error> {
    let req = RepriceRequest::from_json(&v.to_string())?;
    let res = reprice(RateTables::embedded().unwrap(), &req)?;
    Ok(serde_json::from_str(&res.to_json().unwrap()).unwrap())
}

fn issue_request() -> Value {
    json!({
      "rates": {"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB",
                "rates": {"USD": "1.1097", "JPY": "162.17", "GBP": "0.84163"}},
      "to": "JPY",
      "markup_bps": 150,
      "rounding": "half_even",
      "ending": {"kind": "increment", "increment": "100", "offset": "-1", "direction": "up"},
      "now": "2025-04-04T10:00:00Z", "max_age_days": 5, "lock_minutes": 60,
      "locked_rate": "0.9012", "drift_threshold_bps": 300,
      "prices": [{"amount": "10.00", "currency": "USD"}]
    })
}

#[test]
fn the_issue_request_gives_every_response_field() {
    let out = run(&issue_request()).unwrap();
    let q = &out["quotes"][0];
    for key in [
        "amount",
        "currency",
        "unrounded",
        "before_ending",
        "reference_rate",
        "all_in_rate",
        "markup_bps",
        "markup_percent",
        "markup_amount",
        "source",
        "as_of",
        "expires_at",
    ] {
        assert!(q.get(key).is_some(), "missing {key} in {q}");
    }
    assert_eq!(q["currency"], "JPY");
    assert_eq!(q["markup_bps"], 150);
    assert_eq!(q["markup_percent"], "1.5");
    assert_eq!(q["source"], "ECB");
    assert_eq!(q["as_of"], "2025-04-03");
    assert_eq!(q["expires_at"], "2025-04-04T11:00:00Z");
    // 10 × 162.17 × 1.015 / 1.1097 = 1483.3067… → 1483 → ¥1,499
    assert_eq!(q["before_ending"], "1483");
    assert_eq!(q["amount"], "1499");
    assert!(q["unrounded"].as_str().unwrap().starts_with("1483.3067"));
    // 10 × 162.17 / 1.1097 = 1461.3859…; markup 1483.3067 − 1461.3859 = 21.92 → 22
    assert_eq!(q["markup_amount"], "22");
    assert!(
        q["reference_rate"]
            .as_str()
            .unwrap()
            .starts_with("146.13859601694")
    );
    assert!(
        q["all_in_rate"]
            .as_str()
            .unwrap()
            .starts_with("148.33067495719")
    );
    // The locked rate 0.9012 against the current 146.14: far past the threshold.
    assert_eq!(out["reprice"], true);
    assert!(out["drift_bps"].is_string());
    assert_eq!(out["warnings"], json!([]));
    assert!(
        out["data_version"]
            .as_str()
            .unwrap()
            .starts_with("2026.12.17+sha256:")
    );
}

#[test]
fn without_rates_the_embedded_ecb_table_is_used_and_without_a_lock_there_is_no_expiry() {
    let out = run(&json!({
        "to": "GBP", "markup_bps": "200", "now": "2025-10-21T18:00:00Z",
        "prices": [{"amount": "100.00", "currency": "USD"}]
    }))
    .unwrap();
    let q = &out["quotes"][0];
    assert_eq!(q["as_of"], "2025-10-21");
    assert_eq!(
        q["reference_rate"].as_str().unwrap().get(..10),
        Some("0.74765227")
    );
    assert_eq!(q["expires_at"], Value::Null);
    assert!(out.get("drift_bps").is_none());
    assert!(out.get("reprice").is_none());
    // Without `now` the age is not checked, and the response says so.
    let out = run(&json!({"to": "GBP", "prices": [{"amount": "1", "currency": "EUR"}]})).unwrap();
    assert!(out["warnings"][0].as_str().unwrap().contains("not checked"));
}

#[test]
fn drift_is_measured_mid_to_mid_below_at_and_above_the_threshold() {
    // Current USD→JPY mid = 162.17 / 1.1097 = 146.1385960…
    for (locked, reprice) in [
        ("146.13", false),
        ("150.00", false),
        ("141.87", true),
        ("151", true),
    ] {
        let mut r = issue_request();
        r["locked_rate"] = json!(locked);
        let out = run(&r).unwrap();
        assert_eq!(out["reprice"], reprice, "{locked}: {}", out["drift_bps"]);
    }
    // Default threshold 300 when not given.
    let mut r = issue_request();
    r.as_object_mut().unwrap().remove("drift_threshold_bps");
    r["locked_rate"] = json!("146.00");
    let out = run(&r).unwrap();
    assert_eq!(out["drift"]["threshold_bps"], 300);
    // One pair only.
    r["prices"] = json!([{"amount": "1", "currency": "USD"}, {"amount": "1", "currency": "GBP"}]);
    let e = run(&r).unwrap_err();
    assert!(e.to_string().starts_with("locked_rate:"), "{e}");
}

#[test]
fn bad_input_names_the_field() {
    let cases: &[(&str, Value, &str)] = &[
        (
            "unknown field",
            json!({"to": "JPY", "prices": [], "markup": 1}),
            "markup",
        ),
        ("bad currency", json!({"to": "YEN", "prices": []}), "to"),
        (
            "float amount",
            json!({"to": "JPY", "prices": [{"amount": 10.5, "currency": "USD"}]}),
            "prices[0]",
        ),
        (
            "bad time",
            json!({"to": "JPY", "now": "yesterday", "prices": []}),
            "now",
        ),
        (
            "bad ending kind",
            json!({"to": "JPY", "ending": {"kind": "charm"}, "prices": []}),
            "ending",
        ),
        (
            "bare float rate",
            json!({"to": "JPY", "rates": {"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB", "rates": {"JPY": 162.17}}, "prices": []}),
            "rates.rates",
        ),
        (
            "negative rate",
            json!({"to": "JPY", "rates": {"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB", "rates": {"JPY": "-1"}}, "prices": []}),
            "rates",
        ),
        (
            "lock without now",
            json!({"to": "JPY", "lock_minutes": 5, "prices": []}),
            "lock_minutes",
        ),
        (
            "off-grid ending",
            json!({"to": "JPY", "ending": {"kind": "increment", "increment": "0.5"}, "prices": []}),
            "ending.increment",
        ),
        (
            "unknown price currency for the table",
            json!({"to": "JPY", "prices": [{"amount": "1", "currency": "AED"}]}),
            "prices[0]",
        ),
        (
            "bad rounding",
            json!({"to": "JPY", "rounding": "bankers", "prices": []}),
            "rounding",
        ),
    ];
    for (what, req, field) in cases {
        let e = run(req).unwrap_err();
        assert!(
            e.to_string().starts_with(field),
            "{what}: expected the message to start with {field}: {e}"
        );
    }
}

#[test]
fn stale_rates_over_the_wire_error_or_warn() {
    let mut r = issue_request();
    r["now"] = json!("2025-04-09T10:00:00Z"); // 6 days after 2025-04-03
    let e = run(&r).unwrap_err();
    assert!(matches!(e, landed::Error::StaleRates { .. }), "{e}");
    r["staleness"] = json!("warn");
    let out = run(&r).unwrap();
    assert!(out["warnings"][0].as_str().unwrap().contains("6 days old"));
}

#[test]
fn the_example_requests_run() {
    for f in ["reprice_jpy", "reprice_embedded", "reprice_ranges"] {
        let text = std::fs::read_to_string(format!(
            "{}/examples/requests/{f}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let req = RepriceRequest::from_json(&text).unwrap();
        reprice(RateTables::embedded().unwrap(), &req).unwrap();
    }
}
