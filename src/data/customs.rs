//! Customs data for landed-cost quotes: customs territories, each country's currency, the
//! regime of a territory (valuation and default regime id), import taxes with declared bases,
//! rules (thresholds and their effects), government fees, rounding rules and preferential
//! agreements. Every row is effective-dated and sourced.
//!
//! Sections: `[[territory]]`, `[[country_currency]]`, `[[regime]]`, `[[import_tax]]`,
//! `[[rule]]`, `[[fee]]`, `[[rounding]]`, `[[preference]]`, `[[duty_band]]` (consignment duty
//! bands, documented in `src/data/duty_band.rs`). The row fields are documented on the value
//! types below and in `data/customs.toml`.
//!
//! Rule fields added for issue 19 (China CBEC): `also_threshold` (a second threshold that
//! must hold too), `max_units` (the order's total quantity at most this), `tax_factor_percent`
//! (share of the statutory import taxes on the lines under the rule); threshold value
//! `customs_value_plus_annual` (the request's `annual_purchases` added); effect `not_covered`
//! (the quote is an error with the rule's `warning`). Import tax `rate = "line_excise"`: the
//! line's `excise_rate`.
//!
//! Rule field `destinations`: the destination countries a rule of a customs union holds for
//! (Germany's small-import-VAT rule in the EU); empty means all.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{DataProblem, ProblemKind};
use super::hs_set::HsPrefixes;
use super::load::{DatedRow, Validity};
use super::series::{Dated, Location, RawDated, Series, build_series};
use super::tariff::FastMap;
use crate::codes::{CountryCode, Currency, HsCode, Territory};
use crate::money::RoundingMode;

/// Adds the common validity fields (`effective_from`, optional inclusive `effective_to`,
/// `source`) to a row struct and derives its strict deserializer.
macro_rules! dated_row {
    ($(#[$m:meta])* struct $name:ident { $($(#[$fm:meta])* $f:ident : $t:ty,)* }) => {
        $(#[$m])*
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct $name {
            $($(#[$fm])* $f: $t,)*
            #[serde(with = "crate::serde_util::date_str")]
            effective_from: NaiveDate,
            #[serde(default, with = "crate::serde_util::opt_date_str")]
            effective_to: Option<NaiveDate>,
            source: String,
        }
    };
}
pub(crate) use dated_row;

/// The validity of a row made with [`dated_row!`].
macro_rules! validity {
    ($row:expr) => {
        Validity {
            effective_from: $row.effective_from,
            effective_to: $row.effective_to,
            source: $row.source,
        }
    };
}
pub(crate) use validity;

/// Which value a threshold is tested on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValueBasis {
    /// Goods only, without separately shown transport and insurance (EU €150, GB £135).
    Intrinsic,
    /// The customs value of the consignment under the territory's valuation (CIF or FOB).
    CustomsValue,
    /// The value of the dearest single unit (per-item thresholds such as NO and SG).
    Item,
    /// Goods plus shipping and insurance: the price the buyer pays.
    SalePrice,
    /// The import tax of the whole declaration at the border: the sum of the rounded tax
    /// charges collected at the border, in the destination's currency (CH: import VAT of
    /// CHF 5 or less per assessment is not levied). A rule with this threshold is tested after
    /// the taxes are computed (step 6b of the cascade, `src/landed/mod.rs`); its only effect
    /// may be `no_tax` (the whole amount is not levied, it is no deduction), it has no HS
    /// lists and the consignment scope. Not allowed on fees.
    TaxAmount,
    /// The consignment's customs value plus the buyer's purchases under the scheme so far this
    /// calendar year, as the request states them (`annual_purchases`): an annual limit such as
    /// China's ¥26,000 for cross-border e-commerce. When the request does not state them the
    /// quote warns that the annual limit was not checked (they count as zero).
    CustomsValuePlusAnnual,
}

/// Which part of the consignment a rule's threshold is tested on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuleScope {
    /// The consignment (the default): the threshold is tested once, on the consignment's value,
    /// and the effects go to every line the HS lists leave in.
    #[default]
    Consignment,
    /// Each line: the threshold (on `item`, the line's unit price) is tested per line and the
    /// effects go only to the lines that meet it (NO VOEC, SG OVR: in a mixed order only the
    /// items under the limit are taxed at checkout, the others at the border).
    Line,
}

/// How a value is compared with a threshold amount: the rule applies when
/// `value <comparison> amount` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Strictly less than.
    Lt,
    /// Less than or equal ("not exceeding").
    Le,
    /// Strictly greater than.
    Gt,
    /// Greater than or equal.
    Ge,
}

impl Comparison {
    /// True when `value <self> amount`.
    pub fn holds(self, value: Decimal, amount: Decimal) -> bool {
        let order = crate::money::cmp_exact(value, amount);
        match self {
            Self::Lt => order.is_lt(),
            Self::Le => order.is_le(),
            Self::Gt => order.is_gt(),
            Self::Ge => order.is_ge(),
        }
    }

    /// The operator as text (`<`, `≤`, `>`, `≥`).
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Lt => "<",
            Self::Le => "≤",
            Self::Gt => ">",
            Self::Ge => "≥",
        }
    }
}

/// A value threshold with its own currency and comparison.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Threshold {
    /// The value tested.
    pub value: ValueBasis,
    /// The threshold's currency (the value is converted into it for the test).
    pub currency: Currency,
    /// The amount.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub amount: Decimal,
    /// The comparison that makes the rule apply.
    pub comparison: Comparison,
}

/// Mode of international transport of a consignment.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// Express courier (the default).
    #[default]
    Courier,
    /// Postal service.
    Postal,
    /// Air cargo (not courier).
    Air,
    /// Ocean freight.
    Ocean,
    /// Road freight.
    Road,
}

/// Who buys.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Buyer {
    /// A private person (the default).
    #[default]
    Consumer,
    /// A business.
    Business,
}

/// Which buyers a rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BuyerCondition {
    /// Consumers only.
    Consumer,
    /// Businesses, with or without a tax id.
    Business,
    /// Businesses that gave a VAT/GST/ABN number.
    RegisteredBusiness,
    /// Anyone except a business that gave a tax id.
    NotRegisteredBusiness,
}

