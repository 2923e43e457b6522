//! The charge cascade: currency, valuation, rules, duty, fees, import taxes, rounding.

use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::text::{Arg, ChargeText as Note};
use super::wire::{
    Charge, ChargeKind, ChargeText, CollectedAt, ExchangeRate, Incoterm, LineQuote, Quote,
    QuoteLine, QuoteRequest,
};
use crate::codes::{CountryCode, Currency, HsCode, RegionCode, TaxCategory, Territory};
use crate::data::row_at;
use crate::data::{
    BaseTerm, Buyer, BuyerCondition, Conditions, Dated, Effect, Fee, FeeKind, ImportTax,
    RateTables, RoundingRule, RoundingStage, Rule, Specific, SpecificPer, Stacking, TariffRate,
    TaxRateSource, Transport, Valuation, ValueBasis, VatValue, hs_starts_with,
};
use crate::error::Error;
use crate::money::{RoundingMode, allocate_by, round_to_increment, round_to_scale};

const OP: &str = "landed cost";

/// Names shared by every quote (built once, cloned by reference count).
static DUTY_NAME: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("customs duty"));
static REQUEST_SOURCE: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("request"));
static EMPTY: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));
static STANDARD: LazyLock<TaxCategory> = LazyLock::new(TaxCategory::standard);

#[inline]
fn add(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_add(b).ok_or(Error::overflow(OP))
}

#[inline]
fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_sub(b).ok_or(Error::overflow(OP))
}

#[inline]
fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_mul(b).ok_or(Error::overflow(OP))
}

#[inline]
fn div(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    if b.is_zero() {
        return Err(Error::DivisionByZero { operation: OP });
    }
    a.checked_div(b).ok_or(Error::overflow(OP))
}

/// `amount × percent / 100`.
#[inline]
fn percent_of(amount: Decimal, percent: Decimal) -> Result<Decimal, Error> {
    // Multiplying by 0.01 is exact and cheaper than dividing by 100.
    mul(mul(amount, percent)?, Decimal::new(1, 2))
}

/// Conversion of amounts between two currencies with the request's rates.
#[derive(Clone, Copy)]
enum Conv {
    Identity,
    /// Multiply by the given rate.
    Mul(Decimal),
    /// Divide by the reverse pair's rate (never a rounded inverse).
    Div(Decimal),
}

impl Conv {
    fn apply(self, amount: Decimal) -> Result<Decimal, Error> {
        match self {
            Self::Identity => Ok(amount),
            Self::Mul(r) => mul(amount, r),
            Self::Div(r) => div(amount, r),
        }
    }
}

fn conv(rates: &[ExchangeRate], from: Currency, to: Currency) -> Result<Conv, Error> {
    if from == to {
        return Ok(Conv::Identity);
    }
    if let Some(r) = rates.iter().find(|r| r.from == from && r.to == to) {
        return Ok(Conv::Mul(r.rate));
    }
    if let Some(r) = rates.iter().find(|r| r.from == to && r.to == from) {
        return Ok(Conv::Div(r.rate));
    }
    Err(Error::MissingExchangeRate { from, to })
}

/// Rounds per a rule, or to the minor unit half-up by default.
fn round_by(value: Decimal, rule: Option<&RoundingRule>, scale: u32) -> Result<Decimal, Error> {
    match rule {
        Some(RoundingRule {
            increment: Some(inc),
            mode,
            ..
        }) => round_to_increment(value, *inc, *mode),
        Some(r) => Ok(round_to_scale(value, scale, r.mode)),
        None => Ok(round_to_scale(value, scale, RoundingMode::HalfUp)),
    }
}

/// The scale at which rounded amounts of a rule live (for allocation).
fn rule_scale(rule: Option<&RoundingRule>, minor: u32) -> u32 {
    rule.and_then(|r| r.increment)
        .map_or(minor, |i| i.normalize().scale().max(minor))
}

/// Presents an amount at exactly the currency's scale (`0` → `0.00`).
fn present(mut v: Decimal, scale: u32) -> Decimal {
    if v.scale() < scale {
        v.rescale(scale);
    }
    v
}

/// Facts about the consignment the conditions are tested on.
struct Facts<'r> {
    req: &'r QuoteRequest,
    ship_from: CountryCode,
    transport: Transport,
    buyer: Buyer,
    registered_business: bool,
    /// Values in the request currency, unrounded.
    intrinsic: Decimal,
    customs_value: Decimal,
    item: Decimal,
    sale_price: Decimal,
}

