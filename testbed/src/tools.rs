//! The hook tools: each parses its arguments as Juju does, then acts on the [`State`].

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::flags::{self, Flag, Kind, Parsed};
use crate::state::{State, Status};

/// What a successful call prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Out {
    /// Standard output.
    pub stdout: String,
    /// Standard error (deprecation notes).
    pub stderr: String,
}

impl Out {
    fn stdout(text: String) -> Out {
        Out { stdout: text, stderr: String::new() }
    }
}

/// A tool's failure: `Usage` exits 2 (flags and `Init`), `Run` exits 1.
#[derive(Debug)]
pub enum Fail {
    /// Rejected arguments.
    Usage(String),
    /// A run-time refusal.
    Run(String),
}

pub(crate) type Result<T> = std::result::Result<T, Fail>;

/// What a tool sees besides its arguments.
pub struct Call<'a> {
    /// The tool's arguments.
    pub args: &'a [String],
    /// Standard input, when given.
    pub stdin: Option<&'a str>,
    /// Reads an environment variable (empty counts as unset).
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

const OUT: [Flag; 2] =
    [Flag { names: &["format"], kind: Kind::Value }, Flag { names: &["o", "output"], kind: Kind::Value }];
const RELATION: Flag = Flag { names: &["r", "relation"], kind: Kind::Value };

pub(crate) fn with_out(extra: &[Flag]) -> Vec<Flag> {
    OUT.iter().chain(extra).copied().collect()
}

/// Runs tool `name`; `None` if this fake does not know the tool.
pub fn run(name: &str, call: &Call<'_>, state: &mut State) -> Option<Result<Out>> {
    Some(match name {
        "juju-log" => juju_log(call),
        "status-set" => status_set(call, state),
        "status-get" => status_get(call, state),
        "config-get" => config_get(call, state),
        "is-leader" => is_leader(call, state),
        "relation-ids" => relation_ids(call, state),
        "relation-list" => relation_list(call, state),
        "relation-get" => relation_get(call, state),
        "relation-set" => relation_set(call, state),
        "relation-model-get" => relation_model_get(call, state),
        "action-get" => action_get(call, state),
        "action-set" => action_set(call, state),
        "action-log" => action_log(call, state),
        "action-fail" => action_fail(call, state),
        "application-version-set" => application_version_set(call, state),
        "goal-state" => goal_state(call, state),
        "storage-get" => storage_get(call, state),
        "storage-list" => storage_list(call, state),
        "open-port" => port(call, state, true),
        "close-port" => port(call, state, false),
        "opened-ports" => opened_ports(call, state),
        "resource-get" => resource_get(call, state),
        "state-get" => state_get(call, state),
        "state-set" => state_set(call, state),
        "state-delete" => state_delete(call, state),
        "secret-add" => crate::secret_tools::secret_add(call, state),
        "secret-set" => crate::secret_tools::secret_set(call, state),
        "secret-get" => crate::secret_tools::secret_get(call, state),
        "secret-info-get" => crate::secret_tools::secret_info_get(call, state),
        "secret-grant" => crate::secret_tools::secret_access(call, state, true),
        "secret-revoke" => crate::secret_tools::secret_access(call, state, false),
        "secret-remove" => crate::secret_tools::secret_remove(call, state),
        "secret-ids" => crate::secret_tools::secret_ids(call, state),
        "network-get" => crate::model_tools::network_get(call, state),
        "credential-get" => crate::model_tools::credential_get(call, state),
        "juju-reboot" => crate::model_tools::juju_reboot(call, state),
        "storage-add" => crate::model_tools::storage_add(call, state),
        _ => return None,
    })
}

pub(crate) fn parse(flags: &[Flag], call: &Call<'_>) -> Result<Parsed> {
    flags::parse(flags, call.args).map_err(Fail::Usage)
}

/// Go's `%q` of a string slice: `["a" "b"]`.
fn quoted_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(" "))
}

pub(crate) fn no_extras(positionals: &[String], allowed: usize) -> Result<()> {
    match positionals.get(allowed..) {
        Some(extra) if !extra.is_empty() => Err(Fail::Usage(format!("unrecognized args: {}", quoted_list(extra)))),
        _ => Ok(()),
    }
}

