//! An importer for Japan's customs tariff schedule (実行関税率表, "Customs Tariff Schedules of
//! Japan") in the JSON layout of one file per chapter (`j_NN_tariff_data.json`).
//!
//! Each file is a tree of rows (`stat_code`, `hs_code`, `desc`, `unit`, `rate`, `children`).
//! A tariff line is a row with a three-digit `hs_code` under a six-digit `stat_code`
//! (`0101.21` + `100`): nine digits, the six-digit HS subheading and three national digits.
//! The rate columns read here are 基本 (general), 暫定 (temporary) and WTO協定 (WTO); the
//! preferential columns (特恵, EPA_*) are not read.
//!
//! A rate printed on a parent row holds for every row below it (the printed schedule merges
//! the cell over them), column by column, until a row gives its own: [`import_jp_tariff_json`]
//! carries each column down the tree. The applied MFN rate of a line is then:
//! - the temporary rate where there is one (it replaces the general rate), else the general
//!   rate; and
//! - the WTO rate instead, where it is lower. A WTO rate written in parentheses is not applied
//!   (the schedule parenthesizes a WTO rate that is not lower than the general or temporary
//!   rate). Where the two rates cannot be compared without the goods' price (an ad valorem
//!   rate against a specific one), the WTO rate written without parentheses is applied, as the
//!   schedule marks it.
//!
//! Every text that cannot be parsed, or whose form the crate's [`TariffRate`] model cannot
//! encode yet (per litre, per m², higher of two compound rates, the pork gate price), is listed
//! in [`JpImport::problems`] with its code and text, never skipped.
//!
//! Ref: Japan Customs, Customs Tariff Schedules of Japan (実行関税率表),
//! <https://www.customs.go.jp/english/tariff/>; the JSON layout is that of the MIT-licensed
//! qlitre/japan-tariff-mcp, which compiles the published schedule.

use core::fmt;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{DataError, DataProblem, ProblemKind};
use super::tariff::{Specific, SpecificPer, TariffRate};
use super::usitc::{Encoded, TARIFF_CSV_COLUMNS, csv_cell, push_csv_row, tally};
use crate::codes::{CountryCode, Currency, HsCode, Territory};

/// The unit a Japanese specific duty is charged per, as written after `円/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum JpUnit {
    /// Per kilogram (`円/kg`).
    Kg,
    /// Per metric ton (`円/MT`).
    Tonne,
    /// Per litre (`円/l`).
    Liter,
    /// Per kilolitre (`円/kl`).
    Kiloliter,
    /// Per square metre (`円/㎡`).
    SquareMeter,
    /// Per piece (`円/個`, `円/本`).
    Piece,
    /// Per thousand pieces (`円/1,000本`).
    ThousandPieces,
    /// Per pair (`円/足`, footwear).
    Pair,
    /// Per head of livestock (`円/頭`).
    Head,
    /// Per sheet (`円/枚`).
    Sheet,
}

impl JpUnit {
    /// The unit's short name, e.g. `kg`, `l`, `m2`, `pair`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Kg => "kg",
            Self::Tonne => "t",
            Self::Liter => "l",
            Self::Kiloliter => "kl",
            Self::SquareMeter => "m2",
            Self::Piece => "piece",
            Self::ThousandPieces => "1000 pieces",
            Self::Pair => "pair",
            Self::Head => "head",
            Self::Sheet => "sheet",
        }
    }

    fn from_text(unit: &str) -> Option<Self> {
        Some(match unit {
            "kg" | "KG" => Self::Kg,
            "MT" | "t" => Self::Tonne,
            "l" | "L" | "ℓ" => Self::Liter,
            "kl" | "KL" => Self::Kiloliter,
            "㎡" | "m2" | "m²" => Self::SquareMeter,
            "個" | "本" => Self::Piece,
            "1,000本" | "1000本" => Self::ThousandPieces,
            "足" => Self::Pair,
            "頭" => Self::Head,
            "枚" => Self::Sheet,
            _ => return None,
        })
    }

    /// The amount per this unit in the crate's model: per kg (a tonne is 1,000 kg), per unit
    /// (a piece, a pair, a head and a sheet are each one unit; a thousand pieces 1,000 units),
    /// per litre (a kilolitre is 1,000 litres) or per m², converted exactly.
    fn to_model(self, amount: Decimal) -> Option<(Decimal, SpecificPer)> {
        let thousand = Decimal::from(1000u32);
        match self {
            Self::Kg => Some((amount, SpecificPer::Kg)),
            Self::Tonne => Some((amount.checked_div(thousand)?.normalize(), SpecificPer::Kg)),
            Self::Piece | Self::Pair | Self::Head | Self::Sheet => {
                Some((amount, SpecificPer::Unit))
            }
            Self::ThousandPieces => {
                Some((amount.checked_div(thousand)?.normalize(), SpecificPer::Unit))
            }
            Self::Liter => Some((amount, SpecificPer::Liter)),
            Self::Kiloliter => Some((
                amount.checked_div(thousand)?.normalize(),
                SpecificPer::Liter,
            )),
            Self::SquareMeter => Some((amount, SpecificPer::SquareMeter)),
        }
    }
}

