//! The in-memory Pebble: a [`PebbleApi`] over a [`ContainerState`] in the test's `State`,
//! with Pebble's behaviour for layers, services, files, checks and notices, and exec
//! answered by handlers the test registers (as Scenario's `Exec`).

mod exec;
mod plan;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use crate::pebble::CheckLevel;
use crate::pebble::{
    Change, CheckAction, CheckInfo, CheckStatus, ChecksApi, FileInfo, FileOptions, FileType, FilesApi, Layer, Listing,
    Notice, NoticeFilter, NoticeType, NoticesApi, PebbleError, Plan, ServiceAction, ServiceInfo, ServiceStatus,
    ServicesApi, Startup, SystemInfo,
};

use super::state::State;

pub use exec::{ExecArgs, ExecHandler, ExecResponder};

/// One workload container as the test sets it up, and as the charm left it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerState {
    /// Whether Pebble answers (false: every call fails to connect).
    pub can_connect: bool,
    /// Layers by label, in the order added.
    pub layers: Vec<(String, Layer)>,
    /// Service states (a service of the plan not listed here is inactive).
    pub service_statuses: BTreeMap<String, ServiceStatus>,
    /// The filesystem: a path to its content, or `None` for a directory.
    pub files: BTreeMap<String, Option<Vec<u8>>>,
    /// Permission bits of the paths that do not have Pebble's defaults (0644 for files,
    /// 0755 for directories).
    pub modes: BTreeMap<String, u32>,
    /// Exec handlers.
    pub execs: Vec<ExecHandler>,
    /// Commands run, in the order started, with what each was given.
    pub exec_history: Vec<ExecArgs>,
    /// Health checks.
    pub checks: Vec<CheckInfo>,
    /// Notices.
    pub notices: Vec<Notice>,
    /// Signals sent: (signal, services).
    pub signals: Vec<(String, Vec<String>)>,
}

impl ContainerState {
    /// A container whose Pebble is up.
    pub fn connected() -> Self {
        ContainerState { can_connect: true, ..ContainerState::default() }
    }

    /// The plan: the layers combined as Pebble combines them (`override: replace`
    /// replaces an entry, `merge` overlays the values it sets), with the defaults Pebble
    /// fills in.
    pub fn plan(&self) -> Plan {
        plan::plan(self.layers.iter().map(|(_, layer)| layer))
    }

    /// Whether a service is running.
    pub fn is_running(&self, service: &str) -> bool {
        self.service_statuses.get(service) == Some(&ServiceStatus::Active)
    }

    /// A file's content as text, if it is a file.
    pub fn file_text(&self, path: &str) -> Option<String> {
        self.files.get(path)?.as_ref().map(|b| String::from_utf8_lossy(b).into_owned())
    }
}

/// The in-memory Pebble on its own, outside a [`Context`](super::Context) run: for
/// testing code that takes a `&dyn PebbleApi`, and for checking the in-memory Pebble
/// against the real daemon.
///
/// ```
/// use ops::pebble::{FileOptions, FilesApi};
/// use ops::testing::{ContainerState, InMemoryPebble};
///
/// let pebble = InMemoryPebble::new(ContainerState::connected());
/// pebble.push("/etc/app.conf", b"x", &FileOptions { make_parents: true, ..Default::default() })?;
/// assert_eq!(pebble.container().file_text("/etc/app.conf").as_deref(), Some("x"));
/// # Ok::<(), ops::pebble::PebbleError>(())
/// ```
pub struct InMemoryPebble {
    pebble: MemoryPebble,
}

impl InMemoryPebble {
    /// A Pebble over `container`.
    pub fn new(container: ContainerState) -> Self {
        let mut state = State::default();
        state.containers.insert(STANDALONE.to_owned(), container);
        InMemoryPebble { pebble: MemoryPebble::new(Rc::new(RefCell::new(state)), STANDALONE) }
    }

    /// The container as the calls so far left it.
    pub fn container(&self) -> ContainerState {
        self.pebble.state.borrow().containers.get(STANDALONE).cloned().unwrap_or_default()
    }
}

const STANDALONE: &str = "workload";

impl std::ops::Deref for InMemoryPebble {
    type Target = dyn crate::pebble::PebbleApi;

    fn deref(&self) -> &Self::Target {
        &self.pebble
    }
}

