//! Every kind of event a charm can receive, written once.
//!
//! This table is the one list of events in the project. The generator derives each
//! charm's `Events` struct from it; the juju-ops library's own build script renders it
//! into the library's event types (their payload, whether they have `defer()`, their
//! docs) and into the testing module's event factories. A new Juju event is one row here.
//!
//! It is public for that build script only.

/// What an event belongs to, and so how its field is named in a charm's `Events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every charm has it: the field is the event's name (`config_changed`).
    Charm,
    /// One per relation endpoint: `<endpoint>_<name>` (`db_relation_changed`).
    Relation,
    /// One per workload container: `<container>_<name>`.
    Container,
    /// One per storage: `<storage>_<name>`.
    Storage,
    /// One per action: `<action>_<name>`.
    Action,
    /// The framework's own (`pre_commit`, `commit`): not in a charm's `Events`.
    Framework,
}

/// What an event carries, besides the ability to defer it: each is one shape of event type
/// in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// Nothing: a plain hook.
    Nothing,
    /// The secret (`JUJU_SECRET_ID`, `JUJU_SECRET_LABEL`).
    Secret,
    /// The secret and a revision (`JUJU_SECRET_REVISION`).
    SecretRevision,
    /// The statuses being collected.
    CollectStatus,
    /// The relation and the remote application.
    Relation,
    /// The relation, the remote application and the unit that joined.
    RelationUnit,
    /// The relation, the remote application, and the remote unit if a unit's databag changed.
    RelationMaybeUnit,
    /// The relation, the remote application, the unit that left and the departing unit.
    RelationDeparted,
    /// The workload container.
    Workload,
    /// The workload container and a custom Pebble notice.
    WorkloadNotice,
    /// The workload container and a Pebble check.
    WorkloadCheck,
    /// A storage instance.
    Storage,
    /// The action's typed parameters and id.
    Action,
}

/// How a test builds the event (the testing module's factory for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Testing {
    /// From its source alone: `ctx.run(ctx.on().install, state)`.
    Plain,
    /// `Event::relation(source, &relation, unit)`.
    Relation,
    /// `Event::pebble_ready(source)`.
    PebbleReady,
    /// `Event::pebble_custom_notice(source, ...)`.
    PebbleCustomNotice,
    /// `Event::pebble_check_failed/recovered(source, check)`.
    PebbleCheck,
    /// `Event::action(&params)`.
    Action,
    /// `Event::secret_changed/rotate/remove/expired(source, &secret, ...)`.
    Secret,
    /// `Event::storage(source, &storage)`.
    Storage,
    /// None: the framework's own events (pre-commit, commit) are emitted by every run.
    None,
}

/// One kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSpec {
    /// The event's name, or for a scoped event the part after the declaration's name
    /// (`relation_changed`); with `-` instead of `_` it is Juju's hook name.
    pub name: &'static str,
    /// What it belongs to.
    pub scope: Scope,
    /// The library's type for it (generic over the declaration for scoped events).
    pub ty: &'static str,
    /// What it carries.
    pub payload: Payload,
    /// Whether a handler may defer it (Juju and ops never replay the others).
    pub deferrable: bool,
    /// How a test builds it.
    pub testing: Testing,
    /// One line of documentation: when Juju sends it.
    pub doc: &'static str,
}

const fn event(
    name: &'static str,
    scope: Scope,
    ty: &'static str,
    payload: Payload,
    deferrable: bool,
    testing: Testing,
    doc: &'static str,
) -> EventSpec {
    EventSpec { name, scope, ty, payload, deferrable, testing, doc }
}

use Payload as P;
use Scope as S;
use Testing as T;

