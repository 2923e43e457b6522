//! Measures loading a large CSV tariff schedule: writes a dataset whose `tariff_us.csv` has
//! ROWS rows (default 1,000,000: the real US schedule, then synthetic lines) under the
//! system's temporary directory, loads it with `RateTables::from_dir`, reads the US schedule
//! with a quote, and prints the time taken and the process's peak resident memory (VmHWM of
//! `/proc/self/status`, Linux only).
//!
//! `cargo run --release --example schedule_memory -- [ROWS]`

use std::process::ExitCode;
use std::time::Instant;

#[path = "common/big_schedule.rs"]
mod big_schedule;

/// A field of `/proc/self/status` in megabytes (`VmHWM`, `VmRSS`), if readable.
fn status_mb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_div(1024)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    let dir = std::env::temp_dir().join(format!("landed_schedule_{rows}"));
    big_schedule::write_dataset(&dir, rows)?;
    let size = std::fs::metadata(dir.join("tariff_us.csv"))?.len();
    println!(
        "{}: {rows} rows, {} MB; before loading: peak {} MB",
        dir.join("tariff_us.csv").display(),
        size.checked_div(1_000_000).unwrap_or(0),
        status_mb("VmHWM:").unwrap_or(0)
    );
    let start = Instant::now();
    let tables = landed::RateTables::from_dir(&dir)?;
    let opened = start.elapsed();
    let quote = tables.quote(&big_schedule::us_request())?;
    let loaded = start.elapsed();
    tables.load_all()?;
    let n = tables.tariff_rows().count();
    println!(
        "from_dir {} ms (hashes the files); first US quote (reads the schedule) {} ms in all; {n} tariff rows; landed total {}",
        opened.as_millis(),
        loaded.as_millis(),
        quote.landed_total
    );
    println!(
        "peak resident memory {} MB (now {} MB)",
        status_mb("VmHWM:").unwrap_or(0),
        status_mb("VmRSS:").unwrap_or(0)
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("schedule_memory: {e}");
            ExitCode::FAILURE
        }
    }
}
