//! A reference oracle for landed-cost quotes: the seven steps of the cascade written again from
//! the rules (README "Landed cost", `src/landed/mod.rs`, the comments of `data/customs.toml`),
//! in plain `Decimal` arithmetic, with no integer lane, no reused buffers and no caches. It
//! reads the customs rows from `data/*.toml` itself and uses only public lookups of
//! `RateTables` (the VAT table, the longest-prefix tariff row, a currency's minor unit).
//! Clarity over speed: it is the slow, obvious twin the engine is checked against.
//! Loops run over line indices on purpose: each step reads the request line and its state.
#![allow(clippy::needless_range_loop)]

pub mod cn_br_mx;
mod csv;
pub mod data;
mod rounding;
mod scope;

use chrono::NaiveDate;
use landed::landed::{ChargeKind, CollectedAt, Incoterm, QuoteRequest};
use landed::{Currency, Error, HsCode, RateTables, TaxCategory, Territory};
use rust_decimal::Decimal;

use data::{Conditions, Rounding, Rows, Rule};

pub use data::rows;

/// One charge as the oracle computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OCharge {
    pub kind: ChargeKind,
    pub name: String,
    pub base: Option<Decimal>,
    pub rate: Option<Decimal>,
    pub amount: Decimal,
    pub unrounded: Decimal,
    pub collected_at: CollectedAt,
    pub lines: Vec<usize>,
}

/// One line of the result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OLine {
    pub goods: Decimal,
    pub customs_value: Decimal,
    pub shipping: Decimal,
    pub insurance: Decimal,
    pub duty: Decimal,
    pub tax: Decimal,
}

/// The oracle's quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OQuote {
    pub currency: String,
    pub territory: String,
    pub regime: String,
    pub collected_at: CollectedAt,
    pub intrinsic_value: Decimal,
    pub customs_value: Decimal,
    pub shipping: Decimal,
    pub insurance: Decimal,
    pub duty: Decimal,
    pub tax: Decimal,
    pub fees: Decimal,
    pub total_charges: Decimal,
    pub landed_total: Decimal,
    pub due_at_checkout: Decimal,
    pub due_on_delivery: Decimal,
    pub lines: Vec<OLine>,
    pub charges: Vec<OCharge>,
    /// Only the warnings of additional duties.
    pub warnings: Vec<String>,
}

// ------------------------------------------------------------------------------------------
// Errors, built as the engine's public error type (only the kind is compared).

fn input(field: impl Into<String>, reason: &str) -> Error {
    Error::InvalidInput {
        field: field.into(),
        reason: reason.to_owned(),
    }
}

fn unknown(table: &'static str, key: String) -> Error {
    Error::UnknownSeries { table, key }
}

fn not_in_force(table: &'static str, key: String, date: NaiveDate, from: NaiveDate) -> Error {
    Error::NoRateInForce {
        table,
        key,
        date,
        coverage: landed::error::Coverage { from, until: None },
    }
}

fn currency(code: &str) -> Currency {
    code.parse().unwrap()
}

// ------------------------------------------------------------------------------------------
// Step 1: currency.

/// Converts `amount` from one currency to another with the request's rates: the direct pair
/// is multiplied by, the reverse pair divided by (never inverted and rounded).
fn convert(req: &QuoteRequest, from: &str, to: &str, amount: Decimal) -> Result<Decimal, Error> {
    if from == to {
        return Ok(amount);
    }
    let rates = &req.exchange_rates;
    if let Some(r) = rates
        .iter()
        .find(|r| r.from.code() == from && r.to.code() == to)
    {
        return Ok(amount.checked_mul(r.rate).unwrap());
    }
    if let Some(r) = rates
        .iter()
        .find(|r| r.from.code() == to && r.to.code() == from)
    {
        return Ok(amount.checked_div(r.rate).unwrap());
    }
    Err(Error::MissingExchangeRate {
        from: currency(from),
        to: currency(to),
    })
}

// ------------------------------------------------------------------------------------------
// Step 3: facts and conditions.

/// What the rules and fees test.
struct Facts<'a> {
    req: &'a QuoteRequest,
    ship_from: String,
    transport: &'static str,
    consumer: bool,
    registered_business: bool,
    /// Values in the request's currency, unrounded.
    intrinsic: Decimal,
    customs_value: Decimal,
    sale_price: Decimal,
}

