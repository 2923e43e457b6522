//! Japan (issue 19): CIF; the ¥10,000 small-amount exemption and its designated goods;
//! personal-use valuation at 60 % of the retail price; national and local consumption tax
//! (22/78 of the national, exactly); rounding by law (bases truncated to ¥1,000, duty and
//! taxes to ¥100, the line amounts truncated for chaining); the whole tariff schedule.

use landed::landed::{ChargeKind, Quote};
use landed::{Decimal, QuoteRequest, RateTables};
use serde_json::{Value, json};

use crate::dec;

fn quote(v: Value) -> Quote {
    let req = QuoteRequest::from_json(&v.to_string()).unwrap();
    RateTables::embedded().unwrap().quote(&req).unwrap()
}

/// A JP quote in yen shipped from the US, business buyer unless `buyer` says otherwise.
fn jp(day: &str, buyer: &str, shipping: &str, lines: Value) -> Value {
    json!({"date": day, "destination": "JP", "currency": "JPY", "ship_from": "US",
           "buyer": buyer, "shipping": shipping, "lines": lines})
}

fn line(hs: &str, price: &str, duty_rate: &str) -> Value {
    json!({"hs_code": hs, "quantity": "1", "unit_price": price, "origin": "US",
           "duty_rate": duty_rate})
}

fn sum(q: &Quote, name: &str) -> Decimal {
    q.charges
        .iter()
        .filter(|c| &*c.name == name)
        .map(|c| c.amount)
        .sum()
}

/// Customs Answer 1111's two-line example (duties 74,760 + 17,640 = 92,400; national CT
/// 47,502 + 8,923 → 56,400; local CT 13,397 + 2,510 = 15,907 → 15,900). The answer's inputs
/// are not in the copy read; these reproduce every figure (worked by hand):
/// - line 1, standard rate: CIF ¥534,500, duty 14 %: duty base 534,000 (¥1,000↓) → duty
///   74,760; chained 74,700 (¥100↓); CT base 534,500 + 74,700 = 609,200 → 609,000;
///   national CT 7.8 % = 47,502; chained 47,500; local 47,500 × 22/78 = 13,397.43 → 13,397.
/// - line 2, reduced rate (food): CIF ¥126,200, duty 14 %: duty base 126,000 → 17,640;
///   chained 17,600; CT base 143,800 → 143,000; national CT 6.24 % = 8,923.2 → 8,923;
///   chained 8,900; local 8,900 × 22/78 = 2,510.26 → 2,510.
/// - totals: duty 92,400 → 92,400; national 47,502 + 8,923 = 56,425 → 56,400 (one
///   declaration total over both rates, split over the two rates' charges as 47,500 and
///   8,900); local 15,907 → 15,900.
fn answer_1111() -> Quote {
    let mut food = line("190590", "126200", "14");
    food["tax_category"] = json!("reduced");
    quote(jp(
        "2026-07-15",
        "business",
        "0",
        json!([line("851660", "534500", "14"), food]),
    ))
}

/// Every figure of the example of [`answer_1111`].
#[test]
fn customs_answer_1111_two_line_example_is_reproduced() {
    let q = answer_1111();
    assert_eq!(sum(&q, "customs duty"), dec("92400"), "{q:#?}");
    let duty = q
        .charges
        .iter()
        .find(|c| c.kind == ChargeKind::Duty)
        .unwrap();
    assert_eq!(duty.unrounded, dec("92400"));
    assert_eq!(
        sum(&q, "consumption tax (national)"),
        dec("56400"),
        "{q:#?}"
    );
    let local: Vec<_> = q
        .charges
        .iter()
        .filter(|c| &*c.name == "local consumption tax")
        .collect();
    assert_eq!(local.len(), 1, "one local CT charge over both lines");
    assert_eq!(local[0].amount, dec("15900"));
    assert_eq!(local[0].base, Some(dec("56400")), "chained national CT");
    assert_eq!(local[0].rate, None);
    assert_eq!(local[0].rate_text.to_string(), "22/78");
    assert_eq!(q.tax, dec("72300"));
    assert_eq!(q.lines[0].customs_value, dec("534500"));
}