impl fmt::Display for JpUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A specific amount in yen per [`JpUnit`] (`396円/kg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct YenAmount {
    /// The amount in yen.
    pub amount_jpy: Decimal,
    /// The unit it is charged per.
    pub unit: JpUnit,
}

impl YenAmount {
    fn to_specific(self) -> Option<Specific> {
        let (amount, per) = self.unit.to_model(self.amount_jpy)?;
        Some(Specific {
            amount,
            currency: Currency::from_iso(iso_currency::Currency::JPY),
            per,
        })
    }
}

/// An ad valorem part, a specific part or their sum (`29.8%＋396円/kg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct JpTerms {
    /// The ad valorem part in percent, if any.
    pub ad_valorem_percent: Option<Decimal>,
    /// The specific part, if any.
    pub specific: Option<YenAmount>,
}

impl JpTerms {
    fn form(&self) -> String {
        match (self.ad_valorem_percent, self.specific) {
            (Some(_), Some(s)) => format!("ad valorem + per {}", s.unit),
            (None, Some(s)) => format!("per {}", s.unit),
            _ => "ad valorem".to_owned(),
        }
    }

    /// Pure ad valorem, pure specific in an encodable unit, or neither.
    fn single(&self) -> Option<Single> {
        match (self.ad_valorem_percent, self.specific) {
            (Some(p), None) => Some(Single::Percent(p)),
            (None, Some(s)) => s.to_specific().map(Single::Specific),
            _ => None,
        }
    }
}

enum Single {
    Percent(Decimal),
    Specific(Specific),
}

/// A rate of the schedule, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JpRate {
    /// `無税` (free), or `免税` (exempt).
    Free,
    /// Ad valorem, specific or compound (`5%`, `396円/kg`, `29.8%＋396円/kg`).
    Duty(JpTerms),
    /// The higher of two rates (`10%又は20円/kgのうちいずれか高い税率`).
    HigherOf(JpTerms, JpTerms),
    /// The lower of two rates, and a floor when the text gives one
    /// (`…のうちいずれか低い税率ただしその税率がZ円/lを下回る場合はZ円/l`).
    LowerOf {
        /// The first rate.
        first: JpTerms,
        /// The second rate.
        second: JpTerms,
        /// The lowest duty (`…を下回る場合は Z円/l`), if given.
        floor: Option<YenAmount>,
    },
}

impl JpRate {
    /// The rate's form, for counts: `free`, `ad valorem`, `specific per kg`,
    /// `compound ad valorem + per kg`, `higher of ad valorem or per kg`,
    /// `lower of ad valorem or per l, at least per l`.
    pub fn form(&self) -> String {
        match self {
            Self::Free => "free".to_owned(),
            Self::Duty(t) => match (t.ad_valorem_percent, t.specific) {
                (Some(_), Some(s)) => format!("compound ad valorem + per {}", s.unit),
                (None, Some(s)) => format!("specific per {}", s.unit),
                _ => "ad valorem".to_owned(),
            },
            Self::HigherOf(a, b) => format!("higher of {} or {}", a.form(), b.form()),
            Self::LowerOf {
                first,
                second,
                floor,
            } => {
                let mut out = format!("lower of {} or {}", first.form(), second.form());
                if let Some(f) = floor {
                    out.push_str(&format!(", at least per {}", f.unit));
                }
                out
            }
        }
    }

    /// The rate in the crate's tariff model, or `None` when its form is not encodable yet:
    /// - free: `rate_percent` 0;
    /// - ad valorem, specific, compound: `rate_percent`, `specific`;
    /// - the higher of an ad valorem and a specific rate: the ad valorem rate with the specific
    ///   one as its minimum;
    /// - the lower of an ad valorem and a specific rate: the ad valorem rate with the specific
    ///   one as its maximum (and a floor in the same unit as its minimum).
    ///
    /// Specific amounts are in JPY per kg (a tonne converted exactly), per unit (a piece,
    /// pair, head or sheet; a thousand pieces converted exactly), per litre (a kilolitre
    /// converted exactly) or per m². The higher or lower of two rates of which both have an
    /// ad valorem part (`higher of 4.5% or 3% + 25円/m2`) is not encodable.
    pub fn encode(&self) -> Option<Encoded> {
        let empty = Encoded::default();
        match self {
            Self::Free => Some(Encoded {
                rate_percent: Some(Decimal::ZERO),
                ..empty
            }),
            Self::Duty(t) => {
                let specific = match t.specific {
                    Some(s) => Some(s.to_specific()?),
                    None => None,
                };
                if t.ad_valorem_percent.is_none() && specific.is_none() {
                    return None;
                }
                Some(Encoded {
                    rate_percent: t.ad_valorem_percent,
                    specific,
                    ..empty
                })
            }
            Self::HigherOf(a, b) => match (a.single()?, b.single()?) {
                (Single::Percent(p), Single::Specific(s))
                | (Single::Specific(s), Single::Percent(p)) => Some(Encoded {
                    rate_percent: Some(p),
                    min: Some(s),
                    ..empty
                }),
                _ => None,
            },
            Self::LowerOf {
                first,
                second,
                floor,
            } => match (first.single()?, second.single()?) {
                (Single::Percent(p), Single::Specific(s))
                | (Single::Specific(s), Single::Percent(p)) => {
                    let min = match floor {
                        None => None,
                        Some(f) => {
                            let f = f.to_specific()?;
                            if f.per != s.per || f.amount > s.amount {
                                return None;
                            }
                            Some(f)
                        }
                    };
                    Some(Encoded {
                        rate_percent: Some(p),
                        max: Some(s),
                        min,
                        ..empty
                    })
                }
                _ => None,
            },
        }
    }

    /// A key to compare two rates without the goods' price: free and ad valorem rates compare
    /// with each other, specific rates in the same unit with each other; free is lowest.
    fn comparable(&self) -> Option<(Option<JpUnit>, Decimal)> {
        match self {
            Self::Free => Some((None, Decimal::ZERO)),
            Self::Duty(JpTerms {
                ad_valorem_percent: Some(p),
                specific: None,
            }) => Some((None, *p)),
            Self::Duty(JpTerms {
                ad_valorem_percent: None,
                specific: Some(s),
            }) => Some((Some(s.unit), s.amount_jpy)),
            _ => None,
        }
    }
}

