//! Pebble's configuration: layers, and the plan they combine into (python-ops-facts.md §5.5).
//!
//! The structs serialise with Pebble's exact field names and omit what is unset, so a
//! layer built here is what Pebble reads, and a plan Pebble returns round-trips.
//!
//! ```
//! use ops::pebble::{Layer, Service, Startup};
//!
//! let layer = Layer::builder()
//!     .summary("pause")
//!     .services([(
//!         "pause".to_owned(),
//!         Service::builder().command("/pause").startup(Startup::Enabled).override_("replace").build(),
//!     )]
//!     .into())
//!     .build();
//! let yaml = layer.to_yaml().unwrap();
//! assert!(yaml.contains("command: /pause"));
//! assert_eq!(ops::pebble::Layer::from_yaml(&yaml).unwrap(), layer);
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use typed_builder::TypedBuilder;

/// Whether a service or check starts with the plan (`enabled`) or only when asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Startup {
    /// Started by `replan` and at boot.
    Enabled,
    /// Started only explicitly.
    Disabled,
}

/// A layer: services, checks and log targets, with a summary (Pebble's `Layer`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default, rename_all = "kebab-case")]
pub struct Layer {
    /// A one-line summary.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// A longer description.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Services by name.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, Service>,
    /// Health checks by name.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, Check>,
    /// Log forwarding targets by name.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub log_targets: BTreeMap<String, LogTarget>,
}

/// The plan: the layers combined, as `GET /v1/plan` gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Plan {
    /// Services by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, Service>,
    /// Health checks by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, Check>,
    /// Log forwarding targets by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub log_targets: BTreeMap<String, LogTarget>,
}

/// A service (Pebble's service definition).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default, rename_all = "kebab-case")]
pub struct Service {
    /// `merge` or `replace`: how this layer's definition combines with earlier ones.
    #[builder(default, setter(into))]
    #[serde(rename = "override", skip_serializing_if = "String::is_empty")]
    pub override_: String,
    /// A one-line summary.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// A longer description.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Whether it starts with the plan.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup: Option<Startup>,
    /// The command line.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub command: String,
    /// Services to start before this one.
    #[builder(default)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Services to start after this one.
    #[builder(default)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Services that must run with this one.
    #[builder(default)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Environment variables.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// The user to run as.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// The user id to run as.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<u32>,
    /// The group to run as.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The group id to run as.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<u32>,
    /// The working directory.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// What to do when it exits with success: `restart`, `shutdown`, `ignore`.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub on_success: String,
    /// What to do when it fails.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub on_failure: String,
    /// What to do when a check fails, by check name.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub on_check_failure: BTreeMap<String, String>,
    /// Restart back-off: initial delay (`500ms`).
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub backoff_delay: String,
    /// Restart back-off factor.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff_factor: Option<f64>,
    /// Restart back-off limit.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub backoff_limit: String,
    /// How long to wait after SIGTERM before SIGKILL.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kill_delay: String,
}

/// A health check (Pebble's check definition): exactly one of `http`, `tcp`, `exec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default, rename_all = "kebab-case")]
pub struct Check {
    /// `merge` or `replace`.
    #[builder(default, setter(into))]
    #[serde(rename = "override", skip_serializing_if = "String::is_empty")]
    pub override_: String,
    /// `alive` or `ready`, or empty.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub level: String,
    /// Whether the check starts with the plan.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup: Option<Startup>,
    /// How often it runs (`10s`).
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub period: String,
    /// How long one run may take.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub timeout: String,
    /// Failures in a row before the check is down.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// An HTTP check.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpCheck>,
    /// A TCP check.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpCheck>,
    /// A command check.
    #[builder(default, setter(strip_option))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecCheck>,
}

/// An HTTP check: a GET that must answer 2xx.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpCheck {
    /// The URL.
    pub url: String,
    /// Extra request headers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// A TCP check: a connection that must open.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TcpCheck {
    /// The port.
    pub port: u16,
    /// The host (default localhost).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub host: String,
}

/// A command check: a command that must exit 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ExecCheck {
    /// The command line.
    pub command: String,
    /// Run in this service's context (environment, user, working dir).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_context: String,
    /// Environment variables.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// The working directory.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
}

/// A log forwarding target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default)]
pub struct LogTarget {
    /// `merge` or `replace`.
    #[builder(default, setter(into))]
    #[serde(rename = "override", skip_serializing_if = "String::is_empty")]
    pub override_: String,
    /// `loki` or `opentelemetry`.
    #[builder(setter(into))]
    #[serde(rename = "type")]
    pub kind: String,
    /// Where to send logs.
    #[builder(setter(into))]
    pub location: String,
    /// Which services' logs (`all`, names, `-name` to exclude).
    #[builder(default)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Labels added to every log line.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A layer or plan that is not valid YAML for Pebble.
#[derive(Debug, thiserror::Error)]
#[error("invalid Pebble YAML: {0}")]
pub struct YamlError(#[from] serde_yaml::Error);

impl Layer {
    /// The layer as Pebble reads it.
    pub fn to_yaml(&self) -> Result<String, YamlError> {
        Ok(serde_yaml::to_string(self)?)
    }

    /// Reads a layer from YAML.
    pub fn from_yaml(text: &str) -> Result<Self, YamlError> {
        Ok(serde_yaml::from_str::<Option<Layer>>(text)?.unwrap_or_default())
    }
}

impl Plan {
    /// Reads the plan Pebble returns (`GET /v1/plan?format=yaml`).
    pub fn from_yaml(text: &str) -> Result<Self, YamlError> {
        Ok(serde_yaml::from_str::<Option<Plan>>(text)?.unwrap_or_default())
    }

    /// The plan as YAML.
    pub fn to_yaml(&self) -> Result<String, YamlError> {
        Ok(serde_yaml::to_string(self)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pebble_field_names() {
        let service = Service::builder()
            .override_("replace")
            .command("/bin/x --flag")
            .startup(Startup::Enabled)
            .user_id(1000)
            .working_dir("/srv")
            .on_check_failure([("up".to_owned(), "restart".to_owned())].into())
            .build();
        let yaml = serde_yaml::to_string(&service).unwrap();
        for expected in
            ["override: replace", "startup: enabled", "user-id: 1000", "working-dir: /srv", "on-check-failure:"]
        {
            assert!(yaml.contains(expected), "{expected} in {yaml}");
        }
        assert!(!yaml.contains("summary"), "unset fields are omitted: {yaml}");
    }

    #[test]
    fn a_plan_from_pebble_round_trips() {
        let text = "services:\n  web:\n    override: replace\n    command: /web\n    startup: enabled\nchecks:\n  up:\n    override: replace\n    level: alive\n    period: 10s\n    http:\n      url: http://localhost:8080/\nlog-targets:\n  loki:\n    override: merge\n    type: loki\n    location: http://loki:3100\n    services: [all]\n";
        let plan = Plan::from_yaml(text).unwrap();
        assert_eq!(plan.services["web"].command, "/web");
        assert_eq!(plan.checks["up"].http.as_ref().unwrap().url, "http://localhost:8080/");
        assert_eq!(plan.log_targets["loki"].kind, "loki");
        assert_eq!(Plan::from_yaml(&plan.to_yaml().unwrap()).unwrap(), plan);
        assert_eq!(Plan::from_yaml("").unwrap(), Plan::default());
    }
}
