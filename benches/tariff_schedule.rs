//! The whole US schedule in CSV: loading the embedded data without it, the first US quote
//! (which reads it), a synthetic 1,000,000-row schedule loaded from a directory, and a US
//! quote on the real schedule (11,146 rows) and on the 1,000,000-row one (the quote's cost
//! must not grow with the schedule). The synthetic dataset is written under the target
//! directory, never committed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use landed::{QuoteRequest, RateTables, Territory};

#[path = "../examples/common/big_schedule.rs"]
mod big_schedule;

fn gb_request() -> QuoteRequest {
    QuoteRequest::from_json(
        r#"{"date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
        "seller_registrations": ["GB_VAT"],
        "lines": [{"hs_code": "611020", "quantity": "1", "unit_price": "80.00", "origin": "CN"}]}"#,
    )
    .unwrap()
}

fn dataset(rows: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench_schedule_{rows}"));
    let _ = std::fs::remove_dir_all(&dir);
    big_schedule::write_dataset(&dir, rows).unwrap();
    dir
}

fn bench(c: &mut Criterion) {
    let us: Territory = "US".parse().unwrap();
    let mut g = c.benchmark_group("tariff_schedule");

    // The embedded data and a quote that does not touch the US: the US schedule is not read.
    let t = RateTables::embedded_uncached().unwrap();
    t.quote(&gb_request()).unwrap();
    assert_eq!(t.is_loaded(us), Some(false));
    g.bench_function("embedded_load_and_gb_quote", |b| {
        b.iter(|| {
            let t = RateTables::embedded_uncached().unwrap();
            black_box(t.quote(black_box(&gb_request())).unwrap())
        });
    });

    // The first US quote reads the US schedule (11,146 rows); the load itself is not timed.
    let req = big_schedule::us_request();
    let q = t.quote(&req).unwrap();
    assert_eq!(t.is_loaded(us), Some(true));
    assert_eq!(
        (&*q.charges[0].name, q.charges[0].rate),
        ("customs duty", Some("16.5".parse().unwrap()))
    );
    g.bench_function("first_us_quote", |b| {
        b.iter_batched(
            || RateTables::embedded_uncached().unwrap(),
            // The tables are returned so that dropping them is not timed.
            |t| {
                let q = t.quote(black_box(&req)).unwrap();
                black_box((t, q))
            },
            BatchSize::PerIteration,
        );
    });
    g.bench_function("us_quote_11k_rows", |b| {
        b.iter(|| black_box(t.quote(black_box(&req)).unwrap()));
    });

    // A 1,000,000-row schedule: from_dir (hashes it) and the first US quote (reads it).
    let dir = dataset(1_000_000);
    let big = RateTables::from_dir(&dir).unwrap();
    let q = big.quote(&req).unwrap();
    assert_eq!(
        (&*q.charges[0].name, q.charges[0].rate),
        ("customs duty", Some("16.5".parse().unwrap()))
    );
    assert!(big.tariff_rows().count() >= 1_000_000);
    g.bench_function("us_quote_1m_rows", |b| {
        b.iter(|| black_box(big.quote(black_box(&req)).unwrap()));
    });
    drop(big);
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("load_1m_rows", |b| {
        b.iter(|| {
            let t = RateTables::from_dir(black_box(&dir)).unwrap();
            t.load_all().unwrap();
            black_box(t)
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
