//! Tax bases: each `[[import_tax]]` row (and a checkout rule's `checkout_tax_base`) declares
//! its base as a sum of terms: goods, shipping, insurance, customs value, duty, taxable fees,
//! or an earlier tax of the same quote (a tax on a tax). The AU GST base, for instance, is
//! customs value + duty + transport and insurance (the `gst` row of `data/customs.toml`).

use std::sync::Arc;

use super::super::arith::OP;
use super::super::cart::Line;
use super::super::few::Few;
use crate::data::BaseTerm;
use crate::error::Error;

/// The terms of a base as a bit mask of line amounts (see [`masked_base`]), when every term
/// is a line amount named once; `None` when it names a tax or repeats a term.
pub(crate) fn line_terms(terms: &[BaseTerm]) -> Option<u8> {
    let mut mask = 0u8;
    for t in terms {
        let bit = match t {
            BaseTerm::Goods => 1,
            BaseTerm::Shipping => 2,
            BaseTerm::Insurance => 4,
            BaseTerm::CustomsValue => 8,
            BaseTerm::Duty => 16,
            BaseTerm::TaxableFees => 32,
            BaseTerm::Tax(_) => return None,
        };
        if mask & bit != 0 {
            return None;
        }
        mask |= bit;
    }
    Some(mask)
}

/// The sum of a line's amounts selected by a [`line_terms`] mask: [`base_of`] without the
/// walk over the terms.
#[inline]
pub(crate) fn masked_base(line: &Line<'_>, mask: u8) -> Result<i64, Error> {
    [
        (1, line.goods),
        (2, line.shipping),
        (4, line.insurance),
        (8, line.customs_value),
        (16, line.duty_in_bases()),
        (32, line.taxable_fees),
    ]
    .into_iter()
    .filter(|(bit, _)| mask & bit != 0)
    .try_fold(0i64, |sum, (_, v)| sum.checked_add(v))
    .ok_or_else(|| Error::overflow(OP))
}

/// Line amounts of earlier taxes in the quote, kept only when a later base names a tax.
pub(crate) struct Earlier<'t> {
    /// Whether any base names a tax (else nothing is kept).
    pub(crate) keep: bool,
    /// Each tax's name and the start of its line values in `values` (a territory levies a
    /// few taxes: on the stack).
    index: Few<(&'t Arc<str>, usize), 4>,
    /// Each kept tax's amount per line, in lane units, tax after tax.
    values: Vec<i64>,
}

impl<'t> Earlier<'t> {
    /// Keeps the line amounts of up to `taxes` taxes over `lines` lines when `keep`, in
    /// `buffer` (empty; sized once, rather than grown tax by tax).
    pub(crate) fn new(keep: bool, taxes: usize, lines: usize, mut buffer: Vec<i64>) -> Self {
        if keep {
            buffer.reserve(taxes.saturating_mul(lines));
        }
        Self {
            keep,
            index: Few::new(),
            values: buffer,
        }
    }

    /// The buffer of the line amounts, for reuse.
    pub(crate) fn into_buffer(self) -> Vec<i64> {
        self.values
    }

    /// Opens the line values of tax `name` over `lines` lines; returns their start.
    pub(crate) fn open(&mut self, name: &'t Arc<str>, lines: usize) -> usize {
        let start = self.values.len();
        if self.keep {
            self.values.resize(start.saturating_add(lines), 0);
            self.index.push((name, start));
        }
        start
    }

    /// Adds `a` to line `i` of the tax opened at `start`.
    pub(crate) fn add(&mut self, start: usize, i: usize, a: i64) -> Result<(), Error> {
        if let Some(v) = self
            .values
            .get_mut(start.saturating_add(i))
            .filter(|_| self.keep)
        {
            *v = v.checked_add(a).ok_or_else(|| Error::overflow(OP))?;
        }
        Ok(())
    }

    /// Sets line `i` of the tax opened at `start` to `v` (a statutory amount, see
    /// `border::Statutory`).
    pub(crate) fn set(&mut self, start: usize, i: usize, v: i64) {
        if let Some(slot) = self
            .values
            .get_mut(start.saturating_add(i))
            .filter(|_| self.keep)
        {
            *slot = v;
        }
    }

    /// Sets the line values of the tax opened at `start` back to zero (before they are added
    /// again, rounded for chaining).
    pub(crate) fn clear(&mut self, start: usize, lines: usize) {
        if let Some(v) = self.values.get_mut(start..start.saturating_add(lines)) {
            v.fill(0);
        }
    }

    /// Sum of line `index`'s base terms, in units.
    pub(crate) fn base_of(
        &self,
        line: &Line<'_>,
        terms: &[BaseTerm],
        index: usize,
    ) -> Result<i64, Error> {
        base_of(line, terms, &self.index, &self.values, index)
    }
}

/// Sum of a line's base terms, in units; `taxes` holds each earlier import tax's line shares
/// (`lines` values per tax, in order).
fn base_of(
    line: &Line<'_>,
    terms: &[BaseTerm],
    taxes: &Few<(&Arc<str>, usize), 4>,
    values: &[i64],
    index: usize,
) -> Result<i64, Error> {
    let mut b: i64 = 0;
    for t in terms {
        let v = match t {
            BaseTerm::Goods => line.goods,
            BaseTerm::Shipping => line.shipping,
            BaseTerm::Insurance => line.insurance,
            BaseTerm::CustomsValue => line.customs_value,
            BaseTerm::Duty => line.duty_in_bases(),
            BaseTerm::TaxableFees => line.taxable_fees,
            BaseTerm::Tax(name) => taxes
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, start)| values.get(start.checked_add(index)?).copied())
                .unwrap_or_default(),
        };
        b = b.checked_add(v).ok_or_else(|| Error::overflow(OP))?;
    }
    Ok(b)
}
