//! Typed handles on the charm's workload containers (Python's `ops.Container`).
//!
//! `unit.container::<containers::Pause>()` compiles only for a container the metadata
//! declares, and gives a [`Container<Pause>`]; `unit.containers()` gives every declared one,
//! erased to [`AnyContainer`]. A `Container<C>` dereferences to its `AnyContainer`, and that
//! to its Pebble ([`PebbleApi`]), so every Pebble call is a method of the handle:
//! `container.replan()`, `container.push(...)`. A handle names its container; it says nothing
//! about whether Pebble is up, so every workload call stays fallible.

use std::marker::PhantomData;
use std::path::PathBuf;
use std::rc::Rc;

use crate::generated::ContainerName;
use crate::pebble::PebbleApi;

/// Any of the charm's containers, by name.
#[derive(Clone)]
pub struct AnyContainer {
    name: &'static str,
    api: Rc<dyn PebbleApi>,
}

impl std::fmt::Debug for AnyContainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("AnyContainer").field(&self.name).finish()
    }
}

impl PartialEq for AnyContainer {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// The workload container `C`.
pub struct Container<C: ContainerName> {
    any: AnyContainer,
    _container: PhantomData<C>,
}

impl<C: ContainerName> Container<C> {
    pub(crate) fn new(api: Rc<dyn PebbleApi>) -> Self {
        Container { any: AnyContainer::new(C::NAME, api), _container: PhantomData }
    }

    /// The container, erased.
    pub fn erase(&self) -> AnyContainer {
        self.any.clone()
    }
}

impl<C: ContainerName> std::ops::Deref for Container<C> {
    type Target = AnyContainer;

    fn deref(&self) -> &AnyContainer {
        &self.any
    }
}

impl<C: ContainerName> Clone for Container<C> {
    fn clone(&self) -> Self {
        Container { any: self.any.clone(), _container: PhantomData }
    }
}

impl<C: ContainerName> std::fmt::Debug for Container<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Container").field(&C::NAME).finish()
    }
}

impl AnyContainer {
    pub(crate) fn new(name: &'static str, api: Rc<dyn PebbleApi>) -> Self {
        AnyContainer { name, api }
    }

    /// The container's name in the metadata.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The path of the container's Pebble socket: `/charm/containers/<name>/pebble.socket`.
    pub fn socket_path(&self) -> PathBuf {
        crate::pebble::socket_path(self.name)
    }

    /// The container's Pebble (Python's `container.pebble`): the socket client in
    /// production, the in-memory Pebble in tests.
    pub fn pebble(&self) -> &dyn PebbleApi {
        self.api.as_ref()
    }

    /// Whether Pebble answers now. A `true` can be stale by the next call, so every other
    /// method stays fallible; prefer handling their `PebbleError::Connection`.
    pub fn can_connect(&self) -> bool {
        match self.api.get_system_info() {
            Ok(_) => true,
            Err(error) => {
                log::debug!("Pebble in {} is not reachable: {error}", self.name);
                false
            }
        }
    }
}

impl std::ops::Deref for AnyContainer {
    type Target = dyn PebbleApi;

    /// Every Pebble call: `container.replan()`, `container.push(...)`, `container.exec(...)`.
    fn deref(&self) -> &(dyn PebbleApi + 'static) {
        self.api.as_ref()
    }
}
