//! The real HelloCharm binary, run as Juju runs it: `dispatch` with `JUJU_DISPATCH_PATH`
//! and the other `JUJU_*` variables, and hook tools on `PATH` that reject what Juju's
//! reject. Checks the exact calls and the exit codes.

mod common;

use std::path::Path;

use common::{CHARM, dispatch, fake, installed_unit, leader_with_thing, lines, state_file};
use juju_ops_testbed::FakeJuju;
use juju_ops_testbed::State;
use juju_ops_testbed::state::{Action, Failure, Relation};
use serde_json::json;

/// Every call must have been accepted by the strict tools.
fn assert_all_accepted(juju: &FakeJuju) {
    for call in juju.calls() {
        assert_eq!(call.exit, 0, "the fake Juju rejected {}", call.line());
    }
}

#[test]
fn install() {
    let juju = fake(leader_with_thing("Rust"));
    let out = dispatch(&juju, "hooks/install", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        lines(&juju),
        [
            "status-set --application=False maintenance -- Installing application packages",
            "application-version-set -- 3.10",
            "status-set --application=False active -- ",
        ]
    );
    assert_all_accepted(&juju);
    let state = juju.state();
    assert_eq!((state.unit_status.status.as_str(), state.workload_version.as_str()), ("active", "3.10"));
}

#[test]
fn config_changed() {
    let juju = fake(leader_with_thing("Rust"));
    let out = dispatch(&juju, "hooks/config-changed", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        lines(&juju),
        [
            "config-get --format=json",
            "juju-log --log-level INFO -- thing is now \"Rust\"",
            "juju-log --log-level DEBUG -- workload container pause at /charm/containers/pause/pebble.socket",
            "status-set --application=False active -- hello, Rust",
        ]
    );
    assert_all_accepted(&juju);
    assert_eq!(juju.state().unit_status.message, "hello, Rust");
}

