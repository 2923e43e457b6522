//! `landed.Tables` (rate data: embedded, a directory, overrides) and `landed.Rates` (one day's
//! reference FX rates: embedded, the ECB's XML or CSV files, or given).

use std::path::PathBuf;
use std::sync::Arc;

use landed::fx::{RatesInput, ReferenceRates};
use landed::{NaiveDate, RateTables};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::{Value, json};

use crate::convert::{self, ToPy};
use crate::errors;

/// The tables a call runs on: the embedded dataset (static) or loaded ones.
#[derive(Debug, Clone)]
enum Source {
    Embedded(&'static RateTables),
    Loaded(Arc<RateTables>),
}

/// Rate data: VAT, duty, de minimis, customs, currencies, fee schedules and reference FX rates,
/// each row dated. Pass as `tables=` to any function; the default is `Tables.embedded()`.
#[pyclass(module = "landed", name = "Tables", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct Tables {
    source: Source,
}

impl Tables {
    /// The library's tables.
    pub(crate) fn get(&self) -> &RateTables {
        match &self.source {
            Source::Embedded(t) => t,
            Source::Loaded(t) => t,
        }
    }

    /// The embedded tables, or the data error if they are broken (ruled out by the library's
    /// tests).
    pub(crate) fn embedded_tables(py: Python<'_>) -> PyResult<&'static RateTables> {
        RateTables::embedded().map_err(|e| errors::data_error(py, e))
    }
}

/// `tables` or the embedded ones.
pub(crate) fn resolve<'a>(py: Python<'_>, tables: Option<&'a Tables>) -> PyResult<&'a RateTables> {
    match tables {
        Some(t) => Ok(t.get()),
        None => Tables::embedded_tables(py),
    }
}

fn read_text(py: Python<'_>, path: &PathBuf) -> PyResult<String> {
    py.detach(|| std::fs::read_to_string(path)).map_err(|e| {
        errors::invalid_input(py, "path", format!("cannot read {}: {e}", path.display()))
    })
}

#[pymethods]
impl Tables {
    /// The dataset compiled into the package (its version is `Tables.embedded().version`).
    #[staticmethod]
    fn embedded(py: Python<'_>) -> PyResult<Self> {
        Ok(Self {
            source: Source::Embedded(Self::embedded_tables(py)?),
        })
    }

    /// Loads a dataset directory: `MANIFEST.toml` and every file it lists, hashes checked.
    /// Raises `DataError` listing every problem with its file, line and column.
    #[staticmethod]
    fn from_dir(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let loaded = py.detach(|| RateTables::from_dir(&path));
        match loaded {
            Ok(t) => Ok(Self {
                source: Source::Loaded(Arc::new(t)),
            }),
            Err(e) => Err(errors::data_error(py, &e)),
        }
    }

    /// These tables with every series of the TOML file at `path` replacing this data's series
    /// of the same key (whole series, never single rows).
    fn with_overrides(&self, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let text = read_text(py, &path)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let base = self.get();
        let merged = py.detach(|| {
            RateTables::from_toml_str(&name, &text).map(|other| base.with_overrides(&other))
        });
        match merged {
            Ok(t) => Ok(Self {
                source: Source::Loaded(Arc::new(t)),
            }),
            Err(e) => Err(errors::data_error(py, &e)),
        }
    }

    /// The data version, e.g. `2026.11.8+sha256:ba9f5432`: results carry it as `data_version`.
    #[getter]
    fn version(&self) -> String {
        self.get().version().to_string()
    }

    /// The day the dataset was last checked against its sources (`None` for an inline file).
    #[getter]
    fn as_of(&self) -> Option<NaiveDate> {
        self.get().version().as_of
    }

    /// The last day the rates are verified (`as_of` plus the manifest's horizon).
    #[getter]
    fn verified_until(&self) -> Option<NaiveDate> {
        self.get().verified_until()
    }

    /// Every fee schedule id of the data (`provider/category[/REGION]`).
    fn fee_schedule_ids(&self) -> Vec<String> {
        self.get().fee_schedule_ids()
    }

