//! The embedded ECB series (data/fx_ecb.toml): the publication in force on a date, its
//! boundaries (first and last publication days, TARGET holidays), staleness after the last
//! publication and the digits as the ECB publishes them.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use landed::data::ReferenceRates;
use landed::fx::{FxPolicy, RepriceRequest, Repricer, reprice};
use landed::{Currency, Error, Money, RateTables};

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn cur(s: &str) -> Currency {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The publication date in force on `on`.
fn in_force(on: &str) -> NaiveDate {
    tables().reference_rates("ECB", date(on)).unwrap().as_of()
}

fn usd(on: &str) -> String {
    tables()
        .reference_rates("ECB", date(on))
        .unwrap()
        .rate(cur("USD"))
        .unwrap()
        .to_string()
}

/// A GBP repricer prepared at `now` on the table in force that day.
fn repricer_at(now: &str) -> Result<Repricer, Error> {
    let now = at(now);
    let rates = Arc::clone(tables().reference_rates("ECB", now.date_naive())?);
    Repricer::new(tables(), rates, &FxPolicy::new(cur("GBP")), Some(now))
}

#[test]
fn the_latest_table_is_the_last_publication_of_the_series() {
    let latest = tables().latest_reference_rates("ECB").unwrap();
    assert_eq!(latest.as_of(), date("2026-07-21"));
    assert_eq!(latest.rate(cur("USD")).unwrap().to_string(), "1.1418");
    assert_eq!(latest.rates().count(), 29); // 30 columns, BGN not quoted since 2026
    assert!(latest.citation().unwrap().contains("European Central Bank"));
}

#[test]
fn every_publication_day_of_the_file_is_a_table() {
    let mut day = date("2024-01-02");
    let mut days = std::collections::BTreeSet::new();
    while day <= date("2026-07-21") {
        days.insert(in_force(&day.to_string()));
        day = day.succ_opt().unwrap();
    }
    assert_eq!(days.len(), 651);
}

#[test]
fn first_publication_day_the_day_before_and_the_day_after() {
    let e = tables()
        .reference_rates("ECB", date("2024-01-01"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no reference_rates rate in force for ECB on 2024-01-01: the reference_rates data starts on 2024-01-02, and 2024-01-01 is before it; ask for a date on or after 2024-01-02, or load data that covers 2024-01-01"
    );
    assert!(e.is_missing_rate());
    assert_eq!(in_force("2024-01-02"), date("2024-01-02"));
    assert_eq!(usd("2024-01-02"), "1.0956");
    assert_eq!(in_force("2024-01-03"), date("2024-01-03"));
    assert_eq!(usd("2024-01-03"), "1.0919");
}

#[test]
fn a_request_dated_before_the_series_names_the_first_day() {
    let req = RepriceRequest::from_json(
        r#"{"to": "GBP", "now": "2023-12-29T10:00:00Z",
            "prices": [{"amount": "10.00", "currency": "USD"}]}"#,
    )
    .unwrap();
    let e = reprice(tables(), &req).unwrap_err();
    assert!(e.is_missing_rate(), "{e}");
    assert!(
        e.to_string()
            .contains("the reference_rates data starts on 2024-01-02, and 2023-12-29 is before it"),
        "{e}"
    );
}

#[test]
fn last_publication_day_the_day_before_and_the_days_after() {
    assert_eq!(in_force("2026-07-20"), date("2026-07-20"));
    assert_eq!(usd("2026-07-20"), "1.1426");
    assert_eq!(in_force("2026-07-21"), date("2026-07-21"));
    assert_eq!(usd("2026-07-21"), "1.1418");
    // After the last publication the last table stays in force, within the staleness policy
    // (5 days for the ECB).
    assert_eq!(in_force("2026-07-22"), date("2026-07-21"));
    assert!(repricer_at("2026-07-22T09:00:00Z").is_ok());
    assert!(repricer_at("2026-07-26T23:59:00Z").is_ok());
}

#[test]
fn after_the_last_publication_the_staleness_error_says_how_to_load_fresh_rates() {
    let e = repricer_at("2026-07-27T09:00:00Z").unwrap_err();
    assert!(
        matches!(
            e,
            Error::StaleRates {
                age_days: 6,
                max_age_days: 5,
                newest_loaded: true,
                ..
            }
        ),
        "{e:?}"
    );
    let text = e.to_string();
    assert_eq!(
        text,
        "the ECB rates of 2026-07-21 are 6 days old on 2026-07-27, more than the 5 allowed; they are the newest ECB rates loaded: load fresh ones with ReferenceRates::from_ecb_xml from the ECB's daily file https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml (in a request, give them as `rates`), or raise max_age_days"
    );
    assert!(!text.contains('\n'));
    assert!(text.contains(landed::data::ECB_DAILY_XML_URL));
}

#[test]
fn a_stale_table_older_than_a_loaded_one_says_to_use_the_rates_in_force() {
    let old = Arc::clone(tables().reference_rates("ECB", date("2025-10-21")).unwrap());
    let e = Repricer::new(
        tables(),
        old,
        &FxPolicy::new(cur("GBP")),
        Some(at("2026-07-20T10:00:00Z")),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            Error::StaleRates {
                newest_loaded: false,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().ends_with(
        "use the rates in force on the day (leave out `rates` to take the loaded ones), load newer rates or raise max_age_days"
    ));
}

#[test]
fn christmas_the_target_holidays_keep_christmas_eves_table() {
    // TARGET closes on 25 and 26 December: no publication, the 24th's table is in force.
    assert_eq!(in_force("2025-12-24"), date("2025-12-24"));
    assert_eq!(in_force("2025-12-25"), date("2025-12-24"));
    assert_eq!(in_force("2025-12-26"), date("2025-12-24"));
    assert_eq!(in_force("2025-12-28"), date("2025-12-24"));
    assert_eq!(in_force("2025-12-29"), date("2025-12-29"));
    assert_eq!(usd("2025-12-26"), "1.1787");
    let r = repricer_at("2025-12-26T12:00:00Z").unwrap();
    assert_eq!(r.rates().as_of(), date("2025-12-24"));
    assert!(r.warnings().is_empty());
}

#[test]
fn good_friday_to_easter_monday_keeps_maundy_thursdays_table_within_five_days() {
    // 2025: Good Friday 18 April, Easter Monday 21 April; next publication Tuesday 22 April.
    assert_eq!(in_force("2025-04-17"), date("2025-04-17"));
    assert_eq!(in_force("2025-04-18"), date("2025-04-17"));
    assert_eq!(in_force("2025-04-21"), date("2025-04-17"));
    assert_eq!(in_force("2025-04-22"), date("2025-04-22"));
    // Easter Monday is 4 days after Thursday's table: within the ECB's 5.
    let r = repricer_at("2025-04-21T20:00:00Z").unwrap();
    assert_eq!(r.rates().as_of(), date("2025-04-17"));
}

#[test]
fn a_weekend_gets_fridays_table() {
    assert_eq!(in_force("2026-07-18"), date("2026-07-17")); // Saturday
    assert_eq!(in_force("2026-07-19"), date("2026-07-17")); // Sunday
}

#[test]
fn rates_keep_the_digits_the_ecb_publishes() {
    let t = tables().reference_rates("ECB", date("2025-10-21")).unwrap();
    assert_eq!(t.rate(cur("GBP")).unwrap().to_string(), "0.86780");
    let t = tables().latest_reference_rates("ECB").unwrap();
    assert_eq!(t.rate(cur("ISK")).unwrap().to_string(), "143.00");
    assert_eq!(t.rate(cur("HUF")).unwrap().to_string(), "360.40");
}

#[test]
fn bgn_is_quoted_until_bulgaria_adopts_the_euro() {
    let t = tables().reference_rates("ECB", date("2025-12-31")).unwrap();
    assert_eq!(t.rate(cur("BGN")).unwrap().to_string(), "1.9558");
    let t = tables().reference_rates("ECB", date("2026-01-02")).unwrap();
    assert!(matches!(
        t.rate(cur("BGN")),
        Err(Error::NoReferenceRate { .. })
    ));
}

#[test]
fn the_sample_request_of_2026_07_20_prices_on_the_embedded_data() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/requests/reprice_2026_07_20.json"
    ))
    .unwrap();
    let req = RepriceRequest::from_json(&text).unwrap();
    let res = reprice(tables(), &req).unwrap();
    assert!(res.warnings.is_empty(), "{:?}", res.warnings);
    let q = &res.quotes[0];
    assert_eq!(q.as_of, date("2026-07-20"));
    assert_eq!(q.original, Money::parse("49.00", "USD").unwrap());
    // 49 × 0.84888 × 1.015 / 1.1426 = 36.9499…; the data's GBP ending (.95, up) keeps 36.95.
    assert_eq!(q.before_ending.to_string(), "36.95");
    assert_eq!(q.amount.to_string(), "36.95");
}

