//! Landed-cost benchmarks: 1-line and 5-line quotes for DE, GB, US, CA, AU and JP on the embedded
//! data, and tariff lookups in synthetic schedules of 200 and 20,000 rows (the lookup cost
//! must not grow with the schedule).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    missing_docs
)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use landed::{QuoteRequest, RateTables};
use serde_json::{Value, json};

/// A request for `dest` with `n` lines (goods that have tariff rows or a duty_rate).
fn request(dest: &str, n: usize) -> QuoteRequest {
    let (currency, ship_from, region, regs, hs): (&str, &str, Option<&str>, Vec<&str>, &str) =
        match dest {
            "DE" => ("EUR", "CN", None, vec![], "640411"),
            "GB" => ("GBP", "CN", None, vec!["GB_VAT"], "611020"),
            "US" => ("USD", "CN", None, vec![], "61102020"),
            "CA" => ("CAD", "CN", Some("ON"), vec![], "610910"),
            "JP" => ("JPY", "CN", None, vec![], "611020030"),
            _ => ("AUD", "US", None, vec!["AU_GST"], "85183010"),
        };
    let lines: Vec<Value> = (0..n)
        .map(|i| {
            let mut l = json!({
                "hs_code": hs, "quantity": format!("{}", i + 1),
                "unit_price": format!("{}.{:02}", 80 + i * 7, i * 13 % 100), "origin": "CN"
            });
            if dest == "CA" {
                l["duty_rate"] = json!("18");
            }
            if dest == "JP" {
                // Yen amounts (a hundred times the others), a consumer's retail price.
                l["unit_price"] = json!(format!("{}", 8_000 + i * 700));
                l["retail_price"] = json!(format!("{}", 9_000 + i * 700));
            }
            l
        })
        .collect();
    let mut v = json!({
        "date": "2026-11-25", "destination": dest, "currency": currency, "ship_from": ship_from,
        "shipping": "24.90", "insurance": "3.10", "seller_registrations": regs, "lines": lines
    });
    if let Some(r) = region {
        v["region"] = json!(r);
    }
    if dest == "JP" {
        v["shipping"] = json!("2490");
        v["insurance"] = json!("310");
    }
    QuoteRequest::from_json(&v.to_string()).unwrap()
}

/// A schedule of `rows` 8-digit tariff lines for territory ZZ, plus chapter rows.
fn schedule(rows: usize) -> RateTables {
    let mut t = String::from("schema_version = 1\n");
    for i in 0..rows {
        let code = 10_000_000 + i * 4_513 % 89_000_000;
        let _ = write!(
            t,
            "[[tariff]]\nterritory = \"ZZ\"\nhs = \"{code:08}\"\ndescription = \"line {i}\"\nrate_percent = \"{}.{}\"\neffective_from = \"2020-01-01\"\nsource = \"synthetic\"\n",
            i % 20,
            i % 10
        );
    }
    for ch in 10..100 {
        let _ = write!(
            t,
            "[[tariff]]\nterritory = \"ZZ\"\nhs = \"{ch}\"\ndescription = \"chapter\"\nrate_percent = \"5\"\neffective_from = \"2020-01-01\"\nsource = \"synthetic\"\n"
        );
    }
    RateTables::from_toml_str("synthetic.toml", &t).unwrap()
}

fn bench(c: &mut Criterion) {
    let tables = RateTables::embedded().unwrap();
    let mut g = c.benchmark_group("landed_cost");
    for dest in ["DE", "GB", "US", "CA", "AU", "JP"] {
        for n in [1, 5] {
            let req = request(dest, n);
            let q = tables.quote(&req).unwrap();
            assert!(!q.landed_total.is_zero());
            g.bench_function(format!("quote_{dest}_{n}_lines"), |b| {
                b.iter(|| tables.quote(black_box(&req)).unwrap())
            });
        }
    }
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let zz: landed::Territory = "ZZ".parse().unwrap();
    for rows in [200, 20_000] {
        let t = schedule(rows);
        // A 10-digit code whose 8-digit prefix has a row, and one that falls back to its chapter.
        let hit: landed::HsCode = format!("{:08}01", 10_000_000 + (rows / 2) * 4_513 % 89_000_000)
            .parse()
            .unwrap();
        let miss: landed::HsCode = "9999999999".parse().unwrap();
        assert!(t.tariff(zz, &hit, date).is_ok());
        g.bench_function(format!("tariff_lookup_{rows}_rows"), |b| {
            b.iter(|| {
                t.tariff(zz, black_box(&hit), date)
                    .unwrap()
                    .rate
                    .rate_percent
            })
        });
        g.bench_function(format!("tariff_lookup_chapter_fallback_{rows}_rows"), |b| {
            b.iter(|| {
                t.tariff(zz, black_box(&miss), date)
                    .unwrap()
                    .rate
                    .rate_percent
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