/// A rate column of the schedule read for the MFN rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum JpColumn {
    /// 基本 (general).
    General,
    /// 暫定 (temporary): replaces the general rate where given.
    Temporary,
    /// WTO協定 (WTO): applied where lower than the general or temporary rate.
    Wto,
}

impl JpColumn {
    /// The column's name in the schedule: `基本`, `暫定`, `WTO協定`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::General => "基本",
            Self::Temporary => "暫定",
            Self::Wto => "WTO協定",
        }
    }

    /// The column's English name: `general`, `temporary`, `WTO`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Temporary => "temporary",
            Self::Wto => "WTO",
        }
    }
}

impl fmt::Display for JpColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a line's applied column was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum JpChoice {
    /// Only one column applies (no WTO rate, or one in parentheses).
    Only,
    /// The lower of the general/temporary and WTO rates, compared.
    Lower,
    /// The WTO rate written without parentheses, whose form cannot be compared with the
    /// general/temporary rate without the goods' price (or whose general/temporary rate did
    /// not parse): applied as the schedule marks it.
    Marked,
}

/// One nine-digit line of the schedule with its applied MFN rate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JpLine {
    /// The nine-digit line (six-digit HS subheading and three national digits).
    pub hs: HsCode,
    /// The statistical code as written: `0101.21-100`.
    pub code: String,
    /// The description: the line's text after its parents' (below the four-digit heading).
    pub description: String,
    /// The general, temporary and WTO texts in force for the line (its own or carried down
    /// from a parent row), as written; empty where none.
    pub texts: [String; 3],
    /// The column whose rate applies.
    pub applied: JpColumn,
    /// How it was chosen.
    pub choice: JpChoice,
    /// The applied rate's text, as written.
    pub text: String,
    /// The applied rate, parsed.
    pub rate: JpRate,
}

impl JpLine {
    /// The line as a JP [`TariffRate`], when its form is encodable.
    pub fn tariff_rate(&self) -> Option<TariffRate> {
        let e = self.rate.encode()?;
        let jp: CountryCode = "JP".parse().ok()?;
        Some(TariffRate {
            territory: Territory::of_country(jp),
            hs: self.hs,
            description: Arc::from(self.description.as_str()),
            rate_percent: e.rate_percent,
            specific: e.specific,
            limits: super::tariff::Limits::boxed(e.min, e.max, e.specific_2),
            see: Arc::from(Vec::new()),
        })
    }
}

/// Why a line or text is listed in [`JpImport::problems`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JpProblemKind {
    /// The text of the named column is not a rate form the parser knows (the pork gate price
    /// `1キログラムにつき…差額`, rates that differ by sub-item, a WTO range `●21%〜(35%)`).
    Unparsed(JpColumn),
    /// The applied rate parsed, but its form is not encodable in [`TariffRate`] yet; the form
    /// is named.
    NotEncodable(String),
    /// The line has no general, temporary or WTO rate, its own or a parent's.
    NoRate,
    /// The row's code is not six digits and three.
    BadCode,
    /// The code is on more than one row with different rates: the fruit whose rate changes
    /// with the season (`毎年4月1日から同年9月30日までに輸入されるもの`). A rate that changes
    /// every year on fixed days is not encodable yet, so the line is left out; each row is
    /// listed, with its description.
    Repeated,
}

/// A line or text the importer could not parse or cannot encode.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JpProblem {
    /// The statistical code as written (`0203.11-020`).
    pub code: String,
    /// The text concerned, as written.
    pub text: String,
    /// What is wrong.
    pub kind: JpProblemKind,
}

impl fmt::Display for JpProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text.replace('\n', " ");
        match &self.kind {
            JpProblemKind::Unparsed(c) => write!(f, "{}: unparsed ({c}): {text:?}", self.code),
            JpProblemKind::NotEncodable(form) => {
                write!(f, "{}: not encodable yet ({form}): {text:?}", self.code)
            }
            JpProblemKind::NoRate => write!(f, "{}: no MFN rate", self.code),
            JpProblemKind::BadCode => write!(f, "{}: bad code: {text:?}", self.code),
            JpProblemKind::Repeated => {
                write!(f, "{}: repeated with another rate: {text:?}", self.code)
            }
        }
    }
}

/// The result of [`import_jp_tariff_json`] or [`import_jp_tariff_chapters`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct JpImport {
    /// Every line whose applied rate parsed, in schedule order (encodable or not: see
    /// [`JpRate::encode`]).
    pub lines: Vec<JpLine>,
    /// Every line whose rate did not parse or cannot be encoded, in schedule order.
    pub problems: Vec<JpProblem>,
}

impl JpImport {
    /// Number of parsed lines per [`JpRate::form`].
    pub fn counts(&self) -> BTreeMap<String, usize> {
        tally(self.lines.iter().map(|l| l.rate.form()))
    }

    /// Number of parsed lines per applied column and choice.
    pub fn column_counts(&self) -> BTreeMap<(JpColumn, JpChoice), usize> {
        tally(self.lines.iter().map(|l| (l.applied, l.choice)))
    }

    /// The lines whose rate is encodable, with it.
    pub fn encodable(&self) -> impl Iterator<Item = (&JpLine, Encoded)> {
        self.lines
            .iter()
            .filter_map(|l| l.rate.encode().map(|e| (l, e)))
    }

