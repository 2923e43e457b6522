//! The cascade: [`quote`] runs the seven steps in order, one module each (see the
//! [module documentation](super) for the rules of each step).

use chrono::NaiveDate;

use super::charges::Step;
use super::currency::{self, Conv, conv};
use super::lane::Lane;
use super::rounding::Roundings;
use super::wire::{Quote, QuoteRequest};
use super::{check, duty, fees, rules, share, tax_amount, taxes, totals, valuation};
use crate::codes::{CountryCode, Currency, Territory};
use crate::data::{RateTables, Regime, TariffView, row_at};
use crate::error::Error;

/// What every step needs to know about the quote: the request, the data and the destination's
/// regime, currency and rounding on the date.
pub(crate) struct Context<'a> {
    pub(crate) tables: &'a RateTables,
    pub(crate) req: &'a QuoteRequest,
    pub(crate) date: NaiveDate,
    /// The customs territory of the destination (EU for DE).
    pub(crate) territory: Territory,
    pub(crate) regime: &'a Regime,
    /// Where the goods are shipped from: the request's `ship_from`, or the first line's origin.
    pub(crate) ship_from: CountryCode,
    /// The destination's currency, in which every charge is computed.
    pub(crate) currency: Currency,
    /// Request currency → destination currency.
    pub(crate) to_dest: Conv,
    pub(crate) roundings: Roundings<'a>,
    pub(crate) lane: Lane,
    /// The destination territory's tariffs, its CSV schedule read (on first use) once per
    /// quote.
    pub(crate) tariffs: TariffView<'a>,
}

impl<'a> Context<'a> {
    fn new(tables: &'a RateTables, req: &'a QuoteRequest) -> Result<Self, Error> {
        let date = req.date;
        let first = req
            .lines
            .first()
            .ok_or_else(|| Error::input("lines", "is empty; give at least one line"))?;
        let ship_from = req.ship_from.unwrap_or(first.origin);
        let territory = territory_of(tables, req.destination, date);
        if territory_of(tables, ship_from, date) == territory {
            return Err(Error::input(
                "ship_from",
                format!(
                    "{ship_from} is inside the {territory} customs territory of {}; a shipment from there is not an import",
                    req.destination
                ),
            ));
        }
        let customs = &tables.customs;
        let regime = &row_at(
            customs.regimes.get(&territory),
            "regime",
            || format!("{territory} (destination {})", req.destination),
            date,
        )?
        .value;
        let currency = currency::of_destination(tables, req.destination, date)?;
        let minor = currency.minor_unit_scale()?;
        let to_dest = conv(&req.exchange_rates, req.currency, currency)?;
        let roundings = Roundings::in_force(customs, territory, date);
        let tariffs = tables.tariffs.view(territory)?;
        Ok(Self {
            tables,
            req,
            date,
            territory,
            regime,
            ship_from,
            currency,
            to_dest,
            lane: roundings.lane(minor),
            roundings,
            tariffs,
        })
    }
}

/// The customs territory of a country on a date (see `CustomsTables::territory_of`), or the
/// country itself when no territory row lists it.
pub(crate) fn territory_of(
    tables: &RateTables,
    country: CountryCode,
    date: NaiveDate,
) -> Territory {
    tables
        .customs
        .territory_of(country, date)
        .unwrap_or_else(|| Territory::of_country(country))
}

/// Computes a landed-cost quote. See the crate documentation for the cascade.
///
/// # Errors
/// [`Error::InvalidInput`] naming the field for bad input; [`Error::MissingExchangeRate`];
/// [`Error::UnknownSeries`] / [`Error::NoRateInForce`] when the data has no row for what the
/// quote needs (a tariff line, the destination's regime on the date); arithmetic errors.
pub fn quote(tables: &RateTables, req: &QuoteRequest) -> Result<Quote, Error> {
    check::request(req)?;
    let ctx = Context::new(tables, req)?;
    let mut warnings: Vec<String> = Vec::new();
    unverified(tables, req.date, &mut warnings);
    // 1-2. Currency and valuation.
    let mut cart = valuation::value(&ctx)?;
    share::apply(&ctx, &mut cart.lines, &mut cart.facts, &mut warnings)?;
    // 3. Rules: thresholds and their effects on the lines.
    let mut outcome = rules::apply(&ctx, &cart.facts, &mut cart.lines, &mut warnings)?;
    // A charge is a few hundred bytes: lists are sized to what the quote can hold (duty and
    // one tax to start, or duty and each import tax in force: Japan's two consumption taxes;
    // plus one per fee that may apply: the US fees), which keeps their blocks small enough
    // for the allocator's fast path where there are no fees and spares the reallocation that
    // appending the fees would cost.
    let import_taxes = taxes::in_force(&ctx);
    let capacity = import_taxes
        .len()
        .saturating_add(1)
        .max(2)
        .saturating_add(fees::at_most(&ctx));
    let mut charges = Vec::with_capacity(capacity);
    let mut step = Step::new(&charges);
    // 4. Duty per line.
    duty::levy(
        &ctx,
        &mut cart.lines,
        &mut step,
        &mut charges,
        &mut warnings,
    )?;
    // 5. Fees: computed before the taxes (taxable ones enter the tax base), listed after them
    // (moved there once the taxes are in).
    let fees_from = charges.len();
    let fee_count = fees::levy(
        &ctx,
        &cart.facts,
        &mut cart.lines,
        outcome.no_fees,
        &mut charges,
        &mut warnings,
    )?;
    // 6. Import taxes at the border, or at checkout under a point-of-sale regime.
    taxes::levy(
        &ctx,
        &import_taxes,
        &mut cart.lines,
        &mut step,
        &mut charges,
        &mut warnings,
    )?;
    // The fees behind the taxes: [fees, taxes] becomes [taxes, fees].
    if let Some(after_duty) = charges.get_mut(fees_from..)
        && fee_count <= after_duty.len()
    {
        after_duty.rotate_left(fee_count);
    }
    // 6b. Rules on the computed tax amount (a tax not levied below an amount per assessment).
    tax_amount::apply(
        &ctx,
        &cart.facts,
        &mut cart.lines,
        &mut charges,
        &mut outcome,
        &mut warnings,
    )?;
    // 7. Rounding happened per charge (see `charges`); the totals add the rounded amounts.
    totals::quote(&ctx, &cart, outcome.regime_id, charges, warnings)
}

/// A quote dated after the data's last verified day computes on the rows in force then, and
/// says so: a law passed since may have changed them.
fn unverified(tables: &RateTables, date: NaiveDate, warnings: &mut Vec<String>) {
    if let Some(until) = tables.verified_until().filter(|until| date > *until) {
        warnings.push(format!(
            "date {date} is after {until}, the last day this data ({}) is verified for; the rates in force then were used and may have changed: load newer data to be sure",
            tables.version().dataset
        ));
    }
}
