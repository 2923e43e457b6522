//! A request `dict` read straight into the library's wire types: a serde `Deserializer` over
//! the Python objects, with no JSON text in between.
//!
//! It is only a fast path. It gives the same serde events that the JSON text of
//! [`crate::convert::request_json`] gives `serde_json` (a `Decimal` as its plain decimal
//! string, a `date` or aware `datetime` as its ISO text, a non-negative `int` as a `u64`, a
//! negative one as an `i64`, a `list` or `tuple` as a sequence, `None` as null), so a request
//! it reads is the request the JSON path reads. Anything else, and every failure (a `float`, a
//! naive `datetime`, a key that is not a `str`, an unknown field, a wrong value), gives up with
//! [`Fallback`], carrying no message: the caller then takes the JSON path, which refuses the
//! request with the error it always gave (naming the field's path) or reads what this reader
//! declined.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

use crate::convert::{self, Fnv};

/// The fast path gave up; take the JSON path.
#[derive(Debug)]
pub(crate) struct Fallback;

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not read by the fast path")
    }
}

impl std::error::Error for Fallback {}

impl de::Error for Fallback {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Self
    }
}

impl From<PyErr> for Fallback {
    fn from(_: PyErr) -> Self {
        Self
    }
}

/// `serde_json` refuses nesting deeper than 128 arrays and objects; this reader gives up
/// earlier, so it never reads what the JSON path refuses.
const MAX_DEPTH: u32 = 100;

/// The field names of each wire struct as interned Python strings, by the address of the
/// struct's field list (the derive's `&'static [&'static str]`): a `dict` key that is one of
/// these objects (every key written as a literal in Python source is) is known without reading
/// its text. Bounded by the number of the library's request structs.
static FIELDS: LazyLock<Mutex<FieldMap>> = LazyLock::new(|| Mutex::new(HashMap::default()));

type FieldMap = HashMap<usize, Arc<[Py<PyString>]>, Fnv>;

/// A struct's interned field names beside the names themselves.
type Names = (Arc<[Py<PyString>]>, &'static [&'static str]);

/// The types a value is told apart by, looked up once per request, and the field names.
struct Types<'py> {
    decimal: Bound<'py, PyType>,
    date: Bound<'py, PyType>,
    datetime: Bound<'py, PyType>,
    /// `None` when another request holds the map (a finalizer run by Python in the middle of
    /// this one may read another request); keys are then read as text.
    fields: RefCell<Option<MutexGuard<'static, FieldMap>>>,
}

impl Types<'_> {
    /// The interned names of `fields`.
    fn names(
        &self,
        py: Python<'_>,
        fields: &'static [&'static str],
    ) -> Option<Arc<[Py<PyString>]>> {
        let mut guard = self.fields.try_borrow_mut().ok()?;
        let map = guard.as_mut()?;
        Some(
            map.entry(fields.as_ptr() as usize)
                .or_insert_with(|| {
                    fields
                        .iter()
                        .map(|f| PyString::intern(py, f).unbind())
                        .collect()
                })
                .clone(),
        )
    }
}

/// `s` as UTF-8 text, borrowed from its encoded bytes for `f` (the stable ABI of Python 3.9
/// has no borrowed UTF-8 of a `str`; this spares the copy into a `String`).
fn with_text<R>(
    s: &Bound<'_, PyString>,
    f: impl FnOnce(&str) -> Result<R, Fallback>,
) -> Result<R, Fallback> {
    let bytes = s.encode_utf8()?;
    let text = std::str::from_utf8(bytes.as_bytes()).map_err(|_| Fallback)?;
    f(text)
}

/// `request`, a `dict`, read as `T`; `None` when the JSON path must read it instead (see the
/// module docs).
pub(crate) fn from_dict<T: DeserializeOwned>(request: &Bound<'_, PyDict>) -> Option<T> {
    let py = request.py();
    let types = Types {
        decimal: convert::decimal_type(py).ok()?.clone(),
        date: convert::date_type(py).ok()?.clone(),
        datetime: convert::datetime_type(py).ok()?.clone(),
        fields: RefCell::new(FIELDS.try_lock().ok()),
    };
    T::deserialize(Value {
        obj: request.as_any(),
        types: &types,
        depth: 0,
    })
    .ok()
}

/// One Python value.
struct Value<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    types: &'a Types<'py>,
    depth: u32,
}

