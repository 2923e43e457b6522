//! A per-market memo of solved shelf prices: the catalogue's products that share a tariff line
//! (HS code, origin, tax category, weight) and a shelf price share one solve.
//!
//! Invariants:
//! - The solve is a pure function of the market's quote template, the product's line (without
//!   its price) and the target shelf price: it starts cold, from the target alone, never from a
//!   price the product happened to quote first. So an entry is the answer for every product
//!   with its key, and the matrix's cells do not depend on the order of the products.
//! - The key holds every field of the line that the quote reads, except the unit price the
//!   solve sets (quantity is always 1 in the matrix).
//! - A solve starts from a point that depends only on the line and the target: a first guess
//!   on the straight line through the line's shelf prices at goods prices 0 and [`REF_UNITS`]
//!   units, then the secant through the two points of a grid around that guess (multiples of
//!   a power of two about a 32nd of it), repeated around the secant's point while it falls
//!   outside the interval (at most [`MAX_GRID_SECANTS`] intervals): the shelf prices at those
//!   points are kept per line ([`Memo::total`]) and shared by the nearby targets. So the solve is as cheap as one
//!   started from the product's own price, and still a function of the key alone.
//! - The maps hash with the crate's fast hasher: the keys carry the caller's codes and prices,
//!   but a map never holds more than [`CAPACITY`] entries, so even keys made to collide cost
//!   a bounded scan, never a growing one.
//! - The memo holds at most [`CAPACITY`] entries per market; past that, solves are not kept
//!   (the results are the same, only slower), so memory stays bounded on a catalogue of
//!   distinct lines.

use std::rc::Rc;

use rust_decimal::Decimal;

use super::cell::Solution;
use crate::codes::{CountryCode, HsCode, TaxCategory};
use crate::data::FastMap;
use crate::error::Error;
use crate::landed::{Measures, QuoteLine};
use crate::market::reverse::ProbeCache;

/// The most solves kept per market.
pub(super) const CAPACITY: usize = 4096;

/// The goods price of a line's model's second point, in units of the shelf currency.
pub(super) const REF_UNITS: i64 = 100;

/// What a product's line is to the quote, without its price.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct LineKey {
    hs: HsCode,
    origin: CountryCode,
    tax_category: Option<TaxCategory>,
    weight_kg: Option<Decimal>,
    measures: Measures,
}

impl LineKey {
    /// The key of `line` (the product's one line). Every other field of the line is the same
    /// for every product in the matrix (set by `cell::Ctx::new`).
    pub(super) fn new(line: &QuoteLine) -> Self {
        Self {
            hs: line.hs_code,
            origin: line.origin,
            tax_category: line.tax_category.clone(),
            weight_kg: line.weight_kg,
            measures: line.measures,
        }
    }
}

/// What a solve depends on besides the market: the line and the target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Key {
    line: LineKey,
    target: Decimal,
}

impl Key {
    /// The key of `line` solved for `target`.
    pub(super) fn new(line: LineKey, target: Decimal) -> Self {
        Self {
            line,
            target: target.normalize(),
        }
    }
}

/// Where the straight line through `(x_a, at_a)` and `(x_b, at_b)` meets `target` (minor
/// units, at least 0); `None` when the line does not rise or the numbers overflow.
pub(super) fn secant(a: (i64, Decimal), b: (i64, Decimal), target: Decimal) -> Option<i64> {
    let rise = b.1.checked_sub(a.1)?;
    if rise <= Decimal::ZERO || b.0 <= a.0 {
        return None;
    }
    let x = target
        .checked_sub(a.1)?
        .checked_mul(Decimal::from(b.0.checked_sub(a.0)?))?
        .checked_div(rise)?
        .floor();
    i64::try_from(x).ok()?.checked_add(a.0).map(|x| x.max(0))
}

/// The most grid intervals the start of a solve is refined on: the line through 0 and
/// [`REF_UNITS`] can miss by the charges (a fifth of the price and more), so the first
/// interval's secant often points into another; its totals are kept per line, so the next
/// interval costs quotes only the first time.
pub(super) const MAX_GRID_SECANTS: u32 = 3;

/// The grid step around a first guess `x`: the power of two nearest below a 32nd of it (at
/// least 1).
pub(super) fn grid_step(x: i64) -> i64 {
    let x = x.max(64);
    1_i64 << 63_u32.saturating_sub(x.leading_zeros()).saturating_sub(5)
}

/// The solves of one market.
#[derive(Debug, Default)]
pub(super) struct Memo {
    solved: FastMap<Key, Result<Rc<Solution>, Error>>,
    /// Shelf prices by goods price (minor units), per line (`None`: not quotable there).
    totals: FastMap<LineKey, FastMap<i64, Option<Decimal>>>,
    /// The rules at the prices probed for regime changes, per line.
    probes: FastMap<LineKey, ProbeCache>,
}

impl Memo {
    /// The shelf price of `line` at goods price `x`, if kept (`Some(None)`: not quotable).
    pub(super) fn total(&self, line: &LineKey, x: i64) -> Option<Option<Decimal>> {
        self.totals.get(line).and_then(|t| t.get(&x)).copied()
    }

    /// Keeps a shelf price while there is room (at most [`CAPACITY`] lines and [`CAPACITY`]
    /// prices per line).
    pub(super) fn keep_total(&mut self, line: &LineKey, x: i64, total: Option<Decimal>) {
        if !self.totals.contains_key(line) && self.totals.len() >= CAPACITY {
            return;
        }
        let kept = self.totals.entry(line.clone()).or_default();
        if kept.len() < CAPACITY {
            kept.insert(x, total);
        }
    }

    /// The solve of `key`, if kept.
    pub(super) fn solved(&self, key: &Key) -> Option<Result<Rc<Solution>, Error>> {
        self.solved.get(key).cloned()
    }

    /// Keeps a solve while there is room.
    pub(super) fn keep_solved(&mut self, key: Key, solved: Result<Rc<Solution>, Error>) {
        if self.solved.len() < CAPACITY {
            self.solved.insert(key, solved);
        }
    }

    /// The probe cache of `line` (`None` once [`CAPACITY`] lines have one: probes are then
    /// quoted, with the same results).
    pub(super) fn probes(&mut self, line: &LineKey) -> Option<&mut ProbeCache> {
        if !self.probes.contains_key(line) && self.probes.len() >= CAPACITY {
            return None;
        }
        Some(self.probes.entry(line.clone()).or_default())
    }
}
