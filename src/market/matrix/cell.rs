//! Steps 2–4 for one product in one market: the start price by mode, the shelf price on the
//! ending solved over the forward quote, and the floor.

use std::rc::Rc;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::figures::{self, Figures};
use super::memo::{self, Key, LineKey, Memo, REF_UNITS};
use super::prepare::Prepared;
use super::{Binding, Cell, Explanation, MatrixRequest, Product};
use crate::data::RateTables;
use crate::error::Error;
use crate::landed::{Quote, QuoteLine, QuoteRequest};
use crate::market::reverse::{
    self, Borrowed, Measure, NearThreshold, ProbeCache, ReverseOptions, Start,
};
use crate::money::Money;

/// The most doublings of the price when looking for one that meets a floor or goal
/// (2^50 minor units is beyond any price a quote accepts).
const MAX_DOUBLINGS: u32 = 50;

/// What pricing one cell works with.
struct Ctx<'a, 'm> {
    tables: &'a RateTables,
    request: &'a MatrixRequest,
    m: &'a Prepared<'a>,
    product: &'a Product,
    /// The product's index in the request (for field names).
    index: usize,
    /// The quote request with the product's one line (the market's buffer, reused from cell
    /// to cell: every quote and solve sets the line's unit price before quoting).
    quote: &'m mut QuoteRequest,
    measure: Measure,
    /// The explanation's steps, when the request asks for them (`None`: not built at all).
    trace: Option<Vec<String>>,
    warnings: Vec<String>,
    /// The market's solved shelf prices (see `memo`).
    memo: &'m mut Memo,
}

/// Adds a step to the explanation, formatting it only when one is asked for.
fn note(trace: &mut Option<Vec<String>>, step: impl FnOnce() -> String) {
    if let Some(t) = trace {
        t.push(step());
    }
}

/// A goods price already quoted (minor units) and its quote.
type Known = (i64, Quote);

/// A shelf price with its goods price: the quote there, the regime changes near it and what
/// the solve had to say.
#[derive(Debug)]
pub(super) struct Solution {
    pub(super) quote: Quote,
    pub(super) goods: Decimal,
    pub(super) near_thresholds: Vec<NearThreshold>,
    /// The solve's own warnings (a target no price reaches).
    pub(super) warnings: Vec<String>,
    /// Quotes evaluated.
    pub(super) evaluations: u32,
}

/// Prices `product` (the `index`th) in the prepared market `m`; `quote` is the market's
/// request buffer (any content: the cell sets its template and line).
pub(super) fn price(
    tables: &RateTables,
    request: &MatrixRequest,
    m: &Prepared<'_>,
    (index, product): (usize, &Product),
    memo: &mut Memo,
    quote: &mut QuoteRequest,
) -> Result<Cell, Error> {
    let mut ctx = Ctx::new(tables, request, m, index, product, (memo, quote));
    let (target, mut binding, known) = ctx.start()?;
    let mut priced = ctx.settle(target, known)?;
    let mut f = ctx.figures(&priced.quote)?;
    if binding != Binding::MarginGoal && !figures::meets(m, &f, None) {
        note(&mut ctx.trace, || {
            format!(
                "margin {} % and profit {} {} are below the market's floor; raised",
                f.margin_percent, f.profit, request.currency
            )
        });
        let g = ctx.lowest(None)?;
        let q = ctx.quote_at(g)?;
        let target = ctx.ended(ctx.measure.of(&q))?;
        priced = ctx.settle(target, Some((g, q)))?;
        f = ctx.figures(&priced.quote)?;
        binding = Binding::Floor;
        if !figures::meets(m, &f, None) {
            ctx.warnings.push(format!(
                "the ending puts the price below the market's floor: margin {} %, profit {} {}",
                f.margin_percent, f.profit, request.currency
            ));
        }
    }
    Ok(ctx.cell(&priced, &f, binding))
}

