//! The whole US schedule in CSV (issue 17, points 2 and 3): the `landed-csv` format's problems
//! with file, line and column; the lazy per-territory load; US quotes without `duty_rate` on
//! 200 lines drawn from the 2026 Revision 10 export (skipped with a printed reason when the
//! export under `../shared/reference/` is absent, as on CI); and the edition boundaries.

use std::io::Read as _;
use std::path::PathBuf;

use landed::data::{DataProblem, ProblemKind, import_hts_json};
use landed::{Decimal, HsCode, QuoteRequest, RateTables, Territory};
use serde_json::json;

use crate::{date, dec};

const HEAD: &str = "# landed-csv section=tariff territory=US schema=1
# A schedule made up for the tests.
territory,hs,description,rate_percent,specific_amount,specific_currency,specific_per,see,effective_from,effective_to,source
";

fn us() -> Territory {
    "US".parse().unwrap()
}

fn at(p: &DataProblem) -> (String, usize, usize, ProblemKind) {
    (p.file.clone(), p.line, p.column, p.kind)
}

#[test]
fn every_csv_problem_is_reported_at_once_with_file_line_and_column() {
    let text = format!(
        "{HEAD}US,61091000,Of cotton,16.5,,,,9903.88.15,2025-01-01,,USITC\n\
         US,61099010,Of man-made fibres,3.2.1,,,,,2025-01-01,,USITC\n\
         US,61102020,Of cotton,16.5,,,,,2025-01-01,,USITC\n\
         CA,61103030,Of man-made fibres,32,,,,,2025-01-01,,USITC\n\
         US,6404\"1990,Footwear,9,,,,,2025-01-01,,USITC\n\
         US,64029990,\"Other footwear\" x,20,,,,,2025-01-01,,USITC\n\
         US,42022190,Handbags,9,,,,,2025-02-30,,USITC\n\
         US,42029231,Bags,17.6,0.5,USD,,,2025-01-01,,USITC\n"
    );
    let err = RateTables::from_csv_str("tariff_us.csv", &text).unwrap_err();
    let f = |line, column, kind| ("tariff_us.csv".to_owned(), line, column, kind);
    assert_eq!(
        err.problems.iter().map(at).collect::<Vec<_>>(),
        vec![
            // Bad decimal: the rate_percent cell.
            f(5, 32, ProblemKind::BadDecimal),
            // Another territory than the file's.
            f(7, 1, ProblemKind::Inconsistent),
            // Bad quoting: a quote inside an unquoted cell, text after a closing quote.
            f(8, 8, ProblemKind::Syntax),
            f(9, 29, ProblemKind::Syntax),
            // A date that is not in the calendar.
            f(10, 28, ProblemKind::BadValue),
            // A specific amount without its unit.
            f(11, 1, ProblemKind::MissingField),
        ],
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("tariff_us.csv:5:32: rate_percent: invalid decimal")
    );
    assert!(err.to_string().contains("differs from territory=US"));
}

#[test]
fn an_unknown_column_is_reported_once_at_the_header() {
    let text = "# landed-csv section=tariff territory=US schema=1\n\
        territory,hs,description,rate,rate_percent,effective_from,source\n\
        US,61091000,Of cotton,x,16.5,2025-01-01,USITC\n\
        US,61099010,Of man-made fibres,y,32,2025-01-01,USITC\n";
    let err = RateTables::from_csv_str("t.csv", text).unwrap_err();
    assert_eq!(
        err.problems.iter().map(at).collect::<Vec<_>>(),
        vec![("t.csv".to_owned(), 2, 26, ProblemKind::UnknownField)],
        "{err}"
    );
    assert!(err.problems[0].message.contains("unknown column `rate`"));
}

#[test]
fn additional_duties_read_from_csv_with_list_cells() {
    let text = "# landed-csv section=additional_duty territory=US schema=1\n\
        territory,name,hs,origins,exclude_hs,rate_percent,stacking,effective_from,source\n\
        US,test_duty,6109,CN HK,61099010,10,cumulative,2025-01-01,a test\n\
        US,test_duty,6110,XX,,10,cumulative,2025-01-01,a test\n";
    let err = RateTables::from_csv_str("add.csv", text).unwrap_err();
    assert_eq!(
        err.problems.iter().map(at).collect::<Vec<_>>(),
        vec![("add.csv".to_owned(), 4, 19, ProblemKind::UnknownCountry)],
        "{err}"
    );
    let good = text.replace(",XX,", ",CN,");
    RateTables::from_csv_str("add.csv", &good).unwrap();
}

