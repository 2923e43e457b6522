//! The charge cascade: currency, valuation, rules, duty, fees, import taxes, rounding.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::text::{Arg, ChargeText as Note};
use super::wire::{
    Charge, ChargeKind, ChargeText, CollectedAt, ExchangeRate, Incoterm, LineQuote, Quote,
    QuoteLine, QuoteRequest,
};
use crate::codes::{CountryCode, Currency, HsCode, RegionCode, TaxCategory, Territory};
use crate::data::row_at;
use crate::data::{
    BaseTerm, Buyer, BuyerCondition, Conditions, Dated, Effect, Fee, FeeKind, ImportTax,
    RateTables, RoundingRule, RoundingStage, RoundingTarget, Rule, Specific, SpecificPer, Stacking,
    TariffRate, TaxRateSource, Transport, Valuation, ValueBasis, VatValue, hs_starts_with,
};
use crate::error::Error;
use crate::money::{
    POW10, RoundingMode, allocate_by, cmp_exact, round_int, round_to_increment, scaled_int,
    split_u64, split_units,
};

const OP: &str = "landed cost";

/// Names shared by every quote (built once, cloned by reference count).
static DUTY_NAME: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("customs duty"));
static REQUEST_SOURCE: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("request"));
static STANDARD: LazyLock<TaxCategory> = LazyLock::new(TaxCategory::standard);
/// The tax collected at checkout in a territory without import taxes.
static NO_TAX_AT_CHECKOUT: LazyLock<Arc<str>> =
    LazyLock::new(|| Arc::from("VAT/GST (collected at checkout)"));

#[inline]
fn add(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_add(b).ok_or_else(|| Error::overflow(OP))
}

#[inline]
fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_sub(b).ok_or_else(|| Error::overflow(OP))
}

#[inline]
fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    a.checked_mul(b).ok_or_else(|| Error::overflow(OP))
}

#[inline]
fn div(a: Decimal, b: Decimal) -> Result<Decimal, Error> {
    if b.is_zero() {
        return Err(Error::DivisionByZero { operation: OP });
    }
    a.checked_div(b).ok_or_else(|| Error::overflow(OP))
}

/// `m × 10^-scale` as a `Decimal` when it holds it exactly, built from its 32-bit parts
/// (inlined: every amount of a quote passes here).
#[inline]
fn dec_of(m: i128, scale: u32) -> Option<Decimal> {
    let mag = m.unsigned_abs();
    if scale > 28 || mag > DECIMAL_MAX {
        return None;
    }
    let part = |shift: u32| {
        u32::try_from(mag.checked_shr(shift).unwrap_or_default() & u128::from(u32::MAX))
            .unwrap_or_default()
    };
    Some(Decimal::from_parts(
        part(0),
        part(32),
        part(64),
        m < 0,
        scale,
    ))
}

/// The larger of two values (the second on a tie, as `Ord::max`), compared on integers.
#[inline]
fn max_exact(a: Decimal, b: Decimal) -> Decimal {
    if cmp_exact(b, a).is_ge() { b } else { a }
}

/// `amount × percent / 100`.
#[inline]
fn percent_of(amount: Decimal, percent: Decimal) -> Result<Decimal, Error> {
    // Multiplying by 0.01 is exact and cheaper than dividing by 100.
    mul(mul(amount, percent)?, Decimal::new(1, 2))
}

/// An exact unrounded amount, `m × 10^-scale`, always one a `Decimal` can hold: products
/// of the integer lane stay integers until a charge is rounded.
#[derive(Clone, Copy, Debug)]
struct Exact {
    m: i128,
    scale: u32,
}

/// The largest mantissa a `Decimal` holds (96 bits).
const DECIMAL_MAX: u128 = (1u128 << 96).wrapping_sub(1);

impl Exact {
    #[inline]
    fn of(d: Decimal) -> Self {
        Self {
            m: d.mantissa(),
            scale: d.scale(),
        }
    }

    /// `m × 10^-scale` when a `Decimal` can hold it exactly.
    #[inline]
    fn new(m: i128, scale: u32) -> Option<Self> {
        (scale <= 28 && m.unsigned_abs() <= DECIMAL_MAX).then_some(Self { m, scale })
    }

    /// The value without trailing zeros (as `Decimal::normalize`), on 64-bit integers when
    /// it fits.
    fn normalized(self) -> Result<Decimal, Error> {
        let Ok(mut m) = i64::try_from(self.m) else {
            return Ok(self.dec()?.normalize());
        };
        if m == 0 {
            return Ok(Decimal::ZERO);
        }
        let mut scale = self.scale;
        while scale > 0 && m.checked_rem(10) == Some(0) {
            m = m.checked_div(10).unwrap_or(m);
            scale = scale.saturating_sub(1);
        }
        dec_of(i128::from(m), scale).ok_or_else(|| Error::overflow(OP))
    }

    /// `self ≤ other`.
    fn le(self, other: Self) -> bool {
        if self.scale == other.scale {
            return self.m <= other.m;
        }
        match (self.dec(), other.dec()) {
            (Ok(a), Ok(b)) => a <= b,
            _ => false,
        }
    }

    #[inline]
    fn dec(self) -> Result<Decimal, Error> {
        dec_of(self.m, self.scale).ok_or_else(|| Error::overflow(OP))
    }

    /// `x × y × 10^-scale` when a `Decimal` holds it (64-bit products first: one
    /// instruction).
    #[inline]
    fn of_product(x: i64, y: i64, scale: u32) -> Option<Self> {
        match x.checked_mul(y) {
            Some(p) if scale <= 28 => Some(Self {
                m: i128::from(p),
                scale,
            }),
            _ => Self::new(i128::from(x).saturating_mul(i128::from(y)), scale),
        }
    }

    /// `a × b`, exactly when it fits (a quantity times a price), else `Decimal`'s product.
    #[inline]
    fn mul(a: Decimal, b: Decimal) -> Result<Self, Error> {
        if let (Ok(x), Ok(y)) = (i64::try_from(a.mantissa()), i64::try_from(b.mantissa()))
            && let Some(e) = Self::of_product(x, y, a.scale().saturating_add(b.scale()))
        {
            return Ok(e);
        }
        mul(a, b).map(Self::of)
    }

    /// `self + other`, exactly when it fits, else `Decimal`'s sum.
    #[inline]
    fn add(self, other: Self) -> Result<Self, Error> {
        if self.scale == other.scale
            && let Some(e) = self
                .m
                .checked_add(other.m)
                .and_then(|m| Self::new(m, self.scale))
        {
            return Ok(e);
        }
        add(self.dec()?, other.dec()?).map(Self::of)
    }

    /// The sum of parts' amounts, exactly: integers brought to the widest scale, or
    /// `Decimal` sums (which round beyond 96 bits) when the exact sum does not fit.
    fn sum(parts: &[Part]) -> Result<Self, Error> {
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
            parts.iter().try_fold(0i128, |acc, p| {
                let up = POW10.get(usize::try_from(scale.checked_sub(p.amount.scale)?).ok()?)?;
                acc.checked_add(p.amount.m.checked_mul(i128::from(*up))?)
            })
        };
        if let Some(e) = exact.and_then(|m| Self::new(m, scale)) {
            return Ok(e);
        }
        parts
            .iter()
            .try_fold(Decimal::ZERO, |acc, p| add(acc, p.amount.dec()?))
            .map(Self::of)
    }
}

/// Conversion of amounts between two currencies with the request's rates.
#[derive(Clone, Copy)]
enum Conv {
    Identity,
    /// Multiply by the given rate.
    Mul(Decimal),
    /// Divide by the reverse pair's rate (never a rounded inverse).
    Div(Decimal),
}

impl Conv {
    fn apply(self, amount: Decimal) -> Result<Decimal, Error> {
        match self {
            Self::Identity => Ok(amount),
            Self::Mul(r) => mul(amount, r),
            Self::Div(r) => div(amount, r),
        }
    }
}

fn conv(rates: &[ExchangeRate], from: Currency, to: Currency) -> Result<Conv, Error> {
    if from == to {
        return Ok(Conv::Identity);
    }
    if let Some(r) = rates.iter().find(|r| r.from == from && r.to == to) {
        return Ok(Conv::Mul(r.rate));
    }
    if let Some(r) = rates.iter().find(|r| r.from == to && r.to == from) {
        return Ok(Conv::Div(r.rate));
    }
    Err(Error::MissingExchangeRate { from, to })
}

/// The scale at which rounded amounts of a rule live (for allocation).
fn rule_scale(rule: Option<&RoundingRule>, minor: u32) -> u32 {
    rule.and_then(|r| r.increment)
        .map_or(minor, |i| i.normalize().scale().max(minor))
}

