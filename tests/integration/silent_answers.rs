//! Issue 15, point 4, "no silent answers": a quote past the data's verified horizon, an unknown
//! region, content after a JSON request, a field named twice and a date before the data's
//! coverage each get a named error or a hook for a warning.

use std::path::{Path, PathBuf};

use landed::bands::BandRequest;
use landed::data::sha256_hex;
use landed::fees::FeeRequest;
use landed::fx::RepriceRequest;
use landed::{CountryCode, Error, QuoteRequest, RateTables, TaxCategory};
use serde_json::Value;

use crate::date;

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

/// An example request of `examples/requests`, as JSON.
fn example(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/requests")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `v` with the value at the JSON pointer `at` replaced.
fn with(mut v: Value, at: &str, x: impl Into<Value>) -> String {
    *v.pointer_mut(at).unwrap_or_else(|| panic!("no {at}")) = x.into();
    v.to_string()
}

/// The `(field, reason)` of an `InvalidInput` error.
fn invalid_input<T: core::fmt::Debug>(result: Result<T, Error>) -> (String, String) {
    match result {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("expected Error::InvalidInput, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The verified horizon.

/// A scratch directory under the target dir, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const VAT: &str = r#"schema_version = 1

[[vat]]
country = "DE"
category = "standard"
rate_percent = "19"
effective_from = "2020-01-01"
source = "UStG § 12 Abs. 1"
"#;

/// Loads a one-file dataset whose manifest has `as_of` and the `horizon` line (if any).
fn dataset(name: &str, as_of: &str, horizon: Option<&str>) -> Result<RateTables, String> {
    let dir = scratch(name);
    std::fs::write(dir.join("vat.toml"), VAT).unwrap();
    let horizon = horizon.map_or(String::new(), |h| format!("{h}\n"));
    let manifest = format!(
        "dataset_version = \"2026.11.0\"\nschema_version = 1\nas_of = \"{as_of}\"\n{horizon}[files]\n\"vat.toml\" = \"{}\"\n",
        sha256_hex(VAT.as_bytes())
    );
    std::fs::write(dir.join("MANIFEST.toml"), manifest).unwrap();
    RateTables::from_dir(&dir).map_err(|e| e.to_string())
}

#[test]
fn silent_verified_until_is_as_of_plus_the_manifests_horizon() {
    // data/MANIFEST.toml: as_of 2026-11-25, verified_horizon_months 12.
    let t = tables();
    assert_eq!(t.version().as_of, Some(date("2026-11-25")));
    let until = t.verified_until().unwrap();
    assert_eq!(until, date("2027-11-25"));
    // The day of the horizon is verified, the day after is not.
    assert!(date("2027-11-25") <= until);
    assert!(date("2027-11-26") > until);
}

#[test]
fn silent_verified_until_at_a_month_end_is_the_shorter_months_last_day() {
    let t = dataset(
        "horizon_month_end",
        "2026-11-30",
        Some("verified_horizon_months = 3"),
    )
    .unwrap();
    assert_eq!(t.verified_until(), Some(date("2027-02-28")));
    let t = dataset(
        "horizon_leap",
        "2027-11-30",
        Some("verified_horizon_months = 3"),
    )
    .unwrap();
    assert_eq!(t.verified_until(), Some(date("2028-02-29")));
    let t = dataset(
        "horizon_zero",
        "2026-11-25",
        Some("verified_horizon_months = 0"),
    )
    .unwrap();
    assert_eq!(t.verified_until(), Some(date("2026-11-25")));
}

#[test]
fn silent_a_manifest_without_a_horizon_gets_the_default_of_twelve_months() {
    assert_eq!(landed::data::DEFAULT_VERIFIED_HORIZON_MONTHS, 12);
    let t = dataset("horizon_default", "2026-02-28", None).unwrap();
    assert_eq!(t.verified_until(), Some(date("2027-02-28")));
}

#[test]
fn silent_a_horizon_beyond_ten_years_or_not_a_number_is_refused() {
    let e = dataset(
        "horizon_long",
        "2026-11-25",
        Some("verified_horizon_months = 121"),
    )
    .unwrap_err();
    assert!(
        e.contains("verified_horizon_months 121 is more than 120"),
        "{e}"
    );
    let e = dataset(
        "horizon_text",
        "2026-11-25",
        Some("verified_horizon_months = \"12\""),
    )
    .unwrap_err();
    assert!(e.contains("MANIFEST.toml"), "{e}");
}

#[test]
fn silent_an_inline_file_has_no_verified_day_and_an_override_keeps_the_earlier() {
    let inline = RateTables::from_toml_str("mine.toml", VAT).unwrap();
    assert_eq!(inline.verified_until(), None);
    // Inline over embedded: only the embedded day is known.
    let t = tables().with_overrides(&inline);
    assert_eq!(t.verified_until(), Some(date("2027-11-25")));
    // Two datasets: the earlier day, whichever side it is on.
    let short = dataset(
        "horizon_overlay",
        "2026-11-25",
        Some("verified_horizon_months = 1"),
    )
    .unwrap();
    assert_eq!(
        tables().with_overrides(&short).verified_until(),
        Some(date("2026-12-25"))
    );
    assert_eq!(
        short.with_overrides(tables()).verified_until(),
        Some(date("2026-12-25"))
    );
}

// ---------------------------------------------------------------------------------------------
// 2. An unknown region.

const CA_CODES: &str = "AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK, YT";

fn ca_standard(region: &str) -> Result<(String, Option<String>), Error> {
    let ca: CountryCode = "CA".parse().unwrap();
    tables()
        .vat_rate(
            ca,
            Some(region.parse().unwrap()),
            &TaxCategory::standard(),
            date("2026-11-25"),
        )
        .map(|r| (r.rate.to_string(), r.region.map(|r| r.to_string())))
}

#[test]
fn silent_an_unknown_canadian_region_is_refused_naming_region_and_the_codes() {
    let err = ca_standard("XX").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "region: \"XX\" is not a region of CA, where the tax rate depends on the region; use one of {CA_CODES} (the iso 3166-2 code without \"CA-\")"
        )
    );
    let (field, _) = invalid_input(ca_standard("XX"));
    assert_eq!(field, "region");
}

#[test]
fn silent_canadian_provinces_keep_working() {
    // HST provinces have their own series; GST-only provinces and territories use the national.
    assert_eq!(ca_standard("ON").unwrap(), ("13".into(), Some("ON".into())));
    assert_eq!(ca_standard("on").unwrap(), ("13".into(), Some("ON".into())));
    assert_eq!(ca_standard("NS").unwrap(), ("14".into(), Some("NS".into())));
    for gst_only in ["QC", "AB", "BC", "MB", "SK", "NT", "NU", "YT"] {
        assert_eq!(
            ca_standard(gst_only).unwrap(),
            ("5".into(), None),
            "{gst_only}"
        );
    }
}

#[test]
fn silent_a_region_for_a_country_without_regional_rates_is_ignored() {
    // DE has one national rate: a region (e.g. from the buyer's address) does not change it,
    // and the result shows that no regional series was used.
    let de: CountryCode = "DE".parse().unwrap();
    let r = tables()
        .vat_rate(
            de,
            Some("BY".parse().unwrap()),
            &TaxCategory::standard(),
            date("2026-11-25"),
        )
        .unwrap();
    assert_eq!((r.rate.to_string(), r.region), ("19".to_owned(), None));
}

#[test]
fn silent_a_canadian_quote_with_an_unknown_region_is_refused() {
    let json = with(example("ca_on.json"), "/region", "XX");
    let req = QuoteRequest::from_json(&json).unwrap();
    let (field, reason) = invalid_input(tables().quote(&req));
    assert_eq!(field, "region");
    assert!(
        reason.starts_with("\"XX\" is not a region of CA"),
        "{reason}"
    );
    assert!(reason.contains(CA_CODES), "{reason}");
    // QC quotes at the 5 % GST, ON at the 13 % HST.
    for (region, rate) in [("QC", "5"), ("ON", "13")] {
        let json = with(example("ca_on.json"), "/region", region);
        let q = tables()
            .quote(&QuoteRequest::from_json(&json).unwrap())
            .unwrap();
        let v: Value = serde_json::from_str(&q.to_json().unwrap()).unwrap();
        let tax = v["charges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "tax")
            .unwrap();
        assert_eq!(tax["rate"], rate, "{region}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Content after the request, and a byte-order mark.

/// Parses a request text with one entry point, dropping the request.
type Parse = fn(&str) -> Result<(), Error>;

/// Every JSON entry point: its name, a valid request and its parser.
fn entry_points() -> Vec<(&'static str, String, Parse)> {
    vec![
        ("quote", example("de_import.json").to_string(), |t| {
            QuoteRequest::from_json(t).map(drop)
        }),
        ("band", example("band_beat.json").to_string(), |t| {
            BandRequest::from_json(t).map(drop)
        }),
        ("fees", example("fees_percentage.json").to_string(), |t| {
            FeeRequest::from_json(t).map(drop)
        }),
        ("reprice", example("reprice_jpy.json").to_string(), |t| {
            RepriceRequest::from_json(t).map(drop)
        }),
    ]
}

#[test]
fn silent_content_after_the_request_is_refused_by_every_entry_point() {
    for (name, json, parse) in entry_points() {
        parse(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let column = json.chars().count() + 2;
        for after in [json.as_str(), "xyz", "}", "[]"] {
            let text = format!("{json} {after}");
            let (field, reason) = invalid_input(parse(&text));
            assert_eq!(field, "request", "{name}");
            assert_eq!(
                reason,
                format!(
                    "there is content after the request at line 1 column {column}; one request per call is read: send each request on its own, or remove what follows it"
                ),
                "{name}"
            );
        }
        // On a later line, the line is named.
        let (_, reason) = invalid_input(parse(&format!("{json}\n\n  x")));
        assert!(reason.contains("at line 3 column 3"), "{name}: {reason}");
        // Whitespace after the request is fine.
        parse(&format!("{json}\n \t\r\n")).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn silent_a_leading_byte_order_mark_is_accepted_by_every_entry_point() {
    for (name, json, parse) in entry_points() {
        parse(&format!("\u{feff}{json}")).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Only one, and only at the start.
        assert!(parse(&format!("\u{feff}\u{feff}{json}")).is_err(), "{name}");
        assert!(parse(&format!("{json}\u{feff}")).is_err(), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// 4. A bad enum value names its field once.

/// Asserts that the error names `field` once, as the field, and mentions `bad`.
fn named_once(result: Result<(), Error>, field: &str, bad: &str) {
    let err = result.unwrap_err();
    let text = err.to_string();
    let (f, reason) = invalid_input(Err::<(), _>(err));
    assert_eq!(f, field, "{text}");
    assert!(!reason.starts_with(&format!("{field}:")), "{text}");
    let last = field.rsplit('.').next().unwrap();
    assert_eq!(text.matches(&format!("{last}:")).count(), 1, "{text}");
    assert!(text.contains(bad), "{text}");
}

#[test]
fn silent_a_bad_incoterm_buyer_or_transport_names_the_field_once() {
    let de = example("de_import.json");
    let quote = |json: String| QuoteRequest::from_json(&json).map(drop);
    let mut v = de.clone();
    v["incoterm"] = "CIF".into();
    let err = QuoteRequest::from_json(&v.to_string()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("incoterm: \"CIF\" is not supported; use \"DDP\" or \"DAP\" at line 1"),
        "{err}"
    );
    named_once(quote(v.to_string()), "incoterm", "CIF");
    for field in ["buyer", "transport"] {
        let mut v = de.clone();
        v[field] = "cif".into();
        named_once(quote(v.to_string()), field, "cif");
    }
}

#[test]
fn silent_a_bad_enum_value_of_each_other_entry_point_names_the_field_once() {
    let reprice = |json: String| RepriceRequest::from_json(&json).map(drop);
    named_once(
        reprice(with(example("reprice_jpy.json"), "/rounding", "nearest")),
        "rounding",
        "nearest",
    );
    let fees = |json: String| FeeRequest::from_json(&json).map(drop);
    named_once(
        fees(with(
            example("fees_percentage.json"),
            "/schedule/mode",
            "tiered",
        )),
        "schedule.mode",
        "tiered",
    );
    let band = |json: String| BandRequest::from_json(&json).map(drop);
    named_once(
        band(with(example("band_beat.json"), "/no_competitors", "raise")),
        "no_competitors",
        "raise",
    );
    named_once(
        band(with(
            example("band_beat.json"),
            "/strategy/action",
            "undercut",
        )),
        "strategy.action",
        "undercut",
    );
}

// ---------------------------------------------------------------------------------------------
// 5. A date before the data's coverage names the date and the first covered day.

/// The error of quoting `file` (an example request) on `day`.
fn quote_on(file: &str, day: &str) -> Error {
    let json = with(example(file), "/date", day);
    tables()
        .quote(&QuoteRequest::from_json(&json).unwrap())
        .unwrap_err()
}

#[test]
fn silent_a_quote_before_the_destinations_coverage_names_the_date_and_the_first_day() {
    for (file, day, first) in [
        ("de_import.json", "2021-06-30", "2021-07-01"),
        // GB was in the EU customs union until 2020-12-31, so its regime then is the EU's.
        ("gb_import.json", "2020-12-31", "2021-07-01"),
        ("us_formal.json", "2024-12-31", "2025-01-01"),
        ("ca_on.json", "2020-06-30", "2020-07-01"),
        ("au_import.json", "2018-06-30", "2018-07-01"),
    ] {
        let err = quote_on(file, day);
        assert!(matches!(err, Error::NoRateInForce { .. }), "{file}: {err}");
        let text = err.to_string();
        assert!(
            text.contains(&format!(
                "data starts on {first}, and {day} is before it; ask for a date on or after {first}"
            )),
            "{file}: {text}"
        );
    }
}

#[test]
fn silent_a_de_quote_in_2020_is_told_that_the_eu_data_starts_in_2021() {
    // DE was in the EU customs union then too (the EU-28 territory row): the error is about the
    // EU regime's coverage, not "no regime data for DE".
    let err = quote_on("de_import.json", "2020-06-01");
    assert_eq!(
        err.to_string(),
        "no regime rate in force for EU (destination DE) on 2020-06-01: the regime data starts on 2021-07-01, and 2020-06-01 is before it; ask for a date on or after 2021-07-01, or load data that covers 2020-06-01"
    );
    // GB was inside the customs union until 2020-12-31 (transition period).
    let err = quote_on("gb_import.json", "2020-06-01");
    assert!(err.to_string().contains("for EU (destination GB)"), "{err}");
    // Before the first territory row that lists DE (2013-07-01), DE is still taken as a member
    // of the territory it is listed in, whose regime names its first covered day.
    let err = quote_on("de_import.json", "2013-06-30");
    assert!(matches!(err, Error::NoRateInForce { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("for EU (destination DE) on 2013-06-30")
            && err.to_string().contains("starts on 2021-07-01"),
        "{err}"
    );
}

/// A US quote (the data covers it on any recent date) on `day`, with its warnings.
fn us_warnings(day: &str) -> Vec<String> {
    let req = with(example("us_formal.json"), "/date", day);
    let req = QuoteRequest::from_json(&req).unwrap();
    tables().quote(&req).unwrap().warnings
}

/// The day before, of and after the last verified day, and 2031-01-01.
#[test]
fn silent_a_quote_after_the_verified_day_warns_and_still_computes() {
    let until = tables().verified_until().unwrap();
    let past = |w: &[String]| w.iter().any(|w| w.contains("the last day this data"));
    for (day, warns) in [
        (until.pred_opt().unwrap(), false),
        (until, false),
        (until.succ_opt().unwrap(), true),
        (date("2031-01-01"), true),
    ] {
        let w = us_warnings(&day.to_string());
        assert_eq!(past(&w), warns, "{day}: {w:?}");
        if warns {
            let text = w.iter().find(|w| past(std::slice::from_ref(*w))).unwrap();
            assert!(text.contains(&until.to_string()), "{text}");
            assert!(text.contains("load newer data"), "{text}");
        }
    }
}

/// A `duty_rate` that a rule makes moot is reported with the rule's name.
#[test]
fn silent_a_duty_rate_the_regime_does_not_use_is_reported_with_its_rule() {
    let quote = |json: &str| {
        tables()
            .quote(&QuoteRequest::from_json(json).unwrap())
            .unwrap()
    };
    // GB, £20 of goods: duty relief under the £135 rule.
    let q = quote(
        r#"{"date": "2026-11-25", "destination": "GB", "currency": "GBP", "ship_from": "CN",
            "seller_registrations": ["GB_VAT"],
            "lines": [{"hs_code": "611020", "quantity": "1", "unit_price": "20", "origin": "CN",
                       "duty_rate": "12"}]}"#,
    );
    assert!(q.duty.is_zero());
    assert!(
        q.warnings
            .iter()
            .any(|w| w.starts_with("lines[0].duty_rate: not used")
                && w.contains("gb_low_value_duty_relief")),
        "{:?}",
        q.warnings
    );
    // DE after 2026-07-01: the €3 flat duty replaces the rate.
    let q = quote(
        r#"{"date": "2026-11-25", "destination": "DE", "currency": "EUR", "ship_from": "CN",
            "lines": [{"hs_code": "611020", "quantity": "1", "unit_price": "20", "origin": "CN",
                       "duty_rate": "12"}]}"#,
    );
    assert_eq!(q.duty.to_string(), "3.00");
    assert!(
        q.warnings
            .iter()
            .any(|w| w.starts_with("lines[0].duty_rate: not used")
                && w.contains("eu_low_value_flat_duty")),
        "{:?}",
        q.warnings
    );
    // Above the threshold the rate is used and nothing is said.
    let q = quote(
        r#"{"date": "2026-11-25", "destination": "DE", "currency": "EUR", "ship_from": "CN",
            "lines": [{"hs_code": "611020", "quantity": "1", "unit_price": "200", "origin": "CN",
                       "duty_rate": "12"}]}"#,
    );
    assert_eq!(q.duty.to_string(), "24.00");
    assert!(!q.warnings.iter().any(|w| w.contains("duty_rate")));
}
