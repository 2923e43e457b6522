//! Step 3, **rules**: the `[[rule]]` rows of `data/customs.toml` in force for the territory,
//! each tested on the consignment's [`Facts`] (a threshold on its own value basis, currency and
//! comparison; buyer; seller registration; ship-from; transport; origins), and the effects of
//! those that hold put on the lines. Where the rules of each regime are:
//!
//! | rule | data row (`name`) | effect |
//! |---|---|---|
//! | EU IOSS, intrinsic value ≤ €150 | `eu_ioss` | VAT at checkout on the sale price |
//! | EU duty relief ≤ €150 (until 2026-06-30) | `eu_low_value_duty_relief` | no duty |
//! | EU €3 per tariff subheading (2026-07-01 to 2028-06-30) | `eu_low_value_flat_duty` | flat duty, spread in [`super::duty::flat`] |
//! | GB £135 rule | `gb_low_value`, `gb_low_value_duty_relief`, `gb_reverse_charge` | VAT at checkout, no duty, reverse charge for VAT-registered businesses |
//! | US de minimis $800 (and its end by origin and date) | `us_de_minimis` | no duty, no fees |
//! | CA courier C$40/150 (CUSMA), C$20 | `ca_courier_cusma_*`, `ca_low_value_20` | no tax, no duty |
//! | AU A$1,000 (LVIG by registered sellers) | `au_low_value`, `au_lvig` | no duty; GST at checkout |
//! | JP ¥10,000 small amount (designated goods excluded) | `jp_small_amount` | no duty, no tax |
//! | JP personal use: 60 % of the retail price | `jp_personal_use_valuation` | customs value (tested before the others, in [`super::share`]) |
//!
//! The quote's regime id is that of the matching rule of highest priority, else the
//! territory's `[[regime]]`.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::arith::max_exact;
use super::cart::Line;
use super::cascade::Context;
use super::currency::conv;
use super::wire::QuoteRequest;
use crate::codes::CountryCode;
use crate::data::{
    Buyer, BuyerCondition, Conditions, Effect, Transport, ValueBasis, hs_starts_with,
};
use crate::error::Error;

/// Facts about the consignment the conditions are tested on.
pub(crate) struct Facts<'a> {
    pub(crate) req: &'a QuoteRequest,
    pub(crate) ship_from: CountryCode,
    pub(crate) transport: Transport,
    pub(crate) buyer: Buyer,
    pub(crate) registered_business: bool,
    /// Values in the request currency, unrounded.
    pub(crate) intrinsic: Decimal,
    pub(crate) customs_value: Decimal,
    pub(crate) sale_price: Decimal,
}

impl Facts<'_> {
    pub(crate) fn value(&self, basis: ValueBasis) -> Decimal {
        match basis {
            ValueBasis::Intrinsic => self.intrinsic,
            ValueBasis::CustomsValue => self.customs_value,
            // The dearest item, computed only for the rules that test it.
            ValueBasis::Item => self
                .req
                .lines
                .iter()
                .fold(Decimal::ZERO, |m, l| max_exact(m, l.unit_price)),
            ValueBasis::SalePrice => self.sale_price,
        }
    }

    pub(crate) fn registered(&self, reg: &str) -> bool {
        self.req
            .seller_registrations
            .iter()
            .any(|r| r.eq_ignore_ascii_case(reg))
    }

    /// True when every condition holds.
    pub(crate) fn holds(&self, c: &Conditions) -> Result<bool, Error> {
        if !c.ship_from.is_empty() && !c.ship_from.contains(&self.ship_from) {
            return Ok(false);
        }
        if !c.transport.is_empty() && !c.transport.contains(&self.transport) {
            return Ok(false);
        }
        if let Some(b) = c.buyer {
            let ok = match b {
                BuyerCondition::Consumer => self.buyer == Buyer::Consumer,
                BuyerCondition::Business => self.buyer == Buyer::Business,
                BuyerCondition::RegisteredBusiness => self.registered_business,
                BuyerCondition::NotRegisteredBusiness => !self.registered_business,
            };
            if !ok {
                return Ok(false);
            }
        }
        if let Some(reg) = &c.requires_registration
            && !self.registered(reg)
        {
            return Ok(false);
        }
        if !c.origins.is_empty() && !self.req.lines.iter().all(|l| c.origins.contains(&l.origin)) {
            return Ok(false);
        }
        if self
            .req
            .lines
            .iter()
            .any(|l| c.exclude_origins.contains(&l.origin))
        {
            return Ok(false);
        }
        if let Some(t) = &c.threshold {
            let value = conv(&self.req.exchange_rates, self.req.currency, t.currency)?
                .apply(self.value(t.value))?;
            if !t.comparison.holds(value, t.amount) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// What the rules decided for the whole consignment.
pub(crate) struct Outcome {
    /// The regime id of the quote.
    pub(crate) regime_id: Arc<str>,
    /// A rule waives the government fees (US de minimis).
    pub(crate) no_fees: bool,
}

/// Applies the rules in force: the regime id, the fees waiver, the rules' warnings, and each
/// rule's effects on the lines it does not exclude by HS code.
pub(crate) fn apply<'a>(
    ctx: &Context<'a>,
    facts: &Facts<'_>,
    lines: &mut [Line<'a>],
    warnings: &mut Vec<String>,
) -> Result<Outcome, Error> {
    let mut regime_id = Arc::clone(&ctx.regime.id);
    let mut best: Option<i32> = None;
    let mut no_fees = false;
    for row in ctx.tables.customs.rules.in_force(ctx.territory, ctx.date) {
        let rule = &row.value;
        if !facts.holds(&rule.conditions)? {
            continue;
        }
        if let Some(id) = &rule.regime
            && best.is_none_or(|b| rule.priority > b)
        {
            best = Some(rule.priority);
            regime_id = Arc::clone(id);
        }
        no_fees |= rule.effects.contains(&Effect::NoFees);
        if let Some(w) = &rule.warning {
            warnings.push(labelled(&rule.name, w));
        }
        if let Some(reg) = &rule.expects_registration
            && !facts.registered(reg)
        {
            warnings.push(format!(
                "{}: seller_registrations lacks {reg}; the seller is expected to hold it to collect this tax",
                rule.name
            ));
        }
        for line in lines.iter_mut() {
            if rule
                .exclude_hs
                .iter()
                .any(|p| hs_starts_with(&line.req.hs_code, p))
            {
                continue;
            }
            for e in &rule.effects {
                match e {
                    Effect::NoDuty => {
                        line.no_duty = true;
                        line.no_duty_by.get_or_insert(rule);
                    }
                    Effect::NoTax => line.no_tax = true,
                    Effect::TaxAtCheckout => line.checkout = Some(rule),
                    Effect::ReverseCharge => line.reverse_charge = true,
                    Effect::FlatDuty => {
                        if let Some((amount, cur)) = rule.flat_duty {
                            let a =
                                conv(&ctx.req.exchange_rates, cur, ctx.currency)?.apply(amount)?;
                            line.flat = Some((row, a));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(Outcome { regime_id, no_fees })
}

/// `name: text`, without the formatting machinery (a quote's warnings are built per call).
pub(crate) fn labelled(name: &str, text: &str) -> String {
    let mut s = String::with_capacity(name.len().saturating_add(text.len()).saturating_add(2));
    s.push_str(name);
    s.push_str(": ");
    s.push_str(text);
    s
}
