//! VAT/GST rates by country, optional region, tax category and date (`[[vat]]` rows).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{DataProblem, ProblemKind};
use super::load::{DatedRow, Validity};
use super::series::{Location, Period, RawDated, Series, build_series, row_at};
use super::{DataVersion, RateTables};
use crate::codes::{CountryCode, Percent, RegionCode, TaxCategory};
use crate::error::Error;
use crate::money::{Money, RoundingMode};

/// A named part of a rate, e.g. Japan's national 7.8 % and local 2.2 % of 10 %, or Canada's
/// federal and provincial parts of HST.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaxComponent {
    /// Component name, e.g. `national`.
    pub name: Arc<str>,
    /// Its rate.
    pub rate: Percent,
}

#[derive(Debug, Clone)]
pub(crate) struct VatValue {
    country: CountryCode,
    region: Option<RegionCode>,
    category: TaxCategory,
    pub(crate) rate: Percent,
    pub(crate) components: Vec<TaxComponent>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentRow {
    name: String,
    #[serde(with = "crate::serde_util::decimal_str")]
    rate_percent: Decimal,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VatRow {
    country: CountryCode,
    #[serde(default)]
    region: Option<RegionCode>,
    category: TaxCategory,
    #[serde(with = "crate::serde_util::decimal_str")]
    rate_percent: Decimal,
    #[serde(with = "crate::serde_util::date_str")]
    effective_from: NaiveDate,
    #[serde(default, with = "crate::serde_util::opt_date_str")]
    effective_to: Option<NaiveDate>,
    source: String,
    #[serde(default)]
    components: Vec<ComponentRow>,
}

impl DatedRow for VatRow {
    type Value = VatValue;

    fn into_raw(self, at: Location, problems: &mut Vec<DataProblem>) -> Option<RawDated<VatValue>> {
        let mut ok = true;
        if self.rate_percent.is_sign_negative() && !self.rate_percent.is_zero() {
            problems.push(at.problem(
                ProblemKind::NegativeRate,
                format!(
                    "rate_percent {} is negative; a tax that stops is a row with rate \"0\"",
                    self.rate_percent
                ),
            ));
            ok = false;
        }
        // Ref: no VAT or GST in the data's territories reaches 100 % (the highest standard
        // rate in the world is 27 %); a rate at or above it is a typo (150 for 15).
        if self.rate_percent >= Decimal::ONE_HUNDRED {
            problems.push(at.problem(
                ProblemKind::BadValue,
                format!(
                    "rate_percent {} is 100 or more; a VAT/GST rate is a percentage below 100 (15 % is \"15\")",
                    self.rate_percent
                ),
            ));
            ok = false;
        }
        let mut sum = Decimal::ZERO;
        for c in &self.components {
            if c.rate_percent.is_sign_negative() && !c.rate_percent.is_zero() {
                problems.push(at.problem(
                    ProblemKind::NegativeRate,
                    format!(
                        "component {} has a negative rate {}",
                        c.name, c.rate_percent
                    ),
                ));
                ok = false;
            }
            sum = sum.checked_add(c.rate_percent).unwrap_or(Decimal::MAX);
        }
        if !self.components.is_empty() && sum != self.rate_percent {
            problems.push(at.problem(
                ProblemKind::Inconsistent,
                format!(
                    "components sum to {sum} but rate_percent is {}; make them agree",
                    self.rate_percent
                ),
            ));
            ok = false;
        }
        if !ok {
            return None;
        }
        let value = VatValue {
            country: self.country,
            region: self.region,
            category: self.category,
            rate: Percent::new(self.rate_percent),
            components: self
                .components
                .into_iter()
                .map(|c| TaxComponent {
                    name: Arc::from(c.name),
                    rate: Percent::new(c.rate_percent),
                })
                .collect(),
        };
        Validity {
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            source: self.source,
        }
        .wrap(at, value, problems)
    }
}

type VatKey = (CountryCode, Option<RegionCode>, TaxCategory);
type Place = (CountryCode, Option<RegionCode>);
type CategorySeries = Vec<(TaxCategory, Series<VatValue>)>;

/// All VAT series, indexed by place then category (a list sorted by category, searched by
/// bisection).
#[derive(Debug, Clone, Default)]
pub(crate) struct VatTable {
    by_place: super::tariff::FastMap<Place, CategorySeries>,
    /// Countries with at least one regional series (a region changes the rate there).
    regional: HashSet<CountryCode, core::hash::BuildHasherDefault<super::tariff::FastHasher>>,
}

impl VatTable {
    pub(crate) fn build(rows: Vec<RawDated<VatValue>>, problems: &mut Vec<DataProblem>) -> Self {
        let series = build_series(
            rows,
            |v| (v.country, v.region, v.category.clone()),
            |(c, r, cat): &VatKey| match r {
                Some(r) => format!("vat {c}-{r} {cat}"),
                None => format!("vat {c} {cat}"),
            },
            problems,
        );
        // Each place's categories are collected, then sorted once: inserting them one by one
        // into a sorted list was quadratic (80,000 categories of one country took 56 s).
        let mut table = Self::default();
        for ((country, region, category), s) in series {
            if region.is_some() {
                table.regional.insert(country);
            }
            table
                .by_place
                .entry((country, region))
                .or_default()
                .push((category, s));
        }
        for list in table.by_place.values_mut() {
            list.sort_by(|a, b| a.0.cmp(&b.0));
        }
        table
    }

    fn insert(
        &mut self,
        country: CountryCode,
        region: Option<RegionCode>,
        category: TaxCategory,
        series: Series<VatValue>,
    ) {
        if region.is_some() {
            self.regional.insert(country);
        }
        let list = self.by_place.entry((country, region)).or_default();
        // The list is sorted by category: a binary search finds the slot.
        match list.binary_search_by(|(c, _)| c.cmp(&category)) {
            Ok(i) => {
                if let Some(slot) = list.get_mut(i) {
                    slot.1 = series;
                }
            }
            Err(i) => list.insert(i, (category, series)),
        }
    }

    /// Replaces every series `other` has.
    pub(crate) fn overlay(&mut self, other: &Self) {
        for ((country, region), list) in &other.by_place {
            for (category, series) in list {
                self.insert(*country, *region, category.clone(), series.clone());
            }
        }
    }

    fn series(
        &self,
        country: CountryCode,
        region: Option<RegionCode>,
        category: &TaxCategory,
    ) -> Option<&Series<VatValue>> {
        let list = self.by_place.get(&(country, region))?;
        let i = list.binary_search_by(|(c, _)| c.cmp(category)).ok()?;
        list.get(i).map(|(_, s)| s)
    }

    /// True when the country has regional series, so that a quote must name the region.
    pub(crate) fn has_regions(&self, country: CountryCode) -> bool {
        self.regional.contains(&country)
    }

    pub(crate) fn len(&self) -> usize {
        self.by_place.values().map(Vec::len).sum()
    }

    /// Every (country, region, category) key and its rows, for tests and listings.
    pub(crate) fn iter(
        &self,
    ) -> impl Iterator<
        Item = (
            CountryCode,
            Option<RegionCode>,
            &TaxCategory,
            &Series<VatValue>,
        ),
    > {
        self.by_place
            .iter()
            .flat_map(|((c, r), list)| list.iter().map(move |(cat, s)| (*c, *r, cat, s)))
    }
}

/// A VAT/GST rate found for a (country, region, category, date), with its provenance.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct VatRate<'a> {
    /// The country.
    pub country: CountryCode,
    /// The region whose series matched, or `None` when the national rate applies.
    pub region: Option<RegionCode>,
    /// The category.
    pub category: &'a TaxCategory,
    /// The rate.
    pub rate: Percent,
    /// Named parts of the rate, if the data splits it (JP national/local, CA HST).
    pub components: &'a [TaxComponent],
    /// The period of the row in force.
    pub period: Period,
    /// The row's source (URL or legal reference).
    pub source: &'a str,
    /// The data the rate was read from.
    pub data_version: &'a DataVersion,
}

/// One VAT row, for listing a table (see [`RateTables::vat_rows`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct VatRowView<'a> {
    /// The country.
    pub country: CountryCode,
    /// The region, for sub-national series.
    pub region: Option<RegionCode>,
    /// The category.
    pub category: &'a TaxCategory,
    /// The rate.
    pub rate: Percent,
    /// The row's period.
    pub period: Period,
    /// The row's source.
    pub source: &'a str,
}

