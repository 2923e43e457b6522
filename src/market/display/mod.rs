//! Display prices: the price a listing shows in the destination, with the tax (and, under
//! DDP, the duty) inside it, the tax rate and name, and the label that says so
//! ("inkl. 19 % MwSt.", "incl. 20% VAT", "税込 (10%)").
//!
//! The steps:
//! 1. **Quote one unit** of the product with the forward quote (the request is a quote request
//!    with one line of quantity 1, plus an optional `language`). Every rule of the quote holds:
//!    thresholds, exemptions, rounding, registrations, DDP or DAP.
//! 2. **The displayed price** is what the buyer pays at checkout: goods, shipping and
//!    insurance as the request gives them, and the charges collected at checkout (all of them
//!    under DDP; under DAP only those the seller collects, such as IOSS VAT: the border
//!    charges are shown apart as `due_on_delivery`).
//! 3. **The tax inside it**: the tax charges included in that price. When there is any, the
//!    rate shown is the statutory VAT/GST rate of the product in the destination
//!    ([`RateTables::vat_rate`]: 10 % in Japan, the national and local parts together), not
//!    an effective rate; the amounts are in `tax`.
//! 4. **The label**: the destination's `[[display_label]]` row in force for the language (the
//!    country's primary language when the request names none), with the rate written in. No
//!    label is given, and a warning says why, when no tax is included (a label saying "tax
//!    included" would be false: Japan's ¥10,000 exemption, import VAT due on delivery under
//!    DAP), when the data has no label for the country or language, or when the rate is not
//!    in the data.

mod wire;

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::{CountryCode, Currency, TaxCategory};
use crate::data::{DataVersion, DisplayLabel, Period, RateTables};
use crate::error::Error;
use crate::landed::{ChargeKind, CollectedAt, Incoterm, Quote, QuoteRequest};

/// A display-price request: a quote request for one unit of one product, and the label's
/// language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DisplayRequest {
    /// The quote request (one line, quantity 1).
    pub quote: QuoteRequest,
    /// The label's language (ISO 639-1, e.g. `de`); default the destination's primary
    /// language in the data.
    pub language: Option<String>,
}

impl DisplayRequest {
    /// A request for `quote`'s one unit, in the destination's primary language.
    pub const fn new(quote: QuoteRequest) -> Self {
        Self {
            quote,
            language: None,
        }
    }
}

/// The label in force for a country, language and date, with its source.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LabelInForce<'a> {
    /// The label.
    pub label: &'a DisplayLabel,
    /// The row's period.
    pub period: Period,
    /// The row's source: the law and where the wording comes from.
    pub source: &'a str,
}

/// The price a listing shows, with what is inside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct DisplayPrice {
    /// The destination's currency; every amount is in it.
    pub currency: Currency,
    /// What the buyer pays at checkout for one unit: goods, shipping, insurance and the
    /// charges included (see `duty`, `tax`, `fees`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub price: Decimal,
    /// The goods, converted.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub goods: Decimal,
    /// Shipping and insurance as the request gives them, converted (0 when it gives none:
    /// the price then excludes shipping, which the shop states apart).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// Duty included in the price (all of it under DDP; none under DAP).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub duty: Decimal,
    /// Tax included in the price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub tax: Decimal,
    /// Customs and carrier fees included in the price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub fees: Decimal,
    /// What the buyer pays on delivery on top of the price (border charges under DAP).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub due_on_delivery: Decimal,
    /// DDP or DAP.
    pub incoterm: Incoterm,
    /// The statutory VAT/GST rate of the product, in percent, when the price includes tax.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub tax_rate: Option<Decimal>,
    /// The tax's name as the label shows it (`MwSt.`, `VAT`, `消費税`), when there is a label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_name: Option<Arc<str>>,
    /// The words to show next to the price, when the price includes tax and the data has a
    /// label for the destination and language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The label's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Arc<str>>,
    /// The label's source: the law requiring the tax-inclusive price and the wording's origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_source: Option<Arc<str>>,
    /// The regime of the quote.
    pub regime: Arc<str>,
    /// Things the caller should know: the quote's warnings and why a label is missing.
    pub warnings: Vec<String>,
    /// The forward quote of the unit: every charge with its base, rate, row and source.
    pub quote: Quote,
    /// The data every figure was computed with.
    pub data_version: DataVersion,
}

