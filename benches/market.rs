//! Market-pricing benchmarks (issue 20): the market matrix of 10,000 products × 20 markets on
//! the embedded data (forward mode, endings on every market but three), and one cell.
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
use landed::market::MatrixRequest;
use serde_json::{Value, json};

/// Twenty markets: EU members under IOSS, the part-1 and part-2 destinations.
fn markets() -> Vec<Value> {
    let charm = json!({"kind": "increment", "increment": "1.00", "offset": "-0.01"});
    let mut out = Vec::new();
    for c in ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "SE", "IE"] {
        out.push(json!({"id": c, "destination": c, "markup_bps": 150,
            "seller_registrations": ["EU_IOSS"], "shipping": "4.50", "ending": charm}));
    }
    out.push(json!({"id": "GB", "destination": "GB", "markup_bps": 150,
        "seller_registrations": ["GB_VAT"], "shipping": "4.50", "ending": charm}));
    out.push(
        json!({"id": "JP", "destination": "JP", "markup_bps": 200, "shipping": "6.00",
        "ending": {"kind": "increment", "increment": "10", "offset": "-20"}}),
    );
    out.push(json!({"id": "US", "destination": "US", "shipping": "5.00",
        "fee_schedule": "amazon_us/clothing_and_accessories"}));
    out.push(json!({"id": "AU", "destination": "AU", "markup_bps": 120,
        "seller_registrations": ["AU_GST"], "shipping": "7.00",
        "ending": {"kind": "increment", "increment": "0.05", "offset": "0"}}));
    // (Not CA: its tariff data has no row for sneakers, 6404.11.)
    out.push(json!({"id": "PT", "destination": "PT", "markup_bps": 150,
        "seller_registrations": ["EU_IOSS"], "shipping": "4.50", "ending": charm}));
    out.push(json!({"id": "CH", "destination": "CH", "markup_bps": 150, "shipping": "5.00"}));
    out.push(json!({"id": "NO", "destination": "NO", "markup_bps": 150,
        "seller_registrations": ["NO_VOEC"], "shipping": "5.00",
        "ending": {"kind": "increment", "increment": "10", "offset": "-1"}}));
    out.push(json!({"id": "SG", "destination": "SG", "markup_bps": 150,
        "seller_registrations": ["SG_OVR"], "shipping": "5.00"}));
    out.push(json!({"id": "DK", "destination": "DK", "markup_bps": 150,
        "seller_registrations": ["EU_IOSS"], "shipping": "4.50",
        "ending": {"kind": "increment", "increment": "5", "offset": "-0.05"}}));
    out.push(json!({"id": "CZ", "destination": "CZ", "markup_bps": 150,
        "seller_registrations": ["EU_IOSS"], "shipping": "4.50",
        "ending": {"kind": "increment", "increment": "10", "offset": "-1"}}));
    out
}

/// `n` products: T-shirts, sweaters and sneakers at base prices from 5 to 205 USD.
fn request(n: usize, markets: &[Value]) -> MatrixRequest {
    let kinds = [
        ("610910", "610910020", "6109100012", "61091000"),
        ("611020", "611020030", "6110202079", "61102000"),
        ("640411", "640411000", "6404119020", "64041100"),
    ];
    let products: Vec<Value> = (0..n)
        .map(|i| {
            let (hs, jp, us, au) = kinds[i % 3];
            let cents = 500 + (i * 7_919) % 20_000;
            json!({"sku": format!("P{i}"), "hs_code": hs, "origin": "CN",
                   "unit_cost": format!("{}.{:02}", cents / 300, cents % 100),
                   "base_price": format!("{}.{:02}", cents / 100, cents % 100),
                   "hs_codes": {"JP": jp, "US": us, "AU": au}})
        })
        .collect();
    let v = json!({"date": "2026-07-21", "currency": "USD", "ship_from": "CN",
                   "markets": markets, "products": products});
    MatrixRequest::from_json(&v.to_string()).unwrap()
}

fn bench(c: &mut Criterion) {
    let tables = RateTables::embedded().unwrap();
    let all = markets();
    let one = request(1, &all[..1]);
    let m = tables.matrix(&one).unwrap();
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let mut g = c.benchmark_group("market");
    g.bench_function("matrix_1_product_1_market", |b| {
        b.iter(|| tables.matrix(black_box(&one)).unwrap())
    });
    let big = request(10_000, &all);
    let m = tables.matrix(&big).unwrap();
    assert_eq!(m.cells.len() + m.errors.len(), 200_000);
    let mut seen: Vec<(String, String)> = m
        .errors
        .iter()
        .map(|e| (e.market.to_string(), e.message.clone()))
        .collect();
    seen.sort();
    seen.dedup();
    assert!(m.errors.is_empty(), "{seen:#?}");
    g.sample_size(10);
    g.bench_function("matrix_10000_products_20_markets", |b| {
        b.iter(|| tables.matrix(black_box(&big)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
