//! The chapter-99 heading of each US additional duty (issue 17 point 4: the charge shows its
//! authority and heading). The headings the curated programme table left empty were read from
//! USITC's HTS JSON export by `data/research/usitc_ch99_headings.py`, only where a heading names
//! the row's country and has its rate. Customs value 1,000.00 (ten units of 100.00, above the
//! de minimis), so an amount is ten times a percentage.

use landed::RateTables;
use landed::landed::{ChargeKind, Quote, QuoteRequest};
use serde_json::json;

fn quote(hs: &str, origin: &str, date: &str) -> Quote {
    let mut req = json!({
        "date": date, "destination": "US", "currency": "USD", "ship_from": origin,
        "lines": [{"hs_code": hs, "quantity": "10", "unit_price": "100.00", "origin": origin}]
    });
    if let Some(r) = crate::column_2_duty_rate(hs, origin, date) {
        req["lines"][0]["duty_rate"] = json!(r);
    }
    RateTables::embedded()
        .unwrap()
        .quote(&QuoteRequest::from_json(&req.to_string()).unwrap())
        .unwrap()
}

/// The duty charges whose name starts with `prefix`: (name, amount).
fn charges(q: &Quote, prefix: &str) -> Vec<(String, String)> {
    q.charges
        .iter()
        .filter(|c| c.kind == ChargeKind::Duty && c.name.starts_with(prefix))
        .map(|c| (c.name.to_string(), c.amount.to_string()))
        .collect()
}

fn one(name: &str, amount: &str) -> Vec<(String, String)> {
    vec![(name.to_owned(), amount.to_owned())]
}

const SHIRT: &str = "6109100012"; // cotton T-shirt, MFN 16.5 %

#[test]
fn a_vietnamese_t_shirt_on_2025_09_02_shows_the_reciprocal_charge_with_its_heading() {
    let q = quote(SHIRT, "VN", "2025-09-02");
    assert_eq!(
        charges(&q, "IEEPA"),
        one("IEEPA reciprocal (9903.02.69)", "200.00")
    );
}

#[test]
fn country_rates_of_eo_14326_show_their_own_heading() {
    for (origin, heading, amount) in [
        ("KR", "9903.02.56", "150.00"), // 15 % added, before the Korea floor of 2025-11-14
        ("CH", "9903.02.58", "390.00"), // 39 %, before the Swiss floor of 2025-11-14
        ("IN", "9903.02.26", "250.00"), // 25 % reciprocal; the Russian-oil 25 % has its own heading
        ("TH", "9903.02.61", "190.00"),
    ] {
        let q = quote(SHIRT, origin, "2025-09-02");
        let got = charges(&q, "IEEPA reciprocal");
        assert_eq!(
            got,
            one(&format!("IEEPA reciprocal ({heading})"), amount),
            "{origin}"
        );
    }
}

#[test]
fn a_japanese_car_part_on_its_deal_date_shows_the_deal_heading() {
    // 4011.10.10 car tyres, MFN 4 %: 11 % of Section 232 duty, heading 9903.94.43 (parts of
    // passenger vehicles of Japan, column-1 rate below 15 %).
    let q = quote("40111010", "JP", "2025-09-16");
    assert_eq!(
        charges(&q, "Section 232"),
        one(
            "Section 232 automobiles parts (15% all-in deal) (9903.94.43)",
            "110.00"
        )
    );
    // The day before, the general automobile parts duty under its own heading.
    let q = quote("40111010", "JP", "2025-09-15");
    assert_eq!(
        charges(&q, "Section 232"),
        one("Section 232 automobiles parts (9903.94.05)", "250.00")
    );
}

#[test]
fn a_german_car_part_under_the_eu_floor_shows_the_reciprocal_free_deal_heading() {
    // The EU reciprocal floor (9903.02.20) yields to the 232 parts duty; the parts deal heading
    // for the EU is 9903.94.53.
    let q = quote("40111010", "DE", "2025-09-02");
    assert_eq!(
        charges(&q, "Section 232"),
        one(
            "Section 232 automobiles parts (15% all-in deal) (9903.94.53)",
            "110.00"
        )
    );
    assert!(charges(&q, "IEEPA").is_empty(), "{:?}", q.charges);
}

