//! Step 2, continued: **valuation at a share of a stated price** (`valuation_share_percent`
//! on a `[[rule]]` row). Where such a rule applies (Japan: personal-use imports by a
//! consumer), each line it does not exclude by HS code is valued for customs at the share of
//! quantity × its `retail_price` (its `unit_price` when absent); the line's share of shipping
//! and insurance is added after the share (CIF). The consignment's customs value, which the
//! other rules' thresholds test, is recomputed the same way. A `retail_price` that no such
//! rule uses is reported in the warnings.

use rust_decimal::Decimal;

use super::arith::{Exact, OP};
use super::cart::Line;
use super::cascade::Context;
use super::check::field;
use super::currency::Conv;
use super::rules::Facts;
use crate::data::{Rule, Valuation, hs_starts_with};
use crate::error::Error;

/// Values the lines at the share of the first applying rule that sets one; reports unused
/// retail prices.
pub(crate) fn apply(
    ctx: &Context<'_>,
    lines: &mut [Line<'_>],
    facts: &mut Facts<'_>,
    warnings: &mut Vec<String>,
) -> Result<(), Error> {
    let mut rule: Option<(&Rule, Decimal)> = None;
    for row in ctx.tables.customs.rules.in_force(ctx.territory, ctx.date) {
        if let Some(p) = row.value.valuation_share_percent
            && facts.holds(&row.value.conditions)?
        {
            rule = Some((&row.value, p));
            break;
        }
    }
    let Some((rule, share)) = rule else {
        unused(lines, warnings, |_| {
            format!(
                "no rule of {} values goods from the retail price on {} (for this buyer)",
                ctx.territory, ctx.date
            )
        });
        return Ok(());
    };
    let excluded = |l: &Line<'_>| {
        rule.exclude_hs
            .iter()
            .any(|p| hs_starts_with(&l.req.hs_code, p))
    };
    let (lane, to_dest) = (ctx.lane, ctx.to_dest);
    let mut sum = Exact { m: 0, scale: 0 };
    for line in lines.iter_mut() {
        let req = line.req;
        if excluded(line) {
            sum = sum.add(Exact::mul(req.quantity, req.unit_price)?)?;
            continue;
        }
        let price = req.retail_price.unwrap_or(req.unit_price);
        // `Exact::percent` is `percent_of` on the `Decimal` (value and scale), on integers.
        let value = Exact::mul(req.quantity, price)?.percent(share)?;
        sum = sum.add(value)?;
        let goods = match to_dest {
            Conv::Identity => lane.round_exact(value, None)?,
            _ => lane.round(to_dest.apply(value.dec()?)?, None)?,
        };
        line.customs_value = line
            .customs_value
            .checked_sub(line.goods)
            .and_then(|v| v.checked_add(goods))
            .ok_or_else(|| Error::overflow(OP))?;
    }
    unused(lines, warnings, |l| {
        excluded(l).then(|| format!("rule {} does not apply to this HS code", rule.name))
    });
    let mut cv = sum;
    if ctx.regime.valuation == Valuation::Cif {
        let r = ctx.req;
        cv = cv
            .add(Exact::of(r.shipping.unwrap_or_default()))?
            .add(Exact::of(r.insurance.unwrap_or_default()))?;
    }
    facts.customs_value = cv.dec()?;
    Ok(())
}

/// A warning for each line whose `retail_price` is not used, saying why (`why` gives the
/// reason, or `None` when the line uses it).
fn unused<T: Into<Option<String>>>(
    lines: &[Line<'_>],
    warnings: &mut Vec<String>,
    why: impl Fn(&Line<'_>) -> T,
) {
    for (i, line) in lines.iter().enumerate() {
        if line.req.retail_price.is_none() {
            continue;
        }
        if let Some(why) = why(line).into() {
            warnings.push(format!("{}: not used: {why}", field(i, "retail_price")));
        }
    }
}
