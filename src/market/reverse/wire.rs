//! The wire format of a reverse request: a quote request with `"target_total"` in place of
//! `"unit_price"` on every line, and an optional `"near_threshold_percent"`. The two fields
//! are taken out and the rest is parsed as a quote request, so every other field means and
//! checks exactly what it does in a quote.

use rust_decimal::Decimal;
use serde_json::Value;

use super::{ReverseOptions, ReverseRequest};
use crate::error::Error;
use crate::landed::QuoteRequest;
use crate::serde_util::{from_json_named, from_value_named};

/// A request in either shape: a forward quote request, or a reverse one (its lines carry
/// `target_total`). The command-line examples take both.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one request per call; boxing would only add an allocation"
)]
pub enum Request {
    /// No line has `target_total`: a forward quote.
    Quote(QuoteRequest),
    /// Every line has `target_total`: reverse pricing.
    Reverse(ReverseRequest),
}

/// A decimal field, strictly as a string (as every amount of the wire format).
#[derive(serde::Deserialize)]
struct Amount(#[serde(with = "crate::serde_util::decimal_str")] Decimal);

impl Request {
    /// Parses a request of either shape. Errors name the field.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: a line with both or (in a reverse request)
    /// neither of `unit_price` and `target_total`, a malformed amount, or any error of
    /// [`QuoteRequest::from_json`].
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let mut value: Value = from_json_named(text)?;
        let Some(lines) = value.get_mut("lines").and_then(Value::as_array_mut) else {
            return from_value_named(value, "").map(Self::Quote);
        };
        let mut targets = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter_mut().enumerate() {
            let Some(obj) = line.as_object_mut() else {
                continue;
            };
            if let Some(t) = obj.remove("target_total") {
                if obj.contains_key("unit_price") {
                    return Err(Error::input(
                        format!("lines[{i}]"),
                        "gives both unit_price and target_total; give unit_price for a quote or target_total to solve the price",
                    ));
                }
                let Amount(t) = from_value_named(t, &format!("lines[{i}].target_total"))?;
                targets.push((i, t));
                // A placeholder the solver replaces, so the rest parses as a quote request.
                obj.insert("unit_price".into(), Value::String("0".into()));
            }
        }
        let n = lines.len();
        let options = take_options(&mut value)?;
        match (targets.first(), targets.len() == n) {
            (None, _) if options.is_none() => from_value_named(value, "").map(Self::Quote),
            (None, _) => Err(Error::input(
                "near_threshold_percent",
                "is an option of reverse pricing; give target_total on the lines, or remove it",
            )),
            (Some(_), true) => {
                let request = from_value_named(value, "")?;
                let targets = targets.into_iter().map(|(_, t)| t).collect();
                Ok(Self::Reverse(ReverseRequest {
                    request,
                    targets,
                    options: options.unwrap_or_default(),
                }))
            }
            (Some(_), false) => {
                let missing = (0..n)
                    .find(|i| targets.get(*i).is_none_or(|(j, _)| j != i))
                    .unwrap_or(0);
                Err(Error::input(
                    format!("lines[{missing}].target_total"),
                    "missing; a reverse request gives target_total in place of unit_price on every line",
                ))
            }
        }
    }
}

/// Takes `near_threshold_percent` out of the request, if given.
fn take_options(value: &mut Value) -> Result<Option<ReverseOptions>, Error> {
    let Some(p) = value
        .as_object_mut()
        .and_then(|o| o.remove("near_threshold_percent"))
    else {
        return Ok(None);
    };
    let Amount(near_threshold_percent) = from_value_named(p, "near_threshold_percent")?;
    Ok(Some(ReverseOptions {
        near_threshold_percent,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    const LINE: &str = r#""hs_code": "610910", "quantity": "2", "origin": "CN""#;

    fn request(lines: &str, extra: &str) -> String {
        format!(
            r#"{{"date": "2026-11-25", "destination": "DE", "currency": "EUR"{extra}, "lines": [{lines}]}}"#
        )
    }

    #[test]
    fn a_request_without_targets_is_a_quote() {
        let r = Request::from_json(&request(
            &format!(r#"{{{LINE}, "unit_price": "9.99"}}"#),
            "",
        ));
        assert!(matches!(r, Ok(Request::Quote(_))), "{r:?}");
    }

    #[test]
    fn targets_replace_unit_prices() {
        let text = request(
            &format!(r#"{{{LINE}, "target_total": "49.99"}}, {{{LINE}, "target_total": "10"}}"#),
            r#", "near_threshold_percent": "5""#,
        );
        let Ok(Request::Reverse(r)) = Request::from_json(&text) else {
            panic!("{text}");
        };
        assert_eq!(r.targets, [Decimal::new(4999, 2), Decimal::TEN]);
        assert_eq!(r.options.near_threshold_percent, Decimal::from(5));
    }

    #[test]
    fn errors_name_the_line_and_field() {
        let both = request(
            &format!(r#"{{{LINE}, "unit_price": "1", "target_total": "2"}}"#),
            "",
        );
        let e = Request::from_json(&both).unwrap_err().to_string();
        assert!(e.starts_with("lines[0]: gives both"), "{e}");
        let mixed = request(
            &format!(r#"{{{LINE}, "target_total": "2"}}, {{{LINE}, "unit_price": "1"}}"#),
            "",
        );
        let e = Request::from_json(&mixed).unwrap_err().to_string();
        assert!(e.starts_with("lines[1].target_total: missing"), "{e}");
        let number = request(&format!(r#"{{{LINE}, "target_total": 2.5}}"#), "");
        let e = Request::from_json(&number).unwrap_err().to_string();
        assert!(e.starts_with("lines[0].target_total"), "{e}");
        let stray = request(
            &format!(r#"{{{LINE}, "unit_price": "1"}}"#),
            r#", "near_threshold_percent": "5""#,
        );
        let e = Request::from_json(&stray).unwrap_err().to_string();
        assert!(e.starts_with("near_threshold_percent"), "{e}");
    }
}
