//! Effective-dated series: rows with a half-open validity [`Period`], no overlaps and no gaps,
//! and lookup by date (a date before the first period is an error, never the earliest rate).

use core::cmp::Ordering;
use core::fmt;
use std::hash::Hash;
use std::sync::Arc;

use chrono::{Days, NaiveDate};

use super::error::{DataProblem, ProblemKind};
use crate::error::Coverage;

/// A validity period: `from` inclusive, `until` exclusive (`None`: still in force).
///
/// Data files write the inclusive last day (`effective_to`) as laws are written; in memory the
/// period is half-open so that consecutive periods meet exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// First day in force.
    pub from: NaiveDate,
    /// First day no longer in force, if the row ends.
    pub until: Option<NaiveDate>,
}

impl Period {
    /// True when `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.from && self.until.is_none_or(|u| date < u)
    }

    /// True when the two periods share a day.
    pub fn overlaps(&self, other: &Self) -> bool {
        self.until.is_none_or(|u| other.from < u) && other.until.is_none_or(|u| self.from < u)
    }

    /// The inclusive last day, as written in the data files.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.until.and_then(|u| u.pred_opt())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.last_day() {
            Some(last) => write!(f, "{}..={last}", self.from),
            None => write!(f, "{}..", self.from),
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A row's value with its validity and source.
#[derive(Debug, Clone)]
pub(crate) struct Dated<T> {
    pub(crate) period: Period,
    pub(crate) source: Arc<str>,
    pub(crate) value: T,
}

/// A validated, sorted series without overlaps (contiguous unless built by
/// [`build_sparse_sorted`]).
#[derive(Debug, Clone)]
pub(crate) struct Series<T> {
    rows: Vec<Dated<T>>,
}

impl<T> Series<T> {
    /// The row in force on `date`, or the coverage of the series.
    pub(crate) fn at(&self, date: NaiveDate) -> Result<&Dated<T>, Coverage> {
        slice_at(&self.rows, date)
    }

    /// All rows, oldest first.
    pub(crate) fn rows(&self) -> &[Dated<T>] {
        &self.rows
    }
}

/// The row of a series (rows sorted by `from`, never overlapping) in force on `date`, or the
/// coverage of the series.
fn slice_at<T>(rows: &[Dated<T>], date: NaiveDate) -> Result<&Dated<T>, Coverage> {
    // The candidate is the last row starting on or before the date.
    let idx = rows.partition_point(|r| r.period.from <= date);
    idx.checked_sub(1)
        .and_then(|i| rows.get(i))
        .filter(|r| r.period.contains(date))
        .ok_or_else(|| Coverage {
            from: rows.first().map_or(NaiveDate::MIN, |r| r.period.from),
            until: rows.last().and_then(|r| r.period.until),
        })
}

/// [`row_at`] for a series given as its rows.
pub(crate) fn rows_at<'s, T>(
    series: Option<&'s [Dated<T>]>,
    table: &'static str,
    key: impl Fn() -> String,
    date: NaiveDate,
) -> Result<&'s Dated<T>, crate::error::Error> {
    let series = series.ok_or_else(|| crate::error::Error::UnknownSeries { table, key: key() })?;
    slice_at(series, date).map_err(|coverage| crate::error::Error::NoRateInForce {
        table,
        key: key(),
        date,
        coverage,
    })
}

/// The row of `series` in force on `date`: [`Error::UnknownSeries`] when there is no series,
/// [`Error::NoRateInForce`] (with the series' coverage) when the date is outside it. The one
/// lookup every table uses, so that every "missing rate" error reads the same.
pub(crate) fn row_at<'s, T>(
    series: Option<&'s Series<T>>,
    table: &'static str,
    key: impl Fn() -> String,
    date: NaiveDate,
) -> Result<&'s Dated<T>, crate::error::Error> {
    let series = series.ok_or_else(|| crate::error::Error::UnknownSeries { table, key: key() })?;
    series
        .at(date)
        .map_err(|coverage| crate::error::Error::NoRateInForce {
            table,
            key: key(),
            date,
            coverage,
        })
}

