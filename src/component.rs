//! Components: the reusable parts of a charm (charm libraries), each attached to one
//! relation endpoint (Python's `ops.Object` with `relation_name=`).
//!
//! A component generic over its endpoint `R` gets `R`'s relation events from
//! [`Framework::attach`](crate::Framework::attach), which also checks, when the charm is built, that the endpoint
//! declares the interface and role the component speaks: attaching a PostgreSQL requirer to
//! a `redis` endpoint, or to a `provides:` one, does not build. Its custom events and stored
//! state are named after the endpoint ([`Framework::component_event`](crate::Framework::component_event), `framework.stored`),
//! so two instances on two endpoints never share them. [`Framework::observe_component`](crate::Framework::observe_component)
//! routes an event to a component the charm may or may not have built.
//!
//! ```
//! use ops::component::{InterfaceSide, RelationEvents};
//! use ops::generated::RelationEndpoint;
//! use ops::meta::RelationRole;
//! use ops::{CharmBase, CustomEvent, Emitter, EventSource, Framework, HandlerResult, RelationChangedEvent};
//!
//! /// The requirer side of `postgresql_client`.
//! pub struct Postgres;
//! impl InterfaceSide for Postgres {
//!     const INTERFACES: &'static [&'static str] = &["postgresql_client"];
//!     const ROLE: RelationRole = RelationRole::Requires;
//!     const MISMATCH: &'static str =
//!         "DatabaseRequirer speaks `postgresql_client` as a requirer: attach it to an endpoint declared under `requires:` with that interface";
//! }
//!
//! #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
//! pub struct Ready { pub endpoints: String }
//!
//! pub struct DatabaseRequirer<R> {
//!     /// This instance's events: observe them from the charm.
//!     pub ready: EventSource<CustomEvent<Ready>>,
//!     emitter: Emitter,
//!     _endpoint: std::marker::PhantomData<R>,
//! }
//!
//! impl<R: RelationEndpoint> DatabaseRequirer<R> {
//!     pub fn new<C>(framework: &mut Framework<C>, access: fn(&mut C) -> Option<&mut Self>) -> Self
//!     where
//!         C: CharmBase,
//!         R: RelationEndpoint<Charm = C::Meta>,
//!     {
//!         let events: RelationEvents<R> = framework.attach::<R, Postgres>();
//!         framework.observe_component("DatabaseRequirer", events.changed, access, Self::on_changed);
//!         DatabaseRequirer {
//!             ready: framework.component_event::<R, Ready>("ready"),
//!             emitter: framework.emitter(),
//!             _endpoint: std::marker::PhantomData,
//!         }
//!     }
//!
//!     fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
//!         if let Some(endpoints) = event.relation.remote_app_data()?.get("endpoints") {
//!             self.emitter.emit(self.ready, Ready { endpoints: endpoints.clone() })?;
//!         }
//!         Ok(())
//!     }
//! }
//! ```

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use crate::events::{
    ConfigChangedEvent, EventSource, InstallEvent, LeaderElectedEvent, RelationBrokenEvent, RelationChangedEvent,
    RelationCreatedEvent, RelationDepartedEvent, RelationJoinedEvent, StartEvent, UpdateStatusEvent, UpgradeCharmEvent,
};
use crate::generated::RelationEndpoint;
use crate::meta::RelationRole;

/// One side of a relation interface, as a component speaks it.
pub trait InterfaceSide: 'static {
    /// The interface names this side speaks (`postgresql_client`; the `database` protocol is
    /// spoken under several names).
    const INTERFACES: &'static [&'static str];
    /// The section its endpoint is declared in: `Requires`, `Provides` or `Peer`.
    const ROLE: RelationRole;
    /// What the build error says when the component is attached to an endpoint of another
    /// interface or role: name the component, its interface and role, and what to do.
    const MISMATCH: &'static str;
}

