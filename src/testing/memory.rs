//! The in-memory Juju: a [`Backend`] that answers from a [`State`] and enforces the rules
//! Juju's hook tools enforce (leadership for app status and app databags, action tools
//! only in actions, action-set key syntax), failing with the same messages.

use super::secrets::{Refusal, Secrets};
use crate::backend::{SecretArgs, SecretOwner, SecretRead, SecretRef};
use crate::secret::{SecretContent, SecretId};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::state::{ActionRun, State};
use crate::backend::calls::{self, ToolCall};
use crate::backend::{
    Backend, BackendError, Databag, GoalState, GoalUnit, LogLevel, RelationId, StatusInfo, StatusName, Target,
};
use crate::model::status::StatusValue;

/// A `juju-log` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The level.
    pub level: LogLevel,
    /// The message.
    pub message: String,
}

/// Everything the in-memory Juju saw during one dispatch, besides the state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Every hook-tool call, in order, as the command line a real dispatch would run.
    pub calls: Vec<ToolCall>,
    /// `juju-log` lines.
    pub logs: Vec<LogLine>,
    /// The unit statuses replaced, in order: before each `status-set`, the status it
    /// replaced (Scenario's `unit_status_history`; the last one set is the state's).
    pub unit_status_history: Vec<StatusValue>,
    /// The application statuses replaced, in order (Scenario's `app_status_history`).
    pub app_status_history: Vec<StatusValue>,
    /// The workload versions replaced, in order, leaving out the empty one (Scenario's
    /// `workload_version_history`).
    pub workload_version_history: Vec<String>,
    /// Secret revisions removed (`None`: every revision, the secret itself).
    pub removed_secret_revisions: Vec<(SecretId, Option<u64>)>,
    /// Storage asked for with `storage-add`: `(name, count)`, in order.
    pub requested_storage: Vec<(String, u32)>,
    /// Reboots asked for with `juju-reboot`, in order.
    pub reboots: Vec<crate::Reboot>,
}

/// The in-memory Juju backend for one dispatch.
pub(crate) struct MemoryBackend {
    meta: &'static crate::meta::Metadata,
    state: Rc<RefCell<State>>,
    action: Option<RefCell<ActionRun>>,
    record: RefCell<Record>,
}

impl MemoryBackend {
    /// A backend over `state`; `action` is the action being run, if this dispatch is one.
    pub fn new(meta: &'static crate::meta::Metadata, state: State, action: Option<ActionRun>) -> Self {
        MemoryBackend {
            meta,
            state: Rc::new(RefCell::new(state)),
            action: action.map(RefCell::new),
            record: RefCell::default(),
        }
    }

    /// Takes out the state, the action run and the record, leaving defaults behind.
    pub fn take(&self) -> (State, Option<ActionRun>, Record) {
        let action = self.action.as_ref().map(RefCell::take);
        (self.state.take(), action, self.record.take())
    }

    /// Records `call`, refusing it as the real backend would when no command line can carry it.
    fn call(&self, call: ToolCall) -> Result<ToolCall, BackendError> {
        call.check_args()?;
        self.record.borrow_mut().calls.push(call.clone());
        Ok(call)
    }

    fn action(&self, call: &ToolCall) -> Result<&RefCell<ActionRun>, BackendError> {
        self.action.as_ref().ok_or_else(|| run_error(call, "not running an action"))
    }

    fn require_leader(&self, call: &ToolCall, message: &str) -> Result<(), BackendError> {
        if self.state.borrow().leader { Ok(()) } else { Err(run_error(call, message)) }
    }

    fn with_relation<T>(
        &self,
        call: &ToolCall,
        id: &RelationId,
        f: impl FnOnce(&mut super::state::RelationState) -> T,
    ) -> Result<T, BackendError> {
        let mut state = self.state.borrow_mut();
        let relation = state
            .relations
            .iter_mut()
            .find(|r| r.id == id.id() && r.endpoint == id.endpoint())
            .ok_or_else(|| usage_error(call, &format!("invalid value \"{id}\" for flag -r: relation not found")))?;
        Ok(f(relation))
    }
}

