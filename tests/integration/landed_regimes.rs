//! Landed-cost regimes on the embedded data: every threshold below / at / above, every dated
//! change the day before / of / after, CIF vs FOB, IOSS vs not, DDP vs DAP, preferential vs
//! MFN, business vs consumer, and exact multi-line allocation.

use landed::landed::{ChargeKind, CollectedAt};
use landed::{Error, Quote, QuoteRequest, RateTables};
use serde_json::{Value, json};

use crate::dec;

/// Builds a request from a JSON object, filling `date`, `currency` and `lines` defaults.
fn request(v: Value) -> QuoteRequest {
    QuoteRequest::from_json(&v.to_string()).unwrap()
}

fn quote(v: Value) -> Quote {
    RateTables::embedded().unwrap().quote(&request(v)).unwrap()
}

fn quote_err(v: Value) -> Error {
    RateTables::embedded()
        .unwrap()
        .quote(&request(v))
        .unwrap_err()
}

/// One line of `price` with an HS code, origin and optional duty rate.
fn line(hs: &str, qty: &str, price: &str, origin: &str, duty_rate: Option<&str>) -> Value {
    let mut l = json!({"hs_code": hs, "quantity": qty, "unit_price": price, "origin": origin});
    if let Some(r) = duty_rate {
        l["duty_rate"] = json!(r);
    }
    l
}

fn charge<'q>(q: &'q Quote, name: &str) -> Option<&'q landed::landed::Charge> {
    q.charges.iter().find(|c| &*c.name == name)
}

fn amount_of(q: &Quote, kind: ChargeKind) -> rust_decimal::Decimal {
    q.charges
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.amount)
        .sum()
}

// ------------------------------------------------------------------------------------------
// EU

fn de(date: &str, price: &str, ioss: bool) -> Value {
    let mut v = json!({
        "date": date, "destination": "DE", "currency": "EUR", "ship_from": "CN",
        "shipping": "20.00",
        "lines": [line("610910", "1", price, "CN", Some("12"))]
    });
    if ioss {
        v["seller_registrations"] = json!(["EU_IOSS"]);
    }
    v
}

#[test]
fn eu_ioss_threshold_is_tested_on_intrinsic_value_below_at_and_above_150() {
    for (price, regime, at) in [
        ("149.99", "eu_ioss", CollectedAt::Checkout),
        ("150.00", "eu_ioss", CollectedAt::Checkout),
        ("150.01", "eu_import", CollectedAt::Border),
    ] {
        let q = quote(de("2026-11-25", price, true));
        assert_eq!(&*q.regime, regime, "price {price}");
        assert_eq!(q.collected_at, at, "price {price}");
    }
    // Shipping of 20 takes the customs value to 170 but the intrinsic value stays 150.
    let q = quote(de("2026-11-25", "150.00", true));
    assert_eq!(q.customs_value, dec("170.00"));
    assert_eq!(q.intrinsic_value, dec("150.00"));
}

#[test]
fn ioss_collects_vat_at_checkout_on_the_sale_price_and_non_ioss_at_the_border_on_cif_plus_duty() {
    let ioss = quote(de("2026-11-25", "100.00", true));
    let vat = ioss
        .charges
        .iter()
        .find(|c| c.kind == ChargeKind::Tax)
        .unwrap();
    assert_eq!(vat.collected_at, CollectedAt::Checkout);
    assert_eq!(vat.base, Some(dec("120.00"))); // goods + delivery
    assert_eq!(vat.amount, dec("22.80")); // 19 %
    // The €3 duty applies whatever the VAT scheme.
    assert_eq!(ioss.duty, dec("3.00"));

    let border = quote(de("2026-11-25", "100.00", false));
    assert_eq!(&*border.regime, "eu_import");
    let vat = charge(&border, "import VAT").unwrap();
    assert_eq!(vat.collected_at, CollectedAt::Border);
    // CIF 120 + €3 duty = 123 at 19 %.
    assert_eq!(vat.base, Some(dec("123.00")));
    assert_eq!(vat.amount, dec("23.37"));
    assert_eq!(border.duty, dec("3.00"));
}

