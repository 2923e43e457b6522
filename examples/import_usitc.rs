//! Writes the general (MFN) rates of USITC's HTS JSON export as `[[tariff]]` rows of a data
//! file, prints the count of each rate form and every text it could not parse or cannot
//! encode yet, and fails when that list is not empty unless `--accept-unparsed` is given.
//!
//! `cargo run --example import_usitc -- hts_2026_rev_10.json.gz OUT.toml --from 2026-07-01
//! [--edition "2026 Revision 10"] [--accept-unparsed]`
//!
//! With several editions, merges them into dated series and writes a `landed-csv` file
//! (`HtsImport::merge_editions`): each `--edition FILE:DATE:NAME` is an export, the date it
//! took effect and its name; `--revisions revision_dates.csv` checks each date against the
//! Budget Lab tracker's table of HTS revisions and prints it.
//!
//! `cargo run --example import_usitc -- --edition hts_2025_basic.json.gz:2025-01-01:"2025 Basic
//! Edition" --edition … data/tariff_us.csv [--revisions revision_dates.csv] [--accept-unparsed]`
//!
//! A `.gz` file is decompressed with `flate2`, a dev-dependency, so the library itself needs
//! no decompressor.

use std::io::Read as _;
use std::process::ExitCode;

use landed::NaiveDate;

/// The edition named by a USITC file name: `hts_2026_rev_10` → `2026 Revision 10`,
/// `hts_2025_basic` → `2025 Basic Edition`.
fn edition_of(path: &str) -> Option<String> {
    let name = std::path::Path::new(path).file_name()?.to_str()?;
    let stem = name.split('.').next()?;
    let mut parts = stem.strip_prefix("hts_")?.split('_');
    let year = parts.next()?;
    match (parts.next()?, parts.next()) {
        ("basic", None) => Some(format!("{year} Basic Edition")),
        ("rev", Some(n)) => Some(format!("{year} Revision {n}")),
        _ => None,
    }
}

/// Reads an export, decompressing a `.gz` file.
fn read_export(input: &str) -> Result<String, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(input)?;
    Ok(if input.ends_with(".gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_string(&mut s)?;
        s
    } else {
        String::from_utf8(bytes)?
    })
}

/// The effective date of an export's revision in the tracker's `revision_dates.csv`
/// (`revision,effective_date,…`; 2025 revisions are named without the year: `basic`,
/// `rev_10`; later ones with it: `2026_basic`).
fn revision_date(
    table: &str,
    path: &str,
) -> Result<(String, NaiveDate), Box<dyn std::error::Error>> {
    let name = std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("bad file name")?;
    let stem = name.split('.').next().unwrap_or(name);
    let key = stem.strip_prefix("hts_").unwrap_or(stem);
    let short = key.strip_prefix("2025_").unwrap_or(key);
    for line in table.lines().skip(1) {
        let mut cells = line.split(',');
        let (Some(rev), Some(date)) = (cells.next(), cells.next()) else {
            continue;
        };
        if rev == key || rev == short {
            return Ok((rev.to_owned(), date.parse()?));
        }
    }
    Err(format!("{name}: revision {key} is not in the revision table").into())
}

/// Prints an edition's counts and problems; true when it has none (or they are accepted).
fn report(input: &str, import: &landed::data::HtsImport) {
    println!(
        "{input}: {} eight-digit lines parsed, {} encodable",
        import.lines.len(),
        import.encodable().count()
    );
    for (form, n) in import.counts() {
        println!("  {n:>6}  {form}");
    }
    println!("{} unparsed or not encodable:", import.problems.len());
    for p in &import.problems {
        println!("  {p}");
    }
}

/// Counts of an import's problems: (unparsed, not encodable, conflicting).
fn problem_counts(import: &landed::data::HtsImport) -> (usize, usize, usize) {
    use landed::data::HtsProblemKind as K;
    let mut out: (usize, usize, usize) = (0, 0, 0);
    for p in &import.problems {
        match p.kind {
            K::Unparsed => out.0 = out.0.saturating_add(1),
            K::NotEncodable(_) => out.1 = out.1.saturating_add(1),
            _ => out.2 = out.2.saturating_add(1),
        }
    }
    out
}