/// Where the recorded secret-add/secret-set command lines say the content files are: the
/// in-memory Juju takes the content directly, and no file is written.
const CONTENT_DIR: &str = "/tmp/juju-ops-secret";

impl MemoryBackend {
    fn secrets<T>(&self, f: impl FnOnce(&mut Secrets<'_>) -> Result<T, Refusal>) -> Result<T, Refusal> {
        let mut state = self.state.borrow_mut();
        let version = state.juju_version.parse().unwrap_or_default();
        let leader = state.leader;
        f(&mut Secrets { secrets: &mut state.secrets, leader, version })
    }

    /// Who a grant is for: the unit, or the relation's remote application.
    fn grantee(&self, call: &ToolCall, relation: u64, unit: Option<&str>) -> Result<String, BackendError> {
        let state = self.state.borrow();
        let relation = state.relations.iter().find(|r| r.id == relation).ok_or_else(|| {
            usage_error(call, &format!("invalid value \"{relation}\" for flag -r: relation not found"))
        })?;
        Ok(unit.map_or_else(|| relation.remote_app.clone(), str::to_owned))
    }
}

/// A hook tool's run-time failure: exit 1, `ERROR <message>`.
fn run_error(call: &ToolCall, message: &str) -> BackendError {
    BackendError::Failed { call: call.command_line(), code: 1, stderr: format!("ERROR {message}") }
}

/// A hook tool's argument rejection: exit 2, `ERROR <message>`.
fn usage_error(call: &ToolCall, message: &str) -> BackendError {
    BackendError::Failed { call: call.command_line(), code: 2, stderr: format!("ERROR {message}") }
}

/// Juju's rule for action-set keys: lowercase alphanumeric and hyphens per dotted part.
fn check_action_key(call: &ToolCall, key: &str) -> Result<(), BackendError> {
    const RESERVED: [&str; 4] = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"];
    if RESERVED.contains(&key) {
        return Err(usage_error(call, &format!("cannot set reserved action key \"{key}\"")));
    }
    let part_ok = |part: &str| {
        let bytes = part.as_bytes();
        let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        !bytes.is_empty()
            && bytes.first().is_some_and(edge)
            && bytes.last().is_some_and(edge)
            && bytes.iter().all(|b| edge(b) || *b == b'-')
    };
    if key.split('.').all(part_ok) {
        return Ok(());
    }
    Err(usage_error(
        call,
        &format!(
            "key \"{key}\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods"
        ),
    ))
}

impl Backend for MemoryBackend {
    fn juju_log(&self, level: LogLevel, message: &str) -> Result<(), BackendError> {
        self.call(calls::juju_log(level, message))?;
        self.record.borrow_mut().logs.push(LogLine { level, message: message.to_owned() });
        Ok(())
    }

    fn is_leader(&self) -> Result<bool, BackendError> {
        self.call(calls::is_leader())?;
        Ok(self.state.borrow().leader)
    }

    fn config_get(&self) -> Result<Map<String, Value>, BackendError> {
        self.call(calls::config_get())?;
        Ok(self.state.borrow().config.as_map().clone())
    }

    fn status_get(&self, target: Target) -> Result<StatusInfo, BackendError> {
        let call = self.call(calls::status_get(target))?;
        if target.is_app() {
            self.require_leader(&call, "finding application status: this unit is not the leader")?;
        }
        let state = self.state.borrow();
        let status = if target.is_app() { &state.app_status } else { &state.unit_status };
        Ok(StatusInfo { name: status.status_name(), message: status.message().to_owned() })
    }

    fn status_set(&self, target: Target, status: StatusName, message: &str) -> Result<(), BackendError> {
        let call = self.call(calls::status_set(target, status, message))?;
        if !status.is_settable() {
            return Err(usage_error(
                &call,
                &format!("invalid status \"{status}\", expected one of [maintenance blocked waiting active]"),
            ));
        }
        if target.is_app() {
            self.require_leader(&call, "this unit is not the leader")?;
        }
        let value = StatusValue::from_name(status, message);
        let mut state = self.state.borrow_mut();
        let mut record = self.record.borrow_mut();
        let (slot, history) = if target.is_app() {
            (&mut state.app_status, &mut record.app_status_history)
        } else {
            (&mut state.unit_status, &mut record.unit_status_history)
        };
        // Scenario's history: the status each change replaced.
        history.push(std::mem::replace(slot, value));
        Ok(())
    }

