//! The market matrix on the embedded data: a product or a catalogue priced for a list of
//! markets (forward from a base price, or from a round local price or a margin goal), with the
//! duty, tax, FX markup and fees inside each shelf price, the seller's net and margin.
//!
//! `cargo run --example matrix -- examples/requests/matrix_tshirt.json` (or `-` for stdin)

#[path = "common/cli.rs"]
mod cli;

use landed::market::MatrixRequest;

fn main() -> std::process::ExitCode {
    cli::run("matrix", |input, tables| {
        MatrixRequest::from_json(input)
            .and_then(|req| tables.matrix(&req))
            .and_then(|m| m.to_json())
    })
}
