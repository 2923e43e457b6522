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

/// The fuzzer's 307-byte band request: a volume fee switching from 10 % to 66 % of the whole
/// price at 20.00, a 61 % minimum margin and 1022 of other costs, up to 3,060,000.00. No price
/// qualifies (above 20.00 the fee leaves 34 % of the price, under the 61 % margin); the solver
/// scanned 306 million prices to find that out (22 s), and now prunes the piece whole.
fn fuzzed_band_request(max_price: &str) -> serde_json::Value {
    serde_json::json!({
        "currency": "USD", "current_price": "25.00", "own_shipping": "0",
        "unit_cost": "0", "other_costs": "1022", "max_price": max_price,
        "min_margin_percent": "61",
        "strategy": {"reference": "lowest", "action": "beat", "amount": "0.01"},
        "fees": {"mode": "volume", "basis": "amount", "currency": "USD",
                 "tiers": [{"up_to": "20.00", "rate": "10"}, {"up_to": null, "rate": "66"}]},
        "competitors": [
            {"seller_id": "A", "price": "2999.00", "shipping": "0", "currency": "USD"},
            {"seller_id": "B", "price": "3100.00", "shipping": "0", "currency": "USD"}
        ]
    })
}

fn run_band(v: &serde_json::Value) -> (Result<String, landed::Error>, std::time::Duration) {
    let req = landed::bands::BandRequest::from_json(&v.to_string()).unwrap();
    let tables = RateTables::embedded().unwrap();
    let started = Instant::now();
    let r = landed::bands::band(tables, &req).map(|r| r.price.to_string());
    (r, started.elapsed())
}

/// The fuzzer's request finishes (it took 22 s) and says no price qualifies, naming the band.
#[test]
fn hostile_fuzzed_band_request_with_a_66_percent_fee_finishes() {
    let (r, took) = run_band(&fuzzed_band_request("3060000"));
    println!("fuzzed band request (max_price 3060000) in {took:?}");
    let e = r.unwrap_err().to_string();
    assert!(e.starts_with("max_price:"), "{e}");
}

/// The same request over 10^12 minor units, and with a margin the 66 % fee leaves room for,
/// so that the floor lies far inside the range.
#[test]
fn hostile_band_over_10_pow_12_minor_units_finishes() {
    let (r, took) = run_band(&fuzzed_band_request("10000000000.00"));
    println!("fuzzed band request (max_price 10^10, 10^12 cents) in {took:?}");
    assert!(r.unwrap_err().to_string().starts_with("max_price:"));
    // 30 % margin: 34 % of the price less 1022 ≥ 30 %: from 25,550.00 on the 66 % tier.
    let mut v = fuzzed_band_request("10000000000.00");
    v["min_margin_percent"] = serde_json::json!("30");
    v["competitors"][0]["price"] = serde_json::json!("400000000.00");
    v["competitors"][1]["price"] = serde_json::json!("500000000.00");
    v["max_step_percent"] = serde_json::json!("100000000000");
    let (r, took) = run_band(&v);
    println!("band with its floor inside 10^12 cents in {took:?}");
    r.unwrap();
    // The cost floor directly, far up the range: 34 % − 30 % of p ≥ 1022 near p = 25,550.00,
    // where the fee's rounding decides the last cents.
    let spec: landed::data::ScheduleSpec = serde_json::from_value(v["fees"].clone()).unwrap();
    let fees = spec.compile("fees").unwrap();
    let started = Instant::now();
    let input = landed::bands::FloorInput::new(
        "1022".parse().unwrap(),
        "0.01".parse().unwrap(),
        "10000000000.00".parse().unwrap(),
        2,
    )
    .with_fees(&fees)
    .with_min_margin_percent("30".parse().unwrap());
    let f = landed::bands::cost_floor(&input).unwrap();
    println!(
        "cost floor over 10^12 cents in {:?}, {} evaluations",
        started.elapsed(),
        f.evaluations
    );
    // 25,549.90 pays 16,862.93 (66 % rounded half up) and nets exactly 30 %; no price in the
    // 10.00 below it qualifies.
    assert_eq!(f.price.to_string(), "25549.90");
    assert!(f.evaluations < 10_000, "{}", f.evaluations);
    for k in 2_553_990..2_554_990 {
        let p = rust_decimal::Decimal::new(k, 2);
        assert!(!landed::bands::qualifies(&input, p).unwrap(), "{p}");
    }
}

