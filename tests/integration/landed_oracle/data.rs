//! The customs rows the oracle needs, read straight from `data/*.toml` and `data/*.csv`
//! (`landed-csv`, see `csv.rs`) into plain structs (the crate's own customs tables are
//! private). Only what the cascade uses is kept; every row keeps its dates so that the oracle
//! picks the rows in force itself. A CSV file is turned into the same TOML rows first, so both
//! formats go through the same code below.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::Value;

/// A row's validity: `effective_from` inclusive, `effective_to` inclusive (as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dates {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Dates {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

#[derive(Debug, Clone)]
pub struct Threshold {
    /// `intrinsic`, `customs_value`, `item` or `sale_price`.
    pub value: String,
    pub currency: String,
    pub amount: Decimal,
    /// `lt`, `le`, `gt` or `ge`.
    pub comparison: String,
}

#[derive(Debug, Clone, Default)]
pub struct Conditions {
    pub threshold: Option<Threshold>,
    pub buyer: Option<String>,
    pub requires_registration: Option<String>,
    pub ship_from: Vec<String>,
    pub transport: Vec<String>,
    pub origins: Vec<String>,
    pub exclude_origins: Vec<String>,
    /// A second threshold (China's annual limit).
    pub also_threshold: Option<Threshold>,
    /// At most this many units in the order.
    pub max_units: Option<Decimal>,
    /// Destination countries (empty: any).
    pub destinations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Territory {
    pub code: String,
    pub members: Vec<String>,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct CountryCurrency {
    pub country: String,
    pub currency: String,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct Regime {
    pub territory: String,
    pub id: String,
    pub cif: bool,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct ImportTax {
    pub territory: String,
    pub name: String,
    pub label: String,
    pub order: i64,
    /// `None` = the VAT table; `Some(p)` = a fixed percent.
    pub fixed: Option<Decimal>,
    pub component: Option<String>,
    pub base: Vec<String>,
    pub factor_percent: Decimal,
    pub gross_up: bool,
    /// `rate = "line_excise"`: the line's `excise_rate`.
    pub line_excise: bool,
    /// `rate = "fraction"`: the numerator and denominator of `rate_fraction`.
    pub fraction: Option<(Decimal, Decimal)>,
    /// Whether the `tax_base` rounding row rounds this tax's base (default true).
    pub round_base: bool,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub territory: String,
    pub name: String,
    pub regime: Option<String>,
    pub priority: i64,
    pub effects: Vec<String>,
    pub conditions: Conditions,
    pub exclude_hs: Vec<String>,
    /// When not empty, only lines under these prefixes are in the rule.
    pub include_hs: Vec<String>,
    /// `scope = "line"`: the threshold is tested on each line's unit price.
    pub scope_line: bool,
    pub flat_duty: Option<(Decimal, String)>,
    pub checkout_tax_base: Vec<String>,
    /// Share of the statutory import taxes on the lines under the rule.
    pub tax_factor_percent: Option<Decimal>,
    /// Customs value at this percent of the retail price (personal use).
    pub valuation_share_percent: Option<Decimal>,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct Fee {
    pub territory: String,
    pub name: String,
    pub label: String,
    pub ad_valorem: bool,
    pub rate_percent: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub min_amount: Option<Decimal>,
    pub max_amount: Option<Decimal>,
    pub currency: String,
    pub conditions: Conditions,
    pub exempt_preferential: bool,
    pub taxable: bool,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct Rounding {
    pub territory: String,
    /// `duty_base`, `duty`, `tax_base`, `tax` or `fee`.
    pub target: String,
    /// `line` or `total`.
    pub line_stage: bool,
    pub increment: Option<Decimal>,
    pub mode: landed::RoundingMode,
    /// `line_increment`/`line_mode`: each line rounded before the total.
    pub line: Option<Box<Rounding>>,
    /// `chain_increment`/`chain_mode`: a line's amount as a later base sees it.
    pub chain: Option<Box<Rounding>>,
    /// `declaration = true`: the step's charges rounded as one total, split over them.
    pub declaration: bool,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct Preference {
    pub territory: String,
    pub scheme: String,
    pub partners: Vec<String>,
    pub rate_percent: Decimal,
    pub exclude_hs: Vec<String>,
    pub dates: Dates,
}

#[derive(Debug, Clone)]
pub struct AdditionalDuty {
    pub territory: String,
    pub name: String,
    /// What the charge is called: `authority (heading)` (candidate headings `h1 / h2`),
    /// `authority`, `name (heading)` or `name`.
    pub label: String,
    /// HS prefix, digits only.
    pub hs: Option<String>,
    pub origins: Vec<String>,
    pub exclude_origins: Vec<String>,
    pub exclude_hs: Vec<String>,
    pub not_with_preference: bool,
    pub rate_percent: Decimal,
    /// The rate is a floor on the line's tariff duty plus this duty.
    pub top_up: bool,
    pub highest_in_group: bool,
    pub group: Option<String>,
    pub yields_to: Vec<String>,
    /// Warns, never charges.
    pub warn_only: bool,
    pub warning: Option<String>,
    pub dates: Dates,
}

/// Goods under an HS prefix (and of some origins) that an additional duty, named by its name
/// or group, does not apply to.
#[derive(Debug, Clone)]
pub struct DutyExemption {
    pub territory: String,
    /// An additional duty's name or group.
    pub duty: String,
    /// HS prefix, digits only.
    pub hs: String,
    pub origins: Vec<String>,
    pub dates: Dates,
}

/// A tariff row's code, for the generator (the oracle looks tariff rates up through
/// `RateTables::tariff`; the row's dates feed `change_days`).
#[derive(Debug, Clone)]
pub struct Tariff {
    pub territory: String,
    /// HS code, digits only.
    pub hs: String,
}

/// Every row the oracle reads, plus every date on which some row starts or stops.
#[derive(Debug, Default)]
pub struct Rows {
    pub territories: Vec<Territory>,
    pub currencies: Vec<CountryCurrency>,
    pub regimes: Vec<Regime>,
    pub import_taxes: Vec<ImportTax>,
    pub rules: Vec<Rule>,
    pub fees: Vec<Fee>,
    pub roundings: Vec<Rounding>,
    pub preferences: Vec<Preference>,
    pub duty_bands: Vec<super::cn_br_mx::DutyBand>,
    pub additional: Vec<AdditionalDuty>,
    pub exemptions: Vec<DutyExemption>,
    /// (territory, heading as digits, dates) of every additional-duty and exemption row
    /// that names a heading: what the footnote check knows.
    pub headings: Vec<(String, String, Dates)>,
    pub tariffs: Vec<Tariff>,
    /// Indices into `additional` by (territory, HS prefix; `""` for all goods): thousands of
    /// rows would otherwise be scanned for every line.
    additional_by_prefix: HashMap<(String, String), Vec<usize>>,
    /// Indices into `exemptions` by (territory, HS prefix).
    exemptions_by_prefix: HashMap<(String, String), Vec<usize>>,
    /// Every `effective_from` and the day after every `effective_to`, in all data files.
    pub change_days: Vec<NaiveDate>,
}

pub(super) fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

pub(super) fn dec(v: &Value, k: &str) -> Option<Decimal> {
    s(v, k).map(|x| x.parse().unwrap())
}

fn list(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

pub(super) fn flag(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}

/// An HS code or prefix as digits only (data may write `9903.88.15` or `0201.10.05`).
fn digits(code: &str) -> String {
    code.chars().filter(|c| *c != '.' && *c != ' ').collect()
}

/// A chapter-99 heading as shown: `9903.88.15`.
fn heading(code: &str) -> String {
    let d = digits(code);
    assert_eq!(d.len(), 8, "heading {code}");
    format!("{}.{}.{}", &d[..4], &d[4..6], &d[6..])
}

pub(super) fn dates(v: &Value) -> Dates {
    Dates {
        from: s(v, "effective_from").unwrap().parse().unwrap(),
        to: s(v, "effective_to").map(|d| d.parse().unwrap()),
    }
}

fn threshold(t: &Value) -> Threshold {
    Threshold {
        value: s(t, "value").unwrap(),
        currency: s(t, "currency").unwrap(),
        amount: dec(t, "amount").unwrap(),
        comparison: s(t, "comparison").unwrap(),
    }
}

pub(super) fn conditions(v: &Value) -> Conditions {
    Conditions {
        threshold: v.get("threshold").map(threshold),
        also_threshold: v.get("also_threshold").map(threshold),
        max_units: dec(v, "max_units"),
        buyer: s(v, "buyer"),
        requires_registration: s(v, "requires_registration").map(|r| r.to_ascii_uppercase()),
        ship_from: list(v, "ship_from"),
        transport: list(v, "transport"),
        origins: list(v, "origins"),
        exclude_origins: list(v, "exclude_origins"),
        destinations: list(v, "destinations"),
    }
}

fn section<'a>(doc: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    doc.get(name)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
}

fn mode(name: &str) -> landed::RoundingMode {
    use landed::RoundingMode as M;
    match name {
        "half_even" => M::HalfEven,
        "half_up" => M::HalfUp,
        "half_down" => M::HalfDown,
        "up" => M::Up,
        "down" => M::Down,
        "ceiling" => M::Ceiling,
        "floor" => M::Floor,
        "half_ceiling" => M::HalfCeiling,
        other => panic!("unknown rounding mode {other}"),
    }
}

/// Every data file as a TOML document, in name order: `.toml` files as written, `.csv`
/// files turned into the rows of their section.
fn documents() -> Vec<(std::path::PathBuf, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml" || x == "csv"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = if path.extension().is_some_and(|x| x == "csv") {
                super::csv::parse(&text)
                    .and_then(|f| super::csv::to_toml(&f))
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            } else {
                toml::from_str(&text).unwrap()
            };
            (path, doc)
        })
        .collect()
}

fn load() -> Rows {
    let mut out = Rows::default();
    for (_, doc) in documents() {
        // Change days of every dated row of the file, whatever its section.
        if let Some(table) = doc.as_table() {
            for rows_of in table.values().filter_map(Value::as_array) {
                for row in rows_of {
                    if let Some(from) = s(row, "effective_from") {
                        out.change_days.push(from.parse().unwrap());
                    }
                    if let Some(to) = s(row, "effective_to") {
                        let to: NaiveDate = to.parse().unwrap();
                        out.change_days.push(to.succ_opt().unwrap());
                    }
                }
            }
        }
        for r in section(&doc, "territory") {
            out.territories.push(Territory {
                code: s(r, "code").unwrap(),
                members: list(r, "members"),
                dates: dates(r),
            });
        }
        for r in section(&doc, "country_currency") {
            out.currencies.push(CountryCurrency {
                country: s(r, "country").unwrap(),
                currency: s(r, "currency").unwrap(),
                dates: dates(r),
            });
        }
        for r in section(&doc, "regime") {
            out.regimes.push(Regime {
                territory: s(r, "territory").unwrap(),
                id: s(r, "id").unwrap(),
                cif: s(r, "valuation").unwrap() == "cif",
                dates: dates(r),
            });
        }
        for r in section(&doc, "import_tax") {
            let mut fraction = None;
            let fixed = match s(r, "rate").unwrap().as_str() {
                "vat_table" | "line_excise" => None,
                "fixed" => Some(dec(r, "rate_percent").unwrap()),
                "fraction" => {
                    let f = s(r, "rate_fraction").unwrap();
                    let (n, d) = f.split_once('/').unwrap();
                    fraction = Some((n.parse().unwrap(), d.parse().unwrap()));
                    Some(Decimal::ZERO)
                }
                other => panic!("unknown import_tax rate {other}"),
            };
            out.import_taxes.push(ImportTax {
                territory: s(r, "territory").unwrap(),
                name: s(r, "name").unwrap(),
                label: s(r, "label").unwrap(),
                order: r.get("order").and_then(Value::as_integer).unwrap_or(0),
                fixed,
                component: s(r, "component"),
                base: list(r, "base"),
                factor_percent: dec(r, "factor_percent").unwrap_or(Decimal::ONE_HUNDRED),
                gross_up: flag(r, "gross_up"),
                line_excise: s(r, "rate").unwrap() == "line_excise",
                fraction,
                round_base: r.get("round_base").and_then(Value::as_bool).unwrap_or(true),
                dates: dates(r),
            });
        }
        for r in section(&doc, "rule") {
            let effects = list(r, "effects");
            let checkout = effects.iter().any(|e| e == "tax_at_checkout");
            let checkout_tax_base = match (checkout, r.get("checkout_tax_base")) {
                (true, Some(_)) => list(r, "checkout_tax_base"),
                // The default base of a tax at checkout: the sale price, delivery included.
                (true, None) => vec!["goods".into(), "shipping".into(), "insurance".into()],
                (false, _) => Vec::new(),
            };
            out.rules.push(Rule {
                territory: s(r, "territory").unwrap(),
                name: s(r, "name").unwrap(),
                regime: s(r, "regime"),
                priority: r.get("priority").and_then(Value::as_integer).unwrap_or(0),
                conditions: conditions(r),
                exclude_hs: list(r, "exclude_hs"),
                include_hs: list(r, "include_hs"),
                scope_line: s(r, "scope").as_deref() == Some("line"),
                flat_duty: dec(r, "flat_duty_amount")
                    .map(|a| (a, s(r, "flat_duty_currency").unwrap())),
                checkout_tax_base,
                tax_factor_percent: dec(r, "tax_factor_percent"),
                effects,
                valuation_share_percent: dec(r, "valuation_share_percent"),
                dates: dates(r),
            });
        }
        out.duty_bands
            .extend(section(&doc, "duty_band").map(super::cn_br_mx::DutyBand::of));
        for r in section(&doc, "fee") {
            let mut c = conditions(r);
            // Fees are conditioned on threshold, transport and place of shipment only.
            c.buyer = None;
            c.requires_registration = None;
            c.origins.clear();
            c.exclude_origins.clear();
            out.fees.push(Fee {
                territory: s(r, "territory").unwrap(),
                name: s(r, "name").unwrap(),
                label: s(r, "label").unwrap(),
                ad_valorem: s(r, "kind").unwrap() == "ad_valorem",
                rate_percent: dec(r, "rate_percent"),
                amount: dec(r, "amount"),
                min_amount: dec(r, "min_amount"),
                max_amount: dec(r, "max_amount"),
                currency: s(r, "currency").unwrap(),
                conditions: c,
                exempt_preferential: flag(r, "exempt_preferential"),
                taxable: flag(r, "taxable"),
                dates: dates(r),
            });
        }
        for r in section(&doc, "rounding") {
            let sub = |inc: &str, m: &str| {
                s(r, m).map(|m| {
                    Box::new(Rounding {
                        territory: s(r, "territory").unwrap(),
                        target: s(r, "target").unwrap(),
                        line_stage: true,
                        increment: dec(r, inc),
                        mode: mode(&m),
                        line: None,
                        chain: None,
                        declaration: false,
                        dates: dates(r),
                    })
                })
            };
            out.roundings.push(Rounding {
                territory: s(r, "territory").unwrap(),
                target: s(r, "target").unwrap(),
                line_stage: s(r, "stage").unwrap() == "line",
                increment: dec(r, "increment"),
                mode: mode(&s(r, "mode").unwrap()),
                line: sub("line_increment", "line_mode"),
                chain: sub("chain_increment", "chain_mode"),
                declaration: flag(r, "declaration"),
                dates: dates(r),
            });
        }
        for r in section(&doc, "preference") {
            out.preferences.push(Preference {
                territory: s(r, "territory").unwrap(),
                scheme: s(r, "scheme").unwrap(),
                partners: list(r, "partners"),
                rate_percent: dec(r, "rate_percent").unwrap(),
                exclude_hs: list(r, "exclude_hs"),
                dates: dates(r),
            });
        }
        for r in section(&doc, "tariff") {
            out.tariffs.push(Tariff {
                territory: s(r, "territory").unwrap(),
                hs: digits(&s(r, "hs").unwrap()),
            });
        }
        for r in section(&doc, "additional_duty") {
            let name = s(r, "name").unwrap();
            let authority = s(r, "authority");
            // One heading, or space-separated candidates shown as `h1 / h2`.
            let candidates: Vec<String> = s(r, "heading")
                .map(|h| h.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default();
            for h in &candidates {
                out.headings
                    .push((s(r, "territory").unwrap(), digits(h), dates(r)));
            }
            let heading = (!candidates.is_empty()).then(|| {
                candidates
                    .iter()
                    .map(|h| heading(h))
                    .collect::<Vec<_>>()
                    .join(" / ")
            });
            let label = match (&authority, &heading) {
                (Some(a), Some(h)) => format!("{a} ({h})"),
                (Some(a), None) => a.clone(),
                (None, Some(h)) => format!("{name} ({h})"),
                (None, None) => name.clone(),
            };
            out.additional.push(AdditionalDuty {
                territory: s(r, "territory").unwrap(),
                name,
                label,
                hs: s(r, "hs").map(|h| digits(&h)),
                origins: list(r, "origins"),
                exclude_origins: list(r, "exclude_origins"),
                exclude_hs: list(r, "exclude_hs").iter().map(|h| digits(h)).collect(),
                not_with_preference: flag(r, "not_with_preference"),
                rate_percent: dec(r, "rate_percent").unwrap(),
                top_up: flag(r, "top_up"),
                highest_in_group: s(r, "stacking").unwrap() == "highest_in_group",
                group: s(r, "group"),
                yields_to: list(r, "yields_to"),
                warn_only: flag(r, "warn_only"),
                warning: s(r, "warning"),
                dates: dates(r),
            });
        }
        for r in section(&doc, "duty_exemption") {
            if let Some(h) = s(r, "heading") {
                out.headings
                    .push((s(r, "territory").unwrap(), digits(&h), dates(r)));
            }
            out.exemptions.push(DutyExemption {
                territory: s(r, "territory").unwrap(),
                duty: s(r, "duty").unwrap(),
                hs: digits(&s(r, "hs").unwrap()),
                origins: list(r, "origins"),
                dates: dates(r),
            });
        }
    }
    out.change_days.sort();
    out.change_days.dedup();
    for (k, d) in out.additional.iter().enumerate() {
        let key = (d.territory.clone(), d.hs.clone().unwrap_or_default());
        out.additional_by_prefix.entry(key).or_default().push(k);
    }
    for (k, e) in out.exemptions.iter().enumerate() {
        let key = (e.territory.clone(), e.hs.clone());
        out.exemptions_by_prefix.entry(key).or_default().push(k);
    }
    out
}

impl Rows {
    /// The additional-duty rows of a territory whose HS prefix is one of `code`'s (or who
    /// cover all goods), in any order and whatever their dates.
    pub fn additional_under(&self, territory: &str, code: &str) -> Vec<&AdditionalDuty> {
        let mut out = Vec::new();
        for n in 0..=code.len() {
            let key = (territory.to_owned(), code[..n].to_owned());
            for k in self.additional_by_prefix.get(&key).into_iter().flatten() {
                out.push(&self.additional[*k]);
            }
        }
        out
    }

    /// The exemption rows of a territory whose HS prefix is one of `code`'s, whatever their
    /// dates.
    pub fn exemptions_under(&self, territory: &str, code: &str) -> Vec<&DutyExemption> {
        let mut out = Vec::new();
        for n in 0..=code.len() {
            let key = (territory.to_owned(), code[..n].to_owned());
            for k in self.exemptions_by_prefix.get(&key).into_iter().flatten() {
                out.push(&self.exemptions[*k]);
            }
        }
        out
    }
}

/// The rows of `data/`, read once.
pub fn rows() -> &'static Rows {
    static ROWS: OnceLock<Rows> = OnceLock::new();
    ROWS.get_or_init(load)
}
