//! Property tests of landed-cost quotes, named after the laws they check.

use landed::{Quote, QuoteRequest, RateTables};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

const ORIGINS: [&str; 10] = ["CN", "VN", "US", "GB", "AU", "DE", "MX", "IT", "JP", "CA"];
/// HS codes with GB tariff rows and US additional duties by origin (e.g. section 301 on CN).
const HS_CODES: [&str; 6] = [
    "611020",
    "640411",
    "64041190",
    "8507600020",
    "847130",
    "420221",
];

/// A generated request, with the numbers kept for the laws that need them.
#[derive(Debug, Clone)]
struct Case {
    json: String,
    /// Units of the destination currency per unit of the request currency.
    rate: Decimal,
    shipping: Decimal,
    insurance: Decimal,
}

/// An amount in cents between `lo` and `hi` cents, as a 2-decimal `Decimal`.
fn cents(lo: i64, hi: i64) -> impl Strategy<Value = Decimal> {
    (lo..=hi).prop_map(|c| Decimal::new(c, 2))
}

fn line() -> impl Strategy<Value = (String, u32, Decimal, usize, Decimal)> {
    (
        proptest::sample::select(HS_CODES.to_vec()),
        1u32..=20,
        // Mostly small prices, so that low-value regimes (GBP 135, AUD 1000) are reached too.
        prop_oneof![cents(1, 1_000), cents(1, 20_000), cents(1, 500_000)],
        0..ORIGINS.len(),
        (0i64..=250).prop_map(|r| Decimal::new(r, 1)),
    )
        .prop_map(|(hs, q, p, o, d)| (hs.to_owned(), q, p, o, d))
}

/// Random GB/US/AU requests: 1–6 lines with a `duty_rate` each, origins other than the
/// destination, random shipping, insurance, buyer, registrations, transport, incoterm, an
/// optional extra fee, and either the destination's currency or EUR with a rate.
fn request() -> impl Strategy<Value = Case> {
    (
        proptest::sample::select(vec![("GB", "GBP"), ("US", "USD"), ("AU", "AUD")]),
        proptest::collection::vec(line(), 1..=6),
        cents(0, 20_000),
        cents(0, 5_000),
        proptest::option::of((5_000i64..=20_000).prop_map(|r| Decimal::new(r, 4))),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        proptest::sample::select(vec!["courier", "postal", "air", "ocean", "road"]),
        proptest::sample::select(vec!["DDP", "DAP"]),
        proptest::option::of((cents(0, 5_000), any::<bool>())),
    )
        .prop_map(
            |(
                (dest, dest_cur),
                lines,
                shipping,
                insurance,
                eur_rate,
                (business, tax_id, registered),
                transport,
                incoterm,
                fee,
            )| {
                let (currency, rates, rate) = match eur_rate {
                    Some(r) => (
                        "EUR",
                        format!(
                            r#""exchange_rates": [{{"from": "EUR", "to": "{dest_cur}", "rate": "{r}"}}],"#
                        ),
                        r,
                    ),
                    None => (dest_cur, String::new(), Decimal::ONE),
                };
                let lines: Vec<String> = lines
                    .iter()
                    .map(|(hs, q, p, o, d)| {
                        // Never the destination: shift to the next origin.
                        let mut origin = ORIGINS[*o];
                        if origin == dest {
                            origin = ORIGINS[(*o + 1) % ORIGINS.len()];
                        }
                        format!(
                            r#"{{"hs_code": "{hs}", "quantity": "{q}", "unit_price": "{p}", "origin": "{origin}", "duty_rate": "{d}"}}"#
                        )
                    })
                    .collect();
                let buyer = if business { "business" } else { "consumer" };
                let tax_id = if tax_id {
                    r#""buyer_tax_id": "X123456","#
                } else {
                    ""
                };
                let registrations = if registered {
                    r#""seller_registrations": ["GB_VAT", "AU_GST"],"#
                } else {
                    ""
                };
                let fee = match fee {
                    Some((amount, taxable)) => format!(
                        r#""extra_fees": [{{"name": "clearance", "amount": "{amount}", "taxable": {taxable}}}],"#
                    ),
                    None => String::new(),
                };
                let json = format!(
                    r#"{{"date": "2026-11-25", "destination": "{dest}", "currency": "{currency}",
                        "transport": "{transport}", "buyer": "{buyer}", {tax_id} {registrations}
                        "incoterm": "{incoterm}", "shipping": "{shipping}",
                        "insurance": "{insurance}", {fee} {rates}
                        "lines": [{}]}}"#,
                    lines.join(", ")
                );
                Case {
                    json,
                    rate,
                    shipping,
                    insurance,
                }
            },
        )
}

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn quote_of(case: &Case) -> (QuoteRequest, Quote) {
    let req = QuoteRequest::from_json(&case.json)
        .unwrap_or_else(|e| panic!("generated request should parse: {e}\n{}", case.json));
    let q = tables()
        .quote(&req)
        .unwrap_or_else(|e| panic!("generated request should quote: {e}\n{}", case.json));
    (req, q)
}

