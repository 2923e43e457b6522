//! The compact CSV format for large tables (full tariff schedules), read record by record.
//!
//! # Format (`landed-csv`, schema 1)
//! - UTF-8 text with RFC 4180 quoting: a field that holds a comma, a quote or a line break is
//!   written in double quotes, and a quote inside it is doubled (`"18"" rule"`). Quoting is
//!   checked strictly: a quote inside an unquoted field, or text after a closing quote, is a
//!   problem (not read as best it can).
//! - The first line is exactly `# landed-csv section=<section> territory=<T> schema=1`, e.g.
//!   `# landed-csv section=tariff territory=US schema=1`. It names the one section the file
//!   holds and the one territory of its rows: a row whose `territory` differs is a problem.
//! - Other lines starting with `#` are comments: the file explains itself there (publisher,
//!   editions, licence, the command that regenerates it).
//! - A comment line `# cite @name: text` defines a citation: a `source` cell `@name` (in a
//!   later row) stands for `text`, so a table of thousands of rows citing a few notices
//!   writes each citation once. A name defined twice, or used and never defined above, is
//!   a problem.
//! - Then a header row of field names: the same names as the TOML rows of the section (for
//!   `tariff`: `territory`, `hs`, `description`, `rate_percent`, …, `effective_from`,
//!   `effective_to`, `source`), in any order. An unknown name is a problem.
//! - Then one row per record. An empty cell means the field is absent. A list-valued field
//!   (`see`, `origins`, `exclude_hs`) is written space-separated in one cell
//!   (`9903.88.03 9903.88.15`). Decimals and dates are text, validated exactly as in TOML;
//!   a bare float cannot be written.
//!
//! Sections: `tariff`, `additional_duty` and `duty_exemption`, read by the same row structs as TOML, so both
//! formats validate identically (`deny_unknown_fields` included). Every problem is collected
//! with `file:line:column`, every bad cell of a bad row included. (A valid row is built from
//! its cells directly, with the same parsers, see `fast_rows`; any other row goes through
//! serde, which reports its problems. The format is the same either way.)
//!
//! A dataset lists its `.csv` files in `MANIFEST.toml` with their sha256 like its `.toml`
//! files. A territory's CSV files are parsed on first use (see [`super::RateTables`]).

use core::fmt;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::io::BufRead;
use std::sync::Arc;

use serde::de::{self, IntoDeserializer as _, Visitor};

use super::additional::{AdditionalDuty, AdditionalDutyRow, DutyExemption, DutyExemptionRow};
use super::error::{DataProblem, ProblemKind};
use super::fast_rows::{FastRow, Shared};
use super::load::{DatedRow, classify};
use super::series::{Location, Pending, RawDated};
use super::tariff::{FastHasher, FastMap, TariffRate, TariffRow};
use crate::codes::{HsCode, Territory};

/// The start of a `landed-csv` file's first line.
pub(crate) const MAGIC: &str = "# landed-csv";

/// The schema version of the CSV format this build reads.
pub(crate) const CSV_SCHEMA: u32 = 1;

/// The sections a CSV file may hold.
pub(crate) const CSV_SECTIONS: &[&str] = &["tariff", "additional_duty", "duty_exemption"];

/// The first line of a CSV data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Directive {
    /// One of [`CSV_SECTIONS`].
    pub(crate) section: &'static str,
    /// The territory of every row.
    pub(crate) territory: Territory,
}