/// The subdivisions (ISO 3166-2 codes without the country prefix) of each country whose taxes
/// depend on the region, so that a region without its own series (Quebec and Alberta pay the
/// federal GST only) can be told apart from a typo. A country with regional rows in the data
/// but not listed here accepts only the regions that have rows; a test checks that every such
/// country of the embedded data is listed.
// Ref: ISO 3166-2:CA (10 provinces and 3 territories); ISO 3166-2:BR (26 states and the
// Federal District).
const SUBDIVISIONS: &[(&str, &[&str])] = &[
    (
        "CA",
        &[
            "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
        ],
    ),
    (
        "BR",
        &[
            "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
            "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
        ],
    ),
];

/// The listed subdivisions of `country`, if any.
fn subdivisions(country: CountryCode) -> Option<&'static [&'static str]> {
    SUBDIVISIONS
        .iter()
        .find(|(c, _)| *c == country.as_str())
        .map(|(_, list)| *list)
}

impl VatTable {
    /// Checks a region given for `country`: for a country whose taxes depend on the region, it
    /// must be one of its subdivisions (or have rows of its own); for any other country it is
    /// ignored (the national rate applies everywhere, so a shop may pass the address's region
    /// for every destination).
    fn check_region(&self, country: CountryCode, region: RegionCode) -> Result<(), Error> {
        if !self.has_regions(country) {
            return Ok(());
        }
        let listed = subdivisions(country);
        if listed.is_some_and(|l| l.contains(&region.as_str()))
            || self.by_place.contains_key(&(country, Some(region)))
        {
            return Ok(());
        }
        let mut valid: Vec<&str> = listed.map(<[&str]>::to_vec).unwrap_or_default();
        valid.extend(
            self.by_place
                .keys()
                .filter(|(c, r)| *c == country && r.is_some())
                .filter_map(|(_, r)| r.as_ref().map(RegionCode::as_str)),
        );
        valid.sort_unstable();
        valid.dedup();
        Err(Error::input(
            "region",
            format!(
                "{:?} is not a region of {country}, where the tax rate depends on the region; use one of {} (the iso 3166-2 code without \"{country}-\")",
                region.as_str(),
                valid.join(", ")
            ),
        ))
    }
}