/// Merges several editions into a `landed-csv` file.
fn run_series(
    editions: &[String],
    output: &str,
    revisions: Option<&str>,
    accept: bool,
) -> Result<bool, Box<dyn std::error::Error>> {
    let table = revisions.map(std::fs::read_to_string).transpose()?;
    let mut imports = Vec::new();
    for e in editions {
        let mut parts = e.splitn(3, ':');
        let (Some(file), Some(date), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("--edition {e:?}: give FILE:YYYY-MM-DD:NAME").into());
        };
        let date: NaiveDate = date.parse()?;
        if let Some(table) = &table {
            let (rev, listed) = revision_date(table, file)?;
            if listed != date {
                return Err(format!(
                    "{file}: revision {rev} took effect on {listed} (revision_dates.csv), not {date}"
                )
                .into());
            }
            println!("{file}: revision {rev} effective {listed} (revision_dates.csv) = {date}");
        }
        let import = landed::data::import_hts_json(&read_export(file)?)?;
        report(file, &import);
        imports.push((import, date, name.to_owned(), file.to_owned()));
    }
    let list: Vec<landed::data::HtsEdition<'_>> = imports
        .iter()
        .map(|(i, d, n, _)| landed::data::HtsEdition::new(i, n, *d))
        .collect();
    let series = landed::data::HtsImport::merge_editions(&list)?;
    let mut comments = String::from(
        "The United States' Harmonized Tariff Schedule (HTSUS): the column 1 general (MFN) rate of every
eight-digit line of chapters 1-98 whose rate the crate's tariff model encodes (ad valorem, up to
two specific parts per kg, unit, litre, dozen, pair, m2 and the other units of the schedule, and
their sums), as dated series across editions. Chapter 99 (the headings of additional
duties, e.g. 9903.88.15) is left out: those duties are [[additional_duty]] rows.
Publisher: United States International Trade Commission (USITC), Harmonized Tariff Schedule of
the United States, JSON export (https://hts.usitc.gov/). Licence: US government work, in the
public domain (17 U.S.C. 105).
",
    );
    comments.push_str("Editions (effective date, checked against the Budget Lab at Yale's Tariff Rate Tracker\nconfig/revision_dates.csv):\n");
    for (i, d, n, f) in &imports {
        let (u, ne, c) = problem_counts(i);
        let file = std::path::Path::new(f)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(f);
        comments.push_str(&format!(
            "- {n}, effective {d} ({file}): {} eight-digit lines parsed, {} encoded; {u} general texts\n  unparsed, {ne} not encodable yet, {c} conflicting (listed by the command below).\n",
            i.lines.len(),
            i.encodable().count()
        ));
    }
    let changed = series.changed_lines();
    let lines: std::collections::BTreeSet<_> = series.rows.iter().map(|r| r.line.hs).collect();
    comments.push_str(&format!(
        "Rows: {} for {} lines; {changed} lines change rate (or leave and return) between editions.
A rate unchanged across editions is one row citing each edition it was read from; a change
starts a new row on the later edition's date and ends the previous one the day before; a line
an edition lacks (or gives in a form not encodable yet) ends the day before that edition.
hs: the eight-digit line (its rate holds for every statistical suffix below it). description:
the line's text after its parents'. see: the chapter-99 headings (9903.xx.xx) the line's
general-column footnotes name in any edition of the row (the additional duties themselves are
additional_duty rows in tariff_us_additional.csv). Rows of tariff_us.toml with the same hs replace
the series here.
Regenerate (from the repository root, exports under ../shared/reference/us-tariff/usitc/):
  cargo run --example import_usitc -- \\
",
        series.rows.len(),
        lines.len()
    ));
    for (_, d, n, f) in &imports {
        let file = std::path::Path::new(f)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(f);
        comments.push_str(&format!("    --edition \"$R/usitc/{file}:{d}:{n}\" \\\n"));
    }
    comments.push_str(
        "    --revisions $R/tracker/config/revision_dates.csv --accept-unparsed data/tariff_us.csv
  (R=../shared/reference/us-tariff), then cargo run --example refresh_manifest -- data
",
    );
    let csv = series.tariff_csv(
        &comments,
        "USITC, Harmonized Tariff Schedule of the United States",
        "JSON export, general column: https://hts.usitc.gov/",
    );
    std::fs::write(output, csv)?;
    println!(
        "{output}: {} rows for {} lines, {changed} lines changed between editions",
        series.rows.len(),
        lines.len()
    );
    Ok(accept || imports.iter().all(|(i, ..)| i.problems.is_empty()))
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let mut positional = Vec::new();
    let mut from = None;
    let mut edition = None;
    let mut editions = Vec::new();
    let mut revisions = None;
    let mut accept = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--accept-unparsed" => accept = true,
            "--from" => from = Some(args.next().ok_or("--from needs YYYY-MM-DD")?),
            "--revisions" => revisions = Some(args.next().ok_or("--revisions needs a file")?),
            "--edition" => {
                let v = args
                    .next()
                    .ok_or("--edition needs a name or FILE:DATE:NAME")?;
                if v.contains(':') {
                    editions.push(v);
                } else {
                    edition = Some(v);
                }
            }
            _ => positional.push(a),
        }
    }
    if !editions.is_empty() {
        let [output] = positional.as_slice() else {
            return Err("usage: import_usitc --edition FILE:DATE:NAME ... OUT.csv \
                        [--revisions revision_dates.csv] [--accept-unparsed]"
                .into());
        };
        return run_series(&editions, output, revisions.as_deref(), accept);
    }
    let [input, output] = positional.as_slice() else {
        return Err(
            "usage: import_usitc FILE.json[.gz] OUT.toml --from YYYY-MM-DD \
                    [--edition NAME] [--accept-unparsed]"
                .into(),
        );
    };
    let from: NaiveDate = from
        .ok_or("give --from YYYY-MM-DD, the edition's effective date")?
        .parse()?;
    let edition = edition
        .or_else(|| edition_of(input))
        .ok_or("give --edition, e.g. \"2026 Revision 10\"")?;

    let import = landed::data::import_hts_json(&read_export(input)?)?;
    let source =
        format!("USITC, Harmonized Tariff Schedule of the United States ({edition}), JSON export");
    std::fs::write(output, import.tariff_toml(from, &source))?;

    report(input, &import);
    println!("written to {output}");
    Ok(import.problems.is_empty() || accept)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("the list above is not empty: give --accept-unparsed to accept it");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("import_usitc: {e}");
            ExitCode::FAILURE
        }
    }
}
