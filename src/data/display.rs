//! `[[display_label]]` rows of `data/display.toml`: **the words a shop shows next to a
//! tax-inclusive price**, per destination country and language ("inkl. 19 % MwSt.",
//! "税込 (10%)"), each citing the law that requires the tax-inclusive price and where the
//! wording comes from.
//!
//! Fields (besides `effective_from`, `effective_to`, `source`):
//! - `country`, `language` (a lower-case ISO 639-1 code such as `de`), `primary` (the
//!   language used when a request names none; at most one per country, default false);
//! - `tax_name` (the tax's name as the label shows it, e.g. `MwSt.`);
//! - `template`: the label, with `{rate}` where the tax rate goes (optional: some official
//!   wordings name no rate);
//! - `decimal_separator`: `"."` or `","`, for rates such as 5.5 or 8.1.
//!
//! A country or language without a row has no label: the display price says so in its
//! warnings rather than guessing the words.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customs::validity;
use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, Validity};
use super::series::{Location, RawDated, Series, build_series};
use super::tariff::FastMap;
use crate::codes::CountryCode;
use crate::error::Coverage;

/// The placeholder of the rate in a template.
pub(crate) const RATE: &str = "{rate}";

/// One label: the words shown next to a tax-inclusive price.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DisplayLabel {
    /// The destination country.
    pub country: CountryCode,
    /// The label's language (ISO 639-1, lower case).
    pub language: Arc<str>,
    /// Whether this is the country's language when a request names none.
    pub primary: bool,
    /// The tax's name as shown, e.g. `MwSt.`.
    pub tax_name: Arc<str>,
    /// The label with `{rate}` where the rate goes.
    pub template: Arc<str>,
    /// The decimal separator of the rate.
    pub decimal_separator: char,
}

impl DisplayLabel {
    /// Whether the template shows the rate.
    pub fn shows_rate(&self) -> bool {
        self.template.contains(RATE)
    }

    /// The label for `rate` (in percent): the template with the rate written without
    /// trailing zeros and with the row's decimal separator (`5.5` → `5,5`).
    pub fn render(&self, rate: Decimal) -> String {
        let mut text = rate.normalize().to_string();
        if self.decimal_separator != '.' {
            text = text.replace('.', &self.decimal_separator.to_string());
        }
        self.template.replace(RATE, &text)
    }
}

super::customs::dated_row! {
    struct DisplayLabelRow {
        country: CountryCode,
        language: String,
        #[serde(default)]
        primary: bool,
        tax_name: String,
        template: String,
        decimal_separator: String,
    }
}

/// The problems of a row's own fields.
fn row_problems(row: &DisplayLabelRow, at: &Location) -> Vec<DataProblem> {
    let mut out = Vec::new();
    let lang = &row.language;
    if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
        out.push(at.problem(
            ProblemKind::Inconsistent,
            format!("language `{lang}` is not an ISO 639 code; write it in lower case, e.g. `de`"),
        ));
    }
    if !matches!(row.decimal_separator.as_str(), "." | ",") {
        out.push(at.problem(
            ProblemKind::Inconsistent,
            format!(
                "decimal_separator `{}` must be \".\" or \",\"",
                row.decimal_separator
            ),
        ));
    }
    let rest = row.template.replacen(RATE, "", 1);
    if row.template.trim().is_empty() || rest.contains('{') || rest.contains('}') {
        out.push(at.problem(
            ProblemKind::Inconsistent,
            format!(
                "template `{}` must be non-empty text with at most one {RATE} and no other braces",
                row.template
            ),
        ));
    }
    if row.tax_name.trim().is_empty() {
        out.push(at.problem(
            ProblemKind::MissingField,
            "tax_name is empty; give the tax's name as the label shows it".to_owned(),
        ));
    }
    out
}

impl DatedRow for DisplayLabelRow {
    type Value = DisplayLabel;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let found = row_problems(&self, &at);
        if !found.is_empty() {
            problems.extend(found);
            return None;
        }
        let value = DisplayLabel {
            country: self.country,
            language: Arc::from(self.language.as_str()),
            primary: self.primary,
            tax_name: Arc::from(self.tax_name.as_str()),
            template: Arc::from(self.template.as_str()),
            decimal_separator: if self.decimal_separator == "," {
                ','
            } else {
                '.'
            },
        };
        validity!(self).wrap(at, value, problems)
    }
}

