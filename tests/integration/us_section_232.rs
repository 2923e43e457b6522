//! Section 232 programmes beyond the metals (issue 17 point 4) on the embedded US data
//! (`data/tariff_us_additional.csv`): automobiles and parts with the UK, EU, Japan, Korea and
//! Taiwan deals, timber, lumber and wood products, medium and heavy vehicles, parts and buses,
//! the warn-only semiconductor and pharmaceutical programmes, Russian aluminium, the Mexican
//! aluminium of Proclamation 10782 (a warning) and the metals annex I-C; each dated start is
//! quoted the day before, of and after (house rule 22), and the non-stacking rules between the
//! 232 programmes and with the other authorities. Customs value 1,000.00 (ten units of 100.00,
//! above the $800 de minimis of 2025), so an amount is ten times a percentage.

use landed::RateTables;
use landed::landed::{ChargeKind, Quote, QuoteRequest};
use serde_json::json;

use crate::dec;

fn request(hs: &str, origin: &str, date: &str, claim_preference: Option<bool>) -> QuoteRequest {
    let mut line = json!({"hs_code": hs, "quantity": "10", "unit_price": "100.00",
                          "origin": origin});
    if let Some(c) = claim_preference {
        line["claim_preference"] = json!(c);
    }
    if let Some(r) = crate::column_2_duty_rate(hs, origin, date) {
        line["duty_rate"] = json!(r);
    }
    let req = json!({
        "date": date, "destination": "US", "currency": "USD", "ship_from": origin,
        "lines": [line]
    });
    QuoteRequest::from_json(&req.to_string()).unwrap()
}

fn quote_with(hs: &str, origin: &str, date: &str, claim: Option<bool>) -> Quote {
    RateTables::embedded()
        .unwrap()
        .quote(&request(hs, origin, date, claim))
        .unwrap()
}

fn quote(hs: &str, origin: &str, date: &str) -> Quote {
    quote_with(hs, origin, date, None)
}

/// The duty charges whose name starts with `prefix`: (name, amount).
fn charges(q: &Quote, prefix: &str) -> Vec<(String, String)> {
    q.charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Duty && c.name.starts_with(prefix))
        .map(|c| (c.name.to_string(), c.amount.to_string()))
        .collect()
}

/// The Section 232 charges, as (name, amount).
fn s232(q: &Quote) -> Vec<(String, String)> {
    charges(q, "Section 232")
}

fn one(name: &str, amount: &str) -> Vec<(String, String)> {
    vec![(name.to_owned(), amount.to_owned())]
}

fn warns(q: &Quote, needle: &str) -> bool {
    q.warnings.iter().any(|w| w.contains(needle))
}

/// Asserts the Section 232 charges of `hs` from `origin` on each (date, expected) pair.
fn boundary(hs: &str, origin: &str, cases: &[(&str, Vec<(String, String)>)]) {
    for (date, want) in cases {
        let q = quote(hs, origin, date);
        assert_eq!(&s232(&q), want, "{hs} from {origin} on {date}");
    }
}

const CAR: &str = "87032301"; // passenger car 1,000-1,500 cc, MFN 2.5 %
const AUTOS: &str = "Section 232 automobiles (9903.94.01)";
// The deal rows carry the chapter-99 heading of each partner (read from USITC's HTS export).
const AUTOS_DEAL_EU: &str = "Section 232 automobiles (15% all-in deal) (9903.94.51)";
const AUTOS_DEAL_JP: &str = "Section 232 automobiles (15% all-in deal) (9903.94.41)";
const AUTOS_DEAL_KR: &str = "Section 232 automobiles (15% all-in deal) (9903.94.61)";
const TYRE: &str = "40111010"; // car tyres, MFN 4 %
const PARTS: &str = "Section 232 automobiles parts (9903.94.05)";
const PARTS_DEAL_EU: &str = "Section 232 automobiles parts (15% all-in deal) (9903.94.53)";

// ------------------------------------------------------------------ automobiles

#[test]
fn a_car_pays_25_percent_from_2025_04_03_and_no_reciprocal_duty() {
    let none: Vec<(String, String)> = vec![];
    boundary(
        CAR,
        "VN",
        &[
            ("2025-04-02", none.clone()),
            ("2025-04-03", one(AUTOS, "250.00")),
            ("2025-04-04", one(AUTOS, "250.00")),
        ],
    );
    // EO 14257 s.3(b): the reciprocal duty does not apply to a good under a 232 programme.
    let q = quote(CAR, "VN", "2025-09-02");
    assert_eq!(s232(&q), one(AUTOS, "250.00"));
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
}

#[test]
fn eu_cars_pay_15_percent_all_in_from_2025_08_01() {
    // 15 % inclusive of the 2.5 % MFN rate: 12.5 % of Section 232 duty.
    boundary(
        CAR,
        "DE",
        &[
            ("2025-07-31", one(AUTOS, "250.00")),
            ("2025-08-01", one(AUTOS_DEAL_EU, "125.00")),
            ("2025-08-02", one(AUTOS_DEAL_EU, "125.00")),
        ],
    );
    let q = quote(CAR, "DE", "2025-09-02");
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
}

#[test]
fn japanese_cars_pay_15_percent_all_in_from_2025_09_16() {
    boundary(
        CAR,
        "JP",
        &[
            ("2025-09-15", one(AUTOS, "250.00")),
            ("2025-09-16", one(AUTOS_DEAL_JP, "125.00")),
            ("2025-09-17", one(AUTOS_DEAL_JP, "125.00")),
        ],
    );
}

#[test]
fn korean_cars_pay_15_percent_all_in_from_2025_11_01() {
    boundary(
        CAR,
        "KR",
        &[
            ("2025-10-31", one(AUTOS, "250.00")),
            ("2025-11-01", one(AUTOS_DEAL_KR, "125.00")),
            ("2025-11-02", one(AUTOS_DEAL_KR, "125.00")),
        ],
    );
}

#[test]
fn uk_cars_pay_the_in_quota_7_5_percent_from_2025_06_30_and_the_quota_is_named() {
    let gb = "Section 232 automobiles (UK quota) (9903.94.31)";
    boundary(
        CAR,
        "GB",
        &[
            ("2025-06-29", one(AUTOS, "250.00")),
            ("2025-06-30", one(gb, "75.00")),
            ("2025-07-01", one(gb, "75.00")),
        ],
    );
    let q = quote(CAR, "GB", "2026-11-25");
    assert!(
        warns(&q, "9903.94.31") && warns(&q, "quota"),
        "{:?}",
        q.warnings
    );
    // A UK light truck (8704) is outside the quota: 25 %.
    assert_eq!(
        s232(&quote("87042101", "GB", "2026-11-25")),
        one(AUTOS, "250.00")
    );
}

#[test]
fn mexican_cars_pay_25_percent_unless_usmca_and_owe_no_fentanyl_duty() {
    let q = quote_with(CAR, "MX", "2025-06-02", Some(false));
    assert_eq!(s232(&q), one(AUTOS, "250.00"));
    // EO 14289: an article under the automobile 232 owes no IEEPA Canada/Mexico duty.
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
    // A USMCA vehicle pays 25 % of its non-U.S. content only: not computable, so a warning.
    let q = quote_with(CAR, "MX", "2025-06-02", Some(true));
    assert!(s232(&q).is_empty(), "{:?}", q.charges);
    assert!(warns(&q, "non-U.S. content"), "{:?}", q.warnings);
}

// ------------------------------------------------------------------ automobile parts

#[test]
fn car_tyres_pay_25_percent_from_2025_05_03() {
    let none: Vec<(String, String)> = vec![];
    boundary(
        TYRE,
        "TH",
        &[
            ("2025-05-02", none),
            ("2025-05-03", one(PARTS, "250.00")),
            ("2025-05-04", one(PARTS, "250.00")),
        ],
    );
    let q = quote(TYRE, "TH", "2025-05-03");
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
    assert!(warns(&q, "offset"), "{:?}", q.warnings);
}

