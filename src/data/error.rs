//! The data-loading error: every problem found in a load, each with its file, line and column.

use core::fmt;

/// What kind of problem a [`DataProblem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    Io,
    /// TOML syntax error.
    Syntax,
    /// A key the schema does not know (`deny_unknown_fields`).
    UnknownField,
    /// A required key is missing.
    MissingField,
    /// A bare TOML float (or number) where a quoted decimal string is required.
    BareFloat,
    /// A malformed decimal.
    BadDecimal,
    /// Any other malformed or out-of-range value (dates, integers, identifiers).
    BadValue,
    /// A country code that is not ISO 3166-1 alpha-2.
    UnknownCountry,
    /// A currency code that is not ISO 4217.
    UnknownCurrency,
    /// A negative rate or amount where only zero or more makes sense.
    NegativeRate,
    /// `effective_to` before `effective_from`.
    FromAfterTo,
    /// Two rows of one series overlap.
    Overlap,
    /// Two consecutive rows of one series leave days uncovered.
    Gap,
    /// Two rows of one series start on the same day.
    DuplicateStart,
    /// A `schema_version` this build does not read.
    UnsupportedSchema,
    /// A file's sha256 differs from the one in `MANIFEST.toml`.
    HashMismatch,
    /// A file listed in `MANIFEST.toml` is missing, or a data file is not listed.
    Manifest,
    /// A rule across fields of one row is broken (e.g. components that do not sum to the rate).
    Inconsistent,
}

/// One problem found while loading data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataProblem {
    /// The file name (as given to the loader, e.g. `vat.toml`).
    pub file: String,
    /// 1-based line, 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// The kind of problem.
    pub kind: ProblemKind,
    /// What is wrong and what to do, lower-case.
    pub message: String,
}

impl fmt::Display for DataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file, self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
        }
    }
}

/// Loading rate data failed. Holds every problem found, so one run shows them all; no table
/// is ever returned half-loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct DataError {
    /// Every problem, in file and line order.
    pub problems: Vec<DataProblem>,
}

impl DataError {
    /// True when some problem is of `kind`.
    pub fn has(&self, kind: ProblemKind) -> bool {
        self.problems.iter().any(|p| p.kind == kind)
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rate data has {} problem{}; fix them and load again",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}
