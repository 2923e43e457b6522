//! Price bands: each step and scenario of the pipeline, and its laws.

use landed::RateTables;
use landed::bands::{BandRequest, BandResult, band};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::dec;

fn base() -> Value {
    json!({
      "currency": "USD", "current_price": "12.00", "own_seller_ids": ["me"], "own_shipping": "0",
      "unit_cost": "5.00", "max_price": "30.00",
      "strategy": {"reference": "lowest", "action": "beat", "amount": "0.50"},
      "max_step_percent": "50",
      "competitors": []
    })
}

fn offer(id: &str, price: &str) -> Value {
    json!({"seller_id": id, "price": price, "shipping": "0", "currency": "USD"})
}

/// The result borrows its request (for the trace); tests keep each request for the run.
fn run(v: &Value) -> Result<BandResult<'static>, landed::Error> {
    let req: &'static BandRequest = Box::leak(Box::new(BandRequest::from_json(&v.to_string())?));
    band(RateTables::embedded().unwrap(), req)
}

fn price(v: &Value) -> String {
    run(v).unwrap().price.to_string()
}

#[test]
fn own_offer_is_excluded_and_shipping_changes_the_winner() {
    let mut v = base();
    v["competitors"] = json!([offer("me", "9.00"), offer("A", "11.00"),
        {"seller_id": "B", "price": "10.00", "shipping": "2.00", "currency": "USD"}]);
    let r = run(&v).unwrap();
    assert_eq!(r.excluded[0].reason, "own_offer");
    // B's 10.00 + 2.00 shipping = 12.00 loses to A's 11.00: beat A by 0.50.
    assert_eq!((r.reference, r.price), (Some(dec("11.00")), dec("10.50")));
    assert_eq!(r.binding, "strategy");
}

#[test]
fn stale_low_rated_outlier_and_filtered_offers_are_excluded_with_reasons() {
    let mut v = base();
    v["now"] = json!("2026-11-25T10:00:00Z");
    v["filters"] = json!({"min_rating": "4.0", "exclude_fulfillment": ["merchant"], "conditions": ["new"],
        "max_age_hours": 24, "outlier_below_percent": "50", "outlier_above_percent": "100"});
    let o = |id: &str, p: &str, rating: &str, f: &str, c: &str, seen: &str| {
        json!({"seller_id": id, "price": p, "currency": "USD", "rating": rating,
               "fulfillment": f, "condition": c, "seen_at": seen})
    };
    let fresh = "2026-11-25T09:00:00Z";
    v["competitors"] = json!([
        o("ok1", "11.00", "4.5", "marketplace", "new", fresh),
        o("ok2", "12.00", "4.5", "marketplace", "new", fresh),
        o("ok3", "13.00", "4.5", "marketplace", "new", fresh),
        o("low", "10.00", "3.0", "marketplace", "new", fresh),
        o("merchant", "10.00", "4.5", "merchant", "new", fresh),
        o("used", "10.00", "4.5", "marketplace", "used", fresh),
        o(
            "stale",
            "10.00",
            "4.5",
            "marketplace",
            "new",
            "2026-11-24T09:59:59Z"
        ),
        o("cheap", "2.00", "4.5", "marketplace", "new", fresh),
        o("dear", "99.00", "4.5", "marketplace", "new", fresh),
    ]);
    let r = run(&v).unwrap();
    let reasons: Vec<(String, &str)> = r
        .excluded
        .iter()
        .map(|e| (e.seller_id.to_owned(), e.reason))
        .collect();
    for (id, why) in [
        ("low", "low_rating"),
        ("merchant", "excluded_fulfillment"),
        ("used", "excluded_condition"),
        ("stale", "stale"),
        ("cheap", "outlier_low"),
        ("dear", "outlier_high"),
    ] {
        assert!(reasons.contains(&(id.to_owned(), why)), "{id}: {reasons:?}");
    }
    assert_eq!(r.reference, Some(dec("11.00")));
}

