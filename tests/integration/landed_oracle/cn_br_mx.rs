//! The oracle's consignment duty bands (`[[duty_band]]`: Brazil's Remessa Conforme and RTS,
//! Mexico's courier global rate), written again from `src/data/duty_band.rs`: the band of
//! highest priority whose conditions hold and whose bounds hold the value
//! (`above < value ≤ up_to` in the band's currency) replaces every line's tariff duty with
//! `rate × Σ customs values − deduction` (never below zero), spread over the lines by customs
//! value; a band that replaces the import taxes leaves the lines without any.

use landed::Error;
use landed::landed::{ChargeKind, CollectedAt, QuoteRequest};
use rust_decimal::Decimal;
use toml::Value;

use super::data::{Conditions, Dates, Rounding, conditions, dates, dec, flag, s};
use super::{OCharge, rounding};

#[derive(Debug, Clone)]
pub struct DutyBand {
    pub territory: String,
    pub name: String,
    pub label: String,
    pub regime: String,
    pub priority: i64,
    pub value: String,
    pub currency: String,
    pub above: Option<Decimal>,
    pub up_to: Decimal,
    pub rate_percent: Decimal,
    pub deduction: Option<Decimal>,
    pub conditions: Conditions,
    pub replaces_import_taxes: bool,
    pub dates: Dates,
}

impl DutyBand {
    pub fn of(r: &Value) -> Self {
        let mut c = conditions(r);
        // Bands have no threshold of their own: their bounds are.
        c.threshold = None;
        Self {
            territory: s(r, "territory").unwrap(),
            name: s(r, "name").unwrap(),
            label: s(r, "label").unwrap(),
            regime: s(r, "regime").unwrap(),
            priority: r.get("priority").and_then(Value::as_integer).unwrap_or(0),
            value: s(r, "value").unwrap(),
            currency: s(r, "currency").unwrap(),
            above: dec(r, "above"),
            up_to: dec(r, "up_to").unwrap(),
            rate_percent: dec(r, "rate_percent").unwrap(),
            deduction: dec(r, "deduction"),
            conditions: c,
            replaces_import_taxes: flag(r, "replaces_import_taxes"),
            dates: dates(r),
        }
    }
}

/// The band that applies: the first of highest priority (in name order) among those whose
/// conditions hold and whose bounds hold the value. `value_of(basis, currency)` gives the
/// consignment's value on a basis, converted.
pub fn select<'r>(
    bands: &'r [DutyBand],
    territory: &str,
    day: chrono::NaiveDate,
    holds: impl Fn(&Conditions) -> Result<bool, Error>,
    value_of: impl Fn(&str, &str) -> Result<Decimal, Error>,
) -> Result<Option<&'r DutyBand>, Error> {
    let mut in_force: Vec<&DutyBand> = bands
        .iter()
        .filter(|b| b.territory == territory && b.dates.covers(day))
        .collect();
    in_force.sort_by(|a, b| a.name.cmp(&b.name));
    let mut best: Option<&DutyBand> = None;
    for b in in_force {
        if best.is_some_and(|x| x.priority >= b.priority) || !holds(&b.conditions)? {
            continue;
        }
        let v = value_of(&b.value, &b.currency)?;
        if b.above.is_none_or(|a| v > a) && v <= b.up_to {
            best = Some(b);
        }
    }
    Ok(best)
}

/// The band's charge over the lines `on` (their customs values `cv`), and each line's share;
/// `deduction` already converted into the destination currency.
pub fn levy(
    band: &DutyBand,
    on: &[usize],
    cv: &[Decimal],
    deduction: Decimal,
    rule: Option<&Rounding>,
    minor: u32,
) -> Option<(OCharge, Vec<(usize, Decimal)>)> {
    let total: Decimal = on.iter().map(|i| cv[*i]).sum();
    let full = total * band.rate_percent / Decimal::ONE_HUNDRED;
    let amount = (full - deduction).max(Decimal::ZERO);
    if amount.is_zero() || total.is_zero() {
        return None;
    }
    let weights: Vec<Decimal> = on.iter().map(|i| cv[*i]).collect();
    let (rounded, shares) = if rule.is_some_and(|r| r.line_stage) {
        let shares: Vec<Decimal> = weights
            .iter()
            .map(|w| rounding::round(amount * *w / total, rule, minor))
            .collect();
        (shares.iter().copied().sum(), shares)
    } else {
        let rounded = rounding::round(amount, rule, minor);
        let scale = rounding::scale_of(rule, minor);
        (rounded, rounding::allocate(rounded, &weights, scale))
    };
    let charge = OCharge {
        kind: ChargeKind::Duty,
        name: band.label.clone(),
        base: Some(total),
        rate: band.deduction.is_none().then_some(band.rate_percent),
        amount: rounded,
        unrounded: amount,
        collected_at: CollectedAt::Border,
        lines: on.to_vec(),
    };
    Some((charge, on.iter().copied().zip(shares).collect()))
}

/// The order's total quantity is at most `max`.
pub fn within_units(req: &QuoteRequest, max: Decimal) -> bool {
    req.lines.iter().map(|l| l.quantity).sum::<Decimal>() <= max
}
