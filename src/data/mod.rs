//! Versioned, effective-dated rate data: the loader, validation, [`RateTables`] and
//! [`DataVersion`].
//!
//! Data files are TOML with quoted decimals and dates. Each file starts with
//! `schema_version = 1` and holds one or more sections of rows (`[[vat]]`, `[[currency]]`),
//! each row with `effective_from`, optional `effective_to` (inclusive) and `source`. A
//! dataset is a directory with a `MANIFEST.toml` naming its version and the sha256 of each
//! file. The embedded dataset (`data/` of this crate) goes through the same loader.
//!
//! A large table (a whole tariff schedule) is a `landed-csv` file instead (see the crate
//! documentation, "Data policy"), read record by record and only on the first lookup of its
//! territory ([`RateTables::load_all`] reads every such file at once).

mod additional;
mod csv;
mod currency;
mod customs;
mod display;
mod duty_band;
mod error;
mod fast_rows;
mod fees;
mod fx;
mod hs_set;
mod japan;
mod load;
mod series;
mod tariff;
mod usitc;
mod vat;

use core::fmt;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono::{Months, NaiveDate};
use sha2::{Digest, Sha256};

pub use additional::{AdditionalDuty, DutyExemption, Heading, Stacking};
pub use currency::{CurrencyInfo, CurrencyRecord};
pub use customs::{
    BaseTerm, Buyer, BuyerCondition, Comparison, Conditions, Effect, Fee, FeeKind, ImportTax,
    Preference, Regime, RoundingRule, RoundingStage, RoundingTarget, Rule, RuleScope,
    TaxRateSource, Threshold, Transport, Valuation, ValueBasis,
};
pub use display::DisplayLabel;
pub(crate) use display::at as display_at;
pub use duty_band::DutyBand;
pub use error::{DataError, DataProblem, ProblemKind};
pub use fees::{
    ChainBase, ChainFeeSpec, ChainSpec, FeeBasis, FeeChainRecord, FeeMode, FeeRoundingStage,
    FeeSchedule, FeeScheduleRecord, MAX_CHAIN_FEES, ScheduleSpec, TierSpec,
};
pub use fx::{ECB_DAILY_XML_URL, EndingRecord, ReferenceRates, parse_ecb_csv, parse_ecb_xml};
pub use hs_set::HsPrefixes;
pub use japan::{
    JpChoice, JpColumn, JpImport, JpLine, JpProblem, JpProblemKind, JpRate, JpTerms, JpUnit,
    YenAmount, import_jp_tariff_chapters, import_jp_tariff_json, parse_jp_rate,
};
pub use load::SCHEMA_VERSION;
pub use series::Period;
pub use tariff::{Specific, SpecificPer, TariffLookup, TariffRate};
pub use usitc::{
    Encoded, HtsEdition, HtsImport, HtsLine, HtsProblem, HtsProblemKind, HtsSeries, HtsSeriesRow,
    ParsedRate, RateUnit, TARIFF_CSV_COLUMNS, UnitAmount, import_hts_json, parse_general,
};
pub use vat::{TaxComponent, TaxInclusive, VatRate, VatRowView};

use currency::{CurrencyRow, CurrencyTable};

/// Internals of the fee schedules shared with the `fees` capability's engine.
pub(crate) mod fees_internal {
    pub(crate) use super::fees::{CTier, FeeSchedule, Kind, M, P, X, scaled_input, to_decimal};
}
use customs::CustomsRows;
pub(crate) use customs::CustomsTables;
use load::FileReader;
use series::RawDated;
pub(crate) use series::{Dated, row_at};
use tariff::TariffRows;
use tariff::{CsvFile, CsvSource};
pub(crate) use tariff::{FastMap, TariffTable, TariffView, hs_starts_with};
pub(crate) use vat::VatValue;
use vat::{VatRow, VatTable};

/// Where a table's data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataOrigin {
    /// The dataset compiled into the crate.
    Embedded,
    /// A directory loaded at run time.
    Directory(Arc<Path>),
    /// A single TOML text given to [`RateTables::from_toml_str`], by its name.
    Inline(Arc<str>),
    /// A base dataset with whole series replaced by another's.
    Overridden {
        /// The base data.
        base: Box<DataVersion>,
        /// The overriding data.
        overlay: Box<DataVersion>,
    },
}