/// U.S. note 33(g) has not grown since 2025-05-03: the 130 provisions of CBP's list of
/// 2025-05-01 (CSMS #64916652) are the 130 of USITC's HTS 2026 Revision 6, and no Commerce
/// inclusion notice adding a part was found. So a line from each end of the list, and from
/// chapters the inclusions process could have added to, starts on 2025-05-03 (the day before,
/// of and after), and is still charged on 2025-10-31 (from 2025-11-01 lines also on the heavy
/// vehicle parts list pay that duty instead).
#[test]
fn original_list_car_parts_across_the_list_pay_25_percent_from_2025_05_03() {
    let none: Vec<(String, String)> = vec![];
    // brake hoses (first provision), wiring sets, 8708.99.68 (last 8708 provision), seats
    // (last provision of the list)
    for hs in ["4009120020", "85443000", "87089968", "94012000"] {
        boundary(
            hs,
            "TH",
            &[
                ("2025-05-02", none.clone()),
                ("2025-05-03", one(PARTS, "250.00")),
                ("2025-05-04", one(PARTS, "250.00")),
                ("2025-10-31", one(PARTS, "250.00")),
            ],
        );
    }
}

/// 8708.99.81 ("other" parts) is not in note 33(g); heading 9903.94.07 (note 33(p), from
/// 2025-11-01) applies only when the importer certifies U.S. automobile production or repair
/// use, so no automobile parts duty is charged on it, before or after that date.
#[test]
fn a_part_outside_note_33_g_pays_no_automobile_parts_duty() {
    for date in ["2025-05-03", "2025-11-01", "2026-09-24"] {
        let q = quote("8708998180", "TH", date);
        assert!(charges(&q, PARTS).is_empty(), "{date}: {:?}", q.charges);
    }
}

#[test]
fn deal_countries_pay_15_percent_all_in_on_car_parts_on_their_dates() {
    // MFN 4 %: 11 % of Section 232 duty.
    for (origin, start, heading) in [
        ("FR", "2025-08-01", "9903.94.53"),
        ("JP", "2025-09-16", "9903.94.43"),
        ("KR", "2025-11-01", "9903.94.63"),
        ("TW", "2026-05-01", "9903.94.67"),
    ] {
        let deal = format!("Section 232 automobiles parts (15% all-in deal) ({heading})");
        let d = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
        let before = (d - chrono::Days::new(1)).to_string();
        let after = (d + chrono::Days::new(1)).to_string();
        boundary(
            TYRE,
            origin,
            &[
                (&before, one(PARTS, "250.00")),
                (start, one(&deal, "110.00")),
                (&after, one(&deal, "110.00")),
            ],
        );
    }
}

#[test]
fn lines_of_the_parts_list_headings_warn_that_the_list_is_known_to_2026_09_24_only() {
    // Commerce's inclusions process (90 FR 44767) may add subheadings to U.S. note 33(g); the
    // data's list is verified to 2026-09-24. From 2026-09-25 an unlisted line of a heading the
    // list draws on (4011 tyres) warns; a listed line is charged and does not; other headings
    // do not.
    let list_date = "knows the parts of U.S. note 33(g) to 2026-09-24";
    let moto_tyre = "40114000"; // tyres of a kind used on motorcycles, not on the list
    assert!(!warns(&quote(moto_tyre, "CN", "2026-09-24"), list_date));
    for d in ["2026-09-25", "2026-09-26", "2026-11-25"] {
        let q = quote(moto_tyre, "CN", d);
        assert!(warns(&q, list_date), "{d}: {:?}", q.warnings);
        assert!(s232(&q).is_empty(), "{d}");
    }
    let q = quote(TYRE, "CN", "2026-09-25");
    assert_eq!(s232(&q), one(PARTS, "250.00"));
    assert!(!warns(&q, list_date));
    assert!(!warns(&quote("6109100012", "CN", "2026-09-25"), list_date));
}

#[test]
fn every_charged_car_or_heavy_vehicle_part_names_the_assemblers_offset() {
    // Proclamation 10925's import adjustment offset (extended by Proclamation 10984) reduces the
    // automobile parts duty of importers a U.S. assembler authorises, at the general, USMCA and
    // deal rates alike; Proclamation 10984's offset does the same for heavy-vehicle parts from
    // 2025-11-01. Not applied: the quote warns wherever such a duty is charged.
    let car_offset = "import adjustment offset of Proclamation 10925";
    let mhd_offset = "import adjustment offset of Proclamation 10984";
    for (origin, date, claim) in [
        ("CN", "2025-05-03", None),
        ("DE", "2025-09-02", None),
        ("JP", "2025-09-16", None),
        ("TW", "2026-05-01", None),
        ("CA", "2025-09-02", Some(false)),
    ] {
        let q = quote_with(TYRE, origin, date, claim);
        assert!(!s232(&q).is_empty(), "{origin} {date}");
        assert!(warns(&q, car_offset), "{origin} {date}: {:?}", q.warnings);
    }
    // Nothing charged, no offset named: before the parts duty, or a USMCA part.
    assert!(!warns(&quote(TYRE, "CN", "2025-05-02"), car_offset));
    assert!(!warns(
        &quote_with(TYRE, "MX", "2025-09-02", Some(true)),
        car_offset
    ));
    // Heavy-vehicle parts (8708.99.53, on both lists: the MHD duty wins from 2025-11-01).
    let part = "8708995300";
    let q = quote(part, "CN", "2025-10-31");
    assert!(
        warns(&q, car_offset) && !warns(&q, mhd_offset),
        "{:?}",
        q.warnings
    );
    for d in ["2025-11-01", "2025-11-02"] {
        for (origin, claim) in [("CN", None), ("DE", None), ("CA", Some(false))] {
            let q = quote_with(part, origin, d, claim);
            assert!(warns(&q, mhd_offset), "{origin} {d}: {:?}", q.warnings);
        }
    }
    assert!(!warns(&quote("6109100012", "CN", "2025-11-01"), mhd_offset));
}

#[test]
fn vehicles_warn_that_one_25_years_old_owes_no_vehicle_duty() {
    // U.S. note 33(e) / 9903.94.04 (from 2025-04-03) and note 38(g) / 9903.74.07 (from
    // 2025-11-01): a vehicle manufactured at least 25 years before the year of entry owes no
    // Section 232 vehicle duty. The request does not give the year: charged, with a warning.
    let vintage = "at least 25 years before the year of entry";
    assert!(!warns(&quote(CAR, "DE", "2025-04-02"), vintage));
    for d in ["2025-04-03", "2025-04-04", "2026-11-25"] {
        let q = quote(CAR, "DE", d);
        assert!(
            !s232(&q).is_empty() && warns(&q, vintage),
            "{d}: {:?}",
            q.warnings
        );
    }
    for hs in ["87012300", "87021031"] {
        assert!(!warns(&quote(hs, "CN", "2025-10-31"), vintage), "{hs}");
        for d in ["2025-11-01", "2025-11-02"] {
            let q = quote(hs, "CN", d);
            assert!(!s232(&q).is_empty() && warns(&q, vintage), "{hs} {d}");
        }
    }
    assert!(!warns(&quote(TYRE, "DE", "2025-09-02"), vintage));
}

#[test]
fn metals_annex_lines_outside_the_metal_chapters_warn_of_the_9903_94_07_election() {
    // U.S. note 33(p): a part certified for U.S. automobile production or repair, outside
    // chapters 72/73/76 and the automobile and heavy-vehicle parts lists, may be entered under
    // 9903.94.07 at +25 % (EU/JP/KR/TW 15 % all-in) and then owes no metals duty. It is cheaper
    // than annex I-A's 50 % for all origins and than annex I-B's 25 % for the deal partners.
    let election = "9903.94.07, U.S. note 33(p)";
    let housing = "84833080"; // bearing housings, annex I-B from 2026-04-06
    assert!(!warns(&quote(housing, "DE", "2026-04-05"), election));
    for d in ["2026-04-06", "2026-04-07"] {
        for origin in ["DE", "JP", "KR"] {
            let q = quote(housing, origin, d);
            assert!(warns(&q, election), "{origin} {d}: {:?}", q.warnings);
        }
        // Outside the deals 9903.94.07 costs the same 25 %: no warning.
        assert!(!warns(&quote(housing, "CN", d), election), "CN {d}");
    }
    assert!(!warns(&quote(housing, "TW", "2026-04-30"), election));
    assert!(warns(&quote(housing, "TW", "2026-05-01"), election));
    // Annex I-A copper articles (50 %): every origin but GB and RU.
    let copper = "74198050";
    assert!(!warns(&quote(copper, "CN", "2026-04-05"), election));
    assert!(warns(&quote(copper, "CN", "2026-04-06"), election));
    // Not on a listed automobile part (charged as such), nor in chapter 73.
    assert!(!warns(&quote("84831030", "DE", "2026-04-06"), election));
    assert!(!warns(&quote("73269086", "DE", "2026-04-06"), election));
}