/// What a rule does when it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Effect {
    /// No customs duty (a duty de minimis or relief).
    NoDuty,
    /// No import tax at the border (a tax de minimis).
    NoTax,
    /// The seller charges the destination's VAT/GST at checkout instead of the border.
    TaxAtCheckout,
    /// No tax is charged: the business buyer accounts for it (reverse charge).
    ReverseCharge,
    /// A flat customs duty replaces the tariff (e.g. the EU's €3 per tariff subheading).
    FlatDuty,
    /// No government fees (e.g. US entries under de minimis pay no MPF).
    NoFees,
    /// The data does not cover a consignment under this rule: the quote is an error whose
    /// message is the rule's `warning` (required), never a partial answer (e.g. Mexico's
    /// regular imports, whose VAT base needs fees the data does not have).
    NotCovered,
    /// The data does not hold the duty of the lines under this rule (e.g. the US column 2
    /// rates of the countries of general note 3(b)): a line without its own `duty_rate` makes
    /// the quote an error on `lines[i].duty_rate` whose message is the rule's `warning`
    /// (required); with one, the quote uses it. Usually with `scope = "line"`, so that the
    /// rule's origins are each line's.
    DutyRateRequired,
}

/// Conditions shared by rules and fees. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Conditions {
    /// A value threshold that must hold.
    pub threshold: Option<Threshold>,
    /// Which buyers.
    pub buyer: Option<BuyerCondition>,
    /// A seller registration the rule needs (e.g. `EU_IOSS`).
    pub requires_registration: Option<Arc<str>>,
    /// Places of direct shipment.
    pub ship_from: Vec<CountryCode>,
    /// Transport modes.
    pub transport: Vec<Transport>,
    /// Every line's origin must be one of these.
    pub origins: Vec<CountryCode>,
    /// No line may originate in one of these.
    pub exclude_origins: Vec<CountryCode>,
    /// A second threshold that must hold as well (e.g. an annual limit beside a per-order one).
    pub also_threshold: Option<Threshold>,
    /// Destination countries: a rule of one member of a customs union (e.g. `["DE"]` in the
    /// EU). Empty means every destination of the territory.
    pub destinations: Vec<CountryCode>,
    /// The order holds at most this many units (the sum of the lines' quantities), e.g. `1`
    /// for China's "only one item in the order".
    pub max_units: Option<Decimal>,
}

/// A dated rule of a territory: conditions and effects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rule {
    /// The territory.
    pub territory: Territory,
    /// Stable identifier, e.g. `eu_ioss`.
    pub name: Arc<str>,
    /// The regime id this rule sets when it applies (the highest `priority` wins).
    pub regime: Option<Arc<str>>,
    /// Priority among matching rules that set a regime.
    pub priority: i32,
    /// What the rule does.
    pub effects: Vec<Effect>,
    /// When it applies.
    pub conditions: Conditions,
    /// Lines whose HS code starts with one of these are outside the rule (e.g. excise goods).
    pub exclude_hs: Vec<HsCode>,
    /// When not empty, only lines whose HS code starts with one of these are in the rule
    /// (`exclude_hs` then takes lines out again), e.g. CH industrial goods, chapters 25–97.
    /// A rule with `include_hs` applies (regime, warning, registration check) only when at
    /// least one line is in it.
    pub include_hs: HsPrefixes,
    /// `exclude_hs` as a set, for the per-line test.
    pub(crate) exclude_set: HsPrefixes,
    /// Whether the threshold is tested on the consignment or on each line (`scope = "line"`;
    /// such a rule, too, applies only when at least one line meets it).
    pub scope: RuleScope,
    /// A registration the seller is expected to hold; a warning is given when it is missing.
    pub expects_registration: Option<Arc<str>>,
    /// The flat duty amount per distinct 6-digit subheading (for [`Effect::FlatDuty`]).
    pub flat_duty: Option<(Decimal, Currency)>,
    /// Base of the tax charged at checkout (for [`Effect::TaxAtCheckout`]).
    pub checkout_tax_base: Vec<BaseTerm>,
    /// A warning added to the quote when the rule applies.
    pub warning: Option<Arc<str>>,
    /// Share of the statutory import taxes levied on the lines under the rule, in percent
    /// (China's cross-border e-commerce: 70); multiplies the tax row's own `factor_percent`.
    pub tax_factor_percent: Option<Decimal>,
    /// Valuation at a share of a stated price (`valuation_share_percent = "60"`): when the rule
    /// applies, each line it does not exclude by HS code is valued for customs at this percent
    /// of quantity × the line's `retail_price` (its `unit_price` when absent), before the
    /// line's share of shipping and insurance is added (CIF). Such a rule is tested before the
    /// other rules (whose value thresholds then see the shared-down customs value), so it may
    /// not test a threshold on the customs value itself. Ref: Japan, 関税定率法基本通達 4の6-2(3)
    /// (personal-use imports: overseas retail price × 0.6).
    pub valuation_share_percent: Option<Decimal>,
}

/// How a territory values goods for customs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Valuation {
    /// Transaction value plus transport and insurance to the border.
    Cif,
    /// Transaction value only (transport and insurance excluded).
    Fob,
}

/// A territory's regime: valuation and the regime id used when no rule sets one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Regime {
    /// The territory.
    pub territory: Territory,
    /// Regime id when no rule sets another, e.g. `eu_import`.
    pub id: Arc<str>,
    /// Valuation basis.
    pub valuation: Valuation,
}

/// A term of a charge's base.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BaseTerm {
    /// The goods' value.
    Goods,
    /// International shipping.
    Shipping,
    /// Insurance.
    Insurance,
    /// The customs value (CIF or FOB per the territory).
    CustomsValue,
    /// All customs duty of the line.
    Duty,
    /// Fees marked taxable.
    TaxableFees,
    /// Another import tax, by name (evaluated before this one).
    Tax(Arc<str>),
}

impl BaseTerm {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "goods" => Self::Goods,
            "shipping" => Self::Shipping,
            "insurance" => Self::Insurance,
            "customs_value" => Self::CustomsValue,
            "duty" => Self::Duty,
            "taxable_fees" => Self::TaxableFees,
            other if other.starts_with("tax:") => {
                Self::Tax(Arc::from(other.get(4..).unwrap_or("")))
            }
            _ => return None,
        })
    }

    /// The term as written in data files.
    pub fn name(&self) -> String {
        match self {
            Self::Goods => "goods".into(),
            Self::Shipping => "shipping".into(),
            Self::Insurance => "insurance".into(),
            Self::CustomsValue => "customs_value".into(),
            Self::Duty => "duty".into(),
            Self::TaxableFees => "taxable_fees".into(),
            Self::Tax(n) => format!("tax:{n}"),
        }
    }
}

fn parse_terms(
    field: &str,
    terms: Vec<String>,
    at: &Location,
    problems: &mut Vec<DataProblem>,
) -> Option<Vec<BaseTerm>> {
    let mut out = Vec::with_capacity(terms.len());
    for t in terms {
        match BaseTerm::parse(&t) {
            Some(b) => out.push(b),
            None => {
                problems.push(at.problem(
                    ProblemKind::BadValue,
                    format!("{field}: unknown term {t:?}; use goods, shipping, insurance, customs_value, duty, taxable_fees or tax:<name>"),
                ));
                return None;
            }
        }
    }
    Some(out)
}

