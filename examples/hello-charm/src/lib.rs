//! HelloCharm: the charm the ops reference documentation ("Ops constructs") is written
//! around, in Rust. Each handler below mirrors one snippet of that document; the
//! README shows them side by side.

/// The typed API generated from `charmcraft.yaml` by `build.rs`.
pub mod charm {
    ops::include_charm!();
}

pub mod database;
pub mod reconcile;

use charm::{Meta, actions, containers, relations};
use database::{DATABASE_READY, DatabaseReady, DatabaseRequirer};

/// Fortunes for the `fortune` action when none is given.
const FORTUNES: &[&str] = &[
    "A bug in the hand is worth two in the backlog.",
    "Your next deploy will be boring, in the best way.",
    "The config you seek is typed.",
];

/// What HelloCharm remembers between events (Python: `_stored = ops.StoredState()`).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct HelloState {
    /// Whether install has completed.
    pub installed: bool,
    /// Every value `thing` has had, in order (the reference's `self._stored.things`).
    pub things: Vec<String>,
}

/// Where the workload's greeting is written.
pub const GREETING_FILE: &str = "/etc/hello/greeting";

/// The Pebble layer for the workload, from the typed config.
pub fn workload_layer(thing: &str) -> ops::pebble::Layer {
    use ops::pebble::{Layer, Override, Service, Startup};
    let service = Service::builder()
        .override_(Override::Replace)
        .summary("the pause workload")
        .command("/pause")
        .startup(Startup::Enabled)
        .environment([("GREETING".to_owned(), format!("hello, {thing}"))].into())
        .build();
    Layer::builder().summary("hello layer").service("pause", service).build()
}

fn configure_workload(
    container: &ops::Container<containers::Pause>,
    thing: &str,
) -> Result<(), ops::pebble::PebbleError> {
    let options = ops::pebble::FileOptions { make_parents: true, permissions: Some(0o644), ..Default::default() };
    container.push(GREETING_FILE, format!("hello, {thing}\n").as_bytes(), &options)?;
    container.add_layer("hello", &workload_layer(thing), true)?;
    container.replan()?;
    Ok(())
}

/// The charm. It keeps the model, as a Python charm keeps `self.model`.
pub struct HelloCharm {
    model: ops::Model<Meta>,
    stored: ops::Stored<HelloState>,
    database: DatabaseRequirer,
}

impl ops::CharmBase for HelloCharm {
    type Meta = Meta;

    // Python: `def __init__(self, *args): super().__init__(*args); self.framework.observe(...)`
    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.install, Self::on_install);
        framework.observe(on.config_changed, Self::on_config_changed);
        framework.observe(on.start, Self::on_start);
        framework.observe(on.fortune_action, Self::on_fortune_action);
        framework.observe(on.update_status, Self::on_update_status);
        framework.observe(on.pause_pebble_ready, Self::on_pause_pebble_ready);
        let database = DatabaseRequirer::new(framework, |charm: &mut Self| &mut charm.database);
        framework.observe(on.db_relation_changed, Self::on_db_relation_changed);
        framework.observe(DATABASE_READY, Self::on_database_ready);
        HelloCharm { model: framework.model(), stored: framework.stored("stored"), database }
    }
}

impl HelloCharm {
    /// Statuses: Maintenance while installing, then Active with no message.
    fn on_install(&mut self, _event: &ops::InstallEvent) -> ops::HandlerResult {
        let unit = self.model.unit();
        unit.set_status(ops::MaintenanceStatus::new("Installing application packages"))?;
        unit.set_workload_version("3.10")?;
        unit.set_status(ops::ActiveStatus::default())?;
        self.stored.update(|s| s.installed = true);
        Ok(())
    }

