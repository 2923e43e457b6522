//! China CBEC, Brazil (Remessa Conforme / RTS, ICMS by state) and Mexico (courier global
//! rate) on the embedded data: every threshold below / at / above, every dated change the day
//! before / of / after, and the issue's acceptance cases (CBEC with and without consumption
//! tax; BR at US$50 and US$50.01).

use landed::landed::ChargeKind;
use landed::{Error, Quote, QuoteRequest, RateTables};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::dec;

fn request(v: &Value) -> QuoteRequest {
    QuoteRequest::from_json(&v.to_string()).unwrap()
}

fn quote(v: &Value) -> Quote {
    RateTables::embedded().unwrap().quote(&request(v)).unwrap()
}

fn quote_err(v: &Value) -> Error {
    RateTables::embedded()
        .unwrap()
        .quote(&request(v))
        .unwrap_err()
}

fn charge<'q>(q: &'q Quote, name: &str) -> Option<&'q landed::landed::Charge> {
    q.charges.iter().find(|c| &*c.name == name)
}

fn amount(q: &Quote, name: &str) -> Decimal {
    charge(q, name).map_or(Decimal::ZERO, |c| c.amount)
}

fn warned(q: &Quote, text: &str) -> bool {
    q.warnings.iter().any(|w| w.contains(text))
}

// ------------------------------------------------------------------------------------------
// CN

/// One line to CN in CNY, with an optional consumption tax rate and duty rate.
fn cn(date: &str, qty: &str, price: &str, excise: Option<&str>, cbec: bool) -> Value {
    let mut line = json!({"hs_code": "330499", "quantity": qty, "unit_price": price,
        "origin": "FR", "duty_rate": "5"});
    if let Some(e) = excise {
        line["excise_rate"] = json!(e);
    }
    let mut v = json!({"date": date, "destination": "CN", "currency": "CNY",
        "shipping": "0", "lines": [line], "annual_purchases": "0"});
    if cbec {
        v["seller_registrations"] = json!(["CN_CBEC"]);
    }
    v
}

#[test]
fn cn_cbec_without_consumption_tax_pays_no_duty_and_70_percent_of_the_vat() {
    let q = quote(&cn("2026-11-25", "1", "1000.00", None, true));
    assert_eq!(&*q.regime, "cn_cbec");
    assert_eq!(q.duty, Decimal::ZERO);
    assert!(charge(&q, "import consumption tax").is_none());
    // 1000 × 13 % × 70 % = 91.00
    assert_eq!(amount(&q, "import VAT"), dec("91.00"));
    assert!(warned(&q, "lines[0].duty_rate: not used"));
}

#[test]
fn cn_cbec_with_consumption_tax_grosses_it_up_and_taxes_the_statutory_ct() {
    let q = quote(&cn("2026-11-25", "1", "1000.00", Some("15"), true));
    // CT statutory = 1000 / 0.85 × 0.15 = 176.470588… → 176.47; charged 70 % = 123.53
    assert_eq!(amount(&q, "import consumption tax"), dec("123.53"));
    // VAT = (1000 + 176.47) × 13 % × 70 % = 107.06
    assert_eq!(amount(&q, "import VAT"), dec("107.06"));
    // The comprehensive rate (15 + 13) / 0.85 × 70 % = 23.0588…% of 1000.
    assert_eq!(q.tax, dec("230.59"));
    assert_eq!(
        q.charges
            .iter()
            .filter(|c| c.kind == ChargeKind::Tax)
            .count(),
        2
    );
}

#[test]
fn cn_general_trade_pays_duty_and_full_taxes() {
    let q = quote(&cn("2026-11-25", "1", "1000.00", Some("15"), false));
    assert_eq!(&*q.regime, "cn_general_trade");
    assert_eq!(q.duty, dec("50.00"));
    // CT = 1050 / 0.85 × 0.15 = 185.29; VAT = (1050 + 185.29) × 13 % = 160.59
    assert_eq!(amount(&q, "import consumption tax"), dec("185.29"));
    assert_eq!(amount(&q, "import VAT"), dec("160.59"));
}

