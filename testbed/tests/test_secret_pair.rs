//! The secret-pair example's two real binaries, run as Juju runs them against the strict fake
//! `secret-*` tools: the keeper creates an application secret, grants it over the relation
//! and rotates it; the consumer reads it by the id in relation data and follows the new
//! revision. Each unit has its own fake Juju; the test plays the controller between them,
//! copying relation data and making granted revisions visible to the consumer.

mod common;

use std::path::Path;
use std::process::Output;

use common::TOOL;
use juju_ops_testbed::state::Relation;
use juju_ops_testbed::{FakeJuju, State, ToolCall, secret_tools};

const KEEPER: &str = env!("CARGO_BIN_EXE_keeper-dispatch");
const CONSUMER: &str = env!("CARGO_BIN_EXE_consumer-dispatch");

/// The relation both sides see, id 7 on each (Juju gives both ends one id).
const RELATION_ID: u64 = 7;

fn unit(name: &str, remote_app: &str, remote_unit: &str) -> FakeJuju {
    let relation = Relation {
        endpoint: "credentials".into(),
        remote_app: remote_app.into(),
        units: vec![remote_unit.into()],
        ..Relation::default()
    };
    let state = State {
        unit: name.into(),
        leader: true,
        relations: [(RELATION_ID, relation)].into_iter().collect(),
        ..State::default()
    };
    FakeJuju::new(Path::new(TOOL), &state).unwrap()
}

fn run(juju: &FakeJuju, charm: &str, unit: &str, path: &str, vars: &[(&str, &str)]) -> Output {
    juju.clear_calls();
    let mut command = juju.command(Path::new(charm));
    command.env("JUJU_UNIT_NAME", unit).env("JUJU_DISPATCH_PATH", path);
    if let Some(hook) = path.strip_prefix("hooks/") {
        command.env("JUJU_HOOK_NAME", hook);
    }
    command.envs(vars.iter().copied());
    let out = command.output().unwrap();
    assert!(out.status.success(), "{path} on {unit} failed: {}", String::from_utf8_lossy(&out.stderr));
    for call in juju.calls() {
        assert_eq!(call.exit, 0, "the fake Juju rejected {}", call.line());
    }
    out
}

fn relation_vars(remote: &str) -> Vec<(&'static str, String)> {
    vec![
        ("JUJU_RELATION", "credentials".to_owned()),
        ("JUJU_RELATION_ID", format!("credentials:{RELATION_ID}")),
        ("JUJU_REMOTE_APP", remote.split('/').next().unwrap().to_owned()),
        ("JUJU_REMOTE_UNIT", remote.to_owned()),
    ]
}

fn borrowed<'v>(vars: &'v [(&'static str, String)]) -> Vec<(&'static str, &'v str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// What the controller does between the two units: the keeper's app databag reaches the
/// consumer, and the granted secret's revisions become visible to it.
fn deliver(keeper: &FakeJuju, consumer: &FakeJuju, secret: &str) {
    let owner = keeper.state();
    let mut observer = consumer.state();
    let bag = owner.relations[&RELATION_ID].data.get("keeper").cloned().unwrap_or_default();
    observer.relations.get_mut(&RELATION_ID).unwrap().data.insert("keeper".into(), bag);
    secret_tools::share(&owner, &mut observer, secret);
    consumer.set_state(&observer);
}

/// No call's arguments or stdin, no log line and no stderr holds a password.
fn assert_no_password(calls: &[ToolCall], out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    for call in calls {
        let text = format!("{} {}", call.line(), call.stdin.as_deref().unwrap_or(""));
        assert!(!text.contains("pw-"), "a password reached a hook tool's command line or stdin: {text}");
    }
    assert!(!stderr.contains("pw-"), "a password reached stderr: {stderr}");
}

fn calls_to<'c>(calls: &'c [ToolCall], tool: &str) -> Vec<&'c ToolCall> {
    calls.iter().filter(|c| c.tool == tool).collect()
}

