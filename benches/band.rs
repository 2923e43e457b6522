//! Price-band benchmarks: 5 and 50 offers with a tiered (whole-price) fee schedule and a cost
//! floor to solve, the request parsed once outside the timed loop and the result checked once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use landed::RateTables;
use landed::bands::{BandRequest, band, band_with_fees};
use serde_json::json;

fn request(n: usize) -> BandRequest {
    let competitors: Vec<_> = (0..n)
        .map(|i| {
            json!({"seller_id": format!("s{i}"), "price": format!("{}.{:02}", 14 + i % 9, (i * 37) % 100),
                   "shipping": if i % 3 == 0 { "0.99" } else { "0" }, "currency": "USD",
                   "rating": "4.6", "fulfillment": "marketplace", "condition": "new",
                   "seen_at": "2026-11-25T09:00:00Z"})
        })
        .collect();
    let v = json!({
        "currency": "USD", "current_price": "16.00", "own_seller_ids": ["me"], "own_shipping": "0",
        "unit_cost": "11.40", "other_costs": "1.10",
        "fees": {"mode": "volume", "basis": "amount", "currency": "USD", "per_event_min": "0.30",
                 "tiers": [{"up_to": "15.00", "rate": "5"}, {"up_to": "20.00", "rate": "10"}, {"up_to": null, "rate": "17"}]},
        "min_profit": "1.00", "min_margin_percent": "8", "max_price": "40.00",
        "strategy": {"reference": "lowest", "action": "beat", "amount": "0.05"},
        "ending": {"kind": "increment", "increment": "0.10", "offset": "-0.01", "direction": "down"},
        "filters": {"min_rating": "4.0", "conditions": ["new"], "max_age_hours": 24,
                    "outlier_below_percent": "50", "outlier_above_percent": "100"},
        "now": "2026-11-25T10:00:00Z",
        "competitors": competitors
    });
    BandRequest::from_json(&v.to_string()).unwrap()
}

fn bench(c: &mut Criterion) {
    let tables = RateTables::embedded().unwrap();
    let mut g = c.benchmark_group("band");
    for n in [5, 50] {
        let req = request(n);
        let r = band(tables, &req).unwrap();
        assert!(r.floor <= r.price && r.price <= r.ceiling);
        // The schedule validated once, as a repricer running many products under it would.
        let fees = req.fees.as_ref().unwrap().compile("fees").unwrap();
        assert_eq!(band_with_fees(tables, &req, Some(&fees)).unwrap(), r);
        g.bench_function(format!("offers_{n}"), |b| {
            b.iter(|| band_with_fees(tables, black_box(&req), Some(&fees)).unwrap())
        });
        g.bench_function(format!("offers_{n}_validating_the_schedule"), |b| {
            b.iter(|| band(tables, black_box(&req)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