#[test]
fn cn_5000_per_order_below_at_and_above() {
    // Two units so that the single-item rule does not apply above the limit.
    for (price, regime) in [
        ("2499.99", "cn_cbec"),
        ("2500.00", "cn_cbec"),
        ("2500.01", "cn_general_trade"),
    ] {
        let q = quote(&cn("2026-11-25", "2", price, None, true));
        assert_eq!(&*q.regime, regime, "price {price}");
    }
}

#[test]
fn cn_single_item_above_5000_enters_cbec_with_full_taxes() {
    let q = quote(&cn("2026-11-25", "1", "5000.01", None, true));
    assert_eq!(&*q.regime, "cn_cbec_full");
    assert_eq!(q.duty, dec("250.00"));
    // Full VAT: (5000.01 + 250.00) × 13 % = 682.50
    assert_eq!(amount(&q, "import VAT"), dec("682.50"));
    assert!(warned(&q, "cn_cbec_single_item"));
    // At the annual limit exactly (strictly below is required): general trade.
    let mut v = cn("2026-11-25", "1", "6000.00", None, true);
    v["annual_purchases"] = json!("20000.00");
    assert_eq!(&*quote(&v).regime, "cn_general_trade");
    v["annual_purchases"] = json!("19999.99");
    assert_eq!(&*quote(&v).regime, "cn_cbec_full");
}

#[test]
fn cn_annual_limit_below_at_and_above() {
    for (annual, regime) in [
        ("24999.99", "cn_cbec"),
        ("25000.00", "cn_cbec"),
        ("25000.01", "cn_general_trade"),
    ] {
        let mut v = cn("2026-11-25", "2", "500.00", None, true);
        v["annual_purchases"] = json!(annual);
        assert_eq!(&*quote(&v).regime, regime, "annual {annual}");
    }
}

#[test]
fn cn_annual_limit_unchecked_without_annual_purchases_is_a_warning() {
    let mut v = cn("2026-11-25", "1", "100.00", None, true);
    v.as_object_mut().unwrap().remove("annual_purchases");
    let q = quote(&v);
    assert_eq!(&*q.regime, "cn_cbec");
    assert!(
        warned(&q, "annual limit was not checked"),
        "{:?}",
        q.warnings
    );
    // Given where nothing tests it: reported as unused.
    let mut v = br("2026-11-25", "50.00", "SP", true);
    v["annual_purchases"] = json!("100.00");
    let q = quote(&v);
    assert!(warned(&q, "annual_purchases: not used"), "{:?}", q.warnings);
}

#[test]
fn cn_excise_rate_where_nothing_uses_it_is_reported() {
    let v = json!({"date": "2026-11-25", "destination": "DE", "currency": "EUR",
        "lines": [{"hs_code": "610910", "quantity": "1", "unit_price": "200.00",
            "origin": "CN", "duty_rate": "12", "excise_rate": "15"}]});
    let q = quote(&v);
    assert!(
        warned(&q, "lines[0].excise_rate: not used"),
        "{:?}",
        q.warnings
    );
}

#[test]
fn cn_coverage_starts_2019_01_01_and_the_vat_changes_2019_04_01() {
    let e = quote_err(&cn("2018-12-31", "1", "100.00", None, true));
    assert!(matches!(e, Error::NoRateInForce { .. }), "{e}");
    for (date, vat) in [
        ("2019-01-01", "11.20"),
        ("2019-03-31", "11.20"),
        ("2019-04-01", "9.10"),
        ("2019-04-02", "9.10"),
    ] {
        let q = quote(&cn(date, "1", "100.00", None, true));
        assert_eq!(&*q.regime, "cn_cbec", "{date}");
        assert_eq!(amount(&q, "import VAT"), dec(vat), "{date}");
    }
}

#[test]
fn cn_no_tariff_row_needs_duty_rate() {
    let mut v = cn("2026-11-25", "2", "3000.00", None, true);
    v["lines"][0].as_object_mut().unwrap().remove("duty_rate");
    let e = quote_err(&v);
    assert!(e.to_string().contains("give duty_rate"), "{e}");
}

// ------------------------------------------------------------------------------------------
// BR

fn br(date: &str, usd: &str, region: &str, certified: bool) -> Value {
    let mut v = json!({"date": date, "destination": "BR", "region": region,
        "currency": "USD", "ship_from": "CN",
        "exchange_rates": [{"from": "USD", "to": "BRL", "rate": "5"}],
        "lines": [{"hs_code": "610910", "quantity": "1", "unit_price": usd, "origin": "CN"}]});
    if certified {
        v["seller_registrations"] = json!(["BR_REMESSA_CONFORME"]);
    }
    v
}

