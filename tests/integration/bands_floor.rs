//! The cost floor of price bands, solved over the real rounded fee function.

use landed::RateTables;
use landed::bands::{FloorInput, cost_floor};
use landed::data::{FeeSchedule, ScheduleSpec};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use crate::{date, dec};

fn clothing() -> &'static FeeSchedule {
    RateTables::embedded()
        .unwrap()
        .fee_schedule("amazon_us/clothing_and_accessories", date("2026-11-25"))
        .unwrap()
        .schedule
}

#[test]
fn a_fee_cliff_moves_the_floor_past_its_dead_zone() {
    // Amazon US clothing: 5 % up to 15.00, 10 % to 20.00, 17 % above (whole price).
    let floor = |costs: &str| {
        cost_floor(
            &FloorInput::new(dec(costs), dec("0.01"), dec("30.00"), 2)
                .with_fees(clothing())
                .with_min_profit(dec("1.00")),
        )
    };
    // Below the cliff: 14.95 − 0.75 − 13.20 = 1.00.
    assert_eq!(floor("13.20").unwrap().price, dec("14.95"));
    // 15.00 nets only 0.85 on 13.40 of costs; 15.01 … 15.99 pay 10 % and net less than 1.00;
    // 16.00 − 1.60 − 13.40 = 1.00 is the first profitable price above the cliff.
    let f = floor("13.40").unwrap();
    assert_eq!(
        (f.price, f.fee, f.profit),
        (dec("16.00"), dec("1.60"), dec("1.00"))
    );
    // Nothing in the band qualifies: an error naming the band.
    let e = cost_floor(
        &FloorInput::new(dec("29.00"), dec("0.01"), dec("30.00"), 2)
            .with_fees(clothing())
            .with_min_profit(dec("1.00")),
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("max_price:"), "{e}");
    assert!(e.to_string().contains("0.01 to 30.00"), "{e}");
}

fn brute(input: &FloorInput<'_>) -> Option<Decimal> {
    let mut k = input.low.mantissa() as i64;
    while k <= input.high.mantissa() as i64 {
        let p = Decimal::new(k, 2);
        let fee = input
            .fees
            .map_or(Decimal::ZERO, |f| f.fee_for_amount(p).unwrap());
        let profit = p - fee - input.costs;
        let ok = input.min_profit.is_none_or(|m| profit >= m)
            && input
                .min_margin_percent
                .is_none_or(|m| profit * Decimal::ONE_HUNDRED >= m * p);
        if ok {
            return Some(p);
        }
        k += 1;
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The solver returns exactly the smallest qualifying price a full scan finds (or an
    /// error when the scan finds none), for random whole-price and portion tiers.
    #[test]
    fn the_cost_floor_is_the_smallest_qualifying_price(
        cut1 in 100i64..3000, cut2 in 100i64..3000,
        r1 in 0i64..9900, r2 in 0i64..9900, r3 in 0i64..9900,
        fixed in 0i64..100, costs in 0i64..4000,
        profit in 0i64..500, margin in 0i64..60, volume in any::<bool>(),
    ) {
        let (a, b) = if cut1 < cut2 { (cut1, cut2 + 1) } else { (cut2, cut1 + 1) };
        let spec: ScheduleSpec = serde_json::from_value(json!({
            "mode": if volume { "volume" } else { "graduated_percentage" }, "basis": "amount",
            "currency": "USD", "per_event_min": "0.30",
            "tiers": [{"up_to": Decimal::new(a, 2).to_string(), "rate": Decimal::new(r1, 2).to_string()},
                      {"up_to": Decimal::new(b, 2).to_string(), "rate": Decimal::new(r2, 2).to_string()},
                      {"up_to": null, "rate": Decimal::new(r3, 2).to_string()}]
        })).unwrap();
        let mut spec = spec;
        spec.fixed_amount = Some(Decimal::new(fixed, 2));
        let s = spec.compile("s").unwrap();
        let input = FloorInput::new(Decimal::new(costs, 2), dec("0.01"), dec("50.00"), 2)
            .with_fees(&s)
            .with_min_profit(Decimal::new(profit, 2))
            .with_min_margin_percent(Decimal::from(margin));
        match (cost_floor(&input), brute(&input)) {
            (Ok(f), Some(p)) => prop_assert_eq!(f.price, p),
            (Err(_), None) => {}
            (got, want) => prop_assert!(false, "solver {:?}, scan {:?}", got, want),
        }
    }
}