/// The line amount of a tax at a fraction is base × 22 / 78 exactly (never a rounded rate):
/// ¥39 of national CT → 39 × 22 / 78 = 11 exactly.
#[test]
fn local_ct_is_exactly_22_78_of_the_chained_national_ct() {
    // CT base 500,000 × 7.8 % = 39,000 → local 11,000 exactly (2.2 % of the base).
    let q = quote(jp(
        "2026-07-15",
        "business",
        "0",
        json!([line("851660", "500000", "0")]),
    ));
    assert_eq!(sum(&q, "consumption tax (national)"), dec("39000"));
    assert_eq!(sum(&q, "local consumption tax"), dec("11000"));
    // CT base 12,000 → national 936 → ¥100↓ 900; local on the chained 900: 253.8 → 253 → 200.
    let q = quote(jp(
        "2026-07-15",
        "business",
        "0",
        json!([line("851660", "12345", "0")]),
    ));
    assert_eq!(sum(&q, "consumption tax (national)"), dec("900"));
    let local = q
        .charges
        .iter()
        .find(|c| &*c.name == "local consumption tax")
        .unwrap();
    assert_eq!(local.base, Some(dec("900")));
    assert_eq!(local.amount, dec("200"));
}

/// A fraction tax's unrounded amount is its lines' exact fraction added up first and divided
/// once (`Σ base × 22 / 78`, to 28 digits), not a sum of per-line 28-digit quotients: the
/// two lines of Customs Answer 1111 give 56,400 × 22 / 78 = 15,907.692307…
#[test]
fn local_ct_unrounded_is_the_fraction_of_the_lines_total_divided_once() {
    let q = answer_1111();
    let local = q
        .charges
        .iter()
        .find(|c| &*c.name == "local consumption tax")
        .unwrap();
    let want = (dec("56400") * dec("22") / dec("78")).normalize();
    assert_eq!(local.unrounded, want, "{local:#?}");
    assert_eq!(
        local.unrounded.to_string(),
        "15907.692307692307692307692308"
    );
}

/// Duty and national CT below ¥100 become 0; bases below ¥1,000 become 0.
#[test]
fn amounts_below_the_increments_truncate_to_zero() {
    // CIF 10,999 (above the exemption), 0.5 %: base 10,000 → duty 50 → 0.
    let q = quote(jp(
        "2026-07-15",
        "business",
        "0",
        json!([line("851660", "10999", "0.5")]),
    ));
    assert_eq!(sum(&q, "customs duty"), Decimal::ZERO);
    assert_eq!(
        sum(&q, "consumption tax (national)"),
        dec("700"),
        "10,000 × 7.8 % = 780 → 700"
    );
}

fn one(value: &str, hs: &str, buyer: &str) -> Quote {
    quote(jp("2026-07-15", buyer, "0", json!([line(hs, value, "10")])))
}

#[test]
fn small_amount_exemption_below_at_and_above_10000_yen() {
    for (value, exempt) in [("9999", true), ("10000", true), ("10001", false)] {
        let q = one(value, "851660", "business");
        assert_eq!(q.total_charges.is_zero(), exempt, "{value}: {q:#?}");
        assert_eq!(q.regime.as_ref() == "jp_small_amount", exempt, "{value}");
    }
    // ¥10,001: duty base 10,000 × 10 % = 1,000; CT base 10,001 + 1,000 → 11,000 → 858 → 800.
    let q = one("10001", "851660", "business");
    assert_eq!(q.duty, dec("1000"));
    assert_eq!(sum(&q, "consumption tax (national)"), dec("800"));
}

/// The test value is CIF: ¥9,000 of goods with ¥1,500 of shipping is above ¥10,000.
#[test]
fn the_exemption_counts_shipping() {
    let q = quote(jp(
        "2026-07-15",
        "business",
        "1500",
        json!([line("851660", "9000", "10")]),
    ));
    assert!(!q.total_charges.is_zero());
    let q = quote(jp(
        "2026-07-15",
        "business",
        "1000",
        json!([line("851660", "9000", "10")]),
    ));
    assert!(q.total_charges.is_zero());
}

