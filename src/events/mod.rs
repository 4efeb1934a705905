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
use crate::container::Container;
use crate::context::JujuEnv;
use crate::generated::{ActionParams, ContainerName, RelationEndpoint, StorageName};
use crate::generated::{ValueSource, Values};
use crate::model::Relation;
use crate::model::Storage;
use crate::model::status::{SettableStatus, StatusValue};
use crate::model::{AppOwned, DepartingUnit, Observed, Secret, UnitOwned};
use crate::model::{ModelCore, ModelError, RemoteApp, RemoteUnit, missing};
use crate::pebble::{CheckInfo, Notice, NoticeType};
use crate::secret::SecretId;
use serde_json::Value;

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
pub struct EventInputs<'a> {
    pub(crate) core: &'a Rc<ModelCore>,
    pub(crate) context: &'a JujuEnv,
    pub(crate) kind: &'a str,
    pub(crate) collected: Option<Rc<RefCell<Vec<StatusValue>>>>,
    pub(crate) payload: Option<&'a Value>,
}

impl EventInputs<'_> {
    fn missing(&self, what: &'static str) -> ModelError {
        missing(self.kind, what)
    }
}

/// An event a handler can receive.
pub trait Event: Sized + 'static {
    /// Builds the event for the current dispatch from the environment and the model.
    #[doc(hidden)]
    fn build(ctx: &EventInputs<'_>) -> Result<Self, ModelError>;

    /// Whether the event is a custom one, rebuilt from its data rather than from the hook.
    #[doc(hidden)]
    const CUSTOM: bool = false;

    /// Whether a handler may defer it (such events have a `defer()` method).
    #[doc(hidden)]
    const DEFERRABLE: bool;

    /// The flag `defer()` sets.
    #[doc(hidden)]
    fn framework_defer_state(&self) -> &DeferFlag;
}

/// Whether the observer being called deferred the event. Set by `defer()`, read and
/// cleared by the framework around each observer.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct DeferFlag(Cell<bool>);

impl DeferFlag {
    /// Reads and clears the flag.
    pub(crate) fn take(&self) -> bool {
        self.0.replace(false)
    }

    pub(crate) fn set(&self) {
        self.0.set(true);
    }
}

/// An event a handler may defer: every Juju event but those Juju and ops never replay
/// (actions, stop, remove, secret-rotate, secret-expired, collect-status, pre-commit, commit),
/// and every custom event.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be deferred, so it cannot trigger a reconcile",
    note = "Juju and ops never replay actions, stop, remove, secret-rotate, secret-expired, collect-status, pre-commit or commit; observe them on their own with `observe`"
)]
pub trait Deferrable: Event {}

/// `true` for `deferrable`, `false` for `fixed`: the table's column as a constant.
macro_rules! is_deferrable {
    (deferrable) => {
        true
    };
    (fixed) => {
        false
    };
}

/// Gives a deferrable event type its `defer()`; a fixed one gets none, so calling it does
/// not compile.
macro_rules! defer_method {
    (fixed, $name:ident $(<$param:ident: $bound:ident>)?) => {};
    (deferrable, $name:ident $(<$param:ident: $bound:ident>)?) => {
        impl $(<$param: $bound>)? Deferrable for $name $(<$param>)? {}

        impl $(<$param: $bound>)? $name $(<$param>)? {
            /// Defers the event: the framework will deliver it again, to this observer, at the
            /// start of the next dispatch (before that dispatch's own event). The handler goes
            /// on; return after calling it.
            pub fn defer(&self) {
                self.deferred.set();
            }
        }
    };
}