impl DisplayPrice {
    /// The display price as pretty JSON.
    ///
    /// # Errors
    /// Never in practice (as [`Quote::to_json`]).
    pub fn to_json(&self) -> Result<String, Error> {
        crate::serde_util::to_json_pretty(self)
    }
}

impl RateTables {
    /// The display price with these tables; see [`display_price`].
    ///
    /// # Errors
    /// As [`display_price`].
    pub fn display_price(&self, request: &DisplayRequest) -> Result<DisplayPrice, Error> {
        display_price(self, request)
    }

    /// The display label in force for `country` on `date`, in `language` (default the
    /// country's primary language).
    ///
    /// # Errors
    /// [`Error::UnknownSeries`] when the data has no label for the country or language (the
    /// key lists the languages it has); [`Error::NoRateInForce`] when the date is outside the
    /// label's rows.
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let tables = RateTables::embedded()?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("date")?;
    /// let found = tables.display_label("DE".parse()?, None, date)?;
    /// assert_eq!(found.label.render("19".parse()?), "inkl. 19 % MwSt.");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn display_label(
        &self,
        country: CountryCode,
        language: Option<&str>,
        date: NaiveDate,
    ) -> Result<LabelInForce<'_>, Error> {
        let unknown = |what: String| Error::UnknownSeries {
            table: "display_label",
            key: what,
        };
        let languages = || {
            let list = self.display.languages(country);
            if list.is_empty() {
                "the data has no label for it".to_owned()
            } else {
                format!("labels exist in: {}", list.join(", "))
            }
        };
        let language = match language {
            Some(l) => l,
            None => self
                .display
                .primary(country)
                .map(AsRef::as_ref)
                .ok_or_else(|| {
                    unknown(format!("{country} (no primary language; {})", languages()))
                })?,
        };
        let series = self
            .display
            .series(country, language)
            .ok_or_else(|| unknown(format!("{country} in `{language}` ({})", languages())))?;
        let found =
            crate::data::display_at(series, date).map_err(|coverage| Error::NoRateInForce {
                table: "display_label",
                key: format!("{country} {language}"),
                date,
                coverage,
            })?;
        Ok(LabelInForce {
            label: found.label,
            period: found.period,
            source: found.source,
        })
    }
}

/// `a + b`, or an overflow error naming what was added.
fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, Error> {
    a.checked_add(b).ok_or(Error::overflow(what))
}

/// The included amounts of a quote, by charge kind: `(duty, tax, fees)`.
fn included(quote: &Quote) -> Result<(Decimal, Decimal, Decimal), Error> {
    let mut zero = Decimal::ZERO;
    zero.rescale(quote.landed_total.scale());
    let (mut duty, mut tax, mut fees) = (zero, zero, zero);
    let ddp = matches!(quote.incoterm, Incoterm::Ddp);
    for c in &quote.charges {
        let inside = match c.collected_at {
            CollectedAt::Checkout => true,
            CollectedAt::Border => ddp,
            CollectedAt::None => false,
        };
        if !inside {
            continue;
        }
        match c.kind {
            ChargeKind::Duty => duty = add(duty, c.amount, "display duty")?,
            ChargeKind::Tax => tax = add(tax, c.amount, "display tax")?,
            ChargeKind::Fee => fees = add(fees, c.amount, "display fees")?,
        }
    }
    Ok((duty, tax, fees))
}