#[test]
fn designated_goods_are_charged_below_10000_yen() {
    // Knitted jumper (6110), leather handbag (420221), leather footwear (6403),
    // a sub-item mapped to nine digits (6405.90-1(2)A → 640590121): charged at ¥5,000.
    for hs in ["611020030", "420221", "640399000", "640590121", "100630000"] {
        let q = one("5000", hs, "business");
        assert!(!q.total_charges.is_zero(), "{hs}: {q:#?}");
    }
    // Neighbours outside the list stay exempt: 6405.90-1(2)B, 4202.22 (plastic handbags).
    for hs in ["640590129", "420222", "611120150"] {
        let q = one("5000", hs, "business");
        assert!(q.total_charges.is_zero(), "{hs}: {q:#?}");
    }
    // A mixed cart at ¥8,000: the jumper is charged, the kettle is not.
    let q = quote(jp(
        "2026-07-15",
        "business",
        "0",
        json!([
            line("851660", "3000", "10"),
            line("611020030", "5000", "10")
        ]),
    ));
    assert_eq!(q.lines[0].duty + q.lines[0].tax, Decimal::ZERO);
    assert!(!q.lines[1].duty.is_zero());
}

/// Personal use: 60 % of the retail price, shipping added after the share (unverified, warned).
#[test]
fn personal_use_is_valued_at_60_percent_of_the_retail_price() {
    // ¥16,000 × 0.6 = 9,600 ≤ 10,000: exempt for a consumer, charged for a business.
    assert!(one("16000", "851660", "consumer").total_charges.is_zero());
    assert!(!one("16000", "851660", "business").total_charges.is_zero());
    // At the boundary: 16,666 × 0.6 = 9,999.6 exempt; 16,667 × 0.6 = 10,000.2 charged.
    assert!(one("16666", "851660", "consumer").total_charges.is_zero());
    assert!(!one("16667", "851660", "consumer").total_charges.is_zero());
    // retail_price replaces unit_price; shipping is added after the share.
    let mut l = line("851660", "20000", "10");
    l["retail_price"] = json!("30000");
    let q = quote(jp("2026-07-15", "consumer", "2000", json!([l])));
    assert_eq!(q.customs_value, dec("20000"), "30,000 × 0.6 + 2,000");
    assert_eq!(q.lines[0].goods_value, dec("20000"));
    assert!(
        q.warnings
            .iter()
            .any(|w| w.contains("unverified") && w.contains("60 %"))
    );
}

#[test]
fn a_retail_price_no_rule_uses_is_warned() {
    let mut l = line("851660", "20000", "10");
    l["retail_price"] = json!("30000");
    let q = quote(jp("2026-07-15", "business", "0", json!([l.clone()])));
    assert!(
        q.warnings
            .iter()
            .any(|w| w.starts_with("lines[0].retail_price: not used")),
        "{:?}",
        q.warnings
    );
    // Gold is valued at its price, not the share.
    let mut gold = l.clone();
    gold["hs_code"] = json!("710812");
    let q = quote(jp("2026-07-15", "consumer", "0", json!([gold])));
    assert_eq!(q.customs_value, dec("20000"));
    assert!(
        q.warnings
            .iter()
            .any(|w| w.contains("retail_price: not used"))
    );
    // Any destination.
    let mut de = json!({"date": "2026-07-15", "destination": "DE", "currency": "EUR",
                        "ship_from": "US", "buyer": "business", "lines": [l]});
    de["lines"][0]["origin"] = json!("US");
    let q = quote(de);
    assert!(
        q.warnings
            .iter()
            .any(|w| w.contains("retail_price: not used"))
    );
}

#[test]
fn coverage_starts_2020_01_01() {
    let req = QuoteRequest::from_json(
        &jp(
            "2019-12-31",
            "business",
            "0",
            json!([line("851660", "50000", "10")]),
        )
        .to_string(),
    )
    .unwrap();
    assert!(RateTables::embedded().unwrap().quote(&req).is_err());
    let q = quote(jp(
        "2020-01-01",
        "business",
        "0",
        json!([line("851660", "50000", "10")]),
    ));
    assert_eq!(q.duty, dec("5000"));
}

