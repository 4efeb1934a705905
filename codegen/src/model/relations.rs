//! `requires`, `provides`, `peers` and `extra-bindings`: the charm's endpoints.

use super::section::{Problems, Section, bool_field, render};
use crate::yaml::{Mapping, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Requires,
    Provides,
    Peer,
}

impl Role {
    /// The section that declares endpoints of this role.
    pub fn section(self) -> &'static str {
        match self {
            Role::Requires => "requires",
            Role::Provides => "provides",
            Role::Peer => "peers",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub name: String,
    pub role: Role,
    pub interface: String,
    pub limit: Option<u32>,
    pub optional: bool,
    pub container_scope: bool,
    pub description: String,
}

/// Every relation endpoint, requires then provides then peers; a name declared twice is
/// an error (Juju: "using a duplicated relation name").
pub fn read(root: Section<'_>, problems: &mut Problems) -> Vec<Relation> {
    let mut all: Vec<Relation> = Vec::new();
    for role in [Role::Requires, Role::Provides, Role::Peer] {
        let key = role.section();
        let Some(value) = root.get(key).filter(|v| !v.is_null()) else { continue };
        let Some(map) = value.as_mapping() else {
            problems.push(root.error(&[key], format!("`{key}` should be a mapping of endpoint names to definitions")));
            continue;
        };
        for (name, body) in map {
            let Some(name) = name.as_str() else {
                problems.push(root.error(&[key], format!("expected an endpoint name, got {}", render(name))));
                continue;
            };
            let Some(relation) = relation(root, role, name, body, problems) else { continue };
            if let Some(first) = all.iter().find(|r| r.name == relation.name) {
                problems.push(root.error(
                    &[key, name],
                    format!("relation endpoint `{name}` is declared twice (also under `{}`)", first.role.section()),
                ));
                continue;
            }
            all.push(relation);
        }
    }
    all
}

fn relation(root: Section<'_>, role: Role, name: &str, body: &Value, problems: &mut Problems) -> Option<Relation> {
    let key = role.section();
    let empty = Mapping::new();
    // Juju also reads the short form `db: postgresql_client`.
    let (body, interface) = match body {
        Value::String(interface) => (&empty, Some(interface.clone())),
        Value::Mapping(body) => (body, body.get("interface").and_then(Value::as_str).map(str::to_owned)),
        Value::Null => (&empty, None),
        other => {
            problems.push(
                root.error(&[key, name], format!("relation `{name}` should be a mapping, got {}", render(other))),
            );
            return None;
        }
    };
    let at = |rest: &[&'static str]| -> Vec<&str> { [&[key, name][..], rest].concat() };
    if interface.is_none() {
        problems.push(root.error(&at(&[]), format!("relation `{name}` needs an `interface`")));
    }
    let limit = match body.get("limit") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(limit) => Some(limit),
            None => {
                problems.push(root.error(
                    &at(&["limit"]),
                    format!("`limit` of relation `{name}` must be a whole number, got {}", render(value)),
                ));
                None
            }
        },
    };
    let container_scope = match body.get("scope").map(|s| (s, s.as_str())) {
        None | Some((Value::Null, _)) | Some((_, Some("global"))) => false,
        Some((_, Some("container"))) => true,
        Some((value, _)) => {
            problems.push(root.error(
                &at(&["scope"]),
                format!("`scope` of relation `{name}` must be `global` or `container`, got {}", render(value)),
            ));
            false
        }
    };
    let section = Section { source: root.source, base: &[key], value: &root.value[key] };
    Some(Relation {
        name: name.to_owned(),
        role,
        interface: interface?,
        limit,
        optional: bool_field(section, name, body, "optional", problems),
        container_scope,
        description: body.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
    })
}

/// `extra-bindings`: names with null values, none of them a relation endpoint (Juju's rules).
pub fn extra_bindings(root: Section<'_>, relations: &[Relation], problems: &mut Problems) -> Vec<String> {
    let Some(value) = root.get("extra-bindings").filter(|v| !v.is_null()) else { return Vec::new() };
    let Some(map) = value.as_mapping() else {
        problems.push(root.error(&["extra-bindings"], "`extra-bindings` should be a mapping of binding names to null"));
        return Vec::new();
    };
    if map.is_empty() {
        problems.push(root.error(&["extra-bindings"], "extra bindings cannot be empty when specified"));
    }
    let mut names = Vec::new();
    for (name, body) in map {
        let Some(name) = name.as_str().filter(|n| !n.is_empty()) else {
            problems.push(root.error(&["extra-bindings"], format!("expected a binding name, got {}", render(name))));
            continue;
        };
        if !body.is_null() {
            problems.push(root.error(
                &["extra-bindings", name],
                format!("extra binding `{name}` takes no value (write `{name}:`), got {}", render(body)),
            ));
        }
        if relations.iter().any(|r| r.name == name) {
            problems.push(
                root.error(
                    &["extra-bindings", name],
                    format!("relation names ({name}) cannot be used in extra bindings"),
                ),
            );
        }
        names.push(name.to_owned());
    }
    names
}