/// Where a row came from, for problem reports.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub(crate) file: Arc<str>,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Location {
    /// Where this location is, as seen from `here`: `line 12` in the same file, `vat.toml:12`
    /// in another (a series split over two files names both).
    pub(crate) fn place_from(&self, here: &Self) -> String {
        if self.file == here.file {
            format!("line {}", self.line)
        } else {
            format!("{}:{}", self.file, self.line)
        }
    }

    pub(crate) fn problem(&self, kind: ProblemKind, message: String) -> DataProblem {
        DataProblem {
            file: self.file.to_string(),
            line: self.line,
            column: self.column,
            kind,
            message,
        }
    }
}

/// A row as read, before series validation.
#[derive(Debug, Clone)]
pub(crate) struct RawDated<T> {
    pub(crate) at: Location,
    pub(crate) from: NaiveDate,
    /// Inclusive last day as written.
    pub(crate) to: Option<NaiveDate>,
    pub(crate) source: Arc<str>,
    pub(crate) value: T,
}

/// Series by key, hashed with the crate's fast hasher (keys are our own validated data).
pub(crate) type SeriesMap<K, T> = super::tariff::FastMap<K, Series<T>>;

/// Groups rows by key and checks each series: from ≤ to, no duplicate start, no overlap, no
/// gap, and only the last row open-ended. Every problem is pushed; series with problems are
/// left out of the result (the caller refuses the whole load when any problem exists).
pub(crate) fn build_series<K, T>(
    rows: Vec<RawDated<T>>,
    key_of: impl Fn(&T) -> K,
    describe: impl Fn(&K) -> String,
    problems: &mut Vec<DataProblem>,
) -> SeriesMap<K, T>
where
    K: Hash + Eq + Clone,
{
    build(rows, key_of, describe, Gaps::Refused, problems)
}

/// Whether a series may have gaps between its rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gaps {
    Refused,
    Allowed,
}

fn build<K, T>(
    rows: Vec<RawDated<T>>,
    key_of: impl Fn(&T) -> K,
    describe: impl Fn(&K) -> String,
    gaps: Gaps,
    problems: &mut Vec<DataProblem>,
) -> SeriesMap<K, T>
where
    K: Hash + Eq + Clone,
{
    // Grouped with the fast hasher: the keys are our own validated data (a large CSV table
    // has tens of thousands of rows; SipHash was a tenth of its load).
    let mut groups: super::tariff::FastMap<K, Vec<RawDated<T>>> = super::tariff::FastMap::default();
    for row in rows {
        groups.entry(key_of(&row.value)).or_default().push(row);
    }
    let mut out = SeriesMap::with_capacity_and_hasher(groups.len(), Default::default());
    for (key, mut rows) in groups {
        rows.sort_by_key(|r| r.from);
        if let Some(series) = check_series(rows, &|_| describe(&key), gaps, problems) {
            out.insert(key, series);
        }
    }
    out
}

/// Checks the rows of one series (sorted by date) and builds it; `None` when it has problems.
/// `name` names the series from its first row, only for a problem.
fn check_series<T>(
    rows: Vec<RawDated<T>>,
    name: &dyn Fn(&T) -> String,
    gaps: Gaps,
    problems: &mut Vec<DataProblem>,
) -> Option<Series<T>> {
    let before = problems.len();
    let mut built = Vec::with_capacity(rows.len());
    let mut prev: Option<(NaiveDate, Option<NaiveDate>, Location)> = None;
    for row in rows {
        let checked = Checked {
            from: row.from,
            to: row.to,
            at: &row.at,
        };
        let first = || name(built.first().map_or(&row.value, |d: &Dated<T>| &d.value));
        let until = check_row(checked, prev.as_ref(), &first, gaps, problems);
        prev = Some((row.from, until, row.at.clone()));
        built.push(Dated {
            period: Period {
                from: row.from,
                until,
            },
            source: row.source,
            value: row.value,
        });
    }
    (problems.len() == before).then_some(Series { rows: built })
}

/// As [`build_series`], but a gap between two rows is allowed: for measures that stop and
/// may start again (an additional duty, an exemption), where no row means no measure rather
/// than missing data. The rows are sorted by series (`order`, then
/// date) unless they are in order already (as a generated file is), and each run of one
/// series is checked and built, in that order. No map of vectors, no key per row. Rows of one
/// series and start date keep their file order (the sort is stable), so a duplicate start is
/// reported at the later row.
pub(crate) fn build_sparse_sorted<T>(
    mut rows: Vec<RawDated<T>>,
    order: impl Fn(&T, &T) -> Ordering,
    describe: impl Fn(&T) -> String,
    problems: &mut Vec<DataProblem>,
) -> Vec<Series<T>> {
    let by_date =
        |a: &RawDated<T>, b: &RawDated<T>| order(&a.value, &b.value).then(a.from.cmp(&b.from));
    if !rows.is_sorted_by(|a, b| by_date(a, b).is_le()) {
        rows.sort_by(by_date);
    }
    let mut out = Vec::new();
    let mut run: Vec<RawDated<T>> = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while let Some(row) = rows.next() {
        let ends = rows
            .peek()
            .is_none_or(|next| order(&row.value, &next.value).is_ne());
        run.push(row);
        if ends {
            let run = core::mem::take(&mut run);
            out.extend(check_series(run, &describe, Gaps::Allowed, problems));
        }
    }
    out
}

