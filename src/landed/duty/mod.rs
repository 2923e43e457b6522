//! Step 4, **duty per line**, in this order for each line not relieved of duty by a rule:
//! - a flat duty per tariff subheading when a rule charges one (the EU's €3): [`flat`];
//! - else the request's `duty_rate`, or the tariff row of the longest HS prefix
//!   (`data/tariff_*.toml`), or a preferential rate when the origin qualifies and it is lower
//!   (`[[preference]]` rows): [`tariff`];
//! - a consignment duty band replacing the tariff (BR, MX) when one applies: [`bands`];
//! - then additional duties by origin (`additional_duty` rows: US Section 301, 232, IEEPA,
//!   122 …) with their exemptions and stacking rules: [`additional`].
//!
//! Each line's duty is computed on its customs value (rounded first when a `duty_base`
//! rounding row says so); the duty charges are rounded and spread over the lines in
//! [`super::charges`].

pub(crate) mod additional;
pub(crate) mod bands;
pub(crate) mod flat;
pub(crate) mod tariff;

use super::cart::Line;
use super::cascade::Context;
use super::charges::Step;
use super::check::field;
use super::wire::Charge;
use crate::error::Error;

/// Computes every line's duty into `charges` (via `step`) and each line's share of it.
pub(crate) fn levy<'a>(
    ctx: &Context<'a>,
    lines: &mut [Line<'a>],
    step: &mut Step,
    charges: &mut Vec<Charge>,
    warnings: &mut Vec<String>,
) -> Result<(), Error> {
    let (lane, roundings) = (ctx.lane, ctx.roundings);
    unused_duty_rates(lines, warnings);
    let mut flat = flat::Groups::of(lines, warnings)?;
    let mut tariffs = tariff::Lookup::new(ctx);
    let mut extra = additional::Lookup::default();
    let base_rounding = roundings.duty_base.map(|r| lane.unit_rounding(r));
    for (i, line) in lines.iter_mut().enumerate() {
        if line.no_duty || line.band.is_some() {
            continue;
        }
        let mut cv = line.customs_value;
        if let Some(r) = base_rounding {
            cv = r.round(cv)?;
        }
        if line.flat.is_some() {
            flat.push(i, line, cv, step, charges)?;
            continue;
        }
        let duty = tariffs.push(ctx, i, line, cv, step, charges, warnings)?;
        extra.push(ctx, i, line, cv, duty, step, charges, warnings)?;
    }
    bands::levy(ctx, lines, step, charges)?;
    step.close(charges, lane, roundings.duty, |i, a| {
        if let Some(line) = lines.get_mut(i) {
            line.duty = line
                .duty
                .checked_add(a)
                .ok_or_else(|| Error::overflow(super::arith::OP))?;
        }
        Ok(())
    })?;
    // A chaining rounding: the tax bases see each line's duty amounts rounded so (Japan: a
    // line's duty truncated to ¥100), not the line's share of the rounded charge.
    if let Some(rule) = roundings.duty.filter(|r| r.chain.is_some()) {
        step.each_chained(lane, rule, |i, r| {
            if let Some(line) = lines.get_mut(i) {
                let d = line.chained_duty.unwrap_or(0);
                line.chained_duty = Some(
                    d.checked_add(r)
                        .ok_or_else(|| Error::overflow(super::arith::OP))?,
                );
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// A `duty_rate` the quote does not use, because a rule relieves the line of duty or charges
/// a flat duty instead, is reported with the rule that made it moot.
fn unused_duty_rates(lines: &[Line<'_>], warnings: &mut Vec<String>) {
    for (i, line) in lines.iter().enumerate() {
        if line.req.duty_rate.is_none() {
            continue;
        }
        let why = match (line.no_duty_by, line.flat) {
            (None, None) if let Some(band) = line.band => {
                format!("duty band {} replaces the tariff", band.value.name)
            }
            (Some(rule), _) => format!("rule {} relieves the line of duty", rule.name),
            (None, Some((row, _))) => format!(
                "rule {} charges a flat duty per tariff subheading instead",
                row.value.name
            ),
            (None, None) => continue,
        };
        warnings.push(format!("{}: not used: {why}", field(i, "duty_rate")));
    }
}