    /// Configuration: `current = self.model.config["thing"]`, typed.
    fn on_config_changed(&mut self, _event: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        let current = &self.model.config()?.thing;
        log::info!("thing is now {current:?}");
        self.stored.update(|s| {
            if s.things.last() != Some(current) {
                s.things.push(current.clone());
            }
        });
        // Python: `container = self.unit.get_container("pause")`.
        let container = self.model.unit().container::<containers::Pause>();
        log::debug!("workload container {} at {}", container.name(), container.socket_path().display());
        self.model.unit().set_status(ops::ActiveStatus::new(format!("hello, {current}")))?;
        Ok(())
    }

    /// Applications and units, planned units, and metadata.
    fn on_start(&mut self, _event: &ops::StartEvent) -> ops::HandlerResult {
        let unit = self.model.unit();
        let planned = unit.app().planned_units()?;
        let meta = self.model.meta();
        log::info!(
            "{} of {} starting; {planned} unit(s) planned; {} container(s)",
            unit.name(),
            meta.name,
            meta.containers.len()
        );
        if let Some(leader) = unit.is_leader()? {
            self.model.app().set_status(&leader, ops::ActiveStatus::new(format!("{planned} unit(s) planned")))?;
        }
        Ok(())
    }

    /// The `fortune` action: typed params in, results out.
    fn on_fortune_action(&mut self, event: &ops::ActionEvent<actions::FortuneParams>) -> ops::HandlerResult {
        let fortune = match &event.params.fortune {
            Some(fortune) => fortune.as_str(),
            None => FORTUNES[event.id.bytes().map(usize::from).sum::<usize>() % FORTUNES.len()],
        };
        event.log("consulting the oracle")?;
        event.set_results([("fortune", fortune)])?;
        Ok(())
    }

    /// `update-status`: report whether the database is related.
    fn on_update_status(&mut self, _event: &ops::UpdateStatusEvent) -> ops::HandlerResult {
        let thing = &self.model.config()?.thing;
        let status = match self.model.relation::<relations::Db>()? {
            Some(_) => ops::ActiveStatus::new(format!("hello, {thing} (db related)")),
            None => ops::ActiveStatus::new(format!("hello, {thing}")),
        };
        self.model.unit().set_status(status)?;
        Ok(())
    }

    /// Containers: `container = event.workload`.
    ///
    /// The sidecar pattern: push a config file, add a layer built from the typed config,
    /// replan; if Pebble is not reachable after all, defer and try again next dispatch.
    fn on_pause_pebble_ready(&mut self, event: &ops::PebbleReadyEvent<containers::Pause>) -> ops::HandlerResult {
        let container = &event.workload;
        log::info!("Pebble is ready in {}", container.name());
        let thing = self.model.config()?.thing.clone();
        match configure_workload(container, &thing) {
            Ok(()) => {
                self.model.unit().set_status(ops::ActiveStatus::new(format!("hello, {thing}")))?;
                Ok(())
            }
            Err(ops::pebble::PebbleError::Connection { .. }) => {
                log::info!("Pebble in {} went away; deferring", container.name());
                event.defer();
                Ok(())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Relations and defer(): publish what this unit wants, once it is installed.
    fn on_db_relation_changed(&mut self, event: &ops::RelationChangedEvent<relations::Db>) -> ops::HandlerResult {
        if !self.stored.get().installed {
            log::info!("not installed yet; deferring {}", event.relation.relation_id());
            event.defer();
            return Ok(());
        }
        event.relation.local_unit_data().set("greeting", self.model.config()?.thing.as_str())?;
        if let Some(leader) = self.model.unit().is_leader()? {
            event.relation.local_app_data(&leader).set("database", "hello")?;
        }
        Ok(())
    }

    /// The component's own event: the database is ready.
    fn on_database_ready(&mut self, event: &ops::CustomEvent<DatabaseReady>) -> ops::HandlerResult {
        log::info!("database endpoints: {}", event.endpoints);
        Ok(())
    }

    /// The database endpoints the `db` component last saw.
    pub fn database_endpoints(&self) -> Option<String> {
        self.database.endpoints()
    }
}
