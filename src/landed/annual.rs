//! Rule conditions the caller states and rules that refuse: the annual limit tested on the
//! request's `annual_purchases` (threshold value `customs_value_plus_annual`, China's ¥26,000
//! a year for cross-border e-commerce), and the `not_covered` effect (the data does not cover
//! the consignment: the quote is an error, never a partial answer).

use super::cascade::Context;
use super::rules::labelled;
use crate::data::{Conditions, Effect, Rule, ValueBasis};
use crate::error::Error;

/// Whether a rule in force tests an annual limit, and whether the missing-amount warning was
/// given.
#[derive(Default)]
pub(crate) struct Annual {
    tested: bool,
    warned: bool,
}

/// True when the conditions test the annual purchases.
fn uses_annual(c: &Conditions) -> bool {
    c.threshold
        .iter()
        .chain(c.also_threshold.iter())
        .any(|t| t.value == ValueBasis::CustomsValuePlusAnnual)
}

impl Annual {
    /// Notes a rule in force whose conditions may test the annual purchases.
    pub(crate) fn tests(&mut self, c: &Conditions) {
        self.tested |= uses_annual(c);
    }

    /// A rule that holds while testing an annual limit the request does not state: the quote
    /// warns, once, that the limit was not checked.
    pub(crate) fn held(&mut self, ctx: &Context<'_>, rule: &Rule, warnings: &mut Vec<String>) {
        if self.warned || ctx.req.annual_purchases.is_some() || !uses_annual(&rule.conditions) {
            return;
        }
        self.warned = true;
        warnings.push(labelled(
            &rule.name,
            "annual_purchases not given: the annual limit was not checked (this order alone was tested); give the buyer's purchases under the scheme so far this calendar year",
        ));
    }

    /// `annual_purchases` given where no rule in force tests an annual limit is reported.
    pub(crate) fn unused(&self, ctx: &Context<'_>, warnings: &mut Vec<String>) {
        if !self.tested && ctx.req.annual_purchases.is_some() {
            warnings.push(format!(
                "annual_purchases: not used: no rule of {} on {} tests an annual limit",
                ctx.territory, ctx.date
            ));
        }
    }
}

/// A rule with the `not_covered` effect that holds makes the quote an error with its warning.
pub(crate) fn not_covered(ctx: &Context<'_>, rule: &Rule) -> Result<(), Error> {
    if !rule.effects.contains(&Effect::NotCovered) {
        return Ok(());
    }
    Err(Error::input(
        "destination",
        format!(
            "{}: not covered by the data: {}",
            ctx.req.destination,
            labelled(&rule.name, rule.warning.as_deref().unwrap_or_default())
        ),
    ))
}