#[test]
fn br_remessa_conforme_at_50_and_50_01() {
    // US$50 = R$250: import tax 20 % = 50.00; ICMS 17 % = 300 / 0.83 × 0.17 = 61.45
    let q = quote(&br("2026-11-25", "50.00", "SP", true));
    assert_eq!(&*q.regime, "br_remessa_conforme");
    assert_eq!(amount(&q, "import tax"), dec("50.00"));
    assert_eq!(amount(&q, "ICMS"), dec("61.45"));
    // US$50.01 = R$250.05: 60 % = 150.03 minus US$20 = R$100 → 50.03
    let q = quote(&br("2026-11-25", "50.01", "SP", true));
    assert_eq!(amount(&q, "import tax"), dec("50.03"));
    // ICMS = (250.05 + 50.03) / 0.83 × 0.17 = 61.46
    assert_eq!(amount(&q, "ICMS"), dec("61.46"));
    let q = quote(&br("2026-11-25", "49.99", "SP", true));
    assert_eq!(amount(&q, "import tax"), dec("49.99"));
}

#[test]
fn br_uol_example_us50_plus_10_import_tax_icms_12_29() {
    // The worked example: US$50 + 10 import tax, ICMS 17 % = 12.29 (in USD: rate 1).
    let mut v = br("2026-11-25", "50.00", "SP", true);
    v["currency"] = json!("BRL");
    v["exchange_rates"] = json!([{"from": "USD", "to": "BRL", "rate": "1"}]);
    let q = quote(&v);
    assert_eq!(amount(&q, "import tax"), dec("10.00"));
    assert_eq!(amount(&q, "ICMS"), dec("12.29"));
}

#[test]
fn br_3000_below_at_and_above() {
    let q = quote(&br("2026-11-25", "2999.99", "SP", true));
    // 60 % of R$14,999.95 = 8999.97 minus R$100
    assert_eq!(amount(&q, "import tax"), dec("8899.97"));
    let q = quote(&br("2026-11-25", "3000.00", "SP", true));
    assert_eq!(amount(&q, "import tax"), dec("8900.00"));
    let e = quote_err(&br("2026-11-25", "3000.01", "SP", true));
    assert!(e.to_string().contains("give duty_rate"), "{e}");
    let mut v = br("2026-11-25", "3000.01", "SP", true);
    v["lines"][0]["duty_rate"] = json!("35");
    let q = quote(&v);
    assert_eq!(&*q.regime, "br_import");
    assert_eq!(q.duty, dec("5250.02"));
    assert!(warned(&q, "br_regular_import_value"));
}

#[test]
fn br_remessa_conforme_registration_is_not_reported_as_unused() {
    // The registration is read by the duty band's condition, not by a `[[rule]]`: it has an
    // effect and must not be reported as having none.
    let q = quote(&br("2026-11-25", "50.00", "SP", true));
    assert!(!warned(&q, "has no effect"), "{:?}", q.warnings);
    // A registration nothing in BR reads is still reported.
    let mut v = br("2026-11-25", "50.00", "SP", true);
    v["seller_registrations"] = json!(["BR_REMESSA_CONFORME", "NO_VOEC"]);
    let q = quote(&v);
    assert!(warned(&q, "NO_VOEC"), "{:?}", q.warnings);
}

#[test]
fn br_seller_outside_the_programme_pays_60_percent_flat() {
    let q = quote(&br("2026-11-25", "50.00", "SP", false));
    assert_eq!(&*q.regime, "br_rts");
    assert_eq!(amount(&q, "import tax"), dec("150.00"));
    assert_eq!(q.charges.first().unwrap().rate, Some(dec("60")));
}

#[test]
fn br_coverage_starts_2024_08_01() {
    let e = quote_err(&br("2024-07-31", "50.00", "SP", true));
    assert!(matches!(e, Error::NoRateInForce { .. }), "{e}");
    for date in ["2024-08-01", "2024-08-02"] {
        let q = quote(&br(date, "50.00", "SP", true));
        assert_eq!(amount(&q, "import tax"), dec("50.00"), "{date}");
    }
}

