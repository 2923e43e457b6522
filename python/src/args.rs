//! Keyword arguments of the classes: decimals, codes, instants and wire-format objects, each
//! refused with the argument's name.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use landed::Decimal;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyString};
use serde::de::DeserializeOwned;

use crate::convert;
use crate::errors;

/// A `Decimal`, `str` or `int` argument as a `Decimal`; a `float` is a `TypeError`.
pub(crate) fn decimal(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Decimal> {
    let py = obj.py();
    if obj.is_instance_of::<PyFloat>() {
        return Err(convert::float_error(py, field, obj));
    }
    if obj.is_instance_of::<PyInt>() {
        let i: i64 = obj.extract().map_err(|_| {
            errors::invalid_input(py, field, "the integer is beyond 64 bits; pass a str")
        })?;
        return Ok(Decimal::from(i));
    }
    let text = if obj.is_instance_of::<PyString>() {
        obj.cast::<PyString>()?.to_cow()?.into_owned()
    } else if obj.is_instance(convert::decimal_type(py)?)? {
        obj.call_method1("__format__", ("f",))?
            .cast::<PyString>()?
            .to_cow()?
            .into_owned()
    } else {
        return Err(errors::invalid_type(
            py,
            field,
            format!(
                "a {} is not a decimal; pass a decimal.Decimal or a str such as \"12.50\"",
                obj.get_type().name()?
            ),
        ));
    };
    Decimal::from_str(text.trim()).map_err(|_| {
        errors::invalid_input(
            py,
            field,
            format!(
                "invalid decimal {text:?}; give digits with an optional sign and decimal point"
            ),
        )
    })
}

/// A code (currency, rounding mode, …) parsed by the library, errors naming `field`.
pub(crate) fn code<T: FromStr<Err = landed::Error>>(
    py: Python<'_>,
    text: &str,
    field: &str,
) -> PyResult<T> {
    text.parse::<T>()
        .map_err(|e| errors::invalid_input(py, field, e.to_string()))
}

/// An aware `datetime` or RFC 3339 text as a UTC instant.
pub(crate) fn instant(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<DateTime<Utc>> {
    wire(obj, field)
}

/// A Python value (dict, list, str, …) read as the wire type `T` through its JSON text;
/// errors name `field`.
pub(crate) fn wire<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<T> {
    let py = obj.py();
    let text = convert::value_json(obj, field)?;
    serde_json::from_str(&text).map_err(|e| {
        let msg = e.to_string();
        // serde_json's position is in the generated text, which the caller never saw.
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m)
            .to_owned();
        errors::invalid_input(py, field, msg)
    })
}
