//! The flat duty per tariff subheading: the EU's €3 per item on B2C consignments of intrinsic
//! value ≤ €150, from 2026-07-01 to 2028-06-30 (rule `eu_low_value_flat_duty` in
//! `data/customs.toml`, effect `flat_duty`). An "item" is each distinct 6-digit tariff
//! subheading in the consignment: lines under the same subheading owe one flat amount between
//! them, spread over those lines by goods value.
//!
//! The shares are kept as exact ratios ([`Step::add_share`]): €3 × 15/33 has no finite decimal
//! expansion, and a 28-digit quotient would make every later step inexact. The charge's
//! unrounded amount is the flat amount times the number of subheadings, exactly; its rounded
//! amount is split over the lines by those ratios in [`super::super::lane::Lane::split_ratios`].

use std::sync::Arc;

use super::super::arith::Exact;
use super::super::cart::Line;
use super::super::charges::{Step, id_of};
use super::super::text::{Arg, ChargeText as Note, RateText};
use super::super::wire::{Charge, ChargeKind, CollectedAt};
use crate::codes::HsCode;
use crate::error::Error;

/// The lines owing a flat duty, grouped by rule row and subheading.
pub(crate) struct Groups {
    /// (row identity, subheading, total goods value in lane units, number of lines).
    groups: Vec<(usize, HsCode, u64, u64)>,
    /// Whether each group has been added to its charge yet (by its first line).
    opened: Vec<bool>,
}

/// A line's subheading: its first six digits (a shorter code counts as its own).
fn subheading(line: &Line<'_>) -> HsCode {
    line.req.hs_code.subheading().unwrap_or(line.req.hs_code)
}

impl Groups {
    /// Groups the lines that owe a flat duty (and are not relieved of duty).
    pub(crate) fn of(lines: &[Line<'_>], warnings: &mut Vec<String>) -> Result<Self, Error> {
        if lines.iter().all(|l| l.flat.is_none()) {
            return Ok(Self {
                groups: Vec::new(),
                opened: Vec::new(),
            });
        }
        let mut groups: Vec<(usize, HsCode, u64, u64)> = Vec::new();
        for line in lines.iter().filter(|l| !l.no_duty) {
            let Some((row, _)) = line.flat else { continue };
            let (id, sub) = (id_of(row), subheading(line));
            let goods = u64::try_from(line.goods).map_err(|_| Error::overflow("flat duty"))?;
            match groups.iter_mut().find(|g| g.0 == id && g.1 == sub) {
                Some(g) => {
                    g.2 =
                        g.2.checked_add(goods)
                            .ok_or_else(|| Error::overflow("flat duty"))?;
                    g.3 = g.3.saturating_add(1);
                }
                None => groups.push((id, sub, goods, 1)),
            }
        }
        if lines
            .iter()
            .any(|l| l.flat.is_some() && l.req.hs_code.len() < 6)
        {
            warnings.push(
                "a line's hs_code has fewer than 6 digits; the flat duty counts it as its own tariff subheading"
                    .to_owned(),
            );
        }
        let opened = vec![false; groups.len()];
        Ok(Self { groups, opened })
    }

    /// Adds line `i`'s share of its subheading's flat amount to the flat-duty charge.
    pub(crate) fn push(
        &mut self,
        i: usize,
        line: &Line<'_>,
        cv: i64,
        step: &mut Step,
        charges: &mut Vec<Charge>,
    ) -> Result<(), Error> {
        let Some((row, amount)) = line.flat else {
            return Ok(());
        };
        let (id, sub) = (id_of(row), subheading(line));
        let Some(k) = self.groups.iter().position(|g| g.0 == id && g.1 == sub) else {
            return Ok(());
        };
        let (_, _, total, count) = self.groups.get(k).copied().unwrap_or((id, sub, 0, 1));
        // By goods value; by count when the subheading's goods are all free of charge.
        let (num, den) = if total == 0 {
            (1, count)
        } else {
            let goods = u64::try_from(line.goods).map_err(|_| Error::overflow("flat duty"))?;
            (goods, total)
        };
        let Some((cur_amount, cur)) = row.value.flat_duty else {
            return Ok(());
        };
        let charge = step.push(
            charges,
            id,
            ChargeKind::Duty,
            &row.value.name,
            None,
            || {
                RateText::two(
                    "{} {} per tariff subheading",
                    Arg::Amount(cur_amount),
                    Arg::Currency(cur),
                )
            },
            || {
                Note::two(
                    "rule {}@{}",
                    Arg::Shared(Arc::clone(&row.value.name)),
                    Arg::Date(row.period.from),
                )
            },
            &row.source,
            CollectedAt::Border,
            (i, cv, Exact { m: 0, scale: 0 }),
        );
        step.add_share(charge, i, num, den);
        if let Some(opened) = self.opened.get_mut(k).filter(|o| !**o) {
            *opened = true;
            step.add_group(charge, Exact::of(amount))?;
        }
        Ok(())
    }
}
