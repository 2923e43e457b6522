//! Market pricing: from the price a buyer sees back to the seller's base price.
//!
//! - [`reverse`]: reverse DDP pricing. Given the all-inclusive total a buyer should pay
//!   (goods, shipping, insurance, duty, tax and fees, in the destination's currency), the base
//!   unit price in the request's currency whose forward [quote](crate::RateTables::quote)
//!   lands exactly on it, solved over the forward quote itself (thresholds, rounding, minimum
//!   duties and cliffs included), never by a closed-form inverse.
//! - [`display`]: the price a listing shows in the destination, with the tax (and under DDP
//!   the duty) inside it, the tax rate and name, and the label that says so, from sourced
//!   label data per country and language.
//! - [`matrix`]: one product, or a catalogue, priced for a list of markets at once (forward
//!   from a base price, or from a round local price or a margin goal), with the duty, tax, FX
//!   markup and fees inside each price, the seller's net and margin, and the binding rule.

pub mod display;
pub mod matrix;
pub mod reverse;

pub use display::{DisplayPrice, DisplayRequest, LabelInForce, display_price};
pub use matrix::{Binding, Cell, Market, Matrix, MatrixRequest, Product};
pub use reverse::{NearThreshold, Reached, ReverseOptions, ReverseRequest, Solved};
