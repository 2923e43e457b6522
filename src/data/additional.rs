//! Additional duties by origin (`[[additional_duty]]` rows: US Section 301, 232, IEEPA,
//! Section 122 …), each scoped by HS prefix and origin, and their index.
//!
//! The index is keyed by (territory, HS prefix or all goods), so a lookup costs at most one
//! probe per prefix length present in the territory's rows, whatever their number.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customs::{dated_row, validity};
use super::error::{DataProblem, ProblemKind};
use super::fast_rows::{self as fast, FastRow, Shared};
use super::load::{DatedRow, Validity};
use super::series::{Dated, Location, Period, RawDated, Series, build_sparse_sorted};
use super::tariff::{FastMap, bit, hs_starts_with};
use crate::codes::{CountryCode, HsCode, Territory};

/// How an additional duty combines with others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// Adds on top of the tariff and every other additional duty.
    Cumulative,
    /// Only the highest matching duty of the same `group` applies.
    HighestInGroup,
}

/// An additional duty by origin (e.g. US Section 301 on goods of China, Section 122).
///
/// A row covers a line when its HS prefix and origins match, no [`DutyExemption`] spares it,
/// and no row it [yields to](Self::yields_to) (by group or by name) covers the line too.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AdditionalDuty {
    /// The territory.
    pub territory: Territory,
    /// Stable identifier, e.g. `s301_list_4a`.
    pub name: Arc<str>,
    /// The authority as shown, e.g. `Section 301 List 4A`.
    pub authority: Option<Arc<str>>,
    /// The chapter-99 heading (or the territory's equivalent) the duty is entered under,
    /// e.g. `9903.88.15`; `None` when there is none or several [candidates](Self::candidate_headings).
    pub heading: Option<Heading>,
    /// The headings one of which the duty is entered under, when which one depends on facts a
    /// request does not give (e.g. mill product or derivative, foreign-trade-zone status):
    /// two or more, written space-separated in the data's `heading` field; empty otherwise.
    /// The charge shows them all, e.g. `Section 232 steel (9903.81.89 / 9903.81.91)`.
    pub candidate_headings: Vec<Heading>,
    /// HS prefix covered; `None` covers all goods.
    pub hs: Option<HsCode>,
    /// Origins covered; empty covers all.
    pub origins: Vec<CountryCode>,
    /// Origins not covered.
    pub exclude_origins: Vec<CountryCode>,
    /// HS prefixes not covered.
    pub exclude_hs: Vec<HsCode>,
    /// Not applied to goods that claim a preference (e.g. USMCA goods under Section 122).
    pub not_with_preference: bool,
    /// Ad valorem percent of the customs value.
    pub rate_percent: Decimal,
    /// The rate is a floor on the line's tariff duty plus this duty (a "15 % all-in" deal):
    /// the duty is `max(0, rate × customs value − the line's tariff duty)`.
    pub top_up: bool,
    /// Stacking rule.
    pub stacking: Stacking,
    /// Group, e.g. `s301`; [`Stacking::HighestInGroup`] compares rows of one group.
    pub group: Option<Arc<str>>,
    /// Groups or row names this duty gives way to: it does not apply to a line that a
    /// charging (not `warn_only`) row covers whose group or name is listed, exemptions and
    /// `not_with_preference` considered (e.g. IEEPA reciprocal duties on Section 232 goods, by
    /// group; a duty that gives way only to the rows of some origins, by those rows' names,
    /// since a row's origins scope it).
    pub yields_to: Vec<Arc<str>>,
    /// The row only warns (its scope for a line is uncertain, e.g. a duty on the value of a
    /// good's metal content, which a request does not give); it adds no charge.
    pub warn_only: bool,
    /// A warning every quote the row applies to carries.
    pub warning: Option<Arc<str>>,
    /// The charge's name: `authority (heading)` (`authority (h1 / h2)` for candidate headings),
    /// or the row's name.
    pub label: Arc<str>,
}

