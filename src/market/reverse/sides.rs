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
//!
//! With a [`ProbeCache`] (the market matrix, many solves of one line): the rules at each price
//! probed are kept by price, and the probes stand on a grid (multiples of the largest power of
//! two not above the distance) at or beyond the distance, so nearby solves probe the same
//! prices. A change found beyond the distance is not near and is dropped: the result is the
//! same as with probes at exactly the distance whenever there is at most one change of rules
//! on each side within twice the distance (the assumption the probes make anyway).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{NearThreshold, Problem, Reached};
use crate::data::FastMap;
use crate::error::Error;
use crate::landed::{CollectedAt, Quote};

/// The most prices a cache keeps (past that, probes are quoted again: same results).
const CACHE_CAPACITY: usize = 1 << 16;

/// The rules a quote is under: its regime, where its tax is collected, and charge by charge
/// the name, rate and place of collection (rates compare by value).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rules {
    regime: Arc<str>,
    collected_at: CollectedAt,
    charges: Vec<(Arc<str>, Option<Decimal>, CollectedAt)>,
}

impl Rules {
    fn of(q: &Quote) -> Self {
        Self {
            regime: Arc::clone(&q.regime),
            collected_at: q.collected_at,
            charges: q
                .charges
                .iter()
                .map(|c| (Arc::clone(&c.name), c.rate, c.collected_at))
                .collect(),
        }
    }

    /// Whether `q` is under these rules.
    fn hold_for(&self, q: &Quote) -> bool {
        self.regime == q.regime
            && self.collected_at == q.collected_at
            && self.charges.len() == q.charges.len()
            && self
                .charges
                .iter()
                .zip(&q.charges)
                .all(|((n, r, at), c)| *n == c.name && *r == c.rate && *at == c.collected_at)
    }
}

/// The rules at prices of one line already quoted (`None`: the price could not be quoted), for
/// the solves of that line in one market of the matrix.
#[derive(Debug, Default)]
pub(crate) struct ProbeCache {
    /// Hashed with the crate's fast hasher; at most [`CACHE_CAPACITY`] entries, so colliding
    /// prices cost a bounded scan.
    at: FastMap<i64, Option<Rules>>,
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
    for probe in probes(x, reach, p.probes.is_some()) {
        if probe == x || same(p, at_x, probe, evaluations) {
            continue;
        }
        let (inside, outside) = boundary(p, at_x, x, probe, evaluations)?;
        if outside.abs_diff(x) > reach.unsigned_abs() {
            continue; // a grid probe's change beyond the distance: not near
        }
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

/// The two probe prices: at the distance below and above `x`, or (with a cache) the grid
/// points at or beyond it.
fn probes(x: i64, reach: i64, grid: bool) -> [i64; 2] {
    let (below, above) = (x.saturating_sub(reach).max(0), x.saturating_add(reach));
    if !grid || reach < 1 {
        return [below, above];
    }
    // The largest power of two not above the distance.
    let step = 1_i64 << 63_u32.saturating_sub(reach.leading_zeros());
    let down = below.div_euclid(step).saturating_mul(step);
    let up = above
        .div_euclid(step)
        .saturating_add(i64::from(above.rem_euclid(step) != 0))
        .saturating_mul(step);
    [down, up]
}

/// Whether the quote at `x` is under `here`'s rules (a quote that fails is not).
fn same(p: &mut Problem<'_>, here: &Quote, x: i64, evaluations: &mut u32) -> bool {
    if let Some(known) = p.probes.as_deref().and_then(|c| c.at.get(&x)) {
        return known.as_ref().is_some_and(|r| r.hold_for(here));
    }
    *evaluations = evaluations.saturating_add(1);
    let rules = p.quote_at(x).ok().map(|q| Rules::of(&q));
    let same = rules.as_ref().is_some_and(|r| r.hold_for(here));
    if let Some(cache) = p.probes.as_deref_mut()
        && cache.at.len() < CACHE_CAPACITY
    {
        cache.at.insert(x, rules);
    }
    same
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
