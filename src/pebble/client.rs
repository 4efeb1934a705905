//! The Pebble API calls, over [`transport`](super::transport).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

use super::transport::{self, Request, Response};
use super::{Layer, PebbleError, Plan, ProtocolError, ServiceAction, ServiceStatus, ServicesApi, Startup};

/// Pebble's per-request timeout in ops (`pebble.Client(timeout=5.0)`).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest response kept by default: a pull of a file up to this size.
pub const DEFAULT_MAX_RESPONSE: usize = 64 * 1024 * 1024;
/// How long service changes are waited for by default (ops: 30 s).
const CHANGE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a change is polled when the server has no `/wait` endpoint.
const POLL_DELAY: Duration = Duration::from_millis(100);

/// What `GET /v1/system-info` says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SystemInfo {
    /// Pebble's version.
    pub version: String,
}

/// A service as `GET /v1/services` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ServiceInfo {
    /// Its name.
    pub name: String,
    /// Whether it starts with the plan (Pebble reports `disabled` when the layer did not say).
    pub startup: Startup,
    /// Whether it runs.
    pub current: ServiceStatus,
    /// Since when it has been in its current state (RFC 3339); absent until first started.
    #[serde(default)]
    pub current_since: Option<String>,
}

impl ServiceInfo {
    /// Whether the service is running.
    pub fn is_running(&self) -> bool {
        self.current == ServiceStatus::Active
    }
}

/// One task of a change.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Task {
    /// Its id.
    pub id: String,
    /// What kind of task.
    pub kind: String,
    /// A summary.
    #[serde(default)]
    pub summary: String,
    /// `Done`, `Error`, ...
    pub status: String,
    /// Log lines.
    #[serde(default)]
    pub log: Vec<String>,
    /// Task data (`exit-code` for exec).
    #[serde(default)]
    pub data: serde_json::Map<String, Value>,
}

/// A change: Pebble's record of an asynchronous operation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Change {
    /// Its id (a string, as Pebble gives it).
    pub id: String,
    /// What kind of change.
    pub kind: String,
    /// A summary.
    #[serde(default)]
    pub summary: String,
    /// `Do`, `Doing`, `Done`, `Error`, ...
    pub status: String,
    /// Whether it has finished.
    pub ready: bool,
    /// Its error, if it failed.
    #[serde(default)]
    pub err: Option<String>,
    /// Its tasks.
    #[serde(default)]
    pub tasks: Vec<Task>,
}

/// The JSON envelope every Pebble response comes in.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "status-code", default)]
    status_code: u16,
    #[serde(default)]
    status: String,
    #[serde(default)]
    result: Value,
    #[serde(default)]
    change: Option<String>,
}

/// A Pebble client for one socket. Its API is the traits of [`PebbleApi`](super::PebbleApi)
/// (import them with `use ops::prelude::*`), plus the calls below that a container handle
/// does not make (changes, health, logs, identities, a running exec).
///
/// ```no_run
/// use ops::prelude::*;
///
/// let pebble = ops::pebble::Client::new("/charm/containers/pause/pebble.socket");
/// let version = pebble.get_system_info()?.version;
/// # Ok::<(), ops::pebble::PebbleError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    socket: PathBuf,
    timeout: Duration,
    max_response: usize,
}