impl AdditionalDuty {
    /// True when the duty's scope (HS prefix, origins, preference) covers a line; exemptions
    /// and `yields_to` are checked by the quote.
    pub(crate) fn covers(&self, hs: &HsCode, origin: CountryCode, preferential: bool) -> bool {
        (self.origins.is_empty() || self.origins.contains(&origin))
            && !self.exclude_origins.contains(&origin)
            && !(self.not_with_preference && preferential)
            && !self.exclude_hs.iter().any(|p| hs_starts_with(hs, p))
            && self.hs.as_ref().is_none_or(|p| hs_starts_with(hs, p))
    }

    /// True when `name` is the row's name or group (what an exemption or a `yields_to` names).
    pub(crate) fn is_named(&self, name: &str) -> bool {
        &*self.name == name || self.group.as_deref() == Some(name)
    }
}

/// A chapter-99 heading such as `9903.88.15` (eight digits starting with `99`), shown with
/// its dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Heading(HsCode);

impl Heading {
    /// The heading of an eight-digit code starting with `99`, else `None`.
    pub fn of(code: HsCode) -> Option<Self> {
        (code.len() == 8 && code.as_str().starts_with("99")).then_some(Self(code))
    }

    /// The heading's digits.
    pub const fn code(&self) -> &HsCode {
        &self.0
    }
}

impl core::fmt::Display for Heading {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let d = self.0.as_str();
        match (d.get(..4), d.get(4..6), d.get(6..)) {
            (Some(a), Some(b), Some(c)) => write!(f, "{a}.{b}.{c}"),
            _ => f.write_str(d),
        }
    }
}

impl core::str::FromStr for Heading {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code: HsCode = s
            .parse()
            .map_err(|_| format!("invalid heading {s:?}: write it as 9903.88.15"))?;
        if code.len() != 8 || !code.as_str().starts_with("99") {
            return Err(format!(
                "invalid heading {s:?}: a chapter-99 heading has eight digits, e.g. 9903.88.15"
            ));
        }
        Ok(Self(code))
    }
}

impl<'de> serde::Deserialize<'de> for Heading {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Heading {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The `heading` field of an additional duty: none, one heading, or space-separated
/// candidate headings (`9903.81.89 9903.81.91`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Headings(Vec<Heading>);

impl core::str::FromStr for Headings {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split_ascii_whitespace()
            .map(str::parse)
            .collect::<Result<Vec<Heading>, _>>()
            .map(Self)
    }
}

impl<'de> serde::Deserialize<'de> for Headings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An exemption from additional duties: goods under an HS prefix (and of some origins) that
/// a duty's name or group does not apply to, e.g. the Annex II products of the US reciprocal
/// duties.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DutyExemption {
    /// The territory.
    pub territory: Territory,
    /// The duty spared: an additional duty's name or group.
    pub duty: Arc<str>,
    /// HS prefix exempted.
    pub hs: HsCode,
    /// Origins exempted; empty for all.
    pub origins: Vec<CountryCode>,
    /// The heading the exemption is entered under, if any.
    pub heading: Option<Heading>,
}

impl DutyExemption {
    /// True when the exemption spares `duty` for a line of this code and origin.
    pub(crate) fn spares(&self, duty: &AdditionalDuty, hs: &HsCode, origin: CountryCode) -> bool {
        duty.is_named(&self.duty)
            && hs_starts_with(hs, &self.hs)
            && (self.origins.is_empty() || self.origins.contains(&origin))
    }
}

dated_row! {
    struct AdditionalDutyRow {
        territory: Territory,
        name: Arc<str>,
        #[serde(default)]
        authority: Option<Arc<str>>,
        #[serde(default)]
        heading: Headings,
        #[serde(default)]
        hs: Option<HsCode>,
        #[serde(default)]
        origins: Vec<CountryCode>,
        #[serde(default)]
        exclude_origins: Vec<CountryCode>,
        #[serde(default)]
        exclude_hs: Vec<HsCode>,
        #[serde(default)]
        not_with_preference: bool,
        #[serde(with = "crate::serde_util::decimal_str")]
        rate_percent: Decimal,
        #[serde(default)]
        top_up: bool,
        stacking: Stacking,
        #[serde(default)]
        group: Option<Arc<str>>,
        #[serde(default)]
        yields_to: Vec<Arc<str>>,
        #[serde(default)]
        warn_only: bool,
        #[serde(default)]
        warning: Option<Arc<str>>,
    }
}

