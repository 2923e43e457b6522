//! Consignment duty bands that replace the tariff (`[[duty_band]]` rows, documented in
//! `src/data/duty_band.rs`): Brazil's Remessa Conforme and RTS import tax (20 % up to
//! US$50; 60 % minus US$20 up to US$3,000; 60 % for sellers outside the programme) and
//! Mexico's courier global rate (which replaces the import VAT too).
//!
//! [`select`] picks, in step 3, the band of highest priority whose conditions hold and whose
//! bounds hold the consignment's value (`above < value ≤ up_to`, in the band's currency);
//! [`levy`] charges it in step 4: `rate × Σ customs values − deduction` (the deduction
//! converted into the destination currency; never below zero), one amount for the
//! consignment spread over its lines by customs value as exact ratios.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::super::arith::{Exact, OP, sub};
use super::super::cart::Line;
use super::super::cascade::Context;
use super::super::charges::{Step, id_of, percent};
use super::super::currency::conv;
use super::super::rules::{Facts, labelled};
use super::super::text::{Arg, ChargeText as Note, RateText};
use super::super::wire::{Charge, ChargeKind, CollectedAt};
use crate::data::{Dated, DutyBand};
use crate::error::Error;

/// The band that applies to the consignment, if any; puts it on the lines (and relieves them
/// of import tax when the band replaces it) and adds its warning.
pub(crate) fn select<'a>(
    ctx: &Context<'a>,
    facts: &Facts<'_>,
    lines: &mut [Line<'a>],
    warnings: &mut Vec<String>,
) -> Result<Option<&'a Dated<DutyBand>>, Error> {
    let mut best: Option<&'a Dated<DutyBand>> = None;
    for row in ctx
        .tables
        .customs
        .duty_bands
        .in_force(ctx.territory, ctx.date)
    {
        let band = &row.value;
        if best.is_some_and(|b| b.value.priority >= band.priority)
            || !facts.holds(&band.conditions)?
        {
            continue;
        }
        let value = conv(&ctx.req.exchange_rates, ctx.req.currency, band.currency)?
            .apply(facts.value(band.value))?;
        let above = band
            .above
            .is_none_or(|a| crate::money::cmp_exact(value, a).is_gt());
        if above && crate::money::cmp_exact(value, band.up_to).is_le() {
            best = Some(row);
        }
    }
    let Some(row) = best else { return Ok(None) };
    for line in lines.iter_mut() {
        line.band = Some(row);
        line.no_tax |= row.value.replaces_import_taxes;
    }
    if let Some(w) = &row.value.warning {
        warnings.push(labelled(&row.value.name, w));
    }
    Ok(Some(row))
}

/// Charges the band of the lines that have one (and no rule relieving them of duty).
pub(crate) fn levy(
    ctx: &Context<'_>,
    lines: &[Line<'_>],
    step: &mut Step,
    charges: &mut Vec<Charge>,
) -> Result<(), Error> {
    let owes = |l: &&Line<'_>| l.band.is_some() && !l.no_duty;
    let Some(row) = lines.iter().filter(owes).find_map(|l| l.band) else {
        return Ok(());
    };
    let band = &row.value;
    let total = lines
        .iter()
        .filter(owes)
        .try_fold(0i64, |s, l| s.checked_add(l.customs_value))
        .ok_or_else(|| Error::overflow(OP))?;
    let mut amount = ctx.lane.percent_of(total, band.rate_percent)?.dec()?;
    if let Some(d) = band.deduction {
        let d = conv(&ctx.req.exchange_rates, band.currency, ctx.currency)?.apply(d)?;
        amount = sub(amount, d)?.max(Decimal::ZERO);
    }
    let den = u64::try_from(total).map_err(|_| Error::overflow(OP))?;
    if amount.is_zero() || den == 0 {
        return Ok(());
    }
    let rate = band.deduction.is_none().then_some(band.rate_percent);
    let mut opened = false;
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| owes(l)) {
        let charge = step.push(
            charges,
            id_of(row),
            ChargeKind::Duty,
            &band.label,
            rate,
            || rate_text(band),
            || {
                Note::two(
                    "duty_band {}@{}",
                    Arg::Shared(Arc::clone(&band.name)),
                    Arg::Date(row.period.from),
                )
            },
            &row.source,
            CollectedAt::Border,
            (i, line.customs_value, Exact { m: 0, scale: 0 }),
        );
        let num = u64::try_from(line.customs_value).map_err(|_| Error::overflow(OP))?;
        step.add_share(charge, i, num, den);
        if !opened {
            opened = true;
            step.add_group(charge, Exact::of(amount))?;
        }
    }
    Ok(())
}

/// `60% minus 20 USD`, or the rate alone.
fn rate_text(band: &DutyBand) -> RateText {
    match band.deduction {
        Some(d) => RateText::three(
            "{}% minus {} {}",
            Arg::Percent(band.rate_percent),
            Arg::Amount(d),
            Arg::Currency(band.currency),
        ),
        None => percent(band.rate_percent),
    }
}
