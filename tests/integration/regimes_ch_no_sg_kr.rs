//! Issue 19 regimes of Switzerland, Norway, Singapore and South Korea on the embedded data:
//! every threshold below / at / above, the day before / of / after each dated change, mixed
//! per-item orders, registrations on and off, business buyers, transport modes; and the
//! laws of the new mechanisms (a tax-amount threshold waives the whole border tax; a
//! line-scoped rule moves only the lines under its limit), checked on random carts.

use landed::landed::{ChargeKind, CollectedAt};
use landed::{Error, Quote, QuoteRequest, RateTables};
use proptest::prelude::*;
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

fn line(hs: &str, qty: &str, price: &str) -> Value {
    json!({"hs_code": hs, "quantity": qty, "unit_price": price, "origin": "CN"})
}

fn taxes(q: &Quote, at: CollectedAt) -> Decimal {
    q.charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Tax && c.collected_at == at)
        .map(|c| c.amount)
        .sum()
}

fn has_warning(q: &Quote, text: &str) -> bool {
    q.warnings.iter().any(|w| w.contains(text))
}

fn is_not_in_force(e: &Error) -> bool {
    matches!(e, Error::NoRateInForce { .. })
}

fn input_field(e: &Error) -> String {
    match e {
        Error::InvalidInput { field, .. } => field.clone(),
        other => panic!("expected an input error, got {other:?}"),
    }
}

// ------------------------------------------------------------------------------------------
// CH

fn ch(date: &str, lines: Value) -> Value {
    json!({"date": date, "destination": "CH", "currency": "CHF", "ship_from": "CN", "lines": lines})
}

/// Goods of CHF 61.00 / 61.70 / 61.73 / 61.80 at 8.1 %: import VAT 4.94, 5.00 (4.9977), 5.00
/// (5.00013) and 5.01. At CHF 5.00 or less, nothing is levied; at 5.01 the whole amount is.
#[test]
fn ch_import_vat_of_chf_5_or_less_is_not_levied_and_above_it_is_levied_whole() {
    for (price, levied) in [
        ("61.00", None),
        ("61.70", None),
        ("61.73", None),
        ("61.80", Some("5.01")),
        ("100.00", Some("8.10")),
    ] {
        let q = quote(&ch("2026-06-01", json!([line("851830", "1", price)])));
        assert_eq!(
            q.duty,
            Decimal::ZERO,
            "{price}: industrial goods are duty-free"
        );
        match levied {
            None => {
                assert_eq!(q.tax, Decimal::ZERO, "{price}");
                assert!(
                    q.charges.iter().all(|c| c.kind != ChargeKind::Tax),
                    "{price}"
                );
                assert_eq!(&*q.regime, "ch_small_tax_amount", "{price}");
                assert_eq!(q.lines[0].tax, Decimal::ZERO);
                assert_eq!(q.collected_at, CollectedAt::None);
            }
            Some(a) => {
                assert_eq!(q.tax, dec(a), "{price}");
                assert_eq!(&*q.regime, "ch_import", "{price}");
                let c = q
                    .charges
                    .iter()
                    .find(|c| c.kind == ChargeKind::Tax)
                    .unwrap();
                assert_eq!(&*c.name, "import VAT");
                assert_eq!(c.rate, Some(dec("8.1")));
            }
        }
    }
}

/// The reduced rate: CHF 192.30 at 2.6 % is 4.99998 (5.00, not levied); CHF 192.50 is 5.005
/// (5.01, levied).
#[test]
fn ch_reduced_rate_tax_amount_threshold() {
    let reduced = |price: &str| {
        let mut l = line("490199", "1", price);
        l["tax_category"] = json!("reduced");
        quote(&ch("2026-06-01", json!([l])))
    };
    assert_eq!(reduced("192.30").tax, Decimal::ZERO);
    assert_eq!(reduced("192.50").tax, dec("5.01"));
}

