//! Benchmarks of the money core: rounding to the minor unit, allocation across 5 and 100
//! parts, and a VAT lookup on the embedded tables.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use landed::{Money, RateTables, RoundingMode, TaxCategory, allocate};
use rust_decimal::Decimal;

fn money(c: &mut Criterion) {
    let price = Money::parse("1234.5678", "EUR").unwrap();
    assert_eq!(
        price
            .round_to_minor(RoundingMode::HalfEven)
            .unwrap()
            .amount()
            .to_string(),
        "1234.57"
    );
    c.bench_function("money/round_to_minor", |b| {
        b.iter(|| black_box(price).round_to_minor(black_box(RoundingMode::HalfUp)))
    });

    let amount: Decimal = "1000.00".parse().unwrap();
    let w5: Vec<Decimal> = ["19.99", "5", "0", "120.50", "7.25"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let w100: Vec<Decimal> = (1..=100).map(|i| Decimal::new(i * 137 % 1000, 2)).collect();
    for w in [&w5, &w100] {
        let parts = allocate(amount, w, 2).unwrap();
        assert_eq!(parts.iter().copied().sum::<Decimal>(), amount);
    }
    c.bench_function("money/allocate_5", |b| {
        b.iter(|| allocate(black_box(amount), black_box(&w5), 2))
    });
    c.bench_function("money/allocate_100", |b| {
        b.iter(|| allocate(black_box(amount), black_box(&w100), 2))
    });

    let tables = RateTables::embedded().unwrap();
    let de = "DE".parse().unwrap();
    let std = TaxCategory::standard();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    assert_eq!(
        tables
            .vat_rate(de, None, &std, date)
            .unwrap()
            .rate
            .to_string(),
        "19"
    );
    c.bench_function("money/vat_lookup", |b| {
        b.iter(|| {
            tables
                .vat_rate(black_box(de), None, black_box(&std), black_box(date))
                .map(|r| r.rate)
        })
    });
}

criterion_group!(benches, money);
criterion_main!(benches);
