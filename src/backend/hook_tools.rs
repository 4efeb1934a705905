//! The production backend: Juju's hook tools, run as processes found on `PATH`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::calls::{self, ToolCall};
use super::{Backend, BackendError, Databag, GoalState, LogLevel, RelationId, StatusInfo, StatusName};

/// Runs Juju's hook tools.
///
/// Every child gets `OPERATOR_DISPATCH=1` in its environment: the same re-entrancy guard
/// Python ops sets, so a tool or legacy hook that runs the charm again exits at once.
#[derive(Debug, Default, Clone)]
pub struct HookTools {
    _private: (),
}

impl HookTools {
    /// The backend for a real dispatch.
    pub fn new() -> Self {
        HookTools { _private: () }
    }

    /// Runs `call`; its stdout on success, a typed error carrying stderr otherwise.
    pub fn run(&self, call: &ToolCall) -> Result<String, BackendError> {
        let mut command = Command::new(call.tool);
        command
            .args(&call.args)
            .env("OPERATOR_DISPATCH", "1")
            .stdin(if call.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let spawn_error = |source| BackendError::Spawn { tool: call.tool.to_owned(), source };
        let mut child = command.spawn().map_err(spawn_error)?;
        if let (Some(input), Some(mut stdin)) = (&call.stdin, child.stdin.take()) {
            // A tool that exits without reading its stdin closes the pipe; its exit status
            // then tells what went wrong, so a broken pipe here is not the error to report.
            let _ = stdin.write_all(input.as_bytes());
        }
        let output = child.wait_with_output().map_err(spawn_error)?;
        if output.status.success() {
            return String::from_utf8(output.stdout)
                .map_err(|e| BackendError::BadOutput { call: call.to_string(), reason: e.to_string() });
        }
        Err(BackendError::Failed {
            call: call.to_string(),
            code: output.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }

    fn run_json<T: DeserializeOwned>(&self, call: ToolCall) -> Result<T, BackendError> {
        let stdout = self.run(&call)?;
        parse_json(&call, &stdout)
    }

    fn run_quiet(&self, call: ToolCall) -> Result<(), BackendError> {
        self.run(&call).map(drop)
    }
}

fn parse_json<T: DeserializeOwned>(call: &ToolCall, stdout: &str) -> Result<T, BackendError> {
    serde_json::from_str(stdout.trim()).map_err(|e| BackendError::BadOutput {
        call: call.to_string(),
        reason: format!("{e} in {:?}", truncate(stdout, 200)),
    })
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// `null` for "nothing" is how `--format=json` prints an empty answer.
fn object_or_empty(value: Option<Map<String, Value>>) -> Map<String, Value> {
    value.unwrap_or_default()
}

#[derive(serde::Deserialize)]
struct StatusJson {
    status: String,
    #[serde(default)]
    message: String,
}

#[derive(serde::Deserialize)]
struct AppStatusJson {
    #[serde(rename = "application-status")]
    application_status: StatusJson,
}

#[derive(serde::Deserialize)]
struct StorageJson {
    location: PathBuf,
}

fn status_info(call: &ToolCall, status: StatusJson) -> Result<StatusInfo, BackendError> {
    let name = StatusName::parse(&status.status).ok_or_else(|| BackendError::BadOutput {
        call: call.to_string(),
        reason: format!("unknown status {:?}", status.status),
    })?;
    Ok(StatusInfo { name, message: status.message })
}

impl Backend for HookTools {
    fn juju_log(&self, level: LogLevel, message: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::juju_log(level, message))
    }

    fn is_leader(&self) -> Result<bool, BackendError> {
        self.run_json(calls::is_leader())
    }

    fn config_get(&self) -> Result<Map<String, Value>, BackendError> {
        self.run_json(calls::config_get()).map(object_or_empty)
    }

    fn status_get(&self, app: bool) -> Result<StatusInfo, BackendError> {
        let call = calls::status_get(app);
        let stdout = self.run(&call)?;
        let status = if app {
            parse_json::<AppStatusJson>(&call, &stdout)?.application_status
        } else {
            parse_json::<StatusJson>(&call, &stdout)?
        };
        status_info(&call, status)
    }

    fn status_set(&self, app: bool, status: StatusName, message: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::status_set(app, status, message))
    }

    fn application_version_set(&self, version: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::application_version_set(version))
    }

    fn goal_state(&self) -> Result<GoalState, BackendError> {
        self.run_json(calls::goal_state())
    }

    fn action_get(&self) -> Result<Map<String, Value>, BackendError> {
        self.run_json(calls::action_get()).map(object_or_empty)
    }

    fn action_set(&self, results: &[(String, String)]) -> Result<(), BackendError> {
        self.run_quiet(calls::action_set(results))
    }

    fn action_log(&self, message: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::action_log(message))
    }

