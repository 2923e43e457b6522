//! Writes the general (MFN) rates of USITC's HTS JSON export as `[[tariff]]` rows of a data
//! file, prints the count of each rate form and every text it could not parse or cannot
//! encode yet, and fails when that list is not empty unless `--accept-unparsed` is given.
//!
//! `cargo run --example import_usitc -- hts_2026_rev_10.json.gz OUT.toml --from 2026-07-01
//! [--edition "2026 Revision 10"] [--accept-unparsed]`
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

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let mut positional = Vec::new();
    let mut from = None;
    let mut edition = None;
    let mut accept = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--accept-unparsed" => accept = true,
            "--from" => from = Some(args.next().ok_or("--from needs YYYY-MM-DD")?),
            "--edition" => edition = Some(args.next().ok_or("--edition needs a name")?),
            _ => positional.push(a),
        }
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

    let bytes = std::fs::read(input)?;
    let text = if input.ends_with(".gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_string(&mut s)?;
        s
    } else {
        String::from_utf8(bytes)?
    };
    let import = landed::data::import_hts_json(&text)?;
    let source =
        format!("USITC, Harmonized Tariff Schedule of the United States ({edition}), JSON export");
    std::fs::write(output, import.tariff_toml(from, &source))?;

    let encodable = import.encodable().count();
    println!(
        "{input}: {} eight-digit lines parsed, {encodable} written to {output}",
        import.lines.len()
    );
    for (form, n) in import.counts() {
        println!("  {n:>6}  {form}");
    }
    println!("{} unparsed or not encodable:", import.problems.len());
    for p in &import.problems {
        println!("  {p}");
    }
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
