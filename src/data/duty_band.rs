//! `[[duty_band]]` rows of `data/customs.toml`: **consignment duty bands that replace the
//! tariff**. A band is an ad valorem rate on the consignment's value within a value range,
//! optionally minus a fixed deduction, under conditions (seller registration, buyer, transport,
//! ship-from). When a band holds, every line pays the band instead of its tariff duty (a
//! `duty_rate` is then unused and reported); a band may also replace the import taxes (a
//! "global rate" such as Mexico's courier simplified procedure).
//!
//! Fields (besides `effective_from`, `effective_to`, `source`):
//! - `territory`, `name` (identifier), `label` (the charge's name, e.g. `import tax`),
//!   `regime` (the quote's regime id while the band applies), `priority` (among bands that
//!   hold, the highest wins; default 0);
//! - `value` (a threshold value basis: `customs_value`, `sale_price`, `intrinsic` …),
//!   `currency` of the bounds and the deduction, `above` (exclusive lower bound, optional),
//!   `up_to` (inclusive upper bound);
//! - `rate_percent`, `deduction` (optional, in `currency`: the band's amount is
//!   `rate × value − deduction`, never below zero, spread over the lines by customs value);
//! - conditions: `requires_registration`, `buyer`, `transport`, `ship_from`;
//! - `replaces_import_taxes` (default false): lines under the band owe no import tax;
//! - `warning` (optional): added to the quote when the band applies (e.g. what is unverified).
//!
//! Example (Brazil's Remessa Conforme, US$50.01 to US$3,000: 60 % minus US$20):
//! ```toml
//! [[duty_band]]
//! territory = "BR"
//! name = "br_remessa_conforme_3000"
//! label = "import tax"
//! regime = "br_remessa_conforme"
//! priority = 2
//! value = "customs_value"
//! currency = "USD"
//! above = "50"
//! up_to = "3000"
//! rate_percent = "60"
//! deduction = "20"
//! requires_registration = "BR_REMESSA_CONFORME"
//! effective_from = "2024-08-01"
//! source = "..."
//! ```

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customs::{BuyerCondition, Conditions, Transport, ValueBasis, validity};
use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, Validity};
use super::series::{Location, RawDated};
use crate::codes::{CountryCode, Currency, Territory};

/// A consignment duty band of a territory (see `src/data/duty_band.rs` for the fields).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DutyBand {
    /// The territory.
    pub territory: Territory,
    /// Stable identifier, e.g. `br_remessa_conforme_50`.
    pub name: Arc<str>,
    /// The charge's name, e.g. `import tax`.
    pub label: Arc<str>,
    /// The quote's regime id while the band applies.
    pub regime: Arc<str>,
    /// Among bands that hold, the highest priority wins.
    pub priority: i32,
    /// The value the bounds are tested on (and the band's rate applies to, as customs value).
    pub value: ValueBasis,
    /// Currency of the bounds and the deduction.
    pub currency: Currency,
    /// Exclusive lower bound.
    pub above: Option<Decimal>,
    /// Inclusive upper bound.
    pub up_to: Decimal,
    /// The ad valorem rate.
    pub rate_percent: Decimal,
    /// Subtracted from `rate × value` (in `currency`), never below zero.
    pub deduction: Option<Decimal>,
    /// Seller registration, buyer, transport, ship-from (no threshold: the bounds are the
    /// band's).
    pub conditions: Conditions,
    /// Lines under the band owe no import tax (a global rate).
    pub replaces_import_taxes: bool,
    /// Added to the quote when the band applies.
    pub warning: Option<Arc<str>>,
}

super::customs::dated_row! {
    struct DutyBandRow {
        territory: Territory,
        name: String,
        label: String,
        regime: String,
        #[serde(default)]
        priority: i32,
        value: ValueBasis,
        currency: Currency,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        above: Option<Decimal>,
        #[serde(with = "crate::serde_util::decimal_str")]
        up_to: Decimal,
        #[serde(with = "crate::serde_util::decimal_str")]
        rate_percent: Decimal,
        #[serde(default, with = "crate::serde_util::opt_decimal_str")]
        deduction: Option<Decimal>,
        #[serde(default)]
        requires_registration: Option<String>,
        #[serde(default)]
        buyer: Option<BuyerCondition>,
        #[serde(default)]
        transport: Vec<Transport>,
        #[serde(default)]
        ship_from: Vec<CountryCode>,
        #[serde(default)]
        replaces_import_taxes: bool,
        #[serde(default)]
        warning: Option<String>,
    }
}

/// A problem when `v` is negative.
fn negative(field: &str, v: Option<Decimal>, at: &Location) -> Option<DataProblem> {
    v.filter(|v| v.is_sign_negative() && !v.is_zero()).map(|v| {
        at.problem(
            ProblemKind::NegativeRate,
            format!("{field} {v} is negative; it must be zero or more"),
        )
    })
}

impl DatedRow for DutyBandRow {
    type Value = DutyBand;
    fn into_raw(
        self,
        at: Location,
        problems: &mut Vec<DataProblem>,
    ) -> Option<RawDated<Self::Value>> {
        let name = super::customs::check_ident("name", self.name, &at, problems)?;
        let regime = super::customs::check_ident("regime", self.regime, &at, problems)?;
        let checks = [
            ("rate_percent", Some(self.rate_percent)),
            ("up_to", Some(self.up_to)),
            ("above", self.above),
            ("deduction", self.deduction),
        ];
        let before = problems.len();
        problems.extend(checks.iter().filter_map(|(f, v)| negative(f, *v, &at)));
        if self.above.is_some_and(|a| a >= self.up_to) {
            problems.push(at.problem(
                ProblemKind::Inconsistent,
                format!("duty_band {name}: above must be less than up_to"),
            ));
        }
        if problems.len() > before {
            return None;
        }
        let value = DutyBand {
            territory: self.territory,
            name,
            label: Arc::from(self.label),
            regime,
            priority: self.priority,
            value: self.value,
            currency: self.currency,
            above: self.above,
            up_to: self.up_to,
            rate_percent: self.rate_percent,
            deduction: self.deduction,
            conditions: Conditions {
                requires_registration: self
                    .requires_registration
                    .map(|s| Arc::from(s.to_ascii_uppercase())),
                buyer: self.buyer,
                transport: self.transport,
                ship_from: self.ship_from,
                ..Conditions::default()
            },
            replaces_import_taxes: self.replaces_import_taxes,
            warning: self.warning.map(Arc::from),
        };
        validity!(self).wrap(at, value, problems)
    }
}
