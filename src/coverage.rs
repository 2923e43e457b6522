//! Which destinations the data can quote a landed cost for, and on which days: for listings
//! such as `landed coverage`, and for a caller that checks a date before it asks for a quote.
//!
//! A destination is covered on a day when the data has, for that day:
//! - a customs regime for the destination's customs territory (the `[[territory]]` row that
//!   lists the country on that day, such as EU for DE; otherwise the country itself);
//! - when the data has VAT/GST rows for the country at all, its national standard rate (the
//!   import tax of every regime in the data reads it);
//! - when the data has tariff rows for the territory at all, at least one of them (a quote of
//!   goods without a tariff row gives `duty_rate` per line).
//!
//! Every series is contiguous (the loader refuses gaps), so each is one span from its first
//! row's first day to its last row's last day; a destination's coverage is the intersection of
//! those spans, taken for each stretch of days its territory stays the same.
//!
//! # Example
//! ```
//! use landed::RateTables;
//! let tables = RateTables::embedded()?;
//! let all = tables.coverage();
//! let de = all.iter().find(|c| c.destination.as_str() == "DE").ok_or("DE")?;
//! // Not before the EU regime of the data (the VAT e-commerce package of 2021-07-01).
//! assert!(de.first_day.to_string().as_str() >= "2021-07-01");
//! assert_eq!(de.spans[0].territory.as_str(), "EU");
//! assert_eq!(de.last_day, None); // every series it needs is open-ended
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::codes::{CountryCode, TaxCategory, Territory};
use crate::data::{Period, RateTables};

/// A stretch of days on which a destination is covered, under one customs territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CoverageSpan {
    /// The destination's customs territory on these days.
    pub territory: Territory,
    /// The days (half-open in memory; [`Period::last_day`] is the inclusive last day).
    pub period: Period,
}

/// A destination the landed-cost engine can quote, with the days the data covers (see the
/// [module documentation](self) for what "covered" means).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DestinationCoverage {
    /// The destination country.
    pub destination: CountryCode,
    /// The first covered day.
    pub first_day: NaiveDate,
    /// The last covered day (inclusive), or `None` when every series it needs is open-ended:
    /// then the rows in force stay in force (a quote after
    /// [`RateTables::verified_until`] warns that no one has checked them).
    pub last_day: Option<NaiveDate>,
    /// The covered stretches, oldest first: one, unless the destination changed territory or
    /// a series it needs ends and another begins later.
    pub spans: Vec<CoverageSpan>,
}

/// Half-open `[from, until)`, `None` for no end.
type Span = (NaiveDate, Option<NaiveDate>);

/// The intersection of two spans, `None` when empty.
fn intersect(a: Span, b: Span) -> Option<Span> {
    let from = a.0.max(b.0);
    let until = match (a.1, b.1) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    match until {
        Some(u) if u <= from => None,
        _ => Some((from, until)),
    }
}

/// The envelope of periods (their earliest start to their latest end), `None` when empty.
fn envelope(periods: impl Iterator<Item = Period>) -> Option<Span> {
    periods.fold(None, |acc: Option<Span>, p| match acc {
        None => Some((p.from, p.until)),
        Some((from, until)) => Some((
            from.min(p.from),
            match (until, p.until) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        )),
    })
}

