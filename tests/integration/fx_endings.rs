//! Price endings: increment + offset and Global-e ranges, on boundaries, midpoints, negatives
//! and zero.

use landed::Error;
use landed::ending::{EndingDirection, EndingRange, IncrementEnding, PriceEnding, RangeBehavior};

use crate::dec;

fn inc(i: &str, o: &str, direction: EndingDirection, scale: u32) -> landed::ending::CompiledEnding {
    PriceEnding::Increment(IncrementEnding {
        increment: dec(i),
        offset: dec(o),
        direction,
    })
    .compile(scale, "ending")
    .unwrap()
}

fn check(e: &landed::ending::CompiledEnding, cases: &[(&str, &str)]) {
    for (input, want) in cases {
        assert_eq!(e.apply(dec(input)).unwrap().to_string(), *want, "{input}");
    }
}

#[test]
fn increment_99_endings_up_down_nearest() {
    use EndingDirection::*;
    // Allowed prices: k × 1.00 − 0.01.
    check(
        &inc("1.00", "-0.01", Up, 2),
        &[
            ("19.43", "19.99"),
            ("19.99", "19.99"), // an allowed price maps to itself
            ("20.00", "20.99"), // one minor unit above an allowed price
            ("19.98", "19.99"), // one minor unit below
            ("0.01", "0.99"),
            ("0.00", "0.00"),     // zero stays zero
            ("-19.43", "-19.99"), // negatives mirror
        ],
    );
    check(
        &inc("1.00", "-0.01", Down, 2),
        &[
            ("19.43", "18.99"),
            ("19.99", "19.99"),
            ("20.00", "19.99"),
            ("-19.43", "-18.99"),
        ],
    );
    check(
        &inc("1.00", "-0.01", Nearest, 2),
        &[
            ("19.49", "19.99"), // 0.50 from 19.99 vs 0.50 from 18.99: a tie goes to the larger
            ("19.48", "18.99"),
            ("19.50", "19.99"),
            ("19.99", "19.99"),
            ("-19.49", "-19.99"),
        ],
    );
}

#[test]
fn increment_yen_and_ten_cent_endings() {
    use EndingDirection::*;
    check(
        &inc("100", "-1", Up, 0),
        &[
            ("1234", "1299"),
            ("1299", "1299"),
            ("1300", "1399"),
            ("1", "99"),
            ("0", "0"),
            ("-1234", "-1299"),
        ],
    );
    check(
        &inc("100", "0", Nearest, 0),
        &[
            ("1249", "1200"),
            ("1250", "1300"),
            ("1251", "1300"),
            ("-1250", "-1300"),
        ],
    );
    check(
        &inc("0.10", "0", Up, 2),
        &[
            ("19.41", "19.50"),
            ("19.50", "19.50"),
            ("19.51", "19.60"),
            ("0.01", "0.10"),
        ],
    );
    // KWD, three decimals: last digit 0.
    check(
        &inc("0.010", "0", Up, 3),
        &[("1.231", "1.240"), ("1.230", "1.230")],
    );
}

#[test]
fn an_ending_that_would_cross_zero_is_an_error() {
    let e = inc("1.00", "-0.01", EndingDirection::Down, 2)
        .apply(dec("0.50"))
        .unwrap_err();
    assert!(matches!(e, Error::EndingNotPositive { .. }), "{e}");
    assert!(e.to_string().contains("-0.01"), "{e}");
}

#[test]
fn bad_ending_rules_name_their_field() {
    let cases = [
        (
            PriceEnding::Increment(IncrementEnding {
                increment: dec("0"),
                offset: dec("0"),
                direction: EndingDirection::Up,
            }),
            0,
            "ending.increment",
        ),
        (
            PriceEnding::Increment(IncrementEnding {
                increment: dec("1"),
                offset: dec("-0.01"),
                direction: EndingDirection::Up,
            }),
            0, // JPY has no cents
            "ending.offset",
        ),
        (
            PriceEnding::Ranges {
                ranges: vec![range(
                    "10",
                    "5",
                    RangeBehavior::Absolute,
                    "1",
                    "1",
                    "2",
                    "0",
                )],
            },
            2,
            "ending.ranges[0].from",
        ),
        (
            PriceEnding::Ranges {
                ranges: vec![range(
                    "0",
                    "100",
                    RangeBehavior::RelativeDecimal,
                    "0.5",
                    "1.5",
                    "0.99",
                    "0",
                )],
            },
            2,
            "ending.ranges[0].lower_target",
        ),
        (
            PriceEnding::Ranges {
                ranges: vec![range(
                    "0",
                    "100",
                    RangeBehavior::RelativeDecimal,
                    "1.5",
                    "0.95",
                    "0.99",
                    "0",
                )],
            },
            2,
            "ending.ranges[0].threshold",
        ),
        (
            PriceEnding::Ranges {
                ranges: vec![range(
                    "0",
                    "100",
                    RangeBehavior::RelativeDecimal,
                    "0.5",
                    "0.95",
                    "0.999",
                    "0",
                )],
            },
            2,
            "ending.ranges[0].upper_target",
        ),
    ];
    for (ending, scale, field) in cases {
        let e = ending.compile(scale, "ending").unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput { field: f, .. } if f == field),
            "{field}: {e}"
        );
    }
}