impl<'a, 'py> Value<'a, 'py> {
    fn nested(&self) -> Result<u32, Fallback> {
        match self.depth.checked_add(1) {
            Some(d) if d <= MAX_DEPTH => Ok(d),
            _ => Err(Fallback),
        }
    }
}

/// A `Decimal` given to `f` as the JSON path writes it: `str()`, or `format(d, "f")` for the
/// exponent form (`1E+2`); NaN and infinities as they are (the library refuses them).
fn with_decimal_text<R>(
    obj: &Bound<'_, PyAny>,
    f: impl FnOnce(&str) -> Result<R, Fallback>,
) -> Result<R, Fallback> {
    let s = obj.str()?;
    let bytes = s.encode_utf8()?;
    let text = std::str::from_utf8(bytes.as_bytes()).map_err(|_| Fallback)?;
    if text.contains(['E', 'e']) && !text.contains(['N', 'n', 'I', 'i']) {
        let plain = obj.call_method1("__format__", ("f",))?;
        with_text(plain.cast::<PyString>().map_err(PyErr::from)?, f)
    } else {
        f(text)
    }
}

impl<'de, 'py> de::Deserializer<'de> for Value<'_, 'py> {
    type Error = Fallback;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        // The order of the JSON path's `Writer::write`.
        let obj = self.obj;
        if let Ok(s) = obj.cast::<PyString>() {
            return with_text(s, |t| visitor.visit_str(t));
        }
        if obj.is_instance(&self.types.decimal)? {
            return with_decimal_text(obj, |t| visitor.visit_str(t));
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return self.map(d, None, visitor);
        }
        if let Ok(l) = obj.cast::<PyList>() {
            let depth = self.nested()?;
            return seq(l.iter(), self.types, depth, visitor);
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            let depth = self.nested()?;
            return seq(t.iter(), self.types, depth, visitor);
        }
        if obj.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        }
        if obj.is_instance_of::<PyInt>() {
            // As `serde_json` reads the integer the JSON path writes (`i64` only).
            let i: i64 = obj.extract()?;
            return match u64::try_from(i) {
                Ok(u) => visitor.visit_u64(u),
                Err(_) => visitor.visit_i64(i),
            };
        }
        if obj.is_instance_of::<PyFloat>() {
            return Err(Fallback);
        }
        // `datetime` is a subclass of `date`: test it first. A naive one is refused by the
        // JSON path.
        if obj.is_instance(&self.types.datetime)? {
            if obj.getattr("tzinfo")?.is_none() || obj.call_method0("utcoffset")?.is_none() {
                return Err(Fallback);
            }
            let iso = obj.call_method0("isoformat")?;
            return with_text(iso.cast::<PyString>().map_err(PyErr::from)?, |t| {
                visitor.visit_str(t)
            });
        }
        if obj.is_instance(&self.types.date)? {
            let iso = obj.call_method0("isoformat")?;
            return with_text(iso.cast::<PyString>().map_err(PyErr::from)?, |t| {
                visitor.visit_str(t)
            });
        }
        Err(Fallback)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        match self.obj.cast::<PyDict>() {
            Ok(d) => {
                let names = self.types.names(d.py(), fields).map(|n| (n, fields));
                self.map(d, names, visitor)
            }
            Err(_) => self.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        // `serde_json`'s `RawValue` is its own business.
        if name.starts_with("$serde_json") {
            return Err(Fallback);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Fallback> {
        // `serde_json` gives a string's bytes here; no request has a bytes field.
        Err(Fallback)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Fallback> {
        Err(Fallback)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        // As `serde_json`: a string is a unit variant, an object of one key any variant.
        if let Ok(s) = self.obj.cast::<PyString>() {
            return with_text(s, |t| visitor.visit_enum(t.into_deserializer()));
        }
        if let Ok(d) = self.obj.cast::<PyDict>() {
            if d.len() != 1 {
                return Err(Fallback);
            }
            let Some((k, v)) = d.iter().next() else {
                return Err(Fallback);
            };
            let depth = self.nested()?;
            return visitor.visit_enum(Enum {
                key: k,
                value: v,
                types: self.types,
                depth,
            });
        }
        Err(Fallback)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Fallback> {
        // The JSON path checks every value, ignored or not (a float anywhere is refused).
        Err(Fallback)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

impl<'py> Value<'_, 'py> {
    /// A `dict` as a map; `names`, the interned field names of the struct it is read as.
    fn map<'de, V: Visitor<'de>>(
        &self,
        d: &Bound<'py, PyDict>,
        names: Option<Names>,
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        let depth = self.nested()?;
        let mut map = Map {
            items: d.iter(),
            value: None,
            names,
            types: self.types,
            depth,
        };
        let v = visitor.visit_map(&mut map)?;
        match map.items.next() {
            None => Ok(v),
            Some(_) => Err(Fallback),
        }
    }
}

fn seq<'de, 'py, V: Visitor<'de>>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    types: &Types<'py>,
    depth: u32,
    visitor: V,
) -> Result<V::Value, Fallback> {
    let mut seq = Seq {
        items,
        types,
        depth,
    };
    let v = visitor.visit_seq(&mut seq)?;
    match seq.items.next() {
        None => Ok(v),
        Some(_) => Err(Fallback),
    }
}

struct Seq<'a, 'py, I> {
    items: I,
    types: &'a Types<'py>,
    depth: u32,
}

impl<'de, 'py, I: Iterator<Item = Bound<'py, PyAny>>> de::SeqAccess<'de> for Seq<'_, 'py, I> {
    type Error = Fallback;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Fallback> {
        match self.items.next() {
            None => Ok(None),
            Some(obj) => seed
                .deserialize(Value {
                    obj: &obj,
                    types: self.types,
                    depth: self.depth,
                })
                .map(Some),
        }
    }
}

struct Map<'a, 'py, I> {
    items: I,
    value: Option<Bound<'py, PyAny>>,
    names: Option<Names>,
    types: &'a Types<'py>,
    depth: u32,
}

impl<'de, 'py, I> de::MapAccess<'de> for Map<'_, 'py, I>
where
    I: Iterator<Item = (Bound<'py, PyAny>, Bound<'py, PyAny>)>,
{
    type Error = Fallback;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Fallback> {
        match self.items.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some(v);
                let known = self.names.as_ref().and_then(|(names, fields)| {
                    names
                        .iter()
                        .zip(fields.iter())
                        .find(|(n, _)| n.as_ptr() == k.as_ptr())
                        .map(|(_, f)| *f)
                });
                match known {
                    Some(f) => seed.deserialize(f.into_deserializer()).map(Some),
                    None => seed.deserialize(Key(&k)).map(Some),
                }
            }
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Fallback> {
        let obj = self.value.take().ok_or(Fallback)?;
        seed.deserialize(Value {
            obj: &obj,
            types: self.types,
            depth: self.depth,
        })
    }
}

/// A `dict` key: a `str` (the JSON path refuses any other).
struct Key<'a, 'py>(&'a Bound<'py, PyAny>);

impl<'de> de::Deserializer<'de> for Key<'_, '_> {
    type Error = Fallback;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        let s = self.0.cast::<PyString>().map_err(PyErr::from)?;
        with_text(s, |t| visitor.visit_str(t))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// An object of one key read as an enum: the key names the variant.
struct Enum<'a, 'py> {
    key: Bound<'py, PyAny>,
    value: Bound<'py, PyAny>,
    types: &'a Types<'py>,
    depth: u32,
}

impl<'de, 'a, 'py> de::EnumAccess<'de> for Enum<'a, 'py> {
    type Error = Fallback;
    type Variant = Variant<'a, 'py>;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Variant<'a, 'py>), Fallback> {
        let v = seed.deserialize(Key(&self.key))?;
        Ok((
            v,
            Variant {
                value: self.value,
                types: self.types,
                depth: self.depth,
            },
        ))
    }
}

struct Variant<'a, 'py> {
    value: Bound<'py, PyAny>,
    types: &'a Types<'py>,
    depth: u32,
}

impl<'py> Variant<'_, 'py> {
    fn value(&self) -> Value<'_, 'py> {
        Value {
            obj: &self.value,
            types: self.types,
            depth: self.depth,
        }
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, '_> {
    type Error = Fallback;

    fn unit_variant(self) -> Result<(), Fallback> {
        // `serde_json` reads `{"variant": null}` as a unit variant.
        de::Deserialize::deserialize(self.value())
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, Fallback> {
        seed.deserialize(self.value())
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Fallback> {
        de::Deserializer::deserialize_any(self.value(), visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        de::Deserializer::deserialize_any(self.value(), visitor)
    }
}