#[test]
fn eu_duty_relief_ends_2026_06_30_and_the_flat_duty_runs_2026_07_01_to_2028_06_30() {
    let duty = |d: &str| quote(de(d, "100.00", true)).duty;
    assert_eq!(duty("2026-06-30"), dec("0.00")); // relief
    assert_eq!(duty("2026-07-01"), dec("3.00")); // flat €3
    assert_eq!(duty("2026-07-02"), dec("3.00"));
    assert_eq!(duty("2028-06-30"), dec("3.00"));
    // From 2028-07-01 the tariff applies: 12 % of CIF 120.
    assert_eq!(duty("2028-07-01"), dec("14.40"));
    assert_eq!(duty("2028-07-02"), dec("14.40"));
    // Above €150 the tariff applies on every date.
    assert_eq!(quote(de("2026-06-30", "150.01", false)).duty, dec("20.40"));
    assert_eq!(quote(de("2026-07-01", "150.01", false)).duty, dec("20.40"));
}

#[test]
fn eu_flat_duty_counts_each_distinct_subheading_once() {
    let base = |lines: Value| {
        quote(json!({
            "date": "2026-11-25", "destination": "FR", "currency": "EUR", "ship_from": "CN",
            "seller_registrations": ["EU_IOSS"], "lines": lines
        }))
    };
    // Five T-shirts: one subheading, €3.
    assert_eq!(
        base(json!([line("610910", "5", "10.00", "CN", None)])).duty,
        dec("3.00")
    );
    // Two lines under the same subheading (different national lines): still €3.
    let q = base(json!([
        line("61091000", "1", "10.00", "CN", None),
        line("610910", "2", "20.00", "CN", None)
    ]));
    assert_eq!(q.duty, dec("3.00"));
    // Spread over the two lines by value: 10/50 and 40/50 of €3.
    assert_eq!(q.lines[0].duty, dec("0.60"));
    assert_eq!(q.lines[1].duty, dec("2.40"));
    // A T-shirt and a watch: two subheadings, €6.
    let q = base(json!([
        line("610910", "1", "10.00", "CN", None),
        line("910211", "1", "40.00", "CN", None)
    ]));
    assert_eq!(q.duty, dec("6.00"));
}

#[test]
fn eu_relief_before_july_2026_excluded_perfume_and_the_flat_duty_covers_it() {
    let perfume = |d: &str| {
        quote(json!({
            "date": d, "destination": "DE", "currency": "EUR", "ship_from": "CN",
            "lines": [line("330300", "1", "50.00", "CN", Some("0")), line("610910", "1", "20.00", "CN", Some("12"))]
        }))
    };
    let q = perfume("2026-06-30");
    // Perfume pays its tariff (0 % here), the T-shirt is relieved.
    assert!(charge(&q, "customs duty").unwrap().lines == vec![0]);
    assert_eq!(q.lines[1].duty, dec("0.00"));
    assert_eq!(perfume("2026-07-01").duty, dec("6.00"));
}

#[test]
fn eu_business_buyers_get_neither_ioss_nor_the_flat_duty() {
    let mut v = de("2026-11-25", "100.00", true);
    v["buyer"] = json!("business");
    v["buyer_tax_id"] = json!("DE123456789");
    let q = quote(v);
    assert_eq!(&*q.regime, "eu_import");
    assert_eq!(q.duty, dec("14.40")); // tariff 12 % of CIF 120
    assert_eq!(q.collected_at, CollectedAt::Border);
}

#[test]
fn eu_threshold_in_euro_for_a_non_euro_member_needs_the_pair() {
    let v = json!({
        "date": "2026-11-25", "destination": "PL", "currency": "PLN", "ship_from": "CN",
        "seller_registrations": ["EU_IOSS"],
        "lines": [line("610910", "1", "600.00", "CN", Some("12"))]
    });
    assert!(matches!(
        quote_err(v.clone()),
        Error::MissingExchangeRate { .. }
    ));
    let mut with_rate = v;
    with_rate["exchange_rates"] = json!([{"from": "EUR", "to": "PLN", "rate": "4.2"}]);
    // 600 PLN / 4.2 = 142.86 EUR: IOSS, VAT 23 % at checkout.
    let q = quote(with_rate.clone());
    assert_eq!(&*q.regime, "eu_ioss");
    assert_eq!(q.currency.code(), "PLN");
    assert_eq!(q.tax, dec("138.00"));
    // €3 converted into zloty.
    assert_eq!(q.duty, dec("12.60"));
    with_rate["lines"][0]["unit_price"] = json!("630.01"); // 150.0024 EUR
    assert_eq!(&*quote(with_rate).regime, "eu_import");
}

#[test]
fn eu_coverage_starts_2021_07_01() {
    let err = quote_err(de("2021-06-30", "100.00", true));
    assert!(err.is_missing_rate(), "{err}");
    assert_eq!(&*quote(de("2021-07-01", "100.00", true)).regime, "eu_ioss");
}

