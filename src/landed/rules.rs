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
//! | DE import VAT below €1 (`destinations = ["DE"]`, threshold on `tax_amount`) | `de_small_import_vat` | no tax |
//! | GB £135 rule | `gb_low_value`, `gb_low_value_duty_relief`, `gb_reverse_charge` | VAT at checkout, no duty, reverse charge for VAT-registered businesses |
//! | US de minimis $800 (and its end by origin and date) | `us_de_minimis` | no duty, no fees |
//! | CA courier C$40/150 (CUSMA), C$20 | `ca_courier_cusma_*`, `ca_low_value_20` | no tax, no duty |
//! | AU A$1,000 (LVIG by registered sellers) | `au_low_value`, `au_lvig` | no duty; GST at checkout |
//! | CH industrial goods (chapters 25–97, from 2024) | `ch_industrial_goods` (`include_hs`) | no duty |
//! | CH import VAT of CHF 5 or less | `ch_small_tax_amount` (threshold on `tax_amount`, step 6b) | no tax |
//! | NO VOEC, items below NOK 3,000 | `no_voec` (`scope = "line"`) | no duty; VAT at checkout |
//! | NO duty only on clothing and food | `no_duty_free_goods` | no duty |
//! | SG OVR, items ≤ S$400 by air or post | `sg_ovr` (`scope = "line"`) | GST at checkout |
//! | SG import GST relief, CIF ≤ S$400 | `sg_import_relief` | no tax |
//! | SG duty only on liquor, tobacco, motor vehicles, petroleum | `sg_non_dutiable` | no duty |
//! | KR list clearance USD 150 (USD 200 by courier from the US) | `kr_list_clearance`, `kr_list_clearance_us` | no duty, no tax |
//! | CN CBEC ¥5,000 per order, ¥26,000 a year | `cn_cbec` | no duty; VAT and consumption tax at 70 % (`tax_factor_percent`) |
//! | CN CBEC single item above ¥5,000 | `cn_cbec_single_item` | none (full general-trade taxes), regime `cn_cbec_full` |
//! | BR regular import above US$3,000 or by cargo | `br_regular_import_*` | warning only (duty from `duty_rate`) |
//! | MX outside the courier simplified procedure | `mx_regular_import_*` | `not_covered`: the quote is an error |
//! | MX from 2026 (RGCE 2026 unverified) | `mx_rgce_2026_unverified` | warning only |
//!
//! Consignment duty bands (`[[duty_band]]`: BR Remessa Conforme and RTS, MX courier global
//! rate) are chosen here too, after the rules: [`super::duty::bands::select`].
//! | JP ¥10,000 small amount (designated goods excluded) | `jp_small_amount` | no duty, no tax |
//! | JP personal use: 60 % of the retail price | `jp_personal_use_valuation` | customs value (tested before the others, in [`super::share`]) |
//!
//! The quote's regime id is that of the matching rule of highest priority, else the
//! territory's `[[regime]]`.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use rust_decimal::Decimal;

