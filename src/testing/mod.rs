//! Run a charm without Juju: an in-memory Juju, and state-transition runs over it.
//!
//! A run takes a [`State`] and an [`Event`], dispatches the charm through the same
//! framework code `ops::main` uses (only the backend differs), and gives back the new
//! state with everything that happened: the handlers called, every hook-tool call as the
//! command line a real dispatch would run, `juju-log` lines, action results.
//!
//! ```
//! # struct HelloCharm { model: ops::Model<ops::hello::Meta> }
//! # impl ops::CharmBase for HelloCharm {
//! #     type Meta = ops::hello::Meta;
//! #     fn new(fw: &mut ops::Framework<Self>) -> Self {
//! #         fw.observe(fw.on().install, Self::on_install);
//! #         HelloCharm { model: fw.model() }
//! #     }
//! # }
//! # impl HelloCharm {
//! #     fn on_install(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
//! #         self.model.unit().set_status(ops::MaintenanceStatus::new("installing"))?;
//! #         Ok(())
//! #     }
//! # }
//! use ops::testing::{Context, State};
//!
//! let ctx = Context::<HelloCharm>::new();
//! let out = ctx.run(ctx.on().install, State::default()).unwrap();
//! assert_eq!(out.state.unit_status, ops::MaintenanceStatus::new("installing").into());
//! assert_eq!(out.record.calls[0].to_string(), "status-set --application=False maintenance -- installing");
//! ```

mod memory;
mod pebble;
mod secrets;
mod state;

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

pub use crate::backend::SecretOwner;
pub use crate::backend::calls::ToolCall;
pub use crate::framework::{DispatchReport, Emitted};
pub use crate::state_store::DeferredEvent;
pub use memory::{LogLine, Record};
pub use pebble::{ContainerState, ExecArgs, ExecHandler, ExecResponder, InMemoryPebble};
pub use secrets::SecretState;
pub use state::{ActionRun, BindAddressState, NetworkState, RelationState, State, StorageState};

use memory::MemoryBackend;

use crate::backend::Backend;
use crate::charm::CharmBase;
use crate::context::JujuEnv;
use crate::events::{
    EventSource, PebbleCheckFailedEvent, PebbleCheckRecoveredEvent, PebbleCustomNoticeEvent, PebbleReadyEvent,
    RelationDepartedEvent, SecretChangedEvent, SecretExpiredEvent, SecretRemoveEvent, SecretRotateEvent,
};
use crate::framework::{DispatchError, dispatch};
use crate::generated::{ActionParams, CharmMeta, ContainerName, RelationEndpoint};
use crate::generated::{ValueSource, Values};
use crate::state_store::{Controller, StateStore, StoreError, UnitState};

/// An event to dispatch: the `JUJU_DISPATCH_PATH` and the variables Juju would set.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    dispatch_path: String,
    vars: Vec<(String, String)>,
    action: Option<ActionRun>,
}

impl Event {
    /// A hook by its Juju name: `install`, `config-changed`, `update-status`.
    pub fn hook(name: &str) -> Self {
        let name = name.replace('_', "-");
        Event { dispatch_path: format!("hooks/{name}"), vars: vec![("JUJU_HOOK_NAME".into(), name)], action: None }
    }

    /// The action `P` with typed parameters.
    pub fn action<P: ActionParams>(params: &P) -> Self {
        Self::action_raw(P::ACTION, params.to_values())
    }

    /// An action by name, with parameters as `action-get` would give them.
    pub fn action_raw(name: &str, params: Values) -> Self {
        let id = "1".to_owned();
        Event {
            dispatch_path: format!("actions/{name}"),
            vars: vec![("JUJU_ACTION_NAME".into(), name.to_owned()), ("JUJU_ACTION_UUID".into(), id.clone())],
            action: Some(ActionRun { name: name.to_owned(), id, params, ..ActionRun::default() }),
        }
    }