/// Reads the first line: `# landed-csv section=<section> territory=<T> schema=1`.
pub(crate) fn directive(file: &str, first_line: &str) -> Result<Directive, DataProblem> {
    let line = first_line.trim_end_matches(['\n', '\r']);
    let problem = |kind, message: String| DataProblem {
        file: file.to_owned(),
        line: 1,
        column: 1,
        kind,
        message,
    };
    let usage = "start the file with `# landed-csv section=tariff territory=US schema=1`";
    let Some(rest) = line.strip_prefix(MAGIC) else {
        return Err(problem(
            ProblemKind::Syntax,
            format!("not a landed-csv file: {usage}"),
        ));
    };
    let (mut section, mut territory, mut schema) = (None, None, None);
    for part in rest.split(' ').filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some(("section", s)) => section = Some(s),
            Some(("territory", t)) => territory = Some(t),
            Some(("schema", v)) => schema = Some(v),
            _ => {
                return Err(problem(
                    ProblemKind::Syntax,
                    format!("unexpected `{part}` in the first line; {usage}"),
                ));
            }
        }
    }
    let (Some(section), Some(territory), Some(schema)) = (section, territory, schema) else {
        return Err(problem(
            ProblemKind::MissingField,
            format!("the first line needs section, territory and schema; {usage}"),
        ));
    };
    if schema.parse::<u32>().ok() != Some(CSV_SCHEMA) {
        return Err(problem(
            ProblemKind::UnsupportedSchema,
            format!(
                "schema={schema} is not supported by this build (it reads schema={CSV_SCHEMA})"
            ),
        ));
    }
    let Some(section) = CSV_SECTIONS.iter().copied().find(|s| *s == section) else {
        return Err(problem(
            ProblemKind::UnknownField,
            format!(
                "unknown section `{section}`; a csv file holds one of {}",
                CSV_SECTIONS.join(", ")
            ),
        ));
    };
    let territory = territory.parse().map_err(|e| {
        problem(
            ProblemKind::BadValue,
            format!("territory {territory:?} in the first line: {e}"),
        )
    })?;
    Ok(Directive { section, territory })
}

/// Rows read from CSV files, before series validation.
#[derive(Debug, Default)]
pub(crate) struct CsvRows {
    /// The files read, in order (a tariff row names its file by index).
    pub(crate) files: Vec<Arc<str>>,
    pub(crate) tariffs: Vec<Pending<TariffRate>>,
    pub(crate) additional: Vec<RawDated<AdditionalDuty>>,
    pub(crate) exemptions: Vec<RawDated<DutyExemption>>,
}

type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;

/// One `Arc` per distinct source text or `see` list of a load: the rows of a schedule share
/// a handful of sources. (A cited source is shared already: one `Arc` per citation.)
#[derive(Default)]
struct Interner {
    /// The last source seen (rows citing one notice follow each other).
    last: Option<Arc<str>>,
    sources: FastSet<Arc<str>>,
    see: FastSet<Arc<[HsCode]>>,
}

impl Interner {
    fn source(&mut self, s: Arc<str>) -> Arc<str> {
        if let Some(last) = &self.last
            && **last == *s
        {
            return Arc::clone(last);
        }
        let shared = match self.sources.get(&*s) {
            Some(shared) => Arc::clone(shared),
            None => {
                self.sources.insert(Arc::clone(&s));
                s
            }
        };
        self.last = Some(Arc::clone(&shared));
        shared
    }

    fn see(&mut self, s: Arc<[HsCode]>) -> Arc<[HsCode]> {
        if let Some(shared) = self.see.get(&*s) {
            return Arc::clone(shared);
        }
        self.see.insert(Arc::clone(&s));
        s
    }
}

/// Reads one CSV data file into `rows`, recording every problem with its line and column.
/// `input` is read line by line; the whole document is never held.
pub(crate) fn read(
    name: &str,
    input: impl BufRead,
    rows: &mut CsvRows,
    problems: &mut Vec<DataProblem>,
) {
    read_with(name, input, rows, problems, RowPath::Fast);
}

/// How records become row structs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RowPath {
    /// [`FastRow::from_cells`], and serde for a row it does not accept.
    Fast,
    /// Serde only (the tests compare both paths).
    #[cfg_attr(not(test), allow(dead_code))]
    Serde,
}

fn read_with(
    name: &str,
    input: impl BufRead,
    rows: &mut CsvRows,
    problems: &mut Vec<DataProblem>,
    path: RowPath,
) {
    let mut lines = Lines {
        input,
        file: Arc::from(name),
        line: 0,
        buf: String::new(),
        cites: FastMap::default(),
    };
    let Ok(file) = u16::try_from(rows.files.len()) else {
        problems.push(lines.location(0, 0).problem(
            ProblemKind::Io,
            "more than 65,535 csv files in one territory; merge them".to_owned(),
        ));
        return;
    };
    rows.files.push(Arc::clone(&lines.file));
    let first = match lines.next_line() {
        Ok(true) => lines.buf.clone(),
        Ok(false) => String::new(),
        Err(p) => {
            problems.push(p);
            return;
        }
    };
    let directive = match directive(name, &first) {
        Ok(d) => d,
        Err(p) => {
            problems.push(p);
            return;
        }
    };
    let mut interner = Interner::default();
    // Adding a section: one arm here, one name in `CSV_SECTIONS` and a list in `CsvRows`.
    match directive.section {
        "tariff" => records::<TariffRow>(
            &mut lines,
            (&directive, path),
            problems,
            |v| v.territory,
            |mut raw| {
                raw.value.see = interner.see(Arc::clone(&raw.value.see));
                rows.tariffs.push(Pending::new(raw, file));
            },
        ),
        "additional_duty" => records::<AdditionalDutyRow>(
            &mut lines,
            (&directive, path),
            problems,
            |v| v.territory,
            |raw| rows.additional.push(raw),
        ),
        "duty_exemption" => records::<DutyExemptionRow>(
            &mut lines,
            (&directive, path),
            problems,
            |v| v.territory,
            |raw| rows.exemptions.push(raw),
        ),
        other => problems.push(DataProblem {
            file: name.to_owned(),
            line: 1,
            column: 1,
            kind: ProblemKind::UnknownField,
            message: format!("section `{other}` cannot be read from csv yet"),
        }),
    }
}