/// Which data a result was computed with: dataset version, schema, content hash, as-of date
/// and origin. Displayed like `2026.11.0+sha256:3f2a9c1e`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataVersion {
    /// Calendar version of the dataset, e.g. `2026.11.0` (`local` for a single inline file).
    pub dataset: Arc<str>,
    /// Schema version of the files.
    pub schema: u32,
    /// Hex sha256: of `MANIFEST.toml` for a dataset (which lists every file's hash), of the
    /// text for an inline file, of both hashes for an override.
    pub sha256: Arc<str>,
    /// The date the dataset was last checked against its sources.
    pub as_of: Option<NaiveDate>,
    /// Where it came from.
    pub origin: DataOrigin,
}

impl fmt::Display for DataVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = self.sha256.get(..8).unwrap_or(&self.sha256);
        write!(f, "{}+sha256:{short}", self.dataset)
    }
}

impl serde::Serialize for DataVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        use fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Validated rate tables, immutable once loaded. Cheap to share by reference; results borrow
/// from it and carry its [`DataVersion`].
#[derive(Debug, Clone)]
pub struct RateTables {
    version: DataVersion,
    pub(crate) vat: VatTable,
    currencies: CurrencyTable,
    pub(crate) customs: CustomsTables,
    pub(crate) tariffs: TariffTable,
    fx: fx::FxTables,
    pub(crate) fees: fees::FeeTables,
    pub(crate) display: display::DisplayTables,
    /// The last day the rates are verified (see [`RateTables::verified_until`]).
    verified_until: Option<NaiveDate>,
}

/// How many months after `as_of` a dataset's rates count as verified when its `MANIFEST.toml`
/// has no `verified_horizon_months`: 12.
///
/// Rates change by law with notice (a budget, a finance act), and the embedded data is
/// re-checked at least yearly; a quote dated further ahead still computes, but the landed-cost
/// engine warns that no one has checked the rates for that day.
pub const DEFAULT_VERIFIED_HORIZON_MONTHS: u32 = 12;

/// The largest `verified_horizon_months` a manifest may give: 120 (ten years).
pub const MAX_VERIFIED_HORIZON_MONTHS: u32 = 120;

/// The last verified day of data checked on `as_of` for `months`: the same day of the month
/// `months` later, or that month's last day when it is shorter (2026-11-30 + 3 months is
/// 2027-02-28). `None` when the date is out of chrono's range.
fn horizon_end(as_of: NaiveDate, months: u32) -> Option<NaiveDate> {
    as_of.checked_add_months(Months::new(months))
}

/// Rows of every section, collected across files before series validation.
#[derive(Default)]
struct Collected {
    vat: Vec<RawDated<vat::VatValue>>,
    currencies: Vec<RawDated<CurrencyInfo>>,
    customs: CustomsRows,
    tariffs: TariffRows,
    fx: fx::FxRows,
    fees: fees::FeeRows,
    display: display::DisplayRows,
}

/// A data file of a dataset: TOML text, or a CSV file read on first use.
enum FileText {
    Toml(String),
    Csv {
        source: CsvSource,
        /// Its first line (the `# landed-csv` directive).
        first_line: String,
        /// Its sha256, when computed.
        sha256: Option<String>,
    },
}

impl Collected {
    /// Registers a CSV file under the territory its first line names; its rows are read on
    /// first use.
    fn add_csv(
        &mut self,
        name: &str,
        first_line: &str,
        source: CsvSource,
        problems: &mut Vec<DataProblem>,
    ) {
        match csv::directive(name, first_line) {
            Ok(d) => self.tariffs.csv.push((
                d.territory,
                CsvFile {
                    name: Arc::from(name),
                    source,
                },
            )),
            Err(p) => problems.push(p),
        }
    }