/// The base is goods + shipping + insurance + duty + taxable fees (carrier clearance charges
/// given as `extra_fees` marked taxable); the fees themselves stay when the tax is waived.
#[test]
fn ch_import_vat_base_includes_transport_and_taxable_clearance_fees() {
    let mut v = ch("2026-06-01", json!([line("851830", "1", "50.00")]));
    v["shipping"] = json!("8.00");
    v["insurance"] = json!("2.00");
    // 60.00 × 8.1 % = 4.86: not levied.
    let q = quote(&v);
    assert_eq!(q.tax, Decimal::ZERO);
    v["extra_fees"] = json!([{"name": "clearance", "amount": "11.50", "taxable": true}]);
    // 71.50 × 8.1 % = 5.7915 → 5.79.
    let q = quote(&v);
    assert_eq!(q.tax, dec("5.79"));
    assert_eq!(q.fees, dec("11.50"));
    v["extra_fees"] = json!([{"name": "clearance", "amount": "11.50", "taxable": false}]);
    let q = quote(&v);
    assert_eq!(q.tax, Decimal::ZERO);
    assert_eq!(q.fees, dec("11.50"), "a fee stays when the tax is waived");
}

/// Agricultural goods (chapters 1–24) and chapters 35 and 38 (whose agricultural exceptions
/// the sources do not list) keep their duty: no Swiss tariff, so duty_rate is needed; the
/// duty enters the VAT base.
#[test]
fn ch_agricultural_goods_need_duty_rate_industrial_goods_do_not() {
    for hs in ["040690", "350610", "380893"] {
        let e = quote_err(&ch("2026-06-01", json!([line(hs, "1", "100.00")])));
        assert_eq!(input_field(&e), "lines[0].hs_code", "{hs}");
    }
    let mut cheese = line("040690", "1", "100.00");
    cheese["duty_rate"] = json!("10");
    let q = quote(&ch(
        "2026-06-01",
        json!([cheese, line("950300", "1", "100.00")]),
    ));
    assert_eq!(q.duty, dec("10.00"));
    assert_eq!(q.lines[1].duty, Decimal::ZERO);
    // (100 + 10) × 8.1 % + 100 × 8.1 % = 8.91 + 8.10.
    assert_eq!(q.tax, dec("17.01"));
    // A duty_rate on industrial goods is reported unused.
    let mut toy = line("950300", "1", "100.00");
    toy["duty_rate"] = json!("5");
    let q = quote(&ch("2026-06-01", json!([toy])));
    assert!(has_warning(
        &q,
        "ch_industrial_goods relieves the line of duty"
    ));
}

/// Coverage starts 2024-01-01 (abolition of industrial tariffs): the day before is an error.
#[test]
fn ch_coverage_starts_2024_01_01() {
    assert!(is_not_in_force(&quote_err(&ch(
        "2023-12-31",
        json!([line("851830", "1", "100.00")])
    ))));
    for d in ["2024-01-01", "2024-01-02"] {
        let q = quote(&ch(d, json!([line("851830", "1", "100.00")])));
        assert_eq!(q.tax, dec("8.10"), "{d}");
        assert_eq!(q.duty, Decimal::ZERO, "{d}");
    }
}

/// `CH_VAT` is accepted; nothing in the data uses it, and the quote says so.
#[test]
fn ch_vat_registration_is_accepted_and_reported_without_effect() {
    let mut v = ch("2026-06-01", json!([line("851830", "1", "100.00")]));
    let plain = quote(&v);
    v["seller_registrations"] = json!(["CH_VAT"]);
    let q = quote(&v);
    assert_eq!(q.tax, plain.tax);
    assert!(has_warning(&q, "CH_VAT has no effect"), "{:?}", q.warnings);
}

