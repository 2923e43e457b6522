//! Display prices (issue 20, point 2): the price a listing shows equals the forward quote's
//! checkout price, the tax inside it is the quote's included tax, and the label names the
//! statutory rate only when tax is inside the price; label rows are dated, sourced and
//! validated; the wire format and its errors.

use landed::market::DisplayRequest;
use landed::{Decimal, Error, NaiveDate, RateTables};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A one-unit request to `dest` at `price` (in the destination's currency).
fn request(dest: &str, currency: &str, hs: &str, price: &str, extra: &Value) -> Value {
    let mut v = json!({
        "date": "2026-11-25",
        "destination": dest,
        "currency": currency,
        "ship_from": "CN",
        "lines": [{"hs_code": hs, "quantity": "1", "unit_price": price, "origin": "CN"}]
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    v
}

fn display(v: &Value) -> Result<landed::market::DisplayPrice, Error> {
    tables().display_price(&DisplayRequest::from_json(&v.to_string())?)
}

#[test]
fn each_labelled_destination_shows_its_words_with_the_statutory_rate() {
    let cases = [
        (
            "DE",
            "EUR",
            "610910",
            "42.00",
            json!({"seller_registrations": ["EU_IOSS"]}),
            "inkl. 19 % MwSt.",
        ),
        (
            "FR",
            "EUR",
            "610910",
            "42.00",
            json!({"seller_registrations": ["EU_IOSS"]}),
            "TTC (TVA 20 %)",
        ),
        (
            "GB",
            "GBP",
            "610910",
            "20.00",
            json!({"seller_registrations": ["GB_VAT"]}),
            "incl. 20% VAT",
        ),
        (
            "AU",
            "AUD",
            "610910",
            "50.00",
            json!({"seller_registrations": ["AU_GST"]}),
            "(including 10% GST)",
        ),
        (
            "SG",
            "SGD",
            "610910",
            "50.00",
            json!({"seller_registrations": ["SG_OVR"]}),
            "(inclusive of GST)",
        ),
        ("JP", "JPY", "610910020", "15000", json!({}), "税込 (10%)"),
    ];
    for (dest, cur, hs, price, extra, label) in cases {
        let v = request(dest, cur, hs, price, &extra);
        let p = display(&v).unwrap();
        assert_eq!(p.label.as_deref(), Some(label), "{dest}");
        let q = tables()
            .quote(&landed::QuoteRequest::from_json(&v.to_string()).unwrap())
            .unwrap();
        assert_eq!(p.price, q.landed_total - q.due_on_delivery, "{dest}");
        assert_eq!(p.tax, q.tax, "{dest}: DDP puts every tax inside the price");
        assert!(p.tax > Decimal::ZERO, "{dest}");
        assert!(p.label_source.as_deref().is_some_and(|s| !s.is_empty()));
        assert_eq!(p.data_version, *tables().version());
    }
}

#[test]
fn the_german_example_request_is_52_98_inkl_19_percent() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/requests/display_de.json"
    ))
    .unwrap();
    let p = tables()
        .display_price(&DisplayRequest::from_json(&text).unwrap())
        .unwrap();
    // €42.00 + €3.00 flat IOSS-era duty + 19 % VAT on €45.00 = €52.98.
    assert_eq!(p.price, d("52.98"));
    assert_eq!(p.duty, d("3.00"));
    assert_eq!(p.tax, d("7.98"));
    assert_eq!(p.tax_rate, Some(d("19")));
    assert_eq!(p.tax_name.as_deref(), Some("MwSt."));
    assert_eq!(p.label.as_deref(), Some("inkl. 19 % MwSt."));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn import_vat_due_on_delivery_gives_no_label_and_says_what_the_buyer_pays() {
    let v = request("DE", "EUR", "610910", "200.00", &json!({"incoterm": "DAP"}));
    let p = display(&v).unwrap();
    assert_eq!(p.price, d("200.00"));
    assert!(p.tax.is_zero() && p.duty.is_zero());
    assert!(p.due_on_delivery > Decimal::ZERO);
    assert_eq!(p.label, None);
    assert_eq!(p.tax_rate, None);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("not inside the price")),
        "{:?}",
        p.warnings
    );
    assert!(p.warnings.iter().any(|w| w.contains("more on delivery")));
}

#[test]
fn no_tax_in_the_price_gives_no_label() {
    let v = request("US", "USD", "6109100012", "50.00", &json!({}));
    let p = display(&v).unwrap();
    assert!(p.tax.is_zero());
    assert!(p.duty > Decimal::ZERO, "DDP: the duty is inside the price");
    assert_eq!(p.price, d("50.00") + p.duty + p.fees);
    assert_eq!(p.label, None);
    assert!(p.warnings.iter().any(|w| w.contains("no tax is charged")));
}