use super::arith::max_exact;
use super::cart::Line;
use super::cascade::Context;
use super::currency::conv;
use super::wire::QuoteRequest;
use crate::codes::CountryCode;
use crate::data::{
    Buyer, BuyerCondition, Conditions, Dated, Effect, Rule, RuleScope, Threshold, Transport,
    ValueBasis,
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
            // Known only after the taxes; [`Facts::holds`] never tests it.
            ValueBasis::TaxAmount => Decimal::ZERO,
            // Saturates: a sum past `Decimal`'s range exceeds every limit anyway.
            ValueBasis::CustomsValuePlusAnnual => self
                .customs_value
                .checked_add(self.req.annual_purchases.unwrap_or_default())
                .unwrap_or(Decimal::MAX),
        }
    }

    pub(crate) fn registered(&self, reg: &str) -> bool {
        self.req
            .seller_registrations
            .iter()
            .any(|r| r.eq_ignore_ascii_case(reg))
    }

    /// True when every condition holds. A threshold on the tax amount never holds here: it
    /// is tested after the taxes ([`super::tax_amount`]).
    pub(crate) fn holds(&self, c: &Conditions) -> Result<bool, Error> {
        if !self.holds_but_threshold(c) || !self.also_holds(c)? {
            return Ok(false);
        }
        match &c.threshold {
            None => Ok(true),
            Some(t) if t.value == ValueBasis::TaxAmount => Ok(false),
            Some(t) => self.meets(t, self.value(t.value)),
        }
    }

    /// True when `value`, in the request currency, meets threshold `t` (converted into the
    /// threshold's currency with the request's rates).
    pub(crate) fn meets(&self, t: &Threshold, value: Decimal) -> Result<bool, Error> {
        let value = conv(&self.req.exchange_rates, self.req.currency, t.currency)?.apply(value)?;
        Ok(t.comparison.holds(value, t.amount))
    }

    /// True when the second threshold (`also_threshold`), if any, holds on the consignment.
    pub(crate) fn also_holds(&self, c: &Conditions) -> Result<bool, Error> {
        match &c.also_threshold {
            None => Ok(true),
            Some(t) => self.meets(t, self.value(t.value)),
        }
    }

    /// The order's total quantity is at most `max`.
    fn within_units(&self, max: Decimal) -> bool {
        let mut units = Decimal::ZERO;
        for l in &self.req.lines {
            match units.checked_add(l.quantity) {
                Some(u) if u <= max => units = u,
                _ => return false,
            }
        }
        true
    }

    /// True when every condition except the thresholds holds.
    pub(crate) fn holds_but_threshold(&self, c: &Conditions) -> bool {
        self.holds_but_threshold_and(c, true)
    }

    /// [`Facts::holds_but_threshold`], with the origin conditions tested on the consignment
    /// (`origins`: every line's; `exclude_origins`: no line's) or, for a line-scoped rule,
    /// left to each line ([`in_rule`]).
    fn holds_but_threshold_and(&self, c: &Conditions, consignment_origins: bool) -> bool {
        if !c.destinations.is_empty() && !c.destinations.contains(&self.req.destination) {
            return false;
        }
        if !c.ship_from.is_empty() && !c.ship_from.contains(&self.ship_from) {
            return false;
        }
        if !c.transport.is_empty() && !c.transport.contains(&self.transport) {
            return false;
        }
        if let Some(b) = c.buyer {
            let ok = match b {
                BuyerCondition::Consumer => self.buyer == Buyer::Consumer,
                BuyerCondition::Business => self.buyer == Buyer::Business,
                BuyerCondition::RegisteredBusiness => self.registered_business,
                BuyerCondition::NotRegisteredBusiness => !self.registered_business,
            };
            if !ok {
                return false;
            }
        }
        if let Some(reg) = &c.requires_registration
            && !self.registered(reg)
        {
            return false;
        }
        if consignment_origins
            && !c.origins.is_empty()
            && !self.req.lines.iter().all(|l| c.origins.contains(&l.origin))
        {
            return false;
        }
        if c.max_units.is_some_and(|m| !self.within_units(m)) {
            return false;
        }
        !consignment_origins
            || !self
                .req
                .lines
                .iter()
                .any(|l| c.exclude_origins.contains(&l.origin))
    }
}

/// What the rules decided for the whole consignment.
pub(crate) struct Outcome<'a> {
    /// The regime id of the quote (in the data; the quote clones it once, at the end).
    pub(crate) regime_id: &'a Arc<str>,
    /// The priority of the rule that set the regime id, if one did.
    pub(crate) priority: Option<i32>,
    /// A rule waives the government fees (US de minimis).
    pub(crate) no_fees: bool,
}

