//! Taxes collected at checkout: lines under a point-of-sale rule (EU IOSS, GB £135, AU LVIG)
//! pay VAT/GST on the rule's `checkout_tax_base` (the sale price: goods and their shipping) at
//! the VAT table's rate, named after the territory's first import tax.

use std::sync::{Arc, LazyLock};

use super::super::arith::OP;
use super::super::cart::Line;
use super::super::cascade::Context;
use super::super::charges::{ID_TAX_RATE, Step, id_of, percent};
use super::super::duty::tariff::REQUEST_SOURCE;
use super::super::text::{Arg, ChargeText as Note};
use super::super::wire::{Charge, ChargeKind, CollectedAt};
use super::base::Earlier;
use super::border::STANDARD;
use super::vat::VatCache;
use crate::codes::TaxCategory;
use crate::data::{Dated, ImportTax};
use crate::error::Error;

/// The tax collected at checkout in a territory without import taxes.
static NO_TAX_AT_CHECKOUT: LazyLock<Arc<str>> =
    LazyLock::new(|| Arc::from("VAT/GST (collected at checkout)"));

/// Computes the tax at checkout of every line under a point-of-sale rule.
pub(crate) fn levy<'a>(
    ctx: &Context<'a>,
    first_tax: Option<&'a Dated<ImportTax>>,
    lines: &mut [Line<'a>],
    vat: &mut VatCache<'a>,
    earlier: &Earlier<'a>,
    step: &mut Step,
    charges: &mut Vec<Charge>,
) -> Result<(), Error> {
    let (req, lane) = (ctx.req, ctx.lane);
    // Named after the territory's first import tax.
    let checkout_name: Arc<str> = first_tax.map_or_else(
        || Arc::clone(&NO_TAX_AT_CHECKOUT),
        |t| Arc::clone(&t.value.checkout_label),
    );
    let (standard, request_source): (&'static TaxCategory, &'static Arc<str>) =
        (&STANDARD, &REQUEST_SOURCE);
    step.restart(charges);
    for (i, line) in lines.iter().enumerate() {
        let Some(rule) = line.checkout else { continue };
        let category = line.req.tax_category.as_ref().unwrap_or(standard);
        let (id, rate, hit) = match line.req.tax_rate {
            Some(r) => (ID_TAX_RATE, r, None),
            None => {
                let hit = vat.get(ctx.tables, req, category)?;
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
        let base = earlier.base_of(line, &rule.checkout_tax_base, i)?;
        step.push(
            charges,
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
    step.close(charges, lane, ctx.roundings.tax, |i, a| {
        if let Some(line) = lines.get_mut(i) {
            line.tax = line.tax.checked_add(a).ok_or_else(|| Error::overflow(OP))?;
        }
        Ok(())
    })
}
