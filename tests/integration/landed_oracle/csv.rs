//! A plain reader of `landed-csv` files (large tables in `data/*.csv`), written for the oracle
//! from the format's description rather than shared with the crate's loader:
//! - the first line is `# landed-csv section=<section> territory=<T> schema=1`;
//! - any other line that starts with `#` (outside a quoted field) is a comment;
//! - then a header row of field names, then one record per row;
//! - RFC 4180 quoting: a field with a comma, a quote or a line break is written in double
//!   quotes, a quote inside it doubled;
//! - an empty cell means the field is absent.
//!
//! Each record becomes a TOML table like the rows of the TOML files, so that `data.rs` reads
//! both formats with the same code: list fields (written space-separated) become arrays, flags
//! become booleans, everything else stays a string (decimals and dates are strings in TOML
//! too).

use toml::Value;

/// A parsed file: its section, its territory and its records (header names to cells).
#[derive(Debug)]
pub struct CsvFile {
    pub section: String,
    pub territory: String,
    pub header: Vec<String>,
    /// Each record's cells, `None` for an empty cell, in header order.
    pub records: Vec<Vec<Option<String>>>,
}

/// Fields written as space-separated lists.
const LISTS: &[&str] = &[
    "see",
    "origins",
    "exclude_origins",
    "exclude_hs",
    "yields_to",
    "members",
    "partners",
    "ship_from",
    "transport",
    "effects",
    "base",
    "checkout_tax_base",
];

/// Fields written as `true` / `false`.
const FLAGS: &[&str] = &[
    "not_with_preference",
    "top_up",
    "warn_only",
    "gross_up",
    "exempt_preferential",
    "taxable",
];

/// Fields written as integers.
const INTEGERS: &[&str] = &["order", "priority"];

/// Splits the text into records of raw cells (`None` for an empty unquoted cell), skipping
/// comment lines; quoted cells keep their text (an empty quoted cell is `Some("")`).
fn records(text: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    loop {
        // At the start of a record: skip blank and comment lines.
        match chars.peek() {
            None => break,
            Some('#') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                line += 1;
                continue;
            }
            Some('\n') => {
                chars.next();
                line += 1;
                continue;
            }
            Some('\r') => {
                chars.next();
                continue;
            }
            Some(_) => {}
        }
        let mut record: Vec<Option<String>> = Vec::new();
        loop {
            // One cell.
            let mut cell = String::new();
            let quoted = chars.peek() == Some(&'"');
            if quoted {
                chars.next();
                loop {
                    match chars.next() {
                        None => return Err(format!("line {line}: unterminated quoted field")),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            cell.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            cell.push(c);
                        }
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' || c == '\n' || c == '\r' {
                        break;
                    }
                    if c == '"' {
                        return Err(format!("line {line}: quote inside an unquoted field"));
                    }
                    cell.push(c);
                    chars.next();
                }
            }
            record.push(if quoted || !cell.is_empty() {
                Some(cell)
            } else {
                None
            });
            match chars.next() {
                Some(',') => continue,
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    break;
                }
                Some('\n') | None => break,
                Some(c) => return Err(format!("line {line}: {c:?} after a closing quote")),
            }
        }
        line += 1;
        out.push(record);
    }
    Ok(out)
}

/// Parses a `landed-csv` file.
pub fn parse(text: &str) -> Result<CsvFile, String> {
    let first = text.lines().next().unwrap_or_default();
    let directive = first
        .strip_prefix("# landed-csv ")
        .ok_or_else(|| format!("the first line is not a landed-csv directive: {first:?}"))?;
    let (mut section, mut territory, mut schema) = (None, None, None);
    for part in directive.split_whitespace() {
        match part.split_once('=') {
            Some(("section", v)) => section = Some(v.to_owned()),
            Some(("territory", v)) => territory = Some(v.to_owned()),
            Some(("schema", v)) => schema = Some(v.to_owned()),
            _ => return Err(format!("unknown directive part {part:?}")),
        }
    }
    if schema.as_deref() != Some("1") {
        return Err(format!("schema {schema:?}, expected 1"));
    }
    let mut all = records(text)?.into_iter();
    let header: Vec<String> = all
        .next()
        .ok_or("no header row")?
        .into_iter()
        .map(|c| c.unwrap_or_default().trim().to_owned())
        .collect();
    // Citations: `# cite @name: text` lines; a source cell `@name` stands for the text.
    let cites: std::collections::HashMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# cite @"))
        .filter_map(|c| c.split_once(':'))
        .map(|(n, t)| (n.trim(), t.trim()))
        .collect();
    let source_col = header.iter().position(|h| h == "source");
    let mut records = Vec::new();
    for (k, mut r) in all.enumerate() {
        if let Some(cell) = source_col.and_then(|i| r.get_mut(i))
            && let Some(name) = cell.as_deref().and_then(|c| c.strip_prefix('@'))
        {
            let text = cites
                .get(name)
                .ok_or_else(|| format!("record {}: citation @{name} not defined", k + 1))?;
            *cell = Some((*text).to_owned());
        }
        if r.len() != header.len() {
            return Err(format!(
                "record {}: {} cells for {} fields",
                k + 1,
                r.len(),
                header.len()
            ));
        }
        // An empty cell, quoted or not, means the field is absent.
        records.push(r.into_iter().map(|c| c.filter(|s| !s.is_empty())).collect());
    }
    Ok(CsvFile {
        section: section.ok_or("no section")?,
        territory: territory.ok_or("no territory")?,
        header,
        records,
    })
}