/// Where an import tax's rate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaxRateSource {
    /// The VAT table for the destination, region and the line's tax category; optionally one
    /// named component of the rate (e.g. Japan's `national` part).
    VatTable {
        /// The component, if only one part of the rate is this charge.
        component: Option<Arc<str>>,
    },
    /// A fixed percentage.
    Fixed(Decimal),
    /// The line's `excise_rate` (a consumption tax or excise percent the caller states); a
    /// line without one owes no such tax.
    LineExcise,
    /// An exact fraction of the base (`rate = "fraction"`, `rate_fraction = "22/78"`), for a
    /// rate that is no finite decimal: Japan's local consumption tax is 22/78 of the national
    /// one (Local Tax Act art. 72-83). The amount is `base × numerator / denominator`, computed
    /// on the integer base (the quotient to 28 significant digits, which the line and charge
    /// roundings then round).
    Fraction {
        /// The numerator (22).
        numerator: u32,
        /// The denominator (78), never zero.
        denominator: u32,
    },
}

/// An import tax of a territory with its declared base.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportTax {
    /// The territory.
    pub territory: Territory,
    /// Stable identifier, e.g. `import_vat`.
    pub name: Arc<str>,
    /// Label shown in the charges, e.g. `import VAT`.
    pub label: Arc<str>,
    /// Evaluation order (lower first); taxes named in a base must come earlier.
    pub order: i32,
    /// Where the rate comes from.
    pub rate: TaxRateSource,
    /// The base: a sum of terms.
    pub base: Vec<BaseTerm>,
    /// Share of the statutory amount levied, in percent (100 unless a scheme reduces it).
    pub factor_percent: Decimal,
    /// Whether the tax is computed "por dentro": `base / (1 − t) × t`.
    pub gross_up: bool,
    /// Whether the territory's `tax_base` rounding row rounds this tax's base (`round_base`,
    /// default true). False for a tax on another tax whose chained amount is already the
    /// base the law names: Japan's local consumption tax is computed on the national tax
    /// truncated to ¥100, not on a base truncated to ¥1,000.
    pub round_base: bool,
    /// The name of the tax when the seller collects it at checkout, e.g. `VAT (collected at
    /// checkout)` for `import VAT`, written once at load.
    pub(crate) checkout_label: Arc<str>,
}

/// How a government fee is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FeeKind {
    /// A fixed amount per consignment.
    Flat,
    /// A percentage of the customs value, with optional minimum and maximum.
    AdValorem,
}

/// A government fee of a territory (e.g. the US MPF and HMF).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fee {
    /// The territory.
    pub territory: Territory,
    /// Stable identifier, e.g. `us_mpf_formal`.
    pub name: Arc<str>,
    /// Label shown in the charges.
    pub label: Arc<str>,
    /// Flat or ad valorem.
    pub kind: FeeKind,
    /// Percentage for ad valorem fees.
    pub rate_percent: Option<Decimal>,
    /// Amount for flat fees.
    pub amount: Option<Decimal>,
    /// Minimum for ad valorem fees.
    pub min_amount: Option<Decimal>,
    /// Maximum for ad valorem fees.
    pub max_amount: Option<Decimal>,
    /// Currency of the amounts.
    pub currency: Currency,
    /// When the fee applies.
    pub conditions: Conditions,
    /// Lines with a claimed preference are outside the fee's base (and a flat fee is not
    /// charged when every line has one).
    pub exempt_preferential: bool,
    /// Whether the fee is part of the import tax base.
    pub taxable: bool,
    /// A warning added to the quote when the fee applies (e.g. amounts carried forward).
    pub warning: Option<Arc<str>>,
}

/// What a rounding rule rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundingTarget {
    /// The base of ad valorem duty, per line.
    DutyBase,
    /// Customs duty amounts.
    Duty,
    /// The base of each import tax, per line.
    TaxBase,
    /// Import tax amounts.
    Tax,
    /// Fee amounts.
    Fee,
}

/// Where a rounding happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingStage {
    /// Each line's amount is rounded, then summed.
    Line,
    /// Line amounts are summed, then the charge total is rounded.
    Total,
}

/// A rounding rule of a territory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoundingRule {
    /// The territory.
    pub territory: Territory,
    /// What is rounded.
    pub target: RoundingTarget,
    /// Per line or per charge total.
    pub stage: RoundingStage,
    /// The increment; `None` means the currency's minor unit.
    pub increment: Option<Decimal>,
    /// The mode.
    pub mode: RoundingMode,
    /// At the total stage, each line's amount rounded first (`line_increment`, `line_mode`),
    /// the charge total being the rounded sum of these: Japan drops each line's fraction of a
    /// yen (`line_increment = "1"`, `line_mode = "down"`) before truncating the declaration's
    /// total to ¥100.
    pub line: Option<Box<RoundingRule>>,
    /// The chaining rounding (`chain_increment`, `chain_mode`; targets `duty` and `tax`): each
    /// line's amount, rounded so, is what a later base of the same line uses (the duty in the
    /// tax base, a tax in the base of a tax on it), while the charge itself is rounded per
    /// `stage`, `increment` and `mode` on the line amounts before this rounding. Ref: Japan,
    /// Customs Answer 1111 (a line's duty truncated to ¥100 enters its consumption-tax base;
    /// its national consumption tax truncated to ¥100 is the base of the local one; the
    /// totals are the sums of the untruncated line amounts, truncated to ¥100).
    pub chain: Option<Box<RoundingRule>>,
    /// `declaration = true` (stage `total`): the charges of one step (every rate of one tax,
    /// every duty charge) are rounded as one total, the declaration's, which is split over
    /// them in whole increments by their amounts (each line rounded first per
    /// `line_increment`) and within each charge over its lines. Japan: the consumption tax of
    /// a declaration mixing standard and reduced lines is the sum over all its lines,
    /// truncated to ¥100 once (Customs Answer 1111).
    pub declaration: bool,
}

/// A preferential tariff agreement: goods originating in a partner pay `rate_percent`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Preference {
    /// The importing territory.
    pub territory: Territory,
    /// Scheme id, e.g. `USMCA` or `EU_UK_TCA`.
    pub scheme: Arc<str>,
    /// Countries whose originating goods qualify.
    pub partners: Vec<CountryCode>,
    /// The preferential ad valorem rate (usually 0).
    pub rate_percent: Decimal,
    /// Goods outside the preference.
    pub exclude_hs: Vec<HsCode>,
}

