//! `landed.FeeSchedule`: a fee schedule validated once, evaluated on one input or on columns
//! of events (one batch, or one fee per group such as a seller's month) with the GIL released.

use landed::data::{FeeSchedule as Schedule, ScheduleSpec};
use landed::fees::FeeInput;
use landed::{Decimal, NaiveDate};
use numpy::PyArrayMethods;
use pyo3::prelude::*;

use crate::convert;
use crate::tables::{Tables, resolve};
use crate::{args, columns, errors};

/// A validated fee schedule: inline (`FeeSchedule({"mode": "percentage", ...})`, the wire
/// format's `schedule` object) or named in the data (`FeeSchedule.named(id, date)`).
#[pyclass(module = "landed", name = "FeeSchedule", frozen)]
#[derive(Debug)]
pub(crate) struct FeeSchedule {
    inner: Schedule,
    scale: u32,
}

impl FeeSchedule {
    fn wrap(py: Python<'_>, inner: Schedule) -> PyResult<Self> {
        let scale = inner
            .currency()
            .minor_unit_scale()
            .map_err(|e| errors::error(py, &e))?;
        Ok(Self { inner, scale })
    }

    fn scale_arg(&self, scale: Option<u32>) -> u32 {
        scale.unwrap_or(self.scale)
    }
}

/// A total rounded to `scale` decimals as an integer of minor units.
fn minor_units(total: Decimal, scale: u32) -> Result<i64, landed::Error> {
    let mut t = total;
    t.rescale(scale);
    if t != total {
        return Err(landed::Error::Overflow {
            operation: "fee total in minor units",
        });
    }
    i64::try_from(t.mantissa()).map_err(|_| landed::Error::Overflow {
        operation: "fee total in minor units",
    })
}

#[pymethods]
impl FeeSchedule {
    /// An inline schedule: a `dict` (or JSON text) in the wire format of a fee request's
    /// `schedule`.
    #[new]
    fn new(py: Python<'_>, spec: &Bound<'_, PyAny>) -> PyResult<Self> {
        let spec: ScheduleSpec = args::wire(spec, "schedule")?;
        let inner = spec
            .compile("schedule")
            .map_err(|e| errors::error(py, &e))?;
        Self::wrap(py, inner)
    }

    /// The schedule `id` (`provider/category[/REGION]`) of the data in force on `date`.
    #[staticmethod]
    #[pyo3(signature = (id, date, *, tables=None))]
    fn named(
        py: Python<'_>,
        id: &str,
        date: &Bound<'_, PyAny>,
        tables: Option<&Tables>,
    ) -> PyResult<Self> {
        let date: NaiveDate = args::wire(date, "date")?;
        let t = resolve(py, tables)?;
        let rec = t
            .fee_schedule(id, date)
            .map_err(|e| errors::error(py, &e))?;
        Self::wrap(py, rec.schedule.clone())
    }

