//! The contract with the build script: the traits the generated types implement, and the
//! helpers generated code calls.
//!
//! `juju_ops_build::generate()` writes a module for the charm (see `ops::hello` for the
//! reference charm's); its `Meta`, `Config`, `containers::*`, `relations::*`,
//! `storages::*`, `resources::*` and `actions::*` implement these traits. Charm code names
//! them in generic code (a component for any endpoint: `R: RelationEndpoint`) and to call
//! their associated items (`Meta::metadata()`); otherwise it has no need of this module.

pub(crate) mod values;

pub use values::{FromValue, ValueSource, Values};

use crate::ValueError;
use crate::meta::{Metadata, RelationRole};

/// Implemented by the generated `Meta` type: links the charm's typed config, its event set
/// and its static metadata.
pub trait CharmMeta: Sized + 'static {
    /// The generated `Config` struct.
    type Config: CharmConfig;
    /// The generated `Events` struct: one typed [`EventSource`](crate::EventSource) per event.
    type Events: 'static;

    /// The charm's metadata, written at build time.
    fn metadata() -> &'static Metadata;
    /// The charm's event sources (Python's `self.on`).
    fn events() -> &'static Self::Events;
    /// The name of every event in `Events`, as `ops::main` derives it from
    /// `JUJU_DISPATCH_PATH` (`db_relation_changed`, `fortune_action`).
    fn event_names() -> &'static [&'static str];
}

/// Implemented by the generated `Config` struct.
pub trait CharmConfig: Sized + Clone + 'static {
    /// Reads the options from what `config-get --format=json` returned.
    fn from_values(values: &Values) -> Result<Self, ValueError>;
    /// Writes the options back into a map, as `config-get` would report them.
    fn to_values(&self) -> Values;
}

/// Implemented by the generated `actions::<Action>Params` structs.
pub trait ActionParams: Sized + 'static {
    /// The action's name, as Juju knows it.
    const ACTION: &'static str;
    /// Reads the parameters from what `action-get --format=json` returned.
    fn from_values(values: &Values) -> Result<Self, ValueError>;
    /// Writes the parameters back into a map, as `action-get` would report them.
    fn to_values(&self) -> Values;
}

/// Implemented by the generated container marker types (`containers::Pause` for `containers: pause:`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a container declared in the charm's metadata",
    label = "not a declared container",
    note = "containers are declared under `containers:` in charmcraft.yaml (or metadata.yaml); the build script generates one marker type for each in `containers`"
)]
pub trait ContainerName: 'static {
    /// The charm this container belongs to.
    type Charm: CharmMeta;
    /// The container's name in the metadata.
    const NAME: &'static str;
}

/// Implemented by the generated relation endpoint marker types (`relations::Db` for `requires: db:`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation endpoint declared in the charm's metadata",
    label = "not a declared relation endpoint",
    note = "relation endpoints are declared under `requires:`, `provides:` and `peers:`; the build script generates one marker type for each in `relations`"
)]
pub trait RelationEndpoint: 'static {
    /// The charm this endpoint belongs to.
    type Charm: CharmMeta;
    /// The endpoint's name in the metadata.
    const NAME: &'static str;
    /// Which section declared it.
    const ROLE: RelationRole;
    /// Its `interface`.
    const INTERFACE: &'static str;
}

/// A network binding: a relation endpoint (every [`RelationEndpoint`] is one) or an
/// `extra-bindings:` name (the generated markers in `bindings`), for
/// [`Model::get_binding`](crate::Model::get_binding).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation endpoint or extra binding declared in the charm's metadata",
    label = "not a declared binding",
    note = "bindings are the relation endpoints (markers in `relations`) and the names under `extra-bindings:` (markers in `bindings`)"
)]
pub trait BindingName: 'static {
    /// The charm this binding belongs to.
    type Charm: CharmMeta;
    /// The binding's name, as `network-get` takes it.
    const NAME: &'static str;
}

impl<R: RelationEndpoint> BindingName for R {
    type Charm = R::Charm;
    const NAME: &'static str = R::NAME;
}

/// Implemented by the generated markers of endpoints declared under `peers:`: only a peer
/// relation's application databag can be read by every unit.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a peer relation endpoint",
    label = "not declared under `peers:`",
    note = "every unit reads its own application's databag only in a peer relation; in other relations the leader reads it through `local_app_data(&leader)`"
)]
pub trait PeerEndpoint: RelationEndpoint {}

/// Implemented by the generated storage marker types (`storages::Data` for `storage: data:`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a storage declared in the charm's metadata",
    label = "not a declared storage",
    note = "storage is declared under `storage:`; the build script generates one marker type for each in `storages`"
)]
pub trait StorageName: 'static {
    /// The charm this storage belongs to.
    type Charm: CharmMeta;
    /// The storage's name in the metadata.
    const NAME: &'static str;
}

/// Implemented by the generated resource marker types (`resources::PauseImage` for
/// `resources: pause-image:`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a resource declared in the charm's metadata",
    label = "not a declared resource",
    note = "resources are declared under `resources:`; the build script generates one marker type for each in `resources`"
)]
pub trait ResourceName: 'static {
    /// The charm this resource belongs to.
    type Charm: CharmMeta;
    /// The resource's name in the metadata.
    const NAME: &'static str;
}
