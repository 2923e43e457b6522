//! Issue 17's acceptance cases on the embedded US data: the whole HTS general column
//! (`data/tariff_us.csv`) and the additional duties by origin since 2025
//! (`data/tariff_us_additional.csv`, `data/tariff_us_exemptions.csv`), each case's duty as a
//! percentage of a customs value of 100.00.

use landed::landed::{ChargeKind, Quote, QuoteRequest};
use landed::{Error, RateTables};
use serde_json::json;

use crate::dec;

fn request(hs: &str, origin: &str, date: &str, weight_kg: Option<&str>) -> QuoteRequest {
    let mut line = json!({"hs_code": hs, "quantity": "1", "unit_price": "100.00",
                          "origin": origin});
    if let Some(w) = weight_kg {
        line["weight_kg"] = json!(w);
    }
    let req = json!({
        "date": date, "destination": "US", "currency": "USD", "ship_from": origin,
        "lines": [line]
    });
    QuoteRequest::from_json(&req.to_string()).unwrap()
}

fn quote(hs: &str, origin: &str, date: &str) -> Quote {
    RateTables::embedded()
        .unwrap()
        .quote(&request(hs, origin, date, None))
        .unwrap()
}

/// The duty charges: (name, amount), in the quote's order.
fn duties(q: &Quote) -> Vec<(String, String)> {
    q.charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Duty)
        .map(|c| (c.name.to_string(), c.amount.to_string()))
        .collect()
}

fn duty_total(q: &Quote) -> rust_decimal::Decimal {
    q.charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Duty)
        .map(|c| c.amount)
        .sum()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

const SHIRT: &str = "61091000";
const LIST_4A: &str = "Section 301 List 4A (9903.88.15)";

#[test]
fn a_cotton_t_shirt_from_china_on_2026_11_25_pays_mfn_and_list_4a() {
    let q = quote(SHIRT, "CN", "2026-11-25");
    assert_eq!(
        duties(&q),
        pairs(&[("customs duty", "16.50"), (LIST_4A, "7.50")])
    );
    let c = q.charges.iter().find(|c| &*c.name == LIST_4A).unwrap();
    assert_eq!(
        format!("{} {}", c.name, c.rate_text),
        format!("{LIST_4A} 7.5%")
    );
}

#[test]
fn the_same_t_shirt_on_2025_06_02_paid_54_percent() {
    let q = quote(SHIRT, "CN", "2025-06-02");
    assert_eq!(duty_total(&q), dec("54.00"), "{:?}", duties(&q));
    let names: Vec<String> = duties(&q).into_iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().any(|n| n.starts_with("IEEPA fentanyl")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("IEEPA reciprocal")),
        "{names:?}"
    );
}

#[test]
fn the_same_t_shirts_on_2025_03_12_paid_mfn_list_4a_and_fentanyl_20() {
    // Goods of China kept the $800 de minimis until 2025-05-02: ten shirts (1,000.00) are
    // entered formally and pay 16.5 + 7.5 + 20 %; one shirt pays nothing.
    let mut req = request(SHIRT, "CN", "2025-03-12", None);
    req.lines[0].quantity = dec("10");
    let q = RateTables::embedded().unwrap().quote(&req).unwrap();
    assert_eq!(duty_total(&q), dec("440.00"), "{:?}", duties(&q));
    assert_eq!(&*quote(SHIRT, "CN", "2025-03-12").regime, "us_de_minimis");
}

#[test]
fn the_same_t_shirt_from_vietnam_paid_20_percent_reciprocal_in_2025_and_only_mfn_now() {
    let q = quote(SHIRT, "VN", "2025-09-02");
    assert_eq!(duty_total(&q), dec("36.50"), "{:?}", duties(&q));
    let q = quote(SHIRT, "VN", "2026-11-25");
    assert_eq!(duties(&q), pairs(&[("customs duty", "16.50")]));
}

#[test]
fn a_list_3_handbag_from_china_pays_25_percent_over_mfn() {
    let t = RateTables::embedded().unwrap();
    let hs = "42022190";
    let mfn = t
        .tariff(
            "US".parse().unwrap(),
            &hs.parse().unwrap(),
            crate::date("2026-11-25"),
        )
        .unwrap()
        .rate
        .rate_percent
        .unwrap();
    let q = quote(hs, "CN", "2026-11-25");
    assert_eq!(duty_total(&q), mfn + dec("25.00"), "{:?}", duties(&q));
    assert!(
        duties(&q)
            .iter()
            .any(|(n, a)| n.starts_with("Section 301 List 3") && a == "25.00"),
        "{:?}",
        duties(&q)
    );
}

#[test]
fn oranges_from_spain_at_a_specific_rate_per_kg_are_topped_up_to_the_eu_15_percent_floor() {
    // 0805.10.00: 1.9 ¢/kg. 10 kg: 0.19 USD of MFN duty; the EU floor tops it up to 15 %.
    let t = RateTables::embedded().unwrap();
    let q = t
        .quote(&request("08051000", "ES", "2025-09-02", Some("10")))
        .unwrap();
    let d = duties(&q);
    assert_eq!(d.first().unwrap(), &pair("customs duty", "0.19"), "{d:?}");
    assert_eq!(duty_total(&q), dec("15.00"), "{d:?}");
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_owned(), b.to_owned())
}

#[test]
fn hot_rolled_steel_pays_section_232_and_no_reciprocal_duty() {
    let q = quote("72085100", "DE", "2025-09-02");
    let d = duties(&q);
    assert!(
        d.iter()
            .any(|(n, a)| n.starts_with("Section 232") && a == "50.00"),
        "{d:?}"
    );
    assert!(!d.iter().any(|(n, _)| n.starts_with("IEEPA")), "{d:?}");
}

#[test]
fn a_us_quote_before_the_data_coverage_is_refused() {
    let err = RateTables::embedded()
        .unwrap()
        .quote(&request(SHIRT, "CN", "2024-12-31", None))
        .unwrap_err();
    assert!(matches!(err, Error::NoRateInForce { .. }), "{err}");
    assert!(err.to_string().contains("2025-01-01"), "{err}");
}
