//! The in-memory Pebble: a [`PebbleApi`] over a [`ContainerState`] in the test's `State`,
//! with Pebble's behaviour for layers, services, files, checks and notices, and exec
//! answered by handlers the test registers (as Scenario's `Exec`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use crate::pebble::{
    Change, CheckInfo, ExecOptions, ExecOutput, FileInfo, FileOptions, Layer, Notice, NoticeFilter, PebbleApi,
    PebbleError, Plan, ServiceInfo, ServiceStatus, Startup, SystemInfo,
};

use super::state::State;

/// An answer for commands the charm execs: the first handler whose prefix matches wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecHandler {
    /// The command's first words (`["mysql", "-e"]`); empty matches every command.
    pub command_prefix: Vec<String>,
    /// The exit code.
    pub return_code: i32,
    /// What it prints on standard output.
    pub stdout: String,
    /// What it prints on standard error.
    pub stderr: String,
}

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
    /// Exec handlers.
    pub execs: Vec<ExecHandler>,
    /// Commands run, in order.
    pub exec_history: Vec<Vec<String>>,
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

    /// The plan: the layers combined (`override: replace` replaces a service, `merge`
    /// overlays the fields it sets).
    pub fn plan(&self) -> Plan {
        let mut plan = Plan::default();
        for (_, layer) in &self.layers {
            for (name, service) in &layer.services {
                match plan.services.get_mut(name) {
                    Some(existing) if service.override_ == "merge" => merge_service(existing, service),
                    _ => {
                        plan.services.insert(name.clone(), service.clone());
                    }
                }
            }
            plan.checks.extend(layer.checks.clone());
            plan.log_targets.extend(layer.log_targets.clone());
        }
        plan
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

fn merge_service(into: &mut crate::pebble::Service, from: &crate::pebble::Service) {
    // Pebble's merge: scalars overwrite when set, lists extend, maps update.
    let mut base = serde_json::to_value(&*into).unwrap_or_default();
    let overlay = serde_json::to_value(from).unwrap_or_default();
    if let (Some(base), Some(overlay)) = (base.as_object_mut(), overlay.as_object()) {
        for (key, value) in overlay {
            match (base.get_mut(key), value) {
                (Some(serde_json::Value::Array(list)), serde_json::Value::Array(more)) => list.extend(more.clone()),
                (Some(serde_json::Value::Object(map)), serde_json::Value::Object(more)) => map.extend(more.clone()),
                _ => {
                    base.insert(key.clone(), value.clone());
                }
            }
        }
    }
    if let Ok(merged) = serde_json::from_value(base) {
        *into = merged;
    }
}

/// The in-memory Pebble of one container of the test's state.
pub struct MemoryPebble {
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
                socket: crate::container::socket_path(&self.name),
                reason: "socket not found".to_owned(),
            }),
        }
    }
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

