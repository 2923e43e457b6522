//! The main job on the embedded data: a landed-cost quote (duty, import VAT/GST, fees) for a
//! JSON request in the wire format of the crate documentation.
//!
//! `cargo run --example quote -- examples/requests/de_ioss.json` (or `-` for stdin)
//!
//! Prints the quote as JSON. Bad input prints one line naming the field and what is wrong,
//! and exits with status 2 (1 for unreadable files or broken data).

use std::io::Read as _;
use std::process::ExitCode;

use landed::{QuoteRequest, RateTables};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run --example quote -- FILE.json   (or - for stdin)");
        return ExitCode::from(2);
    };
    let input = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(&path)
    };
    let input = match input {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let tables = match RateTables::embedded() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("embedded data: {e}");
            return ExitCode::from(1);
        }
    };
    let result = QuoteRequest::from_json(&input)
        .and_then(|req| tables.quote(&req))
        .and_then(|q| q.to_json());
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
