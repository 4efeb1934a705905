//! The production backend: Juju's hook tools, run as processes found on `PATH`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::calls::{self, ToolCall};
use super::process::{self, Unfinished};
use std::collections::BTreeMap;

use super::{
    Backend, BackendError, ContentFiles, Databag, GoalState, LogLevel, RelationId, SecretArgs, SecretOwner, SecretRead,
    SecretRef, StatusInfo, StatusName, Target,
};
use crate::secret::SecretContent;

/// The most a hook tool's stdout or stderr is read: far more than any answer (a large
/// config or databag is kilobytes), and a bound on what a broken tool can make the charm hold.
pub const MAX_TOOL_OUTPUT: usize = 64 * 1024 * 1024;

/// How much of a failing tool's stderr an error shows.
pub const MAX_STDERR_IN_ERRORS: usize = 4096;

/// How long one hook tool may take before it is killed, unless `JUJU_OPS_TOOL_TIMEOUT`
/// (seconds) says otherwise. Juju's tools answer in milliseconds; minutes mean the unit
/// agent is stuck, and the hook is better failed (Juju retries it).
pub const TOOL_TIMEOUT: Duration = Duration::from_secs(300);

/// Overrides [`TOOL_TIMEOUT`], in seconds.
pub const TOOL_TIMEOUT_VAR: &str = "JUJU_OPS_TOOL_TIMEOUT";

/// Runs Juju's hook tools.
///
/// They inherit the charm's environment unchanged. (Python ops sets `OPERATOR_DISPATCH=1`
/// in its whole process, so its hook tools see it too; Juju's tools never run the charm, and
/// an environment to change means a copy of it built for every call, about a tenth of a
/// dispatch's own instructions. The legacy hook, which could run the charm again, still
/// gets the guard: see `entry`.)
#[derive(Debug, Clone)]
pub struct HookTools {
    timeout: Duration,
}

impl Default for HookTools {
    fn default() -> Self {
        HookTools::new()
    }
}

impl HookTools {
    /// The backend for a real dispatch.
    pub fn new() -> Self {
        let seconds = std::env::var_os(TOOL_TIMEOUT_VAR).and_then(|v| v.into_string().ok()?.parse::<u64>().ok());
        HookTools { timeout: seconds.map_or(TOOL_TIMEOUT, Duration::from_secs) }
    }