fn request(destination: &str, currency: &str, hs: &str, day: &str) -> QuoteRequest {
    QuoteRequest::from_json(
        &json!({
            "date": day, "destination": destination, "currency": currency, "ship_from": "GB",
            "lines": [{"hs_code": hs, "quantity": "1", "unit_price": "1000.00", "origin": "GB",
                       "weight_kg": "2.5",
                       "measures": {"liter": "0.75", "proof_liter": "0.6", "square_meter": "2",
                                    "cubic_meter": "0.5", "barrel": "3", "jewel": "17"}}]
        })
        .to_string(),
    )
    .unwrap()
}

/// The customs duty charge of a one-line quote (not the additional duties).
fn customs_duty(q: &landed::Quote) -> &landed::landed::Charge {
    q.charges
        .iter()
        .find(|c| &*c.name == "customs duty")
        .unwrap_or_else(|| panic!("no customs duty in {q:?}"))
}

#[test]
fn the_us_schedule_is_read_on_the_first_us_lookup_only() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let tables = RateTables::from_dir(&dir).unwrap();
    assert_eq!(tables.is_loaded(us()), Some(false));
    assert_eq!(tables.is_loaded("GB".parse().unwrap()), None);
    let q = tables
        .quote(&request("DE", "EUR", "61091000", "2026-11-25"))
        .unwrap();
    assert!(!q.charges.is_empty());
    assert_eq!(
        tables.is_loaded(us()),
        Some(false),
        "a DE quote read the US file"
    );
    tables
        .quote(&request("US", "USD", "61091000", "2026-11-25"))
        .unwrap();
    assert_eq!(tables.is_loaded(us()), Some(true));
    // The embedded data loads the same way.
    let embedded = RateTables::embedded_uncached().unwrap();
    assert_eq!(embedded.is_loaded(us()), Some(false));
}

#[test]
fn a_broken_lazy_file_surfaces_from_the_quote_naming_file_and_line() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("broken_us_csv");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    for name in [
        "customs.toml",
        "currencies.toml",
        "vat.toml",
        "fx.toml",
        "fees.toml",
    ] {
        std::fs::copy(src.join(name), dir.join(name)).unwrap();
    }
    let csv = format!("{HEAD}US,61091000,Of cotton,16.x,,,,,2025-01-01,,USITC\n");
    std::fs::write(dir.join("tariff_us.csv"), &csv).unwrap();
    let mut m = String::from(
        "dataset_version = \"2026.12.1\"\nschema_version = 1\nas_of = \"2026-11-25\"\n[files]\n",
    );
    for (name, hash) in landed::data::file_hashes(&dir).unwrap() {
        m.push_str(&format!("\"{name}\" = \"{hash}\"\n"));
    }
    std::fs::write(dir.join("MANIFEST.toml"), m).unwrap();
    // The directory loads: the CSV is read on first use.
    let tables = RateTables::from_dir(&dir).unwrap();
    let err = tables
        .quote(&request("US", "USD", "61091000", "2026-11-25"))
        .unwrap_err();
    assert!(err.is_data(), "{err}");
    assert!(err.to_string().contains("tariff_us.csv:4:23"), "{err}");
    // The error is kept, and other territories still quote.
    assert!(
        tables
            .tariff(us(), &"61091000".parse().unwrap(), date("2026-11-25"))
            .is_err()
    );
    assert!(tables.load_all().is_err());
    tables
        .quote(&request("DE", "EUR", "61091000", "2026-11-25"))
        .unwrap();
}

#[test]
fn the_t_shirt_is_still_16_5_percent() {
    let tables = RateTables::embedded().unwrap();
    let q = tables
        .quote(&request("US", "USD", "6109.10.00.04", "2026-11-25"))
        .unwrap();
    let duty = customs_duty(&q);
    assert_eq!(duty.rate, Some(dec("16.5")));
    assert!(duty.source.contains("2026 Revision 10"), "{}", duty.source);
    let row = tables
        .tariff(us(), &"61091000".parse().unwrap(), date("2026-11-25"))
        .unwrap();
    let see: Vec<String> = row.rate.see.iter().map(ToString::to_string).collect();
    assert_eq!(see, ["99038815"]);
}