impl Facts<'_> {
    fn holds(&self, c: &Conditions) -> Result<bool, Error> {
        if !c.destinations.is_empty()
            && !c
                .destinations
                .iter()
                .any(|d| d == self.req.destination.as_str())
        {
            return Ok(false);
        }
        if !c.ship_from.is_empty() && !c.ship_from.contains(&self.ship_from) {
            return Ok(false);
        }
        if !c.transport.is_empty() && !c.transport.iter().any(|t| t == self.transport) {
            return Ok(false);
        }
        if let Some(b) = &c.buyer {
            let ok = match b.as_str() {
                "consumer" => self.consumer,
                "business" => !self.consumer,
                "registered_business" => self.registered_business,
                "not_registered_business" => !self.registered_business,
                other => panic!("unknown buyer condition {other}"),
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
        let origin = |l: &landed::landed::QuoteLine| l.origin.as_str().to_owned();
        if !c.origins.is_empty()
            && !self
                .req
                .lines
                .iter()
                .all(|l| c.origins.contains(&origin(l)))
        {
            return Ok(false);
        }
        if self
            .req
            .lines
            .iter()
            .any(|l| c.exclude_origins.contains(&origin(l)))
        {
            return Ok(false);
        }
        if c.max_units
            .is_some_and(|m| !cn_br_mx::within_units(self.req, m))
        {
            return Ok(false);
        }
        for t in [&c.threshold, &c.also_threshold].into_iter().flatten() {
            // A threshold on the tax amount is tested after the taxes
            // (`scope::tax_amount_rules`), never here.
            if t.value == "tax_amount" || !self.threshold_ok(t)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The value of a threshold basis, in the request's currency.
    fn value_of(&self, basis: &str) -> Decimal {
        match basis {
            "intrinsic" => self.intrinsic,
            "customs_value" => self.customs_value,
            "sale_price" => self.sale_price,
            "customs_value_plus_annual" => {
                self.customs_value + self.req.annual_purchases.unwrap_or_default()
            }
            "item" => self
                .req
                .lines
                .iter()
                .map(|l| l.unit_price)
                .max()
                .unwrap_or_default(),
            other => panic!("unknown value basis {other}"),
        }
    }

    fn threshold_ok(&self, t: &data::Threshold) -> Result<bool, Error> {
        let value = self.value_of(&t.value);
        let value = convert(self.req, self.req.currency.code(), &t.currency, value)?;
        Ok(match t.comparison.as_str() {
            "lt" => value < t.amount,
            "le" => value <= t.amount,
            "gt" => value > t.amount,
            "ge" => value >= t.amount,
            other => panic!("unknown comparison {other}"),
        })
    }

    fn registered(&self, reg: &str) -> bool {
        self.req
            .seller_registrations
            .iter()
            .any(|r| r.eq_ignore_ascii_case(reg))
    }
}

fn hs_starts(code: &HsCode, prefix: &str) -> bool {
    code.as_str().starts_with(prefix)
}

/// The 6-digit subheading of a code (a shorter code is its own).
fn subheading(code: &HsCode) -> String {
    code.as_str().get(..6).unwrap_or(code.as_str()).to_owned()
}

/// The customs territory of a country on a day: its union, else itself.
fn territory_of(rows: &Rows, country: &str, day: NaiveDate) -> String {
    rows.territories
        .iter()
        .find(|t| t.dates.covers(day) && t.members.iter().any(|m| m == country))
        .map_or_else(|| country.to_owned(), |t| t.code.clone())
}

// ------------------------------------------------------------------------------------------
// Step 4's additional duties (US Section 301, 232, IEEPA, 122 …): which rows apply to a line.

/// True when the exemption spares the duty for a line of this code and origin.
fn spares(e: &data::DutyExemption, d: &data::AdditionalDuty, hs: &HsCode, origin: &str) -> bool {
    let named = e.duty == d.name || d.group.as_ref() == Some(&e.duty);
    named && hs_starts(hs, &e.hs) && (e.origins.is_empty() || e.origins.iter().any(|o| o == origin))
}

/// The additional-duty rows that apply to a line on `day`, following the rules of
/// `src/landed/duty/additional.rs`:
/// 1. the rows in force whose scope covers the line (HS prefix, origins, excluded origins and
///    prefixes, and no preference claimed when the row spares preferential goods);
/// 2. less those an exemption in force spares (by the duty's name or group, under its prefix,
///    for its origins);
/// 3. a `highest_in_group` row is dropped when another covering row of its group that is not
///    `warn_only` has a higher rate, or the same rate and an earlier name;
/// 4. a row is dropped when a covering row that is not `warn_only` has a group or name it
///    lists in `yields_to`. "Covering" here is the set of step 2, as the engine checks it (the highest
///    row of a group always survives step 3, so checking against step 3's set would agree).
fn additional_duties<'r>(
    rows: &'r Rows,
    territory: &str,
    day: NaiveDate,
    hs: &HsCode,
    origin: &str,
    preferential: bool,
) -> Vec<&'r data::AdditionalDuty> {
    let has = |list: &[String]| list.iter().any(|o| o == origin);
    let exemptions: Vec<&data::DutyExemption> = rows
        .exemptions_under(territory, hs.as_str())
        .into_iter()
        .filter(|e| e.dates.covers(day))
        .collect();
    // Steps 1 and 2.
    let covering: Vec<&data::AdditionalDuty> = rows
        .additional_under(territory, hs.as_str())
        .into_iter()
        .filter(|d| d.dates.covers(day))
        .filter(|d| d.hs.as_deref().is_none_or(|p| hs_starts(hs, p)))
        .filter(|d| d.origins.is_empty() || has(&d.origins))
        .filter(|d| !has(&d.exclude_origins))
        .filter(|d| !(d.not_with_preference && preferential))
        .filter(|d| !d.exclude_hs.iter().any(|p| hs_starts(hs, p)))
        .filter(|d| !exemptions.iter().any(|e| spares(e, d, hs, origin)))
        .collect();
    // Steps 3 and 4.
    let mut applied = Vec::new();
    for d in &covering {
        let beaten = d.highest_in_group
            && covering.iter().any(|o| {
                !o.warn_only
                    && o.group == d.group
                    && (o.rate_percent > d.rate_percent
                        || (o.rate_percent == d.rate_percent && o.name < d.name))
            });
        let yields = covering.iter().any(|o| {
            !o.warn_only
                && d.yields_to
                    .iter()
                    .any(|y| &o.name == y || o.group.as_ref() == Some(y))
        });
        if !beaten && !yields {
            applied.push(*d);
        }
    }
    applied
}

// ------------------------------------------------------------------------------------------
// Charges of one step: lines with the same source row, rate, name and place of collection
// share a charge, rounded once and spread back over its lines.

struct Part {
    line: usize,
    base: Decimal,
    amount: Decimal,
}

struct Group {
    /// Identity of the source: the data row, or the request field.
    key: String,
    kind: ChargeKind,
    name: String,
    rate: Option<Decimal>,
    collected_at: CollectedAt,
    parts: Vec<Part>,
}

#[derive(Default)]
struct Step {
    groups: Vec<Group>,
}

impl Step {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        key: String,
        kind: ChargeKind,
        name: &str,
        rate: Option<Decimal>,
        collected_at: CollectedAt,
        line: usize,
        base: Decimal,
        amount: Decimal,
    ) {
        let part = Part { line, base, amount };
        let same = |g: &&mut Group| {
            g.key == key
                && g.kind == kind
                && g.name == name
                && g.rate == rate
                && g.collected_at == collected_at
        };
        match self.groups.iter_mut().find(same) {
            Some(g) => g.parts.push(part),
            None => self.groups.push(Group {
                key,
                kind,
                name: name.to_owned(),
                rate,
                collected_at,
                parts: vec![part],
            }),
        }
    }

    /// Each line's parts rounded per a chaining rounding and added up: what a later base of
    /// the line sees.
    fn chained(&self, chain: &Rounding, minor: u32, n_lines: usize) -> Vec<Decimal> {
        let mut out = vec![Decimal::ZERO; n_lines];
        for p in self.groups.iter().flat_map(|g| &g.parts) {
            out[p.line] += rounding::round(p.amount, Some(chain), minor);
        }
        out
    }

    /// Rounds each charge (its total, or each line's part under a `line` rounding row) and
    /// gives every line its share: `(charges, shares per line)`.
    fn close(
        self,
        rule: Option<&Rounding>,
        minor: u32,
        n_lines: usize,
    ) -> (Vec<OCharge>, Vec<Decimal>) {
        let mut shares = vec![Decimal::ZERO; n_lines];
        let mut charges = Vec::new();
        // A declaration total: every charge's (line-rounded) amount added up, rounded once,
        // split over the charges in whole increments.
        let line_rule = rule.and_then(|r| r.line.as_deref());
        let weight = |p: &Part| match line_rule {
            Some(l) => rounding::round(p.amount, Some(l), minor),
            None => p.amount,
        };
        let mut declared: Option<Vec<Decimal>> = None;
        if let Some(r) = rule.filter(|r| r.declaration && !self.groups.is_empty()) {
            let per: Vec<Decimal> = self
                .groups
                .iter()
                .map(|g| g.parts.iter().map(weight).sum())
                .collect();
            let total = rounding::round(per.iter().copied().sum(), rule, minor);
            let inc = r.increment.unwrap_or(Decimal::new(1, minor));
            let split = rounding::allocate(total / inc, &per, 0);
            declared = Some(split.into_iter().map(|x| x * inc).collect());
        }
        for (k, g) in self.groups.into_iter().enumerate() {
            let unrounded: Decimal = g.parts.iter().map(|p| p.amount).sum();
            let base: Decimal = g.parts.iter().map(|p| p.base).sum();
            let amount = if let Some(d) = &declared {
                let weights: Vec<Decimal> = g.parts.iter().map(weight).collect();
                let split = rounding::allocate(d[k], &weights, rounding::scale_of(rule, minor));
                for (p, s) in g.parts.iter().zip(split) {
                    shares[p.line] += s;
                }
                d[k]
            } else if rule.is_some_and(|r| r.line_stage) {
                let mut total = Decimal::ZERO;
                for p in &g.parts {
                    let r = rounding::round(p.amount, rule, minor);
                    shares[p.line] += r;
                    total += r;
                }
                total
            } else if let Some(line_rule) = rule.and_then(|r| r.line.as_deref()) {
                // Each line rounded first, the sum of those rounded, split by them.
                let lined: Vec<Decimal> = g
                    .parts
                    .iter()
                    .map(|p| rounding::round(p.amount, Some(line_rule), minor))
                    .collect();
                let rounded = rounding::round(lined.iter().copied().sum(), rule, minor);
                let split = rounding::allocate(rounded, &lined, rounding::scale_of(rule, minor));
                for (p, s) in g.parts.iter().zip(split) {
                    shares[p.line] += s;
                }
                rounded
            } else {
                let rounded = rounding::round(unrounded, rule, minor);
                let weights: Vec<Decimal> = g.parts.iter().map(|p| p.amount).collect();
                let split = rounding::allocate(rounded, &weights, rounding::scale_of(rule, minor));
                for (p, s) in g.parts.iter().zip(split) {
                    shares[p.line] += s;
                }
                rounded
            };
            charges.push(OCharge {
                kind: g.kind,
                name: g.name,
                base: Some(base),
                rate: g.rate,
                amount,
                unrounded,
                collected_at: g.collected_at,
                lines: g.parts.iter().map(|p| p.line).collect(),
            });
        }
        (charges, shares)
    }
}

