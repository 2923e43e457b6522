//! Small-amount rules of the part-1 destinations (issue 19): German customs do not levy an
//! import VAT of less than EUR 1 (`de_small_import_vat`, a `tax_amount` threshold scoped to
//! DE by `destinations`); the same consignment to another EU member pays it.

use landed::landed::ChargeKind;
use landed::{Quote, QuoteRequest, RateTables};
use rust_decimal::Decimal;
use serde_json::json;

use crate::dec;

fn quote(dest: &str, date: &str, price: &str) -> Quote {
    let v = json!({"date": date, "destination": dest, "currency": "EUR", "ship_from": "CN",
        "lines": [{"hs_code": "950300", "quantity": "1", "unit_price": price, "origin": "CN"}]});
    let req = QuoteRequest::from_json(&v.to_string()).unwrap();
    RateTables::embedded().unwrap().quote(&req).unwrap()
}

fn vat_charge(q: &Quote) -> Option<Decimal> {
    q.charges
        .iter()
        .find(|c| c.kind == ChargeKind::Tax)
        .map(|c| c.amount)
}

/// Goods of EUR 5.00 / 5.23 / 5.24 / 5.27 at 19 % (no duty under the EUR 150 relief until
/// 2026-06-30): import VAT 0.95, 0.99 (0.9937), 1.00 (0.9956) and 1.00 (1.0013). Below EUR 1 it
/// is not levied and the quote says why; from EUR 1 on it is levied whole.
#[test]
fn de_import_vat_below_one_euro_is_not_levied_and_from_one_euro_it_is() {
    for date in ["2021-07-01", "2025-06-01", "2026-06-30"] {
        for (price, levied) in [
            ("5.00", None),
            ("5.23", None),
            ("5.24", Some("1.00")),
            ("5.27", Some("1.00")),
        ] {
            let q = quote("DE", date, price);
            assert_eq!(q.duty, Decimal::ZERO, "{date} {price}");
            match levied {
                None => {
                    assert_eq!(q.tax, Decimal::ZERO, "{date} {price}");
                    assert_eq!(vat_charge(&q), None, "{date} {price}");
                    assert!(
                        q.warnings
                            .iter()
                            .any(|w| w.starts_with("de_small_import_vat:")),
                        "{date} {price}: {:?}",
                        q.warnings
                    );
                }
                Some(a) => {
                    assert_eq!(q.tax, dec(a), "{date} {price}");
                    assert!(
                        !q.warnings.iter().any(|w| w.contains("de_small_import_vat")),
                        "{date} {price}"
                    );
                }
            }
        }
    }
}

/// The rule is Germany's: the same EUR 4.00 consignment to France pays its 0.80 import VAT.
#[test]
fn the_small_import_vat_rule_applies_to_germany_only() {
    assert_eq!(quote("DE", "2025-06-01", "4.00").tax, Decimal::ZERO);
    let fr = quote("FR", "2025-06-01", "4.00");
    assert_eq!(fr.tax, dec("0.80"));
    assert!(
        !fr.warnings
            .iter()
            .any(|w| w.contains("de_small_import_vat"))
    );
}