impl RateTables {
    /// The row in force and the region whose series matched (crate-internal: the source stays
    /// an `Arc`).
    pub(crate) fn vat_dated(
        &self,
        country: CountryCode,
        region: Option<RegionCode>,
        category: &TaxCategory,
        date: NaiveDate,
    ) -> Result<(&super::series::Dated<VatValue>, Option<RegionCode>), Error> {
        if let Some(r) = region {
            self.vat.check_region(country, r)?;
        }
        let regional =
            region.and_then(|r| self.vat.series(country, Some(r), category).map(|s| (s, r)));
        let row = match regional {
            Some((series, r)) => row_at(
                Some(series),
                "vat",
                || format!("{country}-{r} {category}"),
                date,
            )?,
            None => row_at(
                self.vat.series(country, None, category),
                "vat",
                || format!("{country} {category}"),
                date,
            )?,
        };
        let matched_region = regional.map(|(_, r)| r);
        Ok((row, matched_region))
    }

    /// The VAT/GST rate for `country`, optional `region`, `category` on `date`.
    ///
    /// A region with its own series (a Canadian HST province) uses it; another subdivision of
    /// the country (a GST-only province such as QC or AB), or no region, uses the national
    /// series. For a country whose taxes do not depend on the region (no regional rows in the
    /// data, e.g. DE) a region is ignored: the national rate applies everywhere, and the
    /// result's `region` is `None` to show it. A date outside the series is an error, never the
    /// nearest rate.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `region` when the country's taxes depend on the region
    /// and the code is not one of its subdivisions (the message lists them);
    /// [`Error::UnknownSeries`] when no series exists for the country and category;
    /// [`Error::NoRateInForce`] when the date is outside the series.
    ///
    /// # Example
    /// ```
    /// use landed::{RateTables, TaxCategory};
    /// let tables = RateTables::embedded()?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).ok_or("date")?;
    /// let r = tables.vat_rate("DE".parse()?, None, &TaxCategory::standard(), date)?;
    /// assert_eq!(r.rate.to_string(), "16");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vat_rate(
        &self,
        country: CountryCode,
        region: Option<RegionCode>,
        category: &TaxCategory,
        date: NaiveDate,
    ) -> Result<VatRate<'_>, Error> {
        let (row, matched_region) = self.vat_dated(country, region, category, date)?;
        Ok(VatRate {
            country,
            region: matched_region,
            category: &row.value.category,
            rate: row.value.rate,
            components: &row.value.components,
            period: row.period,
            source: &row.source,
            data_version: &self.version,
        })
    }

    /// Every VAT row in the tables, in no particular order.
    pub fn vat_rows(&self) -> impl Iterator<Item = VatRowView<'_>> {
        self.vat
            .iter()
            .flat_map(|(country, region, category, series)| {
                series.rows().iter().map(move |row| VatRowView {
                    country,
                    region,
                    category,
                    rate: row.value.rate,
                    period: row.period,
                    source: &row.source,
                })
            })
    }
}

