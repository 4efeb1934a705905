//! Relation databags: read as string maps, or as serde types with ops' encoding.
//!
//! Juju keeps each databag as a map of strings. Python ops' `Relation.save` and
//! `Relation.load`, and the pydantic-based charm libraries before them, store a struct one
//! field per key, each value encoded as JSON (`"port": "5432"`, `"hosts": "[\"a\", \"b\"]"`,
//! `"tls": "true"`, `"name": "\"pg\""`). [`LocalDatabag::save`] writes that encoding,
//! formatted as Python's `json.dumps` formats it, so a charm ported from Python writes the
//! same bytes and the remote side sees no change; `load` reads it back into any
//! `Deserialize` type, with serde's renames and defaults, ignoring keys the type does not
//! name (as ops does).

use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ModelCore, ModelError};
use crate::backend::{Databag, RelationId, Target};

pub(super) fn read_bag(core: &ModelCore, id: &RelationId, member: &str, target: Target) -> Result<Databag, ModelError> {
    let key = (id.clone(), member.to_owned());
    if let Some(bag) = core.databags.borrow().get(&key) {
        return Ok(bag.clone());
    }
    let bag = match core.backend.relation_get(id, member, target) {
        Ok(bag) => bag,
        // As ops (`_relation_is_gone`): a relation Juju no longer knows reads as empty. A
        // `permission denied`, which ops takes as gone too, stays an error here: the typed
        // handles never ask what Juju refuses, so it means something else went wrong.
        Err(error) if super::network::relation_not_found(&error) => Databag::new(),
        Err(error) => return Err(error.into()),
    };
    core.databags.borrow_mut().insert(key, bag.clone());
    Ok(bag)
}

/// A relation tool's failure, as ops reports it: a relation that went away is
/// [`ModelError::RelationNotFound`], anything else as it was.
pub(super) fn gone_or(error: crate::backend::BackendError, id: &RelationId) -> ModelError {
    if super::network::relation_not_found(&error) { ModelError::RelationNotFound(id.to_string()) } else { error.into() }
}

/// Why a databag could not be read as, or written from, a type. The message names the key
/// or field and what was wrong, never the value: relation data holds passwords. The raw
/// value is kept for the charm to inspect ([`raw_value`](Self::raw_value)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DatabagError {
    /// A key's value is not JSON, as ops' encoding writes every field.
    #[error("relation data key `{key}` is not JSON ({reason}); each field is written as a JSON value")]
    NotJson {
        /// The key.
        key: String,
        /// What is wrong, without the value.
        reason: String,
        /// The value as Juju holds it.
        raw: RawValue,
    },
    /// The decoded fields do not make the type: a missing field, or one of another type.
    #[error("relation data field `{field}` does not read as `{type_name}`: {reason}")]
    Field {
        /// The field, as a path (`port`, `endpoints[0].host`); empty for the whole bag.
        field: String,
        /// The type asked for.
        type_name: &'static str,
        /// What is wrong, without the value.
        reason: String,
        /// The key's value as Juju holds it, when the fault is in one key.
        raw: Option<RawValue>,
    },
    /// The type does not serialize to a map of fields (a number, a list, a unit struct).
    #[error("`{type_name}` cannot be saved to a databag: {reason}")]
    NotFields {
        /// The type given.
        type_name: &'static str,
        /// What it serialized to, or why it did not serialize.
        reason: String,
    },
}

impl DatabagError {
    /// The raw value of the key at fault, if the fault is in one key.
    pub fn raw_value(&self) -> Option<&str> {
        match self {
            DatabagError::NotJson { raw, .. } | DatabagError::Field { raw: Some(raw), .. } => Some(raw.expose()),
            _ => None,
        }
    }
}

/// A value from a databag, kept out of `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct RawValue(String);

impl RawValue {
    /// The value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RawValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<redacted, {} bytes>", self.0.len())
    }
}

