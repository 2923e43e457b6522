//! The Rust half of the `landed` Python package (`landed._landed`): the library's four jobs
//! on dicts in the wire format, with exact `decimal.Decimal` amounts both ways, and batch
//! functions on NumPy and Arrow columns that release the GIL. The Python half (`landed/`)
//! re-exports it with the exception classes and type stubs.

use landed::bands::{BandRequest, band as band_job};
use landed::fees::{FeeRequest, evaluate_request};
use landed::fx::{RepriceRequest, reprice as reprice_job};
use landed::market::reverse::Request;
use landed::market::{DisplayRequest, MatrixRequest};
use landed::{QuoteRequest, RateTables};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

mod args;
mod columns;
mod convert;
mod de;
mod errors;
mod fee_schedule;
mod fx;
mod tables;
mod topy;

use tables::{Rates, Tables, resolve};

/// Runs one wire-format job: the request converted to JSON text, parsed and computed by `job`,
/// which gives the result as Python objects.
fn run<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
    job: impl FnOnce(&str, &RateTables) -> Result<PyResult<Bound<'py, PyAny>>, landed::Error>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = convert::request_json(request)?;
    let t = resolve(py, tables)?;
    job(&text, t).map_err(|e| request_error(py, request, e))?
}

/// Parses a request: serde_json straight into the wire type, and only when that fails again
/// through the library's `from_json` (which names the failing field's path; tracking the path
/// costs as much as the quote itself, so it is paid for bad requests only).
fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    named: impl FnOnce(&str) -> Result<T, landed::Error>,
) -> Result<T, landed::Error> {
    serde_json::from_str(text).or_else(|_| named(text))
}

/// A request's error as a Python exception. For a `dict` request, the line and column that
/// the JSON parser adds point into text the caller never saw, so they are left out.
fn request_error(py: Python<'_>, request: &Bound<'_, PyAny>, e: landed::Error) -> PyErr {
    let e = match e {
        landed::Error::InvalidInput { field, reason } if !request.is_instance_of::<PyString>() => {
            let reason = python_terms(strip_position(&reason));
            landed::Error::InvalidInput { field, reason }
        }
        other => other,
    };
    errors::error(py, &e)
}

/// The JSON parser's advice in Python terms: a decimal field refuses a bare JSON number, which
/// in a dict was an `int`; say to pass a `Decimal` or `str` instead of "quote it".
fn python_terms(reason: &str) -> String {
    match reason
        .strip_prefix("bare number ")
        .and_then(|r| r.split_once(" is not accepted for a decimal"))
    {
        Some((n, _)) => format!(
            "the int {n} is not accepted for a decimal amount; pass Decimal(\"{n}\") or \"{n}\""
        ),
        None => reason.to_owned(),
    }
}

/// `reason` without a trailing ` at line L column C`.
fn strip_position(reason: &str) -> &str {
    match reason.rsplit_once(" at line ") {
        Some((head, tail))
            if tail
                .split_once(" column ")
                .is_some_and(|(l, c)| is_digits(l) && is_digits(c)) =>
        {
            head
        }
        _ => reason,
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A landed-cost quote (duty, import VAT/GST, fees) for a request `dict` (or JSON text) in the
/// wire format of `examples/requests/*.json`; with `target_total` in place of `unit_price` on
/// every line, reverse DDP pricing (the quote plus `solved_unit_price`).
#[pyfunction]
#[pyo3(signature = (request, *, tables=None))]
fn quote<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
) -> PyResult<Bound<'py, PyAny>> {
    // A dict of a quote read directly; a reverse request, a JSON text or anything the direct
    // reader declines takes the JSON path, with its errors.
    if let Some(req) = request
        .cast::<PyDict>()
        .ok()
        .and_then(|d| de::from_dict::<QuoteRequest>(d))
    {
        let t = resolve(py, tables)?;
        let q = t.quote(&req).map_err(|e| request_error(py, request, e))?;
        return convert::result_to_py(py, &q);
    }
    run(py, request, tables, |text, t| {
        // The fast path for a quote; reverse DDP pricing when the lines carry `target_total`.
        let req = serde_json::from_str::<QuoteRequest>(text)
            .map(Request::Quote)
            .or_else(|_| Request::from_json(text))?;
        Ok(match req {
            Request::Quote(req) => convert::result_to_py(py, &t.quote(&req)?),
            Request::Reverse(req) => convert::result_to_py(py, &t.reverse(&req)?),
        })
    })
}

/// FX repricing with a transparent markup. `rates` (a `landed.Rates`) stands for the request's
/// `rates` object; without either, the embedded ECB table in force on `now` is used.
#[pyfunction]
#[pyo3(signature = (request, *, tables=None, rates=None))]
fn reprice<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
    rates: Option<&Rates>,
) -> PyResult<Bound<'py, PyAny>> {
    let Some(rates) = rates else {
        return run(py, request, tables, |text, t| {
            let r = reprice_job(t, &parse(text, RepriceRequest::from_json)?)?;
            Ok(convert::result_to_py(py, &r))
        });
    };
    let text = convert::request_json(request)?;
    let mut value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| errors::invalid_input(py, "request", e.to_string()))?;
    let Some(obj) = value.as_object_mut() else {
        return Err(errors::invalid_input(
            py,
            "request",
            "a request is a JSON object",
        ));
    };
    if obj.contains_key("rates") {
        return Err(errors::invalid_input(
            py,
            "rates",
            "the request has rates and rates= was given too; give one of them",
        ));
    }
    obj.insert("rates".to_owned(), rates.wire());
    let t = resolve(py, tables)?;
    let result = RepriceRequest::from_json(&value.to_string())
        .and_then(|r| reprice_job(t, &r))
        .map_err(|e| request_error(py, request, e))?;
    convert::result_to_py(py, &result)
}

