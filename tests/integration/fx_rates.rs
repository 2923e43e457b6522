//! FX repricing: reference rates, cross rates, markup, rounding, lock, staleness, drift.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use landed::data::ReferenceRates;
use landed::fx::{self, EndingChoice, FxPolicy, Repricer, StalenessPolicy};
use landed::{Bps, Error, Money, RateTables, RoundingMode};
use rust_decimal::Decimal;

use crate::{date, dec};

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn ecb() -> Arc<ReferenceRates> {
    Arc::clone(tables().reference_rates("ECB", date("2025-10-21")).unwrap())
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn cur(s: &str) -> landed::Currency {
    s.parse().unwrap()
}

fn repricer(policy: &FxPolicy) -> Repricer {
    Repricer::new(tables(), ecb(), policy, None).unwrap()
}

/// A custom table with EUR pivot.
fn table(rates: &[(&str, &str)]) -> Arc<ReferenceRates> {
    Arc::new(
        ReferenceRates::new(
            cur("EUR"),
            date("2025-10-21"),
            "TEST",
            rates.iter().map(|(c, r)| (cur(c), dec(r))),
        )
        .unwrap(),
    )
}

#[test]
fn the_embedded_ecb_table_has_thirty_currencies_with_digits_as_published() {
    let t = ecb();
    assert_eq!(t.rates().count(), 30);
    assert_eq!(t.pivot(), cur("EUR"));
    assert_eq!(t.source(), "ECB");
    assert_eq!(t.rate(cur("GBP")).unwrap().to_string(), "0.86780");
    assert_eq!(t.rate(cur("IDR")).unwrap().to_string(), "19272.67");
    assert_eq!(t.rate(cur("INR")).unwrap().to_string(), "102.1073");
    assert!(t.citation().unwrap().contains("ecb.europa.eu"));
    // At least 12 settlement currencies work out of the box, into and out of each other.
    let settle = [
        "EUR", "USD", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "SGD", "HKD",
        "NZD",
    ];
    for from in settle {
        for to in settle {
            let p = FxPolicy::new(cur(to));
            let q = repricer(&p)
                .convert(Money::parse("100", from).unwrap())
                .unwrap();
            assert!(q.amount > Decimal::ZERO, "{from}→{to}");
        }
    }
}

#[test]
fn cross_rates_go_through_the_pivot_and_divide_last() {
    let t = ecb();
    // 100 USD → GBP = 100 × 0.86780 / 1.1607 = 74.7652278797…
    let v = t.convert(dec("100"), cur("USD"), cur("GBP")).unwrap();
    assert!(
        v.to_string().starts_with("74.76522787972775049539071250"),
        "{v}"
    );
    let q = repricer(&FxPolicy::new(cur("GBP")))
        .convert(Money::parse("100.00", "USD").unwrap())
        .unwrap();
    assert_eq!(q.amount, dec("74.77"));
    assert_eq!(q.reference_rate, t.cross(cur("USD"), cur("GBP")).unwrap());
    // 10 USD → JPY = 10 × 176.45 / 1.1607 = 1520.2033… → 1520 (JPY has no decimals)
    let q = repricer(&FxPolicy::new(cur("JPY")))
        .convert(Money::parse("10.00", "USD").unwrap())
        .unwrap();
    assert_eq!(q.amount.to_string(), "1520");
    // 12,345.67 JPY → KRW = 12345.67 × 1660.38 / 176.45 = 116171.7401… → 116172
    let q = repricer(&FxPolicy::new(cur("KRW")))
        .convert(Money::parse("12345.67", "JPY").unwrap())
        .unwrap();
    assert_eq!(q.amount.to_string(), "116172");
    // Pivot to a currency and back: the rate as published.
    assert_eq!(
        t.cross(cur("EUR"), cur("GBP")).unwrap().to_string(),
        "0.86780"
    );
}

#[test]
fn the_inverse_pair_divides_instead_of_multiplying_by_a_rounded_inverse() {
    let t = ecb();
    // 1,000,000,000 GBP → EUR = 1e9 / 0.86780 = 1,152,339,248.67…; a rounded inverse
    // (1.1523) would give 1,152,300,000.00, 39,248.67 EUR off.
    let q = repricer(&FxPolicy::new(cur("EUR")))
        .convert(Money::parse("1000000000.00", "GBP").unwrap())
        .unwrap();
    assert_eq!(q.amount, dec("1152339248.67"));
    let via_inverse = dec("1000000000.00") * dec("1.1523");
    assert_ne!(q.amount, via_inverse.round_dp(2));
    assert_eq!(
        t.convert(dec("0.86780"), cur("GBP"), cur("EUR")).unwrap(),
        Decimal::ONE
    );
}

#[test]
fn the_markup_is_shown_apart_from_the_rate() {
    let p = FxPolicy::new(cur("GBP")).with_markup(Bps::new(dec("150")));
    let q = repricer(&p)
        .convert(Money::parse("100.00", "USD").unwrap())
        .unwrap();
    // mid 74.7652…; all-in = mid × 1.015 = 75.8867…
    assert_eq!(q.amount, dec("75.89"));
    assert_eq!(q.markup_percent, dec("1.5"));
    assert_eq!(q.markup_bps.value(), dec("150"));
    // 75.8867… − 74.7652… = 1.1214… → 1.12
    assert_eq!(q.markup_amount, dec("1.12"));
    // all-in = rate(to) × (1 + 150/10,000) / rate(from), dividing last.
    assert_eq!(
        q.all_in_rate,
        (dec("0.86780") * dec("1.015") / dec("1.1607")).normalize()
    );
    assert!(
        q.unrounded.to_string().starts_with("75.8867062979"),
        "{}",
        q.unrounded
    );
    assert_eq!(q.source.as_ref(), "ECB");
    assert_eq!(q.as_of, date("2025-10-21"));
    assert_eq!(q.before_ending, q.amount);
    // A fractional markup is exact too: 12.5 bps = 0.125 %.
    let p = FxPolicy::new(cur("GBP")).with_markup(Bps::new(dec("12.5")));
    let q = repricer(&p)
        .convert(Money::parse("100.00", "USD").unwrap())
        .unwrap();
    assert_eq!(q.markup_percent, dec("0.125"));
    // A markup of −100 % or less is refused.
    let p = FxPolicy::new(cur("GBP")).with_markup(Bps::new(dec("-10000")));
    let e = Repricer::new(tables(), ecb(), &p, None).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "markup_bps"),
        "{e}"
    );
}

