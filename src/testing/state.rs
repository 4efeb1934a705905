//! The Juju world as one unit sees it: the input and output of a simulated dispatch.

use super::secrets::SecretState;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::backend::Databag;
use crate::generated::CharmConfig;
use crate::state_store::DeferredEvent;

use super::pebble::ContainerState;
use crate::generated::{ValueSource, Values};
use crate::model::status::StatusValue;

/// What Juju knows about the unit before a dispatch; after it, what the dispatch left.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// This unit's name (default `<charm name>/0`, filled in by the context when empty).
    pub unit_name: String,
    /// The model's name.
    pub model_name: String,
    /// The model's UUID.
    pub model_uuid: String,
    /// `JUJU_VERSION`.
    pub juju_version: String,
    /// Whether this unit is the leader.
    pub leader: bool,
    /// The config as `config-get` reports it. Set it typed with [`State::with_config`].
    pub config: Values,
    /// The unit's status.
    pub unit_status: StatusValue,
    /// The application's status.
    pub app_status: StatusValue,
    /// The workload version.
    pub workload_version: String,
    /// How many units `goal-state` plans for the application.
    pub planned_units: u32,
    /// The relations this unit is in.
    pub relations: Vec<RelationState>,
    /// Attached storage.
    pub storage: Vec<StorageState>,
    /// Opened ports, as the port tools spell them (`8080/tcp`).
    pub opened_ports: BTreeSet<String>,
    /// Resource paths `resource-get` returns.
    pub resources: BTreeMap<String, PathBuf>,
    /// Stored state by name, as the charm last saved it.
    pub stored: BTreeMap<String, serde_json::Value>,
    /// The deferred-event queue.
    pub deferred: Vec<DeferredEvent>,
    /// Juju's controller-side key-value store (`state-get`/`state-set`).
    pub controller_state: BTreeMap<String, String>,
    /// The workload containers and their in-memory Pebble, by name.
    pub containers: BTreeMap<String, ContainerState>,
    /// The secrets the unit owns or was granted.
    pub secrets: Vec<SecretState>,
}

impl Default for State {
    fn default() -> Self {
        State {
            unit_name: String::new(),
            model_name: "test-model".to_owned(),
            model_uuid: "00000000-0000-4000-8000-000000000000".to_owned(),
            juju_version: "3.6.14".to_owned(),
            leader: false,
            config: Values::new(ValueSource::Config, Default::default()),
            unit_status: StatusValue::default(),
            app_status: StatusValue::default(),
            workload_version: String::new(),
            planned_units: 1,
            relations: Vec::new(),
            storage: Vec::new(),
            opened_ports: BTreeSet::new(),
            resources: BTreeMap::new(),
            stored: BTreeMap::new(),
            deferred: Vec::new(),
            controller_state: BTreeMap::new(),
            containers: BTreeMap::new(),
            secrets: Vec::new(),
        }
    }
}

impl State {
    /// The application's name: the unit name before `/`.
    pub fn app_name(&self) -> &str {
        self.unit_name.split_once('/').map_or(self.unit_name.as_str(), |(app, _)| app)
    }

    /// Sets the leader flag.
    pub fn with_leader(mut self, leader: bool) -> Self {
        self.leader = leader;
        self
    }

    /// Sets the config from the charm's typed `Config`.
    pub fn with_config<C: CharmConfig>(mut self, config: &C) -> Self {
        self.config = config.to_values();
        self
    }

    /// Adds a secret.
    pub fn with_secret(mut self, secret: SecretState) -> Self {
        self.secrets.push(secret);
        self
    }

    /// The secret with this label, if there is one.
    pub fn secret_by_label(&self, label: &str) -> Option<&SecretState> {
        self.secrets.iter().find(|s| s.label.as_deref() == Some(label))
    }

    /// Adds a relation.
    pub fn with_relation(mut self, relation: RelationState) -> Self {
        self.relations.push(relation);
        self
    }

    /// Adds a container whose Pebble is up.
    pub fn with_container(mut self, name: &str, container: ContainerState) -> Self {
        self.containers.insert(name.to_owned(), container);
        self
    }

    /// The relation with integer id `id`.
    pub fn relation(&self, id: u64) -> Option<&RelationState> {
        self.relations.iter().find(|r| r.id == id)
    }
}

/// One relation, with every databag the unit can see.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelationState {
    /// The relation's integer id.
    pub id: u64,
    /// The local endpoint.
    pub endpoint: String,
    /// Whether it is a peer relation.
    pub peer: bool,
    /// The remote application's name.
    pub remote_app: String,
    /// The remote units and their databags.
    pub remote_units: BTreeMap<String, Databag>,
    /// The remote application's databag.
    pub remote_app_data: Databag,
    /// This unit's databag.
    pub local_unit_data: Databag,
    /// This application's databag.
    pub local_app_data: Databag,
}

impl RelationState {
    /// A relation `endpoint:id` with `remote_app`, which has one unit `<remote_app>/0`.
    pub fn new(endpoint: &str, id: u64, remote_app: &str) -> Self {
        RelationState {
            id,
            endpoint: endpoint.to_owned(),
            remote_app: remote_app.to_owned(),
            remote_units: BTreeMap::from([(format!("{remote_app}/0"), Databag::new())]),
            ..RelationState::default()
        }
    }
}

/// One attached storage instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageState {
    /// The storage name.
    pub name: String,
    /// Its index.
    pub index: u32,
    /// Where it is mounted.
    pub location: PathBuf,
}

/// The action a dispatch runs, and what the charm reported.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionRun {
    /// The action's name.
    pub name: String,
    /// Its id.
    pub id: String,
    /// Its parameters, as `action-get` reports them.
    pub params: Values,
    /// `action-set` results, in order.
    pub results: Vec<(String, String)>,
    /// `action-log` messages.
    pub logs: Vec<String>,
    /// The `action-fail` message, if the action failed.
    pub failure: Option<String>,
}