/// Facts about the consignment the conditions are tested on.
struct Facts<'r> {
    req: &'r QuoteRequest,
    ship_from: CountryCode,
    transport: Transport,
    buyer: Buyer,
    registered_business: bool,
    /// Values in the request currency, unrounded.
    intrinsic: Decimal,
    customs_value: Decimal,
    sale_price: Decimal,
}

impl Facts<'_> {
    fn value(&self, basis: ValueBasis) -> Decimal {
        match basis {
            ValueBasis::Intrinsic => self.intrinsic,
            ValueBasis::CustomsValue => self.customs_value,
            // The dearest item, computed only for the rules that test it.
            ValueBasis::Item => self
                .req
                .lines
                .iter()
                .fold(Decimal::ZERO, |m, l| max_exact(m, l.unit_price)),
            ValueBasis::SalePrice => self.sale_price,
        }
    }

    fn registered(&self, reg: &str) -> bool {
        self.req
            .seller_registrations
            .iter()
            .any(|r| r.eq_ignore_ascii_case(reg))
    }

    /// True when every condition holds.
    fn holds(&self, c: &Conditions) -> Result<bool, Error> {
        if !c.ship_from.is_empty() && !c.ship_from.contains(&self.ship_from) {
            return Ok(false);
        }
        if !c.transport.is_empty() && !c.transport.contains(&self.transport) {
            return Ok(false);
        }
        if let Some(b) = c.buyer {
            let ok = match b {
                BuyerCondition::Consumer => self.buyer == Buyer::Consumer,
                BuyerCondition::Business => self.buyer == Buyer::Business,
                BuyerCondition::RegisteredBusiness => self.registered_business,
                BuyerCondition::NotRegisteredBusiness => !self.registered_business,
            };
            if !ok {
                return Ok(false);
            }
        }
        if let Some(reg) = &c.requires_registration
            && !self.registered(reg)
        {
            return Ok(false);
        }
        if !c.origins.is_empty() && !self.req.lines.iter().all(|l| c.origins.contains(&l.origin)) {
            return Ok(false);
        }
        if self
            .req
            .lines
            .iter()
            .any(|l| c.exclude_origins.contains(&l.origin))
        {
            return Ok(false);
        }
        if let Some(t) = &c.threshold {
            let value = conv(&self.req.exchange_rates, self.req.currency, t.currency)?
                .apply(self.value(t.value))?;
            if !t.comparison.holds(value, t.amount) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The amounts of one quote as whole numbers of `10^-scale` units of the destination
/// currency: every rounded amount (goods, shares, duty, tax, fees) lives in this integer lane,
/// so sums and splits are exact integer operations. `scale` is the minor unit's, or finer when
/// a rounding rule's increment asks for it.
#[derive(Clone, Copy)]
struct Lane {
    scale: u32,
    minor: u32,
}

impl Lane {
    /// The value of `units`, at exactly the lane's scale.
    #[inline]
    fn dec(self, units: i64) -> Decimal {
        // `Decimal::new` from its 32-bit parts, inlined (every amount of the quote is read
        // back through here).
        let m = units.unsigned_abs();
        let lo = u32::try_from(m & u64::from(u32::MAX)).unwrap_or_default();
        let mid = u32::try_from(m.checked_shr(32).unwrap_or_default()).unwrap_or_default();
        Decimal::from_parts(lo, mid, 0, units < 0, self.scale)
    }

    /// The units of a value with at most `scale` decimals.
    #[inline]
    fn units(self, v: Decimal) -> Result<i64, Error> {
        if v.scale() == self.scale
            && let Ok(u) = i64::try_from(v.mantissa())
        {
            return Ok(u);
        }
        scaled_int(v, self.scale)
            .and_then(|u| i64::try_from(u).ok())
            .ok_or_else(|| Error::overflow(OP))
    }

    /// `10^(scale − to)`: one unit of scale `to` in lane units.
    #[inline]
    fn step(self, to: u32) -> Result<i64, Error> {
        self.scale
            .checked_sub(to)
            .and_then(|d| POW10.get(usize::try_from(d).ok()?).copied())
            .ok_or_else(|| Error::overflow(OP))
    }

    /// Rounds a value per a rule, or to the minor unit half-up by default, into units.
    #[inline]
    fn round(self, v: Decimal, rule: Option<&RoundingRule>) -> Result<i64, Error> {
        self.round_exact(Exact::of(v), rule)
    }

    /// [`Lane::round`] of an exact amount.
    fn round_exact(self, v: Exact, rule: Option<&RoundingRule>) -> Result<i64, Error> {
        if let Some(RoundingRule {
            increment: Some(inc),
            mode,
            ..
        }) = rule
        {
            return self.units(round_to_increment(v.dec()?, *inc, *mode)?);
        }
        let mode = rule.map_or(RoundingMode::HalfUp, |r| r.mode);
        let s = v.scale;
        let minor = if s <= self.minor {
            Some(v.m)
        } else {
            round_int(v.m, s.wrapping_sub(self.minor), mode)
        };
        let up = self.step(s.min(self.minor))?;
        minor
            .and_then(|m| i64::try_from(m).ok())
            .and_then(|m| m.checked_mul(up))
            .ok_or_else(|| Error::overflow(OP))
    }

    /// `units × percent / 100`, exactly (the integer product read at a wider scale; the
    /// `Decimal` product, which rounds, when that does not fit).
    #[inline]
    fn percent_of(self, units: i64, percent: Decimal) -> Result<Exact, Error> {
        let scale = self.scale.saturating_add(percent.scale()).saturating_add(2);
        if let Ok(p) = i64::try_from(percent.mantissa())
            && let Some(e) = Exact::of_product(units, p, scale)
        {
            return Ok(e);
        }
        percent_of(self.dec(units), percent).map(Exact::of)
    }

    /// The integer split of `units` over up to 16 weights at different scales or beyond 64
    /// bits, brought to their widest scale; false when they do not fit 128 bits.
    fn split_wide(
        units: i64,
        n: usize,
        weight: &impl Fn(usize) -> (i128, u32),
        out: &mut [i64; 16],
    ) -> bool {
        let mut w = [0u128; 16];
        let mut scales = [0u32; 16];
        for ((slot, s), i) in w.iter_mut().zip(scales.iter_mut()).take(n).zip(0..) {
            let (m, scale) = weight(i);
            *slot = m.unsigned_abs();
            *s = scale;
        }
        let common = scales.iter().take(n).copied().max().unwrap_or(0);
        for (slot, s) in w.iter_mut().zip(scales).take(n) {
            let up = usize::try_from(common.wrapping_sub(s)).unwrap_or(usize::MAX);
            match POW10
                .get(up)
                .and_then(|p| slot.checked_mul(u128::try_from(*p).ok()?))
            {
                Some(x) => *slot = x,
                None => return false,
            }
        }
        w.get(..n)
            .zip(out.get_mut(..n))
            .is_some_and(|(w, o)| split_units(units, w, o).is_some())
    }

    /// Splits `amount` units (a multiple of one unit of scale `at`) over `n` parts in
    /// proportion to `weight(i)`'s magnitude, by the largest remainder (see
    /// [`crate::allocate`]), and hands each share to `apply`.
    /// Splits `amount` units (a multiple of one unit of scale `at`) by 64-bit `weights`
    /// into `out` on integers, as [`Lane::split`] does; false when the split does not fit
    /// that path (then use [`Lane::split`]).
    fn split_small(
        self,
        amount: i64,
        at: u32,
        weights: &[u64],
        out: &mut [i64],
    ) -> Result<bool, Error> {
        if let ([_], [only, ..]) = (weights, &mut *out) {
            *only = amount;
            return Ok(true);
        }
        let step = self.step(at)?;
        if amount.checked_rem(step) != Some(0)
            || split_u64(amount.checked_div(step).unwrap_or(0), weights, out).is_none()
        {
            return Ok(false);
        }
        for o in out.iter_mut().take(weights.len()) {
            *o = o.checked_mul(step).ok_or_else(|| Error::overflow(OP))?;
        }
        Ok(true)
    }

    fn split(
        self,
        amount: i64,
        at: u32,
        n: usize,
        weight: impl Fn(usize) -> (i128, u32),
        mut apply: impl FnMut(usize, i64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        const STACK: usize = 16;
        if n == 1 {
            return apply(0, amount);
        }
        let step = self.step(at)?;
        if n <= STACK && amount.checked_rem(step) == Some(0) {
            let units = amount.checked_div(step).unwrap_or(0);
            // The common case: every weight at one scale and within 64 bits.
            let mut small = [0u64; STACK];
            let mut scale = None;
            let mut fits = true;
            for (slot, i) in small.iter_mut().take(n).zip(0..) {
                let (m, s) = weight(i);
                match u64::try_from(m.unsigned_abs()) {
                    Ok(x) if *scale.get_or_insert(s) == s => *slot = x,
                    _ => {
                        fits = false;
                        break;
                    }
                }
            }
            let mut out = [0i64; STACK];
            let done = match small.get(..n).zip(out.get_mut(..n)).filter(|_| fits) {
                Some((w, o)) => self.split_small(amount, at, w, o)?,
                None => false,
            };
            if done || Self::split_wide(units, n, &weight, &mut out) {
                for (i, share) in out.iter().take(n).enumerate() {
                    let share = if done {
                        *share
                    } else {
                        share.checked_mul(step).ok_or_else(|| Error::overflow(OP))?
                    };
                    apply(i, share)?;
                }
                return Ok(());
            }
        }
        allocate_by(
            self.dec(amount),
            n,
            |i| {
                let (m, scale) = weight(i);
                Decimal::try_from_i128_with_scale(m.abs(), scale).unwrap_or_default()
            },
            at,
            |i, share| apply(i, self.units(share)?),
        )
    }
}

/// Per-line state through the cascade; amounts in lane units.
struct Line<'r, 't> {
    req: &'r QuoteLine,
    goods: i64,
    shipping: i64,
    insurance: i64,
    customs_value: i64,
    duty: i64,
    tax: i64,
    taxable_fees: i64,
    no_duty: bool,
    no_tax: bool,
    reverse_charge: bool,
    checkout: Option<&'t Rule>,
    flat: Option<(&'t Dated<Rule>, Decimal)>,
    preferential: bool,
}

/// Up to `N` items on the stack and any more on the heap: the rows a quote finds in force
/// (preferences, additional duties, import taxes, VAT rows) are few.
struct Few<T: Copy, const N: usize> {
    head: [Option<T>; N],
    len: usize,
    more: Vec<T>,
}

impl<T: Copy, const N: usize> Few<T, N> {
    fn new() -> Self {
        Self {
            head: [None; N],
            len: 0,
            more: Vec::new(),
        }
    }

    fn push(&mut self, item: T) {
        match self.head.get_mut(self.len) {
            Some(slot) => {
                *slot = Some(item);
                self.len = self.len.saturating_add(1);
            }
            None => self.more.push(item),
        }
    }

    fn clear(&mut self) {
        self.head = [None; N];
        self.len = 0;
        self.more.clear();
    }

    fn iter(&self) -> FewIter<'_, T, N> {
        FewIter { few: self, at: 0 }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn first(&self) -> Option<T> {
        self.head.first().copied().flatten()
    }

    /// Sorts the items stably by `cmp`.
    fn sort_by(&mut self, cmp: impl Fn(&T, &T) -> Ordering) {
        if self.more.is_empty() {
            if let Some(head) = self.head.get_mut(..self.len) {
                head.sort_by(|a, b| match (a, b) {
                    (Some(a), Some(b)) => cmp(a, b),
                    _ => Ordering::Equal,
                });
            }
            return;
        }
        let mut all: Vec<T> = self.iter().collect();
        all.sort_by(cmp);
        self.clear();
        for item in all {
            self.push(item);
        }
    }
}

/// The items of a [`Few`], in order.
#[derive(Clone)]
struct FewIter<'a, T: Copy, const N: usize> {
    few: &'a Few<T, N>,
    at: usize,
}

impl<T: Copy, const N: usize> Iterator for FewIter<'_, T, N> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        let at = self.at;
        self.at = at.saturating_add(1);
        if at < self.few.len {
            self.few.head.get(at).copied().flatten()
        } else {
            self.few.more.get(at.checked_sub(N)?).copied()
        }
    }
}

/// A line's part of a charge: its base (units) and its unrounded amount.
struct Part {
    charge: usize,
    line: usize,
    base: i64,
    amount: Exact,
}

/// The charges of one step of the cascade (duty, one import tax, taxes at checkout), built in
/// place in the quote's list: lines with the same identity, rate and place of collection share
/// one charge, and each charge is rounded once every line has added its part.
struct Step {
    /// Index of the step's first charge in the list.
    first: usize,
    /// Identity of each of the step's charges: the data row's address, or the request field.
    ids: Vec<usize>,
    parts: Vec<Part>,
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
        if self.parts.capacity() > KEEP_PARTS || self.ids.capacity() > KEEP_PARTS {
            return;
        }
        let kept = (
            std::mem::take(&mut self.ids),
            std::mem::take(&mut self.parts),
        );
        let _ = STEP_BUFFERS.try_with(|b| {
            if let Ok(mut b) = b.try_borrow_mut() {
                *b = kept;
            }
        });
    }
}

