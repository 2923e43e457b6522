//! The JSON wire format of fee schedules: [`FeeRequest`] in, [`FeeResponse`] out.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::chain::{ChainResult, FeeChain, Sale};
use super::engine::{FeeInput, FeeResult, ScheduleSource};
use crate::data::{ChainSpec, RateTables, ScheduleSpec};
use crate::error::Error;

/// A fee request (the wire format of `cargo run --example fees`): exactly one of `schedule`,
/// `schedule_id` (with `date`), `chain` or `chain_id` (with `date`), and the inputs the
/// schedule's basis needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FeeRequest {
    /// An inline schedule.
    #[serde(default)]
    pub schedule: Option<ScheduleSpec>,
    /// A named schedule of the data, `provider/category[/REGION]`.
    #[serde(default)]
    pub schedule_id: Option<String>,
    /// The date named schedules and chains are looked up on.
    #[serde(default, with = "crate::serde_util::opt_date_str")]
    pub date: Option<NaiveDate>,
    /// An inline chain of fees.
    #[serde(default)]
    pub chain: Option<ChainSpec>,
    /// A named chain of the data.
    #[serde(default)]
    pub chain_id: Option<String>,
    /// The period's quantity (basis quantity).
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub quantity: Option<Decimal>,
    /// Events' amounts.
    #[serde(default, with = "crate::serde_util::decimal_vec")]
    pub events: Vec<Decimal>,
    /// This period's volume so far, or last period's (see the basis).
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub period_volume: Option<Decimal>,
    /// The previous cumulative quantity, for a graduated delta.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub previous_quantity: Option<Decimal>,
    /// The sale a chain is charged on.
    #[serde(default)]
    pub sale: Option<Sale>,
}

/// The response: a schedule's result or a chain's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum FeeResponse {
    /// One schedule.
    Schedule(FeeResult),
    /// A chain.
    Chain(ChainResult),
}

impl FeeRequest {
    /// Parses a request, naming the JSON path of any bad field.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with the field's path.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        crate::serde_util::from_json_named(text)
    }
}

impl FeeResponse {
    /// The response as pretty JSON.
    ///
    /// # Errors
    /// Never in practice (every field serializes).
    pub fn to_json(&self) -> Result<String, Error> {
        crate::serde_util::to_json_pretty(self)
    }
}

/// Evaluates a request against `tables` (named schedules and chains).
///
/// # Errors
/// [`Error::InvalidInput`] naming the field for a request with none or several of
/// `schedule`, `schedule_id`, `chain`, `chain_id`, a named one without `date`, inputs the
/// basis does not use; the schedule's and chain's errors.
///
/// # Example
/// ```
/// use landed::fees::{FeeRequest, FeeResponse, evaluate_request};
/// let req = FeeRequest::from_json(r#"{
///   "schedule": {"mode": "percentage", "currency": "USD", "rate": "2.9", "fixed_amount": "0.30",
///                "per_event_min": "1.75", "per_event_max": "12", "free_events": 2,
///                "free_amount": "30"},
///   "events": ["10", "80", "10000"]
/// }"#)?;
/// let FeeResponse::Schedule(r) = evaluate_request(landed::RateTables::embedded()?, &req)? else {
///     return Err("a schedule".into());
/// };
/// // 10: free; 80: 20 still free, 60 × 2.9 % + 0.30 = 2.04; 10000: 290.30, capped at 12.
/// assert_eq!(r.total.to_string(), "14.04");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_request(tables: &RateTables, req: &FeeRequest) -> Result<FeeResponse, Error> {
    let given = [
        req.schedule.is_some(),
        req.schedule_id.is_some(),
        req.chain.is_some(),
        req.chain_id.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(Error::input(
            "schedule",
            "give exactly one of schedule, schedule_id (with date), chain or chain_id (with date)",
        ));
    }
    let need_date = || {
        req.date.ok_or_else(|| {
            Error::input(
                "date",
                "a named schedule or chain is looked up on a date; give date",
            )
        })
    };
    let version = Some(tables.version().clone());
    if req.chain.is_some() || req.chain_id.is_some() {
        for (name, present) in [
            ("quantity", req.quantity.is_some()),
            ("events", !req.events.is_empty()),
            ("previous_quantity", req.previous_quantity.is_some()),
            ("period_volume", req.period_volume.is_some()),
        ] {
            if present {
                return Err(Error::input(
                    name,
                    "a chain is charged on a sale; give sale {item, shipping, tax, period_volume}",
                ));
            }
        }
        let sale = req
            .sale
            .ok_or_else(|| Error::input("sale", "a chain needs the sale it is charged on"))?;
        let (chain, source) = match (&req.chain, &req.chain_id) {
            (Some(spec), _) => (FeeChain::new(spec, tables, req.date, "chain")?, None),
            (None, Some(id)) => {
                let rec = tables.fee_chain(id, need_date()?)?;
                let source = ScheduleSource {
                    id: id.clone(),
                    period: rec.period,
                    source: rec.source.to_owned(),
                };
                (
                    FeeChain::new(rec.chain, tables, req.date, "chain")?,
                    Some(source),
                )
            }
            (None, None) => return Err(Error::input("chain", "give chain or chain_id")),
        };
        let mut r = chain.evaluate(&sale)?;
        r.data_version = version;
        r.chain = source;
        return Ok(FeeResponse::Chain(r));
    }
    if req.sale.is_some() {
        return Err(Error::input(
            "sale",
            "sale is for chains; for a schedule give events or quantity",
        ));
    }
    let owned;
    let (schedule, source) = match (&req.schedule, &req.schedule_id) {
        (Some(spec), _) => {
            owned = spec.compile("schedule")?;
            (&owned, None)
        }
        (None, Some(id)) => {
            let rec = tables.fee_schedule(id, need_date()?)?;
            (rec.schedule, Some(ScheduleSource::of(id, &rec)))
        }
        (None, None) => return Err(Error::input("schedule", "give schedule or schedule_id")),
    };
    let input = FeeInput {
        quantity: req.quantity,
        events: req.events.clone(),
        period_volume: req.period_volume,
        previous_quantity: req.previous_quantity,
    };
    let mut r = schedule.evaluate(&input)?;
    r.data_version = version;
    r.schedule = source;
    Ok(FeeResponse::Schedule(r))
}
