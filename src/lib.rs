//! Write Juju charms in Rust, with the ideas of Python `ops` and the mistakes caught by
//! the compiler.
//!
//! A charm is a crate whose build script turns `charmcraft.yaml` (or `metadata.yaml`,
//! `config.yaml` and `actions.yaml`) into typed Rust with [`juju-ops-build`]: a `Config`
//! struct, one marker type per container, relation endpoint and storage, a params struct
//! per action, and the charm's event sources. The charm code then reads like Python ops,
//! but a config typo, an undeclared container, a handler for the wrong event or setting
//! `ErrorStatus` does not compile.
//!
//! ```
//! // In a charm crate: `mod charm { ops::include_charm!(); }` and `use charm::Meta;`.
//! // The library ships the reference charm's generated API as `ops::hello`.
//! use ops::hello::{FortuneParams, Meta};
//!
//! struct HelloCharm {
//!     model: ops::Model<Meta>,
//! }
//!
//! impl ops::CharmBase for HelloCharm {
//!     type Meta = Meta;
//!
//!     fn new(framework: &mut ops::Framework<Self>) -> Self {
//!         framework.observe(framework.on().config_changed, Self::on_config_changed);
//!         framework.observe(framework.on().fortune_action, Self::on_fortune_action);
//!         HelloCharm { model: framework.model() }
//!     }
//! }
//!
//! impl HelloCharm {
//!     fn on_config_changed(&mut self, _event: &ops::ConfigChangedEvent) -> ops::HandlerResult {
//!         let current = &self.model.config()?.thing;
//!         self.model.unit().set_status(ops::ActiveStatus::new(format!("hello, {current}")))?;
//!         Ok(())
//!     }
//!
//!     fn on_fortune_action(&mut self, event: &ops::ActionEvent<FortuneParams>) -> ops::HandlerResult {
//!         let fortune = event.params.fortune.as_deref().unwrap_or("A bug in the code is worth two in the docs.");
//!         event.set_results([("fortune", fortune)])?;
//!         Ok(())
//!     }
//! }
//!
//! // src/main.rs of the charm:  fn main() { ops::main::<HelloCharm>() }
//! ```
//!
//! Where things live: [`main`] is the entry point; [`Framework`] registers observers,
//! stored state ([`Stored`]) and custom events, and runs a dispatch (deferred events first,
//! then the event, collect-status, commit); [`Model`] answers questions about the Juju model
//! through a [`backend::Backend`] (the hook tools in production, an in-memory Juju in
//! `testing`, behind the `testing` feature); [`Container`] handles reach the workload through
//! [`pebble`]; [`state_store`] keeps what a unit remembers between dispatches; [`status`]
//! holds the typestate statuses; [`events`] the event types. See ARCHITECTURE.md in the
//! repository for how one dispatch flows through them.
//!
//! [`juju-ops-build`]: https://docs.rs/juju-ops-build

#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Generated code names the library `::ops`; this makes those paths work inside it too.
extern crate self as ops;

pub mod backend;
pub mod charm;
pub mod container;
pub mod context;
pub mod dispatch;
pub mod events;
pub mod framework;
pub mod log;
pub mod meta;
pub mod model;
pub mod pebble;
pub mod relation;
pub mod secret;
pub mod state_store;
pub mod status;
pub mod storage;
pub mod stored;
#[cfg(feature = "testing")]
pub mod testing;
pub mod values;

pub use charm::{ActionParams, CharmBase, CharmConfig, CharmMeta, ContainerName, RelationEndpoint, StorageName};
pub use container::{AnyContainer, Container};
pub use context::JujuContext;
pub use dispatch::main;
pub use events::{
    ActionEvent, CollectStatusEvent, CommitEvent, ConfigChangedEvent, CustomEvent, Event, EventSource, InstallEvent,
    LeaderElectedEvent, LeaderSettingsChangedEvent, PebbleCheckFailedEvent, PebbleCheckRecoveredEvent,
    PebbleCustomNoticeEvent, PebbleReadyEvent, PostSeriesUpgradeEvent, PreCommitEvent, PreSeriesUpgradeEvent,
    RelationBrokenEvent, RelationChangedEvent, RelationCreatedEvent, RelationDepartedEvent, RelationJoinedEvent,
    RemoveEvent, SecretChangedEvent, SecretExpiredEvent, SecretRemoveEvent, SecretRotateEvent, StartEvent, StopEvent,
    StorageAttachedEvent, StorageDetachingEvent, UpdateStatusEvent, UpgradeCharmEvent,
};
pub use framework::{
    DispatchError, DispatchReport, Emitted, Emitter, Framework, FrameworkEvents, Handler, HandlerResult,
};
pub use model::{App, Leader, Model, ModelError, Port, Protocol, RemoteApp, RemoteUnit, Unit};
pub use relation::{LocalDatabag, Relation, RemoteDatabag};
pub use secret::SecretId;
pub use status::{
    ActiveStatus, BlockedStatus, ErrorStatus, MaintenanceStatus, SettableStatus, Status, StatusValue, UnknownStatus,
    WaitingStatus,
};
pub use storage::Storage;
pub use stored::{Stored, StoredType};

/// The JSON types that action parameters of type `array`, `object` or no type use.
pub mod json {
    pub use serde_json::{Map, Value};
}

/// Includes the charm API that `juju_ops_build::generate()` wrote in the build script.
///
/// ```ignore
/// mod charm {
///     ops::include_charm!();
/// }
/// ```
#[macro_export]
macro_rules! include_charm {
    () => {
        include!(concat!(env!("OUT_DIR"), "/charm.rs"));
    };
}

/// The reference charm's generated API: what the build script writes for
/// `charm-meta/charmcraft.yaml` (the HelloCharm of the ops documentation).
///
/// A charm gets the same items for its own YAML with [`include_charm!`]. This module is
/// here so that the generated shape is browsable, and so that doctests and UI tests
/// have a charm to compile against.
pub mod hello {
    include!(concat!(env!("OUT_DIR"), "/hello.rs"));
}