impl<'a, 'm> Ctx<'a, 'm> {
    fn new(
        tables: &'a RateTables,
        request: &'a MatrixRequest,
        m: &'a Prepared<'a>,
        index: usize,
        product: &'a Product,
        (memo, quote): (&'m mut Memo, &'m mut QuoteRequest),
    ) -> Self {
        let hs = product
            .hs_codes
            .get(&*m.market.id)
            .copied()
            .unwrap_or(product.hs_code);
        let mut line = QuoteLine::new(hs, Decimal::ONE, Decimal::ZERO, product.origin);
        line.tax_category = product.tax_category.clone();
        line.weight_kg = product.weight_kg;
        line.measures = product.measures;
        if quote.lines.len() != 1 {
            *quote = m.template.clone();
        }
        quote.lines.clear();
        quote.lines.push(line);
        let measure = if super::is_dap(m.market) {
            Measure::Checkout
        } else {
            Measure::LandedTotal
        };
        Self {
            tables,
            request,
            m,
            product,
            index,
            quote,
            measure,
            trace: request.explain.then(Vec::new),
            warnings: Vec::new(),
            memo,
        }
    }

    /// Step 2: the shelf price to solve for, what set it, and a goods price (minor units)
    /// already quoted near it with its shelf price.
    fn start(&mut self) -> Result<(Decimal, Binding, Option<Known>), Error> {
        let cur = self.m.currency;
        if let Some(t) = self.product.targets.get(&*self.m.market.id) {
            note(&mut self.trace, || format!("target shelf price {t} {cur}"));
            return Ok((*t, Binding::Target, None));
        }
        if let Some(goal) = self.request.target_margin_percent {
            let g = self.lowest(Some(goal))?;
            let q = self.quote_at(g)?;
            let shelf = self.measure.of(&q);
            note(&mut self.trace, || {
                format!(
                    "lowest goods price with a margin of {goal} %: {} {cur} (shelf {shelf})",
                    self.m.dec(g)
                )
            });
            return Ok((self.ended(shelf)?, Binding::MarginGoal, Some((g, q))));
        }
        let Some(base) = self.product.base_price else {
            return Err(Error::input(
                format!("products[{}].base_price", self.index),
                format!(
                    "missing; give base_price, a target for market {}, or target_margin_percent",
                    self.m.market.id
                ),
            ));
        };
        // The full FX quote (for its numbers) only when explaining; the amount is the same.
        let g = if self.trace.is_some() {
            let fx = self
                .m
                .repricer
                .convert(Money::new(base, self.request.currency))?;
            note(&mut self.trace, || {
                format!(
                    "base {base} {} × {} ({} {}, mid {} + {} bps) = {} {cur}",
                    self.request.currency,
                    fx.all_in_rate,
                    fx.source,
                    fx.as_of,
                    fx.reference_rate,
                    fx.markup_bps,
                    fx.amount
                )
            });
            self.m.units(fx.amount)?
        } else {
            self.m.shelf_units(base, self.request.currency)?
        };
        let q = self.quote_at(g)?;
        let shelf = self.measure.of(&q);
        note(&mut self.trace, || {
            format!("forward quote at that goods price: shelf {shelf} {cur}")
        });
        Ok((self.ended(shelf)?, Binding::Base, Some((g, q))))
    }

    /// The quote with the goods price at `g` minor units of the shelf currency.
    fn quote_at(&mut self, g: i64) -> Result<Quote, Error> {
        if let Some(line) = self.quote.lines.first_mut() {
            line.unit_price = self.m.dec(g);
        }
        self.tables.quote(self.quote)
    }

    /// The shelf price on the market's ending.
    fn ended(&mut self, shelf: Decimal) -> Result<Decimal, Error> {
        let Some(e) = &self.m.ending else {
            return Ok(shelf);
        };
        let ended = e.apply(shelf)?;
        if ended != shelf {
            note(&mut self.trace, || format!("ending: {shelf} → {ended}"));
        }
        Ok(ended)
    }

    fn figures(&self, q: &Quote) -> Result<Figures, Error> {
        figures::of(self.m, self.request, self.product, q, self.measure.of(q))
    }

    /// Step 3: the goods price whose quote has exactly `target` as its shelf price. A price
    /// already quoted at exactly the target (no ending moved it) is kept as it is; otherwise
    /// the target is solved (through the market's memo).
    fn settle(&mut self, target: Decimal, known: Option<Known>) -> Result<Rc<Solution>, Error> {
        let Some((g, mut quote)) = known.filter(|(_, q)| self.measure.of(q) == target) else {
            return self.solve(target);
        };
        let line = self.line()?;
        let options = self.options();
        let r = Borrowed {
            request: &mut *self.quote,
            targets: vec![target],
            options,
        };
        let probes = self.memo.probes(&line);
        let (near_thresholds, evaluations) =
            reverse::near_thresholds_at(self.tables, r, self.measure, g, &mut quote, probes)?;
        Ok(Rc::new(Solution {
            quote,
            goods: self.m.dec(g),
            near_thresholds,
            warnings: Vec::new(),
            evaluations,
        }))
    }