    /// A relation event from the charm's generated sources, on `relation`, from
    /// `remote_unit` if given: `Event::relation(ctx.on().db_relation_changed, &rel, Some("pg/0"))`.
    ///
    /// The source must be an event of the relation's endpoint; the relation's endpoint
    /// is set from the source.
    pub fn relation<E: RelationHookEvent>(
        source: EventSource<E>,
        relation: &RelationState,
        remote_unit: Option<&str>,
    ) -> Self {
        let endpoint = E::Endpoint::NAME;
        let hook = source.kind().strip_prefix(&endpoint.replace('-', "_")).unwrap_or(source.kind());
        let relation = RelationState { endpoint: endpoint.to_owned(), ..relation.clone() };
        Self::relation_raw(hook.trim_start_matches('_'), &relation, remote_unit)
    }

    /// A relation hook by name (`relation-changed`, ...) on `relation`, from `remote_unit` if given.
    pub fn relation_raw(hook: &str, relation: &RelationState, remote_unit: Option<&str>) -> Self {
        let mut event = Self::hook(&format!("{}-{}", relation.endpoint, hook.replace('_', "-")));
        event.vars.extend([
            ("JUJU_RELATION".into(), relation.endpoint.clone()),
            ("JUJU_RELATION_ID".into(), format!("{}:{}", relation.endpoint, relation.id)),
            ("JUJU_REMOTE_APP".into(), relation.remote_app.clone()),
        ]);
        if let Some(unit) = remote_unit {
            event.vars.push(("JUJU_REMOTE_UNIT".into(), unit.to_owned()));
        }
        event
    }

    /// `<endpoint>-relation-departed` on `relation`: `remote_unit` left, and
    /// `departing_unit` is the unit going away (this unit's name when it is this one).
    pub fn relation_departed<R: RelationEndpoint>(
        source: EventSource<RelationDepartedEvent<R>>,
        relation: &RelationState,
        remote_unit: &str,
        departing_unit: &str,
    ) -> Self {
        Self::relation(source, relation, Some(remote_unit)).with_var("JUJU_DEPARTING_UNIT", departing_unit)
    }

    /// `<container>-pebble-ready`, from the charm's generated sources:
    /// `Event::pebble_ready(ctx.on().pause_pebble_ready)`.
    pub fn pebble_ready<C: ContainerName>(_source: EventSource<PebbleReadyEvent<C>>) -> Self {
        let mut event = Self::hook(&format!("{}-pebble-ready", C::NAME));
        event.vars.push(("JUJU_WORKLOAD_NAME".into(), C::NAME.to_owned()));
        event
    }

    /// `<container>-pebble-custom-notice` for a custom notice `key` with id `id`.
    pub fn pebble_custom_notice<C: ContainerName>(
        _source: EventSource<PebbleCustomNoticeEvent<C>>,
        id: &str,
        key: &str,
    ) -> Self {
        let mut event = Self::hook(&format!("{}-pebble-custom-notice", C::NAME));
        event.vars.extend([
            ("JUJU_WORKLOAD_NAME".into(), C::NAME.to_owned()),
            ("JUJU_NOTICE_ID".into(), id.to_owned()),
            ("JUJU_NOTICE_TYPE".into(), "custom".to_owned()),
            ("JUJU_NOTICE_KEY".into(), key.to_owned()),
        ]);
        event
    }

    /// `<container>-pebble-check-failed` for check `check`.
    pub fn pebble_check_failed<C: ContainerName>(_source: EventSource<PebbleCheckFailedEvent<C>>, check: &str) -> Self {
        Self::check_event::<C>("failed", check)
    }

    /// `<container>-pebble-check-recovered` for check `check`.
    pub fn pebble_check_recovered<C: ContainerName>(
        _source: EventSource<PebbleCheckRecoveredEvent<C>>,
        check: &str,
    ) -> Self {
        Self::check_event::<C>("recovered", check)
    }

    fn check_event<C: ContainerName>(what: &str, check: &str) -> Self {
        let mut event = Self::hook(&format!("{}-pebble-check-{what}", C::NAME));
        event.vars.extend([
            ("JUJU_WORKLOAD_NAME".into(), C::NAME.to_owned()),
            ("JUJU_PEBBLE_CHECK_NAME".into(), check.to_owned()),
        ]);
        event
    }

    /// `secret-changed` for a secret the charm observes.
    ///
    /// # Panics
    ///
    /// When the charm owns the secret: Juju tells observers a secret changed, never its owner.
    pub fn secret_changed(_source: EventSource<SecretChangedEvent>, secret: &SecretState) -> Self {
        assert!(secret.owner.is_none(), "secret-changed goes to observers; the charm owns {}", secret.id);
        Self::secret_event("secret-changed", secret, None)
    }