#[test]
fn uk_car_parts_pay_25_percent_with_a_warning_naming_the_10_percent_deal() {
    let q = quote(TYRE, "GB", "2025-09-02");
    assert_eq!(s232(&q), one(PARTS, "250.00"));
    assert!(warns(&q, "9903.94.32"), "{:?}", q.warnings);
}

#[test]
fn usmca_car_parts_are_spared_and_other_canadian_parts_are_not() {
    assert!(s232(&quote_with(TYRE, "CA", "2025-09-02", Some(true))).is_empty());
    let q = quote_with(TYRE, "CA", "2025-09-02", Some(false));
    assert_eq!(s232(&q), one(PARTS, "250.00"));
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
}

#[test]
fn a_steel_car_part_pays_the_automobile_duty_not_the_steel_duty() {
    // 7320.10.30 leaf springs: on the steel mill list (50 % from 2025-06-04) and on the
    // automobile parts list; the automobile proclamations exclude the steel duty.
    let spring = "73201030";
    let q = quote(spring, "VN", "2025-06-02");
    assert_eq!(s232(&q), one(PARTS, "250.00"));
    let q = quote(spring, "DE", "2025-09-02");
    assert_eq!(s232(&q), one(PARTS_DEAL_EU, "118.00")); // 15 − 3.2 MFN
    // Before the automobile parts duty (2025-05-03) the steel duty applies.
    let q = quote(spring, "VN", "2025-05-02");
    assert_eq!(s232(&q), one("Section 232 steel (9903.81.90)", "250.00"));
}

// ------------------------------------------------------------------ timber, lumber, wood products

#[test]
fn softwood_lumber_pays_10_percent_from_2025_10_14_and_no_canadian_fentanyl_duty() {
    let lumber = "44071100";
    let name = "Section 232 timber and lumber (9903.76.01)";
    for origin in ["CA", "DE"] {
        boundary(
            lumber,
            origin,
            &[
                ("2025-10-13", vec![]),
                ("2025-10-14", one(name, "100.00")),
                ("2025-10-15", one(name, "100.00")),
            ],
        );
    }
    let q = quote_with(lumber, "CA", "2025-10-14", Some(false));
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
    assert!(warns(&quote(lumber, "DE", "2025-10-14"), "9903.76.01"));
}

#[test]
fn upholstered_furniture_pays_25_percent_with_the_deal_rates_and_no_2026_step() {
    let sofa = "9401614011";
    let name = "Section 232 upholstered wooden furniture (9903.76.02)";
    boundary(
        sofa,
        "CN",
        &[
            ("2025-10-13", vec![]),
            ("2025-10-14", one(name, "250.00")),
            ("2025-10-15", one(name, "250.00")),
            // The 2026-01-01 increase to 30 % was postponed to 2027-01-01.
            ("2025-12-31", one(name, "250.00")),
            ("2026-01-01", one(name, "250.00")),
            ("2026-01-02", one(name, "250.00")),
        ],
    );
    // The EU and Japan each under their own heading (9903.76.22, 9903.76.21; one row without a
    // heading until dataset 2026.12.5). Korea's row has 9903.76.23, the UK's 9903.76.20.
    let deal = "Section 232 upholstered wooden furniture (15% all-in deal) (9903.76.22)";
    let deal_jp = "Section 232 upholstered wooden furniture (15% all-in deal) (9903.76.21)";
    let deal_kr = "Section 232 upholstered wooden furniture (15% all-in deal) (9903.76.23)";
    let uk = "Section 232 upholstered wooden furniture (UK) (9903.76.20)";
    assert_eq!(s232(&quote(sofa, "IT", "2025-10-14")), one(deal, "150.00"));
    assert_eq!(
        s232(&quote(sofa, "JP", "2025-10-14")),
        one(deal_jp, "150.00")
    );
    assert_eq!(s232(&quote(sofa, "GB", "2025-10-14")), one(uk, "100.00"));
    boundary(
        sofa,
        "KR",
        &[
            ("2025-11-13", one(name, "250.00")),
            ("2025-11-14", one(deal_kr, "150.00")),
            ("2025-11-15", one(deal_kr, "150.00")),
        ],
    );
    // The reciprocal duty yields to the wood duty; China's fentanyl duty does not.
    let q = quote(sofa, "CN", "2025-10-14");
    assert!(
        charges(&q, "IEEPA reciprocal").is_empty(),
        "{:?}",
        q.charges
    );
    assert!(!charges(&q, "IEEPA fentanyl").is_empty(), "{:?}", q.charges);
}

#[test]
fn kitchen_cabinets_pay_25_percent_from_2025_10_14() {
    boundary(
        "9403409060",
        "VN",
        &[
            ("2025-10-13", vec![]),
            (
                "2025-10-14",
                one(
                    "Section 232 kitchen cabinets and vanities (9903.76.03)",
                    "250.00",
                ),
            ),
        ],
    );
}

// ------------------------------------------------------------------ medium and heavy vehicles, buses

#[test]
fn road_tractors_pay_25_percent_and_buses_10_percent_from_2025_11_01() {
    let mhd = "Section 232 medium and heavy vehicles (9903.74.01)";
    let bus = "Section 232 buses (9903.74.02)";
    for (hs, origin, name, amount) in [
        ("87012300", "SE", mhd, "250.00"),
        ("87021031", "CN", bus, "100.00"),
    ] {
        boundary(
            hs,
            origin,
            &[
                ("2025-10-31", vec![]),
                ("2025-11-01", one(name, amount)),
                ("2025-11-02", one(name, amount)),
            ],
        );
    }
    let q = quote("87012300", "SE", "2025-11-01");
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
}

#[test]
fn a_part_on_both_vehicle_lists_pays_the_heavy_vehicle_duty_only() {
    // 7320.10.30 is on the steel list, the automobile parts list and the MHD parts list: from
    // 2025-11-01 the MHD parts duty displaces the others (Proclamation 10984), also under the
    // 2026 metals annex.
    let spring = "73201030";
    let mhd = "Section 232 medium and heavy vehicles parts (9903.74.08)";
    let q = quote(spring, "DE", "2025-11-01");
    assert_eq!(s232(&q), one(mhd, "250.00"));
    assert!(warns(&q, "automobile parts"), "{:?}", q.warnings);
    assert_eq!(
        s232(&quote(spring, "DE", "2025-10-31")),
        one(PARTS_DEAL_EU, "118.00")
    );
    assert_eq!(s232(&quote(spring, "CN", "2026-11-25")), one(mhd, "250.00"));
    // A USMCA part pays neither vehicle duty; whether the steel duty then applies is not settled
    // in the data (research notes §4), so only the vehicle duties are checked.
    let q = quote_with(spring, "MX", "2025-11-01", Some(true));
    assert!(
        charges(&q, "Section 232 medium").is_empty(),
        "{:?}",
        q.charges
    );
    assert!(
        charges(&q, "Section 232 automobiles").is_empty(),
        "{:?}",
        q.charges
    );
}

// ------------------------------------------------------------------ warn-only programmes

#[test]
fn semiconductor_lines_warn_from_2026_01_15_without_a_charge() {
    let hs = "8471500150";
    assert!(!warns(&quote(hs, "MY", "2026-01-14"), "9903.79.01"));
    for date in ["2026-01-15", "2026-01-16"] {
        let q = quote(hs, "MY", date);
        assert!(warns(&q, "9903.79.01"), "{date}: {:?}", q.warnings);
        assert!(s232(&q).is_empty(), "{date}: {:?}", q.charges);
    }
}

#[test]
fn pharmaceutical_lines_warn_from_2026_09_29_without_a_charge() {
    let hs = "3004101010";
    assert!(!warns(
        &quote(hs, "IN", "2026-09-28"),
        "Section 232 pharmaceuticals"
    ));
    for date in ["2026-09-29", "2026-09-30"] {
        let q = quote(hs, "IN", date);
        assert!(
            warns(&q, "Section 232 pharmaceuticals"),
            "{date}: {:?}",
            q.warnings
        );
        assert!(s232(&q).is_empty(), "{date}: {:?}", q.charges);
    }
}

