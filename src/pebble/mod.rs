//! A blocking client for Pebble, the workload manager in each Kubernetes container.
//!
//! Each workload container runs Pebble, reachable from the charm at
//! `/charm/containers/<name>/pebble.socket`. This client speaks its HTTP API: system info,
//! layers and the plan, services with change waiting, files, checks, notices, exec.
//! Every call returns a `Result`: a typed container handle says which container, never
//! that Pebble is up.

mod api;
mod checks;
mod client;
mod enums;
mod exec;
mod files;
mod layer;
mod transport;

use std::path::{Path, PathBuf};

pub use api::{CheckAction, ChecksApi, ExecApi, FilesApi, Listing, NoticesApi, PebbleApi, ServiceAction, ServicesApi};
pub use checks::{BasicIdentity, CheckInfo, Identity, LocalIdentity, LogEntry, Notice, NoticeFilter};
pub use client::{Change, Client, DEFAULT_MAX_RESPONSE, ServiceInfo, SystemInfo, Task};
pub use enums::{CheckLevel, CheckStatus, FileType, IdentityAccess, NoticeType, Override, ServiceStatus, Startup};
pub use exec::{ExecOptions, ExecOutput, ExecProcess, ExecStdin, ExecStream};
#[cfg(feature = "testing")]
pub(crate) use exec::{OutputSource, Running, StdinSink};
pub use files::{FileInfo, FileOptions};
pub use layer::{Check, ExecCheck, Extra, HttpCheck, Layer, LogTarget, Plan, Service, TcpCheck, Workload, YamlError};

/// Where Juju mounts each container's Pebble socket in the charm container.
const PEBBLE_SOCKET_DIR: &str = "/charm/containers";

/// Overrides `/charm/containers`, for running a charm outside Juju (process-level tests
/// with a fake Pebble). Juju never sets it.
pub const SOCKET_DIR_VAR: &str = "JUJU_OPS_CONTAINERS_DIR";

/// The path of a container's Pebble socket: `/charm/containers/<name>/pebble.socket`
/// (or under `JUJU_OPS_CONTAINERS_DIR`).
pub fn socket_path(container: &str) -> PathBuf {
    // The override is read once per process; the path is built in one allocation (a
    // container name is a single path component: Juju's names have no `/`).
    static DIR: std::sync::OnceLock<Option<std::ffi::OsString>> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| std::env::var_os(SOCKET_DIR_VAR));
    let dir = dir.as_deref().unwrap_or(PEBBLE_SOCKET_DIR.as_ref());
    let mut path = std::ffi::OsString::with_capacity(dir.len() + container.len() + "//pebble.socket".len());
    path.push(dir);
    if !dir.as_encoded_bytes().ends_with(b"/") {
        path.push("/");
    }
    path.push(container);
    path.push("/pebble.socket");
    PathBuf::from(path)
}

/// An error talking to Pebble.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    #[error("could not copy {} path(s): {}", .failures.len(), .failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    PushPull {
        /// Each path that failed, with why.
        failures: Vec<PathFailure>,
    },
    /// Waiting (for a change) took longer than allowed.
    #[error("timed out waiting for {what}")]
    Timeout {
        /// What was waited for.
        what: String,
    },
    /// Pebble answered something this client cannot read.
    #[error("unexpected answer from Pebble: {0}")]
    Protocol(ProtocolError),
    /// The plan has no service of this name.
    #[error("service {name:?} is not in the plan")]
    ServiceNotFound {
        /// The service asked for.
        name: String,
    },
    /// The plan has no check of this name.
    #[error("check {name:?} is not in the plan")]
    CheckNotFound {
        /// The check asked for.
        name: String,
    },
    /// A layer or plan could not be written or read as YAML.
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// An argument no request can carry (a path with a line break); nothing was sent.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidArgument {
        /// What it is (`path`).
        what: &'static str,
        /// The value given.
        value: String,
        /// Why it cannot be sent.
        reason: &'static str,
    },
}

/// What was wrong with an answer from Pebble.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The response is not well-formed HTTP.
    #[error("malformed HTTP response: {0}")]
    Http(String),
    /// The response has another content type than the endpoint sends.
    #[error("{request}: HTTP {status} with Content-Type {content_type:?}, expected {expected}")]
    ContentType {
        /// The request (`GET /v1/plan`, `pull of /etc/x`).
        request: String,
        /// The HTTP status.
        status: u16,
        /// The content type received.
        content_type: String,
        /// The content type the endpoint sends.
        expected: &'static str,
    },
    /// A body, or a part of one, is not what the endpoint sends.
    #[error("{what}: {reason}")]
    Decode {
        /// What was being read.
        what: String,
        /// Why it does not read.
        reason: String,
    },
    /// Something the endpoint always sends is missing.
    #[error("{what} is missing from Pebble's answer")]
    Missing {
        /// What is missing.
        what: String,
    },
    /// A response, or a part of one, is larger than this client keeps.
    #[error("{what}: the response is larger than the {limit} bytes this client reads")]
    TooLarge {
        /// The request.
        what: String,
        /// The cap ([`Client::with_max_response`]).
        limit: usize,
    },
    /// An exec websocket failed.
    #[error("exec websocket {stream}: {reason}")]
    Websocket {
        /// Which stream (`stdio of task 3`, `control`).
        stream: String,
        /// What failed.
        reason: String,
    },
}

/// One path a `push_path`/`pull_path` could not copy.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {cause}")]
pub struct PathFailure {
    /// The path, local for a push, in the container for a pull.
    pub path: String,
    /// Why.
    pub cause: PathFailureCause,
}

/// Why one path could not be copied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PathFailureCause {
    /// Reading or writing the local file failed.
    #[error("{0}")]
    Local(std::io::Error),
    /// Pebble refused the file.
    #[error("{0}")]
    Pebble(Box<PebbleError>),
}

impl From<std::io::Error> for PathFailureCause {
    fn from(error: std::io::Error) -> Self {
        PathFailureCause::Local(error)
    }
}

impl From<PebbleError> for PathFailureCause {
    fn from(error: PebbleError) -> Self {
        PathFailureCause::Pebble(Box::new(error))
    }
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
            PebbleError::ServiceNotFound { .. } | PebbleError::CheckNotFound { .. } => true,
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

    fn io(socket: &Path, what: &str, error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                PebbleError::Timeout { what: format!("{what} to Pebble at {}", socket.display()) }
            }
            _ => PebbleError::Connection { socket: socket.to_owned(), reason: format!("{what}: {error}") },
        }
    }
}
