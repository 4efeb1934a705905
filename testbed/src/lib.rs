//! Test infrastructure for running a charm the way Juju runs it.
//!
//! - `fake-hook-tool`: one binary that, symlinked under each hook tool's name, parses its
//!   arguments as strictly as Juju's tools do (`flags`, `tools`), answers from a JSON
//!   state file (`state`), and logs every call;
//! - [`FakeJuju`]: a temporary directory of those symlinks, a state file and a call log,
//!   and a `Command` for a charm binary with Juju's environment;
//! - `hello-dispatch`: the example charm's own `main.rs`, built here so tests and the
//!   benchmark can find it; `replay-hook-calls`: the benchmark's baseline.

#![forbid(unsafe_code)]

pub mod fake_pebble;
pub mod flags;
pub mod model_tools;
pub mod queue_charm;
pub mod real_pebble;
pub mod secret_tools;
pub mod state;
pub mod tools;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

pub use state::State;

/// The hook tools the fake answers to.
pub const TOOLS: &[&str] = &[
    "juju-log",
    "status-set",
    "status-get",
    "config-get",
    "is-leader",
    "relation-ids",
    "relation-list",
    "relation-get",
    "relation-set",
    "relation-model-get",
    "action-get",
    "action-set",
    "action-log",
    "action-fail",
    "application-version-set",
    "goal-state",
    "storage-get",
    "storage-list",
    "open-port",
    "close-port",
    "opened-ports",
    "resource-get",
    "state-get",
    "state-set",
    "state-delete",
    "secret-add",
    "secret-set",
    "secret-get",
    "secret-info-get",
    "secret-grant",
    "secret-revoke",
    "secret-remove",
    "secret-ids",
    "network-get",
    "credential-get",
    "juju-reboot",
    "storage-add",
];

/// One logged hook-tool call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The tool's name.
    pub tool: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// What it read from stdin, if anything.
    pub stdin: Option<String>,
    /// Its exit code.
    pub exit: i32,
}

