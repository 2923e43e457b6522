//! The rules of additional duties (`src/landed/duty/additional.rs`), each on a small overlay
//! of test rows (origin `AQ`, which no real row names, so only these rows apply): the charge
//! names its authority and heading, exemptions spare a name or group, the highest of a group
//! wins, a row yields to another group or to a row it names, a top-up tops the tariff duty up to its rate, a
//! warn-only row warns without charging, and each row's problems are reported at once.

use landed::{Quote, QuoteRequest, RateTables};
use serde_json::json;

use crate::dec;

const HEAD: &str = "schema_version = 1\n";

/// A row of the overlay: `fields` are TOML lines added to the common ones.
fn duty(name: &str, fields: &str) -> String {
    format!(
        "[[additional_duty]]\nterritory = \"US\"\nname = \"{name}\"\norigins = [\"AQ\"]\nstacking = \"cumulative\"\neffective_from = \"2026-01-01\"\nsource = \"test\"\n{fields}\n"
    )
}

fn tables(rows: &str) -> RateTables {
    let overlay = RateTables::from_toml_str("additional.toml", &format!("{HEAD}{rows}")).unwrap();
    RateTables::embedded().unwrap().with_overrides(&overlay)
}

/// A US quote of one line of 100.00 with the given tariff duty rate.
fn quote(t: &RateTables, hs: &str, duty_rate: &str, date: &str) -> Quote {
    let req = json!({
        "date": date, "destination": "US", "currency": "USD", "ship_from": "AQ",
        "lines": [{"hs_code": hs, "quantity": "1", "unit_price": "100.00", "origin": "AQ",
                   "duty_rate": duty_rate}]
    });
    t.quote(&QuoteRequest::from_json(&req.to_string()).unwrap())
        .unwrap()
}

/// The test's additional-duty charges: (name, amount).
fn extra(q: &Quote) -> Vec<(String, String)> {
    q.charges
        .iter()
        .filter(|c| c.name.starts_with("Test"))
        .map(|c| (c.name.to_string(), c.amount.to_string()))
        .collect()
}

fn pair(name: &str, amount: &str) -> (String, String) {
    (name.to_owned(), amount.to_owned())
}

#[test]
fn the_charge_names_the_authority_and_heading_and_shows_the_rate() {
    let t = tables(&duty(
        "t_a",
        "authority = \"Test Section 301 List 4A\"\nheading = \"9903.88.15\"\nrate_percent = \"7.5\"",
    ));
    let q = quote(&t, "95030000", "0", "2026-11-25");
    assert_eq!(
        extra(&q),
        [pair("Test Section 301 List 4A (9903.88.15)", "7.50")]
    );
    let c = q
        .charges
        .iter()
        .find(|c| c.name.starts_with("Test"))
        .unwrap();
    assert_eq!(c.rate_text, "7.5%");
    assert_eq!(c.rate, Some(dec("7.5")));
}

#[test]
fn a_row_with_candidate_headings_shows_them_all_in_its_charge() {
    // Which heading applies depends on facts a request does not give (e.g. the note 16
    // subdivision of a steel derivative): the data lists the candidates, space-separated.
    let t = tables(&duty(
        "t_a",
        "authority = \"Test steel\"\nheading = \"9903.81.89 9903.81.91\"\nrate_percent = \"50\"",
    ));
    assert_eq!(
        extra(&quote(&t, "73170030", "0", "2026-11-25")),
        [pair("Test steel (9903.81.89 / 9903.81.91)", "50.00")]
    );
}

#[test]
fn an_exemption_spares_the_duty_by_name_or_group_under_its_prefix_only() {
    let rows = duty(
        "t_a",
        "authority = \"Test A\"\ngroup = \"t_group\"\nrate_percent = \"10\"",
    ) + "[[duty_exemption]]\nterritory = \"US\"\nduty = \"t_group\"\nhs = \"9503\"\nheading = \"9903.01.32\"\neffective_from = \"2026-01-01\"\nsource = \"test\"\n";
    let t = tables(&rows);
    assert_eq!(extra(&quote(&t, "95030000", "0", "2026-11-25")), []);
    assert_eq!(
        extra(&quote(&t, "95045000", "0", "2026-11-25")),
        [pair("Test A", "10.00")]
    );
}