/// One event type per row of the event table, by the shape of its payload:
/// `event_type!(Type<P: Bound>, Payload, deferrable|fixed, "doc")`.
macro_rules! event_type {
    // The struct, its `Event` impl and `defer()`, from the payload's fields and how each is built.
    (@define $name:ident $(<$param:ident: $bound:ident>)?, $defer:ident, $doc:expr, $ctx:ident =>
        { $($(#[$field_doc:meta])* $field:ident: $ty:ty = $build:expr),* $(,)? }) => {
        #[doc = $doc]
        #[derive(Debug, Clone)]
        pub struct $name $(<$param: $bound>)? {
            $($(#[$field_doc])* pub $field: $ty,)*
            deferred: DeferFlag,
        }

        impl $(<$param: $bound>)? Event for $name $(<$param>)? {
            const DEFERRABLE: bool = is_deferrable!($defer);

            #[allow(unused_variables)]
            fn build($ctx: &EventInputs<'_>) -> Result<Self, ModelError> {
                Ok($name { $($field: $build,)* deferred: DeferFlag::default() })
            }

            fn framework_defer_state(&self) -> &DeferFlag {
                &self.deferred
            }
        }

        defer_method!($defer, $name $(<$param: $bound>)?);
    };
    ($name:ident, Nothing, $defer:ident, $doc:expr) => {
        event_type!(@define $name, $defer, $doc, ctx => {});
    };
    ($name:ident, Secret, $defer:ident, $doc:expr) => {
        event_type!(@define $name, $defer, $doc, ctx => {
            /// The secret's URI (`JUJU_SECRET_ID`).
            id: SecretId = secret_id(ctx)?,
            /// Its label for this charm (`JUJU_SECRET_LABEL`), if it has one.
            label: Option<String> = ctx.context.secret_label.clone(),
            /// The model, for the secret handle.
            #[doc(hidden)]
            model: EventModel = EventModel(ctx.core.clone()),
        });
    };
    ($name:ident, SecretRevision, $defer:ident, $doc:expr) => {
        event_type!(@define $name, $defer, $doc, ctx => {
            /// The secret's URI (`JUJU_SECRET_ID`).
            id: SecretId = secret_id(ctx)?,
            /// Its label for this charm (`JUJU_SECRET_LABEL`), if it has one.
            label: Option<String> = ctx.context.secret_label.clone(),
            /// The revision concerned (`JUJU_SECRET_REVISION`).
            revision: u64 = secret_revision(ctx)?,
            /// The model, for the secret handle.
            #[doc(hidden)]
            model: EventModel = EventModel(ctx.core.clone()),
        });
    };
    ($name:ident, CollectStatus, $defer:ident, $doc:expr) => {
        event_type!(@define $name, $defer, $doc, ctx => {
            /// The statuses added so far.
            #[doc(hidden)]
            statuses: Rc<RefCell<Vec<StatusValue>>> =
                ctx.collected.clone().ok_or_else(|| ctx.missing("a collect-status run"))?,
        });
    };
    ($name:ident<R: RelationEndpoint>, Relation, $defer:ident, $doc:expr) => {
        event_type!(@define $name<R: RelationEndpoint>, $defer, $doc, ctx => {
            /// The relation.
            relation: Relation<R> = event_relation(ctx)?,
            /// The remote application, when Juju says which it is.
            app: Option<RemoteApp> = remote_app(ctx),
        });
    };
    ($name:ident<R: RelationEndpoint>, RelationUnit, $defer:ident, $doc:expr) => {
        event_type!(@define $name<R: RelationEndpoint>, $defer, $doc, ctx => {
            /// The relation.
            relation: Relation<R> = event_relation(ctx)?,
            /// The remote application.
            app: Option<RemoteApp> = remote_app(ctx),
            /// The unit that joined.
            unit: RemoteUnit = remote_unit(ctx).ok_or_else(|| ctx.missing("JUJU_REMOTE_UNIT"))?,
        });
    };
    ($name:ident<R: RelationEndpoint>, RelationMaybeUnit, $defer:ident, $doc:expr) => {
        event_type!(@define $name<R: RelationEndpoint>, $defer, $doc, ctx => {
            /// The relation.
            relation: Relation<R> = event_relation(ctx)?,
            /// The remote application.
            app: Option<RemoteApp> = remote_app(ctx),
            /// The remote unit whose databag changed, if it was a unit's.
            unit: Option<RemoteUnit> = remote_unit(ctx),
        });
    };
    ($name:ident<R: RelationEndpoint>, RelationDeparted, $defer:ident, $doc:expr) => {
        event_type!(@define $name<R: RelationEndpoint>, $defer, $doc, ctx => {
            /// The relation.
            relation: Relation<R> = event_relation(ctx)?,
            /// The remote application.
            app: Option<RemoteApp> = remote_app(ctx),
            /// The unit that left (its databag is still readable).
            unit: Option<RemoteUnit> = remote_unit(ctx),
            /// The unit that is going away (`JUJU_DEPARTING_UNIT`): this unit or a remote one.
            departing_unit: Option<DepartingUnit> = ctx
                .context
                .departing_unit
                .as_deref()
                .map(|unit| DepartingUnit::new(unit, &ctx.context.unit_name)),
        });
    };
    ($name:ident<C: ContainerName>, Workload, $defer:ident, $doc:expr) => {
        event_type!(@define $name<C: ContainerName>, $defer, $doc, ctx => {
            /// The container.
            workload: Container<C> = workload(ctx)?,
        });
    };
    ($name:ident<C: ContainerName>, WorkloadNotice, $defer:ident, $doc:expr) => {
        event_type!(@define $name<C: ContainerName>, $defer, $doc, ctx => {
            /// The container.
            workload: Container<C> = workload(ctx)?,
            /// `JUJU_NOTICE_ID`.
            notice_id: String = var(ctx, &ctx.context.notice_id, "JUJU_NOTICE_ID")?,
            /// What the notice is about (`JUJU_NOTICE_TYPE`).
            notice_type: NoticeType = NoticeType::from(var(ctx, &ctx.context.notice_type, "JUJU_NOTICE_TYPE")?),
            /// `JUJU_NOTICE_KEY`.
            notice_key: String = var(ctx, &ctx.context.notice_key, "JUJU_NOTICE_KEY")?,
        });
    };
    ($name:ident<C: ContainerName>, WorkloadCheck, $defer:ident, $doc:expr) => {
        event_type!(@define $name<C: ContainerName>, $defer, $doc, ctx => {
            /// The container.
            workload: Container<C> = workload(ctx)?,
            /// The check's name (`JUJU_PEBBLE_CHECK_NAME`), as it was when the event was first
            /// built: a deferred check event keeps its own check.
            check_name: String = var(ctx, &ctx.context.pebble_check_name, "JUJU_PEBBLE_CHECK_NAME")?,
        });
    };
    ($name:ident<S: StorageName>, Storage, $defer:ident, $doc:expr) => {
        event_type!(@define $name<S: StorageName>, $defer, $doc, ctx => {
            /// The storage instance.
            storage: Storage<S> = event_storage(ctx)?,
        });
    };
    ($name:ident<P: ActionParams>, Action, $defer:ident, $doc:expr) => {
        #[doc = $doc]
        pub struct $name<P: ActionParams> {
            /// The parameters, typed from the action's schema.
            pub params: P,
            /// The action's id (`JUJU_ACTION_UUID`).
            pub id: String,
            core: Rc<ModelCore>,
            deferred: DeferFlag,
        }

        impl<P: ActionParams> Event for $name<P> {
            const DEFERRABLE: bool = is_deferrable!($defer);

            fn build(ctx: &EventInputs<'_>) -> Result<Self, ModelError> {
                let values = Values::new(ValueSource::ActionParams, ctx.core.backend.action_get()?);
                let params = P::from_values(&values).map_err(ModelError::ActionParams)?;
                let id = ctx.context.action_uuid.clone().unwrap_or_default();
                Ok($name { params, id, core: ctx.core.clone(), deferred: DeferFlag::default() })
            }

            fn framework_defer_state(&self) -> &DeferFlag {
                &self.deferred
            }
        }

        defer_method!($defer, $name<P: ActionParams>);
    };
}

// The event table, rendered by the build script: one `event_type!` per kind of event.
include!(concat!(env!("OUT_DIR"), "/event_types.rs"));

fn var(ctx: &EventInputs<'_>, value: &Option<String>, name: &'static str) -> Result<String, ModelError> {
    value.clone().ok_or_else(|| ctx.missing(name))
}

fn secret_id(ctx: &EventInputs<'_>) -> Result<SecretId, ModelError> {
    let text = ctx.context.secret_id.as_deref().ok_or_else(|| ctx.missing("JUJU_SECRET_ID"))?;
    SecretId::parse(text).map_err(|_| ctx.missing("a valid JUJU_SECRET_ID"))
}

fn secret_revision(ctx: &EventInputs<'_>) -> Result<u64, ModelError> {
    ctx.context.secret_revision.ok_or_else(|| ctx.missing("JUJU_SECRET_REVISION"))
}

/// The notice in full, asked of the workload's Pebble when called (as ops' lazy
/// `event.notice`): occurrences, timestamps, its last data.
macro_rules! notice_method {
    ($($name:ident),+) => {$(
        impl<C: ContainerName> $name<C> {
            /// The notice this event is about, from Pebble (`GET /v1/notices/<id>`).
            ///
            /// # Errors
            ///
            /// [`PebbleError`](crate::pebble::PebbleError) when Pebble cannot be reached or
            /// no longer has the notice.
            pub fn notice(&self) -> Result<Notice, crate::pebble::PebbleError> {
                self.workload.get_notice(&self.notice_id)
            }
        }
    )+};
}

/// The check's state now, asked of the workload's Pebble when called (as ops' lazy
/// `event.info`).
macro_rules! check_info_method {
    ($($name:ident),+) => {$(
        impl<C: ContainerName> $name<C> {
            /// The check this event is about, as Pebble reports it now (`GET /v1/checks`).
            ///
            /// # Errors
            ///
            /// [`PebbleError::CheckNotFound`](crate::pebble::PebbleError::CheckNotFound)
            /// when the plan no longer has the check; other `PebbleError`s when Pebble
            /// cannot be reached.
            pub fn info(&self) -> Result<CheckInfo, crate::pebble::PebbleError> {
                self.workload.get_check(&self.check_name)
            }
        }
    )+};
}

notice_method!(PebbleCustomNoticeEvent);

/// The dispatch's model, carried by events that hand out handles.
#[doc(hidden)]
#[derive(Clone)]
pub struct EventModel(Rc<ModelCore>);

impl std::fmt::Debug for EventModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventModel")
    }
}

impl SecretChangedEvent {
    /// The secret, to read (no hook tool runs until it is used). A new revision is what
    /// this event announces: read it with [`Secret::refresh_content`].
    pub fn secret(&self) -> Secret<Observed> {
        Secret::lazy(self.model.0.clone(), Some(self.id.clone()), self.label.clone())
    }
}

/// The owner's handle on the secret an owner event is about: the application's (the
/// leader manages it) or the unit's, as the charm created it. No hook tool runs until it
/// is used.
macro_rules! owned_secret_methods {
    ($($name:ident),+) => {$(
        impl $name {
            /// The secret, as the application's (only the leader gets these events for it).
            pub fn app_secret(&self, _leader: &crate::model::Leader) -> Secret<AppOwned> {
                Secret::lazy(self.model.0.clone(), Some(self.id.clone()), self.label.clone())
            }

            /// The secret, as this unit's.
            pub fn unit_secret(&self) -> Secret<UnitOwned> {
                Secret::lazy(self.model.0.clone(), Some(self.id.clone()), self.label.clone())
            }
        }
    )+};
}

owned_secret_methods!(SecretRotateEvent, SecretRemoveEvent, SecretExpiredEvent);

/// Removing the revision a remove or expired event names (ops' `event.remove_revision()`).
macro_rules! remove_revision_method {
    ($($name:ident),+) => {$(
        impl $name {
            /// Removes the revision this event is about (`secret-remove <id> --revision <n>`).
            /// Juju sends this event only to the secret's owner (the leader, for an
            /// application's secret).
            ///
            /// # Errors
            ///
            /// As Juju refuses.
            pub fn remove_revision(&self) -> Result<(), ModelError> {
                self.model.0.backend.secret_remove(self.id.as_str(), Some(self.revision)).map_err(ModelError::from)
            }
        }
    )+};
}

remove_revision_method!(SecretRemoveEvent, SecretExpiredEvent);
check_info_method!(PebbleCheckFailedEvent, PebbleCheckRecoveredEvent);

impl CollectStatusEvent {
    /// Adds a candidate status. Only settable statuses compile.
    pub fn add_status(&self, status: impl SettableStatus) {
        self.statuses.borrow_mut().push(status.into());
    }
}

fn event_relation<R: RelationEndpoint>(ctx: &EventInputs<'_>) -> Result<Relation<R>, ModelError> {
    let id = ctx.context.relation_id.clone().ok_or_else(|| ctx.missing("JUJU_RELATION_ID"))?;
    if id.endpoint() != R::NAME {
        return Err(ModelError::RelationNotFound(format!("{id} (expected endpoint {})", R::NAME)));
    }
    Ok(Relation::new(ctx.core.clone(), RelationId::new(R::NAME, id.id())))
}

fn remote_app(ctx: &EventInputs<'_>) -> Option<RemoteApp> {
    ctx.context.remote_app_name().map(RemoteApp::new)
}

fn remote_unit(ctx: &EventInputs<'_>) -> Option<RemoteUnit> {
    ctx.context.remote_unit.as_deref().map(RemoteUnit::new)
}

fn event_storage<S: StorageName>(ctx: &EventInputs<'_>) -> Result<Storage<S>, ModelError> {
    let id = ctx.context.storage_id.as_deref().ok_or_else(|| ctx.missing("JUJU_STORAGE_ID"))?;
    let index = id
        .strip_prefix(S::NAME)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ctx.missing("a JUJU_STORAGE_ID of this storage"))?;
    let location = ctx.core.backend.storage_location(id)?;
    Ok(Storage::new(index, location))
}

fn workload<C: ContainerName>(ctx: &EventInputs<'_>) -> Result<Container<C>, ModelError> {
    match ctx.context.workload_name.as_deref() {
        Some(name) if name == C::NAME => Ok(Container::new(ctx.core.backend.pebble(C::NAME))),
        Some(_) => Err(ctx.missing("a JUJU_WORKLOAD_NAME naming this container")),
        None => Err(ctx.missing("JUJU_WORKLOAD_NAME")),
    }
}

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
        self.deferred.set();
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned + 'static> Event for CustomEvent<T> {
    const CUSTOM: bool = true;
    const DEFERRABLE: bool = true;

    fn build(ctx: &EventInputs<'_>) -> Result<Self, ModelError> {
        let payload = ctx.payload.ok_or_else(|| ctx.missing("the custom event's data"))?;
        let data = serde_json::from_value(payload.clone())
            .map_err(|e| ModelError::CustomEvent { event: ctx.kind.to_owned(), reason: e.to_string() })?;
        Ok(CustomEvent { data, deferred: DeferFlag::default() })
    }

    fn framework_defer_state(&self) -> &DeferFlag {
        &self.deferred
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned + 'static> Deferrable for CustomEvent<T> {}

impl<T> EventSource<CustomEvent<T>> {
    /// The source of a custom event. The name must be unique in the charm (prefix it with
    /// the component's name); it is what a deferred custom event is stored under.
    pub const fn custom(name: &'static str) -> Self {
        EventSource::__new(name)
    }
}

impl<P: ActionParams + std::fmt::Debug> std::fmt::Debug for ActionEvent<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionEvent").field("params", &self.params).field("id", &self.id).finish()
    }
}

/// Checks an `action-set` key by Juju's rules: each dotted part matches
/// `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`, and the top-level key is none Juju reserves.
pub(crate) fn action_result_key(key: &str) -> Result<(), ModelError> {
    let invalid = |reason| Err(ModelError::InvalidResultKey { key: key.to_owned(), reason });
    for part in key.split('.') {
        let ok = !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !part.starts_with('-')
            && !part.ends_with('-');
        if !ok {
            return invalid(
                "each dotted part must start and end with a lower-case letter or digit, and hold only those and dashes",
            );
        }
    }
    let top = key.split('.').next().unwrap_or(key);
    if ["stdout", "stdout-encoding", "stderr", "stderr-encoding"].contains(&top) {
        return invalid("Juju reserves stdout, stderr, stdout-encoding and stderr-encoding");
    }
    Ok(())
}

/// Every key valid, and none given twice (`a.b` as a key and `b` inside a map `a`
/// flatten to the same key; ops refuses that too).
fn check_result_keys(results: &[(String, String)]) -> Result<(), ModelError> {
    let mut seen = std::collections::HashSet::new();
    for (key, _) in results {
        action_result_key(key)?;
        if !seen.insert(key.as_str()) {
            return Err(ModelError::InvalidResultKey { key: key.clone(), reason: "it is given more than once" });
        }
    }
    Ok(())
}

/// Nested maps as dotted keys, values rendered as ops renders them.
fn flatten_results(prefix: &str, map: &serde_json::Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in map {
        let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::Object(nested) => flatten_results(&key, nested, out),
            Value::String(text) => out.push((key, text.clone())),
            Value::Bool(true) => out.push((key, "True".to_owned())),
            Value::Bool(false) => out.push((key, "False".to_owned())),
            other => out.push((key, other.to_string())),
        }
    }
}

