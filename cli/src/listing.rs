//! Listings of the data: fee schedules in force, destinations covered, versions.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use landed::data::DataOrigin;
use landed::{NaiveDate, RateTables};
use serde_json::{Value, json};

/// Prints `text` to standard output; a closed pipe is not an error.
fn print(text: &str) -> ExitCode {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("landed: standard output: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn print_json(value: &Value) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(s) => print(&format!("{s}\n")),
        Err(e) => {
            eprintln!("landed: {e}");
            ExitCode::from(1)
        }
    }
}

/// Today in UTC, from the system clock (`None` before 1970 or past chrono's range).
fn today() -> Option<NaiveDate> {
    const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    let days = i64::try_from(secs.checked_div(86_400)?).ok()?;
    let days = i32::try_from(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

fn day_text(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| "open".to_owned(), |d| d.to_string())
}

/// `landed schedules`: the fee schedule ids in force on `date` (default today), with the
/// period of the row in force, the currency and the source.
pub fn schedules(tables: &RateTables, date: Option<NaiveDate>, json: bool) -> ExitCode {
    let Some(date) = date.or_else(today) else {
        eprintln!("landed: the system clock gives no date; pass --date yyyy-mm-dd");
        return ExitCode::from(1);
    };
    let rows: Vec<_> = tables
        .fee_schedule_ids()
        .into_iter()
        .filter_map(|id| {
            let record = tables.fee_schedule(&id, date).ok()?;
            Some((id, record))
        })
        .collect();
    if json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(id, r)| {
                json!({
                    "id": id,
                    "currency": r.schedule.currency().code(),
                    "from": r.period.from.to_string(),
                    "to": r.period.last_day().map(|d| d.to_string()),
                    "source": r.source,
                })
            })
            .collect();
        return print_json(&json!({ "date": date.to_string(), "schedules": list }));
    }
    let width = rows.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    let mut text = format!("fee schedules in force on {date}: {}\n", rows.len());
    for (id, r) in &rows {
        text.push_str(&format!(
            "{id:width$}  {}  {} to {}\n",
            r.schedule.currency().code(),
            r.period.from,
            day_text(r.period.last_day()),
        ));
    }
    print(&text)
}

/// `landed coverage`: each destination with its first and last covered day
/// ([`RateTables::coverage`] says how they are derived).
pub fn coverage(tables: &RateTables, json: bool) -> ExitCode {
    let all = tables.coverage();
    let verified = tables.verified_until();
    if json {
        let list: Vec<Value> = all
            .iter()
            .map(|c| {
                json!({
                    "destination": c.destination.as_str(),
                    "first_day": c.first_day.to_string(),
                    "last_day": c.last_day.map(|d| d.to_string()),
                    "spans": c.spans.iter().map(|s| json!({
                        "territory": s.territory.as_str(),
                        "from": s.period.from.to_string(),
                        "to": s.period.last_day().map(|d| d.to_string()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        return print_json(&json!({
            "data_version": tables.version().to_string(),
            "verified_until": verified.map(|d| d.to_string()),
            "destinations": list,
        }));
    }
    let mut text = format!(
        "destinations covered by {} (open: no end in the data; rates verified until {}):\n",
        tables.version(),
        day_text(verified),
    );
    for c in &all {
        let territories: Vec<&str> = c.spans.iter().map(|s| s.territory.as_str()).collect();
        text.push_str(&format!(
            "{}  {}  {} to {}\n",
            c.destination.as_str(),
            territories.join(","),
            c.first_day,
            day_text(c.last_day),
        ));
    }
    print(&text)
}

/// Where data came from, in words.
fn origin(origin: &DataOrigin) -> String {
    match origin {
        DataOrigin::Embedded => "embedded".to_owned(),
        DataOrigin::Directory(dir) => format!("directory {}", dir.display()),
        DataOrigin::Inline(name) => format!("file {name}"),
        DataOrigin::Overridden { base, overlay } => format!(
            "{} overridden by {} ({})",
            origin_of(base),
            origin_of(overlay),
            overlay
        ),
        other => format!("{other:?}"),
    }
}

fn origin_of(v: &landed::DataVersion) -> String {
    origin(&v.origin)
}

/// `landed version`: the crate's version (the command is released with the library, at its
/// version) and the data's.
pub fn version(tables: &RateTables, json: bool) -> ExitCode {
    let crate_version = env!("CARGO_PKG_VERSION");
    let v = tables.version();
    let origin = origin(&v.origin);
    if json {
        return print_json(&json!({
            "crate": crate_version,
            "data": {
                "version": v.to_string(),
                "dataset": &*v.dataset,
                "schema": v.schema,
                "sha256": &*v.sha256,
                "as_of": v.as_of.map(|d| d.to_string()),
                "verified_until": tables.verified_until().map(|d| d.to_string()),
                "origin": origin,
            },
        }));
    }
    print(&format!(
        "landed {crate_version}\ndata {v} ({origin}; dataset {}, schema {}, as of {}, verified until {}, sha256 {})\n",
        v.dataset,
        v.schema,
        day_text(v.as_of),
        day_text(tables.verified_until()),
        v.sha256,
    ))
}