/// Every rounding mode at a midpoint, off a midpoint, on negatives and at zero; for a 0-, 2-
/// and 3-decimal currency. Rates chosen so the exact value is known.
#[test]
fn every_rounding_mode_on_midpoints_negatives_and_zero_in_0_2_and_3_decimal_currencies() {
    use RoundingMode::*;
    let rates = table(&[("USD", "1.5"), ("JPY", "150"), ("KWD", "0.3")]);
    // (to, amount in EUR, exact value) → expected per mode in RoundingMode::ALL order:
    // half_even, half_up, half_down, up, down, ceiling, floor, half_ceiling
    let cases: &[(&str, &str, [&str; 8])] = &[
        // 0.03 × 1.5 = 0.045: a midpoint at 2 decimals
        (
            "USD",
            "0.03",
            [
                "0.04", "0.05", "0.04", "0.05", "0.04", "0.05", "0.04", "0.05",
            ],
        ),
        (
            "USD",
            "-0.03",
            [
                "-0.04", "-0.05", "-0.04", "-0.05", "-0.04", "-0.04", "-0.05", "-0.04",
            ],
        ),
        // 0.029 × 1.5 = 0.0435: below the midpoint
        (
            "USD",
            "0.029",
            [
                "0.04", "0.04", "0.04", "0.05", "0.04", "0.05", "0.04", "0.04",
            ],
        ),
        (
            "USD",
            "-0.029",
            [
                "-0.04", "-0.04", "-0.04", "-0.05", "-0.04", "-0.04", "-0.05", "-0.04",
            ],
        ),
        // 0.05 × 1.5 = 0.075: a midpoint with an odd lower neighbour (half_even goes up)
        (
            "USD",
            "0.05",
            [
                "0.08", "0.08", "0.07", "0.08", "0.07", "0.08", "0.07", "0.08",
            ],
        ),
        (
            "USD",
            "0",
            [
                "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00",
            ],
        ),
        // 0.01 × 150 = 1.5 yen; 0.03 × 150 = 4.5 yen
        ("JPY", "0.01", ["2", "2", "1", "2", "1", "2", "1", "2"]),
        (
            "JPY",
            "-0.03",
            ["-4", "-5", "-4", "-5", "-4", "-4", "-5", "-4"],
        ),
        // 0.005 × 0.3 = 0.0015 KWD: a midpoint at 3 decimals
        (
            "KWD",
            "0.005",
            [
                "0.002", "0.002", "0.001", "0.002", "0.001", "0.002", "0.001", "0.002",
            ],
        ),
        (
            "KWD",
            "-0.005",
            [
                "-0.002", "-0.002", "-0.001", "-0.002", "-0.001", "-0.001", "-0.002", "-0.001",
            ],
        ),
    ];
    assert_eq!(
        RoundingMode::ALL,
        [
            HalfEven,
            HalfUp,
            HalfDown,
            Up,
            Down,
            Ceiling,
            Floor,
            HalfCeiling
        ]
    );
    for (to, amount, expected) in cases {
        for (mode, want) in RoundingMode::ALL.iter().zip(expected) {
            let p = FxPolicy::new(cur(to)).with_rounding(*mode);
            let r = Repricer::new(tables(), Arc::clone(&rates), &p, None).unwrap();
            let q = r.convert(Money::parse(amount, "EUR").unwrap()).unwrap();
            assert_eq!(q.amount.to_string(), *want, "{amount} EUR → {to} {mode}");
            // The bulk path agrees on every case.
            let bulk = r.reprice_bulk(cur("EUR"), &[dec(amount)]).unwrap();
            assert_eq!(
                bulk[0].to_string(),
                *want,
                "bulk {amount} EUR → {to} {mode}"
            );
        }
    }
}

