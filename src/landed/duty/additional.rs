//! Additional duties by origin (`[[additional_duty]]` rows in `data/tariff_*.toml`: US
//! Section 301 on Chinese goods, Section 122 …), on the line's customs value, each scoped by
//! HS prefix and origin, some sparing preferential (e.g. USMCA) goods. Stacking: of a
//! `highest_in_group` group only the highest rate applies (the first name on a tie); other
//! rows add up.

use std::sync::Arc;

use super::super::cart::Line;
use super::super::cascade::Context;
use super::super::charges::{Step, id_of, percent};
use super::super::few::Few;
use super::super::text::{Arg, ChargeText as Note};
use super::super::wire::{Charge, ChargeKind, CollectedAt};
use crate::codes::HsCode;
use crate::data::{AdditionalDuty, Dated, Stacking};
use crate::error::Error;

/// The additional-duty rows in force for the last code looked up (kept for the next line
/// with the same code).
#[derive(Default)]
pub(crate) struct Lookup<'a> {
    hs: Option<HsCode>,
    rows: Few<&'a Dated<AdditionalDuty>, 8>,
}

impl<'a> Lookup<'a> {
    /// Adds line `i`'s additional duties to the duty charges.
    // Inlined into the loop over the lines (a call per line costs more than its body
    // when the code has no row to add).
    #[inline]
    pub(crate) fn push(
        &mut self,
        ctx: &Context<'a>,
        i: usize,
        line: &Line<'a>,
        cv: i64,
        step: &mut Step,
        charges: &mut Vec<Charge>,
    ) -> Result<(), Error> {
        let (l, territory) = (line.req, ctx.territory);
        if self.hs != Some(l.hs_code) {
            self.rows.clear();
            let rows = &mut self.rows;
            ctx.tariffs
                .additional_for_hs(&l.hs_code, ctx.date, |row| rows.push(row));
            self.hs = Some(l.hs_code);
        }
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut extra: Few<&Dated<AdditionalDuty>, 8> = Few::new();
        for row in self
            .rows
            .iter()
            .filter(|row| row.value.covers(&l.hs_code, l.origin, line.preferential))
        {
            extra.push(row);
        }
        let all = || extra.iter();
        for row in all() {
            let d = &row.value;
            if d.stacking == Stacking::HighestInGroup
                && all().any(|o| {
                    o.value.group == d.group
                        && (o.value.rate_percent > d.rate_percent
                            || (o.value.rate_percent == d.rate_percent && o.value.name < d.name))
                })
            {
                continue;
            }
            step.push(
                charges,
                id_of(row),
                ChargeKind::Duty,
                &d.name,
                Some(d.rate_percent),
                || percent(d.rate_percent),
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
                (i, cv, ctx.lane.percent_of(cv, d.rate_percent)?),
            );
        }
        Ok(())
    }
}
