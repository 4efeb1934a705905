//! Event types, and the typed sources a charm observes them through.
//!
//! The generated `Events` struct has one [`EventSource<E>`] per event the metadata
//! implies; [`Framework::observe`](crate::Framework::observe) takes a source and a handler
//! of `&E`, so a handler for the wrong event does not compile. Events that belong to a
//! declared relation, container, storage or action are generic over its marker type:
//! `RelationChangedEvent<Db>`, `PebbleReadyEvent<Pause>`, `ActionEvent<FortuneParams>`.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;

use crate::backend::RelationId;
use crate::charm::{ActionParams, ContainerName, RelationEndpoint, StorageName};
use crate::container::Container;
use crate::context::JujuContext;
use crate::model::{ModelCore, ModelError, RemoteApp, RemoteUnit, missing};
use crate::relation::Relation;
use crate::secret::SecretId;
use crate::status::{SettableStatus, StatusValue};
use crate::storage::Storage;
use crate::values::{ValueSource, Values};
use serde_json::Value;

/// The events every charm can receive, whatever its metadata.
pub const LIFECYCLE_EVENTS: &[&str] = &[
    "install",
    "start",
    "stop",
    "remove",
    "config_changed",
    "update_status",
    "upgrade_charm",
    "leader_elected",
    "leader_settings_changed",
    "pre_series_upgrade",
    "post_series_upgrade",
    "secret_changed",
    "secret_remove",
    "secret_rotate",
    "secret_expired",
    "collect_unit_status",
    "collect_app_status",
];

/// A typed event source (Python's `self.on.config_changed`): pass it to
/// [`Framework::observe`](crate::Framework::observe).
pub struct EventSource<E> {
    kind: &'static str,
    _event: PhantomData<fn() -> E>,
}

impl<E> EventSource<E> {
    /// Used by generated code only.
    #[doc(hidden)]
    pub const fn __new(kind: &'static str) -> Self {
        EventSource { kind, _event: PhantomData }
    }

    /// The event's name: `config_changed`, `db_relation_changed`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

impl<E> Clone for EventSource<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for EventSource<E> {}

impl<E> std::fmt::Debug for EventSource<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EventSource").field(&self.kind).finish()
    }
}

/// What an event is built from: the dispatch's model, the hook's environment (or, for a
/// deferred event, the environment it was first built in), and a custom event's data.
pub struct EventContext<'a> {
    pub(crate) core: &'a Rc<ModelCore>,
    pub(crate) context: &'a JujuContext,
    pub(crate) kind: &'a str,
    pub(crate) collected: Option<Rc<RefCell<Vec<StatusValue>>>>,
    pub(crate) payload: Option<&'a Value>,
}

impl EventContext<'_> {
    fn missing(&self, what: &'static str) -> ModelError {
        missing(self.kind, what)
    }
}

/// An event a handler can receive.
pub trait Event: Sized + 'static {
    /// Builds the event for the current dispatch from the environment and the model.
    #[doc(hidden)]
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError>;

    /// Whether the event is a custom one, rebuilt from its data rather than from the hook.
    #[doc(hidden)]
    const CUSTOM: bool = false;

    /// The event's deferral flag; `None` for events that cannot be deferred.
    #[doc(hidden)]
    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        None
    }
}

/// Whether the observer being called deferred the event. Set by `defer()`, read and
/// cleared by the framework around each observer.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct DeferFlag(Cell<bool>);

impl DeferFlag {
    pub(crate) fn take(&self) -> bool {
        self.0.replace(false)
    }
}

/// Gives a deferrable event type its `defer()`.
macro_rules! deferrable {
    ($name:ident $(<$param:ident: $bound:path>)?) => {
        impl $(<$param: $bound>)? $name $(<$param>)? {
            /// Defers the event: the framework will deliver it again, to this observer, at the
            /// start of the next dispatch (before that dispatch's own event). The handler goes
            /// on; return after calling it.
            pub fn defer(&self) {
                self.deferred.0.set(true);
            }
        }
    };
}

macro_rules! hook_event {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            deferred: DeferFlag,
        }

        impl Event for $name {
            fn build(_ctx: &EventContext<'_>) -> Result<Self, ModelError> {
                Ok($name { deferred: DeferFlag::default() })
            }

            fn framework_defer_state(&self) -> Option<&DeferFlag> {
                Some(&self.deferred)
            }
        }

        deferrable!($name);
    };
    ($(#[$doc:meta])* $name:ident, not deferrable) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct $name {}

        impl Event for $name {
            fn build(_ctx: &EventContext<'_>) -> Result<Self, ModelError> {
                Ok($name {})
            }
        }
    };
}

