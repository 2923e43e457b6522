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
//! - A solve starts from a point that depends only on the line and the target: the goods price
//!   where the straight line through the line's shelf prices at goods prices 0 and
//!   [`REF_UNITS`] units (its [`Model`], quoted once per line) meets the target. So the solve
//!   is as cheap as one started from the product's own price (two or three quotes), and still
//!   a function of the key alone.
//! - The memo holds at most [`CAPACITY`] entries per market; past that, solves are not kept
//!   (the results are the same, only slower), so memory stays bounded on a catalogue of
//!   distinct lines.

use std::collections::HashMap;
use std::rc::Rc;

use rust_decimal::Decimal;

use super::cell::Solution;
use crate::codes::{CountryCode, HsCode, TaxCategory};
use crate::error::Error;
use crate::landed::QuoteLine;

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

/// A line's shelf prices at goods prices 0 and `x_ref` minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Model {
    pub(super) at_zero: Decimal,
    pub(super) x_ref: i64,
    pub(super) at_ref: Decimal,
}

impl Model {
    /// Where the straight line through the two points meets `target` (minor units, at least
    /// 0); `None` when the line is flat or the numbers overflow.
    pub(super) fn guess(&self, target: Decimal) -> Option<i64> {
        let rise = self.at_ref.checked_sub(self.at_zero)?;
        if rise <= Decimal::ZERO {
            return None;
        }
        let x = target
            .checked_sub(self.at_zero)?
            .checked_mul(Decimal::from(self.x_ref))?
            .checked_div(rise)?
            .floor();
        i64::try_from(x).ok().map(|x| x.max(0))
    }
}

/// The solves of one market.
#[derive(Debug, Default)]
pub(super) struct Memo {
    solved: HashMap<Key, Result<Rc<Solution>, Error>>,
    models: HashMap<LineKey, Option<Model>>,
}

impl Memo {
    /// The model of `line`, if made (`Some(None)`: made, but the line could not be quoted at
    /// one of its points).
    pub(super) fn model(&self, line: &LineKey) -> Option<Option<Model>> {
        self.models.get(line).copied()
    }

    /// Keeps the model of `line` (while there is room).
    pub(super) fn keep_model(&mut self, line: LineKey, model: Option<Model>) {
        if self.models.len() < CAPACITY {
            self.models.insert(line, model);
        }
    }

    /// The solve of `key`, from the memo or from `solve` (then kept while there is room).
    pub(super) fn get_or(
        &mut self,
        key: Key,
        solve: impl FnOnce() -> Result<Solution, Error>,
    ) -> Result<Rc<Solution>, Error> {
        if let Some(found) = self.solved.get(&key) {
            return found.clone();
        }
        let out = solve().map(Rc::new);
        if self.solved.len() < CAPACITY {
            self.solved.insert(key, out.clone());
        }
        out
    }
}
