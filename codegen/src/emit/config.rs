//! `Config`: one typed field per option.

use super::values::{from_values, to_values};
use super::writer::{Writer, emit, float, lit};
use super::{ALLOW, docs};
use crate::model::{Charm, ConfigOption, OptionDefault, OptionType};
use crate::names;

fn rust_type(kind: OptionType) -> &'static str {
    match kind {
        OptionType::String => "::std::string::String",
        OptionType::Int => "i64",
        OptionType::Float => "f64",
        OptionType::Boolean => "bool",
        OptionType::Secret => "::ops::SecretId",
    }
}

/// A Rust expression for an option's default.
fn default_expr(option: &ConfigOption) -> Option<String> {
    Some(match option.default.as_ref()? {
        OptionDefault::String(s) => format!("::std::string::String::from({})", lit(s)),
        OptionDefault::Int(n) => format!("{n}i64"),
        OptionDefault::Float(f) => float(*f),
        OptionDefault::Boolean(b) => b.to_string(),
    })
}

/// What the generated code needs of one option, worked out once.
struct Field<'a> {
    option: &'a ConfigOption,
    name: String,
    key: String,
    default: Option<String>,
}

pub fn config(w: &mut Writer, charm: &Charm) {
    let fields: Vec<Field<'_>> = charm
        .options
        .iter()
        .map(|o| Field { option: o, name: names::field(&o.name), key: lit(&o.name), default: default_expr(o) })
        .collect();
    w.line("/// The charm's config options, typed from `config.options`: read it with `model.config()?`.");
    w.line(ALLOW);
    w.line("#[derive(Debug, Clone, PartialEq)]");
    if fields.is_empty() {
        w.line("pub struct Config {}");
    } else {
        w.open("pub struct Config {");
        for f in &fields {
            let o = f.option;
            w.doc(&docs(&format!("`{}`", o.name), &o.description, Some(&o.fragment)));
            let ty = rust_type(o.kind);
            match f.default {
                Some(_) => emit!(w, "pub {}: {ty},", f.name),
                None => emit!(w, "pub {}: ::std::option::Option<{ty}>,", f.name),
            }
        }
        w.close("}");
    }
    w.blank();
    w.line(ALLOW);
    w.open("impl ::ops::generated::CharmConfig for Config {");
    let reads: Vec<(String, String)> = fields
        .iter()
        .map(|f| {
            let read = match &f.default {
                Some(default) => format!("values.get_or({}, || {default})?", f.key),
                None => format!("values.get({})?", f.key),
            };
            (f.name.clone(), read)
        })
        .collect();
    from_values(w, "Config", &reads);
    w.blank();
    let writes: Vec<(String, String, bool)> =
        fields.iter().map(|f| (f.key.clone(), f.name.clone(), f.default.is_some())).collect();
    to_values(w, "Config", &writes);
    w.close("}");
    // `Default` only when every option has a default.
    if fields.iter().all(|f| f.default.is_some()) {
        w.blank();
        w.line(ALLOW);
        w.open("impl ::std::default::Default for Config {");
        w.line("/// Every option at its declared default.");
        w.open("fn default() -> Self {");
        if fields.is_empty() {
            w.line("Config {}");
        } else {
            w.open("Config {");
            for f in &fields {
                emit!(w, "{}: {},", f.name, f.default.as_deref().unwrap_or_default());
            }
            w.close("}");
        }
        w.close("}");
        w.close("}");
    }
}