/// The dates and place of a row being checked.
#[derive(Clone, Copy)]
struct Checked<'r> {
    from: NaiveDate,
    to: Option<NaiveDate>,
    at: &'r Location,
}

/// A row of a large table as read (a CSV schedule): its value, dates and where it was read,
/// without a [`Location`] per row (the file is an index into the load's list of files).
#[derive(Debug)]
pub(crate) struct Pending<T> {
    pub(crate) from: NaiveDate,
    /// The inclusive last day as written; after [`build_sorted`] checks the row, the first
    /// day no longer in force.
    pub(crate) to: Option<NaiveDate>,
    pub(crate) line: u32,
    pub(crate) file: u16,
    pub(crate) source: Arc<str>,
    pub(crate) value: T,
}

impl<T> Pending<T> {
    /// A row read at `at` (the file at index `file` of the load's list).
    pub(crate) fn new(raw: RawDated<T>, file: u16) -> Self {
        Self {
            from: raw.from,
            to: raw.to,
            line: u32::try_from(raw.at.line).unwrap_or(u32::MAX),
            file,
            source: raw.source,
            value: raw.value,
        }
    }

    fn at(&self, files: &[Arc<str>]) -> Location {
        Location {
            file: files
                .get(usize::from(self.file))
                .map_or_else(|| Arc::from("?"), Arc::clone),
            line: usize::try_from(self.line).unwrap_or(usize::MAX),
            column: 1,
        }
    }
}

