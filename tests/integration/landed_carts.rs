//! Carts nobody thought of (issue 15): repeated subheadings under the EU's €3 flat duty with
//! whole and fractional quantities, prices finer than the minor unit, many lines, and duties
//! converted by a reverse rate. Each once failed with an overflow in the allocation.

use landed::{Quote, QuoteRequest, RateTables};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::dec;

fn quote(v: &Value) -> Quote {
    let req = QuoteRequest::from_json(&v.to_string()).unwrap();
    RateTables::embedded().unwrap().quote(&req).unwrap()
}

fn cart(date: &str, dest: &str, lines: &[(&str, &str, &str)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(hs, q, p)| json!({"hs_code": hs, "quantity": q, "unit_price": p, "origin": "CN"}))
        .collect();
    json!({"date": date, "destination": dest, "currency": "EUR", "ship_from": "CN", "lines": lines})
}

/// The duty charges' total, and the lines' duty shares, which must add up to it.
fn duty_and_shares(q: &Quote) -> (Decimal, Vec<Decimal>) {
    let shares: Vec<Decimal> = q.lines.iter().map(|l| l.duty).collect();
    assert_eq!(
        shares.iter().copied().sum::<Decimal>(),
        q.duty,
        "line shares add up"
    );
    (q.duty, shares)
}

#[test]
fn two_cotton_t_shirts_under_one_subheading_owe_one_flat_duty_spread_by_value() {
    let q = quote(&cart(
        "2026-11-25",
        "DE",
        &[("610910", "1", "15.00"), ("610910", "1", "18.00")],
    ));
    let (duty, shares) = duty_and_shares(&q);
    assert_eq!(duty, dec("3.00"));
    // 3 × 15/33 = 1.3636…, 3 × 18/33 = 1.6363…: the largest remainder gives 1.36 and 1.64.
    assert_eq!(shares, [dec("1.36"), dec("1.64")]);
    assert_eq!(q.charges[0].unrounded, dec("3"));
    assert_eq!(q.tax, dec("6.84")); // 19 % of 33.00 + 3.00
    assert_eq!(q.landed_total, dec("42.84"));
}

#[test]
fn fractional_quantities_and_prices_finer_than_a_cent_under_a_repeated_subheading() {
    let q = quote(&cart(
        "2026-11-25",
        "DE",
        &[
            ("610910", "0.5", "15.005"),
            ("61091000", "1.25", "18.0049"),
            ("640411", "3", "7.333"),
            ("610910", "2.333", "1.1"),
        ],
    ));
    let (duty, shares) = duty_and_shares(&q);
    // Two subheadings: 610910 (three lines, two codes of it) and 640411.
    assert_eq!(duty, dec("6.00"));
    assert_eq!(shares[2], dec("3.00"));
}

#[test]
fn twelve_and_twenty_lines_of_four_subheadings() {
    for n in [12, 20] {
        many_lines(n);
    }
}

