//! Charge building, rounding and allocation (step 7 of the cascade, applied at the end of
//! each charge step): a [`Step`] collects each line's part of the step's charges in place in
//! the quote's charge list, then rounds each charge once per the rounding rule in force and
//! spreads the rounded amount over its lines, so that the lines' shares add up to the charge
//! exactly.
//!
//! Invariants:
//! - lines with the same identity (data row or request field), kind, rate, name and place of
//!   collection share one charge, opened (and its texts built) when its first line arrives;
//!   charges keep the order of their first line;
//! - a charge's parts keep line order (the sort in [`Step::close`] is stable), which decides
//!   ties of the largest-remainder split: the earlier line first;
//! - the step's buffers (identities, parts, line-rounded amounts, declaration weights and
//!   amounts, and the one lent to the taxes for their line amounts) are reused by the next
//!   step and the next quote on the same thread (`STEP_BUFFERS`) unless they grew past
//!   `KEEP_PARTS`; every use clears them first, so no value outlives the step that wrote it.

use std::cell::RefCell;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::arith::{Exact, OP, add, div, mul};
use super::few::Few;
use super::lane::Lane;
use super::nested;
use super::rounding::rule_scale;
use super::text::Arg;
use super::wire::{Charge, ChargeKind, ChargeText, CollectedAt, RateText};
use crate::data::{RoundingRule, RoundingStage};
use crate::error::Error;
use crate::money::pow10_u128;

/// A line's part of a charge: its base (units) and its unrounded amount.
pub(crate) struct Part {
    charge: usize,
    line: usize,
    base: i64,
    amount: Exact,
}

/// A line's part of a charge made of groups (see [`Step::add_group`]): the fraction
/// `num / den` of its group's whole amount. A flat duty per tariff subheading is spread over
/// the subheading's lines by value, and its quotient (€3 × 15/33) is rarely a finite decimal,
/// so it is kept as a ratio of integers; such parts carry a zero [`Part::amount`].
#[derive(Clone, Copy)]
struct Share {
    charge: usize,
    line: usize,
    /// The line's weight in its group (its goods value in lane units, or 1).
    num: u64,
    /// The group's total weight.
    den: u64,
}

/// A charge made of groups that each owe the same whole amount (a flat duty per tariff
/// subheading): the charge's unrounded amount is `whole × groups`.
#[derive(Clone, Copy)]
struct Groups {
    whole: Exact,
    count: u32,
}

/// The charges of one step of the cascade (duty, one import tax, taxes at checkout), built in
/// place in the quote's list: lines with the same identity, rate and place of collection share
/// one charge, and each charge is rounded once every line has added its part.
pub(crate) struct Step {
    /// Index of the step's first charge in the list.
    first: usize,
    /// Identity of each of the step's charges: the data row's address, or the request field.
    ids: Vec<usize>,
    parts: Vec<Part>,
    /// The step's charges made of groups, by index in the list, and their lines' shares
    /// (rare: kept apart, so that the common part stays small).
    groups: Vec<(usize, Groups)>,
    shares: Vec<Share>,
    /// The step's charges whose parts share a divisor (a tax grossed up "por dentro",
    /// `base × t / (1 − t)`, or a fraction rate, `base × 22 / 78`): the parts keep their
    /// exact numerators, and the charge divides once, so that the split weighs short numbers
    /// rather than 28-digit quotients and a part's quotient is computed only where it is
    /// read (a line rounding the fraction's integers cannot give, a later base). Rare: kept
    /// apart.
    divisors: Few<(usize, Decimal), 2>,
    /// Each part's amount rounded per a declaration rule's `line_increment`, in part order
    /// (filled by [`Step::close`] before the declaration total, read by its weights and
    /// splits, so that each line is rounded once); empty for other rules.
    lined: Vec<i64>,
    /// The fraction every part's amount is of its base (`base × num / den`, a `Decimal`
    /// quotient), when the step's tax has a fraction rate (Japan's local tax, 22/78): its
    /// line roundings are then computed from the base ([`nested::FractionRounding`]).
    fraction: Option<(u64, u64)>,
    /// Scratch of [`Step::declared`]: the charges' weights and their rounded amounts (fields
    /// only to reuse their allocations).
    weights: Vec<Exact>,
    declared: Vec<i64>,
    /// A buffer lent to the step's caller ([`Step::lend`]), kept with the others: the earlier
    /// taxes' line amounts (`taxes::base::Earlier`).
    lent: Vec<i64>,
}

