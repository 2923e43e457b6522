//! The differential test of `landed_diff` (engine against the reference oracle, to the cent)
//! on random carts to China, Brazil and Mexico: dates across each coverage start and dated
//! change (and before coverage), consignment values around every threshold (¥5,000 and the
//! ¥26,000 annual limit with `annual_purchases`; US$50, US$3,000; US$50, US$117, US$2,500),
//! registrations on and off, buyers, transports, ship-from, Brazilian states (and a bad one),
//! consumption tax rates, several lines.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::landed_diff::check;

/// (destination, its currency, the threshold currency, thresholds, key days).
type Dest = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
const DESTS: [Dest; 3] = [
    (
        "CN",
        "CNY",
        "CNY",
        &["5000", "26000", "1000", "12000"],
        &["2019-01-01", "2019-04-01", "2026-01-01"],
    ),
    (
        "BR",
        "BRL",
        "USD",
        &["50", "3000", "20", "500"],
        &["2024-08-01", "2025-04-01"],
    ),
    (
        "MX",
        "MXN",
        "USD",
        &["50", "117", "2500", "1"],
        &["2025-01-01", "2025-08-15", "2026-01-01"],
    ),
];
const STATES: [&str; 8] = ["SP", "MG", "BA", "RJ", "AC", "DF", "XX", "RR"];
const SHIP_FROM: [&str; 6] = ["CN", "US", "CA", "DE", "JP", "GB"];
const TRANSPORT: [&str; 5] = ["courier", "courier", "postal", "air", "ocean"];
const EXCISE: [&str; 6] = ["0", "5", "10", "15", "30", "56"];
const HS: [&str; 5] = ["330499", "610910", "220421", "851712", "640399"];
/// Units of each currency per USD, roughly; drawn rates are perturbed.
const PER_USD: [(&str, &str); 5] = [
    ("USD", "1"),
    ("CNY", "7.1"),
    ("BRL", "5.4"),
    ("MXN", "18.6"),
    ("EUR", "0.86"),
];

fn per_usd(code: &str) -> Decimal {
    PER_USD
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, v)| v.parse().unwrap())
        .unwrap()
}

/// (weight, quantity draw, HS index, excise index, has duty_rate, tax category index).
type DrawLine = (u16, u8, usize, Option<usize>, bool, Option<u8>);

#[derive(Debug, Clone)]
struct Draw {
    dest: usize,
    day: (bool, usize, i64, u16),
    value: (usize, i16, u16),
    foreign: Option<u8>,
    perturb: (u16, u8),
    lines: Vec<DrawLine>,
    shipping: (u8, u8),
    annual: Option<(bool, i32)>,
    regs: u8,
    buyer: u8,
    transport: Option<usize>,
    ship_from: Option<usize>,
    state: Option<usize>,
    incoterm: bool,
}

fn draw() -> impl Strategy<Value = Draw> {
    (
        (
            0usize..3,
            (any::<bool>(), any::<usize>(), -1i64..=1, any::<u16>()),
            (0usize..4, -3i16..=3, any::<u16>()),
            proptest::option::weighted(0.25, 0u8..5),
            (any::<u16>(), 2u8..=6),
            proptest::collection::vec(
                (
                    1u16..=1000,
                    0u8..4,
                    0usize..HS.len(),
                    proptest::option::weighted(0.5, 0usize..EXCISE.len()),
                    proptest::bool::weighted(0.9),
                    proptest::option::weighted(0.1, 0u8..3),
                ),
                1..=5,
            ),
        ),
        (
            (0u8..4, any::<u8>()),
            proptest::option::weighted(0.8, (any::<bool>(), -3000i32..=3000)),
            any::<u8>(),
            0u8..4,
            proptest::option::weighted(0.4, 0usize..TRANSPORT.len()),
            proptest::option::weighted(0.8, 0usize..SHIP_FROM.len()),
            proptest::option::weighted(0.95, 0usize..STATES.len()),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (dest, day, value, foreign, perturb, lines),
                (shipping, annual, regs, buyer, transport, ship_from, state, incoterm),
            )| Draw {
                dest,
                day,
                value,
                foreign,
                perturb,
                lines,
                shipping,
                annual,
                regs,
                buyer,
                transport,
                ship_from,
                state,
                incoterm,
            },
        )
}

