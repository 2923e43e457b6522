//! Writes the applied MFN rates of Japan's customs tariff schedule (実行関税率表) as a
//! `landed-csv` tariff file for territory JP, prints the count of each rate form and every
//! line whose rate it could not parse or cannot encode, and fails when that list is not empty
//! unless `--accept-unparsed` is given.
//!
//! `cargo run --example import_jp_tariff -- ARCHIVE_OR_DIR OUT.csv --from 2026-07-09
//! [--accept-unparsed]`
//!
//! ARCHIVE_OR_DIR is the `.tar.gz` of the chapter files (`j_NN_tariff_data.json`) or a
//! directory holding them. The archive is read with `flate2` and `tar`, dev-dependencies, so
//! the library itself takes JSON text and needs no decompressor.

use std::io::Read as _;
use std::process::ExitCode;

use landed::NaiveDate;
use landed::data::{JpImport, JpProblemKind};

/// True for a chapter file's name: `j_01_tariff_data.json`.
fn is_chapter(name: &str) -> bool {
    name.starts_with("j_") && name.ends_with("_tariff_data.json")
}

/// The chapter files (name, text), sorted by name.
fn read_chapters(input: &str) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    let path = std::path::Path::new(input);
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_chapter(&name) {
                out.push((name, std::fs::read_to_string(entry.path())?));
            }
        }
    } else {
        let gz = flate2::read::GzDecoder::new(std::fs::File::open(path)?);
        let mut archive = tar::Archive::new(gz);
        for entry in archive.entries()? {
            let mut entry = entry?;
            let name = entry
                .path()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if is_chapter(&name) {
                let mut text = String::new();
                entry.read_to_string(&mut text)?;
                out.push((name, text));
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(format!("{input}: no j_NN_tariff_data.json files").into());
    }
    Ok(out)
}

/// Counts of an import's problems: (unparsed, not encodable, repeated rows, no rate or bad
/// code).
fn problem_counts(import: &JpImport) -> (usize, usize, usize, usize) {
    let mut out: (usize, usize, usize, usize) = (0, 0, 0, 0);
    for p in &import.problems {
        match p.kind {
            JpProblemKind::Unparsed(_) => out.0 = out.0.saturating_add(1),
            JpProblemKind::NotEncodable(_) => out.1 = out.1.saturating_add(1),
            JpProblemKind::Repeated => out.2 = out.2.saturating_add(1),
            _ => out.3 = out.3.saturating_add(1),
        }
    }
    out
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let mut positional = Vec::new();
    let mut from = None;
    let mut accept = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--accept-unparsed" => accept = true,
            "--from" => from = Some(args.next().ok_or("--from needs YYYY-MM-DD")?),
            _ => positional.push(a),
        }
    }
    let [input, output] = positional.as_slice() else {
        return Err(
            "usage: import_jp_tariff ARCHIVE_OR_DIR OUT.csv --from YYYY-MM-DD \
                    [--accept-unparsed]"
                .into(),
        );
    };
    let from: NaiveDate = from
        .ok_or("give --from YYYY-MM-DD, the date the schedule is as of")?
        .parse()?;
    let chapters = read_chapters(input)?;
    let import = landed::data::import_jp_tariff_chapters(
        chapters.iter().map(|(n, t)| (n.as_str(), t.as_str())),
    )?;

    let encoded = import.encodable().count();
    let (unparsed, not_encodable, repeated, other) = problem_counts(&import);
    let mut comments = format!(
        "Japan's customs tariff schedule (実行関税率表): the applied MFN rate of every nine-digit line
(six-digit HS subheading and three national digits) whose rate the crate's tariff model encodes.
Publisher: Japan Customs, Customs Tariff Schedules of Japan, as of {from}
(https://www.customs.go.jp/english/tariff/). Read from the JSON compilation of the published
schedule by qlitre/japan-tariff-mcp (MIT licence, commit 715eff92066635603d701c7d410c6bb6c8260a0c).
Applied MFN rate: the temporary rate (暫定) where given, else the general rate (基本); the WTO
rate (WTO協定) instead where lower; a WTO rate in parentheses is not applied; where the forms
cannot be compared without the price, the WTO rate without parentheses applies, as the schedule
marks it. A rate on a parent row holds for the rows below it, column by column.
Encoding: higher of X% or Y yen/kg = rate_percent X with min_amount Y; lower of = max_amount;
specific amounts in JPY per kg (per MT converted), per unit (a piece, pair, head or sheet;
per 1,000 pieces converted), per litre (per kl converted) or per m2. The preferential columns (GSP, EPA) are not read.
Chapters: {}; lines parsed: {}; rows (encoded): {encoded}; {unparsed} rates unparsed (gate
prices, WTO ranges, rates by sub-item), {not_encodable} not encodable yet (the higher of an ad
valorem rate and a compound one), {repeated} rows of codes repeated with seasonal rates (left out), {other}
without a rate or code. Every one is listed by the command below; none is in this file.
Embedded (listed in MANIFEST.toml; parsed on the first JP quote that needs a tariff line); the
JP regime, small-amount rule and consumption taxes are in customs.toml.
Regenerate (from the repository root):
  cargo run --example import_jp_tariff -- ../shared/reference/jp-tariff/jp-tariff-{from}.tar.gz \\
    data/tariff_jp.csv --from {from} --accept-unparsed
",
        chapters.len(),
        import.lines.len(),
    );
    comments.push_str("Forms (lines parsed):\n");
    for (form, n) in import.counts() {
        comments.push_str(&format!("  {n:>6}  {form}\n"));
    }
    let source = format!(
        "Japan Customs, Customs Tariff Schedules of Japan (as of {from}, https://www.customs.go.jp/english/tariff/), via qlitre/japan-tariff-mcp (MIT)"
    );
    std::fs::write(output, import.tariff_csv(from, &comments, &source))?;

    println!(
        "{input}: {} chapters, {} lines parsed, {encoded} encoded",
        chapters.len(),
        import.lines.len()
    );
    for (form, n) in import.counts() {
        println!("  {n:>6}  {form}");
    }
    println!("applied column (how chosen):");
    for ((column, choice), n) in import.column_counts() {
        println!("  {n:>6}  {column} ({choice:?})");
    }
    println!(
        "{} problems ({unparsed} unparsed, {not_encodable} not encodable, {repeated} repeated \
         with seasonal rates, {other} other):",
        import.problems.len()
    );
    for p in &import.problems {
        println!("  {p}");
    }
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
            eprintln!("import_jp_tariff: {e}");
            ExitCode::FAILURE
        }
    }
}