/// Members of a customs union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TerritoryMembers {
    pub(crate) code: Territory,
    pub(crate) members: Vec<CountryCode>,
}

/// A country's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CountryCurrency {
    pub(crate) country: CountryCode,
    pub(crate) currency: Currency,
}

// ---------------------------------------------------------------------------------------
// Rows

dated_row! {
    struct TerritoryRow {
        code: Territory,
        members: Vec<CountryCode>,
    }
}

impl DatedRow for TerritoryRow {
    type Value = TerritoryMembers;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        if self.members.is_empty() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!(
                    "territory {}: members is empty; list the member countries",
                    self.code
                ),
            ));
            return None;
        }
        let value = TerritoryMembers {
            code: self.code,
            members: self.members,
        };
        validity!(self).wrap(at, value, problems)
    }
}

dated_row! {
    struct CountryCurrencyRow {
        country: CountryCode,
        currency: Currency,
    }
}

impl DatedRow for CountryCurrencyRow {
    type Value = CountryCurrency;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let value = CountryCurrency {
            country: self.country,
            currency: self.currency,
        };
        validity!(self).wrap(at, value, problems)
    }
}

dated_row! {
    struct RegimeRow {
        territory: Territory,
        id: String,
        valuation: Valuation,
    }
}

impl DatedRow for RegimeRow {
    type Value = Regime;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let id = check_ident("id", self.id, &at, problems)?;
        let value = Regime {
            territory: self.territory,
            id,
            valuation: self.valuation,
        };
        validity!(self).wrap(at, value, problems)
    }
}

pub(crate) fn check_ident(
    field: &str,
    s: String,
    at: &Location,
    problems: &mut Vec<DataProblem>,
) -> Option<Arc<str>> {
    let ok = !s.is_empty()
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Some(Arc::from(s))
    } else {
        problems.push(at.problem(
            ProblemKind::BadValue,
            format!("{field} {s:?} must be an identifier (letters, digits, underscores)"),
        ));
        None
    }
}

/// A valuation share is a percent in (0, 100], on a rule whose threshold (if any) does not
/// test the customs value the share itself sets.
fn check_valuation_share(
    name: &str,
    share: Option<Decimal>,
    threshold: Option<&Threshold>,
    at: &Location,
    problems: &mut Vec<DataProblem>,
) -> bool {
    let Some(p) = share else { return true };
    let problem = if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED {
        format!("rule {name}: valuation_share_percent {p} must be more than 0 and at most 100")
    } else if threshold.is_some_and(|t| t.value == ValueBasis::CustomsValue) {
        format!(
            "rule {name}: a rule with valuation_share_percent sets the customs value, so its threshold cannot test it; use intrinsic or sale_price"
        )
    } else {
        return true;
    };
    problems.push(at.problem(ProblemKind::Inconsistent, problem));
    false
}

/// `rate_fraction = "22/78"`: two positive integers.
fn parse_fraction(s: &str) -> Option<(u32, u32)> {
    let (n, d) = s.split_once('/')?;
    let n: u32 = n.trim().parse().ok()?;
    let d: u32 = d.trim().parse().ok()?;
    (d != 0).then_some((n, d))
}

fn check_non_negative(
    field: &str,
    v: Option<Decimal>,
    at: &Location,
    problems: &mut Vec<DataProblem>,
) -> bool {
    match v {
        Some(v) if v.is_sign_negative() && !v.is_zero() => {
            problems.push(at.problem(
                ProblemKind::NegativeRate,
                format!("{field} {v} is negative; it must be zero or more"),
            ));
            false
        }
        _ => true,
    }
}

dated_row! {
    struct ImportTaxRow {
        territory: Territory,
        name: String,
        label: String,
        #[serde(default)]
        order: i32,
        rate: String,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        rate_percent: Option<Decimal>,
        #[serde(default)]
        component: Option<String>,
        #[serde(default)]
        rate_fraction: Option<String>,
        base: Vec<String>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        factor_percent: Option<Decimal>,
        #[serde(default)]
        gross_up: bool,
        #[serde(default)]
        round_base: Option<bool>,
    }
}

impl DatedRow for ImportTaxRow {
    type Value = ImportTax;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let name = check_ident("name", self.name, &at, problems)?;
        let fraction = self.rate_fraction.as_deref();
        let rate = match (self.rate.as_str(), self.rate_percent) {
            ("vat_table", None) if fraction.is_none() => TaxRateSource::VatTable {
                component: self.component.map(Arc::from),
            },
            ("line_excise", None) if self.component.is_none() && fraction.is_none() => {
                TaxRateSource::LineExcise
            }
            ("fraction", None) if self.component.is_none() => {
                let Some((numerator, denominator)) = fraction.and_then(parse_fraction) else {
                    problems.push(at.problem(
                        ProblemKind::BadValue,
                        format!("import_tax {name}: rate \"fraction\" needs rate_fraction = \"N/D\" (two integers, D not zero), e.g. \"22/78\""),
                    ));
                    return None;
                };
                TaxRateSource::Fraction {
                    numerator,
                    denominator,
                }
            }
            ("fixed", Some(p)) if self.component.is_none() && fraction.is_none() => {
                if !check_non_negative("rate_percent", Some(p), &at, problems) {
                    return None;
                }
                TaxRateSource::Fixed(p)
            }
            _ => {
                problems.push(at.problem(
                    ProblemKind::BadValue,
                    format!("import_tax {name}: rate must be \"vat_table\" (optionally with component), \"fixed\" with rate_percent, \"line_excise\", or \"fraction\" with rate_fraction"),
                ));
                return None;
            }
        };
        let base = parse_terms("base", self.base, &at, problems)?;
        if base.is_empty() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!("import_tax {name}: base is empty; list its terms"),
            ));
            return None;
        }
        let factor = self.factor_percent.unwrap_or(Decimal::ONE_HUNDRED);
        if !check_non_negative("factor_percent", Some(factor), &at, problems) {
            return None;
        }
        let checkout_label = Arc::from(format!(
            "{} (collected at checkout)",
            self.label.replace("import ", "")
        ));
        let value = ImportTax {
            territory: self.territory,
            name,
            checkout_label,
            label: Arc::from(self.label),
            order: self.order,
            rate,
            base,
            factor_percent: factor,
            gross_up: self.gross_up,
            round_base: self.round_base.unwrap_or(true),
        };
        validity!(self).wrap(at, value, problems)
    }
}