// ------------------------------------------------------------------ metals: Russia, annex I-C

#[test]
fn russian_aluminium_pays_200_percent_before_and_under_the_annexes() {
    // The charge shows its candidate headings (see us_headings): + 200 % under 9903.85.67 or its
    // FTZ twin .69 before 2026-04-06, under .67 or the derivatives' .68 from then.
    let hs = "76012030";
    let before = "Section 232 aluminium (Russia) (9903.85.67 / 9903.85.69)";
    let annexes = "Section 232 aluminium (Russia) (9903.85.67 / 9903.85.68)";
    for (date, name) in [
        ("2025-03-11", before),
        ("2025-09-02", before),
        ("2026-04-05", before),
        ("2026-04-06", annexes),
        ("2026-11-25", annexes),
    ] {
        let q = quote(hs, "RU", date);
        assert_eq!(s232(&q), one(name, "2000.00"), "{date}");
    }
    assert_eq!(
        duty_sum(&quote(hs, "CA", "2025-09-02"), "Section 232"),
        dec("500")
    );
}

/// The warning of Proclamation 10522 on aluminium smelted or cast in Russia.
const RU_SMELT: &str = "smelted in Russia, or they were cast in Russia";

#[test]
fn aluminium_of_other_origins_warns_of_the_200_percent_on_russian_smelted_or_cast_metal() {
    // Proclamation 10522 (FR Doc 2023-04470): + 200 % from 2023-04-10 on aluminium articles and
    // derivatives of any country with primary aluminium smelted in Russia or cast in Russia
    // (USITC's HTS 9903.85.67/.68). A request does not say where the metal was smelted: the
    // quote charges the general aluminium duty and warns, on every line and day the Russian
    // 200 % row charges Russian goods, from the data's first day (2025-01-01, after 2023-04-10).
    let ingot = "76012030";
    for date in [
        "2025-01-01",
        "2025-09-02",
        "2026-04-05",
        "2026-04-06",
        "2026-04-07",
        "2026-11-25",
    ] {
        for origin in ["DE", "CN", "CA"] {
            let q = quote(ingot, origin, date);
            assert!(warns(&q, RU_SMELT), "{origin} {date}: {:?}", q.warnings);
            assert!(
                s232(&q).iter().all(|(n, _)| !n.contains("Russia")),
                "{origin} {date}"
            );
        }
        // Russian goods are charged the 200 % itself: no warning.
        let q = quote(ingot, "RU", date);
        assert!(!warns(&q, RU_SMELT), "RU {date}");
    }
    // Not on steel.
    assert!(!warns(&quote(HR_PLATE, "DE", "2025-09-02"), RU_SMELT));
    // Aluminium derivatives charged on their metal content (not charged here) warn from the
    // day they enter the content rows, Russian goods included (no row charges them), until the
    // 2026-04-06 annexes (6603.90.81 is in none of them).
    for (hs, start) in [("66039081", "2025-03-12"), ("33059000", "2025-08-18")] {
        let start = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
        let before = start.pred_opt().unwrap().to_string();
        let after = start.succ_opt().unwrap().to_string();
        assert!(!warns(&quote(hs, "CN", &before), RU_SMELT), "{hs} {before}");
        for d in [start.to_string(), after] {
            for origin in ["CN", "RU"] {
                assert!(warns(&quote(hs, origin, &d), RU_SMELT), "{hs} {origin} {d}");
            }
        }
    }
    assert!(warns(&quote("66039081", "CN", "2026-04-05"), RU_SMELT));
    assert!(!warns(&quote("66039081", "CN", "2026-04-06"), RU_SMELT));
}

const MX_SMELT: &str = "Section 232 aluminium (Mexico)";

#[test]
fn mexican_aluminium_warns_of_the_10_percent_on_metal_smelted_or_cast_in_china_russia_belarus_or_iran()
 {
    // Proclamation 10782 (89 FR 57339, FR Doc 2024-15632), entries from 2024-07-10: aluminium
    // articles of Mexico (9903.85.71) and its derivative aluminium articles of U.S. note
    // 19(a)(iii) (9903.85.72) pay + 10 % when the primary aluminium was smelted (primary or
    // secondary country of smelt) or most recently cast in China, Russia, Belarus or Iran.
    // USITC's HTS 2025 and 2026 Basic Editions have both headings, Revision 10 (2026-06-08)
    // neither. A request does not say where the metal was smelted: a warning on Mexican lines,
    // never a charge, from the data's first US day (2025-01-01; the day before is not quoted)
    // to 2026-06-07.
    let ingot = "76012030"; // note 19(b) mill product
    let strand = "76141050"; // note 19(a)(iii) derivative
    assert!(
        RateTables::embedded()
            .unwrap()
            .quote(&request(ingot, "MX", "2024-12-31", None))
            .is_err()
    );
    for (hs, heading) in [(ingot, "9903.85.71"), (strand, "9903.85.72")] {
        let label = format!("{MX_SMELT} ({heading}): ");
        for date in [
            "2025-01-01",
            "2025-03-11",
            "2025-03-12",
            "2026-06-06",
            "2026-06-07",
            "2026-06-08",
        ] {
            let q = quote(hs, "MX", date);
            let warned = q.warnings.iter().any(|w| w.contains(&label));
            assert_eq!(warned, date < "2026-06-08", "{hs} {date}: {:?}", q.warnings);
            // Nothing charged for it: the Section 232 charges of a Canadian line of the code.
            assert!(
                q.charges.iter().all(|c| !c.name.contains("Mexico")),
                "{hs} {date}"
            );
            assert_eq!(s232(&q), s232(&quote(hs, "CA", date)), "{hs} {date}");
            for origin in ["CA", "CN"] {
                assert!(
                    !warns(&quote(hs, origin, date), MX_SMELT),
                    "{hs} {origin} {date}"
                );
            }
        }
    }
    assert!(s232(&quote(ingot, "MX", "2025-03-11")).is_empty());
    assert_eq!(
        s232(&quote(strand, "MX", "2026-06-07")),
        one("Section 232 aluminium (9903.82.02)", "500.00")
    );
    // Until 2025-03-11 Mexican aluminium owed no other Section 232 duty; from 2025-03-12
    // (Proclamation 10895) it owes the general one, and the warning says that whether the two
    // headings still applied then is not established.
    let text = |date| quote(ingot, "MX", date).warnings.join("\n");
    assert!(text("2025-03-11").contains("pay +10%"));
    assert!(!text("2025-03-11").contains("lapsed"));
    assert!(text("2025-03-12").contains("lapsed or still add 10%"));
    // A note 19(a)(iii) derivative outside chapter 76 (charged on its metal content from
    // 2025-03-12) warns from the first day; a chapter-76 derivative the notes added on
    // 2025-03-12 (7610.10.00) from that day, with both headings as candidates.
    assert!(warns(
        &quote("87082921", "MX", "2025-01-01"),
        "(9903.85.72): "
    ));
    assert!(!warns(&quote("76101000", "MX", "2025-03-11"), MX_SMELT));
    assert!(warns(
        &quote("76101000", "MX", "2025-03-12"),
        "(9903.85.71 / 9903.85.72): "
    ));
    // EO 14289: to 2025-06-03 a Mexican article owing the IEEPA Mexico duty (no USMCA claim)
    // owes no Section 232 aluminium duty, and gets no warning; from 2025-06-04 the 232 duty
    // comes first again.
    for (date, warned) in [
        ("2025-03-11", false),
        ("2025-06-03", false),
        ("2025-06-04", true),
    ] {
        let q = quote_with(ingot, "MX", date, Some(false));
        assert_eq!(warns(&q, MX_SMELT), warned, "{date}: {:?}", q.warnings);
    }
}

fn duty_sum(q: &Quote, prefix: &str) -> rust_decimal::Decimal {
    q.charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Duty && c.name.starts_with(prefix))
        .map(|c| c.amount)
        .sum()
}