/// Checks a row against the previous row of its series (from, until, where): from ≤ to, no
/// duplicate start, no overlap, no gap. Returns the row's `until` (the day after its
/// `effective_to`). `name` names the series, and is only called for a problem.
fn check_row(
    row: Checked<'_>,
    prev: Option<&(NaiveDate, Option<NaiveDate>, Location)>,
    name: &dyn Fn() -> String,
    gaps: Gaps,
    problems: &mut Vec<DataProblem>,
) -> Option<NaiveDate> {
    let until = match row.to {
        Some(to) if to < row.from => {
            problems.push(row.at.problem(
                ProblemKind::FromAfterTo,
                format!(
                    "{}: effective_to {to} is before effective_from {}; fix the dates",
                    name(),
                    row.from
                ),
            ));
            None
        }
        Some(to) => match to.checked_add_days(Days::new(1)) {
            Some(u) => Some(u),
            None => {
                problems.push(row.at.problem(
                    ProblemKind::BadValue,
                    format!("{}: effective_to {to} is out of range", name()),
                ));
                None
            }
        },
        None => None,
    };
    if let Some((pfrom, puntil, pat)) = prev {
        if *pfrom == row.from {
            problems.push(row.at.problem(
                ProblemKind::DuplicateStart,
                format!(
                    "{}: a second row starts on {} (the first is at {}); keep one row per start date",
                    name(), row.from, pat.place_from(row.at)
                ),
            ));
        } else {
            match puntil {
                None => problems.push(row.at.problem(
                    ProblemKind::Overlap,
                    format!(
                        "{}: row from {} overlaps the open-ended row from {pfrom} at {}; give that row an effective_to of the day before",
                        name(), row.from, pat.place_from(row.at)
                    ),
                )),
                Some(pu) if *pu > row.from => problems.push(row.at.problem(
                    ProblemKind::Overlap,
                    format!(
                        "{}: row from {} overlaps the row at {} that runs to {}; end that row the day before",
                        name(),
                        row.from,
                        pat.place_from(row.at),
                        pu.pred_opt().unwrap_or(*pu)
                    ),
                )),
                Some(pu) if *pu < row.from && gaps == Gaps::Refused => problems.push(row.at.problem(
                    ProblemKind::Gap,
                    format!(
                        "{}: gap from {pu} to {} before this row (the row at {} ends {}); add a row for the gap or move a date",
                        name(),
                        row.from.pred_opt().unwrap_or(row.from),
                        pat.place_from(row.at),
                        pu.pred_opt().unwrap_or(*pu)
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    until
}

/// Checks series as [`build_series`] does, for a large table: the rows are sorted in place
/// by key and date (when they are not in order already, as an imported schedule is) and
/// returned as one vector in which each series is contiguous (no map of vectors, no second
/// copy of the rows). The caller refuses the whole load when any problem exists.
pub(crate) fn build_sorted<K: Ord, T>(
    mut rows: Vec<Pending<T>>,
    files: &[Arc<str>],
    key_of: impl Fn(&T) -> K,
    describe: impl Fn(&T) -> String,
    problems: &mut Vec<DataProblem>,
) -> Vec<Dated<T>> {
    let order = |a: &Pending<T>, b: &Pending<T>| {
        key_of(&a.value)
            .cmp(&key_of(&b.value))
            .then(a.from.cmp(&b.from))
            .then((a.file, a.line).cmp(&(b.file, b.line)))
    };
    // An imported schedule is written in order: checking costs a pass, sorting much more.
    if !rows.is_sorted_by(|a, b| order(a, b).is_le()) {
        rows.sort_unstable_by(order);
    }
    let mut prev: Option<(NaiveDate, Option<NaiveDate>, Location)> = None;
    let mut prev_key: Option<K> = None;
    for row in &mut rows {
        let key = key_of(&row.value);
        if prev_key.as_ref() != Some(&key) {
            prev = None;
        }
        let at = row.at(files);
        let checked = Checked {
            from: row.from,
            to: row.to,
            at: &at,
        };
        let until = check_row(
            checked,
            prev.as_ref(),
            &|| describe(&row.value),
            Gaps::Refused,
            problems,
        );
        prev = Some((row.from, until, at));
        prev_key = Some(key);
        row.to = until;
    }
    // Converted in place (a `Pending` is a little larger than a `Dated`).
    let mut out: Vec<Dated<T>> = rows
        .into_iter()
        .map(|r| Dated {
            period: Period {
                from: r.from,
                until: r.to,
            },
            source: r.source,
            value: r.value,
        })
        .collect();
    out.shrink_to_fit();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn raw(line: usize, from: &str, to: Option<&str>, v: u32) -> RawDated<u32> {
        RawDated {
            at: Location {
                file: Arc::from("t.toml"),
                line,
                column: 1,
            },
            from: date(from),
            to: to.map(date),
            source: Arc::from("s"),
            value: v,
        }
    }

    #[test]
    fn lookup_is_half_open_and_refuses_dates_before_the_first_row() {
        let mut problems = vec![];
        let series = build_series(
            vec![
                raw(1, "2020-01-01", Some("2020-06-30"), 1),
                raw(2, "2020-07-01", None, 2),
            ],
            |_| 0,
            |_| "k".into(),
            &mut problems,
        );
        assert!(problems.is_empty());
        let s = &series[&0];
        assert_eq!(s.at(date("2020-06-30")).unwrap().value, 1);
        assert_eq!(s.at(date("2020-07-01")).unwrap().value, 2);
        assert_eq!(s.at(date("2099-01-01")).unwrap().value, 2);
        let cov = s.at(date("2019-12-31")).unwrap_err();
        assert_eq!(cov.from, date("2020-01-01"));
    }

    #[test]
    fn problems_are_all_reported() {
        let mut problems = vec![];
        let series = build_series(
            vec![
                raw(1, "2020-01-01", Some("2020-06-30"), 1),
                raw(2, "2020-06-01", Some("2020-12-31"), 2), // overlap
                raw(3, "2021-02-01", Some("2021-01-01"), 3), // from > to, and gap
                raw(4, "2021-02-01", None, 4),               // duplicate start
            ],
            |_| 0,
            |_| "k".into(),
            &mut problems,
        );
        let kinds: Vec<_> = problems.iter().map(|p| p.kind).collect();
        assert!(kinds.contains(&ProblemKind::Overlap));
        assert!(kinds.contains(&ProblemKind::FromAfterTo));
        assert!(kinds.contains(&ProblemKind::Gap));
        assert!(kinds.contains(&ProblemKind::DuplicateStart));
        assert!(series.is_empty());
    }
}
