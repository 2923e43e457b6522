//! The four jobs: parse a request with the library's wire type, compute, and write the
//! response as JSON into a buffer (pretty for one request, compact for a stream).

use landed::bands::BandRequest;
use landed::fees::{FeeRequest, evaluate_request};
use landed::fx::RepriceRequest;
use landed::market::reverse::Request;
use landed::market::{DisplayRequest, MatrixRequest};
use landed::{QuoteRequest, RateTables};

/// Why a request was not answered.
#[derive(Debug)]
pub enum Failure {
    /// The library refused the request (bad input, no rate in force, overflow, …).
    Landed(landed::Error),
    /// The response did not serialize (never in practice: every field serializes).
    Json(serde_json::Error),
}

impl From<landed::Error> for Failure {
    fn from(e: landed::Error) -> Self {
        Self::Landed(e)
    }
}

impl Failure {
    /// The request field at fault, when the library names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Landed(landed::Error::InvalidInput { field, .. }) => Some(field),
            _ => None,
        }
    }

    /// What is wrong (without the field, which [`Failure::field`] gives).
    pub fn message(&self) -> String {
        match self {
            Self::Landed(landed::Error::InvalidInput { reason, .. }) => reason.clone(),
            Self::Landed(e) => e.to_string(),
            Self::Json(e) => format!("response: {e}"),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Landed(e) => write!(f, "{e}"),
            Self::Json(e) => write!(f, "response: {e}"),
        }
    }
}

/// A job: the request text in, the response appended to `out`.
pub type Job = fn(&RateTables, &str, &mut Vec<u8>, Layout) -> Result<(), Failure>;

/// How a response is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Indented, for one request (as the examples print it).
    Pretty,
    /// One line, for a stream.
    Compact,
}

/// Parses a request: first with plain `serde_json` (the fast path: most lines are good), and
/// when that fails, again with the type's `from_json`, whose error names the field's path.
/// Both read the same `Deserialize` implementation, so a request that parses is the same.
fn parse<T: serde::de::DeserializeOwned>(
    input: &str,
    named: fn(&str) -> Result<T, landed::Error>,
) -> Result<T, Failure> {
    match serde_json::from_str(input) {
        Ok(req) => Ok(req),
        Err(_) => Ok(named(input)?),
    }
}

fn write<T: serde::Serialize>(out: &mut Vec<u8>, value: &T, layout: Layout) -> Result<(), Failure> {
    match layout {
        Layout::Pretty => serde_json::to_writer_pretty(out, value),
        Layout::Compact => serde_json::to_writer(out, value),
    }
    .map_err(Failure::Json)
}

/// A landed-cost quote; or reverse DDP pricing when the lines carry `target_total` in place
/// of `unit_price` (the quote plus `solved_unit_price`).
pub fn quote(
    tables: &RateTables,
    input: &str,
    out: &mut Vec<u8>,
    layout: Layout,
) -> Result<(), Failure> {
    // The fast path for a quote; the two-shape parser (which names bad fields) otherwise.
    let req = match serde_json::from_str::<QuoteRequest>(input) {
        Ok(req) => Request::Quote(req),
        Err(_) => Request::from_json(input)?,
    };
    match req {
        Request::Quote(req) => write(out, &tables.quote(&req)?, layout),
        Request::Reverse(req) => write(out, &tables.reverse(&req)?, layout),
    }
}

/// FX repricing.
pub fn reprice(
    tables: &RateTables,
    input: &str,
    out: &mut Vec<u8>,
    layout: Layout,
) -> Result<(), Failure> {
    let req = parse(input, RepriceRequest::from_json)?;
    write(out, &landed::fx::reprice(tables, &req)?, layout)
}

/// A fee schedule or chain.
pub fn fees(
    tables: &RateTables,
    input: &str,
    out: &mut Vec<u8>,
    layout: Layout,
) -> Result<(), Failure> {
    let req = parse(input, FeeRequest::from_json)?;
    write(out, &evaluate_request(tables, &req)?, layout)
}

/// A price band.
pub fn band(
    tables: &RateTables,
    input: &str,
    out: &mut Vec<u8>,
    layout: Layout,
) -> Result<(), Failure> {
    let req = parse(input, BandRequest::from_json)?;
    write(out, &landed::bands::band(tables, &req)?, layout)
}

/// The market matrix.
pub fn matrix(
    tables: &RateTables,
    input: &str,
    out: &mut Vec<u8>,
    layout: Layout,
) -> Result<(), Failure> {
    let req = parse(input, MatrixRequest::from_json)?;
    write(out, &tables.matrix(&req)?, layout)
}

/// A display price.
pub fn display_price(
    tables: &RateTables,
    input: &str,
    out: &mut Vec<u8>,
    layout: Layout,
) -> Result<(), Failure> {
    let req = DisplayRequest::from_json(input)?;
    write(out, &tables.display_price(&req)?, layout)
}