    /// Reads one data file into the collection, recording every problem.
    fn read(&mut self, name: &str, text: &str, problems: &mut Vec<DataProblem>) {
        let reader = FileReader::new(name, text);
        let Some(entries) = reader.parse(problems) else {
            return;
        };
        let mut saw_schema = false;
        for (key, value) in entries {
            match key.get_ref().as_str() {
                "schema_version" => {
                    saw_schema = true;
                    reader.check_schema(value, problems);
                }
                "vat" => self
                    .vat
                    .extend(reader.rows::<VatRow>("vat", value, problems)),
                "currency" => self
                    .currencies
                    .extend(reader.rows::<CurrencyRow>("currency", value, problems)),
                other => {
                    let Err(value) = self.customs.read(&reader, other, value, problems) else {
                        continue;
                    };
                    let Err(value) = self.tariffs.read(&reader, other, value, problems) else {
                        continue;
                    };
                    let Err(value) = self.fx.read(&reader, other, value, problems) else {
                        continue;
                    };
                    let Err(value) = self.fees.read(&reader, other, value, problems) else {
                        continue;
                    };
                    if self.display.read(&reader, other, value, problems).is_ok() {
                        continue;
                    }
                    let known: Vec<String> = ["vat", "currency"]
                        .iter()
                        .chain(customs::SECTIONS)
                        .chain(tariff::SECTIONS)
                        .chain(fx::SECTIONS)
                        .chain(fees::SECTIONS)
                        .chain(display::SECTIONS)
                        .map(|s| format!("[[{s}]]"))
                        .collect();
                    problems.push(reader.location(key.span().start).problem(
                        ProblemKind::UnknownField,
                        format!(
                            "unknown section `{other}`; expected schema_version or one of {}",
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
        if !saw_schema {
            problems.push(reader.location(0).problem(
                ProblemKind::MissingField,
                format!(
                    "missing schema_version; start the file with schema_version = {SCHEMA_VERSION}"
                ),
            ));
        }
    }

    fn build(
        self,
        version: DataVersion,
        mut problems: Vec<DataProblem>,
    ) -> Result<RateTables, DataError> {
        let vat = VatTable::build(self.vat, &mut problems);
        let currencies = CurrencyTable::build(self.currencies, &mut problems);
        let customs = CustomsTables::build(self.customs, &mut problems);
        let tariffs = TariffTable::build(self.tariffs, &mut problems);
        let fx = fx::FxTables::build(self.fx, &mut problems);
        let fees = fees::FeeTables::build(self.fees, &mut problems);
        let display = display::DisplayTables::build(self.display, &mut problems);
        if !problems.is_empty() {
            problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
            return Err(DataError { problems });
        }
        Ok(RateTables {
            version,
            vat,
            currencies,
            customs,
            tariffs,
            fx,
            fees,
            display,
            verified_until: None,
        })
    }
}

/// `MANIFEST.toml`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    dataset_version: String,
    schema_version: u32,
    #[serde(with = "crate::serde_util::date_str")]
    as_of: NaiveDate,
    /// Months after `as_of` the rates count as verified; default
    /// [`DEFAULT_VERIFIED_HORIZON_MONTHS`].
    #[serde(default)]
    verified_horizon_months: Option<u32>,
    files: BTreeMap<String, String>,
}

/// The manifest's file name.
pub const MANIFEST: &str = "MANIFEST.toml";

fn valid_calendar_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    matches!(parts.as_slice(), [y, m, p]
        if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&m.len()) && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The embedded CSV files, parsed per territory on first use.
const EMBEDDED_CSV: &[(&str, &str)] = &[
    ("tariff_us.csv", include_str!("../../data/tariff_us.csv")),
    (
        "tariff_us_additional.csv",
        include_str!("../../data/tariff_us_additional.csv"),
    ),
    (
        "tariff_us_exemptions.csv",
        include_str!("../../data/tariff_us_exemptions.csv"),
    ),
    ("tariff_jp.csv", include_str!("../../data/tariff_jp.csv")),
];

/// The embedded dataset: `MANIFEST.toml` and every file it lists, compiled in.
const EMBEDDED_MANIFEST: &str = include_str!("../../data/MANIFEST.toml");
const EMBEDDED_FILES: &[(&str, &str)] = &[
    (
        "currencies.toml",
        include_str!("../../data/currencies.toml"),
    ),
    ("customs.toml", include_str!("../../data/customs.toml")),
    ("display.toml", include_str!("../../data/display.toml")),
    ("fees.toml", include_str!("../../data/fees.toml")),
    ("fx.toml", include_str!("../../data/fx.toml")),
    ("fx_ecb.toml", include_str!("../../data/fx_ecb.toml")),
    ("tariff_au.toml", include_str!("../../data/tariff_au.toml")),
    ("tariff_ca.toml", include_str!("../../data/tariff_ca.toml")),
    ("tariff_eu.toml", include_str!("../../data/tariff_eu.toml")),
    ("tariff_gb.toml", include_str!("../../data/tariff_gb.toml")),
    ("tariff_us.toml", include_str!("../../data/tariff_us.toml")),
    ("vat.toml", include_str!("../../data/vat.toml")),
];

impl RateTables {
    /// The dataset compiled into the crate, parsed and validated once by the same loader as
    /// run-time data, then cached.
    ///
    /// The large CSV tariff schedules (the whole US schedule) are not parsed here: each
    /// territory's CSV files are parsed on the first lookup that needs them (once, from any
    /// thread, and kept), so a quote to another destination never pays for them. A problem
    /// in such a file would surface from that lookup as [`crate::Error::LazyData`].
    ///
    /// # Errors
    /// Only if the embedded data is broken, which the crate's tests rule out before release.
    pub fn embedded() -> Result<&'static Self, &'static DataError> {
        static CELL: OnceLock<Result<RateTables, DataError>> = OnceLock::new();
        CELL.get_or_init(Self::embedded_uncached).as_ref()
    }

    /// The embedded dataset, parsed anew (not cached): for benchmarks of the load and tests
    /// of the lazy loading; not part of the stable API.
    ///
    /// # Errors
    /// As [`RateTables::embedded`].
    #[doc(hidden)]
    pub fn embedded_uncached() -> Result<Self, DataError> {
        let files = EMBEDDED_FILES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), Ok(FileText::Toml((*t).to_owned()))))
            .chain(EMBEDDED_CSV.iter().map(|(n, t)| {
                let csv = FileText::Csv {
                    source: CsvSource::Static(t),
                    first_line: t.lines().next().unwrap_or("").to_owned(),
                    sha256: None,
                };
                ((*n).to_owned(), Ok(csv))
            }))
            .collect();
        // The embedded files and their manifest are compiled in from one commit, so they
        // cannot be mixed at run time; their hashes are checked against the manifest by a
        // test instead (`data_loading`: the manifest must match the files), which keeps
        // the sha256 of every file out of every process start.
        Self::load_dataset(EMBEDDED_MANIFEST, files, DataOrigin::Embedded, false)
    }

    /// Loads a dataset directory: `MANIFEST.toml` and every `.toml` and `.csv` file it lists.
    /// Each file's sha256 must match the manifest, and every `.toml` and `.csv` file in the
    /// directory must be listed.
    ///
    /// A CSV file is hashed here, a few kilobytes at a time, and its rows are read on the
    /// first lookup of its territory (its hash is checked again then, so the rows are those
    /// of the hashed text).
    ///
    /// # Errors
    /// A [`DataError`] with every problem found (unreadable files included).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, DataError> {
        let dir = dir.as_ref();
        let io_problem = |file: &str, e: &std::io::Error| DataProblem {
            file: file.to_owned(),
            line: 0,
            column: 0,
            kind: ProblemKind::Io,
            message: format!("cannot read {}: {e}", dir.join(file).display()),
        };
        let manifest = match std::fs::read_to_string(dir.join(MANIFEST)) {
            Ok(t) => t,
            Err(e) => {
                return Err(DataError {
                    problems: vec![io_problem(MANIFEST, &e)],
                });
            }
        };
        let mut files = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.ends_with(".toml") && name != MANIFEST {
                        let text = std::fs::read(entry.path())
                            .map_err(|e| io_problem(&name, &e))
                            .and_then(|b| {
                                String::from_utf8(b).map_err(|_| DataProblem {
                                    file: name.clone(),
                                    line: 0,
                                    column: 0,
                                    kind: ProblemKind::Io,
                                    message: "file is not utf-8 text".to_owned(),
                                })
                            })
                            .map(FileText::Toml);
                        files.push((name, text));
                    } else if name.ends_with(".csv") {
                        let path: Arc<Path> = Arc::from(entry.path());
                        let text = hash_and_first_line(&path)
                            .map_err(|e| io_problem(&name, &e))
                            .map(|(hash, first_line)| FileText::Csv {
                                source: CsvSource::File {
                                    path,
                                    sha256: Arc::from(hash.as_str()),
                                },
                                first_line,
                                sha256: Some(hash),
                            });
                        files.push((name, text));
                    }
                }
            }
            Err(e) => {
                return Err(DataError {
                    problems: vec![io_problem(".", &e)],
                });
            }
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Self::load_dataset(
            &manifest,
            files,
            DataOrigin::Directory(Arc::from(dir)),
            true,
        )
    }

    /// Loads a manifest and its files; `verify_hashes`: check each file's sha256 against the
    /// manifest (always, but for the embedded dataset, which a test checks).
    fn load_dataset(
        manifest_text: &str,
        files: Vec<(String, Result<FileText, DataProblem>)>,
        origin: DataOrigin,
        verify_hashes: bool,
    ) -> Result<Self, DataError> {
        let mut problems = Vec::new();
        let manifest = match toml::from_str::<Manifest>(manifest_text) {
            Ok(m) => m,
            Err(e) => {
                let (line, column) = e
                    .span()
                    .map_or((0, 0), |s| load::line_col(manifest_text, s.start));
                return Err(DataError {
                    problems: vec![DataProblem {
                        file: MANIFEST.to_owned(),
                        line,
                        column,
                        kind: ProblemKind::Manifest,
                        message: e.message().trim_end().to_owned(),
                    }],
                });
            }
        };
        let whole_file = |kind, message: String| DataProblem {
            file: MANIFEST.to_owned(),
            line: 0,
            column: 0,
            kind,
            message,
        };
        if manifest.schema_version != SCHEMA_VERSION {
            problems.push(whole_file(
                ProblemKind::UnsupportedSchema,
                format!(
                    "schema_version {} is not supported by this build (it reads {SCHEMA_VERSION})",
                    manifest.schema_version
                ),
            ));
        }
        if !valid_calendar_version(&manifest.dataset_version) {
            problems.push(whole_file(
                ProblemKind::Manifest,
                format!(
                    "dataset_version {:?} is not a calendar version such as \"2026.11.0\"",
                    manifest.dataset_version
                ),
            ));
        }
        let months = manifest
            .verified_horizon_months
            .unwrap_or(DEFAULT_VERIFIED_HORIZON_MONTHS);
        let verified_until =
            horizon_end(manifest.as_of, months).filter(|_| months <= MAX_VERIFIED_HORIZON_MONTHS);
        if verified_until.is_none() {
            problems.push(whole_file(
                ProblemKind::Manifest,
                format!(
                    "verified_horizon_months {months} is more than {MAX_VERIFIED_HORIZON_MONTHS}; give the months after as_of for which the rates were checked (usually 12)"
                ),
            ));
        }
        let mut collected = Collected::default();
        for (name, text) in &files {
            let text = match text {
                Ok(t) => t,
                Err(p) => {
                    problems.push(p.clone());
                    continue;
                }
            };
            match manifest.files.get(name) {
                None => problems.push(DataProblem {
                    file: name.clone(),
                    line: 0,
                    column: 0,
                    kind: ProblemKind::Manifest,
                    message: format!(
                        "not listed in {MANIFEST}; list it with its sha256 (cargo run --example refresh_manifest -- DIR) or remove it"
                    ),
                }),
                Some(expected) => {
                    let actual = match text {
                        _ if !verify_hashes => expected.clone(),
                        FileText::Toml(t) => sha256_hex(t.as_bytes()),
                        FileText::Csv { sha256, .. } => {
                            sha256.clone().unwrap_or_else(|| expected.clone())
                        }
                    };
                    if !actual.eq_ignore_ascii_case(expected) {
                        problems.push(DataProblem {
                            file: name.clone(),
                            line: 0,
                            column: 0,
                            kind: ProblemKind::HashMismatch,
                            message: format!(
                                "sha256 is {actual} but {MANIFEST} says {expected}; if the edit is intended, refresh the manifest with `cargo run --example refresh_manifest -- DIR` and bump dataset_version"
                            ),
                        });
                    }
                    match text {
                        FileText::Toml(t) => collected.read(name, t, &mut problems),
                        FileText::Csv {
                            source,
                            first_line,
                            ..
                        } => {
                            // A file whose hash is wrong is not read later: its rows would
                            // not be the listed ones.
                            if actual.eq_ignore_ascii_case(expected) {
                                collected.add_csv(name, first_line, source.clone(), &mut problems);
                            }
                        }
                    }
                }
            }
        }
        for name in manifest.files.keys() {
            if !files.iter().any(|(n, _)| n == name) {
                problems.push(whole_file(
                    ProblemKind::Manifest,
                    format!("{name} is listed but missing; add the file or remove its line"),
                ));
            }
        }
        let version = DataVersion {
            dataset: Arc::from(manifest.dataset_version),
            schema: manifest.schema_version,
            sha256: Arc::from(sha256_hex(manifest_text.as_bytes())),
            as_of: Some(manifest.as_of),
            origin,
        };
        collected.build(version, problems).map(|mut t| {
            t.verified_until = verified_until;
            t
        })
    }

    /// Loads one TOML data file from a string (no manifest): for tests, overrides and small
    /// custom tables. Its version is `local+sha256:<hash of the text>`.
    ///
    /// # Errors
    /// A [`DataError`] with every problem found, each with `name`, line and column.
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let text = r#"
    /// schema_version = 1
    /// [[vat]]
    /// country = "DE"
    /// category = "standard"
    /// rate_percent = 19.0
    /// effective_from = "2021-01-01"
    /// source = "UStG § 12"
    /// "#;
    /// let err = RateTables::from_toml_str("mine.toml", text).unwrap_err();
    /// assert_eq!(err.problems[0].line, 6);
    /// assert!(err.problems[0].message.contains("bare float"));
    /// ```
    pub fn from_toml_str(name: &str, text: &str) -> Result<Self, DataError> {
        let mut problems = Vec::new();
        let mut collected = Collected::default();
        collected.read(name, text, &mut problems);
        let version = DataVersion {
            dataset: Arc::from("local"),
            schema: SCHEMA_VERSION,
            sha256: Arc::from(sha256_hex(text.as_bytes())),
            as_of: None,
            origin: DataOrigin::Inline(Arc::from(name)),
        };
        collected.build(version, problems)
    }

    /// Loads one CSV data file from a string (no manifest), reading its rows now: for tests,
    /// overrides and custom schedules. The format is described in the crate documentation
    /// (README, "Data"). Its version is `local+sha256:<hash of the text>`.
    ///
    /// # Errors
    /// A [`DataError`] with every problem found, each with `name`, line and column.
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let text = "# landed-csv section=tariff territory=US schema=1
    /// territory,hs,description,rate_percent,effective_from,source
    /// US,61091000,T-shirts of cotton,16.5,2025-01-01,USITC HTS
    /// US,61099010,T-shirts of man-made fibres,32.x,2025-01-01,USITC HTS
    /// ";
    /// let err = RateTables::from_csv_str("mine.csv", text).unwrap_err();
    /// assert_eq!((err.problems[0].line, err.problems[0].column), (4, 41));
    /// assert!(err.problems[0].message.contains("invalid decimal"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv_str(name: &str, text: &str) -> Result<Self, DataError> {
        let mut problems = Vec::new();
        let mut collected = Collected::default();
        collected.add_csv(
            name,
            text.lines().next().unwrap_or(""),
            CsvSource::Owned(Arc::from(text)),
            &mut problems,
        );
        let version = DataVersion {
            dataset: Arc::from("local"),
            schema: SCHEMA_VERSION,
            sha256: Arc::from(sha256_hex(text.as_bytes())),
            as_of: None,
            origin: DataOrigin::Inline(Arc::from(name)),
        };
        let tables = collected.build(version, problems)?;
        tables.load_all()?;
        Ok(tables)
    }

    /// These tables with every series that `other` has replaced by `other`'s whole series
    /// (never single rows, so no series mixes two sources' periods).
    ///
    /// The version keeps this dataset's name and hashes both inputs together. The result is
    /// verified until the earlier of the two [`verified_until`](Self::verified_until) days
    /// (its rows come from both), or the one day that is known when only one side has one (an
    /// inline file has none).
    #[must_use]
    pub fn with_overrides(&self, other: &Self) -> Self {
        let mut out = self.clone();
        out.verified_until = match (self.verified_until, other.verified_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        out.vat.overlay(&other.vat);
        out.currencies.overlay(&other.currencies);
        out.customs.overlay(&other.customs);
        out.tariffs.overlay(&other.tariffs);
        out.fx.overlay(&other.fx);
        out.fees.overlay(&other.fees);
        out.display.overlay(&other.display);
        let combined =
            sha256_hex(format!("{}\n{}", self.version.sha256, other.version.sha256).as_bytes());
        out.version = DataVersion {
            dataset: Arc::clone(&self.version.dataset),
            schema: self.version.schema,
            sha256: Arc::from(combined),
            as_of: self.version.as_of,
            origin: DataOrigin::Overridden {
                base: Box::new(self.version.clone()),
                overlay: Box::new(other.version.clone()),
            },
        };
        out
    }

    /// The version of the data these tables hold.
    pub const fn version(&self) -> &DataVersion {
        &self.version
    }

    /// The last day the rates are verified: the dataset's `as_of` plus its
    /// `verified_horizon_months` (from `MANIFEST.toml`; [`DEFAULT_VERIFIED_HORIZON_MONTHS`]
    /// when absent), inclusive. When the later month is shorter the horizon ends on its last
    /// day (2026-11-30 + 3 months is 2027-02-28).
    ///
    /// A quote dated after this day still computes: the rows in force stay in force until the
    /// data says otherwise, but no one has checked that no new law changes them, so the
    /// landed-cost engine adds a warning. `None` for a single inline file
    /// ([`from_toml_str`](Self::from_toml_str)), which has no `as_of`. For tables
    /// [`with_overrides`](Self::with_overrides), the earlier of the two days.
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let tables = RateTables::embedded()?;
    /// let as_of = tables.version().as_of.ok_or("as_of")?;
    /// let until = tables.verified_until().ok_or("verified_until")?;
    /// assert!(until > as_of);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn verified_until(&self) -> Option<NaiveDate> {
        self.verified_until
    }

    /// Number of series per table, for diagnostics: (vat, currencies).
    pub fn series_counts(&self) -> (usize, usize) {
        (self.vat.len(), self.currencies.len())
    }
}