/// Rows of the display sections, collected across files.
#[derive(Default)]
pub(crate) struct DisplayRows {
    labels: Vec<RawDated<DisplayLabel>>,
}

/// The section names this module reads.
pub(crate) const SECTIONS: &[&str] = &["display_label"];

impl DisplayRows {
    /// Reads a section of this module; gives the value back when the name is not ours.
    pub(crate) fn read<'a>(
        &mut self,
        reader: &super::load::FileReader<'_>,
        section: &str,
        value: toml::Spanned<toml::de::DeValue<'a>>,
        problems: &mut Vec<DataProblem>,
    ) -> Result<(), toml::Spanned<toml::de::DeValue<'a>>> {
        if section != "display_label" {
            return Err(value);
        }
        self.labels
            .extend(reader.rows::<DisplayLabelRow>(section, value, problems));
        Ok(())
    }
}

/// The key of a label series.
type Key = (CountryCode, Arc<str>);

/// Validated display labels.
#[derive(Debug, Clone, Default)]
pub(crate) struct DisplayTables {
    labels: FastMap<Key, Series<DisplayLabel>>,
    /// Each country's primary language (at most one, checked on build).
    primary: FastMap<CountryCode, Arc<str>>,
}

impl DisplayTables {
    pub(crate) fn build(rows: DisplayRows, problems: &mut Vec<DataProblem>) -> Self {
        let mut primary: BTreeMap<CountryCode, (Arc<str>, Location)> = BTreeMap::new();
        for row in rows.labels.iter().filter(|r| r.value.primary) {
            let (country, language) = (row.value.country, &row.value.language);
            match primary.get(&country) {
                Some((other, _)) if other != language => problems.push(row.at.problem(
                    ProblemKind::Inconsistent,
                    format!(
                        "display_label {country}: both `{other}` and `{language}` are primary; \
                         mark one language primary"
                    ),
                )),
                Some(_) => {}
                None => {
                    primary.insert(country, (Arc::clone(language), row.at.clone()));
                }
            }
        }
        let labels = build_series(
            rows.labels,
            |v| (v.country, Arc::clone(&v.language)),
            |(c, l)| format!("display_label {c} {l}"),
            problems,
        );
        Self {
            labels: labels.into_iter().collect(),
            primary: primary.into_iter().map(|(c, (l, _))| (c, l)).collect(),
        }
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for (k, s) in &other.labels {
            self.labels.insert(k.clone(), s.clone());
        }
        for (c, l) in &other.primary {
            self.primary.insert(*c, Arc::clone(l));
        }
    }

    /// The country's primary language, if it has one.
    pub(crate) fn primary(&self, country: CountryCode) -> Option<&Arc<str>> {
        self.primary.get(&country)
    }

    /// The languages the country has labels in, sorted.
    pub(crate) fn languages(&self, country: CountryCode) -> Vec<Arc<str>> {
        let mut out: Vec<Arc<str>> = self
            .labels
            .keys()
            .filter(|(c, _)| *c == country)
            .map(|(_, l)| Arc::clone(l))
            .collect();
        out.sort();
        out
    }

    /// The label series of a country and language.
    pub(crate) fn series(
        &self,
        country: CountryCode,
        language: &str,
    ) -> Option<&Series<DisplayLabel>> {
        self.labels.get(&(country, Arc::from(language)))
    }
}

/// A label found for a date, with its source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found<'a> {
    pub(crate) label: &'a DisplayLabel,
    pub(crate) period: super::series::Period,
    pub(crate) source: &'a str,
}

/// The label in force on `date` of a series, or its coverage.
pub(crate) fn at(series: &Series<DisplayLabel>, date: NaiveDate) -> Result<Found<'_>, Coverage> {
    series.at(date).map(|d| Found {
        label: &d.value,
        period: d.period,
        source: &d.source,
    })
}
