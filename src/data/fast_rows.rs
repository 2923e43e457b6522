//! A fast path for the rows of `landed-csv` files: a row struct built straight from its cells,
//! without serde's generic machinery (which matches every field name and goes through a
//! visitor per cell, about half of a large file's load).
//!
//! # Invariants
//! - A [`FastRow`] reads its cells with the very parsers its `Deserialize` impl uses
//!   (`FromStr` of the codes, `parse_decimal`, `parse_date`, the enum spellings), and treats
//!   an empty cell as an absent field, as the CSV deserializer does.
//! - It returns `None` whenever it does not accept a row, never a different row: the caller
//!   then deserializes the record through serde, which decides and reports every problem
//!   with its column. So the fast path may be stricter than serde, never looser.
//! - [`FastRow::FIELDS`] lists the fields in the order `from_cells` receives them; a test
//!   checks that it is the row struct's serde field list, and another that both paths read
//!   every embedded file to the same rows.

use core::hash::BuildHasherDefault;
use core::str::FromStr;
use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::additional::Heading;
use super::error::DataProblem;
use super::load::DatedRow;
use super::series::{Location, RawDated};
use super::tariff::FastHasher;
use crate::codes::parse_decimal;
use crate::error::ValueKind;

/// A row struct that can be built from its cells directly.
pub(crate) trait FastRow: DatedRow {
    /// The field names, in the order of the cells `from_cells` takes.
    const FIELDS: &'static [&'static str];

    /// The row, from one cell per field of [`Self::FIELDS`] (an empty string for an absent
    /// field); `None` when the row is not accepted here (serde then reports why). Its
    /// repeated texts come from `shared`.
    fn from_cells(cells: &[&str], shared: &mut Shared) -> Option<Self>;

    /// [`DatedRow::into_raw`], sharing what the row derives (a label) through `shared`.
    fn into_raw_with(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
        shared: &mut Shared,
    ) -> Option<RawDated<Self::Value>> {
        let _ = shared;
        self.into_raw(at, problems)
    }
}

/// The texts of a file's rows, one `Arc` per distinct text (a measure's name, authority and
/// group repeat on thousands of rows), and the last label made.
#[derive(Default)]
pub(crate) struct Shared {
    texts: HashSet<Arc<str>, BuildHasherDefault<FastHasher>>,
    /// (authority, heading, name) and the label made from them: the rows of one measure
    /// follow each other, so a label is made once per run.
    label: Option<(LabelKey, Arc<str>)>,
}

type LabelKey = (Option<Arc<str>>, Vec<Heading>, Arc<str>);

impl Shared {
    /// The shared `Arc` of a text.
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.texts.get(text) {
            return Arc::clone(shared);
        }
        let new: Arc<str> = Arc::from(text);
        self.texts.insert(Arc::clone(&new));
        new
    }

    /// A required text field, shared.
    pub(crate) fn text(&mut self, cell: &str) -> Option<Arc<str>> {
        (!cell.is_empty()).then(|| self.get(cell))
    }

    /// An optional text field, shared.
    pub(crate) fn opt_text(&mut self, cell: &str) -> Option<Option<Arc<str>>> {
        Some(self.text(cell))
    }

    /// A list of texts (space-separated; empty when absent), shared.
    pub(crate) fn list(&mut self, cell: &str) -> Vec<Arc<str>> {
        cell.split_ascii_whitespace().map(|s| self.get(s)).collect()
    }

    /// The label of an additional duty: the last one when the key is the same, else `make`.
    pub(crate) fn label(
        &mut self,
        authority: &Option<Arc<str>>,
        headings: &[Heading],
        name: &Arc<str>,
        make: impl FnOnce() -> Arc<str>,
    ) -> Arc<str> {
        if let Some(((a, h, n), label)) = &self.label
            && a == authority
            && h.as_slice() == headings
            && n == name
        {
            return Arc::clone(label);
        }
        let label = make();
        let key = (authority.clone(), headings.to_vec(), Arc::clone(name));
        self.label = Some((key, Arc::clone(&label)));
        label
    }
}

/// A required field parsed with `FromStr`.
pub(crate) fn req<T: FromStr>(cell: &str) -> Option<T> {
    if cell.is_empty() {
        return None;
    }
    cell.parse().ok()
}

/// An optional field parsed with `FromStr`: `Some(None)` when absent.
pub(crate) fn opt<T: FromStr>(cell: &str) -> Option<Option<T>> {
    if cell.is_empty() {
        return Some(None);
    }
    cell.parse().ok().map(Some)
}

/// A required text field.
pub(crate) fn text(cell: &str) -> Option<String> {
    (!cell.is_empty()).then(|| cell.to_owned())
}

/// A list field (space-separated; empty when absent).
pub(crate) fn list<T: FromStr>(cell: &str) -> Option<Vec<T>> {
    cell.split_ascii_whitespace()
        .map(|s| s.parse().ok())
        .collect()
}

/// A flag defaulting to `false`.
pub(crate) fn flag(cell: &str) -> Option<bool> {
    match cell {
        "" | "false" => Some(false),
        "true" => Some(true),
        _ => None,
    }
}

/// A required decimal (`decimal_str`).
pub(crate) fn decimal(cell: &str) -> Option<Decimal> {
    if cell.is_empty() {
        return None;
    }
    parse_decimal(ValueKind::Decimal, cell).ok()
}

/// An optional decimal (`opt_decimal_str`).
pub(crate) fn opt_decimal(cell: &str) -> Option<Option<Decimal>> {
    if cell.is_empty() {
        return Some(None);
    }
    decimal(cell).map(Some)
}

/// A required date (`date_str`).
pub(crate) fn date(cell: &str) -> Option<NaiveDate> {
    crate::serde_util::parse_date(cell)
}

/// An optional date (`opt_date_str`).
pub(crate) fn opt_date(cell: &str) -> Option<Option<NaiveDate>> {
    if cell.is_empty() {
        return Some(None);
    }
    date(cell).map(Some)
}
