//! The library's errors as the Python exceptions of `landed._errors` (`landed.LandedError` and
//! its subclasses), each with the error's structured fields as attributes.

use landed::error::Coverage;
use landed::{DataError, Error};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Builds `landed._errors.<class>(message, kind=kind, **fields)` as a `PyErr`; `fields` adds
/// the keyword arguments. When the class cannot be built (the Python package is broken), the
/// error of that failure is returned instead, so nothing is lost silently.
fn raise(
    py: Python<'_>,
    class: &str,
    message: String,
    kind: &str,
    fields: impl FnOnce(&Bound<'_, PyDict>) -> PyResult<()>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import("landed._errors")?.getattr(class)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", kind)?;
        fields(&kwargs)?;
        let exc = cls.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// `landed.InvalidInput` for `field`.
pub(crate) fn invalid_input(py: Python<'_>, field: &str, reason: impl Into<String>) -> PyErr {
    let reason = reason.into();
    raise(
        py,
        "InvalidInput",
        format!("{field}: {reason}"),
        "invalid_input",
        |k| {
            k.set_item("field", field)?;
            k.set_item("reason", reason.as_str())
        },
    )
}

/// `landed.InvalidType` (an `InvalidInput` and a `TypeError`) for `field`.
pub(crate) fn invalid_type(py: Python<'_>, field: &str, reason: impl Into<String>) -> PyErr {
    let reason = reason.into();
    raise(
        py,
        "InvalidType",
        format!("{field}: {reason}"),
        "invalid_type",
        |k| {
            k.set_item("field", field)?;
            k.set_item("reason", reason.as_str())
        },
    )
}

/// A data-loading error as `landed.DataError`, its `problems` a list of
/// `landed.DataProblem(file, line, column, kind, message)`.
pub(crate) fn data_error(py: Python<'_>, e: &DataError) -> PyErr {
    raise(py, "DataError", e.to_string(), "data", |k| {
        let problem = py.import("landed._errors")?.getattr("DataProblem")?;
        let list = PyList::empty(py);
        for p in &e.problems {
            let kind = format!("{:?}", p.kind);
            list.append(problem.call1((
                p.file.as_str(),
                p.line,
                p.column,
                snake(&kind),
                p.message.as_str(),
            ))?)?;
        }
        k.set_item("problems", list)
    })
}

/// `CamelCase` as `snake_case`.
fn snake(name: &str) -> String {
    let mut s = String::with_capacity(name.len().saturating_add(4));
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// A computation's error as the matching `landed` exception.
pub(crate) fn error(py: Python<'_>, e: &Error) -> PyErr {
    let message = e.to_string();
    match e {
        Error::InvalidInput { field, reason } => {
            raise(py, "InvalidInput", message, "invalid_input", |k| {
                k.set_item("field", field.as_str())?;
                k.set_item("reason", reason.as_str())
            })
        }
        Error::Parse { kind, input, .. } => {
            raise(py, "InvalidInput", message.clone(), "parse", |k| {
                k.set_item("field", kind.to_string())?;
                k.set_item("reason", message.as_str())?;
                k.set_item("input", input.as_str())
            })
        }
        Error::TooLong {
            field,
            count,
            limit,
            ..
        } => raise(py, "InvalidInput", message.clone(), "too_long", |k| {
            k.set_item("field", field.as_str())?;
            k.set_item("reason", message.as_str())?;
            k.set_item("count", count)?;
            k.set_item("limit", limit)
        }),
        Error::MissingExchangeRate { from, to } => raise(
            py,
            "InvalidInput",
            message.clone(),
            "missing_exchange_rate",
            |k| {
                k.set_item("field", "exchange_rates")?;
                k.set_item("reason", message.as_str())?;
                k.set_item("from_currency", from.code())?;
                k.set_item("to_currency", to.code())
            },
        ),
        Error::StaleRates {
            source_name,
            as_of,
            today,
            age_days,
            max_age_days,
            newest_loaded,
        } => raise(py, "StaleRates", message, "stale_rates", |k| {
            k.set_item("source", source_name.as_str())?;
            k.set_item("as_of", *as_of)?;
            k.set_item("today", *today)?;
            k.set_item("age_days", age_days)?;
            k.set_item("max_age_days", max_age_days)?;
            k.set_item("newest_loaded", newest_loaded)
        }),
        Error::RatesFromTheFuture {
            source_name, as_of, ..
        } => raise(
            py,
            "RatesFromTheFuture",
            message,
            "rates_from_the_future",
            |k| {
                k.set_item("source", source_name.as_str())?;
                k.set_item("as_of", *as_of)
            },
        ),
        Error::NoReferenceRate {
            currency,
            source_name,
            as_of,
        } => raise(py, "NoReferenceRate", message, "no_reference_rate", |k| {
            k.set_item("currency", currency.code())?;
            k.set_item("source", source_name.as_str())?;
            k.set_item("as_of", *as_of)
        }),
        Error::MalformedRates {
            format,
            line,
            reason,
        } => raise(py, "MalformedRates", message, "malformed_rates", |k| {
            k.set_item("format", *format)?;
            k.set_item("line", line)?;
            k.set_item("reason", reason.as_str())
        }),
        Error::QuoteExpired { .. } => {
            raise(py, "QuoteExpired", message, "quote_expired", |_| Ok(()))
        }
        Error::NoRateInForce {
            table,
            key,
            date,
            coverage,
        } => raise(py, "NoRateInForce", message, "no_rate_in_force", |k| {
            let Coverage { from, until } = *coverage;
            k.set_item("table", *table)?;
            k.set_item("key", key.as_str())?;
            k.set_item("date", *date)?;
            k.set_item("covered_from", from)?;
            // `until` is the first day no longer covered; the last covered day is the day before.
            k.set_item("covered_until", until.and_then(|u| u.pred_opt()))
        }),
        Error::UnknownSeries { table, key } => {
            raise(py, "UnknownSeries", message, "unknown_series", |k| {
                k.set_item("table", *table)?;
                k.set_item("key", key.as_str())
            })
        }
        Error::Overflow { operation } | Error::DivisionByZero { operation } => {
            raise(py, "Overflow", message, "overflow", |k| {
                k.set_item("operation", *operation)
            })
        }
        Error::TargetUnreachable {
            target,
            below,
            above,
        } => raise(
            py,
            "TargetUnreachable",
            message,
            "target_unreachable",
            |k| {
                let decimal = crate::convert::decimal_type(py)?;
                k.set_item("target", decimal.call1((target.to_string(),))?)?;
                let side = |r: &Option<Box<landed::market::Reached>>| match r {
                    Some(r) => crate::convert::result_to_py(py, r.as_ref()).map(Some),
                    None => Ok(None),
                };
                k.set_item("below", side(below)?)?;
                k.set_item("above", side(above)?)
            },
        ),
        other => {
            // The remaining kinds (off-grid amounts, endings that reach zero, amounts too
            // large to convert, …) keep the library's message and name their kind.
            let debug = format!("{other:?}");
            let name = debug.split([' ', '{', '(']).next().unwrap_or("error");
            raise(py, "LandedError", message, &snake(name), |_| Ok(()))
        }
    }
}