#[test]
fn named_errors_for_unknown_currency_expired_lock_stale_rates_and_malformed_tables() {
    // Unknown to the table.
    let e = Repricer::new(tables(), ecb(), &FxPolicy::new(cur("KWD")), None).unwrap_err();
    assert!(matches!(e, Error::NoReferenceRate { .. }), "{e}");
    assert!(e.to_string().contains("KWD"), "{e}");
    let e = repricer(&FxPolicy::new(cur("USD")))
        .convert(Money::parse("1", "AED").unwrap())
        .unwrap_err();
    assert!(matches!(e, Error::NoReferenceRate { .. }), "{e}");
    // Not a currency at all.
    assert!(matches!(
        "XYZ".parse::<landed::Currency>().unwrap_err(),
        Error::Parse { .. }
    ));
    // Expired lock.
    let p = FxPolicy::new(cur("USD")).with_lock_minutes(60);
    let r = Repricer::new(tables(), ecb(), &p, Some(at("2025-10-22T10:00:00Z"))).unwrap();
    let e = r
        .honour(
            Money::parse("1", "EUR").unwrap(),
            at("2025-10-22T11:00:00Z"),
        )
        .unwrap_err();
    assert!(matches!(e, Error::QuoteExpired { .. }), "{e}");
    // Stale rates.
    let e = Repricer::new(
        tables(),
        ecb(),
        &FxPolicy::new(cur("USD")),
        Some(at("2025-11-30T10:00:00Z")),
    )
    .unwrap_err();
    assert!(matches!(e, Error::StaleRates { .. }), "{e}");
    // Malformed tables.
    for bad in [
        "",
        "<Cube currency='USD' rate='1.1'/>",
        "<Cube time='2025-13-01'><Cube currency='USD' rate='1.1'/></Cube>",
        "<Cube time='2025-10-21'><Cube currency='USD' rate='x'/></Cube>",
        "<Cube time='2025-10-21'><Cube currency='USD' rate='-1'/></Cube>",
        "<Cube time='2025-10-21'><Cube currency='USD' rate='1'/><Cube currency='USD' rate='1'/></Cube>",
        "<Cube time='2025-10-21'></Cube>",
    ] {
        let e = ReferenceRates::from_ecb_xml(bad).unwrap_err();
        assert!(matches!(e, Error::MalformedRates { .. }), "{bad}: {e}");
    }
    for bad in [
        "",
        "USD, JPY\n1.1, 2\n",
        "Date, USD,\n21 Octember 2025, 1.1,\n",
        "Date, USD,\n21 October 2025, 1.1, 2, 3\n",
        "Date, USD,\n21 October 2025, abc,\n",
        "Date, USD,\n",
    ] {
        let e = ReferenceRates::from_ecb_csv(bad).unwrap_err();
        assert!(matches!(e, Error::MalformedRates { .. }), "{bad:?}: {e}");
    }
    let e = ReferenceRates::new(
        cur("EUR"),
        date("2025-10-21"),
        "X",
        [(cur("EUR"), dec("2"))],
    )
    .unwrap_err();
    assert!(matches!(e, Error::MalformedRates { .. }), "{e}");
}