/// Every event, in the order a charm's `Events` lists them: the charm's own, then per
/// relation endpoint, container, storage and action, then the framework's.
pub const EVENTS: &[EventSpec] = &[
    event("install", S::Charm, "InstallEvent", P::Nothing, true, T::Plain, "the first hook of a unit's life"),
    event("start", S::Charm, "StartEvent", P::Nothing, true, T::Plain, "after install, and after a machine reboots"),
    event("stop", S::Charm, "StopEvent", P::Nothing, false, T::Plain, "the unit is going away"),
    event("remove", S::Charm, "RemoveEvent", P::Nothing, false, T::Plain, "the last hook of a unit's life"),
    event(
        "config_changed",
        S::Charm,
        "ConfigChangedEvent",
        P::Nothing,
        true,
        T::Plain,
        "config was set, and after install, upgrade and leadership changes",
    ),
    event("update_status", S::Charm, "UpdateStatusEvent", P::Nothing, true, T::Plain, "Juju's periodic poll"),
    event(
        "upgrade_charm",
        S::Charm,
        "UpgradeCharmEvent",
        P::Nothing,
        true,
        T::Plain,
        "a new charm revision was deployed",
    ),
    event("leader_elected", S::Charm, "LeaderElectedEvent", P::Nothing, true, T::Plain, "this unit became the leader"),
    event(
        "leader_settings_changed",
        S::Charm,
        "LeaderSettingsChangedEvent",
        P::Nothing,
        true,
        T::Plain,
        "the leader changed leader settings (deprecated by Juju)",
    ),
    event(
        "pre_series_upgrade",
        S::Charm,
        "PreSeriesUpgradeEvent",
        P::Nothing,
        true,
        T::Plain,
        "the machine's series is about to change (removed in Juju 4)",
    ),
    event(
        "post_series_upgrade",
        S::Charm,
        "PostSeriesUpgradeEvent",
        P::Nothing,
        true,
        T::Plain,
        "the machine's series changed (removed in Juju 4)",
    ),
    event(
        "secret_changed",
        S::Charm,
        "SecretChangedEvent",
        P::Secret,
        true,
        T::Secret,
        "a secret this charm observes has a new revision",
    ),
    event(
        "secret_remove",
        S::Charm,
        "SecretRemoveEvent",
        P::SecretRevision,
        true,
        T::Secret,
        "a revision of a secret this charm owns is no longer used",
    ),
    event(
        "secret_rotate",
        S::Charm,
        "SecretRotateEvent",
        P::Secret,
        false,
        T::Secret,
        "a secret this charm owns is due for rotation",
    ),
    event(
        "secret_expired",
        S::Charm,
        "SecretExpiredEvent",
        P::SecretRevision,
        false,
        T::Secret,
        "a revision of a secret this charm owns expired",
    ),
    event(
        "collect_unit_status",
        S::Charm,
        "CollectStatusEvent",
        P::CollectStatus,
        false,
        T::Plain,
        "after every event: add candidate unit statuses",
    ),
    event(
        "collect_app_status",
        S::Charm,
        "CollectStatusEvent",
        P::CollectStatus,
        false,
        T::Plain,
        "after every event, on the leader: add candidate application statuses",
    ),
    event(
        "relation_created",
        S::Relation,
        "RelationCreatedEvent",
        P::Relation,
        true,
        T::Relation,
        "a relation was established; no remote unit has joined yet",
    ),
    event(
        "relation_joined",
        S::Relation,
        "RelationJoinedEvent",
        P::RelationUnit,
        true,
        T::Relation,
        "a remote unit joined the relation",
    ),
    event(
        "relation_changed",
        S::Relation,
        "RelationChangedEvent",
        P::RelationMaybeUnit,
        true,
        T::Relation,
        "a remote databag changed (a unit's, or the remote application's)",
    ),
    event(
        "relation_departed",
        S::Relation,
        "RelationDepartedEvent",
        P::RelationDeparted,
        true,
        T::Relation,
        "a remote unit left the relation",
    ),
    event(
        "relation_broken",
        S::Relation,
        "RelationBrokenEvent",
        P::Relation,
        true,
        T::Relation,
        "the relation is gone",
    ),
    event(
        "pebble_ready",
        S::Container,
        "PebbleReadyEvent",
        P::Workload,
        true,
        T::PebbleReady,
        "Pebble in the workload container is up",
    ),
    event(
        "pebble_custom_notice",
        S::Container,
        "PebbleCustomNoticeEvent",
        P::WorkloadNotice,
        true,
        T::PebbleCustomNotice,
        "the workload recorded a custom Pebble notice",
    ),
    event(
        "pebble_check_failed",
        S::Container,
        "PebbleCheckFailedEvent",
        P::WorkloadCheck,
        true,
        T::PebbleCheck,
        "a Pebble check reached its failure threshold",
    ),
    event(
        "pebble_check_recovered",
        S::Container,
        "PebbleCheckRecoveredEvent",
        P::WorkloadCheck,
        true,
        T::PebbleCheck,
        "a failed Pebble check passes again",
    ),
    event(
        "storage_attached",
        S::Storage,
        "StorageAttachedEvent",
        P::Storage,
        true,
        T::Storage,
        "a storage instance is attached and ready",
    ),
    event(
        "storage_detaching",
        S::Storage,
        "StorageDetachingEvent",
        P::Storage,
        true,
        T::Storage,
        "a storage instance is about to be detached",
    ),
    event("action", S::Action, "ActionEvent", P::Action, false, T::Action, "an operator ran the action"),
    event(
        "pre_commit",
        S::Framework,
        "PreCommitEvent",
        P::Nothing,
        false,
        T::None,
        "after the event and collect-status, before state is saved",
    ),
    event("commit", S::Framework, "CommitEvent", P::Nothing, false, T::None, "last, just before state is saved"),
];

/// The events of one scope, in table order.
pub fn of(scope: Scope) -> impl Iterator<Item = &'static EventSpec> {
    EVENTS.iter().filter(move |e| e.scope == scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_within_a_scope_and_types_within_the_table() {
        for (n, a) in EVENTS.iter().enumerate() {
            for b in &EVENTS[n + 1..] {
                assert!(!(a.scope == b.scope && a.name == b.name), "{} twice", a.name);
                // Only the two collect-status events share a type.
                assert!(a.ty != b.ty || a.payload == P::CollectStatus, "{} twice", a.ty);
            }
        }
    }

    #[test]
    fn what_ops_never_replays_cannot_be_deferred() {
        let fixed: Vec<&str> = EVENTS.iter().filter(|e| !e.deferrable).map(|e| e.name).collect();
        assert_eq!(
            fixed,
            [
                "stop",
                "remove",
                "secret_rotate",
                "secret_expired",
                "collect_unit_status",
                "collect_app_status",
                "action",
                "pre_commit",
                "commit"
            ]
        );
    }
}
