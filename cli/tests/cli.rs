//! The `landed` command, run as a built binary: one request from a file, `-` from standard
//! input, `--jsonl` streams with a bad line in the middle, `--data` with an override and
//! `--rates`, and the listings.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The repository root (the library's package).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn request(name: &str) -> PathBuf {
    root().join("examples/requests").join(name)
}

/// Runs `landed ARGS` with `stdin` as standard input.
fn landed(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_landed"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let text = stdin.to_owned();
    // Written from a thread so that a large input cannot fill the pipe while the output does.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            stdout(out),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A file under the target directory, unique to the test.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("landed-cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// One line of a request file, compacted.
fn compact(name: &str) -> String {
    let text = std::fs::read_to_string(request(name)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v.to_string()
}

#[test]
fn one_request_from_a_file_is_quoted_like_the_example() {
    let file = request("de_ioss.json");
    let out = landed(&["quote", file.to_str().unwrap()], "");
    assert!(out.status.success(), "{out:?}");
    let q = json(&out);
    assert_eq!(q["regime"], "eu_ioss");
    assert_eq!(q["landed_total"], "91.58");
    assert_eq!(q["due_at_checkout"], "18.09");
    // Pretty-printed, as the example prints it.
    assert!(stdout(&out).starts_with("{\n  \""));
}

#[test]
fn a_request_with_target_totals_is_solved_for_the_unit_price() {
    let file = request("reverse_de.json");
    let out = landed(&["quote", file.to_str().unwrap()], "");
    assert!(out.status.success(), "{out:?}");
    let q = json(&out);
    assert_eq!(q["landed_total"], "49.99");
    assert_eq!(q["solved_unit_price"], serde_json::json!(["34.59"]));
    // A target the total skips: exit 2 with the nearest totals.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("49.99", "50.00");
    let out = landed(&["quote", "-"], &text);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("nearest below: 49.99") && err.contains("50.01"),
        "{err}"
    );
}

#[test]
fn matrix_prices_the_sample_catalogue_in_every_market() {
    let file = request("matrix_tshirt.json");
    let out = landed(&["matrix", file.to_str().unwrap()], "");
    assert!(out.status.success(), "{out:?}");
    let m = json(&out);
    assert_eq!(m["cells"].as_array().map(Vec::len), Some(4), "{m}");
    assert_eq!(m["cells"][0]["market"], "DE");
    assert!(
        m["markets"][0]["drift"]["reprice"]
            .as_bool()
            .unwrap_or(false)
    );
}

#[test]
fn display_price_shows_the_german_label() {
    let file = request("display_de.json");
    let out = landed(&["display-price", file.to_str().unwrap()], "");
    assert!(out.status.success(), "{out:?}");
    let p = json(&out);
    assert_eq!(p["price"], "52.98");
    assert_eq!(p["label"], "inkl. 19 % MwSt.");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"quantity\": \"1\"", "\"quantity\": \"3\"");
    let out = landed(&["display-price", "-"], &text);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("lines[0].quantity"), "{err}");
}

#[test]
fn a_dash_reads_the_request_from_standard_input() {
    let text = std::fs::read_to_string(request("fees_graduated.json")).unwrap();
    let out = landed(&["fees", "-"], &text);
    assert!(out.status.success(), "{out:?}");
    let v = json(&out);
    assert!(v.get("data_version").is_some(), "{v}");
    // Without a file argument, standard input too.
    let text = std::fs::read_to_string(request("reprice_jpy.json")).unwrap();
    let out = landed(&["reprice"], &text);
    assert!(out.status.success(), "{out:?}");
    assert!(json(&out)["quotes"].is_array());
}

#[test]
fn a_bad_single_request_names_the_field_and_exits_2() {
    let out = landed(
        &["quote", "-"],
        r#"{"date": "2026-11-25", "destination": "DE", "currency": "EUR",
            "lines": [{"hs_code": "640411", "quantity": "x", "unit_price": "1", "origin": "CN"}]}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("lines[0].quantity"), "{err}");
}

#[test]
fn jsonl_answers_every_line_in_order_and_a_bad_line_with_its_number_and_field() {
    let good = compact("de_import.json");
    let bad = r#"{"date": "2026-11-25", "destination": "DE", "currency": "EUR", "lines": [{"hs_code": "640411", "quantity": "1", "unit_price": "12,50", "origin": "CN"}]}"#;
    let input = format!("{good}\n{good}\n{bad}\n\nnot json\n{good}\n");
    let out = landed(&["quote", "--jsonl", "-"], &input);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Five requests (the blank line is skipped), five answers, in order.
    assert_eq!(lines.len(), 5, "{text}");
    let expected = json(&landed(
        &["quote", request("de_import.json").to_str().unwrap()],
        "",
    ));
    for i in [0, 1, 4] {
        assert_eq!(lines[i], expected, "line {i}");
    }
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[2]["error"]["field"], "lines[0].unit_price");
    assert!(
        lines[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("12,50")
    );
    assert_eq!(lines[3]["line"], 5);
    assert_eq!(lines[3]["error"]["field"], "request");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("2 of 5 requests failed"), "{err}");
}

#[test]
fn jsonl_from_a_file_with_every_line_good_exits_0() {
    let good = compact("band_beat.json");
    let path = temp_file("bands.jsonl", &format!("{good}\n{good}\n{good}"));
    let out = landed(&["band", "--jsonl", path.to_str().unwrap()], "");
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 3);
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(first.get("error").is_none(), "{first}");
}