/// The file as a TOML document `{ <section> = [ {row}, … ] }`, typed like the TOML rows.
pub fn to_toml(file: &CsvFile) -> Result<Value, String> {
    let mut rows = Vec::new();
    for (k, r) in file.records.iter().enumerate() {
        let mut row = toml::map::Map::new();
        for (name, cell) in file.header.iter().zip(r) {
            let Some(cell) = cell else { continue };
            let value = if LISTS.contains(&name.as_str()) {
                Value::Array(
                    cell.split_whitespace()
                        .map(|x| Value::String(x.to_owned()))
                        .collect(),
                )
            } else if FLAGS.contains(&name.as_str()) {
                match cell.as_str() {
                    "true" => Value::Boolean(true),
                    "false" => Value::Boolean(false),
                    other => return Err(format!("record {}: {name} = {other:?}", k + 1)),
                }
            } else if INTEGERS.contains(&name.as_str()) {
                Value::Integer(cell.parse().map_err(|e| format!("record {}: {e}", k + 1))?)
            } else {
                Value::String(cell.clone())
            };
            row.insert(name.clone(), value);
        }
        // Every row is of the file's territory (the cell may be left out).
        match row.get("territory").and_then(Value::as_str) {
            None => {
                row.insert("territory".into(), Value::String(file.territory.clone()));
            }
            Some(t) if t == file.territory => {}
            Some(t) => {
                return Err(format!(
                    "record {}: territory {t} in a file of {}",
                    k + 1,
                    file.territory
                ));
            }
        }
        rows.push(Value::Table(row));
    }
    let mut doc = toml::map::Map::new();
    doc.insert(file.section.clone(), Value::Array(rows));
    Ok(Value::Table(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "# landed-csv section=additional_duty territory=US schema=1\n";

    #[test]
    fn landed_oracle_csv_quoted_fields_keep_commas_quotes_and_line_breaks() {
        let text = format!(
            "{HEAD}name,source,rate_percent\n\
             a,\"EO 14257, s.3(b)\",10\n\
             b,\"the \"\"18\"\" rule\nsecond line\",\"7.5\"\n"
        );
        let f = parse(&text).unwrap();
        assert_eq!(f.section, "additional_duty");
        assert_eq!(f.territory, "US");
        assert_eq!(f.header, ["name", "source", "rate_percent"]);
        assert_eq!(
            f.records,
            [
                vec![
                    Some("a".to_owned()),
                    Some("EO 14257, s.3(b)".to_owned()),
                    Some("10".to_owned())
                ],
                vec![
                    Some("b".to_owned()),
                    Some("the \"18\" rule\nsecond line".to_owned()),
                    Some("7.5".to_owned())
                ],
            ]
        );
    }

    #[test]
    fn landed_oracle_csv_comment_lines_are_skipped_anywhere_but_inside_quotes() {
        let text = format!(
            "{HEAD}# a comment, with a comma\n# another \"quoted\" one\nname,source\n\
             # between records\na,\"x\n# not a comment\"\nb,y\n"
        );
        let f = parse(&text).unwrap();
        assert_eq!(f.records.len(), 2);
        assert_eq!(f.records[0][1].as_deref(), Some("x\n# not a comment"));
        assert_eq!(f.records[1][0].as_deref(), Some("b"));
    }

    #[test]
    fn landed_oracle_csv_empty_cells_are_absent_and_lists_and_flags_are_typed() {
        let text = format!(
            "{HEAD}name,hs,origins,top_up,warning,effective_to\r\n\
             a,,CN HK,true,\"\",\r\nb,9503,,false,w,2026-01-31\r\n"
        );
        let doc = to_toml(&parse(&text).unwrap()).unwrap();
        let rows = doc["additional_duty"].as_array().unwrap();
        let a = rows[0].as_table().unwrap();
        assert_eq!(a.get("hs"), None);
        assert_eq!(a.get("warning"), None);
        assert_eq!(a.get("effective_to"), None);
        assert_eq!(a["origins"].as_array().unwrap().len(), 2);
        assert_eq!(a["top_up"].as_bool(), Some(true));
        assert_eq!(a["territory"].as_str(), Some("US"));
        let b = rows[1].as_table().unwrap();
        assert_eq!(b.get("origins"), None);
        assert_eq!(b["top_up"].as_bool(), Some(false));
        assert_eq!(b["effective_to"].as_str(), Some("2026-01-31"));
    }

    #[test]
    fn landed_oracle_csv_rejects_a_bad_directive_and_stray_quotes() {
        assert!(parse("name\na\n").is_err());
        assert!(parse("# landed-csv section=tariff territory=US schema=2\nhs\n1\n").is_err());
        assert!(parse(&format!("{HEAD}name,source\na,b\"c\n")).is_err());
        assert!(parse(&format!("{HEAD}name,source\na,\"b\"c\n")).is_err());
        assert!(parse(&format!("{HEAD}name,source\na\n")).is_err());
    }
}