    /// `secret-rotate` for a secret the charm owns.
    ///
    /// # Panics
    ///
    /// When the charm does not own the secret.
    pub fn secret_rotate(_source: EventSource<SecretRotateEvent>, secret: &SecretState) -> Self {
        assert!(secret.owner.is_some(), "secret-rotate goes to the owner; the charm observes {}", secret.id);
        Self::secret_event("secret-rotate", secret, None)
    }

    /// `secret-remove` for revision `revision` of a secret the charm owns.
    ///
    /// # Panics
    ///
    /// When the charm does not own the secret.
    pub fn secret_remove(_source: EventSource<SecretRemoveEvent>, secret: &SecretState, revision: u64) -> Self {
        assert!(secret.owner.is_some(), "secret-remove goes to the owner; the charm observes {}", secret.id);
        Self::secret_event("secret-remove", secret, Some(revision))
    }

    /// `secret-expired` for revision `revision` of a secret the charm owns.
    ///
    /// # Panics
    ///
    /// When the charm does not own the secret.
    pub fn secret_expired(_source: EventSource<SecretExpiredEvent>, secret: &SecretState, revision: u64) -> Self {
        assert!(secret.owner.is_some(), "secret-expired goes to the owner; the charm observes {}", secret.id);
        Self::secret_event("secret-expired", secret, Some(revision))
    }

    fn secret_event(hook: &str, secret: &SecretState, revision: Option<u64>) -> Self {
        let mut event = Self::hook(hook);
        event.vars.push(("JUJU_SECRET_ID".into(), secret.id.to_string()));
        if let Some(label) = &secret.label {
            event.vars.push(("JUJU_SECRET_LABEL".into(), label.clone()));
        }
        if let Some(revision) = revision {
            event.vars.push(("JUJU_SECRET_REVISION".into(), revision.to_string()));
        }
        event
    }

    /// Adds or replaces an environment variable.
    pub fn with_var(mut self, key: &str, value: &str) -> Self {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The event's name as the framework derives it: `config_changed`, `fortune_action`.
    pub fn kind(&self) -> String {
        JujuEnv::from_vars([("JUJU_DISPATCH_PATH", self.dispatch_path.as_str())]).unwrap_or_default().event_kind()
    }
}

/// Hook events that need nothing but their name: pass their source straight to
/// [`Context::run`] (`ctx.run(ctx.on().config_changed, state)`).
pub trait PlainHookEvent: crate::Event {}

macro_rules! plain_hook_events {
    ($($event:ident),* $(,)?) => {
        $(impl PlainHookEvent for crate::events::$event {})*
    };
}

impl<E: PlainHookEvent> From<EventSource<E>> for Event {
    fn from(source: EventSource<E>) -> Event {
        Event::hook(source.kind())
    }
}

/// The relation events, for [`Event::relation`].
pub trait RelationHookEvent: crate::Event {
    /// The endpoint the event belongs to.
    type Endpoint: RelationEndpoint;
}

macro_rules! relation_hook_events {
    ($($event:ident),* $(,)?) => {
        $(impl<R: RelationEndpoint> RelationHookEvent for crate::events::$event<R> {
            type Endpoint = R;
        })*
    };
}

// Which events each factory takes, from the event table (rendered by the build script).
include!(concat!(env!("OUT_DIR"), "/testing_events.rs"));

/// The result of a run that completed.
#[derive(Debug, Clone)]
pub struct Output {
    /// The state after the dispatch.
    pub state: State,
    /// What the framework did: the event and the handlers called.
    pub report: DispatchReport,
    /// The hook-tool calls, logs and status history.
    pub record: Record,
    /// The action's results, logs and failure, when the event was an action.
    pub action: Option<ActionRun>,
}

/// A run whose dispatch failed, as Juju would see it: the error, and what the charm did
/// before it (hook-tool calls are not undone).
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct RunError {
    /// Why the dispatch failed.
    pub error: DispatchError,
    /// The state after the failed dispatch.
    pub state: State,
    /// What happened before the failure.
    pub record: Record,
}

/// Runs charm `C` against the in-memory Juju (Scenario's `Context`).
pub struct Context<C: CharmBase> {
    _charm: PhantomData<C>,
}

impl<C: CharmBase> Default for Context<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: CharmBase> Context<C> {
    /// A context for charm `C`.
    pub fn new() -> Self {
        Context { _charm: PhantomData }
    }