    fn __repr__(&self) -> String {
        format!("<landed.Tables {}>", self.get().version())
    }
}

/// One day's reference FX rates against a pivot (the ECB's: EUR). Pass as `rates=` to
/// `landed.reprice` or `landed.Repricer`; the default is the embedded ECB table in force on
/// the request's `now` (or the newest).
#[pyclass(module = "landed", name = "Rates", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct Rates {
    pub(crate) inner: Arc<ReferenceRates>,
}

impl Rates {
    /// The table as the wire format's `rates` object.
    pub(crate) fn wire(&self) -> Value {
        let r = &self.inner;
        let rates: serde_json::Map<String, Value> = r
            .rates()
            .map(|(c, v)| (c.code().to_owned(), Value::String(v.to_string())))
            .collect();
        json!({
            "pivot": r.pivot().code(),
            "as_of": r.as_of().format("%Y-%m-%d").to_string(),
            "source": r.source(),
            "rates": rates,
        })
    }
}

#[pymethods]
impl Rates {
    /// A table given as values: `Rates("EUR", date(2025, 4, 3), "ECB", {"USD": Decimal("1.1097")})`.
    #[new]
    fn new(
        py: Python<'_>,
        pivot: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
        source: &Bound<'_, PyAny>,
        rates: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let obj = PyDict::new(py);
        obj.set_item("pivot", pivot)?;
        obj.set_item("as_of", as_of)?;
        obj.set_item("source", source)?;
        obj.set_item("rates", rates)?;
        let text = convert::value_json(obj.as_any(), "rates")?;
        let input: RatesInput = serde_json::from_str(&text)
            .map_err(|e| errors::invalid_input(py, "rates", e.to_string()))?;
        let table = input
            .to_reference_rates()
            .map_err(|e| errors::error(py, &e))?;
        Ok(Self {
            inner: Arc::new(table),
        })
    }

    /// The newest day of an ECB XML file (`eurofxref-daily.xml`, the 90-day or the history
    /// file). Raises `MalformedRates` with the line of a problem.
    #[staticmethod]
    fn from_ecb_xml(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let text = read_text(py, &path)?;
        let table = py
            .detach(|| ReferenceRates::from_ecb_xml(&text))
            .map_err(|e| errors::error(py, &e))?;
        Ok(Self {
            inner: Arc::new(table),
        })
    }

    /// The newest day of an ECB CSV file (`eurofxref.csv` or a history file).
    #[staticmethod]
    fn from_ecb_csv(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let text = read_text(py, &path)?;
        let table = py
            .detach(|| ReferenceRates::from_ecb_csv(&text))
            .map_err(|e| errors::error(py, &e))?;
        Ok(Self {
            inner: Arc::new(table),
        })
    }

    /// The embedded ECB table published on or before `on` (the newest when `on` is None).
    #[staticmethod]
    #[pyo3(signature = (on=None, *, tables=None))]
    fn embedded(py: Python<'_>, on: Option<NaiveDate>, tables: Option<&Tables>) -> PyResult<Self> {
        let t = resolve(py, tables)?;
        let table = match on {
            Some(day) => t.reference_rates(landed::fx::DEFAULT_RATE_SOURCE, day),
            None => t.latest_reference_rates(landed::fx::DEFAULT_RATE_SOURCE),
        }
        .map_err(|e| errors::error(py, &e))?;
        Ok(Self {
            inner: Arc::clone(table),
        })
    }

    /// The pivot currency (rate 1).
    #[getter]
    fn pivot(&self) -> &'static str {
        self.inner.pivot().code()
    }

    /// The publication date.
    #[getter]
    fn as_of(&self) -> NaiveDate {
        self.inner.as_of()
    }

    /// The publisher, e.g. `ECB`.
    #[getter]
    fn source(&self) -> String {
        self.inner.source().to_owned()
    }

    /// `{currency: Decimal}`, the units of each currency that one pivot unit buys.
    #[getter]
    fn rates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let mut to_py = ToPy::new(py)?;
        let out = PyDict::new(py);
        for (c, v) in self.inner.rates() {
            out.set_item(PyString::new(py, c.code()), to_py.decimal(&v.to_string())?)?;
        }
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!(
            "<landed.Rates {} {} pivot {}>",
            self.inner.source(),
            self.inner.as_of(),
            self.inner.pivot().code()
        )
    }
}
