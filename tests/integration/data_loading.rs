//! The loader: every malformed-data case is reported with its file and line, all together, and
//! nothing is half-loaded; manifests, directories and overrides.

use std::path::PathBuf;

use landed::data::{DataOrigin, ProblemKind, file_hashes, sha256_hex};
use landed::{RateTables, TaxCategory};

use crate::date;

const GOOD: &str = r#"schema_version = 1

[[vat]]
country = "DE"
category = "standard"
rate_percent = "19"
effective_from = "2020-01-01"
source = "UStG § 12 Abs. 1"
"#;

/// Builds a file where each case sits on a known line, and returns the (kind, line) pairs the
/// loader must report.
fn broken_file() -> (String, Vec<(ProblemKind, usize)>) {
    let text = r#"schema_version = 1

[[vat]]
country = "DE"
category = "standard"
rate_percent = "19"
effective_from = "2020-01-01"
effective_to = "2020-12-31"
source = "a"

[[vat]]
country = "DE"
category = "standard"
rate_percent = "16"
effective_from = "2020-07-01"
source = "overlap: starts inside the row above"

[[vat]]
country = "FR"
category = "standard"
rate_percent = "20"
effective_from = "2020-01-01"
effective_to = "2020-05-31"
source = "a"

[[vat]]
country = "FR"
category = "standard"
rate_percent = "20"
effective_from = "2020-07-01"
source = "gap: june is missing"

[[vat]]
country = "IT"
category = "standard"
rate_percent = "22"
effective_from = "2020-01-01"
source = "a"

[[vat]]
country = "IT"
category = "standard"
rate_percent = "22"
effective_from = "2020-01-01"
source = "duplicate start"

[[vat]]
country = "XX"
category = "standard"
rate_percent = "20"
effective_from = "2020-01-01"
source = "unknown country"

[[vat]]
country = "ES"
category = "standard"
rate_percent = "2.1.0"
effective_from = "2020-01-01"
source = "bad decimal"

[[vat]]
country = "PT"
category = "standard"
rate_percent = "-23"
effective_from = "2020-01-01"
source = "negative rate"

[[vat]]
country = "NL"
category = "standard"
rate_percent = "21"
effective_from = "2021-01-01"
effective_to = "2020-12-31"
source = "from after to"

[[vat]]
country = "BE"
category = "standard"
rate_percent = 21.0
effective_from = "2020-01-01"
source = "bare float"

[[vat]]
country = "AT"
category = "standard"
rate_percent = "20"
effective_from = "2020-01-01"
source = "unknown field"
rate = "20"

[[currency]]
code = "ZZZ"
iso_exponent = 2
display_exponent = 2
effective_from = "2020-01-01"
source = "unknown currency"
"#;
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    let expected = vec![
        (ProblemKind::Overlap, line_of("[[vat]]") + 8), // second DE row header
        (ProblemKind::Gap, 0),
        (ProblemKind::DuplicateStart, 0),
        (ProblemKind::UnknownCountry, line_of("country = \"XX\"")),
        (ProblemKind::BadDecimal, line_of("2.1.0")),
        (ProblemKind::NegativeRate, 0),
        (ProblemKind::FromAfterTo, 0),
        (ProblemKind::BareFloat, line_of("21.0")),
        (ProblemKind::UnknownField, line_of("rate = \"20\"")),
        (ProblemKind::UnknownCurrency, line_of("ZZZ")),
    ];
    (text.to_owned(), expected)
}

#[test]
fn every_problem_is_reported_together_with_file_and_line() {
    let (text, expected) = broken_file();
    let err = RateTables::from_toml_str("broken.toml", &text).unwrap_err();
    for p in &err.problems {
        assert_eq!(p.file, "broken.toml");
        assert!(p.line > 0, "{p}");
        assert!(!p.message.is_empty());
    }
    for (kind, line) in expected {
        let found = err.problems.iter().find(|p| p.kind == kind);
        let found = found.unwrap_or_else(|| panic!("{kind:?} not reported; got:\n{err}"));
        if line > 0 {
            assert_eq!(
                found.line, line,
                "{kind:?} reported at the wrong line: {found}"
            );
        }
    }
    // The message is printable as one report listing every problem.
    let shown = err.to_string();
    assert!(shown.starts_with("rate data has"), "{shown}");
    assert!(shown.contains("broken.toml:"), "{shown}");
}

#[test]
fn problem_lines_point_at_the_offending_rows() {
    let (text, _) = broken_file();
    let err = RateTables::from_toml_str("broken.toml", &text).unwrap_err();
    let line_of_row_with = |needle: &str| {
        let lines: Vec<&str> = text.lines().collect();
        let at = lines.iter().position(|l| l.contains(needle)).unwrap();
        // The header of the row is the nearest [[...]] above.
        (0..=at)
            .rev()
            .find(|&i| lines[i].starts_with("[["))
            .unwrap()
            + 1
    };
    let at = |kind| err.problems.iter().find(|p| p.kind == kind).unwrap().line;
    assert_eq!(at(ProblemKind::Gap), line_of_row_with("gap: june"));
    assert_eq!(
        at(ProblemKind::DuplicateStart),
        line_of_row_with("duplicate start")
    );
    assert_eq!(
        at(ProblemKind::NegativeRate),
        line_of_row_with("negative rate")
    );
    assert_eq!(
        at(ProblemKind::FromAfterTo),
        line_of_row_with("from after to")
    );
    assert_eq!(
        at(ProblemKind::Overlap),
        line_of_row_with("overlap: starts")
    );
}