/// Checks `--format` against the tool's choices and renders `value` in it.
pub(crate) fn output(parsed: &Parsed, value: &Value, yaml_json_only: bool) -> Result<Out> {
    let default = if yaml_json_only { "yaml" } else { "smart" };
    let format = parsed.value("format").unwrap_or(default);
    let allowed: &[&str] = if yaml_json_only { &["json", "yaml"] } else { &["smart", "json", "yaml"] };
    if !allowed.contains(&format) {
        return Err(Fail::Usage(format!("invalid value {format:?} for flag --format: unknown format {format:?}")));
    }
    Ok(Out::stdout(match format {
        "json" => format!("{value}\n"),
        "yaml" => yaml(value),
        _ => smart(value),
    }))
}

/// The output of a tool that takes only `json` and `yaml` (default `yaml`).
pub(crate) fn output_json_yaml(parsed: &Parsed, value: &Value) -> Result<Out> {
    output(parsed, value, true)
}

fn yaml(value: &Value) -> String {
    if value.is_null() { String::new() } else { serde_yaml::to_string(value).unwrap_or_default() }
}

fn smart(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) if s.is_empty() => String::new(),
        Value::String(s) => format!("{s}\n"),
        Value::Bool(b) => (if *b { "True\n" } else { "False\n" }).to_owned(),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            items.iter().filter_map(Value::as_str).map(|s| format!("{s}\n")).collect()
        }
        other => yaml(other),
    }
}

fn deprecated_format(parsed: &Parsed, tool: &str) -> Option<String> {
    parsed.value("format").map(|_| format!("--format flag deprecated for command {tool:?}"))
}

fn juju_log(call: &Call<'_>) -> Result<Out> {
    let flags = [
        Flag { names: &["debug"], kind: Kind::Bool },
        Flag { names: &["l", "log-level"], kind: Kind::Value },
        Flag { names: &["format"], kind: Kind::Value },
    ];
    let parsed = parse(&flags, call)?;
    if parsed.positionals.is_empty() {
        return Err(Fail::Usage("no message specified".into()));
    }
    Ok(stderr_note(deprecated_format(&parsed, "juju-log")))
}

/// Deprecation notes go to stderr, without a newline, as Juju prints them.
fn stderr_note(note: Option<String>) -> Out {
    Out { stdout: String::new(), stderr: note.unwrap_or_default() }
}

const SETTABLE: [&str; 4] = ["maintenance", "blocked", "waiting", "active"];

fn status_set(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[Flag { names: &["application"], kind: Kind::Bool }], call)?;
    let Some(status) = parsed.positionals.first() else {
        return Err(Fail::Usage("invalid args, require <status> [message]".into()));
    };
    if !SETTABLE.contains(&status.as_str()) {
        return Err(Fail::Usage(format!(
            "invalid status {status:?}, expected one of [maintenance blocked waiting active]"
        )));
    }
    no_extras(&parsed.positionals, 2)?;
    let app = parsed.is_set("application");
    if app && !state.leader {
        return Err(Fail::Run("this unit is not the leader".into()));
    }
    let status = Status { status: status.clone(), message: parsed.positionals.get(1).cloned().unwrap_or_default() };
    if app {
        state.app_status = status
    } else {
        state.unit_status = status
    }
    Ok(Out::default())
}

fn status_json(status: &Status) -> Value {
    json!({"status": status.status, "message": status.message, "status-data": {}})
}

fn status_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let flags = with_out(&[
        Flag { names: &["include-data"], kind: Kind::Bool },
        Flag { names: &["application"], kind: Kind::Bool },
    ]);
    let parsed = parse(&flags, call)?;
    no_extras(&parsed.positionals, 0)?;
    let app = parsed.is_set("application");
    if app && !state.leader {
        return Err(Fail::Run("finding application status: this unit is not the leader".into()));
    }
    let value = match (app, parsed.is_set("include-data")) {
        (false, false) => json!(state.unit_status.status),
        (false, true) => status_json(&state.unit_status),
        (true, _) => json!({
            "application-status": status_json(&state.app_status),
            "units": {state.unit.clone(): status_json(&state.unit_status)},
        }),
    };
    output(&parsed, &value, false)
}