/// The physical lines of a file, counted.
struct Lines<R> {
    input: R,
    file: Arc<str>,
    /// 1-based number of the line in `buf`.
    line: usize,
    buf: String,
    /// The citations defined so far (`# cite @name: text`).
    cites: FastMap<String, Arc<str>>,
}

impl<R: BufRead> Lines<R> {
    /// Reads the next line into `buf` (with its line break); `false` at the end.
    fn next_line(&mut self) -> Result<bool, DataProblem> {
        self.buf.clear();
        self.line = self.line.saturating_add(1);
        match self.input.read_line(&mut self.buf) {
            Ok(0) => Ok(false),
            Ok(_) => Ok(true),
            Err(e) => Err(DataProblem {
                file: self.file.to_string(),
                line: self.line,
                column: 0,
                kind: ProblemKind::Io,
                message: if e.kind() == std::io::ErrorKind::InvalidData {
                    "line is not utf-8 text; save the file as utf-8".to_owned()
                } else {
                    format!("cannot read: {e}")
                },
            }),
        }
    }

    fn location(&self, line: usize, column: usize) -> Location {
        Location {
            file: Arc::clone(&self.file),
            line,
            column,
        }
    }
}

/// One record: its cells (unquoted), each with its 1-based column, and its first line.
#[derive(Default)]
struct Record {
    text: String,
    /// (start, end) in `text`, and the column of the cell in its line.
    cells: Vec<(usize, usize, usize)>,
    line: usize,
}

impl Record {
    fn cell(&self, i: usize) -> &str {
        self.cells
            .get(i)
            .and_then(|(s, e, _)| self.text.get(*s..*e))
            .unwrap_or("")
    }

    fn column(&self, i: usize) -> usize {
        self.cells.get(i).map_or(1, |c| c.2)
    }
}

/// Records a citation `name: text` of a `# cite @name: text` line.
fn define_cite<R: BufRead>(lines: &mut Lines<R>, cite: &str) -> Result<(), DataProblem> {
    let Some((name, text)) = cite.split_once(':') else {
        return Err(lines.location(lines.line, 1).problem(
            ProblemKind::Syntax,
            "a citation reads `# cite @name: text`".to_owned(),
        ));
    };
    let (name, text) = (name.trim(), text.trim());
    if name.is_empty() || text.is_empty() || name.contains(char::is_whitespace) {
        return Err(lines.location(lines.line, 1).problem(
            ProblemKind::Syntax,
            "a citation reads `# cite @name: text`, with a one-word name and a text".to_owned(),
        ));
    }
    if lines.cites.contains_key(name) {
        return Err(lines.location(lines.line, 1).problem(
            ProblemKind::DuplicateStart,
            format!("citation @{name} is defined twice; keep one"),
        ));
    }
    lines.cites.insert(name.to_owned(), Arc::from(text));
    Ok(())
}

/// The cells of a line without quotes: the text between commas, each with its column.
fn split_plain(line: &str, cells: &mut Vec<(usize, usize, usize)>) {
    let ascii = line.is_ascii();
    let column = |start: usize| {
        let chars = if ascii {
            start
        } else {
            line.get(..start).map_or(0, |s| s.chars().count())
        };
        chars.saturating_add(1)
    };
    let mut start = 0usize;
    for (i, b) in line.bytes().enumerate() {
        if b == b',' {
            cells.push((start, i, column(start)));
            start = i.saturating_add(1);
        }
    }
    cells.push((start, line.len(), column(start)));
}

