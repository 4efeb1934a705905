//! The charm's metadata, as static data written by the build script.
//!
//! Python ops parses `metadata.yaml`, `config.yaml` and `actions.yaml` on every
//! dispatch (`CharmMeta.from_charm_root`). Here the build script reads them once,
//! at build time, and writes a `static METADATA: Metadata` into the generated
//! module, so a running charm parses no YAML at all.
//!
//! ```
//! let meta = ops::hello::Meta::metadata();
//! assert_eq!(meta.name, "hello");
//! assert_eq!(meta.containers[0].name, "pause");
//! assert_eq!(meta.relation("db").unwrap().interface, "postgresql_client");
//! # use ops::CharmMeta;
//! ```

const RELATION_EVENTS: &[&str] =
    &["relation_created", "relation_joined", "relation_changed", "relation_departed", "relation_broken"];
const WORKLOAD_EVENTS: &[&str] =
    &["pebble_ready", "pebble_custom_notice", "pebble_check_failed", "pebble_check_recovered"];
const STORAGE_EVENTS: &[&str] = &["storage_attached", "storage_detaching"];

/// Everything the charm's YAML declares, in the shape of Python ops' `CharmMeta`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metadata {
    /// `name`: the charm's name.
    pub name: &'static str,
    /// `title`, or `""`.
    pub title: &'static str,
    /// `summary`, or `""`.
    pub summary: &'static str,
    /// `description`, or `""`.
    pub description: &'static str,
    /// `subordinate`: whether the charm is a subordinate.
    pub subordinate: bool,
    /// `assumes`: the features the charm needs from Juju, flattened (`all-of`/`any-of` kept as text).
    pub assumes: &'static [&'static str],
    /// `containers`: the workload containers, in YAML order.
    pub containers: &'static [ContainerMeta],
    /// `requires`, `provides` and `peers`, in that order.
    pub relations: &'static [RelationMeta],
    /// `storage`.
    pub storage: &'static [StorageMeta],
    /// `resources`.
    pub resources: &'static [ResourceMeta],
    /// `config.options`.
    pub config: &'static [ConfigOptionMeta],
    /// `actions`.
    pub actions: &'static [ActionMeta],
}

impl Metadata {
    /// The container called `name`, if declared.
    pub fn container(&self, name: &str) -> Option<&'static ContainerMeta> {
        self.containers.iter().find(|c| c.name == name)
    }

    /// The relation endpoint called `name` (in any of requires/provides/peers), if declared.
    pub fn relation(&self, name: &str) -> Option<&'static RelationMeta> {
        self.relations.iter().find(|r| r.name == name)
    }

    /// The storage called `name`, if declared.
    pub fn storage(&self, name: &str) -> Option<&'static StorageMeta> {
        self.storage.iter().find(|s| s.name == name)
    }

    /// The action called `name`, if declared.
    pub fn action(&self, name: &str) -> Option<&'static ActionMeta> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// The config option called `name`, if declared.
    pub fn config_option(&self, name: &str) -> Option<&'static ConfigOptionMeta> {
        self.config.iter().find(|o| o.name == name)
    }

    /// Whether `kind` (an event name such as `db_relation_changed`) is an event this charm can
    /// receive: the lifecycle events every charm has, and those its metadata implies.
    pub fn has_event(&self, kind: &str) -> bool {
        if crate::events::LIFECYCLE_EVENTS.contains(&kind) {
            return true;
        }
        let implied = |names: &[&str], suffixes: &[&str]| {
            names.iter().any(|name| {
                let name = name.replace('-', "_");
                kind.strip_prefix(name.as_str())
                    .and_then(|rest| rest.strip_prefix('_'))
                    .is_some_and(|rest| suffixes.contains(&rest))
            })
        };
        let names = |items: &mut dyn Iterator<Item = &'static str>| items.collect::<Vec<_>>();
        implied(&names(&mut self.relations.iter().map(|r| r.name)), RELATION_EVENTS)
            || implied(&names(&mut self.containers.iter().map(|c| c.name)), WORKLOAD_EVENTS)
            || implied(&names(&mut self.storage.iter().map(|s| s.name)), STORAGE_EVENTS)
            || implied(&names(&mut self.actions.iter().map(|a| a.name)), &["action"])
    }
}

