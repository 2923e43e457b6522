//! The oracle's rule scopes (issue 19): `include_hs`, rules tested on each line's unit price
//! (`scope = "line"`: NO VOEC, SG OVR) and rules tested on the tax amount after the taxes
//! (`threshold.value = "tax_amount"`: CH CHF 5). Written plainly from the comments of
//! `src/data/customs.rs` and `src/landed/tax_amount.rs`.

use landed::Error;
use landed::landed::{ChargeKind, CollectedAt};
use rust_decimal::Decimal;

use super::data::{Conditions, Rule};
use super::{Facts, Line, OCharge, convert, hs_starts};

/// The conditions without the threshold.
fn without_threshold(c: &Conditions) -> Conditions {
    Conditions {
        threshold: None,
        ..c.clone()
    }
}

/// The conditions of a line-scoped rule tested on the consignment: without the threshold and
/// the origins, which are each line's.
fn consignment_part(c: &Conditions) -> Conditions {
    Conditions {
        threshold: None,
        origins: Vec::new(),
        exclude_origins: Vec::new(),
        ..c.clone()
    }
}

/// Whether a rule's consignment conditions hold in step 3: a line-scoped rule's threshold is
/// tested per line instead; a rule on the tax amount never holds in step 3.
pub(super) fn rule_holds(facts: &Facts<'_>, rule: &Rule) -> Result<bool, Error> {
    if rule.scope_line {
        return facts.holds(&consignment_part(&rule.conditions));
    }
    facts.holds(&rule.conditions)
}

/// The lines in a rule: under an `include_hs` prefix when there are any, under no
/// `exclude_hs` prefix, and, when line-scoped, of the rule's origins (if any) and none of its
/// excluded origins, with a unit price that meets its threshold (if any).
pub(super) fn lines_in(facts: &Facts<'_>, rule: &Rule) -> Result<Vec<usize>, Error> {
    let req = facts.req;
    let mut out = Vec::new();
    for (i, l) in req.lines.iter().enumerate() {
        let hs = &l.hs_code;
        if !rule.include_hs.is_empty() && !rule.include_hs.iter().any(|p| hs_starts(hs, p)) {
            continue;
        }
        if rule.exclude_hs.iter().any(|p| hs_starts(hs, p)) {
            continue;
        }
        if rule.scope_line {
            let c = &rule.conditions;
            let origin = l.origin.as_str().to_owned();
            if (!c.origins.is_empty() && !c.origins.contains(&origin))
                || c.exclude_origins.contains(&origin)
            {
                continue;
            }
        }
        if let Some(t) = rule
            .conditions
            .threshold
            .as_ref()
            .filter(|_| rule.scope_line)
        {
            let v = convert(req, req.currency.code(), &t.currency, l.unit_price)?;
            let ok = match t.comparison.as_str() {
                "lt" => v < t.amount,
                "le" => v <= t.amount,
                "gt" => v > t.amount,
                "ge" => v >= t.amount,
                other => panic!("unknown comparison {other}"),
            };
            if !ok {
                continue;
            }
        }
        out.push(i);
    }
    Ok(out)
}

/// Step 6b: a rule on the tax amount whose other conditions hold and whose threshold the sum
/// of the rounded border tax charges (converted from the destination's currency) meets
/// removes those charges and the lines' border tax, and may set the regime id.
pub(super) fn tax_amount_rules(
    facts: &Facts<'_>,
    rules: &[&Rule],
    cur: &str,
    charges: &mut Vec<OCharge>,
    lines: &mut [Line],
    (regime_id, best): (&mut String, &mut Option<i64>),
) -> Result<(), Error> {
    let border = |c: &OCharge| c.kind == ChargeKind::Tax && c.collected_at == CollectedAt::Border;
    for rule in rules {
        let Some(t) = rule
            .conditions
            .threshold
            .as_ref()
            .filter(|t| t.value == "tax_amount")
        else {
            continue;
        };
        if !facts.holds(&without_threshold(&rule.conditions))? {
            continue;
        }
        let taxes: Vec<Decimal> = charges
            .iter()
            .filter(|c| border(c))
            .map(|c| c.amount)
            .collect();
        if taxes.is_empty() {
            continue;
        }
        let sum: Decimal = taxes.iter().sum();
        let v = convert(facts.req, cur, &t.currency, sum)?;
        let ok = match t.comparison.as_str() {
            "lt" => v < t.amount,
            "le" => v <= t.amount,
            "gt" => v > t.amount,
            "ge" => v >= t.amount,
            other => panic!("unknown comparison {other}"),
        };
        if !ok {
            continue;
        }
        assert_eq!(
            rule.effects,
            ["no_tax"],
            "a tax-amount rule only waives the tax"
        );
        charges.retain(|c| !border(c));
        for line in lines.iter_mut().filter(|l| l.checkout.is_none()) {
            line.tax = Decimal::ZERO;
        }
        if let Some(id) = &rule.regime
            && best.is_none_or(|b| rule.priority > b)
        {
            *best = Some(rule.priority);
            *regime_id = id.clone();
        }
    }
    Ok(())
}
