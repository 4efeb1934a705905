//! Health checks, notices, signals, health, changes and identities.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::client::decode;
use super::{
    Change, CheckAction, CheckLevel, CheckStatus, ChecksApi, Client, IdentityAccess, NoticeType, NoticesApi,
    PebbleError, ProtocolError, Startup,
};

/// A check's state as `GET /v1/checks` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckInfo {
    /// Its name.
    pub name: String,
    /// `alive`, `ready`, or none.
    #[serde(default, with = "super::enums::empty_as_none")]
    pub level: Option<CheckLevel>,
    /// `enabled` or `disabled`; none from Pebble before 1.18.
    #[serde(default, with = "super::enums::empty_as_none")]
    pub startup: Option<Startup>,
    /// Up, down or inactive.
    pub status: CheckStatus,
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
    /// What it is about.
    #[serde(rename = "type")]
    pub kind: NoticeType,
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
    /// How long after an occurrence a repeat counts as a new one (`1h0m0s`).
    #[serde(default)]
    pub repeat_after: Option<String>,
    /// How long after its last occurrence it is dropped (`168h0m0s`).
    #[serde(default)]
    pub expire_after: Option<String>,
}

/// Which notices to list (`GET /v1/notices`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeFilter {
    /// Only these types.
    pub types: Vec<NoticeType>,
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
    /// What it may do.
    pub access: IdentityAccess,
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
    /// `GET /v1/health`: whether the checks at `level` (all when `None`) are up.
    pub fn health(&self, level: Option<CheckLevel>, names: &[&str]) -> Result<bool, PebbleError> {
        let mut query: Vec<(&str, String)> = level.map(|l| ("level", l.as_str().to_owned())).into_iter().collect();
        if !names.is_empty() {
            query.push(("names", names.join(",")));
        }
        let path = super::transport::path_with_query("/v1/health", &query);
        let request = super::transport::Request { method: "GET", path, headers: vec![], body: vec![] };
        let response = self.send(&request)?;
        // A check down is an answer, not an error: Pebble says so with HTTP 502 and a sync
        // envelope holding `healthy: false`.
        if response.status == 502
            && let Ok(envelope) = serde_json::from_slice::<Value>(&response.body)
            && envelope["type"] == "sync"
            && let Some(healthy) = envelope["result"]["healthy"].as_bool()
        {
            return Ok(healthy);
        }
        let (result, _) = self.unwrap_json("GET", "/v1/health", &response)?;
        result.get("healthy").and_then(Value::as_bool).ok_or_else(|| {
            PebbleError::Protocol(ProtocolError::Missing { what: "`healthy` in GET /v1/health".to_owned() })
        })
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
        let path = format!("/v1/changes/{}", super::transport::segment(id));
        let (result, _) = self.call("POST", &path, &[], Some(json!({"action": "abort"})))?;
        decode(result, "change")
    }

    /// The last `n` lines (all when `None`) of the services' logs (`GET /v1/logs`, which
    /// answers newline-delimited JSON, not Pebble's envelope). Pebble itself defaults to
    /// 30 lines; `None` asks for all (`n=-1`).
    pub fn get_logs(&self, services: &[&str], n: Option<u32>) -> Result<Vec<LogEntry>, PebbleError> {
        let mut query: Vec<(&str, String)> = services.iter().map(|s| ("services", (*s).to_owned())).collect();
        query.push(("n", n.map_or_else(|| "-1".to_owned(), |n| n.to_string())));
        let path = super::transport::path_with_query("/v1/logs", &query);
        let request = super::transport::Request { method: "GET", path, headers: vec![], body: vec![] };
        let response = self.send(&request)?;
        if response.status >= 400 {
            return self.unwrap_json("GET", "/v1/logs", &response).map(|_| Vec::new());
        }
        String::from_utf8_lossy(&response.body)
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                serde_json::from_str(line).map_err(|e| {
                    PebbleError::Protocol(ProtocolError::Decode {
                        what: format!("log line {line:?}"),
                        reason: e.to_string(),
                    })
                })
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

impl ChecksApi for Client {
    /// Names go as repeated parameters, as ops sends them.
    fn get_checks(&self, level: Option<CheckLevel>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError> {
        let mut query: Vec<(&str, String)> = level.map(|l| ("level", l.as_str().to_owned())).into_iter().collect();
        query.extend(names.iter().map(|n| ("names", (*n).to_owned())));
        let (result, _) = self.call("GET", "/v1/checks", &query, None)?;
        decode(result, "checks")
    }

    fn checks_action(&self, action: CheckAction, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        let body = json!({"action": action.as_str(), "checks": names});
        let (result, _) = self.call("POST", "/v1/checks", &[], Some(body))?;
        // Pebble answers `"changed": null` when nothing changed.
        Ok(decode::<Option<Vec<String>>>(result.get("changed").cloned().unwrap_or(Value::Null), "changed checks")?
            .unwrap_or_default())
    }
}

impl NoticesApi for Client {
    fn get_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>, PebbleError> {
        let mut query = Vec::new();
        query.extend(filter.users.iter().map(|u| ("users", u.clone())));
        query.extend(filter.user_id.iter().map(|u| ("user-id", u.to_string())));
        query.extend(filter.types.iter().map(|t| ("types", t.as_str().to_owned())));
        query.extend(repeated("keys", &filter.keys));
        let (result, _) = self.call("GET", "/v1/notices", &query, None)?;
        decode(result, "notices")
    }

    fn get_notice(&self, id: &str) -> Result<Notice, PebbleError> {
        let (result, _) = self.call("GET", &format!("/v1/notices/{}", super::transport::segment(id)), &[], None)?;
        decode(result, "notice")
    }

    fn notify(
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
}