/// A workload container (`containers.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerMeta {
    /// The container's name.
    pub name: &'static str,
    /// `resource`: the OCI image resource it runs, if given.
    pub resource: Option<&'static str>,
    /// `mounts`: storage mounted into the container.
    pub mounts: &'static [MountMeta],
}

/// One `containers.<name>.mounts` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MountMeta {
    /// `storage`: the storage name.
    pub storage: &'static str,
    /// `location`: where it is mounted, if given.
    pub location: Option<&'static str>,
}

/// Which side of a relation an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationRole {
    /// Declared under `requires`.
    Requires,
    /// Declared under `provides`.
    Provides,
    /// Declared under `peers`.
    Peer,
}

/// The `scope` of a relation endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationScope {
    /// `global` (the default).
    Global,
    /// `container`: a subordinate relation.
    Container,
}

/// A relation endpoint (`requires`/`provides`/`peers` `.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationMeta {
    /// The endpoint name.
    pub name: &'static str,
    /// Which section declared it.
    pub role: RelationRole,
    /// `interface`.
    pub interface: &'static str,
    /// `limit`, if given.
    pub limit: Option<u32>,
    /// `optional` (default false).
    pub optional: bool,
    /// `scope` (default global).
    pub scope: RelationScope,
}

/// The `type` of a storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageType {
    /// `filesystem`.
    Filesystem,
    /// `block`.
    Block,
}

/// A storage (`storage.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageMeta {
    /// The storage name.
    pub name: &'static str,
    /// `type`.
    pub kind: StorageType,
    /// `description`, or `""`.
    pub description: &'static str,
    /// `location`, if given.
    pub location: Option<&'static str>,
    /// `shared` (default false).
    pub shared: bool,
    /// `read-only` (default false).
    pub read_only: bool,
    /// `minimum-size`, as written, if given.
    pub minimum_size: Option<&'static str>,
    /// `multiple.range` as `(min, max)`; `max` is `None` for an open range (`N-` or `N+`).
    /// A storage without `multiple` is `(1, Some(1))`.
    pub multiple: (u32, Option<u32>),
}

/// A resource (`resources.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceMeta {
    /// The resource name.
    pub name: &'static str,
    /// `type`: `file` or `oci-image`.
    pub kind: &'static str,
    /// `filename`, for file resources.
    pub filename: Option<&'static str>,
    /// `description`, or `""`.
    pub description: &'static str,
}

/// The `type` of a config option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionType {
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `boolean`.
    Boolean,
    /// `secret`: the value is a secret URI.
    Secret,
}

/// A config option's default value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue {
    /// A string (or secret) default.
    String(&'static str),
    /// An int default.
    Int(i64),
    /// A float default.
    Float(f64),
    /// A boolean default.
    Boolean(bool),
}

/// A config option (`config.options.<name>`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfigOptionMeta {
    /// The option's name as Juju knows it.
    pub name: &'static str,
    /// `type`.
    pub kind: OptionType,
    /// `default`, if given and not null.
    pub default: Option<DefaultValue>,
    /// `description`, or `""`.
    pub description: &'static str,
}

/// The JSON-schema `type` of an action parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `string` (also for `enum` of strings).
    String,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `array`.
    Array,
    /// `object`.
    Object,
    /// No `type` given: any JSON value.
    Any,
}

/// One action parameter (`actions.<name>.params.<param>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamMeta {
    /// The parameter's name as Juju knows it.
    pub name: &'static str,
    /// Its JSON-schema type.
    pub kind: ParamType,
    /// `description`, or `""`.
    pub description: &'static str,
    /// Whether it is listed in the action's `required`.
    pub required: bool,
}

/// An action (`actions.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionMeta {
    /// The action's name.
    pub name: &'static str,
    /// `description`, or `""`.
    pub description: &'static str,
    /// `params`, in YAML order.
    pub params: &'static [ParamMeta],
    /// `additionalProperties`, if given.
    pub additional_properties: Option<bool>,
}
