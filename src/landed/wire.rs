//! The landed-cost JSON wire format: [`QuoteRequest`] in, [`Quote`] out. Field names are a
//! contract with users; amounts are decimal strings, dates ISO, codes upper-case (lower-case
//! accepted).

use core::fmt;
use core::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::{CountryCode, Currency, HsCode, RegionCode, TaxCategory, Territory};
use crate::data::{Buyer, DataVersion, SpecificPer, Transport};
use crate::error::Error;

/// Delivery terms: who pays the border charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Incoterm {
    /// Delivered duty paid: the seller pays duties and taxes, collected from the buyer at
    /// checkout (the default).
    #[default]
    Ddp,
    /// Delivered at place: the buyer pays border charges on delivery; the quote is an estimate.
    Dap,
}

impl Incoterm {
    /// `DDP` or `DAP`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ddp => "DDP",
            Self::Dap => "DAP",
        }
    }
}

impl FromStr for Incoterm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_uppercase().as_str() {
            "DDP" => Ok(Self::Ddp),
            "DAP" => Ok(Self::Dap),
            _ => Err(Error::input(
                "incoterm",
                format!("{s:?} is not supported; use \"DDP\" or \"DAP\""),
            )),
        }
    }
}

impl fmt::Display for Incoterm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Incoterm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Incoterm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A fee given in the request, e.g. a carrier's clearance charge.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraFee {
    /// Name shown in the charges.
    pub name: String,
    /// Amount.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub amount: Decimal,
    /// Its currency; default: the request's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Whether the fee is part of the import tax base (e.g. Swiss clearance fees).
    #[serde(default)]
    pub taxable: bool,
}

impl ExtraFee {
    /// A fee of `amount` in the request's currency, not taxable: the wire format's
    /// `{"name": …, "amount": …}` with every other field at its default.
    ///
    /// # Example
    /// ```
    /// use landed::landed::ExtraFee;
    /// let fee = ExtraFee::new("clearance", "12.50".parse()?).currency("CHF".parse()?).taxable(true);
    /// assert_eq!((fee.name.as_str(), fee.taxable), ("clearance", true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: impl Into<String>, amount: Decimal) -> Self {
        Self {
            name: name.into(),
            amount,
            currency: None,
            taxable: false,
        }
    }

    /// Sets `currency`, the fee's currency (default: the request's).
    #[must_use]
    pub const fn currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// Sets `taxable`: whether the fee is part of the import tax base (default false).
    #[must_use]
    pub const fn taxable(mut self, taxable: bool) -> Self {
        self.taxable = taxable;
        self
    }
}

/// An exchange rate: one unit of `from` is worth `rate` units of `to`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRate {
    /// Currency converted from.
    pub from: Currency,
    /// Currency converted to.
    pub to: Currency,
    /// Units of `to` per unit of `from`.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub rate: Decimal,
}

impl ExchangeRate {
    /// One unit of `from` is worth `rate` units of `to`.
    ///
    /// # Example
    /// ```
    /// use landed::landed::ExchangeRate;
    /// let usd_eur = ExchangeRate::new("USD".parse()?, "EUR".parse()?, "0.8623".parse()?);
    /// assert_eq!(usd_eur.rate.to_string(), "0.8623");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(from: Currency, to: Currency, rate: Decimal) -> Self {
        Self { from, to, rate }
    }
}