    /// The encodable lines as a `landed-csv` file of section `tariff` for territory JP: the
    /// `# landed-csv` line, `comments` (each line written after `# `), the header
    /// ([`TARIFF_CSV_COLUMNS`]) and a row per line, from `effective_from` with no end. Each
    /// row's source is `{source}: {code} {column} {text}`: the publisher and edition, the
    /// line and the text of the column applied.
    ///
    /// # Example
    /// ```
    /// use landed::data::import_jp_tariff_json;
    /// let json = r#"[{"stat_code": "6109.10", "hs_code": "000", "desc": "綿製のもの",
    ///   "rate": {"基本": "10.9%", "暫定": "", "WTO協定": "(10.9%)"}, "children": []}]"#;
    /// let csv = import_jp_tariff_json(json)?.tariff_csv("2026-07-09".parse()?, "", "Japan Customs");
    /// let tables = landed::RateTables::from_csv_str("jp.csv", &csv)?;
    /// let hit = tables.tariff("JP".parse()?, &"6109.10.000".parse()?, "2026-07-09".parse()?)?;
    /// assert_eq!(hit.rate.rate_percent, Some("10.9".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tariff_csv(&self, effective_from: NaiveDate, comments: &str, source: &str) -> String {
        let mut out = String::from("# landed-csv section=tariff territory=JP schema=1\n");
        for c in comments.lines() {
            out.push_str(if c.is_empty() { "#" } else { "# " });
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(TARIFF_CSV_COLUMNS);
        out.push('\n');
        for (l, e) in self.encodable() {
            let cite = format!(
                "{source}: {} {} {}",
                l.code,
                l.applied.key(),
                l.text.replace(['\n', '\r'], "")
            );
            let head = ["JP".to_owned(), l.hs.to_string(), csv_cell(&l.description)];
            let tail = [
                String::new(),
                effective_from.to_string(),
                String::new(),
                csv_cell(&cite),
            ];
            push_csv_row(&mut out, &head, &e, &tail);
        }
        out
    }
}

/// One row of a chapter file; fields the importer does not need are ignored.
#[derive(serde::Deserialize)]
struct Node {
    #[serde(default)]
    stat_code: String,
    #[serde(default)]
    hs_code: String,
    #[serde(default)]
    desc: String,
    #[serde(default)]
    rate: BTreeMap<String, String>,
    #[serde(default)]
    children: Vec<Node>,
}

const COLUMNS: [JpColumn; 3] = [JpColumn::General, JpColumn::Temporary, JpColumn::Wto];

/// A column's text, read.
enum Cell {
    Empty,
    /// A WTO rate in parentheses: not applied.
    NotApplied,
    Rate(JpRate),
    Unparsed,
}

fn read_cell(column: JpColumn, text: &str) -> Cell {
    let t = normalize(text);
    if t.is_empty() {
        return Cell::Empty;
    }
    let t = strip_marks(&t);
    if column == JpColumn::Wto && fully_parenthesized(t) {
        return Cell::NotApplied;
    }
    match parse_normalized(strip_outer_parens(t)) {
        Some(r) => Cell::Rate(r),
        None => Cell::Unparsed,
    }
}

/// Full-width signs as ASCII, every space and line break removed.
fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '＋' => '+',
            '％' => '%',
            '（' => '(',
            '）' => ')',
            '～' => '〜',
            '，' => ',',
            '．' => '.',
            c => c,
        })
        .collect()
}

/// Removes the schedule's leading marks: `◎` (a rate for goods put to a stated use), `※`,
/// `*` and `**` (quota and sugar-related notes), `●`. They qualify the rate; the line's
/// description already states the condition, so the rate is read as written.
fn strip_marks(t: &str) -> &str {
    t.trim_start_matches(['◎', '※', '*', '●'])
}

/// True when every rate in the text is inside parentheses (`(5%)`, `(無税)〜(3%)`,
/// `(一部5%)`): only `〜`, `又は`, `、` and marks are left outside.
fn fully_parenthesized(t: &str) -> bool {
    let mut depth = 0usize;
    let mut groups = 0usize;
    for c in t.chars() {
        match c {
            '(' => depth = depth.saturating_add(1),
            ')' => {
                let Some(d) = depth.checked_sub(1) else {
                    return false;
                };
                depth = d;
                if d == 0 {
                    groups = groups.saturating_add(1);
                }
            }
            _ if depth > 0 => {}
            '〜' | '又' | 'は' | '、' | '*' | '●' | '◎' | '※' => {}
            _ => return false,
        }
    }
    depth == 0 && groups > 0
}

/// `(50%)` → `50%`, when the parentheses enclose the whole text.
fn strip_outer_parens(t: &str) -> &str {
    if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')'))
        && !inner.contains(['(', ')'])
    {
        return inner;
    }
    t
}

/// Parses a decimal written with digits, thousands commas and at most one dot.
fn decimal(s: &str) -> Option<Decimal> {
    let s: String = s.chars().filter(|c| *c != ',').collect();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    s.parse().ok()
}

/// `396円/kg`, `1,023円/kg`, `3,000円/頭`, `8円/1,000本`.
fn yen_amount(term: &str) -> Option<YenAmount> {
    let (number, rest) = term.split_once('円')?;
    let unit = JpUnit::from_text(rest.strip_prefix('/')?)?;
    Some(YenAmount {
        amount_jpy: decimal(number)?.normalize(),
        unit,
    })
}

/// `5%`, `396円/kg`, `29.8%+396円/kg` (one ad valorem and one specific part at most).
fn terms(s: &str) -> Option<JpTerms> {
    let mut out = JpTerms::default();
    for term in s.split('+') {
        if let Some(p) = term.strip_suffix('%') {
            if out.ad_valorem_percent.is_some() {
                return None;
            }
            out.ad_valorem_percent = Some(decimal(p)?.normalize());
        } else {
            if out.specific.is_some() {
                return None;
            }
            out.specific = Some(yen_amount(term)?);
        }
    }
    (out.ad_valorem_percent.is_some() || out.specific.is_some()).then_some(out)
}