#[test]
fn a_data_directory_with_an_override_replaces_the_series() {
    let file = request("de_import.json");
    let base = json(&landed(
        &["--data", "data", "quote", file.to_str().unwrap()],
        "",
    ));
    let overlay = temp_file(
        "vat_de.toml",
        "schema_version = 1\n\n[[vat]]\ncountry = \"DE\"\ncategory = \"standard\"\n\
         rate_percent = \"25\"\neffective_from = \"2021-01-01\"\nsource = \"test override\"\n",
    );
    let out = landed(
        &[
            "--data",
            "data",
            "--override",
            overlay.to_str().unwrap(),
            "quote",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    let q = json(&out);
    let tax = |v: &Value| {
        v["charges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "tax")
            .cloned()
            .unwrap()
    };
    assert_eq!(tax(&base)["rate"], "19");
    assert_eq!(tax(&q)["rate"], "25");
    assert_eq!(tax(&q)["source"], "test override");
    assert_ne!(q["data_version"], base["data_version"]);
    // The version says where the data came from.
    let v = stdout(&landed(
        &[
            "--data",
            "data",
            "--override",
            overlay.to_str().unwrap(),
            "version",
        ],
        "",
    ));
    assert!(v.contains("directory data overridden by file"), "{v}");
}

#[test]
fn a_broken_data_directory_exits_1_with_the_problem() {
    let out = landed(&["--data", "no/such/dir", "version"], "");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no/such/dir"), "{err}");
}

#[test]
fn ecb_rates_from_a_file_replace_the_ecb_series() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gesmes:Envelope>\n<Cube>\n\
               <Cube time='2026-11-24'>\n<Cube currency='USD' rate='1.2000'/>\n\
               <Cube currency='GBP' rate='0.85000'/>\n</Cube>\n</Cube>\n</gesmes:Envelope>\n";
    let csv = "Date, USD, GBP, \n24 November 2026, 1.2000, 0.85000, \n";
    let request = r#"{"to": "GBP", "now": "2026-11-25T10:00:00Z",
                      "prices": [{"amount": "120.00", "currency": "USD"}]}"#;
    for (name, text) in [("ecb.xml", xml), ("ecb.csv", csv)] {
        let path = temp_file(name, text);
        let out = landed(
            &["--rates", path.to_str().unwrap(), "reprice", "-"],
            request,
        );
        assert!(out.status.success(), "{name}: {out:?}");
        let v = json(&out);
        // 120 USD × 0.85 / 1.2 = 85.00 GBP at zero markup.
        assert_eq!(v["quotes"][0]["amount"], "85.00", "{name}: {v}");
    }
    // A malformed file is refused with its line.
    let path = temp_file("bad.csv", "Date, USD\n2026-11-24, abc\n");
    let out = landed(&["--rates", path.to_str().unwrap(), "version"], "");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.csv") && err.contains("abc"), "{err}");
}

#[test]
fn schedules_lists_the_ids_in_force_on_the_date() {
    let out = landed(&["schedules", "--date", "2026-11-25", "--json"], "");
    assert!(out.status.success(), "{out:?}");
    let v = json(&out);
    let ids: Vec<&str> = v["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"amazon_us/jewelry"), "{ids:?}");
    // The eBay schedule of 2026-09-20 is not in force a year before.
    assert!(ids.contains(&"ebay_us/final_value_most_categories"));
    let before = json(&landed(
        &["schedules", "--date", "2025-11-25", "--json"],
        "",
    ));
    assert!(
        !before["schedules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "ebay_us/final_value_most_categories")
    );
    let text = stdout(&landed(&["schedules", "--date", "2026-11-25"], ""));
    assert!(text.contains("amazon_us/jewelry"), "{text}");
}

#[test]
fn coverage_lists_destinations_with_first_and_last_day() {
    let out = landed(&["coverage", "--json"], "");
    assert!(out.status.success(), "{out:?}");
    let v = json(&out);
    let list = v["destinations"].as_array().unwrap();
    let de = list.iter().find(|d| d["destination"] == "DE").unwrap();
    assert!(de["first_day"].as_str().unwrap() >= "2021-07-01", "{de}");
    assert_eq!(de["last_day"], Value::Null);
    assert_eq!(de["spans"][0]["territory"], "EU");
    for country in ["GB", "US", "CA", "AU", "FR"] {
        assert!(
            list.iter().any(|d| d["destination"] == country),
            "{country}"
        );
    }
    let text = stdout(&landed(&["coverage"], ""));
    assert!(text.lines().any(|l| l.starts_with("DE  EU  ")), "{text}");
}

#[test]
fn version_prints_the_crate_and_data_versions() {
    let out = landed(&["version", "--json"], "");
    assert!(out.status.success(), "{out:?}");
    let v = json(&out);
    assert_eq!(v["crate"], env!("CARGO_PKG_VERSION"));
    let manifest = std::fs::read_to_string(root().join("data/MANIFEST.toml")).unwrap();
    let dataset = v["data"]["dataset"].as_str().unwrap();
    assert!(
        manifest.contains(&format!("dataset_version = \"{dataset}\"")),
        "{dataset}"
    );
    assert_eq!(v["data"]["origin"], "embedded");
    let text = stdout(&landed(&["version"], ""));
    assert!(text.starts_with(&format!(
        "landed {}\ndata {dataset}+sha256:",
        env!("CARGO_PKG_VERSION")
    )));
}

/// The command is released with the library, at its version: `landed version` prints the
/// command's version as the crate's, which holds only while the two agree.
#[test]
fn the_command_has_the_library_version() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let library = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    assert_eq!(library, env!("CARGO_PKG_VERSION"));
}