    fn options(&self) -> ReverseOptions {
        let mut options = ReverseOptions::default();
        if let Some(p) = self.request.near_threshold_percent {
            options.near_threshold_percent = p;
        }
        options
    }

    /// The goods price whose quote has exactly `target` as its shelf price, solved from the
    /// target alone (so it is the same for every product with the same line: `memo`); when a
    /// jump skips it, the nearest reachable shelf price (the closer; above on a tie), warned.
    /// The memo key of the product's line.
    fn line(&self) -> Result<LineKey, Error> {
        self.quote
            .lines
            .first()
            .map(LineKey::new)
            .ok_or_else(|| Error::input("products", "a product without a line"))
    }

    fn solve(&mut self, target: Decimal) -> Result<Rc<Solution>, Error> {
        let line = self.line()?;
        let key = Key::new(line.clone(), target);
        let solved = match self.memo.solved(&key) {
            Some(found) => found?,
            None => {
                let start = self.start_for(&line, target);
                let (tables, measure, options, m) =
                    (self.tables, self.measure, self.options(), self.m);
                let probes = self.memo.probes(&line);
                let out = solve_cold(
                    tables,
                    &mut *self.quote,
                    measure,
                    options,
                    m,
                    (target, start),
                    probes,
                )
                .map(Rc::new);
                self.memo.keep_solved(key, out.clone());
                out?
            }
        };
        note(&mut self.trace, || {
            format!(
                "solved: goods price {} {} gives shelf price {} ({} quotes)",
                solved.goods,
                self.m.currency,
                self.measure.of(&solved.quote),
                solved.evaluations
            )
        });
        Ok(solved)
    }

    /// The shelf price of the line at goods price `x` (kept per line in the memo).
    fn total_at(&mut self, line: &LineKey, x: i64) -> Option<Decimal> {
        if let Some(kept) = self.memo.total(line, x) {
            return kept;
        }
        let total = self.quote_at(x).ok().map(|q| self.measure.of(&q));
        self.memo.keep_total(line, x, total);
        total
    }

    /// Where the solve of `target` starts (see `memo`): the first guess on the line through
    /// the goods prices 0 and `REF_UNITS` units, refined by the secant through the grid points
    /// around it (again around that secant's point while it falls outside its grid interval,
    /// at most `MAX_GRID_SECANTS` times), then quoted. `None` (a search from the target alone) when a point cannot be
    /// quoted or the line does not rise.
    fn start_for(&mut self, line: &LineKey, target: Decimal) -> Option<Start> {
        let x_ref = 10_i64.checked_pow(self.m.scale)?.checked_mul(REF_UNITS)?;
        let at_zero = self.total_at(line, 0)?;
        let at_ref = self.total_at(line, x_ref)?;
        let mut x = memo::secant((0, at_zero), (x_ref, at_ref), target)?;
        for _ in 0..memo::MAX_GRID_SECANTS {
            let step = memo::grid_step(x);
            let a = x.div_euclid(step).saturating_mul(step);
            let b = a.saturating_add(step);
            let (at_a, at_b) = (self.total_at(line, a)?, self.total_at(line, b)?);
            let next = memo::secant((a, at_a), (b, at_b), target).unwrap_or(x);
            let inside = (a..=b).contains(&next);
            x = next;
            if inside {
                break;
            }
        }
        let quote = self.quote_at(x).ok()?;
        Some(Start {
            x,
            total: self.measure.of(&quote),
            quote: Some(quote),
        })
    }

