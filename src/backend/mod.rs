//! Everything the model asks Juju, behind one trait.
//!
//! [`HookTools`] is the production backend: it runs Juju's hook tools. The in-memory
//! Juju of the `testing` module is the other one. Nothing above this trait knows
//! which it has. Caching (python-ops-facts.md §2.2) lives in the model, not here, so both
//! backends see the same calls.

pub mod calls;
mod hook_tools;

use std::collections::BTreeMap;
use std::fmt;

pub use calls::ToolCall;
pub use hook_tools::HookTools;

/// A failing hook tool, or one whose output could not be understood.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The tool ran and exited non-zero; `stderr` is what it said (`ERROR this unit is not the leader`).
    #[error("hook tool `{call}` failed with exit code {code}: {stderr}")]
    Failed {
        /// The call, rendered as a command line.
        call: String,
        /// Its exit code (`-1` when killed by a signal).
        code: i32,
        /// Its standard error, trimmed.
        stderr: String,
    },
    /// The tool could not be started (not on `PATH`, not executable).
    #[error("could not run hook tool `{tool}`: {source}")]
    Spawn {
        /// The tool's name.
        tool: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The tool succeeded but printed something that is not what Juju prints.
    #[error("hook tool `{call}` printed output that could not be read: {reason}")]
    BadOutput {
        /// The call, rendered as a command line.
        call: String,
        /// What was wrong with it.
        reason: String,
    },
}

impl BackendError {
    /// The tool's stderr, when it ran and failed.
    pub fn stderr(&self) -> Option<&str> {
        match self {
            BackendError::Failed { stderr, .. } => Some(stderr),
            _ => None,
        }
    }
}

/// A `juju-log` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// `TRACE`.
    Trace,
    /// `DEBUG`.
    Debug,
    /// `INFO`.
    Info,
    /// `WARNING`.
    Warning,
    /// `ERROR`.
    Error,
    /// `CRITICAL`.
    Critical,
}

impl LogLevel {
    /// The level as `juju-log --log-level` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
            LogLevel::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name as Juju's `status-set`/`status-get` spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusName {
    /// `unknown`: never set by a charm.
    Unknown,
    /// `active`.
    Active,
    /// `waiting`.
    Waiting,
    /// `maintenance`.
    Maintenance,
    /// `blocked`.
    Blocked,
    /// `error`: set by Juju when a hook fails.
    Error,
}

impl StatusName {
    /// The name as Juju spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusName::Unknown => "unknown",
            StatusName::Active => "active",
            StatusName::Waiting => "waiting",
            StatusName::Maintenance => "maintenance",
            StatusName::Blocked => "blocked",
            StatusName::Error => "error",
        }
    }

    /// Parses Juju's spelling; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "unknown" => StatusName::Unknown,
            "active" => StatusName::Active,
            "waiting" => StatusName::Waiting,
            "maintenance" => StatusName::Maintenance,
            "blocked" => StatusName::Blocked,
            "error" => StatusName::Error,
            _ => return None,
        })
    }

    /// Whether charm code may set it (`active`, `blocked`, `maintenance`, `waiting`).
    pub fn is_settable(self) -> bool {
        !matches!(self, StatusName::Unknown | StatusName::Error)
    }
}

impl fmt::Display for StatusName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status as `status-get` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    /// The status name.
    pub name: StatusName,
    /// Its message.
    pub message: String,
}

/// A relation id as the hook tools take it: `db:3`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelationId {
    endpoint: String,
    id: u64,
}

impl RelationId {
    /// The relation `endpoint:id`.
    pub fn new(endpoint: impl Into<String>, id: u64) -> Self {
        RelationId { endpoint: endpoint.into(), id }
    }

    /// Parses `endpoint:id` as `relation-ids` and `JUJU_RELATION_ID` give it.
    pub fn parse(text: &str) -> Option<Self> {
        let (endpoint, id) = text.rsplit_once(':')?;
        Some(RelationId::new(endpoint, id.parse().ok()?))
    }

    /// The endpoint name.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The relation's integer id.
    pub fn id(&self) -> u64 {
        self.id
    }
}

impl fmt::Display for RelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.endpoint, self.id)
    }
}