/// A quote in euro: the tax amount is tested in francs.
#[test]
fn ch_tax_amount_threshold_is_tested_in_francs() {
    let mut v = ch("2026-06-01", json!([line("851830", "1", "60.00")]));
    v["currency"] = json!("EUR");
    v["exchange_rates"] = json!([{"from": "EUR", "to": "CHF", "rate": "0.93"}]);
    // 55.80 CHF × 8.1 % = 4.52: not levied.
    assert_eq!(quote(&v).tax, Decimal::ZERO);
    v["exchange_rates"] = json!([{"from": "EUR", "to": "CHF", "rate": "1.10"}]);
    // 66.00 CHF × 8.1 % = 5.346 → 5.35.
    assert_eq!(quote(&v).tax, dec("5.35"));
}

// ------------------------------------------------------------------------------------------
// NO

fn no(date: &str, lines: Value, voec: bool) -> Value {
    let mut v = json!({"date": date, "destination": "NO", "currency": "NOK", "ship_from": "CN",
                       "shipping": "100.00", "lines": lines});
    if voec {
        v["seller_registrations"] = json!(["NO_VOEC"]);
    }
    v
}

/// Below NOK 3,000 per item: VAT at checkout on the price with shipping; at or above: VAT at
/// the border on customs value + duty.
#[test]
fn no_voec_items_below_nok_3000_pay_vat_at_checkout() {
    for (price, checkout) in [("2999.99", true), ("3000", false), ("3000.01", false)] {
        let q = quote(&no("2026-06-01", json!([line("851830", "1", price)]), true));
        let base = dec(price) + dec("100.00");
        let vat = (base * dec("0.25")).round_dp(2);
        assert_eq!(q.duty, Decimal::ZERO, "{price}");
        if checkout {
            assert_eq!(taxes(&q, CollectedAt::Checkout), vat, "{price}");
            assert_eq!(taxes(&q, CollectedAt::Border), Decimal::ZERO, "{price}");
            assert_eq!(&*q.regime, "no_voec");
            assert!(has_warning(&q, "no_voec: the goods outside VOEC"));
        } else {
            assert_eq!(taxes(&q, CollectedAt::Border), vat, "{price}");
            assert_eq!(taxes(&q, CollectedAt::Checkout), Decimal::ZERO, "{price}");
            assert_eq!(&*q.regime, "no_import");
            assert!(!has_warning(&q, "no_voec:"));
        }
    }
}

/// Per item, not per order: two items of NOK 2,000 (an order of 4,000) go to checkout; in a
/// mixed order only the line under the limit does, the other pays at the border.
#[test]
fn no_voec_mixed_order_splits_lines_between_checkout_and_border() {
    let q = quote(&no(
        "2026-06-01",
        json!([line("851830", "2", "2000"), line("950300", "1", "3500")]),
        true,
    ));
    // Shipping 100 spread 4000 : 3500 → 53.33 / 46.67.
    assert_eq!(q.lines[0].shipping, dec("53.33"));
    assert_eq!(taxes(&q, CollectedAt::Checkout), dec("1013.33"));
    assert_eq!(taxes(&q, CollectedAt::Border), dec("886.67"));
    assert_eq!(q.lines[0].tax, dec("1013.33"));
    assert_eq!(q.lines[1].tax, dec("886.67"));
    assert_eq!(&*q.regime, "no_voec");
}

/// Without the registration, or for a business buyer, everything pays at the border.
#[test]
fn no_voec_needs_the_registration_and_a_consumer() {
    let lines = json!([line("851830", "1", "1000")]);
    let q = quote(&no("2026-06-01", lines.clone(), false));
    assert_eq!(taxes(&q, CollectedAt::Border), dec("275.00"));
    assert_eq!(&*q.regime, "no_import");
    let mut v = no("2026-06-01", lines, true);
    v["buyer"] = json!("business");
    let q = quote(&v);
    assert_eq!(taxes(&q, CollectedAt::Border), dec("275.00"));
    assert_eq!(taxes(&q, CollectedAt::Checkout), Decimal::ZERO);
}