impl<'a> Outcome<'a> {
    /// A rule that applies sets the regime id when it names one and no rule of a higher or
    /// equal priority has set it before.
    pub(crate) fn set_regime(&mut self, rule: &'a Rule) {
        if let Some(id) = &rule.regime
            && self.priority.is_none_or(|b| rule.priority > b)
        {
            self.priority = Some(rule.priority);
            self.regime_id = id;
        }
    }
}

/// Applies the rules in force (except those on the tax amount, tested after the taxes): the
/// regime id, the fees waiver, the rules' warnings, and each rule's effects on the lines in it
/// (by its HS lists and, for a line-scoped rule, its threshold on each line's unit price).
pub(crate) fn apply<'a>(
    ctx: &Context<'a>,
    facts: &Facts<'_>,
    lines: &mut [Line<'a>],
    warnings: &mut Vec<String>,
) -> Result<Outcome<'a>, Error> {
    let mut outcome = Outcome {
        regime_id: &ctx.regime.id,
        priority: None,
        no_fees: false,
    };
    let mut annual = super::annual::Annual::default();
    for row in ctx.tables.customs.rules.in_force(ctx.territory, ctx.date) {
        let rule = &row.value;
        annual.tests(&rule.conditions);
        let threshold = rule.conditions.threshold.as_ref();
        let line_scope = rule.scope == RuleScope::Line;
        if threshold.is_some_and(|t| t.value == ValueBasis::TaxAmount)
            || !facts.holds_but_threshold_and(&rule.conditions, !line_scope)
            || !facts.also_holds(&rule.conditions)?
        {
            continue;
        }
        if let Some(t) = threshold.filter(|_| !line_scope)
            && !facts.meets(t, facts.value(t.value))?
        {
            continue;
        }
        let mut any = false;
        for line in lines.iter_mut() {
            if in_rule(facts, rule, line)? {
                any = true;
                put_effects(ctx, row, line)?;
            }
        }
        if !any && (line_scope || !rule.include_hs.is_empty()) {
            continue;
        }
        super::annual::not_covered(ctx, rule)?;
        annual.held(ctx, rule, warnings);
        outcome.no_fees |= rule.effects.contains(&Effect::NoFees);
        applies(facts, rule, &mut outcome, warnings);
    }
    unused_registrations(ctx, warnings);
    annual.unused(ctx, warnings);
    if let Some(band) = super::duty::bands::select(ctx, facts, lines, warnings)? {
        outcome.regime_id = &band.value.regime;
    }
    Ok(outcome)
}

