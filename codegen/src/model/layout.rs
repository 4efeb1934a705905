//! Which file says what: charmcraft's rules for a project's `charmcraft.yaml`,
//! `metadata.yaml`, `config.yaml` and `actions.yaml`.
//!
//! Three layouts are in use, and charmcraft accepts all of them:
//! - a unified `charmcraft.yaml` holding everything;
//! - a build-only `charmcraft.yaml` (type, bases or platforms, parts) beside a full
//!   `metadata.yaml`, with `config.yaml` and `actions.yaml` (the most common among published
//!   charms);
//! - the split files alone.
//!
//! When `metadata.yaml` exists, charmcraft packs it verbatim: every metadata key comes from
//! it. `name`, `summary` and `description` may be in either file, not both. `config.yaml`
//! and `actions.yaml`, when they exist, are the config and actions, and the same section in
//! charmcraft.yaml is an error.

use super::Sections;
use super::section::{Problems, Section};
use crate::yaml::{Source, Value};

/// The project's YAML files, each parsed, each optional.
pub struct Project {
    pub charmcraft: Option<Source>,
    pub metadata: Option<Source>,
    pub config: Option<Source>,
    pub actions: Option<Source>,
}

impl Project {
    /// The names of the files present, in the order charmcraft reads them.
    pub fn files(&self) -> Vec<String> {
        [&self.charmcraft, &self.metadata, &self.config, &self.actions]
            .into_iter()
            .flatten()
            .map(|source| source.name.clone())
            .collect()
    }
}

/// The top-level keys charmcraft 4.5 accepts in charmcraft.yaml for a charm (its project
/// model forbids any other), besides [`DESCRIPTIVE_KEYS`] and [`METADATA_KEYS`], plus
/// `extensions`, which it expands before validating.
const CHARMCRAFT_ONLY_KEYS: &[&str] = &[
    "type",
    "version",
    "base",
    "build-base",
    "platforms",
    "bases",
    "contact",
    "issues",
    "source-code",
    "license",
    "adopt-info",
    "parts",
    "package-repositories",
    "build-slices",
    "analysis",
    "charmhub",
    "charm-libs",
    "extensions",
    "config",
    "actions",
];

/// The keys charmcraft takes from metadata.yaml into its project, and refuses in both files.
pub const DESCRIPTIVE_KEYS: [&str; 3] = ["name", "summary", "description"];

/// The keys charmcraft.yaml may hold that a packed metadata.yaml is made of (when there
/// is no metadata.yaml); ignored by charmcraft when metadata.yaml exists.
pub const METADATA_KEYS: &[&str] = &[
    "title",
    "links",
    "assumes",
    "charm-user",
    "containers",
    "devices",
    "extra-bindings",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
];

/// Finds the section each part of the charm comes from, reporting charmcraft's errors.
pub fn sections<'a>(project: &'a Project, problems: &mut Problems) -> Sections<'a> {
    let charmcraft = project.charmcraft.as_ref().and_then(|s| mapping_root(s, problems));
    let metadata_file = project.metadata.as_ref().and_then(|s| mapping_root(s, problems));
    if let Some(charmcraft) = charmcraft {
        charmcraft_rules(charmcraft, problems);
    }
    let metadata = metadata_file.or(charmcraft);
    if metadata.is_none() && problems.errors.is_empty() {
        // An empty file: there is nothing to point at but its start.
        let file = project.metadata.as_ref().or(project.charmcraft.as_ref()).map_or("charmcraft.yaml", |s| &s.name);
        let message = "the charm needs a `name`".to_owned();
        problems.push(crate::Diagnostic { file: file.to_owned(), line: 1, column: 1, message });
    }
    let described_by = match (charmcraft, metadata_file) {
        (Some(charmcraft), Some(metadata)) => split_description(charmcraft, metadata, problems),
        _ => metadata.into_iter().collect(),
    };
    Sections {
        metadata,
        described_by,
        config: file_or_key(project.config.as_ref(), charmcraft, &CONFIG, problems),
        actions: file_or_key(project.actions.as_ref(), charmcraft, &ACTIONS, problems),
    }
}

/// A part of the charm that is either a file of its own or a key of charmcraft.yaml.
struct FileOrKey {
    key: &'static str,
    file: &'static str,
    /// Where the part is in its own file.
    in_file: &'static [&'static str],
    /// Where it is in charmcraft.yaml.
    in_charmcraft: &'static [&'static str],
}

const CONFIG: FileOrKey =
    FileOrKey { key: "config", file: "config.yaml", in_file: &["options"], in_charmcraft: &["config", "options"] };