impl ToolCall {
    /// `tool arg arg ...`, for comparing in tests.
    pub fn line(&self) -> String {
        std::iter::once(self.tool.as_str()).chain(self.args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
    }
}

fn env_var(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

/// Whether the call reads `--file -` from stdin.
fn reads_stdin(args: &[String]) -> bool {
    args.windows(2).any(|w| w[0] == "--file" && w[1] == "-") || args.iter().any(|a| a == "--file=-")
}

/// The fake tool's whole run: returns (exit code, stdout, stderr).
pub fn run_tool(tool: &str, args: &[String]) -> (i32, String, String) {
    let Some(state_path) = env_var("FAKE_JUJU_STATE").map(PathBuf::from) else {
        return (1, String::new(), "ERROR FAKE_JUJU_STATE is not set\n".to_owned());
    };
    let stdin = reads_stdin(args).then(|| {
        let mut text = String::new();
        let _ = std::io::stdin().read_to_string(&mut text);
        text
    });
    let (mut code, mut stdout, mut stderr, misbehaviour) = match State::load(&state_path) {
        Ok(state) => {
            let misbehaviour = state.misbehave.get(tool).cloned();
            let (code, stdout, stderr) = dispatch(tool, args, stdin.as_deref(), state, &state_path);
            (code, stdout, stderr, misbehaviour)
        }
        Err(error) => (1, String::new(), format!("ERROR {error}\n"), None),
    };
    let log_call = |code: i32| {
        if let Some(log) = env_var("FAKE_JUJU_LOG") {
            let call = ToolCall { tool: tool.to_owned(), args: args.to_vec(), stdin: stdin.clone(), exit: code };
            append_line(Path::new(&log), &serde_json::to_string(&call).unwrap_or_default());
        }
    };
    match misbehaviour {
        None => {}
        Some(state::Misbehaviour::Hang) => {
            // Logged first, so a test can tell the tool is hanging now (its work is done).
            log_call(code);
            std::thread::sleep(std::time::Duration::from_secs(3600));
            return (code, stdout, stderr);
        }
        Some(state::Misbehaviour::LeaveChildHoldingStdout) => {
            let _ = std::process::Command::new("sleep").arg("30").stdout(std::process::Stdio::inherit()).spawn();
        }
        Some(state::Misbehaviour::Flood(bytes)) => stdout = "x".repeat(bytes),
        Some(state::Misbehaviour::Print(text)) => stdout = text,
        Some(state::Misbehaviour::FailLoudly(text)) => {
            code = 1;
            stderr = text;
        }
    }
    log_call(code);
    (code, stdout, stderr)
}

fn dispatch(tool: &str, args: &[String], stdin: Option<&str>, mut state: State, path: &Path) -> (i32, String, String) {
    if state.unit.is_empty() {
        state.unit = env_var("JUJU_UNIT_NAME").unwrap_or_default();
    }
    let before = state.clone();
    let call = tools::Call { args, stdin, env: &env_var };
    let result = match tools::run(tool, &call, &mut state) {
        Some(result) => result,
        None => return (127, String::new(), format!("ERROR fake-hook-tool does not implement {tool:?}\n")),
    };
    match result {
        Err(tools::Fail::Usage(message)) => (2, String::new(), format!("ERROR {message}\n")),
        Err(tools::Fail::Run(message)) => (1, String::new(), format!("ERROR {message}\n")),
        Ok(_) if before.fail.contains_key(tool) => {
            let failure = &before.fail[tool];
            (failure.code, String::new(), failure.stderr.clone())
        }
        Ok(out) => {
            if state != before
                && let Err(error) = state.save(path)
            {
                return (1, String::new(), format!("ERROR {error}\n"));
            }
            (0, out.stdout, out.stderr)
        }
    }
}

fn append_line(path: &Path, line: &str) {
    use std::io::Write;
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(file, "{line}");
    }
}

/// A fake Juju for one test: tool symlinks, a state file, a call log.
pub struct FakeJuju {
    dir: tempfile::TempDir,
}

impl FakeJuju {
    /// Sets up the tools (symlinks to `tool_binary`) and writes `state`.
    pub fn new(tool_binary: &Path, state: &State) -> std::io::Result<FakeJuju> {
        let dir = tempfile::tempdir()?;
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin)?;
        for tool in TOOLS {
            std::os::unix::fs::symlink(tool_binary, bin.join(tool))?;
        }
        std::fs::create_dir(dir.path().join("charm"))?;
        let fake = FakeJuju { dir };
        fake.set_state(state);
        Ok(fake)
    }

    /// The state file.
    pub fn state_path(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    /// The call log.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("calls.jsonl")
    }

    /// The charm directory (`JUJU_CHARM_DIR`).
    pub fn charm_dir(&self) -> PathBuf {
        self.dir.path().join("charm")
    }

    /// The directory of tool symlinks.
    pub fn bin_dir(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// Replaces the state.
    pub fn set_state(&self, state: &State) {
        state.save(&self.state_path()).expect("write the fake state");
    }

    /// The state now.
    pub fn state(&self) -> State {
        State::load(&self.state_path()).expect("read the fake state")
    }

    /// Every call logged so far.
    pub fn calls(&self) -> Vec<ToolCall> {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        text.lines().map(|line| serde_json::from_str(line).expect("a logged call")).collect()
    }

    /// Forgets the logged calls.
    pub fn clear_calls(&self) {
        let _ = std::fs::remove_file(self.log_path());
    }

    /// A command for `program` with Juju's environment for unit `hello/0` (no event
    /// variables: add `JUJU_DISPATCH_PATH` and the event's own), the tools first on `PATH`.
    pub fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        for (key, _) in std::env::vars() {
            if key.starts_with("JUJU_") || key == "OPERATOR_DISPATCH" || key.starts_with("FAKE_JUJU") {
                command.env_remove(key);
            }
        }
        let path = std::env::var("PATH").unwrap_or_default();
        command
            .current_dir(self.charm_dir())
            .env("PATH", format!("{}:{path}", self.bin_dir().display()))
            .env("FAKE_JUJU_STATE", self.state_path())
            .env("FAKE_JUJU_LOG", self.log_path())
            .env("JUJU_UNIT_NAME", "hello/0")
            .env("JUJU_MODEL_NAME", "test-model")
            .env("JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000")
            .env("JUJU_VERSION", "3.6.14")
            .env("JUJU_CHARM_DIR", self.charm_dir());
        command
    }
}
