//! `actions`: what an operator can run, and each action's parameters (a JSON schema).
//!
//! Juju builds each action's schema from its keys: `params` become the schema's
//! `properties`, and any key it does not know is copied into the schema, so an action
//! written with `properties:` and `required:` at its top level has those parameters too.

use super::section::{Fragment, Problems, Section, named_entries, render};
use crate::names;
use crate::yaml::{Mapping, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    /// No `type`, or a list of types: any JSON value.
    Any,
}

impl ParamType {
    fn article(self) -> &'static str {
        match self {
            ParamType::String => "a string",
            ParamType::Integer => "an integer",
            ParamType::Number => "a number",
            ParamType::Boolean => "a boolean",
            ParamType::Array => "an array",
            ParamType::Object => "an object",
            ParamType::Any => "a value",
        }
    }
}

/// A parameter's default, checked against its type.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamDefault {
    String(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
    /// One of a string enum's values.
    Variant(String),
    /// An array, object or untyped default: Juju passes it through; Rust sees it as given.
    Json(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamType,
    pub description: String,
    pub required: bool,
    pub default: Option<ParamDefault>,
    pub fragment: Fragment,
    /// The values of a string `enum`: generated as a Rust enum.
    pub variants: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub name: String,
    pub title: String,
    pub description: String,
    pub params: Vec<Param>,
    pub additional_properties: Option<bool>,
    pub execution_group: Option<String>,
    pub parallel: Option<bool>,
    pub fragment: Fragment,
}

/// Every action of an actions section, checked with Juju's rules for `charm`.
pub fn read(section: Section<'_>, charm: &str, problems: &mut Problems) -> Vec<Action> {
    let actions = named_entries(section, problems, action);
    for action in &actions {
        check_name(section, &action.name, charm, problems);
    }
    actions
}

/// Juju's rule for action names: `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`, and `juju`/`juju-*`
/// reserved unless the charm's own name starts with `juju-`.
fn check_name(section: Section<'_>, name: &str, charm: &str, problems: &mut Problems) {
    let valid = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.is_empty();
    if !valid {
        problems.push(section.error(
            &[name],
            format!("bad action name {name:?}: Juju takes lower-case letters, digits and inner dashes"),
        ));
    } else if (name == "juju" || name.starts_with("juju-")) && !charm.starts_with("juju-") {
        problems
            .push(section.error(&[name], format!("cannot use action name {name}: the \"juju-\" prefix is reserved")));
    }
}

fn action(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Action> {
    let required: Vec<&str> = match body.get("required") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(other) => {
            problems.push(section.error(
                &[name, "required"],
                format!("`required` of action `{name}` must be a list of param names, got {}", render(other)),
            ));
            Vec::new()
        }
    };
    // `params`, or the schema's own `properties` written at the action's top level.
    let key = match (body.contains_key("params"), body.contains_key("properties")) {
        (true, true) => {
            problems.push(section.error(
                &[name, "properties"],
                format!(
                    "action `{name}` has both `params` and `properties`; Juju takes one of them at random, so keep one"
                ),
            ));
            "params"
        }
        (false, true) => "properties",
        _ => "params",
    };
    let params =
        match body.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Mapping(params)) => params
                .iter()
                .filter_map(|(param_name, schema)| match param_name.as_str() {
                    Some(param_name) => param(section, name, key, param_name, schema, &required, problems),
                    None => {
                        problems.push(
                            section.error(&[name, key], format!("expected a param name, got {}", render(param_name))),
                        );
                        None
                    }
                })
                .collect(),
            Some(other) => {
                problems.push(section.error(
                    &[name, key],
                    format!("`{key}` of action `{name}` should be a mapping, got {}", render(other)),
                ));
                Vec::new()
            }
        };
    for missing in required.iter().filter(|r| !params.iter().any(|p: &Param| p.name == **r)) {
        problems.push(section.error(
            &[name, "required"],
            format!("action `{name}` requires `{missing}`, which is not among its params"),
        ));
    }
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    Some(Action {
        name: name.to_owned(),
        title: text("title").unwrap_or_default(),
        description: text("description").unwrap_or_default(),
        params,
        additional_properties: body.get("additionalProperties").and_then(Value::as_bool),
        execution_group: text("execution-group"),
        parallel: body.get("parallel").and_then(Value::as_bool),
        fragment: section.fragment(&[name]),
    })
}