/// Rows of `tariff_us_additional.csv` that charge but carry no heading, by name. The USITC export
/// does not name them one heading per row (see data/research/us-additional-2026-12-07.md, section
/// "Chapter-99 headings from the USITC export"; the generator prints each reason). A row whose
/// heading depends on facts a request does not give, but whose candidates the export names for
/// every origin it covers, shows them all (`9903.81.89 9903.81.91` in the file) and is not listed.
/// The steel and aluminium 25 % of 2025-03-12..06-03 are not listed: CBP CSMS #64348411 (steel)
/// and #64348288 (aluminium) put them under the heading numbers of the 50 % that followed. Annex
/// I-B, I-C and III are split off for Russia, whose headings differ.
const NO_HEADING_IN_EXPORT: &[&str] = &[
    // Annex I-A 50 % on a Russian aluminium line: never charged (the 200 % outranks it); 9903.82.02
    // excepts 9903.85.67/.68 goods and Russia's 9903.82.14 covers steel and copper only.
    "s232_metals_annex_1a_ru",
    // Annex I-B 25 % on a Russian aluminium line: never charged (the 200 % outranks it); 9903.82.09
    // excepts 9903.85.68 goods and Russia's 9903.82.16 covers copper and derivative steel only.
    "s232_metals_annex_1b_ru",
    // Annex III 15 % all-in on a Russian line: 9903.82.10 (15 %, note 16(f)) excepts Russia's
    // 9903.82.17 (+ 25 %, note 16(c)(x)), 9903.82.25 (15 %, note 16(f) and (k)) excepts nothing;
    // which one, and so whether 15 % all-in or + 25 % is owed, the export does not say.
    "s232_metals_annex_3_ru",
];

/// One CSV record (RFC 4180 quoting, no line breaks inside a field).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// A `data/` CSV file's header and records (comment lines skipped), each record checked to
/// have the header's width.
fn data_csv(file: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let path = format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = fields(lines.next().unwrap());
    let records: Vec<Vec<String>> = lines.map(fields).collect();
    for r in &records {
        assert_eq!(r.len(), header.len(), "{file}: {r:?}");
    }
    (header, records)
}

#[test]
fn every_charging_us_additional_row_has_a_heading_or_is_allow_listed() {
    let (header, records) = data_csv("tariff_us_additional.csv");
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (name, heading, warn) = (col("name"), col("heading"), col("warn_only"));
    let mut missing = std::collections::BTreeSet::new();
    let mut allowed_seen = std::collections::BTreeSet::new();
    let rows = records.len();
    for f in &records {
        if f[warn] == "true" || !f[heading].is_empty() {
            continue;
        }
        if NO_HEADING_IN_EXPORT.contains(&f[name].as_str()) {
            allowed_seen.insert(f[name].clone());
        } else {
            missing.insert(f[name].clone());
        }
    }
    assert!(rows > 10_000, "{rows} rows");
    assert!(
        missing.is_empty(),
        "charging rows without a heading: {missing:?}"
    );
    // The allow-list holds no stale name: each still has a row without a heading.
    let stale: Vec<_> = NO_HEADING_IN_EXPORT
        .iter()
        .filter(|n| !allowed_seen.contains(**n))
        .collect();
    assert!(
        stale.is_empty(),
        "allow-listed but now with a heading: {stale:?}"
    );
}

#[test]
fn cote_d_ivoire_pays_its_eo_14326_rate_of_15_percent_from_2025_08_07() {
    // The tracker's master list has no rate for Côte d'Ivoire (it would pay the 10 % baseline);
    // USITC's HTS heading 9903.02.15 gives it 15 %.
    let before = quote(SHIRT, "CI", "2025-08-06");
    assert_eq!(
        charges(&before, "IEEPA reciprocal"),
        one("IEEPA reciprocal (9903.01.25)", "100.00")
    );
    for day in ["2025-08-07", "2025-08-08"] {
        let q = quote(SHIRT, "CI", day);
        assert_eq!(
            charges(&q, "IEEPA reciprocal"),
            one("IEEPA reciprocal (9903.02.15)", "150.00"),
            "{day}"
        );
    }
}

