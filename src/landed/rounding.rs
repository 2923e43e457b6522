//! Step 7, **rounding**: the `[[rounding]]` rows of `data/customs.toml` in force for the
//! territory, one per target (the duty base, the duty, fees, the tax base, the tax). Without
//! a row, a charge is rounded once, on its total, to the currency's minor unit half-up; a row
//! may name another mode, an increment (CHF 0.05) or the line stage (each line's part rounded
//! on its own). The rounding itself and the spreading of the rounded amount over the lines are
//! in [`super::charges`]; the integer arithmetic in [`super::lane`].

use chrono::NaiveDate;

use super::lane::Lane;
use crate::codes::Territory;
use crate::data::{CustomsTables, RoundingRule, RoundingTarget};

/// The rounding rules in force for a quote, one per target.
#[derive(Clone, Copy, Default)]
pub(crate) struct Roundings<'t> {
    /// The customs value before duty is computed on it.
    pub(crate) duty_base: Option<&'t RoundingRule>,
    /// Each duty charge.
    pub(crate) duty: Option<&'t RoundingRule>,
    /// Each fee.
    pub(crate) fee: Option<&'t RoundingRule>,
    /// The base of each import tax.
    pub(crate) tax_base: Option<&'t RoundingRule>,
    /// Each tax charge.
    pub(crate) tax: Option<&'t RoundingRule>,
}

impl<'t> Roundings<'t> {
    /// The rules in force for `territory` on `date`, found in one pass.
    pub(crate) fn in_force(
        customs: &'t CustomsTables,
        territory: Territory,
        date: NaiveDate,
    ) -> Self {
        let mut r = Self::default();
        for row in customs.roundings.in_force(territory, date) {
            let rule = &row.value;
            *match rule.target {
                RoundingTarget::DutyBase => &mut r.duty_base,
                RoundingTarget::Duty => &mut r.duty,
                RoundingTarget::Fee => &mut r.fee,
                RoundingTarget::Tax => &mut r.tax,
                RoundingTarget::TaxBase => &mut r.tax_base,
            } = Some(rule);
        }
        r
    }

    /// The integer lane for these rules: the minor unit's scale, or finer when an increment
    /// asks for it.
    pub(crate) fn lane(&self, minor: u32) -> Lane {
        Lane {
            scale: [self.duty_base, self.duty, self.fee, self.tax, self.tax_base]
                .into_iter()
                .flat_map(|r| {
                    [
                        r,
                        r.and_then(|r| r.line.as_deref()),
                        r.and_then(|r| r.chain.as_deref()),
                    ]
                })
                .map(|r| rule_scale(r, minor))
                .max()
                .unwrap_or(minor),
            minor,
        }
    }
}

/// The scale at which rounded amounts of a rule live (for allocation): the increment's
/// scale without trailing zeros, at least `minor`. (Normalising only lowers a scale, so an
/// increment written with at most `minor` decimals, such as ¥100, needs none.)
pub(crate) fn rule_scale(rule: Option<&RoundingRule>, minor: u32) -> u32 {
    rule.and_then(|r| r.increment).map_or(minor, |i| {
        if i.scale() <= minor {
            minor
        } else {
            i.normalize().scale().max(minor)
        }
    })
}