#[test]
fn a_language_without_a_label_warns_and_lists_those_there_are() {
    let extra = json!({"seller_registrations": ["EU_IOSS"], "language": "en"});
    let p = display(&request("DE", "EUR", "610910", "20.00", &extra)).unwrap();
    assert_eq!(p.label, None);
    assert_eq!(p.tax_rate, Some(d("19")), "the rate is still given");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("`en`") && w.contains("labels exist in: de")),
        "{:?}",
        p.warnings
    );
    let none = json!({"seller_registrations": ["EU_IOSS"]});
    let p = display(&request("IT", "EUR", "610910", "20.00", &none)).unwrap();
    assert_eq!(p.label, None);
    assert!(
        p.warnings.iter().any(|w| w.contains("no label for it")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn requests_that_are_not_one_unit_of_one_product_are_refused_naming_the_field() {
    let mut v = request("DE", "EUR", "610910", "20.00", &json!({}));
    v["lines"][0]["quantity"] = json!("2");
    match display(&v) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "lines[0].quantity"),
        other => panic!("{other:?}"),
    }
    let mut v = request("DE", "EUR", "610910", "20.00", &json!({}));
    let line = v["lines"][0].clone();
    v["lines"].as_array_mut().unwrap().push(line);
    match display(&v) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "lines"),
        other => panic!("{other:?}"),
    }
    let v = request("DE", "EUR", "610910", "20.00", &json!({"language": 7}));
    match DisplayRequest::from_json(&v.to_string()) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "language"),
        other => panic!("{other:?}"),
    }
    let v = request("DE", "EUR", "610910", "20.00", &json!({"langauge": "de"}));
    assert!(
        DisplayRequest::from_json(&v.to_string()).is_err(),
        "unknown fields are refused"
    );
}

#[test]
fn the_german_label_changes_source_on_the_day_pangv_2022_took_effect() {
    let de = "DE".parse().unwrap();
    let before = tables()
        .display_label(de, None, date("2022-05-27"))
        .unwrap();
    let on = tables()
        .display_label(de, None, date("2022-05-28"))
        .unwrap();
    let after = tables()
        .display_label(de, Some("de"), date("2022-05-29"))
        .unwrap();
    assert!(before.source.contains("2002 text"));
    assert!(on.source.contains("PAngV 2022") && after.source.contains("PAngV 2022"));
    assert_eq!(before.label.template, on.label.template);
}

#[test]
fn the_japanese_label_starts_when_total_amount_display_became_binding_again() {
    let jp = "JP".parse().unwrap();
    assert!(matches!(
        tables().display_label(jp, None, date("2021-03-31")),
        Err(Error::NoRateInForce { .. })
    ));
    for day in ["2021-04-01", "2021-04-02"] {
        let found = tables().display_label(jp, None, date(day)).unwrap();
        assert_eq!(found.label.render(d("8")), "税込 (8%)");
    }
}

#[test]
fn rates_are_written_with_the_rows_decimal_separator_and_no_trailing_zeros() {
    let at = date("2026-11-25");
    let fr = tables()
        .display_label("FR".parse().unwrap(), None, at)
        .unwrap();
    assert_eq!(fr.label.render(d("5.50")), "TTC (TVA 5,5 %)");
    let gb = tables()
        .display_label("GB".parse().unwrap(), None, at)
        .unwrap();
    assert_eq!(gb.label.render(d("20.00")), "incl. 20% VAT");
    let de = tables()
        .display_label("DE".parse().unwrap(), None, at)
        .unwrap();
    assert_eq!(de.label.render(d("7")), "inkl. 7 % MwSt.");
}

fn label_file(rows: &str) -> String {
    format!("schema_version = 1\n{rows}")
}

const ROW: &str = r#"
[[display_label]]
country = "DE"
language = "LANG"
primary = true
tax_name = "MwSt."
template = "TEMPLATE"
decimal_separator = "SEP"
effective_from = "2024-01-01"
source = "test"
"#;

fn row(lang: &str, template: &str, sep: &str) -> String {
    ROW.replace("LANG", lang)
        .replace("TEMPLATE", template)
        .replace("SEP", sep)
}

#[test]
fn bad_label_rows_are_all_reported_with_their_lines() {
    let text = label_file(&format!(
        "{}{}{}{}",
        row("DE", "inkl. {rate} % MwSt.", ","),
        row("de", "inkl. {rate} {x}", ";"),
        row("en", "incl. {rate}% VAT", "."),
        row("fr", "TTC", ".")
    ));
    let err = RateTables::from_toml_str("labels.toml", &text).unwrap_err();
    let messages: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m.contains("lower case")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("decimal_separator")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("other braces")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("primary")),
        "{messages:?}"
    );
    assert!(err.problems.iter().all(|p| p.line > 0));
}

