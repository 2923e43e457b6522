//! FX repricing with a transparent markup for a JSON request in the wire format of
//! `landed::fx::RepriceRequest`.
//!
//! `cargo run --example reprice -- examples/requests/reprice_jpy.json` (or `-` for stdin)
//!
//! Prints the response as JSON. Bad input prints one line naming the field and what is wrong,
//! and exits with status 2 (1 for unreadable files or broken data).

#[path = "common/cli.rs"]
mod cli;

use landed::fx::{RepriceRequest, reprice};

fn main() -> std::process::ExitCode {
    cli::run("reprice", |input, tables| {
        RepriceRequest::from_json(input)
            .and_then(|req| reprice(tables, &req))
            .and_then(|r| r.to_json())
    })
}