/// The allocations a [`Step`] hands to the next quote on the same thread.
#[derive(Default)]
struct Buffers {
    ids: Vec<usize>,
    parts: Vec<Part>,
    lined: Vec<i64>,
    weights: Vec<Exact>,
    declared: Vec<i64>,
    lent: Vec<i64>,
}

/// Equal rates, comparing the parts first (a charge's lines usually share its row's rate).
#[inline]
fn same_rate(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a.scale() == b.scale() && a.mantissa() == b.mantissa()) || a == b,
        (None, None) => true,
        _ => false,
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        if self.parts.capacity() > KEEP_PARTS
            || self.ids.capacity() > KEEP_PARTS
            || self.lined.capacity() > KEEP_PARTS
            || self.weights.capacity() > KEEP_PARTS
            || self.declared.capacity() > KEEP_PARTS
            || self.lent.capacity() > KEEP_PARTS
        {
            return;
        }
        let kept = Buffers {
            ids: std::mem::take(&mut self.ids),
            parts: std::mem::take(&mut self.parts),
            lined: std::mem::take(&mut self.lined),
            weights: std::mem::take(&mut self.weights),
            declared: std::mem::take(&mut self.declared),
            lent: std::mem::take(&mut self.lent),
        };
        let _ = STEP_BUFFERS.try_with(|b| {
            if let Ok(mut b) = b.try_borrow_mut() {
                *b = kept;
            }
        });
    }
}

/// The identity of a data row: its address, stable for the life of the tables.
pub(crate) fn id_of<T>(row: &T) -> usize {
    core::ptr::from_ref(row).addr()
}

/// Identities of charges that come from the request rather than a data row.
pub(crate) const ID_DUTY_RATE: usize = 1;
pub(crate) const ID_TAX_RATE: usize = 2;

thread_local! {
    /// The step buffers of this thread's last quote, reused by the next one.
    static STEP_BUFFERS: RefCell<Buffers> = const {
        RefCell::new(Buffers {
            ids: Vec::new(),
            parts: Vec::new(),
            lined: Vec::new(),
            weights: Vec::new(),
            declared: Vec::new(),
            lent: Vec::new(),
        })
    };
}

/// Buffers larger than this many parts are not kept for the next quote.
const KEEP_PARTS: usize = 1024;

impl Step {
    pub(crate) fn new(charges: &[Charge]) -> Self {
        let mut b: Buffers = STEP_BUFFERS
            .try_with(|b| b.try_borrow_mut().map(|mut b| std::mem::take(&mut *b)))
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        b.ids.clear();
        b.parts.clear();
        b.lined.clear();
        Self {
            first: charges.len(),
            ids: b.ids,
            parts: b.parts,
            groups: Vec::new(),
            shares: Vec::new(),
            divisors: Few::new(),
            lined: b.lined,
            fraction: None,
            weights: b.weights,
            declared: b.declared,
            lent: b.lent,
        }
    }

    /// An empty buffer of integers for the caller (its allocation reused from an earlier
    /// quote on this thread); hand it back with [`Step::give_back`] to keep it for the next.
    pub(crate) fn lend(&mut self) -> Vec<i64> {
        let mut v = std::mem::take(&mut self.lent);
        v.clear();
        v
    }

    /// Takes back a buffer from [`Step::lend`].
    pub(crate) fn give_back(&mut self, v: Vec<i64>) {
        self.lent = v;
    }

    /// Starts the next step of the cascade, reusing the buffers.
    pub(crate) fn restart(&mut self, charges: &[Charge]) {
        self.first = charges.len();
        self.ids.clear();
        self.parts.clear();
        self.groups.clear();
        self.shares.clear();
        self.divisors.clear();
        self.lined.clear();
        self.fraction = None;
    }

    /// Records that every part of the step is `num / den` of its base (see
    /// [`Step::fraction`]).
    pub(crate) fn of_fraction(&mut self, num: u64, den: u64) {
        self.fraction = Some((num, den));
    }

    /// Makes every part of charge `charge` (an index returned by [`Step::push`]) a numerator
    /// over `by`: the charge's amount is their sum divided by `by`, and each line's share of
    /// it is in proportion to its numerator. Every part of a charge shares its rate, so a
    /// gross-up's `1 − t` (or a fraction's denominator) is the same for all.
    pub(crate) fn divide(&mut self, charge: usize, by: Decimal) {
        if !self.divisors.iter().any(|(k, _)| k == charge) {
            self.divisors.push((charge, by));
        }
    }