/// 200 lines of the JP schedule drawn with a fixed seed quote without `duty_rate`: the duty
/// equals the line's rate applied by the rounding law (base ¥1,000↓, fraction of a yen
/// dropped, ¥100↓), at a value above the exemption.
#[test]
fn two_hundred_random_tariff_lines_quote_without_duty_rate_and_match_the_schedule() {
    let tables = RateTables::embedded().unwrap();
    let jp_t: landed::Territory = "JP".parse().unwrap();
    let day = crate::date("2026-07-15");
    let rows: Vec<_> = tables
        .tariff_rows()
        .filter(|(r, _, _)| r.territory == jp_t)
        .map(|(r, _, _)| r.clone())
        .collect();
    assert!(rows.len() > 9000, "{}", rows.len());
    let mut seed: u64 = 19;
    let (mut ad_valorem, mut specific) = (0, 0);
    for _ in 0..200 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = &rows[(seed >> 33) as usize % rows.len()];
        // A value drawn above the exemption: 20,000 to 2,019,999 yen.
        let value = 20_000 + (seed >> 12) % 2_000_000;
        let weight = dec("3.7");
        let req = json!({"date": "2026-07-15", "destination": "JP", "currency": "JPY",
            "ship_from": "US", "buyer": "business",
            "lines": [{"hs_code": r.hs.as_str(), "quantity": "2", "unit_price": (value / 2).to_string(),
                       "origin": "US", "weight_kg": "3.7",
                       "measures": {"liter": "0.75", "square_meter": "1.5"}}]});
        let q = quote(req);
        let found = tables.tariff(jp_t, &r.hs, day).unwrap();
        assert_eq!(found.rate.hs, r.hs);
        let cv = Decimal::from(value / 2 * 2);
        let base = (cv / dec("1000")).floor() * dec("1000");
        let mut d = Decimal::ZERO;
        if let Some(p) = r.rate_percent {
            d += base * p / Decimal::ONE_HUNDRED;
        }
        // Two units of 3.7 kg, 0.75 l and 1.5 m² each.
        let units = |per: landed::data::SpecificPer| match per {
            landed::data::SpecificPer::Kg => weight * dec("2"),
            landed::data::SpecificPer::Liter => dec("0.75") * dec("2"),
            landed::data::SpecificPer::SquareMeter => dec("1.5") * dec("2"),
            _ => dec("2"),
        };
        if let Some(s) = r.specific {
            d += s.amount * units(s.per);
        }
        if let Some(m) = r.min() {
            d = d.max(m.amount * units(m.per));
        }
        if let Some(m) = r.max() {
            d = d.min(m.amount * units(m.per));
        }
        if r.specific.is_some() || r.min().is_some() || r.max().is_some() {
            specific += 1;
        } else {
            ad_valorem += 1;
        }
        let expected = (d.floor() / dec("100")).floor() * dec("100");
        assert_eq!(
            q.duty,
            expected,
            "{} {} at {cv}: {q:#?}",
            r.hs,
            r.describe()
        );
    }
    assert!(
        ad_valorem > 100 && specific > 0,
        "{ad_valorem} ad valorem, {specific} specific"
    );
}

/// Standard and reduced lines are one declaration: the national CT total is the sum of both
/// rates' line amounts truncated once (47,580 + 8,985 = 56,565 → 56,500), not each rate's
/// charge truncated on its own (47,500 + 8,900 = 56,400). The ¥56,500 is split over the two
/// charges in ¥100 steps by their amounts (47,500 and 9,000). Worked by hand:
/// - standard: CIF ¥610,000, duty 0: CT base 610,000 × 7.8 % = 47,580; chained 47,500;
///   local 47,500 × 22/78 = 13,397.43 → 13,397;
/// - reduced: CIF ¥144,000: 144,000 × 6.24 % = 8,985.6 → 8,985; chained 8,900; local 2,510;
/// - local total 15,907 → 15,900.
#[test]
fn the_declaration_total_is_truncated_once_across_rates() {
    let mut food = line("190590", "144000", "0");
    food["tax_category"] = json!("reduced");
    let q = quote(jp(
        "2026-07-15",
        "business",
        "0",
        json!([line("851660", "610000", "0"), food]),
    ));
    let national: Vec<_> = q
        .charges
        .iter()
        .filter(|c| &*c.name == "consumption tax (national)")
        .map(|c| (c.rate, c.amount))
        .collect();
    assert_eq!(
        national,
        vec![
            (Some(dec("7.8")), dec("47500")),
            (Some(dec("6.24")), dec("9000"))
        ]
    );
    assert_eq!(sum(&q, "local consumption tax"), dec("15900"));
    assert_eq!(q.tax, dec("72400"));
}