/// One line of the consignment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteLine {
    /// HS code (2 to 10 digits; dots and spaces ignored).
    pub hs_code: HsCode,
    /// Number of units (more than zero; decimals allowed).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub quantity: Decimal,
    /// Price of one unit in the request's currency.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unit_price: Decimal,
    /// Country of origin of the goods.
    pub origin: CountryCode,
    /// Net weight of one unit in kg (needed for per-kg duties).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub weight_kg: Option<Decimal>,
    /// Measures of one unit (litres, square metres, jewels, …), needed where the tariff
    /// charges a specific duty per one of them.
    #[serde(default, skip_serializing_if = "Measures::is_empty")]
    pub measures: Measures,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Ad valorem duty percent that replaces the tariff lookup (additional duties by origin
    /// still apply).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub duty_rate: Option<Decimal>,
    /// VAT/GST percent that replaces the VAT table.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub tax_rate: Option<Decimal>,
    /// Tax category; default `standard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_category: Option<TaxCategory>,
    /// Whether a preferential rate may be claimed when the origin qualifies (default true;
    /// false when the goods do not meet the agreement's rules of origin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_preference: Option<bool>,
    /// Consumption tax or excise percent of the goods (e.g. `"15"` for cosmetics imported into
    /// China), for a regime whose tax on them is a per-product excise; it replaces the table's
    /// rate where the regime has one. Below 100.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub excise_rate: Option<Decimal>,
    /// The overseas retail price of one unit in the request's currency, for a regime that
    /// values goods from it (Japan values personal-use imports at 60 % of it). Defaults to
    /// `unit_price` where such a regime needs it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub retail_price: Option<Decimal>,
}

impl QuoteLine {
    /// A line of `quantity` units at `unit_price` (in the request's currency) of goods under
    /// `hs_code` from `origin`: the wire format's four required fields, every other field at
    /// its default (no weight, no description, the tariff's duty, the VAT table's rate, tax
    /// category `standard`, a preference claimed when the origin qualifies).
    ///
    /// # Example
    /// ```
    /// use landed::landed::QuoteLine;
    /// use landed::{Decimal, QuoteRequest};
    /// let tshirt = QuoteLine::new("610910".parse()?, Decimal::ONE, "19.99".parse()?, "CN".parse()?)
    ///     .description("cotton T-shirt")
    ///     .weight_kg("0.2".parse()?);
    /// let json = QuoteRequest::from_json(r#"{"date": "2026-11-25", "destination": "DE",
    ///   "currency": "EUR", "lines": [{"hs_code": "610910", "quantity": "1",
    ///   "unit_price": "19.99", "origin": "CN", "description": "cotton T-shirt",
    ///   "weight_kg": "0.2"}]}"#)?;
    /// assert_eq!(json.lines, [tshirt]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(
        hs_code: HsCode,
        quantity: Decimal,
        unit_price: Decimal,
        origin: CountryCode,
    ) -> Self {
        Self {
            hs_code,
            quantity,
            unit_price,
            origin,
            weight_kg: None,
            measures: Measures::EMPTY,
            description: None,
            duty_rate: None,
            tax_rate: None,
            tax_category: None,
            claim_preference: None,
            excise_rate: None,
            retail_price: None,
        }
    }

    /// Sets `weight_kg`, the net weight of one unit in kg (needed for per-kg duties).
    #[must_use]
    pub const fn weight_kg(mut self, kg: Decimal) -> Self {
        self.weight_kg = Some(kg);
        self
    }

    /// Sets `measures`, the measures of one unit (litres, square metres, …) needed for
    /// specific duties charged per one of them.
    #[must_use]
    pub const fn measures(mut self, measures: Measures) -> Self {
        self.measures = measures;
        self
    }

    /// Sets `description`, free text.
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets `duty_rate`, an ad valorem duty percent that replaces the tariff lookup.
    #[must_use]
    pub const fn duty_rate(mut self, percent: Decimal) -> Self {
        self.duty_rate = Some(percent);
        self
    }

    /// Sets `tax_rate`, a VAT/GST percent that replaces the VAT table.
    #[must_use]
    pub const fn tax_rate(mut self, percent: Decimal) -> Self {
        self.tax_rate = Some(percent);
        self
    }

    /// Sets `tax_category` (default `standard`).
    #[must_use]
    pub fn tax_category(mut self, category: TaxCategory) -> Self {
        self.tax_category = Some(category);
        self
    }

    /// Sets `claim_preference`: whether a preferential rate may be claimed when the origin
    /// qualifies (default true).
    #[must_use]
    pub const fn claim_preference(mut self, claim: bool) -> Self {
        self.claim_preference = Some(claim);
        self
    }

    /// Sets `excise_rate`, the consumption tax or excise percent of the goods (below 100).
    #[must_use]
    pub const fn excise_rate(mut self, percent: Decimal) -> Self {
        self.excise_rate = Some(percent);
        self
    }

    /// Sets `retail_price`, the overseas retail price of one unit in the request's currency.
    #[must_use]
    pub const fn retail_price(mut self, price: Decimal) -> Self {
        self.retail_price = Some(price);
        self
    }
}

