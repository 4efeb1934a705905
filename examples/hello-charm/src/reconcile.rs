//! HelloCharm's workload, written as a holistic charm: one `reconcile` runs for every
//! event that can change what the workload should be, and brings it there from whatever
//! it is now. The per-event [`HelloCharm`](crate::HelloCharm) beside it mirrors the ops
//! reference; this is the style ops' documentation now recommends for new charms.

use crate::charm::{Meta, containers};
use crate::{GREETING_FILE, workload_layer};

/// The charm.
pub struct HelloReconciler {
    model: ops::Model<Meta>,
}

impl ops::CharmBase for HelloReconciler {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe_all(
            [
                on.config_changed.into(),
                on.upgrade_charm.into(),
                on.pause_pebble_ready.into(),
                on.db_relation_changed.into(),
                on.db_relation_broken.into(),
            ],
            Self::reconcile,
        );
        HelloReconciler { model: framework.model() }
    }
}

impl HelloReconciler {
    /// Makes the workload what the config says, whichever event came.
    fn reconcile(&mut self, event: &ops::AnyEvent) -> ops::HandlerResult {
        let container = self.model.unit().container::<containers::Pause>();
        if !container.can_connect() {
            log::info!("Pebble is not up yet ({}); deferring", event.name());
            self.model.unit().set_status(ops::WaitingStatus::new("waiting for Pebble"))?;
            event.defer();
            return Ok(());
        }
        let thing = self.model.config()?.thing.clone();
        let greeting = format!("hello, {thing}\n");
        let options = ops::pebble::FileOptions { make_parents: true, ..Default::default() };
        container.push(GREETING_FILE, greeting.as_bytes(), &options)?;
        container.add_layer("hello", &workload_layer(&thing), true)?;
        container.replan()?;
        self.model.unit().set_status(ops::ActiveStatus::new(format!("hello, {thing}")))?;
        Ok(())
    }
}
