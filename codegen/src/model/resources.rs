//! `resources` (files and OCI images the charm is deployed with) and `devices`.

use super::section::{Problems, Section, render, string_field};
use crate::yaml::{Mapping, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    /// `file` or `oci-image`.
    pub kind: String,
    pub filename: Option<String>,
    pub description: String,
}

/// A device the charm requests (a GPU).
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub count_min: u32,
    pub count_max: u32,
}

pub fn parse(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Resource> {
    // Juju's default type is `file`.
    let kind = match body.get("type") {
        None | Some(Value::Null) => "file".to_owned(),
        Some(value) => match value.as_str() {
            Some(kind @ ("file" | "oci-image")) => kind.to_owned(),
            _ => {
                problems.push(section.error(
                    &[name, "type"],
                    format!("resource `{name}` has unknown type {} (expected file or oci-image)", render(value)),
                ));
                return None;
            }
        },
    };
    let filename = string_field(body, "filename");
    if kind == "file" && filename.as_deref().is_some_and(|f| f.contains('/')) {
        problems.push(section.error(
            &[name, "filename"],
            format!("`filename` of resource `{name}` cannot contain \"/\" (Juju refuses it)"),
        ));
    }
    Some(Resource {
        name: name.to_owned(),
        kind,
        filename,
        description: string_field(body, "description").unwrap_or_default(),
    })
}

pub fn device(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Device> {
    let Some(kind) = string_field(body, "type") else {
        problems.push(section.error(&[name], format!("device `{name}` needs a `type`")));
        return None;
    };
    let mut count = |key: &str| match body.get(key) {
        None | Some(Value::Null) => 1,
        Some(value) => value.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| {
            problems.push(section.error(
                &[name, key],
                format!("`{key}` of device `{name}` must be a whole number, got {}", render(value)),
            ));
            1
        }),
    };
    let (count_min, count_max) = (count("countmin"), count("countmax"));
    if count_max < count_min {
        problems.push(section.error(
            &[name],
            format!("device `{name}`: maximum count {count_max} can not be smaller than minimum count {count_min}"),
        ));
    }
    Some(Device {
        name: name.to_owned(),
        kind,
        description: string_field(body, "description").unwrap_or_default(),
        count_min,
        count_max,
    })
}
