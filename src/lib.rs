#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Generated code names the library `::ops`; this makes those paths work inside it too.
extern crate self as ops;

mod backend;
mod charm;
pub mod component;
mod container;
mod context;
mod entry;
mod events;
mod framework;
pub mod generated;
mod juju_version;
mod log;
pub mod meta;
mod model;
pub mod pebble;
mod redact;
mod secret;
mod state_store;
mod stored;
#[cfg(feature = "testing")]
pub mod testing;

pub use backend::{BackendError, Databag, RelationId, StatusName};
pub use charm::CharmBase;
pub use container::{AnyContainer, Container};
pub use context::EnvError;
pub use entry::main;
pub use events::{
    ActionEvent, CollectStatusEvent, CommitEvent, ConfigChangedEvent, CustomEvent, Deferrable, Event, EventSource,
    InstallEvent, LeaderElectedEvent, LeaderSettingsChangedEvent, PebbleCheckFailedEvent, PebbleCheckRecoveredEvent,
    PebbleCustomNoticeEvent, PebbleReadyEvent, PostSeriesUpgradeEvent, PreCommitEvent, PreSeriesUpgradeEvent,
    RelationBrokenEvent, RelationChangedEvent, RelationCreatedEvent, RelationDepartedEvent, RelationJoinedEvent,
    RemoveEvent, SecretChangedEvent, SecretExpiredEvent, SecretRemoveEvent, SecretRotateEvent, StartEvent, StopEvent,
    StorageAttachedEvent, StorageDetachingEvent, UpdateStatusEvent, UpgradeCharmEvent,
};
pub use framework::{
    AnyEvent, DispatchError, Emitter, Framework, FrameworkEvents, Handler, HandlerResult, StoredStateError, Trigger,
};
pub use generated::values::ValueError;
pub use juju_version::{InvalidJujuVersion, JujuVersion};
pub use model::{
    ActiveStatus, Address, App, AppOwned, Binding, BlockedStatus, CloudCredential, CloudSpec, DatabagError,
    DepartingUnit, ErrorStatus, Leader, LocalDatabag, MaintenanceStatus, Model, ModelError, Network, NetworkInterface,
    Observed, Ownership, Port, Protocol, RawValue, Reboot, Relation, RemoteApp, RemoteDatabag, RemoteUnit, Secret,
    SecretLookup, SettableStatus, Status, StatusValue, Storage, Unit, UnitOwned, UnknownStatus, WaitingStatus,
};
pub use secret::{
    ContentError, Expiry, InvalidSecretId, SecretContent, SecretId, SecretInfo, SecretMeta, SecretRotate, SecretString,
};
pub use state_store::StoreError;
pub use stored::{Stored, StoredType};

/// A subnet in CIDR form (`10.0.0.0/24`), as [`Network`] reports egress subnets and
/// interface subnets (from the `ipnet` crate, built on `std::net`).
pub use ipnet::IpNet;

/// The JSON types that action parameters of type `array`, `object` or no type use.
pub mod json {
    pub use serde_json::{Map, Value};

    pub use crate::model::python_json_dumps as dumps;
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

/// The traits a charm calls methods of, to import at once: `use ops::prelude::*;`.
///
/// The Pebble traits let a [`pebble::Client`] be used directly (a container handle needs no
/// import: it dereferences to `dyn PebbleApi`).
pub mod prelude {
    pub use crate::CharmBase;
    pub use crate::generated::{ActionParams, CharmMeta, ContainerName, RelationEndpoint, ResourceName, StorageName};
    pub use crate::pebble::{ChecksApi, ExecApi, FilesApi, NoticesApi, ServicesApi};
}

/// The scaffolding the README's snippets compile in (they are the crate docs, and so
/// doctests): a `HelloCharm` over `ops::hello`, with the fields the snippets use.
#[doc(hidden)]
#[macro_export]
macro_rules! __readme_charm {
    () => {
        #[allow(unused_imports)]
        use ops::hello::{Meta, actions, containers, relations, resources};
        #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
        pub struct HelloState {
            pub installed: bool,
            pub things: Vec<String>,
        }
        #[allow(dead_code)]
        const FORTUNES: &[&str] = &["A bug in the hand is worth two in the backlog."];
        #[allow(dead_code)]
        struct HelloCharm {
            model: ops::Model<Meta>,
            stored: ops::Stored<HelloState>,
        }
        impl ops::CharmBase for HelloCharm {
            type Meta = Meta;
            fn new(framework: &mut ops::Framework<Self>) -> Self {
                HelloCharm { model: framework.model(), stored: framework.stored("stored") }
            }
        }
        #[allow(dead_code)]
        fn configure_workload(_: &ops::Container<containers::Pause>, _: &str) -> Result<(), ops::pebble::PebbleError> {
            Ok(())
        }
    };
}
