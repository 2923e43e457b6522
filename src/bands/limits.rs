//! Step 5, the band: `[floor, ceiling]` with floor = max(`min_price`, `map`, cost floor). It is
//! computed before the offers are read, since every later step is bounded by it; it clamps the
//! target, and after the cool-down and the step limit it wins over both.

use rust_decimal::{Decimal, RoundingStrategy};

use super::engine::Decision;
use super::floor::{FloorInput, cost_floor};
use super::grid::{amount, bad, ovf, round};
use super::request::BandRequest;
use super::step_limit::StepLimit;
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::data::{FeeSchedule, FeeScheduleRecord};
use crate::error::Error;

/// The band and what its floor was solved from.
#[derive(Debug)]
pub(super) struct Band<'f> {
    /// max(`min_price`, `map`, cost floor).
    pub(super) floor: Decimal,
    /// `max_price`.
    pub(super) ceiling: Decimal,
    /// The smallest price meeting the minimum profit and margin after fees (or the costs).
    pub(super) cost_floor: Decimal,
    /// Costs, fees and minimums: what a price must meet (see [`super::qualifies`]).
    pub(super) input: FloorInput<'f>,
}

/// The band of `req` under `fees` (`named`: the data's schedule, for the trace).
///
/// # Errors
/// No price up to the ceiling meets the minimums, or the floor is above the ceiling.
pub(super) fn band<'r, 'f>(
    req: &'r BandRequest,
    fees: Option<&'f FeeSchedule>,
    named: Option<(&'r str, FeeScheduleRecord<'r>)>,
    ceiling: Decimal,
    scale: u32,
    trace: &mut Trace<'r>,
) -> Result<Band<'f>, Error> {
    let unit = Decimal::new(1, scale);
    let costs = req
        .unit_cost
        .checked_add(req.other_costs)
        .and_then(|v| v.checked_add(req.landed_cost))
        .ok_or_else(ovf)?;
    let mut input = FloorInput::new(costs, unit, ceiling, scale);
    if let Some(f) = fees {
        input = input.with_fees(f);
    }
    input.min_profit = req.min_profit;
    input.min_margin_percent = req.min_margin_percent;
    let (cf, cf_rule) = if req.min_profit.is_some()
        || req.min_margin_percent.is_some()
        || fees.is_some()
    {
        let cf = cost_floor(&input)?.price;
        (
            cf,
            Note::one(
                "cost floor {}: the lowest price meeting the minimum profit and margin after the fee schedule",
                Arg::Amount(cf),
            ),
        )
    } else {
        // Without minimums the floor is the costs themselves (never sell below cost).
        let cf = round(costs, scale, RoundingStrategy::ToPositiveInfinity).max(unit);
        (
            cf,
            Note::one("cost floor {}: the costs, rounded up", Arg::Amount(cf)),
        )
    };
    let floor = [Some(cf), req.min_price, req.map]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(cf);
    if let Some((id, record)) = named {
        trace_schedule(id, &record, trace);
    }
    trace.push(
        "band",
        Note::three(
            "costs {}, min_price {}, map {}",
            Arg::Amount(costs),
            Arg::Maybe(req.min_price),
            Arg::Maybe(req.map),
        ),
        Note::two("[{}, {}]", Arg::Amount(floor), Arg::Amount(ceiling)),
        cf_rule,
        "band",
    );
    if floor > ceiling {
        return Err(bad(
            "max_price",
            format!("the floor {floor} (cost floor {cf}) is above the ceiling {ceiling}"),
        ));
    }
    Ok(Band {
        floor,
        ceiling,
        cost_floor: cf,
        input,
    })
}

/// The trace of a fee schedule taken from the data: its id, period and source.
fn trace_schedule<'r>(id: &'r str, record: &FeeScheduleRecord<'r>, trace: &mut Trace<'r>) {
    trace.push(
        "fees",
        Note::one("fee_schedule_id {}", Arg::Text(id)),
        match record.period.until {
            Some(until) => Note::two(
                "the row in force from {}, replaced on {}",
                Arg::Date(record.period.from),
                Arg::Date(until),
            ),
            None => Note::one("the row in force from {}", Arg::Date(record.period.from)),
        },
        Note::one("source: {}", Arg::Text(record.source)),
        "data",
    );
}

impl Band<'_> {
    /// Clamps the target into the band (a target below the floor becomes the floor).
    pub(super) fn clamp(&self, d: &mut Decision, trace: &mut Trace<'_>) {
        if d.price < self.floor {
            trace.push(
                "band",
                amount(d.price),
                amount(self.floor),
                Note::text("below the floor"),
                "floor",
            );
            d.price = self.floor;
            d.binding = "floor";
        } else if d.price > self.ceiling {
            trace.push(
                "band",
                amount(d.price),
                amount(self.ceiling),
                Note::text("above the ceiling"),
                "ceiling",
            );
            d.price = self.ceiling;
            d.binding = "ceiling";
        }
    }

    /// After the cool-down and the step limit: the band wins over both. Sets `d.forced` when
    /// it moved the price.
    pub(super) fn enforce(&self, d: &mut Decision, trace: &mut Trace<'_>) {
        if d.price < self.floor {
            trace.push(
                "band",
                amount(d.price),
                amount(self.floor),
                Note::text("the floor wins over the step limit and cool-down"),
                "floor",
            );
            d.price = self.floor;
            d.binding = "floor";
            d.forced = true;
        } else if d.price > self.ceiling {
            trace.push(
                "band",
                amount(d.price),
                amount(self.ceiling),
                Note::text("the ceiling wins over the step limit and cool-down"),
                "ceiling",
            );
            d.price = self.ceiling;
            d.binding = "ceiling";
            d.forced = true;
        }
    }

    /// Where the ending and the minimums may move the price: inside the band and the step
    /// limit, or the band alone when the band forced the price.
    pub(super) fn window(&self, step: &StepLimit, forced: bool) -> (Decimal, Decimal) {
        if forced {
            (self.floor, self.ceiling)
        } else {
            (self.floor.max(step.down), self.ceiling.min(step.up))
        }
    }
}