    /// Runs `call`; its stdout on success, a typed error carrying stderr otherwise.
    ///
    /// Stdin is written and stdout and stderr read together, so no pipe can fill and stall
    /// the others; each output is bounded by [`MAX_TOOL_OUTPUT`]. A tool that runs past
    /// [`TOOL_TIMEOUT`] (or `JUJU_OPS_TOOL_TIMEOUT`) is killed; one that exited while a child
    /// of its own holds its stdout is not waited on. Errors show the command line, never stdin.
    pub fn run(&self, call: &ToolCall) -> Result<String, BackendError> {
        call.check_args()?;
        let spawn_error = |error| BackendError::Spawn { tool: call.tool.to_owned(), error };
        let mut child = Command::new(call.tool)
            .args(&call.args)
            .stdin(if call.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_error)?;
        let input = call.stdin.as_deref().map(str::as_bytes);
        let done = process::communicate(&mut child, input, self.timeout, MAX_TOOL_OUTPUT).map_err(|e| match e {
            Unfinished::TimedOut => BackendError::TimedOut { call: call.command_line(), after: self.timeout },
            Unfinished::TooLarge => BackendError::OutputTooLarge { call: call.command_line(), limit: MAX_TOOL_OUTPUT },
            Unfinished::Io(error) => spawn_error(error),
        })?;
        if done.status.success() {
            return String::from_utf8(done.stdout)
                .map_err(|e| BackendError::BadOutput { call: call.command_line(), reason: e.to_string() });
        }
        Err(BackendError::Failed {
            call: call.command_line(),
            code: done.status.code().unwrap_or(-1),
            stderr: capped(&done.stderr),
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

/// A failing tool's stderr as an error shows it: trimmed, at most
/// [`MAX_STDERR_IN_ERRORS`] bytes, marked when cut.
fn capped(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.len() <= MAX_STDERR_IN_ERRORS {
        return text.to_owned();
    }
    let mut end = MAX_STDERR_IN_ERRORS;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} [... {} more bytes cut]", &text[..end], text.len() - end)
}

fn parse_json<T: DeserializeOwned>(call: &ToolCall, stdout: &str) -> Result<T, BackendError> {
    // The output may be relation data or action parameters: the error says what was
    // wrong with it, never what it held.
    serde_json::from_str(stdout.trim())
        .map_err(|e| BackendError::BadOutput { call: call.command_line(), reason: crate::redact::json_error(&e) })
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
        call: call.command_line(),
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

    fn status_get(&self, target: Target) -> Result<StatusInfo, BackendError> {
        let call = calls::status_get(target);
        let stdout = self.run(&call)?;
        let status = if target.is_app() {
            parse_json::<AppStatusJson>(&call, &stdout)?.application_status
        } else {
            parse_json::<StatusJson>(&call, &stdout)?
        };
        status_info(&call, status)
    }

    fn status_set(&self, target: Target, status: StatusName, message: &str) -> Result<(), BackendError> {
        self.run_quiet(calls::status_set(target, status, message))
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
                    call: call.command_line(),
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

    fn relation_get(&self, id: &RelationId, member: &str, target: Target) -> Result<Databag, BackendError> {
        self.run_json::<Option<Databag>>(calls::relation_get(id, member, target)).map(Option::unwrap_or_default)
    }

    fn relation_set(&self, id: &RelationId, target: Target, changes: &Databag) -> Result<(), BackendError> {
        let json = serde_json::to_string(changes)
            .map_err(|e| BackendError::BadOutput { call: "relation-set".to_owned(), reason: e.to_string() })?;
        self.run_quiet(calls::relation_set(id, target, json))
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
        std::rc::Rc::new(crate::pebble::Client::new(crate::pebble::socket_path(container)))
    }

    fn resource_get(&self, name: &str) -> Result<PathBuf, BackendError> {
        // resource-get prints a plain path, with no trailing newline.
        Ok(PathBuf::from(self.run(&calls::resource_get(name))?.trim()))
    }

    fn network_get(&self, binding: &str, relation: Option<u64>) -> Result<Value, BackendError> {
        self.run_json(calls::network_get(binding, relation))
    }

    fn relation_model_get(&self, id: &RelationId) -> Result<String, BackendError> {
        #[derive(serde::Deserialize)]
        struct RemoteModel {
            uuid: String,
        }
        self.run_json::<RemoteModel>(calls::relation_model_get(id)).map(|model| model.uuid)
    }

    fn credential_get(&self) -> Result<Value, BackendError> {
        self.run_json(calls::credential_get())
    }

    fn juju_reboot(&self, now: bool) -> Result<(), BackendError> {
        self.run_quiet(calls::juju_reboot(now))
    }

    fn storage_add(&self, name: &str, count: u32) -> Result<(), BackendError> {
        self.run_quiet(calls::storage_add(name, count))
    }

    fn secret_add(
        &self,
        content: &SecretContent,
        meta: &SecretArgs,
        owner: SecretOwner,
    ) -> Result<String, BackendError> {
        let files = ContentFiles::write("secret-add", content)?;
        let keys: Vec<&str> = content.keys().collect();
        let id = self.run(&calls::secret_add(meta, owner, &files.dir(), &keys))?;
        Ok(id.trim().to_owned())
    }

    fn secret_get(&self, secret: SecretRef<'_>, read: SecretRead) -> Result<SecretContent, BackendError> {
        let map: Option<BTreeMap<String, String>> = self.run_json(calls::secret_get(secret, read))?;
        Ok(SecretContent::from_juju(map.unwrap_or_default()))
    }

    fn secret_info_get(&self, secret: SecretRef<'_>) -> Result<Map<String, Value>, BackendError> {
        self.run_json(calls::secret_info_get(secret))
    }

    fn secret_set(&self, id: &str, content: Option<&SecretContent>, meta: &SecretArgs) -> Result<(), BackendError> {
        let files = content.map(|c| ContentFiles::write("secret-set", c)).transpose()?;
        let keys: Vec<&str> = content.map(|c| c.keys().collect()).unwrap_or_default();
        let dir = files.as_ref().map(ContentFiles::dir).unwrap_or_default();
        self.run_quiet(calls::secret_set(id, meta, &dir, &keys))
    }

    fn secret_grant(&self, id: &str, relation: u64, unit: Option<&str>) -> Result<(), BackendError> {
        self.run_quiet(calls::secret_grant(id, relation, unit))
    }

    fn secret_revoke(&self, id: &str, relation: u64, unit: Option<&str>) -> Result<(), BackendError> {
        self.run_quiet(calls::secret_revoke(id, relation, unit))
    }

    fn secret_remove(&self, id: &str, revision: Option<u64>) -> Result<(), BackendError> {
        self.run_quiet(calls::secret_remove(id, revision))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

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

    fn sh(script: &str) -> ToolCall {
        ToolCall { tool: "sh", args: vec!["-c".into(), script.into()], stdin: None }
    }

    #[test]
    fn what_went_to_stdin_is_never_in_the_error() {
        let mut call = sh("cat >/dev/null; echo 'ERROR no' >&2; exit 1");
        call.stdin = Some(r#"{"password":"hunter2"}"#.into());
        let err = HookTools::new().run(&call).unwrap_err().to_string();
        assert!(err.contains("exit code 1") && err.contains("ERROR no"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn stderr_in_errors_is_capped_and_marked() {
        let err = HookTools::new().run(&sh("head -c 10000 /dev/zero | tr '\\0' x >&2; exit 1")).unwrap_err();
        let stderr = err.stderr().unwrap();
        assert!(stderr.starts_with(&"x".repeat(MAX_STDERR_IN_ERRORS)), "{stderr}");
        assert!(stderr.ends_with("[... 5904 more bytes cut]"), "{stderr}");
    }

    #[test]
    fn a_hanging_tool_is_killed_at_the_deadline() {
        let tools = HookTools { timeout: Duration::from_millis(300) };
        let started = Instant::now();
        let err = tools.run(&sh("sleep 30")).unwrap_err();
        assert!(matches!(err, BackendError::TimedOut { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_child_left_holding_stdout_does_not_hold_the_call() {
        let started = Instant::now();
        let out = HookTools::new().run(&sh("echo done; sleep 30 &")).unwrap();
        assert_eq!(out, "done\n");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_flood_of_output_is_an_error_not_an_allocation() {
        let err = HookTools::new().run(&sh(&format!("head -c {} /dev/zero", MAX_TOOL_OUTPUT + 1))).unwrap_err();
        assert!(matches!(err, BackendError::OutputTooLarge { .. }), "{err}");
    }

    #[test]
    fn a_nul_in_an_argument_is_refused_before_running() {
        let call = ToolCall { tool: "echo", args: vec!["a".into(), "b\0c".into()], stdin: None };
        let err = HookTools::new().run(&call).unwrap_err();
        assert!(matches!(err, BackendError::NulInArgument { position: 2, .. }), "{err}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The output of config-get, action-get, relation-get, goal-state and storage-get,
        /// as any JSON at all: parsed or refused, never a panic, and a refusal never
        /// repeats a value (every string here starts `zq`).
        #[test]
        fn tool_output_is_parsed_or_refused_without_its_values(value in secret_json()) {
            let text = value.to_string();
            let call = calls::relation_get(&RelationId::new("db", 1), "pg/0", Target::Unit);
            let errors = [
                parse_json::<Option<Map<String, Value>>>(&call, &text).err(),
                parse_json::<Option<Databag>>(&call, &text).err(),
                parse_json::<GoalState>(&call, &text).err(),
                parse_json::<StorageJson>(&call, &text).err(),
                parse_json::<Option<Vec<String>>>(&call, &text).err(),
            ];
            for error in errors.into_iter().flatten() {
                let error = error.to_string();
                proptest::prop_assert!(!error.contains("zq"), "{}", error);
            }
            if let Value::Object(map) = &value
                && map.values().all(Value::is_string)
            {
                let bag = parse_json::<Option<Databag>>(&call, &text).unwrap().unwrap();
                proptest::prop_assert_eq!(bag.len(), map.len());
            }
        }

        /// Broken JSON is refused without repeating it.
        #[test]
        fn broken_output_is_refused_without_its_text(value in secret_json(), cut in 1usize..200) {
            let text = value.to_string();
            let cut = text.char_indices().nth(cut).map_or(text.len(), |(at, _)| at);
            let call = calls::config_get();
            if let Err(error) = parse_json::<Option<Map<String, Value>>>(&call, &text[..cut]) {
                proptest::prop_assert!(!error.to_string().contains("zq"), "{}", error);
            }
        }
    }

    /// JSON whose every string (keys too) starts `zq`, so a test can tell if one leaked.
    fn secret_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let text = "zq[a-z0-9 \"\\\\,:{}]{0,12}";
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(text, inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }
}