#[test]
fn each_reference_kind_and_action() {
    let offers = json!([offer("A", "10.00"), offer("B", "11.00"), offer("C", "12.00"), offer("D", "14.00"),
        {"seller_id": "E", "price": "13.00", "currency": "USD", "buy_box": true}]);
    let cases = [
        (json!({"reference": "lowest", "action": "match"}), "10.00"),
        (
            json!({"reference": "second_lowest", "action": "match"}),
            "11.00",
        ),
        (
            json!({"reference": "position", "position": 3, "action": "match"}),
            "12.00",
        ),
        (
            json!({"reference": "average_lowest", "count": 3, "action": "match"}),
            "11.00",
        ),
        (json!({"reference": "median", "action": "match"}), "12.00"),
        (json!({"reference": "buy_box", "action": "match"}), "13.00"),
        (
            json!({"reference": "lowest", "action": "beat", "amount": "0.25"}),
            "9.75",
        ),
        (
            json!({"reference": "lowest", "action": "beat", "percent": "2.5"}),
            "9.75",
        ),
        (
            json!({"reference": "lowest", "action": "above", "amount": "0.25"}),
            "10.25",
        ),
        (
            json!({"reference": "lowest", "action": "above", "percent": "2.5"}),
            "10.25",
        ),
    ];
    for (s, want) in cases {
        let mut v = base();
        v["competitors"] = offers.clone();
        v["strategy"] = s.clone();
        assert_eq!(price(&v), want, "{s}");
    }
}

#[test]
fn no_competitors_under_each_policy() {
    for (policy, want, binding) in [
        ("hold", "12.00", "no_competitors"),
        ("ceiling", "18.00", "step_limit"),
        ("floor", "6.00", "step_limit"),
    ] {
        let mut v = base();
        v["no_competitors"] = json!(policy);
        let r = run(&v).unwrap();
        assert_eq!(
            (r.price.to_string().as_str(), r.binding),
            (want, binding),
            "{policy}"
        );
    }
    let mut v = base();
    v["no_competitors"] = json!("ceiling");
    v["max_step_percent"] = json!("500");
    assert_eq!(price(&v), "30.00");
}

#[test]
fn target_below_the_floor_and_already_lowest() {
    let mut v = base();
    v["min_price"] = json!("9.00");
    v["competitors"] = json!([offer("A", "9.20")]);
    let r = run(&v).unwrap();
    assert_eq!((r.price, r.binding), (dec("9.00"), "floor"));
    // Already the lowest (12.00 < 13.00): hold, or rise to the strategy's target on the next
    // offer (beat 13.00 by 0.50).
    let mut v = base();
    v["competitors"] = json!([offer("A", "13.00")]);
    let r = run(&v).unwrap();
    assert_eq!(
        (r.price, r.binding, r.changed),
        (dec("12.00"), "no_change", false)
    );
    v["when_lowest"] = json!("raise_to_next");
    assert_eq!(price(&v), "12.50");
}

#[test]
fn step_limit_up_and_down_asymmetric_and_the_floor_wins() {
    let mut v = base();
    v["max_step_percent"] = json!("5");
    v["competitors"] = json!([offer("A", "20.00")]);
    v["strategy"] = json!({"reference": "lowest", "action": "match"});
    v["when_lowest"] = json!("raise_to_next");
    let r = run(&v).unwrap();
    assert_eq!((r.price, r.binding), (dec("12.60"), "step_limit"));
    v["competitors"] = json!([offer("A", "8.00")]);
    assert_eq!(price(&v), "11.40");
    v["max_step_down_percent"] = json!("10");
    assert_eq!(price(&v), "10.80");
    // The floor wins over the step limit: a floor of 13.00 above 12.00 × 1.05.
    v["min_price"] = json!("13.00");
    let r = run(&v).unwrap();
    assert_eq!((r.price, r.binding), (dec("13.00"), "floor"));
}

