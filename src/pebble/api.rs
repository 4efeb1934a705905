//! What a container handle asks Pebble, behind one trait: the socket [`Client`] in
//! production, an in-memory Pebble in the testing module. The container handle holds one
//! from the dispatch's backend and knows nothing of which.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{
    Change, CheckInfo, Client, ExecOptions, ExecOutput, FileInfo, FileOptions, Layer, Notice, NoticeFilter,
    PebbleError, Plan, ServiceInfo, SystemInfo,
};

/// Everything a container handle asks Pebble.
pub trait PebbleApi {
    /// `GET /v1/system-info`.
    fn get_system_info(&self) -> Result<SystemInfo, PebbleError>;
    /// Adds a layer.
    fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError>;
    /// The plan.
    fn get_plan(&self) -> Result<Plan, PebbleError>;
    /// Services by name (all when empty).
    fn get_services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>, PebbleError>;
    /// `start`, `stop`, `restart`, `replan` or `autostart`, waiting for the change.
    fn services_action(&self, action: &str, names: &[&str]) -> Result<Change, PebbleError>;
    /// Writes a file.
    fn push(&self, path: &str, content: &[u8], options: &FileOptions) -> Result<(), PebbleError>;
    /// Reads a file.
    fn pull(&self, path: &str) -> Result<Vec<u8>, PebbleError>;
    /// Lists a directory, or the path itself.
    fn list_files(&self, path: &str, pattern: Option<&str>, itself: bool) -> Result<Vec<FileInfo>, PebbleError>;
    /// Creates a directory.
    fn make_dir(&self, path: &str, options: &FileOptions) -> Result<(), PebbleError>;
    /// Removes a path.
    fn remove_path(&self, path: &str, recursive: bool) -> Result<(), PebbleError>;
    /// Runs a command to completion.
    fn exec(&self, command: &[&str], options: &ExecOptions) -> Result<ExecOutput, PebbleError>;
    /// Checks at `level` for `names`.
    fn get_checks(&self, level: Option<&str>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError>;
    /// `start` or `stop` checks; those that changed.
    fn checks_action(&self, action: &str, names: &[&str]) -> Result<Vec<String>, PebbleError>;
    /// Notices matching `filter`.
    fn get_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>, PebbleError>;
    /// Records a custom notice.
    fn notify(
        &self,
        key: &str,
        data: &BTreeMap<String, String>,
        repeat_after: Option<Duration>,
    ) -> Result<String, PebbleError>;
    /// Signals services.
    fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError>;
}

impl PebbleApi for Client {
    fn get_system_info(&self) -> Result<SystemInfo, PebbleError> {
        Client::get_system_info(self)
    }

    fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        Client::add_layer(self, label, layer, combine)
    }

    fn get_plan(&self) -> Result<Plan, PebbleError> {
        Client::get_plan(self)
    }

    fn get_services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>, PebbleError> {
        Client::get_services(self, names)
    }

    fn services_action(&self, action: &str, names: &[&str]) -> Result<Change, PebbleError> {
        Client::services_action(self, action, names)
    }

    fn push(&self, path: &str, content: &[u8], options: &FileOptions) -> Result<(), PebbleError> {
        Client::push(self, path, content, options)
    }

    fn pull(&self, path: &str) -> Result<Vec<u8>, PebbleError> {
        Client::pull(self, path)
    }

    fn list_files(&self, path: &str, pattern: Option<&str>, itself: bool) -> Result<Vec<FileInfo>, PebbleError> {
        Client::list_files(self, path, pattern, itself)
    }

    fn make_dir(&self, path: &str, options: &FileOptions) -> Result<(), PebbleError> {
        Client::make_dir(self, path, options)
    }

    fn remove_path(&self, path: &str, recursive: bool) -> Result<(), PebbleError> {
        Client::remove_path(self, path, recursive)
    }

    fn exec(&self, command: &[&str], options: &ExecOptions) -> Result<ExecOutput, PebbleError> {
        Client::exec(self, command, options)
    }

    fn get_checks(&self, level: Option<&str>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError> {
        Client::get_checks(self, level, names)
    }

    fn checks_action(&self, action: &str, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        Client::checks_action(self, action, names)
    }

    fn get_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>, PebbleError> {
        Client::get_notices(self, filter)
    }

    fn notify(
        &self,
        key: &str,
        data: &BTreeMap<String, String>,
        repeat_after: Option<Duration>,
    ) -> Result<String, PebbleError> {
        Client::notify(self, key, data, repeat_after)
    }

    fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError> {
        Client::send_signal(self, signal, services)
    }
}
