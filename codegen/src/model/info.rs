//! The descriptive keys: name, title, summary, description, maintainers, links, terms,
//! the user the charm runs as, and whether it is a subordinate.
//!
//! Both spellings are read: metadata.yaml's (`display-name`, `maintainers`, `docs`,
//! `issues`, `source`, `website`) and charmcraft.yaml's (`title`, `links:`), as ops does.

use super::section::{Problems, Section, render, string_list};
use crate::yaml::Value;

/// The charm's descriptive metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    pub name: String,
    /// `title` (charmcraft.yaml) or `display-name` (metadata.yaml).
    pub title: String,
    pub summary: String,
    pub description: String,
    /// `maintainer`, `maintainers` and `links.contact`, in that order.
    pub maintainers: Vec<String>,
    pub links: Links,
    pub terms: Vec<String>,
    pub charm_user: CharmUser,
    pub subordinate: bool,
    /// `min-juju-version` (metadata v1).
    pub min_juju_version: Option<String>,
}

/// Where to read more about the charm.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Links {
    pub documentation: Option<String>,
    pub issues: Vec<String>,
    pub sources: Vec<String>,
    pub websites: Vec<String>,
}

/// `charm-user`: the user the charm's hooks run as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CharmUser {
    #[default]
    Root,
    Sudoer,
    NonRoot,
}

/// Reads the descriptive keys: `name`, `summary` and `description` from whichever of
/// `described_by` has them, the rest from the metadata section.
pub fn read(root: Section<'_>, described_by: &[Section<'_>], problems: &mut Problems) -> Info {
    let described = |key: &str| described_by.iter().find_map(|s| s.text(key)).unwrap_or_default();
    let name = described("name");
    if name.is_empty() {
        let at = described_by.first().copied().unwrap_or(root);
        problems.push(at.error(&["name"], "the charm needs a `name`"));
    }
    let links = root.get("links");
    let link = |key: &str| links.and_then(|l| l.get(key));
    let mut maintainers = string_list(root, &["maintainer"], root.get("maintainer"), problems);
    maintainers.extend(string_list(root, &["maintainers"], root.get("maintainers"), problems));
    maintainers.extend(string_list(root, &["links", "contact"], link("contact"), problems));
    let mut list = |key: &str, link_key: &str| match root.get(key) {
        Some(value) => string_list(root, &[key], Some(value), problems),
        None => string_list(root, &["links", link_key], link(link_key), problems),
    };
    let links = Links {
        issues: list("issues", "issues"),
        sources: list("source", "source"),
        websites: list("website", "website"),
        documentation: root.text("docs").or_else(|| link("documentation").and_then(Value::as_str).map(str::to_owned)),
    };
    Info {
        name,
        title: root.text("title").or_else(|| root.text("display-name")).unwrap_or_default(),
        summary: described("summary"),
        description: described("description"),
        maintainers,
        links,
        terms: string_list(root, &["terms"], root.get("terms"), problems),
        charm_user: charm_user(root, problems),
        subordinate: subordinate(root, problems),
        min_juju_version: root.text("min-juju-version"),
    }
}

fn charm_user(root: Section<'_>, problems: &mut Problems) -> CharmUser {
    match root.get("charm-user") {
        None | Some(Value::Null) => CharmUser::Root,
        Some(value) => match value.as_str() {
            Some("root") => CharmUser::Root,
            Some("sudoer") => CharmUser::Sudoer,
            Some("non-root") => CharmUser::NonRoot,
            _ => {
                problems.push(root.error(
                    &["charm-user"],
                    format!("invalid charm-user {}: expected one of root, sudoer or non-root", render(value)),
                ));
                CharmUser::Root
            }
        },
    }
}

fn subordinate(root: Section<'_>, problems: &mut Problems) -> bool {
    match root.get("subordinate") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            problems.push(
                root.error(&["subordinate"], format!("`subordinate` must be true or false, got {}", render(other))),
            );
            false
        }
    }
}
