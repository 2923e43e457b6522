//! Step 6, **import taxes**: the `[[import_tax]]` rows of the territory in force (EU and GB
//! import VAT, CA GST/HST, AU GST), in their `order`, each on its declared base
//! ([`base`]), at a fixed rate or the VAT table's rate for the line's category
//! ([`vat`]), optionally grossed up or scaled by a factor: [`border`]. Lines under a
//! point-of-sale rule (EU IOSS, GB £135, AU LVIG) pay the tax at checkout instead, on the rule's
//! base: [`checkout`]. A reverse-charged line pays none.

pub(crate) mod base;
pub(crate) mod border;
pub(crate) mod checkout;
pub(crate) mod vat;

use super::cart::Line;
use super::cascade::Context;
use super::charges::Step;
use super::few::Few;
use super::wire::Charge;
use crate::data::{BaseTerm, Dated, ImportTax, TaxRateSource};
use crate::error::Error;

/// The import taxes of the territory in force on the quote's date, in their `order`.
pub(crate) fn in_force<'a>(ctx: &Context<'a>) -> Few<&'a Dated<ImportTax>, 4> {
    let mut taxes: Few<&'a Dated<ImportTax>, 4> = Few::new();
    for t in ctx
        .tables
        .customs
        .import_taxes
        .in_force(ctx.territory, ctx.date)
    {
        taxes.push(t);
    }
    taxes.sort_by(|a, b| (a.value.order, &a.value.name).cmp(&(b.value.order, &b.value.name)));
    taxes
}

/// Computes the import taxes at the border and at checkout into `charges`; `taxes` are those
/// [`in_force`].
pub(crate) fn levy<'a>(
    ctx: &Context<'a>,
    taxes: &Few<&'a Dated<ImportTax>, 4>,
    lines: &mut [Line<'a>],
    step: &mut Step,
    charges: &mut Vec<Charge>,
    warnings: &mut Vec<String>,
) -> Result<(), Error> {
    let mut vat = vat::VatCache::default();
    check_region(ctx, taxes, lines)?;
    // Each import tax's line shares, kept only when a later base names a tax.
    let names_a_tax = |terms: &[BaseTerm]| terms.iter().any(|t| matches!(t, BaseTerm::Tax(_)));
    let keep = taxes.iter().any(|t| names_a_tax(&t.value.base))
        || lines.iter().any(|l| {
            l.checkout
                .is_some_and(|r| names_a_tax(&r.checkout_tax_base))
        });
    unused_excise(ctx, taxes, lines, warnings);
    let mut earlier = base::Earlier::new(keep, taxes.len(), lines.len(), step.lend());
    for row in taxes.iter() {
        border::levy(ctx, row, lines, &mut vat, &mut earlier, step, charges)?;
    }
    if lines.iter().any(|l| l.checkout.is_some()) {
        checkout::levy(ctx, taxes.first(), lines, &mut vat, &earlier, step, charges)?;
    }
    step.give_back(earlier.into_buffer());
    if lines.iter().any(|l| l.reverse_charge) {
        warnings.push(
            "reverse charge: no tax is charged; the business buyer accounts for it with its tax id"
                .to_owned(),
        );
    }
    Ok(())
}

/// A line's `excise_rate` that no import tax of the quote uses (no `line_excise` tax in
/// force, or the line owes no border tax) is reported.
fn unused_excise(
    ctx: &Context<'_>,
    taxes: &Few<&Dated<ImportTax>, 4>,
    lines: &[Line<'_>],
    warnings: &mut Vec<String>,
) {
    let levied = taxes
        .iter()
        .any(|t| matches!(t.value.rate, TaxRateSource::LineExcise));
    for (i, line) in lines.iter().enumerate() {
        if line.req.excise_rate.is_none() {
            continue;
        }
        let owes = !(line.no_tax || line.reverse_charge || line.checkout.is_some());
        if !(levied && owes) {
            warnings.push(format!(
                "{}: not used: no consumption tax or excise of {} on {} applies to this line",
                super::check::field(i, "excise_rate"),
                ctx.territory,
                ctx.date
            ));
        }
    }
}

/// A destination whose tax rate differs by region (CA) needs the request's `region` when a
/// line takes its rate from the VAT table.
fn check_region(
    ctx: &Context<'_>,
    taxes: &Few<&Dated<ImportTax>, 4>,
    lines: &[Line<'_>],
) -> Result<(), Error> {
    let req = ctx.req;
    let needs_vat = lines.iter().any(|l| l.checkout.is_some())
        || taxes
            .iter()
            .any(|t| matches!(t.value.rate, TaxRateSource::VatTable { .. }));
    if needs_vat
        && req.region.is_none()
        && ctx.tables.vat.has_regions(req.destination)
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
    Ok(())
}
