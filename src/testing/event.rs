//! [`Event`]: what a test dispatches, built from the charm's generated event sources.

use serde_json::Value;

use super::SecretState;
use super::state::{ActionRun, RelationState, StorageState};
use crate::context::JujuEnv;
use crate::events::{
    CustomEvent, EventSource, PebbleCheckFailedEvent, PebbleCheckRecoveredEvent, PebbleCustomNoticeEvent,
    PebbleReadyEvent, RelationDepartedEvent, SecretChangedEvent, SecretExpiredEvent, SecretRemoveEvent,
    SecretRotateEvent,
};
use crate::generated::{ActionParams, ContainerName, RelationEndpoint, StorageName};
use crate::generated::{ValueSource, Values};

/// An event to dispatch: the `JUJU_DISPATCH_PATH` and the variables Juju would set.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub(crate) dispatch_path: String,
    pub(crate) vars: Vec<(String, String)>,
    pub(crate) action: Option<ActionRun>,
    /// A custom event to emit instead of a hook's: its kind and data.
    pub(crate) custom: Option<(String, Value)>,
}

impl Event {
    /// A hook by its Juju name: `install`, `config-changed`, `update-status`.
    pub fn hook(name: &str) -> Self {
        let name = name.replace('_', "-");
        Event {
            dispatch_path: format!("hooks/{name}"),
            vars: vec![("JUJU_HOOK_NAME".into(), name)],
            action: None,
            custom: None,
        }
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
            custom: None,
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

    /// A storage event from the charm's generated sources, for `storage` (which the state
    /// must hold): `Event::storage(ctx.on().data_storage_attached, &data)`.
    pub fn storage<E: StorageHookEvent>(source: EventSource<E>, storage: &StorageState) -> Self {
        let name = E::Storage::NAME;
        let hook = source.kind().strip_prefix(&name.replace('-', "_")).unwrap_or(source.kind());
        Self::hook(&format!("{name}-{}", hook.trim_start_matches('_').replace('_', "-")))
            .with_var("JUJU_STORAGE_ID", &format!("{name}/{}", storage.index))
    }

    /// A custom event, as a component emits it, with its data (Scenario's
    /// `ctx.on.custom(...)`): the run delivers it to its observers in place of a hook's
    /// event. As in Scenario, it has no Juju context of its own (no relation, unit or
    /// storage of a hook).
    ///
    /// # Panics
    ///
    /// When `data` cannot be written as JSON (a custom event's data must be, to be
    /// deferred).
    pub fn custom<T: serde::Serialize + serde::de::DeserializeOwned + 'static>(
        source: EventSource<CustomEvent<T>>,
        data: &T,
    ) -> Self {
        let data = serde_json::to_value(data).expect("a custom event's data is written as JSON");
        Event {
            dispatch_path: "hooks/custom-event".to_owned(),
            vars: Vec::new(),
            action: None,
            custom: Some((source.kind().to_owned(), data)),
        }
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

    /// The event's name as the framework derives it: `config_changed`, `fortune_action`
    /// (a custom event's own name).
    pub fn kind(&self) -> String {
        if let Some((kind, _)) = &self.custom {
            return kind.clone();
        }
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

/// The storage events, for [`Event::storage`].
pub trait StorageHookEvent: crate::Event {
    /// The storage the event belongs to.
    type Storage: StorageName;
}

macro_rules! storage_hook_events {
    ($($event:ident),* $(,)?) => {
        $(impl<S: StorageName> StorageHookEvent for crate::events::$event<S> {
            type Storage = S;
        })*
    };
}

// Which events each factory takes, from the event table (rendered by the build script).
include!(concat!(env!("OUT_DIR"), "/testing_events.rs"));

/// Parameters for [`Event::action_raw`] from JSON text (an object).
pub fn params(json: &str) -> Result<Values, serde_json::Error> {
    Values::from_json(ValueSource::ActionParams, json)
}