/// What an applying rule does besides its effects on lines: the regime id, its warning, and
/// the check of the registration the seller is expected to hold.
pub(crate) fn applies<'a>(
    facts: &Facts<'_>,
    rule: &'a Rule,
    outcome: &mut Outcome<'a>,
    warnings: &mut Vec<String>,
) {
    outcome.set_regime(rule);
    if let Some(w) = rule
        .warning
        .as_ref()
        .filter(|_| !rule.effects.contains(&Effect::DutyRateRequired))
    {
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
}

/// True when the line is in the rule: under one of its `include_hs` prefixes (if any), under
/// none of its `exclude_hs`, and, for a line-scoped rule, of one of its `origins` (if any),
/// of none of its `exclude_origins`, and of a unit price that meets its threshold (if any).
fn in_rule(facts: &Facts<'_>, rule: &Rule, line: &Line<'_>) -> Result<bool, Error> {
    let hs = &line.req.hs_code;
    if rule.scope == RuleScope::Line {
        let (c, origin) = (&rule.conditions, &line.req.origin);
        if (!c.origins.is_empty() && !c.origins.contains(origin))
            || c.exclude_origins.contains(origin)
        {
            return Ok(false);
        }
    }
    if !rule.include_hs.is_empty() && !rule.include_hs.covers(hs) {
        return Ok(false);
    }
    if rule.exclude_set.covers(hs) {
        return Ok(false);
    }
    match rule.conditions.threshold.as_ref() {
        Some(t) if rule.scope == RuleScope::Line => facts.meets(t, line.req.unit_price),
        _ => Ok(true),
    }
}

/// Puts a rule's effects on a line.
fn put_effects<'a>(
    ctx: &Context<'a>,
    row: &'a Dated<Rule>,
    line: &mut Line<'a>,
) -> Result<(), Error> {
    let rule = &row.value;
    if let Some(f) = rule.tax_factor_percent {
        line.tax_factor = Some(f);
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
            Effect::DutyRateRequired => line.duty_rate_required = Some(rule),
            Effect::FlatDuty => {
                if let Some((amount, cur)) = rule.flat_duty {
                    let a = conv(&ctx.req.exchange_rates, cur, ctx.currency)?.apply(amount)?;
                    line.flat = Some((row, a));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A seller registration that no rule in force for the territory names (as required or
/// expected) changes nothing in the quote, which says so (e.g. `CH_VAT`, accepted on the wire
/// while the data encodes no Swiss rule for it).
fn unused_registrations(ctx: &Context<'_>, warnings: &mut Vec<String>) {
    for reg in &ctx.req.seller_registrations {
        let names = |n: &Option<std::sync::Arc<str>>| {
            n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(reg))
        };
        let customs = &ctx.tables.customs;
        // A rule that requires or expects it, or a consignment duty band that requires it.
        let named = customs.rules.in_force(ctx.territory, ctx.date).any(|row| {
            let r = &row.value;
            names(&r.conditions.requires_registration) || names(&r.expects_registration)
        }) || customs
            .duty_bands
            .in_force(ctx.territory, ctx.date)
            .any(|row| names(&row.value.conditions.requires_registration));
        if !named {
            // Built piece by piece rather than with `format!` (BR and MX quotes name a
            // registration no rule reads on every call); the same text.
            let mut w = String::with_capacity(reg.len().saturating_add(100));
            w.push_str("seller_registrations: ");
            w.push_str(reg);
            w.push_str(" has no effect on a quote to ");
            w.push_str(ctx.req.destination.as_str());
            w.push_str(" on ");
            push_date(&mut w, ctx.date);
            w.push_str(": no rule of this dataset names it");
            warnings.push(w);
        }
    }
}

/// Appends `date` as chrono's `Display` writes it (`2026-11-25`): the digits pushed one by
/// one for the years 0–9999, `Display` itself for the others.
pub(crate) fn push_date(s: &mut String, date: NaiveDate) {
    let (y, m, d) = (date.year(), date.month(), date.day());
    let y = match u32::try_from(y) {
        Ok(y) if y <= 9999 => y,
        _ => {
            use std::fmt::Write as _;
            let _ = write!(s, "{date}");
            return;
        }
    };
    let digit = |v: u32, p: u32| {
        char::from_digit(
            v.checked_div(p).unwrap_or(0).checked_rem(10).unwrap_or(0),
            10,
        )
        .unwrap_or('0')
    };
    for p in [1000, 100, 10, 1] {
        s.push(digit(y, p));
    }
    for v in [m, d] {
        s.push('-');
        s.push(digit(v, 10));
        s.push(digit(v, 1));
    }
}

/// `name: text`, without the formatting machinery (a quote's warnings are built per call).
pub(crate) fn labelled(name: &str, text: &str) -> String {
    let mut s = String::with_capacity(name.len().saturating_add(text.len()).saturating_add(2));
    s.push_str(name);
    s.push_str(": ");
    s.push_str(text);
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// `push_date` writes what chrono's `Display` writes, inside and outside years 0–9999.
    #[test]
    fn dates_are_pushed_as_display_writes_them() {
        for (y, m, d) in [
            (2026, 11, 25),
            (2024, 2, 29),
            (1, 1, 1),
            (0, 12, 31),
            (9999, 12, 31),
        ]
        .into_iter()
        .chain([(10_000, 1, 2), (-5, 3, 4)])
        {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut s = String::from("x ");
            push_date(&mut s, date);
            assert_eq!(s, format!("x {date}"));
        }
    }
}