/// A relation databag: string keys to string values.
pub type Databag = BTreeMap<String, String>;

/// What `goal-state` says about one unit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct GoalUnit {
    /// `active`, `waiting`, `dying`, ...
    pub status: String,
}

/// The part of `goal-state --format=json` the model uses.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
pub struct GoalState {
    /// The application's planned units.
    #[serde(default)]
    pub units: BTreeMap<String, GoalUnit>,
}

/// Everything the model asks Juju. One method per question; each maps to one hook-tool call.
pub trait Backend {
    /// `juju-log --log-level <level> -- <message>`.
    fn juju_log(&self, level: LogLevel, message: &str) -> Result<(), BackendError>;
    /// `is-leader --format=json`.
    fn is_leader(&self) -> Result<bool, BackendError>;
    /// `config-get --format=json`: the options that are set or have a default.
    fn config_get(&self) -> Result<serde_json::Map<String, serde_json::Value>, BackendError>;
    /// `status-get --include-data --format=json --application=<app>`.
    fn status_get(&self, app: bool) -> Result<StatusInfo, BackendError>;
    /// `status-set --application=<app> <status> -- <message>`.
    fn status_set(&self, app: bool, status: StatusName, message: &str) -> Result<(), BackendError>;
    /// `application-version-set -- <version>`.
    fn application_version_set(&self, version: &str) -> Result<(), BackendError>;
    /// `goal-state --format=json`.
    fn goal_state(&self) -> Result<GoalState, BackendError>;
    /// `action-get --format=json`.
    fn action_get(&self) -> Result<serde_json::Map<String, serde_json::Value>, BackendError>;
    /// `action-set k=v ...`.
    fn action_set(&self, results: &[(String, String)]) -> Result<(), BackendError>;
    /// `action-log -- <message>`.
    fn action_log(&self, message: &str) -> Result<(), BackendError>;
    /// `action-fail -- <message>`.
    fn action_fail(&self, message: &str) -> Result<(), BackendError>;
    /// `relation-ids <endpoint> --format=json`.
    fn relation_ids(&self, endpoint: &str) -> Result<Vec<RelationId>, BackendError>;
    /// `relation-list --format=json -r <id>`: the remote units.
    fn relation_list(&self, id: &RelationId) -> Result<Vec<String>, BackendError>;
    /// `relation-list --format=json --app -r <id>`: the remote application, if known.
    fn relation_remote_app(&self, id: &RelationId) -> Result<Option<String>, BackendError>;
    /// `relation-get --format=json -r <id> [--app] - <member>`.
    fn relation_get(&self, id: &RelationId, member: &str, app: bool) -> Result<Databag, BackendError>;
    /// `relation-set -r <id> [--app] --file -` with the changed keys as JSON (`""` deletes).
    fn relation_set(&self, id: &RelationId, app: bool, changes: &Databag) -> Result<(), BackendError>;
    /// `storage-list --format=json <name>`: ids like `data/0`.
    fn storage_list(&self, name: &str) -> Result<Vec<String>, BackendError>;
    /// `storage-get --format=json -s <id>`: the storage's location.
    fn storage_location(&self, storage_id: &str) -> Result<std::path::PathBuf, BackendError>;
    /// `open-port <port>` (`8080/tcp`, `icmp`).
    fn open_port(&self, port: &str) -> Result<(), BackendError>;
    /// `close-port <port>`.
    fn close_port(&self, port: &str) -> Result<(), BackendError>;
    /// `opened-ports --format=json`.
    fn opened_ports(&self) -> Result<Vec<String>, BackendError>;
    /// `state-get <key>`: a value from the controller-side store (`None` when unset).
    fn state_get(&self, key: &str) -> Result<Option<String>, BackendError>;
    /// `state-set --file -`: sets one key in the controller-side store.
    fn state_set(&self, key: &str, value: &str) -> Result<(), BackendError>;
    /// The Pebble of workload container `container`: its socket client in production.
    fn pebble(&self, container: &str) -> std::rc::Rc<dyn crate::pebble::PebbleApi>;
    /// `resource-get <name>`: the path of the fetched resource.
    fn resource_get(&self, name: &str) -> Result<std::path::PathBuf, BackendError>;
}
