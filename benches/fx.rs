//! FX repricing benchmarks: bulk repricing of 1,000,000 prices (minor-unit rounding only, with
//! an increment ending, with a ranges ending), one conversion with its full explanation, and a
//! cross rate through the pivot. Each result is checked once against the `Decimal` path
//! outside the timed loop.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use landed::ending::PriceEnding;
use landed::fx::{EndingChoice, FxPolicy, Repricer};
use landed::{Bps, Currency, Money, RateTables, RoundingMode};
use rust_decimal::Decimal;

const N: usize = 1_000_000;

fn cur(s: &str) -> Currency {
    s.parse().unwrap()
}

/// A catalogue of prices between 0.50 and 2,000.00 USD, two decimals.
fn catalogue() -> Vec<Decimal> {
    (0..N)
        .map(|i| Decimal::new(50 + (i as i64 * 7_919) % 199_950, 2))
        .collect()
}

fn repricer(to: &str, ending: Option<&str>) -> Repricer {
    let tables = RateTables::embedded().unwrap();
    let ecb = Arc::clone(tables.latest_reference_rates("ECB").unwrap());
    let mut p = FxPolicy::new(cur(to))
        .with_markup(Bps::new(Decimal::from(150)))
        .with_rounding(RoundingMode::HalfEven);
    if let Some(e) = ending {
        let e: PriceEnding = serde_json::from_str(e).unwrap();
        p = p.with_ending(EndingChoice::Rule(e));
    }
    Repricer::new(tables, ecb, &p, None).unwrap()
}

fn check(r: &Repricer, prices: &[Decimal]) {
    let bulk = r.reprice_bulk(cur("USD"), prices).unwrap();
    for (i, p) in prices.iter().enumerate().step_by(997) {
        assert_eq!(bulk[i], r.amount(*p, cur("USD")).unwrap(), "{p}");
    }
}

fn bulk(c: &mut Criterion) {
    let prices = catalogue();
    let mut g = c.benchmark_group("fx");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(8));
    let cases = [
        ("bulk_1m_minor_unit", "GBP", None),
        ("bulk_1m_minor_unit_jpy", "JPY", None),
        (
            "bulk_1m_increment_ending",
            "GBP",
            Some(r#"{"kind":"increment","increment":"1.00","offset":"-0.01","direction":"up"}"#),
        ),
        (
            "bulk_1m_ranges_ending",
            "GBP",
            Some(
                r#"{"kind":"ranges","ranges":[{"from":"1","to":"100","behavior":"relative_decimal","threshold":"0.5","lower_target":"0.95","upper_target":"0.99"},{"from":"100","to":"100000","behavior":"relative_whole","helper":"10","threshold":"5","lower_target":"9","upper_target":"9"}]}"#,
            ),
        ),
    ];
    for (name, to, ending) in cases {
        let r = repricer(to, ending);
        check(&r, &prices);
        g.bench_function(name, |b| {
            b.iter(|| r.reprice_bulk(cur("USD"), black_box(&prices)).unwrap())
        });
    }
    // The Decimal path alone over the same catalogue, for comparison.
    let r = repricer("GBP", None);
    g.bench_function("decimal_path_1m_minor_unit", |b| {
        b.iter(|| {
            black_box(&prices)
                .iter()
                .map(|p| r.amount(*p, cur("USD")).unwrap())
                .collect::<Vec<_>>()
        })
    });
    g.finish();
}

fn single(c: &mut Criterion) {
    let tables = RateTables::embedded().unwrap();
    let ecb = Arc::clone(tables.latest_reference_rates("ECB").unwrap());
    let r = repricer(
        "JPY",
        Some(r#"{"kind":"increment","increment":"100","offset":"-1"}"#),
    );
    let price = Money::parse("24.99", "USD").unwrap();
    assert_eq!(r.convert(price).unwrap().amount.to_string(), "3899");
    let mut g = c.benchmark_group("fx");
    g.bench_function("single_conversion_quote", |b| {
        b.iter(|| r.convert(black_box(price)).unwrap())
    });
    g.bench_function("cross_rate", |b| {
        b.iter(|| {
            ecb.cross(black_box(cur("USD")), black_box(cur("JPY")))
                .unwrap()
        })
    });
    g.bench_function("prepare_repricer", |b| {
        let p = FxPolicy::new(cur("JPY")).with_markup(Bps::new(Decimal::from(150)));
        b.iter(|| Repricer::new(tables, Arc::clone(&ecb), black_box(&p), None).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bulk, single);
criterion_main!(benches);