#[test]
fn cool_down_holds_the_price_inside_the_band() {
    let mut v = base();
    v["competitors"] = json!([offer("A", "10.00")]);
    v["now"] = json!("2026-11-25T10:00:00Z");
    v["last_change_at"] = json!("2026-11-25T09:30:00Z");
    v["cool_down_minutes"] = json!(60);
    let r = run(&v).unwrap();
    assert_eq!((r.price, r.binding), (dec("12.00"), "cool_down"));
    v["cool_down_minutes"] = json!(30);
    assert_eq!(price(&v), "9.50");
}

#[test]
fn the_ending_is_chosen_inside_the_band() {
    let mut v = base();
    v["competitors"] = json!([offer("A", "10.00")]);
    v["ending"] =
        json!({"kind": "increment", "increment": "1.00", "offset": "-0.01", "direction": "down"});
    assert_eq!(price(&v), "8.99"); // 9.50 → .99 below
    v["min_price"] = json!("9.20");
    assert_eq!(price(&v), "9.99"); // 8.99 is under the floor: the nearest ending inside
}

#[test]
fn a_missing_ceiling_is_rejected() {
    let mut v = base();
    v.as_object_mut().unwrap().remove("max_price");
    let e = run(&v).unwrap_err();
    assert!(e.to_string().starts_with("max_price:"), "{e}");
}

#[test]
fn a_fee_cliff_makes_the_beaten_price_unprofitable_and_the_engine_falls_back() {
    // 5 % up to 15.00, 10 % above (whole price). Costs 13.40, profit ≥ 1.00: 15.00 nets 0.85,
    // 15.01 … 15.99 net less than 1.00, so the floor is 16.00; beating 16.49 by 0.50 gives
    // 15.99, inside the dead zone, so the floor 16.00 is taken.
    let mut v = base();
    v["current_price"] = json!("16.50");
    v["unit_cost"] = json!("13.40");
    v["min_profit"] = json!("1.00");
    v["fees"] = json!({"mode": "volume", "basis": "amount", "currency": "USD",
        "tiers": [{"up_to": "15.00", "rate": "5"}, {"up_to": null, "rate": "10"}]});
    v["competitors"] = json!([offer("A", "16.49")]);
    let r = run(&v).unwrap();
    assert_eq!(
        (r.price, r.binding, r.cost_floor),
        (dec("16.00"), "floor", dec("16.00"))
    );
    // Nothing profitable in the band: an error naming it.
    v["max_price"] = json!("15.50");
    v["current_price"] = json!("15.00");
    let e = run(&v).unwrap_err();
    assert!(e.to_string().starts_with("max_price:"), "{e}");
}

