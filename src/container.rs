//! Typed handles on the charm's workload containers.
//!
//! `unit.container::<Pause>()` compiles only for a container the metadata declares. A
//! handle names its container and where its Pebble socket is; it says nothing about
//! whether Pebble is up, so every workload call made through it stays fallible.

use std::marker::PhantomData;
use std::path::PathBuf;

use crate::charm::ContainerName;
use crate::pebble::{Change, Client, Layer, PebbleError, Plan, ServiceInfo};

/// Where Juju mounts each container's Pebble socket in the charm container.
const PEBBLE_SOCKET_DIR: &str = "/charm/containers";

/// The workload container `C` (Python's `ops.Container`).
pub struct Container<C: ContainerName> {
    _container: PhantomData<C>,
}

impl<C: ContainerName> Container<C> {
    pub(crate) fn new() -> Self {
        Container { _container: PhantomData }
    }

    /// The container's name in the metadata.
    pub fn name(&self) -> &'static str {
        C::NAME
    }

    /// The path of the container's Pebble socket: `/charm/containers/<name>/pebble.socket`.
    pub fn socket_path(&self) -> PathBuf {
        PathBuf::from(PEBBLE_SOCKET_DIR).join(C::NAME).join("pebble.socket")
    }

    /// The container's Pebble client (Python's `container.pebble`).
    pub fn pebble(&self) -> Client {
        Client::new(self.socket_path())
    }

    /// Whether Pebble answers now. A `true` can be stale by the next call, so every other
    /// method stays fallible; prefer handling their `PebbleError::Connection`.
    pub fn can_connect(&self) -> bool {
        match self.pebble().get_system_info() {
            Ok(_) => true,
            Err(error) => {
                log::debug!("Pebble in {} is not reachable: {error}", C::NAME);
                false
            }
        }
    }

    /// Adds a layer (`combine` merges it into an existing layer of the same label).
    pub fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        self.pebble().add_layer(label, layer, combine)
    }

    /// The plan: every layer combined.
    pub fn get_plan(&self) -> Result<Plan, PebbleError> {
        self.pebble().get_plan()
    }

    /// The services named (all when `names` is empty).
    pub fn get_services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>, PebbleError> {
        self.pebble().get_services(names)
    }

    /// Starts `startup: enabled` services and restarts changed ones.
    pub fn replan(&self) -> Result<Change, PebbleError> {
        self.pebble().replan_services()
    }

    /// Starts the services.
    pub fn start(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.pebble().start_services(names)
    }

    /// Stops the services.
    pub fn stop(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.pebble().stop_services(names)
    }

    /// Restarts the services.
    pub fn restart(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.pebble().restart_services(names)
    }
}

impl<C: ContainerName> Clone for Container<C> {
    fn clone(&self) -> Self {
        Container::new()
    }
}

impl<C: ContainerName> std::fmt::Debug for Container<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Container").field(&C::NAME).finish()
    }
}
