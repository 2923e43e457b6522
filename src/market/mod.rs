//! Market pricing: from the price a buyer sees back to the seller's base price.
//!
//! - [`reverse`]: reverse DDP pricing. Given the all-inclusive total a buyer should pay
//!   (goods, shipping, insurance, duty, tax and fees, in the destination's currency), the base
//!   unit price in the request's currency whose forward [quote](crate::RateTables::quote)
//!   lands exactly on it, solved over the forward quote itself (thresholds, rounding, minimum
//!   duties and cliffs included), never by a closed-form inverse.

pub mod reverse;

pub use reverse::{NearThreshold, Reached, ReverseOptions, ReverseRequest, Solved};