#[test]
fn edition_boundaries() {
    let tables = RateTables::embedded().unwrap();
    let rate = |hs: &str, day: &str| {
        tables
            .tariff(us(), &hs.parse().unwrap(), date(day))
            .map(|t| (t.rate.rate_percent, t.period.from))
    };
    // No general rate changed between the three editions: a line kept from 2025 is one
    // row, the same the day before, of and after each later edition.
    for day in [
        "2025-01-01",
        "2025-12-31",
        "2026-01-01",
        "2026-01-02",
        "2026-06-07",
        "2026-06-08",
        "2026-06-09",
    ] {
        assert_eq!(
            rate("61091000", day).unwrap(),
            (Some(dec("16.5")), date("2025-01-01")),
            "{day}"
        );
    }
    assert!(
        rate("61091000", "2024-12-31")
            .unwrap_err()
            .is_missing_rate()
    );
    // 4420.19.00 (other wooden statuettes) first appears in the 2026 Basic Edition.
    let e = rate("44201900", "2025-12-31").unwrap_err();
    assert!(e.to_string().contains("starts on 2026-01-01"), "{e}");
    assert_eq!(
        rate("44201900", "2026-01-01").unwrap(),
        (Some(dec("3.2")), date("2026-01-01"))
    );
    assert_eq!(
        rate("44201900", "2026-01-02").unwrap(),
        (Some(dec("3.2")), date("2026-01-01"))
    );
}

/// The 2026 Revision 10 export, if present.
fn rev_10() -> Option<landed::data::HtsImport> {
    let path = "/work/shared/reference/us-tariff/usitc/hts_2026_rev_10.json.gz";
    let Ok(bytes) = std::fs::read(path) else {
        println!("skipped: {path} is absent (it is not part of the repository)");
        return None;
    };
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_string(&mut text)
        .unwrap();
    Some(import_hts_json(&text).unwrap())
}

#[test]
fn two_hundred_random_lines_quote_their_export_rate_without_duty_rate() {
    let Some(import) = rev_10() else { return };
    let lines: Vec<_> = import
        .encodable()
        .filter(|(l, _)| !l.hs.as_str().starts_with("99"))
        .collect();
    let tables = RateTables::embedded().unwrap();
    // A fixed-seed linear congruential generator: the same 200 lines every run.
    let mut seed: u64 = 17;
    let mut ad_valorem = 0;
    for _ in 0..200 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let (line, encoded) = &lines[(seed >> 33) as usize % lines.len()];
        let hs: HsCode = line.hs;
        let q = tables
            .quote(&request("US", "USD", hs.as_str(), "2026-11-25"))
            .unwrap_or_else(|e| panic!("{hs}: {e}"));
        let duty = customs_duty(&q);
        let found = tables.tariff(us(), &hs, date("2026-11-25")).unwrap();
        assert_eq!(found.rate.rate_percent, encoded.rate_percent, "{hs}");
        assert_eq!(found.rate.specific, encoded.specific, "{hs}");
        match (encoded.rate_percent, encoded.specific) {
            (Some(p), None) => {
                ad_valorem += 1;
                assert_eq!(duty.rate, Some(p), "{hs} {}", line.general);
                let expected = duty.base.unwrap() * p / Decimal::ONE_HUNDRED;
                assert_eq!(duty.unrounded, expected, "{hs}");
            }
            _ => assert_eq!(duty.rate_text.to_string(), found.rate.describe(), "{hs}"),
        }
    }
    assert!(ad_valorem > 150, "{ad_valorem} ad valorem lines of 200");
}

