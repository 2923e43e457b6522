//! Landed-cost benchmarks: 1-line and 5-line quotes for DE, GB, US, CA and AU, and 5-line
//! quotes for the part-2 regimes (CN, BR, MX, CH, NO, SG, KR, JP) on the embedded data;
//! reverse DDP pricing of one-line orders (DE, GB, US, JP); and tariff lookups in synthetic
//! schedules of 200 and 20,000 rows (the lookup cost must not grow with the schedule).
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

/// A 5-line request for CN (cross-border e-commerce, consumption tax on every other line),
/// BR (Remessa Conforme, São Paulo) or MX (courier global rate): issue 19.
fn request_cn_br_mx(dest: &str, n: usize) -> QuoteRequest {
    let (currency, ship_from, reg) = match dest {
        "CN" => ("CNY", "FR", "CN_CBEC"),
        "BR" => ("USD", "CN", "BR_REMESSA_CONFORME"),
        _ => ("USD", "CN", ""),
    };
    let lines: Vec<Value> = (0..n)
        .map(|i| {
            // No duty_rate: the regimes quoted replace the tariff (no unused-input warnings).
            let mut l = json!({"hs_code": "330499", "quantity": "1",
                "unit_price": format!("{}.{:02}", 8 + i * 3, i * 13 % 100), "origin": "CN"});
            if dest == "CN" && i % 2 == 0 {
                l["excise_rate"] = json!("15");
            }
            l
        })
        .collect();
    let mut v = json!({
        "date": "2026-11-25", "destination": dest, "currency": currency, "ship_from": ship_from,
        "shipping": "4.90", "seller_registrations": [reg],
        "exchange_rates": [{"from": "USD", "to": "BRL", "rate": "5.4"},
                           {"from": "USD", "to": "MXN", "rate": "18.6"}],
        "lines": lines
    });
    match dest {
        "CN" => v["annual_purchases"] = json!("0"),
        "BR" => v["region"] = json!("SP"),
        _ => {}
    }
    QuoteRequest::from_json(&v.to_string()).unwrap()
}

/// A 5-line request for CH, NO, SG or KR (issue 19): CH with an agricultural line (duty_rate)
/// and a taxable clearance fee; NO and SG mixed orders (items under the per-item limit at
/// checkout, one above at the border); KR above USD 150 (duty_rate, no KR tariff).
fn request_part2(dest: &str) -> QuoteRequest {
    let (currency, regs, hs, top): (&str, Vec<&str>, [&str; 5], &str) = match dest {
        "CH" => (
            "CHF",
            vec![],
            ["851830", "950300", "640411", "040690", "490199"],
            "120.00",
        ),
        "NO" => (
            "NOK",
            vec!["NO_VOEC"],
            ["851830", "950300", "640411", "420222", "490199"],
            "3200.00",
        ),
        "SG" => (
            "SGD",
            vec!["SG_OVR"],
            ["851830", "950300", "640411", "420222", "490199"],
            "450.00",
        ),
        _ => (
            "USD",
            vec![],
            ["851830", "950300", "640411", "420222", "490199"],
            "120.00",
        ),
    };
    let lines: Vec<Value> = hs
        .iter()
        .enumerate()
        .map(|(i, hs)| {
            let price = if i == 4 {
                top.to_owned()
            } else {
                format!("{}.{:02}", 40 + i * 7, i * 13 % 100)
            };
            let mut l =
                json!({"hs_code": hs, "quantity": "1", "unit_price": price, "origin": "CN"});
            if dest == "KR" || hs.starts_with("04") {
                l["duty_rate"] = json!("8");
            }
            l
        })
        .collect();
    let mut v = json!({
        "date": "2026-11-25", "destination": dest, "currency": currency, "ship_from": "CN",
        "transport": "courier", "shipping": "24.90", "insurance": "3.10",
        "seller_registrations": regs, "lines": lines,
        "extra_fees": [{"name": "clearance", "amount": "11.50", "taxable": true}]
    });
    if dest == "KR" {
        v["exchange_rates"] = json!([{"from": "USD", "to": "KRW", "rate": "1400"}]);
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
    for dest in ["CN", "BR", "MX"] {
        let req = request_cn_br_mx(dest, 5);
        let q = tables.quote(&req).unwrap();
        assert!(!q.total_charges.is_zero(), "{dest}");
        g.bench_function(format!("quote_{dest}_5_lines"), |b| {
            b.iter(|| tables.quote(black_box(&req)).unwrap())
        });
    }
    for dest in ["CH", "NO", "SG", "KR"] {
        let req = request_part2(dest);
        let q = tables.quote(&req).unwrap();
        assert!(!q.total_charges.is_zero());
        g.bench_function(format!("quote_{dest}_5_lines"), |b| {
            b.iter(|| tables.quote(black_box(&req)).unwrap())
        });
    }
    // Reverse DDP pricing (issue 20): the unit price whose quote lands on a one-line order's
    // landed total at the bench's own price (an exact solution exists), far from thresholds.
    for dest in ["DE", "GB", "US", "JP"] {
        let req = request(dest, 1);
        let target = tables.quote(&req).unwrap().landed_total;
        let rev = landed::market::ReverseRequest::new(req, vec![target]);
        let solved = tables.reverse(&rev).unwrap();
        assert_eq!(solved.quote.landed_total, target);
        g.bench_function(format!("reverse_{dest}_1_line"), |b| {
            b.iter(|| tables.reverse(black_box(&rev)).unwrap())
        });
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
