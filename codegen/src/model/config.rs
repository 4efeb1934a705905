//! `config.options`: the charm's configuration, typed.
//!
//! Defaults are checked the way Juju checks them when the charm is deployed, so a
//! default Juju accepts is accepted here (an int default written as the string `"5"`, a
//! float default written as `1`, a boolean written `yes`), and one Juju refuses fails the
//! build instead of the deploy. A float default must also be finite: `config-get` reports
//! config as JSON, which has no infinity or NaN.

use super::section::{Fragment, Problems, Section, named_entries, render};
use crate::yaml::{Mapping, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionType {
    String,
    Int,
    Float,
    Boolean,
    Secret,
}

impl OptionType {
    /// The word messages use: "a string", "an int".
    fn article(self) -> &'static str {
        match self {
            OptionType::String => "a string",
            OptionType::Int => "an int",
            OptionType::Float => "a float",
            OptionType::Boolean => "a boolean",
            OptionType::Secret => "a secret URI",
        }
    }
}

/// A config option's default, as the option's type reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionDefault {
    String(String),
    Int(i64),
    Float(f64),
    Boolean(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigOption {
    pub name: String,
    pub kind: OptionType,
    pub default: Option<OptionDefault>,
    pub description: String,
    /// The option's YAML, for rustdoc.
    pub fragment: Fragment,
}

/// Every option of a `options:` section.
pub fn read(section: Section<'_>, problems: &mut Problems) -> Vec<ConfigOption> {
    named_entries(section, problems, option)
}

const TYPES: &str = "string, int, float, boolean, secret";

fn option(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<ConfigOption> {
    let kind = match body.get("type") {
        None => {
            problems.push(section.error(
                &[name],
                format!("option `{name}` needs a `type` (one of: {TYPES}); Python ops refuses an option without one"),
            ));
            return None;
        }
        Some(value) => match value.as_str() {
            Some("string") => OptionType::String,
            Some("int") => OptionType::Int,
            Some("float") => OptionType::Float,
            Some("boolean") => OptionType::Boolean,
            Some("secret") => OptionType::Secret,
            _ => {
                let given = value.as_str().map_or_else(|| render(value), str::to_owned);
                problems.push(section.error(
                    &[name, "type"],
                    format!("option `{name}` has unknown type `{given}` (expected one of: {TYPES})"),
                ));
                return None;
            }
        },
    };
    let default = match body.get("default") {
        None | Some(Value::Null) => None,
        // Juju skips checking an empty default of a string or secret option.
        Some(Value::String(s)) if s.is_empty() && kind == OptionType::Secret => None,
        Some(_) if kind == OptionType::Secret => {
            problems.push(section.error(
                &[name, "default"],
                format!("secret option `{name}` cannot have a default: its value is a secret URI the operator grants"),
            ));
            return None;
        }
        Some(value) => match default(kind, value) {
            Ok(default) => Some(default),
            Err(why) => {
                problems.push(section.error(
                    &[name, "default"],
                    format!("default {} of option `{name}` is not {}{why}", render(value), kind.article()),
                ));
                return None;
            }
        },
    };
    Some(ConfigOption {
        name: name.to_owned(),
        kind,
        default,
        description: body.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
        fragment: section.fragment(&[name]),
    })
}

/// The default as Juju's checker reads it for `kind`; `Err` carries an explanation to
/// append to the message, if there is more to say than "not an int".
fn default(kind: OptionType, value: &Value) -> Result<OptionDefault, &'static str> {
    match (kind, value) {
        (OptionType::String, Value::String(s)) => Ok(OptionDefault::String(s.clone())),
        (OptionType::Int, Value::Number(n)) => n.as_i64().map(OptionDefault::Int).ok_or(""),
        (OptionType::Int, Value::String(s)) => parse_int(s).map(OptionDefault::Int).ok_or(""),
        (OptionType::Float, Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() => Ok(OptionDefault::Float(f)),
            _ => Err(" that JSON can carry (config-get reports config as JSON, which has no infinity or NaN)"),
        },
        (OptionType::Boolean, Value::Bool(b)) => Ok(OptionDefault::Boolean(*b)),
        (OptionType::Boolean, Value::String(s)) => parse_bool(s).map(OptionDefault::Boolean).ok_or(""),
        _ => Err(""),
    }
}

/// An int written as a string, as Go's `strconv.ParseInt(s, 0, 64)` reads it.
fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace('_', "");
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(hex) = lower.strip_prefix("0x") {
        (16, hex.to_owned())
    } else if let Some(octal) = lower.strip_prefix("0o") {
        (8, octal.to_owned())
    } else if let Some(binary) = lower.strip_prefix("0b") {
        (2, binary.to_owned())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_owned())
    } else {
        (10, lower)
    };
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = i128::from_str_radix(&body, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// A boolean written as a string: Go's `strconv.ParseBool`, and the YAML 1.1 words
/// (`yes`, `on`, ...) that Juju's YAML reader takes as booleans.
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "True" | "TRUE" | "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            Some(true)
        }
        "0" | "f" | "F" | "false" | "False" | "FALSE" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_as_go_reads_them() {
        assert_eq!(parse_int("5"), Some(5));
        assert_eq!(parse_int("-0x10"), Some(-16));
        assert_eq!(parse_int("010"), Some(8));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        for bad in ["", "-", "x", "1.0", "--1", "0x", "+-1"] {
            assert_eq!(parse_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn defaults_juju_accepts() {
        let v = |s: &str| serde_yaml::from_str::<Value>(s).unwrap();
        assert_eq!(default(OptionType::Float, &v("1")), Ok(OptionDefault::Float(1.0)));
        assert_eq!(default(OptionType::Int, &v("'42'")), Ok(OptionDefault::Int(42)));
        assert_eq!(default(OptionType::Boolean, &v("yes")), Ok(OptionDefault::Boolean(true)));
        assert!(default(OptionType::Int, &v("1.0")).is_err());
        assert!(default(OptionType::Int, &v("''")).is_err());
        assert!(default(OptionType::String, &v("1")).is_err());
        assert!(default(OptionType::Float, &v("'1.5'")).is_err());
        for special in [".inf", "-.inf", ".nan"] {
            assert!(default(OptionType::Float, &v(special)).is_err(), "{special}");
        }
    }
}