#[test]
fn fortune_action() {
    let action = Action {
        name: "fortune".into(),
        params: json!({"fortune": "Ship it."}).as_object().unwrap().clone(),
        ..Action::default()
    };
    let juju = fake(State { action: Some(action), ..leader_with_thing("Rust") });
    let out = dispatch(&juju, "actions/fortune", &[("JUJU_ACTION_NAME", "fortune"), ("JUJU_ACTION_UUID", "42")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        lines(&juju),
        ["action-get --format=json", "action-log -- consulting the oracle", "action-set fortune=Ship it."]
    );
    assert_all_accepted(&juju);
    let action = juju.state().action.unwrap();
    assert_eq!(action.results.get("fortune").map(String::as_str), Some("Ship it."));
    assert_eq!(action.failed, None);
}

#[test]
fn update_status() {
    let mut state = leader_with_thing("Rust");
    state.relations.insert(3, Relation { endpoint: "db".into(), remote_app: "pg".into(), ..Relation::default() });
    let juju = fake(state);
    let out = dispatch(&juju, "hooks/update-status", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        lines(&juju),
        [
            "config-get --format=json",
            "relation-ids db --format=json",
            "status-set --application=False active -- hello, Rust (db related)",
        ]
    );
    assert_all_accepted(&juju);
}

#[test]
fn start_as_leader_and_follower() {
    let juju = fake(State {
        goal_units: [("hello/0", "active"), ("hello/1", "active"), ("hello/2", "dying")]
            .map(|(u, s)| (u.to_owned(), s.to_owned()))
            .into(),
        ..leader_with_thing("x")
    });
    assert!(dispatch(&juju, "hooks/start", &[]).status.success());
    let calls = lines(&juju);
    assert_eq!(calls[0], "goal-state --format=json");
    assert_eq!(calls[2], "is-leader --format=json");
    assert_eq!(calls[3], "status-set --application=True active -- 2 unit(s) planned");
    assert_all_accepted(&juju);

    let juju = fake(State { leader: false, ..leader_with_thing("x") });
    assert!(dispatch(&juju, "hooks/start", &[]).status.success());
    assert!(!lines(&juju).iter().any(|c| c.contains("--application=True")));
}

#[test]
fn db_relation_changed_writes_only_changed_keys() {
    let mut state = leader_with_thing("Rust");
    let mut relation =
        Relation { endpoint: "db".into(), remote_app: "pg".into(), units: vec!["pg/0".into()], ..Relation::default() };
    relation.data.insert("pg".into(), [("endpoints".to_owned(), "pg:5432".to_owned())].into());
    relation.data.insert("hello/0".into(), [("greeting".to_owned(), "Rust".to_owned())].into());
    state.relations.insert(4, relation);
    let juju = fake(state);
    assert!(dispatch(&juju, "hooks/install", &[]).status.success());
    juju.clear_calls();
    let vars = [
        ("JUJU_RELATION", "db"),
        ("JUJU_RELATION_ID", "db:4"),
        ("JUJU_REMOTE_APP", "pg"),
        ("JUJU_REMOTE_UNIT", "pg/0"),
    ];
    let out = dispatch(&juju, "hooks/db-relation-changed", &vars);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        lines(&juju),
        [
            "relation-get --format=json -r db:4 --app - pg",
            "juju-log --log-level INFO -- database endpoints: pg:5432",
            "config-get --format=json",
            "relation-get --format=json -r db:4 - hello/0",
            "is-leader --format=json",
            "relation-get --format=json -r db:4 --app - hello",
            "relation-set -r db:4 --app --file -",
        ]
    );
    assert_all_accepted(&juju);
    let calls = juju.calls();
    assert_eq!(calls.last().unwrap().stdin.as_deref(), Some(r#"{"database":"hello"}"#));
    assert_eq!(juju.state().relations[&4].data["hello"]["database"], "hello");
}

/// A unit in relation db:4 with pg, installed, whose `tool` answers as Juju does for a
/// relation that has gone away.
fn unit_whose_relation_is_gone(tool: &str) -> FakeJuju {
    let mut state = leader_with_thing("Rust");
    let relation =
        Relation { endpoint: "db".into(), remote_app: "pg".into(), units: vec!["pg/0".into()], ..Relation::default() };
    state.relations.insert(4, relation);
    let juju = fake(state);
    assert!(dispatch(&juju, "hooks/install", &[]).status.success());
    let mut state = juju.state();
    state.fail.insert(tool.into(), Failure { code: 1, stderr: "ERROR relation 4 not found".into() });
    juju.set_state(&state);
    juju.clear_calls();
    juju
}

const DB_CHANGED: [(&str, &str); 4] =
    [("JUJU_RELATION", "db"), ("JUJU_RELATION_ID", "db:4"), ("JUJU_REMOTE_APP", "pg"), ("JUJU_REMOTE_UNIT", "pg/0")];

#[test]
fn a_relation_that_went_away_reads_as_empty_as_in_ops() {
    let juju = unit_whose_relation_is_gone("relation-get");
    let out = dispatch(&juju, "hooks/db-relation-changed", &DB_CHANGED);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls = lines(&juju);
    assert_eq!(calls[0], "relation-get --format=json -r db:4 --app - pg", "read, found gone, taken as empty");
    assert!(calls.iter().any(|c| c == "relation-set -r db:4 --file -"), "{calls:?}");
}

#[test]
fn writing_to_a_relation_that_went_away_is_relation_not_found() {
    let juju = unit_whose_relation_is_gone("relation-set");
    let out = dispatch(&juju, "hooks/db-relation-changed", &DB_CHANGED);
    assert_eq!(out.status.code(), Some(1));
    let last = lines(&juju).pop().unwrap();
    assert!(last.ends_with("failed on the db_relation_changed event: relation db:4 not found"), "{last}");
}

#[test]
fn a_failing_hook_tool_fails_the_hook_with_its_stderr_logged() {
    let mut state = leader_with_thing("Rust");
    state
        .fail
        .insert("config-get".into(), Failure { code: 1, stderr: "ERROR connection to the unit agent lost".into() });
    let juju = fake(state);
    let out = dispatch(&juju, "hooks/config-changed", &[]);
    assert_eq!(out.status.code(), Some(1));
    let calls = lines(&juju);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[1],
        "juju-log --log-level ERROR -- Uncaught error while in charm code: handler HelloCharm::on_config_changed \
         failed on the config_changed event: hook tool `config-get --format=json` failed with exit code 1: \
         ERROR connection to the unit agent lost"
    );
}

#[test]
fn a_config_value_of_the_wrong_type_fails_with_a_clear_error() {
    let mut state = leader_with_thing("x");
    state.config.insert("thing".into(), json!(42));
    let juju = fake(state);
    let out = dispatch(&juju, "hooks/config-changed", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        lines(&juju)[1].ends_with("invalid config: config option `thing`: expected a string, got 42"),
        "{:?}",
        lines(&juju)
    );
    assert_eq!(juju.state().unit_status.status, "unknown", "nothing was set");
}

#[test]
fn an_unknown_event_emits_nothing_and_exits_zero() {
    let juju = fake(leader_with_thing("x"));
    let out = dispatch(&juju, "hooks/not-a-real-hook", &[]);
    assert!(out.status.success());
    assert_eq!(lines(&juju), ["juju-log --log-level DEBUG -- Event not_a_real_hook not defined for hello."]);
}

#[test]
fn the_charm_calling_itself_exits_at_once() {
    let juju = fake(leader_with_thing("x"));
    let mut command = juju.command(Path::new(CHARM));
    let out = command.env("JUJU_DISPATCH_PATH", "hooks/install").env("OPERATOR_DISPATCH", "1").output().unwrap();
    assert!(out.status.success());
    assert!(juju.calls().is_empty());
}

#[test]
fn a_legacy_hook_runs_first_and_its_failure_stops_the_dispatch() {
    use std::os::unix::fs::PermissionsExt;
    let juju = fake(leader_with_thing("x"));
    let hooks = juju.charm_dir().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    let script = hooks.join("install");
    std::fs::write(&script, "#!/bin/sh\nstatus-set maintenance legacy\nexit 3\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = dispatch(&juju, "hooks/install", &[]);
    assert_eq!(out.status.code(), Some(3));
    let calls = lines(&juju);
    assert!(calls[0].starts_with("juju-log --log-level WARNING -- Legacy hooks/install exists"), "{calls:?}");
    assert_eq!(calls[1], "status-set maintenance legacy");
    assert!(!calls.iter().any(|c| c.contains("Installing application packages")));
}

#[test]
fn the_action_tools_refuse_outside_an_action() {
    let juju = fake(leader_with_thing("x"));
    let mut command = std::process::Command::new(juju.bin_dir().join("action-log"));
    let out = command.env("FAKE_JUJU_STATE", juju.state_path()).arg("hi").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "ERROR not running an action\n");
}

#[test]
fn an_unchanged_state_is_not_written_again() {
    let juju = installed_unit();
    let modified = std::fs::metadata(state_file(&juju)).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(dispatch(&juju, "hooks/config-changed", &[]).status.success());
    assert_eq!(std::fs::metadata(state_file(&juju)).unwrap().modified().unwrap(), modified);
}

#[test]
fn stored_state_persists_between_dispatches_in_a_0600_file() {
    use std::os::unix::fs::PermissionsExt;
    let juju = installed_unit();
    let mut state = juju.state();
    state.config.insert("thing".into(), json!("Juju"));
    juju.set_state(&state);
    assert!(dispatch(&juju, "hooks/config-changed", &[]).status.success());
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    assert_eq!(saved["format"], "juju-ops/1");
    assert_eq!(saved["stored"]["stored"], json!({"installed": true, "things": ["Rust", "Juju"]}));
    let mode = std::fs::metadata(state_file(&juju)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_deferred_event_is_replayed_first_in_the_next_dispatch() {
    let mut state = leader_with_thing("Rust");
    let relation =
        Relation { endpoint: "db".into(), remote_app: "pg".into(), units: vec!["pg/0".into()], ..Relation::default() };
    state.relations.insert(4, relation);
    let juju = fake(state);
    let vars = [
        ("JUJU_RELATION", "db"),
        ("JUJU_RELATION_ID", "db:4"),
        ("JUJU_REMOTE_APP", "pg"),
        ("JUJU_REMOTE_UNIT", "pg/0"),
    ];
    assert!(dispatch(&juju, "hooks/db-relation-changed", &vars).status.success());
    assert!(lines(&juju).contains(&"juju-log --log-level INFO -- not installed yet; deferring db:4".to_owned()));
    assert!(dispatch(&juju, "hooks/install", &[]).status.success());
    juju.clear_calls();
    // The replay happens with update-status's environment: no relation variables at all.
    assert!(dispatch(&juju, "hooks/update-status", &[]).status.success());
    let calls = lines(&juju);
    // The deferred handler runs first (announced at DEBUG, as ops does), then update-status's own.
    assert_eq!(
        calls[..4],
        [
            "juju-log --log-level DEBUG -- Re-emitting deferred event db_relation_changed for \
             HelloCharm::on_db_relation_changed (1 of 1 in queue).",
            "config-get --format=json",
            "relation-get --format=json -r db:4 - hello/0",
            "relation-set -r db:4 --file -"
        ]
    );
    assert_eq!(calls.last().unwrap(), "status-set --application=False active -- hello, Rust (db related)");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    assert_eq!(saved["deferred"], json!([]));
}

/// Runs a dispatch that fails in `how`, and checks the state file is byte for byte as before.
fn assert_failure_keeps_state(juju: &FakeJuju, vars: &[(&str, &str)]) {
    let before = std::fs::read(state_file(juju)).unwrap();
    let out = dispatch(juju, "hooks/config-changed", vars);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(state_file(juju)).unwrap(), before);
}

#[test]
fn a_handler_error_leaves_the_state_file_untouched() {
    let juju = installed_unit();
    let mut state = juju.state();
    state.config.insert("thing".into(), json!(42));
    juju.set_state(&state);
    assert_failure_keeps_state(&juju, &[]);
}

#[test]
fn a_failing_hook_tool_after_state_changes_leaves_the_state_file_untouched() {
    let juju = installed_unit();
    let mut state = juju.state();
    state.config.insert("thing".into(), json!("Changed"));
    state.fail.insert("status-set".into(), Failure { code: 1, stderr: "ERROR agent gone".into() });
    juju.set_state(&state);
    // config-changed has already recorded "Changed" in stored state when status-set fails.
    assert_failure_keeps_state(&juju, &[]);
}

#[test]
fn a_hook_tool_printing_garbage_leaves_the_state_file_untouched() {
    let juju = installed_unit();
    let mut state = juju.state();
    // config-get "succeeds" with no output, which is not JSON: a typed error, not a panic.
    // (A panic in charm code: tests/test_unit_state.rs.)
    state.fail.insert("config-get".into(), Failure { code: 0, stderr: String::new() });
    juju.set_state(&state);
    assert_failure_keeps_state(&juju, &[]);
}

#[test]
fn a_kill_in_the_middle_of_the_dispatch_leaves_the_state_file_untouched() {
    use juju_ops_testbed::state::Misbehaviour;
    let juju = installed_unit();
    let before = std::fs::read(state_file(&juju)).unwrap();
    // A new value of `thing` is recorded in stored state before status-set, which hangs:
    // the charm is killed with its new state in memory, before the write.
    let mut state = juju.state();
    state.config.insert("thing".into(), json!("Changed"));
    state.misbehave.insert("status-set".into(), Misbehaviour::Hang);
    juju.set_state(&state);
    let mut command = juju.command(Path::new(CHARM));
    let mut child = command
        .env("JUJU_DISPATCH_PATH", "hooks/config-changed")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // install already called status-set once: wait for this dispatch's call.
    let status_sets = || juju.calls().iter().filter(|c| c.tool == "status-set").count();
    let before_calls = status_sets();
    let hung = (0..1000).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        status_sets() > before_calls
    });
    child.kill().unwrap();
    assert!(hung, "the charm never reached status-set");
    let status = child.wait().unwrap();
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9));
    assert_eq!(std::fs::read(state_file(&juju)).unwrap(), before);
    // The next dispatch goes through.
    let mut state = juju.state();
    state.misbehave.clear();
    juju.set_state(&state);
    assert!(dispatch(&juju, "hooks/config-changed", &[]).status.success());
}

