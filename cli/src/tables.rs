//! The data a command runs on: the embedded dataset or a directory, with overlays and ECB
//! rates loaded from files.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use landed::RateTables;
use landed::data::{ReferenceRates, parse_ecb_csv, parse_ecb_xml};

use crate::DataArgs;

/// Tables borrowed from the embedded dataset, or loaded and owned.
#[derive(Debug)]
pub enum Tables {
    /// The embedded dataset, untouched.
    Embedded(&'static RateTables),
    /// A directory, or any data with overlays.
    Loaded(Box<RateTables>),
}

impl Tables {
    /// The tables.
    pub fn get(&self) -> &RateTables {
        match self {
            Self::Embedded(t) => t,
            Self::Loaded(t) => t,
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads the data the arguments name: `--data DIR` or the embedded dataset, then each
/// `--override FILE.toml` in order, then `--rates FILE`.
///
/// # Errors
/// A message naming the file and every problem found.
pub fn load(args: &DataArgs) -> Result<Tables, String> {
    let mut tables = match &args.data {
        None if args.overrides.is_empty() && args.rates.is_none() => {
            return RateTables::embedded()
                .map(Tables::Embedded)
                .map_err(|e| format!("embedded data: {e}"));
        }
        None => RateTables::embedded()
            .map_err(|e| format!("embedded data: {e}"))?
            .clone(),
        Some(dir) => RateTables::from_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?,
    };
    for path in &args.overrides {
        let text = read(path)?;
        let name = path.display().to_string();
        let overlay =
            RateTables::from_toml_str(&name, &text).map_err(|e| format!("{name}: {e}"))?;
        tables = tables.with_overrides(&overlay);
    }
    if let Some(path) = &args.rates {
        let overlay = ecb_overlay(path)?;
        tables = tables.with_overrides(&overlay);
    }
    Ok(Tables::Loaded(Box::new(tables)))
}

/// The ECB rates of `path` (XML when its text starts with `<`, else CSV) as tables of their own,
/// to overlay: the days go through the library's ECB readers, then into one
/// `[[reference_rates_csv]]` section of the data format, so that they are loaded, validated
/// and versioned (the hash of that text enters the data version) like any data file, and replace
/// the ECB series as a whole, never single days.
fn ecb_overlay(path: &Path) -> Result<RateTables, String> {
    let text = read(path)?;
    let name = path.display().to_string();
    // A byte order mark is skipped (by the readers too) before the format is told apart.
    let days = if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        parse_ecb_xml(&text)
    } else {
        parse_ecb_csv(&text)
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let toml = data_file(&days, &name)?;
    RateTables::from_toml_str(&name, &toml).map_err(|e| format!("{name}: {e}"))
}

/// A data file with the days as one `[[reference_rates_csv]]` per source and pivot (the ECB's
/// files have one of each).
fn data_file(days: &[ReferenceRates], name: &str) -> Result<String, String> {
    let mut groups: Vec<(&str, &str, Vec<&ReferenceRates>)> = Vec::new();
    for day in days {
        let (source, pivot) = (day.source(), day.pivot().code());
        match groups
            .iter_mut()
            .find(|(s, p, _)| *s == source && *p == pivot)
        {
            Some((_, _, list)) => list.push(day),
            None => groups.push((source, pivot, vec![day])),
        }
    }
    let mut out = String::from("schema_version = 1\n");
    for (source, pivot, list) in groups {
        let columns: BTreeSet<&str> = list
            .iter()
            .flat_map(|d| d.rates().map(|(c, _)| c.code()))
            .collect();
        let citation = list
            .first()
            .and_then(|d| d.citation())
            .map_or_else(|| name.to_owned(), |c| format!("{c}; loaded from {name}"));
        let quoted = |s: &str| serde_json::to_string(s).map_err(|e| format!("{name}: {e}"));
        let mut csv = String::from("Date");
        for c in &columns {
            let _ = write!(csv, ",{c}");
        }
        for day in list {
            let _ = write!(csv, "\n{}", day.as_of());
            let rates: Vec<(&str, String)> = day
                .rates()
                .map(|(c, r)| (c.code(), r.to_string()))
                .collect();
            for c in &columns {
                match rates.iter().find(|(code, _)| code == c) {
                    Some((_, r)) => {
                        let _ = write!(csv, ",{r}");
                    }
                    None => csv.push_str(",N/A"),
                }
            }
        }
        let _ = write!(
            out,
            "\n[[reference_rates_csv]]\nsource = {}\npivot = {}\ncitation = {}\ncsv = '''\n{csv}\n'''\n",
            quoted(source)?,
            quoted(pivot)?,
            quoted(&citation)?,
        );
    }
    Ok(out)
}
