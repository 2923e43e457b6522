//! Bulk repricing into the caller's buffers (`Repricer::reprice_minor_into`,
//! `Repricer::reprice_into`): equal, price for price, to the single-price `Decimal` path, for
//! every rounding mode, ending kind and currency exponent (0, 2 and 3 decimals); errors name the
//! offending index.

use std::sync::Arc;

use landed::data::ReferenceRates;
use landed::ending::{EndingDirection, EndingRange, IncrementEnding, PriceEnding, RangeBehavior};
use landed::fx::{EndingChoice, FxPolicy, Repricer};
use landed::{Bps, Currency, Error, RateTables, RoundingMode};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::{date, dec};

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn cur(s: &str) -> Currency {
    s.parse().unwrap()
}

/// EUR (2 decimals, the pivot), USD and GBP (2), JPY (0), KWD and BHD (3).
const CODES: [&str; 6] = ["EUR", "USD", "GBP", "JPY", "KWD", "BHD"];

/// A table pivoted on EUR with the given rates for the other five currencies.
fn table(rates: &[Decimal; 5]) -> Arc<ReferenceRates> {
    Arc::new(
        ReferenceRates::new(
            cur("EUR"),
            date("2025-10-21"),
            "TEST",
            CODES[1..].iter().zip(rates).map(|(c, r)| (cur(c), *r)),
        )
        .unwrap(),
    )
}

/// Rates as published (4 to 6 significant digits) and, now and then, far more precise ones
/// that the integer path cannot take.
fn rate() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => (1i64..=999_999, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => (1i64..=i64::MAX, 10u32..=22).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

fn mode() -> impl Strategy<Value = RoundingMode> {
    proptest::sample::select(RoundingMode::ALL.to_vec())
}

/// A markup: whole bps or with up to two decimals, negative now and then.
fn bps() -> impl Strategy<Value = Decimal> {
    (-500i64..=100_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s))
}

/// Every ending kind: none, increment (each direction) and ranges (each behaviour), with
/// bounds in major units so that they compile at 0, 2 and 3 decimals.
fn ending() -> impl Strategy<Value = Option<PriceEnding>> {
    let increment = (
        proptest::sample::select(vec!["1", "5", "10", "100"]),
        -3i64..=0,
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
        });
    let ranges = (
        proptest::sample::select(vec![
            RangeBehavior::Absolute,
            RangeBehavior::RelativeDecimal,
            RangeBehavior::RelativeWhole,
            RangeBehavior::NearestTarget,
        ]),
        0i64..=10,
        0i64..=9,
        0i64..=9,
    )
        .prop_map(|(behavior, t, l, u)| {
            // Whole-unit tenths (0.0 … 0.9) for the relative forms, whole units for absolute,
            // on the grid of every currency with at least one decimal; for JPY the ending does
            // not compile and the repricer is built without it.
            let (t, l, u) = match behavior {
                RangeBehavior::Absolute => (
                    Decimal::from(t.saturating_mul(10)),
                    Decimal::from(l.saturating_add(1)),
                    Decimal::from(u.saturating_add(50)),
                ),
                _ => (Decimal::new(t, 1), Decimal::new(l, 1), Decimal::new(u, 1)),
            };
            let r: EndingRange = serde_json::from_value(serde_json::json!({
                "from": "0", "to": "1000000", "behavior": behavior,
                "threshold": t.to_string(),
                "lower_target": l.to_string(),
                "upper_target": u.to_string(),
            }))
            .unwrap();
            PriceEnding::Ranges { ranges: vec![r] }
        });
    prop_oneof![Just(None), increment.prop_map(Some), ranges.prop_map(Some)]
}

/// Minor units: mostly catalogue prices, sometimes anything an `i64` holds.
fn minor() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => -100_000_000i64..=100_000_000,
        1 => any::<i64>(),
        1 => (any::<i64>(), 1u32..=18).prop_map(|(m, d)| m % 10i64.pow(d)),
    ]
}

fn repricer(
    rates: &Arc<ReferenceRates>,
    to: Currency,
    markup: Decimal,
    m: RoundingMode,
    e: Option<PriceEnding>,
) -> Repricer {
    let mut p = FxPolicy::new(to)
        .with_markup(Bps::new(markup))
        .with_rounding(m);
    if let Some(e) = e {
        let scale = tables()
            .currency_info(to, date("2025-10-21"))
            .unwrap()
            .info
            .iso_exponent;
        if e.compile(scale, "ending").is_ok() {
            p = p.with_ending(EndingChoice::Rule(e));
        }
    }
    Repricer::new(tables(), Arc::clone(rates), &p, None).unwrap()
}