/// The sha256 of a file, read a block at a time, and its first line.
fn hash_and_first_line(path: &Path) -> std::io::Result<(String, String)> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut first: Vec<u8> = Vec::new();
    let mut first_done = false;
    loop {
        let n = file.read(&mut buf)?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        hasher.update(chunk);
        if !first_done {
            match chunk.iter().position(|b| *b == b'\n') {
                Some(end) => {
                    first.extend_from_slice(chunk.get(..end).unwrap_or(&[]));
                    first_done = true;
                }
                None => first.extend_from_slice(chunk),
            }
        }
    }
    Ok((
        hex(&hasher.finalize()),
        String::from_utf8_lossy(&first).into_owned(),
    ))
}

/// Computes the `[files]` table of a manifest for a directory's `.toml` and `.csv` files:
/// name and sha256, sorted. Used by the `refresh_manifest` example.
///
/// # Errors
/// Any I/O error reading the directory.
pub fn file_hashes(dir: impl AsRef<Path>) -> std::io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if (name.ends_with(".toml") && name != MANIFEST) || name.ends_with(".csv") {
            out.insert(name, hash_and_first_line(&entry.path())?.0);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_horizon_keeps_the_day_or_ends_on_the_shorter_months_last_day() {
        assert_eq!(
            horizon_end(date("2026-11-25"), 12),
            Some(date("2027-11-25"))
        );
        assert_eq!(horizon_end(date("2026-11-30"), 3), Some(date("2027-02-28")));
        assert_eq!(horizon_end(date("2027-11-30"), 3), Some(date("2028-02-29")));
        assert_eq!(horizon_end(date("2026-01-31"), 1), Some(date("2026-02-28")));
        assert_eq!(horizon_end(date("2026-11-25"), 0), Some(date("2026-11-25")));
    }

    #[test]
    fn the_embedded_data_states_its_horizon() {
        let t = RateTables::embedded().unwrap();
        let as_of = t.version().as_of.unwrap();
        assert_eq!(t.verified_until(), horizon_end(as_of, 12));
    }
}
