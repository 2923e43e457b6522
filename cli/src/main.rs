//! `landed`: the crate's four jobs from the command line, on the embedded data or a data
//! directory, one JSON request at a time or a stream of one request per line.
//!
//! ```text
//! landed quote examples/requests/de_ioss.json
//! landed quote --jsonl requests.jsonl > quotes.jsonl
//! landed --data ./data --override mine.toml fees - < request.json
//! landed --rates eurofxref-hist.csv reprice examples/requests/reprice_jpy.json
//! landed schedules --date 2026-11-25
//! landed coverage
//! landed version
//! ```
//!
//! Exit status: 0 when every request was answered, 2 when any request failed (bad input or a
//! computation refused; in `--jsonl` mode after every line was answered) or the arguments are
//! wrong, 1 when a file cannot be read, the data does not load or the output cannot be written.

mod jobs;
mod listing;
mod stream;
mod tables;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Cross-border e-commerce pricing: landed-cost quotes, FX repricing, fee schedules and price
/// bands from JSON requests, on versioned, effective-dated rate data.
#[derive(Debug, Parser)]
#[command(name = "landed", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    data: DataArgs,
    #[command(subcommand)]
    command: Command,
}

/// Which data the command runs on.
#[derive(Debug, Args)]
struct DataArgs {
    /// Load a data directory (its MANIFEST.toml and every file it lists, hashes checked)
    /// instead of the embedded data.
    #[arg(long, value_name = "DIR", global = true)]
    data: Option<PathBuf>,
    /// Overlay a TOML data file: each series it has replaces the whole series of the base
    /// data (repeatable; later files win).
    #[arg(long = "override", value_name = "FILE.toml", global = true)]
    overrides: Vec<PathBuf>,
    /// Load the ECB's reference rates (the daily, 90-day or history file, XML or CSV): they
    /// replace the data's ECB series as a whole.
    #[arg(long, value_name = "FILE", global = true)]
    rates: Option<PathBuf>,
}

/// The request input of a job.
#[derive(Debug, Args)]
struct JobArgs {
    /// The request file, or `-` for standard input.
    #[arg(value_name = "FILE", default_value = "-")]
    input: PathBuf,
    /// Read one request per line and answer one compact JSON line per request, in order; a
    /// bad line is answered with `{"line": N, "error": {"field": …, "message": …}}` and the
    /// next lines are still answered. Blank lines are skipped.
    #[arg(long)]
    jsonl: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A landed-cost quote (duty, import VAT/GST, fees) for a `QuoteRequest`.
    Quote(JobArgs),
    /// FX repricing with a transparent markup for a `fx::RepriceRequest`.
    Reprice(JobArgs),
    /// A fee schedule or chain for a `fees::FeeRequest`.
    Fees(JobArgs),
    /// A competitor-based price band for a `bands::BandRequest`.
    Band(JobArgs),
    /// The market matrix for a `market::MatrixRequest`: products priced for a list of markets.
    Matrix(JobArgs),
    /// The display price of a listing for a `market::DisplayRequest` (a one-unit quote request
    /// with an optional `language`): the tax-inclusive price, the tax rate and the label.
    DisplayPrice(JobArgs),
    /// List the fee schedule ids in force on a date.
    Schedules {
        /// The date (yyyy-mm-dd); default today (UTC).
        #[arg(long, value_name = "DATE")]
        date: Option<landed::NaiveDate>,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List the destinations with their first and last covered day.
    Coverage {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the crate and data versions.
    Version {
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let tables = match tables::load(&cli.data) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("landed: {message}");
            return ExitCode::from(1);
        }
    };
    let tables = tables.get();
    let job = |job: jobs::Job, args: &JobArgs| {
        if args.jsonl {
            stream::jsonl(tables, job, &args.input)
        } else {
            stream::single(tables, job, &args.input)
        }
    };
    match &cli.command {
        Command::Quote(args) => job(jobs::quote, args),
        Command::Reprice(args) => job(jobs::reprice, args),
        Command::Fees(args) => job(jobs::fees, args),
        Command::Band(args) => job(jobs::band, args),
        Command::Matrix(args) => job(jobs::matrix, args),
        Command::DisplayPrice(args) => job(jobs::display_price, args),
        Command::Schedules { date, json } => listing::schedules(tables, *date, *json),
        Command::Coverage { json } => listing::coverage(tables, *json),
        Command::Version { json } => listing::version(tables, *json),
    }
}