/// The identity of a data row: its address, stable for the life of the tables.
fn id_of<T>(row: &T) -> usize {
    core::ptr::from_ref(row).addr()
}

/// Identities of charges that come from the request rather than a data row.
const ID_DUTY_RATE: usize = 1;
const ID_TAX_RATE: usize = 2;

thread_local! {
    /// The step buffers of this thread's last quote, reused by the next one.
    static STEP_BUFFERS: RefCell<(Vec<usize>, Vec<Part>)> =
        const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Buffers larger than this many parts are not kept for the next quote.
const KEEP_PARTS: usize = 1024;

impl Step {
    fn new(charges: &[Charge]) -> Self {
        let (mut ids, mut parts) = STEP_BUFFERS
            .try_with(|b| b.try_borrow_mut().map(|mut b| std::mem::take(&mut *b)))
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        ids.clear();
        parts.clear();
        Self {
            first: charges.len(),
            ids,
            parts,
        }
    }

    /// Starts the next step of the cascade, reusing the buffers.
    fn restart(&mut self, charges: &[Charge]) {
        self.first = charges.len();
        self.ids.clear();
        self.parts.clear();
    }

    /// Adds a line's part to the charge with the same identity, or opens a new charge (only
    /// then are its texts built).
    #[allow(
        clippy::too_many_arguments,
        reason = "a charge's identity has this many parts"
    )]
    fn push(
        &mut self,
        charges: &mut Vec<Charge>,
        id: usize,
        kind: ChargeKind,
        name: &Arc<str>,
        rate: Option<Decimal>,
        rate_text: impl FnOnce() -> ChargeText,
        rule: impl FnOnce() -> ChargeText,
        source: &Arc<str>,
        collected_at: CollectedAt,
        (line, base, amount): (usize, i64, Exact),
    ) {
        let open = charges.get(self.first..).unwrap_or_default();
        let found = open.iter().zip(&self.ids).position(|(c, i)| {
            *i == id
                && c.kind == kind
                && same_rate(c.rate, rate)
                && c.collected_at == collected_at
                && (Arc::ptr_eq(&c.name, name) || c.name == *name)
        });
        let charge = found.map_or_else(
            || {
                charges.push(Charge {
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
                });
                self.ids.push(id);
                charges.len().saturating_sub(1)
            },
            |k| self.first.saturating_add(k),
        );
        self.parts.push(Part {
            charge,
            line,
            base,
            amount,
        });
    }

    /// Rounds each of the step's charges per `rule` and spreads its rounded amount over its
    /// lines (`apply(line, share)`), so that line shares add up to the charge exactly.
    fn close(
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
        let mut rest: &[Part] = &self.parts;
        for (k, charge) in charges.iter_mut().enumerate().skip(self.first) {
            let n = rest.iter().take_while(|p| p.charge == k).count();
            let (mine, tail) = rest.split_at_checked(n).unwrap_or((rest, &[]));
            rest = tail;
            let mut base: i64 = 0;
            let mut lines = Vec::with_capacity(n);
            for p in mine {
                base = base
                    .checked_add(p.base)
                    .ok_or_else(|| Error::overflow(OP))?;
                lines.push(p.line);
            }
            let unrounded = Exact::sum(mine)?;
            let rounded = if rule.is_some_and(|r| r.stage == RoundingStage::Line) {
                let mut sum: i64 = 0;
                for p in mine {
                    let r = lane.round_exact(p.amount, rule)?;
                    sum = sum.checked_add(r).ok_or_else(|| Error::overflow(OP))?;
                    apply(p.line, r)?;
                }
                sum
            } else {
                let rounded = lane.round_exact(unrounded, rule)?;
                lane.split(
                    rounded,
                    at,
                    n,
                    |i| mine.get(i).map_or((0, 0), |p| (p.amount.m, p.amount.scale)),
                    |i, share| match mine.get(i) {
                        Some(p) => apply(p.line, share),
                        None => Ok(()),
                    },
                )?;
                rounded
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

/// The MFN duty of a line under a tariff rate: ad valorem on the customs value plus the
/// specific part (per unit or per kg, converted), clamped to the rate's minimum and maximum.
fn mfn_duty(
    t: &TariffRate,
    l: &QuoteLine,
    i: usize,
    customs_value: Decimal,
    rates: &[ExchangeRate],
    currency: Currency,
) -> Result<Decimal, Error> {
    let mut duty = match t.rate_percent {
        Some(p) => percent_of(customs_value, p)?,
        None => Decimal::ZERO,
    };
    let amount_of = |s: Specific| -> Result<Decimal, Error> {
        let units = match s.per {
            SpecificPer::Unit => l.quantity,
            SpecificPer::Kg => {
                let kg = l.weight_kg.ok_or_else(|| {
                    Error::input(
                        field(i, "weight_kg"),
                        format!(
                            "required: the {} tariff for {} is per kg",
                            t.territory, t.hs
                        ),
                    )
                })?;
                mul(kg, l.quantity)?
            }
        };
        conv(rates, s.currency, currency)?.apply(mul(s.amount, units)?)
    };
    if let Some(s) = t.specific {
        duty = add(duty, amount_of(s)?)?;
    }
    if let Some(m) = t.min {
        duty = duty.max(amount_of(m)?);
    }
    if let Some(m) = t.max {
        duty = duty.min(amount_of(m)?);
    }
    Ok(duty)
}

/// Number of request lines whose subheading is `sub`, as a Decimal.
fn lines_with_sub(lines: &[QuoteLine], sub: &HsCode) -> Decimal {
    Decimal::from(
        lines
            .iter()
            .filter(|l| l.hs_code.subheading().unwrap_or(l.hs_code) == *sub)
            .count()
            .max(1),
    )
}

/// Sum of a line's base terms, in units; `taxes` holds each earlier import tax's line shares
/// (`lines` values per tax, in order).
/// The terms of a base as a bit mask of line amounts (see [`masked_base`]), when every term
/// is a line amount named once; `None` when it names a tax or repeats a term.
fn line_terms(terms: &[BaseTerm]) -> Option<u8> {
    let mut mask = 0u8;
    for t in terms {
        let bit = match t {
            BaseTerm::Goods => 1,
            BaseTerm::Shipping => 2,
            BaseTerm::Insurance => 4,
            BaseTerm::CustomsValue => 8,
            BaseTerm::Duty => 16,
            BaseTerm::TaxableFees => 32,
            BaseTerm::Tax(_) => return None,
        };
        if mask & bit != 0 {
            return None;
        }
        mask |= bit;
    }
    Some(mask)
}

/// The sum of a line's amounts selected by a [`line_terms`] mask: [`base_of`] without the
/// walk over the terms.
#[inline]
fn masked_base(line: &Line<'_, '_>, mask: u8) -> Result<i64, Error> {
    [
        (1, line.goods),
        (2, line.shipping),
        (4, line.insurance),
        (8, line.customs_value),
        (16, line.duty),
        (32, line.taxable_fees),
    ]
    .into_iter()
    .filter(|(bit, _)| mask & bit != 0)
    .try_fold(0i64, |sum, (_, v)| sum.checked_add(v))
    .ok_or_else(|| Error::overflow(OP))
}

fn base_of(
    line: &Line<'_, '_>,
    terms: &[BaseTerm],
    taxes: &[(&Arc<str>, usize)],
    values: &[i64],
    index: usize,
) -> Result<i64, Error> {
    let mut b: i64 = 0;
    for t in terms {
        let v = match t {
            BaseTerm::Goods => line.goods,
            BaseTerm::Shipping => line.shipping,
            BaseTerm::Insurance => line.insurance,
            BaseTerm::CustomsValue => line.customs_value,
            BaseTerm::Duty => line.duty,
            BaseTerm::TaxableFees => line.taxable_fees,
            BaseTerm::Tax(name) => taxes
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, start)| values.get(start.checked_add(index)?).copied())
                .unwrap_or_default(),
        };
        b = b.checked_add(v).ok_or_else(|| Error::overflow(OP))?;
    }
    Ok(b)
}

/// `name: text`, without the formatting machinery (a quote's warnings are built per call).
fn labelled(name: &str, text: &str) -> String {
    let mut s = String::with_capacity(name.len().saturating_add(text.len()).saturating_add(2));
    s.push_str(name);
    s.push_str(": ");
    s.push_str(text);
    s
}

fn field(i: usize, name: &str) -> String {
    format!("lines[{i}].{name}")
}

fn check_request(req: &QuoteRequest) -> Result<(), Error> {
    if req.lines.is_empty() {
        return Err(Error::input("lines", "is empty; give at least one line"));
    }
    let negative = |v: Decimal| v.is_sign_negative() && !v.is_zero();
    for (name, v) in [("shipping", req.shipping), ("insurance", req.insurance)] {
        if let Some(v) = v.filter(|v| negative(*v)) {
            return Err(Error::input(
                name,
                format!("{v} is negative; give zero or more"),
            ));
        }
    }
    for (i, f) in req.extra_fees.iter().enumerate() {
        if negative(f.amount) {
            return Err(Error::input(
                format!("extra_fees[{i}].amount"),
                format!("{} is negative; give zero or more", f.amount),
            ));
        }
    }
    for (i, r) in req.exchange_rates.iter().enumerate() {
        if r.rate <= Decimal::ZERO {
            return Err(Error::input(
                format!("exchange_rates[{i}].rate"),
                format!("{} must be greater than zero", r.rate),
            ));
        }
    }
    for (i, l) in req.lines.iter().enumerate() {
        if l.quantity <= Decimal::ZERO {
            return Err(Error::input(
                field(i, "quantity"),
                format!("{} must be greater than zero", l.quantity),
            ));
        }
        if negative(l.unit_price) {
            return Err(Error::input(
                field(i, "unit_price"),
                format!("{} is negative; give zero or more", l.unit_price),
            ));
        }
        let check = |name: &str, v: Option<Decimal>| match v.filter(|v| negative(*v)) {
            Some(v) => Err(Error::input(
                field(i, name),
                format!("{v} is negative; give zero or more"),
            )),
            None => Ok(()),
        };
        check("weight_kg", l.weight_kg)?;
        check("duty_rate", l.duty_rate)?;
        check("tax_rate", l.tax_rate)?;
    }
    Ok(())
}

/// The customs territory of a country on a date.
fn territory_of(tables: &RateTables, country: CountryCode, date: NaiveDate) -> Territory {
    tables
        .customs
        .territories
        .values()
        .filter_map(|s| s.at(date).ok())
        .find(|row| row.value.members.contains(&country))
        .map_or_else(|| Territory::of_country(country), |row| row.value.code)
}

/// A VAT row found for a category, kept for the other lines of the quote.
#[derive(Clone, Copy)]
struct VatHit<'t> {
    row: &'t Dated<VatValue>,
    region: Option<RegionCode>,
}

