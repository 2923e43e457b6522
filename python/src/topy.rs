//! A serde `Serializer` that builds the Python result directly from the library's result
//! types (no JSON text or `serde_json::Value` in between): structs and maps become `dict`s
//! with interned keys, sequences `list`s, and strings under an amount key `Decimal`s (see
//! [`crate::convert`] for which keys).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use pyo3::BoundObject;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use serde::ser::{self, Serialize};

use crate::convert::{Fnv, Kind, ToPy, kind_of};

/// The Python error, or serde's own.
#[derive(Debug)]
pub(crate) enum SerError {
    Py(PyErr),
    Custom(String),
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Py(e) => write!(f, "{e}"),
            Self::Custom(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::Custom(msg.to_string())
    }
}

impl From<PyErr> for SerError {
    fn from(e: PyErr) -> Self {
        Self::Py(e)
    }
}

impl SerError {
    pub(crate) fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Self::Py(e) => e,
            Self::Custom(s) => crate::errors::invalid_input(py, "response", s),
        }
    }
}

type R<'py> = Result<Bound<'py, PyAny>, SerError>;

/// Field names are `&'static str`s from the derives: each is made a Python string once (with
/// the kind of the values under it), found again by its address (equal names at two addresses
/// are two entries, which is harmless). Each struct's fields in the order it serializes them
/// (its shape) are kept too, with a `dict` of those keys to copy. The names and structs are the
/// library's own, so the maps are bounded by the number of names and structs in its result
/// types.
static KEYS: LazyLock<Mutex<KeyTables>> = LazyLock::new(|| Mutex::new(KeyTables::default()));

/// A `&'static str` by its address and length.
type NameId = (usize, usize);

fn id(name: &'static str) -> NameId {
    (name.as_ptr() as usize, name.len())
}

#[derive(Default)]
pub(crate) struct KeyTables {
    /// Python strings of field and variant names, and the kinds of their values.
    names: HashMap<NameId, (Py<PyString>, Kind), Fnv>,
    /// Shapes by struct name and number of fields serialized.
    shapes: HashMap<(NameId, usize), Arc<Shape>, Fnv>,
}

/// One field of a shape.
pub(crate) struct Field {
    name: NameId,
    key: Py<PyString>,
    kind: Kind,
}

/// The fields a struct serialized, in order, and a `dict` of their keys (values `None`): a
/// struct that serializes the same fields again is the copy of the `dict` with its values set,
/// which spares the growing of the `dict` key by key.
pub(crate) struct Shape {
    fields: Box<[Field]>,
    template: Py<PyDict>,
}

/// The field names for one result: the map is locked once per result, not once per field.
/// `try_lock`, never `lock`: a finalizer run by Python while a result is built may build
/// another (on this or, after a switch of the GIL, another thread); that one interns its names
/// without the map rather than wait for it.
#[derive(Default)]
pub(crate) enum Keys {
    #[default]
    Untried,
    Held(MutexGuard<'static, KeyTables>),
    Busy,
}

impl Keys {
    fn tables(&mut self) -> Option<&mut KeyTables> {
        if matches!(self, Self::Untried) {
            *self = match KEYS.try_lock() {
                Ok(guard) => Self::Held(guard),
                Err(_) => Self::Busy,
            };
        }
        match self {
            Self::Held(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn get<'py>(
        &mut self,
        py: Python<'py>,
        name: &'static str,
    ) -> (Bound<'py, PyString>, Kind) {
        match self.tables() {
            Some(t) => {
                let (k, kind) = t
                    .names
                    .entry(id(name))
                    .or_insert_with(|| (PyString::intern(py, name).unbind(), kind_of(name)));
                (k.bind(py).clone(), *kind)
            }
            None => (PyString::intern(py, name), kind_of(name)),
        }
    }

    /// The shape of the struct `name` serializing `len` fields; `Err(true)` when there is
    /// none yet and one may be recorded.
    fn shape(&mut self, name: &'static str, len: usize) -> Result<Arc<Shape>, bool> {
        match self.tables() {
            Some(t) => t.shapes.get(&(id(name), len)).cloned().ok_or(true),
            None => Err(false),
        }
    }

    fn set_shape(
        &mut self,
        py: Python<'_>,
        name: &'static str,
        fields: Vec<Field>,
    ) -> PyResult<()> {
        let len = fields.len();
        let Some(t) = self.tables() else {
            return Ok(());
        };
        let template = PyDict::new(py);
        for f in &fields {
            template.set_item(f.key.bind(py), py.None())?;
        }
        // Two fields of one name (never from a derive) would make the copy a key short.
        if template.len() == len {
            t.shapes.insert(
                (id(name), len),
                Arc::new(Shape {
                    fields: fields.into_boxed_slice(),
                    template: template.unbind(),
                }),
            );
        }
        Ok(())
    }
}

/// Serializes one value in the context of the key it sits under.
pub(crate) struct Ser<'a, 'py> {
    pub(crate) to: &'a mut ToPy<'py>,
    pub(crate) kind: Kind,
}

impl<'a, 'py> Ser<'a, 'py> {
    fn py(&self) -> Python<'py> {
        self.to.py()
    }

    fn int<T: IntoPyObject<'py> + fmt::Display>(self, v: T) -> R<'py> {
        if self.kind == Kind::Amount {
            return ser::Serializer::collect_str(self, &v);
        }
        let py = self.py();
        Ok(v.into_pyobject(py)
            .map_err(|e| SerError::Py(e.into()))?
            .into_any()
            .into_bound())
    }
}

pub(crate) struct Seq<'a, 'py> {
    to: &'a mut ToPy<'py>,
    kind: Kind,
    /// Where its items start on [`ToPy::stack`].
    base: usize,
    variant: Option<&'static str>,
}

/// A struct: its values kept until its end, then set in the copy of its shape's `dict` when it
/// serialized the shape's fields in order, else in a new `dict`.
pub(crate) struct Struct<'a, 'py> {
    to: &'a mut ToPy<'py>,
    shape: Option<Arc<Shape>>,
    /// The fields so far, when the struct has no shape yet (it becomes the shape).
    record: Option<Vec<Field>>,
    name: &'static str,
    /// Whether every field so far is the shape's next.
    in_order: bool,
    /// Where its keys and values start on [`ToPy::key_stack`] and [`ToPy::stack`].
    base: usize,
    key_base: usize,
}

pub(crate) struct Map<'a, 'py> {
    to: &'a mut ToPy<'py>,
    dict: Bound<'py, PyDict>,
    next_key: Option<String>,
    variant: Option<&'static str>,
}

impl<'a, 'py> ser::Serializer for Ser<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = Seq<'a, 'py>;
    type SerializeMap = Map<'a, 'py>;
    type SerializeStruct = Struct<'a, 'py>;
    type SerializeStructVariant = Map<'a, 'py>;