/// The ECB's XML and CSV layouts, written from the embedded table, load to the same table.
#[test]
fn ecb_csv_and_xml_load_to_the_same_table() {
    let t = ecb();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\" xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\">\n\t<gesmes:subject>Reference rates</gesmes:subject>\n\t<gesmes:Sender>\n\t\t<gesmes:name>European Central Bank</gesmes:name>\n\t</gesmes:Sender>\n\t<Cube>\n\t\t<Cube time='2025-10-21'>\n",
    );
    let mut head = String::from("Date");
    let mut row = String::from("21 October 2025");
    for (c, r) in t.rates() {
        xml.push_str(&format!("\t\t\t<Cube currency='{c}' rate='{r}'/>\n"));
        head.push_str(&format!(", {c}"));
        row.push_str(&format!(", {r}"));
    }
    xml.push_str("\t\t</Cube>\n\t</Cube>\n</gesmes:Envelope>\n");
    let csv = format!("{head}, \n{row}, \n");
    let from_xml = ReferenceRates::from_ecb_xml(&xml).unwrap();
    let from_csv = ReferenceRates::from_ecb_csv(&csv).unwrap();
    assert_eq!(from_xml, from_csv);
    assert_eq!(from_xml.as_of(), date("2025-10-21"));
    let same: Vec<_> = from_xml.rates().collect();
    let embedded: Vec<_> = t.rates().collect();
    assert_eq!(same, embedded);
    // The digits survive as published (trailing zero of GBP kept).
    assert_eq!(from_csv.rate(cur("GBP")).unwrap().to_string(), "0.86780");
    // The history layouts: several days, ISO dates, N/A cells, double quotes.
    let hist_csv =
        "Date,USD,JPY,BGN,\n2025-10-21,1.1607,176.45,N/A,\n2025-10-20,1.1650,175.90,1.9558,\n";
    let days = landed::fx::parse_ecb_csv(hist_csv).unwrap();
    assert_eq!(days.len(), 2);
    assert!(days[0].rate(cur("BGN")).is_err());
    assert_eq!(days[1].rate(cur("BGN")).unwrap(), dec("1.9558"));
    assert_eq!(
        ReferenceRates::from_ecb_csv(hist_csv).unwrap().as_of(),
        date("2025-10-21")
    );
    let hist_xml = "<Cube><Cube time=\"2025-10-20\"><Cube currency=\"USD\" rate=\"1.1650\"/></Cube><Cube time=\"2025-10-21\"><Cube currency=\"USD\" rate=\"1.1607\"/></Cube></Cube>";
    let days = landed::fx::parse_ecb_xml(hist_xml).unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(
        ReferenceRates::from_ecb_xml(hist_xml)
            .unwrap()
            .rate(cur("USD"))
            .unwrap(),
        dec("1.1607")
    );
}

#[test]
fn the_newest_table_on_or_before_a_date_is_used_and_dates_before_the_first_are_refused() {
    let t = tables();
    assert!(t.reference_rates("ECB", date("2024-01-01")).is_err());
    assert_eq!(
        t.reference_rates("ECB", date("2025-10-21"))
            .unwrap()
            .as_of(),
        date("2025-10-21")
    );
    assert_eq!(
        t.reference_rates("ECB", date("2025-10-25")) // a Saturday
            .unwrap()
            .as_of(),
        date("2025-10-24")
    );
    assert!(matches!(
        t.reference_rates("FED", date("2025-10-22")).unwrap_err(),
        Error::UnknownSeries { .. }
    ));
}