fn parse_normalized(t: &str) -> Option<JpRate> {
    if t == "無税" || t == "免税" {
        return Some(JpRate::Free);
    }
    if let Some(body) = t.strip_suffix("のうちいずれか高い税率") {
        let (a, b) = body.split_once("又は")?;
        return Some(JpRate::HigherOf(terms(a)?, terms(b)?));
    }
    if let Some((body, tail)) = t.split_once("のうちいずれか低い税率") {
        let (a, b) = body.split_once("又は")?;
        let floor = if tail.is_empty() {
            None
        } else {
            // ただしその税率がZ円/lを下回る場合はZ円/l: the lower rate, but never below Z.
            let (z1, z2) = tail
                .strip_prefix("ただしその税率が")?
                .split_once("を下回る場合は")?;
            let (z1, z2) = (yen_amount(z1)?, yen_amount(z2)?);
            if z1 != z2 {
                return None;
            }
            Some(z1)
        };
        return Some(JpRate::LowerOf {
            first: terms(a)?,
            second: terms(b)?,
            floor,
        });
    }
    terms(t).map(JpRate::Duty)
}

/// Parses a rate text of the schedule: `無税`, `5%`, `396円/kg`, `29.8%＋396円/kg`,
/// `10%又は20円/kgのうちいずれか高い税率`, `…のうちいずれか低い税率` (with an optional
/// `ただしその税率がZ円/lを下回る場合はZ円/l`). Full-width signs and line breaks are
/// accepted, leading marks (`◎`, `※`, `*`, `●`) and enclosing parentheses are removed.
/// `None` for any other text.
///
/// # Example
/// ```
/// use landed::data::{JpRate, JpUnit, parse_jp_rate};
/// let r = parse_jp_rate("20%又は1,000円/kgのうちいずれか高い税率").ok_or("unparsed")?;
/// let JpRate::HigherOf(a, b) = &r else { return Err("form".into()) };
/// assert_eq!(a.ad_valorem_percent, Some("20".parse()?));
/// assert_eq!(b.specific.map(|s| (s.amount_jpy, s.unit)), Some(("1000".parse()?, JpUnit::Kg)));
/// let e = r.encode().ok_or("not encodable")?;
/// assert_eq!(e.min.map(|m| m.amount), Some("1000".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_jp_rate(text: &str) -> Option<JpRate> {
    let t = normalize(text);
    parse_normalized(strip_outer_parens(strip_marks(&t)))
}

/// Reads one chapter file (`j_NN_tariff_data.json`, a JSON array of rows) and returns every
/// nine-digit line's applied MFN rate, plus every line whose rate could not be parsed or
/// cannot be encoded.
///
/// A rate printed on a parent row holds for every row below it, column by column, until a row
/// gives its own. The applied MFN rate is the temporary rate (暫定) where there is one, else
/// the general rate (基本); the WTO rate (WTO協定) instead where lower; a WTO rate in
/// parentheses is not applied. Where the two cannot be compared without the goods' price (ad
/// valorem against specific), the WTO rate written without parentheses is applied, as the
/// schedule marks it ([`JpChoice::Marked`]).
///
/// # Example
/// ```
/// let json = r#"[{"stat_code": "61.10", "hs_code": "", "desc": "ジャージー", "rate": {}, "children": [
///   {"stat_code": "6110.20", "hs_code": "", "desc": "綿製のもの",
///    "rate": {"基本": "10.9%", "暫定": "", "WTO協定": ""}, "children": [
///     {"stat_code": "6110.20", "hs_code": "030", "desc": "トレーナー",
///      "rate": {"基本": "", "暫定": "", "WTO協定": "(10.9%)"}, "children": []},
///     {"stat_code": "6110.20", "hs_code": "029", "desc": "その他のもの",
///      "rate": {"基本": "", "暫定": "", "WTO協定": "9.1%"}, "children": []}]}]}]"#;
/// let import = landed::data::import_jp_tariff_json(json)?;
/// assert_eq!(import.lines[0].hs.as_str(), "611020030");
/// assert_eq!(import.lines[0].text, "10.9%");
/// assert_eq!(import.lines[1].text, "9.1%");
/// assert!(import.problems.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A code on two rows with the same texts is one line; with different texts (seasonal fruit
/// rates) it is left out and each row listed as [`JpProblemKind::Repeated`].
///
/// # Errors
/// A [`DataError`] with one [`ProblemKind::Syntax`] problem when the text is not a JSON array
/// of rows.
pub fn import_jp_tariff_json(text: &str) -> Result<JpImport, DataError> {
    let mut out = JpImport::default();
    let mut seen = Seen::new();
    read_chapter("chapter.json", text, &mut out, &mut seen)?;
    drop_repeated(&mut out, &seen);
    Ok(out)
}

/// Reads every chapter file of the schedule, in the order given (`(file name, JSON text)`),
/// into one import, as [`import_jp_tariff_json`] reads one.
///
/// # Errors
/// A [`DataError`] with a [`ProblemKind::Syntax`] problem, naming the file, for each text that
/// is not a JSON array of rows.
pub fn import_jp_tariff_chapters<'a>(
    chapters: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<JpImport, DataError> {
    let mut out = JpImport::default();
    let mut seen = Seen::new();
    let mut problems = Vec::new();
    for (name, text) in chapters {
        if let Err(e) = read_chapter(name, text, &mut out, &mut seen) {
            problems.extend(e.problems);
        }
    }
    drop_repeated(&mut out, &seen);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(DataError { problems })
    }
}

/// The texts and description of each line read, and whether it was repeated with other texts.
type Seen = BTreeMap<HsCode, ([String; 3], String, bool)>;

