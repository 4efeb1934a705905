//! A subordinate machine charm: a metrics exporter that runs beside any principal charm.
//!
//! It shows the parts of the model a machine charm uses that HelloCharm does not:
//!
//! - a container-scoped `juju-info` relation to its principal, and the principal unit;
//! - a network binding: the address Prometheus should scrape, from `metrics-endpoint`'s
//!   binding, and the `public` extra binding;
//! - typed relation data in the `prometheus_scrape` interface's encoding (each field
//!   of the application databag one JSON value);
//! - a peer relation whose application databag every unit reads;
//! - storage instances, and asking Juju for more;
//! - a reboot after the hook when the kernel settings change;
//! - the relation lifecycle: a broken relation is gone from the model, and a departing
//!   unit may be this one.

/// The typed API generated from `charmcraft.yaml`.
pub mod charm {
    ops::include_charm!();
}

use charm::Meta;
use charm::actions::AddTextfilesParams;
use charm::bindings::Public;
use charm::relations::{Exporters, JujuInfo, MetricsEndpoint};
use charm::storages::Textfiles;
use ops::{ActiveStatus, BlockedStatus, DepartingUnit, MaintenanceStatus, Port, Reboot};
use serde::{Deserialize, Serialize};

/// The application databag of `metrics-endpoint`, as the `prometheus_scrape` interface
/// defines it: each field is one JSON-encoded value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScrapeData {
    /// Where the jobs come from.
    pub scrape_metadata: ScrapeMetadata,
    /// The scrape jobs.
    pub scrape_jobs: Vec<ScrapeJob>,
}

/// The `scrape_metadata` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScrapeMetadata {
    /// The model's name.
    pub model: String,
    /// The model's UUID.
    pub model_uuid: String,
    /// The application's name.
    pub application: String,
    /// The charm's name.
    pub charm_name: String,
}

/// One scrape job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScrapeJob {
    /// The path metrics are served at.
    pub metrics_path: String,
    /// The targets.
    pub static_configs: Vec<StaticConfig>,
}

/// The targets of one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaticConfig {
    /// `host:port` pairs.
    pub targets: Vec<String>,
}

/// What the leader tells the other units through the peer relation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerSettings {
    /// The port every unit serves on.
    pub port: u16,
}

/// What the unit remembers between hooks.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Applied {
    /// The kernel settings applied so far.
    pub sysctl: String,
}

/// Where kernel settings go: the machine in production, a double in tests (built with
/// `Context::with_factory(|framework| Exporter::with_kernel(framework, fake))`).
pub trait Kernel {
    /// Writes the settings to be applied at the next boot.
    ///
    /// # Errors
    ///
    /// When they cannot be written.
    fn write_settings(&self, settings: &str) -> std::io::Result<()>;
}

/// The machine's kernel: settings in `/etc/sysctl.d/90-exporter.conf`, applied at boot
/// (`EXPORTER_SYSCTL_DIR` moves the directory, for running the binary outside a machine).
#[derive(Debug, Default)]
pub struct SysctlFile;

impl Kernel for SysctlFile {
    fn write_settings(&self, settings: &str) -> std::io::Result<()> {
        let dir = std::env::var_os("EXPORTER_SYSCTL_DIR").unwrap_or_else(|| "/etc/sysctl.d".into());
        std::fs::write(std::path::Path::new(&dir).join("90-exporter.conf"), format!("{settings}\n"))
    }
}

/// The charm.
pub struct Exporter {
    model: ops::Model<Meta>,
    applied: ops::Stored<Applied>,
    kernel: Box<dyn Kernel>,
}

impl ops::CharmBase for Exporter {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        Self::with_kernel(framework, SysctlFile)
    }
}

impl Exporter {
    /// The charm, writing kernel settings through `kernel`.
    pub fn with_kernel(framework: &mut ops::Framework<Self>, kernel: impl Kernel + 'static) -> Self {
        let on = framework.on();
        framework.observe(on.install, Self::on_install);
        framework.observe(on.config_changed, Self::on_config_changed);
        framework.observe(on.start, Self::on_start);
        framework.observe(on.juju_info_relation_joined, Self::on_principal_joined);
        framework.observe(on.metrics_endpoint_relation_joined, Self::on_scraper_joined);
        framework.observe(on.metrics_endpoint_relation_broken, Self::on_scraper_broken);
        framework.observe(on.exporters_relation_changed, Self::on_peers_changed);
        framework.observe(on.exporters_relation_departed, Self::on_peer_departed);
        framework.observe(on.textfiles_storage_attached, Self::on_textfiles_attached);
        framework.observe(on.add_textfiles_action, Self::on_add_textfiles);
        Exporter { model: framework.model(), applied: framework.stored("applied"), kernel: Box::new(kernel) }
    }

    /// The kernel settings applied so far (what the stored state remembers).
    pub fn applied_sysctl(&self) -> String {
        self.applied.get().sysctl.clone()
    }

