//! Competitor-based price bands: [`band`] sets one price from a [`BandRequest`] (normalise,
//! exclude, reference, target, band, scenarios, cool-down and step limit, ending, invariants)
//! and explains it step by step; [`cost_floor`] is its floor solver.
//!
//! The cost floor is the smallest price on the currency's minor-unit grid whose profit after
//! the fee schedule and the given costs meets the minimum profit and the minimum margin. Fees
//! that switch rate at a price (a whole-price tier) make profit non-monotone: just above the
//! switch a higher price can earn less. The solver splits the band at the schedule's tier
//! bounds, where such cliffs can only be, and searches each piece in price order; inside a
//! piece profit does not fall as the price rises while the fee's slope stays below
//! `1 − margin`, and a piece where it could is scanned price by price instead. The result is
//! checked on the output, so a price in a cliff's dead zone is never returned.
//!
//! A [`BandResult`] borrows its request: the trace's [`TraceNote`]s keep amounts and references to
//! the offers and are formatted only when read or serialized.

mod floor;

pub use floor::{CostFloor, FloorInput, cost_floor, nearest_qualifying, qualifies};
mod engine;
mod trace;

pub use trace::{TraceArg, TraceNote, TraceStep};

pub use engine::{
    Action, BandRequest, BandResult, Excluded, Filters, NoCompetitors, Offer, Rate, Reference,
    Strategy, WhenLowest, band, band_with_fees,
};

impl BandRequest {
    /// Parses a request, naming the JSON path of any bad field.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] with the field's path.
    pub fn from_json(text: &str) -> Result<Self, crate::Error> {
        crate::serde_util::from_json_named(text)
    }
}

impl BandResult<'_> {
    /// The result as pretty JSON.
    ///
    /// # Errors
    /// Never in practice.
    pub fn to_json(&self) -> Result<String, crate::Error> {
        crate::serde_util::to_json_pretty(self)
    }
}
