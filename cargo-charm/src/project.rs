//! The charm project's YAML, and the YAML files of a `.charm` made from it, as charmcraft
//! 4.5 makes them: `metadata.yaml` mapped from `charmcraft.yaml` (or the project's own
//! `metadata.yaml`, verbatim), `config.yaml` and `actions.yaml` only when non-empty, every
//! generated file with sorted keys.

use std::path::{Path, PathBuf};

use juju_ops_build::{DESCRIPTIVE_KEYS, METADATA_KEYS};
use serde_yaml::{Mapping, Value};

use crate::Error;

/// The charm project: its directory and what its YAML files hold.
#[derive(Debug, Clone)]
pub struct Project {
    /// The directory with `charmcraft.yaml`.
    pub dir: PathBuf,
    /// `charmcraft.yaml`.
    pub charmcraft: Mapping,
    /// `metadata.yaml`'s text, when the project has one.
    pub metadata_file: Option<String>,
    /// `config.yaml`'s text, when the project has one.
    pub config_file: Option<String>,
    /// `actions.yaml`'s text, when the project has one.
    pub actions_file: Option<String>,
}

/// The keys of charmcraft.yaml that metadata.yaml holds under another name or shape (§3);
/// every other key of the generator's lists goes in unchanged.
const RENAMED_KEYS: &[&str] = &["title", "links"];

impl Project {
    /// Reads the project in `dir`.
    ///
    /// # Errors
    ///
    /// When `charmcraft.yaml` is missing or not a mapping, or a file cannot be read.
    pub fn read(dir: &Path) -> Result<Self, Error> {
        let path = dir.join("charmcraft.yaml");
        let text = std::fs::read_to_string(&path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::Project(format!(
                "{} has no charmcraft.yaml: run `cargo charm pack` in a charm project (or pass --manifest-path)",
                dir.display()
            )),
            _ => Error::Io { path: path.clone(), source },
        })?;
        let charmcraft = match serde_yaml::from_str::<Value>(&text) {
            Ok(Value::Mapping(map)) => map,
            Ok(_) => return Err(Error::Yaml { path, message: "must be a mapping of keys".into() }),
            Err(error) => return Err(Error::Yaml { path, message: error.to_string() }),
        };
        let optional = |name: &str| -> Result<Option<String>, Error> {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some(text)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(Error::Io { path, source }),
            }
        };
        Ok(Project {
            dir: dir.to_path_buf(),
            charmcraft,
            metadata_file: optional("metadata.yaml")?,
            config_file: optional("config.yaml")?,
            actions_file: optional("actions.yaml")?,
        })
    }

    /// The charm's name, from metadata.yaml or charmcraft.yaml.
    ///
    /// # Errors
    ///
    /// When neither names it.
    pub fn name(&self) -> Result<String, Error> {
        let from_metadata = self
            .metadata_file
            .as_deref()
            .and_then(|text| serde_yaml::from_str::<Value>(text).ok())
            .and_then(|v| v.get("name").and_then(Value::as_str).map(str::to_owned));
        from_metadata
            .or_else(|| self.charmcraft.get("name").and_then(Value::as_str).map(str::to_owned))
            .ok_or_else(|| Error::Project("the charm has no `name` in charmcraft.yaml or metadata.yaml".into()))
    }

    /// `metadata.yaml` as charmcraft writes it.
    ///
    /// # Errors
    ///
    /// When charmcraft.yaml's `links` are not the shape charmcraft reads.
    pub fn metadata_yaml(&self) -> Result<String, Error> {
        if let Some(text) = &self.metadata_file {
            return Ok(text.clone());
        }
        let mut metadata = Mapping::new();
        let same = DESCRIPTIVE_KEYS.iter().chain(METADATA_KEYS).filter(|key| !RENAMED_KEYS.contains(key));
        for key in same {
            if let Some(value) = self.charmcraft.get(*key) {
                metadata.insert(Value::from(*key), value.clone());
            }
        }
        if let Some(title) = self.charmcraft.get("title") {
            metadata.insert("display-name".into(), title.clone());
        }
        if let Some(links) = self.charmcraft.get("links") {
            let links = links.as_mapping().ok_or_else(|| self.yaml_error("`links` must be a mapping"))?;
            if let Some(docs) = links.get("documentation") {
                metadata.insert("docs".into(), normalise_urls(docs));
            }
            if let Some(contact) = links.get("contact") {
                let list = match contact {
                    Value::Sequence(items) => Value::Sequence(items.clone()),
                    other => Value::Sequence(vec![other.clone()]),
                };
                metadata.insert("maintainers".into(), list);
            }
            for key in ["issues", "source", "website"] {
                if let Some(value) = links.get(key) {
                    metadata.insert(key.into(), normalise_urls(value));
                }
            }
        }
        dump_sorted(&Value::Mapping(metadata), &self.dir.join("charmcraft.yaml"))
    }

    /// `config.yaml`, when the charm has options: the project's file verbatim, or
    /// charmcraft.yaml's `config`.
    ///
    /// # Errors
    ///
    /// When it cannot be written as YAML.
    pub fn config_yaml(&self) -> Result<Option<String>, Error> {
        self.section_yaml(&self.config_file, "config", "options")
    }

    /// `actions.yaml`, when the charm has actions.
    ///
    /// # Errors
    ///
    /// When it cannot be written as YAML.
    pub fn actions_yaml(&self) -> Result<Option<String>, Error> {
        self.section_yaml(&self.actions_file, "actions", "")
    }

    fn section_yaml(&self, file: &Option<String>, key: &str, inner: &str) -> Result<Option<String>, Error> {
        if let Some(text) = file {
            return Ok(Some(text.clone()));
        }
        let Some(value) = self.charmcraft.get(key) else { return Ok(None) };
        let empty = match (value, inner) {
            (Value::Mapping(map), "") => map.is_empty(),
            (Value::Mapping(map), inner) => map.get(inner).and_then(Value::as_mapping).is_none_or(Mapping::is_empty),
            (Value::Null, _) => true,
            _ => false,
        };
        if empty {
            return Ok(None);
        }
        dump_sorted(value, &self.dir.join("charmcraft.yaml")).map(Some)
    }

    fn yaml_error(&self, message: &str) -> Error {
        Error::Yaml { path: self.dir.join("charmcraft.yaml"), message: message.to_owned() }
    }
}

