//! Price-band rules of issue 16, point 4: `raise_to_next` applies the strategy to the next
//! offer; the default step limit is named when it binds; an ending moved against its direction
//! says why.

use landed::RateTables;
use landed::bands::{BandRequest, BandResult, DEFAULT_MAX_STEP_PERCENT, band};
use serde_json::{Value, json};

use crate::dec;

fn base() -> Value {
    json!({
      "currency": "USD", "current_price": "12.00", "own_seller_ids": ["me"], "own_shipping": "0",
      "unit_cost": "5.00", "max_price": "30.00",
      "strategy": {"reference": "lowest", "action": "beat", "amount": "0.50"},
      "max_step_percent": "100",
      "when_lowest": "raise_to_next",
      "competitors": [{"seller_id": "A", "price": "13.00", "currency": "USD"}]
    })
}

fn run(v: &Value) -> BandResult<'static> {
    let req: &'static BandRequest =
        Box::leak(Box::new(BandRequest::from_json(&v.to_string()).unwrap()));
    band(RateTables::embedded().unwrap(), req).unwrap()
}

fn step<'a>(r: &'a BandResult<'_>, name: &str) -> Option<&'a landed::bands::TraceStep<'a>> {
    r.trace.iter().find(|t| t.step == name)
}

#[test]
fn raise_to_next_stays_the_strategy_amount_below_the_next_offer() {
    // Own 12.00 under A's 13.00: beat by 0.50 applied to 13.00 (was 12.99, one cent under).
    let r = run(&base());
    assert_eq!((r.price, r.binding), (dec("12.50"), "strategy"));
    let t = step(&r, "target").unwrap();
    assert_eq!(t.reason, "already_lowest");
    assert_eq!(t.input.to_string(), "13.00");
    assert!(t.rule.to_string().contains("raise_to_next"), "{}", t.rule);
    assert!(t.rule.to_string().contains("beat it by 0.50"), "{}", t.rule);
}

#[test]
fn raise_to_next_applies_the_strategy_percent_to_the_next_offer() {
    let mut v = base();
    v["competitors"] = json!([{"seller_id": "A", "price": "20.00", "currency": "USD"}]);
    v["strategy"] = json!({"reference": "lowest", "action": "beat", "percent": "5"});
    // 20.00 − 5 % = 19.00.
    assert_eq!(run(&v).price, dec("19.00"));
    // Own shipping comes off the landed target, as for the strategy.
    v["own_shipping"] = json!("1.00");
    v["current_price"] = json!("11.00");
    assert_eq!(run(&v).price, dec("18.00"));
    // Match meets the next offer.
    v["strategy"] = json!({"reference": "lowest", "action": "match"});
    assert_eq!(run(&v).price, dec("19.00"));
}

#[test]
fn the_default_step_limit_is_five_percent_and_named_when_it_binds() {
    assert_eq!(DEFAULT_MAX_STEP_PERCENT, 5);
    let mut v = base();
    v.as_object_mut().unwrap().remove("max_step_percent");
    v["competitors"] = json!([{"seller_id": "A", "price": "20.00", "currency": "USD"}]);
    let r = run(&v);
    // 19.50 asked; 12.00 × 1.05 = 12.60 at most.
    assert_eq!((r.price, r.binding), (dec("12.60"), "step_limit"));
    let s = step(&r, "step_limit").unwrap();
    assert!(
        s.rule
            .to_string()
            .contains("at most +5 % per change (the default"),
        "{}",
        s.rule
    );
    // A given limit is stated without the default's words.
    v["max_step_percent"] = json!("5");
    let r = run(&v);
    assert_eq!(r.price, dec("12.60"));
    assert_eq!(
        step(&r, "step_limit").unwrap().rule.to_string(),
        "at most +5 % per change"
    );
    // Down, with only the up side given: the down side is the default.
    v.as_object_mut().unwrap().remove("max_step_percent");
    v["max_step_up_percent"] = json!("50");
    v["when_lowest"] = json!("hold");
    v["competitors"] = json!([{"seller_id": "A", "price": "8.00", "currency": "USD"}]);
    let r = run(&v);
    assert_eq!((r.price, r.binding), (dec("11.40"), "step_limit"));
    assert!(
        step(&r, "step_limit")
            .unwrap()
            .rule
            .to_string()
            .contains("−5 % per change (the default")
    );
}

#[test]
fn a_down_ending_that_moves_the_price_up_says_why() {
    let mut v = base();
    v["current_price"] = json!("14.00");
    v["competitors"] = json!([{"seller_id": "A", "price": "13.20", "currency": "USD"}]);
    v["min_price"] = json!("12.50");
    v["ending"] =
        json!({"kind": "increment", "increment": "1.00", "offset": "-0.01", "direction": "down"});
    let r = run(&v);
    // The target 12.70 ends down at 11.99, under the floor 12.50: the nearest .99 inside is 12.99.
    assert_eq!(r.price, dec("12.99"));
    let e = step(&r, "ending").unwrap();
    assert_eq!(e.reason, "ending_against_direction");
    let rule = e.rule.to_string();
    assert!(rule.contains("outside the limits [12.50, "), "{rule}");
    assert!(rule.contains("against the rule's direction"), "{rule}");
    // Without the floor, the ending goes down as written and says nothing more.
    v.as_object_mut().unwrap().remove("min_price");
    let r = run(&v);
    assert_eq!(r.price, dec("11.99"));
    assert_eq!(step(&r, "ending").unwrap().reason, "ending");
}
