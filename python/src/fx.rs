//! `landed.Repricer`: one FX policy prepared once, then catalogues of prices in minor units
//! repriced with the GIL released.

use std::sync::Arc;

use landed::fx::{EndingChoice, EndingInput, FxPolicy, RatesInput, StalenessPolicy};
use landed::{Bps, Currency, RoundingMode};
use pyo3::prelude::*;

use crate::convert::ToPy;
use crate::tables::{Rates, Tables, resolve};
use crate::{args, columns, errors};

/// An FX policy (target currency, markup, rounding, ending) prepared against one table of
/// reference rates. `reprice_minor` reprices a column of prices in minor units exactly as
/// `landed.reprice` would price each one.
#[pyclass(module = "landed", name = "Repricer", frozen)]
#[derive(Debug)]
pub(crate) struct Repricer {
    inner: landed::fx::Repricer,
    rates: Rates,
}

#[pymethods]
impl Repricer {
    #[new]
    #[pyo3(signature = (to, *, markup_bps=None, rounding=None, ending=None, rates=None, now=None,
                        max_age_days=None, staleness=None, tables=None))]
    #[allow(
        clippy::too_many_arguments,
        reason = "keyword arguments of the Python class"
    )]
    fn new(
        py: Python<'_>,
        to: &str,
        markup_bps: Option<&Bound<'_, PyAny>>,
        rounding: Option<&str>,
        ending: Option<&Bound<'_, PyAny>>,
        rates: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
        max_age_days: Option<u32>,
        staleness: Option<&str>,
        tables: Option<&Tables>,
    ) -> PyResult<Self> {
        let to: Currency = args::code(py, to, "to")?;
        let t = resolve(py, tables)?;
        let now = now.map(|n| args::instant(n, "now")).transpose()?;
        let rates = match rates {
            Some(r) => match r.cast::<Rates>() {
                Ok(r) => r.get().clone(),
                Err(_) => {
                    let input: RatesInput = args::wire(r, "rates")?;
                    let table = input
                        .to_reference_rates()
                        .map_err(|e| errors::error(py, &e))?;
                    Rates {
                        inner: Arc::new(table),
                    }
                }
            },
            None => {
                let source = landed::fx::DEFAULT_RATE_SOURCE;
                let table = match now {
                    Some(n) => t.reference_rates(source, n.date_naive()),
                    None => t.latest_reference_rates(source),
                }
                .map_err(|e| errors::error(py, &e))?;
                Rates {
                    inner: Arc::clone(table),
                }
            }
        };
        let markup = match markup_bps {
            Some(m) => args::decimal(m, "markup_bps")?,
            None => landed::Decimal::ZERO,
        };
        let mut policy = FxPolicy::new(to).with_markup(Bps::new(markup));
        if let Some(r) = rounding {
            policy = policy.with_rounding(args::code::<RoundingMode>(py, r, "rounding")?);
        }
        if let Some(s) = staleness {
            let s: StalenessPolicy =
                serde_json::from_value(serde_json::Value::from(s)).map_err(|_| {
                    errors::invalid_input(
                        py,
                        "staleness",
                        format!("{s:?} is not a staleness policy; give \"error\" or \"warn\""),
                    )
                })?;
            policy = policy.with_staleness(s);
        }
        if let Some(d) = max_age_days {
            policy = policy.with_max_age_days(d);
        }
        if let Some(e) = ending {
            let e: EndingInput = args::wire(e, "ending")?;
            policy = policy.with_ending(EndingChoice::from(e));
        }
        let inner = landed::fx::Repricer::new(t, Arc::clone(&rates.inner), &policy, now)
            .map_err(|e| errors::error(py, &e))?;
        Ok(Self { inner, rates })
    }

    /// Reprices `prices`, integer minor units of `currency` (cents for USD, yen for JPY), into
    /// minor units of the target: an int64 NumPy array gives a NumPy array, a PyArrow array a
    /// PyArrow array (nulls stay null). Each price equals what `landed.reprice` gives for it.
    /// The GIL is released during the computation.
    fn reprice_minor<'py>(
        &self,
        prices: &Bound<'py, PyAny>,
        currency: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let from: Currency = args::code(prices.py(), currency, "currency")?;
        columns::map_int64(prices, "prices", |input, out| {
            self.inner.reprice_minor_into(from, input, out)
        })
    }

    /// One amount (a `Decimal` or `str`) in `currency`, repriced: rounded to the target's
    /// minor unit and ended, as each price of `reprice_minor`.
    fn amount<'py>(
        &self,
        py: Python<'py>,
        amount: &Bound<'py, PyAny>,
        currency: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let from: Currency = args::code(py, currency, "currency")?;
        let a = args::decimal(amount, "amount")?;
        let v = self
            .inner
            .amount(a, from)
            .map_err(|e| errors::error(py, &e))?;
        ToPy::new(py)?.decimal(&v.to_string())
    }

    /// The target currency's number of decimals (the scale of `reprice_minor`'s output).
    #[getter]
    fn scale(&self) -> u32 {
        self.inner.scale()
    }

    /// The reference rates used.
    #[getter]
    fn rates(&self) -> Rates {
        self.rates.clone()
    }

    /// Warnings (rates whose age was not checked because no `now` was given, stale rates
    /// under `staleness="warn"`).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    /// The version of the data the currency metadata and endings came from.
    #[getter]
    fn data_version(&self) -> String {
        self.inner.data_version().to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "<landed.Repricer {} {} scale {}>",
            self.rates.inner.source(),
            self.rates.inner.as_of(),
            self.inner.scale()
        )
    }
}