fn file_info(path: &str, content: &Option<Vec<u8>>) -> FileInfo {
    let (kind, size, permissions) = match content {
        None => ("directory", None, 0o755),
        Some(bytes) => ("file", Some(bytes.len() as u64), 0o644),
    };
    FileInfo {
        path: path.to_owned(),
        name: path.rsplit('/').next().unwrap_or(path).to_owned(),
        kind: kind.to_owned(),
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

impl PebbleApi for MemoryPebble {
    fn get_system_info(&self) -> Result<SystemInfo, PebbleError> {
        self.with(|_| Ok(SystemInfo { version: "1.19.0".to_owned() }))
    }

    fn add_layer(&self, label: &str, layer: &Layer, combine: bool) -> Result<(), PebbleError> {
        self.with(|c| match c.layers.iter_mut().find(|(l, _)| l == label) {
            Some(_) if !combine => Err(PebbleError::Api {
                code: 400,
                status: "Bad Request".to_owned(),
                kind: String::new(),
                message: format!("layer {label:?} already exists"),
            }),
            Some((_, existing)) => {
                existing.services.extend(layer.services.clone());
                existing.checks.extend(layer.checks.clone());
                existing.log_targets.extend(layer.log_targets.clone());
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
                    startup: if service.startup == Some(Startup::Enabled) { "enabled" } else { "disabled" }.to_owned(),
                    current: c.service_statuses.get(name).copied().unwrap_or(ServiceStatus::Inactive),
                })
                .collect())
        })
    }

    fn services_action(&self, action: &str, names: &[&str]) -> Result<Change, PebbleError> {
        self.with(|c| {
            let plan = c.plan();
            let targets: Vec<String> = match action {
                "replan" | "autostart" => plan
                    .services
                    .iter()
                    .filter(|(_, s)| s.startup == Some(Startup::Enabled))
                    .map(|(n, _)| n.clone())
                    .collect(),
                _ => names.iter().map(|n| (*n).to_owned()).collect(),
            };
            if let Some(missing) = targets.iter().find(|n| !plan.services.contains_key(*n)) {
                return Err(PebbleError::Change {
                    change_id: "1".to_owned(),
                    err: format!("cannot perform the following tasks:\n- {action} service {missing:?} (service {missing:?} does not exist)"),
                    logs: Vec::new(),
                });
            }
            let status = if action == "stop" { ServiceStatus::Inactive } else { ServiceStatus::Active };
            for name in targets {
                c.service_statuses.insert(name, status);
            }
            Ok(done(1, action))
        })
    }

    fn push(&self, path: &str, content: &[u8], options: &FileOptions) -> Result<(), PebbleError> {
        self.with(|c| {
            ensure_parent(c, path, options.make_parents)?;
            c.files.insert(path.to_owned(), Some(content.to_vec()));
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

    fn list_files(&self, path: &str, pattern: Option<&str>, itself: bool) -> Result<Vec<FileInfo>, PebbleError> {
        self.with(|c| {
            let entry = c.files.get(path).ok_or_else(|| not_found(path))?;
            if itself || entry.is_some() {
                return Ok(vec![file_info(path, entry)]);
            }
            let prefix = format!("{}/", path.trim_end_matches('/'));
            Ok(c.files
                .iter()
                .filter(|(p, _)| p.strip_prefix(&prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/')))
                .filter(|(p, _)| pattern.is_none_or(|glob| glob_match(glob, p.rsplit('/').next().unwrap_or(p))))
                .map(|(p, content)| file_info(p, content))
                .collect())
        })
    }

    fn make_dir(&self, path: &str, options: &FileOptions) -> Result<(), PebbleError> {
        self.with(|c| {
            ensure_parent(c, path, options.make_parents)?;
            c.files.insert(path.to_owned(), None);
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
            Ok(())
        })
    }

    fn exec(&self, command: &[&str], _options: &ExecOptions) -> Result<ExecOutput, PebbleError> {
        self.with(|c| {
            c.exec_history.push(command.iter().map(|s| (*s).to_owned()).collect());
            let handler = c
                .execs
                .iter()
                .filter(|h| {
                    h.command_prefix.len() <= command.len() && h.command_prefix.iter().zip(command).all(|(a, b)| a == b)
                })
                .max_by_key(|h| h.command_prefix.len())
                .cloned()
                .ok_or_else(|| PebbleError::Api {
                    code: 500,
                    status: "Internal Server Error".to_owned(),
                    kind: String::new(),
                    message: format!("no exec handler registered for {command:?}"),
                })?;
            let output = ExecOutput {
                exit_code: handler.return_code,
                stdout: handler.stdout.into_bytes(),
                stderr: handler.stderr.into_bytes(),
            };
            if output.exit_code != 0 {
                return Err(PebbleError::Exec { command: command.join(" "), output });
            }
            Ok(output)
        })
    }

    fn get_checks(&self, level: Option<&str>, names: &[&str]) -> Result<Vec<CheckInfo>, PebbleError> {
        self.with(|c| {
            Ok(c.checks
                .iter()
                .filter(|check| level.is_none_or(|l| check.level == l))
                .filter(|check| names.is_empty() || names.contains(&check.name.as_str()))
                .cloned()
                .collect())
        })
    }

    fn checks_action(&self, action: &str, names: &[&str]) -> Result<Vec<String>, PebbleError> {
        self.with(|c| {
            let status = if action == "stop" { "inactive" } else { "up" };
            let mut changed = Vec::new();
            for check in c.checks.iter_mut().filter(|check| names.contains(&check.name.as_str())) {
                if check.status != status {
                    check.status = status.to_owned();
                    changed.push(check.name.clone());
                }
            }
            Ok(changed)
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
                kind: "custom".to_owned(),
                key: key.to_owned(),
                first_occurred: String::new(),
                last_occurred: String::new(),
                last_repeated: String::new(),
                occurrences: 1,
                last_data: data.clone(),
            });
            Ok(id)
        })
    }

    fn send_signal(&self, signal: &str, services: &[&str]) -> Result<(), PebbleError> {
        self.with(|c| {
            c.signals.push((signal.to_owned(), services.iter().map(|s| (*s).to_owned()).collect()));
            Ok(())
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