    /// The fee's currency.
    #[getter]
    fn currency(&self) -> &'static str {
        self.inner.currency().code()
    }

    /// The currency's number of decimals: the default scale of the minor-unit columns.
    #[getter]
    fn scale(&self) -> u32 {
        self.scale
    }

    /// Evaluates the schedule on one input (as a fee request's `quantity`, `events`,
    /// `period_volume`, `previous_quantity`); returns the result `dict` of `landed.fees`.
    #[pyo3(signature = (*, quantity=None, events=None, period_volume=None, previous_quantity=None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        quantity: Option<&Bound<'py, PyAny>>,
        events: Option<&Bound<'py, PyAny>>,
        period_volume: Option<&Bound<'py, PyAny>>,
        previous_quantity: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut input = FeeInput::new();
        if let Some(q) = quantity {
            input.quantity = Some(args::decimal(q, "quantity")?);
        }
        if let Some(ev) = events {
            for (i, e) in ev.try_iter()?.enumerate() {
                input = input.event(args::decimal(&e?, &format!("events[{i}]"))?);
            }
        }
        if let Some(v) = period_volume {
            input = input.period_volume(args::decimal(v, "period_volume")?);
        }
        if let Some(q) = previous_quantity {
            input = input.previous_quantity(args::decimal(q, "previous_quantity")?);
        }
        let r = self
            .inner
            .evaluate(&input)
            .map_err(|e| errors::error(py, &e))?;
        convert::result_to_py(py, &r)
    }

    /// Evaluates one batch of events given as a column of minor units (`scale` decimals,
    /// default the currency's): an int64 NumPy or PyArrow array, read without a Python object
    /// per value, with the GIL released. Returns the totals `dict` (`total`, `unrounded`,
    /// `tiers`, `adjustments`, `min_capped`, `max_capped`, …; per-event fees are left out).
    #[pyo3(signature = (events, *, period_volume=None, scale=None))]
    fn evaluate_batch<'py>(
        &self,
        py: Python<'py>,
        events: &Bound<'py, PyAny>,
        period_volume: Option<&Bound<'py, PyAny>>,
        scale: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scale = self.scale_arg(scale);
        let (view, _) = columns::int64_view(events, "events", false)?;
        let ro = view.readonly();
        let values = ro.as_array().iter().copied().collect::<Vec<i64>>();
        let volume = period_volume
            .map(|v| args::decimal(v, "period_volume"))
            .transpose()?;
        if scale > 28 {
            return Err(errors::invalid_input(
                py,
                "scale",
                format!("scale {scale} is above 28"),
            ));
        }
        let amounts = py.detach(|| {
            values
                .iter()
                .map(|v| Decimal::try_new(*v, scale))
                .collect::<Result<Vec<_>, _>>()
        });
        let amounts = amounts.map_err(|_| {
            errors::invalid_input(py, "scale", format!("scale {scale} is above 28"))
        })?;
        let mut input = FeeInput::events(amounts);
        if let Some(v) = volume {
            input = input.period_volume(v);
        }
        let r = py
            .detach(|| self.inner.evaluate_batch(&input))
            .map_err(|e| errors::error(py, &e))?;
        let out = convert::result_to_py(py, &r)?;
        // The lean result: per-event fees are not turned into a Python object each.
        if let Ok(d) = out.cast::<pyo3::types::PyDict>() {
            d.del_item("fees")?;
        }
        Ok(out)
    }

    /// One fee per group: `amounts` holds every group's events in order, in minor units
    /// (`scale` decimals, default the currency's); group `i` is
    /// `amounts[offsets[i]:offsets[i + 1]]` (the layout of an Arrow list column: its `values`
    /// and `offsets`). `period_volumes`, when given, is each group's volume before its events,
    /// in the same minor units. Returns each group's total in minor units of the currency, as
    /// a column of the kind of `amounts`. The GIL is released during the computation.
    #[pyo3(signature = (amounts, offsets, *, period_volumes=None, scale=None))]
    fn evaluate_groups<'py>(
        &self,
        py: Python<'py>,
        amounts: &Bound<'py, PyAny>,
        offsets: &Bound<'py, PyAny>,
        period_volumes: Option<&Bound<'py, PyAny>>,
        scale: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scale = self.scale_arg(scale);
        if scale > 28 {
            return Err(errors::invalid_input(
                py,
                "scale",
                format!("scale {scale} is above 28"),
            ));
        }
        let (a_view, kind) = columns::int64_view(amounts, "amounts", false)?;
        let (o_view, _) = columns::int64_view(offsets, "offsets", true)?;
        let a_ro = a_view.readonly();
        let o_ro = o_view.readonly();
        let a: Vec<i64> = a_ro.as_array().iter().copied().collect();
        let o: Vec<i64> = o_ro.as_array().iter().copied().collect();
        let volumes: Option<Vec<i64>> = match period_volumes {
            Some(v) => {
                let (view, _) = columns::int64_view(v, "period_volumes", false)?;
                let ro = view.readonly();
                Some(ro.as_array().iter().copied().collect())
            }
            None => None,
        };
        let groups = o.len().saturating_sub(1);
        if let Some(v) = volumes.as_ref().filter(|v| v.len() != groups) {
            return Err(errors::invalid_input(
                py,
                "period_volumes",
                format!(
                    "{} volumes for {groups} groups; give one per group",
                    v.len()
                ),
            ));
        }
        let minor = self.scale;
        let totals = py.detach(|| -> Result<Vec<i64>, landed::Error> {
            let mut totals = Vec::with_capacity(groups);
            for (g, w) in o.windows(2).enumerate() {
                let (Some(&start), Some(&end)) = (w.first(), w.get(1)) else {
                    continue;
                };
                let slice = usize::try_from(start)
                    .ok()
                    .zip(usize::try_from(end).ok())
                    .and_then(|(s, e)| a.get(s..e))
                    .ok_or_else(|| {
                        landed::Error::InvalidInput {
                            field: format!("offsets[{g}]"),
                            reason: format!(
                                "offsets {start}..{end} are outside the {} amounts or decreasing; give the offsets of a list column",
                                a.len()
                            ),
                        }
                    })?;
                let events = slice
                    .iter()
                    .map(|v| Decimal::try_new(*v, scale))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| landed::Error::Overflow { operation: "event amount" })?;
                let mut input = FeeInput::events(events);
                if let Some(v) = volumes.as_ref().and_then(|v| v.get(g)) {
                    let v = Decimal::try_new(*v, scale)
                        .map_err(|_| landed::Error::Overflow { operation: "period volume" })?;
                    input = input.period_volume(v);
                }
                let r = self.inner.evaluate_batch(&input).map_err(|e| match e {
                    landed::Error::InvalidInput { field, reason } => landed::Error::InvalidInput {
                        field: format!("groups[{g}].{field}"),
                        reason,
                    },
                    other => other,
                })?;
                totals.push(minor_units(r.total, minor)?);
            }
            Ok(totals)
        });
        let totals = totals.map_err(|e| errors::error(py, &e))?;
        columns::int64_column(py, totals, kind)
    }

    fn __repr__(&self) -> String {
        format!("<landed.FeeSchedule {}>", self.inner.currency().code())
    }
}
