//! Tiered fee schedules: flat, percentage + fixed, graduated, graduated percentage, volume,
//! stairstep and package, on a quantity, each event's amount, this period's volume or last
//! period's volume; caps per event, per tier and per period (the breakdown says which bound);
//! free events, free amount and free units; graduated deltas; fee chains with declared bases.
//!
//! Schedules are [`ScheduleSpec`](crate::data::ScheduleSpec)s, validated into
//! [`FeeSchedule`](crate::data::FeeSchedule)s, inline or named in the data
//! (`[[fee_schedule]]`, [`RateTables::fee_schedule`](crate::RateTables::fee_schedule)).
//! Evaluation is exact integer arithmetic; each fee line is rounded once with the schedule's
//! mode to the currency's minor unit, and the unrounded value is kept.
//!
//! # Example
//! ```
//! use landed::data::ScheduleSpec;
//! use landed::fees::FeeInput;
//! let spec: ScheduleSpec = serde_json::from_str(r#"{
//!   "mode": "graduated", "basis": "quantity", "currency": "USD",
//!   "tiers": [{"up_to": "10", "unit_amount": "10", "flat_amount": "2"},
//!             {"up_to": null, "unit_amount": "5", "flat_amount": "3"}]}"#)?;
//! let schedule = spec.compile("schedule")?;
//! let r = schedule.evaluate(&FeeInput::quantity("12".parse()?))?;
//! assert_eq!(r.total.to_string(), "115.00"); // 10 × 10 + 2 + 2 × 5 + 3
//! assert_eq!(r.tiers.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chain;
mod engine;
mod wire;

pub use crate::data::MAX_CHAIN_FEES;
pub use chain::{ChainLine, ChainResult, FeeChain, Sale};
pub use engine::{
    AdjustmentKind, AdjustmentLine, BatchResult, Cap, EventFee, FeeInput, FeeResult,
    ScheduleSource, TierLine,
};
pub use wire::{FeeRequest, FeeResponse, evaluate_request};
