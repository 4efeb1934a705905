//! A reusable component, in the shape of a charm library: the requirer side of the `db`
//! relation. It observes the charm's relation events, keeps its own stored state, and
//! emits its own typed event, `DATABASE_READY`, when the database publishes new endpoints.

use ops::{CharmBase, CustomEvent, Emitter, EventSource, Framework, HandlerResult, RelationChangedEvent, Stored};
use serde::{Deserialize, Serialize};

use crate::charm::Meta;
use crate::charm::relations::Db;

/// The database is ready at these endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseReady {
    /// What the database published in its application databag (`host:port`).
    pub endpoints: String,
}

/// Emitted when the database publishes endpoints this unit has not seen before.
pub static DATABASE_READY: EventSource<CustomEvent<DatabaseReady>> = EventSource::custom("database.ready");

#[derive(Debug, Default, Serialize, Deserialize)]
struct RequirerState {
    endpoints: Option<String>,
}

/// The `db` requirer.
pub struct DatabaseRequirer {
    emitter: Emitter,
    stored: Stored<RequirerState>,
}

impl DatabaseRequirer {
    /// Registers the component with `framework`; `access` finds it inside the charm.
    pub fn new<C: CharmBase<Meta = Meta>>(framework: &mut Framework<C>, access: fn(&mut C) -> &mut Self) -> Self {
        let source = framework.on().db_relation_changed;
        framework.observe_as(
            "DatabaseRequirer::on_relation_changed",
            source,
            move |charm: &mut C, event: &RelationChangedEvent<Db>| access(charm).on_relation_changed(event),
        );
        DatabaseRequirer { emitter: framework.emitter(), stored: framework.stored("database") }
    }

    /// The endpoints last published by the database, if any.
    pub fn endpoints(&self) -> Option<String> {
        self.stored.get().endpoints.clone()
    }

    fn on_relation_changed(&mut self, event: &RelationChangedEvent<Db>) -> HandlerResult {
        let remote = event.relation.remote_app_data()?;
        let Some(endpoints) = remote.get("endpoints") else { return Ok(()) };
        if self.stored.get().endpoints.as_ref() == Some(endpoints) {
            return Ok(());
        }
        self.stored.update(|s| s.endpoints = Some(endpoints.clone()));
        self.emitter.emit(DATABASE_READY, DatabaseReady { endpoints: endpoints.clone() })?;
        Ok(())
    }
}
