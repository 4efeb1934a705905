//! Typed reading of the JSON maps Juju hands out: config (`config-get`) and action
//! parameters (`action-get`).
//!
//! The generated `Config` and `<Action>Params` types call these getters field by
//! field, so a value of the wrong type from Juju becomes a [`ValueError`] that names
//! the option and what was expected, never a panic.

use serde_json::{Map, Value};

/// What a set of values is: config options or action parameters. Used in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSource {
    /// Charm config, from `config-get`.
    Config,
    /// Action parameters, from `action-get`.
    ActionParams,
}

impl std::fmt::Display for ValueSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValueSource::Config => "config option",
            ValueSource::ActionParams => "action parameter",
        })
    }
}

/// A value that could not be read as its declared type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The value has another JSON type than the one declared in the YAML.
    #[error("{source_kind} `{name}`: expected {expected}, got {found}")]
    WrongType {
        /// Config or action params.
        source_kind: ValueSource,
        /// The option or parameter name, as Juju spells it.
        name: String,
        /// The declared type.
        expected: &'static str,
        /// The JSON that was given.
        found: String,
    },
    /// A value the charm declared as always present (a default, or `required`) is missing.
    #[error("{source_kind} `{name}` is missing, but {why}")]
    Missing {
        /// Config or action params.
        source_kind: ValueSource,
        /// The option or parameter name.
        name: String,
        /// Why it was expected.
        why: &'static str,
    },
}

/// A JSON map from Juju with typed getters.
///
/// ```
/// use ops::generated::{ValueSource, Values};
/// let v = Values::from_json(ValueSource::Config, r#"{"port": 8080, "name": "x"}"#).unwrap();
/// assert_eq!(v.get::<i64>("port").unwrap(), Some(8080));
/// assert!(v.get::<bool>("name").is_err());
/// assert_eq!(v.get::<String>("absent").unwrap(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Values {
    source: Option<ValueSource>,
    map: Map<String, Value>,
}

impl Values {
    /// Wraps a JSON object.
    pub fn new(source: ValueSource, map: Map<String, Value>) -> Self {
        Values { source: Some(source), map }
    }

    /// Parses JSON text that must be an object (`null` is taken as empty).
    pub fn from_json(source: ValueSource, text: &str) -> Result<Self, serde_json::Error> {
        let map = match serde_json::from_str::<Value>(text)? {
            Value::Null => Map::new(),
            Value::Object(map) => map,
            other => {
                return Err(serde::de::Error::custom(format!("expected a JSON object, got {other}")));
            }
        };
        Ok(Values::new(source, map))
    }

    fn source(&self) -> ValueSource {
        self.source.unwrap_or(ValueSource::Config)
    }

    /// The raw map.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// Consumes the wrapper, giving the raw map.
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }

    /// The value of `name` as `T`; `Ok(None)` when absent or `null`.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<Option<T>, ValueError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_value(value).map(Some).ok_or_else(|| ValueError::WrongType {
                source_kind: self.source(),
                name: name.to_owned(),
                expected: T::EXPECTED,
                found: value.to_string(),
            }),
        }
    }

    /// The value of `name`, or `default()` when absent: for options that declare a default
    /// (Juju reports it, but a value from an older charm revision may lack it).
    pub fn get_or<T: FromValue>(&self, name: &str, default: impl FnOnce() -> T) -> Result<T, ValueError> {
        Ok(self.get(name)?.unwrap_or_else(default))
    }

    /// The value of `name`, which must be present (a `required` action parameter).
    pub fn require<T: FromValue>(&self, name: &str) -> Result<T, ValueError> {
        self.get(name)?.ok_or_else(|| ValueError::Missing {
            source_kind: self.source(),
            name: name.to_owned(),
            why: "it is declared required",
        })
    }

    /// Sets `name` to `value` (used when writing values back, e.g. by the testing module).
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        self.map.insert(name.to_owned(), value.into());
    }

    /// Sets `name` when `value` is `Some`, removes it otherwise.
    pub fn set_opt(&mut self, name: &str, value: Option<impl Into<Value>>) {
        match value {
            Some(v) => self.set(name, v),
            None => {
                self.map.remove(name);
            }
        }
    }
}

/// A Rust type a Juju value converts into.
pub trait FromValue: Sized {
    /// The expected type, for error messages.
    const EXPECTED: &'static str;
    /// Converts, or `None` when the JSON is of another type.
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for String {
    const EXPECTED: &'static str = "a string";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl FromValue for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_i64()
    }
}

impl FromValue for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_value(value: &Value) -> Option<Self> {
        // Juju renders a float option whose value is whole as an integer (`1` for `1.0`).
        value.as_f64()
    }
}

impl FromValue for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}

impl FromValue for Vec<Value> {
    const EXPECTED: &'static str = "an array";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_array().cloned()
    }
}

impl FromValue for Map<String, Value> {
    const EXPECTED: &'static str = "an object";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_object().cloned()
    }
}

impl FromValue for Value {
    const EXPECTED: &'static str = "any JSON value";
    fn from_value(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

impl FromValue for crate::SecretId {
    const EXPECTED: &'static str = "a secret URI";
    fn from_value(value: &Value) -> Option<Self> {
        value.as_str().and_then(|s| crate::SecretId::parse(s).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(json: &str) -> Values {
        Values::from_json(ValueSource::Config, json).unwrap()
    }

    #[test]
    fn typed_getters() {
        let v = cfg(r#"{"s": "x", "i": 3, "f": 1, "b": true, "n": null}"#);
        assert_eq!(v.get::<String>("s").unwrap().as_deref(), Some("x"));
        assert_eq!(v.get::<i64>("i").unwrap(), Some(3));
        assert_eq!(v.get::<f64>("f").unwrap(), Some(1.0));
        assert_eq!(v.get::<bool>("b").unwrap(), Some(true));
        assert_eq!(v.get::<String>("n").unwrap(), None);
        assert_eq!(v.get_or::<i64>("absent", || 7).unwrap(), 7);
    }

    #[test]
    fn wrong_type_names_the_option() {
        let err = cfg(r#"{"port": "eighty"}"#).get::<i64>("port").unwrap_err();
        assert_eq!(err.to_string(), "config option `port`: expected an integer, got \"eighty\"");
    }

    #[test]
    fn float_is_not_an_int() {
        assert!(cfg(r#"{"i": 1.5}"#).get::<i64>("i").is_err());
    }

    #[test]
    fn required_param_missing() {
        let v = Values::from_json(ValueSource::ActionParams, "{}").unwrap();
        let err = v.require::<String>("name").unwrap_err();
        assert_eq!(err.to_string(), "action parameter `name` is missing, but it is declared required");
    }

    #[test]
    fn non_object_json_is_rejected() {
        assert!(Values::from_json(ValueSource::Config, "[1]").is_err());
        assert!(Values::from_json(ValueSource::Config, "null").unwrap().as_map().is_empty());
    }
}