/// Measures of one unit of a line, for specific duties charged per litre, proof litre,
/// square metre, cubic metre, barrel or jewel (the wire object `"measures": {"liter":
/// "0.75"}`). Each is optional; a quote asks for the one its tariff line charges per, naming
/// the field. Weight is the line's `weight_kg`; units, pairs, dozens and the like are counted
/// from `quantity`.
///
/// # Example
/// ```
/// use landed::landed::{Measures, QuoteLine};
/// let wine = QuoteLine::new("22042140".parse()?, "12".parse()?, "9.50".parse()?, "FR".parse()?)
///     .measures(Measures::EMPTY.liter("0.75".parse()?));
/// assert_eq!(wine.measures.liter, Some("0.75".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Measures {
    /// Volume of one unit in litres (duties per litre).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub liter: Option<Decimal>,
    /// Proof litres of one unit (litres of alcohol at 100 proof; duties per proof litre).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub proof_liter: Option<Decimal>,
    /// Area of one unit in square metres (duties per m²).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub square_meter: Option<Decimal>,
    /// Volume of one unit in cubic metres (duties per m³).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub cubic_meter: Option<Decimal>,
    /// Barrels in one unit (duties per barrel).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub barrel: Option<Decimal>,
    /// Jewels in the movement of one unit (watch and clock duties per jewel).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub jewel: Option<Decimal>,
}

impl Measures {
    /// No measure given.
    pub const EMPTY: Self = Self {
        liter: None,
        proof_liter: None,
        square_meter: None,
        cubic_meter: None,
        barrel: None,
        jewel: None,
    };

    /// True when no measure is given.
    pub const fn is_empty(&self) -> bool {
        self.liter.is_none()
            && self.proof_liter.is_none()
            && self.square_meter.is_none()
            && self.cubic_meter.is_none()
            && self.barrel.is_none()
            && self.jewel.is_none()
    }

    /// Every measure with its unit, given or not, in declaration order.
    pub const fn all(&self) -> [(SpecificPer, Option<Decimal>); 6] {
        [
            (SpecificPer::Liter, self.liter),
            (SpecificPer::ProofLiter, self.proof_liter),
            (SpecificPer::SquareMeter, self.square_meter),
            (SpecificPer::CubicMeter, self.cubic_meter),
            (SpecificPer::Barrel, self.barrel),
            (SpecificPer::Jewel, self.jewel),
        ]
    }

    /// The measure of one unit in `per`, when `per` is a measure of this struct and given.
    pub fn get(&self, per: SpecificPer) -> Option<Decimal> {
        self.all()
            .into_iter()
            .find_map(|(p, v)| if p == per { v } else { None })
    }

    /// Sets `liter`, the volume of one unit in litres.
    #[must_use]
    pub const fn liter(mut self, liters: Decimal) -> Self {
        self.liter = Some(liters);
        self
    }

    /// Sets `proof_liter`, the proof litres of one unit.
    #[must_use]
    pub const fn proof_liter(mut self, proof_liters: Decimal) -> Self {
        self.proof_liter = Some(proof_liters);
        self
    }

    /// Sets `square_meter`, the area of one unit in m².
    #[must_use]
    pub const fn square_meter(mut self, m2: Decimal) -> Self {
        self.square_meter = Some(m2);
        self
    }