#[test]
fn annex_i_c_machinery_moves_from_annex_i_b_on_2026_06_08() {
    let dozer = "84291100"; // MFN free
    let b = "Section 232 steel (9903.82.09 / 9903.82.20)";
    let c = "Section 232 steel (annex I-C) (9903.82.09 / 9903.82.20)";
    let c_deal = "Section 232 steel (annex I-C) (15% all-in) (9903.82.22)";
    boundary(
        dozer,
        "CN",
        &[
            ("2026-06-07", one(b, "250.00")),
            ("2026-06-08", one(c, "250.00")),
            ("2026-06-09", one(c, "250.00")),
        ],
    );
    boundary(
        dozer,
        "JP",
        &[
            ("2026-06-07", one(b, "250.00")),
            ("2026-06-08", one(c_deal, "150.00")),
            ("2026-06-09", one(c_deal, "150.00")),
        ],
    );
}

#[test]
fn annex_iii_lines_leave_annex_i_b_on_2026_06_08() {
    // Issue 17: the tracker moves 37 lines from annex I-B (25 %) to annex III (15 % all-in) on
    // 2026-06-08; the I-B row must stop on 2026-06-07, or it outranks the annex III row.
    let engine = "84079010"; // spark-ignition engines, MFN free
    boundary(
        engine,
        "VN",
        &[
            (
                "2026-06-07",
                one("Section 232 steel (9903.82.09 / 9903.82.20)", "250.00"),
            ),
            (
                "2026-06-08",
                one("Section 232 steel (9903.82.10 / 9903.82.25)", "150.00"),
            ),
            (
                "2026-06-09",
                one("Section 232 steel (9903.82.10 / 9903.82.25)", "150.00"),
            ),
        ],
    );
    for date in ["2026-06-08", "2026-06-09"] {
        let q = quote(engine, "VN", date);
        assert!(
            q.charges
                .iter()
                .any(|c| c.kind == ChargeKind::Duty && c.source.contains("annex III")),
            "{date}: {:?}",
            q.charges
        );
    }
    // 8708.29.21 moves from annex I-B to annex II (out of scope) on 2026-06-08, though its
    // heading 8708.29 stays in annex I-B. It is an automobile part, whose duty displaces the
    // metals duty; a USMCA part of Mexico is spared that duty, so the metals row shows. The tracker
    // lists 8708.29.21 in annex I-B as steel under the aluminium 8708.29: its own row, with the
    // steel candidates (dataset 2026.12.12; until then the aluminium row of 8708.29 charged it).
    for (date, want) in [
        (
            "2026-06-07",
            one("Section 232 steel (9903.82.09 / 9903.82.20)", "250.00"),
        ),
        ("2026-06-08", vec![]),
        ("2026-06-09", vec![]),
    ] {
        let q = quote_with("87082921", "MX", date, Some(true));
        assert_eq!(s232(&q), want, "87082921 from MX (USMCA) on {date}");
    }
}

#[test]
fn annex_ii_lines_under_an_annex_i_b_heading_are_not_charged_its_rate() {
    // Dataset 2026.12.10: the tracker puts 8503.00.45 (aluminium motor parts, under the annex I-B
    // row of 8503.00) and 9403.99.10.40 (furniture parts, under 9403.99) in annex II, out of
    // scope, from 2026-04-06; the broader I-B rows excluded neither, so both paid 25 % (GB 15 %)
    // and no Section 122. They now keep the Section 122 10 % of the day before.
    let s122 = one("Section 122 (9903.03.01)", "100.00");
    for hs in ["8503004500", "9403991040"] {
        for origin in ["DE", "GB"] {
            for date in ["2026-04-05", "2026-04-06", "2026-04-07"] {
                let q = quote(hs, origin, date);
                assert_eq!(s232(&q), vec![], "{hs} from {origin} on {date}");
                assert_eq!(
                    charges(&q, "Section 122"),
                    s122,
                    "{hs} from {origin} on {date}"
                );
            }
        }
    }
    // 8501.53.40 (motors, annex II under the I-B row of 8501) owes neither duty on those days.
    for date in ["2026-04-05", "2026-04-06", "2026-04-07"] {
        let q = quote("8501534000", "DE", date);
        assert_eq!(duty_sum(&q, "Section"), dec("0"), "8501.53.40 on {date}");
    }
    // A I-B line under the same heading is still charged from 2026-04-06 (listed as aluminium, and
    // under the steel 8503.00.95, so with the steel candidate 9903.82.20 too).
    let alu = "Section 232 aluminium (9903.82.09 / 9903.82.20)";
    boundary(
        "8503009546",
        "DE",
        &[
            ("2026-04-05", vec![]),
            ("2026-04-06", one(alu, "250.00")),
            ("2026-04-07", one(alu, "250.00")),
        ],
    );
}

// ------------------------------------------------------------------ EO 14289: CA/MX fentanyl vs steel/aluminium

/// EO 14289 sec. 3 (retroactive to 2025-03-04): a good of Canada or Mexico that owes the IEEPA
/// fentanyl duty owes no Section 232 steel/aluminium duty; Proclamation 10947 reversed the order
/// for entries from 2025-06-04 (CBP CSMS #65054270, #65236574): the steel/aluminium duty, then
/// no fentanyl duty. "Subject to" means more than 0 % owed, so a USMCA good pays the 232 duty.
const HR_PLATE: &str = "7208101500"; // hot-rolled plate in coils, MFN free
// The 25 % of 2025-03-12..06-03 is under the heading of the 50 % (CBP CSMS #64348411).
const STEEL_25: &str = "Section 232 steel (9903.81.87)";
const STEEL_50: &str = "Section 232 steel (9903.81.87)";

/// The Section 232 and IEEPA charges of one line, sorted.
fn s232_and_ieepa(q: &Quote) -> Vec<(String, String)> {
    let mut v = s232(q);
    v.extend(charges(q, "IEEPA"));
    v.sort();
    v
}

#[test]
fn canadian_steel_outside_usmca_pays_fentanyl_until_2025_06_03_and_the_steel_duty_from_2025_06_04()
{
    let fent = |amount: &str| one("IEEPA fentanyl (9903.01.10)", amount);
    for (date, want) in [
        // Canada's steel exemption ended 2025-03-12: the fentanyl duty alone either side of it.
        ("2025-03-11", fent("250.00")),
        ("2025-03-12", fent("250.00")),
        ("2025-03-13", fent("250.00")),
        // The order was signed 2025-04-29 but reaches back to 2025-03-04: nothing changes then.
        ("2025-04-28", fent("250.00")),
        ("2025-04-29", fent("250.00")),
        ("2025-04-30", fent("250.00")),
        ("2025-06-03", fent("250.00")),
        // Proclamation 10947 from 2025-06-04 (not retroactive): steel at 50 %, no fentanyl duty.
        ("2025-06-04", one(STEEL_50, "500.00")),
        ("2025-06-05", one(STEEL_50, "500.00")),
        // The fentanyl step to 35 % on 2025-08-01 does not bring it back.
        ("2025-07-31", one(STEEL_50, "500.00")),
        ("2025-08-01", one(STEEL_50, "500.00")),
        ("2026-02-23", one(STEEL_50, "500.00")),
        ("2026-02-24", one(STEEL_50, "500.00")),
    ] {
        let q = quote_with(HR_PLATE, "CA", date, Some(false));
        assert_eq!(s232_and_ieepa(&q), want, "{date}");
        assert!(!warns(&q, "EO 14289"), "{date}: {:?}", q.warnings);
    }
}

#[test]
fn mexican_steel_outside_usmca_changes_precedence_on_2025_06_04() {
    for (date, want) in [
        ("2025-06-03", one("IEEPA fentanyl (9903.01.01)", "250.00")),
        ("2025-06-04", one(STEEL_50, "500.00")),
        ("2025-06-05", one(STEEL_50, "500.00")),
    ] {
        let q = quote_with(HR_PLATE, "MX", date, Some(false));
        assert_eq!(s232_and_ieepa(&q), want, "{date}");
    }
}

#[test]
fn usmca_steel_owes_no_fentanyl_duty_so_it_pays_the_steel_duty_throughout() {
    for (date, want) in [
        ("2025-03-11", vec![]),
        ("2025-03-12", one(STEEL_25, "250.00")),
        ("2025-06-03", one(STEEL_25, "250.00")),
        ("2025-06-04", one(STEEL_50, "500.00")),
        ("2025-06-05", one(STEEL_50, "500.00")),
    ] {
        for origin in ["CA", "MX"] {
            let q = quote_with(HR_PLATE, origin, date, Some(true));
            assert_eq!(s232_and_ieepa(&q), want, "{origin} {date}");
        }
    }
}

