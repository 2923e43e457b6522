//! Tiered fee schedules for a JSON request in the wire format of `landed::fees::FeeRequest`:
//! an inline schedule, a named schedule of the data, or a chain of fees.
//!
//! `cargo run --example fees -- examples/requests/fees_graduated.json` (or `-` for stdin)
//!
//! Prints the result as JSON. Bad input prints one line naming the field and what is wrong,
//! and exits with status 2 (1 for unreadable files or broken data).

#[path = "common/cli.rs"]
mod cli;

use landed::fees::{FeeRequest, evaluate_request};

fn main() -> std::process::ExitCode {
    cli::run("fees", |input, tables| {
        FeeRequest::from_json(input)
            .and_then(|req| evaluate_request(tables, &req))
            .and_then(|r| r.to_json())
    })
}