#[test]
fn croatia_and_bulgaria_quote_in_euro_from_their_changeover() {
    let v = |country: &str, d: &str| {
        json!({
            "date": d, "destination": country, "currency": "EUR", "ship_from": "CN",
            "exchange_rates": [{"from": "EUR", "to": "BGN", "rate": "1.95583"}, {"from": "EUR", "to": "HRK", "rate": "7.53450"}],
            "lines": [line("610910", "1", "200.00", "CN", Some("12"))]
        })
    };
    assert_eq!(quote(v("BG", "2025-12-31")).currency.code(), "BGN");
    assert_eq!(quote(v("BG", "2026-01-01")).currency.code(), "EUR");
    assert_eq!(quote(v("HR", "2022-12-31")).currency.code(), "HRK");
    assert_eq!(quote(v("HR", "2023-01-01")).currency.code(), "EUR");
}

// ------------------------------------------------------------------------------------------
// GB

fn gb(price: &str) -> Value {
    json!({
        "date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
        "seller_registrations": ["GB_VAT"], "shipping": "10.00",
        "lines": [line("611020", "1", price, "CN", None)]
    })
}

#[test]
fn gb_135_rule_below_at_and_above() {
    for (price, regime) in [
        ("134.99", "gb_low_value"),
        ("135.00", "gb_low_value"),
        ("135.01", "gb_import"),
    ] {
        assert_eq!(&*quote(gb(price)).regime, regime, "price {price}");
    }
    // At £135: no duty; the seller charges 20 % VAT on the price including delivery.
    let q = quote(gb("135.00"));
    assert_eq!(q.duty, dec("0.00"));
    assert_eq!(q.tax, dec("29.00"));
    assert_eq!(q.collected_at, CollectedAt::Checkout);
    // Above: 12 % duty on CIF 145.01, import VAT 20 % on CIF + duty.
    let q = quote(gb("135.01"));
    assert_eq!(q.duty, dec("17.40"));
    assert_eq!(charge(&q, "import VAT").unwrap().base, Some(dec("162.41")));
    assert_eq!(q.tax, dec("32.48"));
    assert_eq!(q.collected_at, CollectedAt::Border);
}

#[test]
fn gb_business_buyer_with_vat_number_is_reverse_charged_without_it_is_a_consumer() {
    let mut v = gb("100.00");
    v["buyer"] = json!("business");
    let q = quote(v.clone());
    assert_eq!(&*q.regime, "gb_low_value");
    assert_eq!(q.tax, dec("22.00"));
    v["buyer_tax_id"] = json!("GB123456789");
    let q = quote(v);
    assert_eq!(&*q.regime, "gb_reverse_charge");
    assert_eq!(q.tax, dec("0.00"));
    assert_eq!(q.collected_at, CollectedAt::None);
    assert!(q.warnings.iter().any(|w| w.contains("reverse charge")));
}

#[test]
fn gb_missing_registration_is_warned_not_ignored() {
    let mut v = gb("50.00");
    v["seller_registrations"] = json!([]);
    let q = quote(v);
    assert_eq!(&*q.regime, "gb_low_value");
    assert!(q.warnings.iter().any(|w| w.contains("GB_VAT")));
}

#[test]
fn gb_preferential_origin_pays_zero_and_opting_out_pays_mfn() {
    let mut v = gb("300.00");
    v["ship_from"] = json!("DE");
    v["lines"][0]["origin"] = json!("DE");
    let q = quote(v.clone());
    assert_eq!(q.duty, dec("0.00"));
    assert!(
        charge(&q, "customs duty")
            .unwrap()
            .rule
            .to_string()
            .contains("EU_UK_TCA")
    );
    assert!(q.warnings.iter().any(|w| w.contains("rules of origin")));
    v["lines"][0]["claim_preference"] = json!(false);
    let q = quote(v);
    assert_eq!(q.duty, dec("37.20")); // 12 % of 310
}

#[test]
fn cif_and_fob_value_the_same_goods_differently() {
    let goods = json!([line("640411", "2", "100.00", "CN", Some("10"))]);
    let gb = quote(json!({
        "date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
        "shipping": "30.00", "insurance": "5.00", "lines": goods.clone()
    }));
    let us = quote(json!({
        "date": "2026-11-25", "destination": "US", "currency": "USD", "ship_from": "CN",
        "shipping": "30.00", "insurance": "5.00", "lines": goods
    }));
    assert_eq!(gb.customs_value, dec("235.00")); // CIF
    assert_eq!(us.customs_value, dec("200.00")); // FOB
    assert_eq!(gb.duty, dec("23.50"));
    assert_eq!(us.duty, dec("20.00"));
}

