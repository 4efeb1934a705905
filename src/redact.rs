//! Telling what was wrong with a JSON document without repeating what it held.
//!
//! serde's messages quote the offending value (`invalid type: string "hunter2", expected
//! a map`). The documents read here are relation data, action parameters, config and
//! stored state, any of which may hold a password, and errors reach `juju debug-log`; so
//! an error says what kind of fault it was and where, and keeps only what came from our
//! own types (the expected shape, a missing field's name).

use serde_json::error::Category;

/// What is wrong with a document, and where, without any of its values.
pub(crate) fn json_error(error: &serde_json::Error) -> String {
    let place =
        if error.line() > 0 { format!(" at line {} column {}", error.line(), error.column()) } else { String::new() };
    let what = match error.classify() {
        Category::Syntax => "not valid JSON".to_owned(),
        Category::Eof => "JSON cut short".to_owned(),
        Category::Io => "JSON that could not be read".to_owned(),
        Category::Data => shape_fault(&error.to_string(), &place),
    };
    format!("{what}{place}")
}

/// The data-free part of a shape fault: serde puts the expectation (written by the
/// target type) last, after the value it found.
fn shape_fault(message: &str, place: &str) -> String {
    let message = message.strip_suffix(place).unwrap_or(message);
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("missing field {field}");
    }
    match message.rsplit_once(", expected ") {
        Some((_, expected)) => format!("a value of the wrong kind (expected {expected})"),
        None => "a value of the wrong kind".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn error_for<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        json_error(&serde_json::from_str::<T>(text).unwrap_err())
    }

    #[test]
    fn values_are_left_out() {
        let told = error_for::<BTreeMap<String, String>>(r#"{"password": 12345678}"#);
        assert_eq!(told, "a value of the wrong kind (expected a string) at line 1 column 21");
        let told = error_for::<Vec<u32>>(r#"["hunter2, expected nothing"]"#);
        assert!(!told.contains("hunter2"), "{told}");
        assert!(told.contains("expected u32"), "{told}");
    }

    #[test]
    fn syntax_and_truncation_say_where() {
        assert_eq!(error_for::<serde_json::Value>("{\"a\": secret}"), "not valid JSON at line 1 column 7");
        assert_eq!(error_for::<serde_json::Value>("{\"a\": \"sec"), "JSON cut short at line 1 column 10");
    }

    #[test]
    fn missing_fields_are_named() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Storage {
            location: String,
        }
        assert_eq!(error_for::<Storage>("{}"), "missing field `location` at line 1 column 2");
    }
}
