//! `prometheus_scrape` (charms.prometheus_k8s.v0.prometheus_scrape, LIBPATCH 61): a charm
//! offers metrics on `metrics-endpoint`, and Prometheus scrapes them.
//!
//! - provider application databag (leader): `scrape_metadata` (the Juju topology: model,
//!   model_uuid, application, unit, charm_name), `scrape_jobs` (a list of jobs, each with
//!   `metrics_path` and `static_configs` first; targets keep the `*` the consumer replaces
//!   with each unit's address), `alert_rules` (`{}` when there are none) — each one JSON
//!   value as Python's `json.dumps` writes it;
//! - provider unit databag (every unit): `prometheus_scrape_unit_address` (the relation's
//!   bind address), `prometheus_scrape_unit_path` (`""`), `prometheus_scrape_unit_name`,
//!   `prometheus_scrape_unit_fqdn`.
//!
//! The provider writes both on relation-joined and [`MetricsEndpointProvider::refresh`],
//! and the unit databag on relation-changed and update-status. The consumer emits
//! `targets_changed` on relation-changed, -departed and -broken, and expands the jobs per
//! unit as the Python consumer does.

use std::marker::PhantomData;

use ops::component::InterfaceSide;
use ops::generated::RelationEndpoint;
use ops::meta::RelationRole;
use ops::{
    CharmBase, CustomEvent, Emitter, EventSource, Framework, HandlerResult, Model, Relation, RelationBrokenEvent,
    RelationChangedEvent, RelationDepartedEvent, RelationJoinedEvent,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// The provider side (`provides:`, interface `prometheus_scrape`).
#[derive(Debug)]
pub enum Provides {}

impl InterfaceSide for Provides {
    const INTERFACES: &'static [&'static str] = &["prometheus_scrape"];
    const ROLE: RelationRole = RelationRole::Provides;
    const MISMATCH: &'static str = "MetricsEndpointProvider speaks `prometheus_scrape` as a provider: attach it to an \
         endpoint declared under `provides:` with interface `prometheus_scrape`";
}

/// The consumer side (`requires:`, interface `prometheus_scrape`).
#[derive(Debug)]
pub enum Requires {}

impl InterfaceSide for Requires {
    const INTERFACES: &'static [&'static str] = &["prometheus_scrape"];
    const ROLE: RelationRole = RelationRole::Requires;
    const MISMATCH: &'static str = "MetricsEndpointConsumer speaks `prometheus_scrape` as a consumer: attach it to an \
         endpoint declared under `requires:` with interface `prometheus_scrape`";
}

/// Where the jobs come from: the provider's Juju topology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrapeMetadata {
    /// The model's name.
    pub model: String,
    /// The model's UUID.
    pub model_uuid: String,
    /// The application.
    pub application: String,
    /// The unit that wrote it (the leader).
    pub unit: String,
    /// The charm's name.
    pub charm_name: String,
}

/// One scrape job, in the order the Python library writes its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrapeJob {
    /// The path (default `/metrics`).
    pub metrics_path: String,
    /// The targets (`*:9100`: every unit, port 9100).
    pub static_configs: Vec<StaticConfig>,
    /// The job's name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// How often (`30s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_interval: Option<String>,
    /// How long each scrape may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_timeout: Option<String>,
    /// `http` or `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
}

impl ScrapeJob {
    /// The default job: `/metrics` on every unit at `port`.
    pub fn on_port(port: u16) -> Self {
        ScrapeJob {
            metrics_path: "/metrics".into(),
            static_configs: vec![StaticConfig { targets: vec![format!("*:{port}")], labels: None }],
            job_name: None,
            scrape_interval: None,
            scrape_timeout: None,
            scheme: None,
        }
    }
}

/// Targets and their labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticConfig {
    /// `host:port`, or `*:port` for every unit.
    pub targets: Vec<String>,
    /// Labels to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<std::collections::BTreeMap<String, String>>,
}

/// The provider's application databag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderAppData {
    /// The topology.
    pub scrape_metadata: ScrapeMetadata,
    /// The jobs.
    pub scrape_jobs: Vec<ScrapeJob>,
    /// Prometheus alert rules (`{"groups": [...]}`), `{}` for none.
    pub alert_rules: Value,
}

/// One provider unit's databag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProviderUnitData {
    /// `prometheus_scrape_unit_address`.
    pub address: String,
    /// `prometheus_scrape_unit_path`.
    pub path: String,
    /// `prometheus_scrape_unit_name`.
    pub name: String,
    /// `prometheus_scrape_unit_fqdn`.
    pub fqdn: String,
}

