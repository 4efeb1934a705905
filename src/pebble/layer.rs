//! Pebble's configuration: layers, and the plan they combine into.
//!
//! The structs serialise with Pebble's exact field names and omit what is unset, so a
//! layer built here is what Pebble reads, and a plan Pebble returns round-trips.
//!
//! ```
//! use ops::pebble::{Layer, Override, Service, Startup};
//!
//! let layer = Layer::builder()
//!     .summary("pause")
//!     .service("pause", Service::builder().command("/pause").startup(Startup::Enabled).override_(Override::Replace).build())
//!     .build();
//! let yaml = layer.to_yaml().unwrap();
//! assert!(yaml.contains("command: /pause"));
//! assert_eq!(ops::pebble::Layer::from_yaml(&yaml).unwrap(), layer);
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use typed_builder::TypedBuilder;

use super::{CheckLevel, Override, Startup};

/// Keys this client does not model, kept as Pebble sent them so that a plan read and
/// written back loses nothing.
pub type Extra = BTreeMap<String, serde_yaml::Value>;

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
    /// Services by name; the builder adds one with `.service(name, service)`.
    #[builder(via_mutators, mutators(
        /// Adds the service `name`.
        pub fn service(&mut self, name: impl Into<String>, service: Service) {
            self.services.insert(name.into(), service);
        }
    ))]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, Service>,
    /// Health checks by name; the builder adds one with `.check(name, check)`.
    #[builder(via_mutators, mutators(
        /// Adds the check `name`.
        pub fn check(&mut self, name: impl Into<String>, check: Check) {
            self.checks.insert(name.into(), check);
        }
    ))]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, Check>,
    /// Log forwarding targets by name; the builder adds one with `.log_target(name, target)`.
    #[builder(via_mutators, mutators(
        /// Adds the log target `name`.
        pub fn log_target(&mut self, name: impl Into<String>, target: LogTarget) {
            self.log_targets.insert(name.into(), target);
        }
    ))]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub log_targets: BTreeMap<String, LogTarget>,
    /// Workloads by name (what services run as). Pebble reads them only from its layers
    /// directory at boot; over the API it refuses a layer that has them.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub workloads: BTreeMap<String, Workload>,
    /// Sections this client does not model.
    #[builder(default)]
    #[serde(flatten)]
    pub extra: Extra,
}

/// The plan: the layers combined, as `GET /v1/plan` gives it. Every key Pebble sends is
/// kept, modelled or not (`extra` at each level).
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
    /// Workloads by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub workloads: BTreeMap<String, Workload>,
    /// Sections this client does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl From<Plan> for Layer {
    /// The plan as a layer to add back: everything but `workloads`, which Pebble takes only
    /// from its layers directory (the plan has them already).
    fn from(plan: Plan) -> Self {
        Layer {
            services: plan.services,
            checks: plan.checks,
            log_targets: plan.log_targets,
            extra: plan.extra,
            ..Layer::default()
        }
    }
}

/// A workload: the identity and environment services that name it run with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default, rename_all = "kebab-case")]
pub struct Workload {
    /// `merge` or `replace`.
    #[builder(default, setter(strip_option))]
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
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
    /// Environment variables.
    #[builder(default)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Keys this client does not model.
    #[builder(default)]
    #[serde(flatten)]
    pub extra: Extra,
}

/// A service (Pebble's service definition).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default, rename_all = "kebab-case")]
pub struct Service {
    /// `merge` or `replace`: how this layer's definition combines with earlier ones.
    #[builder(default, setter(strip_option))]
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
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
    /// The workload (see [`Workload`]) it runs as.
    #[builder(default, setter(into))]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub workload: String,
    /// Keys this client does not model.
    #[builder(default)]
    #[serde(flatten)]
    pub extra: Extra,
}