/// The label the reference expects for a destination and rate (written out, not read from the
/// data).
fn expected_label(dest: &str, rate: Decimal) -> Option<String> {
    let r = rate.normalize().to_string();
    match dest {
        "DE" => Some(format!("inkl. {} % MwSt.", r.replace('.', ","))),
        "FR" => Some(format!("TTC (TVA {} %)", r.replace('.', ","))),
        "GB" => Some(format!("incl. {r}% VAT")),
        "AU" => Some(format!("(including {r}% GST)")),
        "SG" => Some("(inclusive of GST)".to_owned()),
        "JP" => Some(format!("税込 ({r}%)")),
        _ => None,
    }
}

/// Destinations with their currency, HS code and the registration a DDP seller holds.
const DESTS: &[(&str, &str, &str, &str)] = &[
    ("DE", "EUR", "610910", "EU_IOSS"),
    ("FR", "EUR", "610910", "EU_IOSS"),
    ("IT", "EUR", "610910", "EU_IOSS"),
    ("GB", "GBP", "610910", "GB_VAT"),
    ("AU", "AUD", "610910", "AU_GST"),
    ("SG", "SGD", "610910", "SG_OVR"),
    ("JP", "JPY", "610910020", ""),
    ("US", "USD", "6109100012", ""),
    ("CA", "CAD", "610910", ""),
    ("CH", "CHF", "610910", ""),
    ("NO", "NOK", "610910", "NO_VOEC"),
    ("KR", "KRW", "610910", ""),
];

fn check(i: usize, minor: u32, dap: bool, registered: bool) -> Result<(), TestCaseError> {
    let (dest, cur, hs, reg) = DESTS[i % DESTS.len()];
    let zero_decimals = matches!(cur, "JPY" | "KRW");
    let price = if zero_decimals {
        Decimal::from(minor)
    } else {
        Decimal::new(i64::from(minor), 2)
    };
    let mut extra = json!({"incoterm": if dap { "DAP" } else { "DDP" }});
    if registered && !reg.is_empty() {
        extra["seller_registrations"] = json!([reg]);
    }
    let v = request(dest, cur, hs, &price.to_string(), &extra);
    let q = tables().quote(&landed::QuoteRequest::from_json(&v.to_string()).unwrap());
    let p = display(&v);
    let (q, p) = match (q, p) {
        (Ok(q), Ok(p)) => (q, p),
        (Err(a), Err(b)) => {
            prop_assert_eq!(a.to_string(), b.to_string());
            return Ok(());
        }
        (q, p) => return Err(TestCaseError::fail(format!("{q:?} vs {p:?}"))),
    };
    // The reference: the charges the buyer pays at checkout, summed in a plain loop.
    let mut tax = Decimal::ZERO;
    let mut inside = Decimal::ZERO;
    for c in &q.charges {
        let at_checkout = match c.collected_at {
            landed::landed::CollectedAt::Checkout => true,
            landed::landed::CollectedAt::Border => !dap,
            landed::landed::CollectedAt::None => false,
        };
        if at_checkout {
            inside += c.amount;
            if c.kind == landed::landed::ChargeKind::Tax {
                tax += c.amount;
            }
        }
    }
    let price_ref = q.intrinsic_value + q.shipping + q.insurance + inside;
    prop_assert_eq!(p.price, price_ref, "{} {}", dest, price);
    prop_assert_eq!(p.tax, tax);
    prop_assert_eq!(p.price + p.due_on_delivery, q.landed_total);
    let rate = tables()
        .vat_rate(
            dest.parse().unwrap(),
            None,
            &landed::TaxCategory::standard(),
            q.date,
        )
        .ok()
        .map(|r| r.rate.value());
    let want = if tax.is_zero() {
        None
    } else {
        rate.and_then(|r| expected_label(dest, r))
    };
    prop_assert_eq!(p.label.clone(), want, "{} {} tax {}", dest, price, tax);
    prop_assert_eq!(p.tax_rate.is_some(), !tax.is_zero() && rate.is_some());
    if p.label.is_none() {
        prop_assert!(
            !p.warnings.is_empty(),
            "a missing label is always explained"
        );
    }
    Ok(())
}

#[test]
fn display_price_is_the_forward_quotes_checkout_price_and_labels_only_included_tax() {
    let mut runner = TestRunner::new(Config {
        cases: 1500,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..DESTS.len(), 1u32..400_000, any::<bool>(), any::<bool>());
    runner
        .run(&strategy, |(i, minor, dap, registered)| {
            check(i, minor, dap, registered)
        })
        .unwrap();
}
