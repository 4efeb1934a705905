//! `containers`: the workload containers of a Kubernetes charm.

use super::resources::Resource;
use super::section::{Problems, Section, render};
use super::storage::Storage;
use crate::yaml::{Mapping, Value};

/// A workload container.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub name: String,
    /// The oci-image resource it runs.
    pub resource: Option<String>,
    /// The bases it runs on, when it names no resource.
    pub bases: Vec<ContainerBase>,
    pub mounts: Vec<Mount>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// One of a container's `bases`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerBase {
    pub name: String,
    pub channel: String,
    pub architectures: Vec<String>,
}

/// Storage mounted into a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub storage: String,
    pub location: Option<String>,
}

pub fn parse(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Container> {
    let resource = body.get("resource").and_then(Value::as_str).map(str::to_owned);
    let bases = match body.get("bases") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().filter_map(|b| base(section, name, b, problems)).collect(),
        Some(other) => {
            problems.push(section.error(
                &[name, "bases"],
                format!("`bases` of container `{name}` must be a list, got {}", render(other)),
            ));
            Vec::new()
        }
    };
    if resource.is_some() && body.contains_key("bases") {
        problems.push(section.error(
            &[name],
            format!("container `{name}` has both `resource` and `bases`; give one (ops: \"A container may specify a resource or base, not both.\")"),
        ));
    } else if resource.is_none() && !body.contains_key("bases") {
        problems.warn(section.error(
            &[name],
            format!("container `{name}` names neither a `resource` (an oci-image resource) nor `bases`; Juju cannot tell what image it runs"),
        ));
    }
    let mounts = match body.get("mounts") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().filter_map(|m| mount(section, name, m, problems)).collect(),
        Some(other) => {
            problems.push(section.error(
                &[name, "mounts"],
                format!("`mounts` of container `{name}` must be a list, got {}", render(other)),
            ));
            Vec::new()
        }
    };
    Some(Container {
        name: name.to_owned(),
        resource,
        bases,
        mounts,
        uid: id(section, name, body, "uid", problems),
        gid: id(section, name, body, "gid", problems),
    })
}

fn base(section: Section<'_>, container: &str, value: &Value, problems: &mut Problems) -> Option<ContainerBase> {
    let text = |key: &str| {
        value.get(key).and_then(|v| v.as_str().map(str::to_owned).or_else(|| v.as_f64().map(|f| f.to_string())))
    };
    let architectures: Option<Vec<String>> = value
        .get("architectures")
        .and_then(Value::as_sequence)
        .and_then(|a| a.iter().map(|s| s.as_str().map(str::to_owned)).collect());
    match (text("name"), text("channel"), architectures) {
        (Some(name), Some(channel), Some(architectures)) => Some(ContainerBase { name, channel, architectures }),
        _ => {
            problems.push(section.error(
                &[container, "bases"],
                format!(
                    "each base of container `{container}` needs `name`, `channel` and `architectures` (a list), got {}",
                    render(value)
                ),
            ));
            None
        }
    }
}

fn mount(section: Section<'_>, container: &str, value: &Value, problems: &mut Problems) -> Option<Mount> {
    let Some(storage) = value.get("storage").and_then(Value::as_str) else {
        problems.push(
            section.error(&[container, "mounts"], format!("a mount of container `{container}` needs a `storage`")),
        );
        return None;
    };
    let location = value.get("location").and_then(Value::as_str).map(str::to_owned);
    if location.is_none() {
        problems.push(section.error(
            &[container, "mounts"],
            format!("the mount of storage `{storage}` in container `{container}` needs a `location`"),
        ));
    }
    Some(Mount { storage: storage.to_owned(), location })
}

/// `uid` or `gid`: a number outside the range Juju reserves (1000-9999).
fn id(section: Section<'_>, container: &str, body: &Mapping, key: &str, problems: &mut Problems) -> Option<u32> {
    let value = body.get(key).filter(|v| !v.is_null())?;
    match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if (1000..=9999).contains(&n) => {
            problems.push(section.error(
                &[container, key],
                format!("container `{container}` has invalid {key} {n}: {key} cannot be in reserved range 1000-9999"),
            ));
            None
        }
        Some(n) => Some(n),
        None => {
            problems.push(section.error(
                &[container, key],
                format!("`{key}` of container `{container}` must be a whole number, got {}", render(value)),
            ));
            None
        }
    }
}

/// Each container's resource and mounts name what is declared, as Juju checks.
pub fn check_references(
    root: Section<'_>,
    containers: &[Container],
    storage: &[Storage],
    resources: &[Resource],
    problems: &mut Problems,
) {
    for container in containers {
        let name = &container.name;
        if let Some(resource) = &container.resource {
            match resources.iter().find(|r| &r.name == resource) {
                None => problems.push(root.error(
                    &["containers", name, "resource"],
                    format!("container `{name}` runs resource `{resource}`, which is not declared under `resources`"),
                )),
                Some(r) if r.kind != "oci-image" => problems.push(root.error(
                    &["containers", name, "resource"],
                    format!(
                        "container `{name}` runs resource `{resource}`, which is a `{}` resource, not an `oci-image`",
                        r.kind
                    ),
                )),
                Some(_) => {}
            }
        }
        for mount in container.mounts.iter().filter(|m| !storage.iter().any(|s| s.name == m.storage)) {
            problems.push(root.error(
                &["containers", name, "mounts"],
                format!("container `{name}` mounts storage `{}`, which is not declared under `storage`", mount.storage),
            ));
        }
    }
}