#[test]
fn staleness_uses_the_sources_maximum_age_in_days_error_or_warn() {
    // ECB: 5 days (Good Friday to Easter Monday). Rates of 2025-10-21 (a Tuesday).
    let p = FxPolicy::new(cur("USD"));
    let ok = Repricer::new(tables(), ecb(), &p, Some(at("2025-10-26T23:59:59Z"))).unwrap();
    assert!(ok.warnings().is_empty());
    let e = Repricer::new(tables(), ecb(), &p, Some(at("2025-10-27T00:00:00Z"))).unwrap_err();
    assert!(
        matches!(
            e,
            Error::StaleRates {
                age_days: 6,
                max_age_days: 5,
                ..
            }
        ),
        "{e}"
    );
    // By policy, a warning instead.
    let warn = p.clone().with_staleness(StalenessPolicy::Warn);
    let r = Repricer::new(tables(), ecb(), &warn, Some(at("2025-10-27T00:00:00Z"))).unwrap();
    assert_eq!(r.warnings().len(), 1);
    assert!(r.warnings()[0].contains("6 days old"), "{:?}", r.warnings());
    // The policy's own maximum wins over the data.
    let strict = p.clone().with_max_age_days(1);
    assert!(Repricer::new(tables(), ecb(), &strict, Some(at("2025-10-22T12:00:00Z"))).is_ok());
    assert!(Repricer::new(tables(), ecb(), &strict, Some(at("2025-10-23T12:00:00Z"))).is_err());
    // Rates dated after now: an error, not a negative age.
    let e = Repricer::new(tables(), ecb(), &p, Some(at("2025-10-20T12:00:00Z"))).unwrap_err();
    assert!(matches!(e, Error::RatesFromTheFuture { .. }), "{e}");
    // A source without a policy row needs max_age_days.
    let custom = table(&[("USD", "1.1")]);
    let e = Repricer::new(
        tables(),
        Arc::clone(&custom),
        &p,
        Some(at("2025-10-22T00:00:00Z")),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "max_age_days"),
        "{e}"
    );
    let with_max = p.with_max_age_days(3);
    assert!(
        Repricer::new(
            tables(),
            custom,
            &with_max,
            Some(at("2025-10-22T00:00:00Z"))
        )
        .is_ok()
    );
    // Without now: priced, with a warning that the age was not checked.
    let r = Repricer::new(tables(), ecb(), &FxPolicy::new(cur("USD")), None).unwrap();
    assert!(r.warnings()[0].contains("not checked"));
}

#[test]
fn the_ecb_rate_source_row_starts_1999_01_04() {
    let t = tables();
    assert!(t.max_rate_age_days("ECB", date("1999-01-03")).is_err());
    assert_eq!(t.max_rate_age_days("ECB", date("1999-01-04")).unwrap(), 5);
    assert_eq!(t.max_rate_age_days("ECB", date("1999-01-05")).unwrap(), 5);
}

#[test]
fn a_locked_quote_reproduces_its_amounts_until_it_expires() {
    let p = FxPolicy::new(cur("JPY"))
        .with_markup(Bps::new(dec("150")))
        .with_lock_minutes(60);
    let made = at("2025-10-22T10:00:00Z");
    let r = Repricer::new(tables(), ecb(), &p, Some(made)).unwrap();
    assert_eq!(r.expires_at(), Some(at("2025-10-22T11:00:00Z")));
    let price = Money::parse("49.99", "USD").unwrap();
    let first = r.convert(price).unwrap();
    assert_eq!(first.expires_at, Some(at("2025-10-22T11:00:00Z")));
    for t in ["2025-10-22T10:00:00Z", "2025-10-22T10:59:59Z"] {
        assert_eq!(r.honour(price, at(t)).unwrap(), first, "{t}");
    }
    for t in [
        "2025-10-22T11:00:00Z",
        "2025-10-22T11:00:01Z",
        "2025-10-23T10:00:00Z",
    ] {
        let e = r.honour(price, at(t)).unwrap_err();
        assert!(matches!(e, Error::QuoteExpired { .. }), "{t}: {e}");
    }
    // A lock needs a start.
    let e = Repricer::new(tables(), ecb(), &p, None).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "lock_minutes"),
        "{e}"
    );
    // An unlocked quote cannot be honoured.
    let e = repricer(&FxPolicy::new(cur("JPY")))
        .honour(price, made)
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "lock_minutes"),
        "{e}"
    );
}

#[test]
fn drift_below_at_and_above_the_threshold() {
    let t = Bps::new(dec("300"));
    let cases = [
        ("1.0299", false),
        ("1.0300", false),
        ("1.0301", true),
        ("0.9701", false),
        ("0.9700", false),
        ("0.9699", true),
        ("1", false),
    ];
    for (current, reprice) in cases {
        let d = fx::drift(dec("1"), dec(current), t).unwrap();
        assert_eq!(d.reprice, reprice, "{current}: {}", d.drift_bps);
    }
    assert_eq!(
        fx::drift(dec("1"), dec("1.0301"), t).unwrap().drift_bps,
        dec("301.00")
    );
    assert_eq!(
        fx::drift(dec("1"), dec("0.9699"), t).unwrap().drift_bps,
        dec("-301.00")
    );
    assert_eq!(fx::DEFAULT_DRIFT_THRESHOLD_BPS, 300);
    assert!(fx::drift(dec("0"), dec("1"), t).is_err());
    assert!(fx::drift(dec("1"), dec("1"), Bps::new(dec("-1"))).is_err());
}