fn many_lines(n: usize) {
    let subs = ["610910", "640411", "420222", "851762"];
    let lines: Vec<(String, String, String)> = (0..n)
        .map(|i| {
            (
                subs[i % 4].to_owned(),
                format!("{}", 1 + i % 2),
                format!("{}.{:02}", i * 3 % 3 + i % 2, i * 37 % 100 + 1),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let q = quote(&cart("2026-07-01", "FR", &refs));
    let (duty, _) = duty_and_shares(&q);
    assert_eq!(duty, dec("12.00"), "{n} lines");
}

/// Every two-line cart of cotton T-shirts at €1–30 in whole euros (608 of the 900 failed).
#[test]
fn all_900_two_t_shirt_carts_quote_and_owe_three_euros() {
    let tables = RateTables::embedded().unwrap();
    for a in 1..=30 {
        for b in 1..=30 {
            let v = cart(
                "2026-11-25",
                "DE",
                &[
                    ("610910", "1", &a.to_string()),
                    ("610910", "1", &b.to_string()),
                ],
            );
            let req = QuoteRequest::from_json(&v.to_string()).unwrap();
            let q = tables
                .quote(&req)
                .unwrap_or_else(|e| panic!("{a} + {b}: {e}"));
            let (duty, _) = duty_and_shares(&q);
            assert_eq!(duty, dec("3.00"), "{a} + {b}");
        }
    }
}

/// A minimum duty converted by a reverse rate (€0.30 / 0.22 PLN per EUR = 1.3636… PLN) beside
/// an ad valorem line: the duty's parts have 28 decimals and must still split exactly.
#[test]
fn a_minimum_duty_converted_by_a_reverse_rate_splits_over_the_lines() {
    let v = json!({"date": "2026-01-01", "destination": "PL", "currency": "PLN",
        "exchange_rates": [{"from": "PLN", "to": "EUR", "rate": "0.22"}],
        "lines": [{"hs_code": "910211", "quantity": "1", "unit_price": "3.50", "origin": "CN"},
                  {"hs_code": "910211", "quantity": "10", "unit_price": "70.00", "origin": "CN"}]});
    let q = quote(&v);
    let (duty, shares) = duty_and_shares(&q);
    // 1.3636… (the minimum) + 31.50 (4.5 % of 700) = 32.8636… → 32.86.
    assert_eq!(duty, dec("32.86"));
    assert_eq!(shares, [dec("1.36"), dec("31.50")]);
    assert_eq!(q.tax, dec("169.36"));
    assert_eq!(q.total_charges, dec("202.22"));
}

/// The flat duty in a currency other than the euro, by a reverse rate (CZK per EUR given as
/// EUR per CZK): €3 / 0.04 = 75 CZK for one subheading of two lines.
#[test]
fn the_flat_duty_in_koruna_by_a_reverse_rate() {
    let v = json!({"date": "2026-11-25", "destination": "CZ", "currency": "CZK", "ship_from": "CN",
        "exchange_rates": [{"from": "CZK", "to": "EUR", "rate": "0.04"}],
        "lines": [{"hs_code": "090121", "quantity": "1", "unit_price": "230", "origin": "CN"},
                  {"hs_code": "090121", "quantity": "1", "unit_price": "100", "origin": "CN"}]});
    let q = quote(&v);
    let (duty, shares) = duty_and_shares(&q);
    assert_eq!(duty, dec("75.00"));
    // 75 × 230/330 = 52.27…, 75 × 100/330 = 22.72…
    assert_eq!(shares, [dec("52.27"), dec("22.73")]);
}

/// An exact tie of remainders across a subheading's lines (found by the differential test):
/// €3 over goods of 26.60, 14.27, 0.18 and 0.20 leaves 600 × 2660 and 600 × 20 the same
/// remainder modulo 2 × 4125, and the earlier line takes the cent.
#[test]
fn an_exact_tie_of_flat_duty_remainders_goes_to_the_earlier_line() {
    let v = json!({"date": "2026-07-01", "destination": "AT", "currency": "JPY",
        "exchange_rates": [{"from": "JPY", "to": "EUR", "rate": "0.005977"}],
        "lines": [{"hs_code": "490199", "quantity": "1", "unit_price": "4449.6", "origin": "CN"},
                  {"hs_code": "610443", "quantity": "1", "unit_price": "1", "origin": "CN"},
                  {"hs_code": "490199", "quantity": "0.5", "unit_price": "4773.298", "origin": "CN"},
                  {"hs_code": "490199", "quantity": "1", "unit_price": "29.2790", "origin": "CN"},
                  {"hs_code": "490199", "quantity": "0.5", "unit_price": "65.26", "origin": "CN"}]});
    let q = quote(&v);
    let (duty, shares) = duty_and_shares(&q);
    assert_eq!(duty, dec("6.00"));
    assert_eq!(
        shares,
        [
            dec("1.94"),
            dec("3.00"),
            dec("1.04"),
            dec("0.01"),
            dec("0.01")
        ]
    );
}
