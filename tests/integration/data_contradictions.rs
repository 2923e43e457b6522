//! Data that cannot contradict itself (issue 16, point 8): a country in two customs territories
//! at once, a VAT rate of 150 %, a row with several problems, and a series continued in a second
//! file are load errors naming every problem with its file and line.

use std::path::PathBuf;

use landed::RateTables;
use landed::data::{DataError, ProblemKind, sha256_hex};

fn load(text: &str) -> DataError {
    RateTables::from_toml_str("t.toml", text).unwrap_err()
}

#[test]
fn a_country_in_two_territories_at_once_is_refused_naming_both_rows() {
    let e = load(
        r#"schema_version = 1

[[territory]]
code = "EU"
members = ["DE", "FR"]
effective_from = "2021-01-01"
source = "TEU Art. 52"

[[territory]]
code = "GB"
members = ["GB", "DE"]
effective_from = "2024-01-01"
effective_to = "2024-12-31"
source = "a typo"
"#,
    );
    let p = e
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Inconsistent)
        .unwrap_or_else(|| panic!("{e}"));
    assert_eq!(p.line, 9, "{p}");
    assert!(
        p.message
            .contains("DE is a member of territory GB from 2024-01-01"),
        "{p}"
    );
    assert!(
        p.message.contains("line 3") && p.message.contains("territory EU"),
        "{p}"
    );
    // Memberships one after the other are fine (the EU with and without GB).
    let ok = RateTables::from_toml_str(
        "t.toml",
        r#"schema_version = 1

[[territory]]
code = "EU"
members = ["DE", "GB"]
effective_from = "2013-07-01"
effective_to = "2020-12-31"
source = "Withdrawal Agreement Art. 126"

[[territory]]
code = "EU"
members = ["DE"]
effective_from = "2021-01-01"
source = "TEU Art. 52"

[[territory]]
code = "GB"
members = ["GB"]
effective_from = "2021-01-01"
source = "Taxation (Cross-border Trade) Act 2018"
"#,
    );
    assert!(ok.is_ok(), "{:?}", ok.err().map(|e| e.to_string()));
}

#[test]
fn a_vat_rate_of_100_or_more_is_refused() {
    for (rate, refused) in [("99.9", false), ("100", true), ("150", true)] {
        let text = format!(
            "schema_version = 1\n\n[[vat]]\ncountry = \"DE\"\ncategory = \"standard\"\nrate_percent = \"{rate}\"\neffective_from = \"2020-01-01\"\nsource = \"UStG\"\n"
        );
        let r = RateTables::from_toml_str("t.toml", &text);
        assert_eq!(r.is_err(), refused, "{rate}");
        if let Err(e) = r {
            assert!(e.to_string().contains("rate_percent"), "{e}");
            assert_eq!(e.problems[0].line, 3, "{e}");
        }
    }
}

#[test]
fn a_row_with_four_problems_reports_all_four() {
    let e = load(
        r#"schema_version = 1

[[vat]]
country = "XX1"
category = "standard"
rate_percent = "1,5"
effective_from = "2020-13-01"
colour = "blue"
source = "UStG"
"#,
    );
    let lines: Vec<usize> = e.problems.iter().map(|p| p.line).collect();
    assert_eq!(e.problems.len(), 4, "{e}");
    for line in [4, 6, 7, 8] {
        assert!(lines.contains(&line), "line {line} missing: {e}");
    }
    assert!(e.has(ProblemKind::UnknownField), "{e}");
    assert!(e.has(ProblemKind::BadDecimal), "{e}");
    // A field taken out for being bad is not reported again as missing.
    assert!(!e.has(ProblemKind::MissingField), "{e}");
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_series_row_repeated_in_a_second_file_names_both_files() {
    let row = "[[vat]]\ncountry = \"DE\"\ncategory = \"standard\"\nrate_percent = \"19\"\neffective_from = \"2020-01-01\"\nsource = \"UStG\"\n";
    let a = format!("schema_version = 1\n\n{row}");
    let b = format!("schema_version = 1\n\n# again\n{row}");
    let dir = scratch("two_files_one_series");
    std::fs::write(dir.join("a.toml"), &a).unwrap();
    std::fs::write(dir.join("b.toml"), &b).unwrap();
    let manifest = format!(
        "dataset_version = \"2026.11.0\"\nschema_version = 1\nas_of = \"2026-11-25\"\n[files]\n\"a.toml\" = \"{}\"\n\"b.toml\" = \"{}\"\n",
        sha256_hex(a.as_bytes()),
        sha256_hex(b.as_bytes())
    );
    std::fs::write(dir.join("MANIFEST.toml"), manifest).unwrap();
    let e = RateTables::from_dir(&dir).unwrap_err();
    let p = e
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::DuplicateStart)
        .unwrap_or_else(|| panic!("{e}"));
    let (here, there) = if p.file == "a.toml" {
        ("a.toml", "b.toml:4")
    } else {
        ("b.toml", "a.toml:3")
    };
    assert_eq!(p.file, here);
    assert!(p.message.contains(there), "{p}");
}