/// A fee rate above `1 − margin` (no binary search) capped at 1000: the floor sits far up a
/// 10^12-unit range, found by pruning rather than a scan.
#[test]
fn hostile_capped_fee_above_the_margin_over_10_pow_12_minor_units() {
    let spec: landed::data::ScheduleSpec = serde_json::from_value(serde_json::json!({
        "mode": "volume", "basis": "amount", "currency": "USD",
        "tiers": [{"up_to": "20.00", "rate": "10"}, {"up_to": null, "rate": "66", "max": "1000"}]}))
    .unwrap();
    let fees = spec.compile("fees").unwrap();
    let started = Instant::now();
    let f = landed::bands::cost_floor(
        &landed::bands::FloorInput::new(
            "1022".parse().unwrap(),
            "0.01".parse().unwrap(),
            "10000000000.00".parse().unwrap(),
            2,
        )
        .with_fees(&fees)
        .with_min_margin_percent("61".parse().unwrap()),
    )
    .unwrap();
    println!(
        "capped 66 % fee, floor over 10^12 cents in {:?}, {} evaluations",
        started.elapsed(),
        f.evaluations
    );
    // 39 % of the price covers the 1000 fee and 1022 of costs from 5,184.62 on.
    assert_eq!(
        (f.price.to_string(), f.fee.to_string()),
        ("5184.62".into(), "1000.00".into())
    );
    assert!(f.evaluations < 10_000, "{}", f.evaluations);
}

/// A chain of `n` fees of 0.01 each: with `deep`, fee `i` is charged on fee `i + 1` (the
/// order is the reverse of the list, as deep as the chain is long); otherwise each fee is
/// charged on the item and every fee before it (`fees`).
fn chain(n: usize, deep: bool) -> landed::data::ChainSpec {
    let schedule: landed::data::ScheduleSpec = serde_json::from_value(serde_json::json!({
        "mode": "percentage", "currency": "USD", "rate": "0", "fixed_amount": "0.01"}))
    .unwrap();
    let fees = (0..n)
        .map(|i| {
            let base = if deep && i + 1 < n {
                format!("[\"fee:f{}\"]", i + 1)
            } else if deep {
                "[\"item\"]".to_owned()
            } else {
                "[\"item\", \"fees\"]".to_owned()
            };
            landed::data::ChainFeeSpec {
                name: format!("f{i}"),
                base: serde_json::from_str(&base).unwrap(),
                schedule: Some(schedule.clone()),
                schedule_id: None,
            }
        })
        .collect();
    landed::data::ChainSpec { fees }
}

fn run_chain(spec: &landed::data::ChainSpec) -> Result<landed::fees::ChainResult, landed::Error> {
    let chain = landed::fees::FeeChain::new(spec, RateTables::embedded().unwrap(), None, "chain")?;
    chain.evaluate(&landed::fees::Sale::item("100.00".parse().unwrap()))
}

/// Chains at the limit work, ordered without recursion: on a thread with a 2 MiB stack (an
/// 18,000-fee chain overflowed one), and with `fees` bases (30,000 of them took 3.5 GB).
#[test]
fn hostile_chains_at_the_limit_work_on_a_2_mib_stack() {
    let n = landed::fees::MAX_CHAIN_FEES;
    let started = Instant::now();
    let deep = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || run_chain(&chain(n, true)).map(|r| r.lines.len()))
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(deep, n);
    let r = run_chain(&chain(n, false)).unwrap();
    println!("two {n}-fee chains in {:?}", started.elapsed());
    assert_eq!(r.total.to_string(), "10.00");
    // Fee i is charged on the item and the i fees of 0.01 before it.
    let last = r.lines.last().unwrap();
    assert_eq!(last.base.to_string(), "109.99");
}

/// One fee past the limit is refused by name; the fuzzer's 18,000, 30,000 and 100,000-fee
/// chains are refused the same way, before any work.
#[test]
fn hostile_chains_past_the_limit_are_refused_by_name() {
    for (n, deep) in [
        (landed::fees::MAX_CHAIN_FEES + 1, true),
        (18_000, true),
        (30_000, false),
        (100_000, true),
    ] {
        let spec = chain(n, deep);
        let started = Instant::now();
        let e = run_chain(&spec).unwrap_err();
        println!("{n}-fee chain refused in {:?}", started.elapsed());
        assert!(e.is_too_long(), "{e}");
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!("chain.fees: {n} entries")),
            "{msg}"
        );
        assert!(msg.contains("limit of 1000"), "{msg}");
    }
}