#[test]
fn gb_coverage_starts_2021_01_01() {
    let mut v = gb("50.00");
    v["date"] = json!("2020-12-31");
    assert!(quote_err(v.clone()).is_missing_rate());
    v["date"] = json!("2021-01-01");
    assert_eq!(&*quote(v).regime, "gb_low_value");
}

// ------------------------------------------------------------------------------------------
// US

fn us(date: &str, price: &str, origin: &str) -> Value {
    json!({
        "date": date, "destination": "US", "currency": "USD", "ship_from": origin,
        "lines": [line("61102020", "1", price, origin, Some("16.5"))]
    })
}

#[test]
fn us_de_minimis_800_below_at_above_and_its_suspension_on_2025_08_29() {
    for (price, regime) in [
        ("799.99", "us_de_minimis"),
        ("800.00", "us_de_minimis"),
        ("800.01", "us_import"),
    ] {
        assert_eq!(
            &*quote(us("2025-08-28", price, "VN")).regime,
            regime,
            "{price}"
        );
    }
    let q = quote(us("2025-08-28", "800.00", "VN"));
    assert_eq!(q.total_charges, dec("0.00"));
    assert_eq!(q.collected_at, CollectedAt::None);
    for d in ["2025-08-29", "2025-08-30"] {
        let q = quote(us(d, "800.00", "VN"));
        assert_eq!(&*q.regime, "us_import", "{d}");
        // 16.5 % MFN (132.00) and, until 2026-02-23, the IEEPA reciprocal duty of 20 % on
        // goods of Viet Nam (160.00; issue 17: this used to be left out without a word).
        assert_eq!(q.duty, dec("292.00"));
        assert_eq!(
            charge(&q, "IEEPA reciprocal (9903.02.69)").map(|c| c.amount),
            Some(dec("160.00"))
        );
        assert_eq!(q.fees, dec("2.62")); // FY2025 informal MPF
    }
}

#[test]
fn us_de_minimis_ended_for_china_and_hong_kong_on_2025_05_02() {
    assert_eq!(
        &*quote(us("2025-05-01", "100.00", "CN")).regime,
        "us_de_minimis"
    );
    assert_eq!(
        &*quote(us("2025-05-02", "100.00", "CN")).regime,
        "us_import"
    );
    assert_eq!(
        &*quote(us("2025-05-02", "100.00", "HK")).regime,
        "us_import"
    );
    assert_eq!(
        &*quote(us("2025-05-02", "100.00", "VN")).regime,
        "us_de_minimis"
    );
}

#[test]
fn us_mpf_informal_at_2500_formal_above_with_minimum_and_maximum() {
    let fee = |price: &str| quote(us("2026-03-02", price, "VN")).fees;
    assert_eq!(fee("2500.00"), dec("2.69")); // informal, FY2026
    assert_eq!(fee("2500.01"), dec("33.58")); // formal, 0.3464 % = 8.66 → minimum
    assert_eq!(fee("50000.00"), dec("173.20")); // 0.3464 %
    assert_eq!(fee("500000.00"), dec("651.50")); // maximum
    let q = quote(us("2026-03-02", "2500.01", "VN"));
    let mpf = charge(&q, "merchandise processing fee (formal entry)").unwrap();
    assert_eq!(mpf.amount, dec("33.58"));
    assert!(
        mpf.rate_text.to_string().contains("minimum applied"),
        "{}",
        mpf.rate_text
    );
    assert!(
        mpf.rate_text.to_string().contains("8.66003464"),
        "{}",
        mpf.rate_text
    );
    let q = quote(us("2026-03-02", "500000.00", "VN"));
    let mpf = charge(&q, "merchandise processing fee (formal entry)").unwrap();
    assert!(
        mpf.rate_text.to_string().contains("maximum applied"),
        "{}",
        mpf.rate_text
    );
}

#[test]
fn us_mpf_fiscal_years_change_on_october_1() {
    let fee = |d: &str| quote(us(d, "3000.00", "VN")).fees;
    assert_eq!(fee("2025-09-30"), dec("32.71"));
    assert_eq!(fee("2025-10-01"), dec("33.58"));
    assert_eq!(fee("2025-10-02"), dec("33.58"));
    // FY2027 amounts are carried forward with a warning.
    let q = quote(us("2026-10-01", "3000.00", "VN"));
    assert_eq!(q.fees, dec("33.58"));
    assert!(q.warnings.iter().any(|w| w.contains("FY2027")));
    assert!(
        !quote(us("2026-09-30", "3000.00", "VN"))
            .warnings
            .iter()
            .any(|w| w.contains("FY2027"))
    );
    // Coverage starts with FY2025.
    assert!(quote_err(us("2024-09-30", "3000.00", "VN")).is_missing_rate());
}

