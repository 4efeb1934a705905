//! The benchmark's baseline: a minimal program that makes the given hook-tool calls and
//! nothing else. It reads them from a JSON-lines log written by the fake tools (as
//! recorded from a real dispatch of the charm) and runs each, in order.

use std::io::Write;
use std::process::{Command, ExitCode, Stdio};

use juju_ops_testbed::ToolCall;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: replay-hook-calls <calls.jsonl>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    for line in text.lines() {
        let Ok(call) = serde_json::from_str::<ToolCall>(line) else {
            eprintln!("{path}: not a logged call: {line}");
            return ExitCode::FAILURE;
        };
        if !replay(&call) {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn replay(call: &ToolCall) -> bool {
    let stdin = if call.stdin.is_some() { Stdio::piped() } else { Stdio::null() };
    let child =
        Command::new(&call.tool).args(&call.args).stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let Ok(mut child) = child else { return false };
    if let (Some(input), Some(mut pipe)) = (&call.stdin, child.stdin.take()) {
        let _ = pipe.write_all(input.as_bytes());
    }
    child.wait_with_output().is_ok_and(|out| out.status.success())
}
