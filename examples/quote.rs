//! The main job on the embedded data: a landed-cost quote (duty, import VAT/GST, fees) for a
//! JSON request in the wire format of the crate documentation.
//!
//! `cargo run --example quote -- examples/requests/de_ioss.json` (or `-` for stdin)
//!
//! Prints the quote as JSON. Bad input prints one line naming the field and what is wrong,
//! and exits with status 2 (1 for unreadable files or broken data).

#[path = "common/cli.rs"]
mod cli;

use landed::QuoteRequest;

fn main() -> std::process::ExitCode {
    cli::run("quote", |input, tables| {
        QuoteRequest::from_json(input)
            .and_then(|req| tables.quote(&req))
            .and_then(|q| q.to_json())
    })
}