/// Duty at the border only on clothing and foodstuffs (duty_rate needed); VOEC relieves
/// clothing of duty; foodstuffs are outside VOEC.
#[test]
fn no_duty_only_on_clothing_and_food_at_the_border() {
    let e = quote_err(&no(
        "2026-06-01",
        json!([line("610910", "1", "3500")]),
        true,
    ));
    assert_eq!(input_field(&e), "lines[0].hs_code");
    let q = quote(&no("2026-06-01", json!([line("610910", "1", "500")]), true));
    assert_eq!(q.duty, Decimal::ZERO);
    assert_eq!(taxes(&q, CollectedAt::Checkout), dec("150.00"));
    let mut food = line("210690", "1", "500");
    food["duty_rate"] = json!("10");
    food["tax_category"] = json!("reduced");
    let q = quote(&no("2026-06-01", json!([food]), true));
    assert_eq!(q.duty, dec("60.00"));
    // (600 + 60) × 15 %.
    assert_eq!(taxes(&q, CollectedAt::Border), dec("99.00"));
    assert_eq!(taxes(&q, CollectedAt::Checkout), Decimal::ZERO);
}

#[test]
fn no_coverage_starts_2024_01_01() {
    let l = json!([line("851830", "1", "1000")]);
    assert!(is_not_in_force(&quote_err(&no(
        "2023-12-31",
        l.clone(),
        true
    ))));
    for d in ["2024-01-01", "2024-01-02"] {
        assert_eq!(
            taxes(&quote(&no(d, l.clone(), true)), CollectedAt::Checkout),
            dec("275.00")
        );
    }
}

// ------------------------------------------------------------------------------------------
// SG

fn sg(date: &str, lines: Value, ovr: bool, transport: &str) -> Value {
    let mut v = json!({"date": date, "destination": "SG", "currency": "SGD", "ship_from": "CN",
                       "transport": transport, "lines": lines});
    if ovr {
        v["seller_registrations"] = json!(["SG_OVR"]);
    }
    v
}

/// OVR: items of S$400 or less each (air or post) pay GST at checkout; above, at the border
/// (the consignment then exceeds the S$400 relief).
#[test]
fn sg_ovr_items_of_sgd_400_or_less_pay_gst_at_checkout() {
    for (price, checkout) in [("399.99", true), ("400", true), ("400.01", false)] {
        let q = quote(&sg(
            "2026-06-01",
            json!([line("851830", "1", price)]),
            true,
            "postal",
        ));
        let gst = (dec(price) * dec("0.09")).round_dp(2);
        if checkout {
            assert_eq!(taxes(&q, CollectedAt::Checkout), gst, "{price}");
            assert_eq!(&*q.regime, "sg_ovr");
            assert!(has_warning(&q, "sg_ovr:"));
        } else {
            assert_eq!(taxes(&q, CollectedAt::Border), gst, "{price}");
            assert_eq!(taxes(&q, CollectedAt::Checkout), Decimal::ZERO);
        }
    }
    // Per item: two items of S$300 go to checkout though the order is S$600.
    let q = quote(&sg(
        "2026-06-01",
        json!([line("851830", "2", "300")]),
        true,
        "air",
    ));
    assert_eq!(taxes(&q, CollectedAt::Checkout), dec("54.00"));
    // By sea, no OVR and no relief.
    let q = quote(&sg(
        "2026-06-01",
        json!([line("851830", "1", "300")]),
        true,
        "ocean",
    ));
    assert_eq!(taxes(&q, CollectedAt::Border), dec("27.00"));
}