impl<P: ActionParams> ActionEvent<P> {
    /// Reports results (`action-set key=value ...`); dotted keys nest (`a.b=c`).
    ///
    /// Keys follow Juju's rules (lower-case letters, digits and inner dashes in each
    /// dotted part; not `stdout`, `stderr` or their `-encoding`s) and are checked first.
    ///
    /// # Errors
    ///
    /// [`ModelError::InvalidResultKey`] naming a key Juju would refuse (nothing is sent);
    /// [`ModelError::Backend`] when `action-set` fails.
    pub fn set_results<K: Into<String>, V: ToString>(
        &self,
        results: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), ModelError> {
        let results: Vec<(String, String)> = results.into_iter().map(|(k, v)| (k.into(), v.to_string())).collect();
        check_result_keys(&results)?;
        Ok(self.core.backend.action_set(&results)?)
    }

    /// Reports nested results, as ops' `set_results({"db": {"host": ...}})`: maps are
    /// flattened into dotted keys (`db.host=...`). Strings go as they are, booleans as ops
    /// writes them (`True`, `False`), numbers, lists and nulls as JSON.
    ///
    /// ```
    /// # fn f(event: &ops::ActionEvent<ops::hello::actions::FortuneParams>) -> Result<(), ops::ModelError> {
    /// #[derive(serde::Serialize)]
    /// struct Backup {
    ///     path: String,
    ///     size: u64,
    /// }
    /// event.set_results_from(&std::collections::BTreeMap::from([(
    ///     "backup",
    ///     Backup { path: "/srv/backup.tar".into(), size: 4096 },
    /// )]))?; // action-set backup.path=/srv/backup.tar backup.size=4096
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`set_results`](Self::set_results); [`ModelError::InvalidResults`] when `results`
    /// is not a map.
    pub fn set_results_from(&self, results: &impl serde::Serialize) -> Result<(), ModelError> {
        let value =
            serde_json::to_value(results).map_err(|_| ModelError::InvalidResults("something serde cannot write"))?;
        let Value::Object(map) = value else {
            return Err(ModelError::InvalidResults("a value that is not a map"));
        };
        let mut flat = Vec::new();
        flatten_results("", &map, &mut flat);
        self.set_results(flat)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_keys_follow_jujus_rules() {
        for key in ["a", "fortune", "db.host", "a-b.c-d.e", "0", "x9.y"] {
            assert!(action_result_key(key).is_ok(), "{key}");
        }
        for key in [
            "",
            "--help",
            "-x",
            "A",
            "a_b",
            "a.",
            ".a",
            "a..b",
            "a-",
            "a.-b",
            "ü",
            "a b",
            "a=b",
            "stdout",
            "stderr-encoding.x",
        ] {
            let err = action_result_key(key).unwrap_err();
            assert!(err.to_string().contains(&format!("{key:?}")), "{err}");
        }
        // Only the top-level key is reserved.
        assert!(action_result_key("x.stdout").is_ok());
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let results = [("a.b".to_owned(), "1".to_owned()), ("a.b".to_owned(), "2".to_owned())];
        let err = check_result_keys(&results).unwrap_err();
        assert!(err.to_string().contains("more than once"), "{err}");
    }

    #[test]
    fn nested_results_flatten_as_ops_writes_them() {
        let value = serde_json::json!({
            "db": {"host": "h", "port": 5432, "tls": true, "replica": {"ok": false}},
            "list": [1, "a"],
            "none": null,
            "text": "--help\nsecond line",
        });
        let Value::Object(map) = value else { unreachable!() };
        let mut flat = Vec::new();
        flatten_results("", &map, &mut flat);
        flat.sort();
        let expected = [
            ("db.host", "h"),
            ("db.port", "5432"),
            ("db.replica.ok", "False"),
            ("db.tls", "True"),
            ("list", r#"[1,"a"]"#),
            ("none", "null"),
            ("text", "--help\nsecond line"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(flat, expected);
    }
}