fn config_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[Flag { names: &["a", "all"], kind: Kind::Bool }]), call)?;
    let key = parsed.positionals.first();
    if let (Some(key), true) = (key, parsed.is_set("a")) {
        return Err(Fail::Usage(format!("cannot use argument --all together with key {key:?}")));
    }
    no_extras(&parsed.positionals, 1)?;
    let value = match key {
        Some(key) => state.config.get(key).cloned().unwrap_or(Value::Null),
        None => Value::Object(state.config.clone()),
    };
    output(&parsed, &value, false)
}

fn is_leader(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&OUT, call)?;
    no_extras(&parsed.positionals, 0)?;
    output(&parsed, &json!(state.leader), false)
}

/// The relation named by `-r`, or the hook's (`JUJU_RELATION_ID`); Juju's errors otherwise.
pub(crate) fn relation_id(parsed: &Parsed, call: &Call<'_>, state: &State) -> Result<u64> {
    let (text, spelling) = match parsed.value("r") {
        Some(text) => (text.to_owned(), parsed.spelling("r")),
        None => match (call.env)("JUJU_RELATION_ID") {
            Some(text) => (text, "-r".to_owned()),
            None => return Err(Fail::Usage("no relation id specified".into())),
        },
    };
    let number = text.rsplit(':').next().unwrap_or_default();
    let id: i64 = number
        .parse()
        .map_err(|_| Fail::Usage(format!("invalid value {text:?} for flag {spelling}: invalid relation id")))?;
    u64::try_from(id)
        .ok()
        .filter(|id| state.relations.contains_key(id))
        .ok_or_else(|| Fail::Usage(format!("invalid value {text:?} for flag {spelling}: relation not found")))
}

fn relation_ids(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&OUT, call)?;
    no_extras(&parsed.positionals, 1)?;
    let endpoint = match parsed.positionals.first() {
        Some(endpoint) => endpoint.clone(),
        None => (call.env)("JUJU_RELATION").ok_or_else(|| Fail::Usage("no endpoint name specified".into()))?,
    };
    let ids: Vec<Value> = state
        .relations
        .iter()
        .filter(|(_, r)| r.endpoint == endpoint)
        .map(|(id, r)| json!(format!("{}:{id}", r.endpoint)))
        .collect();
    output(&parsed, &Value::Array(ids), false)
}

fn relation_list(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[RELATION, Flag { names: &["app"], kind: Kind::Bool }]), call)?;
    let id = relation_id(&parsed, call, state)?;
    no_extras(&parsed.positionals, 0)?;
    let relation = &state.relations[&id];
    let value = if parsed.is_set("app") { json!(relation.remote_app) } else { json!(relation.units) };
    output(&parsed, &value, false)
}

fn is_app_name(name: &str) -> bool {
    let mut parts = name.split('-');
    let first = parts.next().unwrap_or_default();
    let first_ok = first.starts_with(|c: char| c.is_ascii_lowercase())
        && first.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && parts.all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && p.chars().any(|c| c.is_ascii_lowercase())
        })
}

/// `name/N` with `N` a number without leading zeros: unit names and storage ids alike.
fn is_indexed_name(text: &str) -> bool {
    text.split_once('/').is_some_and(|(name, n)| {
        is_app_name(name)
            && (n == "0" || (!n.starts_with('0') && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())))
    })
}

fn relation_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[RELATION, Flag { names: &["app"], kind: Kind::Bool }]), call)?;
    let id = relation_id(&parsed, call, state)?;
    no_extras(&parsed.positionals, 2)?;
    let key = parsed.positionals.first().map(String::as_str).unwrap_or("-");
    let (member, mut app) = match parsed.positionals.get(1) {
        Some(member) => (member.clone(), parsed.is_set("app")),
        None => match ((call.env)("JUJU_REMOTE_UNIT"), (call.env)("JUJU_REMOTE_APP")) {
            (Some(unit), _) => (unit, parsed.is_set("app")),
            (None, Some(app)) => (app, true),
            (None, None) => return Err(Fail::Usage("no unit or application specified".into())),
        },
    };
    let member = if app {
        member.split_once('/').map_or(member.clone(), |(a, _)| a.to_owned())
    } else if is_indexed_name(&member) {
        member
    } else if is_app_name(&member) {
        return Err(Fail::Usage(format!("expected unit name, got application name {member:?}")));
    } else {
        return Err(Fail::Usage(format!("invalid unit name {member:?}")));
    };
    app = app || !member.contains('/');
    let relation = &state.relations[&id];
    if app && member == state.app() && !state.leader && !relation.peer {
        return Err(Fail::Run("permission denied".into()));
    }
    let bag = relation.data.get(&member).cloned().unwrap_or_default();
    let value = if key == "-" { json!(bag) } else { bag.get(key).map_or(Value::Null, |v| json!(v)) };
    output(&parsed, &value, false)
}