    /// The charm's event sources, for building events: `ctx.on().config_changed`.
    pub fn on(&self) -> &'static <C::Meta as CharmMeta>::Events {
        C::Meta::events()
    }

    /// Dispatches `event` with the unit in `state`.
    ///
    /// On success the output state carries what the charm stored and deferred; on failure
    /// they are as they were in `state`, as Juju would leave them.
    pub fn run(&self, event: impl Into<Event>, mut state: State) -> Result<Output, Box<RunError>> {
        let event = event.into();
        if state.unit_name.is_empty() {
            state.unit_name = format!("{}/0", C::Meta::metadata().name);
        }
        let app = state.app_name().to_owned();
        for relation in state.relations.iter_mut().filter(|r| r.peer && r.remote_app.is_empty()) {
            relation.remote_app = app.clone();
        }
        let context = match JujuEnv::from_vars(self.environment(&event, &state)) {
            Ok(context) => context,
            Err(error) => {
                let error = DispatchError::Environment(error);
                return Err(Box::new(RunError { error, state, record: Record::default() }));
            }
        };
        let unit_state = MemoryStore::from_state(&state);
        let backend = Rc::new(MemoryBackend::new(C::Meta::metadata(), state, event.action));
        let controller = Controller::new(backend.as_ref());
        let store: &dyn StateStore = if C::USE_JUJU_FOR_STORAGE { &controller } else { &unit_state };
        let result = dispatch::<C>(backend.clone() as Rc<dyn Backend>, context, store);
        let (mut state, action, record) = backend.take();
        match result {
            Ok(report) => {
                let saved = unit_state.0.into_inner();
                state.stored = saved.stored;
                state.deferred = saved.deferred;
                Ok(Output { state, report, record, action })
            }
            // `juju-reboot --now`: Juju ends the dispatch; nothing of it is saved.
            Err(DispatchError::Rebooting) => {
                let report = DispatchReport::default();
                Ok(Output { state, report, record, action })
            }
            Err(error) => Err(Box::new(RunError { error, state, record })),
        }
    }

    fn environment(&self, event: &Event, state: &State) -> Vec<(String, String)> {
        let mut vars = vec![
            ("JUJU_DISPATCH_PATH".to_owned(), event.dispatch_path.clone()),
            ("JUJU_UNIT_NAME".to_owned(), state.unit_name.clone()),
            ("JUJU_MODEL_NAME".to_owned(), state.model_name.clone()),
            ("JUJU_MODEL_UUID".to_owned(), state.model_uuid.clone()),
            ("JUJU_VERSION".to_owned(), state.juju_version.clone()),
        ];
        let optional = [
            ("JUJU_MACHINE_ID", &state.machine_id),
            ("JUJU_AVAILABILITY_ZONE", &state.availability_zone),
            ("JUJU_PRINCIPAL_UNIT", &state.principal_unit),
        ];
        vars.extend(optional.into_iter().filter_map(|(name, value)| Some((name.to_owned(), value.clone()?))));
        vars.extend(event.vars.iter().cloned());
        vars
    }
}

/// The unit's local state for one run, held in memory.
struct MemoryStore(RefCell<UnitState>);

impl MemoryStore {
    fn from_state(state: &State) -> Self {
        let next_sequence = state.deferred.iter().map(|n| n.sequence + 1).max().unwrap_or(1);
        let data = UnitState {
            next_sequence,
            stored: state.stored.clone(),
            deferred: state.deferred.clone(),
            ..UnitState::default()
        };
        MemoryStore(RefCell::new(data))
    }
}

impl StateStore for MemoryStore {
    fn load(&self) -> Result<UnitState, StoreError> {
        Ok(self.0.borrow().clone())
    }

    fn save(&self, data: &UnitState) -> Result<(), StoreError> {
        *self.0.borrow_mut() = data.clone();
        Ok(())
    }
}

/// Parameters for [`Event::action_raw`] from JSON text (an object).
pub fn params(json: &str) -> Result<Values, serde_json::Error> {
    Values::from_json(ValueSource::ActionParams, json)
}
