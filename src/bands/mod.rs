//! Competitor-based price bands: [`band`] sets one price from a [`BandRequest`] and explains it
//! step by step; [`cost_floor`] is its floor solver.
//!
//! The pipeline (`engine`'s `run`) is one module per documented step:
//!
//! - 1, `normalise`: each offer's landed price (price + shipping) in the band's currency;
//! - 2, `exclude`: own offers, rating, fulfilment, condition, age and outliers, with reasons;
//! - 3, `reference`: the competitor price the strategy starts from;
//! - 4, `target`: match, beat or stay above it, minus own shipping;
//! - 5, `limits`: the band `[floor, ceiling]` (computed first), which clamps the target;
//! - 6, `scenarios`: no competitors left, or the own offer already the lowest;
//! - 7 and 8, `step_limit`: the cool-down and the step limit, after which the band wins again;
//! - 9, `ending`: the nearest allowed price ending inside the limits (then `profit` keeps the
//!   price out of a fee cliff's dead zone);
//! - 10, `invariants`: checked on the output; a failure is an error, never a price.
//!
//! `validate` checks the request before the steps, `grid` holds the rounding they share,
//! `request` and `result` are the wire types and `trace` the explanation.
//!
//! The cost floor is the smallest price on the currency's minor-unit grid whose profit after
//! the fee schedule and the given costs meets the minimum profit and the minimum margin. Fees
//! that switch rate at a price (a whole-price tier) make profit non-monotone: just above the
//! switch a higher price can earn less. The solver (`floor`) splits the band at the
//! schedule's tier bounds, where such cliffs can only be, and searches each piece in price
//! order; inside a piece profit does not fall as the price rises while the fee's slope stays
//! below `1 − margin`, and a piece where it could is scanned price by price instead. The
//! result is checked on the output, so a price in a cliff's dead zone is never returned.
//!
//! A [`BandResult`] borrows its request: the trace's [`TraceNote`]s keep amounts and references to
//! the offers and are formatted only when read or serialized.

mod ending;
mod engine;
mod exclude;
mod floor;
mod grid;
mod invariants;
mod limits;
mod normalise;
mod profit;
mod reference;
mod request;
mod result;
mod scenarios;
mod step_limit;
mod target;
mod trace;
mod validate;

pub use engine::{band, band_with_fees};

/// The step limit when a request gives none of `max_step_percent`, `max_step_up_percent` and
/// `max_step_down_percent`: a price moves at most 5 % up or down per change. The trace's
/// `step_limit` step says so when this default binds; give `max_step_percent` (e.g. `"100"`)
/// for a wider step.
pub const DEFAULT_MAX_STEP_PERCENT: u8 = 5;
pub use floor::{
    CostFloor, FloorInput, MAX_EVALUATIONS, cost_floor, nearest_qualifying, qualifies,
};
pub use request::{
    Action, BandRequest, Filters, NoCompetitors, Offer, Rate, Reference, Strategy, WhenLowest,
};
pub use result::{BandResult, Excluded};
pub use trace::{TraceArg, TraceNote, TraceStep};
