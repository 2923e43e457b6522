//! Regime changes near the solved price: a probe a set percent below and above it, and, where
//! the quote there is under different rules, a bisection to the two adjacent prices on either
//! side of the change.
//!
//! Two quotes are under the same rules when their regime, where their tax is collected and
//! each charge's name, rate and place of collection are the same: a threshold that switches
//! the regime (EU €150, GB £135), drops or adds a charge (CH CHF 5, JP ¥10,000) or changes a
//! rate (BR US$50) changes one of these, whatever value basis the threshold is tested on.
//!
//! Invariant: between the solved price and a probe the bisection keeps one end under the
//! solved price's rules and the other not, so it ends on two prices one minor unit apart;
//! it evaluates at most about log2 of the probe distance, so at most 51 quotes per side.

use rust_decimal::Decimal;

use super::{NearThreshold, Problem, Reached};
use crate::error::Error;
use crate::landed::Quote;

/// Whether two quotes are under the same rules: the same regime, the same place of
/// collection, and charge by charge the same name, rate and place (rates compare by value).
fn same_rules(a: &Quote, b: &Quote) -> bool {
    a.regime == b.regime
        && a.collected_at == b.collected_at
        && a.charges.len() == b.charges.len()
        && a.charges
            .iter()
            .zip(&b.charges)
            .all(|(x, y)| x.name == y.name && x.rate == y.rate && x.collected_at == y.collected_at)
}

/// The regime changes within the options' distance below and above `x` (the solved lead
/// price, whose quote is `at_x`). A price there that cannot be quoted counts as a change; its
/// error goes into `warnings` (the solved quote stands, but the caller must know the price
/// is next to one that fails).
pub(super) fn near(
    p: &mut Problem<'_>,
    x: i64,
    at_x: &Quote,
    evaluations: &mut u32,
    warnings: &mut Vec<String>,
) -> Result<Vec<NearThreshold>, Error> {
    let percent = p.options.near_threshold_percent;
    if percent.is_zero() {
        return Ok(Vec::new());
    }
    let reach = Decimal::from(x)
        .checked_mul(percent)
        .and_then(|d| d.checked_div(Decimal::ONE_HUNDRED))
        .map(|d| d.ceil())
        .and_then(|d| i64::try_from(d).ok())
        .unwrap_or(0);
    let mut found = Vec::new();
    for probe in [x.saturating_sub(reach).max(0), x.saturating_add(reach)] {
        if probe == x || same(p, at_x, probe, evaluations) {
            continue;
        }
        let (inside, outside) = boundary(p, at_x, x, probe, evaluations)?;
        let (lo, hi) = (inside.min(outside), inside.max(outside));
        match (p.reached(lo), p.reached(hi)) {
            (Ok(below), Ok(above)) => found.push(NearThreshold { below, above }),
            (Err(e), _) | (_, Err(e)) => warnings.push(format!(
                "target_total: within {} % of the solved price, lines[{}].unit_price {} cannot be quoted: {e}",
                percent.normalize(),
                p.lead,
                Decimal::new(outside, p.scale),
            )),
        }
    }
    Ok(found)
}

/// Whether the quote at `x` is under `here`'s rules (a quote that fails is not).
fn same(p: &mut Problem<'_>, here: &Quote, x: i64, evaluations: &mut u32) -> bool {
    *evaluations = evaluations.saturating_add(1);
    p.quote_at(x).is_ok_and(|q| same_rules(&q, here))
}

/// Bisects between `inside` (under `here`) and `outside` (not) to adjacent prices.
fn boundary(
    p: &mut Problem<'_>,
    here: &Quote,
    mut inside: i64,
    mut outside: i64,
    evaluations: &mut u32,
) -> Result<(i64, i64), Error> {
    while inside.abs_diff(outside) > 1 {
        let mid = inside.midpoint(outside);
        if same(p, here, mid, evaluations) {
            inside = mid;
        } else {
            outside = mid;
        }
    }
    Ok((inside, outside))
}

/// The quote's warning for a change near the solved price.
pub(super) fn warning(p: &Problem<'_>, n: &NearThreshold) -> String {
    let lead = |r: &Reached| r.unit_prices.get(p.lead).copied().unwrap_or_default();
    format!(
        "target_total: the solved price is within {} % of a change of rules: at lines[{}].unit_price {} the landed total is {} ({}), at {} it is {} ({}); a price or exchange-rate move can cross it",
        p.options.near_threshold_percent.normalize(),
        p.lead,
        lead(&n.below),
        n.below.landed_total,
        n.below.regime,
        lead(&n.above),
        n.above.landed_total,
        n.above.regime,
    )
}