/// An ECB XML history of `days` publication days (newest first, as the ECB writes it), 30
/// currencies a day, one tag a line; `last_usd` is the USD rate of the oldest day.
fn ecb_history(days: i64, last_usd: &str) -> String {
    const CODES: [&str; 30] = [
        "USD", "JPY", "BGN", "CZK", "DKK", "GBP", "HUF", "PLN", "RON", "SEK", "CHF", "ISK", "NOK",
        "TRY", "AUD", "BRL", "CAD", "CNY", "HKD", "IDR", "ILS", "INR", "KRW", "MXN", "MYR", "NZD",
        "PHP", "SGD", "THB", "ZAR",
    ];
    let first = date("2000-01-03");
    let mut t = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\">\n<Cube>\n",
    );
    for d in (0..days).rev() {
        let day = first + chrono::Days::new(d as u64);
        let _ = writeln!(t, "<Cube time=\"{day}\">");
        for (i, c) in CODES.iter().enumerate() {
            let rate = if d == 0 && *c == "USD" {
                last_usd.to_owned()
            } else {
                format!("{}.{:04}", i + 1, d % 10_000)
            };
            let _ = writeln!(t, "<Cube currency=\"{c}\" rate=\"{rate}\"/>");
        }
        t.push_str("</Cube>\n");
    }
    t.push_str("</Cube>\n</gesmes:Envelope>\n");
    t
}

fn load_ecb(days: i64) -> std::time::Duration {
    let text = ecb_history(days, "1.2345");
    let started = Instant::now();
    let all = landed::data::parse_ecb_xml(&text).unwrap();
    let newest = landed::data::ReferenceRates::from_ecb_xml(&text).unwrap();
    let took = started.elapsed();
    assert_eq!(all.len(), days as usize);
    assert_eq!(
        newest.as_of(),
        date("2000-01-03") + chrono::Days::new(days as u64 - 1)
    );
    took
}

/// Hundreds of days load, and a bad day deep in the file still names its own line (lines are
/// now counted on from the previous day instead of from the top for every day).
#[test]
fn hostile_ecb_xml_history_loads_and_names_the_line_of_a_late_day() {
    load_ecb(400);
    // The oldest day is last: its Cube opens on line 3 + 399 × 32 + 1.
    let e = landed::data::parse_ecb_xml(&ecb_history(400, "0")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(&format!("line {}", 3 + 399 * 32 + 1)), "{msg}");
    assert!(msg.contains("USD"), "{msg}");
}

