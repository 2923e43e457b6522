//! Laws of FX repricing, checked on random input.

use std::sync::Arc;

use landed::data::ReferenceRates;
use landed::ending::{EndingDirection, EndingRange, IncrementEnding, PriceEnding, RangeBehavior};
use landed::fx::{EndingChoice, FxPolicy, Repricer};
use landed::{Bps, Currency, Money, RateTables, RoundingMode};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::date;

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn ecb() -> Arc<ReferenceRates> {
    Arc::clone(tables().reference_rates("ECB", date("2025-10-21")).unwrap())
}

/// Currencies of the embedded ECB table that are in force on its date, pivot included.
fn codes() -> Vec<Currency> {
    let t = ecb();
    let mut v: Vec<Currency> = t.rates().map(|(c, _)| c).collect();
    v.push(t.pivot());
    v
}

fn scale_of(c: Currency) -> u32 {
    tables()
        .currency_info(c, date("2025-10-21"))
        .unwrap()
        .info
        .iso_exponent
}

fn mode() -> impl Strategy<Value = RoundingMode> {
    proptest::sample::select(RoundingMode::ALL.to_vec())
}

/// An amount with 0 to 10 decimals and up to 15 digits, either sign.
fn amount() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=10, 1u32..=15).prop_map(|(m, scale, digits)| {
        let bound = 10i64.pow(digits);
        Decimal::new(m % bound, scale)
    })
}

/// A markup: whole bps or with up to two decimals.
fn bps() -> impl Strategy<Value = Decimal> {
    (0i64..=100_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s))
}

fn increment_ending() -> impl Strategy<Value = PriceEnding> {
    (
        proptest::sample::select(vec!["1", "5", "10", "100", "1000"]),
        -5i64..=0,
        proptest::sample::select(vec![
            EndingDirection::Up,
            EndingDirection::Down,
            EndingDirection::Nearest,
        ]),
    )
        .prop_map(|(inc, off, direction)| {
            PriceEnding::Increment(IncrementEnding {
                increment: inc.parse().unwrap(),
                offset: Decimal::from(off),
                direction,
            })
        })
}