#[test]
fn us_hmf_is_charged_on_ocean_shipments_only() {
    let mut v = us("2026-03-02", "10000.00", "VN");
    let courier = quote(v.clone());
    assert!(charge(&courier, "harbor maintenance fee").is_none());
    v["transport"] = json!("ocean");
    let ocean = quote(v);
    assert_eq!(
        charge(&ocean, "harbor maintenance fee").unwrap().amount,
        dec("12.50")
    );
}

/// The Section 122 surcharge's charge: its authority and heading.
const S122: &str = "Section 122 (9903.03.01)";

#[test]
fn us_section_122_runs_2026_02_24_to_2026_07_23_and_spares_usmca_goods() {
    let s122 =
        |d: &str, origin: &str| charge(&quote(us(d, "1000.00", origin)), S122).map(|c| c.amount);
    assert_eq!(s122("2026-02-23", "VN"), None);
    assert_eq!(s122("2026-02-24", "VN"), Some(dec("100.00")));
    assert_eq!(s122("2026-02-25", "VN"), Some(dec("100.00")));
    assert_eq!(s122("2026-07-23", "VN"), Some(dec("100.00")));
    assert_eq!(s122("2026-07-24", "VN"), None);
    // It stacks on MFN.
    let q = quote(us("2026-03-02", "1000.00", "VN"));
    assert_eq!(q.duty, dec("265.00"));
    // USMCA goods (preference claimed, no duty_rate override) are exempt.
    let mx = quote(json!({
        "date": "2026-03-02", "destination": "US", "currency": "USD", "ship_from": "MX",
        "lines": [line("61102020", "1", "1000.00", "MX", None)]
    }));
    assert_eq!(mx.duty, dec("0.00"));
    assert!(charge(&mx, S122).is_none());
}

#[test]
fn us_preferential_vs_mfn_for_usmca_origin() {
    let v = |claim: bool| {
        let mut l = line("61102020", "1", "1000.00", "MX", None);
        l["claim_preference"] = json!(claim);
        json!({"date": "2026-11-25", "destination": "US", "currency": "USD", "ship_from": "MX", "lines": [l]})
    };
    let pref = quote(v(true));
    assert_eq!(pref.duty, dec("0.00"));
    // USMCA goods pay no MPF either.
    assert_eq!(pref.fees, dec("0.00"));
    let mfn = quote(v(false));
    assert_eq!(mfn.duty, dec("165.00"));
    assert_eq!(mfn.fees, dec("2.69"));
}

#[test]
fn us_section_301_on_chinese_power_banks_rose_to_25_percent_on_2026_01_01() {
    let v = |d: &str, origin: &str| {
        json!({
            "date": d, "destination": "US", "currency": "USD", "ship_from": origin,
            "lines": [line("8507600020", "10", "20.00", origin, None)]
        })
    };
    let s301 = |d: &str| {
        quote(v(d, "CN"))
            .charges
            .iter()
            .filter(|c| c.name.starts_with("Section 301"))
            .map(|c| c.amount)
            .sum::<rust_decimal::Decimal>()
    };
    assert_eq!(s301("2025-12-31"), dec("15.00"));
    assert_eq!(s301("2026-01-01"), dec("50.00"));
    assert_eq!(s301("2026-01-02"), dec("50.00"));
    // Not on goods of other origins.
    assert!(
        !quote(v("2026-01-02", "VN"))
            .charges
            .iter()
            .any(|c| c.name.starts_with("Section 301"))
    );
}

// ------------------------------------------------------------------------------------------
// CA

fn ca(price: &str, ship_from: &str, transport: &str) -> Value {
    json!({
        "date": "2026-11-25", "destination": "CA", "region": "ON", "currency": "CAD",
        "ship_from": ship_from, "transport": transport, "shipping": "25.00",
        "lines": [line("610910", "1", price, "CN", Some("18"))]
    })
}

#[test]
fn ca_courier_from_us_40_and_150_below_at_above() {
    let cases = [
        ("40.00", "ca_low_value", "0.00", "0.00"),
        ("40.01", "ca_courier_cusma", "0.00", "5.20"),
        ("150.00", "ca_courier_cusma", "0.00", "19.50"),
        ("150.01", "ca_import", "27.00", "23.01"),
    ];
    for (price, regime, duty, tax) in cases {
        let q = quote(ca(price, "US", "courier"));
        assert_eq!(&*q.regime, regime, "{price}");
        assert_eq!(q.duty, dec(duty), "{price}");
        assert_eq!(q.tax, dec(tax), "{price}");
    }
}