impl FastRow for AdditionalDutyRow {
    const FIELDS: &'static [&'static str] = &[
        "territory",
        "name",
        "authority",
        "heading",
        "hs",
        "origins",
        "exclude_origins",
        "exclude_hs",
        "not_with_preference",
        "rate_percent",
        "top_up",
        "stacking",
        "group",
        "yields_to",
        "warn_only",
        "warning",
        "effective_from",
        "effective_to",
        "source",
    ];

    fn into_raw_with(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
        shared: &mut Shared,
    ) -> Option<RawDated<AdditionalDuty>> {
        self.into_raw_shared(at, problems, shared)
    }

    fn from_cells(cells: &[&str], shared: &mut Shared) -> Option<Self> {
        let [
            t,
            name,
            authority,
            heading,
            hs,
            origins,
            exclude_origins,
            exclude_hs,
            not_with_preference,
            rate,
            top_up,
            stacking,
            group,
            yields_to,
            warn_only,
            warning,
            from,
            to,
            source,
        ] = cells
        else {
            return None;
        };
        let stacking = match *stacking {
            "cumulative" => Stacking::Cumulative,
            "highest_in_group" => Stacking::HighestInGroup,
            _ => return None,
        };
        Some(Self {
            territory: fast::req(t)?,
            name: shared.text(name)?,
            authority: shared.opt_text(authority)?,
            heading: heading.parse().ok()?,
            hs: fast::opt(hs)?,
            origins: fast::list(origins)?,
            exclude_origins: fast::list(exclude_origins)?,
            exclude_hs: fast::list(exclude_hs)?,
            not_with_preference: fast::flag(not_with_preference)?,
            rate_percent: fast::decimal(rate)?,
            top_up: fast::flag(top_up)?,
            stacking,
            group: shared.opt_text(group)?,
            yields_to: shared.list(yields_to),
            warn_only: fast::flag(warn_only)?,
            warning: shared.opt_text(warning)?,
            effective_from: fast::date(from)?,
            effective_to: fast::opt_date(to)?,
            source: fast::text(source)?,
        })
    }
}

impl AdditionalDutyRow {
    /// Every problem of the row's own fields (dates are checked by the series).
    fn problems(&self, at: &Location) -> Vec<DataProblem> {
        let mut out = Vec::new();
        let name = &self.name;
        if self.rate_percent.is_sign_negative() && !self.rate_percent.is_zero() {
            out.push(at.problem(
                ProblemKind::NegativeRate,
                format!("additional_duty {name}: rate_percent is negative"),
            ));
        }
        if self.stacking == Stacking::HighestInGroup && self.group.is_none() {
            out.push(at.problem(
                ProblemKind::MissingField,
                format!("additional_duty {name}: stacking highest_in_group needs a group"),
            ));
        }
        if self
            .group
            .as_ref()
            .is_some_and(|g| self.yields_to.contains(g))
        {
            out.push(at.problem(
                ProblemKind::Inconsistent,
                format!("additional_duty {name}: yields_to names the row's own group"),
            ));
        }
        if self.yields_to.contains(name) {
            out.push(at.problem(
                ProblemKind::Inconsistent,
                format!("additional_duty {name}: yields_to names the row itself"),
            ));
        }
        let headings = &self.heading.0;
        if headings
            .iter()
            .enumerate()
            .any(|(i, h)| headings.iter().take(i).any(|x| x == h))
        {
            out.push(at.problem(
                ProblemKind::Inconsistent,
                format!("additional_duty {name}: heading lists a heading twice"),
            ));
        }
        if self.warn_only && self.warning.is_none() {
            out.push(at.problem(
                ProblemKind::MissingField,
                format!("additional_duty {name}: warn_only needs a warning saying what to do"),
            ));
        }
        if self.top_up && self.warn_only {
            out.push(at.problem(
                ProblemKind::Inconsistent,
                format!("additional_duty {name}: a row is top_up or warn_only, not both"),
            ));
        }
        out
    }
}

