//! Issue 17's acceptance point "the day before, of and after each dated change of each
//! authority (generated from the data, not written one by one)", on the embedded US data.
//!
//! The test reads `data/tariff_us_additional.csv` and `data/tariff_us_exemptions.csv` itself
//! (a plain CSV parse), groups the additional-duty rows into series by name, and for every
//! dated change of every series (a row's `effective_from`, the day after a row's
//! `effective_to`) picks one representative case: a row of the change, an HTS code of the US
//! schedule (`data/tariff_us.csv`) under the row's HS prefix, and an origin the row covers.
//! It quotes that case the day before, the day of and the day after the change, and compares
//! the quote's additional-duty charges and warnings with what the data says must happen
//! there: every row in force that covers the case, less the exemptions, the
//! `highest_in_group` losers and the rows that yield to a charging row of a group they name
//! (the stacking rules of the CSV header and of `landed::duty::additional`), each charging its
//! rate on the customs value, or for a `top_up` row what brings the line's tariff duty up to
//! its rate, and each adding its warning.
//!
//! The change's own row is then classified on the day it is in force (the day of a start,
//! the day before an end): charged, warned, charged zero (a `top_up` already met) or hidden by
//! the stacking (outranked in its group, yielding to another group, exempted); a hidden row is
//! asserted hidden, not skipped. The case is chosen to show the row when some candidate does.
//!
//! Customs value 1,000.00 USD (ten units of 100.00, above the $800 de minimis of 2025), no
//! preference claimed (`claim_preference: false`), so `not_with_preference` rows apply; a
//! second quote of those rows with the preference claimed checks that they then give way when
//! the tariff charge is preferential.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use chrono::{Days, NaiveDate};
use landed::RateTables;
use landed::landed::{ChargeKind, Quote, QuoteRequest};
use rust_decimal::Decimal;
use serde_json::json;

/// Cases whose assertion fails because of a known bug in the data or the engine: (series
/// name, change date). Each is reported, not asserted; the test fails when a listed case
/// passes again, so the list is kept honest.
const KNOWN_BUGS: &[(&str, &str)] = &[];

/// Origins tried, in order, for a row that covers every origin (less its exclusions).
const ANY_ORIGINS: &[&str] = &[
    "VN", "CN", "DE", "JP", "GB", "IN", "BR", "KR", "TW", "CA", "MX",
];

/// Codes tried for a row that covers every good: a cotton T-shirt (MFN 16.5 %), a plastic
/// article (5.3 %), wooden furniture (free), a laptop (free), leather handbags (8 %).
const ANY_CODES: &[&str] = &["61091000", "39269099", "94036080", "84713001", "42022160"];

// ------------------------------------------------------------------ CSV

