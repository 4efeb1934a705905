//! A small charm for the process-level tests and the benchmark of stored state and the
//! deferred-event queue, on the reference charm's generated API (`ops::hello`).
//!
//! - config-changed counts dispatches in stored state, and sets `hold` when the config's
//!   `thing` is `hold`; `thing = panic` makes it panic; `thing = reboot-now` reboots the
//!   machine at once (`juju-reboot --now`), after counting, so nothing of the count is saved;
//! - update-status defers itself while `hold` is set, making no hook-tool call, so a queue
//!   of held events measures the framework alone.
//!
//! `CONTROLLER` picks where the state lives: a local file, or Juju's controller.

use ops::hello::Meta;

/// What the charm stores.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// config-changed dispatches that succeeded.
    pub config_changes: u32,
    /// Whether update-status events are held (deferred).
    pub hold: bool,
}

/// The charm.
pub struct QueueCharm<const CONTROLLER: bool> {
    model: ops::Model<Meta>,
    counts: ops::Stored<Counts>,
}

impl<const CONTROLLER: bool> ops::CharmBase for QueueCharm<CONTROLLER> {
    type Meta = Meta;
    const USE_JUJU_FOR_STORAGE: bool = CONTROLLER;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        framework.observe_as("QueueCharm::on_config_changed", framework.on().config_changed, Self::on_config_changed);
        framework.observe_as("QueueCharm::on_update_status", framework.on().update_status, Self::on_update_status);
        QueueCharm { model: framework.model(), counts: framework.stored("counts") }
    }
}

impl<const CONTROLLER: bool> QueueCharm<CONTROLLER> {
    fn on_config_changed(&mut self, _event: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        let thing = self.model.config()?.thing.clone();
        self.counts.update(|c| {
            c.config_changes += 1;
            c.hold = thing == "hold";
        });
        if thing == "panic" {
            panic!("asked to panic");
        }
        if thing == "reboot-now" {
            self.model.unit().reboot(ops::Reboot::Now)?;
        }
        Ok(())
    }

    fn on_update_status(&mut self, event: &ops::UpdateStatusEvent) -> ops::HandlerResult {
        if self.counts.get().hold {
            event.defer();
        }
        Ok(())
    }
}
