//! Every rounding mode on positive and negative midpoints and near-midpoints, for 0-, 2- and
//! 3-decimal currencies (JPY, EUR, KWD).

use landed::{Money, RoundingMode};
use rust_decimal::Decimal;

use crate::dec;

/// Values at scale 0 and the expected result per mode, in the order of `RoundingMode::ALL`:
/// half_even, half_up, half_down, up, down, ceiling, floor, half_ceiling.
const TABLE: &[(&str, [i64; 8])] = &[
    ("2.5", [2, 3, 2, 3, 2, 3, 2, 3]),
    ("-2.5", [-2, -3, -2, -3, -2, -2, -3, -2]),
    ("3.5", [4, 4, 3, 4, 3, 4, 3, 4]),
    ("-3.5", [-4, -4, -3, -4, -3, -3, -4, -3]),
    ("2.4", [2, 2, 2, 3, 2, 3, 2, 2]),
    ("-2.4", [-2, -2, -2, -3, -2, -2, -3, -2]),
    ("2.6", [3, 3, 3, 3, 2, 3, 2, 3]),
    ("-2.6", [-3, -3, -3, -3, -2, -2, -3, -3]),
    ("0.5", [0, 1, 0, 1, 0, 1, 0, 1]),
    ("-0.5", [0, -1, 0, -1, 0, 0, -1, 0]),
    ("7", [7, 7, 7, 7, 7, 7, 7, 7]),
    ("0", [0, 0, 0, 0, 0, 0, 0, 0]),
];

#[test]
fn every_mode_on_midpoints_for_0_2_and_3_decimal_currencies() {
    for (code, exp) in [("JPY", 0u32), ("EUR", 2), ("KWD", 3)] {
        let currency: landed::Currency = code.parse().unwrap();
        assert_eq!(currency.exponent(), Some(exp));
        let shift = Decimal::new(1, exp);
        for (value, expected) in TABLE {
            // Scale the scale-0 case down to the currency's minor unit: 2.5 → 0.025 for EUR.
            let input = dec(value) * shift;
            for (mode, want) in RoundingMode::ALL.iter().zip(expected) {
                let got = Money::new(input, currency).round_to_minor(*mode).unwrap();
                let want = Decimal::new(*want, exp);
                assert_eq!(got.amount(), want, "{code} {input} {mode}");
                // The result shows exactly the currency's decimals.
                assert_eq!(got.amount().scale(), exp, "{code} {input} {mode}");
            }
        }
    }
}

#[test]
fn increments_for_cash_and_processors() {
    let cases = [
        ("12.325", "0.05", RoundingMode::HalfUp, "12.35"), // CHF cash
        ("12.324", "0.05", RoundingMode::HalfUp, "12.30"),
        ("-12.325", "0.05", RoundingMode::HalfCeiling, "-12.30"),
        ("12.25", "0.50", RoundingMode::HalfEven, "12.00"), // DKK cash, tie to even multiple
        ("12.75", "0.50", RoundingMode::HalfEven, "13.00"),
        ("1949", "100", RoundingMode::HalfUp, "1900"), // JPY 100
        ("1950", "100", RoundingMode::HalfDown, "1900"),
        ("1950", "100", RoundingMode::HalfUp, "2000"),
        ("1.234", "0.010", RoundingMode::Ceiling, "1.240"), // KWD last digit 0
        ("-1.234", "0.010", RoundingMode::Floor, "-1.240"),
    ];
    for (value, inc, mode, want) in cases {
        let got = landed::round_to_increment(dec(value), dec(inc), mode).unwrap();
        assert_eq!(got.to_string(), want, "{value} to {inc} {mode}");
    }
}