#[test]
fn a_toml_row_of_the_same_code_replaces_the_csv_series() {
    let tables = RateTables::embedded().unwrap();
    let day = date("2026-11-25");
    // 6404.19.90 is curated in tariff_us.toml (from 2024) and in the export (from 2025).
    let curated = tables
        .tariff(us(), &"64041990".parse().unwrap(), day)
        .unwrap();
    assert_eq!(curated.period.from, date("2024-01-01"));
    assert!(curated.source.contains("htshub"), "{}", curated.source);
    // A longer code still finds the export's line under a six-digit curated row.
    let phone = tables
        .tariff(us(), &"8517.13.00.00".parse().unwrap(), day)
        .unwrap();
    assert!(phone.source.contains("USITC"), "{}", phone.source);
    let phone6 = tables
        .tariff(us(), &"851713".parse().unwrap(), day)
        .unwrap();
    assert!(!phone6.source.contains("USITC"), "{}", phone6.source);
    // An override of the same code replaces the export's row.
    let overlay = RateTables::from_toml_str(
        "mine.toml",
        r#"schema_version = 1
[[tariff]]
territory = "US"
hs = "61091000"
description = "T-shirts of cotton, at a negotiated rate"
rate_percent = "5"
effective_from = "2025-01-01"
source = "a test"
"#,
    )
    .unwrap();
    let both = tables.with_overrides(&overlay);
    let q = both
        .quote(&request("US", "USD", "6109.10.00.04", "2026-11-25"))
        .unwrap();
    assert_eq!(customs_duty(&q).rate, Some(dec("5")));
    let q = both
        .quote(&request("US", "USD", "6109.90.10.10", "2026-11-25"))
        .unwrap();
    assert_eq!(customs_duty(&q).rate, Some(dec("32")));
}

/// A one-line US quote from the UK on 2026-11-25 with the given line fields.
fn us_line(line: serde_json::Value) -> Result<landed::Quote, landed::Error> {
    let mut l = json!({"quantity": "12", "unit_price": "8.00", "origin": "GB"});
    for (k, v) in line.as_object().unwrap() {
        l[k] = v.clone();
    }
    let req = json!({"date": "2026-11-25", "destination": "US", "currency": "USD",
                     "ship_from": "GB", "lines": [l]});
    RateTables::embedded()
        .unwrap()
        .quote(&QuoteRequest::from_json(&req.to_string()).unwrap())
}

#[test]
fn specific_duties_per_litre_dozen_pair_and_jewel_are_charged_on_the_lines_measures() {
    let duty = |line| customs_duty(&us_line(line).unwrap()).unrounded;
    // 2204.21.50 wine: 6.3¢/liter; 12 bottles of 0.75 l = 9 l → $0.567.
    assert_eq!(
        duty(json!({"hs_code": "2204.21.50.40", "measures": {"liter": "0.75"}})),
        dec("0.567")
    );
    // 0407.11.00 eggs: 2.8¢/doz.; 30 eggs are 2.5 dozen → $0.07.
    assert_eq!(
        duty(json!({"hs_code": "0407.11.00.00", "quantity": "30"})),
        dec("0.07")
    );
    // 6402.19.50 footwear: 76¢/pr. + 32%; 12 pairs at $8 → 9.12 + 30.72.
    assert_eq!(
        duty(json!({"hs_code": "6402.19.50"})),
        dec("9.12") + dec("30.72")
    );
    // 9106.10.00 time recorders: 36¢ each + 5.6% + 2¢/jewel; 12 of 17 jewels.
    assert_eq!(
        duty(json!({"hs_code": "9106.10.00.00", "measures": {"jewel": "17"}})),
        dec("4.32") + dec("5.376") + dec("4.08")
    );
    // 2709.00.10 crude oil testing under 25° API: 5.25¢/bbl; 12 units of 1.5 barrels.
    assert_eq!(
        duty(json!({"hs_code": "2709.00.10.00", "measures": {"barrel": "1.5"}})),
        dec("0.945")
    );
}

#[test]
fn a_specific_duty_without_its_measure_is_an_error_naming_the_field() {
    let field = |e: &landed::Error| match e {
        landed::Error::InvalidInput { field, .. } => Some(field.clone()),
        _ => None,
    };
    let err = us_line(json!({"hs_code": "2204.21.50.40"})).unwrap_err();
    assert_eq!(
        field(&err).as_deref(),
        Some("lines[0].measures.liter"),
        "{err}"
    );
    assert!(err.to_string().contains("is per liter"), "{err}");
    // Another measure does not stand in for it.
    let err = us_line(json!({"hs_code": "9106.10.00.00", "measures": {"liter": "1"}})).unwrap_err();
    assert_eq!(
        field(&err).as_deref(),
        Some("lines[0].measures.jewel"),
        "{err}"
    );
    let err =
        us_line(json!({"hs_code": "2204.21.50.40", "measures": {"liter": "-1"}})).unwrap_err();
    assert_eq!(
        field(&err).as_deref(),
        Some("lines[0].measures.liter"),
        "{err}"
    );
    assert!(err.to_string().contains("negative"), "{err}");
    // An unknown measure is a wire error.
    let req = json!({"date": "2026-11-25", "destination": "US", "currency": "USD",
        "lines": [{"hs_code": "2204.21.50.40", "quantity": "1", "unit_price": "8", "origin": "GB",
                   "measures": {"litre": "0.75"}}]});
    let err = QuoteRequest::from_json(&req.to_string()).unwrap_err();
    assert!(err.to_string().contains("litre"), "{err}");
}

