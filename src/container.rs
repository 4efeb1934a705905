//! Typed handles on the charm's workload containers.
//!
//! `unit.container::<Pause>()` compiles only for a container the metadata declares. A
//! handle names its container and where its Pebble socket is; it says nothing about
//! whether Pebble is up, so every workload call made through it stays fallible.

use std::marker::PhantomData;
use std::path::PathBuf;

use crate::charm::ContainerName;

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