struct VatCache<'t> {
    entries: Few<(&'t TaxCategory, VatHit<'t>), 4>,
    /// The last category asked for (lines usually share one).
    last: Option<(&'t TaxCategory, VatHit<'t>)>,
}

impl<'t> VatCache<'t> {
    fn get(
        &mut self,
        tables: &'t RateTables,
        req: &QuoteRequest,
        category: &'t TaxCategory,
    ) -> Result<VatHit<'t>, Error> {
        if let Some((c, r)) = self.last
            && core::ptr::eq(c, category)
        {
            return Ok(r);
        }
        let hit = match self
            .entries
            .iter()
            .find(|(c, _)| core::ptr::eq(*c, category) || *c == category)
        {
            Some((_, r)) => r,
            None => {
                let (row, region) =
                    tables.vat_dated(req.destination, req.region, category, req.date)?;
                let hit = VatHit { row, region };
                self.entries.push((category, hit));
                hit
            }
        };
        self.last = Some((category, hit));
        Ok(hit)
    }
}

/// `vat DE standard@2021-01-01` or `vat CA-ON standard@…`.
fn vat_rule(req: &QuoteRequest, hit: VatHit<'_>, category: &TaxCategory) -> ChargeText {
    Note::three(
        "vat {} {}@{}",
        Arg::Place(req.destination, hit.region),
        Arg::Category(category.clone()),
        Arg::Date(hit.row.period.from),
    )
}

/// `12%`.
fn percent(p: Decimal) -> ChargeText {
    Note::one("{}%", Arg::Percent(p))
}