#[test]
fn keeper_and_consumer_hand_over_and_rotate_a_secret() {
    let keeper = unit("keeper/0", "consumer", "consumer/0");
    let consumer = unit("consumer/0", "keeper", "keeper/0");

    // install: the leader adds an application secret, its content through 0600 files.
    let out = run(&keeper, KEEPER, "keeper/0", "hooks/install", &[]);
    let calls = keeper.calls();
    assert_no_password(&calls, &out);
    let [add] = calls_to(&calls, "secret-add")[..] else { panic!("one secret-add: {calls:?}") };
    let (flags, content) = add.args.split_at(6);
    assert_eq!(flags, ["--label", "admin", "--rotate", "daily", "--owner", "application"]);
    assert_eq!(content.len(), 2, "{content:?}");
    for (arg, key) in content.iter().zip(["password", "username"]) {
        let path = arg.strip_prefix(&format!("{key}#file=")).unwrap_or_else(|| panic!("{arg} is not {key}#file=…"));
        assert!(!Path::new(path).exists(), "the content file {path} outlived the call");
    }
    let state = keeper.state();
    let (unique, secret) = state.secrets.iter().next().expect("the keeper owns a secret");
    assert_eq!(secret.owner, "application");
    assert_eq!(secret.revisions[&1]["username"], "admin");
    assert!(secret.revisions[&1]["password"].starts_with("pw-1-"));
    let id = format!("secret:{unique}");

    // relation-joined: the grant, then the id in the application databag.
    let vars = relation_vars("consumer/0");
    let out = run(&keeper, KEEPER, "keeper/0", "hooks/credentials-relation-joined", &borrowed(&vars));
    let calls = keeper.calls();
    assert_no_password(&calls, &out);
    let lines: Vec<String> = calls.iter().filter(|c| c.tool.starts_with("secret-")).map(ToolCall::line).collect();
    assert_eq!(lines.last().unwrap(), &format!("secret-grant --relation {RELATION_ID} {id}"));
    let state = keeper.state();
    assert_eq!(state.secrets[unique].grants[&RELATION_ID].iter().collect::<Vec<_>>(), ["consumer"]);
    assert_eq!(state.relations[&RELATION_ID].data["keeper"]["secret-id"], id);

    // The consumer reads it by id, labels it, and uses it.
    deliver(&keeper, &consumer, &id);
    let vars = relation_vars("keeper/0");
    let out = run(&consumer, CONSUMER, "consumer/0", "hooks/credentials-relation-changed", &borrowed(&vars));
    let calls = consumer.calls();
    assert_no_password(&calls, &out);
    let [get] = calls_to(&calls, "secret-get")[..] else { panic!("one secret-get: {calls:?}") };
    assert_eq!(get.line(), format!("secret-get --format=json {id} --label admin"));
    let state = consumer.state();
    assert_eq!(
        (state.unit_status.status.as_str(), state.unit_status.message.as_str()),
        ("active", "connected as admin")
    );
    assert_eq!(state.secrets[unique].label.as_deref(), Some("admin"));

    // secret-rotate on the keeper: a new revision, by id.
    let secret_vars = [("JUJU_SECRET_ID", id.as_str()), ("JUJU_SECRET_LABEL", "admin")];
    let out = run(&keeper, KEEPER, "keeper/0", "hooks/secret-rotate", &secret_vars);
    let calls = keeper.calls();
    assert_no_password(&calls, &out);
    let [set] = calls_to(&calls, "secret-set")[..] else { panic!("one secret-set: {calls:?}") };
    // As ops: `--owner application` always, then the id, then the content as files.
    assert_eq!(set.args[..3], ["--owner", "application", id.as_str()]);
    assert_eq!(set.args.len(), 5, "{:?}", set.args);
    assert!(set.args[3..].iter().all(|a| a.contains("#file=")), "{:?}", set.args);
    let state = keeper.state();
    assert_eq!(state.secrets[unique].revisions.len(), 2);
    assert!(state.secrets[unique].revisions[&2]["password"].starts_with("pw-2-"));

    // secret-changed on the consumer: it refreshes to the new revision.
    deliver(&keeper, &consumer, &id);
    assert_eq!(consumer.state().secrets[unique].tracked, 1, "the consumer still tracks revision 1");
    let out = run(&consumer, CONSUMER, "consumer/0", "hooks/secret-changed", &secret_vars);
    let calls = consumer.calls();
    assert_no_password(&calls, &out);
    let [get] = calls_to(&calls, "secret-get")[..] else { panic!("one secret-get: {calls:?}") };
    assert!(get.args.contains(&"--refresh".to_owned()), "{}", get.line());
    assert_eq!(consumer.state().secrets[unique].tracked, 2);
    assert_eq!(consumer.state().unit_status.message, "connected as admin");

    // secret-remove on the keeper: revision 1 is no longer tracked by anyone.
    let remove_vars = [("JUJU_SECRET_ID", id.as_str()), ("JUJU_SECRET_LABEL", "admin"), ("JUJU_SECRET_REVISION", "1")];
    let out = run(&keeper, KEEPER, "keeper/0", "hooks/secret-remove", &remove_vars);
    let calls = keeper.calls();
    assert_no_password(&calls, &out);
    let lines: Vec<String> = calls.iter().filter(|c| c.tool.starts_with("secret-")).map(ToolCall::line).collect();
    assert_eq!(lines, [format!("secret-remove {id} --revision 1")]);
    let state = keeper.state();
    assert_eq!(state.secrets[unique].removed, [1]);
    assert_eq!(state.secrets[unique].revisions.keys().copied().collect::<Vec<_>>(), [2]);
}