#[test]
fn cash_rounding_is_a_separate_step() {
    let rates = table(&[("CHF", "1"), ("DKK", "1"), ("USD", "1")]);
    for (to, amount, cash) in [
        ("CHF", "10.02", "10.00"),
        ("CHF", "10.03", "10.05"),
        ("DKK", "10.24", "10.00"),
        ("DKK", "10.25", "10.50"),
    ] {
        let p = FxPolicy::new(cur(to)).with_cash(true);
        let r = Repricer::new(tables(), Arc::clone(&rates), &p, None).unwrap();
        let q = r.convert(Money::parse(amount, "EUR").unwrap()).unwrap();
        assert_eq!(q.amount.to_string(), amount);
        assert_eq!(q.cash_amount.unwrap().to_string(), cash, "{amount} {to}");
    }
    // Without cash the field is absent.
    let r = Repricer::new(
        tables(),
        Arc::clone(&rates),
        &FxPolicy::new(cur("CHF")),
        None,
    )
    .unwrap();
    assert_eq!(
        r.convert(Money::parse("1", "EUR").unwrap())
            .unwrap()
            .cash_amount,
        None
    );
}

#[test]
fn the_datas_price_endings_by_currency_and_market() {
    let t = tables();
    let usd = t
        .price_ending(cur("USD"), None, date("2026-11-25"))
        .unwrap();
    assert!(usd.source.contains("shopline"));
    // Before the preset's start: refused like every dated row (day before / of / after).
    assert!(
        t.price_ending(cur("USD"), None, date("1999-12-31"))
            .is_err()
    );
    assert!(t.price_ending(cur("USD"), None, date("2000-01-01")).is_ok());
    assert!(t.price_ending(cur("USD"), None, date("2000-01-02")).is_ok());
    // A market without its own row falls back to the currency's row.
    let ca = t
        .price_ending(cur("USD"), Some("CA".parse().unwrap()), date("2026-11-25"))
        .unwrap();
    assert_eq!(ca.market, None);
    // A market row wins when the data has one.
    let overlay = RateTables::from_toml_str(
        "mine.toml",
        r#"schema_version = 1
[[price_ending]]
currency = "USD"
market = "PR"
ending = { kind = "increment", increment = "0.05", direction = "nearest" }
effective_from = "2020-01-01"
source = "test"
"#,
    )
    .unwrap();
    let both = t.with_overrides(&overlay);
    let pr = both
        .price_ending(cur("USD"), Some("PR".parse().unwrap()), date("2026-11-25"))
        .unwrap();
    assert_eq!(pr.market, Some("PR".parse().unwrap()));
    // Used through the policy: GBP ends in .95.
    let p = FxPolicy::new(cur("GBP")).with_ending(EndingChoice::Data { market: None });
    let q = repricer(&p)
        .convert(Money::parse("49.00", "USD").unwrap())
        .unwrap();
    assert_eq!(q.before_ending, dec("36.63")); // 49 × 0.86780 / 1.1607 = 36.6349…
    assert_eq!(q.amount, dec("36.95"));
    // A currency without an ending row is a named error.
    let p = FxPolicy::new(cur("SEK")).with_ending(EndingChoice::Data { market: None });
    let e = Repricer::new(t, ecb(), &p, None).unwrap_err();
    assert!(e.is_missing_rate(), "{e}");
}

#[test]
fn a_broken_ending_in_data_is_a_load_error_with_its_line() {
    let e = RateTables::from_toml_str(
        "mine.toml",
        r#"schema_version = 1
[[price_ending]]
currency = "JPY"
ending = { kind = "increment", increment = "0.50", direction = "up" }
effective_from = "2020-01-01"
source = "test"
"#,
    )
    .unwrap_err();
    assert_eq!(e.problems[0].line, 2, "{e}");
    assert!(e.problems[0].message.contains("minor-unit grid"), "{e}");
    let e = RateTables::from_toml_str(
        "mine.toml",
        r#"schema_version = 1
[[reference_rates]]
source = "ECB"
pivot = "EUR"
as_of = "2025-10-21"
citation = "x"
[reference_rates.rates]
USD = 1.1607
"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("bare float"), "{e}");
}