/// Reads the next record (RFC 4180, strict), skipping comment and blank lines. `Ok(false)`
/// at the end of the file; a problem for bad quoting (the rest of the record is skipped).
fn next_record<R: BufRead>(lines: &mut Lines<R>, rec: &mut Record) -> Result<bool, DataProblem> {
    loop {
        if !lines.next_line()? {
            return Ok(false);
        }
        let t = lines.buf.trim_end_matches(['\n', '\r']);
        if let Some(cite) = t.strip_prefix("# cite @") {
            let cite = cite.to_owned();
            define_cite(lines, &cite)?;
            continue;
        }
        if !(t.is_empty() || t.starts_with('#')) {
            break;
        }
    }
    rec.text.clear();
    rec.cells.clear();
    rec.line = lines.line;
    // Most records have no quote: their cells are the text between commas.
    let line = lines.buf.trim_end_matches(['\n', '\r']);
    if !line.as_bytes().contains(&b'"') {
        let len = line.len();
        split_plain(line, &mut rec.cells);
        // The line becomes the record's text (the buffers are swapped, not copied).
        core::mem::swap(&mut rec.text, &mut lines.buf);
        rec.text.truncate(len);
        return Ok(true);
    }
    let bad = |lines: &Lines<R>, column: usize, message: &str| DataProblem {
        file: lines.file.to_string(),
        line: lines.line,
        column,
        kind: ProblemKind::Syntax,
        message: message.to_owned(),
    };
    // States: at the start of a cell, in an unquoted cell, in a quoted cell, just after a
    // quote inside a quoted cell (a doubled quote or the closing one).
    #[derive(PartialEq)]
    enum S {
        Start,
        Plain,
        Quoted,
        QuoteSeen,
    }
    let mut state = S::Start;
    let mut start = 0usize;
    let mut column = 1usize;
    loop {
        // Runs of ordinary text are copied whole; the special characters are ASCII, so every
        // slice boundary below is a character boundary.
        let buf = lines.buf.as_str();
        let bytes = buf.as_bytes();
        let ascii = buf.is_ascii();
        let col_of = |i: usize| {
            let chars = if ascii {
                i
            } else {
                buf.get(..i).map_or(0, |s| s.chars().count())
            };
            chars.saturating_add(1)
        };
        let ends_line = |i: usize| match bytes.get(i) {
            None | Some(b'\n') => true,
            Some(b'\r') => matches!(bytes.get(i.saturating_add(1)), None | Some(b'\n')),
            _ => false,
        };
        let mut i = 0usize;
        while i < bytes.len() {
            let rest = buf.get(i..).unwrap_or("");
            match state {
                S::Start | S::Plain => {
                    // A byte search: the four are ASCII, so `j` is a character boundary.
                    let j = rest
                        .bytes()
                        .position(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
                        .map_or(bytes.len(), |k| i.saturating_add(k));
                    if j > i {
                        rec.text.push_str(buf.get(i..j).unwrap_or(""));
                        state = S::Plain;
                    }
                    match bytes.get(j) {
                        None => break,
                        Some(b',') => {
                            rec.cells.push((start, rec.text.len(), column));
                            start = rec.text.len();
                            column = col_of(j.saturating_add(1));
                            state = S::Start;
                        }
                        Some(b'"') if state == S::Start => state = S::Quoted,
                        Some(b'"') => {
                            return Err(bad(
                                lines,
                                col_of(j),
                                "a quote inside an unquoted cell; quote the whole cell and double the quote (\"a \"\"b\"\"\")",
                            ));
                        }
                        Some(_) if ends_line(j) => {
                            rec.cells.push((start, rec.text.len(), column));
                            return Ok(true);
                        }
                        Some(_) => {
                            // A carriage return inside an unquoted cell.
                            rec.text.push('\r');
                            state = S::Plain;
                        }
                    }
                    i = j.saturating_add(1);
                }
                S::Quoted => match rest.find('"') {
                    Some(k) => {
                        rec.text.push_str(rest.get(..k).unwrap_or(""));
                        state = S::QuoteSeen;
                        i = i.saturating_add(k).saturating_add(1);
                    }
                    None => {
                        // The line break inside the quotes is part of the cell.
                        rec.text.push_str(rest);
                        i = bytes.len();
                    }
                },
                S::QuoteSeen => {
                    match bytes.get(i) {
                        Some(b'"') => {
                            rec.text.push('"');
                            state = S::Quoted;
                        }
                        Some(b',') => {
                            rec.cells.push((start, rec.text.len(), column));
                            start = rec.text.len();
                            column = col_of(i.saturating_add(1));
                            state = S::Start;
                        }
                        _ if ends_line(i) => {
                            rec.cells.push((start, rec.text.len(), column));
                            return Ok(true);
                        }
                        _ => {
                            return Err(bad(
                                lines,
                                col_of(i),
                                "text after a closing quote; end the cell with the quote, or double a quote inside it",
                            ));
                        }
                    }
                    i = i.saturating_add(1);
                }
            }
        }
        // The line ended without a line break (the last line of the file), or inside quotes.
        match state {
            S::Start | S::Plain | S::QuoteSeen => {
                rec.cells.push((start, rec.text.len(), column));
                return Ok(true);
            }
            S::Quoted => {
                let opened = rec.line;
                if !lines.next_line()? {
                    return Err(DataProblem {
                        file: lines.file.to_string(),
                        line: opened,
                        column,
                        kind: ProblemKind::Syntax,
                        message: "a quoted cell is not closed before the end of the file; close it with a quote".to_owned(),
                    });
                }
                // The cell keeps the line and column where it started.
            }
        }
    }
}

/// Reads the header and every record of a section as rows `R`, each turned into a raw
/// dated value, its territory (`territory_of`) checked against the file's, and handed to
/// `keep`.
fn records<R: FastRow>(
    lines: &mut Lines<impl BufRead>,
    (directive, path): (&Directive, RowPath),
    problems: &mut Vec<DataProblem>,
    territory_of: fn(&R::Value) -> Territory,
    mut keep: impl FnMut(RawDated<R::Value>),
) {
    let mut rec = Record::default();
    let header = loop {
        match next_record(lines, &mut rec) {
            Ok(true) => break rec.cells.clone(),
            Ok(false) => {
                problems.push(lines.location(lines.line, 0).problem(
                    ProblemKind::MissingField,
                    "no header row; give the field names after the comment lines".to_owned(),
                ));
                return;
            }
            Err(p) => problems.push(p),
        }
    };
    // The row struct's field names, from a dry run of its deserializer.
    let known = field_names::<R>();
    let header_problems = problems.len();
    let mut names: Vec<Option<&'static str>> = Vec::with_capacity(header.len());
    for (i, _) in header.iter().enumerate() {
        let name = rec.cell(i);
        let column = rec.column(i);
        let found = known.iter().copied().find(|k| *k == name);
        if found.is_none() {
            problems.push(lines.location(rec.line, column).problem(
                ProblemKind::UnknownField,
                format!(
                    "unknown column `{name}`; expected one of {}",
                    known.join(", ")
                ),
            ));
        } else if names.contains(&found) {
            problems.push(lines.location(rec.line, column).problem(
                ProblemKind::Syntax,
                format!("column `{name}` is given twice; keep one"),
            ));
        }
        names.push(found);
    }
    let mut skip = vec![false; names.len()];
    // The fast path reads a row only when its header is sound.
    let fast = (path == RowPath::Fast && problems.len() == header_problems)
        .then(|| FastColumns::new::<R>(&names));
    let mut interner = Interner::default();
    let mut shared = Shared::default();
    loop {
        match next_record(lines, &mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(p) => {
                problems.push(p);
                continue;
            }
        }
        if rec.cells.len() != names.len() {
            problems.push(lines.location(rec.line, 1).problem(
                ProblemKind::Syntax,
                format!(
                    "{} cells but the header has {}; give one cell per column (an empty cell for an absent field)",
                    rec.cells.len(),
                    names.len()
                ),
            ));
            continue;
        }
        let fast_row = fast.as_ref().and_then(|f| f.row::<R>(&rec, &mut shared));
        let Some(row) = fast_row.or_else(|| {
            skip.iter_mut().for_each(|s| *s = false);
            deserialize_every_problem::<R>(lines, &rec, &names, &mut skip, problems)
        }) else {
            continue;
        };
        let at = lines.location(rec.line, 1);
        let Some(mut raw) = row.into_raw_with(at.clone(), problems, &mut shared) else {
            continue;
        };
        if let Some(name) = raw.source.strip_prefix('@') {
            let Some(text) = lines.cites.get(name) else {
                let column = names
                    .iter()
                    .position(|n| *n == Some("source"))
                    .map_or(1, |i| rec.column(i));
                problems.push(lines.location(rec.line, column).problem(
                    ProblemKind::MissingField,
                    format!("citation @{name} is not defined; add a line `# cite @{name}: text` above the header"),
                ));
                continue;
            };
            raw.source = Arc::clone(text);
        } else {
            raw.source = interner.source(raw.source);
        }
        let territory = territory_of(&raw.value);
        if territory != directive.territory {
            problems.push(at.problem(
                ProblemKind::Inconsistent,
                format!(
                    "territory {territory} differs from territory={} in the first line; a csv file holds one territory",
                    directive.territory
                ),
            ));
            continue;
        }
        keep(raw);
    }
}

/// The column of each field of a [`FastRow`] (`None`: not in the header, so absent).
struct FastColumns(Vec<Option<usize>>);

/// The most fields a [`FastRow`] may have (the cells are gathered on the stack).
const FAST_FIELDS: usize = 24;

impl FastColumns {
    fn new<R: FastRow>(names: &[Option<&'static str>]) -> Self {
        Self(
            R::FIELDS
                .iter()
                .map(|f| names.iter().position(|n| *n == Some(*f)))
                .collect(),
        )
    }

    /// The row through the fast path, or `None` (then serde reads it and reports).
    fn row<R: FastRow>(&self, rec: &Record, shared: &mut Shared) -> Option<R> {
        let mut cells = [""; FAST_FIELDS];
        let cells = cells.get_mut(..self.0.len())?;
        for (cell, column) in cells.iter_mut().zip(&self.0) {
            if let Some(i) = column {
                *cell = rec.cell(*i);
            }
        }
        R::from_cells(cells, shared)
    }
}

/// Deserializes a record; on failure records every bad cell (the cell at fault is taken out
/// and the record tried again, as the TOML reader does) and returns `None`.
fn deserialize_every_problem<R: DatedRow>(
    lines: &Lines<impl BufRead>,
    rec: &Record,
    names: &[Option<&'static str>],
    skip: &mut [bool],
    problems: &mut Vec<DataProblem>,
) -> Option<R> {
    let mut failed = false;
    for _ in 0..=names.len() {
        let current = core::cell::Cell::new(None);
        let de = RecordDe {
            rec,
            names,
            skip,
            next: 0,
            current: &current,
        };
        match R::deserialize(de) {
            Ok(row) if !failed => return Some(row),
            Ok(_) => return None,
            Err(e) => {
                failed = true;
                let message = e.0;
                let at = current.get();
                let blames_removed = message.starts_with("missing field")
                    && names
                        .iter()
                        .zip(skip.iter())
                        .any(|(n, s)| *s && n.is_some_and(|n| message.contains(&format!("`{n}`"))));
                if !blames_removed {
                    let column = at.map_or(1, |i| rec.column(i));
                    let kind = classify(&message);
                    let message = match at.and_then(|i| names.get(i).copied().flatten()) {
                        Some(field) if !message.contains(&format!("`{field}`")) => {
                            format!("{field}: {message}")
                        }
                        _ => message,
                    };
                    problems.push(lines.location(rec.line, column).problem(kind, message));
                }
                match at.and_then(|i| skip.get_mut(i)) {
                    Some(s) if !*s => *s = true,
                    _ => return None,
                }
            }
        }
    }
    None
}

/// The field names a row struct reads, from a dry run of its `Deserialize` impl.
fn field_names<R: for<'de> serde::Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe(Option<&'static [&'static str]>);
    impl<'de> serde::Deserializer<'de> for &mut Probe {
        type Error = CellError;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, CellError> {
            Err(de::Error::custom("probe"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, CellError> {
            self.0 = Some(fields);
            Err(de::Error::custom("probe"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut probe = Probe(None);
    let _ = R::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

/// A deserialization error: its message.
#[derive(Debug)]
struct CellError(String);

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CellError {}

impl de::Error for CellError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// A record as a map of its non-empty cells.
struct RecordDe<'r> {
    rec: &'r Record,
    names: &'r [Option<&'static str>],
    skip: &'r [bool],
    next: usize,
    /// The cell being read, for the location of an error.
    current: &'r core::cell::Cell<Option<usize>>,
}

impl<'de> serde::Deserializer<'de> for RecordDe<'_> {
    type Error = CellError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_map(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> de::MapAccess<'de> for RecordDe<'_> {
    type Error = CellError;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, CellError> {
        while let Some(name) = self.names.get(self.next).copied() {
            let i = self.next;
            self.next = self.next.saturating_add(1);
            let skipped = self.skip.get(i).copied().unwrap_or(true);
            if let Some(name) = name
                && !skipped
                && !self.rec.cell(i).is_empty()
            {
                self.current.set(Some(i));
                return seed.deserialize(name.into_deserializer()).map(Some);
            }
        }
        self.current.set(None);
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, CellError> {
        let i = self.next.saturating_sub(1);
        seed.deserialize(Cell(self.rec.cell(i)))
    }
}

/// One cell's text. Everything is text: a decimal or date field reads it with its own strict
/// parser; a list field splits it at spaces; `true`/`false` for a flag.
struct Cell<'c>(&'c str);

impl<'de> de::IntoDeserializer<'de, CellError> for Cell<'_> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parse_int {
    ($($m:ident $t:ty => $v:ident),*) => {$(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
            match self.0.parse::<$t>() {
                Ok(n) => visitor.$v(n),
                Err(_) => Err(de::Error::custom(format_args!(
                    "invalid integer {:?}; write digits only", self.0
                ))),
            }
        }
    )*};
}

impl<'de> serde::Deserializer<'de> for Cell<'_> {
    type Error = CellError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_str(self.0)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        // An empty cell is never handed over: a present cell is `Some`.
        visitor.visit_some(self)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(de::Error::custom(format_args!(
                "invalid flag {other:?}; write true or false"
            ))),
        }
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_seq(de::value::SeqDeserializer::new(
            self.0.split_ascii_whitespace().map(Cell),
        ))
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_enum(de::value::StrDeserializer::<CellError>::new(self.0))
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_newtype_struct(self)
    }
    parse_int!(deserialize_u8 u8 => visit_u8, deserialize_u16 u16 => visit_u16,
        deserialize_u32 u32 => visit_u32, deserialize_u64 u64 => visit_u64,
        deserialize_i32 i32 => visit_i32, deserialize_i64 i64 => visit_i64);
    serde::forward_to_deserialize_any! {
        i8 i16 i128 u128 f32 f64 char str string bytes byte_buf unit unit_struct tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> (CsvRows, Vec<DataProblem>) {
        let mut rows = CsvRows::default();
        let mut problems = Vec::new();
        read("t.csv", text.as_bytes(), &mut rows, &mut problems);
        (rows, problems)
    }

    const HEAD: &str = "# landed-csv section=tariff territory=US schema=1\n# a comment\n\
        territory,hs,description,rate_percent,see,effective_from,effective_to,source\n";

    #[test]
    fn reads_quoted_cells_lists_and_comments() {
        let text = format!(
            "{HEAD}US,61091000,\"T-shirts, \"\"of cotton\"\"\",16.5,9903.88.15 9903.88.03,2025-01-01,,usitc\n\
             # between rows\n\
             US,61099010,\"two\nlines\",32,,2025-01-01,2025-12-31,usitc\r\n"
        );
        let (rows, problems) = read_str(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.tariffs.len(), 2);
        let t = &rows.tariffs[0];
        assert_eq!(&*t.value.description, "T-shirts, \"of cotton\"");
        assert_eq!(t.value.see.len(), 2);
        assert_eq!(t.line, 4);
        assert_eq!(&*rows.tariffs[1].value.description, "two\nlines");
        assert!(Arc::ptr_eq(
            &rows.tariffs[0].source,
            &rows.tariffs[1].source
        ));
    }

    #[test]
    fn the_fast_rows_read_the_fields_serde_reads() {
        assert_eq!(TariffRow::FIELDS, field_names::<TariffRow>());
        assert_eq!(
            AdditionalDutyRow::FIELDS,
            field_names::<AdditionalDutyRow>()
        );
        assert_eq!(DutyExemptionRow::FIELDS, field_names::<DutyExemptionRow>());
    }

    #[test]
    fn the_fast_path_reads_every_embedded_file_as_serde_does() {
        for (name, text) in crate::data::EMBEDDED_CSV {
            let read = |path| {
                let (mut rows, mut problems) = (CsvRows::default(), Vec::new());
                read_with(name, text.as_bytes(), &mut rows, &mut problems, path);
                assert!(problems.is_empty(), "{name}: {problems:?}");
                let n = rows.tariffs.len() + rows.additional.len() + rows.exemptions.len();
                assert!(n > 1000, "{name}");
                format!("{:?}", (rows.tariffs, rows.additional, rows.exemptions))
            };
            assert!(read(RowPath::Fast) == read(RowPath::Serde), "{name}");
        }
    }

    #[test]
    fn a_row_the_fast_path_refuses_is_reported_by_serde() {
        // Each cell the fast path refuses, and serde's message for it.
        for (cell, message) in [
            ("1.2.3", "rate_percent: invalid decimal"),
            ("1e3", "rate_percent: invalid decimal"),
        ] {
            let text = format!("{HEAD}US,61091000,x,{cell},,2025-01-01,,usitc\n");
            let (rows, p) = read_str(&text);
            assert!(rows.tariffs.is_empty());
            assert!(p[0].message.starts_with(message), "{p:?}");
        }
        let text = format!("{HEAD}US,61091000,x,1,,2025-01-01,,\n");
        let (_, p) = read_str(&text);
        assert_eq!(p[0].kind, ProblemKind::MissingField, "{p:?}");
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_column() {
        let text = format!(
            "{HEAD}US,61091000,x,1.2.3,,2025-13-01,,usitc\nUS,61091000,x,1,9903.88,2025-01-01,,s\n"
        );
        let (rows, problems) = read_str(&text);
        assert!(rows.tariffs.is_empty());
        let at: Vec<_> = problems
            .iter()
            .map(|p| (p.line, p.column, p.kind))
            .collect();
        assert_eq!(
            at,
            vec![
                (4, 15, ProblemKind::BadDecimal),
                (4, 22, ProblemKind::BadValue),
                (5, 1, ProblemKind::BadValue),
            ],
            "{problems:?}"
        );
        assert!(
            problems[0]
                .message
                .starts_with("rate_percent: invalid decimal")
        );
        assert!(problems[2].message.contains("not a chapter-99 heading"));
    }

    #[test]
    fn strict_quoting_and_directive() {
        let (_, p) = read_str(&format!("{HEAD}US,6109\"1000,x,1,,2025-01-01,,s\n"));
        assert_eq!(
            (p[0].line, p[0].column, p[0].kind),
            (4, 8, ProblemKind::Syntax)
        );
        let (_, p) = read_str(&format!("{HEAD}US,\"61091000\"x,x,1,,2025-01-01,,s\n"));
        assert_eq!((p[0].line, p[0].column), (4, 14));
        let (_, p) = read_str(&format!("{HEAD}US,\"61091000,x,1,,2025-01-01,,s\n"));
        assert_eq!(p[0].line, 4);
        let (_, p) = read_str("territory,hs\n");
        assert_eq!((p[0].line, p[0].kind), (1, ProblemKind::Syntax));
        let (_, p) = read_str("# landed-csv section=vat territory=US schema=1\n");
        assert_eq!(p[0].kind, ProblemKind::UnknownField);
        let (_, p) = read_str("# landed-csv section=tariff territory=US schema=2\n");
        assert_eq!(p[0].kind, ProblemKind::UnsupportedSchema);
    }

    #[test]
    fn a_cited_source_stands_for_its_text_and_an_undefined_or_twice_defined_one_is_a_problem() {
        let head = "# landed-csv section=tariff territory=US schema=1\n\
            # cite @usitc: USITC, HTS 2026 Revision 10, JSON export\n\
            territory,hs,description,rate_percent,effective_from,source\n";
        let (rows, p) = read_str(&format!(
            "{head}US,61091000,x,16.5,2025-01-01,@usitc\nUS,61099010,y,32,2025-01-01,@usitc\n"
        ));
        assert!(p.is_empty(), "{p:?}");
        let sources: Vec<&str> = rows.tariffs.iter().map(|r| &*r.source).collect();
        assert_eq!(sources, ["USITC, HTS 2026 Revision 10, JSON export"; 2]);
        let (_, p) = read_str(&format!("{head}US,61091000,x,16.5,2025-01-01,@nope\n"));
        assert_eq!(
            (p[0].line, p[0].column, p[0].kind),
            (4, 31, ProblemKind::MissingField)
        );
        assert!(
            p[0].message.contains("# cite @nope: text"),
            "{}",
            p[0].message
        );
        let (_, p) = read_str(&format!("{head}# cite @usitc: again\n"));
        assert_eq!((p[0].line, p[0].kind), (4, ProblemKind::DuplicateStart));
    }
}
