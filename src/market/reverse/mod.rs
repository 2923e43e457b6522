//! Reverse DDP pricing: the base unit price whose forward quote lands exactly on a target
//! all-inclusive total.
//!
//! The steps, in order:
//! 1. **Request** ([`ReverseRequest`]): a quote request whose lines carry `target_total` (the
//!    all-inclusive amount the buyer pays for the line, in the destination's currency) in
//!    place of `unit_price`. The order's target is the sum of the lines' targets; for a
//!    multi-line order the targets also fix the proportions of the lines' unit prices (see
//!    [`ReverseRequest`]).
//! 2. **Search** (`search`): one integer unknown, the lead line's unit price in minor units
//!    of the request's currency, found over the real forward quote: the largest price whose
//!    landed total is at most the target, then the next one up. Thresholds, rounding, minimum
//!    duties and cliffs are in the forward quote, so the solver needs no inverse of them.
//! 3. **Result**: an exact hit is a [`Solved`] (the quote at that price and the solved unit
//!    prices); a jump that skips the target is [`Error::TargetUnreachable`] with the nearest
//!    achievable totals below and above and their prices.
//! 4. **Thresholds** (`sides`): when the solved price lies within
//!    [`ReverseOptions::near_threshold_percent`] of a regime change, both sides of the change
//!    are returned ([`NearThreshold`]) and the quote warns.
//!
//! What the search guarantees whatever the data: an exact answer quotes to the target, and
//! the nearest totals of an unreachable target are adjacent prices on either side of it (the
//! property tests check both in every regime). Where the landed total only rises with the
//! price, the answer is the only crossing; where it falls (duty-free goods crossing the EU
//! €150 line lose the €3 flat duty), a target can be met at two prices, the search returns
//! one, and the change of rules between them is reported when it is within the distance.

mod search;
mod sides;
pub(crate) use sides::ProbeCache;
mod wire;

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::data::RateTables;
use crate::error::Error;
use crate::landed::{Incoterm, Quote, QuoteRequest};
use crate::money::{RoundingMode, round_to_scale};

pub use search::MAX_EVALUATIONS;
pub use wire::Request;

/// Options of the solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReverseOptions {
    /// How close, in percent of the solved unit price, a regime change must be for the result
    /// to report both sides of it and warn. Default 3: the FX drift that triggers a re-pricing,
    /// so a price a rate move can push across a threshold before the next re-pricing is
    /// flagged. Wire: `"near_threshold_percent"` (0 turns the check off).
    pub near_threshold_percent: Decimal,
}

impl Default for ReverseOptions {
    fn default() -> Self {
        Self {
            near_threshold_percent: Decimal::from(3),
        }
    }
}

/// A reverse-pricing request: a quote request and the target total of each line.
///
/// The unit prices of `request`'s lines are ignored (the solver sets them). Each line's unit
/// price is `its target per unit ÷ the lead line's target per unit × the lead line's price`,
/// rounded half up to the request currency's minor unit, where the lead line is the one with
/// the highest target per unit (the first on a tie): one unknown, so the lines keep the
/// proportions of their targets and the order's total, the sum of the targets, is what is
/// solved. The lines' own landed shares are not targeted one by one (order-level charges,
/// thresholds and rounding cannot be split that way).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReverseRequest {
    /// The quote request; its lines' `unit_price`s are ignored.
    pub request: QuoteRequest,
    /// The target all-inclusive total of each line, in the destination's currency, one per
    /// line of `request`.
    pub targets: Vec<Decimal>,
    /// The solver's options.
    pub options: ReverseOptions,
}

impl ReverseRequest {
    /// A request for `request`'s lines with these targets (one per line), default options.
    pub fn new(request: QuoteRequest, targets: Vec<Decimal>) -> Self {
        Self {
            request,
            targets,
            options: ReverseOptions::default(),
        }
    }

    /// Sets the options.
    #[must_use]
    pub const fn options(mut self, options: ReverseOptions) -> Self {
        self.options = options;
        self
    }

