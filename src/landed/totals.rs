//! The totals of a quote (the last part of step 7): the rounded charges added up by kind and
//! by place of collection, what is due at checkout and on delivery under the incoterm (DDP:
//! everything at checkout; DAP: border charges on delivery, with a warning), and the lines'
//! shares.

use std::sync::Arc;

use super::cascade::Context;
use super::valuation::Cart;
use super::wire::{Charge, ChargeKind, CollectedAt, Incoterm, LineQuote, Quote};
use crate::error::Error;

/// Adds up the charges and builds the quote.
pub(crate) fn quote(
    ctx: &Context<'_>,
    cart: &Cart<'_>,
    regime_id: &Arc<str>,
    charges: Vec<Charge>,
    mut warnings: Vec<String>,
) -> Result<Quote, Error> {
    let (lane, currency) = (ctx.lane, ctx.currency);
    let (mut duty, mut tax, mut fees, mut at_checkout, mut border) = (0i64, 0i64, 0i64, 0i64, 0i64);
    let total = |sum: &mut i64, v: i64| -> Result<(), Error> {
        *sum = sum
            .checked_add(v)
            .ok_or_else(|| Error::overflow(super::arith::OP))?;
        Ok(())
    };
    for c in &charges {
        let a = lane.units(c.amount)?;
        match c.kind {
            ChargeKind::Duty => total(&mut duty, a)?,
            ChargeKind::Tax => total(&mut tax, a)?,
            ChargeKind::Fee => total(&mut fees, a)?,
        }
        match c.collected_at {
            CollectedAt::Checkout => total(&mut at_checkout, a)?,
            _ => total(&mut border, a)?,
        }
    }
    let mut total_charges = duty;
    total(&mut total_charges, tax)?;
    total(&mut total_charges, fees)?;
    let mut intrinsic: i64 = 0;
    let mut customs_value: i64 = 0;
    for l in &cart.lines {
        total(&mut intrinsic, l.goods)?;
        total(&mut customs_value, l.customs_value)?;
    }
    let mut landed_total = intrinsic;
    for v in [cart.shipping, cart.insurance, total_charges] {
        total(&mut landed_total, v)?;
    }
    let incoterm = ctx.req.incoterm.unwrap_or_default();
    let (due_at_checkout, due_on_delivery) = match incoterm {
        Incoterm::Ddp => (total_charges, 0),
        Incoterm::Dap => (at_checkout, border),
    };
    if incoterm == Incoterm::Dap && border != 0 {
        warnings.push(format!(
            "DAP: the buyer pays {} {currency} of border charges on delivery (plus any carrier disbursement fee); this is an estimate",
            lane.dec(border)
        ));
    }
    if cart.lines.iter().any(|l| l.preferential) {
        warnings.push(
            "preferential rate applied: the goods must meet the agreement's rules of origin and the importer must hold proof of origin; set claim_preference: false otherwise"
                .to_owned(),
        );
    }
    let collected_at = if at_checkout != 0 || cart.lines.iter().any(|l| l.checkout.is_some()) {
        CollectedAt::Checkout
    } else if total_charges != 0 {
        CollectedAt::Border
    } else {
        CollectedAt::None
    };
    let line_quotes = cart
        .lines
        .iter()
        .map(|l| LineQuote {
            hs_code: l.req.hs_code,
            goods_value: lane.dec(l.goods),
            customs_value: lane.dec(l.customs_value),
            shipping: lane.dec(l.shipping),
            insurance: lane.dec(l.insurance),
            duty: lane.dec(l.duty),
            tax: lane.dec(l.tax),
        })
        .collect();
    Ok(Quote {
        currency: ctx.currency,
        regime: Arc::clone(regime_id),
        collected_at,
        incoterm,
        date: ctx.date,
        destination: ctx.req.destination,
        territory: ctx.territory,
        intrinsic_value: lane.dec(intrinsic),
        customs_value: lane.dec(customs_value),
        shipping: lane.dec(cart.shipping),
        insurance: lane.dec(cart.insurance),
        duty: lane.dec(duty),
        tax: lane.dec(tax),
        fees: lane.dec(fees),
        total_charges: lane.dec(total_charges),
        landed_total: lane.dec(landed_total),
        due_at_checkout: lane.dec(due_at_checkout),
        due_on_delivery: lane.dec(due_on_delivery),
        lines: line_quotes,
        charges,
        warnings,
        data_version: ctx.tables.version().clone(),
    })
}
