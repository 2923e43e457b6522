//! The main job on the embedded data. Until the landed-cost engine lands, this prints the
//! VAT/GST rate in force and the tax-inclusive price of each line for a destination and date.
//!
//! `cargo run --example quote -- examples/requests/de_vat.json` (or `-` for stdin)

use std::io::Read as _;
use std::process::ExitCode;

use landed::{CountryCode, Currency, Money, RateTables, RegionCode, RoundingMode, TaxCategory};

/// The request: a subset of the landed-cost wire format, same field names.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    date: chrono::NaiveDate,
    destination: CountryCode,
    #[serde(default)]
    region: Option<RegionCode>,
    currency: Currency,
    lines: Vec<Line>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    quantity: String,
    unit_price: String,
    #[serde(default)]
    tax_category: Option<TaxCategory>,
    #[serde(default)]
    description: Option<String>,
}

fn run(input: &str) -> Result<serde_json::Value, String> {
    let req: Request = serde_json::from_str(input).map_err(|e| format!("request: {e}"))?;
    let tables = RateTables::embedded().map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    for (i, line) in req.lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        let qty = Money::parse(&line.quantity, req.currency.code())
            .map_err(|e| format!("{}: {e}", field("quantity")))?
            .amount();
        if qty.is_sign_negative() {
            return Err(format!(
                "{}: quantity {qty} is negative; give zero or more",
                field("quantity")
            ));
        }
        let net = Money::parse(&line.unit_price, req.currency.code())
            .map_err(|e| format!("{}: {e}", field("unit_price")))?
            .checked_mul(qty)
            .map_err(|e| format!("{}: {e}", field("quantity")))?
            .round_to_minor(RoundingMode::HalfUp)
            .map_err(|e| format!("currency: {e}"))?;
        let category = line
            .tax_category
            .clone()
            .unwrap_or_else(TaxCategory::standard);
        let priced = tables
            .tax_inclusive(
                net,
                req.destination,
                req.region,
                &category,
                req.date,
                RoundingMode::HalfUp,
            )
            .map_err(|e| format!("{}: {e}", field("tax_category")))?;
        lines.push(serde_json::json!({
            "description": line.description,
            "category": category.as_str(),
            "result": priced,
        }));
    }
    Ok(serde_json::json!({
        "destination": req.destination,
        "date": req.date,
        "currency": req.currency,
        "lines": lines,
        "data_version": tables.version(),
    }))
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run --example quote -- FILE.json (or - for stdin)");
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
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&input) {
        Ok(v) => match serde_json::to_string_pretty(&v) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
