//! What a charm asks Pebble, written once: one trait per topic, and [`PebbleApi`], all of
//! them together.
//!
//! The socket [`Client`](super::Client) implements each trait beside the code that speaks
//! its part of the HTTP API; the in-memory Pebble of the testing module implements them
//! over its state. A container handle dereferences to `dyn PebbleApi`, so
//! `container.replan()` is these methods, not a copy of them.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::{
    Change, CheckInfo, CheckLevel, ExecOptions, ExecOutput, ExecProcess, FileInfo, FileOptions, Layer, Notice,
    NoticeFilter, PebbleError, Plan, ServiceInfo, SystemInfo,
};

/// What to do to services (`POST /v1/services`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceAction {
    /// Start the named services.
    Start,
    /// Stop the named services.
    Stop,
    /// Restart the named services.
    Restart,
    /// Start every `startup: enabled` service and restart those whose definition changed.
    Replan,
    /// Start every `startup: enabled` service.
    Autostart,
}

impl ServiceAction {
    /// The action as Pebble spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceAction::Start => "start",
            ServiceAction::Stop => "stop",
            ServiceAction::Restart => "restart",
            ServiceAction::Replan => "replan",
            ServiceAction::Autostart => "autostart",
        }
    }
}

/// What to do to checks (`POST /v1/checks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckAction {
    /// Start the named checks.
    Start,
    /// Stop the named checks.
    Stop,
}

impl CheckAction {
    /// The action as Pebble spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckAction::Start => "start",
            CheckAction::Stop => "stop",
        }
    }
}

/// What [`FilesApi::list_files`] lists for a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Listing {
    /// Its entries (a file lists as itself).
    Contents,
    /// The directory itself (`itself=true`).
    Itself,
}

/// Pebble's state and services: system info, layers, the plan, services and signals.
pub trait ServicesApi {
    /// `GET /v1/system-info`.
    fn get_system_info(&self) -> Result<SystemInfo, PebbleError>;

    /// `POST /v1/layers`: adds `layer` under `label`; with `combine`, merges it into an
    /// existing layer of that label.
    fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError>;

    /// `GET /v1/plan`: the layers combined.
    fn get_plan(&self) -> Result<Plan, PebbleError>;

    /// `GET /v1/services` for `names` (all when empty).
    fn get_services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>, PebbleError>;

    /// `POST /v1/services` with `action`, waiting for the change (30 s).
    fn services_action(&self, action: ServiceAction, names: &[&str]) -> Result<Change, PebbleError>;

    /// Sends `signal` (`SIGHUP`) to the services (`POST /v1/signals`).
    fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError>;

    /// The service `name`, or [`PebbleError::ServiceNotFound`] when the plan has no such service.
    fn get_service(&self, name: &str) -> Result<ServiceInfo, PebbleError> {
        self.get_services(&[name])?
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| PebbleError::ServiceNotFound { name: name.to_owned() })
    }

    /// Starts every `startup: enabled` service and restarts those whose definition changed.
    fn replan(&self) -> Result<Change, PebbleError> {
        self.services_action(ServiceAction::Replan, &[])
    }

    /// Starts every `startup: enabled` service.
    fn autostart(&self) -> Result<Change, PebbleError> {
        self.services_action(ServiceAction::Autostart, &[])
    }

    /// Starts the services.
    fn start(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.services_action(ServiceAction::Start, names)
    }

    /// Stops the services.
    fn stop(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.services_action(ServiceAction::Stop, names)
    }

    /// Restarts the services.
    fn restart(&self, names: &[&str]) -> Result<Change, PebbleError> {
        self.services_action(ServiceAction::Restart, names)
    }
}

/// The workload's filesystem.
pub trait FilesApi {
    /// Writes `content` to `path` (multipart `write`).
    ///
    /// ```no_run
    /// # fn f(container: &ops::Container<ops::hello::containers::Pause>) -> Result<(), ops::pebble::PebbleError> {
    /// let options = ops::pebble::FileOptions { make_parents: true, permissions: Some(0o644), ..Default::default() };
    /// container.push("/etc/hello/greeting", b"hello\n", &options)?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`PebbleError::Connection`] when Pebble is not up; [`PebbleError::Path`] when Pebble
    /// refuses the path (no parent directory without `make_parents`, permission denied).
    fn push(&self, path: &str, content: &[u8], options: &FileOptions) -> Result<(), PebbleError>;

    /// Reads `path` (multipart `read`).
    fn pull(&self, path: &str) -> Result<Vec<u8>, PebbleError>;

    /// `GET /v1/files?action=list`: what is at `path` (see [`Listing`]); `pattern` is a
    /// glob on names.
    fn list_files(&self, path: &str, pattern: Option<&str>, listing: Listing) -> Result<Vec<FileInfo>, PebbleError>;