#[test]
fn ca_other_places_and_mail_use_20_and_the_place_of_direct_shipment_decides() {
    for (ship_from, transport) in [("CN", "courier"), ("US", "postal"), ("CN", "postal")] {
        assert_eq!(
            &*quote(ca("20.00", ship_from, transport)).regime,
            "ca_low_value"
        );
        let q = quote(ca("20.01", ship_from, transport));
        assert_eq!(&*q.regime, "ca_import", "{ship_from} {transport}");
        assert_eq!(q.duty, dec("3.60"));
    }
    // Chinese-origin goods shipped by courier from the US get the US/MX thresholds.
    assert_eq!(
        &*quote(ca("100.00", "US", "courier")).regime,
        "ca_courier_cusma"
    );
}

#[test]
fn ca_tax_is_gst_or_hst_by_province_on_value_for_duty_plus_duty_and_needs_the_region() {
    let mut v = ca("200.00", "CN", "courier");
    let on = quote(v.clone());
    // FOB: shipping is outside the value for duty and the tax base.
    assert_eq!(on.customs_value, dec("200.00"));
    assert_eq!(
        charge(&on, "import GST/HST").unwrap().base,
        Some(dec("236.00"))
    );
    assert_eq!(on.tax, dec("30.68")); // 13 % HST
    v["region"] = json!("AB");
    assert_eq!(quote(v.clone()).tax, dec("11.80")); // 5 % GST
    v.as_object_mut().unwrap().remove("region");
    match quote_err(v) {
        Error::InvalidInput { field, .. } => assert_eq!(field, "region"),
        other => panic!("{other}"),
    }
}

#[test]
fn ca_nova_scotia_hst_falls_from_15_to_14_on_2025_04_01() {
    let v = |d: &str| {
        let mut v = ca("200.00", "CN", "courier");
        v["date"] = json!(d);
        v["region"] = json!("NS");
        charge(&quote(v), "import GST/HST").unwrap().rate
    };
    assert_eq!(v("2025-03-31"), Some(dec("15")));
    assert_eq!(v("2025-04-01"), Some(dec("14")));
    assert_eq!(v("2025-04-02"), Some(dec("14")));
}

// ------------------------------------------------------------------------------------------
// AU

fn au(price: &str, registered: bool) -> Value {
    let mut v = json!({
        "date": "2026-11-25", "destination": "AU", "currency": "AUD", "ship_from": "US",
        "shipping": "50.00", "insurance": "10.00",
        "lines": [line("640411", "1", price, "VN", Some("5"))]
    });
    if registered {
        v["seller_registrations"] = json!(["AU_GST"]);
    }
    v
}

#[test]
fn au_1000_customs_value_below_at_above() {
    for (price, regime) in [
        ("999.99", "au_lvig"),
        ("1000.00", "au_lvig"),
        ("1000.01", "au_import"),
    ] {
        assert_eq!(&*quote(au(price, true)).regime, regime, "{price}");
    }
    // LVIG: 10 % GST at checkout on the price including delivery, nothing at the border.
    let q = quote(au("1000.00", true));
    assert_eq!(q.duty, dec("0.00"));
    assert_eq!(q.tax, dec("106.00"));
    assert_eq!(q.collected_at, CollectedAt::Checkout);
    // Above: duty on FOB customs value; GST on customs value + transport + insurance + duty.
    let q = quote(au("1000.01", true));
    assert_eq!(q.duty, dec("50.00"));
    assert_eq!(charge(&q, "import GST").unwrap().base, Some(dec("1110.01")));
    assert_eq!(q.tax, dec("111.00"));
}

#[test]
fn au_unregistered_sellers_and_business_buyers_with_an_abn_pay_nothing_below_1000() {
    let q = quote(au("500.00", false));
    assert_eq!(&*q.regime, "au_low_value");
    assert_eq!(q.total_charges, dec("0.00"));
    assert_eq!(q.collected_at, CollectedAt::None);
    let mut v = au("500.00", true);
    v["buyer"] = json!("business");
    v["buyer_tax_id"] = json!("51824753556");
    let q = quote(v);
    assert_eq!(&*q.regime, "au_low_value");
    assert_eq!(q.tax, dec("0.00"));
}