#[test]
fn chinese_steel_pays_both_the_steel_and_the_fentanyl_duty() {
    // EO 14289 covers only the Canada and Mexico IEEPA duties: China's stacks.
    for (date, steel) in [
        ("2025-06-03", one(STEEL_25, "250.00")),
        ("2025-06-04", one(STEEL_50, "500.00")),
    ] {
        let q = quote(HR_PLATE, "CN", date);
        assert_eq!(s232(&q), steel, "{date}");
        assert_eq!(
            charges(&q, "IEEPA fentanyl"),
            one("IEEPA fentanyl (9903.01.24)", "200.00"),
            "{date}"
        );
    }
}

#[test]
fn canadian_goods_outside_the_steel_and_aluminium_chapters_keep_the_fentanyl_duty() {
    // A T-shirt: no 232 duty, the fentanyl duty on both sides of 2025-06-04.
    for date in ["2025-06-03", "2025-06-04", "2025-06-05"] {
        let q = quote_with("6109100012", "CA", date, Some(false));
        assert_eq!(
            s232_and_ieepa(&q),
            one("IEEPA fentanyl (9903.01.10)", "250.00"),
            "{date}"
        );
    }
    // Copper (Proclamation 10962) is not one of EO 14289's actions: both duties stack.
    let q = quote_with("74061000", "CA", "2025-09-01", Some(false));
    assert_eq!(
        s232_and_ieepa(&q),
        vec![
            (
                "IEEPA fentanyl (9903.01.10)".to_owned(),
                "350.00".to_owned()
            ),
            (
                "Section 232 copper (9903.78.01)".to_owned(),
                "500.00".to_owned()
            ),
        ]
    );
}

#[test]
fn canadian_energy_aluminium_pays_its_10_percent_until_2025_06_03_then_the_aluminium_duty() {
    // 7614.10.50 stranded aluminium wire is on Canada's energy list (9903.01.13, 10 %), which is
    // an IEEPA Canada duty too.
    for (date, name, amount) in [
        ("2025-06-03", "IEEPA fentanyl (9903.01.13)", "100.00"),
        ("2025-06-04", "Section 232 aluminium", "500.00"),
        ("2025-06-05", "Section 232 aluminium", "500.00"),
    ] {
        let q = quote_with("7614105000", "CA", date, Some(false));
        let got = s232_and_ieepa(&q);
        assert_eq!(got.len(), 1, "{date}: {got:?}");
        assert!(got[0].0.starts_with(name), "{date}: {got:?}");
        assert_eq!(got[0].1, amount, "{date}");
    }
}

#[test]
fn a_canadian_aluminium_derivative_warns_of_the_content_duty_only_from_2025_06_04() {
    // Before 2025-06-04 the fentanyl duty displaces the 232 duty on the aluminium content too;
    // from then on the content duty applies (a warning: the content value is not in a request).
    let derivative = "6603908100";
    let content = "Section 232 aluminium derivative";
    for (date, shown) in [
        ("2025-06-03", false),
        ("2025-06-04", true),
        ("2025-06-05", true),
    ] {
        let q = quote_with(derivative, "CA", date, Some(false));
        assert_eq!(warns(&q, content), shown, "{date}: {:?}", q.warnings);
    }
    // China's fentanyl duty does not displace it.
    assert!(warns(&quote(derivative, "CN", "2025-06-03"), content));
    // The warning says which charges of the quote are on the full value although only the
    // non-metal part owes them: the fentanyl duty of Canada is charged on the full value.
    let q = quote_with(derivative, "CA", "2025-06-04", Some(false));
    let text = q
        .warnings
        .iter()
        .find(|w| w.contains(content))
        .expect("the content warning");
    assert!(
        text.contains("fentanyl") && text.contains("charges them on the full value"),
        "{text}"
    );
    assert!(
        q.charges.iter().any(|c| c.name.contains("fentanyl")),
        "{:?}",
        q.charges
    );
}

// ------------------------------------------------------------------ metals before 2025-03-12

// From the data's first US day to 2025-03-11 the 2018 duties applied (Proclamations 9704/9705,
// derivatives of Proclamation 9980) with the country arrangements Proclamations 10895/10896 ended
// on 2025-03-12; the headings and excepted countries as USITC's HTS 2025 Basic Edition prints them.
const HR_CUT: &str = "7208510030"; // hot-rolled plate in cut lengths, MFN free
const STEEL_2018: &str = "Section 232 steel (9903.80.01)";
const STEEL_DERIV_2018: &str = "Section 232 steel (9903.80.03)";
const ALU_2018: &str = "Section 232 aluminium (9903.85.01)";
const ALU_DERIV_2018: &str = "Section 232 aluminium (9903.85.03)";
const INGOT: &str = "76012030"; // unwrought aluminium alloy, note 19(b)

#[test]
fn chinese_steel_before_2025_03_12_pays_the_2018_duty_with_section_301_and_the_fentanyl_duty() {
    // 25 % under 9903.80.01 (Proclamation 9705) plus Section 301 (four-year review, 9903.91.01);
    // from 2025-02-04 the IEEPA China duty too (EO 14195: all articles of the PRC).
    let s301 = one("Section 301 four-year review (9903.91.01)", "250.00");
    for (date, fentanyl) in [
        ("2025-01-01", vec![]),
        ("2025-02-01", vec![]),
        ("2025-02-03", vec![]),
        ("2025-02-04", one("IEEPA fentanyl (9903.01.20)", "100.00")),
        ("2025-03-04", one("IEEPA fentanyl (9903.01.24)", "200.00")),
    ] {
        let q = quote(HR_CUT, "CN", date);
        assert_eq!(s232(&q), one(STEEL_2018, "250.00"), "{date}");
        assert_eq!(charges(&q, "Section 301"), s301, "{date}");
        assert_eq!(charges(&q, "IEEPA"), fentanyl, "{date}");
        // Exclusions (importer-specific, General Approved Exclusions) are not encoded: said so.
        assert!(warns(&q, "General Approved Exclusions"), "{date}");
    }
}

#[test]
fn steel_changes_heading_on_2025_03_12_and_canada_and_australia_start_paying() {
    // China: 25 % throughout, under 9903.80.01 to 2025-03-11 and 9903.81.87 (CBP CSMS #64348411)
    // from 2025-03-12.
    boundary(
        HR_CUT,
        "CN",
        &[
            ("2025-03-11", one(STEEL_2018, "250.00")),
            ("2025-03-12", one(STEEL_25, "250.00")),
            ("2025-03-13", one(STEEL_25, "250.00")),
        ],
    );
    // Canada and Australia were exempt (9903.80.01 excepts them): nothing, not even a warning,
    // until 2025-03-11; from 2025-03-12 they pay (a USMCA claim spares Canada the fentanyl duty,
    // so the steel duty is charged: EO 14289, see above).
    for origin in ["CA", "AU"] {
        for date in ["2025-01-01", "2025-02-01", "2025-03-11"] {
            let q = quote_with(HR_CUT, origin, date, Some(true));
            assert!(s232(&q).is_empty(), "{origin} {date}");
            assert!(
                !q.warnings.iter().any(|w| w.contains("Section 232")),
                "{origin} {date}: {:?}",
                q.warnings
            );
        }
        for date in ["2025-03-12", "2025-03-13"] {
            let q = quote_with(HR_CUT, origin, date, Some(true));
            assert_eq!(s232(&q), one(STEEL_25, "250.00"), "{origin} {date}");
        }
    }
}

#[test]
fn eu_japanese_and_uk_steel_before_2025_03_12_warn_of_the_over_quota_duty() {
    // Tariff-rate quotas (EU from 2022-01-01, Japan 2022-04-01, UK 2022-06-01): in quota no
    // duty, above it (or not melted and poured in the partner) 25 % under 9903.80.01. The quote
    // charges the in-quota nothing and names the over-quota heading and rate.
    for origin in ["DE", "FR", "JP", "GB"] {
        let q = quote(HR_CUT, origin, "2025-02-01");
        assert!(s232(&q).is_empty(), "{origin}");
        let text = q
            .warnings
            .iter()
            .find(|w| w.contains("tariff-rate quota"))
            .unwrap_or_else(|| panic!("{origin}: {:?}", q.warnings));
        assert!(
            text.contains(STEEL_2018) && text.contains("+25% (9903.80.01)"),
            "{text}"
        );
        // From 2025-03-12 the quota is gone and the duty charged.
        let q = quote(HR_CUT, origin, "2025-03-12");
        assert_eq!(s232(&q), one(STEEL_25, "250.00"), "{origin}");
        assert!(!warns(&q, "tariff-rate quota"), "{origin}");
    }
}