/// A net price with the VAT/GST added, rounded once at the currency's minor unit, with the
/// rate's provenance. See [`RateTables::tax_inclusive`].
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct TaxInclusive {
    /// The net price as given.
    pub net: Money,
    /// The rate applied.
    pub rate: Percent,
    /// The tax before rounding.
    #[serde(serialize_with = "crate::serde_util::decimal_str::serialize")]
    pub tax_unrounded: Decimal,
    /// The tax, rounded once to the minor unit with `rounding`.
    pub tax: Money,
    /// Net plus tax.
    pub gross: Money,
    /// The rounding mode used.
    pub rounding: RoundingMode,
    /// The period of the rate row.
    pub period: Period,
    /// The rate row's source.
    pub source: String,
    /// The data the rate came from.
    pub data_version: DataVersion,
}

impl RateTables {
    /// Adds VAT/GST to a net price: `tax = round(net × rate)` at the currency's minor unit
    /// with `rounding` (the unrounded tax is kept), `gross = net + tax`.
    ///
    /// # Errors
    /// As [`RateTables::vat_rate`], plus [`Error::Overflow`] and [`Error::NotPriceable`].
    ///
    /// # Example
    /// ```
    /// use landed::{Money, RateTables, RoundingMode, TaxCategory};
    /// let tables = RateTables::embedded()?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?;
    /// let p = tables.tax_inclusive(
    ///     Money::parse("10.00", "EUR")?, "FI".parse()?, None, &TaxCategory::standard(), date,
    ///     RoundingMode::HalfUp,
    /// )?;
    /// assert_eq!(p.tax.to_string(), "2.55 EUR");
    /// assert_eq!(p.gross.to_string(), "12.55 EUR");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tax_inclusive(
        &self,
        net: Money,
        country: CountryCode,
        region: Option<RegionCode>,
        category: &TaxCategory,
        date: NaiveDate,
        rounding: RoundingMode,
    ) -> Result<TaxInclusive, Error> {
        let found = self.vat_rate(country, region, category, date)?;
        let unrounded = net.checked_mul(found.rate.as_fraction()?)?;
        let tax = unrounded.round_to_minor(rounding)?;
        Ok(TaxInclusive {
            net,
            rate: found.rate,
            tax_unrounded: unrounded.amount(),
            tax,
            gross: net.checked_add(tax)?,
            rounding,
            period: found.period,
            source: found.source.to_owned(),
            data_version: found.data_version.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_with_regional_rows_lists_its_subdivisions() {
        let tables = RateTables::embedded().unwrap();
        for (country, region, _, _) in tables.vat.iter() {
            let Some(region) = region else { continue };
            let listed = subdivisions(country)
                .unwrap_or_else(|| panic!("{country} has regional rows; add it to SUBDIVISIONS"));
            assert!(listed.contains(&region.as_str()), "{country}-{region}");
        }
    }
}