    /// Parses the wire format: a quote request with `"target_total"` in place of
    /// `"unit_price"` on every line, and optionally `"near_threshold_percent"`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        match Request::from_json(text)? {
            Request::Reverse(r) => Ok(r),
            Request::Quote(_) => Err(Error::input(
                "lines[0].target_total",
                "missing; a reverse request gives target_total in place of unit_price on every line",
            )),
        }
    }
}

/// A unit price found, or one of the nearest: the prices and the total they give.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Reached {
    /// The unit price of each line, in the request's currency.
    #[serde(with = "crate::serde_util::decimal_vec")]
    pub unit_prices: Vec<Decimal>,
    /// The landed total these prices give, in the destination's currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub landed_total: Decimal,
    /// The regime of the quote at these prices.
    pub regime: Arc<str>,
}

/// Both sides of a regime change near the solved price: the last prices on one side and the
/// first on the other (one minor unit of the lead line's price apart).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct NearThreshold {
    /// The side below the change.
    pub below: Reached,
    /// The side above it.
    pub above: Reached,
}

/// A solved reverse request: the quote at the solved prices and how they were found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Solved {
    /// The forward quote at the solved prices; its `landed_total` equals the target.
    #[serde(flatten)]
    pub quote: Quote,
    /// The solved unit price of each line, in the request's currency (wire:
    /// `"solved_unit_price"`, a list in line order).
    #[serde(with = "crate::serde_util::decimal_vec")]
    pub solved_unit_price: Vec<Decimal>,
    /// The regime changes within the options' distance of the solved price.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub near_thresholds: Vec<NearThreshold>,
    /// Forward quotes computed to find it.
    pub evaluations: u32,
}

impl Solved {
    /// The result as pretty JSON.
    ///
    /// # Errors
    /// Never in practice (as [`Quote::to_json`]).
    pub fn to_json(&self) -> Result<String, Error> {
        crate::serde_util::to_json_pretty(self)
    }
}

impl RateTables {
    /// Reverse DDP pricing with these tables; see [`reverse`].
    ///
    /// # Errors
    /// As [`reverse`].
    pub fn reverse(&self, request: &ReverseRequest) -> Result<Solved, Error> {
        reverse(self, request)
    }
}

/// Solves the unit prices whose DDP quote has `landed_total` equal to the sum of the targets.
///
/// # Errors
/// - [`Error::TargetUnreachable`] when no price gives the target exactly (a threshold,
///   rounding or a minimum charge makes the total jump over it, or the target is below the
///   total at a zero price), with the nearest totals below and above and their prices;
/// - [`Error::InvalidInput`] for a target that is not positive or is finer than the
///   destination currency's minor unit, a request under DAP, or targets that do not match
///   the lines;
/// - any error of the forward [quote](crate::landed::quote).
pub fn reverse(tables: &RateTables, request: &ReverseRequest) -> Result<Solved, Error> {
    if request.request.incoterm == Some(Incoterm::Dap) {
        return Err(Error::input(
            "incoterm",
            "reverse pricing solves the total a buyer pays under DDP; remove incoterm or give DDP",
        ));
    }
    let mut quote = request.request.clone();
    let problem = Borrowed {
        request: &mut quote,
        targets: request.targets.clone(),
        options: request.options,
    };
    solve(tables, problem, Measure::LandedTotal, None, None)
}

/// A reverse request whose quote request is borrowed (the solver sets its lines' unit
/// prices; the matrix solves many targets on one request without copying it).
#[derive(Debug)]
pub(crate) struct Borrowed<'r> {
    /// The quote request; its lines' `unit_price`s are overwritten.
    pub(crate) request: &'r mut QuoteRequest,
    /// The target total of each line.
    pub(crate) targets: Vec<Decimal>,
    /// The solver's options.
    pub(crate) options: ReverseOptions,
}

/// What the solver makes equal to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    /// The landed total (DDP: what the buyer pays).
    LandedTotal,
    /// What the buyer pays at checkout: the landed total less the charges due on delivery (a
    /// DAP market's shelf price; the same as the landed total under DDP).
    Checkout,
}

