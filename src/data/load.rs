//! Reading TOML data files: every syntax error, unknown field and bad value is collected with
//! its line and column, then rows are handed to the series validation.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::error::{DataProblem, ProblemKind};
use super::series::{Location, RawDated};

/// The schema version of data files this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Converts a byte offset into 1-based line and column.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = before
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        .saturating_add(1);
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |nl| {
            before
                .get(nl.saturating_add(1)..)
                .unwrap_or("")
                .chars()
                .count()
        })
        .saturating_add(1);
    (line, col)
}

/// Sorts a problem from a serde message into a kind. The messages come from our own visitors
/// (see `serde_util` and `codes`) and from toml's `deny_unknown_fields` handling.
pub(crate) fn classify(message: &str) -> ProblemKind {
    if message.starts_with("unknown field") || message.starts_with("unexpected keys") {
        ProblemKind::UnknownField
    } else if message.starts_with("missing field") {
        ProblemKind::MissingField
    } else if message.starts_with("bare float") || message.starts_with("bare number") {
        ProblemKind::BareFloat
    } else if message.starts_with("invalid decimal") {
        ProblemKind::BadDecimal
    } else if message.starts_with("invalid country code") {
        ProblemKind::UnknownCountry
    } else if message.starts_with("invalid currency code") {
        ProblemKind::UnknownCurrency
    } else {
        ProblemKind::BadValue
    }
}

/// One file being read.
pub(crate) struct FileReader<'t> {
    pub(crate) name: Arc<str>,
    pub(crate) text: &'t str,
    /// Byte offset of the start of every line, so that locating a row is a binary search
    /// rather than a scan from the top (a 20,000-row schedule would be quadratic otherwise).
    line_starts: Vec<usize>,
}

impl<'t> FileReader<'t> {
    pub(crate) fn new(name: &str, text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i.saturating_add(1)),
        );
        Self {
            name: Arc::from(name),
            text,
            line_starts,
        }
    }

    /// 1-based line and column of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let idx = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            .saturating_add(1);
        (idx.saturating_add(1), column)
    }

    pub(crate) fn location(&self, offset: usize) -> Location {
        let (line, column) = self.line_col(offset);
        Location {
            file: Arc::clone(&self.name),
            line,
            column,
        }
    }

    fn problem_at(&self, offset: usize, kind: ProblemKind, message: String) -> DataProblem {
        self.location(offset).problem(kind, message)
    }

    fn toml_problem(
        &self,
        e: &toml::de::Error,
        fallback: usize,
        kind: Option<ProblemKind>,
    ) -> DataProblem {
        let offset = e.span().map_or(fallback, |s| s.start);
        let message = e.message().trim_end().to_owned();
        let kind = kind.unwrap_or_else(|| classify(&message));
        self.problem_at(offset, kind, message)
    }

    /// Parses the document; returns its top-level entries, or `None` after recording every
    /// syntax error (a file with syntax errors contributes no rows).
    pub(crate) fn parse(
        &self,
        problems: &mut Vec<DataProblem>,
    ) -> Option<Vec<(Spanned<String>, Spanned<DeValue<'_>>)>> {
        let (doc, errors) = DeTable::parse_recoverable(self.text);
        if !errors.is_empty() {
            for e in &errors {
                problems.push(self.toml_problem(e, 0, Some(ProblemKind::Syntax)));
            }
            return None;
        }
        Some(
            doc.into_inner()
                .into_iter()
                .map(|(k, v)| {
                    let span = k.span();
                    (Spanned::new(span, k.into_inner().into_owned()), v)
                })
                .collect(),
        )
    }

    /// Checks a `schema_version = 1` entry.
    pub(crate) fn check_schema(
        &self,
        value: Spanned<DeValue<'_>>,
        problems: &mut Vec<DataProblem>,
    ) {
        let offset = value.span().start;
        let parsed = value
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok());
        match parsed {
            Some(v) if u32::try_from(v).ok() == Some(SCHEMA_VERSION) => {}
            Some(v) => problems.push(self.problem_at(
                offset,
                ProblemKind::UnsupportedSchema,
                format!(
                    "schema_version {v} is not supported by this build (it reads {SCHEMA_VERSION}); use data written for schema {SCHEMA_VERSION} or upgrade the crate"
                ),
            )),
            None => problems.push(self.problem_at(
                offset,
                ProblemKind::BadValue,
                format!("schema_version must be an integer, e.g. schema_version = {SCHEMA_VERSION}"),
            )),
        }
    }

    /// Deserializes every row of an array-of-tables section, recording a problem per bad row.
    pub(crate) fn rows<R: DatedRow>(
        &self,
        section: &str,
        value: Spanned<DeValue<'_>>,
        problems: &mut Vec<DataProblem>,
    ) -> Vec<RawDated<R::Value>> {
        self.plain_rows::<R>(section, value, problems)
            .into_iter()
            .filter_map(|(at, row)| row.into_raw(at, problems))
            .collect()
    }
}