impl DatedRow for AdditionalDutyRow {
    type Value = AdditionalDuty;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        self.into_raw_shared(at, problems, &mut Shared::default())
    }
}

impl AdditionalDutyRow {
    /// [`DatedRow::into_raw`], the label shared with the previous row's when they have the
    /// same authority, heading and name.
    fn into_raw_shared(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
        shared: &mut Shared,
    ) -> Option<RawDated<AdditionalDuty>> {
        let own = self.problems(&at);
        if !own.is_empty() {
            problems.extend(own);
            return None;
        }
        let headings = self.heading.0;
        let label = shared.label(&self.authority, &headings, &self.name, || {
            let shown = headings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" / ");
            match (&self.authority, shown.is_empty()) {
                (Some(a), false) => Arc::from(format!("{a} ({shown})")),
                (Some(a), true) => Arc::clone(a),
                (None, false) => Arc::from(format!("{} ({shown})", self.name)),
                (None, true) => Arc::clone(&self.name),
            }
        });
        let (heading, candidate_headings) = match headings.as_slice() {
            [one] => (Some(*one), Vec::new()),
            _ => (None, headings),
        };
        let value = AdditionalDuty {
            territory: self.territory,
            name: self.name,
            authority: self.authority,
            heading,
            candidate_headings,
            hs: self.hs,
            origins: self.origins,
            exclude_origins: self.exclude_origins,
            exclude_hs: self.exclude_hs,
            not_with_preference: self.not_with_preference,
            rate_percent: self.rate_percent,
            top_up: self.top_up,
            stacking: self.stacking,
            group: self.group,
            yields_to: self.yields_to,
            warn_only: self.warn_only,
            warning: self.warning,
            label,
        };
        validity!(self).wrap(at, value, problems)
    }
}

dated_row! {
    struct DutyExemptionRow {
        territory: Territory,
        duty: Arc<str>,
        hs: HsCode,
        #[serde(default)]
        origins: Vec<CountryCode>,
        #[serde(default)]
        heading: Option<Heading>,
    }
}

impl FastRow for DutyExemptionRow {
    const FIELDS: &'static [&'static str] = &[
        "territory",
        "duty",
        "hs",
        "origins",
        "heading",
        "effective_from",
        "effective_to",
        "source",
    ];

    fn from_cells(cells: &[&str], shared: &mut Shared) -> Option<Self> {
        let [t, duty, hs, origins, heading, from, to, source] = cells else {
            return None;
        };
        Some(Self {
            territory: fast::req(t)?,
            duty: shared.text(duty)?,
            hs: fast::req(hs)?,
            origins: fast::list(origins)?,
            heading: fast::opt(heading)?,
            effective_from: fast::date(from)?,
            effective_to: fast::opt_date(to)?,
            source: fast::text(source)?,
        })
    }
}

impl DatedRow for DutyExemptionRow {
    type Value = DutyExemption;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let value = DutyExemption {
            territory: self.territory,
            duty: self.duty,
            hs: self.hs,
            origins: self.origins,
            heading: self.heading,
        };
        validity!(self).wrap(at, value, problems)
    }
}

