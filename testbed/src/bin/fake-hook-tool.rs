//! A fake Juju hook tool: symlink it under a tool's name (see `juju_ops_testbed::TOOLS`).

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args();
    let argv0 = args.next().unwrap_or_default();
    let tool = std::path::Path::new(&argv0).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let args: Vec<String> = args.collect();
    let (code, stdout, stderr) = juju_ops_testbed::run_tool(&tool, &args);
    let _ = std::io::stdout().write_all(stdout.as_bytes());
    let _ = std::io::stderr().write_all(stderr.as_bytes());
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
