//! Typed handles on the charm's workload containers (Python's `ops.Container`).
//!
//! `unit.container::<Pause>()` compiles only for a container the metadata declares, and
//! gives a [`Container<Pause>`]; `unit.containers()` gives every declared one, erased to
//! [`AnyContainer`]. Both have the same methods (a `Container<C>` dereferences to its
//! `AnyContainer`). A handle names its container; it says nothing about whether Pebble is
//! up, so every workload call stays fallible.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use crate::charm::ContainerName;
use crate::pebble::{
    Change, CheckInfo, ExecOptions, ExecOutput, FileInfo, FileOptions, Layer, Notice, NoticeFilter, PebbleApi,
    PebbleError, Plan, ServiceInfo,
};

/// Where Juju mounts each container's Pebble socket in the charm container.
const PEBBLE_SOCKET_DIR: &str = "/charm/containers";

/// Overrides `/charm/containers`, for running a charm outside Juju (process-level tests
/// with a fake Pebble). Juju never sets it.
pub const SOCKET_DIR_VAR: &str = "JUJU_OPS_CONTAINERS_DIR";

/// The path of a container's Pebble socket: `/charm/containers/<name>/pebble.socket`
/// (or under `JUJU_OPS_CONTAINERS_DIR`).
pub fn socket_path(name: &str) -> PathBuf {
    let dir = std::env::var_os(SOCKET_DIR_VAR).map_or_else(|| PathBuf::from(PEBBLE_SOCKET_DIR), PathBuf::from);
    dir.join(name).join("pebble.socket")
}

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
        socket_path(self.name)
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

    /// Adds a layer (`combine` merges it into an existing layer of the same label).
    pub fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        self.api.add_layer(label, layer, combine)
    }

    /// The plan: every layer combined.
    pub fn get_plan(&self) -> Result<Plan, PebbleError> {
        self.api.get_plan()
    }

    /// The services named (all when `names` is empty).
    pub fn get_services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>, PebbleError> {
        self.api.get_services(names)
    }

    /// One service, or an error if the plan has no such service.
    pub fn get_service(&self, name: &str) -> Result<ServiceInfo, PebbleError> {
        self.get_services(&[name])?.into_iter().find(|s| s.name == name).ok_or_else(|| PebbleError::Api {
            code: 404,
            status: "Not Found".into(),
            kind: "not-found".into(),
            message: format!("service {name:?} not found"),
        })
    }

    /// Starts `startup: enabled` services and restarts changed ones.
    pub fn replan(&self) -> Result<Change, PebbleError> {
        self.api.services_action("replan", &[])
    }

    /// Starts every `startup: enabled` service.
    pub fn autostart(&self) -> Result<Change, PebbleError> {
        self.api.services_action("autostart", &[])
    }

    /// Starts the services.
    pub fn start(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.api.services_action("start", names)
    }

    /// Stops the services.
    pub fn stop(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.api.services_action("stop", names)
    }

    /// Restarts the services.
    pub fn restart(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.api.services_action("restart", names)
    }

    /// Writes a file.
    pub fn push(&self, path: &str, content: impl AsRef<[u8]>, options: &FileOptions) -> Result<(), PebbleError> {
        self.api.push(path, content.as_ref(), options)
    }

    /// Reads a file.
    pub fn pull(&self, path: &str) -> Result<Vec<u8>, PebbleError> {
        self.api.pull(path)
    }

    /// Lists a directory (or, with `itself`, the path itself).
    pub fn list_files(&self, path: &str, pattern: Option<&str>, itself: bool) -> Result<Vec<FileInfo>, PebbleError> {
        self.api.list_files(path, pattern, itself)
    }

    /// Whether `path` exists.
    pub fn exists(&self, path: &str) -> Result<bool, PebbleError> {
        crate::pebble::exists(self.api.as_ref(), path)
    }

    /// Whether `path` is a directory.
    pub fn isdir(&self, path: &str) -> Result<bool, PebbleError> {
        crate::pebble::isdir(self.api.as_ref(), path)
    }

    /// Copies local files and directories into `dest_dir` (ops' `push_path`).
    pub fn push_path(&self, sources: &[&std::path::Path], dest_dir: &str) -> Result<(), PebbleError> {
        crate::pebble::push_path(self.api.as_ref(), sources, dest_dir)
    }

    /// Copies files and directories from the container into local `dest_dir` (ops' `pull_path`).
    pub fn pull_path(&self, sources: &[&str], dest_dir: &std::path::Path) -> Result<(), PebbleError> {
        crate::pebble::pull_path(self.api.as_ref(), sources, dest_dir)
    }

    /// Creates a directory.
    pub fn make_dir(&self, path: &str, options: &FileOptions) -> Result<(), PebbleError> {
        self.api.make_dir(path, options)
    }

    /// Removes a file or (with `recursive`) a directory tree.
    pub fn remove_path(&self, path: &str, recursive: bool) -> Result<(), PebbleError> {
        self.api.remove_path(path, recursive)
    }

    /// Runs a command to completion; a non-zero exit is `PebbleError::Exec` with the output.
    pub fn exec(&self, command: &[&str], options: &ExecOptions) -> Result<ExecOutput, PebbleError> {
        self.api.exec(command, options)
    }

    /// The checks at `level`, for `names` (all when empty).
    pub fn get_checks(&self, level: Option<&str>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError> {
        self.api.get_checks(level, names)
    }

    /// Starts checks; those that changed.
    pub fn start_checks(&self, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.api.checks_action("start", names)
    }

    /// Stops checks; those that changed.
    pub fn stop_checks(&self, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.api.checks_action("stop", names)
    }

    /// Notices matching `filter`.
    pub fn get_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>, PebbleError> {
        self.api.get_notices(filter)
    }

    /// Records a custom notice; its id.
    pub fn notify(
        &self,
        key: &str,
        data: &BTreeMap<String, String>,
        repeat_after: Option<Duration>,
    ) -> Result<String, PebbleError> {
        self.api.notify(key, data, repeat_after)
    }

    /// Sends a signal (`SIGHUP`) to services.
    pub fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError> {
        self.api.send_signal(signal, services)
    }
}
