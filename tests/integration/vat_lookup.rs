//! VAT lookups on the embedded table: the day before, of and after every dated change, the
//! named changes of the foundation issue, regions and errors.

use landed::data::Period;
use landed::{CountryCode, RateTables, RegionCode, TaxCategory};

use crate::date;

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn rate(country: &str, region: Option<&str>, category: &str, day: &str) -> String {
    let region: Option<RegionCode> = region.map(|r| r.parse().unwrap());
    tables()
        .vat_rate(
            country.parse().unwrap(),
            region,
            &category.parse().unwrap(),
            date(day),
        )
        .unwrap_or_else(|e| panic!("{country} {category} {day}: {e}"))
        .rate
        .to_string()
}

#[test]
fn every_dated_change_on_the_day_before_of_and_after() {
    let t = tables();
    let mut changes = 0;
    for row in t.vat_rows() {
        let Period { from, .. } = row.period;
        let before = from.pred_opt().unwrap();
        let after = from.succ_opt().unwrap();
        let of = t
            .vat_rate(row.country, row.region, row.category, from)
            .unwrap();
        assert_eq!(
            of.rate, row.rate,
            "{} {} on {from}",
            row.country, row.category
        );
        assert_eq!(of.period, row.period);
        assert!(!of.source.is_empty());
        if row.period.until.is_none_or(|u| u > after) {
            let a = t
                .vat_rate(row.country, row.region, row.category, after)
                .unwrap();
            assert_eq!(
                a.rate, row.rate,
                "{} {} on {after}",
                row.country, row.category
            );
        }
        match t.vat_rate(row.country, row.region, row.category, before) {
            // The previous row of the same series ends the day before.
            Ok(prev) => {
                assert_eq!(prev.period.until, Some(from));
                changes += 1;
            }
            // Or this is the first row: before it there is no rate, never the earliest one.
            Err(e) => assert!(e.is_missing_rate(), "{e}"),
        }
    }
    assert!(
        changes >= 20,
        "expected the table's history, found {changes} changes"
    );
}

#[test]
fn named_changes_of_the_foundation_issue() {
    let cases = [
        // (country, category, day before, rate before, day of, rate of, day after)
        ("DE", "standard", "2020-06-30", "19", "2020-07-01", "16"),
        ("DE", "reduced", "2020-06-30", "7", "2020-07-01", "5"),
        ("DE", "standard", "2020-12-31", "16", "2021-01-01", "19"),
        ("DE", "reduced", "2020-12-31", "5", "2021-01-01", "7"),
        ("FI", "standard", "2024-08-31", "24", "2024-09-01", "25.5"),
        ("SK", "standard", "2024-12-31", "20", "2025-01-01", "23"),
        ("EE", "standard", "2025-06-30", "22", "2025-07-01", "24"),
        ("RO", "standard", "2025-07-31", "19", "2025-08-01", "21"),
        ("CH", "standard", "2023-12-31", "7.7", "2024-01-01", "8.1"),
        ("SG", "standard", "2023-12-31", "8", "2024-01-01", "9"),
    ];
    for (c, cat, before, r_before, of, r_of) in cases {
        assert_eq!(rate(c, None, cat, before), r_before, "{c} {cat} {before}");
        assert_eq!(rate(c, None, cat, of), r_of, "{c} {cat} {of}");
        let after = date(of).succ_opt().unwrap().to_string();
        assert_eq!(rate(c, None, cat, &after), r_of, "{c} {cat} {after}");
    }
}

#[test]
fn coverage_of_the_issue_countries() {
    for c in [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "GB", "CH", "NO",
        "AU", "NZ", "CA", "JP", "SG", "KR", "CN",
    ] {
        rate(c, None, "standard", "2020-01-01");
        rate(c, None, "standard", "2026-11-25");
    }
    for c in ["DE", "FR", "GB", "CH", "NO", "JP", "CN"] {
        rate(c, None, "reduced", "2026-11-25");
    }
}

#[test]
fn regions_use_their_own_series_or_the_national_one() {
    // Ontario HST 13 % (5 federal + 8 provincial); British Columbia has no HST series, so
    // the federal GST applies at the border.
    let on = tables()
        .vat_rate(
            "CA".parse().unwrap(),
            Some("ON".parse().unwrap()),
            &TaxCategory::standard(),
            date("2026-11-25"),
        )
        .unwrap();
    assert_eq!(on.rate.to_string(), "13");
    assert_eq!(on.region.map(|r| r.to_string()).as_deref(), Some("ON"));
    assert_eq!(on.components.len(), 2);
    let bc = tables()
        .vat_rate(
            "CA".parse().unwrap(),
            Some("BC".parse().unwrap()),
            &TaxCategory::standard(),
            date("2026-11-25"),
        )
        .unwrap();
    assert_eq!(bc.rate.to_string(), "5");
    assert_eq!(bc.region, None);
    // Nova Scotia: 15 % to 2025-03-31, 14 % from 2025-04-01.
    assert_eq!(rate("CA", Some("NS"), "standard", "2025-03-31"), "15");
    assert_eq!(rate("CA", Some("NS"), "standard", "2025-04-01"), "14");
    assert_eq!(rate("CA", Some("NS"), "standard", "2025-04-02"), "14");
}

#[test]
fn japan_splits_national_and_local_consumption_tax() {
    let jp = crate::standard_vat(tables(), "JP", "2026-11-25").unwrap();
    let parts: Vec<(String, String)> = jp
        .components
        .iter()
        .map(|c| (c.name.to_string(), c.rate.to_string()))
        .collect();
    assert_eq!(
        parts,
        [
            ("national".into(), "7.8".into()),
            ("local".into(), "2.2".into())
        ]
    );
    assert_eq!(rate("JP", None, "reduced", "2026-11-25"), "8");
}

#[test]
fn lookups_outside_the_data_are_errors() {
    let t = tables();
    let std = TaxCategory::standard();
    let de: CountryCode = "DE".parse().unwrap();
    let e = t.vat_rate(de, None, &std, date("2019-12-31")).unwrap_err();
    assert!(matches!(e, landed::Error::NoRateInForce { .. }), "{e}");
    let us: CountryCode = "US".parse().unwrap();
    let e = t.vat_rate(us, None, &std, date("2026-01-01")).unwrap_err();
    assert!(matches!(e, landed::Error::UnknownSeries { .. }), "{e}");
    let e = t
        .vat_rate(de, None, &"luxury".parse().unwrap(), date("2026-01-01"))
        .unwrap_err();
    assert!(e.to_string().contains("no vat data for DE luxury"), "{e}");
}

#[test]
fn results_carry_the_data_version() {
    let r = crate::standard_vat(tables(), "FR", "2026-11-25").unwrap();
    assert_eq!(r.data_version, tables().version());
    assert!(r.data_version.to_string().starts_with("2026.12.17+sha256:"));
}