#[test]
fn brazil_the_falklands_and_the_uk_pay_10_percent_under_their_own_heading_from_2025_08_07() {
    // EO 14326 Annex I lists them at 10 %, the baseline's rate, under their own headings
    // (USITC's HTS 9903.02.09, .21, .66); the baseline row's 9903.01.25 no longer names them.
    for (origin, heading) in [
        ("BR", "9903.02.09"),
        ("FK", "9903.02.21"),
        ("GB", "9903.02.66"),
    ] {
        let before = quote(SHIRT, origin, "2025-08-06");
        assert_eq!(
            charges(&before, "IEEPA reciprocal"),
            one("IEEPA reciprocal (9903.01.25)", "100.00"),
            "{origin}"
        );
        for day in ["2025-08-07", "2025-08-08", "2026-02-23"] {
            let q = quote(SHIRT, origin, day);
            assert_eq!(
                charges(&q, "IEEPA reciprocal"),
                one(&format!("IEEPA reciprocal ({heading})"), "100.00"),
                "{origin} {day}"
            );
        }
        assert!(charges(&quote(SHIRT, origin, "2026-02-24"), "IEEPA reciprocal").is_empty());
    }
}

const STEEL_SHEET: &str = "7208101500"; // hot-rolled flat steel, annex I-A from 2026-04-06

#[test]
fn annex_i_a_steel_shows_its_heading_per_origin() {
    // 9903.82.02 is Revision 10's only "+ 50%" heading but Russia's 9903.82.14; the UK's 25 % is
    // 9903.82.04, its only "+ 25%" heading naming the United Kingdom.
    for (origin, heading, amount) in [
        ("VN", "9903.82.02", "500.00"),
        ("DE", "9903.82.02", "500.00"),
        ("GB", "9903.82.04", "250.00"),
        ("RU", "9903.82.14", "500.00"),
    ] {
        let q = quote(STEEL_SHEET, origin, "2026-05-01");
        assert_eq!(
            charges(&q, "Section 232"),
            one(&format!("Section 232 steel ({heading})"), amount),
            "{origin}"
        );
    }
    // The day before the annexes, the 50 % steel duty under its curated heading.
    let q = quote(STEEL_SHEET, "VN", "2026-04-05");
    assert_eq!(
        charges(&q, "Section 232"),
        one("Section 232 steel (9903.81.87)", "500.00")
    );
}

#[test]
fn a_russian_aluminium_line_of_annex_i_a_still_pays_only_the_200_percent() {
    // 7308.20.00.35 is an aluminium line of annex I-A; its Russian 50 % row has no heading and is
    // outranked by the 200 % of Russian aluminium (shown with its candidate headings).
    let q = quote("7308200035", "RU", "2026-05-01");
    assert_eq!(
        charges(&q, "Section 232"),
        one(
            "Section 232 aluminium (Russia) (9903.85.67 / 9903.85.68)",
            "2000.00"
        )
    );
}

#[test]
fn a_uk_annex_i_b_line_shows_the_uk_derivative_heading() {
    // 9903.82.05, Revision 10's only "+ 15%" heading (UK derivative articles).
    let q = quote("7321111030", "GB", "2026-05-01");
    assert_eq!(
        charges(&q, "Section 232"),
        one("Section 232 steel (9903.82.05)", "150.00")
    );
}

#[test]
fn an_annex_i_c_machine_of_a_framework_country_shows_the_framework_heading() {
    // 9903.82.22 names exactly the annex I-C framework countries, at 15 % all-in.
    for origin in ["DE", "JP", "GB", "AR"] {
        let q = quote("8427104000", origin, "2026-06-08");
        let got = charges(&q, "Section 232");
        assert_eq!(got.len(), 1, "{origin} {got:?}");
        assert_eq!(
            got[0].0, "Section 232 steel (annex I-C) (15% all-in) (9903.82.22)",
            "{origin}"
        );
    }
}

#[test]
fn an_eu_and_a_japanese_sofa_each_show_their_own_wood_heading() {
    // USITC's HTS: 9903.76.22 "Wood products of the European Union", 9903.76.21 "of Japan", 15 %.
    for (origin, heading) in [
        ("DE", "9903.76.22"),
        ("FR", "9903.76.22"),
        ("JP", "9903.76.21"),
    ] {
        let q = quote("9401614011", origin, "2025-10-14");
        assert_eq!(
            charges(&q, "Section 232"),
            one(
                &format!("Section 232 upholstered wooden furniture (15% all-in deal) ({heading})"),
                "150.00"
            ),
            "{origin}"
        );
    }
    let q = quote("9403409060", "JP", "2025-10-14");
    assert_eq!(
        charges(&q, "Section 232"),
        one(
            "Section 232 kitchen cabinets and vanities (15% all-in deal) (9903.76.21)",
            "150.00"
        )
    );
}

