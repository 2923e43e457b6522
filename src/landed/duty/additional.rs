//! Additional duties by origin (`additional_duty` rows: US Section 301, 232, IEEPA,
//! Section 122 …), on the line's customs value. For each line, in this order:
//! 1. the rows whose HS prefix and origins cover the line (and that spare preferential goods
//!    when `not_with_preference`);
//! 2. less those a `duty_exemption` row spares (by the duty's name or group);
//! 3. of a `highest_in_group` group, only the highest rate (the first name on a tie; a
//!    `warn_only` row never outranks a charging one);
//! 4. less those that yield (`yields_to`) to a charging (not `warn_only`) row of step 2 named
//!    by its group or its own name (e.g. IEEPA reciprocal duties on Section 232 goods: the
//!    group; a duty that gives way only to the rows of some origins: those rows' names);
//! 5. each remaining row adds its warning, if any, and unless it is `warn_only` a charge
//!    named `authority (heading)`: the rate on the customs value, or for a `top_up` row what
//!    brings the line's tariff duty up to that rate (never below zero).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::super::arith::{Exact, sub};
use super::super::cart::Line;
use super::super::cascade::Context;
use super::super::charges::{Step, id_of, percent};
use super::super::check::field;
use super::super::few::Few;
use super::super::text::{Arg, ChargeText as Note, RateText};
use super::super::wire::{Charge, ChargeKind, CollectedAt};
use crate::codes::{CountryCode, HsCode};
use crate::data::{AdditionalDuty, Dated, DutyExemption, Stacking};
use crate::error::Error;

type Row<'a> = &'a Dated<AdditionalDuty>;

/// The additional-duty and exemption rows in force for the last code and origin looked up
/// (kept for the next line with the same ones), and the rows that apply to such a line.
///
/// Invariant: `applied` is `applicable(hs, origin, p)` for the `key`'s code and origin and
/// `applied_for == Some(p)`; it depends on nothing else (the rows and exemptions are those
/// of the key), so lines of one code, origin and preference share it.
#[derive(Default)]
pub(crate) struct Lookup<'a> {
    key: Option<(HsCode, CountryCode)>,
    rows: Few<Row<'a>, 8>,
    exemptions: Few<&'a Dated<DutyExemption>, 4>,
    applied: Few<Row<'a>, 8>,
    applied_for: Option<bool>,
}

impl<'a> Lookup<'a> {
    /// Adds line `i`'s additional duties to the duty charges; `tariff_duty` is the line's
    /// tariff duty (what a `top_up` row tops up).
    // Inlined into the loop over the lines (a call per line costs more than its body
    // when the code has no row to add).
    #[inline]
    #[allow(
        clippy::too_many_arguments,
        reason = "the line, its duty so far and the step's outputs"
    )]
    pub(crate) fn push(
        &mut self,
        ctx: &Context<'a>,
        i: usize,
        line: &Line<'a>,
        cv: i64,
        tariff_duty: Option<Exact>,
        step: &mut Step,
        charges: &mut Vec<Charge>,
        warnings: &mut Vec<String>,
    ) -> Result<(), Error> {
        let l = line.req;
        self.refresh(ctx, l.hs_code, l.origin);
        if self.rows.is_empty() {
            return Ok(());
        }
        if self.applied_for != Some(line.preferential) {
            self.applied = self.applicable(&l.hs_code, l.origin, line.preferential);
            self.applied_for = Some(line.preferential);
        }
        for row in self.applied.iter() {
            let d = &row.value;
            if let Some(w) = &d.warning {
                let text = format!("{}: {}: {w}", field(i, "hs_code"), d.label);
                if !warnings.contains(&text) {
                    warnings.push(text);
                }
            }
            if d.warn_only {
                continue;
            }
            let mut amount = ctx.lane.percent_of(cv, d.rate_percent)?;
            if d.top_up {
                amount = top_up(amount, tariff_duty)?;
            }
            push_charge(ctx, i, cv, row, amount, step, charges);
        }
        Ok(())
    }

    /// Looks the rows up again when the code or origin differs from the last line's.
    fn refresh(&mut self, ctx: &Context<'a>, hs: HsCode, origin: CountryCode) {
        if self.key == Some((hs, origin)) {
            return;
        }
        self.rows.clear();
        self.exemptions.clear();
        self.applied_for = None;
        let view = &ctx.tariffs;
        let (rows, exemptions) = (&mut self.rows, &mut self.exemptions);
        view.additional_for_hs(&hs, origin, ctx.date, |row| rows.push(row));
        if !rows.is_empty() {
            view.exemptions_for(&hs, ctx.date, |e| exemptions.push(e));
        }
        self.key = Some((hs, origin));
    }

    /// Steps 1 to 4 of the module docs: the rows that apply to the line.
    fn applicable(&self, hs: &HsCode, origin: CountryCode, preferential: bool) -> Few<Row<'a>, 8> {
        let mut covering: Few<Row<'a>, 8> = Few::new();
        for row in self.rows.iter() {
            let d = &row.value;
            if d.covers(hs, origin, preferential)
                && !self
                    .exemptions
                    .iter()
                    .any(|e| e.value.spares(d, hs, origin))
            {
                covering.push(row);
            }
        }
        let mut out: Few<Row<'a>, 8> = Few::new();
        for row in covering.iter() {
            let d = &row.value;
            let outranked = d.stacking == Stacking::HighestInGroup
                && covering.iter().any(|o| outranks(&o.value, d));
            let yields = covering
                .iter()
                .any(|o| !o.value.warn_only && d.yields_to.iter().any(|y| o.value.is_named(y)));
            if !outranked && !yields {
                out.push(row);
            }
        }
        out
    }
}

/// True when `o` beats `d` in their shared group: a higher rate, or the same rate and an
/// earlier name.
fn outranks(o: &AdditionalDuty, d: &AdditionalDuty) -> bool {
    o.group == d.group
        && !o.warn_only
        && (o.rate_percent > d.rate_percent
            || (o.rate_percent == d.rate_percent && o.name < d.name))
}

/// What brings `tariff` up to `floor`: `max(0, floor − tariff)`.
fn top_up(floor: Exact, tariff: Option<Exact>) -> Result<Exact, Error> {
    let Some(t) = tariff else { return Ok(floor) };
    let gap = sub(floor.dec()?, t.dec()?)?;
    Ok(Exact::of(gap.max(Decimal::ZERO)))
}

fn push_charge(
    ctx: &Context<'_>,
    i: usize,
    cv: i64,
    row: &Dated<AdditionalDuty>,
    amount: Exact,
    step: &mut Step,
    charges: &mut Vec<Charge>,
) {
    let (d, territory) = (&row.value, ctx.territory);
    step.push(
        charges,
        id_of(row),
        ChargeKind::Duty,
        &d.label,
        (!d.top_up).then_some(d.rate_percent),
        || {
            if d.top_up {
                RateText::one(
                    "up to {}% with the tariff duty",
                    Arg::Percent(d.rate_percent),
                )
            } else {
                percent(d.rate_percent)
            }
        },
        || match d.hs {
            Some(hs) => Note::four(
                "additional_duty {} {} {}@{}",
                Arg::Territory(territory),
                Arg::Shared(Arc::clone(&d.name)),
                Arg::Hs(hs),
                Arg::Date(row.period.from),
            ),
            None => Note::three(
                "additional_duty {} {}@{}",
                Arg::Territory(territory),
                Arg::Shared(Arc::clone(&d.name)),
                Arg::Date(row.period.from),
            ),
        },
        &row.source,
        CollectedAt::Border,
        (i, cv, amount),
    );
}