#[test]
fn of_a_highest_in_group_group_only_the_highest_rate_applies() {
    let rows = duty(
        "t_low",
        "authority = \"Test low\"\nstacking = \"highest_in_group\"\ngroup = \"t_g\"\nrate_percent = \"10\"",
    )
    .replace("stacking = \"cumulative\"\n", "")
        + &duty(
            "t_high",
            "authority = \"Test high\"\nstacking = \"highest_in_group\"\ngroup = \"t_g\"\nrate_percent = \"25\"",
        )
        .replace("stacking = \"cumulative\"\n", "");
    let t = tables(&rows);
    assert_eq!(
        extra(&quote(&t, "95030000", "0", "2026-11-25")),
        [pair("Test high", "25.00")]
    );
}

#[test]
fn a_row_yields_to_a_group_that_covers_the_line_and_applies_elsewhere() {
    let rows = duty(
        "t_232",
        "authority = \"Test 232\"\ngroup = \"t232\"\nhs = \"7308\"\nrate_percent = \"50\"",
    ) + &duty(
        "t_recip",
        "authority = \"Test reciprocal\"\ngroup = \"t_recip\"\nyields_to = [\"t232\"]\nrate_percent = \"10\"",
    );
    let t = tables(&rows);
    assert_eq!(
        extra(&quote(&t, "73089095", "0", "2026-11-25")),
        [pair("Test 232", "50.00")]
    );
    assert_eq!(
        extra(&quote(&t, "95030000", "0", "2026-11-25")),
        [pair("Test reciprocal", "10.00")]
    );
}

/// A row of the overlay for the given origins (`duty` is for origin `AQ` only).
fn duty_from(name: &str, origins: &str, fields: &str) -> String {
    format!(
        "[[additional_duty]]\nterritory = \"US\"\nname = \"{name}\"\norigins = [{origins}]\nstacking = \"cumulative\"\neffective_from = \"2026-01-01\"\nsource = \"test\"\n{fields}\n"
    )
}

/// A US quote of one line of 100.00 (tariff duty 0) from `origin`.
fn quote_from(t: &RateTables, hs: &str, origin: &str, date: &str) -> Quote {
    let req = json!({
        "date": date, "destination": "US", "currency": "USD", "ship_from": origin,
        "lines": [{"hs_code": hs, "quantity": "1", "unit_price": "100.00", "origin": origin,
                   "duty_rate": "0"}]
    });
    t.quote(&QuoteRequest::from_json(&req.to_string()).unwrap())
        .unwrap()
}

#[test]
fn a_row_yields_to_a_row_it_names_and_not_to_the_rest_of_that_rows_group() {
    // A metals duty on all origins gives way to the AQ row of a group by naming that row
    // (EO 14289: Canada/Mexico fentanyl, not China's); the group's BV row still stacks.
    let rows = duty_from(
        "t_metal",
        "\"AQ\", \"BV\"",
        "authority = \"Test metal\"\ngroup = \"tm\"\nhs = \"7308\"\nrate_percent = \"50\"\nyields_to = [\"t_fent_aq\"]",
    ) + &duty_from(
        "t_fent_aq",
        "\"AQ\"",
        "authority = \"Test fentanyl AQ\"\ngroup = \"tf\"\nrate_percent = \"25\"",
    ) + &duty_from(
        "t_fent_bv",
        "\"BV\"",
        "authority = \"Test fentanyl BV\"\ngroup = \"tf\"\nrate_percent = \"20\"",
    );
    let t = tables(&rows);
    assert_eq!(
        extra(&quote_from(&t, "73089095", "AQ", "2026-11-25")),
        [pair("Test fentanyl AQ", "25.00")]
    );
    let mut bv = extra(&quote_from(&t, "73089095", "BV", "2026-11-25"));
    bv.sort();
    assert_eq!(
        bv,
        [
            pair("Test fentanyl BV", "20.00"),
            pair("Test metal", "50.00")
        ]
    );
    assert_eq!(
        extra(&quote_from(&t, "95030000", "AQ", "2026-11-25")),
        [pair("Test fentanyl AQ", "25.00")]
    );
    // A warn-only row of that name does not displace the charge.
    let rows = duty_from(
        "t_metal",
        "\"AQ\"",
        "authority = \"Test metal\"\ngroup = \"tm\"\nrate_percent = \"50\"\nyields_to = [\"t_note\"]",
    ) + &duty_from(
        "t_note",
        "\"AQ\"",
        "authority = \"Test note\"\ngroup = \"tn\"\nrate_percent = \"0\"\nwarn_only = true\nwarning = \"w\"",
    );
    assert_eq!(
        extra(&quote_from(&tables(&rows), "73089095", "AQ", "2026-11-25")),
        [pair("Test metal", "50.00")]
    );
}

