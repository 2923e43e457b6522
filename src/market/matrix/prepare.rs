//! Step 1: what each market needs, prepared once for every product.

use std::sync::Arc;

use chrono::{NaiveTime, TimeZone, Utc};
use rust_decimal::Decimal;

use super::{Market, MarketSummary, MatrixRequest};
use crate::codes::{Bps, Currency};
use crate::data::{FeeSchedule, RateTables};
use crate::ending::CompiledEnding;
use crate::error::Error;
use crate::fx::{
    DEFAULT_DRIFT_THRESHOLD_BPS, DEFAULT_RATE_SOURCE, FastConvert, FxPolicy, Repricer, drift,
};
use crate::landed::{ExchangeRate, QuoteRequest};
use crate::money::Money;

/// One market, ready to price products.
pub(super) struct Prepared<'a> {
    pub(super) market: &'a Market,
    /// The market's index in the request (for field names).
    pub(super) index: usize,
    /// The shelf currency and its minor unit.
    pub(super) currency: Currency,
    pub(super) scale: u32,
    /// Seller currency → shelf currency with the market's markup.
    pub(super) repricer: Repricer,
    /// The repricer's exact integer path from the seller's currency (`None`: every amount
    /// takes [`Repricer::amount`]; see [`Prepared::shelf_units`]).
    fast_fx: Option<FastConvert>,
    /// The mid rate: shelf currency per unit of the seller's currency.
    pub(super) mid: Decimal,
    pub(super) ending: Option<CompiledEnding>,
    pub(super) fees: Option<&'a FeeSchedule>,
    /// The quote request without lines.
    pub(super) template: QuoteRequest,
    pub(super) summary: MarketSummary,
}

/// Every market of the request, prepared.
pub(super) fn markets<'a>(
    tables: &'a RateTables,
    request: &'a MatrixRequest,
) -> Result<Vec<Prepared<'a>>, Error> {
    if request.markets.is_empty() {
        return Err(Error::input("markets", "empty; give at least one market"));
    }
    let rates = match &request.rates {
        Some(r) => Arc::new(r.to_reference_rates()?),
        None => Arc::clone(tables.reference_rates(DEFAULT_RATE_SOURCE, request.date)?),
    };
    // The rates' age is checked at noon of the date (a publication of the day counts).
    let now = Utc
        .from_utc_datetime(&request.date.and_time(NaiveTime::MIN))
        .checked_add_signed(chrono::TimeDelta::hours(12));
    request
        .markets
        .iter()
        .enumerate()
        .map(|(i, m)| market(tables, request, Arc::clone(&rates), now, i, m))
        .collect()
}

fn market<'a>(
    tables: &'a RateTables,
    request: &MatrixRequest,
    rates: Arc<crate::fx::ReferenceRates>,
    now: Option<chrono::DateTime<Utc>>,
    index: usize,
    m: &'a Market,
) -> Result<Prepared<'a>, Error> {
    let field = |name: &str| format!("markets[{index}].{name}");
    let currency = crate::landed::destination_currency(tables, m.destination, request.date)?;
    let policy = FxPolicy::new(currency)
        .with_markup(m.markup_bps)
        .with_staleness(super::staleness(request));
    let repricer = Repricer::new(tables, Arc::clone(&rates), &policy, now)?;
    let scale = repricer.scale();
    let one = repricer.convert(Money::new(Decimal::ONE, request.currency))?;
    let shipping = if m.shipping.is_sign_negative() {
        return Err(Error::input(
            field("shipping"),
            "is negative; give zero or more",
        ));
    } else {
        repricer.amount(m.shipping, request.currency)?
    };
    let ending = m
        .ending
        .as_ref()
        .map(|e| e.compile(scale, &field("ending")))
        .transpose()?;
    let fees = match &m.fee_schedule {
        None => None,
        Some(id) => Some(fee_schedule(
            tables,
            request,
            id,
            currency,
            &field("fee_schedule"),
        )?),
    };
    let mut template = QuoteRequest::new(request.date, m.destination, currency);
    template.region = m.region;
    template.ship_from = request.ship_from;
    template.incoterm = Some(m.incoterm);
    template.seller_registrations = m.seller_registrations.clone();
    template.shipping = Some(shipping);
    let stated = crate::landed::stated_by_destination(tables, m.destination, request.date)?;
    template.exchange_rates = threshold_rates(&rates, request.currency, currency, &stated);
    let drift = m
        .locked_rate
        .map(|locked| {
            let threshold = m
                .drift_threshold_bps
                .unwrap_or(Bps::new(Decimal::from(DEFAULT_DRIFT_THRESHOLD_BPS)));
            drift(locked, one.reference_rate, threshold)
                .map_err(|e| rename(e, "locked_rate", &field("locked_rate")))
        })
        .transpose()?;
    let summary = MarketSummary {
        market: m.id.to_string(),
        currency,
        reference_rate: one.reference_rate,
        rates: format!("{} {}", one.source, one.as_of),
        drift,
        warnings: repricer.warnings().to_vec(),
    };
    Ok(Prepared {
        market: m,
        index,
        currency,
        scale,
        fast_fx: repricer
            .fast_convert(request.currency)
            .filter(|_| !repricer.has_ending()),
        repricer,
        mid: one.reference_rate,
        ending,
        fees,
        template,
        summary,
    })
}