    /// Creates a directory (`make-dirs`).
    fn make_dir(&self, path: &str, options: &FileOptions) -> Result<(), PebbleError>;

    /// Removes a file or (with `recursive`) a directory tree.
    fn remove_path(&self, path: &str, recursive: bool) -> Result<(), PebbleError>;

    /// Whether `path` exists.
    fn exists(&self, path: &str) -> Result<bool, PebbleError> {
        match self.list_files(path, None, Listing::Itself) {
            Ok(_) => Ok(true),
            Err(error) if error.is_not_found() => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Whether `path` is a directory.
    fn isdir(&self, path: &str) -> Result<bool, PebbleError> {
        match self.list_files(path, None, Listing::Itself) {
            Ok(files) => Ok(files.first().is_some_and(FileInfo::is_dir)),
            Err(error) if error.is_not_found() => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Copies local files and directories into `dest_dir` in the container (ops'
    /// `push_path`). A source directory is copied with its own name; `dir/*` copies what
    /// is in it. Failures are collected per file and reported together as
    /// [`PebbleError::PushPull`] after everything else was copied.
    fn push_path(&self, sources: &[&Path], dest_dir: &str) -> Result<(), PebbleError> {
        super::files::push_path(self, sources, dest_dir)
    }

    /// Copies files and directories from the container into the local `dest_dir` (ops'
    /// `pull_path`), with the same rules as [`push_path`](Self::push_path).
    fn pull_path(&self, sources: &[&str], dest_dir: &Path) -> Result<(), PebbleError> {
        super::files::pull_path(self, sources, dest_dir)
    }
}

/// Health checks.
pub trait ChecksApi {
    /// `GET /v1/checks` at `level` (any when `None`), for `names` (all when empty).
    fn get_checks(&self, level: Option<CheckLevel>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError>;

    /// `POST /v1/checks` with `action`; the names of the checks that changed.
    fn checks_action(&self, action: CheckAction, names: &[&str]) -> Result<Vec<String>, PebbleError>;

    /// The check `name`, or [`PebbleError::CheckNotFound`] when the plan has no such check.
    fn get_check(&self, name: &str) -> Result<CheckInfo, PebbleError> {
        self.get_checks(None, &[name])?
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| PebbleError::CheckNotFound { name: name.to_owned() })
    }

    /// Starts checks; the names of those that changed.
    fn start_checks(&self, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.checks_action(CheckAction::Start, names)
    }

    /// Stops checks; the names of those that changed.
    fn stop_checks(&self, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.checks_action(CheckAction::Stop, names)
    }
}

/// Notices: what the workload and Pebble record for the charm.
pub trait NoticesApi {
    /// `GET /v1/notices` with `filter`.
    fn get_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>, PebbleError>;

    /// `GET /v1/notices/<id>`.
    fn get_notice(&self, id: &str) -> Result<Notice, PebbleError>;

    /// Records a custom notice (`POST /v1/notices`); its id.
    fn notify(
        &self,
        key: &str,
        data: &BTreeMap<String, String>,
        repeat_after: Option<Duration>,
    ) -> Result<String, PebbleError>;
}

/// Running commands in the workload container.
pub trait ExecApi {
    /// Starts `command` and gives the running process (ops' `container.exec(...)`): its
    /// standard input to write (unless given in `options`), its output to read as
    /// streams, signals, and its exit.
    ///
    /// # Errors
    ///
    /// [`PebbleError::Api`] when Pebble refuses the command (no such executable, no such
    /// user); [`PebbleError::Connection`] when Pebble is not up.
    fn exec_process(&self, command: &[&str], options: &ExecOptions) -> Result<ExecProcess, PebbleError>;

    /// Runs `command` to completion and collects its output (ops' `exec(...).wait_output()`).
    ///
    /// ```no_run
    /// # fn f(container: &ops::Container<ops::hello::containers::Pause>) -> Result<(), ops::pebble::PebbleError> {
    /// let output = container.exec(&["pause", "--version"], &ops::pebble::ExecOptions::default())?;
    /// log::info!("workload version {}", output.stdout_text().trim());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`PebbleError::Exec`], carrying the output, when the command exits non-zero;
    /// [`PebbleError::Connection`] when Pebble is not up; [`PebbleError::Timeout`] past
    /// `options.timeout`.
    fn exec(&self, command: &[&str], options: &ExecOptions) -> Result<ExecOutput, PebbleError> {
        self.exec_process(command, options)?.wait_output()
    }
}

/// Everything a container handle asks Pebble: the socket client in production, an
/// in-memory Pebble in the testing module.
pub trait PebbleApi: ServicesApi + FilesApi + ChecksApi + NoticesApi + ExecApi {}

impl<T: ServicesApi + FilesApi + ChecksApi + NoticesApi + ExecApi + ?Sized> PebbleApi for T {}