/// A `not_covered` or `duty_rate_required` rule needs its `warning` (the error's message).
fn check_rule_extras(
    name: &str,
    effects: &[Effect],
    warning: bool,
    at: &Location,
    problems: &mut Vec<DataProblem>,
) -> bool {
    // The effects whose warning is the message of the error they make, and what it says.
    let needs = [
        (Effect::NotCovered, "not_covered", "what is not covered"),
        (
            Effect::DutyRateRequired,
            "duty_rate_required",
            "which duty the data lacks",
        ),
    ];
    for (effect, label, what) in needs {
        if effects.contains(&effect) && !warning {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!("rule {name}: the {label} effect needs a warning saying {what}"),
            ));
            return false;
        }
    }
    true
}

dated_row! {
    struct RuleRow {
        territory: Territory,
        name: String,
        #[serde(default)]
        regime: Option<String>,
        #[serde(default)]
        priority: i32,
        effects: Vec<Effect>,
        #[serde(default)]
        threshold: Option<Threshold>,
        #[serde(default)]
        buyer: Option<BuyerCondition>,
        #[serde(default)]
        requires_registration: Option<String>,
        #[serde(default)]
        expects_registration: Option<String>,
        #[serde(default)]
        ship_from: Vec<CountryCode>,
        #[serde(default)]
        transport: Vec<Transport>,
        #[serde(default)]
        origins: Vec<CountryCode>,
        #[serde(default)]
        exclude_origins: Vec<CountryCode>,
        #[serde(default)]
        destinations: Vec<CountryCode>,
        #[serde(default)]
        exclude_hs: Vec<HsCode>,
        #[serde(default)]
        include_hs: Vec<HsCode>,
        #[serde(default)]
        scope: RuleScope,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        flat_duty_amount: Option<Decimal>,
        #[serde(default)]
        flat_duty_currency: Option<Currency>,
        #[serde(default)]
        checkout_tax_base: Option<Vec<String>>,
        #[serde(default)]
        warning: Option<String>,
        #[serde(default)]
        also_threshold: Option<Threshold>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        max_units: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        tax_factor_percent: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        valuation_share_percent: Option<Decimal>,
    }
}

impl DatedRow for RuleRow {
    type Value = Rule;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let problem = scope_problem(&self);
        let name = check_ident("name", self.name, &at, problems)?;
        if let Some(why) = problem {
            problems.push(at.problem(ProblemKind::Inconsistent, format!("rule {name}: {why}")));
            return None;
        }
        let regime = match self.regime {
            Some(r) => Some(check_ident("regime", r, &at, problems)?),
            None => None,
        };
        let flat = self.effects.contains(&Effect::FlatDuty);
        let flat_duty = match (flat, self.flat_duty_amount, self.flat_duty_currency) {
            (true, Some(a), Some(c)) => {
                if !check_non_negative("flat_duty_amount", Some(a), &at, problems) {
                    return None;
                }
                Some((a, c))
            }
            (false, None, None) => None,
            _ => {
                problems.push(at.problem(
                    ProblemKind::Inconsistent,
                    format!("rule {name}: the flat_duty effect needs flat_duty_amount and flat_duty_currency, and they need the effect"),
                ));
                return None;
            }
        };
        let checkout = self.effects.contains(&Effect::TaxAtCheckout);
        let checkout_tax_base = match (checkout, self.checkout_tax_base) {
            (true, Some(terms)) => parse_terms("checkout_tax_base", terms, &at, problems)?,
            (true, None) => vec![BaseTerm::Goods, BaseTerm::Shipping, BaseTerm::Insurance],
            (false, None) => Vec::new(),
            (false, Some(_)) => {
                problems.push(at.problem(
                    ProblemKind::Inconsistent,
                    format!("rule {name}: checkout_tax_base needs the tax_at_checkout effect"),
                ));
                return None;
            }
        };
        if let Some(t) = &self.threshold
            && !check_non_negative("threshold.amount", Some(t.amount), &at, problems)
        {
            return None;
        }
        if !check_rule_extras(&name, &self.effects, self.warning.is_some(), &at, problems)
            || !check_non_negative(
                "also_threshold.amount",
                self.also_threshold.as_ref().map(|t| t.amount),
                &at,
                problems,
            )
            || !check_non_negative("max_units", self.max_units, &at, problems)
            || !check_non_negative("tax_factor_percent", self.tax_factor_percent, &at, problems)
            || !check_valuation_share(
                &name,
                self.valuation_share_percent,
                self.threshold.as_ref(),
                &at,
                problems,
            )
        {
            return None;
        }
        let reg = |s: Option<String>| s.map(|s| Arc::from(s.to_ascii_uppercase()));
        let value = Rule {
            territory: self.territory,
            name,
            regime,
            priority: self.priority,
            effects: self.effects,
            conditions: Conditions {
                threshold: self.threshold,
                buyer: self.buyer,
                requires_registration: reg(self.requires_registration),
                ship_from: self.ship_from,
                transport: self.transport,
                origins: self.origins,
                exclude_origins: self.exclude_origins,
                also_threshold: self.also_threshold,
                max_units: self.max_units,
                destinations: self.destinations,
            },
            exclude_set: HsPrefixes::new(self.exclude_hs.clone()),
            exclude_hs: self.exclude_hs,
            include_hs: HsPrefixes::new(self.include_hs),
            scope: self.scope,
            expects_registration: reg(self.expects_registration),
            flat_duty,
            checkout_tax_base,
            warning: self.warning.map(Arc::from),
            tax_factor_percent: self.tax_factor_percent,
            valuation_share_percent: self.valuation_share_percent,
        };
        validity!(self).wrap(at, value, problems)
    }
}

/// What is wrong with a rule's `scope`, or with a `tax_amount` threshold, if anything: a
/// line-scoped rule tests each line's unit price (a threshold on `item`) or origin
/// (`origins`, `exclude_origins`), at least one of them; a rule on the tax amount is tested on
/// the whole declaration after the taxes, so its only effect is `no_tax` and it has no HS
/// lists.
fn scope_problem(row: &RuleRow) -> Option<&'static str> {
    let basis = row.threshold.as_ref().map(|t| t.value);
    if row.scope == RuleScope::Line && basis.is_some_and(|b| b != ValueBasis::Item) {
        return Some(
            "scope = \"line\" tests each line's unit price and origin: its threshold, if any, needs value = \"item\"",
        );
    }
    if row.scope == RuleScope::Line
        && basis.is_none()
        && row.origins.is_empty()
        && row.exclude_origins.is_empty()
    {
        return Some(
            "scope = \"line\" tests each line's unit price or origin: give a threshold with value = \"item\", or origins / exclude_origins",
        );
    }
    let waiver_only =
        row.effects == [Effect::NoTax] && row.include_hs.is_empty() && row.exclude_hs.is_empty();
    if row
        .also_threshold
        .as_ref()
        .is_some_and(|t| t.value == ValueBasis::TaxAmount)
    {
        return Some(
            "also_threshold cannot be on \"tax_amount\": a rule on the tax amount has one threshold, tested after the taxes",
        );
    }
    if basis == Some(ValueBasis::TaxAmount) && !waiver_only {
        return Some(
            "a threshold on \"tax_amount\" is tested on the whole declaration after the taxes: its effects must be [\"no_tax\"] and it takes no include_hs or exclude_hs",
        );
    }
    None
}

