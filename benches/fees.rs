//! Fee-schedule benchmarks: one evaluation of a 10-tier graduated and a 10-tier volume fee,
//! a percentage fee with caps, and a batch of 1,000,000 events (lean, and with every event's
//! breakdown). Each
//! result is checked once outside the timed loop.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use landed::data::{FeeSchedule, ScheduleSpec};
use landed::fees::FeeInput;
use rust_decimal::Decimal;
use serde_json::json;

const N: usize = 1_000_000;

fn ten_tiers(mode: &str) -> FeeSchedule {
    let tiers: Vec<_> = (1..=10)
        .map(|i| {
            let up_to = if i == 10 {
                serde_json::Value::Null
            } else {
                json!(format!("{}", i * 1000))
            };
            json!({"up_to": up_to, "unit_amount": format!("0.{:02}", 20 - i), "flat_amount": "1.50"})
        })
        .collect();
    serde_json::from_value::<ScheduleSpec>(
        json!({"mode": mode, "basis": "quantity", "currency": "USD", "tiers": tiers}),
    )
    .unwrap()
    .compile("schedule")
    .unwrap()
}

fn percentage() -> FeeSchedule {
    serde_json::from_value::<ScheduleSpec>(json!({"mode": "percentage", "currency": "USD",
        "rate": "2.9", "fixed_amount": "0.30", "per_event_min": "0.50", "per_event_max": "12"}))
    .unwrap()
    .compile("schedule")
    .unwrap()
}

fn single(c: &mut Criterion) {
    let graduated = ten_tiers("graduated");
    let volume = ten_tiers("volume");
    let q: Decimal = "9876.5".parse().unwrap();
    // 9 full tiers + 876.5 in the tenth, flats of 10 tiers:
    // Σ_{i=1..9} 1000 × (20 − i)/100 + 876.5 × 0.10 + 10 × 1.50 = 1350 + 87.65 + 15
    assert_eq!(graduated.quantity_fee(q).unwrap().to_string(), "1452.65");
    assert_eq!(volume.quantity_fee(q).unwrap().to_string(), "989.15");
    let p = percentage();
    assert_eq!(
        p.fee_for_amount("1000".parse().unwrap())
            .unwrap()
            .to_string(),
        "12.00"
    );
    let mut g = c.benchmark_group("fees");
    g.bench_function("graduated_10_tiers", |b| {
        b.iter(|| graduated.quantity_fee(black_box(q)).unwrap())
    });
    g.bench_function("volume_10_tiers", |b| {
        b.iter(|| volume.quantity_fee(black_box(q)).unwrap())
    });
    let amount: Decimal = "49.99".parse().unwrap();
    g.bench_function("percentage_with_caps", |b| {
        b.iter(|| p.fee_for_amount(black_box(amount)).unwrap())
    });
    g.bench_function("graduated_10_tiers_with_breakdown", |b| {
        let input = FeeInput::quantity(q);
        b.iter(|| graduated.evaluate(black_box(&input)).unwrap())
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let p = percentage();
    let events: Vec<Decimal> = (0..N)
        .map(|i| Decimal::new(100 + (i as i64 * 7_919) % 99_900, 2))
        .collect();
    let input = FeeInput::events(events);
    let r = p.evaluate(&input).unwrap();
    assert_eq!(r.events.len(), N);
    let lean = p.evaluate_batch(&input).unwrap();
    assert_eq!((lean.total, lean.fees.len()), (r.total, N));
    let mut g = c.benchmark_group("fees");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("batch_1m_events_percentage_with_caps", |b| {
        b.iter(|| p.evaluate_batch(black_box(&input)).unwrap())
    });
    g.bench_function("batch_1m_events_with_event_breakdown", |b| {
        b.iter(|| p.evaluate(black_box(&input)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, single, batch);
criterion_main!(benches);