impl Facts<'_> {
    fn value(&self, basis: ValueBasis) -> Decimal {
        match basis {
            ValueBasis::Intrinsic => self.intrinsic,
            ValueBasis::CustomsValue => self.customs_value,
            ValueBasis::Item => self.item,
            ValueBasis::SalePrice => self.sale_price,
        }
    }

    fn registered(&self, reg: &str) -> bool {
        self.req
            .seller_registrations
            .iter()
            .any(|r| r.eq_ignore_ascii_case(reg))
    }

    /// True when every condition holds.
    fn holds(&self, c: &Conditions) -> Result<bool, Error> {
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

/// Per-line state through the cascade.
struct Line<'r, 't> {
    req: &'r QuoteLine,
    goods: Decimal,
    shipping: Decimal,
    insurance: Decimal,
    customs_value: Decimal,
    duty: Decimal,
    tax: Decimal,
    taxable_fees: Decimal,
    no_duty: bool,
    no_tax: bool,
    reverse_charge: bool,
    checkout: Option<&'t Rule>,
    flat: Option<(&'t Dated<Rule>, Decimal)>,
    preferential: bool,
}

/// A charge being accumulated over lines.
struct Acc {
    /// Identity of the data row (its address) or of the request field that made the charge;
    /// lines with the same identity, rate and place of collection share one charge.
    id: usize,
    kind: ChargeKind,
    name: Arc<str>,
    rate: Option<Decimal>,
    rate_text: ChargeText,
    rule: ChargeText,
    source: Arc<str>,
    collected_at: CollectedAt,
    /// (line, base, unrounded amount)
    parts: Vec<(usize, Decimal, Decimal)>,
}

/// A finished charge with its per-line rounded amounts.
struct Done {
    charge: Charge,
    per_line: Vec<(usize, Decimal)>,
}

struct Accs(Vec<Acc>);

/// The identity of a data row: its address, stable for the life of the tables.
fn id_of<T>(row: &T) -> usize {
    core::ptr::from_ref(row).addr()
}

/// Identities of charges that come from the request rather than a data row.
const ID_DUTY_RATE: usize = 1;
const ID_TAX_RATE: usize = 2;

impl Accs {
    /// Adds a line's part to the charge with the same identity, or starts a new charge (only
    /// then are its texts built).
    #[allow(
        clippy::too_many_arguments,
        reason = "a charge's identity has this many parts"
    )]
    fn push(
        &mut self,
        id: usize,
        kind: ChargeKind,
        name: &Arc<str>,
        rate: Option<Decimal>,
        rate_text: impl FnOnce() -> ChargeText,
        rule: impl FnOnce() -> ChargeText,
        source: &Arc<str>,
        collected_at: CollectedAt,
        part: (usize, Decimal, Decimal),
    ) {
        if let Some(acc) = self.0.iter_mut().find(|a| {
            a.id == id
                && a.kind == kind
                && a.rate == rate
                && a.collected_at == collected_at
                && a.name == *name
        }) {
            acc.parts.push(part);
            return;
        }
        let mut parts = Vec::with_capacity(8);
        parts.push(part);
        self.0.push(Acc {
            id,
            kind,
            name: Arc::clone(name),
            rate,
            rate_text: rate_text(),
            rule: rule(),
            source: Arc::clone(source),
            collected_at,
            parts,
        });
    }
}

/// Rounds a charge per its rounding rule and spreads the rounded amount over its lines.
fn finish(acc: Acc, rule: Option<&RoundingRule>, minor: u32) -> Result<Done, Error> {
    let mut base = Decimal::ZERO;
    let mut unrounded = Decimal::ZERO;
    for (_, b, a) in &acc.parts {
        base = add(base, *b)?;
        unrounded = add(unrounded, *a)?;
    }
    let (amount, per_line) = match rule.map(|r| r.stage) {
        Some(RoundingStage::Line) => {
            let mut sum = Decimal::ZERO;
            let mut per = Vec::with_capacity(acc.parts.len());
            for (i, _, a) in &acc.parts {
                let r = round_by(*a, rule, minor)?;
                sum = add(sum, r)?;
                per.push((*i, r));
            }
            (sum, per)
        }
        _ => {
            let amount = round_by(unrounded, rule, minor)?;
            let per = spread(amount, &acc.parts, rule_scale(rule, minor))?;
            (amount, per)
        }
    };
    let amount = present(amount, minor);
    let has_base = acc.kind != ChargeKind::Fee || acc.rate.is_some();
    Ok(Done {
        charge: Charge {
            kind: acc.kind,
            name: acc.name,
            base: has_base.then(|| present(base, minor)),
            rate: acc.rate.map(|r| r.normalize()),
            rate_text: acc.rate_text,
            amount,
            unrounded: unrounded.normalize(),
            rule: acc.rule,
            source: acc.source,
            collected_at: acc.collected_at,
            lines: acc.parts.iter().map(|p| p.0).collect(),
        },
        per_line,
    })
}

/// Spreads a rounded amount over parts in proportion to their unrounded amounts (largest
/// remainder), so that the line shares add up exactly.
fn spread(
    amount: Decimal,
    parts: &[(usize, Decimal, Decimal)],
    scale: u32,
) -> Result<Vec<(usize, Decimal)>, Error> {
    let mut per = Vec::with_capacity(parts.len());
    if let [(i, _, _)] = parts {
        per.push((*i, amount));
        return Ok(per);
    }
    allocate_by(
        amount,
        parts.len(),
        |k| parts.get(k).map(|p| p.2.abs()).unwrap_or_default(),
        scale,
        |k, share| {
            if let Some(p) = parts.get(k) {
                per.push((p.0, share));
            }
            Ok(())
        },
    )?;
    Ok(per)
}

/// The MFN duty of a line under a tariff rate: ad valorem on the customs value plus the
/// specific part (per unit or per kg, converted), clamped to the rate's minimum and maximum.
fn mfn_duty(
    t: &TariffRate,
    l: &QuoteLine,
    i: usize,
    customs_value: Decimal,
    rates: &[ExchangeRate],
    currency: Currency,
) -> Result<Decimal, Error> {
    let mut duty = match t.rate_percent {
        Some(p) => percent_of(customs_value, p)?,
        None => Decimal::ZERO,
    };
    let amount_of = |s: Specific| -> Result<Decimal, Error> {
        let units = match s.per {
            SpecificPer::Unit => l.quantity,
            SpecificPer::Kg => {
                let kg = l.weight_kg.ok_or_else(|| {
                    Error::input(
                        field(i, "weight_kg"),
                        format!(
                            "required: the {} tariff for {} is per kg",
                            t.territory, t.hs
                        ),
                    )
                })?;
                mul(kg, l.quantity)?
            }
        };
        conv(rates, s.currency, currency)?.apply(mul(s.amount, units)?)
    };
    if let Some(s) = t.specific {
        duty = add(duty, amount_of(s)?)?;
    }
    if let Some(m) = t.min {
        duty = duty.max(amount_of(m)?);
    }
    if let Some(m) = t.max {
        duty = duty.min(amount_of(m)?);
    }
    Ok(duty)
}