    fn application_version_set(&self, version: &str) -> Result<(), BackendError> {
        self.call(calls::application_version_set(version))?;
        let previous = std::mem::replace(&mut self.state.borrow_mut().workload_version, version.to_owned());
        // Scenario's history: each version replaced, when there was one.
        if !previous.is_empty() {
            self.record.borrow_mut().workload_version_history.push(previous);
        }
        Ok(())
    }

    fn goal_state(&self) -> Result<GoalState, BackendError> {
        self.call(calls::goal_state())?;
        let state = self.state.borrow();
        let app = state.app_name().to_owned();
        let units = (0..state.planned_units)
            .map(|n| (format!("{app}/{n}"), GoalUnit { status: "active".to_owned() }))
            .collect();
        Ok(GoalState { units })
    }

    fn action_get(&self) -> Result<Map<String, Value>, BackendError> {
        let call = self.call(calls::action_get())?;
        Ok(self.action(&call)?.borrow().params.as_map().clone())
    }

    fn action_set(&self, results: &[(String, String)]) -> Result<(), BackendError> {
        let call = self.call(calls::action_set(results))?;
        let action = self.action(&call)?;
        for (key, _) in results {
            check_action_key(&call, key)?;
        }
        action.borrow_mut().results.extend(results.iter().cloned());
        Ok(())
    }

    fn action_log(&self, message: &str) -> Result<(), BackendError> {
        let call = self.call(calls::action_log(message))?;
        self.action(&call)?.borrow_mut().logs.push(message.to_owned());
        Ok(())
    }

    fn action_fail(&self, message: &str) -> Result<(), BackendError> {
        let call = self.call(calls::action_fail(message))?;
        self.action(&call)?.borrow_mut().failure = Some(message.to_owned());
        Ok(())
    }

    fn relation_ids(&self, endpoint: &str) -> Result<Vec<RelationId>, BackendError> {
        self.call(calls::relation_ids(endpoint))?;
        let state = self.state.borrow();
        Ok(state.relations.iter().filter(|r| r.endpoint == endpoint).map(|r| RelationId::new(endpoint, r.id)).collect())
    }

    fn relation_list(&self, id: &RelationId) -> Result<Vec<String>, BackendError> {
        let call = self.call(calls::relation_list(id))?;
        self.with_relation(&call, id, |r| r.remote_units.keys().cloned().collect())
    }

    fn relation_remote_app(&self, id: &RelationId) -> Result<Option<String>, BackendError> {
        let call = self.call(calls::relation_list_app(id))?;
        self.with_relation(&call, id, |r| Some(r.remote_app.clone()))
    }

    fn relation_get(&self, id: &RelationId, member: &str, target: Target) -> Result<Databag, BackendError> {
        let call = self.call(calls::relation_get(id, member, target))?;
        let (unit, app_name, leader) = {
            let state = self.state.borrow();
            (state.unit_name.clone(), state.app_name().to_owned(), state.leader)
        };
        let bag = self.with_relation(&call, id, |r| {
            if member == unit {
                Ok(r.local_unit_data.clone())
            } else if member == app_name {
                if leader || r.peer { Ok(r.local_app_data.clone()) } else { Err("permission denied") }
            } else if member == r.remote_app {
                Ok(r.remote_app_data.clone())
            } else {
                r.remote_units.get(member).cloned().ok_or("not found")
            }
        })?;
        bag.map_err(|reason| run_error(&call, &format!("cannot read settings for {member}: {reason}")))
    }

    fn relation_set(&self, id: &RelationId, target: Target, changes: &Databag) -> Result<(), BackendError> {
        let json = serde_json::to_string(changes).unwrap_or_default();
        let call = self.call(calls::relation_set(id, target, json))?;
        if target.is_app() {
            self.require_leader(&call, "cannot write relation settings")?;
        }
        self.with_relation(&call, id, |r| {
            let bag = if target.is_app() { &mut r.local_app_data } else { &mut r.local_unit_data };
            for (key, value) in changes {
                if value.is_empty() {
                    bag.remove(key);
                } else {
                    bag.insert(key.clone(), value.clone());
                }
            }
        })
    }