#[test]
fn a_top_up_brings_the_tariff_duty_up_to_its_rate_and_never_below_zero() {
    let t = tables(&duty(
        "t_floor",
        "authority = \"Test floor\"\ntop_up = true\nrate_percent = \"15\"",
    ));
    for (tariff, topped) in [
        ("0", "15.00"),
        ("5", "10.00"),
        ("14.99", "0.01"),
        ("15", "0.00"),
        ("16.5", "0.00"),
    ] {
        let q = quote(&t, "95030000", tariff, "2026-11-25");
        assert_eq!(extra(&q), [pair("Test floor", topped)], "tariff {tariff}");
        let c = q
            .charges
            .iter()
            .find(|c| c.name.starts_with("Test"))
            .unwrap();
        assert_eq!(c.rate, None, "a top-up is not an ad valorem rate");
    }
}

#[test]
fn a_warn_only_row_warns_naming_itself_and_charges_nothing() {
    let t = tables(&duty(
        "t_deriv",
        "authority = \"Test 232 steel derivatives\"\nheading = \"9903.81.91\"\nwarn_only = true\nrate_percent = \"50\"\nwarning = \"charged on the value of the steel content, which the request does not give; add it as duty_rate\"",
    ));
    let q = quote(&t, "95030000", "0", "2026-11-25");
    assert_eq!(extra(&q), []);
    assert!(
        q.warnings.iter().any(|w| w.contains("lines[0].hs_code")
            && w.contains("Test 232 steel derivatives (9903.81.91)")
            && w.contains("steel content")),
        "{:?}",
        q.warnings
    );
}

#[test]
fn per_origin_rows_apply_to_their_origin_only() {
    let rows = duty("t_aq", "authority = \"Test AQ\"\nrate_percent = \"20\"")
        + &duty("t_bv", "authority = \"Test BV\"\nrate_percent = \"30\"")
            .replace("[\"AQ\"]", "[\"BV\"]");
    let t = tables(&rows);
    assert_eq!(
        extra(&quote(&t, "95030000", "0", "2026-11-25")),
        [pair("Test AQ", "20.00")]
    );
}

#[test]
fn a_measure_may_stop_and_start_again_and_charges_nothing_in_between() {
    let rows = duty(
        "t_gap",
        "authority = \"Test gap\"\nrate_percent = \"10\"\neffective_to = \"2026-03-31\"",
    ) + &duty("t_gap", "authority = \"Test gap\"\nrate_percent = \"20\"")
        .replace("2026-01-01", "2026-06-01");
    let t = tables(&rows);
    for (date, want) in [
        ("2026-03-31", vec![pair("Test gap", "10.00")]),
        ("2026-04-01", vec![]),
        ("2026-05-31", vec![]),
        ("2026-06-01", vec![pair("Test gap", "20.00")]),
    ] {
        assert_eq!(extra(&quote(&t, "95030000", "0", date)), want, "{date}");
    }
}

