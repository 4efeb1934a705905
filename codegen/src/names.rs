//! From YAML names (`log-level`, `type`, `2fa`) to Rust identifiers.

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A field or event name: `log-level` → `log_level`, `type` → `r#type`, `2fa` → `_2fa`.
pub fn field(name: &str) -> String {
    // One `_` per character that is not ASCII alphanumeric (in place, on bytes, when all
    // are ASCII: build scripts run unoptimized, and this runs for every option).
    let mut out = if name.is_ascii() {
        let mut bytes = name.as_bytes().to_vec();
        for byte in &mut bytes {
            if !byte.is_ascii_alphanumeric() {
                *byte = b'_';
            }
        }
        String::from_utf8(bytes).unwrap_or_default()
    } else {
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
    };
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        out.insert(0, '_');
    }
    // No keyword is longer than 8 characters.
    if out.len() <= 8 {
        if NOT_RAW.contains(&out.as_str()) {
            out.push('_');
        } else if RAW_OK.contains(&out.as_str()) {
            out.insert_str(0, "r#");
        }
    }
    out
}

/// A type name: `my-db` → `MyDb`, `2fa` → `_2fa`.
pub fn type_name(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        // Nothing alphanumeric (`---`): a name of underscores, one more than `field` gives.
        return format!("_{}", field(name));
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// The field of an event of a declared name: `db` + `relation_changed` → `db_relation_changed`.
pub fn event_field(name: &str, suffix: &str) -> String {
    format!("{}_{suffix}", field(name).trim_start_matches("r#"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(field("thing"), "thing");
        assert_eq!(field("log-level"), "log_level");
        assert_eq!(field("a.b"), "a_b");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("match"), "r#match");
        assert_eq!(field("self"), "self_");
        assert_eq!(field("2fa"), "_2fa");
        assert_eq!(field("café"), "caf_");
        assert_eq!(field(""), "__");
        assert_eq!(field("override"), "r#override");
    }

    #[test]
    fn event_fields() {
        assert_eq!(event_field("db", "relation_changed"), "db_relation_changed");
        assert_eq!(event_field("type", "action"), "type_action");
        assert_eq!(event_field("my-db", "relation_broken"), "my_db_relation_broken");
    }

    #[test]
    fn types() {
        assert_eq!(type_name("pause"), "Pause");
        assert_eq!(type_name("my-db"), "MyDb");
        assert_eq!(type_name("do_backup"), "DoBackup");
        assert_eq!(type_name("2fa"), "_2fa");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(type_name("---"), "____");
        assert_eq!(type_name(""), "___");
    }
}
