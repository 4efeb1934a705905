//! `from_values` and `to_values`: how generated config and params structs convert from
//! and to the JSON maps Juju gives (`config-get`, `action-get`).

use super::writer::{Writer, emit};

/// `fn from_values` building `ty` from `(field, expression)` pairs.
pub fn from_values(w: &mut Writer, ty: &str, reads: &[(String, String)]) {
    // Without fields the argument is unused: no warning in generated code.
    let input = if reads.is_empty() { "_values" } else { "values" };
    w.open(&format!(
        "fn from_values({input}: &::ops::generated::Values) -> ::std::result::Result<Self, ::ops::ValueError> {{"
    ));
    if reads.is_empty() {
        emit!(w, "::std::result::Result::Ok({ty} {{}})");
    } else {
        w.open(&format!("::std::result::Result::Ok({ty} {{"));
        for (field, read) in reads {
            emit!(w, "{field}: {read},");
        }
        w.close("})");
    }
    w.close("}");
}

/// `fn to_values` from `(key literal, field, always set)` triples; an `Option` field is
/// written only when it is `Some`.
pub fn to_values(w: &mut Writer, source: &str, writes: &[(String, String, bool)]) {
    w.open("fn to_values(&self) -> ::ops::generated::Values {");
    let binding = if writes.is_empty() { "values" } else { "mut values" };
    emit!(
        w,
        "let {binding} = ::ops::generated::Values::new(::ops::generated::ValueSource::{source}, ::std::default::Default::default());"
    );
    for (key, field, always) in writes {
        let set = if *always { "set" } else { "set_opt" };
        emit!(w, "values.{set}({key}, ::std::clone::Clone::clone(&self.{field}));");
    }
    w.line("values");
    w.close("}");
}