/// The JP tariff starts 2026-07-09: a quote without `duty_rate` the day before is an error
/// naming the tariff, never a guess; on the day and after it quotes the schedule's rate.
#[test]
fn the_tariff_starts_2026_07_09_day_before_of_and_after() {
    let q = |day: &str| {
        let v = json!({"date": day, "destination": "JP", "currency": "JPY", "ship_from": "US",
            "buyer": "business",
            "lines": [{"hs_code": "611020030", "quantity": "1", "unit_price": "50000", "origin": "US"}]});
        let req = QuoteRequest::from_json(&v.to_string()).unwrap();
        RateTables::embedded().unwrap().quote(&req)
    };
    assert!(q("2026-07-08").is_err());
    for day in ["2026-07-09", "2026-07-10"] {
        let quote = q(day).unwrap();
        let duty = quote
            .charges
            .iter()
            .find(|c| c.kind == ChargeKind::Duty)
            .unwrap();
        assert_eq!(duty.rate, Some(dec("10.9")), "{day}");
        // 50,000 × 10.9 % = 5,450 → 5,400.
        assert_eq!(quote.duty, dec("5400"), "{day}");
    }
}

/// Wine per litre (dataset 2026.12.14): 2204.10 sparkling wine at ¥182/l, and 2204.21-020 at
/// the lower of 15 % or ¥125/l but not under ¥67/l; twelve bottles of 0.75 l (9 l), the duty
/// truncated to ¥100.
#[test]
fn wine_pays_its_duty_per_litre_of_the_lines_measures() {
    let wine = |hs: &str, price: &str| {
        json!([{"hs_code": hs, "quantity": "12", "unit_price": price, "origin": "FR",
                "measures": {"liter": "0.75"}}])
    };
    let duty =
        |hs: &str, price: &str| quote(jp("2026-07-15", "business", "0", wine(hs, price))).duty;
    // 182 × 9 = 1,638 → 1,600.
    assert_eq!(duty("2204.10.000", "2000"), dec("1600"));
    // 15 % of 24,000 is 3,600; 125 × 9 = 1,125 is lower → 1,100.
    assert_eq!(duty("2204.21.020", "2000"), dec("1100"));
    // At ¥400 a bottle the consignment (¥4,800) is under the ¥10,000 small-amount limit.
    assert_eq!(duty("2204.21.020", "400"), dec("0"));
    // With a ¥20,000 computer (free) the limit is passed: 15 % of 2,000 (2,400 truncated to
    // ¥1,000) is 300, under the floor 67 × 9 = 603 → 603 → 600.
    let mut lines = wine("2204.21.020", "200");
    lines
        .as_array_mut()
        .unwrap()
        .push(json!({"hs_code": "8471.30.000", "quantity": "1",
        "unit_price": "20000", "origin": "FR"}));
    let q = quote(jp("2026-07-15", "business", "0", lines));
    assert_eq!(q.duty, dec("600"));
    // Without the measure: an error naming it.
    let req = QuoteRequest::from_json(
        &jp("2026-07-15", "business", "0",
            json!([{"hs_code": "2204.10.000", "quantity": "12", "unit_price": "2000", "origin": "FR"}]))
        .to_string(),
    )
    .unwrap();
    let err = RateTables::embedded().unwrap().quote(&req).unwrap_err();
    assert!(err.to_string().contains("lines[0].measures.liter"), "{err}");
}