#[test]
fn bare_float_reports_line_and_column() {
    let text = "schema_version = 1\n[[vat]]\ncountry = \"DE\"\ncategory = \"standard\"\nrate_percent = 19.5\neffective_from = \"2020-01-01\"\nsource = \"x\"\n";
    let err = RateTables::from_toml_str("f.toml", text).unwrap_err();
    let p = &err.problems[0];
    assert_eq!(p.kind, ProblemKind::BareFloat);
    assert_eq!((p.line, p.column), (5, 16), "{p}");
    assert!(p.to_string().starts_with("f.toml:5:16: bare float"), "{p}");
}

#[test]
fn bare_toml_date_is_rejected() {
    let text = GOOD.replace("\"2020-01-01\"", "2020-01-01");
    let err = RateTables::from_toml_str("d.toml", &text).unwrap_err();
    assert_eq!(err.problems[0].line, 7, "{err}");
    assert!(err.problems[0].message.contains("quote the date"), "{err}");
}

#[test]
fn syntax_errors_are_reported_with_lines() {
    let text = "schema_version = 1\n[[vat]\ncountry = \"DE\"\n";
    let err = RateTables::from_toml_str("s.toml", text).unwrap_err();
    assert!(err.has(ProblemKind::Syntax), "{err}");
    assert_eq!(err.problems[0].line, 2, "{err}");
}

#[test]
fn unsupported_or_missing_schema_is_rejected() {
    let err = RateTables::from_toml_str(
        "v.toml",
        &GOOD.replace("schema_version = 1", "schema_version = 2"),
    )
    .unwrap_err();
    assert!(err.has(ProblemKind::UnsupportedSchema), "{err}");
    assert_eq!(err.problems[0].line, 1);
    let err =
        RateTables::from_toml_str("v.toml", &GOOD.replace("schema_version = 1", "")).unwrap_err();
    assert!(err.has(ProblemKind::MissingField), "{err}");
}

#[test]
fn unknown_section_is_rejected() {
    let text = format!("{GOOD}\n[[vta]]\ncountry = \"DE\"\n");
    let err = RateTables::from_toml_str("u.toml", &text).unwrap_err();
    assert!(err.has(ProblemKind::UnknownField), "{err}");
}

#[test]
fn a_good_file_loads_and_is_versioned_by_its_hash() {
    let t = RateTables::from_toml_str("good.toml", GOOD).unwrap();
    assert_eq!(t.version().dataset.as_ref(), "local");
    assert_eq!(t.version().sha256.as_ref(), sha256_hex(GOOD.as_bytes()));
    assert!(matches!(t.version().origin, DataOrigin::Inline(_)));
    let r = crate::standard_vat(&t, "DE", "2026-01-01").unwrap();
    assert_eq!(r.rate.to_string(), "19");
    // A date before the first period is an error, never the earliest rate.
    let e = crate::standard_vat(&t, "DE", "2019-12-31").unwrap_err();
    assert!(e.is_missing_rate());
    assert!(
        e.to_string()
            .contains("starts on 2020-01-01, and 2019-12-31 is before it"),
        "{e}"
    );
}

#[test]
fn embedded_data_loads_clean_and_manifest_hashes_match() {
    let tables = RateTables::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tables.version().origin, DataOrigin::Embedded);
    assert!(
        tables
            .version()
            .to_string()
            .starts_with("2026.12.17+sha256:")
    );
    // The files read on first use (the US schedule in CSV) load clean too.
    tables.load_all().unwrap_or_else(|e| panic!("{e}"));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.toml")).unwrap();
    let listed: toml::Table = toml::from_str(&manifest).unwrap();
    let listed = listed["files"].as_table().unwrap();
    let actual = file_hashes(&dir).unwrap();
    let mut drift = vec![];
    for (name, hash) in &actual {
        if listed.get(name).and_then(|v| v.as_str()) != Some(hash.as_str()) {
            drift.push(name.clone());
        }
    }
    for name in listed.keys() {
        if !actual.contains_key(name) {
            drift.push(name.clone());
        }
    }
    assert!(
        drift.is_empty(),
        "data/MANIFEST.toml is out of date for {drift:?}; if the data edit is intended, run \
         `cargo run --example refresh_manifest -- data` and bump dataset_version"
    );
    // The directory loader reads the same dataset with the same hash.
    let from_dir = RateTables::from_dir(&dir).unwrap();
    assert_eq!(from_dir.version().sha256, tables.version().sha256);
    assert_eq!(from_dir.series_counts(), tables.series_counts());
}