fn cent_round(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn sum(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn customs_value_is_at_least_the_goods_value(case in request()) {
        let (req, q) = quote_of(&case);
        prop_assert!(q.customs_value >= q.intrinsic_value, "{} < {}", q.customs_value, q.intrinsic_value);
        for (i, l) in q.lines.iter().enumerate() {
            prop_assert!(l.customs_value >= l.goods_value, "line {}: {} < {}", i, l.customs_value, l.goods_value);
        }
        // GB values CIF (goods + shipping + insurance); US and AU value FOB (goods only).
        let expected = if req.destination.to_string() == "GB" {
            q.intrinsic_value + q.shipping + q.insurance
        } else {
            q.intrinsic_value
        };
        prop_assert_eq!(q.customs_value, expected);
    }

    #[test]
    fn every_charge_is_non_negative(case in request()) {
        let (_, q) = quote_of(&case);
        for c in &q.charges {
            prop_assert!(c.amount >= Decimal::ZERO, "charge {:?}", c);
            prop_assert!(c.base.is_none_or(|b| b >= Decimal::ZERO), "charge {:?}", c);
            prop_assert!(c.rate.is_none_or(|r| r >= Decimal::ZERO), "charge {:?}", c);
        }
        for v in [
            q.intrinsic_value, q.customs_value, q.shipping, q.insurance, q.duty, q.tax, q.fees,
            q.total_charges, q.landed_total, q.due_at_checkout, q.due_on_delivery,
        ] {
            prop_assert!(v >= Decimal::ZERO, "{}", q.to_json().unwrap());
        }
        for l in &q.lines {
            for v in [l.goods_value, l.customs_value, l.shipping, l.insurance, l.duty, l.tax] {
                prop_assert!(v >= Decimal::ZERO, "line {:?}", l);
            }
        }
    }

    #[test]
    fn line_amounts_add_up_to_the_totals_exactly(case in request()) {
        let (_, q) = quote_of(&case);
        prop_assert_eq!(sum(q.lines.iter().map(|l| l.goods_value)), q.intrinsic_value);
        prop_assert_eq!(sum(q.lines.iter().map(|l| l.customs_value)), q.customs_value);
        prop_assert_eq!(sum(q.lines.iter().map(|l| l.shipping)), q.shipping);
        prop_assert_eq!(sum(q.lines.iter().map(|l| l.insurance)), q.insurance);
        prop_assert_eq!(sum(q.lines.iter().map(|l| l.duty)), q.duty);
        prop_assert_eq!(sum(q.lines.iter().map(|l| l.tax)), q.tax);
        let of_kind = |k: landed::landed::ChargeKind| {
            sum(q.charges.iter().filter(|c| c.kind == k).map(|c| c.amount))
        };
        prop_assert_eq!(of_kind(landed::landed::ChargeKind::Duty), q.duty);
        prop_assert_eq!(of_kind(landed::landed::ChargeKind::Tax), q.tax);
        prop_assert_eq!(of_kind(landed::landed::ChargeKind::Fee), q.fees);
        prop_assert_eq!(q.total_charges, q.duty + q.tax + q.fees);
        prop_assert_eq!(
            q.landed_total,
            q.intrinsic_value + q.shipping + q.insurance + q.total_charges
        );
        prop_assert_eq!(q.due_at_checkout + q.due_on_delivery, q.total_charges);
    }

    #[test]
    fn shipping_allocation_is_exact_to_the_cent(case in request()) {
        let (_, q) = quote_of(&case);
        let cent = Decimal::new(1, 2);
        for (total, share_of, given) in [
            (q.shipping, (|l: &landed::landed::LineQuote| l.shipping) as fn(&_) -> _, case.shipping),
            (q.insurance, |l: &landed::landed::LineQuote| l.insurance, case.insurance),
        ] {
            // The converted amount, rounded to the cent once.
            prop_assert_eq!(total, cent_round(given * case.rate));
            prop_assert_eq!(sum(q.lines.iter().map(share_of)), total);
            let goods = sum(q.lines.iter().map(|l| l.goods_value));
            for l in &q.lines {
                let share = share_of(l);
                prop_assert_eq!(share, cent_round(share), "off the cent grid: {}", share);
                // Spread by goods value (equally when every line's goods are zero).
                let exact = if goods.is_zero() {
                    total / Decimal::from(q.lines.len())
                } else {
                    total * l.goods_value / goods
                };
                prop_assert!(
                    (share - exact).abs() < cent,
                    "share {} exact {} total {}", share, exact, total
                );
            }
        }
    }

    #[test]
    fn the_same_request_gives_the_same_bytes(case in request()) {
        let (req, q) = quote_of(&case);
        let first = q.to_json().unwrap();
        let again = tables().quote(&req).unwrap().to_json().unwrap();
        prop_assert_eq!(&first, &again);
        let cloned = tables().quote(&req.clone()).unwrap().to_json().unwrap();
        prop_assert_eq!(&first, &cloned);
        // And after a round trip of the request through its own wire format.
        let round_tripped =
            QuoteRequest::from_json(&serde_json::to_string(&req).unwrap()).unwrap();
        prop_assert_eq!(&req, &round_tripped);
        let reparsed = tables().quote(&round_tripped).unwrap().to_json().unwrap();
        prop_assert_eq!(&first, &reparsed);
    }

    #[test]
    fn every_quote_carries_the_data_version(case in request()) {
        let (_, q) = quote_of(&case);
        prop_assert_eq!(&q.data_version, tables().version());
        let v: serde_json::Value = serde_json::from_str(&q.to_json().unwrap()).unwrap();
        let version = tables().version().to_string();
        prop_assert_eq!(v["data_version"].as_str(), Some(version.as_str()));
    }
}
