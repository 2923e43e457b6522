//! Landed cost (DDP/DAP): import duty, import VAT/GST and customs fees for one consignment,
//! computed as a cascade of charges with explicit bases, every rule read from dated data.
//!
//! The steps, in order (see the crate documentation for the regimes):
//! 1. **Currency**: every amount is converted into the destination's currency with the
//!    request's rates (the reverse pair is divided by, never inverted and rounded) and rounded
//!    to its minor unit.
//! 2. **Valuation**: customs value per line is the goods' value (FOB) or the goods plus their
//!    share of shipping and insurance (CIF), allocated by value with the largest remainder; a
//!    rule with `valuation_share_percent` values goods at a share of their retail price (JP
//!    personal use) before the other rules test their thresholds.
//! 3. **Rules** (`[[rule]]` rows): thresholds tested on their own value basis, currency and
//!    comparison; effects such as no duty, no border tax, tax at checkout, reverse charge, a
//!    flat duty, no fees. The regime id comes from the matching rule of highest priority.
//!    A rule covers the lines its HS lists leave in (`include_hs`, `exclude_hs`); a
//!    line-scoped rule (`scope = "line"`) tests its threshold on each line's unit price and
//!    covers only the lines that meet it (NO VOEC, SG OVR: a mixed order is split between
//!    checkout and border).
//! 4. **Duty per line**: the request's `duty_rate`, else the tariff row of the longest HS
//!    prefix, or a preferential rate when the origin qualifies and it is lower; then additional
//!    duties by origin with their stacking rule.
//! 5. **Fees**: government fees (`[[fee]]` rows) and the request's `extra_fees`; taxable ones
//!    enter the tax base.
//! 6. **Import taxes** (`[[import_tax]]` rows) in order, each on its declared base; or the tax
//!    collected at checkout on the sale price under a point-of-sale regime.
//!
//!    6b. **Rules on the tax amount** (a `[[rule]]` threshold on `tax_amount`): tested on the
//!    sum of the rounded border tax charges; when it holds, `no_tax` removes them all (CH:
//!    import VAT of CHF 5 or less per assessment is not levied).
//! 7. **Rounding** per `[[rounding]]` rows, by default each charge total to the minor unit
//!    half-up; the rounded amount is spread over the lines so that lines add up exactly. A row
//!    may round each line first (`line_increment`) and give a later base each line's amount
//!    rounded its own way (`chain_increment`: JP duty and national consumption tax).

// The cascade, one module per step, in order.
mod cascade;
mod charges;
mod check;
mod currency;
mod duty;
mod fees;
mod rounding;
mod rules;
mod share;
mod tax_amount;
mod taxes;
mod totals;
mod valuation;
// What the steps share: the per-line state, the integer lane and its exact arithmetic.
mod annual;
mod arith;
mod cart;
mod few;
mod lane;
mod nested;
mod text;
mod wire;

pub use cascade::quote;
pub(crate) use currency::{of_destination as destination_currency, stated_by_destination};
pub use wire::{
    Charge, ChargeArg, ChargeKind, ChargeText, CollectedAt, ExchangeRate, ExtraFee, Incoterm,
    LineQuote, Measures, Quote, QuoteLine, QuoteRequest, RateText,
};

impl crate::RateTables {
    /// Computes a landed-cost quote with these tables; see [`quote`].
    ///
    /// # Errors
    /// As [`quote`].
    pub fn quote(&self, request: &QuoteRequest) -> Result<Quote, crate::Error> {
        quote(self, request)
    }
}