/// Reads a databag into `T`: each key's value decoded as JSON, keys `T` does not name
/// ignored, serde's renames and defaults honoured.
pub(super) fn load<T: DeserializeOwned>(bag: &Databag) -> Result<T, DatabagError> {
    // As ops: when the type's fields are known, only their keys are decoded, so other keys
    // (a library's plain-text values) may hold anything.
    let names = field_names::<T>();
    let mut fields = serde_json::Map::new();
    for (key, raw) in bag.iter().filter(|(key, _)| names.is_none_or(|names| names.contains(&key.as_str()))) {
        let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| DatabagError::NotJson {
            key: key.clone(),
            reason: crate::redact::json_error(&e),
            raw: RawValue(raw.clone()),
        })?;
        fields.insert(key.clone(), value);
    }
    serde_path_to_error::deserialize(serde_json::Value::Object(fields)).map_err(|error| {
        let field = error.path().to_string();
        let field = if field == "." { String::new() } else { field };
        let top = field.split(['.', '[']).next().unwrap_or_default();
        DatabagError::Field {
            raw: bag.get(top).map(|raw| RawValue(raw.clone())),
            field,
            type_name: std::any::type_name::<T>(),
            reason: crate::redact::json_error(error.inner()),
        }
    })
}

/// The keys a derived `Deserialize` struct reads (serde hands them to
/// `deserialize_struct`); `None` for other types (maps, flattened structs), whose every
/// key is decoded.
fn field_names<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    use serde::de::{Error, Visitor};

    struct Probe<'a>(&'a mut Option<&'static [&'static str]>);

    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(Self::Error::custom("only the field names were asked for"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(Self::Error::custom("only the field names were asked for"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut names = None;
    let _ = T::deserialize(Probe(&mut names));
    names
}

/// `value` as JSON text exactly as Python's `json.dumps(value)` writes it with its defaults
/// (`", "` and `": "` separators, non-ASCII as `\uXXXX`, floats as `repr`), for the
/// values libraries store whole (ops' `Relation.save` writes each field this way).
///
/// # Errors
///
/// When serde cannot write `value` as JSON (a map with non-string keys, say).
pub fn python_json_dumps<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut text = Vec::new();
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut text, python_json::Formatter))?;
    // The formatter writes only UTF-8 (ASCII, even).
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Encodes `value`'s fields as ops does: one key per field, each value JSON as Python's
/// `json.dumps` writes it.
pub(super) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Databag, DatabagError> {
    let not_fields = |reason: String| DatabagError::NotFields { type_name: std::any::type_name::<T>(), reason };
    let mut text = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, python_json::Formatter);
    value.serialize(&mut serializer).map_err(|e| not_fields(e.to_string()))?;
    let text = String::from_utf8(text).map_err(|e| not_fields(e.to_string()))?;
    // Split the top level without reformatting the fields' own text (their order and
    // spacing are Python's).
    let fields: std::collections::BTreeMap<String, &serde_json::value::RawValue> =
        serde_json::from_str(&text).map_err(|_| not_fields("it is not a struct or map of fields".to_owned()))?;
    Ok(fields.into_iter().map(|(key, raw)| (key, raw.get().to_owned())).collect())
}

/// JSON as Python's `json.dumps` writes it by default: `", "` and `": "` separators,
/// non-ASCII escaped as `\uXXXX`, floats as `repr` prints them (`1e-05`, `1e+16`).
mod python_json {
    use std::io::{self, Write};

    pub(crate) struct Formatter;

    impl serde_json::ser::Formatter for Formatter {
        fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }

        fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }

        fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
            writer.write_all(b": ")
        }

        fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
            for c in fragment.chars() {
                // Python escapes everything outside ' '..='~' (serde_json has already
                // escaped the controls below ' ').
                if c.is_ascii() && c != '\x7f' {
                    writer.write_all(&[c as u8])?;
                } else {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        write!(writer, "\\u{unit:04x}")?;
                    }
                }
            }
            Ok(())
        }

        fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
            writer.write_all(python_float(value).as_bytes())
        }

        fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
            writer.write_all(python_float(f64::from(value)).as_bytes())
        }
    }

    /// Python's `repr(float)`: the shortest digits that read back (Rust finds the same
    /// ones), fixed-point for exponents from -4 to 15 (`0.0001`, `1000000000000000.0`),
    /// else scientific with a signed two-digit exponent (`1e-05`, `1.5e+16`).
    pub(super) fn python_float(value: f64) -> String {
        let scientific = format!("{value:e}");
        let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let body = if (-4..16).contains(&exponent) {
            if exponent >= 0 {
                let point = exponent as usize + 1;
                let int = format!("{digits:0<point$}");
                let (int, frac) = int.split_at(point);
                format!("{int}.{}", if frac.is_empty() { "0" } else { frac })
            } else {
                format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
            }
        } else {
            let (first, rest) = digits.split_at(1);
            let rest = if rest.is_empty() { String::new() } else { format!(".{rest}") };
            let exp_sign = if exponent < 0 { '-' } else { '+' };
            format!("{first}{rest}e{exp_sign}{:02}", exponent.abs())
        };
        format!("{sign}{body}")
    }
}

/// A remote unit's or application's databag (or, in a peer relation, this application's
/// as a non-leader sees it): read-only, as Juju allows.
///
/// It dereferences to a map for reading; there is no way to change it, where Python ops
/// raises `RelationDataAccessError` at run time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemoteDatabag(pub(super) Databag);

impl std::ops::Deref for RemoteDatabag {
    type Target = Databag;

    fn deref(&self) -> &Databag {
        &self.0
    }
}

impl RemoteDatabag {
    /// The bag as `T`, each field decoded from JSON as ops' `Relation.load` does.
    ///
    /// ```
    /// # fn f(relation: &ops::Relation<ops::hello::relations::Db>) -> Result<(), ops::ModelError> {
    /// #[derive(serde::Deserialize)]
    /// struct DatabaseProvides {
    ///     endpoints: String,
    ///     #[serde(default)]
    ///     read_only_endpoints: Option<String>,
    /// }
    /// let provided: DatabaseProvides = relation.remote_app_data()?.load()?;
    /// # let _ = provided; Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ModelError::Databag`] naming the key that is not JSON, or the field that is missing
    /// or of another type (never the value).
    pub fn load<T: DeserializeOwned>(&self) -> Result<T, ModelError> {
        Ok(load(&self.0)?)
    }
}

/// This unit's or this application's databag in one relation, writable.
///
/// Writes send only the keys that change, with `relation-set --file -`, as ops does;
/// setting a key to `""` deletes it.
#[derive(Clone)]
pub struct LocalDatabag {
    core: Rc<ModelCore>,
    id: RelationId,
    member: String,
    target: Target,
}

impl std::fmt::Debug for LocalDatabag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalDatabag").field("relation", &self.id.to_string()).field("member", &self.member).finish()
    }
}

impl LocalDatabag {
    pub(super) fn new(core: Rc<ModelCore>, id: RelationId, member: String, target: Target) -> Self {
        LocalDatabag { core, id, member, target }
    }

    /// The whole bag (`relation-get`, once per dispatch).
    pub fn read(&self) -> Result<Databag, ModelError> {
        read_bag(&self.core, &self.id, &self.member, self.target)
    }

    /// One key's value.
    pub fn get(&self, key: &str) -> Result<Option<String>, ModelError> {
        Ok(self.read()?.get(key).cloned())
    }

    /// The bag as `T`, as [`RemoteDatabag::load`] reads it.
    ///
    /// # Errors
    ///
    /// As [`RemoteDatabag::load`].
    pub fn load<T: DeserializeOwned>(&self) -> Result<T, ModelError> {
        Ok(load(&self.read()?)?)
    }