#[test]
fn a_non_leader_keeper_adds_nothing() {
    let keeper = unit("keeper/1", "consumer", "consumer/0");
    let mut state = keeper.state();
    state.leader = false;
    keeper.set_state(&state);
    run(&keeper, KEEPER, "keeper/1", "hooks/install", &[]);
    assert!(calls_to(&keeper.calls(), "secret-add").is_empty());
    assert!(keeper.state().secrets.is_empty());
}

#[test]
fn a_consumer_that_was_not_granted_the_secret_fails_the_hook_without_leaking() {
    let keeper = unit("keeper/0", "consumer", "consumer/0");
    let consumer = unit("consumer/0", "keeper", "keeper/0");
    run(&keeper, KEEPER, "keeper/0", "hooks/install", &[]);
    let vars = relation_vars("consumer/0");
    run(&keeper, KEEPER, "keeper/0", "hooks/credentials-relation-joined", &borrowed(&vars));

    // The id arrives in relation data, but the grant does not (share is never called).
    let owner = keeper.state();
    let mut observer = consumer.state();
    let bag = owner.relations[&RELATION_ID].data["keeper"].clone();
    observer.relations.get_mut(&RELATION_ID).unwrap().data.insert("keeper".into(), bag);
    consumer.set_state(&observer);

    let vars = relation_vars("keeper/0");
    let mut command = consumer.command(Path::new(CONSUMER));
    command
        .env("JUJU_UNIT_NAME", "consumer/0")
        .env("JUJU_DISPATCH_PATH", "hooks/credentials-relation-changed")
        .env("JUJU_HOOK_NAME", "credentials-relation-changed")
        .envs(borrowed(&vars));
    let out = command.output().unwrap();
    assert!(!out.status.success(), "reading a secret that was never granted must fail the hook");
    let log: Vec<String> = calls_to(&consumer.calls(), "juju-log").iter().map(|c| c.line()).collect();
    let error = log.iter().find(|l| l.contains("ERROR")).unwrap_or_else(|| panic!("an ERROR line: {log:?}"));
    assert!(error.contains("not found"), "{error}");
    assert_no_password(&consumer.calls(), &out);
}