hook_event!(
    /// `install`: the first hook of a unit's life.
    InstallEvent
);
hook_event!(
    /// `start`: after install (and after every reboot of a machine charm).
    StartEvent
);
hook_event!(
    /// `stop`: the unit is going away; cannot be deferred.
    StopEvent, not deferrable
);
hook_event!(
    /// `remove`: the last hook of a unit's life; cannot be deferred.
    RemoveEvent, not deferrable
);
hook_event!(
    /// `pre-commit`: after the event and collect-status, before state is saved; cannot be deferred.
    PreCommitEvent, not deferrable
);
hook_event!(
    /// `commit`: the last event of a dispatch, just before state is saved; cannot be deferred.
    CommitEvent, not deferrable
);
hook_event!(
    /// `config-changed`: config was set, and after install, upgrade and leadership changes.
    ConfigChangedEvent
);
hook_event!(
    /// `update-status`: Juju's periodic poll (every 5 minutes by default).
    UpdateStatusEvent
);
hook_event!(
    /// `upgrade-charm`: a new charm revision was deployed.
    UpgradeCharmEvent
);
hook_event!(
    /// `leader-elected`: this unit became the leader.
    LeaderElectedEvent
);
hook_event!(
    /// `leader-settings-changed` (deprecated by Juju): the leader changed leader settings.
    LeaderSettingsChangedEvent
);
hook_event!(
    /// `pre-series-upgrade` (removed in Juju 4): the machine's OS series is about to change.
    PreSeriesUpgradeEvent
);
hook_event!(
    /// `post-series-upgrade` (removed in Juju 4): the machine's OS series changed.
    PostSeriesUpgradeEvent
);

fn secret_fields(ctx: &EventContext<'_>) -> Result<(SecretId, Option<String>), ModelError> {
    let text = ctx.context.secret_id.as_deref().ok_or_else(|| ctx.missing("JUJU_SECRET_ID"))?;
    let id = SecretId::parse(text).map_err(|_| ctx.missing("a valid JUJU_SECRET_ID"))?;
    Ok((id, ctx.context.secret_label.clone()))
}

fn secret_revision(ctx: &EventContext<'_>) -> Result<u64, ModelError> {
    ctx.context.secret_revision.ok_or_else(|| ctx.missing("JUJU_SECRET_REVISION"))
}

/// `secret-changed`: a secret this charm observes has a new revision.
#[derive(Debug, Clone)]
pub struct SecretChangedEvent {
    /// The secret.
    pub secret: SecretId,
    /// Its label, if it has one for this charm.
    pub label: Option<String>,
    deferred: DeferFlag,
}