/// Computes a landed-cost quote. See the crate documentation for the cascade.
///
/// # Errors
/// [`Error::InvalidInput`] naming the field for bad input; [`Error::MissingExchangeRate`];
/// [`Error::UnknownSeries`] / [`Error::NoRateInForce`] when the data has no row for what the
/// quote needs (a tariff line, the destination's regime on the date); arithmetic errors.
#[allow(
    clippy::too_many_lines,
    reason = "the cascade reads best as one sequence of numbered steps"
)]
pub fn quote(tables: &RateTables, req: &QuoteRequest) -> Result<Quote, Error> {
    check_request(req)?;
    let date = req.date;
    let first = req
        .lines
        .first()
        .ok_or_else(|| Error::input("lines", "is empty; give at least one line"))?;
    let ship_from = req.ship_from.unwrap_or(first.origin);
    let territory = territory_of(tables, req.destination, date);
    if territory_of(tables, ship_from, date) == territory {
        return Err(Error::input(
            "ship_from",
            format!(
                "{ship_from} is inside the {territory} customs territory of {}; a shipment from there is not an import",
                req.destination
            ),
        ));
    }
    let customs = &tables.customs;
    let regime_row = row_at(
        customs.regimes.get(&territory),
        "regime",
        || format!("{territory} (destination {})", req.destination),
        date,
    )?;
    let regime = &regime_row.value;
    let currency = row_at(
        customs.country_currencies.get(&req.destination),
        "country_currency",
        || req.destination.to_string(),
        date,
    )?
    .value
    .currency;
    let minor = currency.minor_unit_scale()?;
    let rates = &req.exchange_rates;
    let to_dest = conv(rates, req.currency, currency)?;
    let mut warnings: Vec<String> = Vec::new();
    // The rounding rules in force, one per target, found in one pass.
    let (mut duty_base_rule, mut duty_rule, mut fee_rule, mut tax_rule, mut tax_base_rule) =
        (None, None, None, None, None);
    for row in customs.roundings.in_force(territory, date) {
        let r = &row.value;
        *match r.target {
            RoundingTarget::DutyBase => &mut duty_base_rule,
            RoundingTarget::Duty => &mut duty_rule,
            RoundingTarget::Fee => &mut fee_rule,
            RoundingTarget::Tax => &mut tax_rule,
            RoundingTarget::TaxBase => &mut tax_base_rule,
        } = Some(r);
    }
    let lane = Lane {
        scale: [duty_base_rule, duty_rule, fee_rule, tax_rule, tax_base_rule]
            .into_iter()
            .map(|r| rule_scale(r, minor))
            .max()
            .unwrap_or(minor),
        minor,
    };
    let cif = regime.valuation == Valuation::Cif;

    // 1-2. Currency and valuation.
    let shipping_c = req.shipping.unwrap_or_default();
    let insurance_c = req.insurance.unwrap_or_default();
    let shipping = lane.round(to_dest.apply(shipping_c)?, None)?;
    let insurance = lane.round(to_dest.apply(insurance_c)?, None)?;
    let mut intrinsic_x = Exact { m: 0, scale: 0 };
    let mut lines: Vec<Line<'_, '_>> = Vec::with_capacity(req.lines.len());
    for l in &req.lines {
        let value = Exact::mul(l.quantity, l.unit_price)?;
        // The first line starts the sums (the same value and scale as adding it to zero).
        intrinsic_x = if lines.is_empty() {
            value
        } else {
            intrinsic_x.add(value)?
        };
        let goods = match to_dest {
            Conv::Identity => lane.round_exact(value, None)?,
            _ => lane.round(to_dest.apply(value.dec()?)?, None)?,
        };
        lines.push(Line {
            req: l,
            goods,
            shipping: 0,
            insurance: 0,
            customs_value: goods,
            duty: 0,
            tax: 0,
            taxable_fees: 0,
            no_duty: false,
            no_tax: false,
            reverse_charge: false,
            checkout: None,
            flat: None,
            preferential: false,
        });
    }
    // Shipping and insurance are spread by goods value: the weights are read once.
    let mut goods_weights = [0u64; 16];
    let small = lines.len() <= goods_weights.len()
        && lines
            .iter()
            .zip(goods_weights.iter_mut())
            .all(|(l, w)| u64::try_from(l.goods).map(|g| *w = g).is_ok());
    for (amount, is_shipping) in [(shipping, true), (insurance, false)] {
        if amount == 0 {
            continue;
        }
        let mut shares = [0i64; 16];
        let weights: &[Line<'_, '_>] = &lines;
        let mut many = Vec::new();
        let out: &mut [i64] = match shares.get_mut(..lines.len()) {
            Some(s) => s,
            None => {
                many.resize(lines.len(), 0);
                &mut many
            }
        };
        let done = match goods_weights.get(..lines.len()).filter(|_| small) {
            Some(w) => lane.split_small(amount, minor, w, out)?,
            None => false,
        };
        if !done {
            lane.split(
                amount,
                minor,
                weights.len(),
                |i| {
                    weights
                        .get(i)
                        .map_or((0, 0), |l| (i128::from(l.goods), lane.scale))
                },
                |i, share| {
                    if let Some(o) = out.get_mut(i) {
                        *o = share;
                    }
                    Ok(())
                },
            )?;
        }
        for (line, share) in lines.iter_mut().zip(out.iter()) {
            if is_shipping {
                line.shipping = *share;
            } else {
                line.insurance = *share;
            }
            if cif {
                line.customs_value = line
                    .customs_value
                    .checked_add(*share)
                    .ok_or_else(|| Error::overflow(OP))?;
            }
        }
    }
    let intrinsic_c = intrinsic_x.dec()?;
    let sale_c = intrinsic_x
        .add(Exact::of(shipping_c))?
        .add(Exact::of(insurance_c))?
        .dec()?;
    let facts = Facts {
        req,
        ship_from,
        transport: req.transport.unwrap_or_default(),
        buyer: req.buyer.unwrap_or_default(),
        registered_business: req.buyer == Some(Buyer::Business)
            && req
                .buyer_tax_id
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()),
        intrinsic: intrinsic_c,
        customs_value: if cif { sale_c } else { intrinsic_c },
        sale_price: sale_c,
    };

    // 3. Rules: thresholds and their effects.
    let mut regime_id = Arc::clone(&regime.id);
    let mut best: Option<i32> = None;
    let mut no_fees = false;
    for row in customs.rules.in_force(territory, date) {
        let rule = &row.value;
        if !facts.holds(&rule.conditions)? {
            continue;
        }
        if let Some(id) = &rule.regime
            && best.is_none_or(|b| rule.priority > b)
        {
            best = Some(rule.priority);
            regime_id = Arc::clone(id);
        }
        no_fees |= rule.effects.contains(&Effect::NoFees);
        if let Some(w) = &rule.warning {
            warnings.push(labelled(&rule.name, w));
        }
        if let Some(reg) = &rule.expects_registration
            && !facts.registered(reg)
        {
            warnings.push(format!(
                "{}: seller_registrations lacks {reg}; the seller is expected to hold it to collect this tax",
                rule.name
            ));
        }
        for line in &mut lines {
            if rule
                .exclude_hs
                .iter()
                .any(|p| hs_starts_with(&line.req.hs_code, p))
            {
                continue;
            }
            for e in &rule.effects {
                match e {
                    Effect::NoDuty => line.no_duty = true,
                    Effect::NoTax => line.no_tax = true,
                    Effect::TaxAtCheckout => line.checkout = Some(rule),
                    Effect::ReverseCharge => line.reverse_charge = true,
                    Effect::FlatDuty => {
                        if let Some((amount, cur)) = rule.flat_duty {
                            let a = conv(rates, cur, currency)?.apply(amount)?;
                            line.flat = Some((row, a));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    // 4. Duty per line.
    // The agreements in force, looked up once for all lines.
    let mut preferences: Few<&Dated<crate::data::Preference>, 4> = Few::new();
    for p in customs.preferences.in_force(territory, date) {
        preferences.push(p);
    }
    let mut last_tariff: Option<(HsCode, &Dated<TariffRate>)> = None;
    let mut extra_hs: Option<HsCode> = None;
    let mut extra_rows: Few<&Dated<crate::data::AdditionalDuty>, 8> = Few::new();
    // A charge is a few hundred bytes: lists are sized exactly (duty and one tax to start),
    // which keeps their blocks small enough for the allocator's fast path.
    let mut charges: Vec<Charge> = Vec::with_capacity(2);
    let mut step = Step::new(&charges);
    let duty_name: &Arc<str> = &DUTY_NAME;
    let request_source: &Arc<str> = &REQUEST_SOURCE;
    // Values of the lines under each distinct 6-digit subheading with a flat duty, so that
    // each subheading's flat amount is spread over its lines by value.
    let mut flat_subs: Vec<(HsCode, i64)> = Vec::new();
    for line in lines.iter().filter(|l| l.flat.is_some() && !l.no_duty) {
        let sub = line.req.hs_code.subheading().unwrap_or(line.req.hs_code);
        match flat_subs.iter_mut().find(|(h, _)| *h == sub) {
            Some((_, v)) => {
                *v = v
                    .checked_add(line.goods)
                    .ok_or_else(|| Error::overflow(OP))?
            }
            None => flat_subs.push((sub, line.goods)),
        }
    }
    if lines
        .iter()
        .any(|l| l.flat.is_some() && l.req.hs_code.len() < 6)
    {
        warnings.push(
            "a line's hs_code has fewer than 6 digits; the flat duty counts it as its own tariff subheading"
                .to_owned(),
        );
    }
    for (i, line) in lines.iter_mut().enumerate() {
        if line.no_duty {
            continue;
        }
        let l = line.req;
        let mut cv = line.customs_value;
        if let Some(r) = duty_base_rule {
            cv = lane.round(lane.dec(cv), Some(r))?;
        }
        if let Some((row, amount)) = line.flat {
            // One flat amount per distinct 6-digit subheading, spread over its lines by value.
            let sub = l.hs_code.subheading().unwrap_or(l.hs_code);
            let group = flat_subs
                .iter()
                .find(|(h, _)| *h == sub)
                .map_or(0, |(_, v)| *v);
            let count = lines_with_sub(&req.lines, &sub);
            let share = if group == 0 {
                div(amount, count)?
            } else {
                div(mul(amount, lane.dec(line.goods))?, lane.dec(group))?
            };
            let (cur_amount, cur) = row.value.flat_duty.unwrap_or((Decimal::ZERO, currency));
            step.push(
                &mut charges,
                id_of(row),
                ChargeKind::Duty,
                &row.value.name,
                None,
                || {
                    Note::two(
                        "{} {} per tariff subheading",
                        Arg::Amount(cur_amount),
                        Arg::Currency(cur),
                    )
                },
                || {
                    Note::two(
                        "rule {}@{}",
                        Arg::Shared(Arc::clone(&row.value.name)),
                        Arg::Date(row.period.from),
                    )
                },
                &row.source,
                CollectedAt::Border,
                (i, cv, Exact::of(share)),
            );
            continue;
        }
        let claim = l.claim_preference != Some(false);
        let mut preferential_rate: Option<(Decimal, &Dated<crate::data::Preference>)> = None;
        if claim && !preferences.is_empty() {
            for p in preferences.iter() {
                let pref = &p.value;
                if pref.partners.contains(&l.origin)
                    && !pref
                        .exclude_hs
                        .iter()
                        .any(|x| hs_starts_with(&l.hs_code, x))
                    && preferential_rate.is_none_or(|(r, _)| pref.rate_percent < r)
                {
                    preferential_rate = Some((pref.rate_percent, p));
                }
            }
        }
        if let Some(rate) = l.duty_rate {
            step.push(
                &mut charges,
                ID_DUTY_RATE,
                ChargeKind::Duty,
                duty_name,
                Some(rate),
                || percent(rate),
                || Note::text("request duty_rate"),
                request_source,
                CollectedAt::Border,
                (i, cv, lane.percent_of(cv, rate)?),
            );
        } else {
            // Lines often repeat a code: the previous line's row is reused.
            let row = match last_tariff {
                Some((hs, row)) if hs == l.hs_code => Ok(row),
                _ => tables.tariff_row(territory, &l.hs_code, date),
            };
            if let Ok(row) = row {
                last_tariff = Some((l.hs_code, row));
            }
            let mfn = match row {
                Ok(found) => {
                    let t = &found.value;
                    let amount = match t.rate_percent {
                        Some(p) if t.specific.is_none() && t.min.is_none() && t.max.is_none() => {
                            lane.percent_of(cv, p)?
                        }
                        _ => Exact::of(mfn_duty(t, l, i, lane.dec(cv), rates, currency)?),
                    };
                    Some((amount, found))
                }
                // No MFN row, but the origin qualifies for a preference: its rate applies.
                Err(Error::UnknownSeries { .. }) if preferential_rate.is_some() => None,
                Err(Error::UnknownSeries { .. }) => {
                    return Err(Error::input(
                        field(i, "hs_code"),
                        format!(
                            "no tariff row for {} in {territory}; check the code or give duty_rate for this line",
                            l.hs_code
                        ),
                    ));
                }
                Err(e) => return Err(e),
            };
            let pref = match preferential_rate {
                Some((r, p)) => Some((lane.percent_of(cv, r)?, r, p)),
                None => None,
            };
            match (pref, mfn) {
                (Some((amount, r, p)), m) if m.as_ref().is_none_or(|(ma, _)| amount.le(*ma)) => {
                    line.preferential = true;
                    let scheme = &p.value.scheme;
                    step.push(
                        &mut charges,
                        id_of(p),
                        ChargeKind::Duty,
                        duty_name,
                        Some(r),
                        || {
                            Note::two(
                                "{}% preferential ({})",
                                Arg::Percent(r),
                                Arg::Shared(Arc::clone(scheme)),
                            )
                        },
                        || {
                            Note::three(
                                "preference {} {}@{}",
                                Arg::Territory(territory),
                                Arg::Shared(Arc::clone(scheme)),
                                Arg::Date(p.period.from),
                            )
                        },
                        &p.source,
                        CollectedAt::Border,
                        (i, cv, amount),
                    );
                }
                (_, Some((amount, found))) => {
                    let t = &found.value;
                    let simple = t.specific.is_none() && t.min.is_none() && t.max.is_none();
                    step.push(
                        &mut charges,
                        id_of(found),
                        ChargeKind::Duty,
                        duty_name,
                        if simple { t.rate_percent } else { None },
                        || match t.rate_percent {
                            Some(p) if simple => percent(p),
                            _ => Note::owned(t.describe()),
                        },
                        || {
                            Note::three(
                                "tariff {} {}@{}",
                                Arg::Territory(territory),
                                Arg::Hs(t.hs),
                                Arg::Date(found.period.from),
                            )
                        },
                        &found.source,
                        CollectedAt::Border,
                        (i, cv, amount),
                    );
                }
                _ => {}
            }
        }
        // Additional duties by origin, with their stacking rule: of a `highest_in_group`
        // group only the highest rate applies (the first name on a tie).
        let preferential = line.preferential;
        // The rows in force for the code, kept for the next line with the same code.
        if extra_hs != Some(l.hs_code) {
            extra_rows.clear();
            tables
                .tariffs
                .additional_for(territory, &l.hs_code, date, |row| extra_rows.push(row));
            extra_hs = Some(l.hs_code);
        }
        if extra_rows.is_empty() {
            continue;
        }
        let mut extra: Few<&Dated<crate::data::AdditionalDuty>, 8> = Few::new();
        for row in extra_rows
            .iter()
            .filter(|row| row.value.covers(&l.hs_code, l.origin, preferential))
        {
            extra.push(row);
        }
        let all = || extra.iter();
        for row in all() {
            let d = &row.value;
            if d.stacking == Stacking::HighestInGroup
                && all().any(|o| {
                    o.value.group == d.group
                        && (o.value.rate_percent > d.rate_percent
                            || (o.value.rate_percent == d.rate_percent && o.value.name < d.name))
                })
            {
                continue;
            }
            step.push(
                &mut charges,
                id_of(row),
                ChargeKind::Duty,
                &d.name,
                Some(d.rate_percent),
                || percent(d.rate_percent),
                || match d.hs {
                    Some(hs) => Note::four(
                        "additional_duty {} {} {}@{}",
                        Arg::Territory(territory),
                        Arg::Shared(Arc::clone(&d.name)),
                        Arg::Hs(hs),
                        Arg::Date(row.period.from),
                    ),
                    None => Note::three(
                        "additional_duty {} {}@{}",
                        Arg::Territory(territory),
                        Arg::Shared(Arc::clone(&d.name)),
                        Arg::Date(row.period.from),
                    ),
                },
                &row.source,
                CollectedAt::Border,
                (i, cv, lane.percent_of(cv, d.rate_percent)?),
            );
        }
    }
    step.close(&mut charges, lane, duty_rule, |i, a| {
        if let Some(line) = lines.get_mut(i) {
            line.duty = line
                .duty
                .checked_add(a)
                .ok_or_else(|| Error::overflow(OP))?;
        }
        Ok(())
    })?;

    // 5. Fees: government fees from the data, then the request's. They are listed after the
    // taxes, but computed first: taxable ones enter the tax base.
    let mut fee_charges: Vec<Charge> = Vec::new();
    let mut taxable: Vec<bool> = Vec::new();
    if !no_fees {
        for row in customs.fees.in_force(territory, date) {
            let fee: &Fee = &row.value;
            if !facts.holds(&fee.conditions)? {
                continue;
            }
            let lines_in: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| !(fee.exempt_preferential && l.preferential))
                .map(|(i, _)| i)
                .collect();
            if lines_in.is_empty() {
                continue;
            }
            let to = conv(rates, fee.currency, currency)?;
            let mut base: i64 = 0;
            for l in lines_in.iter().filter_map(|i| lines.get(*i)) {
                base = base
                    .checked_add(l.customs_value)
                    .ok_or_else(|| Error::overflow(OP))?;
            }
            let (rate, amount, text) = match fee.kind {
                FeeKind::AdValorem => {
                    let p = fee.rate_percent.unwrap_or_default();
                    let computed = lane.percent_of(base, p)?.dec()?;
                    let mut a = computed;
                    let mut text = format!("{}%", p.normalize());
                    if let Some(m) = fee.min_amount {
                        a = a.max(to.apply(m)?);
                        text.push_str(&format!(" min {m} {}", fee.currency));
                    }
                    if let Some(m) = fee.max_amount {
                        a = a.min(to.apply(m)?);
                        text.push_str(&format!(" max {m} {}", fee.currency));
                    }
                    let which = if a > computed {
                        "minimum"
                    } else if a < computed {
                        "maximum"
                    } else {
                        ""
                    };
                    if !which.is_empty() {
                        text.push_str(&format!(
                            "; {which} applied ({}% gives {})",
                            p.normalize(),
                            computed.normalize()
                        ));
                    }
                    (Some(p), a, Note::owned(text))
                }
                _ => {
                    let a = fee.amount.unwrap_or_default();
                    (
                        None,
                        to.apply(a)?,
                        Note::two(
                            "{} {} per entry",
                            Arg::Amount(a),
                            Arg::Currency(fee.currency),
                        ),
                    )
                }
            };
            if let Some(w) = &fee.warning {
                warnings.push(labelled(&fee.name, w));
            }
            fee_charges.reserve_exact(1);
            fee_charges.push(Charge {
                kind: ChargeKind::Fee,
                name: Arc::clone(&fee.label),
                base: rate.map(|_| lane.dec(base)),
                rate: rate.map(|r| r.normalize()),
                rate_text: text,
                amount: lane.dec(lane.round(amount, fee_rule)?),
                unrounded: amount.normalize(),
                rule: Note::three(
                    "fee {} {}@{}",
                    Arg::Territory(territory),
                    Arg::Shared(Arc::clone(&fee.name)),
                    Arg::Date(row.period.from),
                ),
                source: Arc::clone(&row.source),
                collected_at: CollectedAt::Border,
                lines: lines_in,
            });
            taxable.push(fee.taxable);
        }
    }
    for (k, f) in req.extra_fees.iter().enumerate() {
        let from = f.currency.unwrap_or(req.currency);
        let amount = lane.dec(lane.round(conv(rates, from, currency)?.apply(f.amount)?, None)?);
        fee_charges.reserve_exact(1);
        fee_charges.push(Charge {
            kind: ChargeKind::Fee,
            name: Arc::from(f.name.as_str()),
            base: None,
            rate: None,
            rate_text: Note::two("{} {}", Arg::Amount(f.amount), Arg::Currency(from)),
            amount,
            unrounded: amount.normalize(),
            rule: Note::one("extra_fees[{}]", Arg::Count(k)),
            source: Arc::clone(request_source),
            collected_at: CollectedAt::Border,
            lines: (0..lines.len()).collect(),
        });
        taxable.push(f.taxable);
    }
    for (c, _) in fee_charges
        .iter()
        .zip(&taxable)
        .filter(|(c, t)| **t && !c.amount.is_zero())
    {
        let on = &c.lines;
        let weights: Vec<i64> = on
            .iter()
            .map(|i| lines.get(*i).map_or(0, |l| l.customs_value))
            .collect();
        lane.split(
            lane.units(c.amount)?,
            minor,
            on.len(),
            |k| {
                weights
                    .get(k)
                    .map_or((0, 0), |w| (i128::from(*w), lane.scale))
            },
            |k, share| {
                if let Some(line) = on.get(k).and_then(|i| lines.get_mut(*i)) {
                    line.taxable_fees = line
                        .taxable_fees
                        .checked_add(share)
                        .ok_or_else(|| Error::overflow(OP))?;
                }
                Ok(())
            },
        )?;
    }

    // 6. Import taxes (border) and taxes at checkout.
    let mut vat = VatCache {
        entries: Few::new(),
        last: None,
    };
    let standard: &TaxCategory = &STANDARD;
    let mut taxes: Few<&Dated<ImportTax>, 4> = Few::new();
    for t in customs.import_taxes.in_force(territory, date) {
        taxes.push(t);
    }
    taxes.sort_by(|a, b| (a.value.order, &a.value.name).cmp(&(b.value.order, &b.value.name)));
    let needs_vat = lines.iter().any(|l| l.checkout.is_some())
        || taxes
            .iter()
            .any(|t| matches!(t.value.rate, TaxRateSource::VatTable { .. }));
    if needs_vat
        && req.region.is_none()
        && tables.vat.has_regions(req.destination)
        && lines.iter().any(|l| l.tax_rate_needed())
    {
        return Err(Error::input(
            "region",
            format!(
                "required for {}: the tax rate differs by region; give the subdivision code, e.g. \"ON\"",
                req.destination
            ),
        ));
    }
    // Each import tax's line shares, kept only when a later base names a tax.
    let names_a_tax = |terms: &[BaseTerm]| terms.iter().any(|t| matches!(t, BaseTerm::Tax(_)));
    let keep_values = taxes.iter().any(|t| names_a_tax(&t.value.base))
        || lines.iter().any(|l| {
            l.checkout
                .is_some_and(|r| names_a_tax(&r.checkout_tax_base))
        });
    let mut tax_index: Vec<(&Arc<str>, usize)> = Vec::new();
    let mut tax_values: Vec<i64> = Vec::new();
    for row in taxes.iter() {
        let tax = &row.value;
        let terms = line_terms(&tax.base);
        step.restart(&charges);
        for (i, line) in lines.iter().enumerate() {
            if line.no_tax || line.reverse_charge || line.checkout.is_some() {
                continue;
            }
            let category = line.req.tax_category.as_ref().unwrap_or(standard);
            let (id, rate, vat_hit) = match (&tax.rate, line.req.tax_rate) {
                (TaxRateSource::VatTable { component: None }, Some(r)) => (ID_TAX_RATE, r, None),
                (TaxRateSource::VatTable { component: Some(c) }, Some(_)) => {
                    return Err(Error::input(
                        field(i, "tax_rate"),
                        format!(
                            "{territory} levies the tax in parts ({c} …); omit tax_rate and use tax_category"
                        ),
                    ));
                }
                (TaxRateSource::VatTable { component }, None) => {
                    let hit = vat.get(tables, req, category)?;
                    let v = &hit.row.value;
                    let rate = match component {
                        None => v.rate.value(),
                        Some(c) => v
                            .components
                            .iter()
                            .find(|x| x.name == *c)
                            .map(|x| x.rate.value())
                            .ok_or_else(|| Error::UnknownSeries {
                                table: "vat component",
                                key: format!("{} {category} {c}", req.destination),
                            })?,
                    };
                    (id_of(hit.row), rate, Some(hit))
                }
                (TaxRateSource::Fixed(p), _) => (id_of(row), *p, None),
            };
            let source = match (vat_hit, &tax.rate) {
                (Some(hit), _) => &hit.row.source,
                (None, TaxRateSource::Fixed(_)) => &row.source,
                (None, _) => request_source,
            };
            let rule_text = || match (vat_hit, &tax.rate) {
                (Some(hit), _) => vat_rule(req, hit, category),
                (None, TaxRateSource::Fixed(_)) => Note::three(
                    "import_tax {} {}@{}",
                    Arg::Territory(territory),
                    Arg::Shared(Arc::clone(&tax.name)),
                    Arg::Date(row.period.from),
                ),
                (None, _) => Note::text("request tax_rate"),
            };
            let mut base = match terms {
                Some(mask) => masked_base(line, mask)?,
                None => base_of(line, &tax.base, &tax_index, &tax_values, i)?,
            };
            if let Some(r) = tax_base_rule {
                base = lane.round(lane.dec(base), Some(r))?;
            }
            let mut amount = lane.percent_of(base, rate)?;
            if tax.gross_up {
                // Multiplying by 0.01 is exact and cheaper than dividing by 100.
                let t = mul(rate, Decimal::new(1, 2))?;
                amount = Exact::of(div(amount.dec()?, sub(Decimal::ONE, t)?)?);
            }
            if tax.factor_percent != Decimal::ONE_HUNDRED {
                amount = Exact::of(percent_of(amount.dec()?, tax.factor_percent)?);
            }
            step.push(
                &mut charges,
                id,
                ChargeKind::Tax,
                &tax.label,
                Some(rate),
                || percent(rate),
                rule_text,
                source,
                CollectedAt::Border,
                (i, base, amount),
            );
        }
        let start = tax_values.len();
        if keep_values {
            tax_values.resize(start.saturating_add(lines.len()), 0);
            tax_index.push((&tax.name, start));
        }
        step.close(&mut charges, lane, tax_rule, |i, a| {
            if let Some(line) = lines.get_mut(i) {
                line.tax = line.tax.checked_add(a).ok_or_else(|| Error::overflow(OP))?;
            }
            if let Some(v) = tax_values
                .get_mut(start.saturating_add(i))
                .filter(|_| keep_values)
            {
                *v = v.checked_add(a).ok_or_else(|| Error::overflow(OP))?;
            }
            Ok(())
        })?;
    }
    // Taxes at checkout.
    if lines.iter().any(|l| l.checkout.is_some()) {
        // Named after the territory's first import tax.
        let checkout_name: Arc<str> = taxes.first().map_or_else(
            || Arc::clone(&NO_TAX_AT_CHECKOUT),
            |t| Arc::clone(&t.value.checkout_label),
        );
        step.restart(&charges);
        for (i, line) in lines.iter().enumerate() {
            let Some(rule) = line.checkout else { continue };
            let category = line.req.tax_category.as_ref().unwrap_or(standard);
            let (id, rate, hit) = match line.req.tax_rate {
                Some(r) => (ID_TAX_RATE, r, None),
                None => {
                    let hit = vat.get(tables, req, category)?;
                    (id_of(hit.row), hit.row.value.rate.value(), Some(hit))
                }
            };
            let source = hit.map_or(request_source, |h| &h.row.source);
            let rule_text = || match hit {
                Some(h) => Note::four(
                    "rule {} with vat {} {}@{}",
                    Arg::Shared(Arc::clone(&rule.name)),
                    Arg::Place(req.destination, h.region),
                    Arg::Category(category.clone()),
                    Arg::Date(h.row.period.from),
                ),
                None => Note::one(
                    "rule {} with request tax_rate",
                    Arg::Shared(Arc::clone(&rule.name)),
                ),
            };
            let base = base_of(line, &rule.checkout_tax_base, &tax_index, &tax_values, i)?;
            step.push(
                &mut charges,
                id,
                ChargeKind::Tax,
                &checkout_name,
                Some(rate),
                || percent(rate),
                rule_text,
                source,
                CollectedAt::Checkout,
                (i, base, lane.percent_of(base, rate)?),
            );
        }
        step.close(&mut charges, lane, tax_rule, |i, a| {
            if let Some(line) = lines.get_mut(i) {
                line.tax = line.tax.checked_add(a).ok_or_else(|| Error::overflow(OP))?;
            }
            Ok(())
        })?;
    }
    if lines.iter().any(|l| l.reverse_charge) {
        warnings.push(
            "reverse charge: no tax is charged; the business buyer accounts for it with its tax id"
                .to_owned(),
        );
    }
    charges.reserve_exact(fee_charges.len());
    charges.append(&mut fee_charges);

    // 7. Totals.
    let (mut duty, mut tax, mut fees, mut at_checkout, mut border) = (0i64, 0i64, 0i64, 0i64, 0i64);
    let total = |sum: &mut i64, v: i64| -> Result<(), Error> {
        *sum = sum.checked_add(v).ok_or_else(|| Error::overflow(OP))?;
        Ok(())
    };
    for c in &charges {
        let a = lane.units(c.amount)?;
        match c.kind {
            ChargeKind::Duty => total(&mut duty, a)?,
            ChargeKind::Tax => total(&mut tax, a)?,
            ChargeKind::Fee => total(&mut fees, a)?,
        }
        match c.collected_at {
            CollectedAt::Checkout => total(&mut at_checkout, a)?,
            _ => total(&mut border, a)?,
        }
    }
    let mut total_charges = duty;
    total(&mut total_charges, tax)?;
    total(&mut total_charges, fees)?;
    let mut intrinsic: i64 = 0;
    let mut customs_value: i64 = 0;
    for l in &lines {
        total(&mut intrinsic, l.goods)?;
        total(&mut customs_value, l.customs_value)?;
    }
    let mut landed_total = intrinsic;
    for v in [shipping, insurance, total_charges] {
        total(&mut landed_total, v)?;
    }
    let incoterm = req.incoterm.unwrap_or_default();
    let (due_at_checkout, due_on_delivery) = match incoterm {
        Incoterm::Ddp => (total_charges, 0),
        Incoterm::Dap => (at_checkout, border),
    };
    if incoterm == Incoterm::Dap && border != 0 {
        warnings.push(format!(
            "DAP: the buyer pays {} {currency} of border charges on delivery (plus any carrier disbursement fee); this is an estimate",
            lane.dec(border)
        ));
    }
    if lines.iter().any(|l| l.preferential) {
        warnings.push(
            "preferential rate applied: the goods must meet the agreement's rules of origin and the importer must hold proof of origin; set claim_preference: false otherwise"
                .to_owned(),
        );
    }
    let collected_at = if at_checkout != 0 || lines.iter().any(|l| l.checkout.is_some()) {
        CollectedAt::Checkout
    } else if total_charges != 0 {
        CollectedAt::Border
    } else {
        CollectedAt::None
    };
    let line_quotes = lines
        .iter()
        .map(|l| LineQuote {
            hs_code: l.req.hs_code,
            goods_value: lane.dec(l.goods),
            customs_value: lane.dec(l.customs_value),
            shipping: lane.dec(l.shipping),
            insurance: lane.dec(l.insurance),
            duty: lane.dec(l.duty),
            tax: lane.dec(l.tax),
        })
        .collect();
    Ok(Quote {
        currency,
        regime: regime_id,
        collected_at,
        incoterm,
        date,
        destination: req.destination,
        territory,
        intrinsic_value: lane.dec(intrinsic),
        customs_value: lane.dec(customs_value),
        shipping: lane.dec(shipping),
        insurance: lane.dec(insurance),
        duty: lane.dec(duty),
        tax: lane.dec(tax),
        fees: lane.dec(fees),
        total_charges: lane.dec(total_charges),
        landed_total: lane.dec(landed_total),
        due_at_checkout: lane.dec(due_at_checkout),
        due_on_delivery: lane.dec(due_on_delivery),
        lines: line_quotes,
        charges,
        warnings,
        data_version: tables.version().clone(),
    })
}

impl Line<'_, '_> {
    /// True when the line's tax comes from the VAT table (no override, and tax is due).
    fn tax_rate_needed(&self) -> bool {
        self.req.tax_rate.is_none() && !self.no_tax && !self.reverse_charge
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn part(m: i128, scale: u32) -> Part {
        Part {
            charge: 0,
            line: 0,
            base: 0,
            amount: Exact { m, scale },
        }
    }

    /// The integer normalisation gives what `Decimal::normalize` gives (zero, negative
    /// values, values beyond 64 bits).
    #[test]
    fn normalized_equals_decimal_normalize() {
        let big = i128::try_from(DECIMAL_MAX).unwrap();
        for (m, scale) in [
            (0i128, 0u32),
            (0, 5),
            (245_058, 3),
            (2_450_000, 4),
            (-1_200, 2),
            (16_500, 3),
            (10, 0),
            (big, 3),
            (big - 9, 28),
            (1_000_000_000_000_000_000_000_000, 20),
        ] {
            let e = Exact { m, scale };
            let want = e.dec().unwrap().normalize();
            let got = e.normalized().unwrap();
            assert_eq!(got, want, "{m}e-{scale}");
            assert_eq!(got.scale(), want.scale(), "{m}e-{scale}");
            assert_eq!(got.to_string(), want.to_string(), "{m}e-{scale}");
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
        ];
        for parts in cases {
            let ps: Vec<Part> = parts.iter().map(|(m, s)| part(*m, *s)).collect();
            let want = parts.iter().fold(Decimal::ZERO, |acc, (m, s)| {
                acc.checked_add(Decimal::from_i128_with_scale(*m, *s))
                    .unwrap()
            });
            let got = Exact::sum(&ps).unwrap().dec().unwrap();
            assert_eq!(got, want, "{parts:?}");
            assert_eq!(got.scale(), want.scale(), "{parts:?}");
        }
    }
}