/// The single-price answer in target minor units (`Err` when the `Decimal` path fails or its
/// answer does not fit an `i64` of minor units).
fn single_minor(r: &Repricer, from: Currency, x: i64) -> Result<i64, ()> {
    let scale = from.minor_unit_scale().unwrap();
    let v = r.amount(Decimal::new(x, scale), from).map_err(|_| ())?;
    assert_eq!(v.scale(), r.scale(), "{v}");
    i64::try_from(v.mantissa()).map_err(|_| ())
}

/// The bulk call must agree with the singles: all of them when none fails, else an error
/// naming the first failing index, with every price before it written.
fn check_minor(r: &Repricer, from: Currency, prices: &[i64]) -> Result<(), TestCaseError> {
    let singles: Vec<Result<i64, ()>> = prices.iter().map(|x| single_minor(r, from, *x)).collect();
    let mut out = vec![0i64; prices.len()];
    let bulk = r.reprice_minor_into(from, prices, &mut out);
    match singles.iter().position(Result::is_err) {
        None => {
            prop_assert!(bulk.is_ok(), "{:?}", bulk);
            for (i, s) in singles.iter().enumerate() {
                prop_assert_eq!(Ok(out[i]), *s, "prices[{}] = {} {}", i, prices[i], from);
            }
        }
        Some(first) => {
            let e = bulk.unwrap_err();
            prop_assert!(e.to_string().contains(&format!("prices[{first}]")), "{}", e);
            for i in 0..first {
                prop_assert_eq!(Ok(out[i]), singles[i], "prices[{}]", i);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `reprice_minor_into` equals `Repricer::amount` price for price: random rates (some too
    /// precise for the integer path), markups, every rounding mode, every ending kind, between
    /// currencies with 0, 2 and 3 decimals, on prices of any size and sign.
    #[test]
    fn minor_unit_bulk_equals_the_single_price_path(
        rates in proptest::array::uniform5(rate()),
        a in 0usize..6, b in 0usize..6,
        markup in bps(), m in mode(), e in ending(),
        prices in proptest::collection::vec(minor(), 1..48),
    ) {
        let t = table(&rates);
        let r = repricer(&t, cur(CODES[b]), markup, m, e);
        check_minor(&r, cur(CODES[a]), &prices)?;
    }

    /// `reprice_into` (Decimal amounts of 0 to 10 decimals into the caller's slice) equals
    /// `Repricer::amount` price for price, under the same variety.
    #[test]
    fn decimal_bulk_into_equals_the_single_price_path(
        rates in proptest::array::uniform5(rate()),
        a in 0usize..6, b in 0usize..6,
        markup in bps(), m in mode(), e in ending(),
        prices in proptest::collection::vec((minor(), 0u32..=10), 1..48),
    ) {
        let t = table(&rates);
        let r = repricer(&t, cur(CODES[b]), markup, m, e);
        let from = cur(CODES[a]);
        let prices: Vec<Decimal> = prices.iter().map(|(x, s)| Decimal::new(*x, *s)).collect();
        let singles: Vec<Result<Decimal, Error>> =
            prices.iter().map(|x| r.amount(*x, from)).collect();
        let mut out = vec![Decimal::ZERO; prices.len()];
        let bulk = r.reprice_into(from, &prices, &mut out);
        match singles.iter().position(Result::is_err) {
            None => {
                prop_assert!(bulk.is_ok(), "{:?}", bulk);
                for (i, s) in singles.iter().enumerate() {
                    let s = s.as_ref().unwrap();
                    prop_assert_eq!(out[i].to_string(), s.to_string(), "prices[{}]", i);
                }
            }
            Some(first) => {
                let e = bulk.unwrap_err();
                prop_assert!(e.to_string().contains(&format!("prices[{first}]")), "{}", e);
            }
        }
    }
}

/// Every mode, every pair of exponents, at the integer path's edges: exact midpoints, zero,
/// `i64::MIN` and `i64::MAX`, and the peer workload's all-in rate.
#[test]
fn minor_unit_bulk_equals_single_on_edge_prices() {
    let t = table(&[
        dec("1.5"),
        dec("0.86780"),
        dec("150"),
        dec("0.3"),
        dec("0.4"),
    ]);
    let prices = [
        0,
        1,
        -1,
        5,
        -5,
        15,
        25,
        50,
        -50,
        99,
        100,
        12_345,
        999_999_999_999,
        -999_999_999_999,
        4_611_686_018_427_387_904,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
    ];
    for to in CODES {
        for m in RoundingMode::ALL {
            for bps in ["0", "150", "12.5", "-33"] {
                let r = repricer(&t, cur(to), dec(bps), m, None);
                for from in CODES {
                    // One price at a time: a failing price must not hide the others.
                    for x in prices {
                        check_minor(&r, cur(from), &[x]).unwrap();
                    }
                }
            }
        }
    }
}

fn peer_cents() -> Vec<i64> {
    let mut s: u64 = 42;
    (0..1_000_000)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((s >> 33) % 99_900 + 100) as i64
        })
        .collect()
}

fn peer_repricer() -> Repricer {
    let rates = Arc::new(
        ReferenceRates::new(
            cur("USD"),
            date("2025-10-21"),
            "PEER",
            [(cur("EUR"), dec("0.867519"))],
        )
        .unwrap(),
    );
    let p = FxPolicy::new(cur("EUR"))
        .with_markup(Bps::new(dec("150")))
        .with_rounding(RoundingMode::HalfEven);
    Repricer::new(tables(), rates, &p, None).unwrap()
}

/// The peer workload (../shared/reference/peer-workload.md) gives the peers' checksum.
#[test]
fn the_peer_workload_gives_the_peers_checksum() {
    let cents = peer_cents();
    assert_eq!(cents.iter().sum::<i64>(), 50_071_618_515);
    let mut out = vec![0i64; cents.len()];
    peer_repricer()
        .reprice_minor_into(cur("USD"), &cents, &mut out)
        .unwrap();
    assert_eq!(out.iter().sum::<i64>(), 44_089_651_221);
}

/// Slices of different lengths are refused, naming the first index without a pair.
#[test]
fn mismatched_lengths_name_the_first_unpaired_index() {
    let r = peer_repricer();
    let mut short = [0i64; 2];
    let e = r
        .reprice_minor_into(cur("USD"), &[1, 2, 3], &mut short)
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "prices[2]"),
        "{e}"
    );
    let mut long = [0i64; 5];
    let e = r
        .reprice_minor_into(cur("USD"), &[1, 2, 3], &mut long)
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "out[3]"),
        "{e}"
    );
    let mut dec_out = [Decimal::ZERO; 1];
    let e = r
        .reprice_into(cur("USD"), &[dec("1"), dec("2")], &mut dec_out)
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "prices[1]"),
        "{e}"
    );
    // Empty in, empty out.
    r.reprice_minor_into(cur("USD"), &[], &mut []).unwrap();
}