/// A fee schedule, named schedule or chain evaluated on a request's inputs.
#[pyfunction]
#[pyo3(signature = (request, *, tables=None))]
fn fees<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
) -> PyResult<Bound<'py, PyAny>> {
    run(py, request, tables, |text, t| {
        let r = evaluate_request(t, &parse(text, FeeRequest::from_json)?)?;
        Ok(convert::result_to_py(py, &r))
    })
}

/// A competitor-based price band: the new price, the band, the binding constraint, the
/// excluded offers and the trace.
#[pyfunction]
#[pyo3(signature = (request, *, tables=None))]
fn band<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
) -> PyResult<Bound<'py, PyAny>> {
    run(py, request, tables, |text, t| {
        let req = parse(text, BandRequest::from_json)?;
        let r = band_job(t, &req)?;
        Ok(convert::result_to_py(py, &r))
    })
}

/// The market matrix: a product or catalogue priced for a list of markets (the request of
/// `examples/requests/matrix_*.json`).
#[pyfunction]
#[pyo3(signature = (request, *, tables=None))]
fn matrix<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
) -> PyResult<Bound<'py, PyAny>> {
    run(py, request, tables, |text, t| {
        let req = parse(text, MatrixRequest::from_json)?;
        Ok(convert::result_to_py(py, &t.matrix(&req)?))
    })
}

/// The display price of a listing: one unit quoted, the tax-inclusive (and under DDP
/// duty-inclusive) price, the tax rate and name, and the label to show (the request of
/// `examples/requests/display_*.json`: a quote request plus an optional `language`).
#[pyfunction]
#[pyo3(signature = (request, *, tables=None))]
fn display_price<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
) -> PyResult<Bound<'py, PyAny>> {
    run(py, request, tables, |text, t| {
        let req = DisplayRequest::from_json(text)?;
        Ok(convert::result_to_py(py, &t.display_price(&req)?))
    })
}

/// Quotes a list of requests: converted with the GIL held, computed with it released, the
/// results converted back, in order. `errors="raise"` raises the first failing request's
/// error (its `index` attribute says which); `errors="return"` puts the exception in its place.
#[pyfunction]
#[pyo3(signature = (requests, *, tables=None, errors="raise"))]
fn quote_many<'py>(
    py: Python<'py>,
    requests: &Bound<'py, PyAny>,
    tables: Option<&Tables>,
    errors: &str,
) -> PyResult<Bound<'py, PyList>> {
    let keep_errors = match errors {
        "raise" => false,
        "return" => true,
        other => {
            return Err(errors::invalid_input(
                py,
                "errors",
                format!("{other:?} is not an error mode; give \"raise\" or \"return\""),
            ));
        }
    };
    let t = resolve(py, tables)?;
    let items = requests
        .try_iter()?
        .collect::<PyResult<Vec<Bound<'py, PyAny>>>>()?;
    let texts: Vec<PyResult<String>> = items
        .iter()
        .enumerate()
        .map(|(i, r)| convert::request_json(r).map_err(|e| with_index(py, e, i)))
        .collect();
    // `None` where the request could not be converted (its error is in `texts`).
    let results: Vec<Option<Result<landed::Quote, landed::Error>>> = py.detach(|| {
        texts
            .iter()
            .map(|text| {
                text.as_ref()
                    .ok()
                    .map(|text| parse(text, QuoteRequest::from_json).and_then(|r| t.quote(&r)))
            })
            .collect()
    });
    let out = PyList::empty(py);
    for (i, ((text, result), request)) in texts.into_iter().zip(results).zip(&items).enumerate() {
        let item = match (text, result) {
            (Err(e), _) => Err(e),
            (Ok(_), Some(Err(e))) => Err(with_index(py, request_error(py, request, e), i)),
            (Ok(_), Some(Ok(q))) => convert::result_to_py(py, &q),
            (Ok(_), None) => Err(errors::invalid_input(py, "requests", "no result")),
        };
        match item {
            Ok(v) => out.append(v)?,
            Err(e) if keep_errors => out.append(e.value(py))?,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// `e` with the attribute `index` set to `i` (its position in a batch).
fn with_index(py: Python<'_>, e: PyErr, i: usize) -> PyErr {
    // A failure to set the attribute leaves the error as it was.
    let _ = e.value(py).setattr("index", i);
    e
}

/// The embedded data's version, e.g. `2026.11.8+sha256:ba9f5432`.
#[pyfunction]
fn data_version(py: Python<'_>) -> PyResult<String> {
    Ok(Tables::embedded_tables(py)?.version().to_string())
}

#[pymodule]
fn _landed(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(quote, m)?)?;
    m.add_function(wrap_pyfunction!(reprice, m)?)?;
    m.add_function(wrap_pyfunction!(fees, m)?)?;
    m.add_function(wrap_pyfunction!(band, m)?)?;
    m.add_function(wrap_pyfunction!(matrix, m)?)?;
    m.add_function(wrap_pyfunction!(display_price, m)?)?;
    m.add_function(wrap_pyfunction!(quote_many, m)?)?;
    m.add_function(wrap_pyfunction!(data_version, m)?)?;
    m.add_class::<Tables>()?;
    m.add_class::<Rates>()?;
    m.add_class::<fx::Repricer>()?;
    m.add_class::<fee_schedule::FeeSchedule>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