impl RateTables {
    /// Every destination the data can quote a landed cost for, sorted by country code, with
    /// its first and last covered day (see the [`coverage`](crate::coverage) module for how
    /// they are derived from the regime, VAT/GST and tariff series).
    ///
    /// # Example
    /// ```
    /// use landed::RateTables;
    /// let tables = RateTables::embedded()?;
    /// let gb = tables.coverage().into_iter().find(|c| c.destination.as_str() == "GB")
    ///     .ok_or("GB")?;
    /// // In the EU customs union until 2020-12-31, before the data's EU regime starts
    /// // (2021-07-01), so every covered day is under GB's own regime.
    /// assert!(gb.spans.iter().all(|s| s.territory.as_str() == "GB"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn coverage(&self) -> Vec<DestinationCoverage> {
        let customs = &self.customs;
        // Each territory's regime span.
        let regimes: BTreeMap<Territory, Span> = customs
            .regimes
            .values()
            .filter_map(|s| {
                let territory = s.rows().first()?.value.territory;
                Some((territory, envelope(s.rows().iter().map(|r| r.period))?))
            })
            .collect();
        // Each country's national standard VAT/GST span.
        let standard = TaxCategory::standard();
        let mut vat: BTreeMap<CountryCode, Vec<Period>> = BTreeMap::new();
        for row in self.vat_rows() {
            if row.region.is_none() && *row.category == standard {
                vat.entry(row.country).or_default().push(row.period);
            }
        }
        let vat: BTreeMap<CountryCode, Span> = vat
            .into_iter()
            .filter_map(|(c, p)| Some((c, envelope(p.into_iter())?)))
            .collect();
        // Each territory's tariff span: its earliest row's start to its latest row's end.
        let mut tariffs: BTreeMap<Territory, Span> = BTreeMap::new();
        for (rate, period, _) in self.tariff_rows() {
            let span = match tariffs.get(&rate.territory) {
                None => (period.from, period.until),
                Some(&(from, until)) => (
                    from.min(period.from),
                    until.and_then(|u| period.until.map(|p| u.max(p))),
                ),
            };
            tariffs.insert(rate.territory, span);
        }
        // Each listed country's memberships, oldest first.
        let mut members: BTreeMap<CountryCode, Vec<(Period, Territory)>> = BTreeMap::new();
        for series in customs.territories.values() {
            for row in series.rows() {
                for country in &row.value.members {
                    members
                        .entry(*country)
                        .or_default()
                        .push((row.period, row.value.code));
                }
            }
        }
        // Candidates: members of a territory, countries with VAT rows, and countries that
        // are a territory with a regime of their own (US); never a union's code (EU).
        let unions: BTreeSet<Territory> = members
            .values()
            .flat_map(|list| list.iter().map(|(_, t)| *t))
            .collect();
        let mut candidates: BTreeSet<CountryCode> = members.keys().copied().collect();
        candidates.extend(vat.keys().copied());
        candidates.extend(
            regimes
                .keys()
                .filter(|t| !unions.contains(t))
                .filter_map(|t| t.as_str().parse::<CountryCode>().ok()),
        );
        candidates
            .into_iter()
            .filter_map(|country| {
                let mut list = members.get(&country).cloned().unwrap_or_default();
                list.sort_by_key(|(p, _)| p.from);
                let spans = stretches(country, &list)
                    .into_iter()
                    .filter_map(|(territory, stretch)| {
                        let mut span = intersect(stretch, *regimes.get(&territory)?)?;
                        if let Some(v) = vat.get(&country) {
                            span = intersect(span, *v)?;
                        }
                        if let Some(t) = tariffs.get(&territory) {
                            span = intersect(span, *t)?;
                        }
                        Some(CoverageSpan {
                            territory,
                            period: Period {
                                from: span.0,
                                until: span.1,
                            },
                        })
                    })
                    .collect::<Vec<_>>();
                let first = spans.first()?.period.from;
                let last = spans.last()?.period.last_day();
                Some(DestinationCoverage {
                    destination: country,
                    first_day: first,
                    last_day: last,
                    spans,
                })
            })
            .collect()
    }
}

/// The stretches of days of `country`'s territory: its memberships (sorted, never
/// overlapping: the loader refuses that) and, between and around them, the country itself.
fn stretches(country: CountryCode, memberships: &[(Period, Territory)]) -> Vec<(Territory, Span)> {
    let own = Territory::of_country(country);
    let mut out = Vec::with_capacity(memberships.len().saturating_mul(2).saturating_add(1));
    let mut cursor = Some(NaiveDate::MIN);
    for (period, territory) in memberships {
        if let Some(c) = cursor
            && c < period.from
        {
            out.push((own, (c, Some(period.from))));
        }
        out.push((*territory, (period.from, period.until)));
        cursor = period.until;
    }
    if let Some(c) = cursor {
        out.push((own, (c, None)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn embedded_destinations_start_no_earlier_than_their_regimes() {
        let tables = RateTables::embedded().unwrap();
        let all = tables.coverage();
        let by = |c: &str| all.iter().find(|x| x.destination.as_str() == c).unwrap();
        // The regimes' first days bound the coverage from below; the tariff rows (each
        // territory's earliest) may start later.
        for (country, territory, regime_from) in [
            ("DE", "EU", "2021-07-01"),
            ("FR", "EU", "2021-07-01"),
            ("GB", "GB", "2021-01-01"),
            ("US", "US", "2024-10-01"),
            ("CA", "CA", "2020-07-01"),
            ("AU", "AU", "2018-07-01"),
        ] {
            let c = by(country);
            assert!(c.first_day >= d(regime_from), "{c:?}");
            assert_eq!(c.spans.len(), 1, "{c:?}");
            assert_eq!(c.spans[0].territory.as_str(), territory);
            assert_eq!(c.last_day, None, "{c:?}");
        }
        // GB's years in the EU customs union end before the EU regime's data starts.
        assert!(by("GB").spans.iter().all(|s| s.territory.as_str() == "GB"));
        // The 27 EU members, GB, US, CA and AU at least; never a union's code.
        assert!(all.len() >= 31, "{all:?}");
        assert!(all.iter().all(|c| c.destination.as_str() != "EU"));
        assert!(all.windows(2).all(|w| w[0].destination < w[1].destination));
    }

    #[test]
    fn a_territory_change_splits_the_stretches() {
        let gb: CountryCode = "GB".parse().unwrap();
        let eu: Territory = "EU".parse().unwrap();
        let period = Period {
            from: d("2013-07-01"),
            until: Some(d("2021-01-01")),
        };
        let s = stretches(gb, &[(period, eu)]);
        assert_eq!(s.len(), 3);
        assert_eq!(s[1], (eu, (d("2013-07-01"), Some(d("2021-01-01")))));
        assert_eq!(s[2], (Territory::of_country(gb), (d("2021-01-01"), None)));
        assert_eq!(intersect(s[1].1, (d("2021-07-01"), None)), None);
    }
}