dated_row! {
    struct FeeRow {
        territory: Territory,
        name: String,
        label: String,
        kind: FeeKind,
        currency: Currency,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        rate_percent: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        amount: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        min_amount: Option<Decimal>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        max_amount: Option<Decimal>,
        #[serde(default)]
        threshold: Option<Threshold>,
        #[serde(default)]
        transport: Vec<Transport>,
        #[serde(default)]
        ship_from: Vec<CountryCode>,
        #[serde(default)]
        exempt_preferential: bool,
        #[serde(default)]
        taxable: bool,
        #[serde(default)]
        warning: Option<String>,
    }
}

impl DatedRow for FeeRow {
    type Value = Fee;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let name = check_ident("name", self.name, &at, problems)?;
        let mut ok = true;
        for (f, v) in [
            ("rate_percent", self.rate_percent),
            ("amount", self.amount),
            ("min_amount", self.min_amount),
            ("max_amount", self.max_amount),
        ] {
            ok &= check_non_negative(f, v, &at, problems);
        }
        let shape_ok = match self.kind {
            FeeKind::Flat => {
                self.amount.is_some()
                    && self.rate_percent.is_none()
                    && self.min_amount.is_none()
                    && self.max_amount.is_none()
            }
            FeeKind::AdValorem => self.rate_percent.is_some() && self.amount.is_none(),
        };
        if !shape_ok {
            problems.push(at.problem(
                ProblemKind::Inconsistent,
                format!("fee {name}: a flat fee has amount only; an ad_valorem fee has rate_percent and optional min_amount/max_amount"),
            ));
            ok = false;
        }
        if let (Some(lo), Some(hi)) = (self.min_amount, self.max_amount)
            && lo > hi
        {
            problems.push(at.problem(
                ProblemKind::Inconsistent,
                format!("fee {name}: min_amount {lo} exceeds max_amount {hi}"),
            ));
            ok = false;
        }
        if self
            .threshold
            .as_ref()
            .is_some_and(|t| t.value == ValueBasis::TaxAmount)
        {
            problems.push(at.problem(
                ProblemKind::BadValue,
                format!("fee {name}: a fee's threshold cannot be on \"tax_amount\" (fees are computed before the taxes)"),
            ));
            ok = false;
        }
        if !ok {
            return None;
        }
        let value = Fee {
            territory: self.territory,
            name,
            label: Arc::from(self.label),
            kind: self.kind,
            rate_percent: self.rate_percent,
            amount: self.amount,
            min_amount: self.min_amount,
            max_amount: self.max_amount,
            currency: self.currency,
            conditions: Conditions {
                threshold: self.threshold,
                transport: self.transport,
                ship_from: self.ship_from,
                ..Conditions::default()
            },
            exempt_preferential: self.exempt_preferential,
            taxable: self.taxable,
            warning: self.warning.map(Arc::from),
        };
        validity!(self).wrap(at, value, problems)
    }
}

dated_row! {
    struct RoundingRow {
        territory: Territory,
        target: RoundingTarget,
        stage: RoundingStage,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        increment: Option<Decimal>,
        mode: RoundingMode,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        line_increment: Option<Decimal>,
        #[serde(default)]
        line_mode: Option<RoundingMode>,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        chain_increment: Option<Decimal>,
        #[serde(default)]
        chain_mode: Option<RoundingMode>,
        #[serde(default)]
        declaration: bool,
    }
}

impl DatedRow for RoundingRow {
    type Value = RoundingRule;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        for (field, inc) in [
            ("increment", self.increment),
            ("line_increment", self.line_increment),
            ("chain_increment", self.chain_increment),
        ] {
            if let Some(i) = inc.filter(|i| *i <= Decimal::ZERO) {
                problems.push(at.problem(
                    ProblemKind::NegativeRate,
                    format!("{field} {i} must be greater than zero; omit it for the minor unit"),
                ));
                return None;
            }
        }
        let sub = |increment, mode| {
            Box::new(RoundingRule {
                territory: self.territory,
                target: self.target,
                stage: RoundingStage::Line,
                increment,
                mode,
                line: None,
                chain: None,
                declaration: false,
            })
        };
        let line = match (self.stage, self.line_increment, self.line_mode) {
            (_, None, None) => None,
            (RoundingStage::Total, i, Some(m)) => Some(sub(i, m)),
            _ => {
                problems.push(at.problem(
                    ProblemKind::Inconsistent,
                    "line_increment needs line_mode and stage = \"total\" (each line rounded before the total)".to_owned(),
                ));
                return None;
            }
        };
        let chains = matches!(self.target, RoundingTarget::Duty | RoundingTarget::Tax);
        if self.declaration && (!chains || self.stage != RoundingStage::Total) {
            problems.push(at.problem(
                ProblemKind::Inconsistent,
                "declaration = true needs stage = \"total\" and target duty or tax".to_owned(),
            ));
            return None;
        }
        let chain = match (chains, self.chain_increment, self.chain_mode) {
            (_, None, None) => None,
            (true, i, Some(m)) => Some(sub(i, m)),
            _ => {
                problems.push(at.problem(
                    ProblemKind::Inconsistent,
                    "chain_increment needs chain_mode, and only targets duty and tax chain into a later base".to_owned(),
                ));
                return None;
            }
        };
        let value = RoundingRule {
            territory: self.territory,
            target: self.target,
            stage: self.stage,
            increment: self.increment,
            mode: self.mode,
            line,
            chain,
            declaration: self.declaration,
        };
        validity!(self).wrap(at, value, problems)
    }
}

dated_row! {
    struct PreferenceRow {
        territory: Territory,
        scheme: String,
        partners: Vec<CountryCode>,
        #[serde(with = "crate::serde_util::decimal_str")]
        rate_percent: Decimal,
        #[serde(default)]
        exclude_hs: Vec<HsCode>,
    }
}

impl DatedRow for PreferenceRow {
    type Value = Preference;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let scheme = check_ident("scheme", self.scheme, &at, problems)?;
        if !check_non_negative("rate_percent", Some(self.rate_percent), &at, problems) {
            return None;
        }
        if self.partners.is_empty() {
            problems.push(at.problem(
                ProblemKind::MissingField,
                format!("preference {scheme}: partners is empty"),
            ));
            return None;
        }
        let value = Preference {
            territory: self.territory,
            scheme,
            partners: self.partners,
            rate_percent: self.rate_percent,
            exclude_hs: self.exclude_hs,
        };
        validity!(self).wrap(at, value, problems)
    }
}