#[test]
fn br_icms_20_percent_states_from_2025_04_01() {
    // R$300 base: 17 % → 61.45; 20 % → 300 / 0.8 × 0.2 = 75.00
    for (date, region, icms) in [
        ("2025-03-31", "MG", "61.45"),
        ("2025-04-01", "MG", "75.00"),
        ("2025-04-02", "MG", "75.00"),
        ("2025-03-31", "SP", "61.45"),
        ("2025-04-01", "SP", "61.45"),
        ("2025-04-02", "BA", "75.00"),
    ] {
        let q = quote(&br(date, "50.00", region, true));
        assert_eq!(amount(&q, "ICMS"), dec(icms), "{date} {region}");
    }
}

#[test]
fn br_needs_a_valid_state() {
    let mut v = br("2026-11-25", "50.00", "SP", true);
    v.as_object_mut().unwrap().remove("region");
    assert!(quote_err(&v).to_string().contains("region"));
    let e = quote_err(&br("2026-11-25", "50.00", "XX", true));
    assert!(e.to_string().contains("not a region of BR"), "{e}");
}

#[test]
fn br_duty_band_spreads_the_deduction_over_the_lines() {
    let mut v = br("2026-11-25", "40.00", "RJ", true);
    v["lines"] = json!([
        {"hs_code": "610910", "quantity": "1", "unit_price": "40.00", "origin": "CN"},
        {"hs_code": "420222", "quantity": "2", "unit_price": "10.00", "origin": "CN"},
    ]);
    let q = quote(&v);
    // US$60 = R$300: 180 − 100 = 80.00, split 200:100
    assert_eq!(q.duty, dec("80.00"));
    assert_eq!(q.lines[0].duty + q.lines[1].duty, dec("80.00"));
    assert_eq!(q.lines[0].duty, dec("53.33"));
}

// ------------------------------------------------------------------------------------------
// MX

fn mx(date: &str, usd: &str, from: &str) -> Value {
    json!({"date": date, "destination": "MX", "currency": "USD", "ship_from": from,
        "exchange_rates": [{"from": "USD", "to": "MXN", "rate": "20"}],
        "lines": [{"hs_code": "610910", "quantity": "1", "unit_price": usd, "origin": from}]})
}

#[test]
fn mx_global_rate_replaces_duty_and_vat() {
    let q = quote(&mx("2025-03-01", "100.00", "CN"));
    assert_eq!(&*q.regime, "mx_courier_global");
    assert_eq!(q.duty, dec("380.00"));
    assert_eq!(q.tax, Decimal::ZERO);
    assert_eq!(q.charges.len(), 1);
    assert!(warned(&q, "DTA"));
}

#[test]
fn mx_33_5_percent_from_2025_08_15() {
    for (date, duty) in [
        ("2025-08-14", "380.00"),
        ("2025-08-15", "670.00"),
        ("2025-08-16", "670.00"),
    ] {
        assert_eq!(quote(&mx(date, "100.00", "CN")).duty, dec(duty), "{date}");
    }
}

#[test]
fn mx_usmca_bands_before_and_after_2025_08_15() {
    for (date, usd, duty) in [
        ("2025-08-14", "50.00", "0"),
        ("2025-08-14", "50.01", "190.04"),
        ("2025-08-14", "117.00", "444.60"),
        ("2025-08-15", "50.00", "0"),
        ("2025-08-15", "50.01", "170.03"),
        ("2025-08-15", "117.00", "397.80"),
        ("2025-08-15", "117.01", "444.64"),
        ("2025-08-16", "117.01", "444.64"),
    ] {
        let q = quote(&mx(date, usd, "US"));
        assert_eq!(q.duty, dec(duty), "{date} {usd}");
        assert_eq!(q.tax, Decimal::ZERO);
    }
}

#[test]
fn mx_2500_below_at_and_above() {
    assert_eq!(
        quote(&mx("2025-03-01", "2499.99", "CN")).duty,
        dec("9499.96")
    );
    assert_eq!(
        quote(&mx("2025-03-01", "2500.00", "CN")).duty,
        dec("9500.00")
    );
    let e = quote_err(&mx("2025-03-01", "2500.01", "CN"));
    assert!(e.to_string().contains("not covered"), "{e}");
}

