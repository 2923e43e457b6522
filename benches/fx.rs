//! FX repricing benchmarks: bulk repricing of 1,000,000 prices (minor-unit rounding only, with
//! an increment ending, with a ranges ending), one conversion with its full explanation, and a
//! cross rate through the pivot. Each result is checked once against the `Decimal` path
//! outside the timed loop.
//!
//! `fx_peer/*` is the peer workload (../shared/reference/peer-workload.md): 1,000,000 USD
//! prices in integer cents → EUR at mid 0.867519 with 150 bps, half-even, EUR cents summed
//! (checksum 44,089,651,221). It times ours through the minor-unit API (reading the cents,
//! writing the EUR cents, summing them), the same with a .99 ending, and the plain i128 loop
//! (the practical limit) in the same run, so their ratio is meaningful on a noisy machine.
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
use landed::data::ReferenceRates;
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

const PEER_N: usize = 1_000_000;
const PEER_INPUT_SUM: i64 = 50_071_618_515;
const PEER_CHECKSUM: i64 = 44_089_651_221;

/// The peer workload's LCG prices, USD 1.00 … 999.99 in cents (untimed).
fn peer_cents() -> Vec<i64> {
    let mut s: u64 = 42;
    (0..PEER_N)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((s >> 33) % 99_900 + 100) as i64
        })
        .collect()
}

/// The peers' plain i128 loop: cents × 0.880531785 at 1e9 scale, half-even by hand.
#[inline(always)]
fn i128_half_even(cents: i64) -> i64 {
    const RATE_E9: i128 = 880_531_785;
    const SCALE: i128 = 1_000_000_000;
    const HALF: i128 = SCALE / 2;
    let p = cents as i128 * RATE_E9;
    let a = p.abs();
    let mut q = a / SCALE;
    let r = a % SCALE;
    if r > HALF || (r == HALF && (q & 1) == 1) {
        q += 1;
    }
    (if p < 0 { -q } else { q }) as i64
}

fn i128_loop(cents: &[i64]) -> i64 {
    let mut total = 0i64;
    for &c in cents {
        total += i128_half_even(c);
    }
    total
}

/// USD → EUR at mid 0.867519 (a USD-pivot table), 150 bps, half-even.
fn peer_repricer(ending: Option<&str>) -> Repricer {
    let rates = Arc::new(
        ReferenceRates::new(
            cur("USD"),
            "2025-10-21".parse().unwrap(),
            "PEER",
            [(cur("EUR"), "0.867519".parse().unwrap())],
        )
        .unwrap(),
    );
    let mut p = FxPolicy::new(cur("EUR"))
        .with_markup(Bps::new(Decimal::from(150)))
        .with_rounding(RoundingMode::HalfEven);
    if let Some(e) = ending {
        let e: PriceEnding = serde_json::from_str(e).unwrap();
        p = p.with_ending(EndingChoice::Rule(e));
    }
    Repricer::new(RateTables::embedded().unwrap(), rates, &p, None).unwrap()
}

/// Ours on the peer workload: the minor-unit API reads the cents and writes the EUR cents
/// into the caller's buffer; the checksum reads them back.
fn ours(r: &Repricer, cents: &[i64], out: &mut [i64]) -> i64 {
    r.reprice_minor_into(cur("USD"), cents, out).unwrap();
    out.iter().sum()
}

fn peer(c: &mut Criterion) {
    let cents = peer_cents();
    assert_eq!(cents.iter().sum::<i64>(), PEER_INPUT_SUM, "LCG input");
    let plain = peer_repricer(None);
    let charm = peer_repricer(Some(
        r#"{"kind":"increment","increment":"1.00","offset":"-0.01","direction":"up"}"#,
    ));
    let mut out = vec![0i64; PEER_N];
    assert_eq!(i128_loop(&cents), PEER_CHECKSUM, "i128 loop");
    assert_eq!(
        ours(&plain, &cents, &mut out),
        PEER_CHECKSUM,
        "minor-unit API"
    );
    // Both paths agree with the single-price Decimal path on a sample.
    for (i, &c) in cents.iter().enumerate().step_by(997) {
        let single = plain.amount(Decimal::new(c, 2), cur("USD")).unwrap();
        assert_eq!(Decimal::new(out[i], 2), single, "{c}");
    }
    ours(&charm, &cents, &mut out);
    for (i, &c) in cents.iter().enumerate().step_by(997) {
        let single = charm.amount(Decimal::new(c, 2), cur("USD")).unwrap();
        assert_eq!(Decimal::new(out[i], 2), single, "{c}");
    }

    let mut g = c.benchmark_group("fx_peer");
    g.throughput(Throughput::Elements(PEER_N as u64));
    g.sample_size(30);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("i128_loop", |b| b.iter(|| i128_loop(black_box(&cents))));
    g.bench_function("minor_into", |b| {
        b.iter(|| ours(&plain, black_box(&cents), black_box(&mut out)))
    });
    g.bench_function("minor_into_99_ending", |b| {
        b.iter(|| ours(&charm, black_box(&cents), black_box(&mut out)))
    });
    let prices: Vec<Decimal> = cents.iter().map(|&c| Decimal::new(c, 2)).collect();
    let mut dec_out = vec![Decimal::ZERO; PEER_N];
    g.bench_function("decimal_into", |b| {
        b.iter(|| {
            plain
                .reprice_into(cur("USD"), black_box(&prices), black_box(&mut dec_out))
                .unwrap()
        })
    });
    g.finish();
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

criterion_group!(benches, peer, bulk, single);
criterion_main!(benches);