impl Measure {
    pub(crate) fn of(self, q: &Quote) -> Decimal {
        match self {
            Self::LandedTotal => q.landed_total,
            Self::Checkout => q.landed_total.saturating_sub(q.due_on_delivery),
        }
    }
}

/// A lead price (minor units) already quoted, to start a search from: its total and, when
/// the caller kept it, its quote (then not quoted again if it is the answer).
#[derive(Debug)]
pub(crate) struct Start {
    pub(crate) x: i64,
    pub(crate) total: Decimal,
    pub(crate) quote: Option<Quote>,
}

/// [`reverse`] of `measure`, under either incoterm (the market matrix prices DAP markets on
/// what the buyer pays at checkout); `known` is a lead price (minor units) already quoted
/// and its total, to start the search from; `probes` keeps the rules at probed prices of the
/// one line for later solves of the same line (see [`sides::ProbeCache`]).
pub(crate) fn solve(
    tables: &RateTables,
    request: Borrowed<'_>,
    measure: Measure,
    known: Option<Start>,
    probes: Option<&mut sides::ProbeCache>,
) -> Result<Solved, Error> {
    // The part of the total that does not grow with the price, for the first step.
    let fixed = request
        .request
        .shipping
        .unwrap_or_default()
        .saturating_add(request.request.insurance.unwrap_or_default());
    let mut problem = Problem::new(tables, request, measure, probes)?;
    let target = problem.target;
    let bracket = match known {
        Some(Start { x, total, quote }) => {
            // The targets' decimals are checked on the first quote otherwise.
            check_targets(problem.shelf_scale()?, &problem.targets)?;
            if let Some(q) = quote.filter(|_| total <= target) {
                problem.best = Some((x, q));
            }
            let known = search::Point { x, total };
            search::largest_at_most_near(|x| problem.total_at(x), target, known, fixed)?
        }
        None => {
            let (units, scale) = (problem.units()?, problem.scale);
            search::largest_at_most(
                |x| problem.total_at(x),
                target,
                |at_zero| first_guess(target, at_zero, units, scale),
            )?
        }
    };
    let mut evaluations = bracket.evaluations;
    let Some(hit) = bracket.below.filter(|p| p.total == target) else {
        return Err(problem.unreachable(bracket)?);
    };
    // The quote at the answer: kept by the search, or (the caller's known point) quoted again.
    let mut quote = match problem.best.take() {
        Some((x, q)) if x == hit.x => q,
        _ => {
            evaluations = evaluations.saturating_add(1);
            problem.quote_at(hit.x)?
        }
    };
    let mut warnings = Vec::new();
    let near_thresholds =
        sides::near(&mut problem, hit.x, &quote, &mut evaluations, &mut warnings)?;
    quote.warnings.append(&mut warnings);
    for n in &near_thresholds {
        quote.warnings.push(sides::warning(&problem, n));
    }
    Ok(Solved {
        solved_unit_price: problem.prices(hit.x)?,
        quote,
        near_thresholds,
        evaluations,
    })
}

/// The regime changes near a price already quoted: `quote` is the forward quote of `request`
/// with its lead line at `x` minor units (a one-line order in the matrix). Adds the same
/// warnings as [`solve`] to the quote.
///
/// # Errors
/// As [`solve`]'s options check.
pub(crate) fn near_thresholds_at(
    tables: &RateTables,
    request: Borrowed<'_>,
    measure: Measure,
    x: i64,
    quote: &mut Quote,
    probes: Option<&mut sides::ProbeCache>,
) -> Result<(Vec<NearThreshold>, u32), Error> {
    let mut problem = Problem::new(tables, request, measure, probes)?;
    let mut evaluations = 0;
    let mut warnings = Vec::new();
    let found = sides::near(&mut problem, x, quote, &mut evaluations, &mut warnings)?;
    quote.warnings.append(&mut warnings);
    for n in &found {
        quote.warnings.push(sides::warning(&problem, n));
    }
    Ok((found, evaluations))
}