#[test]
fn every_problem_of_the_new_fields_is_reported_at_once_with_its_line() {
    let rows = duty("t_1", "rate_percent = \"10\"\nheading = \"9903.88\"")
        + &duty("t_2", "rate_percent = \"10\"\nwarn_only = true")
        + &duty(
            "t_3",
            "rate_percent = \"10\"\ntop_up = true\nwarn_only = true\nwarning = \"w\"",
        )
        + &duty(
            "t_4",
            "rate_percent = \"10\"\ngroup = \"g\"\nyields_to = [\"g\"]",
        )
        + &duty("t_5", "rate_percent = \"10\"\nyields_to = [\"t_5\"]")
        + &duty(
            "t_6",
            "rate_percent = \"10\"\nheading = \"9903.81.89 9903.81.89\"",
        );
    let err = RateTables::from_toml_str("bad.toml", &format!("{HEAD}{rows}")).unwrap_err();
    let text = err.to_string();
    for want in [
        "chapter-99 heading has eight digits",
        "warn_only needs a warning",
        "top_up or warn_only, not both",
        "yields_to names the row's own group",
        "yields_to names the row itself",
        "heading lists a heading twice",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert!(err.problems.len() >= 6, "{text}");
    assert!(err.problems.iter().all(|p| p.line > 0), "{text}");
}

/// An overlay row from `from` to `to` (inclusive; empty for open) for the given origins.
fn dated(name: &str, origins: &str, from: &str, to: &str, fields: &str) -> String {
    let to = if to.is_empty() {
        String::new()
    } else {
        format!("effective_to = \"{to}\"\n")
    };
    format!(
        "[[additional_duty]]\nterritory = \"US\"\nname = \"{name}\"\norigins = [{origins}]\nstacking = \"cumulative\"\neffective_from = \"{from}\"\n{to}source = \"test\"\n{fields}\n"
    )
}

#[test]
fn two_rows_yielding_to_each_other_on_a_day_both_cover_a_line_are_a_data_error() {
    // t_x gives way to t_y's group and t_y to t_x by name: on a line both cover neither would
    // apply. The loader refuses it, naming both rows and the file and line.
    let x = "authority = \"Test X\"\ngroup = \"gx\"\nrate_percent = \"10\"\nyields_to = [\"gy\"]";
    let y = "authority = \"Test Y\"\ngroup = \"gy\"\nhs = \"7308\"\nrate_percent = \"20\"\nyields_to = [\"t_x\"]";
    let rows = dated("t_x", "\"AQ\"", "2026-01-01", "", x)
        + &dated("t_y", "\"AQ\", \"BV\"", "2026-03-01", "2026-06-30", y);
    let err = RateTables::from_toml_str("mutual.toml", &format!("{HEAD}{rows}")).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("t_y and t_x (line 2) yield to each other on 2026-03-01"),
        "{text}"
    );
    assert_eq!(err.problems.len(), 1, "{text}");
    assert_eq!(err.problems[0].file, "mutual.toml");
    assert_eq!(err.problems[0].line, 13, "{text}"); // t_y's table
    // The day before t_y starts it is fine: periods that do not meet load.
    let rows = dated("t_x", "\"AQ\"", "2026-01-01", "2026-02-28", x)
        + &dated("t_y", "\"AQ\", \"BV\"", "2026-03-01", "2026-06-30", y);
    assert!(RateTables::from_toml_str("ok.toml", &format!("{HEAD}{rows}")).is_ok());
    // Nor do rows of other origins, or of lines apart (t_x on 9503, t_y on 7308), or a row
    // excluding the other's prefix.
    for (x_origins, x_fields) in [
        ("\"CX\"", x.to_owned()),
        ("\"AQ\"", format!("{x}\nhs = \"9503\"")),
        ("\"AQ\"", format!("{x}\nexclude_hs = [\"73\"]")),
    ] {
        let rows = dated("t_x", x_origins, "2026-01-01", "", &x_fields)
            + &dated("t_y", "\"AQ\", \"BV\"", "2026-03-01", "2026-06-30", y);
        let got = RateTables::from_toml_str("ok.toml", &format!("{HEAD}{rows}"));
        assert!(got.is_ok(), "{x_origins} {x_fields}: {:?}", got.err());
    }
}

#[test]
fn exemption_rows_in_any_order_are_read_as_their_series() {
    // The loader sorts rows that are not in series order (hs, duty, origins, date); a generated
    // file is written in that order, a hand-written one need not be.
    let ex = |hs: &str, from: &str, to: &str| {
        format!(
            "[[duty_exemption]]\nterritory = \"US\"\nduty = \"t_a\"\nhs = \"{hs}\"\neffective_from = \"{from}\"\neffective_to = \"{to}\"\nsource = \"test\"\n"
        )
    };
    let rows = duty("t_a", "authority = \"Test A\"\nrate_percent = \"10\"")
        + &ex("9504", "2026-01-01", "2026-12-31")
        + &ex("9503", "2026-07-01", "2026-12-31")
        + &ex("9503", "2026-01-01", "2026-03-31");
    let t = tables(&rows);
    for (hs, date, spared) in [
        ("95030000", "2026-02-01", true),
        ("95030000", "2026-05-01", false),
        ("95030000", "2026-08-01", true),
        ("95045000", "2026-05-01", true),
    ] {
        let got = extra(&quote(&t, hs, "0", date));
        let want = if spared {
            vec![]
        } else {
            vec![pair("Test A", "10.00")]
        };
        assert_eq!(got, want, "{hs} {date}");
    }
}
