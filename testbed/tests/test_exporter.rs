//! The exporter, a subordinate machine charm, run as Juju runs it against the strict fake
//! tools: network-get through its relation's binding, the prometheus_scrape databags on
//! the wire, a reboot after the hook, and storage asked for from an action.

use std::path::Path;
use std::process::Output;

use juju_ops_testbed::state::{Action, Relation};
use juju_ops_testbed::{FakeJuju, State};
use serde_json::json;

const EXPORTER: &str = env!("CARGO_BIN_EXE_exporter-dispatch");
const TOOL: &str = env!("CARGO_BIN_EXE_fake-hook-tool");

fn machine(leader: bool) -> FakeJuju {
    let scraper = Relation {
        endpoint: "metrics-endpoint".into(),
        remote_app: "prometheus".into(),
        units: vec!["prometheus/0".into()],
        ..Relation::default()
    };
    let mut state = State {
        unit: "exporter/0".into(),
        leader,
        config: json!({"port": 9100, "sysctl": ""}).as_object().cloned().unwrap(),
        relations: [(4, scraper)].into_iter().collect(),
        extra_bindings: vec!["public".into()],
        ..State::default()
    };
    state.networks.insert(
        "metrics-endpoint".into(),
        json!({
            "bind-addresses": [{"interface-name": "eth0", "mac-address": "00:16:3e:00:00:01",
                                "addresses": [{"hostname": "", "value": "10.20.0.5", "cidr": "10.20.0.0/24"}]}],
            "ingress-addresses": ["10.20.0.5"],
            "egress-subnets": ["10.20.0.5/32"],
        }),
    );
    FakeJuju::new(Path::new(TOOL), &state).unwrap()
}

fn dispatch(juju: &FakeJuju, path: &str, vars: &[(&str, &str)]) -> Output {
    juju.clear_calls();
    let mut command = juju.command(Path::new(EXPORTER));
    command.env("JUJU_UNIT_NAME", "exporter/0").env("JUJU_MACHINE_ID", "7").env("JUJU_DISPATCH_PATH", path);
    command.envs(vars.iter().copied());
    let out = command.output().unwrap();
    for call in juju.calls() {
        assert_eq!(call.exit, 0, "the fake Juju rejected {}", call.line());
    }
    out
}

#[test]
fn the_scrape_target_comes_from_network_get_and_the_jobs_reach_the_wire_as_python_writes_them() {
    let juju = machine(true);
    let vars = [
        ("JUJU_RELATION", "metrics-endpoint"),
        ("JUJU_RELATION_ID", "metrics-endpoint:4"),
        ("JUJU_REMOTE_APP", "prometheus"),
        ("JUJU_REMOTE_UNIT", "prometheus/0"),
    ];
    let out = dispatch(&juju, "hooks/metrics-endpoint-relation-joined", &vars);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls = juju.calls();
    let lines: Vec<String> = calls.iter().map(|c| c.line()).collect();
    assert_eq!(lines[1], "network-get --format=json -r 4 metrics-endpoint", "{lines:?}");
    let app_set = calls.iter().find(|c| c.tool == "relation-set" && c.args.contains(&"--app".to_owned())).unwrap();
    let sent: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(app_set.stdin.as_deref().unwrap()).unwrap();
    assert_eq!(sent["scrape_jobs"], r#"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:9100"]}]}]"#);
    let bags = &juju.state().relations[&4].data;
    assert_eq!(bags["exporter/0"]["prometheus_scrape_unit_address"], "10.20.0.5");
    assert!(bags["exporter"]["scrape_metadata"].starts_with(r#"{"model": "test-model", "#));
}

#[test]
fn new_kernel_settings_reboot_the_machine_after_the_hook() {
    let juju = machine(false);
    let mut state = juju.state();
    state.config.insert("sysctl".into(), json!("vm.swappiness=10"));
    juju.set_state(&state);
    let sysctl = tempfile::tempdir().unwrap();
    let dir = sysctl.path().to_str().unwrap();
    let out = dispatch(&juju, "hooks/config-changed", &[("EXPORTER_SYSCTL_DIR", dir)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(sysctl.path().join("90-exporter.conf")).unwrap(), "vm.swappiness=10\n");
    let state = juju.state();
    assert_eq!(state.reboots, ["after-hook"]);
    assert!(state.ports.contains("9100/tcp"));
    assert_eq!(state.unit_status.message, "rebooting to apply kernel settings");
    let out = dispatch(&juju, "hooks/config-changed", &[("EXPORTER_SYSCTL_DIR", dir)]);
    assert!(out.status.success());
    assert_eq!(juju.state().reboots.len(), 1, "applied once: the stored state remembers");
}

#[test]
fn an_action_asks_juju_for_more_storage() {
    let juju = machine(false);
    let mut state = juju.state();
    state.action = Some(Action {
        name: "add-textfiles".into(),
        params: json!({"count": 2}).as_object().cloned().unwrap(),
        ..Action::default()
    });
    juju.set_state(&state);
    let vars = [("JUJU_ACTION_NAME", "add-textfiles"), ("JUJU_ACTION_UUID", "1")];
    let out = dispatch(&juju, "actions/add-textfiles", &vars);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let state = juju.state();
    assert_eq!(state.storage_requests, [("textfiles".to_owned(), 2)]);
    assert_eq!(state.action.unwrap().results["requested"], "2");
}
