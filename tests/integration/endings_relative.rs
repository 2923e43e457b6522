//! Relative range endings accept the full range of Global-e's semantics (issue 16, point 5):
//! a target may be the whole span of its behaviour (the next base), and endings stay
//! idempotent.

use landed::ending::{EndingRange, PriceEnding, RangeBehavior};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use crate::dec;

fn ranges(behavior: &str, threshold: &str, lower: &str, upper: &str, helper: &str) -> PriceEnding {
    let r: EndingRange = serde_json::from_value(json!({
        "from": "0", "to": "100000", "behavior": behavior, "threshold": threshold,
        "lower_target": lower, "upper_target": upper, "helper": helper,
    }))
    .unwrap();
    PriceEnding::Ranges { ranges: vec![r] }
}

fn apply(e: &PriceEnding, p: &str) -> String {
    e.compile(2, "ending")
        .unwrap()
        .apply(dec(p))
        .unwrap()
        .to_string()
}

#[test]
fn relative_whole_upper_target_equal_to_the_helper_rounds_up_to_the_next_ten() {
    // The Global-e SDK's "round up to the next ten": upper_target 10 with helper 10.
    let e = ranges("relative_whole", "0", "0", "10", "10");
    assert_eq!(apply(&e, "23.00"), "30.00");
    assert_eq!(apply(&e, "29.99"), "30.00");
    assert_eq!(apply(&e, "20.01"), "30.00");
    // Already a multiple of ten: kept (it is the previous base's upper target).
    assert_eq!(apply(&e, "30.00"), "30.00");
    assert_eq!(apply(&e, "20.00"), "20.00");
    // Helper 0 means 10: the same rule.
    let e = ranges("relative_whole", "0", "0", "10", "0");
    assert_eq!(apply(&e, "23.00"), "30.00");
    // Other helpers: up to the next 50.
    let e = ranges("relative_whole", "0", "0", "50", "50");
    assert_eq!(apply(&e, "123.45"), "150.00");
    assert_eq!(apply(&e, "150.00"), "150.00");
}

#[test]
fn relative_whole_lower_target_equal_to_the_helper_rounds_down_to_the_ten() {
    // Below the threshold (all prices: threshold 10) to b − h + 10 = b.
    let e = ranges("relative_whole", "10", "10", "0", "10");
    assert_eq!(apply(&e, "27.50"), "20.00");
    assert_eq!(apply(&e, "20.00"), "20.00");
}

#[test]
fn relative_decimal_and_nearest_target_accept_a_whole_unit() {
    // relative_decimal: upper = i + 1 rounds up to the next whole unit.
    let e = ranges("relative_decimal", "0", "0", "1", "0");
    assert_eq!(apply(&e, "19.43"), "20.00");
    assert_eq!(apply(&e, "20.00"), "20.00");
    // lower = i − 1 + 1 = i rounds down to the whole unit.
    let e = ranges("relative_decimal", "1", "1", "0", "0");
    assert_eq!(apply(&e, "19.43"), "19.00");
    assert_eq!(apply(&e, "19.00"), "19.00");
    // nearest_target, helper 5: upper = b − 1 + 5 + 1 = the next five.
    let e = ranges("nearest_target", "0", "0", "1", "5");
    assert_eq!(apply(&e, "12.00"), "15.00");
    assert_eq!(apply(&e, "15.00"), "15.00");
    let e = ranges("nearest_target", "5", "1", "0", "5");
    assert_eq!(apply(&e, "12.00"), "10.00");
}

#[test]
fn a_target_beyond_the_span_is_refused_by_name() {
    for (behavior, upper, span) in [
        ("relative_whole", "10.01", "10"),
        ("relative_decimal", "1.01", "1"),
        ("nearest_target", "1.01", "1"),
    ] {
        let e = ranges(behavior, "0", "0", upper, "0");
        let m = e.compile(2, "ending").unwrap_err().to_string();
        assert!(m.starts_with("ending.ranges[0].upper_target:"), "{m}");
        assert!(
            m.contains(&format!("between 0 and {span} (inclusive)")),
            "{m}"
        );
        let e = ranges(behavior, "0", upper, "0", "0");
        let m = e.compile(2, "ending").unwrap_err().to_string();
        assert!(m.starts_with("ending.ranges[0].lower_target:"), "{m}");
    }
}

fn span_value(span: i64) -> impl Strategy<Value = Decimal> {
    // Often the ends of the span, else anywhere in it (in cents).
    prop_oneof![
        Just(Decimal::ZERO),
        Just(Decimal::new(span, 2)),
        (0..=span).prop_map(|v| Decimal::new(v, 2)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Every relative range, targets anywhere in [0, span] inclusive, is idempotent: an
    /// ended price ends at itself.
    #[test]
    fn relative_endings_are_idempotent_over_the_full_target_range(
        (behavior, helper, t, l, u) in (0usize..3, prop_oneof![Just(0i64), 1i64..=20])
            .prop_flat_map(|(b, h)| {
                let behavior = [RangeBehavior::RelativeDecimal, RangeBehavior::RelativeWhole,
                    RangeBehavior::NearestTarget][b];
                let hv = match (behavior, h) {
                    (RangeBehavior::RelativeDecimal, _) => 1,
                    (RangeBehavior::RelativeWhole, 0) => 10,
                    (RangeBehavior::NearestTarget, 0) => 5,
                    (_, h) => h,
                };
                let span = if behavior == RangeBehavior::RelativeWhole { hv * 100 } else { 100 };
                (Just(behavior), Just(h), span_value(hv * 100), span_value(span), span_value(span))
            }),
        price in 1i64..10_000_000,
    ) {
        let r: EndingRange = serde_json::from_value(json!({
            "from": "0", "to": "1000000000", "behavior": behavior,
            "threshold": t.to_string(), "lower_target": l.to_string(),
            "upper_target": u.to_string(), "helper": Decimal::from(helper).to_string(),
        })).unwrap();
        let e = PriceEnding::Ranges { ranges: vec![r] }.compile(2, "ending").unwrap();
        let Ok(once) = e.apply(Decimal::new(price, 2)) else { return Ok(()); };
        let twice = e.apply(once).unwrap();
        prop_assert_eq!(twice, once, "{} → {} → {}", Decimal::new(price, 2), once, twice);
    }
}