#[test]
fn quota_countries_ukraine_and_mexico_warn_instead_of_paying_before_2025_03_12() {
    // Argentina, Brazil, South Korea: absolute quota, no duty.
    for origin in ["AR", "BR", "KR"] {
        let q = quote(HR_CUT, origin, "2025-02-01");
        assert!(s232(&q).is_empty(), "{origin}");
        assert!(warns(&q, "absolute quota"), "{origin}: {:?}", q.warnings);
        assert!(warns(&q, "9903.80.05-9903.80.58"), "{origin}");
    }
    // Ukraine: duty suspended for goods with a certificate of origin, else 9903.81.83.
    let q = quote(HR_CUT, "UA", "2025-02-01");
    assert!(s232(&q).is_empty());
    assert!(
        warns(&q, "Section 232 steel (Ukraine) (9903.81.83)"),
        "{:?}",
        q.warnings
    );
    assert!(warns(&q, "certificate of origin"));
    // Mexico: + 25 % if melted and poured outside Mexico, Canada, the United States (Proclamation
    // 10783): a warning, 9903.81.85 on a mill product, 9903.81.86 on a derivative.
    let q = quote(HR_CUT, "MX", "2025-02-01");
    assert!(s232(&q).is_empty());
    assert!(
        warns(&q, "Section 232 steel (Mexico) (9903.81.85)"),
        "{:?}",
        q.warnings
    );
    assert!(warns(
        &quote("7317005503", "MX", "2025-02-01"),
        "Section 232 steel (Mexico) (9903.81.86)"
    ));
    // EO 14289, retroactive to 2025-03-04: a Mexican article owing the IEEPA Mexico duty owes no
    // Section 232 steel duty, so no warning; with a USMCA claim (from 2025-03-07) it warns again.
    let q = quote_with(HR_CUT, "MX", "2025-03-05", Some(false));
    assert_eq!(
        s232_and_ieepa(&q),
        one("IEEPA fentanyl (9903.01.01)", "250.00")
    );
    assert!(!warns(&q, "Section 232 steel (Mexico)"));
    assert!(warns(
        &quote_with(HR_CUT, "MX", "2025-03-10", Some(true)),
        "Section 232 steel (Mexico)"
    ));
    // None of these warnings outlives 2025-03-11.
    for (origin, needle) in [
        ("KR", "absolute quota"),
        ("UA", "certificate of origin"),
        ("MX", "Section 232 steel (Mexico)"),
    ] {
        let q = quote_with(HR_CUT, origin, "2025-03-12", Some(true));
        assert!(!warns(&q, needle), "{origin}");
        assert_eq!(s232(&q), one(STEEL_25, "250.00"), "{origin}");
    }
}

#[test]
fn aluminium_before_2025_03_12_pays_10_percent_and_25_percent_from_then() {
    // Proclamation 9704: 10 % under 9903.85.01; Proclamation 10895: 25 % from 2025-03-12.
    boundary(
        INGOT,
        "CN",
        &[
            ("2025-01-01", one(ALU_2018, "100.00")),
            ("2025-03-11", one(ALU_2018, "100.00")),
            (
                "2025-03-12",
                one("Section 232 aluminium (9903.85.02)", "250.00"),
            ),
            (
                "2025-03-13",
                one("Section 232 aluminium (9903.85.02)", "250.00"),
            ),
        ],
    );
    assert_eq!(
        s232(&quote("76042100", "CN", "2025-02-01")),
        one(ALU_2018, "100.00")
    );
    // Brazil, Korea, Japan and Ukraine had no aluminium arrangement: they paid.
    for origin in ["BR", "KR", "JP", "UA", "VN"] {
        assert_eq!(
            s232(&quote(INGOT, origin, "2025-02-01")),
            one(ALU_2018, "100.00"),
            "{origin}"
        );
    }
    // The EU and the UK: tariff-rate quota (over quota 10 % under 9903.85.01); Argentina:
    // absolute quota (9903.85.05 for unwrought aluminium); Canada, Australia: exempt.
    for origin in ["DE", "GB"] {
        let q = quote(INGOT, origin, "2025-02-01");
        assert!(s232(&q).is_empty(), "{origin}");
        assert!(
            q.warnings
                .iter()
                .any(|w| w.contains("tariff-rate quota") && w.contains("+10% (9903.85.01)")),
            "{origin}: {:?}",
            q.warnings
        );
    }
    let q = quote(INGOT, "AR", "2025-02-01");
    assert!(s232(&q).is_empty());
    assert!(
        warns(&q, "Section 232 aluminium (9903.85.05): "),
        "{:?}",
        q.warnings
    );
    for origin in ["CA", "AU"] {
        assert!(
            s232(&quote(INGOT, origin, "2025-02-01")).is_empty(),
            "{origin}"
        );
    }
}

#[test]
fn derivatives_of_proclamation_9980_pay_before_2025_03_12_by_statistical_number() {
    // Steel derivatives (U.S. note 16(a)(ii)): nails and staples of 7317, steel bumper and body
    // stampings; 25 % under 9903.80.03.
    for hs in [
        "73170030",
        "7317005503",
        "7317006560",
        "8708103020",
        "8708292120",
    ] {
        assert_eq!(
            s232(&quote(hs, "CN", "2025-02-01")),
            one(STEEL_DERIV_2018, "250.00"),
            "{hs}"
        );
    }
    // Aluminium derivatives (note 19(a)(iii)): stranded wire of 7614, aluminium stampings; 10 %
    // under 9903.85.03.
    for hs in ["76141050", "7614902030", "8708103030", "8708292130"] {
        assert_eq!(
            s232(&quote(hs, "CN", "2025-02-01")),
            one(ALU_DERIV_2018, "100.00"),
            "{hs}"
        );
    }
    // Section 301 (List 3) stacks on a bumper stamping.
    assert_eq!(
        charges(&quote("8708103020", "CN", "2025-02-01"), "Section 301"),
        one("Section 301 List 3 (9903.88.03)", "250.00")
    );
    // Other statistical numbers of those subheadings are not derivatives of the proclamation.
    for hs in [
        "7317005501",
        "7317006530",
        "8708103040",
        "8708103050",
        "8708292140",
    ] {
        let q = quote(hs, "CN", "2025-02-01");
        assert!(s232(&q).is_empty(), "{hs}");
        assert!(!warns(&q, "statistical number"), "{hs}");
    }
    // A request giving only eight digits cannot be charged: it warns with the numbers that pay.
    let q = quote("87081030", "CN", "2025-02-01");
    assert!(s232(&q).is_empty());
    assert!(
        warns(&q, "8708.10.30.20 pays +25% (9903.80.03)"),
        "{:?}",
        q.warnings
    );
    assert!(
        warns(&q, "8708.10.30.30 pays +10% (9903.85.03)"),
        "{:?}",
        q.warnings
    );
    assert!(warns(
        &quote("73170055", "CN", "2025-02-01"),
        "7317.00.55.03, 7317.00.55.05, 7317.00.55.07, 7317.00.55.60, 7317.00.55.80 pay +25%"
    ));
    // Japan: its steel derivatives were not subject (arrangement of 2022), its aluminium
    // derivatives were (9903.85.03 does not except Japan); the EU and the UK: neither.
    assert!(s232(&quote("8708103020", "JP", "2025-02-01")).is_empty());
    assert_eq!(
        s232(&quote("8708103030", "JP", "2025-02-01")),
        one(ALU_DERIV_2018, "100.00")
    );
    let q = quote("87081030", "JP", "2025-02-01");
    assert!(warns(&q, "8708.10.30.30 pays +10%") && !warns(&q, "8708.10.30.20 pays"));
    for origin in ["DE", "GB"] {
        for hs in ["8708103020", "8708103030", "73170030", "76141050"] {
            let q = quote(hs, origin, "2025-02-01");
            assert!(s232(&q).is_empty(), "{hs} {origin}");
            assert!(!warns(&q, "quota"), "{hs} {origin}");
        }
    }
    // From 2025-03-12 the nails are charged under the headings of CBP's guidance.
    boundary(
        "73170030",
        "CN",
        &[
            ("2025-03-11", one(STEEL_DERIV_2018, "250.00")),
            (
                "2025-03-12",
                one("Section 232 steel (9903.81.89 / 9903.81.91)", "250.00"),
            ),
        ],
    );
}

