//! Inputs a service cannot afford to be slow on (issue 16, point 7), generated here rather than
//! committed as large files. The large cases are ignored in `cargo test`; run them in release:
//! `cargo test --release --test integration hostile -- --ignored --nocapture`.

use std::fmt::Write as _;
use std::time::Instant;

use landed::{RateTables, TaxCategory};

use crate::date;

/// `n` VAT categories of one country, one row each.
fn many_categories(n: usize) -> String {
    let mut t = String::from("schema_version = 1\n");
    for i in 0..n {
        let _ = write!(
            t,
            "[[vat]]\ncountry = \"DE\"\ncategory = \"c{i:06}\"\nrate_percent = \"{}\"\neffective_from = \"2020-01-01\"\nsource = \"synthetic\"\n",
            i % 25
        );
    }
    t
}

fn load_categories(n: usize) -> std::time::Duration {
    let text = many_categories(n);
    let started = Instant::now();
    let tables = RateTables::from_toml_str("many.toml", &text).unwrap();
    let took = started.elapsed();
    let last: TaxCategory = format!("c{:06}", n - 1).parse().unwrap();
    let r = tables
        .vat_rate("DE".parse().unwrap(), None, &last, date("2026-01-01"))
        .unwrap();
    assert_eq!(r.rate.to_string(), ((n - 1) % 25).to_string());
    took
}

/// A few thousand categories load and are found (the quadratic insert took seconds here).
#[test]
fn hostile_thousands_of_vat_categories_load_and_are_found() {
    load_categories(4_000);
}

/// 80,000 categories of one country took 56 s to load; linear now (time printed).
#[test]
#[ignore = "large: run in release with --ignored"]
fn hostile_80000_vat_categories_load_linearly() {
    let took = load_categories(80_000);
    println!("80,000 VAT categories loaded in {took:?}");
}