    /// Sets `cubic_meter`, the volume of one unit in m³.
    #[must_use]
    pub const fn cubic_meter(mut self, m3: Decimal) -> Self {
        self.cubic_meter = Some(m3);
        self
    }

    /// Sets `barrel`, the barrels in one unit.
    #[must_use]
    pub const fn barrel(mut self, barrels: Decimal) -> Self {
        self.barrel = Some(barrels);
        self
    }

    /// Sets `jewel`, the jewels in the movement of one unit.
    #[must_use]
    pub const fn jewel(mut self, jewels: Decimal) -> Self {
        self.jewel = Some(jewels);
        self
    }
}

/// A landed-cost request for one consignment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// The date of the quote (import date); every dated rule is read for it.
    #[serde(with = "crate::serde_util::date_str")]
    pub date: NaiveDate,
    /// Destination country.
    pub destination: CountryCode,
    /// Subdivision, e.g. a Canadian province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionCode>,
    /// Currency of every amount in the request.
    pub currency: Currency,
    /// Place of direct shipment; default: the first line's origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from: Option<CountryCode>,
    /// Transport mode; default courier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    /// Consumer or business; default consumer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Buyer>,
    /// A business buyer's VAT/GST/ABN number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_tax_id: Option<String>,
    /// The seller's registrations, e.g. `EU_IOSS`, `GB_VAT`, `AU_GST`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seller_registrations: Vec<String>,
    /// DDP or DAP; default DDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoterm: Option<Incoterm>,
    /// International transport for the consignment; default 0.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub shipping: Option<Decimal>,
    /// Insurance; default 0.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub insurance: Option<Decimal>,
    /// Carrier or broker fees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_fees: Vec<ExtraFee>,
    /// Exchange rates for every currency pair the quote needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchange_rates: Vec<ExchangeRate>,
    /// The goods.
    pub lines: Vec<QuoteLine>,
    /// The buyer's purchases under the destination's scheme so far this calendar year, in the
    /// request currency (China's cross-border e-commerce: the ¥26,000 annual limit is tested
    /// on this order's customs value plus this amount). Absent where a rule needs it: the
    /// quote warns that the annual limit was not checked; given where nothing uses it: a
    /// warning says so.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_decimal_str"
    )]
    pub annual_purchases: Option<Decimal>,
}