#[test]
fn steel_and_aluminium_at_50_percent_show_the_heading_of_their_note_subdivision() {
    // USITC's HTS 2026 Basic Edition: 9903.81.87 products of iron or steel of note 16(j) "except
    // for derivative iron or steel products" of .89/.90/.91; 9903.81.90 derivatives of note
    // 16(m); 9903.85.02 products of aluminum of note 19(g); 9903.85.07 derivatives of note 19(j).
    // The line's subdivision is the tracker's. The 25 % of 2025-03-12..06-03 is under the same
    // headings (CBP CSMS #64348411, #64348288), and the metals annexes replace them from 2026-04-06.
    for (hs, authority, heading) in [
        ("7208101500", "Section 232 steel", "9903.81.87"), // hot-rolled plate, mill product
        ("73089095", "Section 232 steel", "9903.81.90"),   // structures, note 16(m) derivative
        ("73170055", "Section 232 steel", "9903.81.90"),   // nails, note 16(m) derivative
        ("76011030", "Section 232 aluminium", "9903.85.02"), // unwrought aluminium, mill product
        ("7615102015", "Section 232 aluminium", "9903.85.07"), // cooking ware, note 19(j)
        ("76129010", "Section 232 aluminium", "9903.85.07"), // containers, added to 19(j) 2025-04-03
    ] {
        for (date, name, amount) in [
            ("2025-06-03", format!("{authority} ({heading})"), "250.00"),
            ("2025-06-04", format!("{authority} ({heading})"), "500.00"),
            ("2025-06-05", format!("{authority} ({heading})"), "500.00"),
            ("2026-04-05", format!("{authority} ({heading})"), "500.00"),
        ] {
            let q = quote(hs, "DE", date);
            assert_eq!(
                charges(&q, "Section 232"),
                one(&name, amount),
                "{hs} {date}"
            );
        }
    }
    // The derivatives of note 16(a)(ii) / 19(a)(iii) (Proclamation 9980) and of the 2025-08-18
    // inclusions are under a heading of a subdivision the export does not list: 50 %, shown with
    // both candidate headings (16(l) + 50 % or 16(n) + 50 % of the steel content; 19(i) / 19(k)).
    let steel = "Section 232 steel (9903.81.89 / 9903.81.91)";
    let alu = "Section 232 aluminium (9903.85.04 / 9903.85.08)";
    for (hs, name) in [
        ("7317005503", steel), // under 7317.00.55, listed apart
        ("73170030", steel),   // note 16(a)(ii)
        ("76141050", alu),     // note 19(a)(iii)
        ("7612100000", alu),   // 2025-08-18 inclusion
    ] {
        let q = quote(hs, "DE", "2025-09-02");
        assert_eq!(charges(&q, "Section 232"), one(name, "500.00"), "{hs}");
    }
}

#[test]
fn uk_steel_and_aluminium_and_russian_aluminium_show_their_candidate_headings() {
    // USITC's HTS 2026 Basic Edition: UK steel + 25 % is 9903.81.94 (note 16(q)) or its FTZ
    // twin .95 for a mill product, .96/.97/.98 (note 16(s)/(t)/(u)) or .99 (FTZ) for a
    // derivative; UK aluminium + 25 % 9903.85.12 (19(o)), .13 (19(q)) or .14 (19(r)). Russian
    // aluminium + 200 %: .67 or its FTZ twin .69 (articles), .68 or .70 (derivatives) before
    // 2026-04-06; Revision 10 has .67 and .68 only.
    let cases = [
        (
            "7208101500",
            "GB",
            "2025-06-04",
            "Section 232 steel (9903.81.94 / 9903.81.95)",
            "250.00",
        ),
        (
            "73089095",
            "GB",
            "2025-09-02",
            "Section 232 steel (9903.81.96 / 9903.81.97 / 9903.81.98 / 9903.81.99)",
            "250.00",
        ),
        (
            "76011030",
            "GB",
            "2025-09-02",
            "Section 232 aluminium (9903.85.12 / 9903.85.13 / 9903.85.14)",
            "250.00",
        ),
        (
            "76011030",
            "RU",
            "2026-04-05",
            "Section 232 aluminium (Russia) (9903.85.67 / 9903.85.69)",
            "2000.00",
        ),
        (
            "7615102015",
            "RU",
            "2026-04-05",
            "Section 232 aluminium (Russia) (9903.85.68 / 9903.85.70)",
            "2000.00",
        ),
        (
            "76011030",
            "RU",
            "2026-04-06",
            "Section 232 aluminium (Russia) (9903.85.67 / 9903.85.68)",
            "2000.00",
        ),
    ];
    for (hs, origin, date, name, amount) in cases {
        let q = quote(hs, origin, date);
        assert_eq!(
            charges(&q, "Section 232"),
            one(name, amount),
            "{hs} {origin} {date}"
        );
    }
    // Before 2025-06-04 the UK paid the general 25 %, under the general heading (CBP CSMS
    // #64348411: 9903.81.87 at 25 % from 2025-03-12).
    assert_eq!(
        charges(&quote("7208101500", "GB", "2025-06-03"), "Section 232"),
        one("Section 232 steel (9903.81.87)", "250.00")
    );
}