/// Border relief: a consignment of CIF S$400 or less by air or post pays no GST; above, GST
/// on the whole value (CIF + duty). Shipping counts in the CIF value.
#[test]
fn sg_import_relief_up_to_cif_sgd_400() {
    let ship = |goods: &str, shipping: &str| {
        let mut v = sg(
            "2026-06-01",
            json!([line("851830", "1", goods)]),
            false,
            "courier",
        );
        v["shipping"] = json!(shipping);
        quote(&v)
    };
    let q = ship("390", "10.00");
    assert_eq!(q.tax, Decimal::ZERO);
    assert_eq!(&*q.regime, "sg_import_relief");
    assert_eq!(ship("390", "9.99").tax, Decimal::ZERO);
    // 400.01 × 9 % = 36.0009.
    assert_eq!(ship("390", "10.01").tax, dec("36.00"));
    assert_eq!(ship("390", "10.01").collected_at, CollectedAt::Border);
    // Liquor is outside the relief and dutiable.
    let mut wine = line("220421", "1", "100");
    let e = quote_err(&sg("2026-06-01", json!([wine.clone()]), false, "postal"));
    assert_eq!(input_field(&e), "lines[0].hs_code");
    wine["duty_rate"] = json!("10");
    let q = quote(&sg("2026-06-01", json!([wine]), false, "postal"));
    assert_eq!(q.duty, dec("10.00"));
    assert_eq!(q.tax, dec("9.90"));
}

/// A GST-registered business that gives its number is outside OVR: GST at the border.
#[test]
fn sg_ovr_excludes_gst_registered_businesses() {
    let mut v = sg(
        "2026-06-01",
        json!([line("851830", "3", "200")]),
        true,
        "air",
    );
    v["buyer"] = json!("business");
    v["buyer_tax_id"] = json!("M90312345A");
    let q = quote(&v);
    assert_eq!(taxes(&q, CollectedAt::Checkout), Decimal::ZERO);
    assert_eq!(taxes(&q, CollectedAt::Border), dec("54.00"));
}

/// Chapters 27 and 87 stay dutiable whole (the list of dutiable goods is unverified).
#[test]
fn sg_motor_vehicles_and_petroleum_need_duty_rate_and_warn() {
    let mut car = line("870323", "1", "30000");
    let e = quote_err(&sg("2026-06-01", json!([car.clone()]), false, "ocean"));
    assert_eq!(input_field(&e), "lines[0].hs_code");
    car["duty_rate"] = json!("20");
    let q = quote(&sg("2026-06-01", json!([car]), false, "ocean"));
    assert!(has_warning(&q, "sg_dutiable_unverified"));
    let q = quote(&sg(
        "2026-06-01",
        json!([line("851830", "1", "1000")]),
        false,
        "ocean",
    ));
    assert!(!has_warning(&q, "sg_dutiable_unverified"));
}

/// GST 8 % in 2023, 9 % from 2024-01-01; coverage from 2023-01-01.
#[test]
fn sg_rates_across_2023_and_2024() {
    let l = json!([line("851830", "1", "300")]);
    assert!(is_not_in_force(&quote_err(&sg(
        "2022-12-31",
        l.clone(),
        true,
        "air"
    ))));
    for (d, gst) in [
        ("2023-01-01", "24.00"),
        ("2023-01-02", "24.00"),
        ("2023-12-31", "24.00"),
        ("2024-01-01", "27.00"),
        ("2024-01-02", "27.00"),
    ] {
        let q = quote(&sg(d, l.clone(), true, "air"));
        assert_eq!(taxes(&q, CollectedAt::Checkout), dec(gst), "{d}");
    }
}

// ------------------------------------------------------------------------------------------
// KR

fn kr(date: &str, price: &str, from: &str, transport: &str) -> Value {
    let mut l = line("851830", "1", price);
    l["origin"] = json!(from);
    l["duty_rate"] = json!("8");
    json!({"date": date, "destination": "KR", "currency": "USD", "ship_from": from,
           "transport": transport, "shipping": "20.00",
           "exchange_rates": [{"from": "USD", "to": "KRW", "rate": "1400"}],
           "lines": [l]})
}

