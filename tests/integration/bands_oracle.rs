//! The cost floor against a brute-force scan of the price grid.
//!
//! From the definition in `landed::bands`: the cost floor is the smallest price on the
//! currency's minor-unit grid (inside the band) whose profit after the fee schedule and the
//! given costs meets the minimum profit and the minimum margin. The scan tries every grid price
//! from the bottom, with the fee from the plain tier walk of [`crate::fees_oracle`], so nothing
//! of the solver (pieces, binary search, windows, the integer check) is shared.

use landed::bands::{FloorInput, cost_floor, qualifies};
use landed::data::ScheduleSpec;
use landed::fees::FeeInput;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use crate::fees_oracle::naive_total;

/// Whether `price` meets the minimums, by the definition.
fn qualifies_by_definition(
    spec: Option<&ScheduleSpec>,
    costs: Decimal,
    min_profit: Option<Decimal>,
    margin: Option<Decimal>,
    price: Decimal,
) -> bool {
    let fee = spec.map_or(Decimal::ZERO, |s| {
        naive_total(s, &FeeInput::events(vec![price])).unwrap()
    });
    let profit = price - fee - costs;
    min_profit.is_none_or(|m| profit >= m)
        && margin
            .is_none_or(|m| price > Decimal::ZERO && profit * Decimal::ONE_HUNDRED >= m * price)
}

/// The first qualifying grid price from `low` to `high`, one minor unit at a time.
fn scan(
    spec: Option<&ScheduleSpec>,
    costs: Decimal,
    min_profit: Option<Decimal>,
    margin: Option<Decimal>,
    (low, high, scale): (i64, i64, u32),
) -> Option<Decimal> {
    (low..=high)
        .map(|k| Decimal::new(k, scale))
        .find(|p| qualifies_by_definition(spec, costs, min_profit, margin, *p))
}

/// A price-dependent fee with cliffs: whole-price (volume) tiers with flats and a per-event
/// minimum, portions (graduated), a percentage with a fixed fee, or packages of the price.
fn fee_spec(scale: u32) -> impl Strategy<Value = Option<ScheduleSpec>> {
    let currency = match scale {
        0 => "JPY",
        3 => "KWD",
        _ => "USD",
    };
    let unit = Decimal::new(1, scale);
    (
        0usize..5,
        proptest::collection::vec((1i64..400, 0i64..4000, 0i64..300), 3),
        (0i64..100, 0i64..80, 0i64..4000),
        proptest::option::of(0i64..2000),
    )
        .prop_map(move |(mode, tiers, (fixed, minimum, rate), cap)| {
            let mut bound = 0i64;
            let tiers: Vec<_> = tiers
                .iter()
                .enumerate()
                .map(|(i, (step, r, flat))| {
                    bound += step;
                    json!({"up_to": if i == 2 { serde_json::Value::Null } else { json!((unit * Decimal::from(bound)).to_string()) },
                           "rate": Decimal::new(*r, 2).to_string(),
                           "flat_amount": (unit * Decimal::from(*flat % 50)).to_string()})
                })
                .collect();
            let mut v = match mode {
                0 => return None,
                1 => json!({"mode": "volume", "basis": "amount", "tiers": tiers,
                            "per_event_min": (unit * Decimal::from(minimum)).to_string()}),
                2 => json!({"mode": "graduated", "basis": "amount", "tiers": tiers}),
                3 => json!({"mode": "percentage", "rate": Decimal::new(rate, 2).to_string(),
                            "fixed_amount": (unit * Decimal::from(fixed)).to_string()}),
                _ => json!({"mode": "package", "basis": "amount",
                            "package_size": (unit * Decimal::from(tiers.len() as i64 * 7 + fixed)).max(unit).to_string(),
                            "package_amount": (unit * Decimal::from(minimum)).to_string()}),
            };
            v["currency"] = json!(currency);
            if let Some(c) = cap {
                v["per_event_max"] = json!((unit * Decimal::from(c)).to_string());
                if let Some(m) = v.get("per_event_min").and_then(|m| m.as_str())
                    && m.parse::<Decimal>().unwrap() > unit * Decimal::from(c)
                {
                    v["per_event_min"] = json!((unit * Decimal::from(c)).to_string());
                }
            }
            Some(serde_json::from_value(v).unwrap())
        })
}

fn case() -> impl Strategy<Value = (u32, Option<ScheduleSpec>)> {
    proptest::sample::select(vec![0u32, 2, 2, 3])
        .prop_flat_map(|scale| (Just(scale), fee_spec(scale)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// `cost_floor` is exactly the first qualifying price of a full scan of the grid (and an
    /// error exactly when the scan finds none); `qualifies` agrees with the definition.
    #[test]
    fn cost_floor_equals_brute_force_scan(
        (scale, spec) in case(),
        costs in (0i64..3_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
        min_profit in proptest::option::of((0i64..50_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s))),
        margin in proptest::option::of(prop_oneof![
            (0i64..60).prop_map(Decimal::from),
            (0i64..60_000_000, 0u32..=7).prop_map(|(m, s)| Decimal::new(m % 10i64.pow(s + 2), s)),
        ]),
        low in 0i64..500, width in 0i64..2500, probe in 0i64..3000,
    ) {
        let compiled = spec.as_ref().map(|s| s.compile("fees").unwrap());
        let (lo, hi) = (Decimal::new(low, scale), Decimal::new(low + width, scale));
        let mut input = FloorInput::new(costs * Decimal::new(1, scale.min(2)), lo, hi, scale);
        if let Some(f) = &compiled {
            input = input.with_fees(f);
        }
        input.min_profit = min_profit;
        input.min_margin_percent = margin;
        let costs = input.costs;
        let want = scan(spec.as_ref(), costs, min_profit, margin, (low, low + width, scale));
        match (cost_floor(&input), want) {
            (Ok(f), Some(p)) => prop_assert_eq!(f.price, p),
            (Err(e), None) => prop_assert!(e.to_string().starts_with("max_price:"), "{}", e),
            (got, want) => prop_assert!(false, "solver {:?}, scan {:?}", got.map(|f| f.price), want),
        }
        let p = Decimal::new(low + probe % (width + 1), scale);
        prop_assert_eq!(
            qualifies(&input, p).unwrap(),
            qualifies_by_definition(spec.as_ref(), costs, min_profit, margin, p),
            "at {}", p
        );
    }
}

#[test]
fn a_margin_met_exactly_qualifies() {
    // A 5 % fee: 10.00 − 0.50 − 8.50 = 1.00, exactly 10 % of the price. One cent less earns
    // less than 10 %, so 10.00 is the floor for the solver and for the scan.
    let spec: ScheduleSpec =
        serde_json::from_value(json!({"mode": "percentage", "currency": "USD", "rate": "5"}))
            .unwrap();
    let fees = spec.compile("fees").unwrap();
    let costs = crate::dec("8.50");
    let margin = crate::dec("10");
    let input = FloorInput::new(costs, crate::dec("0.01"), crate::dec("20.00"), 2)
        .with_fees(&fees)
        .with_min_margin_percent(margin);
    assert_eq!(cost_floor(&input).unwrap().price, crate::dec("10.00"));
    assert_eq!(
        scan(Some(&spec), costs, None, Some(margin), (1, 2000, 2)),
        Some(crate::dec("10.00"))
    );
}