/// The cells of one CSV line (quotes and doubled quotes, no newlines inside a cell).
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The records of a data CSV (comment lines skipped) as maps from the header's names.
fn records(file: &str) -> Vec<HashMap<String, String>> {
    let path = format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header = cells(lines.next().unwrap());
    lines
        .map(|l| {
            let c = cells(l);
            assert_eq!(c.len(), header.len(), "{file}: {l}");
            header.iter().cloned().zip(c).collect()
        })
        .collect()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn list(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn opt_day(s: &str) -> Option<NaiveDate> {
    (!s.is_empty()).then(|| day(s))
}

fn flag(s: &str) -> bool {
    match s {
        "true" => true,
        "false" | "" => false,
        _ => panic!("not a flag: {s:?}"),
    }
}

fn in_force(from: NaiveDate, to: Option<NaiveDate>, d: NaiveDate) -> bool {
    from <= d && to.is_none_or(|t| d <= t)
}

// ------------------------------------------------------------------ the data

/// An `additional_duty` row, as the CSV gives it.
#[derive(Debug)]
struct Row {
    name: String,
    label: String,
    hs: Option<String>,
    origins: Vec<String>,
    exclude_origins: Vec<String>,
    exclude_hs: Vec<String>,
    not_with_preference: bool,
    rate: Decimal,
    top_up: bool,
    highest: bool,
    group: Option<String>,
    yields_to: Vec<String>,
    warn_only: bool,
    warning: Option<String>,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl Row {
    fn of(r: &HashMap<String, String>) -> Self {
        let opt = |k: &str| Some(r[k].clone()).filter(|s| !s.is_empty());
        let name = r["name"].clone();
        // The charge's name: `authority (heading)`, or the row's name (see the CSV header).
        let heading = opt("heading").map(|h| {
            let d = digits(&h);
            format!("{}.{}.{}", &d[..4], &d[4..6], &d[6..])
        });
        let label = match (opt("authority"), heading) {
            (Some(a), Some(h)) => format!("{a} ({h})"),
            (Some(a), None) => a,
            (None, Some(h)) => format!("{name} ({h})"),
            (None, None) => name.clone(),
        };
        let stacking = &r["stacking"];
        assert!(
            stacking == "cumulative" || stacking == "highest_in_group",
            "{stacking}"
        );
        Self {
            label,
            hs: opt("hs").map(|h| digits(&h)),
            origins: list(&r["origins"]),
            exclude_origins: list(&r["exclude_origins"]),
            exclude_hs: list(&r["exclude_hs"]).iter().map(|h| digits(h)).collect(),
            not_with_preference: flag(&r["not_with_preference"]),
            rate: r["rate_percent"].parse().unwrap(),
            top_up: flag(&r["top_up"]),
            highest: stacking == "highest_in_group",
            group: opt("group"),
            yields_to: list(&r["yields_to"]),
            warn_only: flag(&r["warn_only"]),
            warning: opt("warning"),
            from: day(&r["effective_from"]),
            to: opt_day(&r["effective_to"]),
            name,
        }
    }

    /// The row's scope (HS prefix, origins, preference) covers the line.
    fn covers(&self, hs: &str, origin: &str, preferential: bool) -> bool {
        (self.origins.is_empty() || self.origins.iter().any(|o| o == origin))
            && !self.exclude_origins.iter().any(|o| o == origin)
            && !(self.not_with_preference && preferential)
            && !self.exclude_hs.iter().any(|p| hs.starts_with(p.as_str()))
            && self.hs.as_ref().is_none_or(|p| hs.starts_with(p.as_str()))
    }

    fn is_named(&self, name: &str) -> bool {
        self.name == name || self.group.as_deref() == Some(name)
    }
}

/// A `duty_exemption` row.
#[derive(Debug)]
struct Exemption {
    duty: String,
    hs: String,
    origins: Vec<String>,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// A line of the US schedule: its eight digits, its rate when it is ad valorem only, and its
/// period.
struct Line {
    hs8: String,
    ad_valorem: Option<Decimal>,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

struct Data {
    rows: Vec<Row>,
    /// Row indices by HS prefix (`""` for all goods).
    rows_by_hs: HashMap<String, Vec<usize>>,
    exemptions: Vec<Exemption>,
    exemptions_by_hs: HashMap<String, Vec<usize>>,
    schedule: Vec<Line>,
    /// The first day the US schedule covers: a quote before it is an error.
    coverage: NaiveDate,
}

impl Data {
    fn load() -> Self {
        let rows: Vec<Row> = records("tariff_us_additional.csv")
            .iter()
            .map(|r| {
                assert_eq!(r["territory"], "US");
                Row::of(r)
            })
            .collect();
        let mut rows_by_hs: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            rows_by_hs
                .entry(r.hs.clone().unwrap_or_default())
                .or_default()
                .push(i);
        }
        let exemptions: Vec<Exemption> = records("tariff_us_exemptions.csv")
            .iter()
            .map(|r| Exemption {
                duty: r["duty"].clone(),
                hs: digits(&r["hs"]),
                origins: list(&r["origins"]),
                from: day(&r["effective_from"]),
                to: opt_day(&r["effective_to"]),
            })
            .collect();
        let mut exemptions_by_hs: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in exemptions.iter().enumerate() {
            exemptions_by_hs.entry(e.hs.clone()).or_default().push(i);
        }
        let mut schedule: Vec<Line> = records("tariff_us.csv")
            .iter()
            .map(|r| Line {
                hs8: digits(&r["hs"]),
                ad_valorem: (!r["rate_percent"].is_empty() && r["specific_amount"].is_empty())
                    .then(|| r["rate_percent"].parse().unwrap()),
                from: day(&r["effective_from"]),
                to: opt_day(&r["effective_to"]),
            })
            .collect();
        schedule.sort_by(|a, b| (&a.hs8, a.from).cmp(&(&b.hs8, b.from)));
        let coverage = schedule.iter().map(|l| l.from).min().unwrap();
        Self {
            rows,
            rows_by_hs,
            exemptions,
            exemptions_by_hs,
            schedule,
            coverage,
        }
    }

    /// Every row in force on `date` whose HS prefix the code starts with.
    fn in_force(&self, hs: &str, date: NaiveDate) -> Vec<usize> {
        let mut out = Vec::new();
        for n in 0..=hs.len() {
            if let Some(list) = self.rows_by_hs.get(&hs[..n]) {
                out.extend(
                    list.iter()
                        .copied()
                        .filter(|&i| in_force(self.rows[i].from, self.rows[i].to, date)),
                );
            }
        }
        out
    }

    fn exempted(&self, row: &Row, hs: &str, origin: &str, date: NaiveDate) -> bool {
        (2..=hs.len()).any(|n| {
            self.exemptions_by_hs.get(&hs[..n]).is_some_and(|list| {
                list.iter().any(|&i| {
                    let e = &self.exemptions[i];
                    in_force(e.from, e.to, date)
                        && row.is_named(&e.duty)
                        && (e.origins.is_empty() || e.origins.iter().any(|o| o == origin))
                })
            })
        })
    }

    /// What the data says about a line of `hs` from `origin` on `date`: each row in force
    /// whose HS prefix matches, with what becomes of it.
    fn expect(&self, hs: &str, origin: &str, date: NaiveDate, pref: bool) -> Vec<(usize, Fate)> {
        let found = self.in_force(hs, date);
        let mut fates: Vec<(usize, Fate)> = Vec::new();
        let mut covering = Vec::new();
        for &i in &found {
            let r = &self.rows[i];
            if !r.covers(hs, origin, false) {
                fates.push((i, Fate::OutOfScope));
            } else if !r.covers(hs, origin, pref) {
                fates.push((i, Fate::Preference));
            } else if self.exempted(r, hs, origin, date) {
                fates.push((i, Fate::Exempted));
            } else {
                covering.push(i);
            }
        }
        for &i in &covering {
            let d = &self.rows[i];
            let outranked = covering.iter().copied().find(|&o| {
                let o = &self.rows[o];
                d.highest
                    && o.group == d.group
                    && !o.warn_only
                    && (o.rate > d.rate || (o.rate == d.rate && o.name < d.name))
            });
            let yields = covering.iter().copied().find(|&o| {
                let o = &self.rows[o];
                !o.warn_only && o.group.as_ref().is_some_and(|g| d.yields_to.contains(g))
            });
            let fate = match (outranked, yields) {
                (Some(o), _) => Fate::Outranked(o),
                (None, Some(o)) => Fate::Yields(o),
                (None, None) => Fate::Applies,
            };
            fates.push((i, fate));
        }
        fates
    }
}

/// What becomes of a row in force whose HS prefix matches a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Its origins, excluded origins or excluded HS prefixes leave the line out.
    OutOfScope,
    /// A `not_with_preference` row and the line is preferential.
    Preference,
    /// A `duty_exemption` row spares the line.
    Exempted,
    /// A higher row of its `highest_in_group` group covers the line (that row's index).
    Outranked(usize),
    /// A charging row of a group it yields to covers the line (that row's index).
    Yields(usize),
    /// It charges (or warns).
    Applies,
}

// ------------------------------------------------------------------ quoting

fn request(hs: &str, origin: &str, date: NaiveDate, claim: bool) -> QuoteRequest {
    let line = json!({"hs_code": hs, "quantity": "10", "unit_price": "100.00",
                      "origin": origin, "claim_preference": claim});
    let req = json!({
        "date": date.to_string(), "destination": "US", "currency": "USD", "ship_from": origin,
        "lines": [line]
    });
    QuoteRequest::from_json(&req.to_string()).unwrap()
}

/// An additional-duty charge of a quote: (row name, label, rate, unrounded amount).
type Got = (String, String, Option<Decimal>, Decimal);

/// The additional-duty charges (rule `additional_duty US <name> …`) and the tariff duty.
fn split(q: &Quote) -> (Vec<Got>, Decimal) {
    let mut extra = Vec::new();
    let mut tariff = Decimal::ZERO;
    for c in q.charges.iter().filter(|c| c.kind == ChargeKind::Duty) {
        let rule = c.rule.to_string();
        let mut words = rule.split_whitespace();
        if words.next() == Some("additional_duty") {
            // `additional_duty US <name> <hs>@<from>`, or `… <name>@<from>` for all goods.
            let name = words.nth(1).unwrap();
            let name = name.split('@').next().unwrap().to_owned();
            extra.push((name, c.name.to_string(), c.rate, c.unrounded));
        } else {
            tariff += c.unrounded;
        }
    }
    extra.sort();
    (extra, tariff)
}

fn preferential(q: &Quote) -> bool {
    q.charges
        .iter()
        .any(|c| c.kind == ChargeKind::Duty && c.rate_text.to_string().contains("preferential"))
}

/// The customs value, 1,000.00.
fn customs_value() -> Decimal {
    Decimal::new(100_000, 2)
}

/// Compares a quote with the data's expectation; returns the mismatches.
fn check(
    data: &Data,
    q: &Quote,
    hs: &str,
    origin: &str,
    date: NaiveDate,
    pref: bool,
) -> Vec<String> {
    let fates = data.expect(hs, origin, date, pref);
    let (got, tariff) = split(q);
    let mut want: Vec<Got> = Vec::new();
    let mut problems = Vec::new();
    for &(i, fate) in &fates {
        let r = &data.rows[i];
        let warning = r.warning.as_ref().map(|w| format!("{}: {w}", r.label));
        let warned = warning
            .as_ref()
            .is_some_and(|w| q.warnings.iter().any(|x| x.ends_with(w.as_str())));
        if fate == Fate::Applies {
            if let Some(w) = &warning
                && !warned
            {
                problems.push(format!("missing warning {w:?}"));
            }
            if !r.warn_only {
                let full = customs_value() * r.rate / Decimal::ONE_HUNDRED;
                let (rate, amount) = if r.top_up {
                    (None, (full - tariff).max(Decimal::ZERO))
                } else {
                    (Some(r.rate), full)
                };
                want.push((r.name.clone(), r.label.clone(), rate, amount));
            }
        } else if warned
            && !fates.iter().any(|&(j, f)| {
                f == Fate::Applies
                    && data.rows[j].label == r.label
                    && data.rows[j].warning == r.warning
            })
        {
            problems.push(format!("warning of {} ({fate:?}) shown", r.name));
        }
    }
    want.sort();
    // Compare amounts as numbers (75.0 and 75.00 are the same duty).
    let norm = |v: &[Got]| -> Vec<Got> {
        v.iter()
            .map(|(n, l, r, a)| {
                (
                    n.clone(),
                    l.clone(),
                    r.map(|x| x.normalize()),
                    a.normalize(),
                )
            })
            .collect()
    };
    if norm(&got) != norm(&want) {
        problems.push(format!("charges: expected {want:?}, got {got:?}"));
    }
    if !problems.is_empty() {
        problems.insert(
            0,
            format!("{hs} from {origin} on {date} (preference claimed: {pref})"),
        );
    }
    problems
}

// ------------------------------------------------------------------ the changes

/// One dated change of a series: the day it takes effect, the rows starting that day and the
/// rows whose last day was the day before.
struct Change {
    name: String,
    date: NaiveDate,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

fn changes(data: &Data) -> Vec<Change> {
    let mut by: BTreeMap<(String, NaiveDate), (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, r) in data.rows.iter().enumerate() {
        by.entry((r.name.clone(), r.from)).or_default().0.push(i);
        if let Some(to) = r.to {
            let next = to.checked_add_days(Days::new(1)).unwrap();
            by.entry((r.name.clone(), next)).or_default().1.push(i);
        }
    }
    by.into_iter()
        .map(|((name, date), (starts, ends))| Change {
            name,
            date,
            starts,
            ends,
        })
        .collect()
}

/// The candidate codes for a row: schedule lines under its prefix (ad valorem, the same line
/// on the three days), as ten digits, with their MFN rate.
fn codes_for(data: &Data, r: &Row, days: &[NaiveDate]) -> Vec<(String, Decimal)> {
    let live = |l: &Line| days.iter().all(|&d| in_force(l.from, l.to, d));
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let (p, ten) = match r.hs.as_deref() {
        None => {
            for c in ANY_CODES {
                let found = data.schedule.iter().find(|l| l.hs8 == *c && live(l));
                if let Some(rate) = found.and_then(|l| l.ad_valorem) {
                    out.push((format!("{c}00"), rate));
                }
            }
            return out;
        }
        Some(p) if p.len() > 8 => (&p[..8], Some(p)),
        Some(p) => (p, None),
    };
    let start = data.schedule.partition_point(|l| l.hs8.as_str() < p);
    for l in data.schedule[start..]
        .iter()
        .take_while(|l| l.hs8.starts_with(p))
    {
        if let Some(rate) = l.ad_valorem
            && live(l)
            && seen.insert(l.hs8.clone())
        {
            out.push((
                ten.map_or_else(|| format!("{}00", l.hs8), str::to_owned),
                rate,
            ));
        }
    }
    out.retain(|(c, _)| !r.exclude_hs.iter().any(|p| c.starts_with(p.as_str())));
    out
}

fn origins_for(r: &Row) -> Vec<String> {
    let all: Vec<String> = if r.origins.is_empty() {
        ANY_ORIGINS.iter().map(|o| (*o).to_owned()).collect()
    } else {
        r.origins.clone()
    };
    all.into_iter()
        .filter(|o| !r.exclude_origins.contains(o))
        .collect()
}

/// How the change's own row fares on the day it is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Charged, a nonzero amount.
    Charged,
    /// A `warn_only` row: its warning is shown.
    Warned,
    /// A `top_up` row whose floor the tariff duty already meets: a charge of zero.
    ZeroTopUp,
    /// Hidden by the stacking: outranked, yielding or exempted.
    Hidden,
}

/// The best (most visible) representative case of a change: (row, code, origin, outcome).
fn representative(
    data: &Data,
    c: &Change,
    days: &[NaiveDate],
) -> Option<(usize, String, String, Outcome)> {
    let mut best: Option<(usize, String, String, Outcome)> = None;
    // Rows starting are preferred to rows ending; a bounded sample of each keeps it quick.
    let rows = c.starts.iter().take(40).chain(c.ends.iter().take(40));
    for &i in rows {
        let r = &data.rows[i];
        let on = if c.starts.contains(&i) {
            c.date
        } else {
            r.to.unwrap()
        };
        for (code, mfn) in codes_for(data, r, days).iter().take(4) {
            for origin in origins_for(r) {
                let fates = data.expect(code, &origin, on, false);
                let fate = fates.iter().find(|(j, _)| *j == i).map(|f| f.1);
                let outcome = match fate {
                    Some(Fate::Applies) if r.warn_only => Outcome::Warned,
                    // Nonzero when the line's MFN rate (from the schedule file; the quote's
                    // tariff duty decides in the check) is under the floor.
                    Some(Fate::Applies) if r.top_up && r.rate <= *mfn => Outcome::ZeroTopUp,
                    Some(Fate::Applies) => Outcome::Charged,
                    Some(Fate::Outranked(_) | Fate::Yields(_) | Fate::Exempted) => Outcome::Hidden,
                    Some(Fate::OutOfScope | Fate::Preference) | None => continue,
                };
                if best.as_ref().is_none_or(|b| outcome < b.3) {
                    best = Some((i, code.clone(), origin.clone(), outcome));
                }
                if outcome <= Outcome::Warned {
                    return best;
                }
            }
        }
    }
    best
}

#[derive(Default)]
struct Tally {
    changes: usize,
    before_coverage: usize,
    quotes: usize,
    charged: usize,
    warned: usize,
    zero_top_up: usize,
    topped_up: usize,
    hidden: Vec<String>,
    preference: usize,
    unpredicted: Vec<String>,
    mismatches: BTreeMap<(String, NaiveDate), Vec<String>>,
}

#[test]
fn each_dated_change_of_each_us_additional_duty_series_the_day_before_of_and_after() {
    let started = Instant::now();
    let data = Data::load();
    let tables = RateTables::embedded().unwrap();
    let all = changes(&data);
    let series: BTreeSet<&str> = all.iter().map(|c| c.name.as_str()).collect();
    let mut t = Tally::default();
    for c in &all {
        t.changes += 1;
        let before = c.date.checked_sub_days(Days::new(1)).unwrap();
        let after = c.date.checked_add_days(Days::new(1)).unwrap();
        // Days before the US schedule's coverage cannot be quoted (an error by design): the
        // 2018-2024 Section 301 starts are checked from the first covered day, if any.
        let days: Vec<NaiveDate> = [before, c.date, after]
            .into_iter()
            .filter(|d| *d >= data.coverage)
            .collect();
        if !days.contains(&c.date) && !days.contains(&before) {
            t.before_coverage += 1;
            continue;
        }
        let Some((row, hs, origin, _)) = representative(&data, c, &days) else {
            t.unpredicted.push(format!(
                "{} {}: no schedule line under the row's prefix is ad valorem on the three days",
                c.name, c.date
            ));
            continue;
        };
        let r = &data.rows[row];
        let on = if c.starts.contains(&row) {
            c.date
        } else {
            r.to.unwrap()
        };
        let mut problems = Vec::new();
        for &d in &days {
            let q = match tables.quote(&request(&hs, &origin, d, false)) {
                Ok(q) => q,
                Err(e) => {
                    problems.push(format!("{hs} from {origin} on {d}: quote failed: {e}"));
                    continue;
                }
            };
            t.quotes += 1;
            problems.extend(check(&data, &q, &hs, &origin, d, false));
            if d != on {
                continue;
            }
            let fate = data.expect(&hs, &origin, d, false);
            let fate = fate.iter().find(|(j, _)| *j == row).unwrap().1;
            match fate {
                Fate::Applies if r.warn_only => t.warned += 1,
                Fate::Applies if r.top_up => {
                    let (_, tariff) = split(&q);
                    if customs_value() * r.rate / Decimal::ONE_HUNDRED > tariff {
                        t.topped_up += 1;
                    } else {
                        t.zero_top_up += 1;
                    }
                }
                Fate::Applies => t.charged += 1,
                Fate::Outranked(o) | Fate::Yields(o) => t.hidden.push(format!(
                    "{} {d} {hs} {origin}: {fate:?} by {}",
                    c.name, data.rows[o].name
                )),
                Fate::Exempted => t
                    .hidden
                    .push(format!("{} {d} {hs} {origin}: exempted", c.name)),
                Fate::OutOfScope | Fate::Preference => unreachable!("chosen in scope"),
            }
            // A USMCA-style row: with the preference claimed, the row gives way when the
            // tariff charge is preferential (and applies as before when it is not).
            if r.not_with_preference {
                let q = tables.quote(&request(&hs, &origin, d, true)).unwrap();
                t.quotes += 1;
                let pref = preferential(&q);
                problems.extend(check(&data, &q, &hs, &origin, d, pref));
                if pref {
                    t.preference += 1;
                }
            }
        }
        if !problems.is_empty() {
            t.mismatches.insert((c.name.clone(), c.date), problems);
        }
    }
    let elapsed = started.elapsed();
    println!(
        "{} series, {} dated changes ({} wholly before the US coverage {}), {} quotes in {:?}",
        series.len(),
        t.changes,
        t.before_coverage,
        data.coverage,
        t.quotes,
        elapsed
    );
    println!(
        "change rows charged {}, topped up {}, top-up already met (zero) {}, warned {}, \
         hidden by stacking {}, preference quotes with the row spared {}",
        t.charged,
        t.topped_up,
        t.zero_top_up,
        t.warned,
        t.hidden.len(),
        t.preference
    );
    for h in &t.hidden {
        println!("hidden: {h}");
    }
    for u in &t.unpredicted {
        println!("unpredicted: {u}");
    }
    let known: BTreeSet<(String, NaiveDate)> = KNOWN_BUGS
        .iter()
        .map(|(n, d)| ((*n).to_owned(), day(d)))
        .collect();
    let mut failures = Vec::new();
    for (key, problems) in &t.mismatches {
        let tag = if known.contains(key) {
            "known bug"
        } else {
            "MISMATCH"
        };
        println!("{tag}: {} {}", key.0, key.1);
        for p in problems {
            println!("    {p}");
        }
        if !known.contains(key) {
            failures.push(key.clone());
        }
    }
    let fixed: Vec<_> = known
        .iter()
        .filter(|k| !t.mismatches.contains_key(*k))
        .collect();
    assert!(
        failures.is_empty(),
        "{} changes mismatch: {failures:?}",
        failures.len()
    );
    assert!(
        fixed.is_empty(),
        "KNOWN_BUGS that pass now, remove them: {fixed:?}"
    );
    // Every change is either quoted or wholly before the coverage; the unpredicted ones (no
    // ad valorem schedule line to quote) must stay a handful.
    assert!(t.unpredicted.len() <= 5, "{:?}", t.unpredicted);
}
