//! Property tests, named after the laws they check.

use landed::{Money, RoundingMode, allocate, round_to_increment, round_to_scale};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn mode() -> impl Strategy<Value = RoundingMode> {
    proptest::sample::select(RoundingMode::ALL.to_vec())
}

fn decimal(max_scale: u32) -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0..=max_scale).prop_map(|(m, s)| Decimal::new(m, s))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn allocation_parts_sum_exactly_to_the_amount(
        units in -10_000_000_000i64..10_000_000_000,
        exponent in 0u32..=4,
        weights in proptest::collection::vec(
            prop_oneof![Just(Decimal::ZERO), (0u64..1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m as i64, s))],
            1..40,
        ),
    ) {
        let amount = Decimal::new(units, exponent);
        let parts = allocate(amount, &weights, exponent).unwrap();
        prop_assert_eq!(parts.len(), weights.len());
        let sum: Decimal = parts.iter().copied().sum();
        prop_assert_eq!(sum, amount);
        let unit = Decimal::new(1, exponent);
        let total_w: Decimal = weights.iter().copied().sum();
        for (p, w) in parts.iter().zip(&weights) {
            // Every part is on the minor-unit grid, has the amount's sign, and is within one
            // unit of its exact share.
            prop_assert_eq!(round_to_scale(*p, exponent, RoundingMode::Down), *p);
            prop_assert!(p.is_zero() || p.is_sign_negative() == amount.is_sign_negative());
            let exact = if total_w.is_zero() {
                amount / Decimal::from(weights.len())
            } else {
                amount * *w / total_w
            };
            prop_assert!((*p - exact).abs() < unit, "part {} exact {}", p, exact);
        }
    }

    #[test]
    fn money_allocation_sums_for_any_currency_exponent(
        units in 0i64..1_000_000_000,
        code in proptest::sample::select(vec!["JPY", "EUR", "KWD", "CLF"]),
        weights in proptest::collection::vec(0u32..1000, 1..20),
    ) {
        let currency: landed::Currency = code.parse().unwrap();
        let exp = currency.exponent().unwrap();
        let money = Money::new(Decimal::new(units, exp), currency);
        let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
        let parts = money.allocate(&weights).unwrap();
        let sum = parts.iter().try_fold(Money::zero(currency), |acc, p| acc.checked_add(*p)).unwrap();
        prop_assert_eq!(sum.amount(), money.amount());
    }

    #[test]
    fn rounding_is_idempotent(x in decimal(12), scale in 0u32..8, m in mode()) {
        let once = round_to_scale(x, scale, m);
        prop_assert_eq!(round_to_scale(once, scale, m), once);
        // ... and lands within one unit of the input.
        prop_assert!((once - x).abs() < Decimal::new(1, scale));
    }

    #[test]
    fn rounding_to_an_increment_gives_a_multiple_of_it(
        x in (-1_000_000_000_000i64..1_000_000_000_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
        inc in (1i64..1000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
        m in mode(),
    ) {
        let r = round_to_increment(x, inc, m).unwrap();
        prop_assert!((r % inc).is_zero(), "{} is not a multiple of {}", r, inc);
        prop_assert!((r - x).abs() < inc);
        // Idempotent too.
        prop_assert_eq!(round_to_increment(r, inc, m).unwrap(), r);
    }

    #[test]
    fn half_modes_round_to_the_nearest(x in decimal(10), scale in 0u32..6) {
        let half = Decimal::new(5, scale + 1);
        for m in [RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown, RoundingMode::HalfCeiling] {
            prop_assert!((round_to_scale(x, scale, m) - x).abs() <= half);
        }
    }
}
