//! The `actions` module: an `<Action>Params` struct per action, and a Rust enum per
//! string-enum param.

use super::values::{from_values, to_values};
use super::writer::{Writer, emit, float, lit};
use super::{ALLOW, docs};
use crate::model::{Action, Charm, Param, ParamDefault, ParamType, enum_type_name};
use crate::names;

pub fn module(w: &mut Writer, charm: &Charm) {
    w.line("/// The actions (`actions:`): a params struct each, for `ActionEvent<actions::NameParams>`.");
    w.line(ALLOW);
    if charm.actions.is_empty() {
        w.line("pub mod actions {}");
        return;
    }
    w.open("pub mod actions {");
    for (n, a) in charm.actions.iter().enumerate() {
        if n > 0 {
            w.blank();
        }
        action(w, a);
    }
    w.close("}");
}

/// The name of `action`'s params struct: `do-backup` → `DoBackupParams`.
pub fn params_type(action: &str) -> String {
    format!("{}Params", names::type_name(action))
}

fn json_type(kind: ParamType) -> &'static str {
    match kind {
        ParamType::String => "::std::string::String",
        ParamType::Integer => "i64",
        ParamType::Number => "f64",
        ParamType::Boolean => "bool",
        ParamType::Array => "::std::vec::Vec<::ops::json::Value>",
        ParamType::Object => "::ops::json::Map<::std::string::String, ::ops::json::Value>",
        ParamType::Any => "::ops::json::Value",
    }
}

/// The Rust type of `param` of `action`: its enum, or the JSON-schema type's.
fn param_type(action: &str, param: &Param) -> String {
    match &param.variants {
        Some(_) => enum_type_name(action, &param.name),
        None => json_type(param.kind).to_owned(),
    }
}

/// A string-enum param as a Rust enum, convertible from and to Juju's JSON.
fn param_enum(w: &mut Writer, action: &str, param: &Param, values: &[String]) {
    let ty = enum_type_name(action, &param.name);
    let variants: Vec<String> = values.iter().map(|v| names::type_name(v)).collect();
    emit!(w, "/// The values of param `{}` of action `{action}`.", param.name);
    w.line("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]");
    w.open(&format!("pub enum {ty} {{"));
    for (value, variant) in values.iter().zip(&variants) {
        w.doc(&format!("`{value}`"));
        emit!(w, "{variant},");
    }
    w.close("}");
    w.blank();
    w.open(&format!("impl {ty} {{"));
    w.line("/// The value as Juju spells it.");
    w.open("pub const fn as_str(&self) -> &'static str {");
    w.open("match self {");
    for (value, variant) in values.iter().zip(&variants) {
        emit!(w, "{ty}::{variant} => {},", lit(value));
    }
    w.close("}");
    w.close("}");
    w.close("}");
    w.blank();
    w.open(&format!("impl ::ops::generated::FromValue for {ty} {{"));
    emit!(w, "const EXPECTED: &'static str = {};", lit(&format!("one of: {}", values.join(", "))));
    w.blank();
    w.open("fn from_value(value: &::ops::json::Value) -> ::std::option::Option<Self> {");
    w.open("match value.as_str()? {");
    for (value, variant) in values.iter().zip(&variants) {
        emit!(w, "{} => ::std::option::Option::Some({ty}::{variant}),", lit(value));
    }
    w.line("_ => ::std::option::Option::None,");
    w.close("}");
    w.close("}");
    w.close("}");
    w.blank();
    w.open(&format!("impl ::std::convert::From<{ty}> for ::ops::json::Value {{"));
    emit!(w, "fn from(value: {ty}) -> Self {{");
    w.line("    ::ops::json::Value::String(::std::string::String::from(value.as_str()))");
    w.line("}");
    w.close("}");
    w.blank();
}

/// A Rust expression for a param's default; JSON defaults (arrays, objects, untyped) have
/// none: Juju fills them into `action-get`, and the field stays an `Option`.
fn default_expr(action: &str, param: &Param) -> Option<String> {
    Some(match param.default.as_ref()? {
        ParamDefault::String(s) => format!("::std::string::String::from({})", lit(s)),
        ParamDefault::Integer(n) => format!("{n}i64"),
        ParamDefault::Number(f) => float(*f),
        ParamDefault::Boolean(b) => b.to_string(),
        ParamDefault::Variant(value) => format!("{}::{}", enum_type_name(action, &param.name), names::type_name(value)),
        ParamDefault::Json(_) => return None,
    })
}

fn action(w: &mut Writer, action: &Action) {
    for param in &action.params {
        if let Some(values) = &param.variants {
            param_enum(w, &action.name, param, values);
        }
    }
    let ty = params_type(&action.name);
    let always = |p: &Param| p.required || default_expr(&action.name, p).is_some();
    let summary = if action.title.is_empty() {
        format!("Parameters of the action `{}`.", action.name)
    } else {
        format!("Parameters of the action `{}`: {}.", action.name, action.title.trim_end_matches('.'))
    };
    w.doc(&docs(&summary, &action.description, Some(&action.fragment)));
    if action.params.iter().all(|p| !always(p)) {
        w.line("#[derive(Debug, Clone, PartialEq, Default)]");
    } else {
        w.line("#[derive(Debug, Clone, PartialEq)]");
    }
    if action.params.is_empty() {
        emit!(w, "pub struct {ty} {{}}");
    } else {
        w.open(&format!("pub struct {ty} {{"));
        for p in &action.params {
            w.doc(&docs(&format!("`{}`", p.name), &p.description, Some(&p.fragment)));
            let rust = param_type(&action.name, p);
            if always(p) {
                emit!(w, "pub {}: {rust},", names::field(&p.name));
            } else {
                emit!(w, "pub {}: ::std::option::Option<{rust}>,", names::field(&p.name));
            }
        }
        w.close("}");
    }
    w.blank();
    w.open(&format!("impl ::ops::generated::ActionParams for {ty} {{"));
    emit!(w, "const ACTION: &'static str = {};", lit(&action.name));
    w.blank();
    let reads: Vec<(String, String)> = action
        .params
        .iter()
        .map(|p| {
            let (field, key) = (names::field(&p.name), lit(&p.name));
            let read = match (p.required, default_expr(&action.name, p)) {
                (true, _) => format!("values.require({key})?"),
                (false, Some(default)) => format!("values.get_or({key}, || {default})?"),
                (false, None) => format!("values.get({key})?"),
            };
            (field, read)
        })
        .collect();
    from_values(w, &ty, &reads);
    w.blank();
    let writes: Vec<(String, String, bool)> =
        action.params.iter().map(|p| (lit(&p.name), names::field(&p.name), always(p))).collect();
    to_values(w, "ActionParams", &writes);
    w.close("}");
}