/// `key=value` arguments as Juju reads them (relation-set, state-set).
fn key_values(args: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for arg in args.iter().filter(|a| !a.is_empty()) {
        let (key, value) =
            arg.split_once('=').ok_or_else(|| Fail::Usage(format!("expected \"key=value\", got {arg:?}")))?;
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            return Err(Fail::Usage(format!("expected \"key=value\", got {arg:?}")));
        }
        if out.insert(key.to_owned(), value.to_owned()).is_some() {
            return Err(Fail::Usage(format!("key {key:?} specified more than once")));
        }
    }
    Ok(out)
}

/// The `--file` map (`-` is stdin): YAML, of which JSON is a part; values must be strings.
fn file_map(parsed: &Parsed, call: &Call<'_>) -> Result<BTreeMap<String, String>> {
    let Some(file) = parsed.value("file") else { return Ok(BTreeMap::new()) };
    let text = if file == "-" {
        call.stdin.unwrap_or_default().to_owned()
    } else {
        std::fs::read_to_string(file).map_err(|e| Fail::Run(format!("cannot read {file:?}: {e}")))?
    };
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    serde_yaml::from_str::<Option<BTreeMap<String, String>>>(&text)
        .map(Option::unwrap_or_default)
        .map_err(|e| Fail::Run(format!("cannot parse settings: {e}")))
}

fn relation_set(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let flags = [
        RELATION,
        Flag { names: &["file"], kind: Kind::Value },
        Flag { names: &["app"], kind: Kind::Bool },
        Flag { names: &["format"], kind: Kind::Value },
    ];
    let parsed = parse(&flags, call)?;
    let id = relation_id(&parsed, call, state)?;
    let args = key_values(&parsed.positionals)?;
    let mut settings = file_map(&parsed, call)?;
    settings.extend(args);
    let app = parsed.is_set("app");
    if app && !state.leader {
        return Err(Fail::Run("cannot write relation settings".into()));
    }
    let member = if app { state.app().to_owned() } else { state.unit.clone() };
    let relation = state.relations.get_mut(&id).ok_or_else(|| Fail::Run("relation not found".into()))?;
    let bag = relation.data.entry(member).or_default();
    for (key, value) in settings {
        if value.is_empty() {
            bag.remove(&key);
        } else {
            bag.insert(key, value);
        }
    }
    Ok(stderr_note(deprecated_format(&parsed, "relation-set")))
}

fn relation_model_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[RELATION]), call)?;
    let id = relation_id(&parsed, call, state)?;
    no_extras(&parsed.positionals, 0)?;
    output(&parsed, &json!({"uuid": state.relations[&id].remote_model_uuid}), false)
}

fn running_action<'s>(call: &Call<'_>, state: &'s mut State) -> Result<&'s mut crate::state::Action> {
    match ((call.env)("JUJU_ACTION_NAME"), state.action.as_mut()) {
        (Some(_), Some(action)) => Ok(action),
        _ => Err(Fail::Run("not running an action".into())),
    }
}

fn action_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&OUT, call)?;
    no_extras(&parsed.positionals, 1)?;
    let action = running_action(call, state)?;
    let mut value = Value::Object(action.params.clone());
    if let Some(path) = parsed.positionals.first() {
        for part in path.split('.') {
            value = value.get(part).cloned().unwrap_or(Value::Null);
        }
    }
    output(&parsed, &value, false)
}

fn valid_action_key(key: &str) -> bool {
    key.split('.').all(|part| {
        let edge = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        part.starts_with(edge) && part.ends_with(edge) && part.chars().all(|c| edge(c) || c == '-')
    })
}