fn range(
    from: &str,
    to: &str,
    behavior: RangeBehavior,
    threshold: &str,
    lower: &str,
    upper: &str,
    helper: &str,
) -> EndingRange {
    serde_json::from_value(serde_json::json!({
        "from": from, "to": to, "behavior": behavior, "threshold": threshold,
        "lower_target": lower, "upper_target": upper, "helper": helper,
    }))
    .unwrap()
}

fn ranges(rs: Vec<EndingRange>, scale: u32) -> landed::ending::CompiledEnding {
    PriceEnding::Ranges { ranges: rs }
        .compile(scale, "ending")
        .unwrap()
}

#[test]
fn relative_decimal_ranges_the_global_e_example() {
    let mut r = range(
        "0",
        "100",
        RangeBehavior::RelativeDecimal,
        "0.5",
        "0.95",
        "0.99",
        "0",
    );
    r.exceptions = vec![dec("0.49")];
    let e = ranges(vec![r], 2);
    check(
        &e,
        &[
            ("19.43", "18.95"), // below the threshold 19.50: the previous unit's .95
            ("19.49", "19.49"), // an exception (0.49 shifted by 19) is kept
            ("19.48", "18.95"),
            ("19.50", "19.99"), // at the threshold: the upper target
            ("19.51", "19.99"),
            ("19.99", "19.99"),   // an allowed price maps to itself
            ("18.95", "18.95"),   // also a target (of the next base): kept, see the module docs
            ("100.00", "99.95"),  // the top of the range is inclusive: base 100, below 100.50
            ("100.01", "100.01"), // outside every range: left as it is
            ("0", "0.00"),        // zero stays zero, shown at the currency's scale
            ("-19.43", "-18.95"),
        ],
    );
}

#[test]
fn relative_whole_nearest_target_and_absolute_ranges() {
    let whole = ranges(
        vec![range(
            "0",
            "100000",
            RangeBehavior::RelativeWhole,
            "5",
            "9",
            "9",
            "10",
        )],
        2,
    );
    check(
        &whole,
        &[
            ("123.40", "119.00"), // base 120, threshold 125: 120 − 10 + 9
            ("125.00", "129.00"), // at the threshold: 120 + 9
            ("129.00", "129.00"),
            ("119.00", "119.00"),
            ("-123.40", "-119.00"),
        ],
    );
    // helper 0 means 10 for relative_whole
    let whole0 = ranges(
        vec![range(
            "0",
            "100000",
            RangeBehavior::RelativeWhole,
            "5",
            "9",
            "9",
            "0",
        )],
        2,
    );
    assert_eq!(whole0.apply(dec("123.40")).unwrap(), dec("119.00"));
    // nearest_target, helper 0 means 5: base b = multiple of 5; lower b − 1 + 0.99, upper
    // b − 1 + 5 + 0.99.
    let nearest = ranges(
        vec![range(
            "0",
            "1000",
            RangeBehavior::NearestTarget,
            "2.5",
            "0.99",
            "0.99",
            "0",
        )],
        2,
    );
    check(
        &nearest,
        &[
            ("12.30", "9.99"),
            ("12.49", "9.99"),
            ("12.50", "14.99"),
            ("14.99", "14.99"),
            ("9.99", "9.99"),
        ],
    );
    let absolute = ranges(
        vec![
            range("0", "10", RangeBehavior::Absolute, "5", "4.99", "9.99", "0"),
            range(
                "10",
                "20",
                RangeBehavior::Absolute,
                "15",
                "14.99",
                "19.99",
                "0",
            ),
        ],
        2,
    );
    check(
        &absolute,
        &[
            ("3.00", "4.99"),
            ("4.99", "4.99"),
            ("5.00", "9.99"),
            ("10.00", "9.99"),  // 10 belongs to the first range (to inclusive)
            ("10.01", "14.99"), // and 10.01 to the second (from exclusive)
            ("25.00", "25.00"),
        ],
    );
}

#[test]
fn ending_rules_round_trip_through_json() {
    let text = r#"{"kind":"ranges","ranges":[{"from":"0","to":"100","behavior":"relative_decimal","threshold":"0.5","lower_target":"0.95","upper_target":"0.99","exceptions":["0.49"]}]}"#;
    let e: PriceEnding = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&e).unwrap(), text);
    let i: PriceEnding =
        serde_json::from_str(r#"{"kind":"increment","increment":"1.00","offset":"-0.01"}"#)
            .unwrap();
    assert_eq!(i.to_string(), "increment 1.00 offset -0.01 up");
    assert!(serde_json::from_str::<PriceEnding>(r#"{"kind":"increment","increment":1}"#).is_err());
}
