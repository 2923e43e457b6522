//! The Japanese tariff importer on a fixture cut from the real chapter files (every rate form
//! and every kind of problem), and on the whole schedule as of 2026-07-09 under
//! `../shared/reference/jp-tariff/` (`cargo test -- --ignored`; the round trip through
//! `data/tariff_jp.csv` runs whenever the archive is there and says so when it is not).

use std::collections::BTreeMap;
use std::io::Read as _;

use landed::data::{JpChoice, JpColumn, JpImport, JpProblemKind, import_jp_tariff_chapters};
use landed::data::{Specific, SpecificPer, TariffRate};
use landed::{NaiveDate, RateTables};
use rust_decimal::Decimal;

const FIXTURE: &str = include_str!("../fixtures/jp_tariff_2026_07_09_sample.json");
const ARCHIVE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/reference/jp-tariff/jp-tariff-2026-07-09.tar.gz"
);
const CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/tariff_jp.csv");

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A row's rate: percent, specific parts, minimum and maximum, as an importer's `Encoded`.
type Parts = (
    Option<Decimal>,
    Option<Specific>,
    Option<Specific>,
    Option<Specific>,
    Option<Specific>,
);

fn parts(r: &TariffRate) -> Parts {
    (
        r.rate_percent,
        r.specific,
        r.second_specific(),
        r.min(),
        r.max(),
    )
}

fn day() -> NaiveDate {
    "2026-07-09".parse().unwrap()
}

fn fixture() -> JpImport {
    landed::data::import_jp_tariff_json(FIXTURE).unwrap()
}

#[test]
fn fixture_parses_every_form_and_lists_the_rest() {
    let i = fixture();
    let counts: Vec<(String, usize)> = i.counts().into_iter().collect();
    let own = |f: &str, n| (f.to_owned(), n);
    assert_eq!(
        counts,
        vec![
            own("ad valorem", 9),
            own("compound ad valorem + per kg", 1),
            own("free", 7),
            own("higher of ad valorem or ad valorem + per m2", 1),
            own("higher of ad valorem or per kg", 1),
            own("higher of ad valorem or per m2", 1),
            own("higher of ad valorem or per piece", 1),
            own("lower of ad valorem or per l, at least per l", 1),
            own("specific per head", 1),
            own("specific per kg", 2),
            own("specific per kl", 1),
            own("specific per l", 1),
            own("specific per sheet", 1),
            own("specific per t", 1),
        ]
    );
    let line = |code: &str| i.lines.iter().find(|l| l.code == code).unwrap();
    // Temporary replaces the (parenthesized) general rate, carried down from the parent row.
    assert_eq!(line("0201.30-010").applied, JpColumn::Temporary);
    assert_eq!(line("0201.30-010").text, "38.5%");
    // The WTO rate without parentheses, lower; with them, not applied.
    assert_eq!(line("6110.20-029").applied, JpColumn::Wto);
    assert_eq!(line("6110.20-029").choice, JpChoice::Lower);
    assert_eq!(line("6110.20-030").applied, JpColumn::General);
    // Free general rate against a WTO 3%: free is lower.
    assert_eq!(line("8108.90-010").text, "無税");
    // An out-of-quota WTO rate (*) against a compound temporary rate: as marked.
    assert_eq!(line("0405.90-229").choice, JpChoice::Marked);
    assert_eq!(line("0405.90-229").text, "*29.8%＋1,159円/kg");
    // The grapefruit seasons share a rate: one line.
    assert_eq!(line("0805.40-000").text, "(10%)".replace(['(', ')'], ""));

    let problems: Vec<(String, String)> = i
        .problems
        .iter()
        .map(|p| {
            let kind = match &p.kind {
                JpProblemKind::Unparsed(c) => format!("unparsed {c}"),
                JpProblemKind::NotEncodable(f) => format!("not encodable: {f}"),
                JpProblemKind::Repeated => "repeated".to_owned(),
                k => format!("{k:?}"),
            };
            (p.code.clone(), kind)
        })
        .collect();
    let p = |c: &str, k: &str| (c.to_owned(), k.to_owned());
    assert_eq!(
        problems,
        vec![
            p("0203.11-031", "unparsed temporary"),
            p("0403.20-110", "unparsed WTO"),
            p("0803.10-100", "repeated"),
            p("2309.10-010", "unparsed WTO"),
            p(
                "5208.11-091",
                "not encodable: higher of ad valorem or ad valorem + per m2"
            ),
            p("6402.99-090", "unparsed WTO"),
            p("7801.91-020", "unparsed general"),
            p("0803.10-100", "repeated"),
        ]
    );
    assert!(i.lines.iter().all(|l| l.code != "0803.10-100"));
    assert_eq!(i.encodable().count(), 28);
}

