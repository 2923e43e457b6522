//! A competitor-based price band for a JSON request in the wire format of
//! `landed::bands::BandRequest`: the new price, the band, the binding constraint, the excluded
//! offers and the trace.
//!
//! `cargo run --example band -- examples/requests/band_beat.json` (or `-` for stdin)
//!
//! Bad input prints one line naming the field and what is wrong, and exits with status 2.

#[path = "common/cli.rs"]
mod cli;

use landed::bands::{BandRequest, band};

fn main() -> std::process::ExitCode {
    cli::run("band", |input, tables| {
        let req = BandRequest::from_json(input)?;
        band(tables, &req)?.to_json()
    })
}
