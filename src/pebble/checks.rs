//! Health checks, notices, signals, health, changes and identities.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::client::decode;
use super::{Change, Client, PebbleError};

/// A check's state as `GET /v1/checks` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckInfo {
    /// Its name.
    pub name: String,
    /// `alive`, `ready`, or empty.
    #[serde(default)]
    pub level: String,
    /// `enabled`, `disabled`, or empty (older Pebble).
    #[serde(default)]
    pub startup: String,
    /// `up`, `down` or `inactive`.
    pub status: String,
    /// Successes in a row.
    #[serde(default)]
    pub successes: u32,
    /// Failures in a row.
    #[serde(default)]
    pub failures: u32,
    /// Failures in a row before the check is down.
    #[serde(default)]
    pub threshold: u32,
    /// The change running the check.
    #[serde(default)]
    pub change_id: String,
}

/// A notice (Pebble's record of something that happened, such as a custom notice).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Notice {
    /// Its id.
    pub id: String,
    /// The user it is visible to, if restricted.
    #[serde(default)]
    pub user_id: Option<u32>,
    /// `custom`, `change-update`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its key (`example.com/thing`).
    pub key: String,
    /// When it first occurred (RFC 3339).
    #[serde(default)]
    pub first_occurred: String,
    /// When it last occurred.
    #[serde(default)]
    pub last_occurred: String,
    /// When it was last repeated.
    #[serde(default)]
    pub last_repeated: String,
    /// How many times it occurred.
    #[serde(default)]
    pub occurrences: u32,
    /// Data from the last occurrence.
    #[serde(default)]
    pub last_data: BTreeMap<String, String>,
}

/// Which notices to list (`GET /v1/notices`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeFilter {
    /// Only these types.
    pub types: Vec<String>,
    /// Only these keys.
    pub keys: Vec<String>,
    /// `all` to see every user's notices (admin only).
    pub users: Option<String>,
    /// Only this user's.
    pub user_id: Option<u32>,
}

/// One line of a service's log.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LogEntry {
    /// When (RFC 3339).
    pub time: String,
    /// The service that wrote it.
    pub service: String,
    /// The line.
    pub message: String,
}

/// An identity that may talk to Pebble (Juju ≥ 3.6.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `admin`, `read`, `metrics` or `untrusted`.
    pub access: String,
    /// A local (peer credentials) identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<LocalIdentity>,
    /// A basic-auth identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic: Option<BasicIdentity>,
}

/// A local identity: a user id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LocalIdentity {
    /// The user id.
    pub user_id: u32,
}

/// A basic-auth identity: a hashed password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicIdentity {
    /// The password hash.
    pub password: String,
}

fn repeated<'a>(name: &'a str, values: &[String]) -> Vec<(&'a str, String)> {
    values.iter().map(|v| (name, v.clone())).collect()
}