#[test]
fn fixture_rows_load_as_a_data_file() {
    let i = fixture();
    let csv = i.tariff_csv(day(), "made by a test", "Japan Customs (as of 2026-07-09)");
    assert!(
        csv.starts_with("# landed-csv section=tariff territory=JP schema=1\n# made by a test\n")
    );
    let tables = RateTables::from_csv_str("tariff_jp.csv", &csv).unwrap();
    let jp = "JP".parse().unwrap();
    let at = |code: &str| {
        tables
            .tariff(jp, &code.parse().unwrap(), day())
            .unwrap()
            .rate
            .clone()
    };
    assert_eq!(at("6110.20.029").rate_percent, Some(d("9.1")));
    // Higher of 20% or 48 yen/kg: 20% with a minimum.
    let egg = at("0408.19.000");
    assert_eq!(egg.rate_percent, Some(d("20")));
    assert_eq!(egg.min().unwrap().amount, d("48"));
    assert_eq!(egg.min().unwrap().currency.code(), "JPY");
    // Lower of 11.7% or 72.90 yen/kg, the WTO 44 yen/kg applied as marked.
    assert_eq!(at("7501.20.100").specific.unwrap().amount, d("44"));
    // The WTO rate of 624 yen per metric ton is 0.624 yen per kg.
    assert_eq!(at("2711.14.010").specific.unwrap().amount, d("0.624"));
    let butter = at("0405.90.229");
    assert_eq!(
        (butter.rate_percent, butter.specific.unwrap().amount),
        (Some(d("29.8")), d("1159"))
    );
    // Per litre (a kilolitre converted exactly) and per m².
    let wine = at("2204.10.000");
    assert_eq!(wine.specific.unwrap().per, SpecificPer::Liter);
    assert_eq!(at("2710.12.131").specific.unwrap().amount, d("0.934"));
    assert_eq!(
        at("5111.11.021").min().unwrap().per,
        SpecificPer::SquareMeter
    );
    // A line not encodable is not in the file.
    assert!(
        tables
            .tariff(jp, &"5208.11.091".parse().unwrap(), day())
            .is_err()
    );
    // Every encodable line is a row, the rate the importer gives.
    for (l, e) in i.encodable() {
        let r = at(l.hs.as_str());
        assert_eq!(
            parts(&r),
            (e.rate_percent, e.specific, e.specific_2, e.min, e.max),
            "{}",
            l.code
        );
    }
}

/// The chapter files of the archive, or `None` when it is absent.
fn archive() -> Option<Vec<(String, String)>> {
    let file = std::fs::File::open(ARCHIVE).ok()?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if name.contains("_tariff_data.json") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            out.push((name, text));
        }
    }
    out.sort();
    Some(out)
}

fn whole() -> Option<JpImport> {
    let chapters = archive()?;
    Some(import_jp_tariff_chapters(chapters.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap())
}

#[test]
#[ignore = "reads the whole schedule under ../shared/reference (slow in debug)"]
fn whole_schedule_counts_and_problems() {
    let i = whole().expect("the archive under ../shared/reference/jp-tariff");
    assert_eq!(i.lines.len(), 9563);
    // 9,381 before per litre, per kilolitre and per m² were encodable (dataset 2026.12.14).
    assert_eq!(i.encodable().count(), 9444);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for p in &i.problems {
        let k = match &p.kind {
            JpProblemKind::Unparsed(_) => "unparsed",
            JpProblemKind::NotEncodable(_) => "not encodable",
            JpProblemKind::Repeated => "repeated",
            _ => "other",
        };
        *kinds.entry(k.to_owned()).or_default() += 1;
    }
    let expect: BTreeMap<String, usize> =
        [("not encodable", 119), ("repeated", 14), ("unparsed", 76)]
            .into_iter()
            .map(|(k, n)| (k.to_owned(), n))
            .collect();
    assert_eq!(kinds, expect);
    let counts = i.counts();
    assert_eq!(counts["free"], 3905);
    assert_eq!(counts["higher of ad valorem or per pair"], 25);
}

/// A small fixed-seed generator (xorshift64*), so the sample is the same on every run.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[test]
fn random_lines_of_the_schedule_read_back_from_the_csv() {
    let Some(i) = whole() else {
        eprintln!("skipped: {ARCHIVE} is absent");
        return;
    };
    let csv = std::fs::read_to_string(CSV).unwrap();
    let tables = RateTables::from_csv_str("tariff_jp.csv", &csv).unwrap();
    let jp = "JP".parse().unwrap();
    let encodable: Vec<_> = i.encodable().collect();
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("JP,")).count(),
        encodable.len()
    );
    let mut state = 0x5eed_2026_0709_u64;
    for _ in 0..200 {
        let k = usize::try_from(next(&mut state) % encodable.len() as u64).unwrap();
        let (l, e) = &encodable[k];
        let hit = tables.tariff(jp, &l.hs, day()).unwrap();
        let r = &hit.rate;
        assert_eq!(r.hs, l.hs, "{}", l.code);
        assert_eq!(
            parts(r),
            (e.rate_percent, e.specific, e.specific_2, e.min, e.max),
            "{}: {}",
            l.code,
            l.text
        );
    }
}