    fn port(&self) -> Result<u16, ops::ModelError> {
        let port = self.model.config()?.port;
        Ok(u16::try_from(port).unwrap_or(9100))
    }

    fn on_install(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
        self.model.unit().set_status(MaintenanceStatus::new("installing the exporter"))?;
        Ok(())
    }

    fn on_config_changed(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        let port = self.port()?;
        self.model.unit().open_port(Port::tcp(port))?;
        let sysctl = self.model.config()?.sysctl.clone();
        if sysctl != self.applied.get().sysctl {
            // The settings take effect at boot.
            self.kernel.write_settings(&sysctl)?;
            self.applied.update(|applied| applied.sysctl = sysctl);
            self.model.unit().reboot(Reboot::AfterHook)?;
            self.model.unit().set_status(MaintenanceStatus::new("rebooting to apply kernel settings"))?;
        }
        if let Some(leader) = self.model.unit().is_leader()?
            && let Some(peers) = self.model.relation::<Exporters>()?
        {
            peers.local_app_data(&leader).save(&PeerSettings { port })?;
        }
        Ok(())
    }

    fn on_start(&mut self, _: &ops::StartEvent) -> ops::HandlerResult {
        let public = self.model.get_binding::<Public>().network()?;
        let address = public.ingress_address().map_or_else(|| "no public address".to_owned(), ToString::to_string);
        log::info!("public address {address}");
        Ok(())
    }

    fn on_principal_joined(&mut self, event: &ops::RelationJoinedEvent<JujuInfo>) -> ops::HandlerResult {
        // A container-scoped relation: its one remote unit is the principal, on this machine.
        debug_assert_eq!(event.relation.scope(), ops::meta::RelationScope::Container);
        let principal = self.model.unit().principal_unit().unwrap_or_else(|| event.unit.clone());
        let machine = self.model.unit().machine_id().unwrap_or("?").to_owned();
        self.model
            .unit()
            .set_status(ActiveStatus::new(format!("exporting {} on machine {machine}", principal.name())))?;
        Ok(())
    }

    fn on_scraper_joined(&mut self, event: &ops::RelationJoinedEvent<MetricsEndpoint>) -> ops::HandlerResult {
        let port = self.port()?;
        let network = event.relation.binding().network()?;
        let address = network.ingress_address().map(ToString::to_string).ok_or("no ingress address")?;
        let unit = event.relation.local_unit_data();
        unit.update([
            ("prometheus_scrape_unit_address", address.clone()),
            ("prometheus_scrape_unit_name", self.model.unit().name().to_owned()),
        ])?;
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let data = ScrapeData {
            scrape_metadata: ScrapeMetadata {
                model: self.model.name().unwrap_or_default().to_owned(),
                model_uuid: self.model.uuid().unwrap_or_default().to_owned(),
                application: self.model.app().name().to_owned(),
                charm_name: self.model.meta().name.to_owned(),
            },
            scrape_jobs: vec![ScrapeJob {
                metrics_path: "/metrics".into(),
                static_configs: vec![StaticConfig { targets: vec![format!("*:{port}")] }],
            }],
        };
        event.relation.local_app_data(&leader).save(&data)?;
        Ok(())
    }

    fn on_scraper_broken(&mut self, event: &ops::RelationBrokenEvent<MetricsEndpoint>) -> ops::HandlerResult {
        // The broken relation is no longer among the endpoint's relations.
        debug_assert!(!event.relation.active());
        if self.model.relations::<MetricsEndpoint>()?.is_empty() {
            self.model.unit().set_status(BlockedStatus::new("no Prometheus scrapes this exporter"))?;
        }
        Ok(())
    }

    fn on_peers_changed(&mut self, event: &ops::RelationChangedEvent<Exporters>) -> ops::HandlerResult {
        let bag = event.relation.peer_app_data()?;
        if bag.is_empty() {
            return Ok(());
        }
        let settings: PeerSettings = bag.load()?;
        log::info!("the leader serves on port {}", settings.port);
        Ok(())
    }

    fn on_peer_departed(&mut self, event: &ops::RelationDepartedEvent<Exporters>) -> ops::HandlerResult {
        match &event.departing_unit {
            Some(DepartingUnit::ThisUnit) => {
                self.model.unit().set_status(MaintenanceStatus::new("leaving: stopping the exporter"))?;
            }
            Some(DepartingUnit::Remote(unit)) => log::info!("peer {} left", unit.name()),
            None => {}
        }
        Ok(())
    }

    fn on_textfiles_attached(&mut self, event: &ops::StorageAttachedEvent<Textfiles>) -> ops::HandlerResult {
        log::info!("textfiles at {}", event.storage.location().display());
        Ok(())
    }

    fn on_add_textfiles(&mut self, event: &ops::ActionEvent<AddTextfilesParams>) -> ops::HandlerResult {
        let count = u32::try_from(event.params.count).map_err(|_| "count must be positive")?;
        self.model.request_storage::<Textfiles>(count)?;
        event.set_results([("requested", count.to_string())])?;
        Ok(())
    }
}