    fn storage_list(&self, name: &str) -> Result<Vec<String>, BackendError> {
        self.call(calls::storage_list(name))?;
        let state = self.state.borrow();
        Ok(state.storage.iter().filter(|s| s.name == name).map(|s| format!("{}/{}", s.name, s.index)).collect())
    }

    fn storage_location(&self, storage_id: &str) -> Result<PathBuf, BackendError> {
        let call = self.call(calls::storage_get(storage_id))?;
        let state = self.state.borrow();
        state
            .storage
            .iter()
            .find(|s| format!("{}/{}", s.name, s.index) == storage_id)
            .map(|s| s.location.clone())
            .ok_or_else(|| {
                usage_error(&call, &format!("invalid value \"{storage_id}\" for flag -s: storage not found"))
            })
    }

    fn open_port(&self, port: &str) -> Result<(), BackendError> {
        self.call(calls::open_port(port))?;
        self.state.borrow_mut().opened_ports.insert(port.to_owned());
        Ok(())
    }

    fn close_port(&self, port: &str) -> Result<(), BackendError> {
        self.call(calls::close_port(port))?;
        self.state.borrow_mut().opened_ports.remove(port);
        Ok(())
    }

    fn opened_ports(&self) -> Result<Vec<String>, BackendError> {
        self.call(calls::opened_ports())?;
        Ok(self.state.borrow().opened_ports.iter().cloned().collect())
    }

    fn state_get(&self, key: &str) -> Result<Option<String>, BackendError> {
        self.call(calls::state_get(key))?;
        Ok(self.state.borrow().controller_state.get(key).cloned())
    }