/// US column 2 (general note 3(b)): the data holds column 1 only, so a line from Belarus,
/// Cuba, North Korea or Russia needs its own `duty_rate`; the other lines of the cart are
/// quoted from the schedule.
#[test]
fn a_column_2_origin_needs_its_duty_rate_and_the_other_lines_do_not() {
    let field = |e: &landed::Error| match e {
        landed::Error::InvalidInput { field, .. } => field.clone(),
        other => panic!("{other}"),
    };
    for origin in ["BY", "CU", "KP", "RU"] {
        let err = us_line(json!({"hs_code": "6109.10.00.04", "origin": origin})).unwrap_err();
        assert_eq!(field(&err), "lines[0].duty_rate", "{origin}");
        assert!(err.to_string().contains("column 2"), "{err}");
    }
    // With the column 2 rate given, it is charged; no warning asks for it again.
    let q =
        us_line(json!({"hs_code": "6109.10.00.04", "origin": "RU", "duty_rate": "90"})).unwrap();
    assert_eq!(customs_duty(&q).rate, Some(dec("90")));
    assert!(
        !q.warnings.iter().any(|w| w.contains("column 2")),
        "{:?}",
        q.warnings
    );
    // A mixed cart: the Russian line (index 1) needs it, the German one does not.
    let req = json!({"date": "2026-11-25", "destination": "US", "currency": "USD",
        "lines": [{"hs_code": "6109.10.00.04", "quantity": "1", "unit_price": "10", "origin": "DE"},
                  {"hs_code": "6109.10.00.04", "quantity": "1", "unit_price": "10", "origin": "RU"}]});
    let tables = RateTables::embedded().unwrap();
    let err = tables
        .quote(&QuoteRequest::from_json(&req.to_string()).unwrap())
        .unwrap_err();
    assert_eq!(field(&err), "lines[1].duty_rate");
    // Under the de minimis (to 2025-08-28 for origins other than China) no duty is levied,
    // so none is asked for: the rule starts with the US coverage, on 2025-01-01.
    let small = |day: &str| {
        let req = json!({"date": day, "destination": "US", "currency": "USD",
            "lines": [{"hs_code": "6109.10.00.04", "quantity": "1", "unit_price": "100", "origin": "RU"}]});
        tables.quote(&QuoteRequest::from_json(&req.to_string()).unwrap())
    };
    assert_eq!(small("2025-08-28").unwrap().duty, dec("0"));
    assert_eq!(
        field(&small("2025-08-29").unwrap_err()),
        "lines[0].duty_rate"
    );
    assert!(small("2024-12-31").unwrap_err().is_missing_rate() || small("2024-12-31").is_err());
}

/// The rule's data: `duty_rate_required` needs a warning (its error's message), and a
/// line-scoped rule may have no threshold, but not one on another basis than `item`.
#[test]
fn a_duty_rate_required_rule_needs_its_warning_and_a_line_rule_an_item_threshold_if_any() {
    let load =
        |rows: &str| RateTables::from_toml_str("t.toml", &format!("schema_version = 1\n{rows}"));
    let rule = |extra: &str| {
        format!(
            "[[rule]]\nterritory = \"US\"\nname = \"x\"\nscope = \"line\"\norigins = [\"RU\"]\n\
             effects = [\"duty_rate_required\"]\n{extra}effective_from = \"2025-01-01\"\nsource = \"test\"\n"
        )
    };
    let e = load(&rule("")).unwrap_err().to_string();
    assert!(
        e.contains("duty_rate_required effect needs a warning"),
        "{e}"
    );
    load(&rule("warning = \"give duty_rate\"\n")).unwrap();
    let e = load(&rule(
        "warning = \"w\"\nthreshold = { value = \"customs_value\", currency = \"USD\", amount = \"800\", comparison = \"le\" }\n",
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("its threshold, if any, needs value = \"item\""),
        "{e}"
    );
}
