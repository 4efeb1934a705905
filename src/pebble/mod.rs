//! A blocking client for Pebble, the workload manager in each Kubernetes container.
//!
//! Each workload container runs Pebble, reachable from the charm at
//! `/charm/containers/<name>/pebble.socket`. This client speaks its HTTP API (python-ops-facts.md
//! §5, pebble-api.md): system info, layers and the plan, services with change waiting.
//! Every call returns a `Result`: a typed container handle says which container, never
//! that Pebble is up.

mod api;
mod checks;
mod client;
mod exec;
mod files;
mod layer;
mod transport;

use std::path::{Path, PathBuf};

pub use api::PebbleApi;
pub use checks::{BasicIdentity, CheckInfo, Identity, LocalIdentity, LogEntry, Notice, NoticeFilter};
pub use client::{Change, Client, ServiceInfo, ServiceStatus, SystemInfo, Task};
pub use exec::{ExecOptions, ExecOutput, ExecProcess};
pub use files::{FileInfo, FileOptions, exists, isdir, pull_path, push_path};
pub use layer::{Check, ExecCheck, HttpCheck, Layer, LogTarget, Plan, Service, Startup, TcpCheck, YamlError};

/// An error talking to Pebble.
#[derive(Debug, thiserror::Error)]
pub enum PebbleError {
    /// The socket is missing or refuses connections: Pebble is not (yet) up.
    #[error("could not connect to Pebble at {socket}: {reason}")]
    Connection {
        /// The socket.
        socket: PathBuf,
        /// Why.
        reason: String,
    },
    /// Pebble answered with an error.
    #[error("Pebble API error {code} {status}: {message}")]
    Api {
        /// The HTTP status code.
        code: u16,
        /// The HTTP status text.
        status: String,
        /// Pebble's error kind, if it gave one (`not-found`, `permission-denied`...).
        kind: String,
        /// Pebble's message.
        message: String,
    },
    /// A change (starting services, ...) finished with an error.
    #[error("Pebble change {change_id} failed: {err}{}", logs_suffix(.logs))]
    Change {
        /// The change's id.
        change_id: String,
        /// The change's error.
        err: String,
        /// The log lines of its tasks.
        logs: Vec<String>,
    },
    /// Pebble could not act on one path (inside an otherwise successful response).
    #[error("Pebble could not use {path} ({kind}): {message}")]
    Path {
        /// The path.
        path: String,
        /// `not-found`, `permission-denied` or `generic-file-error`.
        kind: String,
        /// Pebble's message.
        message: String,
    },
    /// A command exited non-zero; its output is kept.
    #[error("command {command:?} exited with code {}{}", .output.exit_code, stderr_suffix(&.output.stderr))]
    Exec {
        /// The command line.
        command: String,
        /// Its exit code and output.
        output: ExecOutput,
    },
    /// Some files of a `push_path`/`pull_path` could not be copied (the others were).
    #[error("could not copy {} path(s): {}", .failures.len(), .failures.iter().map(|(p, e)| format!("{p}: {e}")).collect::<Vec<_>>().join("; "))]
    PushPull {
        /// Each path that failed, with why.
        failures: Vec<(String, String)>,
    },
    /// Waiting (for a change) took longer than allowed.
    #[error("timed out waiting for {what}")]
    Timeout {
        /// What was waited for.
        what: String,
    },
    /// Pebble answered something this client cannot read.
    #[error("unexpected answer from Pebble: {0}")]
    Protocol(String),
    /// A layer or plan could not be written or read as YAML.
    #[error(transparent)]
    Yaml(#[from] YamlError),
}

/// Up to 1024 bytes of stderr, as ops shows in `ExecError`.
fn stderr_suffix(stderr: &[u8]) -> String {
    if stderr.is_empty() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&stderr[..stderr.len().min(1024)]);
    format!(": {}", text.trim_end())
}

fn logs_suffix(logs: &[String]) -> String {
    if logs.is_empty() { String::new() } else { format!("\n----- Logs -----\n{}", logs.join("\n")) }
}

impl PebbleError {
    /// Whether Pebble said the path or object does not exist.
    pub fn is_not_found(&self) -> bool {
        match self {
            PebbleError::Path { kind, .. } => kind == "not-found",
            PebbleError::Api { code, kind, .. } => *code == 404 || kind == "not-found",
            _ => false,
        }
    }

    fn connection(socket: &Path, error: &std::io::Error) -> Self {
        let reason = match error.kind() {
            std::io::ErrorKind::NotFound => "socket not found".to_owned(),
            _ => error.to_string(),
        };
        PebbleError::Connection { socket: socket.to_owned(), reason }
    }

    fn io(socket: &Path, error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                PebbleError::Timeout { what: format!("Pebble at {}", socket.display()) }
            }
            _ => PebbleError::Connection { socket: socket.to_owned(), reason: error.to_string() },
        }
    }
}