/// The rates the quotes convert with: the reference cross rates into the shelf currency from
/// the seller's currency and from every currency the destination's rules, duty bands and fees
/// state an amount in (US$50 in Brazil, USD 150 in Korea, €150 in a non-euro EU member),
/// where the table lists them; a quote that needs a pair the table lacks says so.
fn threshold_rates(
    rates: &crate::fx::ReferenceRates,
    seller: Currency,
    shelf: Currency,
    stated: &[Currency],
) -> Vec<ExchangeRate> {
    let mut out: Vec<ExchangeRate> = Vec::with_capacity(stated.len().saturating_add(1));
    for from in core::iter::once(seller).chain(stated.iter().copied()) {
        if from == shelf || out.iter().any(|r| r.from == from) {
            continue;
        }
        if let Ok(rate) = rates.cross(from, shelf) {
            out.push(ExchangeRate::new(from, shelf, rate));
        }
    }
    out
}

/// The market's fee schedule, which must charge on the price in the shelf currency.
fn fee_schedule<'a>(
    tables: &'a RateTables,
    request: &MatrixRequest,
    id: &str,
    currency: Currency,
    field: &str,
) -> Result<&'a FeeSchedule, Error> {
    let schedule = tables.fee_schedule(id, request.date)?.schedule;
    if schedule.currency() != currency {
        return Err(Error::input(
            field,
            format!(
                "{id} charges in {}, the market's shelf currency is {currency}; give a schedule in {currency}",
                schedule.currency().code()
            ),
        ));
    }
    schedule
        .fee_for_amount(Decimal::ZERO)
        .map_err(|e| Error::input(field, format!("{id}: {e}")))?;
    Ok(schedule)
}

/// An input error of a market field, named with the market's path.
fn rename(e: Error, from: &str, to: &str) -> Error {
    match e {
        Error::InvalidInput { field, reason } if field == from => Error::input(to, reason),
        other => other,
    }
}

impl Prepared<'_> {
    /// `units` minor units of the shelf currency as an amount.
    pub(super) fn dec(&self, units: i64) -> Decimal {
        Decimal::new(units, self.scale)
    }

    /// `amount` of the seller's `currency` converted into the shelf currency, in minor units:
    /// [`Repricer::amount`], through its exact integer path where that answers.
    pub(super) fn shelf_units(&self, amount: Decimal, currency: Currency) -> Result<i64, Error> {
        if let Some(minor) = self.fast_fx.as_ref().and_then(|f| f.convert_minor(amount)) {
            return Ok(minor);
        }
        self.units(self.repricer.amount(amount, currency)?)
    }

    /// An amount of the shelf currency in minor units.
    pub(super) fn units(&self, v: Decimal) -> Result<i64, Error> {
        crate::money::scaled_int(v, self.scale)
            .and_then(|u| i64::try_from(u).ok())
            .ok_or_else(|| Error::overflow("market matrix"))
    }
}