/// The relation events of endpoint `R`, for a component attached to it.
#[derive(Debug)]
pub struct RelationEvents<R: RelationEndpoint> {
    /// `<endpoint>-relation-created`.
    pub created: EventSource<RelationCreatedEvent<R>>,
    /// `<endpoint>-relation-joined`.
    pub joined: EventSource<RelationJoinedEvent<R>>,
    /// `<endpoint>-relation-changed`.
    pub changed: EventSource<RelationChangedEvent<R>>,
    /// `<endpoint>-relation-departed`.
    pub departed: EventSource<RelationDepartedEvent<R>>,
    /// `<endpoint>-relation-broken`.
    pub broken: EventSource<RelationBrokenEvent<R>>,
}

impl<R: RelationEndpoint> RelationEvents<R> {
    pub(crate) fn of() -> Self {
        let kind = |suffix: &str| intern(&format!("{}_relation_{suffix}", R::NAME.replace('-', "_")));
        RelationEvents {
            created: EventSource::__new(kind("created")),
            joined: EventSource::__new(kind("joined")),
            changed: EventSource::__new(kind("changed")),
            departed: EventSource::__new(kind("departed")),
            broken: EventSource::__new(kind("broken")),
        }
    }
}

/// The charm-wide events every charm has, for a component that cannot name the charm's
/// generated `Events` (it is generic over the charm): [`Framework::charm_events`](crate::Framework::charm_events).
#[derive(Debug, Clone, Copy)]
pub struct CharmEvents {
    /// `install`.
    pub install: EventSource<InstallEvent>,
    /// `start`.
    pub start: EventSource<StartEvent>,
    /// `config-changed`.
    pub config_changed: EventSource<ConfigChangedEvent>,
    /// `upgrade-charm`.
    pub upgrade_charm: EventSource<UpgradeCharmEvent>,
    /// `leader-elected`.
    pub leader_elected: EventSource<LeaderElectedEvent>,
    /// `update-status`.
    pub update_status: EventSource<UpdateStatusEvent>,
}

pub(crate) static CHARM_EVENTS: CharmEvents = CharmEvents {
    install: EventSource::__new("install"),
    start: EventSource::__new("start"),
    config_changed: EventSource::__new("config_changed"),
    upgrade_charm: EventSource::__new("upgrade_charm"),
    leader_elected: EventSource::__new("leader_elected"),
    update_status: EventSource::__new("update_status"),
};

/// Whether endpoint `R` speaks `I`: one of its interface names, in its role.
pub(crate) const fn speaks<R: RelationEndpoint, I: InterfaceSide>() -> bool {
    if !role_eq(R::ROLE, I::ROLE) {
        return false;
    }
    let mut i = 0;
    while i < I::INTERFACES.len() {
        if crate::context::str_eq(R::INTERFACE, I::INTERFACES[i]) {
            return true;
        }
        i += 1;
    }
    false
}

const fn role_eq(a: RelationRole, b: RelationRole) -> bool {
    matches!(
        (a, b),
        (RelationRole::Requires, RelationRole::Requires)
            | (RelationRole::Provides, RelationRole::Provides)
            | (RelationRole::Peer, RelationRole::Peer)
    )
}

/// Event names made at run time (a component's events, an endpoint's relation events),
/// kept once each for the life of the process, so an [`EventSource`] stays `Copy`. The
/// set is bounded by the charm's endpoints and components.
pub(crate) fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Mutex::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_interned_once() {
        let a = intern("db.database_created");
        let b = intern(&String::from("db.database_created"));
        assert!(std::ptr::eq(a, b));
    }

    #[test]
    fn an_endpoint_speaks_an_interface_only_in_its_role() {
        struct Requirer;
        impl InterfaceSide for Requirer {
            const INTERFACES: &'static [&'static str] = &["mysql_client", "postgresql_client"];
            const ROLE: RelationRole = RelationRole::Requires;
            const MISMATCH: &'static str = "";
        }
        assert!(speaks::<crate::hello::relations::Db, Requirer>());
        struct Provider;
        impl InterfaceSide for Provider {
            const INTERFACES: &'static [&'static str] = &["postgresql_client"];
            const ROLE: RelationRole = RelationRole::Provides;
            const MISMATCH: &'static str = "";
        }
        assert!(!speaks::<crate::hello::relations::Db, Provider>());
    }
}
