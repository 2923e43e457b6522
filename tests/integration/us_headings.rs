//! The chapter-99 heading of each US additional duty (issue 17 point 4: the charge shows its
//! authority and heading). The headings the curated programme table left empty were read from
//! USITC's HTS JSON export by `data/research/usitc_ch99_headings.py`, only where a heading names
//! the row's country and has its rate. Customs value 1,000.00 (ten units of 100.00, above the
//! de minimis), so an amount is ten times a percentage.

use landed::RateTables;
use landed::landed::{ChargeKind, Quote, QuoteRequest};
use serde_json::json;

fn quote(hs: &str, origin: &str, date: &str) -> Quote {
    let req = json!({
        "date": date, "destination": "US", "currency": "USD", "ship_from": origin,
        "lines": [{"hs_code": hs, "quantity": "10", "unit_price": "100.00", "origin": origin}]
    });
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
/// "Chapter-99 headings from the USITC export").
const NO_HEADING_IN_EXPORT: &[&str] = &[
    // Steel/aluminium before the 2026 annexes: the export splits these by U.S. note 16/19
    // subdivision (mill product, derivative, FTZ status), which the rows do not carry.
    "s232_steel",
    "s232_steel_gb",
    "s232_aluminum",
    "s232_aluminum_gb",
    // Russian aluminium 200 %: two headings (9903.85.67 and 9903.85.69), not told apart by the row.
    "s232_aluminium_ru",
    // 2026 metals annexes: headings 9903.82.xx split by note 16(c) subdivision and metal content.
    "s232_metals_annex_1a",
    "s232_metals_annex_1a_gb",
    "s232_metals_annex_1b",
    "s232_metals_annex_1b_gb",
    "s232_metals_annex_1c",
    "s232_metals_annex_1c_framework",
    "s232_metals_annex_3",
    // One row for the EU and Japan, which the export puts under 9903.76.22 and 9903.76.21.
    "s232_furniture_eu_jp",
    "s232_cabinets_eu_jp",
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

#[test]
fn every_charging_us_additional_row_has_a_heading_or_is_allow_listed() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/tariff_us_additional.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = fields(lines.next().unwrap());
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (name, heading, warn) = (col("name"), col("heading"), col("warn_only"));
    let mut missing = std::collections::BTreeSet::new();
    let mut allowed_seen = std::collections::BTreeSet::new();
    let mut rows = 0;
    for line in lines {
        let f = fields(line);
        assert_eq!(f.len(), header.len(), "{line}");
        rows += 1;
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
