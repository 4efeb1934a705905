//! The exact command lines of the hook tools, in one place.
//!
//! The production backend runs them; the in-memory Juju records them in its call log.
//! Both build them here, so a transcript of a simulated dispatch shows the very argv a
//! real one would send (python-ops-facts.md §2.1).

use std::fmt;

use crate::backend::{LogLevel, RelationId, StatusName};

/// One hook-tool invocation: the tool, its arguments, and what goes to its stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The tool's name, found on `PATH` (`status-set`).
    pub tool: &'static str,
    /// Its arguments, without the tool name.
    pub args: Vec<String>,
    /// Standard input, for the tools that read `--file -`.
    pub stdin: Option<String>,
}

impl ToolCall {
    fn new(tool: &'static str, args: impl IntoIterator<Item = impl Into<String>>) -> Self {
        ToolCall { tool, args: args.into_iter().map(Into::into).collect(), stdin: None }
    }

    fn with_stdin(mut self, stdin: String) -> Self {
        self.stdin = Some(stdin);
        self
    }
}

/// Renders the call as a shell would show it: `status-set --application=False active -- 'hello, world'`.
impl fmt::Display for ToolCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tool)?;
        for arg in &self.args {
            write!(f, " {}", shell_quote(arg))?;
        }
        if let Some(stdin) = &self.stdin {
            write!(f, " <<< {}", shell_quote(stdin))?;
        }
        Ok(())
    }
}

fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_=./:,@%+#".contains(c));
    if plain { arg.to_owned() } else { format!("'{}'", arg.replace('\'', r"'\''")) }
}

fn py_bool(value: bool) -> &'static str {
    // ops spells status-set's flag the Python way; Juju's ParseBool accepts both spellings.
    if value { "True" } else { "False" }
}

pub(crate) fn juju_log(level: LogLevel, message: &str) -> ToolCall {
    ToolCall::new("juju-log", ["--log-level", level.as_str(), "--", message])
}

pub(crate) fn is_leader() -> ToolCall {
    ToolCall::new("is-leader", ["--format=json"])
}

pub(crate) fn config_get() -> ToolCall {
    ToolCall::new("config-get", ["--format=json"])
}

pub(crate) fn status_get(app: bool) -> ToolCall {
    let app = if app { "--application=true" } else { "--application=false" };
    ToolCall::new("status-get", ["--include-data", "--format=json", app])
}

pub(crate) fn status_set(app: bool, status: StatusName, message: &str) -> ToolCall {
    let app = format!("--application={}", py_bool(app));
    ToolCall::new("status-set", [app.as_str(), status.as_str(), "--", message])
}

pub(crate) fn application_version_set(version: &str) -> ToolCall {
    ToolCall::new("application-version-set", ["--", version])
}

pub(crate) fn goal_state() -> ToolCall {
    ToolCall::new("goal-state", ["--format=json"])
}

pub(crate) fn action_get() -> ToolCall {
    ToolCall::new("action-get", ["--format=json"])
}

pub(crate) fn action_set(results: &[(String, String)]) -> ToolCall {
    ToolCall::new("action-set", results.iter().map(|(k, v)| format!("{k}={v}")))
}

pub(crate) fn action_log(message: &str) -> ToolCall {
    ToolCall::new("action-log", ["--", message])
}

pub(crate) fn action_fail(message: &str) -> ToolCall {
    ToolCall::new("action-fail", ["--", message])
}

pub(crate) fn relation_ids(endpoint: &str) -> ToolCall {
    ToolCall::new("relation-ids", [endpoint, "--format=json"])
}

pub(crate) fn relation_list(id: &RelationId) -> ToolCall {
    ToolCall::new("relation-list", ["--format=json".to_owned(), "-r".to_owned(), id.to_string()])
}

pub(crate) fn relation_list_app(id: &RelationId) -> ToolCall {
    ToolCall::new("relation-list", ["--format=json".to_owned(), "--app".to_owned(), "-r".to_owned(), id.to_string()])
}

pub(crate) fn relation_get(id: &RelationId, member: &str, app: bool) -> ToolCall {
    let mut args = vec!["--format=json".to_owned(), "-r".to_owned(), id.to_string()];
    if app {
        args.push("--app".to_owned());
    }
    args.extend(["-".to_owned(), member.to_owned()]);
    ToolCall::new("relation-get", args)
}

pub(crate) fn relation_set(id: &RelationId, app: bool, changes_json: String) -> ToolCall {
    let mut args = vec!["-r".to_owned(), id.to_string()];
    if app {
        args.push("--app".to_owned());
    }
    args.extend(["--file".to_owned(), "-".to_owned()]);
    ToolCall::new("relation-set", args).with_stdin(changes_json)
}

pub(crate) fn storage_get(storage_id: &str) -> ToolCall {
    ToolCall::new("storage-get", ["--format=json", "-s", storage_id])
}

pub(crate) fn storage_list(name: &str) -> ToolCall {
    ToolCall::new("storage-list", ["--format=json", name])
}

pub(crate) fn open_port(port: &str) -> ToolCall {
    ToolCall::new("open-port", [port])
}

pub(crate) fn close_port(port: &str) -> ToolCall {
    ToolCall::new("close-port", [port])
}

pub(crate) fn opened_ports() -> ToolCall {
    ToolCall::new("opened-ports", ["--format=json"])
}

pub(crate) fn state_get(key: &str) -> ToolCall {
    ToolCall::new("state-get", [key])
}

pub(crate) fn state_set(yaml_map: String) -> ToolCall {
    ToolCall::new("state-set", ["--file", "-"]).with_stdin(yaml_map)
}

pub(crate) fn resource_get(name: &str) -> ToolCall {
    ToolCall::new("resource-get", [name])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_matches_python_ops() {
        let rel = RelationId::new("db", 3);
        let cases: Vec<(ToolCall, &str)> = vec![
            (juju_log(LogLevel::Info, "hi there"), "juju-log --log-level INFO -- 'hi there'"),
            (status_set(false, StatusName::Active, ""), "status-set --application=False active -- ''"),
            (status_set(true, StatusName::Blocked, "b"), "status-set --application=True blocked -- b"),
            (status_get(false), "status-get --include-data --format=json --application=false"),
            (is_leader(), "is-leader --format=json"),
            (config_get(), "config-get --format=json"),
            (relation_ids("db"), "relation-ids db --format=json"),
            (relation_list(&rel), "relation-list --format=json -r db:3"),
            (relation_list_app(&rel), "relation-list --format=json --app -r db:3"),
            (relation_get(&rel, "pg/0", false), "relation-get --format=json -r db:3 - pg/0"),
            (relation_get(&rel, "pg", true), "relation-get --format=json -r db:3 --app - pg"),
            (action_fail(""), "action-fail -- ''"),
            (application_version_set("1.2"), "application-version-set -- 1.2"),
            (goal_state(), "goal-state --format=json"),
            (storage_get("data/0"), "storage-get --format=json -s data/0"),
        ];
        for (call, expected) in cases {
            assert_eq!(call.to_string(), expected);
        }
    }

    #[test]
    fn relation_set_sends_json_on_stdin() {
        let call = relation_set(&RelationId::new("db", 1), true, r#"{"a":"b"}"#.into());
        assert_eq!(call.args, ["-r", "db:1", "--app", "--file", "-"]);
        assert_eq!(call.stdin.as_deref(), Some(r#"{"a":"b"}"#));
    }
}