/// Number of request lines whose subheading is `sub`, as a Decimal.
fn lines_with_sub(lines: &[QuoteLine], sub: &HsCode) -> Decimal {
    Decimal::from(
        lines
            .iter()
            .filter(|l| l.hs_code.subheading().unwrap_or(l.hs_code) == *sub)
            .count()
            .max(1),
    )
}

/// Sum of a line's base terms.
fn base_of(
    line: &Line<'_, '_>,
    terms: &[BaseTerm],
    taxes: &[(Arc<str>, Vec<Decimal>)],
    index: usize,
) -> Result<Decimal, Error> {
    let mut b = Decimal::ZERO;
    for t in terms {
        let v = match t {
            BaseTerm::Goods => line.goods,
            BaseTerm::Shipping => line.shipping,
            BaseTerm::Insurance => line.insurance,
            BaseTerm::CustomsValue => line.customs_value,
            BaseTerm::Duty => line.duty,
            BaseTerm::TaxableFees => line.taxable_fees,
            BaseTerm::Tax(name) => taxes
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.get(index).copied())
                .unwrap_or_default(),
        };
        b = add(b, v)?;
    }
    Ok(b)
}

fn field(i: usize, name: &str) -> String {
    format!("lines[{i}].{name}")
}

fn check_request(req: &QuoteRequest) -> Result<(), Error> {
    if req.lines.is_empty() {
        return Err(Error::input("lines", "is empty; give at least one line"));
    }
    let negative = |v: Decimal| v.is_sign_negative() && !v.is_zero();
    for (name, v) in [("shipping", req.shipping), ("insurance", req.insurance)] {
        if let Some(v) = v.filter(|v| negative(*v)) {
            return Err(Error::input(
                name,
                format!("{v} is negative; give zero or more"),
            ));
        }
    }
    for (i, f) in req.extra_fees.iter().enumerate() {
        if negative(f.amount) {
            return Err(Error::input(
                format!("extra_fees[{i}].amount"),
                format!("{} is negative; give zero or more", f.amount),
            ));
        }
    }
    for (i, r) in req.exchange_rates.iter().enumerate() {
        if r.rate <= Decimal::ZERO {
            return Err(Error::input(
                format!("exchange_rates[{i}].rate"),
                format!("{} must be greater than zero", r.rate),
            ));
        }
    }
    for (i, l) in req.lines.iter().enumerate() {
        if l.quantity <= Decimal::ZERO {
            return Err(Error::input(
                field(i, "quantity"),
                format!("{} must be greater than zero", l.quantity),
            ));
        }
        if negative(l.unit_price) {
            return Err(Error::input(
                field(i, "unit_price"),
                format!("{} is negative; give zero or more", l.unit_price),
            ));
        }
        for (name, v) in [
            ("weight_kg", l.weight_kg),
            ("duty_rate", l.duty_rate),
            ("tax_rate", l.tax_rate),
        ] {
            if let Some(v) = v.filter(|v| negative(*v)) {
                return Err(Error::input(
                    field(i, name),
                    format!("{v} is negative; give zero or more"),
                ));
            }
        }
    }
    Ok(())
}

/// The customs territory of a country on a date.
fn territory_of(tables: &RateTables, country: CountryCode, date: NaiveDate) -> Territory {
    tables
        .customs
        .territories
        .values()
        .filter_map(|s| s.at(date).ok())
        .find(|row| row.value.members.contains(&country))
        .map_or_else(|| Territory::of_country(country), |row| row.value.code)
}

/// A VAT row found for a category, kept for the other lines of the quote.
#[derive(Clone, Copy)]
struct VatHit<'t> {
    row: &'t Dated<VatValue>,
    region: Option<RegionCode>,
}

struct VatCache<'t> {
    entries: Vec<(&'t TaxCategory, VatHit<'t>)>,
}

impl<'t> VatCache<'t> {
    fn get(
        &mut self,
        tables: &'t RateTables,
        req: &QuoteRequest,
        category: &'t TaxCategory,
    ) -> Result<VatHit<'t>, Error> {
        if let Some((_, r)) = self.entries.iter().find(|(c, _)| *c == category) {
            return Ok(*r);
        }
        let (row, region) = tables.vat_dated(req.destination, req.region, category, req.date)?;
        let hit = VatHit { row, region };
        self.entries.push((category, hit));
        Ok(hit)
    }
}

/// `vat DE standard@2021-01-01` or `vat CA-ON standard@…`.
fn vat_rule(req: &QuoteRequest, hit: VatHit<'_>, category: &TaxCategory) -> ChargeText {
    Note::three(
        "vat {} {}@{}",
        Arg::Place(req.destination, hit.region),
        Arg::Category(category.clone()),
        Arg::Date(hit.row.period.from),
    )
}

/// `12%`.
fn percent(p: Decimal) -> ChargeText {
    Note::one("{}%", Arg::Percent(p))
}

