//! A line's customs duty from the tariff: the request's `duty_rate` when given; else the
//! tariff row of the longest HS prefix in force (`data/tariff_*.toml`: ad valorem, specific per
//! unit or kg, minimum and maximum), or a preferential rate (`[[preference]]` rows: CUSMA,
//! UK-Australia …) when the origin qualifies, the line claims it and it is not higher.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::super::arith::{Exact, add, div, mul, percent_of};
use super::super::cart::Line;
use super::super::cascade::Context;
use super::super::charges::{ID_DUTY_RATE, Step, id_of, percent};
use super::super::check::field;
use super::super::currency::conv;
use super::super::few::Few;
use super::super::text::{Arg, ChargeText as Note, RateText};
use super::super::wire::{Charge, ChargeKind, CollectedAt, ExchangeRate, QuoteLine};
use crate::codes::{Currency, HsCode};
use crate::data::{Dated, Preference, Specific, SpecificPer, TariffRate, hs_starts_with};
use crate::error::Error;

/// Names shared by every quote (built once, cloned by reference count).
static DUTY_NAME: std::sync::LazyLock<Arc<str>> =
    std::sync::LazyLock::new(|| Arc::from("customs duty"));
pub(crate) static REQUEST_SOURCE: std::sync::LazyLock<Arc<str>> =
    std::sync::LazyLock::new(|| Arc::from("request"));

/// The preferences in force, looked up once for all lines, and the last line's tariff row
/// (lines often repeat a code).
pub(crate) struct Lookup<'a> {
    preferences: Few<&'a Dated<Preference>, 4>,
    last: Option<(HsCode, &'a Dated<TariffRate>)>,
    /// The shared names, dereferenced once for all lines.
    duty_name: &'static Arc<str>,
    request_source: &'static Arc<str>,
}

impl<'a> Lookup<'a> {
    /// The preferences of the territory in force on the quote's date.
    pub(crate) fn new(ctx: &Context<'a>) -> Self {
        let mut preferences = Few::new();
        for p in ctx
            .tables
            .customs
            .preferences
            .in_force(ctx.territory, ctx.date)
        {
            preferences.push(p);
        }
        Self {
            preferences,
            last: None,
            duty_name: &DUTY_NAME,
            request_source: &REQUEST_SOURCE,
        }
    }

