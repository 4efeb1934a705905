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
//! assert_eq!(meta.charm_user, ops::meta::CharmUser::Root);
//! # use ops::prelude::*;
//! ```

/// Everything the charm's YAML declares, in the shape of Python ops' `CharmMeta`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metadata {
    /// `name`: the charm's name.
    pub name: &'static str,
    /// `title` (charmcraft.yaml) or `display-name` (metadata.yaml), or `""`.
    pub title: &'static str,
    /// `summary`, or `""`.
    pub summary: &'static str,
    /// `description`, or `""`.
    pub description: &'static str,
    /// `maintainer`, `maintainers` and `links.contact`, in that order.
    pub maintainers: &'static [&'static str],
    /// Where to read more: `docs`, `issues`, `source`, `website` (or `links.*`).
    pub links: Links,
    /// `terms`: the terms an operator must accept.
    pub terms: &'static [&'static str],
    /// `charm-user`: the user the charm's hooks run as.
    pub charm_user: CharmUser,
    /// `subordinate`: whether the charm is a subordinate.
    pub subordinate: bool,
    /// `assumes`: what the charm needs from Juju, all of them (the top level is all-of).
    pub assumes: &'static [Assumption],
    /// `min-juju-version`, from older metadata.
    pub min_juju_version: Option<&'static str>,
    /// `containers`: the workload containers, in YAML order.
    pub containers: &'static [ContainerMeta],
    /// `requires`, `provides` and `peers`, in that order.
    pub relations: &'static [RelationMeta],
    /// `extra-bindings`: network bindings that belong to no relation.
    pub extra_bindings: &'static [&'static str],
    /// `storage`.
    pub storage: &'static [StorageMeta],
    /// `devices`.
    pub devices: &'static [DeviceMeta],
    /// `resources`.
    pub resources: &'static [ResourceMeta],
    /// `config.options`.
    pub config: &'static [ConfigOptionMeta],
    /// `actions`.
    pub actions: &'static [ActionMeta],
}

/// Where to read more about the charm (ops' `MetadataLinks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Links {
    /// `docs` or `links.documentation`.
    pub documentation: Option<&'static str>,
    /// `issues` or `links.issues`.
    pub issues: &'static [&'static str],
    /// `source` or `links.source`.
    pub sources: &'static [&'static str],
    /// `website` or `links.website`.
    pub websites: &'static [&'static str],
}

/// `charm-user`: the user the charm's hooks run as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharmUser {
    /// `root` (the default).
    Root,
    /// `sudoer`: a user that may use sudo.
    Sudoer,
    /// `non-root`.
    NonRoot,
}

/// One expression of `assumes`, the tree Juju reads.
///
/// ```
/// use ops::meta::Assumption;
/// let needs = Assumption::AnyOf(&[Assumption::Feature("k8s-api"), Assumption::Feature("juju >= 3.6")]);
/// assert!(matches!(needs, Assumption::AnyOf([Assumption::Feature("k8s-api"), _])));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assumption {
    /// A feature, with an optional version constraint, as written: `juju >= 3.4`, `k8s-api`.
    Feature(&'static str),
    /// `all-of`: every nested expression.
    AllOf(&'static [Assumption]),
    /// `any-of`: at least one nested expression.
    AnyOf(&'static [Assumption]),
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
}

/// A workload container (`containers.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerMeta {
    /// The container's name.
    pub name: &'static str,
    /// `resource`: the OCI image resource it runs, if given.
    pub resource: Option<&'static str>,
    /// `bases`: the bases it runs on, when it names no resource.
    pub bases: &'static [ContainerBase],
    /// `mounts`: storage mounted into the container.
    pub mounts: &'static [MountMeta],
    /// `uid`: the user id the workload runs as, if given.
    pub uid: Option<u32>,
    /// `gid`: the group id the workload runs as, if given.
    pub gid: Option<u32>,
}

/// One of a container's `bases`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerBase {
    /// `name`: the OS, `ubuntu`.
    pub name: &'static str,
    /// `channel`: `22.04`.
    pub channel: &'static str,
    /// `architectures`: `amd64`, `arm64`, ...
    pub architectures: &'static [&'static str],
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
    /// `properties`: `transient` or nothing.
    pub properties: &'static [&'static str],
}

/// A device the charm requests (`devices.<name>`), such as a GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceMeta {
    /// The device name.
    pub name: &'static str,
    /// `type`: `gpu`, `nvidia.com/gpu`, `amd.com/gpu`.
    pub kind: &'static str,
    /// `description`, or `""`.
    pub description: &'static str,
    /// `countmin` (default 1).
    pub count_min: u32,
    /// `countmax` (default 1).
    pub count_max: u32,
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
    /// `title`, or `""`.
    pub title: &'static str,
    /// `description`, or `""`.
    pub description: &'static str,
    /// `params` (or a top-level `properties`), in YAML order.
    pub params: &'static [ParamMeta],
    /// `additionalProperties`, if given. When absent, Juju 3 accepts undeclared params and
    /// Juju 4 refuses them.
    pub additional_properties: Option<bool>,
    /// `execution-group`: actions of one group run one at a time on a unit.
    pub execution_group: Option<&'static str>,
    /// `parallel` (default false): whether runs may overlap within the group.
    pub parallel: bool,
}