    /// The lowest goods price (minor units) whose figures meet the market's floor, or the
    /// margin `goal` when given: doubling from the unit cost's price until one does, then
    /// bisection to a price that meets them next to one a minor unit lower that does not. Where
    /// the margin only rises with the price that is the lowest one; a margin that jumps at a
    /// threshold (at the EU's €150 the €3 flat duty gives way to the tariff's duty) could leave
    /// another qualifying price below the jump, which the bisection does not look for (the
    /// test of the margin goal checks the price one ending step lower).
    fn lowest(&mut self, goal: Option<Decimal>) -> Result<i64, Error> {
        let cost = self
            .m
            .shelf_units(self.product.unit_cost, self.request.currency)?;
        let mut hi = cost.max(1);
        let mut lo = 0_i64;
        let mut doublings = 0_u32;
        while !self.meets_at(hi, goal)? {
            lo = hi;
            hi = hi.saturating_mul(2);
            doublings = doublings.saturating_add(1);
            if doublings > MAX_DOUBLINGS {
                return Err(self.floor_unreachable(goal));
            }
        }
        if lo == 0 && self.meets_at(0, goal)? {
            return Ok(0);
        }
        while hi.saturating_sub(lo) > 1 {
            let mid = lo.midpoint(hi);
            if self.meets_at(mid, goal)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }

    fn meets_at(&mut self, g: i64, goal: Option<Decimal>) -> Result<bool, Error> {
        let q = self.quote_at(g)?;
        let f = self.figures(&q)?;
        Ok(figures::meets(self.m, &f, goal))
    }

    fn floor_unreachable(&self, goal: Option<Decimal>) -> Error {
        match goal {
            Some(g) => Error::input(
                "target_margin_percent",
                format!(
                    "no price reaches a margin of {g} % in market {} (taxes and fees take more); give a lower goal",
                    self.m.market.id
                ),
            ),
            None => Error::input(
                format!("markets[{}].min_margin_percent", self.m.index),
                "no price meets the market's minimum margin and profit; lower them",
            ),
        }
    }

    /// Step 5: the cell.
    fn cell(self, p: &Solution, f: &Figures, binding: Binding) -> Cell {
        let mut warnings = self.warnings;
        warnings.extend(p.warnings.iter().cloned());
        warnings.extend(p.quote.warnings.iter().cloned());
        let explanation = self.trace.map(|trace| {
            Box::new(Explanation {
                trace,
                quote: p.quote.clone(),
            })
        });
        Cell {
            sku: Arc::clone(&self.product.sku),
            market: Arc::clone(&self.m.market.id),
            currency: self.m.currency,
            shelf_price: f.shelf,
            goods_price: p.goods,
            shipping: p.quote.shipping,
            duty: p.quote.duty,
            tax: p.quote.tax,
            customs_fees: p.quote.fees,
            remitted: f.remitted,
            fx_markup: f.fx_markup,
            marketplace_fee: f.marketplace_fee,
            net: f.net,
            profit: f.profit,
            margin_percent: f.margin_percent,
            binding,
            regime: std::sync::Arc::clone(&p.quote.regime),
            near_thresholds: p.near_thresholds.clone(),
            warnings,
            explanation,
        }
    }
}

/// Solves `quote`'s one line for the shelf price `target`, starting from the goods price
/// `start` (a function of the line and the target alone; none: from the target); when no
/// goods price reaches it exactly, solves the nearest reachable shelf price (the closer; above
/// on a tie) and says so.
fn solve_cold(
    tables: &RateTables,
    quote: &mut QuoteRequest,
    measure: Measure,
    options: ReverseOptions,
    m: &Prepared<'_>,
    (target, start): (Decimal, Option<Start>),
    mut probes: Option<&mut ProbeCache>,
) -> Result<Solution, Error> {
    let r = Borrowed {
        request: &mut *quote,
        targets: vec![target],
        options,
    };
    let mut warnings = Vec::new();
    let solved = match reverse::solve(tables, r, measure, start, probes.as_deref_mut()) {
        Ok(s) => s,
        Err(Error::TargetUnreachable { below, above, .. }) => {
            let gap = |t: Decimal| t.saturating_sub(target).abs();
            let pick = match (below, above) {
                (Some(b), Some(a)) if gap(b.landed_total) < gap(a.landed_total) => b,
                (_, Some(a)) => a,
                (Some(b), None) => b,
                (None, None) => return Err(Error::input("target_total", "unreachable")),
            };
            warnings.push(format!(
                "no goods price gives a shelf price of exactly {target} {}; the nearest is {}",
                m.currency, pick.landed_total
            ));
            let r = Borrowed {
                request: quote,
                targets: vec![pick.landed_total],
                options,
            };
            let at = pick.unit_prices.first().copied().unwrap_or_default();
            let known = Some(Start {
                x: m.units(at)?,
                total: pick.landed_total,
                quote: None,
            });
            reverse::solve(tables, r, measure, known, probes)?
        }
        Err(e) => return Err(e),
    };
    Ok(Solution {
        goods: solved
            .solved_unit_price
            .first()
            .copied()
            .unwrap_or_default(),
        quote: solved.quote,
        near_thresholds: solved.near_thresholds,
        warnings,
        evaluations: solved.evaluations,
    })
}
