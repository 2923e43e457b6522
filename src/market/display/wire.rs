//! The wire format of a display-price request: a quote request (one line, quantity 1) with
//! an optional `"language"`. The language is taken out and the rest is parsed as a quote
//! request, so every other field means and checks exactly what it does in a quote.

use serde_json::Value;

use super::DisplayRequest;
use crate::error::Error;
use crate::serde_util::{from_json_named, from_value_named};

impl DisplayRequest {
    /// Parses the wire format. Errors name the field.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: a `language` that is not a string, or any
    /// error of [`QuoteRequest::from_json`](crate::QuoteRequest::from_json).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let mut value: Value = from_json_named(text)?;
        let language = match value.as_object_mut().and_then(|o| o.remove("language")) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                return Err(Error::input(
                    "language",
                    "must be a language code as text, e.g. \"de\"",
                ));
            }
        };
        Ok(Self {
            quote: from_value_named(value, "")?,
            language,
        })
    }
}