#[test]
fn steel_and_aluminium_at_25_percent_from_2025_03_12_show_the_headings_of_cbps_guidance() {
    // CBP CSMS #64348411 (steel) and #64348288 (aluminium), updated by #64384423 / #64384496: from
    // 12:01 a.m. EDT 2025-03-12 the 25 % duty rate applies under 9903.81.87 (note 16(j) products,
    // not derivatives), 9903.81.90 (note 16(m) chapter-73 derivatives), 9903.85.02 (note 19(g)
    // products) and 9903.85.07 (note 19(j) chapter-76 derivatives); 9903.81.89 / .91 and
    // 9903.85.04 / .08 for the derivatives of the other subdivisions.
    for (hs, origin, name) in [
        ("7208101500", "CN", "Section 232 steel (9903.81.87)"),
        ("7208101500", "DE", "Section 232 steel (9903.81.87)"),
        ("73089095", "CN", "Section 232 steel (9903.81.90)"),
        (
            "73170030",
            "CN",
            "Section 232 steel (9903.81.89 / 9903.81.91)",
        ),
        ("76011030", "CN", "Section 232 aluminium (9903.85.02)"),
        ("7615102015", "CN", "Section 232 aluminium (9903.85.07)"),
        (
            "76141050",
            "CN",
            "Section 232 aluminium (9903.85.04 / 9903.85.08)",
        ),
    ] {
        for day in ["2025-03-12", "2025-06-03"] {
            let q = quote(hs, origin, day);
            assert_eq!(
                charges(&q, "Section 232"),
                one(name, "250.00"),
                "{hs} {origin} {day}"
            );
        }
    }
    // The day before, none of these rows charges the line: the 2018 duty does, under its own
    // heading (9903.80.01, USITC's HTS 2025 Basic Edition; dataset 2026.12.16 — before, nothing
    // was charged, the bug of issue 17 this expectation used to encode).
    assert_eq!(
        charges(&quote("7208101500", "CN", "2025-03-11"), "Section 232"),
        one("Section 232 steel (9903.80.01)", "250.00")
    );
    // Beer cans, added to note 19(j) from 2025-04-04 (tracker 2025-04-03), under 9903.85.07.
    assert_eq!(
        charges(&quote("76129010", "CN", "2025-04-04"), "Section 232"),
        one("Section 232 aluminium (9903.85.07)", "250.00")
    );
    // A nail line listed apart (note 16(a)(ii)) under 7317.00.55 (note 16(m)) keeps its own headings
    // at 25 % as at 50 %.
    assert_eq!(
        charges(&quote("7317005503", "CN", "2025-03-12"), "Section 232"),
        one("Section 232 steel (9903.81.89 / 9903.81.91)", "250.00")
    );
}

#[test]
fn an_annex_i_b_line_shows_the_general_candidates_and_russia_its_own() {
    // USITC HTS 2026 Revision 10: 9903.82.09 (+ 25 %, note 16(c)(vi)-(viii) and (xi), except
    // Russia's 9903.82.16) or 9903.82.20 (+ 25 %, derivative steel of note 16(j), no exception);
    // Russia: 9903.82.16 (+ 25 %, copper and derivative steel of note 16(c)(vii)-(viii), (xi)).
    // 7321.11.10.30 (steel cooking appliances), annex I-B from 2026-04-06.
    for (origin, name) in [
        ("DE", "Section 232 steel (9903.82.09 / 9903.82.20)"),
        ("CN", "Section 232 steel (9903.82.09 / 9903.82.20)"),
        ("RU", "Section 232 steel (9903.82.16 / 9903.82.20)"),
    ] {
        for day in ["2026-04-06", "2026-06-08"] {
            let q = quote("7321111030", origin, day);
            assert_eq!(
                charges(&q, "Section 232"),
                one(name, "250.00"),
                "{origin} {day}"
            );
        }
    }
    // An aluminium line of annex I-B: 9903.82.09 alone (9903.82.20 is for steel); Russian
    // aluminium pays the 200 %.
    let q = quote("8418998005", "DE", "2026-04-06");
    assert_eq!(
        charges(&q, "Section 232"),
        one("Section 232 aluminium (9903.82.09)", "250.00")
    );
    let q = quote("8418998005", "RU", "2026-04-06");
    assert_eq!(
        charges(&q, "Section 232"),
        one(
            "Section 232 aluminium (Russia) (9903.85.67 / 9903.85.68)",
            "2000.00"
        )
    );
}