impl Client {
    /// A client for the Pebble at `socket`, with ops' 5-second request timeout.
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Client { socket: socket.into(), timeout: DEFAULT_TIMEOUT, max_response: DEFAULT_MAX_RESPONSE }
    }

    /// The same client keeping responses (a pulled file, a log) of up to `bytes`
    /// ([`DEFAULT_MAX_RESPONSE`] unless set); a larger one is
    /// [`ProtocolError::TooLarge`], read no further.
    pub fn with_max_response(mut self, bytes: usize) -> Self {
        self.max_response = bytes;
        self
    }

    /// The same client with another per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The socket this client talks to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The per-request timeout: one deadline for the whole exchange.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest response kept (see [`with_max_response`](Self::with_max_response)).
    pub fn max_response(&self) -> usize {
        self.max_response
    }

    /// Sends one request within this client's deadline and size cap.
    pub(super) fn send(&self, request: &Request<'_>) -> Result<Response, PebbleError> {
        let limits = transport::Limits { timeout: self.timeout, max_body: self.max_response };
        transport::send(&self.socket, limits, request)
    }

    /// Sends a JSON request and unwraps Pebble's envelope: `(result, change id)`.
    pub(super) fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<(Value, Option<String>), PebbleError> {
        let mut headers = vec![("Accept", "application/json".to_owned())];
        let body = match body {
            Some(body) => {
                headers.push(("Content-Type", "application/json".to_owned()));
                body.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let request = Request { method, path: transport::path_with_query(path, query), headers, body };
        let response = self.send(&request)?;
        self.unwrap_json(method, path, &response)
    }

    /// Pebble's JSON envelope: the result and change id, or the error it carries.
    pub(super) fn unwrap_json(
        &self,
        method: &str,
        path: &str,
        response: &Response,
    ) -> Result<(Value, Option<String>), PebbleError> {
        let content_type = response.header("content-type").unwrap_or_default();
        if !content_type.starts_with("application/json") {
            return Err(PebbleError::Protocol(ProtocolError::ContentType {
                request: format!("{method} {path}"),
                status: response.status,
                content_type: content_type.to_owned(),
                expected: "application/json",
            }));
        }
        let envelope: Envelope = serde_json::from_slice(&response.body).map_err(|e| {
            PebbleError::Protocol(ProtocolError::Decode {
                what: format!("{method} {path}: HTTP {} body", response.status),
                reason: format!("not Pebble's JSON: {e}"),
            })
        })?;
        if envelope.kind == "error" || response.status >= 400 {
            return Err(api_error(response.status, &envelope));
        }
        Ok((envelope.result, envelope.change))
    }

    /// `GET /v1/changes/<id>`.
    pub fn get_change(&self, id: &str) -> Result<Change, PebbleError> {
        let (result, _) = self.call("GET", &format!("/v1/changes/{}", transport::segment(id)), &[], None)?;
        decode(result, "change")
    }

    /// Waits up to `timeout` for change `id` to finish, as ops does: long-polls
    /// `/v1/changes/<id>/wait` (a 504 means "not yet"), or polls when the server has no
    /// wait endpoint (404). A change that finished with an error is [`PebbleError::Change`].
    pub fn wait_change(&self, id: &str, timeout: Duration) -> Result<Change, PebbleError> {
        let deadline = Instant::now() + timeout;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(PebbleError::Timeout { what: format!("change {id}") });
            }
            let wait =
                remaining.min(self.timeout.saturating_sub(Duration::from_secs(1)).max(Duration::from_millis(100)));
            let query = [("timeout", format!("{:.3}s", wait.as_secs_f64()))];
            match self.call("GET", &format!("/v1/changes/{}/wait", transport::segment(id)), &query, None) {
                Ok((result, _)) => return finished(decode(result, "change")?),
                Err(PebbleError::Api { code: 504, .. }) => continue,
                Err(PebbleError::Api { code: 404, .. }) => return self.poll_change(id, deadline),
                Err(error) => return Err(error),
            }
        }
    }

    fn poll_change(&self, id: &str, deadline: Instant) -> Result<Change, PebbleError> {
        loop {
            let change = self.get_change(id)?;
            if change.ready {
                return finished(change);
            }
            if Instant::now() >= deadline {
                return Err(PebbleError::Timeout { what: format!("change {id}") });
            }
            std::thread::sleep(POLL_DELAY);
        }
    }
}

/// Pebble's 400 for a service the plan does not have (`cannot start services: service
/// "x" does not exist`), as the typed [`PebbleError::ServiceNotFound`] a charm can match.
fn service_not_found(error: PebbleError) -> PebbleError {
    if let PebbleError::Api { code: 400, message, .. } = &error
        && let Some(rest) = message.split_once("services: service \"").map(|(_, rest)| rest)
        && let Some(name) = rest.strip_suffix("\" does not exist")
    {
        return PebbleError::ServiceNotFound { name: name.to_owned() };
    }
    error
}

fn finished(change: Change) -> Result<Change, PebbleError> {
    match change.err.as_deref().filter(|e| !e.is_empty()) {
        Some(err) => Err(PebbleError::Change {
            change_id: change.id.clone(),
            err: err.to_owned(),
            logs: change.tasks.iter().flat_map(|t| t.log.iter().cloned()).collect(),
        }),
        None => Ok(change),
    }
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, PebbleError> {
    serde_json::from_value(value)
        .map_err(|e| PebbleError::Protocol(ProtocolError::Decode { what: what.to_owned(), reason: e.to_string() }))
}

fn api_error(http_status: u16, envelope: &Envelope) -> PebbleError {
    let text = |key: &str| envelope.result.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    PebbleError::Api {
        code: if envelope.status_code != 0 { envelope.status_code } else { http_status },
        status: envelope.status.clone(),
        kind: text("kind"),
        message: text("message"),
    }
}

impl ServicesApi for Client {
    fn get_system_info(&self) -> Result<SystemInfo, PebbleError> {
        let (result, _) = self.call("GET", "/v1/system-info", &[], None)?;
        decode(result, "system info")
    }

    fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        let body =
            json!({"action": "add", "combine": combine, "label": label, "format": "yaml", "layer": layer.to_yaml()?});
        self.call("POST", "/v1/layers", &[], Some(body)).map(drop)
    }

    fn get_plan(&self) -> Result<Plan, PebbleError> {
        let (result, _) = self.call("GET", "/v1/plan", &[("format", "yaml".to_owned())], None)?;
        let text = result.as_str().ok_or_else(|| {
            PebbleError::Protocol(ProtocolError::Decode { what: "plan".into(), reason: "not a YAML string".into() })
        })?;
        Ok(Plan::from_yaml(text)?)
    }

    fn get_services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>, PebbleError> {
        let query = if names.is_empty() { vec![] } else { vec![("names", names.join(","))] };
        let (result, _) = self.call("GET", "/v1/services", &query, None)?;
        decode(result, "services")
    }

    fn services_action(&self, action: ServiceAction, names: &[&str]) -> Result<Change, PebbleError> {
        let action = action.as_str();
        let body = json!({"action": action, "services": names});
        let (_, change) = self.call("POST", "/v1/services", &[], Some(body)).map_err(service_not_found)?;
        let id = change.ok_or_else(|| {
            PebbleError::Protocol(ProtocolError::Missing { what: format!("the change id of services {action}") })
        })?;
        self.wait_change(&id, CHANGE_TIMEOUT)
    }

    fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError> {
        self.call("POST", "/v1/signals", &[], Some(json!({"signal": signal, "services": services}))).map(drop)
    }
}
