//! The fake unit's world: a JSON file every fake hook tool reads, and writes back after a
//! call that changes it. Every field has a default, so a test gives only what it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A status as `status-set` stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// `active`, `blocked`, ...
    pub status: String,
    /// The message.
    #[serde(default)]
    pub message: String,
}

impl Default for Status {
    fn default() -> Self {
        Status { status: "unknown".to_owned(), message: String::new() }
    }
}

/// The action being run, and what the charm reported through the action tools.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Action {
    /// The action's name.
    pub name: String,
    /// `action-get` answers with these.
    pub params: Map<String, Value>,
    /// `action-set` results (dotted keys as given).
    pub results: BTreeMap<String, String>,
    /// `action-log` messages.
    pub logs: Vec<String>,
    /// `action-fail` message.
    pub failed: Option<String>,
}

/// One relation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Relation {
    /// The local endpoint.
    pub endpoint: String,
    /// The remote application.
    pub remote_app: String,
    /// The remote units.
    pub units: Vec<String>,
    /// Databags by member: this unit, this app, remote units, the remote app.
    pub data: BTreeMap<String, BTreeMap<String, String>>,
    /// `relation-model-get`'s uuid.
    pub remote_model_uuid: String,
    /// A peer relation (non-leaders may read the app bag).
    pub peer: bool,
}

/// One storage instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageInstance {
    /// `filesystem` or `block`.
    pub kind: String,
    /// Where it is mounted.
    pub location: String,
}

/// A forced failure of one tool, after its arguments parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The exit code.
    pub code: i32,
    /// What goes to stderr.
    pub stderr: String,
}

/// A way a tool misbehaves, after answering (for the hostile-input tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Misbehaviour {
    /// Never exits.
    Hang,
    /// Answers and exits, leaving a child that holds its stdout open for 30 s.
    LeaveChildHoldingStdout,
    /// Prints this many bytes on stdout instead of its answer.
    Flood(usize),
    /// Writes this to stderr and exits 1.
    FailLoudly(String),
    /// Prints this on stdout instead of its answer, and exits 0.
    Print(String),
}

/// Everything the fake Juju knows about the unit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// This unit; defaults to `JUJU_UNIT_NAME`.
    pub unit: String,
    /// Whether the unit is the leader.
    pub leader: bool,
    /// `config-get` answers with these.
    pub config: Map<String, Value>,
    /// The unit's status.
    pub unit_status: Status,
    /// The application's status.
    pub app_status: Status,
    /// Set by `application-version-set`.
    pub workload_version: String,
    /// The running action, if any.
    pub action: Option<Action>,
    /// `goal-state` units (name → status); empty means just this unit, `active`.
    pub goal_units: BTreeMap<String, String>,
    /// Relations by integer id.
    pub relations: BTreeMap<u64, Relation>,
    /// Storage by id (`data/0`).
    pub storage: BTreeMap<String, StorageInstance>,
    /// Opened ports (`8080/tcp`, `icmp`, `1000-2000/udp`).
    pub ports: BTreeSet<String>,
    /// Resource paths by name.
    pub resources: BTreeMap<String, String>,
    /// The controller-side key-value store of `state-get`/`state-set`/`state-delete`.
    pub kv: BTreeMap<String, String>,
    /// Forced failures by tool name.
    pub fail: BTreeMap<String, Failure>,
    /// Tools that misbehave, by name.
    pub misbehave: BTreeMap<String, Misbehaviour>,
    /// Secrets by their 20-character unique id.
    pub secrets: BTreeMap<String, Secret>,
    /// The last secret id handed out.
    pub next_secret: u64,
    /// `extra-bindings` names `network-get` knows besides the relation endpoints.
    pub extra_bindings: Vec<String>,
    /// `network-get` answers by binding; a known binding not here gets the default network.
    pub networks: BTreeMap<String, Value>,
    /// `credential-get`'s answer; `None`: the application is not trusted.
    pub cloud_spec: Option<Value>,
    /// `juju-reboot` calls: `now` or `after-hook`.
    pub reboots: Vec<String>,
    /// `storage-add` requests: `(name, count)`.
    pub storage_requests: Vec<(String, u32)>,
}

/// A secret as the fake Juju keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Secret {
    /// `application`, `unit`, or empty for a secret this unit only observes.
    pub owner: String,
    /// Content by revision.
    pub revisions: BTreeMap<u64, BTreeMap<String, String>>,
    /// The revision this unit tracks.
    pub tracked: u64,
    /// This unit's label for it.
    pub label: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// Its expiry, as given.
    pub expire: Option<String>,
    /// Its rotation policy.
    pub rotate: Option<String>,
    /// Grants: relation id to applications and units.
    pub grants: BTreeMap<u64, BTreeSet<String>>,
    /// Revisions removed one by one.
    pub removed: Vec<u64>,
}

impl State {
    /// Reads the state file; a missing file is the default state.
    pub fn load(path: &Path) -> Result<State, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| format!("fake state {}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(format!("fake state {}: {e}", path.display())),
        }
    }

    /// Writes the state file atomically (write beside, then rename).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        let temp = path.with_extension("tmp");
        std::fs::write(&temp, text).map_err(|e| format!("{}: {e}", temp.display()))?;
        std::fs::rename(&temp, path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The application's name.
    pub fn app(&self) -> &str {
        self.unit.split_once('/').map_or(self.unit.as_str(), |(app, _)| app)
    }
}
