//! What the process-level tests share: the example charm's binary run as Juju runs it,
//! against the strict fake tools.

#![allow(dead_code)] // each test binary uses its own part of this

use std::path::{Path, PathBuf};
use std::process::Output;

use juju_ops_testbed::{FakeJuju, State};
use serde_json::json;

pub const CHARM: &str = env!("CARGO_BIN_EXE_hello-dispatch");
pub const TOOL: &str = env!("CARGO_BIN_EXE_fake-hook-tool");

pub fn fake(state: State) -> FakeJuju {
    FakeJuju::new(Path::new(TOOL), &state).unwrap()
}

pub fn leader_with_thing(thing: &str) -> State {
    State { leader: true, config: json!({"thing": thing}).as_object().unwrap().clone(), ..State::default() }
}

/// Runs the charm for `path` (`hooks/install`), with the event's variables.
pub fn dispatch(juju: &FakeJuju, path: &str, vars: &[(&str, &str)]) -> Output {
    let mut command = juju.command(Path::new(CHARM));
    command.env("JUJU_DISPATCH_PATH", path);
    if let Some(hook) = path.strip_prefix("hooks/") {
        command.env("JUJU_HOOK_NAME", hook);
    }
    command.envs(vars.iter().copied());
    command.output().unwrap()
}

/// The calls the charm made, as command lines.
pub fn lines(juju: &FakeJuju) -> Vec<String> {
    juju.calls().iter().map(|c| c.line()).collect()
}

pub fn state_file(juju: &FakeJuju) -> PathBuf {
    juju.charm_dir().join(".juju-ops-state.json")
}

/// A unit that has installed and seen one config value.
pub fn installed_unit() -> FakeJuju {
    let juju = fake(leader_with_thing("Rust"));
    assert!(dispatch(&juju, "hooks/install", &[]).status.success());
    assert!(dispatch(&juju, "hooks/config-changed", &[]).status.success());
    juju
}
