//! The exact command lines of the hook tools, in one place.
//!
//! The production backend runs them; the in-memory Juju records them in its call log.
//! Both build them here, so a transcript of a simulated dispatch shows the very argv a
//! real one would send, byte for byte as Python ops sends them.

use std::fmt;

use crate::backend::{
    BackendError, LogLevel, RelationId, SecretArgs, SecretOwner, SecretRead, SecretRef, StatusName, Target,
};

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

impl ToolCall {
    /// Refuses an argument holding a NUL byte, which no command line can carry (the
    /// argument itself is left out of the error: it may be anything the charm was given).
    pub(crate) fn check_args(&self) -> Result<(), BackendError> {
        match self.args.iter().position(|arg| arg.contains('\0')) {
            Some(index) => Err(BackendError::NulInArgument { tool: self.tool.to_owned(), position: index + 1 }),
            None => Ok(()),
        }
    }

    /// The command line without what goes to stdin (relation data, secret content): what an
    /// error may show.
    pub fn command_line(&self) -> String {
        let mut line = self.tool.to_owned();
        for arg in &self.args {
            line.push(' ');
            line.push_str(&shell_quote(arg));
        }
        line
    }
}

/// Renders the call as a shell would show it, with its stdin, for the testing record:
/// `status-set --application=False active -- 'hello, world'`. Errors use
/// [`command_line`](ToolCall::command_line), which leaves stdin out.
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

pub(crate) fn status_get(target: Target) -> ToolCall {
    let app = if target.is_app() { "--application=true" } else { "--application=false" };
    ToolCall::new("status-get", ["--include-data", "--format=json", app])
}