    fn action_fail(&self, message: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::action_fail(message))
    }

    fn relation_ids(&self, endpoint: &str) -> Result<Vec<RelationId>, BackendError> {
        let call = calls::relation_ids(endpoint);
        let ids: Option<Vec<String>> = parse_json(&call, &self.run(&call)?)?;
        ids.unwrap_or_default()
            .iter()
            .map(|text| {
                RelationId::parse(text).ok_or_else(|| BackendError::BadOutput {
                    call: call.to_string(),
                    reason: format!("{text:?} is not a relation id"),
                })
            })
            .collect()
    }

    fn relation_list(&self, id: &RelationId) -> Result<Vec<String>, BackendError> {
        self.run_json::<Option<Vec<String>>>(calls::relation_list(id)).map(Option::unwrap_or_default)
    }

    fn relation_remote_app(&self, id: &RelationId) -> Result<Option<String>, BackendError> {
        let app: Option<String> = self.run_json(calls::relation_list_app(id))?;
        Ok(app.filter(|name| !name.is_empty()))
    }

    fn relation_get(&self, id: &RelationId, member: &str, app: bool) -> Result<Databag, BackendError> {
        self.run_json::<Option<Databag>>(calls::relation_get(id, member, app)).map(Option::unwrap_or_default)
    }

    fn relation_set(&self, id: &RelationId, app: bool, changes: &Databag) -> Result<(), BackendError> {
        let json = serde_json::to_string(changes)
            .map_err(|e| BackendError::BadOutput { call: "relation-set".to_owned(), reason: e.to_string() })?;
        self.run_quiet(calls::relation_set(id, app, json))
    }

    fn storage_list(&self, name: &str) -> Result<Vec<String>, BackendError> {
        self.run_json::<Option<Vec<String>>>(calls::storage_list(name)).map(Option::unwrap_or_default)
    }

    fn storage_location(&self, storage_id: &str) -> Result<PathBuf, BackendError> {
        self.run_json::<StorageJson>(calls::storage_get(storage_id)).map(|s| s.location)
    }

    fn open_port(&self, port: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::open_port(port))
    }

    fn close_port(&self, port: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::close_port(port))
    }

    fn opened_ports(&self) -> Result<Vec<String>, BackendError> {
        self.run_json::<Option<Vec<String>>>(calls::opened_ports()).map(Option::unwrap_or_default)
    }

    fn state_get(&self, key: &str) -> Result<Option<String>, BackendError> {
        // Without --format, state-get prints the value as it is, and nothing when unset.
        let value = self.run(&calls::state_get(key))?;
        let value = value.strip_suffix('\n').unwrap_or(&value);
        Ok((!value.is_empty()).then(|| value.to_owned()))
    }

    fn state_set(&self, key: &str, value: &str) -> Result<(), BackendError> {
        // A JSON object is YAML too; the value is one JSON string, so no YAML quoting to get wrong.
        let map = serde_json::json!({ key: value }).to_string();
        self.run_quiet(calls::state_set(map))
    }

    fn pebble(&self, container: &str) -> std::rc::Rc<dyn crate::pebble::PebbleApi> {
        std::rc::Rc::new(crate::pebble::Client::new(crate::container::socket_path(container)))
    }

    fn resource_get(&self, name: &str) -> Result<PathBuf, BackendError> {
        // resource-get prints a plain path, with no trailing newline.
        Ok(PathBuf::from(self.run(&calls::resource_get(name))?.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_tool_is_a_spawn_error() {
        let call = ToolCall { tool: "juju-ops-no-such-tool", args: vec![], stdin: None };
        let err = HookTools::new().run(&call).unwrap_err();
        assert!(matches!(err, BackendError::Spawn { .. }), "{err}");
        assert!(err.to_string().contains("juju-ops-no-such-tool"));
    }

    #[test]
    fn failing_tool_carries_stderr() {
        let call =
            ToolCall { tool: "sh", args: vec!["-c".into(), "echo 'ERROR boom' >&2; exit 3".into()], stdin: None };
        let err = HookTools::new().run(&call).unwrap_err();
        assert_eq!(err.stderr(), Some("ERROR boom"));
        assert!(err.to_string().contains("exit code 3"), "{err}");
    }

    #[test]
    fn stdin_reaches_the_tool() {
        let call = ToolCall { tool: "cat", args: vec![], stdin: Some("{\"a\":\"b\"}".into()) };
        assert_eq!(HookTools::new().run(&call).unwrap(), "{\"a\":\"b\"}");
    }

    #[test]
    fn bad_json_is_reported() {
        let call = ToolCall { tool: "echo", args: vec!["not json".into()], stdin: None };
        let err = HookTools::new().run_json::<bool>(call).unwrap_err();
        assert!(matches!(err, BackendError::BadOutput { .. }), "{err}");
    }
}