impl FileReader<'_> {
    /// Rows of a section that are not effective-dated (each row with its location).
    pub(crate) fn plain_rows<R: for<'de> Deserialize<'de>>(
        &self,
        section: &str,
        value: Spanned<DeValue<'_>>,
        problems: &mut Vec<DataProblem>,
    ) -> Vec<(Location, R)> {
        let offset = value.span().start;
        let DeValue::Array(items) = value.into_inner() else {
            problems.push(self.problem_at(
                offset,
                ProblemKind::BadValue,
                format!("{section} must be an array of tables: write each row under [[{section}]]"),
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let start = item.span().start;
            // Cloned only when a row fails, to find its other problems.
            match R::deserialize(ValueDeserializer::from(item.clone())) {
                Ok(row) => out.push((self.location(start), row)),
                Err(e) => self.every_problem::<R>(item, e, problems),
            }
        }
        out
    }

    /// Records every problem of a row that failed to deserialize, not just the first: the
    /// field at fault is taken out and the row tried again, until it reads or no field is left
    /// to blame. A "missing field" that only arises because a bad field was taken out is not
    /// reported twice. The retries cost one attempt per bad field of a bad row.
    fn every_problem<R: for<'de> Deserialize<'de>>(
        &self,
        item: Spanned<DeValue<'_>>,
        first: toml::de::Error,
        problems: &mut Vec<DataProblem>,
    ) {
        let start = item.span().start;
        let span = item.span();
        let DeValue::Table(mut table) = item.into_inner() else {
            problems.push(self.toml_problem(&first, start, None));
            return;
        };
        let mut removed: Vec<String> = Vec::new();
        let mut error = first;
        // Each round takes one field out, so the loop ends after at most one round a field.
        for _ in 0..=table.len() {
            let message = error.message();
            let blames_removed = message.starts_with("missing field")
                && removed.iter().any(|k| message.contains(&format!("`{k}`")));
            if !blames_removed {
                problems.push(self.toml_problem(&error, start, None));
            }
            let Some(at) = error.span().map(|s| s.start) else {
                return;
            };
            let Some(key) = table
                .iter()
                .find(|(k, v)| k.span().contains(&at) || v.span().contains(&at))
                .map(|(k, _)| k.clone())
            else {
                return;
            };
            table.remove(&key);
            removed.push(key.get_ref().to_string());
            let retry = Spanned::new(span.clone(), DeValue::Table(table.clone()));
            match R::deserialize(ValueDeserializer::from(retry)) {
                Ok(_) => return,
                Err(e) => error = e,
            }
        }
    }
}

/// A data-file row with the common validity fields.
pub(crate) trait DatedRow: for<'de> Deserialize<'de> {
    /// The value kept in memory.
    type Value;
    /// Checks the row's own fields and turns it into a raw dated value.
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>>;
}

/// The common fields, as each row struct declares them.
pub(crate) struct Validity {
    pub(crate) effective_from: NaiveDate,
    pub(crate) effective_to: Option<NaiveDate>,
    pub(crate) source: String,
}

impl Validity {
    /// Builds the raw row, checking that the source is not blank.
    pub(crate) fn wrap<T>(
        self,
        at: Location,
        value: T,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<T>> {
        if self.source.trim().is_empty() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                "source is empty: cite the url or legal reference the row comes from".to_owned(),
            ));
            return None;
        }
        Some(RawDated {
            at,
            from: self.effective_from,
            to: self.effective_to,
            source: Arc::from(self.source),
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_indexed_line_col_agrees_with_the_scan() {
        let t = "ab\ncd\n\nxyz";
        let r = FileReader::new("t", t);
        for offset in 0..=t.len() {
            assert_eq!(r.line_col(offset), line_col(t, offset), "offset {offset}");
        }
    }

    #[test]
    fn line_and_column() {
        let t = "a\nbc\nd";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 2));
        assert_eq!(line_col(t, 5), (3, 1));
    }
}