fn param(
    section: Section<'_>,
    action: &str,
    key: &str,
    name: &str,
    schema: &Value,
    required: &[&str],
    problems: &mut Problems,
) -> Option<Param> {
    let path = [action, key, name];
    let at = |rest: &'static str| [action, key, name, rest];
    let enum_values = schema.get("enum");
    let kind = match schema.get("type") {
        None | Some(Value::Null)
            if enum_values.and_then(Value::as_sequence).is_some_and(|v| v.iter().all(Value::is_string)) =>
        {
            ParamType::String
        }
        None | Some(Value::Null) | Some(Value::Sequence(_)) => ParamType::Any,
        Some(value) => match value.as_str() {
            Some("string") => ParamType::String,
            Some("integer") => ParamType::Integer,
            Some("number") => ParamType::Number,
            Some("boolean") => ParamType::Boolean,
            Some("array") => ParamType::Array,
            Some("object") => ParamType::Object,
            _ => {
                let given = value.as_str().map_or_else(|| render(value), str::to_owned);
                problems.push(section.error(&at("type"), format!("param `{name}` of action `{action}` has unknown type `{given}` (expected one of: string, integer, number, boolean, array, object)")));
                return None;
            }
        },
    };
    let variants = match enum_values {
        None | Some(Value::Null) => None,
        Some(values) => string_enum(section, action, name, values, kind, &at("enum"), problems)?,
    };
    let default = match schema.get("default") {
        None | Some(Value::Null) => None,
        Some(value) => match param_default(kind, variants.as_deref(), value) {
            Some(default) => Some(default),
            None => {
                let expected = match &variants {
                    Some(values) => format!("one of: {}", values.join(", ")),
                    None if kind == ParamType::Number => "a finite number".to_owned(),
                    None => kind.article().to_owned(),
                };
                problems.push(section.error(
                    &at("default"),
                    format!("default {} of param `{name}` of action `{action}` is not {expected}", render(value)),
                ));
                return None;
            }
        },
    };
    Some(Param {
        name: name.to_owned(),
        kind,
        description: schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
        required: required.contains(&name),
        default,
        fragment: section.fragment(&path),
        variants,
    })
}

/// A string `enum` with distinct Rust names: `Some(Some(values))`; an enum of other
/// values (integers, say) is no Rust enum: `Some(None)`. `None` after an error.
fn string_enum(
    section: Section<'_>,
    action: &str,
    name: &str,
    values: &Value,
    kind: ParamType,
    path: &[&str],
    problems: &mut Problems,
) -> Option<Option<Vec<String>>> {
    let Some(items) = values.as_sequence().filter(|v| !v.is_empty()) else {
        problems.push(
            section.error(path, format!("`enum` of param `{name}` of action `{action}` must be a non-empty list")),
        );
        return None;
    };
    let strings: Option<Vec<String>> = items.iter().map(|s| s.as_str().map(str::to_owned)).collect();
    let strings = match (kind, strings) {
        (ParamType::String, Some(strings)) => strings,
        (ParamType::String, None) => {
            problems.push(
                section.error(path, format!("`enum` of string param `{name}` of action `{action}` must list strings")),
            );
            return None;
        }
        _ => return Some(None),
    };
    let mut seen: Vec<(String, &str)> = Vec::new();
    for value in &strings {
        let rust = names::type_name(value);
        if let Some((_, other)) = seen.iter().find(|(r, _)| *r == rust) {
            problems.push(section.error(
                path,
                format!("`enum` values {other:?} and {value:?} of param `{name}` both become `{rust}` in Rust"),
            ));
            return None;
        }
        seen.push((rust, value));
    }
    Some(Some(strings))
}

/// The default, if it has the param's type (a finite number for `number`, one of the
/// values for an enum).
fn param_default(kind: ParamType, variants: Option<&[String]>, value: &Value) -> Option<ParamDefault> {
    if let Some(values) = variants {
        let given = value.as_str().filter(|v| values.iter().any(|x| x == v))?;
        return Some(ParamDefault::Variant(given.to_owned()));
    }
    match (kind, value) {
        (ParamType::String, Value::String(s)) => Some(ParamDefault::String(s.clone())),
        (ParamType::Integer, Value::Number(n)) => n.as_i64().map(ParamDefault::Integer),
        (ParamType::Number, Value::Number(n)) => n.as_f64().filter(|f| f.is_finite()).map(ParamDefault::Number),
        (ParamType::Boolean, Value::Bool(b)) => Some(ParamDefault::Boolean(*b)),
        (ParamType::Array, Value::Sequence(_)) | (ParamType::Object, Value::Mapping(_)) | (ParamType::Any, _) => {
            Some(ParamDefault::Json(value.clone()))
        }
        _ => None,
    }
}

/// The Rust enum for a string-enum param: `backup` + `mode` → `BackupMode`.
pub fn enum_type_name(action: &str, param: &str) -> String {
    format!("{}{}", names::type_name(action), names::type_name(param))
}
