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
    /// `network-get` answers by binding name; a binding not here gets
    /// [`NetworkState::default`] (Scenario's default network).
    pub networks: BTreeMap<String, NetworkState>,
    /// What `credential-get` answers; `None`: the application is not trusted.
    pub cloud_spec: Option<crate::CloudSpec>,
    /// `JUJU_MACHINE_ID`.
    pub machine_id: Option<String>,
    /// `JUJU_AVAILABILITY_ZONE`.
    pub availability_zone: Option<String>,
    /// `JUJU_PRINCIPAL_UNIT`, for a subordinate.
    pub principal_unit: Option<String>,
    /// `JUJU_CHARM_DIR`: where the charm's files are (Scenario's `charm_root`); `None`: unset.
    pub charm_dir: Option<PathBuf>,
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
            networks: BTreeMap::new(),
            cloud_spec: None,
            machine_id: None,
            availability_zone: None,
            principal_unit: None,
            charm_dir: None,
        }
    }
}

impl State {
    /// A state filled in from the charm's metadata (Scenario's `State.from_context`): every
    /// config option at its default, every declared container connected, every peer
    /// relation (ids from 1, no other units yet). [`Context::state_from_meta`](super::Context::state_from_meta)
    /// calls it for the context's charm.
    pub fn from_meta(meta: &crate::meta::Metadata) -> Self {
        use crate::meta::{DefaultValue, RelationRole};
        let defaults: serde_json::Map<String, serde_json::Value> = meta
            .config
            .iter()
            .filter_map(|option| {
                let value = match option.default? {
                    DefaultValue::String(text) => serde_json::Value::from(text),
                    DefaultValue::Int(number) => serde_json::Value::from(number),
                    DefaultValue::Float(number) => serde_json::Value::from(number),
                    DefaultValue::Boolean(flag) => serde_json::Value::from(flag),
                };
                Some((option.name.to_owned(), value))
            })
            .collect();
        let peers = meta.relations.iter().filter(|r| r.role == RelationRole::Peer);
        State {
            config: Values::new(ValueSource::Config, defaults),
            containers: meta.containers.iter().map(|c| (c.name.to_owned(), ContainerState::connected())).collect(),
            relations: peers.zip(1..).map(|(peer, id)| RelationState::peer(peer.name, id, &[])).collect(),
            ..State::default()
        }
    }

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

    /// Sets the network of binding `name`.
    pub fn with_network(mut self, name: &str, network: NetworkState) -> Self {
        self.networks.insert(name.to_owned(), network);
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
    /// The remote application's model (`relation-model-get`); `None`: this model.
    pub remote_model_uuid: Option<String>,
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

impl RelationState {
    /// A peer relation `endpoint:id` with the other units of this application (`app/1`,
    /// ...); the remote application is this one.
    pub fn peer(endpoint: &str, id: u64, peers: &[&str]) -> Self {
        RelationState {
            id,
            endpoint: endpoint.to_owned(),
            peer: true,
            remote_units: peers.iter().map(|unit| ((*unit).to_owned(), Databag::new())).collect(),
            ..RelationState::default()
        }
    }

    /// A subordinate's container-scoped relation `endpoint:id` to its principal unit
    /// (`principal` is that unit: `mysql/2`), which is its one remote unit.
    pub fn subordinate(endpoint: &str, id: u64, principal: &str) -> Self {
        RelationState {
            id,
            endpoint: endpoint.to_owned(),
            remote_app: principal.split_once('/').map_or(principal, |(app, _)| app).to_owned(),
            remote_units: BTreeMap::from([(principal.to_owned(), Databag::new())]),
            ..RelationState::default()
        }
    }

    /// Sets the remote application's model UUID (a cross-model relation).
    pub fn with_remote_model(mut self, uuid: &str) -> Self {
        self.remote_model_uuid = Some(uuid.to_owned());
        self
    }
}

/// One binding's network, as `network-get` reports it. The default is Scenario's: one
/// address `192.0.2.0` on an unnamed interface, ingress `192.0.2.0`, egress `192.0.2.0/24`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkState {
    /// The interfaces the unit can bind to.
    pub bind_addresses: Vec<BindAddressState>,
    /// `ingress-addresses`.
    pub ingress_addresses: Vec<String>,
    /// `egress-subnets`.
    pub egress_subnets: Vec<String>,
}

impl Default for NetworkState {
    fn default() -> Self {
        NetworkState::new("192.0.2.0", "192.0.2.0/24")
    }
}

impl NetworkState {
    /// One interface with `address`, which is also the ingress address, and `subnet` as the
    /// egress subnet.
    pub fn new(address: &str, subnet: &str) -> Self {
        NetworkState {
            bind_addresses: vec![BindAddressState {
                interface_name: String::new(),
                mac_address: None,
                addresses: vec![(address.to_owned(), String::new())],
            }],
            ingress_addresses: vec![address.to_owned()],
            egress_subnets: vec![subnet.to_owned()],
        }
    }

    /// As `network-get --format=json` prints it.
    pub(crate) fn to_juju(&self) -> serde_json::Value {
        let binds: Vec<serde_json::Value> = self
            .bind_addresses
            .iter()
            .map(|bind| {
                let addresses: Vec<serde_json::Value> = bind
                    .addresses
                    .iter()
                    .map(|(value, cidr)| serde_json::json!({"hostname": "", "value": value, "cidr": cidr}))
                    .collect();
                let mut entry = serde_json::json!({"interface-name": bind.interface_name, "addresses": addresses});
                if let Some(mac) = &bind.mac_address {
                    entry["mac-address"] = mac.clone().into();
                }
                entry
            })
            .collect();
        serde_json::json!({
            "bind-addresses": binds,
            "ingress-addresses": self.ingress_addresses,
            "egress-subnets": self.egress_subnets,
        })
    }
}

/// One interface in a [`NetworkState`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindAddressState {
    /// The interface's name.
    pub interface_name: String,
    /// Its hardware address.
    pub mac_address: Option<String>,
    /// Its addresses: `(value, cidr)`, the CIDR may be empty.
    pub addresses: Vec<(String, String)>,
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