/// As pydantic normalises a URL with no path: `https://x.com` → `https://x.com/`.
fn normalise_urls(value: &Value) -> Value {
    match value {
        Value::String(url) => Value::String(normalise_url(url)),
        Value::Sequence(items) => Value::Sequence(items.iter().map(normalise_urls).collect()),
        other => other.clone(),
    }
}

fn normalise_url(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) if !rest.is_empty() && !rest.contains('/') => format!("{url}/"),
        _ => url.to_owned(),
    }
}

/// YAML with every mapping's keys sorted, as `yaml.safe_dump(..., sort_keys=True)`.
///
/// # Errors
///
/// When the value cannot be written as YAML.
pub fn dump_sorted(value: &Value, source: &Path) -> Result<String, Error> {
    serde_yaml::to_string(&sorted(value))
        .map_err(|e| Error::Yaml { path: source.to_path_buf(), message: e.to_string() })
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Mapping(map) => {
            let mut entries: Vec<(Value, Value)> = map.iter().map(|(k, v)| (k.clone(), sorted(v))).collect();
            entries.sort_by_key(|(key, _)| key_text(key));
            Value::Mapping(entries.into_iter().collect())
        }
        Value::Sequence(items) => Value::Sequence(items.iter().map(sorted).collect()),
        Value::Tagged(tagged) => sorted(&tagged.value),
        other => other.clone(),
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(yaml: &str) -> Project {
        let Value::Mapping(charmcraft) = serde_yaml::from_str(yaml).unwrap() else { panic!("a mapping") };
        Project { dir: PathBuf::from("."), charmcraft, metadata_file: None, config_file: None, actions_file: None }
    }

    #[test]
    fn metadata_is_mapped_as_charmcraft_maps_it() {
        let project = project(
            "name: hello\ntype: charm\ntitle: Hello\nsummary: s\ndescription: |\n  two\n  lines\n\
             base: ubuntu@24.04\nplatforms:\n  amd64:\nparts: {charm: {plugin: rust}}\n\
             links:\n  contact: someone@example.com\n  source: https://github.com\n  documentation: https://d.example/x\n\
             requires:\n  db: {interface: pg, limit: 1}\nconfig:\n  options: {}\n",
        );
        assert_eq!(
            project.metadata_yaml().unwrap(),
            "description: |\n  two\n  lines\ndisplay-name: Hello\ndocs: https://d.example/x\nmaintainers:\n\
             - someone@example.com\nname: hello\nrequires:\n  db:\n    interface: pg\n    limit: 1\n\
             source: https://github.com/\nsummary: s\n"
        );
        assert_eq!(project.config_yaml().unwrap(), None, "no options: no config.yaml");
        assert_eq!(project.actions_yaml().unwrap(), None);
    }

    #[test]
    fn config_and_actions_are_written_sorted_when_they_have_content() {
        let project = project("name: x\nconfig:\n  options:\n    port: {type: int, default: 80}\nactions:\n  go: {}\n");
        assert_eq!(project.config_yaml().unwrap().unwrap(), "options:\n  port:\n    default: 80\n    type: int\n");
        assert_eq!(project.actions_yaml().unwrap().unwrap(), "go: {}\n");
    }
}
