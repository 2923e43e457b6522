//! Step 6b, **rules on the tax amount**: a `[[rule]]` whose threshold is on `tax_amount` is
//! tested once the import taxes are computed, on the sum of the rounded tax charges collected
//! at the border (the amount one assessment would state), converted into the threshold's
//! currency. When its other conditions hold and the amount meets the threshold, its effect
//! `no_tax` removes every border tax charge and each line's share of it: the whole amount is
//! not levied (CH: import VAT of CHF 5 or less per assessment, `ch_small_tax_amount`), it is
//! no deduction. Taxes collected at checkout, duties and fees stay.

use super::arith::OP;
use super::cart::Line;
use super::cascade::Context;
use super::currency::conv;
use super::rules::{Facts, Outcome, applies};
use super::wire::{Charge, ChargeKind, CollectedAt};
use crate::data::ValueBasis;
use crate::error::Error;

/// Applies the rules on the tax amount in force to the border tax charges in `charges`.
pub(crate) fn apply<'a>(
    ctx: &Context<'a>,
    facts: &Facts<'_>,
    lines: &mut [Line<'a>],
    charges: &mut Vec<Charge>,
    outcome: &mut Outcome<'a>,
    warnings: &mut Vec<String>,
) -> Result<(), Error> {
    for row in ctx.tables.customs.rules.in_force(ctx.territory, ctx.date) {
        let rule = &row.value;
        let Some(t) = rule
            .conditions
            .threshold
            .as_ref()
            .filter(|t| t.value == ValueBasis::TaxAmount)
        else {
            continue;
        };
        if !facts.holds_but_threshold(&rule.conditions) {
            continue;
        }
        let Some(amount) = border_tax(ctx, charges)? else {
            continue;
        };
        let amount = conv(&ctx.req.exchange_rates, ctx.currency, t.currency)?.apply(amount)?;
        if !t.comparison.holds(amount, t.amount) {
            continue;
        }
        charges.retain(|c| !is_border_tax(c));
        for line in lines.iter_mut().filter(|l| l.checkout.is_none()) {
            // A line pays its tax either at the border or at checkout, never both.
            line.no_tax = true;
            line.tax = 0;
        }
        applies(facts, rule, outcome, warnings);
    }
    Ok(())
}

fn is_border_tax(c: &Charge) -> bool {
    c.kind == ChargeKind::Tax && c.collected_at == CollectedAt::Border
}

/// The sum of the rounded border tax charges, in the destination's currency; `None` when
/// there is none (a rule has nothing to waive).
fn border_tax(
    ctx: &Context<'_>,
    charges: &[Charge],
) -> Result<Option<rust_decimal::Decimal>, Error> {
    let mut sum: Option<i64> = None;
    for c in charges.iter().filter(|c| is_border_tax(c)) {
        let a = ctx.lane.units(c.amount)?;
        sum = Some(
            sum.unwrap_or(0)
                .checked_add(a)
                .ok_or_else(|| Error::overflow(OP))?,
        );
    }
    Ok(sum.map(|s| ctx.lane.dec(s)))
}