/// A health check (Pebble's check definition): exactly one of `http`, `tcp`, `exec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default, rename_all = "kebab-case")]
pub struct Check {
    /// `merge` or `replace`.
    #[builder(default, setter(strip_option))]
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
    /// `alive` or `ready`, or none.
    #[builder(default, setter(strip_option))]
    #[serde(with = "super::enums::empty_as_none", skip_serializing_if = "Option::is_none")]
    pub level: Option<CheckLevel>,
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
    /// Keys this client does not model.
    #[builder(default)]
    #[serde(flatten)]
    pub extra: Extra,
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
    /// Keys this client does not model.
    #[serde(flatten)]
    pub extra: Extra,
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
    /// Keys this client does not model.
    #[serde(flatten)]
    pub extra: Extra,
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
    /// The user to run as.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// The user id to run as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<u32>,
    /// The group to run as.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The group id to run as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<u32>,
    /// Keys this client does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A log forwarding target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TypedBuilder)]
#[serde(default)]
pub struct LogTarget {
    /// `merge` or `replace`.
    #[builder(default, setter(strip_option))]
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
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
    /// Keys this client does not model.
    #[builder(default)]
    #[serde(flatten)]
    pub extra: Extra,
}

/// A layer or plan that is not valid YAML for Pebble.
#[derive(Debug, thiserror::Error)]
#[error("invalid Pebble YAML: {0}")]
pub struct YamlError(String);

impl From<serde_yaml::Error> for YamlError {
    fn from(error: serde_yaml::Error) -> Self {
        YamlError(error.to_string())
    }
}

/// How deep a layer or plan may nest, in brackets or in indentation. Pebble's nest about
/// five levels; the YAML parser's time grows with the square of the nesting, so a hostile
/// plan is refused before it is parsed.
const MAX_FLOW_DEPTH: usize = 64;
const MAX_INDENT: usize = 512;

fn check_nesting(text: &str) -> Result<(), YamlError> {
    let too_deep = |what: &str| Err(YamlError(format!("nested deeper than {what}")));
    for line in text.lines() {
        if line.len() - line.trim_start_matches(' ').len() > MAX_INDENT {
            return too_deep(&format!("{MAX_INDENT} columns of indentation"));
        }
    }
    let (mut depth, mut quote) = (0usize, None);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return too_deep(&format!("{MAX_FLOW_DEPTH} brackets"));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

impl Layer {
    /// The layer as Pebble reads it.
    pub fn to_yaml(&self) -> Result<String, YamlError> {
        Ok(serde_yaml::to_string(self)?)
    }

    /// Reads a layer from YAML.
    pub fn from_yaml(text: &str) -> Result<Self, YamlError> {
        check_nesting(text)?;
        Ok(serde_yaml::from_str::<Option<Layer>>(text)?.unwrap_or_default())
    }
}

impl Plan {
    /// Reads the plan Pebble returns (`GET /v1/plan?format=yaml`).
    pub fn from_yaml(text: &str) -> Result<Self, YamlError> {
        check_nesting(text)?;
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
            .override_(Override::Replace)
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

    #[test]
    fn unknown_keys_and_the_newer_sections_round_trip() {
        let text = "services:\n  web:\n    override: replace\n    command: /web\n    workload: app\n    future-key: {a: 1}\nchecks:\n  up:\n    override: replace\n    level: ready\n    exec:\n      command: /check\n      user: app\n      user-id: 1000\n      group: app\n      group-id: 1000\nworkloads:\n  app:\n    override: replace\n    user: app\n    environment: {A: b}\nsomething-new:\n  x: [1, 2]\n";
        let plan = Plan::from_yaml(text).unwrap();
        assert_eq!(plan.services["web"].workload, "app");
        assert_eq!(
            plan.services["web"].extra["future-key"],
            serde_yaml::from_str::<serde_yaml::Value>("{a: 1}").unwrap()
        );
        assert_eq!(plan.checks["up"].level, Some(CheckLevel::Ready));
        assert_eq!(plan.checks["up"].exec.as_ref().unwrap().user_id, Some(1000));
        assert_eq!(plan.workloads["app"].user, "app");
        assert!(plan.extra.contains_key("something-new"));
        let again: serde_yaml::Value = serde_yaml::from_str(&plan.to_yaml().unwrap()).unwrap();
        assert_eq!(again, serde_yaml::from_str::<serde_yaml::Value>(text).unwrap());
        let layer = Layer::from(plan);
        assert!(layer.workloads.is_empty(), "workloads are not added over the API");
        assert!(layer.extra.contains_key("something-new"));
    }

    #[test]
    fn a_plan_nested_without_end_is_an_error() {
        let block: String = (0..600).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
        for deep in ["[".repeat(100_000), format!("services: {}", "{a: ".repeat(100_000)), block] {
            let err = Plan::from_yaml(&deep).unwrap_err();
            assert!(err.to_string().contains("nested deeper than"), "{err}");
        }
        // Brackets inside quotes are text.
        assert!(check_nesting(&format!("a: '{}'\nb: \"{}\\\"\"", "[".repeat(100), "{".repeat(100))).is_ok());
    }
}