#[test]
fn mx_outside_courier_and_before_2025_are_errors() {
    let mut v = mx("2025-03-01", "100.00", "CN");
    v["transport"] = json!("postal");
    assert!(quote_err(&v).to_string().contains("not covered"));
    let e = quote_err(&mx("2024-12-31", "100.00", "CN"));
    assert!(matches!(e, Error::NoRateInForce { .. }), "{e}");
}

#[test]
fn mx_2026_quotes_warn_that_the_rules_are_unverified() {
    assert!(!warned(
        &quote(&mx("2025-12-31", "100.00", "CN")),
        "RGCE 2026"
    ));
    for date in ["2026-01-01", "2026-01-02"] {
        assert!(
            warned(&quote(&mx(date, "100.00", "CN")), "RGCE 2026"),
            "{date}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// The new data fields are checked at load, with the row's place.

fn load_err(rows: &str) -> String {
    let text = format!("schema_version = 1\n{rows}");
    match RateTables::from_toml_str("t.toml", &text) {
        Ok(_) => panic!("loaded: {rows}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_not_covered_rule_without_its_warning_is_refused_at_load() {
    let e = load_err(
        r#"[[rule]]
territory = "MX"
name = "mx_x"
effects = ["not_covered"]
effective_from = "2025-01-01"
source = "test"
"#,
    );
    assert!(
        e.contains("not_covered effect needs a warning") && e.contains("t.toml"),
        "{e}"
    );
}

#[test]
fn a_duty_band_with_bounds_out_of_order_or_a_negative_deduction_is_refused_at_load() {
    let band = |above: &str, deduction: &str| {
        format!(
            r#"[[duty_band]]
territory = "BR"
name = "b"
label = "import tax"
regime = "br_x"
value = "customs_value"
currency = "USD"
above = "{above}"
up_to = "50"
rate_percent = "20"
deduction = "{deduction}"
effective_from = "2024-08-01"
source = "test"
"#
        )
    };
    assert!(load_err(&band("50", "1")).contains("above must be less than up_to"));
    assert!(load_err(&band("10", "-1")).contains("deduction -1 is negative"));
}

#[test]
fn a_negative_tax_factor_or_an_unknown_rate_source_is_refused_at_load() {
    let e = load_err(
        r#"[[rule]]
territory = "CN"
name = "cn_x"
effects = []
tax_factor_percent = "-70"
effective_from = "2019-01-01"
source = "test"
"#,
    );
    assert!(e.contains("tax_factor_percent -70 is negative"), "{e}");
    let e = load_err(
        r#"[[import_tax]]
territory = "CN"
name = "ct"
label = "ct"
rate = "excise"
base = ["customs_value"]
effective_from = "2019-01-01"
source = "test"
"#,
    );
    assert!(e.contains("line_excise"), "{e}");
}

#[test]
fn negative_annual_purchases_are_bad_input() {
    let mut v = cn("2026-11-25", "1", "100.00", None, true);
    v["annual_purchases"] = json!("-1");
    let e = quote_err(&v);
    assert!(e.to_string().starts_with("annual_purchases"), "{e}");
}

/// The sample requests of `examples/requests/` for the regimes of part 2 quote under the regime
/// they describe, with the charges they name and no registration reported as without effect.
#[test]
fn the_jp_cn_br_mx_example_requests_run() {
    for (file, regime, charges) in [
        (
            "jp_import",
            "jp_import",
            &[
                "customs duty",
                "consumption tax (national)",
                "local consumption tax",
            ][..],
        ),
        (
            "cn_cbec",
            "cn_cbec",
            &["import VAT", "import consumption tax"][..],
        ),
        (
            "br_remessa",
            "br_remessa_conforme",
            &["import tax", "ICMS"][..],
        ),
        (
            "mx_courier",
            "mx_courier_global",
            &["global rate (courier simplified procedure)"][..],
        ),
    ] {
        let q = crate::example_quote(file);
        assert_eq!(&*q.regime, regime, "{file}");
        for name in charges {
            assert!(amount(&q, name) > Decimal::ZERO, "{file}: {name}");
        }
        assert!(!warned(&q, "has no effect"), "{file}: {:?}", q.warnings);
    }
}
