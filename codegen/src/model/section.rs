//! Walking a part of a YAML file while keeping its place, and collecting problems.

use crate::Diagnostic;
use crate::yaml::{Mapping, Source, Value};

/// Where a part of the charm's YAML lives: a file, the path of the part in it, its value.
#[derive(Clone, Copy)]
pub struct Section<'a> {
    pub source: &'a Source,
    pub base: &'a [&'a str],
    pub value: &'a Value,
}

impl<'a> Section<'a> {
    /// The part of `source` at `base`, if it is there.
    pub fn of(source: &'a Source, base: &'a [&'a str]) -> Option<Section<'a>> {
        let mut value = &source.value;
        for key in base {
            value = value.get(key)?;
        }
        Some(Section { source, base, value })
    }

    /// The file's name, as diagnostics and rustdoc show it.
    pub fn file(&self) -> &'a str {
        &self.source.name
    }

    fn path<'p>(&self, rest: &[&'p str]) -> Vec<&'p str>
    where
        'a: 'p,
    {
        self.base.iter().copied().chain(rest.iter().copied()).collect()
    }

    /// A diagnostic at `rest` below this section.
    pub fn error(&self, rest: &[&str], message: impl Into<String>) -> Diagnostic {
        self.source.error(&self.path(rest), message)
    }

    /// The YAML text of `rest` below this section, for rustdoc.
    pub fn fragment(&self, rest: &[&str]) -> Fragment {
        Fragment { file: self.file().to_owned(), text: self.source.fragment(&self.path(rest)) }
    }

    /// The value at `key` of this section's mapping.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key)
    }

    /// A string at `key`, if it is one.
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Value::as_str).map(str::to_owned)
    }
}

/// A piece of a YAML file, shown in the rustdoc of what it generated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fragment {
    /// The file it is from.
    pub file: String,
    /// The text, de-indented; empty when it could not be found (flow style).
    pub text: String,
}

/// The problems found while reading the charm: errors fail the build, warnings do not.
#[derive(Default)]
pub struct Problems {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Problems {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    pub fn warn(&mut self, diagnostic: Diagnostic) {
        self.warnings.push(diagnostic);
    }
}

/// A YAML value as a message shows it: strings quoted, so `"8080"` and `8080` differ.
pub fn render(value: &Value) -> String {
    value.to_string()
}

pub fn string_field(body: &Mapping, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A boolean at `key` of `name`'s body; absent or null is false.
pub fn bool_field(section: Section<'_>, name: &str, body: &Mapping, key: &str, problems: &mut Problems) -> bool {
    match body.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            problems.push(
                section
                    .error(&[name, key], format!("`{key}` of `{name}` must be true or false, got {}", render(other))),
            );
            false
        }
    }
}

/// A list of strings at `key` of `name`'s body (a single string is a list of one).
pub fn string_list(section: Section<'_>, path: &[&str], value: Option<&Value>, problems: &mut Problems) -> Vec<String> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|item| match item.as_str() {
                Some(s) => Some(s.to_owned()),
                None => {
                    problems.push(section.error(path, format!("expected a string, got {}", render(item))));
                    None
                }
            })
            .collect(),
        Some(other) => {
            problems.push(section.error(path, format!("expected a list of strings, got {}", render(other))));
            Vec::new()
        }
    }
}

/// A parser of one `name: {...}` entry.
pub type ParseOne<T> = fn(Section<'_>, &str, &Mapping, &mut Problems) -> Option<T>;

/// Each `name: {...}` entry under `key` of `root`, parsed by `parse_one`.
pub fn entries<T>(root: Section<'_>, key: &str, problems: &mut Problems, parse_one: ParseOne<T>) -> Vec<T> {
    match root.value.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => {
            let base: Vec<&str> = root.base.iter().copied().chain([key]).collect();
            named_entries(Section { source: root.source, base: &base, value }, problems, parse_one)
        }
    }
}

/// Each `name: {...}` entry of `section`'s mapping, parsed by `parse_one`.
pub fn named_entries<T>(section: Section<'_>, problems: &mut Problems, parse_one: ParseOne<T>) -> Vec<T> {
    let Some(map) = section.value.as_mapping() else {
        if !section.value.is_null() {
            problems.push(section.error(&[], "expected a mapping of names to definitions"));
        }
        return Vec::new();
    };
    let empty = Mapping::new();
    map.iter()
        .filter_map(|(key, body)| {
            let Some(name) = key.as_str() else {
                problems.push(section.error(&[], format!("expected a name, got {}", render(key))));
                return None;
            };
            let body = match body {
                Value::Mapping(body) => body,
                Value::Null => &empty,
                _ => {
                    problems.push(section.error(&[name], format!("`{name}` should be a mapping")));
                    return None;
                }
            };
            parse_one(section, name, body, problems)
        })
        .collect()
}
