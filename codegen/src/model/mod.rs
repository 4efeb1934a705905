//! The charm as the generator sees it: read from the files charmcraft would read, with
//! charmcraft's rules for which file says what, checked, and with every problem collected
//! as a diagnostic that points into the file it came from.

mod actions;
mod assumes;
mod config;
mod containers;
mod info;
mod layout;
mod names_check;
mod relations;
mod resources;
mod section;
mod storage;

pub use actions::{Action, Param, ParamDefault, ParamType, enum_type_name};
pub use assumes::Assumption;
pub use config::{ConfigOption, OptionDefault, OptionType};
pub use containers::Container;
pub use info::{CharmUser, Info};
pub use layout::{DESCRIPTIVE_KEYS, METADATA_KEYS, Project};
pub use relations::{Relation, Role};
pub use resources::{Device, Resource};
pub use section::Fragment;
pub use storage::Storage;

use crate::Diagnostic;
use section::{Problems, Section, entries};

/// The whole charm.
#[derive(Debug, Clone, PartialEq)]
pub struct Charm {
    /// The files read, for the generated header.
    pub files: Vec<String>,
    /// Name, summary, links and the other descriptive keys.
    pub info: Info,
    pub assumes: Vec<Assumption>,
    pub containers: Vec<Container>,
    pub relations: Vec<Relation>,
    pub extra_bindings: Vec<String>,
    pub storage: Vec<Storage>,
    pub devices: Vec<Device>,
    pub resources: Vec<Resource>,
    pub options: Vec<ConfigOption>,
    pub actions: Vec<Action>,
}

/// The charm, and the warnings found reading it.
pub struct Parsed {
    pub charm: Charm,
    pub warnings: Vec<Diagnostic>,
}

/// The problems found, when any is an error: errors first, then warnings.
pub struct Refused {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// Parses and checks the charm; every problem found is returned, not just the first.
pub fn parse(project: &Project) -> Result<Parsed, Refused> {
    let mut problems = Problems::default();
    let sections = layout::sections(project, &mut problems);
    let Some(root) = sections.metadata else {
        return Err(Refused { errors: problems.errors, warnings: problems.warnings });
    };
    let info = info::read(root, &sections.described_by, &mut problems);
    let storage = entries(root, "storage", &mut problems, storage::parse);
    let resources = entries(root, "resources", &mut problems, resources::parse);
    let containers = entries(root, "containers", &mut problems, containers::parse);
    containers::check_references(root, &containers, &storage, &resources, &mut problems);
    let relations = relations::read(root, &mut problems);
    let charm = Charm {
        files: project.files(),
        assumes: assumes::read(root, &mut problems),
        extra_bindings: relations::extra_bindings(root, &relations, &mut problems),
        devices: entries(root, "devices", &mut problems, resources::device),
        options: sections.config.map(|s| config::read(s, &mut problems)).unwrap_or_default(),
        actions: sections.actions.map(|s| actions::read(s, &info.name, &mut problems)).unwrap_or_default(),
        info,
        containers,
        relations,
        storage,
        resources,
    };
    names_check::collisions(&charm, &sections, &mut problems);
    if problems.errors.is_empty() {
        Ok(Parsed { charm, warnings: problems.warnings })
    } else {
        Err(Refused { errors: problems.errors, warnings: problems.warnings })
    }
}

/// The sections of the project each part of the charm is read from.
pub struct Sections<'a> {
    /// The metadata keys: metadata.yaml when it exists, else charmcraft.yaml.
    pub metadata: Option<Section<'a>>,
    /// Where `name`, `summary` and `description` are (either file, by charmcraft's rule).
    pub described_by: Vec<Section<'a>>,
    /// `options` of config.yaml, or `config.options` of charmcraft.yaml.
    pub config: Option<Section<'a>>,
    /// actions.yaml, or `actions` of charmcraft.yaml.
    pub actions: Option<Section<'a>>,
}