/// The unknown and what is fixed around it.
struct Problem<'a> {
    tables: &'a RateTables,
    /// The request whose unit prices each evaluation sets.
    request: &'a mut QuoteRequest,
    /// The lines' targets.
    targets: Vec<Decimal>,
    /// The sum of the targets.
    target: Decimal,
    /// Decimals of the request currency's minor unit.
    scale: u32,
    /// The line whose price is the unknown.
    lead: usize,
    /// Each line's unit price as a share of the lead line's (1 for the lead line).
    ratios: Vec<Decimal>,
    options: ReverseOptions,
    measure: Measure,
    /// The quote at the largest price evaluated whose total is at most the target.
    best: Option<(i64, Quote)>,
    /// The rules at prices already probed, kept across solves of one line (matrix).
    probes: Option<&'a mut sides::ProbeCache>,
}

impl<'a> Problem<'a> {
    fn new(
        tables: &'a RateTables,
        r: Borrowed<'a>,
        measure: Measure,
        probes: Option<&'a mut sides::ProbeCache>,
    ) -> Result<Self, Error> {
        let req = &*r.request;
        if r.targets.len() != req.lines.len() {
            return Err(Error::input(
                "lines",
                format!(
                    "{} lines but {} targets; give one target_total per line",
                    req.lines.len(),
                    r.targets.len()
                ),
            ));
        }
        let percent = r.options.near_threshold_percent;
        if percent.is_sign_negative() || percent >= Decimal::ONE_HUNDRED {
            return Err(Error::input(
                "near_threshold_percent",
                format!("{percent} is outside 0 to 100; give a percent of the price such as 3"),
            ));
        }
        let (lead, ratios) = proportions(&r)?;
        let mut target = Decimal::ZERO;
        for t in &r.targets {
            target = target
                .checked_add(*t)
                .ok_or_else(|| Error::overflow("reverse pricing"))?;
        }
        Ok(Self {
            tables,
            scale: r.request.currency.minor_unit_scale()?,
            request: r.request,
            targets: r.targets,
            target,
            lead,
            ratios,
            options: r.options,
            measure,
            best: None,
            probes,
        })
    }

    /// The unit price of each line when the lead line's is `x` minor units.
    fn prices(&self, x: i64) -> Result<Vec<Decimal>, Error> {
        let lead = Decimal::new(x, self.scale);
        self.ratios
            .iter()
            .map(|r| {
                lead.checked_mul(*r)
                    .map(|p| round_to_scale(p, self.scale, RoundingMode::HalfUp))
                    .ok_or_else(|| Error::overflow("reverse pricing"))
            })
            .collect()
    }

    /// The forward quote with the lead line at `x` minor units.
    fn quote_at(&mut self, x: i64) -> Result<Quote, Error> {
        let prices = self.prices(x)?;
        for (line, p) in self.request.lines.iter_mut().zip(prices) {
            line.unit_price = p;
        }
        self.tables.quote(self.request)
    }

    /// The landed total at `x`; keeps the quote of the largest `x` at most the target.
    fn total_at(&mut self, x: i64) -> Result<Decimal, Error> {
        let q = self.quote_at(x)?;
        if x == 0 {
            // The destination's currency is known from the first quote.
            check_targets(q.currency.exponent().unwrap_or(0), &self.targets)?;
        }
        let total = self.measure.of(&q);
        if total <= self.target && self.best.as_ref().is_none_or(|(b, _)| x > *b) {
            self.best = Some((x, q));
        }
        Ok(total)
    }

    /// The minor unit of the destination's currency (the targets' currency).
    fn shelf_scale(&self) -> Result<u32, Error> {
        let currency = crate::landed::destination_currency(
            self.tables,
            self.request.destination,
            self.request.date,
        )?;
        Ok(currency.exponent().unwrap_or(0))
    }