/// Reports each pair of charging rows that yield to each other (each names the other's name or
/// group in `yields_to`) on a day both are in force, for a line and origin both may cover: on
/// such a line neither would apply. Rows are grouped by their (name, group, yields_to)
/// signature, and a signature meets only the signatures its `yields_to` names (found by name
/// or group in an index), so the cost is in the pairs that name each other, not in all pairs.
fn mutual_yields(rows: &[RawDated<AdditionalDuty>], problems: &mut Vec<DataProblem>) {
    type Signature<'r> = (Territory, &'r str, Option<&'r str>, &'r [Arc<str>]);
    let mut by_signature: FastMap<Signature<'_>, Vec<&RawDated<AdditionalDuty>>> =
        FastMap::default();
    for r in rows {
        let v = &r.value;
        if v.warn_only || v.yields_to.is_empty() {
            continue;
        }
        let signature = (
            v.territory,
            &*v.name,
            v.group.as_deref(),
            v.yields_to.as_slice(),
        );
        by_signature.entry(signature).or_default().push(r);
    }
    let signatures: Vec<_> = by_signature.iter().collect();
    // Each signature by the texts a `yields_to` may name it by: its name and its group.
    let mut named: FastMap<(Territory, &str), Vec<usize>> = FastMap::default();
    for (k, ((t, name, group, _), _)) in signatures.iter().enumerate() {
        named.entry((*t, *name)).or_default().push(k);
        if let Some(g) = group.filter(|g| g != name) {
            named.entry((*t, g)).or_default().push(k);
        }
    }
    let names = |(_, name, group, _): &Signature<'_>, other: &[Arc<str>]| {
        other.iter().any(|y| &**y == *name || Some(&**y) == *group)
    };
    let mut met: Vec<usize> = Vec::new();
    for (k, (a, ra)) in signatures.iter().enumerate() {
        met.clear();
        for y in a.3 {
            met.extend(
                named
                    .get(&(a.0, &**y))
                    .into_iter()
                    .flatten()
                    .filter(|j| **j > k),
            );
        }
        met.sort_unstable();
        met.dedup();
        for (b, rb) in met.iter().filter_map(|j| signatures.get(*j)) {
            if names(a, b.3) && names(b, a.3) {
                report_mutual(ra, rb, problems);
            }
        }
    }
}

/// [`mutual_yields`] for two signatures that name each other: each pair of their rows in force
/// on a shared day for a line both may cover, reported at the later row.
fn report_mutual(
    ra: &[&RawDated<AdditionalDuty>],
    rb: &[&RawDated<AdditionalDuty>],
    problems: &mut Vec<DataProblem>,
) {
    for a in ra {
        for b in rb {
            if let Some(day) = shared_day(a, b)
                && scopes_meet(&a.value, &b.value)
            {
                let (first, second) = if a.at.line <= b.at.line {
                    (a, b)
                } else {
                    (b, a)
                };
                problems.push(second.at.problem(
                    ProblemKind::Inconsistent,
                    format!(
                        "additional_duty {} and {} ({}) yield to each other on {day} \
                         for a line both cover: neither would apply",
                        second.value.name,
                        first.value.name,
                        first.at.place_from(&second.at),
                    ),
                ));
            }
        }
    }
}

/// The first day two rows are both in force, if any.
fn shared_day<T>(a: &RawDated<T>, b: &RawDated<T>) -> Option<NaiveDate> {
    let from = a.from.max(b.from);
    let to = match (a.to, b.to) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    to.is_none_or(|t| from <= t).then_some(from)
}

/// True when some line and origin may be covered by both rows (HS prefixes nested and not
/// excluded, origins compatible).
fn scopes_meet(a: &AdditionalDuty, b: &AdditionalDuty) -> bool {
    // The narrower prefix (if any) is the lines both may cover.
    let narrow = match (a.hs, b.hs) {
        (Some(x), Some(y)) if hs_starts_with(&x, &y) => Some(x),
        (Some(x), Some(y)) if hs_starts_with(&y, &x) => Some(y),
        (Some(_), Some(_)) => return false,
        (x, y) => x.or(y),
    };
    let covers = |r: &AdditionalDuty| {
        narrow.is_none_or(|n| !r.exclude_hs.iter().any(|p| hs_starts_with(&n, p)))
    };
    if !covers(a) || !covers(b) {
        return false;
    }
    let admits = |r: &AdditionalDuty, o: &CountryCode| {
        (r.origins.is_empty() || r.origins.contains(o)) && !r.exclude_origins.contains(o)
    };
    match (a.origins.is_empty(), b.origins.is_empty()) {
        (true, true) => true,
        (false, _) => a.origins.iter().any(|o| admits(a, o) && admits(b, o)),
        (true, false) => b.origins.iter().any(|o| admits(a, o) && admits(b, o)),
    }
}