pub(crate) fn status_set(target: Target, status: StatusName, message: &str) -> ToolCall {
    let app = format!("--application={}", py_bool(target.is_app()));
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

pub(crate) fn relation_get(id: &RelationId, member: &str, target: Target) -> ToolCall {
    let mut args = vec!["--format=json".to_owned(), "-r".to_owned(), id.to_string()];
    if target.is_app() {
        args.push("--app".to_owned());
    }
    args.extend(["-".to_owned(), member.to_owned()]);
    ToolCall::new("relation-get", args)
}

pub(crate) fn relation_set(id: &RelationId, target: Target, changes_json: String) -> ToolCall {
    let mut args = vec!["-r".to_owned(), id.to_string()];
    if target.is_app() {
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

pub(crate) fn network_get(binding: &str, relation: Option<u64>) -> ToolCall {
    let mut args = vec!["--format=json".to_owned()];
    if let Some(id) = relation {
        args.extend(["-r".to_owned(), id.to_string()]);
    }
    args.push(binding.to_owned());
    ToolCall::new("network-get", args)
}

pub(crate) fn relation_model_get(id: &RelationId) -> ToolCall {
    ToolCall::new("relation-model-get", ["--format=json".to_owned(), "-r".to_owned(), id.to_string()])
}

pub(crate) fn credential_get() -> ToolCall {
    ToolCall::new("credential-get", ["--format=json"])
}

pub(crate) fn juju_reboot(now: bool) -> ToolCall {
    ToolCall::new("juju-reboot", if now { &["--now"][..] } else { &[][..] }.iter().copied())
}

pub(crate) fn storage_add(name: &str, count: u32) -> ToolCall {
    ToolCall::new("storage-add", [format!("{name}={count}")])
}

fn secret_meta_args(meta: &SecretArgs) -> Vec<String> {
    let mut args = Vec::new();
    let flags = [
        ("--label", meta.label.as_deref()),
        ("--description", meta.description.as_deref()),
        ("--expire", meta.expire.as_deref()),
        ("--rotate", meta.rotate),
    ];
    for (flag, value) in flags {
        if let Some(value) = value {
            args.extend([flag.to_owned(), value.to_owned()]);
        }
    }
    args
}

/// `<key>#file=<dir>/<key>` for each key: the content is in those files, never on argv.
fn content_file_args(dir: &str, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|key| format!("{key}#file={dir}/{key}")).collect()
}

pub(crate) fn secret_add(meta: &SecretArgs, owner: SecretOwner, dir: &str, keys: &[&str]) -> ToolCall {
    let mut args = secret_meta_args(meta);
    args.extend(["--owner".to_owned(), owner.as_str().to_owned()]);
    args.extend(content_file_args(dir, keys));
    ToolCall::new("secret-add", args)
}

pub(crate) fn secret_get(secret: SecretRef<'_>, read: SecretRead) -> ToolCall {
    let mut args = vec!["--format=json".to_owned()];
    args.extend(secret.id.map(str::to_owned));
    if let Some(label) = secret.label {
        args.extend(["--label".to_owned(), label.to_owned()]);
    }
    match read {
        SecretRead::Tracked => {}
        SecretRead::Refresh => args.push("--refresh".to_owned()),
        SecretRead::Peek => args.push("--peek".to_owned()),
    }
    ToolCall::new("secret-get", args)
}

/// By id, or by label when there is no id (the tool refuses both).
pub(crate) fn secret_info_get(secret: SecretRef<'_>) -> ToolCall {
    let mut args = vec!["--format=json".to_owned()];
    match (secret.id, secret.label) {
        (Some(id), _) => args.push(id.to_owned()),
        (None, Some(label)) => args.extend(["--label".to_owned(), label.to_owned()]),
        (None, None) => {}
    }
    ToolCall::new("secret-info-get", args)
}

/// ops always passes `--owner application` to secret-set, whoever owns the secret.
pub(crate) fn secret_set(id: &str, meta: &SecretArgs, dir: &str, keys: &[&str]) -> ToolCall {
    let mut args = secret_meta_args(meta);
    args.extend(["--owner".to_owned(), "application".to_owned(), id.to_owned()]);
    args.extend(content_file_args(dir, keys));
    ToolCall::new("secret-set", args)
}

fn grant_args(id: &str, relation: u64, unit: Option<&str>) -> Vec<String> {
    let mut args = vec!["--relation".to_owned(), relation.to_string()];
    if let Some(unit) = unit {
        args.extend(["--unit".to_owned(), unit.to_owned()]);
    }
    args.push(id.to_owned());
    args
}

pub(crate) fn secret_grant(id: &str, relation: u64, unit: Option<&str>) -> ToolCall {
    ToolCall::new("secret-grant", grant_args(id, relation, unit))
}

pub(crate) fn secret_revoke(id: &str, relation: u64, unit: Option<&str>) -> ToolCall {
    ToolCall::new("secret-revoke", grant_args(id, relation, unit))
}

pub(crate) fn secret_remove(id: &str, revision: Option<u64>) -> ToolCall {
    let mut args = vec![id.to_owned()];
    if let Some(revision) = revision {
        args.extend(["--revision".to_owned(), revision.to_string()]);
    }
    ToolCall::new("secret-remove", args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_matches_python_ops() {
        let rel = RelationId::new("db", 3);
        let cases: Vec<(ToolCall, &str)> = vec![
            (juju_log(LogLevel::Info, "hi there"), "juju-log --log-level INFO -- 'hi there'"),
            (status_set(Target::Unit, StatusName::Active, ""), "status-set --application=False active -- ''"),
            (status_set(Target::App, StatusName::Blocked, "b"), "status-set --application=True blocked -- b"),
            (status_get(Target::Unit), "status-get --include-data --format=json --application=false"),
            (is_leader(), "is-leader --format=json"),
            (config_get(), "config-get --format=json"),
            (relation_ids("db"), "relation-ids db --format=json"),
            (relation_list(&rel), "relation-list --format=json -r db:3"),
            (relation_list_app(&rel), "relation-list --format=json --app -r db:3"),
            (relation_get(&rel, "pg/0", Target::Unit), "relation-get --format=json -r db:3 - pg/0"),
            (relation_get(&rel, "pg", Target::App), "relation-get --format=json -r db:3 --app - pg"),
            (action_fail(""), "action-fail -- ''"),
            (application_version_set("1.2"), "application-version-set -- 1.2"),
            (goal_state(), "goal-state --format=json"),
            (storage_get("data/0"), "storage-get --format=json -s data/0"),
            (
                secret_add(
                    &SecretArgs { label: Some("db".into()), rotate: Some("daily"), ..SecretArgs::default() },
                    SecretOwner::Application,
                    "/tmp/d",
                    &["password", "username"],
                ),
                "secret-add --label db --rotate daily --owner application password#file=/tmp/d/password username#file=/tmp/d/username",
            ),
            (
                secret_get(SecretRef { id: Some("secret:x"), label: Some("db") }, SecretRead::Refresh),
                "secret-get --format=json secret:x --label db --refresh",
            ),
            (
                secret_get(SecretRef { id: None, label: Some("db") }, SecretRead::Peek),
                "secret-get --format=json --label db --peek",
            ),
            (
                secret_info_get(SecretRef { id: Some("secret:x"), label: Some("db") }),
                "secret-info-get --format=json secret:x",
            ),
            (secret_info_get(SecretRef { id: None, label: Some("db") }), "secret-info-get --format=json --label db"),
            (
                secret_set("secret:x", &SecretArgs::default(), "/tmp/d", &["password"]),
                "secret-set --owner application secret:x password#file=/tmp/d/password",
            ),
            (secret_grant("secret:x", 3, Some("pg/0")), "secret-grant --relation 3 --unit pg/0 secret:x"),
            (secret_revoke("secret:x", 3, None), "secret-revoke --relation 3 secret:x"),
            (secret_remove("secret:x", Some(2)), "secret-remove secret:x --revision 2"),
            (secret_remove("secret:x", None), "secret-remove secret:x"),
        ];
        for (call, expected) in cases {
            assert_eq!(call.to_string(), expected);
        }
    }

    #[test]
    fn relation_set_sends_json_on_stdin() {
        let call = relation_set(&RelationId::new("db", 1), Target::App, r#"{"a":"b"}"#.into());
        assert_eq!(call.args, ["-r", "db:1", "--app", "--file", "-"]);
        assert_eq!(call.stdin.as_deref(), Some(r#"{"a":"b"}"#));
    }
}
