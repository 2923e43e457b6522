//! Integer columns in and out without a Python object per value: an int64 NumPy array (read
//! in place when contiguous) or a PyArrow `Int64Array`/`ChunkedArray` (read through its
//! zero-copy NumPy view; nulls stay null). The computation runs with the GIL released.

use numpy::{PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors;

/// Which kind of column came in, so the same kind goes out.
#[derive(Debug)]
pub(crate) enum Column<'py> {
    /// A NumPy array.
    Numpy,
    /// A PyArrow array, with its null mask (a NumPy bool array) when it has nulls.
    Arrow {
        mask: Option<Bound<'py, PyAny>>,
        /// A `ChunkedArray` came in (its chunks combined); one goes out.
        chunked: bool,
    },
}

/// An int64 column as a one-dimensional NumPy array (the array itself, or PyArrow's zero-copy
/// view with nulls read as 0) and its kind; `field` names it in errors. With `widen`, int32
/// columns (Arrow list offsets) are accepted and widened.
///
/// # Errors
/// `landed.InvalidType` for anything but an int64 NumPy or PyArrow column.
pub(crate) fn int64_view<'py>(
    obj: &Bound<'py, PyAny>,
    field: &str,
    widen: bool,
) -> PyResult<(Bound<'py, PyArray1<i64>>, Column<'py>)> {
    let py = obj.py();
    if let Ok(a) = obj.cast::<PyArray1<i64>>() {
        return Ok((a.clone(), Column::Numpy));
    }
    if let Ok(a) = obj.cast::<PyUntypedArray>() {
        if widen && a.ndim() == 1 && a.dtype().to_string() == "int32" {
            let wide = obj.call_method1("astype", ("int64",))?;
            return int64_view(&wide, field, false);
        }
        return Err(errors::invalid_type(
            py,
            field,
            format!(
                "a NumPy array of dtype {} with {} dimension(s); pass a one-dimensional int64 array of minor units (never floats)",
                a.dtype(),
                a.ndim()
            ),
        ));
    }
    if is_arrow(obj)? {
        let chunked = obj.hasattr("combine_chunks")?;
        let obj = if chunked {
            obj.call_method0("combine_chunks")?
        } else {
            obj.clone()
        };
        let pa_types = py.import("pyarrow.types")?;
        let ty = obj.getattr("type")?;
        let int64 = pa_types.call_method1("is_int64", (&ty,))?.is_truthy()?;
        let int32 = widen && pa_types.call_method1("is_int32", (&ty,))?.is_truthy()?;
        if !int64 && !int32 {
            return Err(errors::invalid_type(
                py,
                field,
                format!(
                    "a PyArrow array of type {ty}; pass int64 minor units (pyarrow.compute.cast(prices, \"int64\") after scaling; never floats)"
                ),
            ));
        }
        let nulls: usize = obj.getattr("null_count")?.extract()?;
        let (filled, mask) = if nulls > 0 {
            let kwargs = PyDict::new(py);
            kwargs.set_item("zero_copy_only", false)?;
            let mask = obj
                .call_method0("is_null")?
                .call_method("to_numpy", (), Some(&kwargs))?;
            (obj.call_method1("fill_null", (0,))?, Some(mask))
        } else {
            (obj, None)
        };
        let np = filled.call_method0("to_numpy")?;
        let (view, _) = int64_view(&np, field, widen)?;
        return Ok((view, Column::Arrow { mask, chunked }));
    }
    Err(errors::invalid_type(
        py,
        field,
        format!(
            "a {} is not a column; pass an int64 NumPy array or PyArrow array of minor units",
            obj.get_type().name()?
        ),
    ))
}

/// Applies `f` to an int64 column into a new column of the same length and kind, with the
/// GIL released while `f` runs (other Python threads go on). A contiguous NumPy input is
/// read in place; Python code must not write to it during the call.
///
/// # Errors
/// As [`int64_view`]; `f`'s error as the matching `landed` exception.
pub(crate) fn map_int64<'py>(
    obj: &Bound<'py, PyAny>,
    field: &str,
    f: impl Fn(&[i64], &mut [i64]) -> Result<(), landed::Error> + Send + Sync,
) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let (view, kind) = int64_view(obj, field, false)?;
    let ro = view.readonly();
    let copied;
    let input: &[i64] = match ro.as_slice() {
        Ok(s) => s,
        Err(_) => {
            copied = ro.as_array().iter().copied().collect::<Vec<i64>>();
            &copied
        }
    };
    let mut out = vec![0i64; input.len()];
    py.detach(|| f(input, &mut out))
        .map_err(|e| errors::error(py, &e))?;
    int64_column(py, out, kind)
}

/// Whether `obj` is a PyArrow array or chunked array.
fn is_arrow(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let module: String = obj.get_type().getattr("__module__")?.extract()?;
    Ok(module.starts_with("pyarrow")
        && obj.hasattr("type")?
        && obj.hasattr("null_count")?
        && obj.hasattr("to_numpy")?)
}

/// `values` as a column of the kind that came in.
pub(crate) fn int64_column<'py>(
    py: Python<'py>,
    values: Vec<i64>,
    kind: Column<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let np = PyArray1::from_vec(py, values).into_any();
    match kind {
        Column::Numpy => Ok(np),
        Column::Arrow { mask, chunked } => {
            let pa = py.import("pyarrow")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("type", pa.call_method0("int64")?)?;
            if let Some(m) = mask {
                kwargs.set_item("mask", m)?;
            }
            let array = pa.call_method("array", (np,), Some(&kwargs))?;
            if chunked {
                pa.call_method1("chunked_array", (vec![array],))
            } else {
                Ok(array)
            }
        }
    }
}