/// A scratch directory under the target dir, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_manifest(dir: &std::path::Path, files: &[(&str, &str)]) {
    let mut m = String::from(
        "dataset_version = \"2026.11.3\"\nschema_version = 1\nas_of = \"2026-11-25\"\n[files]\n",
    );
    for (name, hash) in files {
        m.push_str(&format!("\"{name}\" = \"{hash}\"\n"));
    }
    std::fs::write(dir.join("MANIFEST.toml"), m).unwrap();
}

#[test]
fn directory_with_wrong_hash_unlisted_and_missing_files_is_refused() {
    let dir = scratch("bad_dir");
    std::fs::write(dir.join("vat.toml"), GOOD).unwrap();
    std::fs::write(dir.join("extra.toml"), GOOD).unwrap();
    write_manifest(&dir, &[("vat.toml", "00"), ("gone.toml", "00")]);
    let err = RateTables::from_dir(&dir).unwrap_err();
    assert!(err.has(ProblemKind::HashMismatch), "{err}");
    assert!(err.has(ProblemKind::Manifest), "{err}");
    assert!(err.problems.iter().any(|p| p.file == "extra.toml"), "{err}");
    assert!(err.to_string().contains("gone.toml"), "{err}");
    assert!(err.to_string().contains("refresh_manifest"), "{err}");
}

#[test]
fn a_good_directory_loads_with_its_version() {
    let dir = scratch("good_dir");
    std::fs::write(dir.join("vat.toml"), GOOD).unwrap();
    write_manifest(&dir, &[("vat.toml", &sha256_hex(GOOD.as_bytes()))]);
    let t = RateTables::from_dir(&dir).unwrap();
    assert_eq!(t.version().dataset.as_ref(), "2026.11.3");
    assert_eq!(t.version().as_of, Some(date("2026-11-25")));
    assert!(matches!(t.version().origin, DataOrigin::Directory(_)));
}

#[test]
fn an_override_replaces_a_whole_series() {
    let base = RateTables::embedded().unwrap();
    // One row for DE standard: the embedded 16 % period of 2020 must disappear with it.
    let over = RateTables::from_toml_str("override.toml", GOOD).unwrap();
    let merged = base.with_overrides(&over);
    let de = "DE".parse().unwrap();
    let std = TaxCategory::standard();
    assert_eq!(
        base.vat_rate(de, None, &std, date("2020-08-01"))
            .unwrap()
            .rate
            .to_string(),
        "16"
    );
    let r = merged.vat_rate(de, None, &std, date("2020-08-01")).unwrap();
    assert_eq!(r.rate.to_string(), "19");
    assert_eq!(r.source, "UStG § 12 Abs. 1");
    // Other series are untouched.
    let fr = "FR".parse().unwrap();
    assert_eq!(
        merged
            .vat_rate(fr, None, &std, date("2026-01-01"))
            .unwrap()
            .rate,
        base.vat_rate(fr, None, &std, date("2026-01-01"))
            .unwrap()
            .rate
    );
    // The result says which data it came from.
    assert!(matches!(
        merged.version().origin,
        DataOrigin::Overridden { .. }
    ));
    assert_ne!(merged.version().sha256, base.version().sha256);
    assert_eq!(r.data_version, merged.version());
}

#[test]
fn currency_metadata_agrees_with_iso_4217_and_keeps_its_numbers_apart() {
    let t = RateTables::embedded().unwrap();
    let mut seen = 0;
    for (info, _period, source) in t.currency_rows() {
        assert_eq!(
            Some(info.iso_exponent),
            info.currency.exponent(),
            "{}",
            info.currency
        );
        assert!(!source.is_empty());
        seen += 1;
    }
    assert!(seen >= 40);
    let on = |code: &str, day: &str| {
        t.currency_info(code.parse().unwrap(), date(day))
            .unwrap()
            .info
            .clone()
    };
    // Cash and processor increments are their own numbers, not derived from the exponent.
    assert_eq!(
        on("CHF", "2026-11-25").cash_increment.unwrap().to_string(),
        "0.05"
    );
    assert_eq!(
        on("DKK", "2026-11-25").cash_increment.unwrap().to_string(),
        "0.50"
    );
    assert_eq!(
        on("KWD", "2026-11-25")
            .charge_increment
            .unwrap()
            .to_string(),
        "0.010"
    );
    // ISK: whole krónur for card charges from 2023-04-14 (day before, of, after).
    assert_eq!(on("ISK", "2023-04-13").charge_increment, None);
    assert_eq!(
        on("ISK", "2023-04-14")
            .charge_increment
            .unwrap()
            .to_string(),
        "1"
    );
    assert_eq!(
        on("ISK", "2023-04-15")
            .charge_increment
            .unwrap()
            .to_string(),
        "1"
    );
    // BGN ends with Bulgaria's adoption of the euro on 2026-01-01.
    assert!(
        t.currency_info("BGN".parse().unwrap(), date("2025-12-31"))
            .is_ok()
    );
    assert!(
        t.currency_info("BGN".parse().unwrap(), date("2026-01-01"))
            .unwrap_err()
            .is_missing_rate()
    );
}