const ANNEX_III_STEEL: &str = "84079010"; // spark-ignition engines, annex III from 2026-06-08

#[test]
fn annex_i_c_and_annex_iii_lines_show_their_candidates_outside_russia() {
    // Annex I-C 25 % (outside the framework countries and CA/MX): as I-B, 9903.82.09 / .20, and
    // Russia 9903.82.16 / .20. Annex III 15 % all-in: 9903.82.10 or 9903.82.25 (both "15%");
    // Russia's row has no heading (9903.82.10 excepts Russia's 9903.82.17 at + 25 %).
    for (origin, name) in [
        (
            "CN",
            "Section 232 steel (annex I-C) (9903.82.09 / 9903.82.20)",
        ),
        (
            "RU",
            "Section 232 steel (annex I-C) (9903.82.16 / 9903.82.20)",
        ),
    ] {
        let got = charges(&quote("8427104000", origin, "2026-06-08"), "Section 232");
        assert_eq!(got.len(), 1, "{origin} {got:?}");
        assert_eq!(got[0].0, name, "{origin}");
    }
    for (origin, name) in [
        ("CN", "Section 232 steel (9903.82.10 / 9903.82.25)"),
        ("RU", "Section 232 steel"),
    ] {
        let got = charges(&quote(ANNEX_III_STEEL, origin, "2026-06-08"), "Section 232");
        assert_eq!(got.len(), 1, "{origin} {got:?}");
        assert_eq!(got[0].0, name, "{origin}");
    }
}

#[test]
fn russian_and_column_2_annex_iii_lines_warn_that_plus_25_percent_may_apply_instead_of_15() {
    // Russia's annex III row charges the tracker's 15 % all-in without a heading: 9903.82.10
    // excepts Russia's 9903.82.17 (+ 25 %), and the export does not say which applies. The
    // quote says so (dataset 2026.12.13); other origins have their candidates and no warning.
    let warns = |origin: &str, date: &str| {
        quote(ANNEX_III_STEEL, origin, date)
            .warnings
            .iter()
            .any(|w| w.contains("9903.82.17") && w.contains("annex III"))
    };
    assert!(!warns("RU", "2026-06-07"), "before annex III");
    assert!(warns("RU", "2026-06-08"));
    assert!(warns("RU", "2026-06-09"));
    assert!(!warns("CN", "2026-06-08"));
    // Belarus, Cuba and North Korea (general note 3(b)): 9903.82.10 also excepts their
    // 9903.82.12 (+ 25 %); the line shows the candidates and warns of that heading.
    let by = quote(ANNEX_III_STEEL, "BY", "2026-06-08");
    assert_eq!(
        charges(&by, "Section 232")[0].0,
        "Section 232 steel (9903.82.10 / 9903.82.25)"
    );
    assert!(
        by.warnings.iter().any(|w| w.contains("9903.82.12")),
        "{:?}",
        by.warnings
    );
    let cn = quote(ANNEX_III_STEEL, "CN", "2026-06-08");
    assert!(!cn.warnings.iter().any(|w| w.contains("9903.82.12")));
}

#[test]
fn the_us_exemptions_file_is_written_in_the_loaders_series_order() {
    // The generator writes the duty_exemption rows by (territory, hs, duty, origins, date), the
    // order in which the loader builds their series, so the loader need not sort them (it
    // sorts a file in any other order). Codes are digits and ISO codes, so their text order is
    // the loader's order.
    let (header, records) = data_csv("tariff_us_exemptions.csv");
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let key = ["territory", "hs", "duty", "origins", "effective_from"].map(col);
    let keys: Vec<Vec<String>> = records
        .iter()
        .map(|f| key.iter().map(|&i| f[i].clone()).collect())
        .collect();
    assert!(keys.len() > 10_000, "{}", keys.len());
    if let Some(w) = keys.windows(2).find(|w| w[0] > w[1]) {
        panic!("out of order: {:?} before {:?}", w[0], w[1]);
    }
}
