//! One import tax collected at the border, over the lines that owe it: its rate (fixed, the
//! VAT table's, one component of it, or the request's `tax_rate`), its declared base (rounded
//! first when a `tax_base` rounding row says so), a gross-up (`amount / (1 − rate)`) and a
//! factor where the row declares them.

use std::sync::{Arc, LazyLock};

use rust_decimal::Decimal;

use super::super::arith::{Exact, OP, div, mul, sub};
use super::super::cart::Line;
use super::super::cascade::Context;
use super::super::charges::{ID_TAX_RATE, Step, id_of, percent};
use super::super::check::field;
use super::super::duty::tariff::REQUEST_SOURCE;
use super::super::text::{Arg, ChargeText as Note, RateText};
use super::super::wire::{Charge, ChargeKind, CollectedAt};
use super::base::{Earlier, line_terms, masked_base};
use super::vat::{VatCache, VatHit, vat_rule};
use crate::codes::TaxCategory;
use crate::data::{Dated, ImportTax, TaxRateSource};
use crate::error::Error;

/// The category of a line without one.
pub(crate) static STANDARD: LazyLock<TaxCategory> = LazyLock::new(TaxCategory::standard);

/// Computes import tax `row` for every line that owes it at the border.
pub(crate) fn levy<'a>(
    ctx: &Context<'a>,
    row: &'a Dated<ImportTax>,
    lines: &mut [Line<'a>],
    vat: &mut VatCache<'a>,
    earlier: &mut Earlier<'a>,
    step: &mut Step,
    charges: &mut Vec<Charge>,
) -> Result<(), Error> {
    let (tax, lane) = (&row.value, ctx.lane);
    let terms = line_terms(&tax.base);
    // The shared names, dereferenced once for all lines.
    let (standard, request_source): (&'static TaxCategory, &'static Arc<str>) =
        (&STANDARD, &REQUEST_SOURCE);
    step.restart(charges);
    // Every part is `base × n / d` (see `Step::of_fraction`) unless a factor or a gross-up
    // changes it.
    let plain = tax.factor_percent == Decimal::ONE_HUNDRED
        && !tax.gross_up
        && lines.iter().all(|l| l.tax_factor.is_none());
    if let Some((n, d)) = fraction_of(&tax.rate).filter(|_| plain)
        && let (Ok(n), Ok(d)) = (u64::try_from(n), u64::try_from(d))
    {
        step.of_fraction(n, d);
    }
    // Sized once for every line when lines keep statutory amounts (CN: each line under the
    // tax factor), rather than grown push by push.
    let keeps = earlier.keep && lines.iter().any(|l| l.tax_factor.is_some());
    let mut statutory = Statutory(Vec::with_capacity(if keeps { lines.len() } else { 0 }));
    let mut last: Option<(&TaxCategory, LineRate<'a>)> = None;
    let base_rounding = ctx
        .roundings
        .tax_base
        .filter(|_| tax.round_base)
        .map(|r| lane.unit_rounding(r));
    for (i, line) in lines.iter().enumerate() {
        if line.no_tax || line.reverse_charge || line.checkout.is_some() {
            continue;
        }
        if matches!(tax.rate, TaxRateSource::LineExcise) && line.req.excise_rate.is_none() {
            continue;
        }
        let category = line.req.tax_category.as_ref().unwrap_or(standard);
        // A rate from the VAT table depends on the category only: the previous line's, when
        // it had the same one (lines usually do), spares the lookup and the component's
        // search by name.
        let (id, rate, vat_hit) = match last {
            Some((c, found)) if core::ptr::eq(c, category) && line.req.tax_rate.is_none() => found,
            _ => {
                let found = rate_of(ctx, row, i, line, category, vat)?;
                let by_table = matches!(tax.rate, TaxRateSource::VatTable { .. });
                last = (by_table && line.req.tax_rate.is_none()).then_some((category, found));
                found
            }
        };
        let source = match (vat_hit, &tax.rate) {
            (Some(hit), _) => &hit.row.source,
            (None, TaxRateSource::Fixed(_) | TaxRateSource::Fraction { .. }) => &row.source,
            (None, _) => request_source,
        };
        let rule_text = || match (vat_hit, &tax.rate) {
            (Some(hit), _) => vat_rule(ctx.req, hit, category),
            (None, TaxRateSource::Fixed(_) | TaxRateSource::Fraction { .. }) => Note::three(
                "import_tax {} {}@{}",
                Arg::Territory(ctx.territory),
                Arg::Shared(Arc::clone(&tax.name)),
                Arg::Date(row.period.from),
            ),
            (None, TaxRateSource::LineExcise) => Note::text("request excise_rate"),
            (None, _) => Note::text("request tax_rate"),
        };
        let mut base = match terms {
            Some(mask) => masked_base(line, mask)?,
            None => earlier.base_of(line, &tax.base, i)?,
        };
        if let Some(r) = base_rounding {
            base = r.round(base)?;
        }
        let fraction = fraction_of(&tax.rate);
        // A gross-up divides by 1 − t, a plain fraction rate by its denominator: once per
        // charge (`Step::divide`), the parts kept as their exact numerators. Multiplying by
        // 0.01 is exact and cheaper than dividing.
        let (mut amount, divisor) = match (fraction, tax.gross_up) {
            (Some((n, d)), false) if plain => (numerator(base, n, lane.scale)?, Some(d.into())),
            (Some((n, d)), gross_up) => (
                Exact::of(div(
                    mul(lane.dec(base), Decimal::from(n))?,
                    Decimal::from(d),
                )?),
                gross_up
                    .then(|| sub(Decimal::ONE, mul(rate, Decimal::new(1, 2))?))
                    .transpose()?,
            ),
            (None, gross_up) => (
                lane.percent_of(base, rate)?,
                gross_up
                    .then(|| sub(Decimal::ONE, mul(rate, Decimal::new(1, 2))?))
                    .transpose()?,
            ),
        };
        if tax.factor_percent != Decimal::ONE_HUNDRED {
            amount = amount.percent(tax.factor_percent)?;
        }
        let amount = factored(ctx, earlier, (i, line), amount, divisor, &mut statutory)?;
        let charge = step.push(
            charges,
            id,
            ChargeKind::Tax,
            &tax.label,
            fraction.is_none().then_some(rate),
            || match fraction {
                Some((n, d)) => RateText::two("{}/{}", Arg::Count(n), Arg::Count(d)),
                None => percent(rate),
            },
            rule_text,
            source,
            CollectedAt::Border,
            (i, base, amount),
        );
        if let Some(d) = divisor {
            step.divide(charge, d);
        }
    }
    let start = earlier.open(&tax.name, lines.len());
    let rounding = ctx.roundings.tax;
    step.close(charges, lane, rounding, |i, a| {
        if let Some(line) = lines.get_mut(i) {
            line.tax = line.tax.checked_add(a).ok_or_else(|| Error::overflow(OP))?;
        }
        earlier.add(start, i, a)
    })?;
    // A chaining rounding: a later tax on this one sees each line's amount rounded so, not
    // the line's share of the rounded charge.
    if let Some(rule) = rounding.filter(|r| r.chain.is_some())
        && earlier.keep
    {
        earlier.clear(start, lines.len());
        step.each_chained(lane, rule, |i, amount| earlier.add(start, i, amount))?;
    }
    // Lines under a tax factor keep their statutory amounts for later bases.
    statutory.into_earlier(earlier, start);
    Ok(())
}

/// The statutory amounts (before a rule's tax factor) of the lines under a factor, rounded
/// to the lane's unit, kept for later bases that name this tax: China's import VAT is due
/// on the statutory consumption tax, and only the amounts charged are reduced to 70 %.
struct Statutory(Vec<(usize, i64)>);

impl Statutory {
    /// Replaces the kept line amounts of the tax opened at `start` by the statutory ones.
    fn into_earlier(self, earlier: &mut Earlier<'_>, start: usize) {
        for (i, v) in self.0 {
            earlier.set(start, i, v);
        }
    }
}

/// A line's amount under its rule's tax factor (China CBEC: 70 %), its statutory amount
/// (the numerator divided by a gross-up's `divisor`) kept in `statutory` when later bases
/// name taxes.
#[inline]
fn factored(
    ctx: &Context<'_>,
    earlier: &Earlier<'_>,
    (i, line): (usize, &Line<'_>),
    amount: Exact,
    divisor: Option<Decimal>,
    statutory: &mut Statutory,
) -> Result<Exact, Error> {
    let Some(f) = line.tax_factor else {
        return Ok(amount);
    };
    if earlier.keep {
        let full = match divisor {
            Some(d) => ctx.lane.round(div(amount.dec()?, d)?, None)?,
            None => ctx.lane.round_exact(amount, None)?,
        };
        statutory.0.push((i, full));
    }
    amount.percent(f)
}

/// `base × n` lane units, exactly: a fraction rate's numerator, which the charge divides by
/// the denominator once (what `base × n / d` is before the division).
fn numerator(base: i64, n: usize, scale: u32) -> Result<Exact, Error> {
    i128::from(base)
        .checked_mul(i128::try_from(n).map_err(|_| Error::overflow(OP))?)
        .and_then(|m| Exact::new(m, scale))
        .ok_or_else(|| Error::overflow(OP))
}

/// The numerator and denominator of a fraction rate (`rate_fraction = "22/78"`).
fn fraction_of(rate: &TaxRateSource) -> Option<(usize, usize)> {
    match rate {
        TaxRateSource::Fraction {
            numerator,
            denominator,
        } => Some((
            usize::try_from(*numerator).ok()?,
            usize::try_from(*denominator).ok()?,
        )),
        _ => None,
    }
}

/// A line's rate of a tax: the charge identity, the rate and the VAT row it came from.
type LineRate<'a> = (usize, Decimal, Option<VatHit<'a>>);

/// The rate of tax `row` for line `i`: the charge identity, the rate and the VAT row it came
/// from (none for a fixed rate or the request's `tax_rate`). Inlined into the loop over the
/// lines, like the body it was split from.
#[inline]
fn rate_of<'a>(
    ctx: &Context<'a>,
    row: &'a Dated<ImportTax>,
    i: usize,
    line: &Line<'a>,
    category: &'a TaxCategory,
    vat: &mut VatCache<'a>,
) -> Result<LineRate<'a>, Error> {
    Ok(match (&row.value.rate, line.req.tax_rate) {
        (TaxRateSource::VatTable { component: None }, Some(r)) => (ID_TAX_RATE, r, None),
        (TaxRateSource::VatTable { component: Some(c) }, Some(_)) => {
            return Err(Error::input(
                field(i, "tax_rate"),
                format!(
                    "{} levies the tax in parts ({c} …); omit tax_rate and use tax_category",
                    ctx.territory
                ),
            ));
        }
        (TaxRateSource::VatTable { component }, None) => {
            let hit = vat.get(ctx.tables, ctx.req, category)?;
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
                        key: format!("{} {category} {c}", ctx.req.destination),
                    })?,
            };
            (id_of(hit.row), rate, Some(hit))
        }
        (TaxRateSource::Fixed(p), _) => (id_of(row), *p, None),
        (TaxRateSource::LineExcise, _) => {
            (id_of(row), line.req.excise_rate.unwrap_or_default(), None)
        }
        // The amount is the fraction of the base (see `fraction_of`); no percent rate.
        (TaxRateSource::Fraction { .. }, _) => (id_of(row), Decimal::ZERO, None),
    })
}