impl Client {
    /// `GET /v1/checks`, at `level` (`alive`, `ready`) and for `names` (all when empty).
    /// Names go as repeated parameters, as ops sends them.
    pub fn get_checks(&self, level: Option<&str>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError> {
        let mut query: Vec<(&str, String)> = level.map(|l| ("level", l.to_owned())).into_iter().collect();
        query.extend(names.iter().map(|n| ("names", (*n).to_owned())));
        let (result, _) = self.call("GET", "/v1/checks", &query, None)?;
        decode(result, "checks")
    }

    /// Starts checks; the names of those that changed.
    pub fn start_checks(&self, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.checks_action("start", names)
    }

    /// Stops checks; the names of those that changed.
    pub fn stop_checks(&self, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.checks_action("stop", names)
    }

    /// `POST /v1/checks` with `action` (`start`, `stop`); the checks that changed.
    pub fn checks_action(&self, action: &str, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        let (result, _) = self.call("POST", "/v1/checks", &[], Some(json!({"action": action, "checks": names})))?;
        // Pebble answers `"changed": null` when nothing changed.
        Ok(decode::<Option<Vec<String>>>(result.get("changed").cloned().unwrap_or(Value::Null), "changed checks")?
            .unwrap_or_default())
    }

    /// `GET /v1/notices` with `filter`.
    pub fn get_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>, PebbleError> {
        let mut query = Vec::new();
        query.extend(filter.users.iter().map(|u| ("users", u.clone())));
        query.extend(filter.user_id.iter().map(|u| ("user-id", u.to_string())));
        query.extend(repeated("types", &filter.types));
        query.extend(repeated("keys", &filter.keys));
        let (result, _) = self.call("GET", "/v1/notices", &query, None)?;
        decode(result, "notices")
    }

    /// `GET /v1/notices/<id>`.
    pub fn get_notice(&self, id: &str) -> Result<Notice, PebbleError> {
        let (result, _) = self.call("GET", &format!("/v1/notices/{id}"), &[], None)?;
        decode(result, "notice")
    }

    /// Records a custom notice (`POST /v1/notices`); its id.
    pub fn notify(
        &self,
        key: &str,
        data: &BTreeMap<String, String>,
        repeat_after: Option<Duration>,
    ) -> Result<String, PebbleError> {
        let mut body = json!({"action": "add", "type": "custom", "key": key, "data": data});
        if let Some(after) = repeat_after {
            body["repeat-after"] = json!(format!("{:.3}s", after.as_secs_f64()));
        }
        let (result, _) = self.call("POST", "/v1/notices", &[], Some(body))?;
        decode(result.get("id").cloned().unwrap_or(Value::Null), "notice id")
    }

    /// Sends `signal` (`SIGHUP`) to the services (`POST /v1/signals`).
    pub fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError> {
        self.call("POST", "/v1/signals", &[], Some(json!({"signal": signal, "services": services}))).map(drop)
    }

    /// `GET /v1/health`: whether the checks at `level` (all when `None`) are up.
    pub fn health(&self, level: Option<&str>, names: &[&str]) -> Result<bool, PebbleError> {
        let mut query: Vec<(&str, String)> = level.map(|l| ("level", l.to_owned())).into_iter().collect();
        if !names.is_empty() {
            query.push(("names", names.join(",")));
        }
        let (result, _) = self.call("GET", "/v1/health", &query, None)?;
        Ok(result.get("healthy").and_then(Value::as_bool).unwrap_or(false))
    }

    /// `GET /v1/changes?select=<in-progress|all|ready>[&for=<service>]`.
    pub fn get_changes(&self, select: &str, service: Option<&str>) -> Result<Vec<Change>, PebbleError> {
        let mut query = vec![("select", select.to_owned())];
        query.extend(service.map(|s| ("for", s.to_owned())));
        let (result, _) = self.call("GET", "/v1/changes", &query, None)?;
        decode(result, "changes")
    }

    /// Aborts a change (`POST /v1/changes/<id>`).
    pub fn abort_change(&self, id: &str) -> Result<Change, PebbleError> {
        let (result, _) = self.call("POST", &format!("/v1/changes/{id}"), &[], Some(json!({"action": "abort"})))?;
        decode(result, "change")
    }

    /// The last `n` lines (all when `None`) of the services' logs (`GET /v1/logs`, which
    /// answers newline-delimited JSON, not Pebble's envelope).
    pub fn get_logs(&self, services: &[&str], n: Option<u32>) -> Result<Vec<LogEntry>, PebbleError> {
        let mut query: Vec<(&str, String)> = services.iter().map(|s| ("services", (*s).to_owned())).collect();
        query.extend(n.map(|n| ("n", n.to_string())));
        let path = super::transport::path_with_query("/v1/logs", &query);
        let request = super::transport::Request { method: "GET", path, headers: vec![], body: vec![] };
        let response = super::transport::send(self.socket(), self.timeout(), &request)?;
        if response.status >= 400 {
            return self.unwrap_json("GET", "/v1/logs", &response).map(|_| Vec::new());
        }
        String::from_utf8_lossy(&response.body)
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                serde_json::from_str(line).map_err(|e| PebbleError::Protocol(format!("log line {line:?}: {e}")))
            })
            .collect()
    }

    /// `GET /v1/identities`.
    pub fn get_identities(&self) -> Result<BTreeMap<String, Identity>, PebbleError> {
        let (result, _) = self.call("GET", "/v1/identities", &[], None)?;
        decode(result, "identities")
    }

    /// Replaces identities (`None` removes one).
    pub fn replace_identities(&self, identities: &BTreeMap<String, Option<Identity>>) -> Result<(), PebbleError> {
        let body = json!({"action": "replace", "identities": identities});
        self.call("POST", "/v1/identities", &[], Some(body)).map(drop)
    }

    /// Removes identities.
    pub fn remove_identities(&self, names: &[&str]) -> Result<(), PebbleError> {
        let identities: BTreeMap<&str, Value> = names.iter().map(|n| (*n, Value::Null)).collect();
        self.call("POST", "/v1/identities", &[], Some(json!({"action": "remove", "identities": identities}))).map(drop)
    }
}
