//! The parsed document: a plain tree of YAML values.
//!
//! serde_yaml's own `Value` keeps mappings in a hashed `IndexMap`; building and querying
//! it is over a quarter of a large charm's generate time in the unoptimized build scripts
//! run in. The charm's mappings are small, or are walked in order (10,000 options), so a
//! vector of pairs serves: nothing is hashed, and YAML order is kept.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::hash::FastMap;

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Sequence(Vec<Value>),
    Mapping(Mapping),
}

/// A YAML number, as the parser read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A whole number that fits `u64`.
    PosInt(u64),
    /// A negative whole number.
    NegInt(i64),
    /// Anything else numeric, including `.inf` and `.nan`.
    Float(f64),
}

impl Number {
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::PosInt(n) => i64::try_from(n).ok(),
            Number::NegInt(n) => Some(n),
            Number::Float(_) => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::PosInt(n) => Some(n),
            _ => None,
        }
    }

    /// The number as a float (always possible, maybe rounded).
    pub fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Number::PosInt(n) => n as f64,
            Number::NegInt(n) => n as f64,
            Number::Float(f) => f,
        })
    }
}

/// A YAML mapping: its entries, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping(Vec<(Value, Value)>);

impl Mapping {
    pub fn new() -> Self {
        Mapping(Vec::new())
    }

    /// The value of the string key `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a Value, &'a Value);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Value, Value)>, fn(&'a (Value, Value)) -> (&'a Value, &'a Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

static NULL: Value = Value::Null;

impl Value {
    /// The value at `key`, when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_mapping()?.get(key)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&Mapping> {
        match self {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
}

impl std::ops::Index<&str> for Value {
    type Output = Value;

    /// The value at `key`, or null.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// The value as a message shows it, on one line: strings quoted (so `"8080"` and `8080`
/// differ), collections in flow style.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(Number::PosInt(n)) => write!(f, "{n}"),
            Value::Number(Number::NegInt(n)) => write!(f, "{n}"),
            Value::Number(Number::Float(x)) if x.is_nan() => f.write_str(".nan"),
            Value::Number(Number::Float(x)) if x.is_infinite() => f.write_str(if *x > 0.0 { ".inf" } else { "-.inf" }),
            Value::Number(Number::Float(x)) => write!(f, "{x:?}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Sequence(items) => {
                f.write_str("[")?;
                for (n, item) in items.iter().enumerate() {
                    write!(f, "{}{item}", if n == 0 { "" } else { ", " })?;
                }
                f.write_str("]")
            }
            Value::Mapping(map) => {
                f.write_str("{")?;
                for (n, (key, value)) in map.iter().enumerate() {
                    let sep = if n == 0 { "" } else { ", " };
                    match key.as_str() {
                        Some(key) => write!(f, "{sep}{key}: {value}")?,
                        None => write!(f, "{sep}{key}: {value}")?,
                    }
                }
                f.write_str("}")
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value without tags")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(if n < 0 { Number::NegInt(n) } else { Number::PosInt(n.unsigned_abs()) }))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(Number::PosInt(n)))
    }

    fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
        Ok(Value::Number(Number::Float(x)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(Value, Value)> = Vec::new();
        // Duplicate keys are refused, as YAML says; small mappings are checked by scanning,
        // large ones (a config of thousands of options) through a set.
        let mut seen: Option<FastMap<String, ()>> = None;
        while let Some((key, value)) = map.next_entry::<Value, Value>()? {
            if let Value::String(name) = &key {
                let duplicate = match &mut seen {
                    Some(set) => set.insert(name.clone(), ()).is_some(),
                    None => entries.iter().any(|(k, _)| k == &key),
                };
                if duplicate {
                    return Err(de::Error::custom(format!("duplicate entry with key {name:?}")));
                }
                if seen.is_none() && entries.len() >= 16 {
                    let mut set: FastMap<String, ()> = FastMap::default();
                    for name in entries.iter().filter_map(|(k, _)| k.as_str()) {
                        set.insert(name.to_owned(), ());
                    }
                    set.insert(name.clone(), ());
                    seen = Some(set);
                }
            }
            entries.push((key, value));
        }
        Ok(Value::Mapping(Mapping(entries)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    #[test]
    fn values() {
        let v = parse("a: 1\nb: -2\nc: 1.5\nd: [x, true, null]\ne: {f: .inf}\n'1': z\n").unwrap();
        assert_eq!(v.get("a").and_then(Value::as_u64), Some(1));
        assert_eq!(v.get("b"), Some(&Value::Number(Number::NegInt(-2))));
        assert_eq!(v["c"].as_f64(), Some(1.5));
        assert_eq!(v["d"].to_string(), "[\"x\", true, null]");
        assert_eq!(v["e"].to_string(), "{f: .inf}");
        assert_eq!(v["1"].as_str(), Some("z"));
        assert!(v["missing"].is_null());
    }

    #[test]
    fn duplicate_keys_are_refused_small_and_large() {
        assert!(parse("a: 1\na: 2\n").unwrap_err().to_string().contains("duplicate entry with key \"a\""));
        let mut text: String = (0..40).map(|n| format!("k{n}: {n}\n")).collect();
        text.push_str("k3: again\n");
        assert!(parse(&text).unwrap_err().to_string().contains("duplicate entry with key \"k3\""));
    }

    #[test]
    fn tags_are_an_error_not_a_panic() {
        assert!(parse("a: !custom 1\n").is_err());
    }
}