/// The day: around a key day (the day before, of or after), else any day from a week before
/// the first key day to 2027.
fn day_of(d: &Draw, keys: &[&str]) -> NaiveDate {
    let (near, k, offset, spread) = d.day;
    let first: NaiveDate = keys[0].parse().unwrap();
    if near {
        keys[k % keys.len()].parse::<NaiveDate>().unwrap() + Duration::days(offset)
    } else {
        first - Duration::days(7) + Duration::days(i64::from(spread % 2900))
    }
}

/// Splits `total` cents over the lines by their weights (the last takes the rest).
fn split(total: i64, weights: &[u16]) -> Vec<i64> {
    let sum: i64 = weights.iter().map(|w| i64::from(*w)).sum();
    let mut out: Vec<i64> = weights
        .iter()
        .map(|w| total * i64::from(*w) / sum)
        .collect();
    let given: i64 = out.iter().sum();
    *out.last_mut().unwrap() += total - given;
    out
}

fn build(d: &Draw) -> Value {
    let (dest, dest_cur, limit_cur, limits, keys) = DESTS[d.dest];
    let day = day_of(d, keys);
    let req_cur = match d.foreign {
        Some(k) => PER_USD[usize::from(k)].0,
        None => limit_cur,
    };
    // The consignment's value in the threshold currency: a threshold ± a few cents, or a
    // random share of it.
    let limit: Decimal = limits[d.value.0].parse().unwrap();
    let (_, delta, spread) = d.value;
    let target = if spread % 3 == 0 {
        limit * Decimal::new(i64::from(spread % 1000) + 1, 3)
    } else {
        limit + Decimal::new(i64::from(delta), 2)
    };
    // In the request currency (when it differs, only roughly near the threshold).
    let to_req = per_usd(req_cur) / per_usd(limit_cur);
    let total_cents = ((target * to_req).round_dp(2) * Decimal::ONE_HUNDRED)
        .trunc()
        .try_into()
        .unwrap_or(100i64)
        .max(2);
    let shipping_cents = match d.shipping.0 {
        0 => 0,
        k => (total_cents * i64::from(d.shipping.1) / 255 / i64::from(k * 2)).min(total_cents - 1),
    };
    let weights: Vec<u16> = d.lines.iter().map(|l| l.0).collect();
    let goods = split(total_cents - shipping_cents, &weights);
    let mut lines = Vec::new();
    for (cents, (_, qty, hs, excise, duty, category)) in goods.iter().zip(&d.lines) {
        // Quantity 1 mostly (the unit price is the line's value); else 2 units at half.
        let (q, unit) = if *qty == 0 && cents % 2 == 0 {
            ("2", Decimal::new(cents / 2, 2))
        } else {
            ("1", Decimal::new(*cents, 2))
        };
        let mut line = json!({"hs_code": HS[*hs], "quantity": q,
            "unit_price": unit.to_string(), "origin": "CN"});
        if let Some(e) = excise {
            line["excise_rate"] = json!(EXCISE[*e]);
        }
        if *duty {
            line["duty_rate"] =
                json!(Decimal::new(i64::from(d.lines.len() as u8 * 25), 1).to_string());
        }
        if let Some(c) = category {
            line["tax_category"] = json!(["standard", "reduced", "zero"][usize::from(*c)]);
        }
        lines.push(line);
    }
    let mut req = json!({"date": day.to_string(), "destination": dest, "currency": req_cur,
        "lines": lines, "shipping": Decimal::new(shipping_cents, 2).to_string()});
    if let Some((given, delta)) = d.annual {
        // Around the annual limit, or a small amount.
        let annual_cents = if given {
            2_600_000 - total_cents + i64::from(delta)
        } else {
            i64::from(delta.abs()) * 100
        };
        req["annual_purchases"] = json!(Decimal::new(annual_cents.max(0), 2).to_string());
    }
    let regs: Vec<&str> = ["CN_CBEC", "BR_REMESSA_CONFORME"]
        .iter()
        .enumerate()
        .filter(|(k, _)| d.regs & (1 << k) != 0)
        .map(|(_, r)| *r)
        .collect();
    req["seller_registrations"] = json!(regs);
    match d.buyer {
        0 => req["buyer"] = json!("business"),
        1 => req["buyer"] = json!("consumer"),
        _ => {}
    }
    if let Some(t) = d.transport {
        req["transport"] = json!(TRANSPORT[t]);
    }
    if let Some(s) = d.ship_from {
        req["ship_from"] = json!(SHIP_FROM[s]);
    }
    if dest == "BR"
        && let Some(s) = d.state
    {
        req["region"] = json!(STATES[s]);
    }
    if d.incoterm {
        req["incoterm"] = json!("DAP");
    }
    // Rates: request currency to the destination's and to the threshold currency, and the
    // threshold currency to the destination's (the deduction), each perturbed.
    let mut rates = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (k, (a, b)) in [
        (req_cur, dest_cur),
        (req_cur, limit_cur),
        (limit_cur, dest_cur),
    ]
    .into_iter()
    .enumerate()
    {
        if a == b
            || seen
                .iter()
                .any(|(x, y)| (*x == a && *y == b) || (*x == b && *y == a))
        {
            continue;
        }
        seen.push((a, b));
        let factor = Decimal::new(950 + i64::from((d.perturb.0 >> k) % 101), 3);
        let rate = (per_usd(b) / per_usd(a) * factor).round_dp(u32::from(d.perturb.1));
        rates.push(json!({"from": a, "to": b, "rate": rate.max(Decimal::new(1, 6)).to_string()}));
    }
    req["exchange_rates"] = json!(rates);
    req
}