// ---------------------------------------------------------------------------------------
// Tables

/// Series of a section keyed by territory and a name, iterated in name order (a short list
/// per territory, kept sorted by name, so that a quote walks a slice).
#[derive(Debug, Clone)]
pub(crate) struct ByTerritory<T> {
    map: FastMap<Territory, Named<T>>,
}

/// Series by name, sorted by name.
type Named<T> = Vec<(Arc<str>, Series<T>)>;

/// Puts `series` under `name` in a name-sorted list, replacing a series of that name.
fn put<T>(list: &mut Named<T>, name: Arc<str>, series: Series<T>) {
    match list.binary_search_by(|(n, _)| n.cmp(&name)) {
        Ok(k) => {
            if let Some(slot) = list.get_mut(k) {
                slot.1 = series;
            }
        }
        Err(k) => list.insert(k, (name, series)),
    }
}

impl<T> Default for ByTerritory<T> {
    fn default() -> Self {
        Self {
            map: FastMap::default(),
        }
    }
}

impl<T: Clone> ByTerritory<T> {
    pub(crate) fn build(
        rows: Vec<RawDated<T>>,
        section: &'static str,
        key_of: impl Fn(&T) -> (Territory, Arc<str>),
        problems: &mut Vec<DataProblem>,
    ) -> Self {
        let series = build_series(
            rows,
            key_of,
            |(t, n)| format!("{section} {t} {n}"),
            problems,
        );
        let mut out = Self::default();
        for ((t, n), s) in series {
            put(out.map.entry(t).or_default(), n, s);
        }
        out
    }

    /// Replaces every series `other` has.
    pub(crate) fn overlay(&mut self, other: &Self) {
        for (t, named) in &other.map {
            let mine = self.map.entry(*t).or_default();
            for (n, s) in named {
                put(mine, Arc::clone(n), s.clone());
            }
        }
    }

    /// Every row of the territory in force on `date`, in name order.
    pub(crate) fn in_force(
        &self,
        territory: Territory,
        date: NaiveDate,
    ) -> impl Iterator<Item = &Dated<T>> {
        self.map
            .get(&territory)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(move |(_, s)| s.at(date).ok())
    }
}

/// Series keyed by one code.
#[derive(Debug, Clone)]
pub(crate) struct ByCode<K, T> {
    map: FastMap<K, Series<T>>,
}

impl<K, T> Default for ByCode<K, T> {
    fn default() -> Self {
        Self {
            map: FastMap::default(),
        }
    }
}

impl<K: core::hash::Hash + Eq + Clone + core::fmt::Display, T: Clone> ByCode<K, T> {
    pub(crate) fn build(
        rows: Vec<RawDated<T>>,
        section: &'static str,
        key_of: impl Fn(&T) -> K,
        problems: &mut Vec<DataProblem>,
    ) -> Self {
        Self {
            map: build_series(rows, key_of, |k| format!("{section} {k}"), problems)
                .into_iter()
                .collect(),
        }
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        for (k, s) in &other.map {
            self.map.insert(k.clone(), s.clone());
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<&Series<T>> {
        self.map.get(key)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &Series<T>> {
        self.map.values()
    }
}

/// Rows of the customs sections, collected across files.
#[derive(Default)]
pub(crate) struct CustomsRows {
    pub(crate) territories: Vec<RawDated<TerritoryMembers>>,
    pub(crate) country_currencies: Vec<RawDated<CountryCurrency>>,
    pub(crate) regimes: Vec<RawDated<Regime>>,
    pub(crate) import_taxes: Vec<RawDated<ImportTax>>,
    pub(crate) rules: Vec<RawDated<Rule>>,
    pub(crate) fees: Vec<RawDated<Fee>>,
    pub(crate) roundings: Vec<RawDated<RoundingRule>>,
    pub(crate) preferences: Vec<RawDated<Preference>>,
    pub(crate) duty_bands: Vec<RawDated<super::duty_band::DutyBand>>,
}

/// The section names this module reads, for "unknown section" messages.
pub(crate) const SECTIONS: &[&str] = &[
    "territory",
    "country_currency",
    "regime",
    "import_tax",
    "rule",
    "fee",
    "rounding",
    "preference",
    "duty_band",
];

impl CustomsRows {
    /// Reads a section of this module; false when the name is not one of ours.
    pub(crate) fn read<'a>(
        &mut self,
        reader: &super::load::FileReader<'_>,
        section: &str,
        value: toml::Spanned<toml::de::DeValue<'a>>,
        problems: &mut Vec<DataProblem>,
    ) -> Result<(), toml::Spanned<toml::de::DeValue<'a>>> {
        match section {
            "territory" => self
                .territories
                .extend(reader.rows::<TerritoryRow>(section, value, problems)),
            "country_currency" => self
                .country_currencies
                .extend(reader.rows::<CountryCurrencyRow>(section, value, problems)),
            "regime" => self
                .regimes
                .extend(reader.rows::<RegimeRow>(section, value, problems)),
            "import_tax" => self
                .import_taxes
                .extend(reader.rows::<ImportTaxRow>(section, value, problems)),
            "rule" => self
                .rules
                .extend(reader.rows::<RuleRow>(section, value, problems)),
            "fee" => self
                .fees
                .extend(reader.rows::<FeeRow>(section, value, problems)),
            "rounding" => self
                .roundings
                .extend(reader.rows::<RoundingRow>(section, value, problems)),
            "preference" => self
                .preferences
                .extend(reader.rows::<PreferenceRow>(section, value, problems)),
            "duty_band" => self
                .duty_bands
                .extend(reader.rows::<super::duty_band::DutyBandRow>(section, value, problems)),
            _ => return Err(value),
        }
        Ok(())
    }
}

/// Validated customs tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct CustomsTables {
    pub(crate) territories: ByCode<Territory, TerritoryMembers>,
    /// Each listed country's territory memberships by date, from the territory rows: a quote
    /// finds its destination's territory with one lookup instead of scanning every member list.
    memberships: FastMap<CountryCode, Vec<(super::series::Period, Territory)>>,
    pub(crate) country_currencies: ByCode<CountryCode, CountryCurrency>,
    pub(crate) regimes: ByCode<Territory, Regime>,
    pub(crate) import_taxes: ByTerritory<ImportTax>,
    pub(crate) rules: ByTerritory<Rule>,
    pub(crate) fees: ByTerritory<Fee>,
    pub(crate) roundings: ByTerritory<RoundingRule>,
    pub(crate) preferences: ByTerritory<Preference>,
    /// Consignment duty bands replacing the tariff (`[[duty_band]]`).
    pub(crate) duty_bands: ByTerritory<super::duty_band::DutyBand>,
}