const ACTIONS: FileOrKey =
    FileOrKey { key: "actions", file: "actions.yaml", in_file: &[], in_charmcraft: &["actions"] };

/// The file's document, if it is a mapping (an empty file is no mapping and no error).
fn mapping_root<'a>(source: &'a Source, problems: &mut Problems) -> Option<Section<'a>> {
    match &source.value {
        Value::Mapping(_) => Section::of(source, &[]),
        Value::Null => None,
        _ => {
            problems.push(source.error(&[], format!("expected a mapping of keys at the top level of {}", source.name)));
            None
        }
    }
}

/// Unknown keys and `extensions:` in charmcraft.yaml.
fn charmcraft_rules(root: Section<'_>, problems: &mut Problems) {
    let Some(map) = root.value.as_mapping() else { return };
    for key in map.keys().filter_map(Value::as_str) {
        let known = [CHARMCRAFT_ONLY_KEYS, &DESCRIPTIVE_KEYS, METADATA_KEYS].iter().any(|keys| keys.contains(&key));
        if !known {
            problems.push(root.error(&[key], format!("unknown top-level key `{key}` (charmcraft rejects it)")));
        }
    }
    if let Some(extensions) = root.get("extensions") {
        let names: Vec<&str> = extensions.as_sequence().into_iter().flatten().filter_map(Value::as_str).collect();
        let named = if names.is_empty() { "extensions".to_owned() } else { format!("`{}`", names.join("`, `")) };
        problems.push(root.error(
            &["extensions"],
            format!(
                "{named} add containers, relations, config options and actions that are not written in this file, \
                 so the generated API would miss them; run `charmcraft expand-extensions`, put its output in \
                 charmcraft.yaml without the `extensions:` key, and commit the expanded file"
            ),
        ));
    }
}

/// With both files: `name`, `summary` and `description` in one of them only, and the
/// other metadata keys of charmcraft.yaml, which charmcraft drops, reported.
fn split_description<'a>(charmcraft: Section<'a>, metadata: Section<'a>, problems: &mut Problems) -> Vec<Section<'a>> {
    let mut only_in_charmcraft = Vec::new();
    for key in DESCRIPTIVE_KEYS {
        match (charmcraft.get(key).is_some(), metadata.get(key).is_some()) {
            (true, true) => problems.push(charmcraft.error(
                &[key],
                format!(
                    "`{key}` is in both charmcraft.yaml and metadata.yaml (charmcraft: \"Fields in charmcraft.yaml \
                     cannot be duplicated in metadata.yaml\"); remove it from charmcraft.yaml, because metadata.yaml \
                     is packed as it is"
                ),
            )),
            (true, false) => only_in_charmcraft.push(key),
            _ => {}
        }
    }
    if !only_in_charmcraft.is_empty() {
        let keys = only_in_charmcraft.join("`, `");
        problems.warn(charmcraft.error(
            &[only_in_charmcraft[0]],
            format!(
                "`{keys}` only in charmcraft.yaml while metadata.yaml exists: charmcraft packs metadata.yaml as it \
                 is, so the packed charm lacks them and Juju refuses it; move them into metadata.yaml"
            ),
        ));
    }
    for key in METADATA_KEYS.iter().filter(|key| charmcraft.get(key).is_some()) {
        problems.warn(charmcraft.error(
            &[key],
            format!(
                "`{key}` in charmcraft.yaml is ignored because metadata.yaml exists (charmcraft packs metadata.yaml \
                 as it is); move it into metadata.yaml"
            ),
        ));
    }
    vec![metadata, charmcraft]
}

/// The part from its own file, else from charmcraft.yaml; charmcraft's error when both have it.
fn file_or_key<'a>(
    file: Option<&'a Source>,
    charmcraft: Option<Section<'a>>,
    part: &FileOrKey,
    problems: &mut Problems,
) -> Option<Section<'a>> {
    let charmcraft = charmcraft.filter(|root| root.get(part.key).is_some());
    if let (Some(_), Some(root)) = (file, charmcraft) {
        let (key, file) = (part.key, part.file);
        problems.push(root.error(
            &[key],
            format!(
                "Cannot specify '{key}' section in 'charmcraft.yaml' when '{file}' exists (charmcraft refuses the \
                 project); keep one of them"
            ),
        ));
    }
    match (file, charmcraft) {
        (Some(file), _) => Section::of(file, part.in_file),
        (None, Some(root)) => Section::of(root.source, part.in_charmcraft),
        (None, None) => None,
    }
}