fn random_request(
    current: i64,
    cost: i64,
    ceiling: i64,
    offers: &[(i64, i64)],
    action: usize,
    step: i64,
    rate: i64,
) -> Value {
    let actions = ["match", "beat", "above"];
    let mut v = json!({
        "currency": "USD", "current_price": rust_decimal::Decimal::new(current, 2).to_string(),
        "own_seller_ids": ["me"], "unit_cost": rust_decimal::Decimal::new(cost, 2).to_string(),
        "max_price": rust_decimal::Decimal::new(ceiling, 2).to_string(),
        "min_profit": "0.50", "min_margin_percent": "5",
        "fees": {"mode": "volume", "basis": "amount", "currency": "USD",
                 "tiers": [{"up_to": "20.00", "rate": rust_decimal::Decimal::new(rate, 1).to_string()},
                           {"up_to": null, "rate": "15"}]},
        "strategy": {"reference": "lowest", "action": actions[action % 3], "amount": "0.10"},
        "max_step_percent": rust_decimal::Decimal::new(step, 0).to_string(),
        "no_competitors": "ceiling",
        "competitors": offers.iter().map(|(p, s)| json!({"seller_id": format!("s{p}{s}"),
            "price": rust_decimal::Decimal::new(*p, 2).to_string(),
            "shipping": rust_decimal::Decimal::new(*s, 2).to_string(), "currency": "USD"})).collect::<Vec<_>>()
    });
    if action.is_multiple_of(3) {
        v["strategy"].as_object_mut().unwrap().remove("amount");
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// floor ≤ price ≤ ceiling; the profit at the price meets the minimums; same input, same
    /// output.
    #[test]
    fn the_price_is_in_the_band_and_profitable_and_deterministic(
        current in 100i64..5000, cost in 0i64..2000, ceiling in 1000i64..6000,
        offers in proptest::collection::vec((100i64..6000, 0i64..500), 0..8),
        action in 0usize..3, step in 1i64..30, rate in 0i64..120,
    ) {
        let v = random_request(current, cost, ceiling, &offers, action, step, rate);
        match run(&v) {
            Ok(r) => {
                prop_assert!(r.floor <= r.price && r.price <= r.ceiling);
                let req = BandRequest::from_json(&v.to_string()).unwrap();
                let fees = req.fees.as_ref().unwrap().compile("f").unwrap();
                let profit = r.price - fees.fee_for_amount(r.price).unwrap() - req.unit_cost;
                prop_assert!(profit >= dec("0.50"), "profit {} at {}", profit, r.price);
                prop_assert!(profit * dec("100") >= dec("5") * r.price);
                prop_assert_eq!(run(&v).unwrap(), r);
            }
            Err(e) => prop_assert!(e.to_string().starts_with("max_price:"), "{}", e),
        }
    }

    /// Two sellers beating each other converge or stop at a bound; they never run away.
    #[test]
    fn two_engines_repricing_against_each_other_never_run_away(
        a0 in 1000i64..3000, b0 in 1000i64..3000, cost in 0i64..800, action in 0usize..3,
    ) {
        let (mut a, mut b) = (a0, b0);
        for _ in 0..200 {
            let ra = run(&random_request(a, cost, 3000, &[(b, 0)], action, 5, 50));
            let Ok(ra) = ra else { break };
            let na = (ra.price * dec("100")).trunc().to_string().parse::<i64>().unwrap();
            let rb = run(&random_request(b, cost, 3000, &[(na, 0)], action, 5, 50));
            let Ok(rb) = rb else { break };
            let nb = (rb.price * dec("100")).trunc().to_string().parse::<i64>().unwrap();
            prop_assert!(na <= 3000 && nb <= 3000 && na >= 1 && nb >= 1);
            if na == a && nb == b {
                break;
            }
            a = na;
            b = nb;
        }
        prop_assert!(a <= 3000 && b <= 3000);
    }
}

#[test]
fn the_example_request_runs_and_explains_itself() {
    let text = std::fs::read_to_string(format!(
        "{}/examples/requests/band_beat.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let req = BandRequest::from_json(&text).unwrap();
    let r = band(RateTables::embedded().unwrap(), &req).unwrap();
    assert!(r.floor <= r.price && r.price <= r.ceiling);
    assert!(r.trace.iter().any(|t| t.step == "target"));
    let out: Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    for key in [
        "price",
        "changed",
        "floor",
        "ceiling",
        "cost_floor",
        "reference",
        "target",
        "binding",
        "excluded",
        "trace",
        "data_version",
    ] {
        assert!(out.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn a_price_in_a_fee_cliffs_dead_zone_above_the_floor_is_never_returned() {
    // Found by the property test: no competitors, go to the ceiling 20.01; the fee jumps from
    // 0 % to 15 % above 20.00, so 20.01 earns 1.00 on 20.01 (< 5 % margin). The engine falls
    // back to the best profitable price below it: 20.00 (profit 3.99).
    let v = random_request(2001, 1601, 2001, &[], 0, 1, 0);
    let r = run(&v).unwrap();
    assert_eq!(r.price, dec("20.00"));
    assert!(r.trace.iter().any(|t| t.step == "profit"));
}

#[test]
fn the_trace_keeps_every_offer_as_given_next_to_its_landed_price() {
    let mut v = base();
    v["exchange_rates"] = json!([{"from": "EUR", "to": "USD", "rate": "1.08"},
                                 {"from": "USD", "to": "GBP", "rate": "0.80"}]);
    v["competitors"] = json!([
        offer("me", "12.00"),
        {"seller_id": "A", "price": "10.50", "shipping": "1.00", "currency": "USD"},
        {"seller_id": "B", "price": "10.00", "shipping": "0.25", "currency": "EUR"},
        {"seller_id": "C", "price": "9.00", "shipping": "0", "currency": "GBP"}
    ]);
    let r = run(&v).unwrap();
    let step = |seller: &str| {
        r.trace
            .iter()
            .find(|t| t.input.to_string().starts_with(&format!("{seller}: ")))
            .unwrap_or_else(|| panic!("no trace step for {seller}"))
    };
    // The own offer: excluded, with its originals and the rule.
    let me = step("me");
    assert_eq!((me.step, me.reason), ("exclude", "own_offer"));
    assert_eq!(me.input.to_string(), "me: 12.00 USD + 0 USD shipping");
    // Same currency: price + shipping.
    let a = step("A");
    assert_eq!((a.step, a.reason), ("normalise", "normalised"));
    assert_eq!(a.input.to_string(), "A: 10.50 USD + 1.00 USD shipping");
    assert_eq!(a.output.to_string(), "11.50 USD");
    // Converted with the stated rate: (10.00 + 0.25) × 1.08 = 11.07.
    let b = step("B");
    assert_eq!(b.input.to_string(), "B: 10.00 EUR + 0.25 EUR shipping");
    assert_eq!(b.output.to_string(), "11.07 USD");
    assert!(
        b.rule.to_string().contains("× 1.08 (EUR→USD)"),
        "{}",
        b.rule
    );
    // Only the reverse pair given: divided by it, 9.00 ÷ 0.80 = 11.25.
    let c = step("C");
    assert_eq!(c.output.to_string(), "11.25 USD");
    assert!(c.rule.to_string().contains("÷ 0.80"), "{}", c.rule);
    // And the serialized trace carries the same texts.
    let out: Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    let trace = out["trace"].as_array().unwrap();
    assert!(trace.iter().any(|t| t["input"] == "B: 10.00 EUR + 0.25 EUR shipping"
        && t["output"] == "11.07 USD"));
    // The reference is the lowest landed offer, B, beaten by 0.50.
    assert_eq!((r.reference, r.price), (Some(dec("11.07")), dec("10.57")));
}

#[test]
fn outliers_are_traced_with_the_median_and_bound() {
    let mut v = base();
    v["filters"] = json!({"outlier_below_percent": "50"});
    v["competitors"] = json!([
        offer("A", "10.00"),
        offer("B", "11.00"),
        offer("C", "12.00"),
        offer("cheap", "4.99")
    ]);
    let r = run(&v).unwrap();
    let t = r.trace.iter().find(|t| t.reason == "outlier_low").unwrap();
    assert_eq!(t.input.to_string(), "cheap landed 4.99");
    // Median of 4.99, 10.00, 11.00, 12.00 is 10.50; less 50 % is 5.25.
    assert!(
        t.rule
            .to_string()
            .starts_with("below 5.25: the median 10.50"),
        "{}",
        t.rule
    );
}

#[test]
fn an_ending_never_moves_a_held_price() {
    let mut v = base();
    v["ending"] =
        json!({"kind": "increment", "increment": "1.00", "offset": "-0.01", "direction": "down"});
    v["no_competitors"] = json!("hold");
    let r = run(&v).unwrap();
    assert_eq!((r.price, r.changed), (dec("12.00"), false));
    let t = r.trace.iter().find(|t| t.step == "ending").unwrap();
    assert_eq!(t.reason, "held");
}

#[test]
fn bad_amounts_rates_margins_and_fee_currencies_are_named() {
    let err = |patch: &dyn Fn(&mut Value)| {
        let mut v = base();
        v["competitors"] = json!([offer("A", "10.00")]);
        patch(&mut v);
        run(&v).unwrap_err().to_string()
    };
    let e = err(&|v| v["unit_cost"] = json!("-1.00"));
    assert!(e.starts_with("unit_cost:") && e.contains("negative"), "{e}");
    let e = err(&|v| v["competitors"][0]["shipping"] = json!("-0.50"));
    assert!(e.starts_with("competitors[0].shipping:"), "{e}");
    let e = err(&|v| v["max_step_down_percent"] = json!("-5"));
    assert!(e.starts_with("max_step_down_percent:"), "{e}");
    let e = err(&|v| {
        v["exchange_rates"] = json!([{"from": "EUR", "to": "USD", "rate": "0"}]);
    });
    assert!(e.starts_with("exchange_rates[0].rate:"), "{e}");
    let e = err(&|v| v["min_margin_percent"] = json!("100"));
    assert!(e.starts_with("min_margin_percent:"), "{e}");
    let e = err(&|v| {
        v["fees"] =
            json!({"mode": "percentage", "basis": "amount", "currency": "EUR", "rate": "10"});
    });
    assert!(e.starts_with("fees.currency:") && e.contains("EUR"), "{e}");
    // A margin just under 100 % is a valid request whose band holds no price.
    let e = err(&|v| v["min_margin_percent"] = json!("99.99"));
    assert!(e.starts_with("max_price:"), "{e}");
}

#[test]
fn a_fee_schedule_from_the_data_is_the_one_in_force_on_the_date_of_now() {
    let at = |now: &str| {
        let mut v = base();
        v["unit_cost"] = json!("13.40");
        v["min_profit"] = json!("1.00");
        v["current_price"] = json!("16.50");
        v["fee_schedule_id"] = json!("amazon_us/clothing_and_accessories");
        v["now"] = json!(now);
        v["competitors"] = json!([offer("A", "15.49")]);
        run(&v)
    };
    // From 2024-01-15: 5 % to 15.00, 10 % to 20.00 (whole price). 15.00 nets 0.85, 15.01 …
    // 15.99 pay 10 % and net less than 1.00: the floor is 16.00, above the 14.99 target.
    let r = at("2024-01-15T00:00:00Z").unwrap();
    assert_eq!(
        (r.cost_floor, r.price, r.binding),
        (dec("16.00"), dec("16.00"), "floor")
    );
    let fees = r.trace.iter().find(|t| t.step == "fees").unwrap();
    assert_eq!(
        fees.input.to_string(),
        "fee_schedule_id amazon_us/clothing_and_accessories"
    );
    assert_eq!(fees.output.to_string(), "the row in force from 2024-01-15");
    assert!(
        fees.rule.to_string().contains("sell.amazon.com"),
        "{}",
        fees.rule
    );
    // The day before: 17 % of every price; 17.35 − 2.95 − 13.40 = 1.00.
    let r = at("2024-01-14T23:59:59Z").unwrap();
    assert_eq!(r.cost_floor, dec("17.35"));
    assert_eq!(
        r.trace
            .iter()
            .find(|t| t.step == "fees")
            .unwrap()
            .output
            .to_string(),
        "the row in force from 2024-01-14, replaced on 2024-01-15"
    );
    // The day after is the new schedule.
    assert_eq!(at("2024-01-16T00:00:00Z").unwrap().cost_floor, dec("16.00"));
    // Named errors: both kinds of fees, no date, an unknown schedule.
    let mut v = base();
    v["fee_schedule_id"] = json!("amazon_us/clothing_and_accessories");
    let e = run(&v).unwrap_err().to_string();
    assert!(e.starts_with("now:"), "{e}");
    v["fees"] = json!({"mode": "percentage", "basis": "amount", "currency": "USD", "rate": "10"});
    let e = run(&v).unwrap_err().to_string();
    assert!(e.starts_with("fee_schedule_id:"), "{e}");
    let mut v = base();
    v["fee_schedule_id"] = json!("amazon_us/no_such_category");
    v["now"] = json!("2026-11-25T10:00:00Z");
    assert!(run(&v).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Under any policy (reference kind, action, no-competitor and already-lowest policies,
    /// endings, asymmetric steps, min price and MAP): the price is in the band, meets the
    /// minimums, is on the grid, and moves no more than the step limit unless the band forced
    /// it; the same input gives the same output.
    #[test]
    fn any_policy_keeps_the_invariants(
        current in 100i64..5000, cost in 0i64..2000, ceiling in 1000i64..6000,
        offers in proptest::collection::vec((100i64..6000, 0i64..500), 0..8),
        action in 0usize..3, rate in 0i64..120,
        reference in 0usize..6, policy in 0usize..3, lowest in 0usize..2, ending in 0usize..4,
        up in 0i64..20, down in 0i64..20, min_price in 0i64..3000, map in 0i64..3000,
    ) {
        let mut v = random_request(current, cost, ceiling, &offers, action, 5, rate);
        let refs = ["lowest", "second_lowest", "position", "average_lowest", "median", "buy_box"];
        v["strategy"]["reference"] = json!(refs[reference]);
        v["strategy"]["position"] = json!(2);
        v["strategy"]["count"] = json!(3);
        v["no_competitors"] = json!(["hold", "ceiling", "floor"][policy]);
        v["when_lowest"] = json!(["hold", "raise_to_next"][lowest]);
        v["max_step_up_percent"] = json!(up.to_string());
        v["max_step_down_percent"] = json!(down.to_string());
        if min_price > 0 {
            v["min_price"] = json!(rust_decimal::Decimal::new(min_price, 2).to_string());
        }
        if map > 0 {
            v["map"] = json!(rust_decimal::Decimal::new(map, 2).to_string());
        }
        match ending {
            1 => v["ending"] = json!({"kind": "increment", "increment": "1.00", "offset": "-0.01", "direction": "down"}),
            2 => v["ending"] = json!({"kind": "increment", "increment": "0.05", "offset": "0", "direction": "nearest"}),
            3 => v["ending"] = json!({"kind": "ranges", "ranges": [
                {"from": "0", "to": "10", "behavior": "relative_decimal", "lower_target": "0.49", "upper_target": "0.99", "threshold": "0.50"},
                {"from": "10", "to": "1000000", "behavior": "absolute", "lower_target": "0.95", "upper_target": "0.95", "threshold": "0.50"}]}),
            _ => {}
        }
        if let Some(o) = v["competitors"].as_array_mut().and_then(|a| a.first_mut()) {
            o["buy_box"] = json!(true);
        }
        match run(&v) {
            Ok(r) => {
                let req = BandRequest::from_json(&v.to_string()).unwrap();
                prop_assert!(r.floor <= r.price && r.price <= r.ceiling, "{:?}", r);
                prop_assert_eq!(r.price.round_dp(2), r.price);
                let fees = req.fees.as_ref().unwrap().compile("f").unwrap();
                let profit = r.price - fees.fee_for_amount(r.price).unwrap() - req.unit_cost;
                prop_assert!(profit >= dec("0.50") && profit * dec("100") >= dec("5") * r.price,
                    "profit {} at {}", profit, r.price);
                let cur = req.current_price;
                let hi = cur + cur * rust_decimal::Decimal::from(up) / dec("100");
                let lo = cur - cur * rust_decimal::Decimal::from(down) / dec("100");
                if r.binding != "floor" && r.binding != "ceiling" && r.price != cur {
                    prop_assert!(lo <= r.price && r.price <= hi,
                        "{} outside the step [{}, {}] bound by {}", r.price, lo, hi, r.binding);
                }
                prop_assert_eq!(run(&v).unwrap(), r);
            }
            Err(e) => {
                let m = e.to_string();
                prop_assert!(m.starts_with("max_price:"), "{}", m);
            }
        }
    }
}