#[test]
fn without_now_a_request_uses_the_latest_table() {
    let req = RepriceRequest::from_json(
        r#"{"to": "GBP", "prices": [{"amount": "10.00", "currency": "USD"}]}"#,
    )
    .unwrap();
    let res = reprice(tables(), &req).unwrap();
    assert_eq!(res.quotes[0].as_of, date("2026-07-21"));
}

#[test]
fn a_history_in_a_data_file_reports_a_bad_value_at_its_own_line() {
    let text = "schema_version = 1\n\
        [[reference_rates_csv]]\n\
        source = \"ECB\"\n\
        pivot = \"EUR\"\n\
        citation = \"test\"\n\
        csv = '''\n\
        Date,USD,GBP,\n\
        2026-07-21,1.1418,0.85205,\n\
        2026-07-20,1.1426,x,\n\
        '''\n";
    let e = RateTables::from_toml_str("h.toml", text).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].line, 9, "{e}");
    assert!(e.problems[0].message.contains("rate \"x\" of GBP"), "{e}");
}

#[test]
fn a_history_in_a_data_file_loads_each_day_and_refuses_a_repeated_day() {
    let good = "schema_version = 1\n\
        [[reference_rates_csv]]\n\
        source = \"ECB\"\n\
        pivot = \"EUR\"\n\
        citation = \"test\"\n\
        csv = '''\n\
        Date,USD,GBP,\n\
        2026-07-21,1.1418,0.85205,\n\
        2026-07-20,1.1426,0.84888,\n\
        '''\n";
    let t = RateTables::from_toml_str("h.toml", good).unwrap();
    let day: &Arc<ReferenceRates> = t.reference_rates("ECB", date("2026-07-20")).unwrap();
    assert_eq!(day.rate(cur("GBP")).unwrap().to_string(), "0.84888");
    let repeated = good.replace("2026-07-20,", "2026-07-21,");
    let e = RateTables::from_toml_str("h.toml", &repeated).unwrap_err();
    assert_eq!(e.problems[0].line, 9, "{e}");
    assert!(
        e.problems[0]
            .message
            .contains("a second ECB table for 2026-07-21")
    );
}

#[test]
fn the_data_directory_loads_with_the_ecb_history() {
    // How long the load takes is measured by the `data_load` bench, not asserted here (a
    // timing assertion fails on a busy machine: the house rules keep timings out of tests).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let t = RateTables::from_dir(dir).unwrap();
    assert_eq!(
        t.latest_reference_rates("ECB").unwrap().as_of(),
        date("2026-07-21")
    );
}