    fn state_set(&self, key: &str, value: &str) -> Result<(), BackendError> {
        let map = serde_json::json!({ key: value }).to_string();
        self.call(calls::state_set(map))?;
        self.state.borrow_mut().controller_state.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn pebble(&self, container: &str) -> Rc<dyn crate::pebble::PebbleApi> {
        Rc::new(super::pebble::MemoryPebble::new(self.state.clone(), container))
    }

    fn secret_add(
        &self,
        content: &SecretContent,
        meta: &SecretArgs,
        owner: SecretOwner,
    ) -> Result<String, BackendError> {
        let keys: Vec<&str> = content.keys().collect();
        let call = self.call(calls::secret_add(meta, owner, CONTENT_DIR, &keys))?;
        self.secrets(|s| s.add(content, meta, owner)).map_err(|r| run_error(&call, &r.0))
    }

    fn secret_get(&self, secret: SecretRef<'_>, read: SecretRead) -> Result<SecretContent, BackendError> {
        let call = self.call(calls::secret_get(secret, read))?;
        self.secrets(|s| s.get(secret, read)).map_err(|r| run_error(&call, &r.0))
    }

    fn secret_info_get(
        &self,
        secret: SecretRef<'_>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, BackendError> {
        let call = self.call(calls::secret_info_get(secret))?;
        let secret = SecretRef { id: secret.id, label: if secret.id.is_some() { None } else { secret.label } };
        self.secrets(|s| s.info(secret)).map_err(|r| run_error(&call, &r.0))
    }

    fn secret_set(&self, id: &str, content: Option<&SecretContent>, meta: &SecretArgs) -> Result<(), BackendError> {
        let keys: Vec<&str> = content.map(|c| c.keys().collect()).unwrap_or_default();
        let call = self.call(calls::secret_set(id, meta, CONTENT_DIR, &keys))?;
        self.secrets(|s| s.set(id, content, meta)).map_err(|r| run_error(&call, &r.0))
    }

    fn secret_grant(&self, id: &str, relation: u64, unit: Option<&str>) -> Result<(), BackendError> {
        let call = self.call(calls::secret_grant(id, relation, unit))?;
        let grantee = self.grantee(&call, relation, unit)?;
        self.secrets(|s| s.grant(id, relation, grantee, true)).map_err(|r| run_error(&call, &r.0))
    }

    fn secret_revoke(&self, id: &str, relation: u64, unit: Option<&str>) -> Result<(), BackendError> {
        let call = self.call(calls::secret_revoke(id, relation, unit))?;
        let grantee = self.grantee(&call, relation, unit)?;
        self.secrets(|s| s.grant(id, relation, grantee, false)).map_err(|r| run_error(&call, &r.0))
    }

    fn secret_remove(&self, id: &str, revision: Option<u64>) -> Result<(), BackendError> {
        let call = self.call(calls::secret_remove(id, revision))?;
        self.secrets(|s| s.remove(id, revision)).map_err(|r| run_error(&call, &r.0))?;
        if let Ok(id) = SecretId::parse(id) {
            self.record.borrow_mut().removed_secret_revisions.push((id, revision));
        }
        Ok(())
    }

    fn network_get(&self, binding: &str, relation: Option<u64>) -> Result<Value, BackendError> {
        let call = self.call(calls::network_get(binding, relation))?;
        let meta = self.meta;
        let known = binding == "juju-info"
            || meta.relations.iter().any(|r| r.name == binding)
            || meta.extra_bindings.contains(&binding);
        if !known {
            return Err(run_error(&call, &format!("no network config found for binding \"{binding}\"")));
        }
        let state = self.state.borrow();
        if let Some(id) = relation
            && !state.relations.iter().any(|r| r.id == id)
        {
            return Err(usage_error(&call, &format!("invalid value \"{id}\" for flag -r: relation not found")));
        }
        Ok(state.networks.get(binding).cloned().unwrap_or_default().to_juju())
    }

    fn relation_model_get(&self, id: &RelationId) -> Result<String, BackendError> {
        let call = self.call(calls::relation_model_get(id))?;
        let model = self.state.borrow().model_uuid.clone();
        self.with_relation(&call, id, |r| r.remote_model_uuid.clone().unwrap_or(model))
    }

    fn credential_get(&self) -> Result<Value, BackendError> {
        let call = self.call(calls::credential_get())?;
        match &self.state.borrow().cloud_spec {
            Some(spec) => serde_json::to_value(spec).map_err(|e| run_error(&call, &e.to_string())),
            None => Err(run_error(
                &call,
                "cannot access cloud credentials: permission denied; the application is not trusted (juju trust)",
            )),
        }
    }

    fn juju_reboot(&self, now: bool) -> Result<(), BackendError> {
        let call = self.call(calls::juju_reboot(now))?;
        if self.action.is_some() {
            return Err(run_error(&call, "juju-reboot is not supported when running an action."));
        }
        self.record.borrow_mut().reboots.push(if now { crate::Reboot::Now } else { crate::Reboot::AfterHook });
        Ok(())
    }

    fn storage_add(&self, name: &str, count: u32) -> Result<(), BackendError> {
        let call = self.call(calls::storage_add(name, count))?;
        if !self.meta.storage.iter().any(|s| s.name == name) {
            return Err(run_error(&call, &format!("storage \"{name}\" not found")));
        }
        self.record.borrow_mut().requested_storage.push((name.to_owned(), count));
        Ok(())
    }

    fn resource_get(&self, name: &str) -> Result<PathBuf, BackendError> {
        let call = self.call(calls::resource_get(name))?;
        let state = self.state.borrow();
        state.resources.get(name).cloned().ok_or_else(|| run_error(&call, &format!("resource \"{name}\" not found")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_keys_follow_juju() {
        let call = calls::action_set(&[]);
        assert!(check_action_key(&call, "fortune").is_ok());
        assert!(check_action_key(&call, "a.b-c.d1").is_ok());
        for bad in ["Foo", "-a", "a-", "a..b", "stdout", "a_b"] {
            assert!(check_action_key(&call, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn app_status_needs_leadership() {
        let backend = MemoryBackend::new(&crate::hello::METADATA, State::default(), None);
        let err = backend.status_set(Target::App, StatusName::Active, "").unwrap_err();
        assert_eq!(err.stderr(), Some("ERROR this unit is not the leader"));
    }

    #[test]
    fn action_tools_outside_an_action_fail() {
        let backend = MemoryBackend::new(&crate::hello::METADATA, State::default(), None);
        assert_eq!(backend.action_log("x").unwrap_err().stderr(), Some("ERROR not running an action"));
    }
}
