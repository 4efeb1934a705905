//! The traits that tie a charm's code to its generated, typed metadata.
//!
//! The build script (`juju-ops-build`) implements the `*Meta`-side traits for the
//! types it generates; charm authors implement only [`CharmBase`].

use crate::framework::Framework;
use crate::meta::{Metadata, RelationRole};
use crate::values::{ValueError, Values};

/// A charm: the Rust counterpart of subclassing `ops.CharmBase`.
///
/// `new` is called once per dispatch, like the Python charm's `__init__`: it registers
/// observers with [`Framework::observe`] and keeps the [`Model`](crate::Model) it needs.
///
/// ```
/// use ops::hello::Meta;
///
/// struct HelloCharm {
///     model: ops::Model<Meta>,
/// }
///
/// impl ops::CharmBase for HelloCharm {
///     type Meta = Meta;
///
///     fn new(framework: &mut ops::Framework<Self>) -> Self {
///         framework.observe(framework.on().config_changed, Self::on_config_changed);
///         HelloCharm { model: framework.model() }
///     }
/// }
///
/// impl HelloCharm {
///     fn on_config_changed(&mut self, _event: &ops::ConfigChangedEvent) -> ops::HandlerResult {
///         let thing = &self.model.config()?.thing;
///         self.model.unit().set_status(ops::ActiveStatus::new(format!("hello, {thing}")))?;
///         Ok(())
///     }
/// }
/// ```
pub trait CharmBase: Sized + 'static {
    /// The charm's generated metadata type (`Meta` in the module the build script wrote).
    type Meta: CharmMeta;

    /// Keep stored state and deferred events in Juju's controller (`state-get`/`state-set`)
    /// instead of a file in the charm directory: for charms whose filesystem does not
    /// survive (ops' `use_juju_for_storage=True`).
    const USE_JUJU_FOR_STORAGE: bool = false;

    /// Builds the charm for one dispatch and registers its observers.
    fn new(framework: &mut Framework<Self>) -> Self;
}

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
}

/// Implemented by the generated `Config` struct.
pub trait CharmConfig: Sized + Clone + 'static {
    /// Reads the options from what `config-get --format=json` returned.
    fn from_values(values: &Values) -> Result<Self, ValueError>;
    /// Writes the options back into a map, as `config-get` would report them.
    fn to_values(&self) -> Values;
}

/// Implemented by the generated `<Action>Params` structs.
pub trait ActionParams: Sized + 'static {
    /// The action's name, as Juju knows it.
    const ACTION: &'static str;
    /// Reads the parameters from what `action-get --format=json` returned.
    fn from_values(values: &Values) -> Result<Self, ValueError>;
    /// Writes the parameters back into a map, as `action-get` would report them.
    fn to_values(&self) -> Values;
}

/// Implemented by the generated container marker types (`Pause` for `containers: pause:`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a container declared in the charm's metadata",
    label = "not a declared container",
    note = "containers are declared under `containers:` in charmcraft.yaml (or metadata.yaml); the build script generates one marker type for each"
)]
pub trait ContainerName: 'static {
    /// The charm this container belongs to.
    type Charm: CharmMeta;
    /// The container's name in the metadata.
    const NAME: &'static str;
}

/// Implemented by the generated relation endpoint marker types (`Db` for `requires: db:`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation endpoint declared in the charm's metadata",
    label = "not a declared relation endpoint",
    note = "relation endpoints are declared under `requires:`, `provides:` and `peers:`; the build script generates one marker type for each"
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

/// Implemented by the generated storage marker types (`Data` for `storage: data:`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a storage declared in the charm's metadata",
    label = "not a declared storage",
    note = "storage is declared under `storage:`; the build script generates one marker type for each"
)]
pub trait StorageName: 'static {
    /// The charm this storage belongs to.
    type Charm: CharmMeta;
    /// The storage's name in the metadata.
    const NAME: &'static str;
}
