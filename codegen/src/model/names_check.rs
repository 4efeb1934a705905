//! Names that are distinct in YAML but the same in Rust (`log-level` and `log_level`).
//!
//! Each kind has its own namespace in the generated code (`containers::Grafana` and
//! `relations::Grafana` are different items), so only names within one kind can collide.

use super::section::{Problems, Section};
use super::{Charm, Sections, enum_type_name};
use crate::hash::FastMap;
use crate::names;

/// One generated name: the Rust name, what it is ("option"), the YAML name, and the path
/// of its YAML key.
type Named<'a> = (String, &'static str, &'a str, Vec<&'a str>);

pub fn collisions(charm: &Charm, sections: &Sections<'_>, problems: &mut Problems) {
    if let Some(config) = sections.config {
        let fields =
            charm.options.iter().map(|o| (names::field(&o.name), "option", o.name.as_str(), vec![o.name.as_str()]));
        report(config, fields, problems);
    }
    if let Some(actions) = sections.actions {
        for action in &charm.actions {
            let fields = action.params.iter().map(|p| {
                (names::field(&p.name), "param", p.name.as_str(), vec![action.name.as_str(), "params", p.name.as_str()])
            });
            report(actions, fields, problems);
        }
        let types = charm.actions.iter().flat_map(|a| {
            let params =
                (format!("{}Params", names::type_name(&a.name)), "action", a.name.as_str(), vec![a.name.as_str()]);
            let enums = a.params.iter().filter(|p| p.variants.is_some()).map(|p| {
                (
                    enum_type_name(&a.name, &p.name),
                    "param enum",
                    p.name.as_str(),
                    vec![a.name.as_str(), "params", p.name.as_str()],
                )
            });
            std::iter::once(params).chain(enums)
        });
        report(actions, types, problems);
    }
    let Some(root) = sections.metadata else { return };
    report(root, markers("container", "containers", charm.containers.iter().map(|c| c.name.as_str())), problems);
    report(root, markers("storage", "storage", charm.storage.iter().map(|s| s.name.as_str())), problems);
    report(root, markers("resource", "resources", charm.resources.iter().map(|r| r.name.as_str())), problems);
    report(root, markers("extra binding", "extra-bindings", charm.extra_bindings.iter().map(String::as_str)), problems);
    let relations = charm.relations.iter().map(|r| {
        (names::type_name(&r.name), "relation endpoint", r.name.as_str(), vec![r.role.section(), r.name.as_str()])
    });
    report(root, relations, problems);
}

/// The marker types of one kind, declared under `section`.
fn markers<'a>(
    kind: &'static str,
    section: &'static str,
    names: impl Iterator<Item = &'a str>,
) -> impl Iterator<Item = Named<'a>> {
    names.map(move |name| (names::type_name(name), kind, name, vec![section, name]))
}

/// Reports each item whose Rust name an earlier item already took.
fn report<'a>(section: Section<'_>, items: impl IntoIterator<Item = Named<'a>>, problems: &mut Problems) {
    let mut seen: FastMap<String, (&'static str, &str)> = FastMap::default();
    for (rust, kind, name, path) in items {
        match seen.get(&rust) {
            Some((other_kind, other)) => problems.push(section.error(
                &path,
                format!("{kind} `{name}` and {other_kind} `{other}` both become `{rust}` in Rust; rename one"),
            )),
            None => {
                seen.insert(rust, (kind, name));
            }
        }
    }
}