impl QuoteRequest {
    /// A request dated `date` for `destination`, with every amount in `currency`: the wire
    /// format's required fields, every optional one at its default (no region, shipped from
    /// the first line's origin, courier, consumer buyer, no tax id or registrations, DDP, no
    /// shipping, insurance, extra fees or exchange rates).
    ///
    /// The lines start empty, as `"lines": []`; add them with [`line`](Self::line) or
    /// [`lines`](Self::lines) (a quote refuses a request without lines).
    ///
    /// # Example
    /// ```
    /// use landed::landed::QuoteLine;
    /// use landed::{Decimal, QuoteRequest, RateTables};
    /// let request = QuoteRequest::new("2026-11-25".parse()?, "DE".parse()?, "EUR".parse()?)
    ///     .shipping("4.90".parse()?)
    ///     .line(QuoteLine::new("610910".parse()?, Decimal::ONE, "19.99".parse()?, "CN".parse()?));
    /// let quote = RateTables::embedded()?.quote(&request)?;
    /// assert_eq!(quote.destination.to_string(), "DE");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(date: NaiveDate, destination: CountryCode, currency: Currency) -> Self {
        Self {
            date,
            destination,
            region: None,
            currency,
            ship_from: None,
            transport: None,
            buyer: None,
            buyer_tax_id: None,
            seller_registrations: Vec::new(),
            incoterm: None,
            shipping: None,
            insurance: None,
            extra_fees: Vec::new(),
            exchange_rates: Vec::new(),
            lines: Vec::new(),
            annual_purchases: None,
        }
    }

    /// Sets `annual_purchases`, the buyer's purchases under the destination's scheme so far
    /// this calendar year, in the request currency (China's ¥26,000 annual limit).
    #[must_use]
    pub const fn annual_purchases(mut self, amount: Decimal) -> Self {
        self.annual_purchases = Some(amount);
        self
    }

    /// Sets `region`, a subdivision of the destination such as a Canadian province.
    #[must_use]
    pub const fn region(mut self, region: RegionCode) -> Self {
        self.region = Some(region);
        self
    }

    /// Sets `ship_from`, the place of direct shipment (default: the first line's origin).
    #[must_use]
    pub const fn ship_from(mut self, country: CountryCode) -> Self {
        self.ship_from = Some(country);
        self
    }

    /// Sets `transport` (default courier).
    #[must_use]
    pub const fn transport(mut self, transport: Transport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Sets `buyer` (default consumer).
    #[must_use]
    pub const fn buyer(mut self, buyer: Buyer) -> Self {
        self.buyer = Some(buyer);
        self
    }

    /// Sets `buyer_tax_id`, a business buyer's VAT/GST/ABN number.
    #[must_use]
    pub fn buyer_tax_id(mut self, id: impl Into<String>) -> Self {
        self.buyer_tax_id = Some(id.into());
        self
    }

    /// Adds one of the seller's registrations, e.g. `EU_IOSS`, to `seller_registrations`.
    #[must_use]
    pub fn seller_registration(mut self, registration: impl Into<String>) -> Self {
        self.seller_registrations.push(registration.into());
        self
    }

    /// Sets `seller_registrations`, replacing any added before.
    #[must_use]
    pub fn seller_registrations<S: Into<String>>(
        mut self,
        registrations: impl IntoIterator<Item = S>,
    ) -> Self {
        self.seller_registrations = registrations.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `incoterm` (default DDP).
    #[must_use]
    pub const fn incoterm(mut self, incoterm: Incoterm) -> Self {
        self.incoterm = Some(incoterm);
        self
    }

    /// Sets `shipping`, the international transport for the consignment (default 0).
    #[must_use]
    pub const fn shipping(mut self, amount: Decimal) -> Self {
        self.shipping = Some(amount);
        self
    }

    /// Sets `insurance` (default 0).
    #[must_use]
    pub const fn insurance(mut self, amount: Decimal) -> Self {
        self.insurance = Some(amount);
        self
    }

    /// Adds a carrier or broker fee to `extra_fees`.
    #[must_use]
    pub fn extra_fee(mut self, fee: ExtraFee) -> Self {
        self.extra_fees.push(fee);
        self
    }

    /// Sets `extra_fees`, replacing any added before.
    #[must_use]
    pub fn extra_fees(mut self, fees: impl IntoIterator<Item = ExtraFee>) -> Self {
        self.extra_fees = fees.into_iter().collect();
        self
    }

    /// Adds an exchange rate to `exchange_rates`.
    #[must_use]
    pub fn exchange_rate(mut self, rate: ExchangeRate) -> Self {
        self.exchange_rates.push(rate);
        self
    }

    /// Sets `exchange_rates`, replacing any added before.
    #[must_use]
    pub fn exchange_rates(mut self, rates: impl IntoIterator<Item = ExchangeRate>) -> Self {
        self.exchange_rates = rates.into_iter().collect();
        self
    }

    /// Adds a line to `lines`.
    #[must_use]
    pub fn line(mut self, line: QuoteLine) -> Self {
        self.lines.push(line);
        self
    }

    /// Sets `lines`, replacing any added before.
    #[must_use]
    pub fn lines(mut self, lines: impl IntoIterator<Item = QuoteLine>) -> Self {
        self.lines = lines.into_iter().collect();
        self
    }

    /// Parses a request from JSON. Errors name the field's path, e.g.
    /// `lines[0].unit_price: invalid decimal "12,50" …`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        crate::serde_util::from_json_named(text)
    }
}

/// What a charge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    /// Customs duty (tariff, preference, flat or additional duties).
    Duty,
    /// VAT, GST or another import or sales tax.
    Tax,
    /// A government or carrier fee.
    Fee,
}