/// USD 150 (freight excluded): free of duty and VAT; above, the whole value: duty on CIF,
/// VAT 10 % on CIF + duty, in whole won.
#[test]
fn kr_list_clearance_usd_150() {
    let q = quote(&kr("2026-06-01", "150", "CN", "courier"));
    assert_eq!(q.total_charges, Decimal::ZERO);
    assert_eq!(&*q.regime, "kr_list_clearance");
    assert!(has_warning(&q, "kr_secondary_sources"));
    let q = quote(&kr("2026-06-01", "150.01", "CN", "courier"));
    // CIF 170.01 USD = 238,014 KRW; duty 8 % = 19,041.12 → 19,041; VAT 10 % of 257,055.
    assert_eq!(q.duty, dec("19041"));
    assert_eq!(q.tax, dec("25706"));
    assert_eq!(&*q.regime, "kr_import");
}

/// USD 200 for courier shipments from the US; postal from the US stays at USD 150.
#[test]
fn kr_list_clearance_usd_200_by_courier_from_the_us() {
    for (price, transport, free) in [
        ("200", "courier", true),
        ("200.01", "courier", false),
        ("150", "postal", true),
        ("150.01", "postal", false),
        ("199", "postal", false),
    ] {
        let q = quote(&kr("2026-06-01", price, "US", transport));
        assert_eq!(q.total_charges.is_zero(), free, "{price} {transport}");
    }
    // From China by courier the limit is USD 150.
    assert!(
        !quote(&kr("2026-06-01", "180", "CN", "courier"))
            .total_charges
            .is_zero()
    );
}

#[test]
fn kr_coverage_starts_2020_01_01() {
    assert!(is_not_in_force(&quote_err(&kr(
        "2019-12-31",
        "500",
        "CN",
        "courier"
    ))));
    for d in ["2020-01-01", "2020-01-02"] {
        assert!(!quote(&kr(d, "500", "CN", "courier")).tax.is_zero(), "{d}");
    }
    // No KR tariff: duty_rate is needed above the limit.
    let mut v = kr("2026-06-01", "500", "CN", "courier");
    v["lines"][0].as_object_mut().unwrap().remove("duty_rate");
    assert_eq!(input_field(&quote_err(&v)), "lines[0].hs_code");
}

// ------------------------------------------------------------------------------------------
// Laws of the mechanisms, on random carts.

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Law: a tax-amount threshold waives all or nothing — the CH import VAT is either zero or
    /// above CHF 5, never between.
    #[test]
    fn ch_import_vat_is_zero_or_above_chf_5(cents in 1u32..20_000, ship in 0u32..2_000, n in 1usize..4) {
        let lines: Vec<Value> = (0..n)
            .map(|k| line(["851830", "950300", "640411"][k % 3], "1", &Decimal::new(i64::from(cents) + k as i64 * 97, 2).to_string()))
            .collect();
        let mut v = ch("2026-06-01", json!(lines));
        v["shipping"] = json!(Decimal::new(i64::from(ship), 2).to_string());
        let q = quote(&v);
        prop_assert!(q.tax.is_zero() || q.tax > dec("5"), "tax {}", q.tax);
    }

    /// Law: a line-scoped rule moves exactly the lines under its limit — under NO VOEC a line
    /// pays at checkout if and only if its unit price is below NOK 3,000.
    #[test]
    fn no_voec_line_pays_at_checkout_iff_its_item_is_below_the_limit(
        prices in proptest::collection::vec(290_000_u32..310_000, 1..5)
    ) {
        let lines: Vec<Value> = prices
            .iter()
            .map(|p| line("851830", "1", &Decimal::new(i64::from(*p), 2).to_string()))
            .collect();
        let q = quote(&no("2026-06-01", json!(lines), true));
        for (i, p) in prices.iter().enumerate() {
            let at_checkout = q.charges.iter().any(|c| {
                c.kind == ChargeKind::Tax && c.collected_at == CollectedAt::Checkout && c.lines.contains(&i)
            });
            prop_assert_eq!(at_checkout, *p < 300_000, "line {} price {}", i, p);
        }
    }
}