#[test]
fn au_coverage_starts_with_the_regime_and_the_gst_rows() {
    // The regime rows start 2018-07-01 (LVIG); the GST rate rows of the VAT table start
    // 2020-01-01, so quotes need both.
    let mut v = au("500.00", true);
    for (d, table) in [("2018-06-30", "regime"), ("2019-12-31", "vat")] {
        v["date"] = json!(d);
        match quote_err(v.clone()) {
            Error::NoRateInForce { table: t, .. } => assert_eq!(t, table, "{d}"),
            other => panic!("{d}: {other}"),
        }
    }
    v["date"] = json!("2020-01-01");
    assert_eq!(&*quote(v).regime, "au_lvig");
}

// ------------------------------------------------------------------------------------------
// Across regimes

#[test]
fn ddp_charges_everything_at_checkout_and_dap_leaves_border_charges_for_delivery() {
    let mut v = gb("300.00");
    let ddp = quote(v.clone());
    assert_eq!(ddp.due_at_checkout, ddp.total_charges);
    assert_eq!(ddp.due_on_delivery, dec("0.00"));
    v["incoterm"] = json!("DAP");
    let dap = quote(v);
    assert_eq!(dap.total_charges, ddp.total_charges);
    assert_eq!(dap.due_at_checkout, dec("0.00"));
    assert_eq!(dap.due_on_delivery, ddp.total_charges);
    assert!(dap.warnings.iter().any(|w| w.starts_with("DAP")));
    // Under IOSS the VAT stays at checkout even with DAP; the €3 duty is due on delivery.
    let mut ioss = de("2026-11-25", "100.00", true);
    ioss["incoterm"] = json!("DAP");
    let q = quote(ioss);
    assert_eq!(q.due_at_checkout, dec("22.80"));
    assert_eq!(q.due_on_delivery, dec("3.00"));
}

#[test]
fn multi_line_allocation_is_exact_to_the_cent() {
    let q = quote(json!({
        "date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
        "shipping": "10.00", "insurance": "0.01",
        "lines": [
            line("611020", "1", "100.00", "CN", None),
            line("611020", "1", "100.00", "CN", None),
            line("611020", "1", "100.00", "CN", None)
        ]
    }));
    let ship: Vec<_> = q.lines.iter().map(|l| l.shipping).collect();
    assert_eq!(ship, [dec("3.34"), dec("3.33"), dec("3.33")]);
    let ins: Vec<_> = q.lines.iter().map(|l| l.insurance).collect();
    assert_eq!(ins, [dec("0.01"), dec("0.00"), dec("0.00")]);
    let sum = |f: fn(&landed::landed::LineQuote) -> rust_decimal::Decimal| {
        q.lines.iter().map(f).sum::<rust_decimal::Decimal>()
    };
    assert_eq!(sum(|l| l.customs_value), q.customs_value);
    assert_eq!(sum(|l| l.duty), q.duty);
    assert_eq!(sum(|l| l.tax), q.tax);
    assert_eq!(amount_of(&q, ChargeKind::Duty), q.duty);
    assert_eq!(q.customs_value, dec("310.01"));
    // One duty charge at 12 % on the sum, rounded once.
    assert_eq!(q.duty, dec("37.20"));
}

#[test]
fn extra_fees_enter_the_tax_base_only_when_marked_taxable() {
    let mut v = gb("300.00");
    v["extra_fees"] =
        json!([{"name": "clearance", "amount": "12.00", "currency": "GBP", "taxable": true}]);
    let taxable = quote(v.clone());
    v["extra_fees"][0]["taxable"] = json!(false);
    let plain = quote(v);
    assert_eq!(taxable.fees, dec("12.00"));
    assert_eq!(taxable.tax, plain.tax + dec("2.40"));
}

/// The embedded tables with a GB rounding rule for `target`: per line, down to `increment`.
fn gb_rounding(target: &str, increment: &str) -> RateTables {
    let overlay = RateTables::from_toml_str(
        "rounding.toml",
        &format!(
            r#"
schema_version = 1
[[rounding]]
territory = "GB"
target = "{target}"
stage = "line"
increment = "{increment}"
mode = "down"
effective_from = "2021-01-01"
source = "test"
"#
        ),
    )
    .unwrap();
    RateTables::embedded().unwrap().with_overrides(&overlay)
}