/// Leaves out the lines repeated with different texts, listing the first row of each (the
/// later rows are listed when read).
fn drop_repeated(out: &mut JpImport, seen: &Seen) {
    let repeated = |hs: &HsCode| seen.get(hs).is_some_and(|s| s.2);
    let mut firsts = Vec::new();
    for l in out.lines.iter().filter(|l| repeated(&l.hs)) {
        let Some((texts, desc, _)) = seen.get(&l.hs) else {
            continue;
        };
        firsts.push(JpProblem {
            code: l.code.clone(),
            text: format!("{} ({desc})", texts.join(" | ")),
            kind: JpProblemKind::Repeated,
        });
    }
    let gone: Vec<String> = out
        .lines
        .iter()
        .filter(|l| repeated(&l.hs))
        .map(|l| l.code.clone())
        .collect();
    out.lines.retain(|l| !repeated(&l.hs));
    out.problems
        .retain(|p| !(gone.contains(&p.code) && matches!(p.kind, JpProblemKind::NotEncodable(_))));
    out.problems.extend(firsts);
}

fn read_chapter(
    name: &str,
    text: &str,
    out: &mut JpImport,
    seen: &mut Seen,
) -> Result<(), DataError> {
    let nodes: Vec<Node> = serde_json::from_str(text).map_err(|e| DataError {
        problems: vec![DataProblem {
            file: name.to_owned(),
            line: e.line(),
            column: e.column(),
            kind: ProblemKind::Syntax,
            message: format!("not a chapter of the Japanese tariff schedule: {e}"),
        }],
    })?;
    let none: [String; 3] = Default::default();
    for n in &nodes {
        walk(n, &none, &[], true, out, seen);
    }
    Ok(())
}

fn walk(
    node: &Node,
    inherited: &[String; 3],
    parents: &[&str],
    top: bool,
    out: &mut JpImport,
    seen: &mut Seen,
) {
    let mut texts = inherited.clone();
    for (slot, c) in texts.iter_mut().zip(COLUMNS) {
        if let Some(t) = node.rate.get(c.key())
            && !t.trim().is_empty()
        {
            t.trim().clone_into(slot);
        }
    }
    let desc = node.desc.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut path: Vec<&str> = parents.to_vec();
    // The four-digit heading's text is left out of the descriptions below it: it is long and
    // the subheading repeats what matters. A line on the top row keeps its own text.
    let hs_code = node.hs_code.trim();
    if (!top || !hs_code.is_empty()) && !desc.is_empty() {
        path.push(&desc);
    }
    if !hs_code.is_empty() {
        line(node, hs_code, &texts, &path, out, seen);
    }
    for c in &node.children {
        walk(c, &texts, &path, false, out, seen);
    }
}