#[test]
fn a_fifo_planted_at_the_temporary_path_does_not_block_the_write() {
    let juju = installed_unit();
    let mut state = juju.state();
    state.config.insert("thing".into(), json!("Changed"));
    juju.set_state(&state);
    let temp = juju.charm_dir().join(".juju-ops-state.json.tmp");
    assert!(Command::new("mkfifo").arg(&temp).status().unwrap().success());
    let out = dispatch(&juju, "hooks/config-changed", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!temp.exists());
    assert!(std::fs::read_to_string(state_file(&juju)).unwrap().contains("Changed"));
}

use std::process::Command;

#[test]
fn a_corrupt_state_file_is_named_left_in_place_and_every_retry_fails_the_same_way() {
    let juju = installed_unit();
    std::fs::write(state_file(&juju), "{ half a document").unwrap();
    for _ in 0..2 {
        juju.clear_calls();
        let out = dispatch(&juju, "hooks/config-changed", &[]);
        assert_eq!(out.status.code(), Some(1));
        let error = lines(&juju).into_iter().find(|c| c.contains("--log-level ERROR")).unwrap();
        assert!(error.contains(".juju-ops-state.json is corrupt"), "{error}");
        assert!(error.contains("To recover"), "{error}");
        assert_eq!(std::fs::read_to_string(state_file(&juju)).unwrap(), "{ half a document");
    }
}

