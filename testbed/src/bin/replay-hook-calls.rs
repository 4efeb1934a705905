//! The benchmark's baseline: a minimal program that makes the given hook-tool calls and
//! nothing else. It reads them from a JSON-lines log written by the fake tools (as
//! recorded from a real dispatch of the charm) and runs each, in order.
//!
//! With `--write-state <file> <content>`, it then writes `content`'s bytes to `file` as
//! durably as the charm writes its state: a temporary file beside it, fsync, rename over
//! it, fsync of the directory.

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
    let args: Vec<String> = std::env::args().skip(2).collect();
    if let [flag, file, content] = args.as_slice()
        && flag == "--write-state"
        && let Err(error) = write_durably(std::path::Path::new(file), std::path::Path::new(content))
    {
        eprintln!("{file}: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn write_durably(file: &std::path::Path, content: &std::path::Path) -> std::io::Result<()> {
    let bytes = std::fs::read(content)?;
    let temporary = file.with_extension("tmp");
    let mut out = std::fs::File::create(&temporary)?;
    out.write_all(&bytes)?;
    out.sync_all()?;
    std::fs::rename(&temporary, file)?;
    std::fs::File::open(file.parent().unwrap_or(std::path::Path::new(".")))?.sync_all()
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