/// The provider side on endpoint `R`: a charm offering metrics.
pub struct MetricsEndpointProvider<R: RelationEndpoint> {
    jobs: Vec<ScrapeJob>,
    alert_rules: Value,
    model: Model<R::Charm>,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> MetricsEndpointProvider<R> {
    /// Attaches a provider of `jobs` (none: the default job, port 80) to endpoint `R`.
    pub fn new<C>(framework: &mut Framework<C>, access: fn(&mut C) -> Option<&mut Self>, jobs: Vec<ScrapeJob>) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Provides>();
        framework.observe_component("MetricsEndpointProvider", events.joined, access, Self::on_joined);
        framework.observe_component("MetricsEndpointProvider", events.changed, access, Self::on_changed);
        let update_status = framework.charm_events().update_status;
        framework.observe_component("MetricsEndpointProvider", update_status, access, |this, _| {
            this.set_unit_data_everywhere()
        });
        let jobs = if jobs.is_empty() { vec![ScrapeJob::on_port(80)] } else { jobs };
        MetricsEndpointProvider {
            jobs,
            alert_rules: Value::Object(Map::new()),
            model: framework.model(),
            _endpoint: PhantomData,
        }
    }

    /// Forwards Prometheus alert rules (`{"groups": [...]}`).
    pub fn with_alert_rules(mut self, rules: Value) -> Self {
        self.alert_rules = rules;
        self
    }

    /// Writes the jobs and this unit's address on every relation again (what the Python
    /// library does on its refresh event, a workload's pebble-ready): call it when the
    /// workload comes up or its port changes.
    ///
    /// # Errors
    ///
    /// As Juju refuses.
    pub fn refresh(&self) -> Result<(), Error> {
        for relation in self.model.relations::<R>()? {
            self.publish(&relation)?;
        }
        Ok(())
    }

    fn on_joined(&mut self, event: &RelationJoinedEvent<R>) -> HandlerResult {
        Ok(self.publish(&event.relation)?)
    }

    fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
        Ok(self.set_unit_data(&event.relation)?)
    }

    fn set_unit_data_everywhere(&mut self) -> HandlerResult {
        for relation in self.model.relations::<R>()? {
            self.set_unit_data(&relation)?;
        }
        Ok(())
    }

    fn publish(&self, relation: &Relation<R>) -> Result<(), Error> {
        self.set_unit_data(relation)?;
        if let Some(leader) = self.model.unit().is_leader()? {
            let data = ProviderAppData {
                scrape_metadata: ScrapeMetadata {
                    model: self.model.name().unwrap_or_default().to_owned(),
                    model_uuid: self.model.uuid().unwrap_or_default().to_owned(),
                    application: self.model.app().name().to_owned(),
                    unit: self.model.unit().name().to_owned(),
                    charm_name: self.model.meta().name.to_owned(),
                },
                scrape_jobs: self.jobs.clone(),
                alert_rules: self.alert_rules.clone(),
            };
            relation.local_app_data(&leader).save(&data)?;
        }
        Ok(())
    }

    fn set_unit_data(&self, relation: &Relation<R>) -> Result<(), Error> {
        let fqdn = crate::unit_fqdn(&self.model);
        let bind = relation.binding().network()?.bind_address().map(ToString::to_string);
        // As the Python library: the bind address when it is an IP, else the FQDN.
        let address = bind.filter(|a| a.parse::<std::net::IpAddr>().is_ok()).unwrap_or_else(|| fqdn.clone());
        relation.local_unit_data().update([
            ("prometheus_scrape_unit_address", address),
            ("prometheus_scrape_unit_path", String::new()),
            ("prometheus_scrape_unit_name", self.model.unit().name().to_owned()),
            ("prometheus_scrape_unit_fqdn", fqdn),
        ])?;
        Ok(())
    }
}

/// The targets of a relation changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetsChanged {
    /// The relation's id.
    pub relation_id: u64,
}

/// The consumer's events.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerEvents {
    /// A provider's jobs or units changed, or it left.
    pub targets_changed: EventSource<CustomEvent<TargetsChanged>>,
}