// ------------------------------------------------------------------ stampings from 2025-03-12 (dataset 2026.12.17)

const STAMP_STEEL: &str = "Section 232 steel (9903.81.89)";
const STAMP_ALU: &str = "Section 232 aluminium (9903.85.04)";

#[test]
fn steel_and_aluminium_stampings_pay_the_existing_derivative_headings_from_2025_03_12() {
    // Proclamation 9980's bumper and body stampings: 9903.80.03 / 9903.85.03 to 2025-03-11, then
    // 25 % on the full value under 9903.81.89 (note 16(l)) / 9903.85.04 (note 19(i)), CBP CSMS
    // #64348411 / #64348288; before, no Section 232 row from 2025-03-12 (steel) or a content
    // warning only (aluminium).
    for (hs, before, from) in [
        ("8708103020", one(STEEL_DERIV_2018, "250.00"), STAMP_STEEL),
        ("8708292120", one(STEEL_DERIV_2018, "250.00"), STAMP_STEEL),
        ("8708103030", one(ALU_DERIV_2018, "100.00"), STAMP_ALU),
        ("8708292130", one(ALU_DERIV_2018, "100.00"), STAMP_ALU),
    ] {
        boundary(
            hs,
            "VN",
            &[
                ("2025-03-11", before),
                ("2025-03-12", one(from, "250.00")),
                ("2025-03-13", one(from, "250.00")),
                // the automobile-parts duty from 2025-05-03 replaces it (no stacking)
                ("2025-05-02", one(from, "250.00")),
                ("2025-05-03", one(PARTS, "250.00")),
            ],
        );
        let q = quote(hs, "VN", "2025-03-12");
        assert!(!warns(&q, "content"), "{hs}: {:?}", q.warnings);
    }
    // Canada and Mexico lost their exemption on 2025-03-12; a USMCA part (no fentanyl duty, no
    // automobile-parts duty) pays 25 %, and 50 % from 2025-06-04 (Proclamation 10947), to
    // 2026-04-05 (then annex I-B).
    for (hs, name) in [("8708103020", STAMP_STEEL), ("8708103030", STAMP_ALU)] {
        for (date, want) in [
            ("2025-03-11", vec![]),
            ("2025-03-12", one(name, "250.00")),
            ("2025-06-03", one(name, "250.00")),
            ("2025-06-04", one(name, "500.00")),
            ("2025-06-05", one(name, "500.00")),
            ("2026-04-05", one(name, "500.00")),
        ] {
            let q = quote_with(hs, "MX", date, Some(true));
            assert_eq!(s232(&q), want, "{hs} MX USMCA {date}");
        }
    }
    // A non-USMCA Canadian stamping owes the IEEPA Canada duty instead until 2025-06-03 (EO 14289).
    let q = quote_with("8708292120", "CA", "2025-03-12", Some(false));
    assert!(s232(&q).is_empty(), "{:?}", q.charges);
    assert!(!charges(&q, "IEEPA").is_empty());
}

#[test]
fn uk_stampings_pay_25_percent_from_2025_03_12_and_the_automobile_parts_duty_from_2025_05_03() {
    // The UK was excepted from 9903.80.03 / 9903.85.03 to 2025-03-11; from 2025-03-12 it pays
    // 25 %. From 2025-06-04 its metals rate stays 25 % (Proclamation 10947) while the others go to
    // 50 %, but a UK stamping is charged the automobile-parts duty from 2025-05-03 anyway (the
    // UK's 10 % deal is a warning), so neither metals rate shows then.
    for (hs, name) in [("8708103020", STAMP_STEEL), ("8708103030", STAMP_ALU)] {
        boundary(
            hs,
            "GB",
            &[
                ("2025-03-11", vec![]),
                ("2025-03-12", one(name, "250.00")),
                ("2025-03-13", one(name, "250.00")),
                ("2025-06-03", one(PARTS, "250.00")),
                ("2025-06-04", one(PARTS, "250.00")),
                ("2025-06-05", one(PARTS, "250.00")),
            ],
        );
    }
}

#[test]
fn stampings_given_with_eight_digits_warn_which_statistical_number_pays_from_2025_03_12() {
    let q = quote("87081030", "VN", "2025-03-12");
    assert!(s232(&q).is_empty(), "{:?}", q.charges);
    assert!(
        warns(
            &q,
            "statistical number 8708.10.30.20 pays +25% on the full value (9903.81.89)"
        ),
        "{:?}",
        q.warnings
    );
    assert!(
        warns(
            &q,
            "statistical number 8708.10.30.30 pays +25% on the full value (9903.85.04"
        ),
        "{:?}",
        q.warnings
    );
    let q = quote_with("87082921", "MX", "2025-06-04", Some(true));
    assert!(warns(
        &q,
        "8708.29.21.20 pays +50% on the full value (9903.81.89; United Kingdom 25%)"
    ));
    // The other statistical numbers are not stampings: neither charge nor warning.
    for hs in ["8708103040", "8708103050", "8708292140"] {
        let q = quote(hs, "VN", "2025-03-12");
        assert!(s232(&q).is_empty(), "{hs}");
        assert!(!warns(&q, "statistical number"), "{hs}");
    }
}

#[test]
fn russian_aluminium_stampings_pay_200_percent_until_the_automobile_parts_duty() {
    // Derivatives of note 19(a)(iii) since 2020-02-08, so in Proclamation 10522's scope from
    // 2023-03-10: 200 % under 9903.85.68 (or its FTZ twin .70), which outranks the 10 % / 25 %.
    let ru = "Section 232 aluminium (Russia) (9903.85.68 / 9903.85.70)";
    for hs in ["8708103030", "8708292130"] {
        boundary(
            hs,
            "RU",
            &[
                ("2025-02-01", one(ru, "2000.00")),
                ("2025-03-11", one(ru, "2000.00")),
                ("2025-03-12", one(ru, "2000.00")),
                ("2025-05-02", one(ru, "2000.00")),
                ("2025-05-03", one(PARTS, "250.00")),
            ],
        );
    }
    // Other origins are warned of the Russian-smelted metal, Russia itself is not (it is charged).
    assert!(warns(&quote("8708103030", "VN", "2025-02-01"), RU_SMELT));
    assert!(!warns(&quote("8708103030", "RU", "2025-02-01"), RU_SMELT));
}

#[test]
fn russian_aluminium_derivatives_pay_200_percent_from_the_day_their_line_entered_note_19() {
    // Chapter 76 derivatives added to note 19 in 2025 owed Proclamation 10522's 200 % only from
    // then (9903.85.68: "as applicable per the date of entry"); before, the line's own duties only.
    let ru = "Section 232 aluminium (Russia) (9903.85.68 / 9903.85.70)";
    for (hs, start, before, after) in [
        ("76101000", "2025-03-12", "2025-03-11", "2025-03-13"), // note 19(j), Proclamation 10895
        ("7612901000", "2025-04-03", "2025-04-02", "2025-04-04"), // 7612.90.10 addition
        ("7613000000", "2025-08-18", "2025-08-17", "2025-08-19"), // inclusions, FR Doc 2025-15819
    ] {
        assert!(s232(&quote(hs, "RU", before)).is_empty(), "{hs} {before}");
        assert_eq!(s232(&quote(hs, "RU", start)), one(ru, "2000.00"), "{hs}");
        assert_eq!(s232(&quote(hs, "RU", after)), one(ru, "2000.00"), "{hs}");
        // the Russian-smelt warning for the other origins starts with it
        assert!(!warns(&quote(hs, "DE", before), RU_SMELT), "{hs} {before}");
        assert!(warns(&quote(hs, "DE", start), RU_SMELT), "{hs} {start}");
    }
    // Proclamation 9980's stranded wire (note 19(a)(iii) since 2020) keeps 2023-03-10.
    assert_eq!(
        s232(&quote("76141050", "RU", "2025-02-01")),
        one(ru, "2000.00")
    );
}