#[test]
fn a_rounding_rule_in_data_changes_stage_increment_and_mode() {
    // Truncate import VAT per line to whole pounds, as a part-2 regime (JP) would.
    let tables = gb_rounding("tax", "1");
    let q = tables
        .quote(&request(json!({
            "date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
            "lines": [line("611020", "1", "150.00", "CN", None), line("611020", "1", "151.00", "CN", None)]
        })))
        .unwrap();
    // 20 % of (150 + 18) = 33.60 → 33; of (151 + 18.12) = 33.824 → 33.
    assert_eq!(q.lines[0].tax, dec("33.00"));
    assert_eq!(q.lines[1].tax, dec("33.00"));
    assert_eq!(q.tax, dec("66.00"));
    assert_ne!(
        q.data_version,
        RateTables::embedded().unwrap().version().clone()
    );
}

#[test]
fn a_duty_base_rounding_rule_rounds_each_line_base_before_the_rate() {
    // Duty bases truncated to whole tens of pounds, as a regime that rounds its duty base
    // would declare it; the import VAT base keeps the unrounded customs value.
    let tables = gb_rounding("duty_base", "10");
    let req = json!({
        "date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
        "lines": [line("611020", "1", "157.50", "CN", None), line("611020", "1", "149.99", "CN", None)]
    });
    let q = tables.quote(&request(req.clone())).unwrap();
    let plain = RateTables::embedded()
        .unwrap()
        .quote(&request(req))
        .unwrap();
    // 12 % of 150 = 18.00 and of 140 = 16.80 (unrounded bases: 18.90 and 18.00).
    assert_eq!(q.lines[0].duty, dec("18.00"));
    assert_eq!(q.lines[1].duty, dec("16.80"));
    assert_eq!(plain.lines[0].duty, dec("18.90"));
    let duty = q
        .charges
        .iter()
        .find(|c| c.name.as_ref() == "customs duty")
        .unwrap();
    assert_eq!(duty.base, Some(dec("290.00")));
    // VAT 20 % of customs value + duty: (157.50 + 18.00) + (149.99 + 16.80) = 342.29.
    assert_eq!(q.lines[0].customs_value, dec("157.50"));
    assert_eq!(q.tax, dec("68.46"));
}

#[test]
fn taxes_on_taxes_gross_up_and_factors_fit_the_engine() {
    // A CN-like cross-border regime as data: VAT 13 % and a consumption tax grossed up on
    // itself, both at 70 % of the statutory amount.
    let overlay = RateTables::from_toml_str(
        "cn.toml",
        r#"
schema_version = 1
[[regime]]
territory = "CN"
id = "cn_cbec"
valuation = "cif"
effective_from = "2019-01-01"
source = "test"
[[country_currency]]
country = "CN"
currency = "CNY"
effective_from = "2019-01-01"
source = "test"
[[import_tax]]
territory = "CN"
name = "consumption_tax"
label = "consumption tax"
order = 1
rate = "fixed"
rate_percent = "15"
base = ["customs_value", "duty"]
gross_up = true
factor_percent = "70"
effective_from = "2019-01-01"
source = "test"
[[import_tax]]
territory = "CN"
name = "vat"
label = "import VAT"
order = 2
rate = "fixed"
rate_percent = "13"
base = ["customs_value", "duty", "tax:consumption_tax"]
factor_percent = "70"
effective_from = "2019-01-01"
source = "test"
"#,
    )
    .unwrap();
    let tables = RateTables::embedded().unwrap().with_overrides(&overlay);
    let q = tables
        .quote(&request(json!({
            "date": "2026-11-25", "destination": "CN", "currency": "CNY", "ship_from": "US",
            "lines": [line("330499", "1", "1000.00", "US", Some("0"))]
        })))
        .unwrap();
    // CT = 1000 / 0.85 × 0.15 × 0.7 = 123.53; VAT = (1000 + 123.53) × 0.13 × 0.7 = 102.24.
    assert_eq!(charge(&q, "consumption tax").unwrap().amount, dec("123.53"));
    assert_eq!(charge(&q, "import VAT").unwrap().amount, dec("102.24"));
}

#[test]
fn a_tax_naming_a_later_tax_is_refused_at_load() {
    let err = RateTables::from_toml_str(
        "cycle.toml",
        r#"
schema_version = 1
[[import_tax]]
territory = "XX"
name = "a"
label = "a"
order = 1
rate = "fixed"
rate_percent = "1"
base = ["tax:b"]
effective_from = "2020-01-01"
source = "test"
[[import_tax]]
territory = "XX"
name = "b"
label = "b"
order = 2
rate = "fixed"
rate_percent = "1"
base = ["tax:a"]
effective_from = "2020-01-01"
source = "test"
"#,
    )
    .unwrap_err();
    assert!(err.problems.iter().any(|p| p.message.contains("tax:b")));
}
