//! The shared command line of the examples: read a JSON request from a file (or `-` for
//! stdin), run one job on the embedded data, print the JSON result.
//!
//! Exit status: 0 on success, 2 for bad input (one line naming the field), 1 for unreadable
//! files or broken data.

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use landed::{Error, RateTables};

/// Runs `job` on the request named by the first argument; `name` is the example's name.
pub fn run(name: &str, job: impl FnOnce(&str, &RateTables) -> Result<String, Error>) -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run --example {name} -- FILE.json   (or - for stdin)");
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
    match job(&input, tables) {
        Ok(json) => {
            // A closed pipe (`| head`) is not an error of the job.
            let _ = writeln!(std::io::stdout().lock(), "{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
