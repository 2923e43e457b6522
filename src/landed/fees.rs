//! Step 5, **fees**: the government fees in force (`[[fee]]` rows of `data/customs.toml`: US
//! MPF with its minimum and maximum, HMF …), each tested on the consignment's facts, then the
//! request's `extra_fees` (a carrier's clearance charge). Fees are listed after the taxes but
//! computed before them: taxable ones are spread over the lines by customs value and enter
//! the tax base (`taxable_fees`).

use std::sync::Arc;

use super::arith::OP;
use super::cart::Line;
use super::cascade::Context;
use super::currency::conv;
use super::duty::tariff::REQUEST_SOURCE;
use super::few::Few;
use super::rules::{Facts, labelled};
use super::text::{Arg, ChargeText as Note, RateText};
use super::wire::{Charge, ChargeKind, CollectedAt};
use crate::data::{Dated, Fee, FeeKind};
use crate::error::Error;

/// The most fee charges a quote can have: the fee rows in force for the territory on the
/// date (whether their conditions hold is decided by [`levy`]) and the request's extra fees.
pub(crate) fn at_most(ctx: &Context<'_>) -> usize {
    ctx.tables
        .customs
        .fees
        .in_force(ctx.territory, ctx.date)
        .count()
        .saturating_add(ctx.req.extra_fees.len())
}

/// Computes the fees (none of the government's when a rule waives them) at the end of
/// `charges` and spreads the taxable ones over the lines; returns how many it added. (Added to
/// the quote's list, sized for them by [`at_most`], rather than to a list of their own: the
/// cascade moves them behind the taxes.)
pub(crate) fn levy(
    ctx: &Context<'_>,
    facts: &Facts<'_>,
    lines: &mut [Line<'_>],
    no_fees: bool,
    charges: &mut Vec<Charge>,
    warnings: &mut Vec<String>,
) -> Result<usize, Error> {
    let from = charges.len();
    let mut taxable: Few<bool, 4> = Few::new();
    if !no_fees {
        for row in ctx.tables.customs.fees.in_force(ctx.territory, ctx.date) {
            let fee: &Fee = &row.value;
            if !facts.holds(&fee.conditions)? {
                continue;
            }
            let lines_in: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| !(fee.exempt_preferential && l.preferential))
                .map(|(i, _)| i)
                .collect();
            if lines_in.is_empty() {
                continue;
            }
            charges.push(government_fee(ctx, row, lines, lines_in, warnings)?);
            taxable.push(fee.taxable);
        }
    }
    for (k, f) in ctx.req.extra_fees.iter().enumerate() {
        let from = f.currency.unwrap_or(ctx.req.currency);
        let amount = ctx.lane.dec(ctx.lane.round(
            conv(&ctx.req.exchange_rates, from, ctx.currency)?.apply(f.amount)?,
            None,
        )?);
        charges.push(Charge {
            kind: ChargeKind::Fee,
            name: Arc::from(f.name.as_str()),
            base: None,
            rate: None,
            rate_text: RateText::two("{} {}", Arg::Amount(f.amount), Arg::Currency(from)),
            amount,
            unrounded: amount.normalize(),
            rule: Note::one("extra_fees[{}]", Arg::Count(k)),
            source: Arc::clone(&REQUEST_SOURCE),
            collected_at: CollectedAt::Border,
            lines: (0..lines.len()).collect(),
        });
        taxable.push(f.taxable);
    }
    let fee_charges = charges.get(from..).unwrap_or_default();
    spread_taxable(ctx, fee_charges, &taxable, lines)?;
    Ok(fee_charges.len())
}

/// One government fee on the customs value of `lines_in`: ad valorem within its minimum and
/// maximum (the text says which bound applied), or a fixed amount per entry.
fn government_fee(
    ctx: &Context<'_>,
    row: &Dated<Fee>,
    lines: &[Line<'_>],
    lines_in: Vec<usize>,
    warnings: &mut Vec<String>,
) -> Result<Charge, Error> {
    let fee = &row.value;
    let to = conv(&ctx.req.exchange_rates, fee.currency, ctx.currency)?;
    let mut base: i64 = 0;
    for l in lines_in.iter().filter_map(|i| lines.get(*i)) {
        base = base
            .checked_add(l.customs_value)
            .ok_or_else(|| Error::overflow(OP))?;
    }
    let (rate, amount, text) = match fee.kind {
        FeeKind::AdValorem => {
            let p = fee.rate_percent.unwrap_or_default();
            let computed = ctx.lane.percent_of(base, p)?.dec()?;
            let mut a = computed;
            let mut text = format!("{}%", p.normalize());
            if let Some(m) = fee.min_amount {
                a = a.max(to.apply(m)?);
                text.push_str(&format!(" min {m} {}", fee.currency));
            }
            if let Some(m) = fee.max_amount {
                a = a.min(to.apply(m)?);
                text.push_str(&format!(" max {m} {}", fee.currency));
            }
            let which = if a > computed {
                "minimum"
            } else if a < computed {
                "maximum"
            } else {
                ""
            };
            if !which.is_empty() {
                text.push_str(&format!(
                    "; {which} applied ({}% gives {})",
                    p.normalize(),
                    computed.normalize()
                ));
            }
            (Some(p), a, RateText::owned(text))
        }
        _ => {
            let a = fee.amount.unwrap_or_default();
            (
                None,
                to.apply(a)?,
                RateText::two(
                    "{} {} per entry",
                    Arg::Amount(a),
                    Arg::Currency(fee.currency),
                ),
            )
        }
    };
    if let Some(w) = &fee.warning {
        warnings.push(labelled(&fee.name, w));
    }
    Ok(Charge {
        kind: ChargeKind::Fee,
        name: Arc::clone(&fee.label),
        base: rate.map(|_| ctx.lane.dec(base)),
        rate: rate.map(|r| r.normalize()),
        rate_text: text,
        amount: ctx.lane.dec(ctx.lane.round(amount, ctx.roundings.fee)?),
        unrounded: amount.normalize(),
        rule: Note::three(
            "fee {} {}@{}",
            Arg::Territory(ctx.territory),
            Arg::Shared(Arc::clone(&fee.name)),
            Arg::Date(row.period.from),
        ),
        source: Arc::clone(&row.source),
        collected_at: CollectedAt::Border,
        lines: lines_in,
    })
}

/// Spreads each taxable fee over its lines by customs value (`taxable_fees`).
fn spread_taxable(
    ctx: &Context<'_>,
    fee_charges: &[Charge],
    taxable: &Few<bool, 4>,
    lines: &mut [Line<'_>],
) -> Result<(), Error> {
    for (c, _) in fee_charges
        .iter()
        .zip(taxable.iter())
        .filter(|(c, t)| *t && !c.amount.is_zero())
    {
        let on = &c.lines;
        let weights: Vec<i64> = on
            .iter()
            .map(|i| lines.get(*i).map_or(0, |l| l.customs_value))
            .collect();
        ctx.lane.split(
            ctx.lane.units(c.amount)?,
            ctx.lane.minor,
            on.len(),
            |k| {
                weights
                    .get(k)
                    .map_or((0, 0), |w| (i128::from(*w), ctx.lane.scale))
            },
            |k, share| {
                if let Some(line) = on.get(k).and_then(|i| lines.get_mut(*i)) {
                    line.taxable_fees = line
                        .taxable_fees
                        .checked_add(share)
                        .ok_or_else(|| Error::overflow(OP))?;
                }
                Ok(())
            },
        )?;
    }
    Ok(())
}
