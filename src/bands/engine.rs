//! The pipeline: [`band`] and [`band_with_fees`] run the documented steps in order, each in its
//! own module, and collect the trace.

use rust_decimal::Decimal;

use super::grid::{bad, ovf};
use super::request::BandRequest;
use super::result::BandResult;
use super::trace::Trace;
use super::{
    ending, exclude, invariants, limits, normalise, profit, reference, scenarios, step_limit,
    target, validate,
};
use crate::data::{FeeSchedule, FeeScheduleRecord, RateTables};
use crate::error::Error;

/// The price as the steps move it, and what moved it last.
#[derive(Debug, Clone, Copy)]
pub(super) struct Decision {
    /// The price so far.
    pub(super) price: Decimal,
    /// What decided it (see [`BandResult::binding`]).
    pub(super) binding: &'static str,
    /// The target item price, when there was one.
    pub(super) target: Option<Decimal>,
    /// Whether the band moved the price past the step limit.
    pub(super) forced: bool,
}

impl Decision {
    /// A price decided by `binding`, not forced.
    pub(super) const fn new(
        price: Decimal,
        binding: &'static str,
        target: Option<Decimal>,
    ) -> Self {
        Self {
            price,
            binding,
            target,
            forced: false,
        }
    }
}

/// Sets a band price for `req`, explaining every step.
///
/// # Errors
/// [`Error::InvalidInput`] naming the field: no `max_price`, a negative amount, a floor above
/// the ceiling, no price in the band meeting the minimum profit and margin, a fee schedule in
/// another currency, an offer in a currency without a rate, a strategy missing its amount,
/// position or count, a filter needing `now`; and an error rather than a price whenever a
/// final invariant fails.
pub fn band<'r>(tables: &'r RateTables, req: &'r BandRequest) -> Result<BandResult<'r>, Error> {
    match (&req.fees, &req.fee_schedule_id) {
        (Some(_), Some(_)) => Err(bad(
            "fee_schedule_id",
            "give either fees or fee_schedule_id, not both",
        )),
        (Some(spec), None) => {
            let fees = spec.compile("fees")?;
            run(tables, req, Some(&fees), None)
        }
        (None, Some(id)) => {
            let day = req
                .now
                .ok_or_else(|| {
                    bad(
                        "now",
                        "fee_schedule_id needs now: the schedule in force on its date is used",
                    )
                })?
                .date_naive();
            let record = tables
                .fee_schedule(id, day)
                .map_err(|e| bad("fee_schedule_id", e.to_string()))?;
            run(tables, req, Some(record.schedule), Some((id, record)))
        }
        (None, None) => run(tables, req, None, None),
    }
}

/// [`band`] with the fee schedule already validated (a repricer that sets many prices under
/// one schedule validates it once); `fees` replaces the request's `fees`.
///
/// # Errors
/// As [`band`].
pub fn band_with_fees<'r>(
    tables: &'r RateTables,
    req: &'r BandRequest,
    fees: Option<&FeeSchedule>,
) -> Result<BandResult<'r>, Error> {
    run(tables, req, fees, None)
}

/// The pipeline; `named` is the data's schedule when the request named one (for the trace).
/// The band comes first, since every later step is bounded by it; then the steps in their
/// documented order.
fn run<'r>(
    tables: &'r RateTables,
    req: &'r BandRequest,
    fees: Option<&FeeSchedule>,
    named: Option<(&'r str, FeeScheduleRecord<'r>)>,
) -> Result<BandResult<'r>, Error> {
    let scale = req.currency.minor_unit_scale()?;
    let mut trace = Trace::with_capacity(req.competitors.len().saturating_add(8));
    let ceiling = validate::request(req, fees)?;
    // 5. The band.
    let band = limits::band(req, fees, named, ceiling, scale, &mut trace)?;
    // 1–2. Normalise and exclude.
    let mut excluded = Vec::new();
    let mut offers = normalise::offers(req, scale, &mut excluded, &mut trace)?;
    exclude::outliers(req, &mut offers, &mut excluded, &mut trace, scale)?;
    // 3. Reference; 4. target, or 6. the scenario that replaces it; 5. clamped into the band.
    let own_landed = req
        .current_price
        .checked_add(req.own_shipping)
        .ok_or_else(ovf)?;
    let kept = reference::kept(req, &offers);
    let reference = reference::take(req, &offers, scale)?;
    let mut d = match reference {
        None => scenarios::no_competitors(req, &band, kept, &mut trace),
        Some(r) => {
            reference::trace(req, kept, r, &mut trace);
            match scenarios::already_lowest(req, &offers, r, own_landed, scale, &mut trace)? {
                Some(d) => d,
                None => target::aim(req, r, scale, &mut trace)?,
            }
        }
    };
    band.clamp(&mut d, &mut trace);
    // 7–8. Cool-down and step limit; the band wins over both.
    let step = step_limit::step_limit(req, scale)?;
    step.apply(req, &mut d, &mut trace);
    band.enforce(&mut d, &mut trace);
    // 9. Ending, inside the band and the step limit; then no price in a fee cliff's dead zone.
    let window = band.window(&step, d.forced);
    ending::ending(req, &mut d, window, scale, &mut trace)?;
    profit::out_of_dead_zone(req, &band, &mut d, window, &mut trace)?;
    // 10. Invariants, checked on the output.
    invariants::check(req, &band, &step, &d, scale)?;
    Ok(BandResult {
        price: d.price,
        changed: d.price != req.current_price,
        floor: band.floor,
        ceiling: band.ceiling,
        cost_floor: band.cost_floor,
        reference,
        target: d.target,
        binding: d.binding,
        excluded,
        trace: trace.0,
        data_version: tables.version().clone(),
    })
}