/// The in-memory Pebble of one container of the test's state.
pub(crate) struct MemoryPebble {
    state: Rc<RefCell<State>>,
    name: String,
}

impl MemoryPebble {
    pub(crate) fn new(state: Rc<RefCell<State>>, name: &str) -> Self {
        MemoryPebble { state, name: name.to_owned() }
    }

    /// Runs `f` on the container, or fails as an unreachable Pebble does.
    fn with<T>(&self, f: impl FnOnce(&mut ContainerState) -> Result<T, PebbleError>) -> Result<T, PebbleError> {
        let mut state = self.state.borrow_mut();
        match state.containers.get_mut(&self.name) {
            Some(container) if container.can_connect => f(container),
            _ => Err(PebbleError::Connection {
                socket: crate::pebble::socket_path(&self.name),
                reason: "socket not found".to_owned(),
            }),
        }
    }
}

fn bad_request(kind: &str, message: String) -> PebbleError {
    PebbleError::Api { code: 400, status: "Bad Request".to_owned(), kind: kind.to_owned(), message }
}

fn path_error(path: &str, kind: &str, message: String) -> PebbleError {
    PebbleError::Path { path: path.to_owned(), kind: kind.to_owned(), message }
}

fn not_found(path: &str) -> PebbleError {
    path_error(path, "not-found", format!("stat {path}: no such file or directory"))
}

fn parent(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((parent, _)) => parent,
    }
}

fn ensure_parent(container: &mut ContainerState, path: &str, make_parents: bool) -> Result<(), PebbleError> {
    let mut missing = Vec::new();
    let mut dir = parent(path);
    while dir != "/" && !container.files.contains_key(dir) {
        missing.push(dir.to_owned());
        dir = parent(dir);
    }
    if missing.is_empty() {
        return Ok(());
    }
    if !make_parents {
        return Err(not_found(&missing[0]));
    }
    for dir in missing {
        container.files.insert(dir, None);
    }
    Ok(())
}

/// Records `mode` for `path` when it is not the default.
fn set_mode(container: &mut ContainerState, path: &str, mode: u32, default: u32) {
    if mode == default {
        container.modes.remove(path);
    } else {
        container.modes.insert(path.to_owned(), mode);
    }
}

fn file_info(container: &ContainerState, path: &str, content: &Option<Vec<u8>>) -> FileInfo {
    let (kind, size, default) = match content {
        None => (FileType::Directory, None, 0o755),
        Some(bytes) => (FileType::File, Some(bytes.len() as u64), 0o644),
    };
    let permissions = container.modes.get(path).copied().unwrap_or(default);
    FileInfo {
        path: path.to_owned(),
        name: path.rsplit('/').next().unwrap_or(path).to_owned(),
        kind,
        size,
        permissions,
        last_modified: String::new(),
        user_id: None,
        user: None,
        group_id: None,
        group: None,
    }
}

fn done(id: usize, kind: &str) -> Change {
    Change {
        id: id.to_string(),
        kind: kind.to_owned(),
        summary: String::new(),
        status: "Done".to_owned(),
        ready: true,
        err: None,
        tasks: Vec::new(),
    }
}

impl ServicesApi for MemoryPebble {
    fn get_system_info(&self) -> Result<SystemInfo, PebbleError> {
        self.with(|_| Ok(SystemInfo { version: "1.19.0".to_owned() }))
    }

    fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        plan::validate(label, layer)?;
        self.with(|c| match c.layers.iter_mut().find(|(l, _)| l == label) {
            Some(_) if !combine => Err(bad_request("", format!("layer {label:?} already exists"))),
            Some((_, existing)) => {
                *existing = plan::combine(existing, layer);
                Ok(())
            }
            None => {
                c.layers.push((label.to_owned(), layer.clone()));
                Ok(())
            }
        })
    }

    fn get_plan(&self) -> Result<Plan, PebbleError> {
        self.with(|c| Ok(c.plan()))
    }

    fn get_services(&self, names: &[&str]) -> Result<Vec<ServiceInfo>, PebbleError> {
        self.with(|c| {
            let plan = c.plan();
            Ok(plan
                .services
                .iter()
                .filter(|(name, _)| names.is_empty() || names.contains(&name.as_str()))
                .map(|(name, service)| ServiceInfo {
                    name: name.clone(),
                    startup: service.startup.clone().unwrap_or(Startup::Disabled),
                    current: c.service_statuses.get(name).cloned().unwrap_or(ServiceStatus::Inactive),
                    current_since: None,
                })
                .collect())
        })
    }

    fn services_action(&self, action: ServiceAction, names: &[&str]) -> Result<Change, PebbleError> {
        self.with(|c| {
            let plan = c.plan();
            let enabled = || -> Vec<String> {
                plan.services
                    .iter()
                    .filter(|(_, s)| s.startup == Some(Startup::Enabled))
                    .map(|(n, _)| n.clone())
                    .collect()
            };
            let targets: Vec<String> = match action {
                ServiceAction::Replan => enabled(),
                ServiceAction::Autostart => {
                    let targets = enabled();
                    if targets.is_empty() {
                        return Err(bad_request("no-default-services", "no default services".to_owned()));
                    }
                    targets
                }
                _ if names.is_empty() => {
                    return Err(bad_request("", format!("must specify services for {} action", action.as_str())));
                }
                _ => names.iter().map(|n| (*n).to_owned()).collect(),
            };
            if let Some(missing) = targets.iter().find(|n| !plan.services.contains_key(*n)) {
                return Err(PebbleError::ServiceNotFound { name: missing.clone() });
            }
            let status = if action == ServiceAction::Stop { ServiceStatus::Inactive } else { ServiceStatus::Active };
            for name in targets {
                c.service_statuses.insert(name, status.clone());
            }
            Ok(done(1, action.as_str()))
        })
    }

    fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError> {
        self.with(|c| {
            c.signals.push((signal.to_owned(), services.iter().map(|s| (*s).to_owned()).collect()));
            Ok(())
        })
    }
}

impl FilesApi for MemoryPebble {
    fn push(&self, path: &str, content: &[u8], options: &FileOptions) -> Result<(), PebbleError> {
        self.with(|c| {
            ensure_parent(c, path, options.make_parents)?;
            c.files.insert(path.to_owned(), Some(content.to_vec()));
            set_mode(c, path, options.permissions.unwrap_or(0o644), 0o644);
            Ok(())
        })
    }

    fn pull(&self, path: &str) -> Result<Vec<u8>, PebbleError> {
        self.with(|c| match c.files.get(path) {
            Some(Some(bytes)) => Ok(bytes.clone()),
            Some(None) => Err(path_error(path, "generic-file-error", format!("{path} is a directory"))),
            None => Err(not_found(path)),
        })
    }