/// A price the ending would take to zero is refused, naming its index; the prices before it
/// are written.
#[test]
fn a_bad_price_names_its_index() {
    let rates = Arc::new(
        ReferenceRates::new(
            cur("USD"),
            date("2025-10-21"),
            "PEER",
            [(cur("EUR"), dec("0.867519"))],
        )
        .unwrap(),
    );
    let down = PriceEnding::Increment(IncrementEnding {
        increment: dec("1.00"),
        offset: dec("-0.01"),
        direction: EndingDirection::Down,
    });
    let p = FxPolicy::new(cur("EUR"))
        .with_markup(Bps::new(dec("150")))
        .with_rounding(RoundingMode::HalfEven)
        .with_ending(EndingChoice::Rule(down));
    let r = Repricer::new(tables(), rates, &p, None).unwrap();
    let mut prices = vec![10_000i64; 40];
    prices[17] = 50; // 0.50 USD → 0.44 EUR → down to −0.01: refused.
    let mut out = vec![0i64; 40];
    let e = r
        .reprice_minor_into(cur("USD"), &prices, &mut out)
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "prices[17]"),
        "{e}"
    );
    assert!(out[..17].iter().all(|&v| v == 8_799), "{out:?}");
    let dprices: Vec<Decimal> = prices.iter().map(|&c| Decimal::new(c, 2)).collect();
    let mut dout = vec![Decimal::ZERO; 40];
    let e = r.reprice_into(cur("USD"), &dprices, &mut dout).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "prices[17]"),
        "{e}"
    );
    // An unlisted source currency is refused before any price.
    let e = r
        .reprice_minor_into(cur("CHF"), &prices, &mut out)
        .unwrap_err();
    assert!(matches!(e, Error::NoReferenceRate { .. }), "{e}");
}