#[test]
fn pebble_ready_configures_the_workload_over_the_real_socket() {
    use juju_ops_testbed::fake_pebble::FakePebble;
    let pebble = FakePebble::start_for_container("pause").unwrap();
    let juju = fake(leader_with_thing("Rust"));
    let dir = pebble.containers_dir().to_str().unwrap().to_owned();
    let vars = [("JUJU_WORKLOAD_NAME", "pause"), ("JUJU_OPS_CONTAINERS_DIR", dir.as_str())];
    let out = dispatch(&juju, "hooks/pause-pebble-ready", &vars);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let world = pebble.world();
    assert_eq!(world.files.get("/etc/hello/greeting"), Some(&Some("hello, Rust\n".to_owned())));
    assert!(world.running.contains("pause"));
    let paths: Vec<&str> = world.requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/v1/files", "/v1/layers", "/v1/services", "/v1/changes/1/wait?timeout=4.000s"]);
    assert_eq!(lines(&juju).last().unwrap(), "status-set --application=False active -- hello, Rust");
}

#[test]
fn pebble_ready_defers_when_the_socket_is_gone() {
    let juju = fake(leader_with_thing("Rust"));
    let empty = tempfile::tempdir().unwrap();
    let vars = [("JUJU_WORKLOAD_NAME", "pause"), ("JUJU_OPS_CONTAINERS_DIR", empty.path().to_str().unwrap())];
    let out = dispatch(&juju, "hooks/pause-pebble-ready", &vars);
    assert!(out.status.success());
    assert!(lines(&juju).contains(&"juju-log --log-level INFO -- Pebble in pause went away; deferring".to_owned()));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    assert_eq!(saved["deferred"][0]["observer"], "HelloCharm::on_pause_pebble_ready");
    assert_eq!(saved["deferred"][0]["snapshot"], json!({"workload_name": "pause"}));
}