fn action_set(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[], call)?;
    let mut results = Vec::new();
    for arg in &parsed.positionals {
        let (key, value) = arg
            .split_once('=')
            .ok_or_else(|| Fail::Usage(format!("argument {arg:?} must be of the form key...=value")))?;
        if !valid_action_key(key) {
            return Err(Fail::Usage(format!(
                "key {key:?} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods"
            )));
        }
        if ["stdout", "stdout-encoding", "stderr", "stderr-encoding"].contains(&key) {
            return Err(Fail::Usage(format!("cannot set reserved action key {key:?}")));
        }
        results.push((key.to_owned(), value.to_owned()));
    }
    running_action(call, state)?.results.extend(results);
    Ok(Out::default())
}

fn action_log(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[], call)?;
    if parsed.positionals.is_empty() {
        return Err(Fail::Usage("no message specified".into()));
    }
    running_action(call, state)?.logs.push(parsed.positionals.join(" "));
    Ok(Out::default())
}

fn action_fail(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[], call)?;
    no_extras(&parsed.positionals, 1)?;
    let message = parsed
        .positionals
        .first()
        .cloned()
        .unwrap_or_else(|| "action failed without reason given, check action for errors".to_owned());
    running_action(call, state)?.failed = Some(message);
    Ok(Out::default())
}

fn application_version_set(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[], call)?;
    let version = parsed.positionals.first().ok_or_else(|| Fail::Usage("no version specified".into()))?;
    no_extras(&parsed.positionals, 1)?;
    state.workload_version = version.clone();
    Ok(Out::default())
}

fn goal_state(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&OUT, call)?;
    no_extras(&parsed.positionals, 0)?;
    let units: Map<String, Value> = if state.goal_units.is_empty() {
        Map::from_iter([(state.unit.clone(), json!({"status": "active", "since": "2026-11-24 00:00:00Z"}))])
    } else {
        state
            .goal_units
            .iter()
            .map(|(u, s)| (u.clone(), json!({"status": s, "since": "2026-11-24 00:00:00Z"})))
            .collect()
    };
    output(&parsed, &json!({"units": units, "relations": {}}), true)
}

fn storage_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[Flag { names: &["s"], kind: Kind::Value }]), call)?;
    let id = match parsed.value("s") {
        Some(id) if !is_indexed_name(id) => {
            return Err(Fail::Usage(format!("invalid value {id:?} for flag -s: invalid storage ID {id:?}")));
        }
        Some(id) => id.to_owned(),
        None => (call.env)("JUJU_STORAGE_ID").ok_or_else(|| Fail::Usage("no storage instance specified".into()))?,
    };
    no_extras(&parsed.positionals, 1)?;
    let storage = state
        .storage
        .get(&id)
        .ok_or_else(|| Fail::Usage(format!("invalid value {id:?} for flag -s: storage instance {id:?} not found")))?;
    let value = match parsed.positionals.first().map(String::as_str) {
        None => json!({"kind": storage.kind, "location": storage.location}),
        Some("kind") => json!(storage.kind),
        Some("location") => json!(storage.location),
        Some(other) => return Err(Fail::Run(format!("invalid storage attribute {other:?}"))),
    };
    output(&parsed, &value, false)
}

fn storage_list(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&OUT, call)?;
    no_extras(&parsed.positionals, 1)?;
    let name = parsed.positionals.first();
    let ids: Vec<&String> =
        state.storage.keys().filter(|id| name.is_none_or(|n| id.split('/').next() == Some(n))).collect();
    output(&parsed, &json!(ids), false)
}

/// `80`, `80/tcp`, `1000-2000/udp`, `icmp`: Juju's port syntax, normalised.
fn parse_port(text: &str) -> Result<String> {
    let text = text.to_lowercase();
    if text == "icmp" {
        return Ok(text);
    }
    let (range, protocol) = text.split_once('/').unwrap_or((&text, "tcp"));
    if !["tcp", "udp", "icmp"].contains(&protocol) {
        return Err(Fail::Usage(format!("invalid protocol {protocol:?}, expected \"tcp\", \"udp\", or \"icmp\"")));
    }
    if protocol == "icmp" {
        return Err(Fail::Usage(format!("protocol \"icmp\" doesn't support any ports; got {range:?}")));
    }
    let number = |s: &str| -> Result<i64> {
        s.parse::<i64>()
            .map_err(|_| Fail::Usage(format!("invalid port {s:?}: strconv.Atoi: parsing {s:?}: invalid syntax")))
    };
    let parts: Vec<&str> = range.split('-').collect();
    let (from, to) = match parts.as_slice() {
        [one] => (number(one)?, number(one)?),
        [from, to] => (number(from)?, number(to)?),
        _ => return Err(Fail::Usage(format!("invalid port range {range:?}"))),
    };
    if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) {
        return Err(Fail::Usage(format!("port range bounds must be between 0 and 65535, got {from}-{to}")));
    }
    if from > to {
        return Err(Fail::Usage(format!("invalid port range {from}-{to}/{protocol}")));
    }
    Ok(if from == to { format!("{from}/{protocol}") } else { format!("{from}-{to}/{protocol}") })
}