/// Per-line state through the cascade (amounts in the destination currency).
#[derive(Default, Clone)]
struct Line {
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
    /// The rule whose tax is collected at checkout.
    checkout: Option<usize>,
    /// The flat duty of a rule, converted, with the rule's index.
    flat: Option<(usize, Decimal)>,
    preferential: bool,
    /// A rule's share of the statutory import taxes (China CBEC).
    tax_factor: Option<Decimal>,
    /// A consignment duty band replaces the tariff.
    band: bool,
    /// A rule says the data lacks the line's duty: it needs its own `duty_rate`.
    duty_rate_required: bool,
    /// The duty later bases see under a chaining rounding (each duty part rounded so).
    chained_duty: Option<Decimal>,
}

fn check_request(req: &QuoteRequest) -> Result<(), Error> {
    let negative = |v: Decimal| v < Decimal::ZERO;
    if req.lines.is_empty() {
        return Err(input("lines", "is empty"));
    }
    if req.shipping.is_some_and(negative) {
        return Err(input("shipping", "negative"));
    }
    if req.insurance.is_some_and(negative) {
        return Err(input("insurance", "negative"));
    }
    if req.annual_purchases.is_some_and(negative) {
        return Err(input("annual_purchases", "negative"));
    }
    for (i, f) in req.extra_fees.iter().enumerate() {
        if negative(f.amount) {
            return Err(input(format!("extra_fees[{i}].amount"), "negative"));
        }
    }
    for (i, r) in req.exchange_rates.iter().enumerate() {
        if r.rate <= Decimal::ZERO {
            return Err(input(format!("exchange_rates[{i}].rate"), "not positive"));
        }
    }
    for (i, l) in req.lines.iter().enumerate() {
        if l.quantity <= Decimal::ZERO {
            return Err(input(format!("lines[{i}].quantity"), "not positive"));
        }
        for (name, v) in [
            ("unit_price", Some(l.unit_price)),
            ("weight_kg", l.weight_kg),
            ("duty_rate", l.duty_rate),
            ("tax_rate", l.tax_rate),
            ("excise_rate", l.excise_rate),
        ] {
            if v.is_some_and(negative) {
                return Err(input(format!("lines[{i}].{name}"), "negative"));
            }
        }
    }
    Ok(())
}