    /// The units of the order counted in lead-line prices (`Σ quantity × ratio`).
    fn units(&self) -> Result<Decimal, Error> {
        let mut units = Decimal::ZERO;
        for (line, r) in self.request.lines.iter().zip(&self.ratios) {
            units = line
                .quantity
                .checked_mul(*r)
                .and_then(|u| u.checked_add(units))
                .ok_or_else(|| Error::overflow("reverse pricing"))?;
        }
        Ok(units)
    }

    /// The prices at `x` with the total and regime of their quote.
    fn reached(&mut self, x: i64) -> Result<Reached, Error> {
        let q = self.quote_at(x)?;
        Ok(Reached {
            unit_prices: self.prices(x)?,
            landed_total: self.measure.of(&q),
            regime: q.regime,
        })
    }

    /// The error for a target no price hits.
    fn unreachable(&mut self, b: search::Bracket) -> Result<Error, Error> {
        let mut side = |p: Option<search::Point>| -> Result<Option<Box<Reached>>, Error> {
            p.map(|p| self.reached(p.x).map(Box::new)).transpose()
        };
        let (below, above) = (side(b.below)?, side(b.above)?);
        Ok(Error::TargetUnreachable {
            target: self.target,
            below,
            above,
        })
    }
}

/// The first lead price tried: what the target leaves above the total at a zero price (the
/// shipping and fixed charges), in the request's minor units, spread over the order's units,
/// as if there were no charges on the goods and one currency (the secant corrects both).
fn first_guess(target: Decimal, at_zero: Decimal, units: Decimal, scale: u32) -> i64 {
    let minor = Decimal::from(10_i64.checked_pow(scale).unwrap_or(1));
    target
        .checked_sub(at_zero)
        .and_then(|t| t.checked_mul(minor))
        .and_then(|t| t.checked_div(units))
        .map(|g| g.floor())
        .and_then(|g| i64::try_from(g).ok())
        .unwrap_or(1)
        .max(1)
}

/// Each target must be in whole minor units of the destination's currency (`scale`
/// decimals): a finer one could never be a landed total.
fn check_targets(scale: u32, targets: &[Decimal]) -> Result<(), Error> {
    for (i, t) in targets.iter().enumerate() {
        if t.normalize().scale() > scale {
            return Err(Error::input(
                format!("lines[{i}].target_total"),
                format!(
                    "{t} has more decimals than the destination currency's minor unit ({scale}); give a total the buyer can pay"
                ),
            ));
        }
    }
    Ok(())
}

/// The lead line and each line's price ratio to it.
fn proportions(r: &Borrowed<'_>) -> Result<(usize, Vec<Decimal>), Error> {
    let mut per_unit = Vec::with_capacity(r.targets.len());
    for (i, (t, line)) in r.targets.iter().zip(&r.request.lines).enumerate() {
        if *t <= Decimal::ZERO {
            return Err(Error::input(
                format!("lines[{i}].target_total"),
                format!("{t} is not positive; give the all-inclusive total the buyer pays"),
            ));
        }
        if line.quantity <= Decimal::ZERO {
            return Err(Error::input(
                format!("lines[{i}].quantity"),
                format!(
                    "{} is not positive; give the number of units",
                    line.quantity
                ),
            ));
        }
        per_unit.push(
            t.checked_div(line.quantity)
                .ok_or_else(|| Error::overflow("reverse pricing"))?,
        );
    }
    let mut lead = 0;
    for (i, u) in per_unit.iter().enumerate() {
        if per_unit.get(lead).is_some_and(|l| u > l) {
            lead = i;
        }
    }
    let top = per_unit.get(lead).copied().unwrap_or(Decimal::ONE);
    let ratios = per_unit
        .iter()
        .enumerate()
        .map(|(i, u)| {
            if i == lead {
                Ok(Decimal::ONE)
            } else {
                u.checked_div(top)
                    .ok_or_else(|| Error::overflow("reverse pricing"))
            }
        })
        .collect::<Result<_, _>>()?;
    Ok((lead, ratios))
}