fn port(call: &Call<'_>, state: &mut State, open: bool) -> Result<Out> {
    let flags = [Flag { names: &["endpoints"], kind: Kind::Value }, Flag { names: &["format"], kind: Kind::Value }];
    let parsed = parse(&flags, call)?;
    let text = parsed.positionals.first().ok_or_else(|| Fail::Usage("no port or range specified".into()))?;
    no_extras(&parsed.positionals, 1)?;
    let port = parse_port(text)?;
    if open {
        state.ports.insert(port);
    } else {
        state.ports.remove(&port);
    }
    Ok(stderr_note(deprecated_format(&parsed, if open { "open-port" } else { "close-port" })))
}

fn opened_ports(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[Flag { names: &["endpoints"], kind: Kind::Bool }]), call)?;
    no_extras(&parsed.positionals, 0)?;
    output(&parsed, &json!(state.ports), false)
}

fn resource_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[], call)?;
    let name = parsed.positionals.first().ok_or_else(|| Fail::Usage("missing required resource name".into()))?;
    no_extras(&parsed.positionals, 1)?;
    // resource-get prints the path with no trailing newline.
    state
        .resources
        .get(name)
        .cloned()
        .map(Out::stdout)
        .ok_or_else(|| Fail::Run(format!("could not download resource {name:?}")))
}

fn state_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[Flag { names: &["strict"], kind: Kind::Bool }]), call)?;
    no_extras(&parsed.positionals, 1)?;
    let value = match parsed.positionals.first().map(String::as_str) {
        None | Some("-") => json!(state.kv),
        Some(key) => match state.kv.get(key) {
            Some(v) => json!(v),
            None if parsed.is_set("strict") => return Err(Fail::Run(format!("{key:?} not found"))),
            None => Value::Null,
        },
    };
    output(&parsed, &value, false)
}

fn state_set(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[Flag { names: &["file"], kind: Kind::Value }], call)?;
    let args = key_values(&parsed.positionals)?;
    let mut settings = file_map(&parsed, call)?;
    settings.extend(args);
    state.kv.extend(settings);
    Ok(Out::default())
}

fn state_delete(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[], call)?;
    no_extras(&parsed.positionals, 1)?;
    if let Some(key) = parsed.positionals.first() {
        state.kv.remove(key);
    }
    Ok(Out::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(parse_port("80").unwrap(), "80/tcp");
        assert_eq!(parse_port("1000-2000/UDP").unwrap(), "1000-2000/udp");
        assert_eq!(parse_port("icmp").unwrap(), "icmp");
        let err = |s| match parse_port(s) {
            Err(Fail::Usage(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(err("90-80/tcp"), "invalid port range 90-80/tcp");
        assert_eq!(err("0-70000"), "port range bounds must be between 0 and 65535, got 0-70000");
        assert_eq!(err("80/sctp"), r#"invalid protocol "sctp", expected "tcp", "udp", or "icmp""#);
        assert_eq!(err("x"), r#"invalid port "x": strconv.Atoi: parsing "x": invalid syntax"#);
        assert_eq!(err("1-2-3"), r#"invalid port range "1-2-3""#);
    }

    #[test]
    fn names() {
        assert!(is_app_name("foo-1a") && !is_app_name("foo-1") && !is_app_name("Foo"));
        assert!(
            is_indexed_name("pg/0") && is_indexed_name("pg/12") && !is_indexed_name("pg/01") && !is_indexed_name("pg")
        );
    }

    #[test]
    fn smart_output() {
        assert_eq!(smart(&json!(true)), "True\n");
        assert_eq!(smart(&json!(["a", "b"])), "a\nb\n");
        assert_eq!(smart(&json!("")), "");
    }
}