/// Name of a rounding series: its target.
fn rounding_key(r: &RoundingRule) -> (Territory, Arc<str>) {
    let name = match r.target {
        RoundingTarget::DutyBase => "duty_base",
        RoundingTarget::Duty => "duty",
        RoundingTarget::TaxBase => "tax_base",
        RoundingTarget::Tax => "tax",
        RoundingTarget::Fee => "fee",
    };
    (r.territory, Arc::from(name))
}

impl CustomsTables {
    pub(crate) fn build(rows: CustomsRows, problems: &mut Vec<DataProblem>) -> Self {
        // Import taxes may name earlier taxes in their base; check the names exist and come
        // first (no cycles) before building.
        check_tax_bases(&rows.import_taxes, problems);
        check_one_territory_per_country(&rows.territories, problems);
        let mut tables = Self {
            territories: ByCode::build(rows.territories, "territory", |v| v.code, problems),
            country_currencies: ByCode::build(
                rows.country_currencies,
                "country_currency",
                |v| v.country,
                problems,
            ),
            regimes: ByCode::build(rows.regimes, "regime", |v| v.territory, problems),
            import_taxes: ByTerritory::build(
                rows.import_taxes,
                "import_tax",
                |v| (v.territory, Arc::clone(&v.name)),
                problems,
            ),
            rules: ByTerritory::build(
                rows.rules,
                "rule",
                |v| (v.territory, Arc::clone(&v.name)),
                problems,
            ),
            fees: ByTerritory::build(
                rows.fees,
                "fee",
                |v| (v.territory, Arc::clone(&v.name)),
                problems,
            ),
            roundings: ByTerritory::build(rows.roundings, "rounding", rounding_key, problems),
            preferences: ByTerritory::build(
                rows.preferences,
                "preference",
                |v| (v.territory, Arc::clone(&v.scheme)),
                problems,
            ),
            duty_bands: ByTerritory::build(
                rows.duty_bands,
                "duty_band",
                |v| (v.territory, Arc::clone(&v.name)),
                problems,
            ),
            memberships: FastMap::default(),
        };
        tables.index_memberships();
        tables
    }

    pub(crate) fn overlay(&mut self, other: &Self) {
        self.territories.overlay(&other.territories);
        self.country_currencies.overlay(&other.country_currencies);
        self.regimes.overlay(&other.regimes);
        self.import_taxes.overlay(&other.import_taxes);
        self.rules.overlay(&other.rules);
        self.fees.overlay(&other.fees);
        self.roundings.overlay(&other.roundings);
        self.preferences.overlay(&other.preferences);
        self.duty_bands.overlay(&other.duty_bands);
        self.index_memberships();
    }

    /// Rebuilds [`CustomsTables::memberships`] from the territory series, each country's
    /// memberships in date order.
    fn index_memberships(&mut self) {
        let mut index: FastMap<CountryCode, Vec<(super::series::Period, Territory)>> =
            FastMap::default();
        for series in self.territories.values() {
            for row in series.rows() {
                for country in &row.value.members {
                    index
                        .entry(*country)
                        .or_default()
                        .push((row.period, row.value.code));
                }
            }
        }
        for list in index.values_mut() {
            list.sort_by_key(|(p, _)| p.from);
        }
        self.memberships = index;
    }

    /// The customs territory `country` belongs to on `date`: the territory row in force that
    /// lists it; before its earliest listing, that listing's territory (so that an error speaks
    /// of the territory's coverage); `None` when no row lists it on or before the date (a
    /// country that is its own territory, or GB after it left the EU).
    pub(crate) fn territory_of(&self, country: CountryCode, date: NaiveDate) -> Option<Territory> {
        let list = self.memberships.get(&country)?;
        if let Some((_, t)) = list.iter().find(|(p, _)| p.contains(date)) {
            return Some(*t);
        }
        list.first().filter(|(p, _)| p.from > date).map(|(_, t)| *t)
    }
}

/// A country belongs to at most one customs territory on any day: two territory rows that
/// list the same country over overlapping periods would let a quote pick either (DE quoted
/// under GB's regime). Each such pair is a problem naming both rows. Sorting the memberships
/// by country and start keeps this linear after the sort.
fn check_one_territory_per_country(
    rows: &[RawDated<TerritoryMembers>],
    problems: &mut Vec<DataProblem>,
) {
    let mut memberships: Vec<(CountryCode, NaiveDate, Option<NaiveDate>, usize)> = rows
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.value.members.iter().map(move |c| (*c, r.from, r.to, i)))
        .collect();
    memberships.sort_by_key(|m| (m.0, m.1));
    // The membership of each country that runs latest so far, which every later start is
    // checked against.
    let mut open: Option<(CountryCode, Option<NaiveDate>, usize)> = None;
    for (country, from, to, i) in memberships {
        if let Some((c, until, j)) = open
            && c == country
            && until.is_none_or(|u| u >= from)
            && let (Some(a), Some(b)) = (rows.get(j), rows.get(i))
        {
            problems.push(b.at.problem(
                ProblemKind::Inconsistent,
                format!(
                    "{country} is a member of territory {} from {from} while the row at {} already puts it in territory {} until {}; a country belongs to one customs territory at a time: end one membership the day before the other starts",
                    b.value.code,
                    a.at.place_from(&b.at),
                    a.value.code,
                    until.map_or_else(|| "further notice".to_owned(), |u| u.to_string()),
                ),
            ));
        }
        let later = match open {
            Some((c, until, _)) if c == country => match (until, to) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(u), Some(t)) => t > u,
            },
            _ => true,
        };
        if later {
            open = Some((country, to, i));
        }
    }
}

/// Every `tax:<name>` base term must name a tax of the same territory with a lower `order`
/// (so that evaluation in order never meets an unevaluated tax, and cycles are impossible).
fn check_tax_bases(rows: &[RawDated<ImportTax>], problems: &mut Vec<DataProblem>) {
    for row in rows {
        for term in &row.value.base {
            let BaseTerm::Tax(name) = term else { continue };
            let earlier = rows.iter().any(|o| {
                o.value.territory == row.value.territory
                    && o.value.name == *name
                    && o.value.order < row.value.order
            });
            if !earlier {
                problems.push(row.at.problem(
                    ProblemKind::Inconsistent,
                    format!(
                        "import_tax {}: base term tax:{name} must name a tax of {} with a lower order (cycles are not allowed)",
                        row.value.name, row.value.territory
                    ),
                ));
            }
        }
    }
}