    /// Writes `value`'s fields, one key per field, each as JSON (ops' `Relation.save`):
    /// only the keys whose text changes are sent.
    ///
    /// ```
    /// # fn f(relation: &ops::Relation<ops::hello::relations::Db>) -> Result<(), ops::ModelError> {
    /// #[derive(serde::Serialize)]
    /// struct DatabaseRequires {
    ///     database: String,
    ///     #[serde(rename = "extra-user-roles")]
    ///     extra_user_roles: Option<String>,
    /// }
    /// let request = DatabaseRequires { database: "hello".into(), extra_user_roles: None };
    /// relation.local_unit_data().save(&request)?; // database="\"hello\"", extra-user-roles="null"
    /// # Ok(()) }
    /// ```
    ///
    /// A field that is not serialized (`skip_serializing_if`) is left as it is in the bag;
    /// ops erases the fields its model omits: give the field a value, or [`remove`](Self::remove) it.
    ///
    /// # Errors
    ///
    /// [`ModelError::Databag`] when `T` is not a struct or map of fields; as [`set`](Self::set).
    pub fn save<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), ModelError> {
        let fields = encode(value)?;
        self.update(fields)
    }

    /// As [`save`](Self::save), and removes every other key: the bag holds `value` and
    /// nothing else afterwards (pydantic-based libraries' `dump(..., clear=True)`).
    ///
    /// # Errors
    ///
    /// As [`save`](Self::save).
    pub fn replace<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), ModelError> {
        let mut fields = encode(value)?;
        for key in self.read()?.keys() {
            fields.entry(key.clone()).or_default();
        }
        self.update(fields)
    }

    /// Sets one key (`""` deletes it).
    ///
    /// ```
    /// # fn f(relation: &ops::Relation<ops::hello::relations::Db>) -> Result<(), ops::ModelError> {
    /// relation.local_unit_data().set("greeting", "hello")?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `relation-get` (to see what changes) or `relation-set`
    /// fails, as when the relation is gone.
    pub fn set(&self, key: impl Into<String>, value: impl Into<String>) -> Result<(), ModelError> {
        self.update([(key.into(), value.into())])
    }

    /// Deletes one key.
    pub fn remove(&self, key: &str) -> Result<(), ModelError> {
        self.update([(key.to_owned(), String::new())])
    }

    /// Sets several keys at once, with a single `relation-set` of those that change.
    ///
    /// # Errors
    ///
    /// As [`set`](Self::set).
    pub fn update<K: Into<String>, V: Into<String>>(
        &self,
        changes: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), ModelError> {
        let mut bag = self.read()?;
        let mut changed = Databag::new();
        for (key, value) in changes {
            let (key, value) = (key.into(), value.into());
            let current = bag.get(&key).map_or("", String::as_str);
            if current != value {
                changed.insert(key.clone(), value.clone());
                if value.is_empty() {
                    bag.remove(&key);
                } else {
                    bag.insert(key, value);
                }
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        self.core.backend.relation_set(&self.id, self.target, &changed).map_err(|e| gone_or(e, &self.id))?;
        self.core.databags.borrow_mut().insert((self.id.clone(), self.member.clone()), bag);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Provides {
        endpoints: Vec<String>,
        #[serde(rename = "tls-ca")]
        tls_ca: Option<String>,
        port: u16,
        #[serde(default)]
        replicas: u8,
        nested: BTreeMap<String, f64>,
    }

    fn bag(pairs: &[(&str, &str)]) -> Databag {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn save_writes_each_field_as_python_json_dumps_does() {
        let value = Provides {
            endpoints: vec!["a:1".into(), "bé:2".into()],
            tls_ca: None,
            port: 5432,
            replicas: 3,
            nested: BTreeMap::from([("small".into(), 0.00001), ("big".into(), 1e16), ("one".into(), 1.0)]),
        };
        let encoded = encode(&value).unwrap();
        assert_eq!(
            encoded,
            bag(&[
                ("endpoints", r#"["a:1", "b\u00e9:2"]"#),
                ("tls-ca", "null"),
                ("port", "5432"),
                ("replicas", "3"),
                ("nested", r#"{"big": 1e+16, "one": 1.0, "small": 1e-05}"#),
            ])
        );
        assert_eq!(load::<Provides>(&encoded).unwrap(), value);
    }

    #[test]
    fn floats_read_as_python_writes_them() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.2345678901234568e17, "1.2345678901234568e+17"),
            (1e100, "1e+100"),
            (123.456, "123.456"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
        ];
        for (value, python) in cases {
            assert_eq!(python_json::python_float(value), python, "{value}");
        }
    }

    #[test]
    fn strings_are_escaped_as_python_escapes_them() {
        let encoded = encode(&BTreeMap::from([("s", "tab\t\u{1}\u{7f}\u{1f600}")])).unwrap();
        assert_eq!(encoded["s"], r#""tab\t\u0001\u007f\ud83d\ude00""#);
    }

    #[test]
    fn load_honours_renames_and_defaults_and_ignores_other_keys_as_ops_does() {
        let read: Provides = load(&bag(&[
            ("endpoints", "[]"),
            ("tls-ca", "\"---CERT---\""),
            ("port", "1"),
            ("nested", "{}"),
            ("username", "plain text, not JSON"),
        ]))
        .unwrap();
        assert_eq!((read.replicas, read.tls_ca.as_deref()), (0, Some("---CERT---")));
        // A map type names no fields: every key is decoded.
        let error = load::<BTreeMap<String, serde_json::Value>>(&bag(&[("username", "plain")])).unwrap_err();
        assert!(matches!(error, DatabagError::NotJson { .. }), "{error}");
    }

    #[test]
    fn errors_name_the_key_or_field_and_never_the_value() {
        let error = load::<Provides>(&bag(&[("port", "hunter2")])).unwrap_err();
        assert!(matches!(&error, DatabagError::NotJson { key, .. } if key == "port"), "{error}");
        assert_eq!(error.raw_value(), Some("hunter2"));
        assert!(!error.to_string().contains("hunter2") && !format!("{error:?}").contains("hunter2"), "{error:?}");

        let error = load::<Provides>(&bag(&[
            ("endpoints", "[\"x\"]"),
            ("tls-ca", "null"),
            ("port", "\"s3cret\""),
            ("nested", "{}"),
        ]))
        .unwrap_err();
        assert!(matches!(&error, DatabagError::Field { field, .. } if field == "port"), "{error}");
        assert_eq!(error.raw_value(), Some("\"s3cret\""));
        assert!(!error.to_string().contains("s3cret") && !format!("{error:?}").contains("s3cret"), "{error:?}");

        let error = load::<Provides>(&bag(&[("tls-ca", "null")])).unwrap_err();
        assert!(error.to_string().contains("missing field `endpoints`"), "{error}");

        let error = encode(&[1, 2]).unwrap_err();
        assert!(matches!(error, DatabagError::NotFields { .. }), "{error}");
    }

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Anything {
        text: String,
        number: f64,
        count: i64,
        flags: Vec<bool>,
        nested: BTreeMap<String, Option<String>>,
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever a charm saves, it loads back the same (any text, any finite float),
        /// and every saved value is JSON as the other side's `json.loads` reads it.
        #[test]
        fn what_is_saved_loads_back(
            text in ".*",
            number in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
            count: i64,
            flags in proptest::collection::vec(proptest::bool::ANY, 0..4),
            nested in proptest::collection::btree_map(".{0,8}", proptest::option::of(".{0,8}"), 0..4),
        ) {
            let value = Anything { text, number, count, flags, nested };
            let bag = encode(&value).unwrap();
            for raw in bag.values() {
                proptest::prop_assert!(raw.is_ascii(), "json.dumps escapes non-ASCII: {raw}");
                proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(raw).is_ok());
            }
            proptest::prop_assert_eq!(load::<Anything>(&bag).unwrap(), value);
        }
    }
}