/// The consumer side on endpoint `R`: a Prometheus.
pub struct MetricsEndpointConsumer<R: RelationEndpoint> {
    /// This instance's events.
    pub on: ConsumerEvents,
    model: Model<R::Charm>,
    emitter: Emitter,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> MetricsEndpointConsumer<R> {
    /// Attaches a consumer to endpoint `R`.
    pub fn new<C>(framework: &mut Framework<C>, access: fn(&mut C) -> Option<&mut Self>) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Requires>();
        framework.observe_component("MetricsEndpointConsumer", events.changed, access, Self::on_changed);
        framework.observe_component("MetricsEndpointConsumer", events.departed, access, Self::on_departed);
        framework.observe_component("MetricsEndpointConsumer", events.broken, access, Self::on_broken);
        MetricsEndpointConsumer {
            on: ConsumerEvents { targets_changed: framework.component_event::<R, _>("targets_changed") },
            model: framework.model(),
            emitter: framework.emitter(),
            _endpoint: PhantomData,
        }
    }

    fn changed(&self, relation_id: u64) -> HandlerResult {
        self.emitter.emit(self.on.targets_changed, TargetsChanged { relation_id })?;
        Ok(())
    }

    fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
        self.changed(event.relation.id())
    }

    fn on_departed(&mut self, event: &RelationDepartedEvent<R>) -> HandlerResult {
        self.changed(event.relation.id())
    }

    fn on_broken(&mut self, event: &RelationBrokenEvent<R>) -> HandlerResult {
        self.changed(event.relation.id())
    }

    /// Every provider's jobs, expanded as the Python consumer expands them: names prefixed
    /// `juju_<model>_<uuid[:8]>_<application>_prometheus_scrape[_<job>]`, a `*` target made
    /// into one job per unit (`<name>-<unit number>`) with that unit's address, and the
    /// topology labels (`juju_model`, `juju_model_uuid`, `juju_application`, `juju_charm`,
    /// and `juju_unit` for a unit's job) added where the job did not set them.
    ///
    /// # Errors
    ///
    /// When a databag cannot be read; a provider's malformed jobs are skipped.
    pub fn jobs(&self) -> Result<Vec<Value>, Error> {
        let mut jobs = Vec::new();
        for relation in self.model.relations::<R>()? {
            let units = relation.units()?;
            if units.is_empty() {
                continue;
            }
            let app = relation.remote_app_data()?;
            let Some(metadata) =
                app.get("scrape_metadata").and_then(|m| serde_json::from_str::<ScrapeMetadata>(m).ok())
            else {
                continue;
            };
            let provided: Vec<ScrapeJob> =
                app.get("scrape_jobs").and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
            let mut addresses = Vec::new();
            for unit in &units {
                let bag = relation.remote_unit_data(unit)?;
                let address = bag.get("prometheus_scrape_unit_address").cloned().unwrap_or_default();
                addresses.push((unit.name().to_owned(), address, bag.get("prometheus_scrape_unit_path").cloned()));
            }
            for job in provided {
                jobs.extend(expand(&metadata, &job, &addresses));
            }
        }
        Ok(jobs)
    }
}

fn expand(metadata: &ScrapeMetadata, job: &ScrapeJob, units: &[(String, String, Option<String>)]) -> Vec<Value> {
    let uuid8: String = metadata.model_uuid.chars().take(8).collect();
    let identifier = format!("{}_{uuid8}_{}", metadata.model, metadata.application);
    let base = match &job.job_name {
        Some(name) => format!("juju_{identifier}_prometheus_scrape_{name}"),
        None => format!("juju_{identifier}_prometheus_scrape"),
    };
    let topology = |unit: Option<&str>| {
        let mut labels = serde_json::json!({
            "juju_model": metadata.model,
            "juju_model_uuid": metadata.model_uuid,
            "juju_application": metadata.application,
            "juju_charm": metadata.charm_name,
        });
        if let Some(unit) = unit {
            labels["juju_unit"] = unit.into();
        }
        labels
    };
    let mut out = Vec::new();
    for config in &job.static_configs {
        for target in &config.targets {
            if target.starts_with('*') {
                for (unit, address, path) in units {
                    let number = unit.rsplit('/').next().unwrap_or_default();
                    let mut labels = topology(Some(unit));
                    if let Some(own) = &config.labels {
                        for (key, value) in own {
                            labels[key] = value.clone().into();
                        }
                    }
                    out.push(serde_json::json!({
                        "job_name": format!("{base}-{number}"),
                        "metrics_path": format!("{}{}", path.clone().unwrap_or_default(), job.metrics_path),
                        "static_configs": [{"targets": [target.replacen('*', address, 1)], "labels": labels}],
                    }));
                }
            } else {
                out.push(serde_json::json!({
                    "job_name": base,
                    "metrics_path": job.metrics_path,
                    "static_configs": [{"targets": [target], "labels": topology(None)}],
                }));
            }
        }
    }
    out
}