fn range_ending() -> impl Strategy<Value = PriceEnding> {
    (
        proptest::sample::select(vec![
            RangeBehavior::RelativeDecimal,
            RangeBehavior::RelativeWhole,
            RangeBehavior::NearestTarget,
        ]),
        0i64..=100,
        0i64..=99,
        0i64..=99,
    )
        .prop_map(|(behavior, t, l, u)| {
            // Targets and threshold as fractions of one unit (0.00 … 0.99), valid for every
            // behaviour (relative_whole's span is 10 units).
            let r: EndingRange = serde_json::from_value(serde_json::json!({
                "from": "0", "to": "100000000", "behavior": behavior,
                "threshold": Decimal::new(t, 2).to_string(),
                "lower_target": Decimal::new(l, 2).to_string(),
                "upper_target": Decimal::new(u, 2).to_string(),
            }))
            .unwrap();
            PriceEnding::Ranges { ranges: vec![r] }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// At zero markup, A → B → A comes back within one minor unit of A, for every pair where
    /// B's minor unit is worth no more than A's (otherwise B's own rounding step, converted
    /// back, is larger than A's minor unit and no converter can promise this).
    #[test]
    fn fx_round_trip_at_zero_markup_is_within_one_minor_unit(
        a in 0usize..31, b in 0usize..31, minor in 0i64..100_000_000, m in mode(),
    ) {
        let codes = codes();
        let (ca, cb) = (codes[a], codes[b]);
        let t = ecb();
        let (sa, sb) = (scale_of(ca), scale_of(cb));
        let unit_a = Decimal::new(1, sa);
        let unit_b_in_a = t.convert(Decimal::new(1, sb), cb, ca).unwrap();
        prop_assume!(unit_b_in_a <= unit_a);
        let original = Money::new(Decimal::new(minor, sa), ca);
        let there = Repricer::new(tables(), Arc::clone(&t), &FxPolicy::new(cb).with_rounding(m), None)
            .unwrap()
            .convert(original)
            .unwrap();
        let back = Repricer::new(tables(), Arc::clone(&t), &FxPolicy::new(ca).with_rounding(m), None)
            .unwrap()
            .convert(Money::new(there.amount, cb))
            .unwrap();
        prop_assert!((back.amount - original.amount()).abs() <= unit_a,
            "{original} → {} {cb} → {} {ca}", there.amount, back.amount);
    }

    /// A larger markup never gives a smaller price (positive prices; before endings and
    /// unrounded).
    #[test]
    fn the_all_in_price_is_monotone_in_the_markup(
        a in 0usize..31, b in 0usize..31, amt in 1i64..1_000_000_000, b1 in bps(), b2 in bps(),
        m in mode(),
    ) {
        let codes = codes();
        let (lo, hi) = if b1 <= b2 { (b1, b2) } else { (b2, b1) };
        let price = Money::new(Decimal::new(amt, 2), codes[a]);
        let q = |bps: Decimal| {
            Repricer::new(tables(), ecb(), &FxPolicy::new(codes[b]).with_markup(Bps::new(bps)).with_rounding(m), None)
                .unwrap()
                .convert(price)
                .unwrap()
        };
        let (ql, qh) = (q(lo), q(hi));
        prop_assert!(ql.unrounded <= qh.unrounded);
        prop_assert!(ql.before_ending <= qh.before_ending);
        prop_assert!(ql.markup_amount <= qh.markup_amount);
    }

    /// Applying an ending twice gives the same price as applying it once.
    #[test]
    fn price_endings_are_idempotent(
        e in prop_oneof![increment_ending(), range_ending()],
        p in 1i64..10_000_000,
        neg in any::<bool>(),
    ) {
        let c = e.compile(2, "ending").unwrap();
        let price = if neg { -p } else { p };
        if let Ok(once) = c.apply_minor(price) {
            prop_assert_eq!(c.apply_minor(once).unwrap(), once, "{} → {}", price, once);
        }
    }

    /// The bulk path returns exactly what the single-price path returns, for random amounts
    /// (0 to 10 decimals, up to 15 digits, both signs), pairs, markups, modes and endings.
    #[test]
    fn bulk_repricing_equals_the_single_price_path(
        a in 0usize..31, b in 0usize..31, amounts in proptest::collection::vec(amount(), 1..40),
        markup in bps(), m in mode(), with_ending in any::<bool>(), e in increment_ending(),
    ) {
        let codes = codes();
        let (from, to) = (codes[a], codes[b]);
        let mut policy = FxPolicy::new(to).with_markup(Bps::new(markup)).with_rounding(m);
        if with_ending && e.compile(scale_of(to), "ending").is_ok() {
            policy = policy.with_ending(EndingChoice::Rule(e));
        }
        let r = Repricer::new(tables(), ecb(), &policy, None).unwrap();
        let single: Result<Vec<Decimal>, _> = amounts.iter().map(|x| r.amount(*x, from)).collect();
        match (r.reprice_bulk(from, &amounts), single) {
            (Ok(bulk), Ok(single)) => {
                prop_assert_eq!(bulk.len(), single.len());
                for (x, (b, s)) in amounts.iter().zip(bulk.iter().zip(&single)) {
                    prop_assert_eq!(b.to_string(), s.to_string(), "{} {} → {}", x, from, to);
                }
            }
            (Err(_), Err(_)) => {}
            (bulk, single) => prop_assert!(false, "bulk {:?} vs single {:?}", bulk, single),
        }
    }
}

/// The same law on the worst cases for the integer path: exact midpoints, amounts at the fast
/// path's bounds and currencies with 0, 2 and 3 decimals.
#[test]
fn bulk_equals_single_on_edge_amounts() {
    let rates = Arc::new(
        ReferenceRates::new(
            "EUR".parse().unwrap(),
            date("2025-10-21"),
            "TEST",
            [
                ("USD", "1.5"),
                ("JPY", "150"),
                ("KWD", "0.3"),
                ("GBP", "0.86780"),
                ("IDR", "19272.67"),
            ]
            .map(|(c, r)| (c.parse().unwrap(), r.parse().unwrap())),
        )
        .unwrap(),
    );
    let amounts: Vec<Decimal> = [
        "0",
        "0.005",
        "-0.005",
        "0.015",
        "0.025",
        "1",
        "-1",
        "99999999999.99",
        "-99999999999.99",
        "9223372036854775807",
        "-9223372036854775807",
        "79228162514264.337593543950335",
        "0.0000000001",
        "123456789.123456789",
        "18446744073709551615",
        "1844674407370955161.5",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    for from in ["EUR", "USD", "JPY", "KWD", "GBP", "IDR"] {
        for to in ["EUR", "USD", "JPY", "KWD", "GBP", "IDR"] {
            for m in RoundingMode::ALL {
                for bps in ["0", "150", "12.5"] {
                    let p = FxPolicy::new(to.parse().unwrap())
                        .with_rounding(m)
                        .with_markup(Bps::new(bps.parse().unwrap()));
                    let r = Repricer::new(tables(), Arc::clone(&rates), &p, None).unwrap();
                    let from = from.parse().unwrap();
                    for x in &amounts {
                        let single = r.amount(*x, from);
                        let bulk = r.reprice_bulk(from, std::slice::from_ref(x));
                        match (single, bulk) {
                            (Ok(s), Ok(b)) => assert_eq!(
                                s.to_string(),
                                b[0].to_string(),
                                "{x} {from}→{to} {m} {bps}"
                            ),
                            (Err(_), Err(_)) => {}
                            (s, b) => panic!("{x} {from}→{to} {m}: single {s:?} bulk {b:?}"),
                        }
                    }
                }
            }
        }
    }
}