// ------------------------------------------------------------------------------------------
// The new rule fields are validated at load, with the file and line.

fn rule_problem(fields: &str) -> String {
    let text = format!(
        "schema_version = 1\n[[rule]]\nterritory = \"ZZ\"\nname = \"r\"\n{fields}\neffective_from = \"2024-01-01\"\nsource = \"test\"\n"
    );
    RateTables::from_toml_str("r.toml", &text)
        .unwrap_err()
        .to_string()
}

#[test]
fn line_scope_needs_an_item_threshold() {
    let e = rule_problem(
        "scope = \"line\"\neffects = [\"no_duty\"]\nthreshold = { value = \"intrinsic\", currency = \"USD\", amount = \"1\", comparison = \"le\" }",
    );
    assert!(e.contains("r.toml:2") && e.contains("item"), "{e}");
    let e = rule_problem("scope = \"line\"\neffects = [\"no_duty\"]");
    assert!(e.contains("rule r: scope"), "{e}");
    let e = rule_problem("scope = \"lines\"\neffects = [\"no_duty\"]");
    assert!(e.contains("r.toml"), "{e}");
}

#[test]
fn tax_amount_threshold_allows_only_no_tax_and_no_hs_lists() {
    let t = "threshold = { value = \"tax_amount\", currency = \"CHF\", amount = \"5\", comparison = \"le\" }";
    for fields in [
        format!("effects = [\"no_duty\"]\n{t}"),
        format!("effects = [\"no_tax\", \"no_duty\"]\n{t}"),
        format!("effects = [\"no_tax\"]\ninclude_hs = [\"85\"]\n{t}"),
        format!("effects = [\"no_tax\"]\nexclude_hs = [\"85\"]\n{t}"),
        format!("effects = [\"no_tax\"]\nscope = \"line\"\n{t}"),
        format!("effects = [\"no_tax\"]\n{t}\nalso_{t}"),
    ] {
        let e = rule_problem(&fields);
        assert!(
            e.contains("r.toml:2") && e.contains("rule r:"),
            "{fields}: {e}"
        );
    }
    let ok = format!(
        "schema_version = 1\n[[rule]]\nterritory = \"ZZ\"\nname = \"r\"\neffects = [\"no_tax\"]\n{t}\neffective_from = \"2024-01-01\"\nsource = \"test\"\n"
    );
    assert!(RateTables::from_toml_str("r.toml", &ok).is_ok());
}

#[test]
fn a_fee_threshold_cannot_be_on_the_tax_amount() {
    let text = "schema_version = 1\n[[fee]]\nterritory = \"ZZ\"\nname = \"f\"\nlabel = \"f\"\nkind = \"flat\"\namount = \"1\"\ncurrency = \"CHF\"\nthreshold = { value = \"tax_amount\", currency = \"CHF\", amount = \"5\", comparison = \"le\" }\neffective_from = \"2024-01-01\"\nsource = \"test\"\n";
    let e = RateTables::from_toml_str("f.toml", text)
        .unwrap_err()
        .to_string();
    assert!(e.contains("f.toml:2") && e.contains("tax_amount"), "{e}");
}

/// The sample requests of `examples/requests/` for these regimes quote as described there.
#[test]
fn the_ch_no_sg_kr_example_requests_run() {
    for (file, regime, checkout, border) in [
        ("ch_import", "ch_import", false, true),
        ("no_voec", "no_voec", true, true),
        ("sg_ovr", "sg_ovr", true, true),
        ("kr_import", "kr_import", false, true),
    ] {
        let q = crate::example_quote(file);
        assert_eq!(&*q.regime, regime, "{file}");
        assert_eq!(
            !taxes(&q, CollectedAt::Checkout).is_zero(),
            checkout,
            "{file}"
        );
        assert_eq!(!taxes(&q, CollectedAt::Border).is_zero(), border, "{file}");
    }
}
