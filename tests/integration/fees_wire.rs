//! The fee wire format: the issue's field names, named schedules and chains, named errors.

use landed::RateTables;
use landed::fees::{FeeRequest, evaluate_request};
use serde_json::{Value, json};

fn run(v: &Value) -> Result<Value, landed::Error> {
    let req = FeeRequest::from_json(&v.to_string())?;
    let res = evaluate_request(RateTables::embedded().unwrap(), &req)?;
    Ok(serde_json::from_str(&res.to_json().unwrap()).unwrap())
}

#[test]
fn the_issue_requests_give_the_response_fields() {
    let out = run(&json!({
      "schedule": {"mode": "graduated", "basis": "quantity", "currency": "USD",
                   "rounding": "half_up",
                   "tiers": [{"up_to": "10", "unit_amount": "10", "flat_amount": "2"},
                             {"up_to": null, "unit_amount": "5", "flat_amount": "3"}]},
      "quantity": "12"
    }))
    .unwrap();
    for key in [
        "total",
        "unrounded",
        "currency",
        "tiers",
        "events",
        "data_version",
    ] {
        assert!(out.get(key).is_some(), "missing {key}");
    }
    assert_eq!(out["total"], "115.00");
    assert_eq!(out["currency"], "USD");
    let t = &out["tiers"][1];
    for key in ["tier", "units", "unit_amount", "flat_amount", "amount"] {
        assert!(t.get(key).is_some(), "missing tiers[].{key}");
    }
    assert_eq!(t["tier"], 2);
    assert_eq!(t["units"], "2");
    assert_eq!(t["amount"], "13.00");
    let out = run(&json!({
      "schedule": {"mode": "percentage", "currency": "USD", "rate": "2.9", "fixed_amount": "0.30",
                   "per_event_min": "1.75", "per_event_max": "12", "free_events": 2,
                   "free_amount": "30"},
      "events": ["10", "80", "10000"]
    }))
    .unwrap();
    let e = &out["events"];
    assert_eq!(e[2]["fee"], "12.00");
    assert_eq!(e[2]["cap"], "max");
    assert_eq!(e[1]["cap"], Value::Null);
    assert_eq!(e[0]["amount"], "10");
    assert_eq!(out["total"], "14.04");
    assert!(
        out["data_version"]
            .as_str()
            .unwrap()
            .starts_with("2026.12.17+sha256:")
    );
}

#[test]
fn named_schedules_and_chains_over_the_wire() {
    let out = run(
        &json!({"schedule_id": "amazon_us/jewelry", "date": "2026-11-25",
                          "events": ["255.00"]}),
    )
    .unwrap();
    assert_eq!(out["total"], "50.25");
    let out = run(
        &json!({"chain_id": "ebay_us/most_categories", "date": "2026-11-25",
                          "sale": {"item": "89.99", "shipping": "7.50", "tax": "7.80"}}),
    )
    .unwrap();
    // 13.6 % of 105.29 = 14.31944 → 14.32; per order (over $10) 0.40.
    assert_eq!(out["lines"][0]["fee"], "14.32");
    assert_eq!(out["lines"][1]["fee"], "0.40");
    assert_eq!(out["total"], "14.72");
    let out = run(
        &json!({"chain_id": "stripe/international_card_with_conversion/US",
                          "date": "2026-11-25", "sale": {"item": "100.00"}}),
    )
    .unwrap();
    assert_eq!(out["total"], "5.70"); // 2.9 % + 0.30 + 1.5 % + 1 %
}

#[test]
fn bad_requests_name_the_field() {
    let s = json!({"mode": "percentage", "currency": "USD", "rate": "1"});
    let cases: &[(&str, Value, &str)] = &[
        ("no schedule", json!({"events": ["1"]}), "schedule"),
        (
            "two schedules",
            json!({"schedule": s, "schedule_id": "amazon_us/jewelry", "events": ["1"]}),
            "schedule",
        ),
        (
            "named without date",
            json!({"schedule_id": "amazon_us/jewelry", "events": ["1"]}),
            "date",
        ),
        (
            "float event",
            json!({"schedule": s, "events": [1.5]}),
            "events",
        ),
        (
            "unknown field",
            json!({"schedule": s, "events": ["1"], "evnts": []}),
            "evnts",
        ),
        (
            "unknown mode",
            json!({"schedule": {"mode": "tiered", "currency": "USD"}}),
            "schedule.mode",
        ),
        (
            "negative event",
            json!({"schedule": s, "events": ["-1"]}),
            "events[0]",
        ),
        (
            "chain without sale",
            json!({"chain_id": "ebay_us/most_categories", "date": "2026-11-25"}),
            "sale",
        ),
        (
            "sale for a schedule",
            json!({"schedule": s, "sale": {"item": "1"}}),
            "sale",
        ),
        (
            "bad base term",
            json!({"chain": {"fees": [{"name": "a", "base": ["price"], "schedule": s}]}, "sale": {"item": "1"}}),
            "chain.fees[0].base[0]",
        ),
    ];
    for (what, req, field) in cases {
        let e = run(req).unwrap_err();
        assert!(
            e.to_string().starts_with(field),
            "{what}: expected {field}: {e}"
        );
    }
}

#[test]
fn the_example_requests_run() {
    let dir = format!("{}/examples/requests", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("fees_") {
            let req = FeeRequest::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
            evaluate_request(RateTables::embedded().unwrap(), &req)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            n += 1;
        }
    }
    assert!(n >= 5);
}