    fn serialize_bool(self, v: bool) -> R<'py> {
        Ok(PyBool::new(self.py(), v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> R<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> R<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> R<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> R<'py> {
        self.int(v)
    }
    fn serialize_i128(self, v: i128) -> R<'py> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> R<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> R<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> R<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> R<'py> {
        self.int(v)
    }
    fn serialize_u128(self, v: u128) -> R<'py> {
        self.int(v)
    }
    fn serialize_f32(self, v: f32) -> R<'py> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R<'py> {
        // The library never writes a binary float; if it did, its shortest text is kept as a
        // Decimal so that no float reaches the caller.
        Ok(self.to.decimal(&v.to_string())?)
    }
    fn serialize_char(self, v: char) -> R<'py> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> R<'py> {
        Ok(self.to.text(v, self.kind)?)
    }
    /// Written into a buffer kept for the whole result: decimals, dates and codes serialize
    /// this way, and `to_string` would allocate for each.
    fn collect_str<T: ?Sized + fmt::Display>(self, value: &T) -> R<'py> {
        use fmt::Write as _;
        let mut buf = std::mem::take(&mut self.to.buf);
        buf.clear();
        write!(buf, "{value}").map_err(|e| SerError::Custom(e.to_string()))?;
        let out = self.to.text(&buf, self.kind);
        self.to.buf = buf;
        Ok(out?)
    }
    fn serialize_bytes(self, _v: &[u8]) -> R<'py> {
        Err(SerError::Custom("bytes in a result".to_owned()))
    }
    fn serialize_none(self) -> R<'py> {
        Ok(self.py().None().into_bound(self.py()))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> R<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, variant: &'static str) -> R<'py> {
        Ok(self.to.field(variant).0.into_any())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> R<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> R<'py> {
        let dict = PyDict::new(self.py());
        let (k, kind) = self.to.field(variant);
        let v = value.serialize(Ser { to: self.to, kind })?;
        dict.set_item(k, v)?;
        Ok(dict.into_any())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'a, 'py>, SerError> {
        Ok(Seq {
            base: self.to.stack.len(),
            to: self.to,
            kind: self.kind,
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Seq<'a, 'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Seq<'a, 'py>, SerError> {
        let kind = self.to.field(variant).1;
        Ok(Seq {
            base: self.to.stack.len(),
            to: self.to,
            kind,
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'py>, SerError> {
        let dict = PyDict::new(self.py());
        Ok(Map {
            to: self.to,
            dict,
            next_key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Struct<'a, 'py>, SerError> {
        let (shape, record) = match self.to.keys.shape(name, len) {
            Ok(shape) => (Some(shape), None),
            Err(may_record) => (None, may_record.then(|| Vec::with_capacity(len))),
        };
        Ok(Struct {
            base: self.to.stack.len(),
            key_base: self.to.key_stack.len(),
            to: self.to,
            shape,
            record,
            name,
            in_order: true,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Map<'a, 'py>, SerError> {
        let dict = PyDict::new(self.py());
        Ok(Map {
            to: self.to,
            dict,
            next_key: None,
            variant: Some(variant),
        })
    }
}

impl<'py> Seq<'_, 'py> {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), SerError> {
        let v = value.serialize(Ser {
            to: &mut *self.to,
            kind: self.kind,
        })?;
        self.to.stack.push(v);
        Ok(())
    }

    fn finish(self) -> R<'py> {
        let py = self.to.py();
        let base = self.base.min(self.to.stack.len());
        let list = PyList::new(py, self.to.stack.drain(base..))?.into_any();
        match self.variant {
            None => Ok(list),
            Some(variant) => {
                let dict = PyDict::new(py);
                dict.set_item(self.to.field(variant).0, list)?;
                Ok(dict.into_any())
            }
        }
    }
}

impl<'py> ser::SerializeSeq for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> R<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTuple for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> R<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> R<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleVariant for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), SerError> {
        self.push(value)
    }
    fn end(self) -> R<'py> {
        self.finish()
    }
}

impl<'py> Map<'_, 'py> {
    fn finish(self) -> R<'py> {
        match self.variant {
            None => Ok(self.dict.into_any()),
            Some(variant) => {
                let py = self.to.py();
                let outer = PyDict::new(py);
                outer.set_item(self.to.field(variant).0, self.dict)?;
                Ok(outer.into_any())
            }
        }
    }
}

/// Serializes a map key as its text.
struct KeyText;

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = SerError;
    type SerializeSeq = ser::Impossible<String, SerError>;
    type SerializeTuple = ser::Impossible<String, SerError>;
    type SerializeTupleStruct = ser::Impossible<String, SerError>;
    type SerializeTupleVariant = ser::Impossible<String, SerError>;
    type SerializeMap = ser::Impossible<String, SerError>;
    type SerializeStruct = ser::Impossible<String, SerError>;
    type SerializeStructVariant = ser::Impossible<String, SerError>;

    fn serialize_str(self, v: &str) -> Result<String, SerError> {
        Ok(v.to_owned())
    }
    fn serialize_bool(self, v: bool) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, SerError> {
        Err(SerError::Custom("a float map key".to_owned()))
    }
    fn serialize_f64(self, _v: f64) -> Result<String, SerError> {
        Err(SerError::Custom("a float map key".to_owned()))
    }
    fn serialize_char(self, v: char) -> Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, SerError> {
        Err(SerError::Custom("a bytes map key".to_owned()))
    }
    fn serialize_none(self) -> Result<String, SerError> {
        Err(SerError::Custom("a null map key".to_owned()))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<String, SerError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, SerError> {
        Err(SerError::Custom("a unit map key".to_owned()))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, SerError> {
        Err(SerError::Custom("a unit map key".to_owned()))
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<String, SerError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, SerError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(SerError::Custom("a compound map key".to_owned()))
    }
}

impl<'py> ser::SerializeMap for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), SerError> {
        self.next_key = Some(k.serialize(KeyText)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), SerError> {
        let k = self
            .next_key
            .take()
            .ok_or_else(|| SerError::Custom("a map value without a key".to_owned()))?;
        let v = value.serialize(Ser {
            to: &mut *self.to,
            kind: kind_of(&k),
        })?;
        self.dict.set_item(k, v)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeStruct for Struct<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        let py = self.to.py();
        let i = self.to.key_stack.len().saturating_sub(self.key_base);
        let known = self.shape.as_ref().and_then(|s| match s.fields.get(i) {
            Some(f) if f.name == id(name) => Some((f.key.bind(py).clone(), f.kind, true)),
            _ => s
                .fields
                .iter()
                .find(|f| f.name == id(name))
                .map(|f| (f.key.bind(py).clone(), f.kind, false)),
        });
        let (key, kind) = match known {
            Some((key, kind, at_its_place)) => {
                self.in_order &= at_its_place;
                (key, kind)
            }
            None => {
                self.in_order = false;
                self.to.field(name)
            }
        };
        if let Some(record) = &mut self.record {
            record.push(Field {
                name: id(name),
                key: key.clone().unbind(),
                kind,
            });
        }
        let v = value.serialize(Ser {
            to: &mut *self.to,
            kind,
        })?;
        self.to.key_stack.push(key);
        self.to.stack.push(v);
        Ok(())
    }
    fn end(self) -> R<'py> {
        let py = self.to.py();
        if let Some(record) = self.record {
            self.to.keys.set_shape(py, self.name, record)?;
        }
        let ToPy {
            stack, key_stack, ..
        } = &mut *self.to;
        let base = self.base.min(stack.len());
        let key_base = self.key_base.min(key_stack.len());
        let n = stack.len().saturating_sub(base);
        let template = self
            .shape
            .as_ref()
            .filter(|s| self.in_order && s.fields.len() == n)
            .map(|s| s.template.bind(py));
        let dict = match template {
            Some(t) => t.copy()?,
            None => PyDict::new(py),
        };
        for (k, v) in key_stack.drain(key_base..).zip(stack.drain(base..)) {
            dict.set_item(k, v)?;
        }
        Ok(dict.into_any())
    }
}

impl<'py> ser::SerializeStructVariant for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        let (k, kind) = self.to.field(name);
        let v = value.serialize(Ser {
            to: &mut *self.to,
            kind,
        })?;
        self.dict.set_item(k, v)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        self.finish()
    }
}