/// Computes a landed-cost quote. See the crate documentation for the cascade.
///
/// # Errors
/// [`Error::InvalidInput`] naming the field for bad input; [`Error::MissingExchangeRate`];
/// [`Error::UnknownSeries`] / [`Error::NoRateInForce`] when the data has no row for what the
/// quote needs (a tariff line, the destination's regime on the date); arithmetic errors.
#[allow(
    clippy::too_many_lines,
    reason = "the cascade reads best as one sequence of numbered steps"
)]
pub fn quote(tables: &RateTables, req: &QuoteRequest) -> Result<Quote, Error> {
    check_request(req)?;
    let date = req.date;
    let first = req
        .lines
        .first()
        .ok_or_else(|| Error::input("lines", "is empty; give at least one line"))?;
    let ship_from = req.ship_from.unwrap_or(first.origin);
    let territory = territory_of(tables, req.destination, date);
    if territory_of(tables, ship_from, date) == territory {
        return Err(Error::input(
            "ship_from",
            format!(
                "{ship_from} is inside the {territory} customs territory of {}; a shipment from there is not an import",
                req.destination
            ),
        ));
    }
    let customs = &tables.customs;
    let regime_row = row_at(
        customs.regimes.get(&territory),
        "regime",
        || format!("{territory} (destination {})", req.destination),
        date,
    )?;
    let regime = &regime_row.value;
    let currency = row_at(
        customs.country_currencies.get(&req.destination),
        "country_currency",
        || req.destination.to_string(),
        date,
    )?
    .value
    .currency;
    let minor = currency.minor_unit_scale()?;
    let rates = &req.exchange_rates;
    let to_dest = conv(rates, req.currency, currency)?;
    let mut warnings: Vec<String> = Vec::new();
    let rounding = |target: &str| {
        customs
            .roundings
            .series(territory, target)
            .and_then(|s| s.at(date).ok())
            .map(|d| &d.value)
    };
    let cif = regime.valuation == Valuation::Cif;

    // 1-2. Currency and valuation.
    let round_minor = |v: Decimal| round_to_scale(v, minor, RoundingMode::HalfUp);
    let shipping_c = req.shipping.unwrap_or_default();
    let insurance_c = req.insurance.unwrap_or_default();
    let shipping = round_minor(to_dest.apply(shipping_c)?);
    let insurance = round_minor(to_dest.apply(insurance_c)?);
    let mut intrinsic_c = Decimal::ZERO;
    let mut item_c = Decimal::ZERO;
    let mut lines: Vec<Line<'_, '_>> = Vec::with_capacity(req.lines.len());
    let mut goods_weights: Vec<Decimal> = Vec::with_capacity(req.lines.len());
    for l in &req.lines {
        let value_c = mul(l.quantity, l.unit_price)?;
        intrinsic_c = add(intrinsic_c, value_c)?;
        item_c = item_c.max(l.unit_price);
        let goods = round_minor(to_dest.apply(value_c)?);
        goods_weights.push(goods);
        lines.push(Line {
            req: l,
            goods,
            shipping: Decimal::ZERO,
            insurance: Decimal::ZERO,
            customs_value: goods,
            duty: Decimal::ZERO,
            tax: Decimal::ZERO,
            taxable_fees: Decimal::ZERO,
            no_duty: false,
            no_tax: false,
            reverse_charge: false,
            checkout: None,
            flat: None,
            preferential: false,
        });
    }
    for (amount, is_shipping) in [(shipping, true), (insurance, false)] {
        if amount.is_zero() {
            continue;
        }
        allocate_by(
            amount,
            goods_weights.len(),
            |i| goods_weights.get(i).copied().unwrap_or_default(),
            minor,
            |i, share| {
                if let Some(line) = lines.get_mut(i) {
                    if is_shipping {
                        line.shipping = share;
                    } else {
                        line.insurance = share;
                    }
                    if cif {
                        line.customs_value = add(line.customs_value, share)?;
                    }
                }
                Ok(())
            },
        )?;
    }
    let sale_c = add(add(intrinsic_c, shipping_c)?, insurance_c)?;
    let facts = Facts {
        req,
        ship_from,
        transport: req.transport.unwrap_or_default(),
        buyer: req.buyer.unwrap_or_default(),
        registered_business: req.buyer == Some(Buyer::Business)
            && req
                .buyer_tax_id
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()),
        intrinsic: intrinsic_c,
        customs_value: if cif { sale_c } else { intrinsic_c },
        item: item_c,
        sale_price: sale_c,
    };

    // 3. Rules: thresholds and their effects.
    let mut matched: Vec<&Dated<Rule>> = Vec::with_capacity(4);
    for row in customs.rules.in_force(territory, date) {
        if facts.holds(&row.value.conditions)? {
            matched.push(row);
        }
    }
    let mut regime_id = Arc::clone(&regime.id);
    let mut best: Option<i32> = None;
    let mut no_fees = false;
    for row in &matched {
        let rule = &row.value;
        if let Some(id) = &rule.regime
            && best.is_none_or(|b| rule.priority > b)
        {
            best = Some(rule.priority);
            regime_id = Arc::clone(id);
        }
        no_fees |= rule.effects.contains(&Effect::NoFees);
        if let Some(w) = &rule.warning {
            warnings.push(format!("{}: {w}", rule.name));
        }
        if let Some(reg) = &rule.expects_registration
            && !facts.registered(reg)
        {
            warnings.push(format!(
                "{}: seller_registrations lacks {reg}; the seller is expected to hold it to collect this tax",
                rule.name
            ));
        }
        for line in &mut lines {
            if rule
                .exclude_hs
                .iter()
                .any(|p| hs_starts_with(&line.req.hs_code, p))
            {
                continue;
            }
            for e in &rule.effects {
                match e {
                    Effect::NoDuty => line.no_duty = true,
                    Effect::NoTax => line.no_tax = true,
                    Effect::TaxAtCheckout => line.checkout = Some(rule),
                    Effect::ReverseCharge => line.reverse_charge = true,
                    Effect::FlatDuty => {
                        if let Some((amount, cur)) = rule.flat_duty {
                            let a = conv(rates, cur, currency)?.apply(amount)?;
                            line.flat = Some((row, a));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    // 4. Duty per line.
    let mut accs = Accs(Vec::with_capacity(4));
    let duty_name: &Arc<str> = &DUTY_NAME;
    let request_source: &Arc<str> = &REQUEST_SOURCE;
    // Values of the lines under each distinct 6-digit subheading with a flat duty, so that
    // each subheading's flat amount is spread over its lines by value.
    let mut flat_subs: Vec<(HsCode, Decimal)> = Vec::new();
    for line in lines.iter().filter(|l| l.flat.is_some() && !l.no_duty) {
        let sub = line.req.hs_code.subheading().unwrap_or(line.req.hs_code);
        match flat_subs.iter_mut().find(|(h, _)| *h == sub) {
            Some((_, v)) => *v = add(*v, line.goods)?,
            None => flat_subs.push((sub, line.goods)),
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
    for (i, line) in lines.iter_mut().enumerate() {
        if line.no_duty {
            continue;
        }
        let l = line.req;
        if let Some((row, amount)) = line.flat {
            // One flat amount per distinct 6-digit subheading, spread over its lines by value.
            let sub = l.hs_code.subheading().unwrap_or(l.hs_code);
            let group = flat_subs
                .iter()
                .find(|(h, _)| *h == sub)
                .map_or(Decimal::ZERO, |(_, v)| *v);
            let count = lines_with_sub(&req.lines, &sub);
            let share = if group.is_zero() {
                div(amount, count)?
            } else {
                div(mul(amount, line.goods)?, group)?
            };
            let (cur_amount, cur) = row.value.flat_duty.unwrap_or((Decimal::ZERO, currency));
            accs.push(
                id_of(row),
                ChargeKind::Duty,
                &row.value.name,
                None,
                || {
                    Note::two(
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
                (i, line.customs_value, share),
            );
            continue;
        }
        let claim = l.claim_preference != Some(false);
        let mut preferential_rate: Option<(Decimal, &Dated<crate::data::Preference>)> = None;
        if claim {
            for p in customs.preferences.in_force(territory, date) {
                let pref = &p.value;
                if pref.partners.contains(&l.origin)
                    && !pref
                        .exclude_hs
                        .iter()
                        .any(|x| hs_starts_with(&l.hs_code, x))
                    && preferential_rate.is_none_or(|(r, _)| pref.rate_percent < r)
                {
                    preferential_rate = Some((pref.rate_percent, p));
                }
            }
        }
        if let Some(rate) = l.duty_rate {
            accs.push(
                ID_DUTY_RATE,
                ChargeKind::Duty,
                duty_name,
                Some(rate),
                || percent(rate),
                || Note::text("request duty_rate"),
                request_source,
                CollectedAt::Border,
                (i, line.customs_value, percent_of(line.customs_value, rate)?),
            );
        } else {
            let mfn = match tables.tariff_row(territory, &l.hs_code, date) {
                Ok(found) => Some((
                    mfn_duty(&found.value, l, i, line.customs_value, rates, currency)?,
                    found,
                )),
                // No MFN row, but the origin qualifies for a preference: its rate applies.
                Err(Error::UnknownSeries { .. }) if preferential_rate.is_some() => None,
                Err(Error::UnknownSeries { .. }) => {
                    return Err(Error::input(
                        field(i, "hs_code"),
                        format!(
                            "no tariff row for {} in {territory}; check the code or give duty_rate for this line",
                            l.hs_code
                        ),
                    ));
                }
                Err(e) => return Err(e),
            };
            let pref = match preferential_rate {
                Some((r, p)) => Some((percent_of(line.customs_value, r)?, r, p)),
                None => None,
            };
            match (pref, mfn) {
                (Some((amount, r, p)), m) if m.as_ref().is_none_or(|(ma, _)| amount <= *ma) => {
                    line.preferential = true;
                    let scheme = &p.value.scheme;
                    accs.push(
                        id_of(p),
                        ChargeKind::Duty,
                        duty_name,
                        Some(r),
                        || {
                            Note::two(
                                "{}% preferential ({})",
                                Arg::Percent(r),
                                Arg::Shared(Arc::clone(scheme)),
                            )
                        },
                        || {
                            Note::three(
                                "preference {} {}@{}",
                                Arg::Territory(territory),
                                Arg::Shared(Arc::clone(scheme)),
                                Arg::Date(p.period.from),
                            )
                        },
                        &p.source,
                        CollectedAt::Border,
                        (i, line.customs_value, amount),
                    );
                }
                (_, Some((amount, found))) => {
                    let t = &found.value;
                    accs.push(
                        id_of(found),
                        ChargeKind::Duty,
                        duty_name,
                        if t.specific.is_none() && t.min.is_none() && t.max.is_none() {
                            t.rate_percent
                        } else {
                            None
                        },
                        || match t.rate_percent {
                            Some(p)
                                if t.specific.is_none() && t.min.is_none() && t.max.is_none() =>
                            {
                                percent(p)
                            }
                            _ => Note::owned(t.describe()),
                        },
                        || {
                            Note::three(
                                "tariff {} {}@{}",
                                Arg::Territory(territory),
                                Arg::Hs(t.hs),
                                Arg::Date(found.period.from),
                            )
                        },
                        &found.source,
                        CollectedAt::Border,
                        (i, line.customs_value, amount),
                    );
                }
                _ => {}
            }
        }
        // Additional duties by origin.
        let mut extra: Vec<&Dated<crate::data::AdditionalDuty>> = Vec::new();
        tables
            .tariffs
            .additional_for(territory, &l.hs_code, date, |row| {
                if row.value.covers(&l.hs_code, l.origin, line.preferential) {
                    extra.push(row);
                }
            });
        for row in &extra {
            let d = &row.value;
            if d.stacking == Stacking::HighestInGroup
                && extra.iter().any(|o| {
                    o.value.group == d.group
                        && (o.value.rate_percent > d.rate_percent
                            || (o.value.rate_percent == d.rate_percent && o.value.name < d.name))
                })
            {
                continue;
            }
            accs.push(
                id_of(*row),
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
                (
                    i,
                    line.customs_value,
                    percent_of(line.customs_value, d.rate_percent)?,
                ),
            );
        }
    }
    let mut done: Vec<Done> = Vec::with_capacity(4);
    let duty_rule = rounding("duty");
    for acc in accs.0.drain(..) {
        let d = finish(acc, duty_rule, minor)?;
        for (i, a) in &d.per_line {
            if let Some(line) = lines.get_mut(*i) {
                line.duty = add(line.duty, *a)?;
            }
        }
        done.push(d);
    }

    // 5. Fees: government fees from the data, then the request's.
    let fee_rule = rounding("fee");
    let customs_weights: Vec<Decimal> = lines.iter().map(|l| l.customs_value).collect();
    let mut fee_dones: Vec<(Done, bool)> = Vec::new();
    if !no_fees {
        for row in customs.fees.in_force(territory, date) {
            let fee: &Fee = &row.value;
            if !facts.holds(&fee.conditions)? {
                continue;
            }
            let lines_in: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| !(fee.exempt_preferential && l.preferential))
                .map(|(i, _)| i)
                .collect();
            if lines_in.is_empty() {
                continue;
            }
            let to = conv(rates, fee.currency, currency)?;
            let mut base = Decimal::ZERO;
            for i in &lines_in {
                if let Some(l) = lines.get(*i) {
                    base = add(base, l.customs_value)?;
                }
            }
            let (rate, amount, text) = match fee.kind {
                FeeKind::AdValorem => {
                    let p = fee.rate_percent.unwrap_or_default();
                    let computed = percent_of(base, p)?;
                    let mut a = computed;
                    let mut text = format!("{}%", p.normalize());
                    if let Some(m) = fee.min_amount {
                        a = a.max(to.apply(m)?);
                        text.push_str(&format!(" min {m} {}", fee.currency));
                    }
                    if let Some(m) = fee.max_amount {
                        a = a.min(to.apply(m)?);
                        text.push_str(&format!(" max {m} {}", fee.currency));
                    }
                    if a > computed {
                        text.push_str(&format!(
                            "; minimum applied ({}% gives {computed})",
                            p.normalize()
                        ));
                    } else if a < computed {
                        text.push_str(&format!(
                            "; maximum applied ({}% gives {computed})",
                            p.normalize()
                        ));
                    }
                    (Some(p), a, Note::owned(text))
                }
                _ => {
                    let a = fee.amount.unwrap_or_default();
                    (
                        None,
                        to.apply(a)?,
                        Note::two(
                            "{} {} per entry",
                            Arg::Amount(a),
                            Arg::Currency(fee.currency),
                        ),
                    )
                }
            };
            if let Some(w) = &fee.warning {
                warnings.push(format!("{}: {w}", fee.name));
            }
            let acc = Acc {
                id: id_of(row),
                kind: ChargeKind::Fee,
                name: Arc::clone(&fee.label),
                rate,
                rate_text: text,
                rule: Note::three(
                    "fee {} {}@{}",
                    Arg::Territory(territory),
                    Arg::Shared(Arc::clone(&fee.name)),
                    Arg::Date(row.period.from),
                ),
                source: Arc::clone(&row.source),
                collected_at: CollectedAt::Border,
                parts: vec![(lines_in.first().copied().unwrap_or(0), base, amount)],
            };
            let mut d = finish(acc, fee_rule, minor)?;
            d.charge.lines = lines_in;
            fee_dones.push((d, fee.taxable));
        }
    }
    for (k, f) in req.extra_fees.iter().enumerate() {
        let from = f.currency.unwrap_or(req.currency);
        let amount = round_minor(conv(rates, from, currency)?.apply(f.amount)?);
        let acc = Acc {
            id: ID_DUTY_RATE,
            kind: ChargeKind::Fee,
            name: Arc::from(f.name.as_str()),
            rate: None,
            rate_text: Note::two("{} {}", Arg::Amount(f.amount), Arg::Currency(from)),
            rule: Note::one("extra_fees[{}]", Arg::Count(k)),
            source: Arc::clone(request_source),
            collected_at: CollectedAt::Border,
            parts: vec![(0, Decimal::ZERO, amount)],
        };
        let mut d = finish(acc, None, minor)?;
        d.charge.lines = (0..lines.len()).collect();
        fee_dones.push((d, f.taxable));
    }
    for (d, taxable) in &fee_dones {
        if !taxable || d.charge.amount.is_zero() {
            continue;
        }
        let on = &d.charge.lines;
        allocate_by(
            d.charge.amount,
            on.len(),
            |k| {
                on.get(k)
                    .and_then(|i| customs_weights.get(*i))
                    .copied()
                    .unwrap_or_default()
            },
            minor,
            |k, share| {
                if let Some(line) = on.get(k).and_then(|i| lines.get_mut(*i)) {
                    line.taxable_fees = add(line.taxable_fees, share)?;
                }
                Ok(())
            },
        )?;
    }

    // 6. Import taxes (border) and taxes at checkout.
    let tax_rule = rounding("tax");
    let tax_base_rule = rounding("tax_base");
    let mut vat = VatCache {
        entries: Vec::new(),
    };
    let standard: &TaxCategory = &STANDARD;
    let mut taxes: Vec<&Dated<ImportTax>> =
        customs.import_taxes.in_force(territory, date).collect();
    taxes.sort_by(|a, b| (a.value.order, &a.value.name).cmp(&(b.value.order, &b.value.name)));
    let needs_vat = lines.iter().any(|l| l.checkout.is_some())
        || taxes
            .iter()
            .any(|t| matches!(t.value.rate, TaxRateSource::VatTable { .. }));
    if needs_vat
        && req.region.is_none()
        && tables.vat.has_regions(req.destination)
        && lines.iter().any(|l| l.tax_rate_needed())
    {
        return Err(Error::input(
            "region",
            format!(
                "required for {}: the tax rate differs by region; give the subdivision code, e.g. \"ON\"",
                req.destination
            ),
        ));
    }
    let mut tax_values: Vec<(Arc<str>, Vec<Decimal>)> = Vec::new();
    for row in &taxes {
        let tax = &row.value;
        let mut accs = Accs(Vec::with_capacity(4));
        for (i, line) in lines.iter().enumerate() {
            if line.no_tax || line.reverse_charge || line.checkout.is_some() {
                continue;
            }
            let category = line.req.tax_category.as_ref().unwrap_or(standard);
            let (id, rate, vat_hit) = match (&tax.rate, line.req.tax_rate) {
                (TaxRateSource::VatTable { component: None }, Some(r)) => (ID_TAX_RATE, r, None),
                (TaxRateSource::VatTable { component: Some(c) }, Some(_)) => {
                    return Err(Error::input(
                        field(i, "tax_rate"),
                        format!(
                            "{territory} levies the tax in parts ({c} …); omit tax_rate and use tax_category"
                        ),
                    ));
                }
                (TaxRateSource::VatTable { component }, None) => {
                    let hit = vat.get(tables, req, category)?;
                    let v = &hit.row.value;
                    let rate = match component {
                        None => v.rate.value(),
                        Some(c) => v
                            .components
                            .iter()
                            .find(|x| x.name == *c)
                            .map(|x| x.rate.value())
                            .ok_or_else(|| Error::UnknownSeries {
                                table: "vat component",
                                key: format!("{} {category} {c}", req.destination),
                            })?,
                    };
                    (id_of(hit.row), rate, Some(hit))
                }
                (TaxRateSource::Fixed(p), _) => (id_of(*row), *p, None),
            };
            let source = match (vat_hit, &tax.rate) {
                (Some(hit), _) => &hit.row.source,
                (None, TaxRateSource::Fixed(_)) => &row.source,
                (None, _) => request_source,
            };
            let rule_text = || match (vat_hit, &tax.rate) {
                (Some(hit), _) => vat_rule(req, hit, category),
                (None, TaxRateSource::Fixed(_)) => Note::three(
                    "import_tax {} {}@{}",
                    Arg::Territory(territory),
                    Arg::Shared(Arc::clone(&tax.name)),
                    Arg::Date(row.period.from),
                ),
                (None, _) => Note::text("request tax_rate"),
            };
            let mut base = base_of(line, &tax.base, &tax_values, i)?;
            if let Some(r) = tax_base_rule {
                base = round_by(base, Some(r), minor)?;
            }
            // Multiplying by 0.01 is exact and cheaper than dividing by 100.
            let t = mul(rate, Decimal::new(1, 2))?;
            let mut amount = mul(base, t)?;
            if tax.gross_up {
                amount = div(amount, sub(Decimal::ONE, t)?)?;
            }
            if tax.factor_percent != Decimal::ONE_HUNDRED {
                amount = percent_of(amount, tax.factor_percent)?;
            }
            accs.push(
                id,
                ChargeKind::Tax,
                &tax.label,
                Some(rate),
                || percent(rate),
                rule_text,
                source,
                CollectedAt::Border,
                (i, base, amount),
            );
        }
        let mut per = vec![Decimal::ZERO; lines.len()];
        for acc in accs.0 {
            let d = finish(acc, tax_rule, minor)?;
            for (i, a) in &d.per_line {
                if let Some(slot) = per.get_mut(*i) {
                    *slot = add(*slot, *a)?;
                }
            }
            done.push(d);
        }
        for (line, a) in lines.iter_mut().zip(&per) {
            line.tax = add(line.tax, *a)?;
        }
        tax_values.push((Arc::clone(&tax.name), per));
    }
    // Taxes at checkout.
    let mut accs = Accs(Vec::new());
    let checkout_name: Arc<str> = if lines.iter().any(|l| l.checkout.is_some()) {
        Arc::from(format!("{} (collected at checkout)", tax_label(&taxes)))
    } else {
        Arc::clone(&EMPTY)
    };
    for (i, line) in lines.iter().enumerate() {
        let Some(rule) = line.checkout else { continue };
        let category = line.req.tax_category.as_ref().unwrap_or(standard);
        let (id, rate, hit) = match line.req.tax_rate {
            Some(r) => (ID_TAX_RATE, r, None),
            None => {
                let hit = vat.get(tables, req, category)?;
                (id_of(hit.row), hit.row.value.rate.value(), Some(hit))
            }
        };
        let source = hit.map_or(request_source, |h| &h.row.source);
        let rule_text = || match hit {
            Some(h) => Note::four(
                "rule {} with vat {} {}@{}",
                Arg::Shared(Arc::clone(&rule.name)),
                Arg::Place(req.destination, h.region),
                Arg::Category(category.clone()),
                Arg::Date(h.row.period.from),
            ),
            None => Note::one(
                "rule {} with request tax_rate",
                Arg::Shared(Arc::clone(&rule.name)),
            ),
        };
        let base = base_of(line, &rule.checkout_tax_base, &tax_values, i)?;
        accs.push(
            id,
            ChargeKind::Tax,
            &checkout_name,
            Some(rate),
            || percent(rate),
            rule_text,
            source,
            CollectedAt::Checkout,
            (i, base, percent_of(base, rate)?),
        );
    }
    for acc in accs.0 {
        let d = finish(acc, tax_rule, minor)?;
        for (i, a) in &d.per_line {
            if let Some(line) = lines.get_mut(*i) {
                line.tax = add(line.tax, *a)?;
            }
        }
        done.push(d);
    }
    if lines.iter().any(|l| l.reverse_charge) {
        warnings.push(
            "reverse charge: no tax is charged; the business buyer accounts for it with its tax id"
                .to_owned(),
        );
    }

    // 7. Totals.
    let mut duty = Decimal::ZERO;
    let mut tax = Decimal::ZERO;
    let mut fees = Decimal::ZERO;
    let mut at_checkout = Decimal::ZERO;
    let mut border = Decimal::ZERO;
    let mut charges: Vec<Charge> = Vec::with_capacity(done.len().saturating_add(fee_dones.len()));
    for d in done
        .into_iter()
        .map(|d| d.charge)
        .chain(fee_dones.into_iter().map(|(d, _)| d.charge))
    {
        match d.kind {
            ChargeKind::Duty => duty = add(duty, d.amount)?,
            ChargeKind::Tax => tax = add(tax, d.amount)?,
            ChargeKind::Fee => fees = add(fees, d.amount)?,
        }
        match d.collected_at {
            CollectedAt::Checkout => at_checkout = add(at_checkout, d.amount)?,
            _ => border = add(border, d.amount)?,
        }
        charges.push(d);
    }
    let total_charges = add(add(duty, tax)?, fees)?;
    let mut intrinsic = Decimal::ZERO;
    let mut customs_value = Decimal::ZERO;
    for l in &lines {
        intrinsic = add(intrinsic, l.goods)?;
        customs_value = add(customs_value, l.customs_value)?;
    }
    let landed_total = add(add(add(intrinsic, shipping)?, insurance)?, total_charges)?;
    let incoterm = req.incoterm.unwrap_or_default();
    let (due_at_checkout, due_on_delivery) = match incoterm {
        Incoterm::Ddp => (total_charges, Decimal::ZERO),
        Incoterm::Dap => (at_checkout, border),
    };
    if incoterm == Incoterm::Dap && !border.is_zero() {
        warnings.push(format!(
            "DAP: the buyer pays {} {currency} of border charges on delivery (plus any carrier disbursement fee); this is an estimate",
            present(border, minor)
        ));
    }
    if lines.iter().any(|l| l.preferential) {
        warnings.push(
            "preferential rate applied: the goods must meet the agreement's rules of origin and the importer must hold proof of origin; set claim_preference: false otherwise"
                .to_owned(),
        );
    }
    let collected_at = if charges
        .iter()
        .any(|c| c.collected_at == CollectedAt::Checkout)
        || lines.iter().any(|l| l.checkout.is_some())
    {
        CollectedAt::Checkout
    } else if !total_charges.is_zero() {
        CollectedAt::Border
    } else {
        CollectedAt::None
    };
    let line_quotes = lines
        .iter()
        .map(|l| LineQuote {
            hs_code: l.req.hs_code,
            goods_value: present(l.goods, minor),
            customs_value: present(l.customs_value, minor),
            shipping: present(l.shipping, minor),
            insurance: present(l.insurance, minor),
            duty: present(l.duty, minor),
            tax: present(l.tax, minor),
        })
        .collect();
    Ok(Quote {
        currency,
        regime: regime_id,
        collected_at,
        incoterm,
        date,
        destination: req.destination,
        territory,
        intrinsic_value: present(intrinsic, minor),
        customs_value: present(customs_value, minor),
        shipping: present(shipping, minor),
        insurance: present(insurance, minor),
        duty: present(duty, minor),
        tax: present(tax, minor),
        fees: present(fees, minor),
        total_charges: present(total_charges, minor),
        landed_total: present(landed_total, minor),
        due_at_checkout: present(due_at_checkout, minor),
        due_on_delivery: present(due_on_delivery, minor),
        lines: line_quotes,
        charges,
        warnings,
        data_version: tables.version().clone(),
    })
}

/// The label of the territory's first import tax (e.g. `import VAT`), for naming the tax
/// collected at checkout; `VAT/GST` when the territory has none.
fn tax_label(taxes: &[&Dated<ImportTax>]) -> String {
    taxes.first().map_or_else(
        || "VAT/GST".to_owned(),
        |t| t.value.label.replace("import ", ""),
    )
}

impl Line<'_, '_> {
    /// True when the line's tax comes from the VAT table (no override, and tax is due).
    fn tax_rate_needed(&self) -> bool {
        self.req.tax_rate.is_none() && !self.no_tax && !self.reverse_charge
    }
}
