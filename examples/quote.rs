//! The main job on the embedded data: a landed-cost quote (duty, import VAT/GST, fees) for a
//! JSON request in the wire format of the crate documentation; or, when the request's lines
//! carry `target_total` in place of `unit_price`, reverse DDP pricing: the unit price whose
//! quote lands on that all-inclusive total (the quote plus `solved_unit_price`).
//!
//! `cargo run --example quote -- examples/requests/de_ioss.json` (or `-` for stdin)
//!
//! Prints the quote as JSON. Bad input prints one line naming the field and what is wrong,
//! and exits with status 2 (1 for unreadable files or broken data).

#[path = "common/cli.rs"]
mod cli;

use landed::market::reverse::Request;

fn main() -> std::process::ExitCode {
    cli::run("quote", |input, tables| match Request::from_json(input)? {
        Request::Quote(req) => tables.quote(&req)?.to_json(),
        Request::Reverse(req) => tables.reverse(&req)?.to_json(),
    })
}
