//! Everything the model asks Juju, behind one trait.
//!
//! [`HookTools`] is the production backend: it runs Juju's hook tools. The in-memory
//! Juju of the `testing` module is the other one. Nothing above this trait knows
//! which it has. Caching (where Python ops caches) lives in the model, not here, so both
//! backends see the same calls.

pub(crate) mod calls;
mod content_files;
mod hook_tools;
mod process;

use std::collections::BTreeMap;
use std::fmt;

pub(crate) use content_files::ContentFiles;
pub use hook_tools::HookTools;

/// A failing hook tool, or one whose output could not be understood.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    #[error("could not run hook tool `{tool}`: {error}")]
    Spawn {
        /// The tool's name.
        tool: String,
        /// The operating system's reason.
        error: std::io::Error,
    },
    /// The tool printed more than any hook tool answer is: it was stopped.
    #[error("hook tool `{call}` printed more than {limit} bytes; stopped")]
    OutputTooLarge {
        /// The call, rendered as a command line.
        call: String,
        /// The limit.
        limit: usize,
    },
    /// The tool did not finish in time: it was killed.
    #[error("hook tool `{call}` did not finish within {} s; killed", after.as_secs())]
    TimedOut {
        /// The call, rendered as a command line.
        call: String,
        /// How long it was given.
        after: std::time::Duration,
    },
    /// An argument held a NUL byte, which no command line can carry; the tool was not run.
    #[error("argument {position} of hook tool `{tool}` holds a NUL byte, which no command line can carry; not run")]
    NulInArgument {
        /// The tool's name.
        tool: String,
        /// Which argument (from 1).
        position: usize,
    },
    /// The secret content could not be written to the private files the tool reads it from.
    #[error("could not write secret content for `{tool}` to a private file: {error}")]
    ContentFiles {
        /// The tool's name.
        tool: &'static str,
        /// The operating system's reason.
        error: std::io::Error,
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

/// Whose status or relation databag a call is about: this unit's, or its application's
/// (`--application`, `--app` on the hook tools).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// This unit (or, for a remote databag, the remote unit).
    Unit,
    /// The application.
    App,
}

impl Target {
    /// Whether the call is about the application.
    pub(crate) fn is_app(self) -> bool {
        self == Target::App
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
        if endpoint.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
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

/// Who owns a new secret (`secret-add --owner`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretOwner {
    /// The application (its leader manages it).
    Application,
    /// This unit.
    Unit,
}

impl SecretOwner {
    /// As Juju spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretOwner::Application => "application",
            SecretOwner::Unit => "unit",
        }
    }
}

/// Which revision `secret-get` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretRead {
    /// The revision this charm tracks.
    Tracked,
    /// The latest, and track it from now on (`--refresh`).
    Refresh,
    /// The latest, this once (`--peek`).
    Peek,
}

/// A secret by id, label, or both (the id is used, the label set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretRef<'a> {
    /// The secret's URI.
    pub id: Option<&'a str>,
    /// Its label.
    pub label: Option<&'a str>,
}

/// Metadata arguments of `secret-add` and `secret-set`, as they go on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretArgs {
    /// `--label`.
    pub label: Option<String>,
    /// `--description`.
    pub description: Option<String>,
    /// `--expire`, RFC 3339.
    pub expire: Option<String>,
    /// `--rotate`.
    pub rotate: Option<&'static str>,
}

/// Everything the model asks Juju. One method per question; each maps to one hook-tool call.
pub trait Backend {
    /// `juju-log --log-level <level> -- <message>`.
    fn juju_log(&self, level: LogLevel, message: &str) -> Result<(), BackendError>;
    /// `is-leader --format=json`.
    fn is_leader(&self) -> Result<bool, BackendError>;
    /// `config-get --format=json`: the options that are set or have a default.
    fn config_get(&self) -> Result<serde_json::Map<String, serde_json::Value>, BackendError>;
    /// `status-get --include-data --format=json --application=<true|false>`.
    fn status_get(&self, target: Target) -> Result<StatusInfo, BackendError>;
    /// `status-set --application=<True|False> <status> -- <message>`.
    fn status_set(&self, target: Target, status: StatusName, message: &str) -> Result<(), BackendError>;
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
    fn relation_get(&self, id: &RelationId, member: &str, target: Target) -> Result<Databag, BackendError>;
    /// `relation-set -r <id> [--app] --file -` with the changed keys as JSON (`""` deletes).
    fn relation_set(&self, id: &RelationId, target: Target, changes: &Databag) -> Result<(), BackendError>;
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
    /// `network-get --format=json [-r <id>] <binding>`: Juju's answer, as JSON.
    fn network_get(&self, binding: &str, relation: Option<u64>) -> Result<serde_json::Value, BackendError>;
    /// `relation-model-get --format=json -r <endpoint>:<id>`: the remote model's UUID.
    fn relation_model_get(&self, id: &RelationId) -> Result<String, BackendError>;
    /// `credential-get --format=json`: the cloud spec, as JSON.
    fn credential_get(&self) -> Result<serde_json::Value, BackendError>;
    /// `juju-reboot [--now]`.
    fn juju_reboot(&self, now: bool) -> Result<(), BackendError>;
    /// `storage-add <name>=<count>`.
    fn storage_add(&self, name: &str, count: u32) -> Result<(), BackendError>;
    /// `secret-add [meta] --owner <owner> <key>#file=<path> ...`: the new secret's URI.
    /// The content goes in files, never on the command line.
    fn secret_add(
        &self,
        content: &crate::secret::SecretContent,
        meta: &SecretArgs,
        owner: SecretOwner,
    ) -> Result<String, BackendError>;
    /// `secret-get --format=json [<id>] [--label <label>] [--refresh|--peek]`.
    fn secret_get(&self, secret: SecretRef<'_>, read: SecretRead)
    -> Result<crate::secret::SecretContent, BackendError>;
    /// `secret-info-get --format=json <id>` (or `--label <label>` without an id).
    fn secret_info_get(
        &self,
        secret: SecretRef<'_>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, BackendError>;
    /// `secret-set [meta] --owner application <id> [<key>#file=<path> ...]`.
    fn secret_set(
        &self,
        id: &str,
        content: Option<&crate::secret::SecretContent>,
        meta: &SecretArgs,
    ) -> Result<(), BackendError>;
    /// `secret-grant --relation <n> [--unit <unit>] <id>`.
    fn secret_grant(&self, id: &str, relation: u64, unit: Option<&str>) -> Result<(), BackendError>;
    /// `secret-revoke --relation <n> [--unit <unit>] <id>`.
    fn secret_revoke(&self, id: &str, relation: u64, unit: Option<&str>) -> Result<(), BackendError>;
    /// `secret-remove <id> [--revision <n>]`.
    fn secret_remove(&self, id: &str, revision: Option<u64>) -> Result<(), BackendError>;
}