    fn list_files(&self, path: &str, pattern: Option<&str>, listing: Listing) -> Result<Vec<FileInfo>, PebbleError> {
        self.with(|c| {
            let entry = c.files.get(path).ok_or_else(|| PebbleError::Api {
                code: 404,
                status: "Not Found".to_owned(),
                kind: "not-found".to_owned(),
                message: format!("stat {path}: no such file or directory"),
            })?;
            if listing == Listing::Itself || entry.is_some() {
                return Ok(vec![file_info(c, path, entry)]);
            }
            let prefix = format!("{}/", path.trim_end_matches('/'));
            Ok(c.files
                .iter()
                .filter(|(p, _)| p.strip_prefix(&prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/')))
                .filter(|(p, _)| pattern.is_none_or(|glob| glob_match(glob, p.rsplit('/').next().unwrap_or(p))))
                .map(|(p, content)| file_info(c, p, content))
                .collect())
        })
    }

    fn make_dir(&self, path: &str, options: &FileOptions) -> Result<(), PebbleError> {
        self.with(|c| {
            match c.files.get(path) {
                Some(None) if options.make_parents => return Ok(()),
                Some(_) => {
                    return Err(path_error(path, "generic-file-error", format!("mkdir {path}: file exists")));
                }
                None => {}
            }
            ensure_parent(c, path, options.make_parents)?;
            c.files.insert(path.to_owned(), None);
            set_mode(c, path, options.permissions.unwrap_or(0o755), 0o755);
            Ok(())
        })
    }

    fn remove_path(&self, path: &str, recursive: bool) -> Result<(), PebbleError> {
        self.with(|c| {
            let prefix = format!("{path}/");
            let has_children = c.files.keys().any(|p| p.starts_with(&prefix));
            if !c.files.contains_key(path) {
                return Err(not_found(path));
            }
            if has_children && !recursive {
                return Err(path_error(path, "generic-file-error", format!("remove {path}: directory not empty")));
            }
            c.files.remove(path);
            c.files.retain(|p, _| !p.starts_with(&prefix));
            c.modes.retain(|p, _| p != path && !p.starts_with(&prefix));
            Ok(())
        })
    }
}

impl ContainerState {
    /// The checks as Pebble reports them: every check of the plan (up, until the test or
    /// the charm says otherwise), and any the test set up without a plan.
    pub fn check_infos(&self) -> Vec<CheckInfo> {
        let plan = self.plan();
        let mut infos: BTreeMap<String, CheckInfo> = plan
            .checks
            .iter()
            .map(|(name, check)| {
                let info = CheckInfo {
                    name: name.clone(),
                    level: check.level.clone(),
                    startup: Some(check.startup.clone().unwrap_or(Startup::Enabled)),
                    status: if check.startup == Some(Startup::Disabled) {
                        CheckStatus::Inactive
                    } else {
                        CheckStatus::Up
                    },
                    successes: 0,
                    failures: 0,
                    threshold: check.threshold.unwrap_or(3),
                    change_id: String::new(),
                };
                (name.clone(), info)
            })
            .collect();
        for check in &self.checks {
            infos.insert(check.name.clone(), check.clone());
        }
        infos.into_values().collect()
    }
}

impl ChecksApi for MemoryPebble {
    fn get_checks(&self, level: Option<CheckLevel>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError> {
        self.with(|c| {
            Ok(c.check_infos()
                .into_iter()
                .filter(|check| level.as_ref().is_none_or(|l| check.level.as_ref() == Some(l)))
                .filter(|check| names.is_empty() || names.contains(&check.name.as_str()))
                .collect())
        })
    }

    fn checks_action(&self, action: CheckAction, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.with(|c| {
            let status = if action == CheckAction::Stop { CheckStatus::Inactive } else { CheckStatus::Up };
            let mut changed = Vec::new();
            for mut check in c.check_infos().into_iter().filter(|check| names.contains(&check.name.as_str())) {
                if check.status != status {
                    check.status = status.clone();
                    changed.push(check.name.clone());
                    c.checks.retain(|known| known.name != check.name);
                    c.checks.push(check);
                }
            }
            Ok(changed)
        })
    }
}

impl NoticesApi for MemoryPebble {
    fn get_notice(&self, id: &str) -> Result<Notice, PebbleError> {
        self.with(|c| {
            c.notices.iter().find(|n| n.id == id).cloned().ok_or_else(|| PebbleError::Api {
                code: 404,
                status: "Not Found".to_owned(),
                kind: "not-found".to_owned(),
                message: format!("cannot find notice with ID {id:?}"),
            })
        })
    }

    fn get_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>, PebbleError> {
        self.with(|c| {
            Ok(c.notices
                .iter()
                .filter(|n| filter.types.is_empty() || filter.types.contains(&n.kind))
                .filter(|n| filter.keys.is_empty() || filter.keys.contains(&n.key))
                .cloned()
                .collect())
        })
    }

    fn notify(
        &self,
        key: &str,
        data: &BTreeMap<String, String>,
        _repeat: Option<Duration>,
    ) -> Result<String, PebbleError> {
        self.with(|c| {
            let id = (c.notices.len() + 1).to_string();
            c.notices.push(Notice {
                id: id.clone(),
                user_id: None,
                kind: NoticeType::Custom,
                key: key.to_owned(),
                first_occurred: String::new(),
                last_occurred: String::new(),
                last_repeated: String::new(),
                occurrences: 1,
                last_data: data.clone(),
                repeat_after: None,
                expire_after: None,
            });
            Ok(id)
        })
    }
}

/// `*` and `?` globs on one name, as Pebble's list `pattern` takes them.
fn glob_match(glob: &str, name: &str) -> bool {
    fn go(g: &[u8], n: &[u8]) -> bool {
        match (g.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&g[1..], n) || (!n.is_empty() && go(g, &n[1..])),
            (Some(b'?'), Some(_)) => go(&g[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&g[1..], &n[1..]),
            _ => false,
        }
    }
    go(glob.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.conf", "app.conf"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("*.conf", "app.yaml"));
    }
}