impl Event for SecretChangedEvent {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let (secret, label) = secret_fields(ctx)?;
        Ok(SecretChangedEvent { secret, label, deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(SecretChangedEvent);

/// `secret-rotate`: a secret this charm owns is due for rotation; cannot be deferred.
#[derive(Debug, Clone)]
pub struct SecretRotateEvent {
    /// The secret.
    pub secret: SecretId,
    /// Its label.
    pub label: Option<String>,
}

impl Event for SecretRotateEvent {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let (secret, label) = secret_fields(ctx)?;
        Ok(SecretRotateEvent { secret, label })
    }
}

/// `secret-remove`: a revision of a secret this charm owns is no longer used.
#[derive(Debug, Clone)]
pub struct SecretRemoveEvent {
    /// The secret.
    pub secret: SecretId,
    /// Its label.
    pub label: Option<String>,
    /// The revision that can be removed.
    pub revision: u64,
    deferred: DeferFlag,
}

impl Event for SecretRemoveEvent {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let (secret, label) = secret_fields(ctx)?;
        Ok(SecretRemoveEvent { secret, label, revision: secret_revision(ctx)?, deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(SecretRemoveEvent);

/// `secret-expired`: a revision of a secret this charm owns expired; cannot be deferred.
#[derive(Debug, Clone)]
pub struct SecretExpiredEvent {
    /// The secret.
    pub secret: SecretId,
    /// Its label.
    pub label: Option<String>,
    /// The revision that expired.
    pub revision: u64,
}

impl Event for SecretExpiredEvent {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let (secret, label) = secret_fields(ctx)?;
        Ok(SecretExpiredEvent { secret, label, revision: secret_revision(ctx)? })
    }
}

/// `collect-unit-status` / `collect-app-status`: emitted after every event so that
/// observers can each add a status; the highest priority one is set (python-ops-facts.md §4).
#[derive(Debug, Clone)]
pub struct CollectStatusEvent {
    statuses: Rc<RefCell<Vec<StatusValue>>>,
}

impl CollectStatusEvent {
    /// Adds a candidate status. Only settable statuses compile.
    pub fn add_status(&self, status: impl SettableStatus) {
        self.statuses.borrow_mut().push(status.into());
    }
}

impl Event for CollectStatusEvent {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let statuses = ctx.collected.clone().ok_or_else(|| ctx.missing("a collect-status run"))?;
        Ok(CollectStatusEvent { statuses })
    }
}

fn event_relation<R: RelationEndpoint>(ctx: &EventContext<'_>) -> Result<Relation<R>, ModelError> {
    let id = ctx.context.relation_id.clone().ok_or_else(|| ctx.missing("JUJU_RELATION_ID"))?;
    if id.endpoint() != R::NAME {
        return Err(ModelError::RelationNotFound(format!("{id} (expected endpoint {})", R::NAME)));
    }
    Ok(Relation::new(ctx.core.clone(), RelationId::new(R::NAME, id.id())))
}

fn remote_app(ctx: &EventContext<'_>) -> Option<RemoteApp> {
    ctx.context.remote_app_name().map(RemoteApp::new)
}

fn remote_unit(ctx: &EventContext<'_>) -> Option<RemoteUnit> {
    ctx.context.remote_unit.as_deref().map(RemoteUnit::new)
}

/// `<endpoint>-relation-created`: a relation was established; no remote unit yet.
#[derive(Debug, Clone)]
pub struct RelationCreatedEvent<R: RelationEndpoint> {
    /// The relation.
    pub relation: Relation<R>,
    /// The remote application.
    pub app: Option<RemoteApp>,
    deferred: DeferFlag,
}

impl<R: RelationEndpoint> Event for RelationCreatedEvent<R> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        Ok(RelationCreatedEvent {
            relation: event_relation(ctx)?,
            app: remote_app(ctx),
            deferred: DeferFlag::default(),
        })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(RelationCreatedEvent<R: RelationEndpoint>);

/// `<endpoint>-relation-joined`: a remote unit joined.
#[derive(Debug, Clone)]
pub struct RelationJoinedEvent<R: RelationEndpoint> {
    /// The relation.
    pub relation: Relation<R>,
    /// The remote application.
    pub app: Option<RemoteApp>,
    /// The unit that joined.
    pub unit: RemoteUnit,
    deferred: DeferFlag,
}

impl<R: RelationEndpoint> Event for RelationJoinedEvent<R> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let unit = remote_unit(ctx).ok_or_else(|| ctx.missing("JUJU_REMOTE_UNIT"))?;
        Ok(RelationJoinedEvent {
            relation: event_relation(ctx)?,
            app: remote_app(ctx),
            unit,
            deferred: DeferFlag::default(),
        })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(RelationJoinedEvent<R: RelationEndpoint>);

/// `<endpoint>-relation-changed`: a remote databag changed. `unit` is `None` when it
/// was the remote application's databag.
#[derive(Debug, Clone)]
pub struct RelationChangedEvent<R: RelationEndpoint> {
    /// The relation.
    pub relation: Relation<R>,
    /// The remote application.
    pub app: Option<RemoteApp>,
    /// The remote unit whose databag changed, if it was a unit's.
    pub unit: Option<RemoteUnit>,
    deferred: DeferFlag,
}

impl<R: RelationEndpoint> Event for RelationChangedEvent<R> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        Ok(RelationChangedEvent {
            relation: event_relation(ctx)?,
            app: remote_app(ctx),
            unit: remote_unit(ctx),
            deferred: DeferFlag::default(),
        })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(RelationChangedEvent<R: RelationEndpoint>);

/// `<endpoint>-relation-departed`: a remote unit left.
#[derive(Debug, Clone)]
pub struct RelationDepartedEvent<R: RelationEndpoint> {
    /// The relation.
    pub relation: Relation<R>,
    /// The remote application.
    pub app: Option<RemoteApp>,
    /// The unit that left (its databag is still readable).
    pub unit: Option<RemoteUnit>,
    /// The unit that is going away (`JUJU_DEPARTING_UNIT`): may be this unit.
    pub departing_unit: Option<RemoteUnit>,
    deferred: DeferFlag,
}

impl<R: RelationEndpoint> Event for RelationDepartedEvent<R> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        Ok(RelationDepartedEvent {
            relation: event_relation(ctx)?,
            app: remote_app(ctx),
            unit: remote_unit(ctx),
            departing_unit: ctx.context.departing_unit.as_deref().map(RemoteUnit::new),
            deferred: DeferFlag::default(),
        })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(RelationDepartedEvent<R: RelationEndpoint>);

/// `<endpoint>-relation-broken`: the relation is gone.
#[derive(Debug, Clone)]
pub struct RelationBrokenEvent<R: RelationEndpoint> {
    /// The relation that is gone.
    pub relation: Relation<R>,
    /// The remote application, when Juju still says which it was.
    pub app: Option<RemoteApp>,
    deferred: DeferFlag,
}

impl<R: RelationEndpoint> Event for RelationBrokenEvent<R> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        Ok(RelationBrokenEvent { relation: event_relation(ctx)?, app: remote_app(ctx), deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(RelationBrokenEvent<R: RelationEndpoint>);

fn event_storage<S: StorageName>(ctx: &EventContext<'_>) -> Result<Storage<S>, ModelError> {
    let id = ctx.context.storage_id.as_deref().ok_or_else(|| ctx.missing("JUJU_STORAGE_ID"))?;
    let index = id
        .strip_prefix(S::NAME)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ctx.missing("a JUJU_STORAGE_ID of this storage"))?;
    let location = ctx.core.backend.storage_location(id)?;
    Ok(Storage::new(index, location))
}

/// `<storage>-storage-attached`: a storage instance is ready.
#[derive(Debug, Clone)]
pub struct StorageAttachedEvent<S: StorageName> {
    /// The storage instance.
    pub storage: Storage<S>,
    deferred: DeferFlag,
}

impl<S: StorageName> Event for StorageAttachedEvent<S> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        Ok(StorageAttachedEvent { storage: event_storage(ctx)?, deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(StorageAttachedEvent<S: StorageName>);

/// `<storage>-storage-detaching`: a storage instance is about to go.
#[derive(Debug, Clone)]
pub struct StorageDetachingEvent<S: StorageName> {
    /// The storage instance.
    pub storage: Storage<S>,
    deferred: DeferFlag,
}

impl<S: StorageName> Event for StorageDetachingEvent<S> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        Ok(StorageDetachingEvent { storage: event_storage(ctx)?, deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(StorageDetachingEvent<S: StorageName>);

fn workload<C: ContainerName>(ctx: &EventContext<'_>) -> Result<Container<C>, ModelError> {
    match ctx.context.workload_name.as_deref() {
        Some(name) if name == C::NAME => Ok(Container::new(ctx.core.backend.pebble(C::NAME))),
        Some(_) => Err(ctx.missing("a JUJU_WORKLOAD_NAME naming this container")),
        None => Err(ctx.missing("JUJU_WORKLOAD_NAME")),
    }
}

/// `<container>-pebble-ready`: Pebble in the container is up.
#[derive(Debug, Clone)]
pub struct PebbleReadyEvent<C: ContainerName> {
    /// The container.
    pub workload: Container<C>,
    deferred: DeferFlag,
}

impl<C: ContainerName> Event for PebbleReadyEvent<C> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        Ok(PebbleReadyEvent { workload: workload(ctx)?, deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(PebbleReadyEvent<C: ContainerName>);

/// `<container>-pebble-custom-notice`: the workload recorded a custom Pebble notice.
#[derive(Debug, Clone)]
pub struct PebbleCustomNoticeEvent<C: ContainerName> {
    /// The container.
    pub workload: Container<C>,
    /// `JUJU_NOTICE_ID`.
    pub notice_id: String,
    /// `JUJU_NOTICE_TYPE`.
    pub notice_type: String,
    /// `JUJU_NOTICE_KEY`.
    pub notice_key: String,
    deferred: DeferFlag,
}

impl<C: ContainerName> Event for PebbleCustomNoticeEvent<C> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let var = |value: &Option<String>, name| value.clone().ok_or_else(|| ctx.missing(name));
        let context = &ctx.context;
        Ok(PebbleCustomNoticeEvent {
            workload: workload(ctx)?,
            notice_id: var(&context.notice_id, "JUJU_NOTICE_ID")?,
            notice_type: var(&context.notice_type, "JUJU_NOTICE_TYPE")?,
            notice_key: var(&context.notice_key, "JUJU_NOTICE_KEY")?,
            deferred: DeferFlag::default(),
        })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

deferrable!(PebbleCustomNoticeEvent<C: ContainerName>);

macro_rules! check_event {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name<C: ContainerName> {
            /// The container.
            pub workload: Container<C>,
            /// The check's name (`JUJU_PEBBLE_CHECK_NAME`).
            pub check_name: String,
            deferred: DeferFlag,
        }

        impl<C: ContainerName> Event for $name<C> {
            fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
                let check_name = ctx
                    .core
                    .context
                    .pebble_check_name
                    .clone()
                    .ok_or_else(|| ctx.missing("JUJU_PEBBLE_CHECK_NAME"))?;
                Ok($name { workload: workload(ctx)?, check_name, deferred: DeferFlag::default() })
            }

            fn framework_defer_state(&self) -> Option<&DeferFlag> {
                Some(&self.deferred)
            }
        }

        deferrable!($name<C: ContainerName>);
    };
}

check_event!(
    /// `<container>-pebble-check-failed`: a Pebble check reached its failure threshold.
    PebbleCheckFailedEvent
);
check_event!(
    /// `<container>-pebble-check-recovered`: a failed Pebble check passes again.
    PebbleCheckRecoveredEvent
);

/// A custom event carrying data `T`: the events a component (a charm library) emits
/// for the charm to observe, such as `CustomEvent<DatabaseCreated>`. Its handler reads
/// the data through `Deref` (`event.endpoints`). Delivered within the dispatch that
/// emitted it, right after the emitting handler returns; deferrable like hook events.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct DatabaseCreated {
///     endpoints: String,
/// }
///
/// static DATABASE_CREATED: ops::EventSource<ops::CustomEvent<DatabaseCreated>> =
///     ops::EventSource::custom("database_requirer.database_created");
/// ```
#[derive(Debug, Clone)]
pub struct CustomEvent<T> {
    data: T,
    deferred: DeferFlag,
}

impl<T> std::ops::Deref for CustomEvent<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T> CustomEvent<T> {
    /// The event's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// Defers the event: the framework delivers it again, to this observer, at the start of
    /// the next dispatch. The handler goes on; return after calling it.
    pub fn defer(&self) {
        self.deferred.0.set(true);
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned + 'static> Event for CustomEvent<T> {
    const CUSTOM: bool = true;

    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let payload = ctx.payload.ok_or_else(|| ctx.missing("the custom event's data"))?;
        let data = serde_json::from_value(payload.clone())
            .map_err(|e| ModelError::CustomEvent { event: ctx.kind.to_owned(), reason: e.to_string() })?;
        Ok(CustomEvent { data, deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> Option<&DeferFlag> {
        Some(&self.deferred)
    }
}

impl<T> EventSource<CustomEvent<T>> {
    /// The source of a custom event. The name must be unique in the charm (prefix it with
    /// the component's name); it is what a deferred custom event is stored under.
    pub const fn custom(name: &'static str) -> Self {
        EventSource::__new(name)
    }
}

/// `<action>-action`: an action was run, with its typed parameters. Cannot be deferred.
pub struct ActionEvent<P: ActionParams> {
    /// The parameters, typed from the action's schema.
    pub params: P,
    /// The action's id (`JUJU_ACTION_UUID`).
    pub id: String,
    core: Rc<ModelCore>,
}

impl<P: ActionParams + std::fmt::Debug> std::fmt::Debug for ActionEvent<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionEvent").field("params", &self.params).field("id", &self.id).finish()
    }
}

impl<P: ActionParams> ActionEvent<P> {
    /// Reports results (`action-set key=value ...`); dotted keys nest (`a.b=c`).
    pub fn set_results<K: Into<String>, V: ToString>(
        &self,
        results: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), ModelError> {
        let results: Vec<(String, String)> = results.into_iter().map(|(k, v)| (k.into(), v.to_string())).collect();
        Ok(self.core.backend.action_set(&results)?)
    }

    /// Sends a progress message to the user (`action-log`).
    pub fn log(&self, message: &str) -> Result<(), ModelError> {
        Ok(self.core.backend.action_log(message)?)
    }

    /// Marks the action failed with a message (`action-fail`). The handler goes on;
    /// return after calling it.
    pub fn fail(&self, message: &str) -> Result<(), ModelError> {
        Ok(self.core.backend.action_fail(message)?)
    }
}

impl<P: ActionParams> Event for ActionEvent<P> {
    fn build(ctx: &EventContext<'_>) -> Result<Self, ModelError> {
        let values = Values::new(ValueSource::ActionParams, ctx.core.backend.action_get()?);
        let params = P::from_values(&values).map_err(ModelError::ActionParams)?;
        let id = ctx.context.action_uuid.clone().unwrap_or_default();
        Ok(ActionEvent { params, id, core: ctx.core.clone() })
    }
}