/// The display price of one unit (see the module docs for the steps).
///
/// # Errors
/// [`Error::InvalidInput`] naming `lines` when the request has not exactly one line, or
/// `lines[0].quantity` when it is not 1; any error of the quote.
pub fn display_price(tables: &RateTables, request: &DisplayRequest) -> Result<DisplayPrice, Error> {
    let q = &request.quote;
    let [line] = q.lines.as_slice() else {
        return Err(Error::input(
            "lines",
            format!(
                "has {} lines; a display price is for one product: give exactly one line",
                q.lines.len()
            ),
        ));
    };
    if line.quantity != Decimal::ONE {
        return Err(Error::input(
            "lines[0].quantity",
            format!(
                "is {}; a display price is for one unit: give quantity 1 (quote the order for more)",
                line.quantity
            ),
        ));
    }
    let quote = tables.quote(q)?;
    let (duty, tax, fees) = included(&quote)?;
    let mut warnings = quote.warnings.clone();
    let category = line
        .tax_category
        .clone()
        .unwrap_or_else(TaxCategory::standard);
    let tax_rate = if tax.is_zero() {
        None
    } else {
        statutory_rate(tables, q, &category, &mut warnings)
    };
    let labelled = label(tables, request, &quote, tax, tax_rate, &mut warnings);
    if !quote.due_on_delivery.is_zero() {
        warnings.push(format!(
            "the buyer pays {} {} more on delivery (DAP border charges): show it with the price",
            quote.due_on_delivery, quote.currency
        ));
    }
    let shipping = add(quote.shipping, quote.insurance, "display shipping")?;
    let price = quote
        .landed_total
        .checked_sub(quote.due_on_delivery)
        .ok_or(Error::overflow("display price"))?;
    Ok(DisplayPrice {
        currency: quote.currency,
        price,
        goods: quote.intrinsic_value,
        shipping,
        duty,
        tax,
        fees,
        due_on_delivery: quote.due_on_delivery,
        incoterm: quote.incoterm,
        tax_rate,
        tax_name: labelled.as_ref().map(|l| Arc::clone(&l.0.tax_name)),
        label: labelled.as_ref().map(|l| l.1.clone()),
        language: labelled.as_ref().map(|l| Arc::clone(&l.0.language)),
        label_source: labelled.as_ref().map(|l| Arc::from(l.2)),
        regime: Arc::clone(&quote.regime),
        warnings,
        data_version: quote.data_version.clone(),
        quote,
    })
}

/// The statutory VAT/GST rate of the product in the destination, or `None` with a warning.
fn statutory_rate(
    tables: &RateTables,
    q: &QuoteRequest,
    category: &TaxCategory,
    warnings: &mut Vec<String>,
) -> Option<Decimal> {
    match tables.vat_rate(q.destination, q.region, category, q.date) {
        Ok(r) => Some(r.rate.value()),
        Err(e) => {
            warnings.push(format!(
                "the price includes tax but the data has no VAT/GST rate to show for it ({e}); no label"
            ));
            None
        }
    }
}

/// The label for the price, or `None` with a warning saying why.
fn label<'t>(
    tables: &'t RateTables,
    request: &DisplayRequest,
    quote: &Quote,
    tax: Decimal,
    tax_rate: Option<Decimal>,
    warnings: &mut Vec<String>,
) -> Option<(&'t DisplayLabel, String, &'t str)> {
    let q = &request.quote;
    if tax.is_zero() {
        let why = if quote.due_on_delivery.is_zero() {
            format!(
                "no tax is charged on this unit under regime {}",
                quote.regime
            )
        } else {
            format!(
                "the tax is due on delivery ({} {} under DAP), not inside the price",
                quote.due_on_delivery, quote.currency
            )
        };
        warnings.push(format!("{why}: no tax-inclusive label is given"));
        return None;
    }
    let found = match tables.display_label(q.destination, request.language.as_deref(), q.date) {
        Ok(f) => f,
        Err(e) => {
            warnings.push(format!("no display label: {e}"));
            return None;
        }
    };
    let text = match (found.label.shows_rate(), tax_rate) {
        (true, Some(rate)) => found.label.render(rate),
        (true, None) => return None,
        (false, _) => found.label.template.to_string(),
    };
    Some((found.label, text, found.source))
}