fn line(
    node: &Node,
    hs_code: &str,
    texts: &[String; 3],
    path: &[&str],
    out: &mut JpImport,
    seen: &mut Seen,
) {
    let stat = node.stat_code.trim();
    let code = format!("{stat}-{hs_code}");
    let problem = |text: &str, kind| JpProblem {
        code: code.clone(),
        text: text.to_owned(),
        kind,
    };
    let digits: String = stat.chars().filter(|c| *c != '.').collect();
    let hs = (digits.len() == 6 && hs_code.len() == 3)
        .then(|| format!("{digits}{hs_code}").parse::<HsCode>().ok())
        .flatten();
    let Some(hs) = hs else {
        out.problems
            .push(problem(&texts.join(" | "), JpProblemKind::BadCode));
        return;
    };
    let description = path.join(" ");
    if let Some(kept) = seen.get_mut(&hs) {
        // A code repeated with the same texts (grapefruit: the seasons share a rate) is one
        // line; with other texts, it is left out (see `JpProblemKind::Repeated`).
        if kept.0 != *texts {
            kept.2 = true;
            let text = format!("{} ({description})", texts.join(" | "));
            out.problems.push(problem(&text, JpProblemKind::Repeated));
        }
        return;
    }
    seen.insert(hs, (texts.clone(), description.clone(), false));
    let [general, temporary, wto] = texts;
    let (bt_col, bt_text) = if temporary.is_empty() {
        (JpColumn::General, general)
    } else {
        (JpColumn::Temporary, temporary)
    };
    let bt = read_cell(bt_col, bt_text);
    let w = read_cell(JpColumn::Wto, wto);
    let chosen = match (bt, w) {
        (_, Cell::Unparsed) => Err(problem(wto, JpProblemKind::Unparsed(JpColumn::Wto))),
        (Cell::Rate(b), Cell::Rate(w)) => {
            let free = |k: &(Option<JpUnit>, Decimal)| k.0.is_none() && k.1.is_zero();
            // Free is lowest whatever the other rate's form; otherwise only the same form
            // compares (ad valorem with ad valorem, specific in one unit with itself).
            let general_lower = match (b.comparable(), w.comparable()) {
                (Some(bk), _) if free(&bk) => Some(true),
                (_, Some(wk)) if free(&wk) => Some(false),
                (Some((bu, ba)), Some((wu, wa))) if bu == wu => Some(ba <= wa),
                _ => None,
            };
            match general_lower {
                Some(true) => Ok((bt_col, JpChoice::Lower, bt_text, b)),
                Some(false) => Ok((JpColumn::Wto, JpChoice::Lower, wto, w)),
                None => Ok((JpColumn::Wto, JpChoice::Marked, wto, w)),
            }
        }
        (Cell::Unparsed, Cell::Rate(w)) => Ok((JpColumn::Wto, JpChoice::Marked, wto, w)),
        (Cell::Empty | Cell::NotApplied, Cell::Rate(w)) => {
            Ok((JpColumn::Wto, JpChoice::Only, wto, w))
        }
        (Cell::Rate(b), Cell::Empty | Cell::NotApplied) => Ok((bt_col, JpChoice::Only, bt_text, b)),
        (Cell::Unparsed, Cell::Empty | Cell::NotApplied) => {
            Err(problem(bt_text, JpProblemKind::Unparsed(bt_col)))
        }
        (Cell::Empty | Cell::NotApplied, Cell::Empty | Cell::NotApplied) => {
            Err(problem(&texts.join(" | "), JpProblemKind::NoRate))
        }
    };
    let (applied, choice, text, rate) = match chosen {
        Ok(c) => c,
        Err(p) => {
            out.problems.push(p);
            return;
        }
    };
    if rate.encode().is_none() {
        out.problems
            .push(problem(text, JpProblemKind::NotEncodable(rate.form())));
    }
    out.lines.push(JpLine {
        hs,
        code,
        description,
        texts: texts.clone(),
        applied,
        choice,
        text: text.clone(),
        rate,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn enc(text: &str) -> Encoded {
        parse_jp_rate(text).unwrap().encode().unwrap()
    }

    // Every text below is copied from the schedule as of 2026-07-09 (line in the comment).

    #[test]
    fn free_and_exempt() {
        // 0101.21-100 and 1512.21-010 (WTO)
        assert_eq!(parse_jp_rate("無税"), Some(JpRate::Free));
        assert_eq!(parse_jp_rate("免税"), Some(JpRate::Free));
        assert_eq!(enc("無税").rate_percent, Some(Decimal::ZERO));
        assert_eq!(parse_jp_rate("無税").unwrap().form(), "free");
    }

    #[test]
    fn ad_valorem_with_marks_and_full_width_signs() {
        // 6110.20-029, 1806.10-110 (※), 0404.10-142 (◎), 2005.40-191 (full-width %)
        assert_eq!(enc("9.1%").rate_percent, Some(d("9.1")));
        assert_eq!(enc("※17.7%").rate_percent, Some(d("17.7")));
        assert_eq!(enc("◎10%").rate_percent, Some(d("10")));
        assert_eq!(enc("※1％").rate_percent, Some(d("1")));
        assert_eq!(parse_jp_rate("(50%)").unwrap().form(), "ad valorem");
    }

    #[test]
    fn specific_units() {
        let one = |t: &str| {
            let e = enc(t).specific.unwrap();
            (e.amount, e.per)
        };
        // 0203.11-020, 0101.21-290, 1212.21-100, 2711.14-010 (per MT → per kg)
        assert_eq!(one("361円/kg"), (d("361"), SpecificPer::Kg));
        assert_eq!(one("4,000,000円/頭"), (d("4000000"), SpecificPer::Unit));
        assert_eq!(one("1.50円/枚"), (d("1.5"), SpecificPer::Unit));
        assert_eq!(one("930円/MT"), (d("0.93"), SpecificPer::Kg));
        // 0405.10 (line break inside the text)
        assert_eq!(one("(361円\n/kg)"), (d("361"), SpecificPer::Kg));
        // 2402.20 (per 1,000 cigarettes → per unit)
        let e = enc("(8.5%＋290.70円/1,000本)");
        assert_eq!(e.rate_percent, Some(d("8.5")));
        assert_eq!(e.specific.unwrap().amount, d("0.2907"));
        // 2710.12-131 and 2204.10-000: per kilolitre (converted exactly) and per litre.
        let kl = parse_jp_rate("934円/kl").unwrap();
        assert_eq!(kl.form(), "specific per kl");
        assert_eq!(one("934円/kl"), (d("0.934"), SpecificPer::Liter));
        assert_eq!(one("182円/l"), (d("182"), SpecificPer::Liter));
    }

    #[test]
    fn compound() {
        // 0405.90-229 (* mark, thousands comma) and 0403.20-199 (line break)
        let r = parse_jp_rate("*29.8%＋1,159円/kg").unwrap();
        assert_eq!(r.form(), "compound ad valorem + per kg");
        let e = r.encode().unwrap();
        assert_eq!(e.rate_percent, Some(d("29.8")));
        assert_eq!(e.specific.unwrap().amount, d("1159"));
        assert_eq!(enc("29.8%+\n915円/kg").specific.unwrap().amount, d("915"));
    }

    #[test]
    fn higher_of_is_ad_valorem_with_a_minimum() {
        // 0408.19-000, 6403.20 (per pair), 9608.10-090 (per piece)
        let r = parse_jp_rate("25%又は60円/kgのうちいずれか高い税率").unwrap();
        assert_eq!(r.form(), "higher of ad valorem or per kg");
        let e = r.encode().unwrap();
        assert_eq!(e.rate_percent, Some(d("25")));
        assert_eq!(e.min.unwrap().amount, d("60"));
        assert_eq!(e.min.unwrap().per, SpecificPer::Kg);
        assert!(e.specific.is_none() && e.max.is_none());
        let e = enc("60%又は4,800円/足のうちいずれか高い税率");
        assert_eq!(e.min.unwrap().amount, d("4800"));
        assert_eq!(e.min.unwrap().per, SpecificPer::Unit);
        assert_eq!(
            enc("6%又は1.51円/本のうちいずれか高い税率")
                .min
                .unwrap()
                .amount,
            d("1.51")
        );
        // 5111.11-021 and 5208.11-091: per m², and a compound alternative (not encodable).
        let m2 = parse_jp_rate("7.9%又は130円/㎡のうちいずれか高い税率").unwrap();
        assert_eq!(m2.form(), "higher of ad valorem or per m2");
        let e = m2.encode().unwrap();
        assert_eq!(e.rate_percent, Some(d("7.9")));
        assert_eq!(e.min.unwrap().amount, d("130"));
        assert_eq!(e.min.unwrap().per, SpecificPer::SquareMeter);
        let c = parse_jp_rate("3.7%又は2.9%＋1.01円/㎡のうちいずれか高い税率").unwrap();
        assert_eq!(c.form(), "higher of ad valorem or ad valorem + per m2");
        assert!(c.encode().is_none());
    }

    #[test]
    fn lower_of_is_ad_valorem_with_a_maximum_and_floor() {
        // 7501.20-100
        let e = enc("11.7%又は72.90円/kgのうちいずれか低い税率");
        assert_eq!(e.rate_percent, Some(d("11.7")));
        assert_eq!(e.max.unwrap().amount, d("72.9"));
        assert!(e.min.is_none());
        // 2204.21-020: per litre, with its floor as the minimum.
        let r = parse_jp_rate(
            "15%又は125円/lのうちいずれか低い税率\nただしその税率が67円/lを下回る場合は67円/l",
        )
        .unwrap();
        assert_eq!(r.form(), "lower of ad valorem or per l, at least per l");
        let JpRate::LowerOf { floor, .. } = &r else {
            panic!("{r:?}")
        };
        assert_eq!(floor.unwrap().amount_jpy, d("67"));
        let e = r.encode().unwrap();
        assert_eq!(e.rate_percent, Some(d("15")));
        assert_eq!(e.max.unwrap().amount, d("125"));
        assert_eq!(e.min.unwrap().amount, d("67"));
        assert_eq!(e.max.unwrap().per, SpecificPer::Liter);
    }

    #[test]
    fn parentheses_in_the_wto_column_mean_not_applied() {
        for t in [
            "(10.9%)",
            "(無税)",
            "（無税）",
            "(無税)〜(6%)",
            "(無税）〜（5%)",
            "(一部3.5%)",
            "**(71.80円/kg)",
            "*(55円/kg)",
            "(無税)〜(10%)又は(30円/kg)",
        ] {
            assert!(
                matches!(read_cell(JpColumn::Wto, t), Cell::NotApplied),
                "{t}"
            );
        }
        // In the general column parentheses are removed, and a WTO range with a rate outside
        // them is not a parenthesized rate.
        assert!(matches!(
            read_cell(JpColumn::General, "(50%)"),
            Cell::Rate(_)
        ));
        assert!(matches!(
            read_cell(JpColumn::Wto, "●21%〜（35%）"),
            Cell::Unparsed
        ));
        assert!(!fully_parenthesized("(73.70円−課税価格)/kg"));
    }

    #[test]
    fn unparsed_texts() {
        for t in [
            "1キログラムにつき枝肉に係る基準輸入価格と課税価格との差額",
            "1頭につき、生きている豚に係る基準輸入価格と課税価格との差額",
            "●21%〜29.8%+1,159円/kg",
            "●5%〜5.3%",
            "保護用の金属製トーキャップを有するもの 6.7%\n\nその他のもの 10%",
            "1キログラムにつき、59.50円に重量比による乳糖の含有率が10%を超える1%ごとに6円を加えた額",
            "◎(170円−課税価格)/kg",
            "(73.70円−課税価格)/kg",
            "5%+5%",
            "10円/kg+20円/kg",
            "10円/dz",
            "",
        ] {
            assert!(parse_jp_rate(t).is_none(), "{t}");
        }
    }

    #[test]
    fn columns_carry_down_and_the_lower_applies() {
        let json = r#"[{"stat_code": "0201.30", "hs_code": "", "desc": "骨付きでない肉",
            "rate": {"基本": "(50%)", "暫定": "38.5%", "WTO協定": "(50%)"}, "children": [
              {"stat_code": "0201.30", "hs_code": "010", "desc": "ロイン", "rate": {}, "children": []}]},
          {"stat_code": "8108.90", "hs_code": "010", "desc": "チタン", "children": [],
            "rate": {"基本": "無税", "暫定": "", "WTO協定": "3%"}},
          {"stat_code": "7403.29", "hs_code": "010", "desc": "銅合金", "children": [],
            "rate": {"基本": "15円/kg", "暫定": "", "WTO協定": "3%"}},
          {"stat_code": "0703.10", "hs_code": "012", "desc": "たまねぎ", "children": [],
            "rate": {"基本": "(73.70円−課税価格)/kg", "暫定": "", "WTO協定": "8.5%"}},
          {"stat_code": "9999.99", "hs_code": "001", "desc": "none", "children": [], "rate": {}},
          {"stat_code": "99.99", "hs_code": "1", "desc": "bad", "children": [],
            "rate": {"基本": "5%"}}]"#;
        let i = import_jp_tariff_json(json).unwrap();
        let got: Vec<_> = i
            .lines
            .iter()
            .map(|l| (l.hs.to_string(), l.applied, l.choice, l.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "020130010".to_owned(),
                    JpColumn::Temporary,
                    JpChoice::Only,
                    "38.5%"
                ),
                (
                    "810890010".to_owned(),
                    JpColumn::General,
                    JpChoice::Lower,
                    "無税"
                ),
                (
                    "740329010".to_owned(),
                    JpColumn::Wto,
                    JpChoice::Marked,
                    "3%"
                ),
                (
                    "070310012".to_owned(),
                    JpColumn::Wto,
                    JpChoice::Marked,
                    "8.5%"
                ),
            ]
        );
        // The top row (a heading in a real file) is left out of the descriptions below it.
        assert_eq!(i.lines[0].description, "ロイン");
        let kinds: Vec<_> = i.problems.iter().map(|p| p.kind.clone()).collect();
        assert_eq!(kinds, vec![JpProblemKind::NoRate, JpProblemKind::BadCode]);
        assert_eq!(
            i.lines[0].tariff_rate().unwrap().rate_percent,
            Some(d("38.5"))
        );
        assert!(import_jp_tariff_json("{").is_err());
        let err = import_jp_tariff_chapters([("a.json", "[]"), ("b.json", "{")]).unwrap_err();
        assert_eq!(err.problems[0].file, "b.json");
    }
}
