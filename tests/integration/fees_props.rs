//! Laws of fee schedules, checked on random schedules and inputs.

use landed::data::{FeeSchedule, ScheduleSpec};
use landed::fees::FeeInput;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

/// Random tiers: increasing bounds, prices and flats with up to 4 decimals.
fn tiers(with_flats: bool) -> impl Strategy<Value = Vec<serde_json::Value>> {
    proptest::collection::vec((1i64..50_000, 0i64..200_000, 0i64..100_000), 1..10).prop_map(
        move |parts| {
            let mut bound = 0i64;
            let n = parts.len();
            parts
                .into_iter()
                .enumerate()
                .map(|(i, (step, price, flat))| {
                    bound += step;
                    let up_to = if i + 1 == n {
                        serde_json::Value::Null
                    } else {
                        json!(Decimal::new(bound, 2).to_string())
                    };
                    let mut t = json!({"up_to": up_to,
                        "unit_amount": Decimal::new(price, 4).to_string()});
                    if with_flats {
                        t["flat_amount"] = json!(Decimal::new(flat, 2).to_string());
                    }
                    t
                })
                .collect()
        },
    )
}

fn schedule(mode: &str, tiers: &[serde_json::Value]) -> FeeSchedule {
    serde_json::from_value::<ScheduleSpec>(
        json!({"mode": mode, "basis": "quantity", "currency": "USD", "tiers": tiers}),
    )
    .unwrap()
    .compile("schedule")
    .unwrap()
}

fn unrounded(s: &FeeSchedule, q: Decimal) -> Decimal {
    s.evaluate(&FeeInput::quantity(q)).unwrap().unrounded
}

fn quantity() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000).prop_map(|m| Decimal::new(m, 3))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn graduated_totals_are_monotone_non_decreasing(t in tiers(true), a in quantity(), b in quantity()) {
        let s = schedule("graduated", &t);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(unrounded(&s, lo) <= unrounded(&s, hi));
    }

    /// Without flat amounts, a step of ε moves the total by at most ε × the highest unit
    /// price: no jumps.
    #[test]
    fn graduated_totals_are_continuous_except_for_flat_amounts(
        t in tiers(false), q in quantity(), eps in 1i64..1000,
    ) {
        let s = schedule("graduated", &t);
        let eps = Decimal::new(eps, 3);
        let max_price = t.iter().map(|x| x["unit_amount"].as_str().unwrap().parse::<Decimal>().unwrap()).max().unwrap();
        let jump = unrounded(&s, q + eps) - unrounded(&s, q);
        prop_assert!(jump >= Decimal::ZERO && jump <= eps * max_price, "jump {}", jump);
    }

    /// Deltas between successive cumulative quantities add up to the total (the zero-usage
    /// flat amount belongs to the period, so it is the starting point).
    #[test]
    fn graduated_delta_sums_equal_the_total(
        t in tiers(true), steps in proptest::collection::vec(quantity(), 1..8),
    ) {
        let s = schedule("graduated", &t);
        let mut cumulative = Decimal::ZERO;
        let mut sum = unrounded(&s, Decimal::ZERO);
        for step in steps {
            let next = cumulative + step;
            let d = s
                .evaluate(&FeeInput::quantity(next).with_previous_quantity(cumulative))
                .unwrap();
            sum += d.unrounded;
            cumulative = next;
        }
        prop_assert_eq!(sum, unrounded(&s, cumulative));
    }

    /// The fast single-evaluation path (precomputed tiers) equals the full evaluation with
    /// its breakdown, for graduated and volume schedules.
    #[test]
    fn the_fast_path_equals_the_evaluation_with_breakdown(t in tiers(true), q in quantity()) {
        for mode in ["graduated", "volume"] {
            let s = schedule(mode, &t);
            prop_assert_eq!(s.quantity_fee(q).unwrap(), s.evaluate(&FeeInput::quantity(q)).unwrap().total);
        }
    }

    /// The lean batch gives the same fees and totals as the evaluation with every event.
    #[test]
    fn the_lean_batch_equals_the_full_evaluation(
        events in proptest::collection::vec((0i64..10_000_000).prop_map(|m| Decimal::new(m, 2)), 1..30),
        rate in (0i64..100_000).prop_map(|m| Decimal::new(m, 4)),
        free in 0i64..5000, stage_event in any::<bool>(),
    ) {
        let p = serde_json::from_value::<ScheduleSpec>(json!({"mode": "percentage", "currency": "USD",
            "rate": rate.to_string(), "fixed_amount": "0.30", "per_event_min": "0.50",
            "per_event_max": "40", "free_amount": Decimal::new(free, 2).to_string(),
            "rounding_stage": if stage_event { "event" } else { "total" }}))
            .unwrap().compile("s").unwrap();
        let input = FeeInput::events(events);
        let full = p.evaluate(&input).unwrap();
        let lean = p.evaluate_batch(&input).unwrap();
        prop_assert_eq!(full.total, lean.total);
        prop_assert_eq!(full.unrounded, lean.unrounded);
        for (e, f) in full.events.iter().zip(&lean.fees) {
            prop_assert_eq!(e.fee, *f);
        }
    }

    #[test]
    fn volume_and_graduated_agree_on_the_first_tier(t in tiers(true), frac in 0u32..=1000) {
        let g = schedule("graduated", &t);
        let v = schedule("volume", &t);
        let first = t[0]["up_to"].as_str().map_or(Decimal::from(1_000_000), |u| u.parse().unwrap());
        let q = (first * Decimal::new(i64::from(frac), 3)).round_dp(3);
        prop_assert_eq!(unrounded(&g, q), unrounded(&v, q));
    }

    /// Rounding once, half up, is at most half a minor unit from the unrounded total.
    #[test]
    fn rounding_once_is_within_half_a_minor_unit(
        t in tiers(true), q in quantity(),
        events in proptest::collection::vec((0i64..10_000_000).prop_map(|m| Decimal::new(m, 2)), 1..20),
        rate in (0i64..100_000).prop_map(|m| Decimal::new(m, 4)),
    ) {
        let s = schedule("graduated", &t);
        let r = s.evaluate(&FeeInput::quantity(q)).unwrap();
        prop_assert!((r.total - r.unrounded).abs() <= Decimal::new(5, 3));
        let p = serde_json::from_value::<ScheduleSpec>(json!({"mode": "percentage", "currency": "USD",
            "rate": rate.to_string(), "fixed_amount": "0.30"})).unwrap().compile("s").unwrap();
        let r = p.evaluate(&FeeInput::events(events)).unwrap();
        prop_assert!((r.total - r.unrounded).abs() <= Decimal::new(5, 3));
    }
}