/// (territory, HS prefix or all goods, the single origin of a one-origin row).
type AdditionalKey = (Territory, Option<HsCode>, Option<CountryCode>);
type NamedSeries = Vec<(Arc<str>, Series<AdditionalDuty>)>;

/// The additional duties and exemptions of every territory.
///
/// Invariant: a row with exactly one origin is keyed by it, so a lookup probes the
/// all-origins key and the line's origin key per prefix length: the many per-country rows of
/// one measure (e.g. reciprocal duties by country) cost a probe, not a scan.
#[derive(Debug, Clone, Default)]
pub(crate) struct AdditionalIndex {
    by_key: FastMap<AdditionalKey, NamedSeries>,
    /// Bit `n` set: the territory has additional duties keyed by `n` digits (bit 0: all goods).
    lengths: FastMap<Territory, u16>,
    exemptions: FastMap<(Territory, HsCode), Vec<Series<DutyExemption>>>,
    /// Bit `n` set: the territory has exemptions keyed by `n` digits.
    exemption_lengths: FastMap<Territory, u16>,
    /// The periods in which each heading has a row (duty or exemption), for the footnote check.
    headings: FastMap<(Territory, HsCode), Vec<Period>>,
}

fn origin_key(origins: &[CountryCode]) -> Option<CountryCode> {
    match origins {
        [one] => Some(*one),
        _ => None,
    }
}

impl AdditionalIndex {
    pub(crate) fn build(
        rows: Vec<RawDated<AdditionalDuty>>,
        exemptions: Vec<RawDated<DutyExemption>>,
        problems: &mut Vec<DataProblem>,
    ) -> Self {
        let mut index = Self::default();
        mutual_yields(&rows, problems);
        // A series per (name, territory, HS prefix), inserted in name order: the order of
        // the rows in a key's list, whatever the order of the files.
        let additional = build_sparse_sorted(
            rows,
            |a, b| (&a.name, a.territory, a.hs).cmp(&(&b.name, b.territory, b.hs)),
            |v| match v.hs {
                Some(hs) => format!("additional_duty {} {} {hs}", v.territory, v.name),
                None => format!("additional_duty {} {}", v.territory, v.name),
            },
            problems,
        );
        for s in additional {
            if let Some(v) = s.rows().first().map(|r| &r.value) {
                let (t, hs, name) = (v.territory, v.hs, Arc::clone(&v.name));
                index.insert(t, hs, name, s);
            }
        }
        let exemptions = build_sparse_sorted(
            exemptions,
            |a, b| {
                (a.territory, a.hs, &a.duty, &a.origins).cmp(&(
                    b.territory,
                    b.hs,
                    &b.duty,
                    &b.origins,
                ))
            },
            |v| format!("duty_exemption {} {} {}", v.territory, v.duty, v.hs),
            problems,
        );
        for s in exemptions {
            if let Some((t, hs)) = s.rows().first().map(|r| (r.value.territory, r.value.hs)) {
                index.insert_exemption(t, hs, s);
            }
        }
        index
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for ((t, hs, _), list) in &other.by_key {
            for (name, s) in list {
                self.insert(*t, *hs, Arc::clone(name), s.clone());
            }
        }
        for ((t, hs), list) in &other.exemptions {
            for s in list {
                self.insert_exemption(*t, *hs, s.clone());
            }
        }
    }