    /// Records that line `line`'s part of charge `charge` (an index returned by
    /// [`Step::push`], with a zero amount) is `num / den` of its group's whole.
    pub(crate) fn add_share(&mut self, charge: usize, line: usize, num: u64, den: u64) {
        self.shares.push(Share {
            charge,
            line,
            num,
            den,
        });
    }

    /// Adds one group owing `whole` to charge `charge` (an index returned by
    /// [`Step::push`]); every group of a charge owes the same `whole`, and each of the
    /// charge's lines holds a share of its group ([`Step::add_share`]).
    pub(crate) fn add_group(&mut self, charge: usize, whole: Exact) -> Result<(), Error> {
        match self.groups.iter_mut().find(|(k, _)| *k == charge) {
            Some((_, g)) if g.whole.m == whole.m && g.whole.scale == whole.scale => {
                g.count = g.count.checked_add(1).ok_or_else(|| Error::overflow(OP))?;
            }
            Some(_) => return Err(Error::overflow(OP)),
            None => self.groups.push((charge, Groups { whole, count: 1 })),
        }
        Ok(())
    }

    /// Adds a line's part to the charge with the same identity, or opens a new charge (only
    /// then are its texts built). Inlined: most lines join a charge an earlier line opened,
    /// and that path is a short search; opening a charge is [`Step::open`], kept out of line.
    #[allow(
        clippy::too_many_arguments,
        reason = "a charge's identity has this many parts"
    )]
    #[inline]
    pub(crate) fn push(
        &mut self,
        charges: &mut Vec<Charge>,
        id: usize,
        kind: ChargeKind,
        name: &Arc<str>,
        rate: Option<Decimal>,
        rate_text: impl FnOnce() -> RateText,
        rule: impl FnOnce() -> ChargeText,
        source: &Arc<str>,
        collected_at: CollectedAt,
        (line, base, amount): (usize, i64, Exact),
    ) -> usize {
        let open = charges.get(self.first..).unwrap_or_default();
        let found = open.iter().zip(&self.ids).position(|(c, i)| {
            *i == id
                && c.kind == kind
                && same_rate(c.rate, rate)
                && c.collected_at == collected_at
                && (Arc::ptr_eq(&c.name, name) || c.name == *name)
        });
        let charge = match found {
            Some(k) => self.first.saturating_add(k),
            None => self.open(charges, id, || Charge {
                kind,
                name: Arc::clone(name),
                base: None,
                rate,
                rate_text: rate_text(),
                amount: Decimal::ZERO,
                unrounded: Decimal::ZERO,
                rule: rule(),
                source: Arc::clone(source),
                collected_at,
                lines: Vec::new(),
            }),
        };
        self.parts.push(Part {
            charge,
            line,
            base,
            amount,
        });
        charge
    }

    /// Appends a new charge of identity `id`, built by `make`, to the list; returns its
    /// index. (Built here rather than passed in: a charge is a few hundred bytes, which the
    /// list can receive without a copy.)
    #[inline(never)]
    fn open(
        &mut self,
        charges: &mut Vec<Charge>,
        id: usize,
        make: impl FnOnce() -> Charge,
    ) -> usize {
        charges.push(make());
        self.ids.push(id);
        charges.len().saturating_sub(1)
    }

    /// Calls `f(line, amount)` with every line's unrounded part of the step's charges (after
    /// [`Step::close`], for a chaining rounding).
    pub(crate) fn each_part(
        &self,
        mut f: impl FnMut(usize, Exact) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.parts
            .iter()
            .try_for_each(|p| f(p.line, self.amount_of(p)?))
    }

    /// A part's unrounded amount: its numerator divided by its charge's divisor, if the
    /// charge has one (`Step::divide`), else the amount it was pushed with.
    fn amount_of(&self, p: &Part) -> Result<Exact, Error> {
        match self.divisors.iter().find(|(c, _)| *c == p.charge) {
            Some((_, d)) => Ok(Exact::of(div(p.amount.dec()?, d)?)),
            None => Ok(p.amount),
        }
    }

    /// Calls `f(line, amount)` with every line's part of the step's charges rounded per
    /// `rule`'s chaining rounding (after [`Step::close`] under `rule`): from the part's
    /// line-rounded amount ([`Step::lined`]) when the two roundings nest (see
    /// [`super::nested`]), else from its exact amount.
    pub(crate) fn each_chained(
        &self,
        lane: Lane,
        rule: &RoundingRule,
        mut f: impl FnMut(usize, i64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let Some(chain) = rule.chain.as_deref() else {
            return Ok(());
        };
        let nests = rule.declaration
            && self.lined.len() == self.parts.len()
            && rule
                .line
                .as_deref()
                .is_some_and(|line| nested::chain_from_line(lane, line, chain));
        if !nests {
            return self.each_part(|i, amount| f(i, lane.round_exact(amount, Some(chain))?));
        }
        let chain = lane.unit_rounding(chain);
        for (p, lined) in self.parts.iter().zip(&self.lined) {
            f(p.line, chain.round(*lined)?)?;
        }
        Ok(())
    }

    /// The rounded amount of each of the step's charges under a rule with `declaration = true`
    /// (in charge order from [`Step::first`]): the charges' amounts (each line rounded first
    /// per `line_increment`) are added up and rounded once, and that total is split over the
    /// charges by their amounts, in whole increments, by the largest remainder.
    /// `weights` is scratch; `out` receives the amounts (both cleared first).
    fn declared(
        &self,
        end: usize,
        lane: Lane,
        rule: &RoundingRule,
        weights: &mut Vec<Exact>,
        out: &mut Vec<i64>,
    ) -> Result<(), Error> {
        weights.clear();
        out.clear();
        let mut rest: &[Part] = &self.parts;
        for k in self.first..end {
            let from = self.parts.len().saturating_sub(rest.len());
            let n = rest.iter().take_while(|p| p.charge == k).count();
            let (mine, tail) = rest.split_at_checked(n).unwrap_or((rest, &[]));
            rest = tail;
            let groups = self.groups.iter().find(|(c, _)| *c == k).map(|(_, g)| *g);
            let spread = Spread {
                k,
                mine,
                lined: self.lined_of(from, n),
                groups,
                divisor: self.divisor_of(k),
                shares: &self.shares,
            };
            weights.push(spread.weight(lane)?);
        }
        if weights.is_empty() {
            return Ok(());
        }
        let total = weights
            .iter()
            .try_fold(Exact { m: 0, scale: 0 }, |a, w| a.add(*w))?;
        let rounded = lane.round_exact(total, Some(rule))?;
        let inc = match rule.increment {
            Some(i) => lane.units(i)?,
            None => lane.step(lane.minor)?,
        };
        // A total rounded to the increment is a whole number of increments.
        let steps = rounded
            .checked_div(inc)
            .filter(|_| rounded.checked_rem(inc) == Some(0))
            .ok_or_else(|| Error::overflow(OP))?;
        out.resize(weights.len(), 0);
        lane.split(
            steps,
            lane.scale,
            weights.len(),
            |i| weights.get(i).map_or((0, 0), |w| (w.m, w.scale)),
            |i, share| {
                if let Some(o) = out.get_mut(i) {
                    *o = share.checked_mul(inc).ok_or_else(|| Error::overflow(OP))?;
                }
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Fills [`Step::lined`]: every part's amount rounded per the declaration rule's
    /// `line_increment` (a part of a charge made of groups has a zero amount, which rounds
    /// to zero and is never read).
    fn round_lines(&mut self, lane: Lane, rule: Option<&RoundingRule>) -> Result<(), Error> {
        self.lined.clear();
        let Some(line_rule) = rule
            .filter(|r| r.declaration)
            .and_then(|r| r.line.as_deref())
        else {
            return Ok(());
        };
        self.lined.reserve(self.parts.len());
        let fraction = self
            .fraction
            .and_then(|f| nested::FractionRounding::new(lane, f, line_rule));
        for p in &self.parts {
            let by_fraction = fraction.and_then(|f| f.round(p.base));
            let r = match by_fraction {
                Some(r) => r,
                None => lane.round_exact(self.amount_of(p)?, Some(line_rule))?,
            };
            self.lined.push(r);
        }
        Ok(())
    }

    /// The divisor of charge `k`'s parts (see [`Step::divide`]), if it has one.
    fn divisor_of(&self, k: usize) -> Option<Decimal> {
        self.divisors.iter().find(|(c, _)| *c == k).map(|(_, d)| d)
    }

    /// The line-rounded amounts of the `n` parts from part `from`, when [`Step::lined`] holds
    /// them.
    fn lined_of(&self, from: usize, n: usize) -> Option<&[i64]> {
        self.lined.get(from..from.checked_add(n)?)
    }

    /// Rounds each of the step's charges per `rule` and spreads its rounded amount over its
    /// lines (`apply(line, share)`), so that line shares add up to the charge exactly.
    pub(crate) fn close(
        &mut self,
        charges: &mut [Charge],
        lane: Lane,
        rule: Option<&RoundingRule>,
        mut apply: impl FnMut(usize, i64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let at = rule_scale(rule, lane.minor);
        // A stable sort: each charge's parts stay in line order.
        if !self.parts.is_sorted_by_key(|p| p.charge) {
            self.parts.sort_by_key(|p| p.charge);
        }
        self.round_lines(lane, rule)?;
        let Some(r) = rule.filter(|r| r.declaration) else {
            return self.close_charges(charges, lane, rule, at, &[], &mut apply);
        };
        // The declaration's buffers, taken out while the parts are read.
        let mut declared = std::mem::take(&mut self.declared);
        let mut weights = std::mem::take(&mut self.weights);
        let mut result = self.declared(charges.len(), lane, r, &mut weights, &mut declared);
        self.weights = weights;
        if result.is_ok() {
            result = self.close_charges(charges, lane, rule, at, &declared, &mut apply);
        }
        self.declared = declared;
        result
    }

    /// [`Step::close`] past the declaration: rounds and spreads each charge (`declared` holds
    /// the charges' amounts under a declaration rule, else nothing).
    fn close_charges(
        &self,
        charges: &mut [Charge],
        lane: Lane,
        rule: Option<&RoundingRule>,
        at: u32,
        declared: &[i64],
        apply: &mut impl FnMut(usize, i64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut rest: &[Part] = &self.parts;
        for (k, charge) in charges.iter_mut().enumerate().skip(self.first) {
            let from = self.parts.len().saturating_sub(rest.len());
            let n = rest.iter().take_while(|p| p.charge == k).count();
            let (mine, tail) = rest.split_at_checked(n).unwrap_or((rest, &[]));
            rest = tail;
            let mut base: i64 = 0;
            let mut lines = Vec::with_capacity(mine.len());
            for p in mine {
                base = base
                    .checked_add(p.base)
                    .ok_or_else(|| Error::overflow(OP))?;
                lines.push(p.line);
            }
            let groups = self.groups.iter().find(|(c, _)| *c == k).map(|(_, g)| *g);
            let divisor = self.divisor_of(k);
            let given = declared.get(k.saturating_sub(self.first)).copied();
            let (unrounded, rounded) = match (given, groups, divisor) {
                (Some(a), g, divisor) => {
                    let spread = Spread {
                        k,
                        mine,
                        lined: self.lined_of(from, n),
                        groups: g,
                        divisor,
                        shares: &self.shares,
                    };
                    (spread.unrounded()?, spread.apply(a, lane, at, apply)?)
                }
                (None, Some(g), _) => {
                    round_groups(k, mine, g, &self.shares, lane, rule, at, apply)?
                }
                (None, None, Some(d)) => round_divided(mine, d, lane, rule, at, apply)?,
                (None, None, None) => round_charge(mine, lane, rule, at, apply)?,
            };
            charge.base =
                (charge.kind != ChargeKind::Fee || charge.rate.is_some()).then(|| lane.dec(base));
            charge.rate = match charge.rate {
                Some(r) => Some(Exact::of(r).normalized()?),
                None => None,
            };
            charge.amount = lane.dec(rounded);
            charge.unrounded = unrounded.normalized()?;
            charge.lines = lines;
        }
        Ok(())
    }
}

/// Rounds one charge per `rule` and spreads the rounded amount over its parts' lines
/// (`apply(line, share)`): each part rounded on its own at the line stage, else the charge's
/// total rounded once and split by the parts' unrounded amounts. Returns the unrounded and the
/// rounded amount.
fn round_charge(
    mine: &[Part],
    lane: Lane,
    rule: Option<&RoundingRule>,
    at: u32,
    apply: &mut impl FnMut(usize, i64) -> Result<(), Error>,
) -> Result<(Exact, i64), Error> {
    let unrounded = unrounded_sum(mine)?;
    if rule.is_some_and(|r| r.stage == RoundingStage::Line) {
        let mut sum: i64 = 0;
        for p in mine {
            let r = lane.round_exact(p.amount, rule)?;
            sum = sum.checked_add(r).ok_or_else(|| Error::overflow(OP))?;
            apply(p.line, r)?;
        }
        return Ok((unrounded, sum));
    }
    if let Some(line_rule) = rule.and_then(|r| r.line.as_deref()) {
        return round_lines_then_total(mine, lane, rule, line_rule, at, apply)
            .map(|rounded| (unrounded, rounded));
    }
    let rounded = lane.round_exact(unrounded, rule)?;
    lane.split(
        rounded,
        at,
        mine.len(),
        |i| mine.get(i).map_or((0, 0), |p| (p.amount.m, p.amount.scale)),
        |i, share| match mine.get(i) {
            Some(p) => apply(p.line, share),
            None => Ok(()),
        },
    )?;
    Ok((unrounded, rounded))
}

/// [`round_charge`] for a charge whose parts are numerators over `d` (see
/// [`Step::divide`]): the unrounded amount is their sum divided by `d`; at the line stage
/// each part's quotient is rounded on its own, else the rounded amount is split by the
/// numerators (the same ratios as the quotients, exactly).
fn round_divided(
    mine: &[Part],
    d: Decimal,
    lane: Lane,
    rule: Option<&RoundingRule>,
    at: u32,
    apply: &mut impl FnMut(usize, i64) -> Result<(), Error>,
) -> Result<(Exact, i64), Error> {
    let unrounded = Exact::of(div(unrounded_sum(mine)?.dec()?, d)?);
    if rule.is_some_and(|r| r.stage == RoundingStage::Line) {
        let mut sum: i64 = 0;
        for p in mine {
            let r = lane.round(div(p.amount.dec()?, d)?, rule)?;
            sum = sum.checked_add(r).ok_or_else(|| Error::overflow(OP))?;
            apply(p.line, r)?;
        }
        return Ok((unrounded, sum));
    }
    let rounded = lane.round_exact(unrounded, rule)?;
    lane.split(
        rounded,
        at,
        mine.len(),
        |i| mine.get(i).map_or((0, 0), |p| (p.amount.m, p.amount.scale)),
        |i, share| match mine.get(i) {
            Some(p) => apply(p.line, share),
            None => Ok(()),
        },
    )?;
    Ok((unrounded, rounded))
}

/// The total stage with a line rounding first (`line_increment`): each part rounded per
/// `line_rule`, their sum rounded per `rule`, and that spread by the line-rounded amounts.
/// Returns the rounded amount.
fn round_lines_then_total(
    mine: &[Part],
    lane: Lane,
    rule: Option<&RoundingRule>,
    line_rule: &RoundingRule,
    at: u32,
    apply: &mut impl FnMut(usize, i64) -> Result<(), Error>,
) -> Result<i64, Error> {
    let mut lined = Vec::with_capacity(mine.len());
    let mut sum: i64 = 0;
    for p in mine {
        let r = lane.round_exact(p.amount, Some(line_rule))?;
        sum = sum.checked_add(r).ok_or_else(|| Error::overflow(OP))?;
        lined.push(r);
    }
    let rounded = lane.round(lane.dec(sum), rule)?;
    lane.split(
        rounded,
        at,
        mine.len(),
        |i| {
            lined
                .get(i)
                .map_or((0, 0), |r| (i128::from(*r), lane.scale))
        },
        |i, share| match mine.get(i) {
            Some(p) => apply(p.line, share),
            None => Ok(()),
        },
    )?;
    Ok(rounded)
}

/// One charge's parts, for a charge whose rounded amount is given (a declaration total's
/// share): its weight in that total and the spreading of its amount over its lines.
struct Spread<'p> {
    k: usize,
    mine: &'p [Part],
    /// The parts' amounts rounded per the rule's `line_increment`, when it has one.
    lined: Option<&'p [i64]>,
    groups: Option<Groups>,
    /// The divisor of the parts, when they are numerators ([`Step::divide`]).
    divisor: Option<Decimal>,
    shares: &'p [Share],
}

impl Spread<'_> {
    /// The exact unrounded amount of the charge (to 28 digits when its parts are numerators
    /// over a divisor: their sum divided once).
    fn unrounded(&self) -> Result<Exact, Error> {
        match (self.groups, self.divisor) {
            (Some(g), _) => Exact::mul(g.whole.dec()?, Decimal::from(g.count)),
            (None, Some(d)) => Ok(Exact::of(div(unrounded_sum(self.mine)?.dec()?, d)?)),
            (None, None) => unrounded_sum(self.mine),
        }
    }

    /// The charge's weight in the declaration: the sum of its lines rounded per the rule's
    /// `line_increment`, else its exact unrounded amount.
    fn weight(&self, lane: Lane) -> Result<Exact, Error> {
        match (self.lined, self.groups) {
            (Some(lined), None) => {
                let mut sum: i64 = 0;
                for r in lined {
                    sum = sum.checked_add(*r).ok_or_else(|| Error::overflow(OP))?;
                }
                Exact::new(i128::from(sum), lane.scale).ok_or_else(|| Error::overflow(OP))
            }
            _ => self.unrounded(),
        }
    }

    /// Spreads `amount` over the charge's lines by their (line-rounded) amounts (numerators
    /// over a divisor have the quotients' ratios), or by the groups' exact ratios; returns
    /// `amount`.
    fn apply(
        &self,
        amount: i64,
        lane: Lane,
        at: u32,
        apply: &mut impl FnMut(usize, i64) -> Result<(), Error>,
    ) -> Result<i64, Error> {
        let mine = self.mine;
        let to_line = |i: usize, share| match mine.get(i) {
            Some(p) => apply(p.line, share),
            None => Ok(()),
        };
        if let Some(g) = self.groups {
            let ratio = |p: &Part| {
                self.shares
                    .iter()
                    .find(|s| s.charge == self.k && s.line == p.line)
                    .map_or((0, 1), |s| (s.num, s.den))
            };
            lane.split_ratios(amount, at, g.count, mine.iter().map(ratio), to_line)?;
            return Ok(amount);
        }
        let lined = self.lined;
        lane.split(
            amount,
            at,
            mine.len(),
            |i| match lined {
                Some(l) => l.get(i).map_or((0, 0), |r| (i128::from(*r), lane.scale)),
                None => mine.get(i).map_or((0, 0), |p| (p.amount.m, p.amount.scale)),
            },
            to_line,
        )?;
        Ok(amount)
    }
}

/// [`round_charge`] for charge `k` made of groups: the unrounded amount is the whole times
/// the number of groups, exactly; the rounded amount is split by the lines' exact shares, or
/// at the line stage each share's quotient (to 28 significant digits) is rounded on its own.
#[allow(
    clippy::too_many_arguments,
    reason = "round_charge's arguments plus the groups and their shares"
)]
fn round_groups(
    k: usize,
    mine: &[Part],
    g: Groups,
    shares: &[Share],
    lane: Lane,
    rule: Option<&RoundingRule>,
    at: u32,
    apply: &mut impl FnMut(usize, i64) -> Result<(), Error>,
) -> Result<(Exact, i64), Error> {
    let unrounded = Exact::mul(g.whole.dec()?, Decimal::from(g.count))?;
    let ratio = |p: &Part| {
        shares
            .iter()
            .find(|s| s.charge == k && s.line == p.line)
            .map_or((0, 1), |s| (s.num, s.den))
    };
    if rule.is_some_and(|r| r.stage == RoundingStage::Line) {
        let mut sum: i64 = 0;
        for p in mine {
            let (num, den) = ratio(p);
            let share = div(mul(g.whole.dec()?, Decimal::from(num))?, Decimal::from(den))?;
            let r = lane.round(share, rule)?;
            sum = sum.checked_add(r).ok_or_else(|| Error::overflow(OP))?;
            apply(p.line, r)?;
        }
        return Ok((unrounded, sum));
    }
    let rounded = lane.round_exact(unrounded, rule)?;
    lane.split_ratios(
        rounded,
        at,
        g.count,
        mine.iter().map(ratio),
        |i, share| match mine.get(i) {
            Some(p) => apply(p.line, share),
            None => Ok(()),
        },
    )?;
    Ok((unrounded, rounded))
}

/// The sum of parts' amounts, exactly: integers brought to the widest scale, or `Decimal`
/// sums (which round beyond 96 bits) when the exact sum does not fit.
///
/// Scales up to 18 decimals apart are brought together by `10^18` at most, as they always
/// were; wider gaps (a 22/78 quotient has 25 decimals, a whole amount none) by up to `10^38`
/// only where that is the `Decimal` fold's result, value and scale, which they used to take:
/// the amounts are never negative (the request's amounts and the data's rates are checked),
/// so every partial sum of the fold is at most the total at a scale at most the widest and
/// each `Decimal` addition is exact; and a non-zero amount has the widest scale, because the
/// fold keeps the scale of a zero operand's partner, not the zero's.
fn unrounded_sum(parts: &[Part]) -> Result<Exact, Error> {
    if let [only] = parts {
        return Ok(only.amount);
    }
    let first = parts.first().map_or(0, |p| p.amount.scale);
    let mut scale = first;
    let mut uniform = true;
    let mut same: Option<i128> = Some(0);
    for p in parts {
        scale = scale.max(p.amount.scale);
        uniform &= p.amount.scale == first;
        same = same.and_then(|s| s.checked_add(p.amount.m));
    }
    let exact = if uniform {
        same
    } else {
        let narrow = parts
            .iter()
            .all(|p| scale.saturating_sub(p.amount.scale) <= 18);
        let widest_non_zero = parts
            .iter()
            .any(|p| p.amount.m != 0 && p.amount.scale == scale);
        let non_negative = parts.iter().all(|p| p.amount.m >= 0);
        if narrow || (widest_non_zero && non_negative) {
            parts.iter().try_fold(0i128, |acc, p| {
                let up = i128::try_from(pow10_u128(scale.checked_sub(p.amount.scale)?)?).ok()?;
                acc.checked_add(p.amount.m.checked_mul(up)?)
            })
        } else {
            None
        }
    };
    if let Some(e) = exact.and_then(|m| Exact::new(m, scale)) {
        return Ok(e);
    }
    parts
        .iter()
        .try_fold(Decimal::ZERO, |acc, p| add(acc, p.amount.dec()?))
        .map(Exact::of)
}

/// `12%`.
pub(crate) fn percent(p: Decimal) -> RateText {
    RateText::one("{}%", Arg::Percent(p))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::super::arith::DECIMAL_MAX;
    use super::*;

    fn part(m: i128, scale: u32) -> Part {
        Part {
            charge: 0,
            line: 0,
            base: 0,
            amount: Exact { m, scale },
        }
    }

    /// The exact sum of a charge's parts equals the `Decimal` sum, whether the parts share a
    /// scale or not (a flat duty's shares of 1.875, 1.125 and 3 add up to 6), and falls back
    /// to the `Decimal` sum beyond 96 bits.
    #[test]
    fn exact_sums_equal_decimal_sums_at_any_mix_of_scales() {
        let big = i128::try_from(DECIMAL_MAX).unwrap();
        let cases: Vec<Vec<(i128, u32)>> = vec![
            vec![(1875, 3), (1125, 3), (3, 0)],
            vec![(3, 0), (1875, 3), (1125, 3)],
            vec![(245_058, 3), (1, 3), (99, 3)],
            vec![(1, 28), (1, 0)],
            vec![(big, 0), (1, 1)],
            vec![(big / 2, 2), (big / 2, 2), (7, 2)],
            vec![],
            // Japan's local tax: 22/78 quotients of 25 and 26 decimals beside a whole one.
            vec![
                (846_153_846_153_846_153_846_153_846, 25),
                (2_200, 0),
                (5_076_923_076_923_076_923_076_923_077, 26),
            ],
            vec![(1, 25), (3, 0), (0, 0)],
            // A zero at the widest scale: the `Decimal` fold keeps the other scales.
            vec![(0, 28), (5, 0)],
            vec![(0, 25), (3, 0), (0, 0)],
        ];
        for parts in cases {
            let ps: Vec<Part> = parts.iter().map(|(m, s)| part(*m, *s)).collect();
            let want = parts.iter().fold(Decimal::ZERO, |acc, (m, s)| {
                acc.checked_add(Decimal::from_i128_with_scale(*m, *s))
                    .unwrap()
            });
            let got = unrounded_sum(&ps).unwrap().dec().unwrap();
            assert_eq!(got, want, "{parts:?}");
            assert_eq!(got.scale(), want.scale(), "{parts:?}");
        }
    }
}
