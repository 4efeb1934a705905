//! Stored state and the deferred-event queue at the process level, with both stores:
//! a local file and Juju's controller (`state-get`/`state-set`).

use std::path::Path;
use std::process::Output;

use juju_ops_testbed::{FakeJuju, State};
use serde_json::json;

const LOCAL: &str = env!("CARGO_BIN_EXE_queue-charm");
const CONTROLLER: &str = env!("CARGO_BIN_EXE_queue-charm-controller");
const TOOL: &str = env!("CARGO_BIN_EXE_fake-hook-tool");

fn unit(thing: &str) -> FakeJuju {
    let state = State { config: json!({"thing": thing}).as_object().cloned().unwrap(), ..State::default() };
    FakeJuju::new(Path::new(TOOL), &state).unwrap()
}

fn set_thing(juju: &FakeJuju, thing: &str) {
    let mut state = juju.state();
    state.config.insert("thing".into(), json!(thing));
    juju.set_state(&state);
}

fn run(juju: &FakeJuju, charm: &str, hook: &str) -> Output {
    juju.command(Path::new(charm)).env("JUJU_DISPATCH_PATH", format!("hooks/{hook}")).output().unwrap()
}

fn state_file(juju: &FakeJuju) -> std::path::PathBuf {
    juju.charm_dir().join(".juju-ops-state.json")
}

#[test]
fn a_panic_exits_one_logs_and_leaves_the_state_file_untouched() {
    let juju = unit("x");
    assert!(run(&juju, LOCAL, "config-changed").status.success());
    let before = std::fs::read(state_file(&juju)).unwrap();
    set_thing(&juju, "panic");
    let out = run(&juju, LOCAL, "config-changed");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(state_file(&juju)).unwrap(), before);
    let last = juju.calls().last().unwrap().line();
    assert_eq!(
        last,
        "juju-log --log-level ERROR -- Uncaught error while in charm code: charm code panicked: asked to panic"
    );
}

#[test]
fn a_reboot_now_exits_zero_at_once_and_saves_nothing() {
    let juju = unit("x");
    assert!(run(&juju, LOCAL, "config-changed").status.success());
    let before = std::fs::read(state_file(&juju)).unwrap();
    set_thing(&juju, "reboot-now");
    juju.clear_calls();
    let out = run(&juju, LOCAL, "config-changed");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(state_file(&juju)).unwrap(), before, "the count of this dispatch is not saved");
    let lines: Vec<String> = juju.calls().iter().map(|c| c.line()).collect();
    assert_eq!(lines.last().map(String::as_str), Some("juju-reboot --now"), "{lines:?}");
    assert_eq!(juju.state().reboots, ["now"]);
}

#[test]
fn held_events_queue_once_and_are_released_in_order() {
    let juju = unit("hold");
    assert!(run(&juju, LOCAL, "config-changed").status.success());
    assert!(run(&juju, LOCAL, "update-status").status.success());
    assert!(run(&juju, LOCAL, "update-status").status.success());
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    let queue = saved["deferred"].as_array().unwrap();
    assert_eq!(queue.len(), 1, "an identical event is not queued twice: {queue:?}");
    assert_eq!(queue[0]["observer"], "QueueCharm::on_update_status");
    set_thing(&juju, "go");
    // Deferred events run before the dispatch's own event: still held during this one.
    assert!(run(&juju, LOCAL, "config-changed").status.success());
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    assert_eq!(saved["deferred"].as_array().unwrap().len(), 1);
    assert_eq!(saved["stored"]["counts"], json!({"config_changes": 2, "hold": false}));
    assert!(run(&juju, LOCAL, "update-status").status.success());
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    assert_eq!(saved["deferred"], json!([]));
}

#[test]
fn an_event_whose_observer_is_gone_is_dropped_with_a_warning() {
    let juju = unit("x");
    let doc = json!({"format": "juju-ops/1", "next_sequence": 2, "stored": {},
        "deferred": [{"sequence": 1, "event": "update_status", "observer": "OldCharm::on_update_status", "snapshot": {}}]});
    std::fs::write(state_file(&juju), doc.to_string()).unwrap();
    assert!(run(&juju, LOCAL, "config-changed").status.success());
    let warning = juju.calls().iter().map(|c| c.line()).find(|l| l.contains("WARNING")).unwrap();
    assert_eq!(
        warning,
        "juju-log --log-level WARNING -- Dropping deferred update_status event: its observer OldCharm::on_update_status is no longer registered"
    );
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(state_file(&juju)).unwrap()).unwrap();
    assert_eq!(saved["deferred"], json!([]));
}

#[test]
fn controller_storage_goes_through_state_get_and_state_set() {
    let juju = unit("hold");
    assert!(run(&juju, CONTROLLER, "config-changed").status.success());
    assert!(run(&juju, CONTROLLER, "update-status").status.success());
    assert!(!state_file(&juju).exists(), "nothing is written locally");
    let calls: Vec<String> = juju.calls().iter().map(|c| c.line()).collect();
    assert_eq!(calls[0], "state-get juju-ops-state");
    assert!(calls.contains(&"state-set --file -".to_owned()), "{calls:?}");
    let stored = &juju.state().kv["juju-ops-state"];
    let doc: serde_json::Value = serde_json::from_str(stored).unwrap();
    assert_eq!(doc["stored"]["counts"], json!({"config_changes": 1, "hold": true}));
    assert_eq!(doc["deferred"][0]["observer"], "QueueCharm::on_update_status");
}

#[test]
fn controller_storage_failure_keeps_what_was_stored() {
    let juju = unit("x");
    assert!(run(&juju, CONTROLLER, "config-changed").status.success());
    let before = juju.state().kv.clone();
    set_thing(&juju, "panic");
    assert_eq!(run(&juju, CONTROLLER, "config-changed").status.code(), Some(1));
    assert_eq!(juju.state().kv, before);
}