/// Where a charge is collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectedAt {
    /// By the seller at checkout (IOSS, UK £135, AU LVIG).
    Checkout,
    /// At the border, by customs or the carrier.
    Border,
    /// Nowhere: nothing is due, or the buyer accounts for it (reverse charge).
    None,
}

pub use super::text::{ChargeArg, ChargeText, RateText};

/// One charge of the cascade: what, on which base, at what rate, under which rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Charge {
    /// Duty, tax or fee.
    pub kind: ChargeKind,
    /// Name, e.g. `customs duty`, `import VAT`, `section_301_list_4a`.
    pub name: Arc<str>,
    /// The base the rate applies to, when it is a value.
    #[serde(with = "crate::serde_util::opt_decimal_str")]
    pub base: Option<Decimal>,
    /// The ad valorem rate in percent, when the charge is one.
    #[serde(with = "crate::serde_util::opt_decimal_str")]
    pub rate: Option<Decimal>,
    /// The rate as written (specific, compound, flat amounts).
    pub rate_text: RateText,
    /// The rounded amount.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub amount: Decimal,
    /// The amount before rounding.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unrounded: Decimal,
    /// The rule or data row that produced the charge.
    pub rule: ChargeText,
    /// The row's source.
    pub source: Arc<str>,
    /// Where it is collected.
    pub collected_at: CollectedAt,
    /// Indices of the lines it applies to.
    pub lines: Vec<usize>,
}

/// The result for one line (amounts in the destination currency, rounded).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct LineQuote {
    /// The line's HS code.
    pub hs_code: HsCode,
    /// Goods value (quantity × unit price, converted).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub goods_value: Decimal,
    /// Customs value (goods, plus shipping and insurance under CIF).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub customs_value: Decimal,
    /// Its share of the shipping.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// Its share of the insurance.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub insurance: Decimal,
    /// Its share of all duty.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub duty: Decimal,
    /// Its share of all tax.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub tax: Decimal,
}

/// A landed-cost quote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Quote {
    /// The destination's currency; every amount is in it.
    pub currency: Currency,
    /// Stable identifier of the regime applied, e.g. `eu_ioss`.
    pub regime: Arc<str>,
    /// Where the import tax is collected.
    pub collected_at: CollectedAt,
    /// DDP or DAP.
    pub incoterm: Incoterm,
    /// The quote's date.
    #[serde(with = "crate::serde_util::date_str")]
    pub date: NaiveDate,
    /// The destination.
    pub destination: CountryCode,
    /// The customs territory of the destination.
    pub territory: Territory,
    /// Goods only.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub intrinsic_value: Decimal,
    /// Customs value of the consignment.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub customs_value: Decimal,
    /// Shipping, converted.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// Insurance, converted.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub insurance: Decimal,
    /// All duty.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub duty: Decimal,
    /// All tax.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub tax: Decimal,
    /// All fees.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub fees: Decimal,
    /// duty + tax + fees.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub total_charges: Decimal,
    /// goods + shipping + insurance + total charges.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub landed_total: Decimal,
    /// Charges the buyer pays at checkout (all of them under DDP).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub due_at_checkout: Decimal,
    /// Charges the buyer pays on delivery (border charges under DAP).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub due_on_delivery: Decimal,
    /// Per line.
    pub lines: Vec<LineQuote>,
    /// Every charge.
    pub charges: Vec<Charge>,
    /// Things the caller should know (assumptions, missing registrations, estimates).
    pub warnings: Vec<String>,
    /// The data the quote was computed with.
    pub data_version: DataVersion,
}

impl Quote {
    /// The quote as pretty JSON.
    ///
    /// # Errors
    /// Never in practice; serialization of these types cannot fail, but the error is passed on
    /// rather than hidden.
    pub fn to_json(&self) -> Result<String, Error> {
        crate::serde_util::to_json_pretty(self)
    }
}