/// A 6,800-day ECB XML history took 19 s to load; linear now (time printed).
#[test]
#[ignore = "large: run in release with --ignored"]
fn hostile_ecb_xml_history_of_6800_days_loads_linearly() {
    let took = load_ecb(6_800);
    println!("6,800-day ECB XML history (parse_ecb_xml and from_ecb_xml) in {took:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// `nearest_qualifying` (now pruned piece by piece instead of scanned) is the highest
    /// qualifying price at or below the asked one, else the lowest above it, as a scan finds
    /// with `qualifies`; over fees with cliffs, caps and rates above `1 − margin`.
    #[test]
    fn hostile_nearest_qualifying_equals_a_scan(
        mode in 0usize..3,
        (r1, r2, bound) in (0i64..9000, 0i64..9000, 1i64..3000),
        cap in proptest::option::of(0i64..2000),
        costs in 0i64..3000,
        margin in proptest::option::of(0i64..90),
        (low, width, at) in (0i64..500, 0i64..2500, 0i64..3500),
    ) {
        use rust_decimal::Decimal;
        let rate = |r: i64| Decimal::new(r, 2).to_string();
        let mut v = match mode {
            0 => serde_json::json!({"mode": "volume", "basis": "amount", "tiers": [
                {"up_to": Decimal::new(bound, 2).to_string(), "rate": rate(r1)},
                {"up_to": null, "rate": rate(r2)}]}),
            1 => serde_json::json!({"mode": "graduated_percentage", "basis": "amount", "tiers": [
                {"up_to": Decimal::new(bound, 2).to_string(), "rate": rate(r1)},
                {"up_to": null, "rate": rate(r2)}]}),
            _ => serde_json::json!({"mode": "package", "basis": "amount",
                "package_size": Decimal::new(bound, 2).to_string(),
                "package_amount": Decimal::new(r1 % 500, 2).to_string()}),
        };
        v["currency"] = serde_json::json!("USD");
        if let Some(c) = cap {
            v["per_event_max"] = serde_json::json!(Decimal::new(c, 2).to_string());
        }
        let spec: landed::data::ScheduleSpec = serde_json::from_value(v).unwrap();
        let fees = spec.compile("fees").unwrap();
        let (lo, hi) = (Decimal::new(low, 2), Decimal::new(low + width, 2));
        let mut input = landed::bands::FloorInput::new(Decimal::new(costs, 2), lo, hi, 2)
            .with_fees(&fees);
        input.min_margin_percent = margin.map(Decimal::from);
        let price = Decimal::new(at, 2);
        let ok = |k: i64| landed::bands::qualifies(&input, Decimal::new(k, 2)).unwrap();
        let k = at;
        let want = (low..=k.min(low + width)).rev().find(|&p| ok(p))
            .or_else(|| (k.max(low)..=low + width).find(|&p| ok(p)))
            .map(|p| Decimal::new(p, 2));
        let got = landed::bands::nearest_qualifying(&input, price, lo, hi).unwrap();
        proptest::prop_assert_eq!(got, want);
    }
}

/// A fee at exactly the rate the margin leaves (39 % under 61 %): the fee and the allowance
/// rise together, so comparing fees at a range's ends prunes nothing; the affine bound of the
/// unrounded fee does. This took 68 s over 10^12 minor units with the first pruning alone.
#[test]
fn hostile_fee_at_the_rate_the_margin_leaves_over_10_pow_12_minor_units() {
    for (rate, costs) in [
        ("39", "10"),
        ("39", "0.01"),
        ("39.0001", "1022"),
        ("38.99", "1022"),
        ("package", "10"),
    ] {
        let spec: landed::data::ScheduleSpec = serde_json::from_value(if rate == "package" {
            // 0.39 per started 1.00 of the price: 39 % in steps.
            serde_json::json!({"mode": "package", "basis": "amount", "currency": "USD",
                "package_size": "1.00", "package_amount": "0.39"})
        } else {
            serde_json::json!({"mode": "percentage", "currency": "USD", "rate": rate})
        })
        .unwrap();
        let fees = spec.compile("fees").unwrap();
        let input = landed::bands::FloorInput::new(
            costs.parse().unwrap(),
            "0.01".parse().unwrap(),
            "10000000000.00".parse().unwrap(),
            2,
        )
        .with_fees(&fees)
        .with_min_margin_percent("61".parse().unwrap());
        let started = Instant::now();
        let f = landed::bands::cost_floor(&input);
        println!(
            "fee {rate} % under a 61 % margin, costs {costs}, 10^12 cents: {:?} in {:?}",
            f.as_ref().map(|f| (f.price, f.evaluations)),
            started.elapsed()
        );
        match rate {
            // 61 % of the price plus 1022 covered from 10,219,951.00 on (39 % − 38.99 %).
            "38.99" => assert_eq!(f.unwrap().price.to_string(), "10219951.00"),
            _ => assert!(f.unwrap_err().to_string().starts_with("max_price:")),
        }
    }
}

/// The one case the branch and bound cannot prune (a fee rising at exactly the rate the margin
/// leaves, with costs below one minor unit, where only each fee's rounding decides) is refused
/// by name after `MAX_EVALUATIONS` fee evaluations instead of scanning 10^12 prices.
#[test]
fn hostile_costs_below_a_minor_unit_at_the_margins_rate_finish_or_are_refused() {
    let spec: landed::data::ScheduleSpec = serde_json::from_value(
        serde_json::json!({"mode": "percentage", "currency": "USD", "rate": "39"}),
    )
    .unwrap();
    let fees = spec.compile("fees").unwrap();
    for costs in ["0.005", "0.0049", "0.001"] {
        let input = landed::bands::FloorInput::new(
            costs.parse().unwrap(),
            "0.01".parse().unwrap(),
            "10000000000.00".parse().unwrap(),
            2,
        )
        .with_fees(&fees)
        .with_min_margin_percent("61".parse().unwrap());
        let started = Instant::now();
        let f = landed::bands::cost_floor(&input);
        println!(
            "costs {costs} at a 39 % fee under a 61 % margin, 10^12 cents: {:?} in {:?}",
            f.as_ref().map(|f| (f.price, f.evaluations)),
            started.elapsed()
        );
        if let Err(e) = f {
            assert!(e.to_string().starts_with("max_price:"), "{e}");
        }
    }
}
