//! The VAT/GST rate of a line from the VAT table (`data/vat.toml`): by destination, region
//! (CA provinces) and tax category, found once per category and kept for the other lines.

use super::super::few::Few;
use super::super::text::{Arg, ChargeText as Note};
use super::super::wire::{ChargeText, QuoteRequest};
use crate::codes::{RegionCode, TaxCategory};
use crate::data::{Dated, RateTables, VatValue};
use crate::error::Error;

/// A VAT row found for a category, kept for the other lines of the quote.
#[derive(Clone, Copy)]
pub(crate) struct VatHit<'t> {
    pub(crate) row: &'t Dated<VatValue>,
    pub(crate) region: Option<RegionCode>,
}

/// The VAT rows found so far in a quote, by category.
#[derive(Default)]
pub(crate) struct VatCache<'t> {
    entries: Few<(&'t TaxCategory, VatHit<'t>), 4>,
    /// The last category asked for (lines usually share one).
    last: Option<(&'t TaxCategory, VatHit<'t>)>,
}

impl<'t> VatCache<'t> {
    /// The VAT row of `category` for the request's destination and region on its date.
    pub(crate) fn get(
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
pub(crate) fn vat_rule(req: &QuoteRequest, hit: VatHit<'_>, category: &TaxCategory) -> ChargeText {
    Note::three(
        "vat {} {}@{}",
        Arg::Place(req.destination, hit.region),
        Arg::Category(category.clone()),
        Arg::Date(hit.row.period.from),
    )
}
