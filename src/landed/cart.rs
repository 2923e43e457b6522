//! The consignment as the cascade sees it: one [`Line`] per request line, carrying its
//! amounts in lane units and the effects the rules put on it, filled in step by step.

use rust_decimal::Decimal;

use super::wire::QuoteLine;
use crate::data::{Dated, DutyBand, Rule};

/// Per-line state through the cascade; amounts in lane units.
pub(crate) struct Line<'a> {
    /// The request's line.
    pub(crate) req: &'a QuoteLine,
    /// Quantity × unit price, in the destination currency, rounded.
    pub(crate) goods: i64,
    /// The line's share of the request's shipping (by goods value).
    pub(crate) shipping: i64,
    /// The line's share of the request's insurance (by goods value).
    pub(crate) insurance: i64,
    /// Goods, plus shipping and insurance under CIF valuation.
    pub(crate) customs_value: i64,
    /// The line's share of every duty charge.
    pub(crate) duty: i64,
    /// The line's share of every tax charge.
    pub(crate) tax: i64,
    /// The line's share of the taxable fees.
    pub(crate) taxable_fees: i64,
    /// A rule relieves the line of duty.
    pub(crate) no_duty: bool,
    /// The first rule that relieved the line of duty (named when a `duty_rate` goes unused).
    pub(crate) no_duty_by: Option<&'a Rule>,
    /// A rule relieves the line of import taxes.
    pub(crate) no_tax: bool,
    /// The business buyer accounts for the tax (no tax charged).
    pub(crate) reverse_charge: bool,
    /// The rule under which the tax is collected at checkout instead of at the border.
    pub(crate) checkout: Option<&'a Rule>,
    /// The rule of a flat duty per tariff subheading, with its amount in the destination
    /// currency.
    pub(crate) flat: Option<(&'a Dated<Rule>, Decimal)>,
    /// A rule says the data lacks the line's duty: without its own `duty_rate` the quote is
    /// an error with the rule's warning (US column 2 origins).
    pub(crate) duty_rate_required: Option<&'a Rule>,
    /// The line pays a preferential rate.
    pub(crate) preferential: bool,
    /// A rule levies the import taxes at this percent of the statutory amount (China CBEC).
    pub(crate) tax_factor: Option<Decimal>,
    /// The consignment duty band that replaces the line's tariff duty.
    pub(crate) band: Option<&'a Dated<DutyBand>>,
    /// The line's duty as later bases see it when a chaining rounding applies (its duty
    /// amounts each rounded per `chain_increment`), instead of its share of the duty charges.
    pub(crate) chained_duty: Option<i64>,
}

impl<'a> Line<'a> {
    /// A line valued at `goods`, before any rule.
    pub(crate) fn new(req: &'a QuoteLine, goods: i64) -> Self {
        Self {
            req,
            goods,
            shipping: 0,
            insurance: 0,
            customs_value: goods,
            duty: 0,
            tax: 0,
            taxable_fees: 0,
            no_duty: false,
            no_duty_by: None,
            duty_rate_required: None,
            no_tax: false,
            reverse_charge: false,
            checkout: None,
            flat: None,
            preferential: false,
            tax_factor: None,
            band: None,
            chained_duty: None,
        }
    }

    /// The duty a tax base adds: the chained duty when a chaining rounding made one, else the
    /// line's share of the duty charges.
    pub(crate) fn duty_in_bases(&self) -> i64 {
        self.chained_duty.unwrap_or(self.duty)
    }

    /// True when the line's tax comes from the VAT table (no override, and tax is due).
    pub(crate) fn tax_rate_needed(&self) -> bool {
        self.req.tax_rate.is_none() && !self.no_tax && !self.reverse_charge
    }
}