    /// The lowest preferential rate the line's origin qualifies for, if it claims one.
    fn preference(&self, l: &QuoteLine) -> Option<(Decimal, &'a Dated<Preference>)> {
        if l.claim_preference == Some(false) || self.preferences.is_empty() {
            return None;
        }
        let mut best: Option<(Decimal, &'a Dated<Preference>)> = None;
        for p in self.preferences.iter() {
            let pref = &p.value;
            if pref.partners.contains(&l.origin)
                && !pref
                    .exclude_hs
                    .iter()
                    .any(|x| hs_starts_with(&l.hs_code, x))
                && best.is_none_or(|(r, _)| pref.rate_percent < r)
            {
                best = Some((pref.rate_percent, p));
            }
        }
        best
    }

    /// The MFN duty of line `i` from its tariff row; `None` when the code has no row but a
    /// preference applies; an error naming `hs_code` when it has neither.
    fn mfn(
        &mut self,
        ctx: &Context<'a>,
        i: usize,
        l: &QuoteLine,
        cv: i64,
        preferential: bool,
    ) -> Result<Option<(Exact, &'a Dated<TariffRate>)>, Error> {
        let row = match self.last {
            Some((hs, row)) if hs == l.hs_code => Ok(row),
            _ => ctx.tariffs.row(&l.hs_code, ctx.date),
        };
        match row {
            Ok(found) => {
                self.last = Some((l.hs_code, found));
                let t = &found.value;
                let lane = ctx.lane;
                let amount = match t.rate_percent {
                    Some(p) if t.is_ad_valorem_only() => lane.percent_of(cv, p)?,
                    _ => Exact::of(mfn_duty(
                        t,
                        l,
                        i,
                        lane.dec(cv),
                        &ctx.req.exchange_rates,
                        ctx.currency,
                    )?),
                };
                Ok(Some((amount, found)))
            }
            // No MFN row, but the origin qualifies for a preference: its rate applies.
            Err(Error::UnknownSeries { .. }) if preferential => Ok(None),
            Err(Error::UnknownSeries { .. }) => Err(Error::input(
                field(i, "hs_code"),
                format!(
                    "no tariff row for {} in {}; check the code or give duty_rate for this line",
                    l.hs_code, ctx.territory
                ),
            )),
            Err(e) => Err(e),
        }
    }

    /// Adds line `i`'s duty (request rate, preferential or MFN) to the duty charges; returns
    /// its amount (`None` when the line has none).
    // Inlined into the loop over the lines (a call per line costs more than its body
    // when the code has no row to add).
    #[inline]
    #[allow(
        clippy::too_many_arguments,
        reason = "the line and the step's outputs: charges and warnings"
    )]
    pub(crate) fn push(
        &mut self,
        ctx: &Context<'a>,
        i: usize,
        line: &mut Line<'a>,
        cv: i64,
        step: &mut Step,
        charges: &mut Vec<Charge>,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Exact>, Error> {
        let (l, lane, territory) = (line.req, ctx.lane, ctx.territory);
        let preference = self.preference(l);
        if let Some(rate) = l.duty_rate {
            let amount = lane.percent_of(cv, rate)?;
            step.push(
                charges,
                ID_DUTY_RATE,
                ChargeKind::Duty,
                self.duty_name,
                Some(rate),
                || percent(rate),
                || Note::text("request duty_rate"),
                self.request_source,
                CollectedAt::Border,
                (i, cv, amount),
            );
            return Ok(Some(amount));
        }
        if let Some(rule) = line.duty_rate_required {
            let why = rule.warning.as_deref().unwrap_or_default();
            return Err(Error::input(
                field(i, "duty_rate"),
                format!("required: {}: {why}", rule.name),
            ));
        }
        let mfn = self.mfn(ctx, i, l, cv, preference.is_some())?;
        if let Some((_, found)) = mfn
            && !found.value.see.is_empty()
        {
            footnotes(ctx, i, found, warnings);
        }
        let pref = match preference {
            Some((r, p)) => Some((lane.percent_of(cv, r)?, r, p)),
            None => None,
        };
        Ok(match (pref, mfn) {
            (Some((amount, r, p)), m) if m.as_ref().is_none_or(|(ma, _)| amount.le(*ma)) => {
                line.preferential = true;
                let scheme = &p.value.scheme;
                step.push(
                    charges,
                    id_of(p),
                    ChargeKind::Duty,
                    self.duty_name,
                    Some(r),
                    || {
                        RateText::two(
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
                Some(amount)
            }
            (_, Some((amount, found))) => {
                let t = &found.value;
                let simple = t.is_ad_valorem_only();
                step.push(
                    charges,
                    id_of(found),
                    ChargeKind::Duty,
                    self.duty_name,
                    if simple { t.rate_percent } else { None },
                    || match t.rate_percent {
                        Some(p) if simple => percent(p),
                        _ => RateText::owned(t.describe()),
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
                Some(amount)
            }
            _ => None,
        })
    }
}

/// Never silent: a heading the tariff row's footnotes name ("See 9903.88.15.") that no
/// additional-duty or exemption row encodes during the row's period is reported, once per
/// line and heading, since its duty may apply and is not in the quote. (A heading the data
/// encodes for other dates of the period is a measure whose dates the data knows: not in
/// force on the quote's date, it rightly adds nothing.)
#[inline(never)]
fn footnotes(ctx: &Context<'_>, i: usize, row: &Dated<TariffRate>, warnings: &mut Vec<String>) {
    let t = &row.value;
    for h in t.see.iter() {
        if ctx.tariffs.heading_during(h, &row.period) {
            continue;
        }
        let heading = crate::data::Heading::of(*h).map_or_else(|| h.to_string(), |x| x.to_string());
        warnings.push(format!(
            "{}: the tariff line {} names heading {heading} in its footnotes, which the data \
             does not encode: the quote does not include that additional duty; check whether \
             it applies to this good and origin",
            field(i, "hs_code"),
            t.hs,
        ));
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
        let charged = specific_units(t, l, i, s.per)?.of(s.amount)?;
        conv(rates, s.currency, currency)?.apply(charged)
    };
    for s in t.specific.iter().chain(t.second_specific().iter()) {
        duty = add(duty, amount_of(*s)?)?;
    }
    if let Some(m) = t.min() {
        duty = duty.max(amount_of(m)?);
    }
    if let Some(m) = t.max() {
        duty = duty.min(amount_of(m)?);
    }
    Ok(duty)
}

/// The count of a line's units a specific duty is charged on: a measure of the line's
/// inputs, divided by how many of them make one unit of the duty (12 for a dozen).
struct Units {
    measure: Decimal,
    per: u32,
}

impl Units {
    /// The duty on these units at `amount` per unit of the duty: `amount × measure / per`,
    /// multiplied before it is divided so that a dozen's duty is exact where it can be.
    fn of(&self, amount: Decimal) -> Result<Decimal, Error> {
        let total = mul(amount, self.measure)?;
        if self.per == 1 {
            return Ok(total);
        }
        div(total, Decimal::from(self.per))
    }
}

/// The line's units for a specific duty per `per`: `quantity` counts units, pairs and head
/// (dozens, grosses and thousands of them), `weight_kg` × `quantity` kilograms (and tonnes),
/// a measure of `measures` × `quantity` litres, square metres, …. A missing input is an
/// error naming its field.
fn specific_units(
    t: &TariffRate,
    l: &QuoteLine,
    i: usize,
    per: SpecificPer,
) -> Result<Units, Error> {
    let counted = |per: u32| Units {
        measure: l.quantity,
        per,
    };
    // The measure of one unit, or an error naming its field (formatted only then).
    let per_unit = |m: Option<Decimal>| -> Result<Units, Error> {
        let m = m.ok_or_else(|| {
            let (name, what) = match per {
                SpecificPer::Kg | SpecificPer::Tonne => (
                    "weight_kg".to_owned(),
                    "the net weight of one unit in kg".to_owned(),
                ),
                _ => (
                    format!("measures.{per}"),
                    format!("the measure of one unit in {per}"),
                ),
            };
            Error::input(
                field(i, &name),
                format!(
                    "required: the {} tariff for {} is per {per}; give {what}",
                    t.territory, t.hs
                ),
            )
        })?;
        Ok(Units {
            measure: mul(m, l.quantity)?,
            per: 1,
        })
    };
    Ok(match per {
        SpecificPer::Unit | SpecificPer::Pair | SpecificPer::Head => counted(1),
        SpecificPer::Dozen => counted(12),
        SpecificPer::Gross => counted(144),
        SpecificPer::Thousand => counted(1000),
        SpecificPer::Kg => per_unit(l.weight_kg)?,
        SpecificPer::Tonne => Units {
            per: 1000,
            ..per_unit(l.weight_kg)?
        },
        measured => per_unit(l.measures.get(measured))?,
    })
}