/// A percentage of an amount, exactly.
fn pct(amount: Decimal, percent: Decimal) -> Decimal {
    amount.checked_mul(percent).unwrap() / Decimal::ONE_HUNDRED
}

/// The value of one line's base term.
fn term(line: &Line, t: &str, tax_shares: &[(String, Vec<Decimal>)], i: usize) -> Decimal {
    match t {
        "goods" => line.goods,
        "shipping" => line.shipping,
        "insurance" => line.insurance,
        "customs_value" => line.customs_value,
        "duty" => line.chained_duty.unwrap_or(line.duty),
        "taxable_fees" => line.taxable_fees,
        other => {
            let name = other.strip_prefix("tax:").expect("a known base term");
            tax_shares
                .iter()
                .find(|(n, _)| n == name)
                .map_or(Decimal::ZERO, |(_, v)| v[i])
        }
    }
}

/// Computes a quote from the rules, step by step.
pub fn quote(tables: &RateTables, req: &QuoteRequest) -> Result<OQuote, Error> {
    let rows = data::rows();
    check_request(req)?;
    let day = req.date;
    let dest = req.destination.as_str().to_owned();
    let ship_from = req
        .ship_from
        .unwrap_or(req.lines[0].origin)
        .as_str()
        .to_owned();
    let territory = territory_of(rows, &dest, day);
    if territory_of(rows, &ship_from, day) == territory {
        return Err(input(
            "ship_from",
            "inside the destination's customs territory",
        ));
    }
    let in_force = |t: &str, dates: &data::Dates| t == territory && dates.covers(day);

    // The territory's regime and the destination's currency on the day.
    let regimes: Vec<_> = rows
        .regimes
        .iter()
        .filter(|r| r.territory == territory)
        .collect();
    if regimes.is_empty() {
        return Err(unknown("regime", territory.clone()));
    }
    let regime = regimes
        .iter()
        .find(|r| r.dates.covers(day))
        .ok_or_else(|| not_in_force("regime", territory.clone(), day, regimes[0].dates.from))?;
    let currencies: Vec<_> = rows
        .currencies
        .iter()
        .filter(|c| c.country == dest)
        .collect();
    if currencies.is_empty() {
        return Err(unknown("country_currency", dest.clone()));
    }
    let cur = currencies
        .iter()
        .find(|c| c.dates.covers(day))
        .ok_or_else(|| not_in_force("country_currency", dest.clone(), day, day))?
        .currency
        .clone();
    let minor = currency(&cur).minor_unit_scale()?;
    let req_cur = req.currency.code();
    let rounding_for = |target: &str| {
        rows.roundings
            .iter()
            .rfind(|r| in_force(&r.territory, &r.dates) && r.target == target)
    };
    let (duty_base_rule, duty_rule) = (rounding_for("duty_base"), rounding_for("duty"));
    let (tax_base_rule, tax_rule, fee_rule) = (
        rounding_for("tax_base"),
        rounding_for("tax"),
        rounding_for("fee"),
    );
    let to_minor = |v: Decimal| rounding::round(v, None, minor);

    // 1. Currency: every amount into the destination's currency, rounded to its minor unit.
    let shipping_req = req.shipping.unwrap_or_default();
    let insurance_req = req.insurance.unwrap_or_default();
    let shipping = to_minor(convert(req, req_cur, &cur, shipping_req)?);
    let insurance = to_minor(convert(req, req_cur, &cur, insurance_req)?);
    let mut lines: Vec<Line> = Vec::new();
    let mut intrinsic_req = Decimal::ZERO;
    for l in &req.lines {
        let value = l.quantity.checked_mul(l.unit_price).unwrap();
        intrinsic_req += value;
        let goods = to_minor(convert(req, req_cur, &cur, value)?);
        lines.push(Line {
            goods,
            customs_value: goods,
            ..Line::default()
        });
    }

    // 2. Valuation: shipping and insurance spread over the lines by goods value (largest
    // remainder); CIF adds them to the customs value, FOB leaves it at the goods.
    let goods: Vec<Decimal> = lines.iter().map(|l| l.goods).collect();
    let ship_shares = rounding::allocate(shipping, &goods, minor);
    let ins_shares = rounding::allocate(insurance, &goods, minor);
    for ((line, s), ins) in lines.iter_mut().zip(ship_shares).zip(ins_shares) {
        line.shipping = s;
        line.insurance = ins;
        if regime.cif {
            line.customs_value = line.goods + s + ins;
        }
    }
    let sale_req = intrinsic_req + shipping_req + insurance_req;
    let business = req.buyer == Some(landed::data::Buyer::Business);
    let mut facts = Facts {
        req,
        ship_from: ship_from.clone(),
        transport: match req.transport.unwrap_or_default() {
            landed::data::Transport::Courier => "courier",
            landed::data::Transport::Postal => "postal",
            landed::data::Transport::Air => "air",
            landed::data::Transport::Ocean => "ocean",
            landed::data::Transport::Road => "road",
        },
        consumer: !business,
        registered_business: business
            && req
                .buyer_tax_id
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty()),
        intrinsic: intrinsic_req,
        customs_value: if regime.cif { sale_req } else { intrinsic_req },
        sale_price: sale_req,
    };

    // 3. Rules in force, in name order: conditions, then effects on the lines they cover.
    let mut rules: Vec<&Rule> = rows
        .rules
        .iter()
        .filter(|r| in_force(&r.territory, &r.dates))
        .collect();
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    // 2b. Valuation at a share of the retail price: the first rule (in name order) that sets
    // one and holds values the lines it covers; shipping and insurance come after the share.
    let mut share_rule = None;
    for r in &rules {
        if r.valuation_share_percent.is_some() && facts.holds(&r.conditions)? {
            share_rule = Some(*r);
            break;
        }
    }
    if let Some(rule) = share_rule {
        let share = rule.valuation_share_percent.unwrap();
        let mut cv_req = Decimal::ZERO;
        for (i, line) in lines.iter_mut().enumerate() {
            let l = &req.lines[i];
            if rule.exclude_hs.iter().any(|p| hs_starts(&l.hs_code, p)) {
                cv_req += l.quantity * l.unit_price;
                continue;
            }
            let value = pct(l.quantity * l.retail_price.unwrap_or(l.unit_price), share);
            cv_req += value;
            let goods = to_minor(convert(req, req_cur, &cur, value)?);
            line.customs_value = goods + line.customs_value - line.goods;
        }
        if regime.cif {
            cv_req += shipping_req + insurance_req;
        }
        facts.customs_value = cv_req;
    }
    let mut regime_id = regime.id.clone();
    let mut best: Option<i64> = None;
    let mut no_fees = false;
    for (k, rule) in rules.iter().enumerate() {
        if !scope::rule_holds(&facts, rule)? {
            continue;
        }
        // The lines in the rule (its HS lists, and each line's unit price when line-scoped);
        // a rule restricted to some lines applies only when it has one.
        let covered = scope::lines_in(&facts, rule)?;
        if covered.is_empty() && (rule.scope_line || !rule.include_hs.is_empty()) {
            continue;
        }
        if let Some(id) = &rule.regime
            && best.is_none_or(|b| rule.priority > b)
        {
            best = Some(rule.priority);
            regime_id = id.clone();
        }
        no_fees |= rule.effects.iter().any(|e| e == "no_fees");
        if rule.effects.iter().any(|e| e == "not_covered") {
            return Err(input("destination", "not covered by the data"));
        }
        for i in covered {
            let line = &mut lines[i];
            if let Some(f) = rule.tax_factor_percent {
                line.tax_factor = Some(f);
            }
            for e in &rule.effects {
                match e.as_str() {
                    "no_duty" => line.no_duty = true,
                    "no_tax" => line.no_tax = true,
                    "tax_at_checkout" => line.checkout = Some(k),
                    "reverse_charge" => line.reverse_charge = true,
                    "flat_duty" => {
                        let (amount, c) = rule.flat_duty.clone().unwrap();
                        line.flat = Some((k, convert(req, &c, &cur, amount)?));
                    }
                    "duty_rate_required" => line.duty_rate_required = true,
                    "no_fees" | "not_covered" => {}
                    other => panic!("unknown effect {other}"),
                }
            }
        }
    }

    // 3b. A consignment duty band replaces the tariff (and perhaps the import taxes).
    let band = cn_br_mx::select(
        &rows.duty_bands,
        &territory,
        day,
        |c| facts.holds(c),
        |basis, to| convert(req, req_cur, to, facts.value_of(basis)),
    )?;
    if let Some(b) = band {
        regime_id = b.regime.clone();
        for line in &mut lines {
            line.band = true;
            line.no_tax |= b.replaces_import_taxes;
        }
    }

    // 4. Duty per line.
    let territory_code: Territory = territory.parse().unwrap();
    let mut prefs: Vec<_> = rows
        .preferences
        .iter()
        .filter(|p| in_force(&p.territory, &p.dates))
        .collect();
    prefs.sort_by(|a, b| a.scheme.cmp(&b.scheme));
    let mut step = Step::default();
    // The warnings of additional duties (`lines[i].hs_code: label: text`), each once.
    let mut warnings: Vec<String> = Vec::new();
    for i in 0..lines.len() {
        let l = &req.lines[i];
        let line = &lines[i];
        if line.no_duty || line.band {
            continue;
        }
        let mut cv = line.customs_value;
        if duty_base_rule.is_some() {
            cv = rounding::round(cv, duty_base_rule, minor);
        }
        if let Some((k, amount)) = line.flat {
            // One flat amount per distinct 6-digit subheading, spread over its lines by value.
            let sub = subheading(&l.hs_code);
            let mine = |j: usize| subheading(&req.lines[j].hs_code) == sub;
            let group: Decimal = (0..lines.len())
                .filter(|j| mine(*j) && lines[*j].flat.is_some() && !lines[*j].no_duty)
                .map(|j| lines[j].goods)
                .sum();
            let count = Decimal::from((0..lines.len()).filter(|j| mine(*j)).count());
            let share = if group.is_zero() {
                amount / count
            } else {
                amount
                    .checked_mul(line.goods)
                    .unwrap()
                    .checked_div(group)
                    .unwrap()
            };
            let rule = rules[k];
            step.push(
                format!("rule {} {}", rule.name, rule.dates.from),
                ChargeKind::Duty,
                &rule.name,
                None,
                CollectedAt::Border,
                i,
                cv,
                share,
            );
            continue;
        }
        if line.duty_rate_required && l.duty_rate.is_none() {
            return Err(input(format!("lines[{i}].duty_rate"), "required"));
        }
        let origin = l.origin.as_str().to_owned();
        let mut preference: Option<&data::Preference> = None;
        if l.claim_preference != Some(false) {
            for p in &prefs {
                if p.partners.contains(&origin)
                    && !p.exclude_hs.iter().any(|x| hs_starts(&l.hs_code, x))
                    && preference.is_none_or(|q| p.rate_percent < q.rate_percent)
                {
                    preference = Some(p);
                }
            }
        }
        let mut preferential = false;
        // The line's tariff duty (request rate, preference or MFN), which a top-up tops up.
        let mut tariff_duty: Option<Decimal> = None;
        if let Some(rate) = l.duty_rate {
            // The request's rate replaces the tariff lookup (and so any preference).
            step.push(
                "request duty_rate".into(),
                ChargeKind::Duty,
                "customs duty",
                Some(rate),
                CollectedAt::Border,
                i,
                cv,
                pct(cv, rate),
            );
            tariff_duty = Some(pct(cv, rate));
        } else {
            let mfn = match tables.tariff(territory_code, &l.hs_code, day) {
                Ok(found) => {
                    let t = found.rate;
                    let mut duty = t.rate_percent.map_or(Decimal::ZERO, |p| pct(cv, p));
                    let specific = |s: landed::data::Specific| -> Result<Decimal, Error> {
                        use landed::data::SpecificPer as P;
                        // The units charged: a count of the quantity or a measure of one
                        // unit times the quantity, and how many make one unit of the duty.
                        let need = |v: Option<Decimal>, name: &str| {
                            v.map(|v| v * l.quantity)
                                .ok_or_else(|| input(format!("lines[{i}].{name}"), "required"))
                        };
                        let m = &l.measures;
                        let (units, per) = match s.per {
                            P::Unit | P::Pair | P::Head => (l.quantity, 1),
                            P::Dozen => (l.quantity, 12),
                            P::Gross => (l.quantity, 144),
                            P::Thousand => (l.quantity, 1000),
                            P::Kg => (need(l.weight_kg, "weight_kg")?, 1),
                            P::Tonne => (need(l.weight_kg, "weight_kg")?, 1000),
                            P::Liter => (need(m.liter, "measures.liter")?, 1),
                            P::ProofLiter => (need(m.proof_liter, "measures.proof_liter")?, 1),
                            P::SquareMeter => (need(m.square_meter, "measures.square_meter")?, 1),
                            P::CubicMeter => (need(m.cubic_meter, "measures.cubic_meter")?, 1),
                            P::Barrel => (need(m.barrel, "measures.barrel")?, 1),
                            P::Jewel => (need(m.jewel, "measures.jewel")?, 1),
                            other => panic!("the oracle does not know {other:?}"),
                        };
                        let mut amount = s.amount * units;
                        if per != 1 {
                            amount /= Decimal::from(per);
                        }
                        convert(req, s.currency.code(), &cur, amount)
                    };
                    for s in t.specific.iter().chain(t.second_specific().iter()) {
                        duty += specific(*s)?;
                    }
                    if let Some(m) = t.min() {
                        duty = duty.max(specific(m)?);
                    }
                    if let Some(m) = t.max() {
                        duty = duty.min(specific(m)?);
                    }
                    let simple = t.specific.is_none() && t.min().is_none() && t.max().is_none();
                    let rate = if simple { t.rate_percent } else { None };
                    let key = format!("tariff {} {} {}", territory, t.hs, found.period.from);
                    // A footnote heading no row names during the tariff row's period is
                    // reported (the row's period: [from, until)).
                    for h in t.see.iter() {
                        let known = rows.headings.iter().any(|(ht, hh, d)| {
                            *ht == territory
                                && hh == h.as_str()
                                && found.period.until.is_none_or(|u| d.from < u)
                                && d.to.is_none_or(|to| to >= found.period.from)
                        });
                        if !known {
                            let digits = h.as_str();
                            warnings.push(format!(
                                "lines[{i}].hs_code: the tariff line {} names heading {}.{}.{} in its footnotes, which the data does not encode: the quote does not include that additional duty; check whether it applies to this good and origin",
                                t.hs,
                                &digits[..4],
                                &digits[4..6],
                                &digits[6..]
                            ));
                        }
                    }
                    Some((duty, rate, key))
                }
                // No tariff row, but the origin qualifies for a preference: its rate applies.
                Err(Error::UnknownSeries { .. }) if preference.is_some() => None,
                Err(Error::UnknownSeries { .. }) => {
                    return Err(input(format!("lines[{i}].hs_code"), "no tariff row"));
                }
                Err(e) => return Err(e),
            };
            let pref = preference.map(|p| (pct(cv, p.rate_percent), p));
            match (pref, mfn) {
                (Some((amount, p)), m) if m.as_ref().is_none_or(|(ma, _, _)| amount <= *ma) => {
                    preferential = true;
                    tariff_duty = Some(amount);
                    step.push(
                        format!("preference {} {} {}", territory, p.scheme, p.dates.from),
                        ChargeKind::Duty,
                        "customs duty",
                        Some(p.rate_percent),
                        CollectedAt::Border,
                        i,
                        cv,
                        amount,
                    );
                }
                (_, Some((amount, rate, key))) => {
                    tariff_duty = Some(amount);
                    step.push(
                        key,
                        ChargeKind::Duty,
                        "customs duty",
                        rate,
                        CollectedAt::Border,
                        i,
                        cv,
                        amount,
                    );
                }
                _ => {}
            }
        }
        lines[i].preferential = preferential;
        // Additional duties by origin.
        for d in additional_duties(rows, &territory, day, &l.hs_code, &origin, preferential) {
            if let Some(w) = &d.warning {
                let text = format!("lines[{i}].hs_code: {}: {w}", d.label);
                if !warnings.contains(&text) {
                    warnings.push(text);
                }
            }
            if d.warn_only {
                continue;
            }
            let full = pct(cv, d.rate_percent);
            let (amount, rate) = if d.top_up {
                // Up to the rate with the tariff duty, never below zero.
                let tariff = tariff_duty.unwrap_or(Decimal::ZERO);
                ((full - tariff).max(Decimal::ZERO), None)
            } else {
                (full, Some(d.rate_percent))
            };
            step.push(
                format!(
                    "additional {} {} {:?} {}",
                    territory, d.name, d.hs, d.dates.from
                ),
                ChargeKind::Duty,
                &d.label,
                rate,
                CollectedAt::Border,
                i,
                cv,
                amount,
            );
        }
    }
    let chained = duty_rule
        .and_then(|r| r.chain.as_deref())
        .map(|c| step.chained(c, minor, lines.len()));
    let (mut charges, duty_shares) = step.close(duty_rule, minor, lines.len());
    for (i, (line, s)) in lines.iter_mut().zip(duty_shares).enumerate() {
        line.duty = s;
        line.chained_duty = chained.as_ref().map(|c| c[i]);
    }
    if let Some(b) = band {
        let on: Vec<usize> = (0..lines.len()).filter(|i| !lines[*i].no_duty).collect();
        let cv: Vec<Decimal> = lines.iter().map(|l| l.customs_value).collect();
        let deduction = match b.deduction {
            Some(d) => convert(req, &b.currency, &cur, d)?,
            None => Decimal::ZERO,
        };
        if let Some((c, shares)) = cn_br_mx::levy(b, &on, &cv, deduction, duty_rule, minor) {
            for (i, s) in shares {
                lines[i].duty += s;
            }
            charges.push(c);
        }
    }

    // 5. Fees: government fees whose conditions hold, then the request's extra fees.
    let mut fee_charges: Vec<(OCharge, bool)> = Vec::new();
    if !no_fees {
        let mut fees: Vec<_> = rows
            .fees
            .iter()
            .filter(|f| in_force(&f.territory, &f.dates))
            .collect();
        fees.sort_by(|a, b| a.name.cmp(&b.name));
        for fee in fees {
            if !facts.holds(&fee.conditions)? {
                continue;
            }
            let on: Vec<usize> = (0..lines.len())
                .filter(|i| !(fee.exempt_preferential && lines[*i].preferential))
                .collect();
            if on.is_empty() {
                continue;
            }
            let base: Decimal = on.iter().map(|i| lines[*i].customs_value).sum();
            let (amount, rate, base) = if fee.ad_valorem {
                let p = fee.rate_percent.unwrap();
                let mut a = pct(base, p);
                if let Some(m) = fee.min_amount {
                    a = a.max(convert(req, &fee.currency, &cur, m)?);
                }
                if let Some(m) = fee.max_amount {
                    a = a.min(convert(req, &fee.currency, &cur, m)?);
                }
                (a, Some(p), Some(base))
            } else {
                let a = convert(req, &fee.currency, &cur, fee.amount.unwrap())?;
                (a, None, None)
            };
            fee_charges.push((
                OCharge {
                    kind: ChargeKind::Fee,
                    name: fee.label.clone(),
                    base,
                    rate,
                    amount: rounding::round(amount, fee_rule, minor),
                    unrounded: amount,
                    collected_at: CollectedAt::Border,
                    lines: on,
                },
                fee.taxable,
            ));
        }
    }
    for f in &req.extra_fees {
        let from = f.currency.unwrap_or(req.currency);
        let amount = to_minor(convert(req, from.code(), &cur, f.amount)?);
        fee_charges.push((
            OCharge {
                kind: ChargeKind::Fee,
                name: f.name.clone(),
                base: None,
                rate: None,
                amount,
                unrounded: amount,
                collected_at: CollectedAt::Border,
                lines: (0..lines.len()).collect(),
            },
            f.taxable,
        ));
    }
    // Taxable fees enter the tax base, spread over their lines by customs value.
    for (c, _) in fee_charges
        .iter()
        .filter(|(c, t)| *t && !c.amount.is_zero())
    {
        let weights: Vec<Decimal> = c.lines.iter().map(|i| lines[*i].customs_value).collect();
        let scale = c.amount.scale().max(minor);
        for (i, s) in c
            .lines
            .iter()
            .zip(rounding::allocate(c.amount, &weights, scale))
        {
            lines[*i].taxable_fees += s;
        }
    }

    // 6. Import taxes in order, each on its declared base; then taxes at checkout.
    let mut taxes: Vec<_> = rows
        .import_taxes
        .iter()
        .filter(|t| in_force(&t.territory, &t.dates))
        .collect();
    taxes.sort_by(|a, b| (a.order, &a.name).cmp(&(b.order, &b.name)));
    let standard = TaxCategory::standard();
    let needs_vat = lines.iter().any(|l| l.checkout.is_some())
        || taxes.iter().any(|t| t.fixed.is_none() && !t.line_excise);
    let has_regions = tables
        .vat_rows()
        .any(|v| v.country == req.destination && v.region.is_some());
    let needs_rate =
        |i: usize| req.lines[i].tax_rate.is_none() && !lines[i].no_tax && !lines[i].reverse_charge;
    if needs_vat && req.region.is_none() && has_regions && (0..lines.len()).any(needs_rate) {
        return Err(input("region", "required"));
    }
    let mut tax_shares: Vec<(String, Vec<Decimal>)> = Vec::new();
    for tax in &taxes {
        let mut step = Step::default();
        // The statutory amounts of the lines under a tax factor, rounded to the minor unit:
        // what a later base naming this tax adds (China's VAT on the full consumption tax).
        let mut statutory: Vec<(usize, Decimal)> = Vec::new();
        for i in 0..lines.len() {
            let line = &lines[i];
            if line.no_tax || line.reverse_charge || line.checkout.is_some() {
                continue;
            }
            let l = &req.lines[i];
            if tax.line_excise && l.excise_rate.is_none() {
                continue;
            }
            let category = l.tax_category.as_ref().unwrap_or(&standard);
            let (key, rate) = match (&tax.fixed, &tax.component, l.tax_rate) {
                _ if tax.line_excise => {
                    (format!("import_tax {}", tax.name), l.excise_rate.unwrap())
                }
                (None, None, Some(r)) => ("request tax_rate".to_owned(), r),
                (None, Some(_), Some(_)) => {
                    return Err(input(format!("lines[{i}].tax_rate"), "tax in parts"));
                }
                (None, component, None) => {
                    let v = tables.vat_rate(req.destination, req.region, category, day)?;
                    let rate = match component {
                        None => v.rate.value(),
                        Some(c) => v
                            .components
                            .iter()
                            .find(|x| &*x.name == c)
                            .map(|x| x.rate.value())
                            .ok_or_else(|| unknown("vat component", c.clone()))?,
                    };
                    let key = format!("vat {:?} {} {}", v.region, v.category, v.period.from);
                    (key, rate)
                }
                (Some(p), _, _) => (format!("import_tax {}", tax.name), *p),
            };
            let mut base: Decimal = tax.base.iter().map(|t| term(line, t, &tax_shares, i)).sum();
            if tax_base_rule.is_some() && tax.round_base {
                base = rounding::round(base, tax_base_rule, minor);
            }
            let mut amount = match tax.fraction {
                Some((n, d)) => base * n / d,
                None => pct(base, rate),
            };
            // "Por dentro": the tax is part of its own base, base / (1 − t) × t. The factors
            // come first and the division last, so that an exact quotient stays exact
            // (569.505 / 0.7 × 70 % is 569.505, not 569.50499… to 28 digits).
            let divisor = match tax.gross_up {
                true => Decimal::ONE - rate / Decimal::ONE_HUNDRED,
                false => Decimal::ONE,
            };
            if tax.factor_percent != Decimal::ONE_HUNDRED {
                amount = pct(amount, tax.factor_percent);
            }
            if let Some(f) = line.tax_factor {
                statutory.push((i, to_minor(amount / divisor)));
                amount = pct(amount, f);
            }
            amount /= divisor;
            step.push(
                key,
                ChargeKind::Tax,
                &tax.label,
                tax.fraction.is_none().then_some(rate),
                CollectedAt::Border,
                i,
                base,
                amount,
            );
        }
        let chained = tax_rule
            .and_then(|r| r.chain.as_deref())
            .map(|c| step.chained(c, minor, lines.len()));
        let (mut c, shares) = step.close(tax_rule, minor, lines.len());
        for (line, s) in lines.iter_mut().zip(&shares) {
            line.tax += *s;
        }
        charges.append(&mut c);
        // A chaining rounding first, then the statutory amounts of lines under a tax factor.
        let mut shares = chained.unwrap_or(shares);
        for (i, v) in statutory {
            shares[i] = v;
        }
        tax_shares.push((tax.name.clone(), shares));
    }
    if lines.iter().any(|l| l.checkout.is_some()) {
        // The seller's tax is named after the territory's first import tax.
        let name = taxes.first().map_or_else(
            || "tax (collected at checkout)".to_owned(),
            |t| format!("{} (collected at checkout)", t.label.replace("import ", "")),
        );
        let mut step = Step::default();
        for i in 0..lines.len() {
            let Some(k) = lines[i].checkout else { continue };
            let l = &req.lines[i];
            let category = l.tax_category.as_ref().unwrap_or(&standard);
            let (key, rate) = match l.tax_rate {
                Some(r) => ("request tax_rate".to_owned(), r),
                None => {
                    let v = tables.vat_rate(req.destination, req.region, category, day)?;
                    let key = format!("vat {:?} {} {}", v.region, v.category, v.period.from);
                    (key, v.rate.value())
                }
            };
            let base: Decimal = rules[k]
                .checkout_tax_base
                .iter()
                .map(|t| term(&lines[i], t, &tax_shares, i))
                .sum();
            step.push(
                key,
                ChargeKind::Tax,
                &name,
                Some(rate),
                CollectedAt::Checkout,
                i,
                base,
                pct(base, rate),
            );
        }
        let (mut c, shares) = step.close(tax_rule, minor, lines.len());
        for (line, s) in lines.iter_mut().zip(shares) {
            line.tax += s;
        }
        charges.append(&mut c);
    }
    // 6b. Rules on the tax amount of the declaration (CH: CHF 5 or less is not levied).
    scope::tax_amount_rules(
        &facts,
        &rules,
        &cur,
        &mut charges,
        &mut lines,
        (&mut regime_id, &mut best),
    )?;
    charges.extend(fee_charges.into_iter().map(|(c, _)| c));

    // 7. Totals (every charge already rounded once).
    let sum = |kind: ChargeKind| -> Decimal {
        charges
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.amount)
            .sum()
    };
    let (duty, tax, fees) = (
        sum(ChargeKind::Duty),
        sum(ChargeKind::Tax),
        sum(ChargeKind::Fee),
    );
    let at_checkout: Decimal = charges
        .iter()
        .filter(|c| c.collected_at == CollectedAt::Checkout)
        .map(|c| c.amount)
        .sum();
    let total_charges = duty + tax + fees;
    let border = total_charges - at_checkout;
    let intrinsic: Decimal = lines.iter().map(|l| l.goods).sum();
    let customs_value: Decimal = lines.iter().map(|l| l.customs_value).sum();
    let (due_at_checkout, due_on_delivery) = match req.incoterm.unwrap_or_default() {
        Incoterm::Ddp => (total_charges, Decimal::ZERO),
        Incoterm::Dap => (at_checkout, border),
    };
    let collected_at = if !at_checkout.is_zero() || lines.iter().any(|l| l.checkout.is_some()) {
        CollectedAt::Checkout
    } else if !total_charges.is_zero() {
        CollectedAt::Border
    } else {
        CollectedAt::None
    };
    Ok(OQuote {
        currency: cur,
        territory,
        regime: regime_id,
        collected_at,
        intrinsic_value: intrinsic,
        customs_value,
        shipping,
        insurance,
        duty,
        tax,
        fees,
        total_charges,
        landed_total: intrinsic + shipping + insurance + total_charges,
        due_at_checkout,
        due_on_delivery,
        lines: lines
            .iter()
            .map(|l| OLine {
                goods: l.goods,
                customs_value: l.customs_value,
                shipping: l.shipping,
                insurance: l.insurance,
                duty: l.duty,
                tax: l.tax,
            })
            .collect(),
        charges,
        warnings,
    })
}
