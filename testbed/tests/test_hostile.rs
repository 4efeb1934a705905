//! The example charm's binary under hostile input, run as Juju runs it: an environment
//! that is not UTF-8 or not well formed, a damaged or planted state file, hook tools that
//! fail, hang, flood or leave children behind. Each case: a clear error naming what was
//! wrong, nothing already stored lost, no panic, and no relation data in what is logged.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{CHARM, dispatch, fake, installed_unit, leader_with_thing, lines, state_file};
use juju_ops_testbed::FakeJuju;
use juju_ops_testbed::state::{Action, Misbehaviour, Relation};
use serde_json::json;

/// The ERROR line the dispatch logged through juju-log.
fn error_line(juju: &FakeJuju) -> String {
    let lines = lines(juju);
    lines.iter().find(|l| l.starts_with("juju-log --log-level ERROR")).cloned().unwrap_or_else(|| panic!("{lines:?}"))
}

fn assert_failed_without_panic(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

// --- the environment -------------------------------------------------------------------

#[test]
fn a_variable_that_is_not_utf8_and_not_jujus_is_ignored() {
    let juju = fake(leader_with_thing("Rust"));
    let mut command = juju.command(Path::new(CHARM));
    command
        .env("JUJU_DISPATCH_PATH", "hooks/install")
        .env("LC_SOMETHING", OsStr::from_bytes(b"caf\xe9"))
        .env(OsStr::from_bytes(b"NAME_\xff"), "x");
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_juju_variable_that_is_not_utf8_fails_clearly() {
    let juju = installed_unit();
    juju.clear_calls();
    let mut command = juju.command(Path::new(CHARM));
    command
        .env("JUJU_DISPATCH_PATH", "hooks/db-relation-changed")
        .env("JUJU_RELATION", "db")
        .env("JUJU_RELATION_ID", "db:4")
        .env("JUJU_REMOTE_UNIT", OsStr::from_bytes(b"pg/\xff"));
    let out = command.output().unwrap();
    assert_failed_without_panic(&out);
    assert_eq!(
        error_line(&juju),
        "juju-log --log-level ERROR -- Cannot dispatch: environment variable JUJU_REMOTE_UNIT is not valid UTF-8"
    );
}

#[test]
fn a_malformed_relation_id_says_malformed() {
    let juju = installed_unit();
    for bad in ["db:x", "db:-1", "db:99999999999999999999999"] {
        juju.clear_calls();
        let vars = [("JUJU_RELATION", "db"), ("JUJU_RELATION_ID", bad), ("JUJU_REMOTE_APP", "pg")];
        let out = dispatch(&juju, "hooks/db-relation-changed", &vars);
        assert_failed_without_panic(&out);
        let line = error_line(&juju);
        assert!(
            line.ends_with(&format!("JUJU_RELATION_ID={bad:?} is malformed: expected <endpoint>:<number>")),
            "{line}"
        );
    }
}

#[test]
fn a_remote_unit_that_would_be_read_as_a_flag_is_refused() {
    let juju = installed_unit();
    juju.clear_calls();
    let vars = [("JUJU_RELATION", "db"), ("JUJU_RELATION_ID", "db:4"), ("JUJU_REMOTE_UNIT", "--help")];
    let out = dispatch(&juju, "hooks/db-relation-changed", &vars);
    assert_failed_without_panic(&out);
    assert!(error_line(&juju).contains("JUJU_REMOTE_UNIT=\"--help\" is malformed"));
    assert!(!lines(&juju).iter().any(|l| l.starts_with("relation-get")), "nothing was asked of Juju");
}

#[test]
fn a_missing_unit_name_is_a_clear_error() {
    let juju = fake(leader_with_thing("Rust"));
    let out = juju
        .command(Path::new(CHARM))
        .env("JUJU_DISPATCH_PATH", "hooks/install")
        .env_remove("JUJU_UNIT_NAME")
        .output()
        .unwrap();
    assert_failed_without_panic(&out);
    assert_eq!(
        error_line(&juju),
        "juju-log --log-level ERROR -- Cannot dispatch: environment variable JUJU_UNIT_NAME is not set: Juju sets it \
         for every dispatch (is this charm run by Juju?)"
    );
    assert!(!state_file(&juju).exists());
}

#[test]
fn a_dispatch_path_outside_the_charm_is_never_run() {
    use std::os::unix::fs::PermissionsExt;
    let juju = fake(leader_with_thing("Rust"));
    let outside = tempfile::tempdir().unwrap();
    let marker = outside.path().join("ran");
    let script = outside.path().join("install");
    std::fs::write(&script, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hooks = juju.charm_dir().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    let climbing = format!("hooks/../../{}", script.strip_prefix("/").unwrap().display());
    for path in [script.to_str().unwrap(), climbing.as_str()] {
        let _ = dispatch(&juju, path, &[]);
        assert!(!marker.exists(), "{path} was run");
    }
}

// --- the state file --------------------------------------------------------------------

/// Dispatches twice: both fail naming the file, and the file is as it was.
fn assert_every_retry_fails_keeping(juju: &FakeJuju, expected: &[&str]) -> String {
    let path = state_file(juju);
    let before = std::fs::symlink_metadata(&path).ok().map(|m| (m.file_type(), std::fs::read_link(&path).ok()));
    let mut line = String::new();
    for _ in 0..2 {
        juju.clear_calls();
        let started = Instant::now();
        let out = dispatch(juju, "hooks/config-changed", &[]);
        assert!(started.elapsed() < Duration::from_secs(20), "the dispatch blocked");
        assert_failed_without_panic(&out);
        line = error_line(juju);
        assert!(line.contains(&path.display().to_string()), "{line}");
        for part in expected {
            assert!(line.contains(part), "{part:?} missing from {line}");
        }
        assert!(!lines(juju).iter().any(|l| l.starts_with("status-set")), "no handler ran");
        let after = std::fs::symlink_metadata(&path).ok().map(|m| (m.file_type(), std::fs::read_link(&path).ok()));
        assert_eq!(after, before, "the state file was moved or replaced");
    }
    line
}

#[test]
fn a_damaged_file_names_the_previous_generation_to_restore() {
    let juju = installed_unit();
    let mut state = juju.state();
    state.config.insert("thing".into(), json!("Juju"));
    juju.set_state(&state);
    assert!(dispatch(&juju, "hooks/config-changed", &[]).status.success());
    let previous = juju.charm_dir().join(".juju-ops-state.json.prev");
    let good = std::fs::read(&previous).unwrap();
    std::fs::write(state_file(&juju), "{\"format\": \"juju-ops/1\", \"stored\": {\"password\": hunter2").unwrap();
    let line = assert_every_retry_fails_keeping(&juju, &["is corrupt", "To recover", "cp "]);
    assert!(!line.contains("hunter2"), "{line}");
    assert_eq!(std::fs::read(&previous).unwrap(), good, "the kept generation is untouched");
    // Restoring it, as the message says, brings the unit back with its stored state.
    std::fs::copy(&previous, state_file(&juju)).unwrap();
    assert!(dispatch(&juju, "hooks/config-changed", &[]).status.success());
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    assert_eq!(saved["stored"]["stored"]["things"], json!(["Rust", "Juju"]));
}

#[test]
fn a_state_file_from_a_newer_version_is_kept_after_a_downgrade() {
    let juju = installed_unit();
    std::fs::write(state_file(&juju), r#"{"format":"juju-ops/9","stored":{}}"#).unwrap();
    assert_every_retry_fails_keeping(&juju, &["format \"juju-ops/9\"", "downgrade"]);
}

#[test]
fn a_state_file_nested_deeper_than_the_reader_reads_is_kept() {
    let juju = installed_unit();
    let deep = format!("{}1{}", "[".repeat(500), "]".repeat(500));
    std::fs::write(state_file(&juju), format!(r#"{{"format":"juju-ops/1","stored":{{"x":{deep}}}}}"#)).unwrap();
    assert_every_retry_fails_keeping(&juju, &["nests deeper than"]);
}

#[test]
fn a_dangling_symlink_at_the_state_path_is_kept() {
    let juju = installed_unit();
    std::fs::remove_file(state_file(&juju)).unwrap();
    std::os::unix::fs::symlink("/nonexistent/state.json", state_file(&juju)).unwrap();
    assert_every_retry_fails_keeping(&juju, &["is a symbolic link"]);
}

#[test]
fn a_link_to_dev_zero_is_not_read() {
    let juju = installed_unit();
    std::fs::remove_file(state_file(&juju)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", state_file(&juju)).unwrap();
    assert_every_retry_fails_keeping(&juju, &["is a symbolic link"]);
}

#[test]
fn a_fifo_at_the_state_path_does_not_block() {
    let juju = installed_unit();
    std::fs::remove_file(state_file(&juju)).unwrap();
    assert!(Command::new("mkfifo").arg(state_file(&juju)).status().unwrap().success());
    assert_every_retry_fails_keeping(&juju, &["is not a regular file but a FIFO"]);
}

// --- hook tools ------------------------------------------------------------------------

fn related_unit(misbehave: &[(&str, Misbehaviour)]) -> FakeJuju {
    let mut state = leader_with_thing("Rust");
    let mut relation =
        Relation { endpoint: "db".into(), remote_app: "pg".into(), units: vec!["pg/0".into()], ..Relation::default() };
    relation.data.insert("pg".into(), [("endpoints".to_owned(), "pg:5432".to_owned())].into());
    state.relations.insert(4, relation);
    let juju = fake(state);
    assert!(dispatch(&juju, "hooks/install", &[]).status.success());
    let mut state = juju.state();
    state.misbehave = misbehave.iter().map(|(tool, how)| ((*tool).to_owned(), how.clone())).collect();
    juju.set_state(&state);
    juju.clear_calls();
    juju
}

fn relation_changed(juju: &FakeJuju, extra: &[(&str, &str)]) -> Output {
    let mut vars = vec![
        ("JUJU_RELATION", "db"),
        ("JUJU_RELATION_ID", "db:4"),
        ("JUJU_REMOTE_APP", "pg"),
        ("JUJU_REMOTE_UNIT", "pg/0"),
    ];
    vars.extend_from_slice(extra);
    dispatch(juju, "hooks/db-relation-changed", &vars)
}

/// Everything the operator could see: what went to juju-log, and the charm's stderr.
fn everything_logged(juju: &FakeJuju, out: &Output) -> String {
    let logged: Vec<String> = lines(juju).into_iter().filter(|l| l.starts_with("juju-log")).collect();
    format!("{}\n{}", logged.join("\n"), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn relation_data_sent_to_a_failing_relation_set_is_not_logged() {
    let juju = related_unit(&[("relation-set", Misbehaviour::FailLoudly("ERROR permission denied".into()))]);
    let out = relation_changed(&juju, &[]);
    assert_failed_without_panic(&out);
    let sent = juju.calls().into_iter().find(|c| c.tool == "relation-set").unwrap().stdin.unwrap();
    assert_eq!(sent, r#"{"greeting":"Rust"}"#);
    let seen = everything_logged(&juju, &out);
    assert!(seen.contains("relation-set -r db:4 --file -` failed with exit code 1: ERROR permission denied"), "{seen}");
    assert!(!seen.contains("greeting"), "relation data reached the log: {seen}");
}

#[test]
fn relation_data_of_the_wrong_shape_is_not_logged() {
    let garbage = r#"{"password": "hunter2", "port": 54321}"#;
    let juju = related_unit(&[("relation-get", Misbehaviour::Print(garbage.into()))]);
    let out = relation_changed(&juju, &[]);
    assert_failed_without_panic(&out);
    let seen = everything_logged(&juju, &out);
    assert!(
        seen.contains("printed output that could not be read: a value of the wrong kind (expected a string)"),
        "{seen}"
    );
    assert!(!seen.contains("hunter2") && !seen.contains("54321"), "relation data reached the log: {seen}");
}

#[test]
fn a_hanging_tool_is_killed_and_the_hook_fails() {
    let juju = related_unit(&[("config-get", Misbehaviour::Hang)]);
    let started = Instant::now();
    let out = dispatch(&juju, "hooks/config-changed", &[("JUJU_OPS_TOOL_TIMEOUT", "1")]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_failed_without_panic(&out);
    assert!(error_line(&juju).contains("hook tool `config-get --format=json` did not finish within 1 s; killed"));
}

#[test]
fn a_child_left_holding_stdout_does_not_hold_the_dispatch() {
    let juju = related_unit(&[("config-get", Misbehaviour::LeaveChildHoldingStdout)]);
    let started = Instant::now();
    let out = dispatch(&juju, "hooks/config-changed", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() < Duration::from_secs(20), "held for {:?}", started.elapsed());
}

#[test]
fn a_flood_of_output_is_an_error() {
    let juju = related_unit(&[("config-get", Misbehaviour::Flood(65 * 1024 * 1024))]);
    let out = dispatch(&juju, "hooks/config-changed", &[]);
    assert_failed_without_panic(&out);
    assert!(
        error_line(&juju).contains("hook tool `config-get --format=json` printed more than 67108864 bytes; stopped")
    );
}

#[test]
fn an_action_result_that_looks_like_a_flag_reaches_juju_intact() {
    for fortune in ["--help", "-x", "a=b", "line one\nline two", ""] {
        let action = Action {
            name: "fortune".into(),
            params: json!({"fortune": fortune}).as_object().unwrap().clone(),
            ..Action::default()
        };
        let juju = fake(juju_ops_testbed::State { action: Some(action), ..leader_with_thing("Rust") });
        let out = dispatch(&juju, "actions/fortune", &[("JUJU_ACTION_NAME", "fortune"), ("JUJU_ACTION_UUID", "1")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let results = juju.state().action.unwrap().results;
        assert_eq!(results.get("fortune").map(String::as_str), Some(fortune), "{:?}", lines(&juju));
    }
}