    fn note_headings<'r>(
        &mut self,
        t: Territory,
        rows: impl Iterator<Item = (Option<Heading>, Period)> + 'r,
    ) {
        for (h, period) in rows {
            if let Some(h) = h {
                self.headings.entry((t, h.0)).or_default().push(period);
            }
        }
    }

    fn insert(
        &mut self,
        t: Territory,
        hs: Option<HsCode>,
        name: Arc<str>,
        s: Series<AdditionalDuty>,
    ) {
        let mask = self.lengths.entry(t).or_default();
        *mask |= bit(hs.map_or(0, |h| h.len()));
        self.note_headings(
            t,
            s.rows().iter().flat_map(|r| {
                r.value
                    .heading
                    .iter()
                    .chain(&r.value.candidate_headings)
                    .map(|h| (Some(*h), r.period))
            }),
        );
        // A series' rows share a name but may differ in origins: key by the first row's
        // single origin only when every row has that same single origin.
        let first = s.rows().first().and_then(|r| origin_key(&r.value.origins));
        let origin = first.filter(|o| {
            s.rows()
                .iter()
                .all(|r| origin_key(&r.value.origins) == Some(*o))
        });
        // An overlay replaces the series of the same name whatever its origin key.
        for o in [None, origin] {
            if let Some(list) = self.by_key.get_mut(&(t, hs, o)) {
                list.retain(|(n, _)| *n != name);
            }
        }
        self.by_key
            .entry((t, hs, origin))
            .or_default()
            .push((name, s));
    }

    fn insert_exemption(&mut self, t: Territory, hs: HsCode, s: Series<DutyExemption>) {
        let mask = self.exemption_lengths.entry(t).or_default();
        *mask |= bit(hs.len());
        self.note_headings(t, s.rows().iter().map(|r| (r.value.heading, r.period)));
        let list = self.exemptions.entry((t, hs)).or_default();
        let same = |o: &Series<DutyExemption>| match (o.rows().first(), s.rows().first()) {
            (Some(a), Some(b)) => {
                a.value.duty == b.value.duty && a.value.origins == b.value.origins
            }
            _ => false,
        };
        list.retain(|o| !same(o));
        list.push(s);
    }

    /// Every additional duty of the territory whose key matches `hs` and `origin`, in force
    /// on `date`.
    pub(crate) fn for_hs<'s>(
        &'s self,
        territory: Territory,
        hs: &HsCode,
        origin: CountryCode,
        date: NaiveDate,
        mut each: impl FnMut(&'s Dated<AdditionalDuty>),
    ) {
        let Some(mask) = self.lengths.get(&territory).copied() else {
            return;
        };
        for n in 0..=hs.len() {
            if mask & bit(n) == 0 {
                continue;
            }
            let key = if n == 0 { None } else { hs.prefix(n) };
            if n != 0 && key.is_none() {
                continue;
            }
            for o in [None, Some(origin)] {
                if let Some(list) = self.by_key.get(&(territory, key, o)) {
                    for (_, s) in list {
                        if let Ok(row) = s.at(date) {
                            each(row);
                        }
                    }
                }
            }
        }
    }

    /// Every exemption of the territory whose prefix matches `hs`, in force on `date`.
    pub(crate) fn exemptions_for<'s>(
        &'s self,
        territory: Territory,
        hs: &HsCode,
        date: NaiveDate,
        mut each: impl FnMut(&'s Dated<DutyExemption>),
    ) {
        let Some(mask) = self.exemption_lengths.get(&territory).copied() else {
            return;
        };
        for n in 2..=hs.len() {
            if mask & bit(n) == 0 {
                continue;
            }
            let Some(key) = hs.prefix(n) else { continue };
            for s in self.exemptions.get(&(territory, key)).into_iter().flatten() {
                if let Ok(row) = s.at(date) {
                    each(row);
                }
            }
        }
    }

    /// True when some duty or exemption row of the territory with this heading is in force
    /// on a day of `period`.
    pub(crate) fn heading_during(
        &self,
        territory: Territory,
        heading: &HsCode,
        period: &Period,
    ) -> bool {
        self.headings
            .get(&(territory, *heading))
            .is_some_and(|ps| ps.iter().any(|p| p.overlaps(period)))
    }
}
