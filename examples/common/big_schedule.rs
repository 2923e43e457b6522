//! A dataset directory for measurements: the crate's `data/` with `tariff_us.csv` grown to a
//! given number of rows (the real schedule, then synthetic ten-digit lines), written a row at
//! a time so that writing it costs no memory. Shared by the `schedule_memory` example and the
//! `tariff_schedule` bench; never committed.

use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

/// The crate's own `data/` directory.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Writes a copy of `data/` into `dir` whose `tariff_us.csv` has `rows` rows (at least the
/// real schedule's), and its manifest.
pub fn write_dataset(dir: &Path, rows: usize) -> std::io::Result<()> {
    let src = data_dir();
    std::fs::create_dir_all(dir)?;
    for entry in std::fs::read_dir(&src)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && name != "MANIFEST.toml" {
            std::fs::copy(entry.path(), dir.join(&name))?;
        }
    }
    let real = std::fs::read_to_string(src.join("tariff_us.csv"))?;
    let mut out = BufWriter::new(std::fs::File::create(dir.join("tariff_us.csv"))?);
    out.write_all(real.as_bytes())?;
    let have = real
        .lines()
        .filter(|l| !l.starts_with('#'))
        .count()
        .saturating_sub(1);
    // The real file's header names the columns; a synthetic row fills the ones it uses.
    let header: Vec<&str> = real
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap_or_default()
        .split(',')
        .collect();
    for i in 0..rows.saturating_sub(have) {
        // Distinct ten-digit codes after every real one (no heading 9999 exists), so that the
        // file is in order like an imported schedule.
        let code = 9_999_000_000_u64.saturating_add(i as u64);
        let cells: Vec<String> = header
            .iter()
            .map(|column| match *column {
                "territory" => "US".to_owned(),
                "hs" => code.to_string(),
                "description" => format!("Synthetic line {i}"),
                "rate_percent" => format!("{}.{}", i % 20, i % 10),
                "effective_from" => "2025-01-01".to_owned(),
                "source" => "synthetic schedule".to_owned(),
                _ => String::new(),
            })
            .collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    out.flush()?;
    drop(out);
    let manifest = std::fs::read_to_string(src.join("MANIFEST.toml"))?;
    let head = manifest.split("\n[files]").next().unwrap_or(&manifest);
    let mut m = format!("{head}\n\n[files]\n");
    for (name, hash) in landed::data::file_hashes(dir)? {
        m.push_str(&format!("\"{name}\" = \"{hash}\"\n"));
    }
    std::fs::write(dir.join("MANIFEST.toml"), m)
}

/// A US quote of one line, for the territory's schedule to be read: a ten-digit code (every
/// prefix length of the schedule is probed), 2026-11-25, from Great Britain.
pub fn us_request() -> landed::QuoteRequest {
    let json = r#"{"date": "2026-11-25", "destination": "US", "currency": "USD", "ship_from": "GB",
        "lines": [{"hs_code": "6110202010", "quantity": "2", "unit_price": "40.00", "origin": "GB"}]}"#;
    match landed::QuoteRequest::from_json(json) {
        Ok(r) => r,
        Err(e) => unreachable_request(&e),
    }
}

#[cold]
fn unreachable_request(e: &landed::Error) -> ! {
    eprintln!("the measurement request is invalid: {e}");
    std::process::exit(1)
}