/// The requests this generator draws, as JSON (reverse pricing draws from them too).
pub(crate) fn requests() -> impl Strategy<Value = Value> {
    draw().prop_map(|d| build(&d))
}

fn run(cases: u32) {
    crate::landed_diff::run_drawn(cases, draw(), |d| build(&d));
}

#[test]
fn landed_diff_engine_and_oracle_agree_on_3000_carts_to_cn_br_mx() {
    run(3_000);
}

#[test]
#[ignore = "long: 100,000 carts; run in release"]
fn landed_diff_engine_and_oracle_agree_on_100000_carts_to_cn_br_mx() {
    run(100_000);
}

/// The generator reaches every regime of the three destinations (and their errors).
#[test]
fn landed_diff_cn_br_mx_carts_reach_every_regime() {
    let tables = landed::RateTables::embedded().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 1,
        failure_persistence: None,
        ..Config::default()
    });
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..3000 {
        let d = draw().new_tree(&mut runner).unwrap().current();
        let req = landed::QuoteRequest::from_json(&build(&d).to_string()).unwrap();
        if let Ok(q) = tables.quote(&req)
            && !seen.contains(&q.regime.to_string())
        {
            seen.push(q.regime.to_string());
        }
    }
    seen.sort();
    for regime in [
        "br_import",
        "br_remessa_conforme",
        "br_rts",
        "cn_cbec",
        "cn_cbec_full",
        "cn_general_trade",
        "mx_courier_global",
        "mx_courier_usmca",
        "mx_courier_usmca_exempt",
    ] {
        assert!(
            seen.iter().any(|r| r == regime),
            "{regime} not reached: {seen:?}"
        );
    }
}

/// Found by the 100,000-cart run: a grossed-up consumption tax at 30 % on a CIF of 1,898.35
/// is 569.505 exactly at 70 % (1,898.35 × 0.3 / 0.7 × 0.7), which rounds half-up to 569.51.
/// The oracle divided first and got 569.50499… to 28 digits; it now divides last.
#[test]
fn landed_diff_an_exact_half_cent_consumption_tax_rounds_up_in_both() {
    let req = serde_json::json!({"buyer": "consumer", "currency": "CNY", "date": "2019-01-01",
        "destination": "CN", "exchange_rates": [], "ship_from": "US", "shipping": "153.88",
        "seller_registrations": ["CN_CBEC", "BR_REMESSA_CONFORME"],
        "lines": [{"hs_code": "330499", "origin": "CN", "quantity": "2", "unit_price": "337.72"},
                  {"excise_rate": "30", "hs_code": "330499", "origin": "CN", "quantity": "2",
                   "unit_price": "893.34"}]});
    check(&req).unwrap();
    let q = landed::RateTables::embedded()
        .unwrap()
        .quote(&landed::QuoteRequest::from_json(&req.to_string()).unwrap())
        .unwrap();
    let ct = q
        .charges
        .iter()
        .find(|c| &*c.name == "import consumption tax")
        .unwrap();
    assert_eq!(ct.amount.to_string(), "569.51");
}
