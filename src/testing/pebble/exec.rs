//! Exec in the in-memory Pebble: handlers the test registers answer each command (from
//! what it was given, standard input included), and the history records every call.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::pebble::{
    ExecApi, ExecOptions, ExecOutput, ExecProcess, ExecStdin, ExecStream, OutputSource, PebbleError, Running, StdinSink,
};
use crate::testing::state::State;

use super::MemoryPebble;

/// An answer for commands the charm execs: the handler with the longest matching prefix
/// wins (as Scenario's `Exec`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecHandler {
    /// The command's first words (`["mysql", "-e"]`); empty matches every command.
    pub command_prefix: Vec<String>,
    /// The exit code.
    pub return_code: i32,
    /// What it prints on standard output.
    pub stdout: String,
    /// What it prints on standard error.
    pub stderr: String,
    /// Answers from what the command was given instead (its standard input, environment,
    /// arguments), when set: `return_code`, `stdout` and `stderr` are then unused.
    pub respond: Option<ExecResponder>,
}

impl ExecHandler {
    /// Answers commands starting with `prefix` by exiting 0 with `stdout`.
    pub fn new(prefix: &[&str], stdout: &str) -> Self {
        ExecHandler {
            command_prefix: prefix.iter().map(|s| (*s).to_owned()).collect(),
            stdout: stdout.to_owned(),
            ..ExecHandler::default()
        }
    }

    /// Answers commands starting with `prefix` with what `respond` makes of the call.
    ///
    /// ```
    /// use ops::testing::{ExecArgs, ExecHandler};
    /// use ops::pebble::ExecOutput;
    ///
    /// // A `tr a-z A-Z` that does what it says to its standard input.
    /// let upper = ExecHandler::responding(&["tr"], |args: &ExecArgs| ExecOutput {
    ///     stdout: args.stdin.to_ascii_uppercase(),
    ///     ..ExecOutput::default()
    /// });
    /// ```
    pub fn responding(prefix: &[&str], respond: impl Fn(&ExecArgs) -> ExecOutput + Send + Sync + 'static) -> Self {
        ExecHandler {
            command_prefix: prefix.iter().map(|s| (*s).to_owned()).collect(),
            respond: Some(ExecResponder(Arc::new(respond))),
            ..ExecHandler::default()
        }
    }

    fn answer(&self, args: &ExecArgs) -> ExecOutput {
        match &self.respond {
            Some(respond) => (respond.0)(args),
            None => ExecOutput {
                exit_code: self.return_code,
                stdout: self.stdout.clone().into_bytes(),
                stderr: self.stderr.clone().into_bytes(),
            },
        }
    }
}

/// A function answering an exec (see [`ExecHandler::responding`]); two are equal when
/// they are the same function.
#[derive(Clone)]
pub struct ExecResponder(Arc<dyn Fn(&ExecArgs) -> ExecOutput + Send + Sync>);

impl std::fmt::Debug for ExecResponder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExecResponder(..)")
    }
}

impl PartialEq for ExecResponder {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for ExecResponder {}

/// A command the charm ran, as the in-memory Pebble saw it (Scenario's `ExecArgs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecArgs {
    /// The command line.
    pub command: Vec<String>,
    /// Environment variables given.
    pub environment: BTreeMap<String, String>,
    /// The working directory given.
    pub working_dir: Option<String>,
    /// The timeout given.
    pub timeout: Option<Duration>,
    /// The user id given.
    pub user_id: Option<u32>,
    /// The user given.
    pub user: Option<String>,
    /// The group id given.
    pub group_id: Option<u32>,
    /// The group given.
    pub group: Option<String>,
    /// The service context given.
    pub service_context: Option<String>,
    /// Everything written to its standard input.
    pub stdin: Vec<u8>,
    /// Whether standard error was combined into standard output.
    pub combine_stderr: bool,
}

impl ExecArgs {
    fn new(command: &[&str], options: &ExecOptions) -> Self {
        ExecArgs {
            command: command.iter().map(|s| (*s).to_owned()).collect(),
            environment: options.environment.clone(),
            working_dir: options.working_dir.clone(),
            timeout: options.timeout,
            user_id: options.user_id,
            user: options.user.clone(),
            group_id: options.group_id,
            group: options.group.clone(),
            service_context: options.service_context.clone(),
            stdin: Vec::new(),
            combine_stderr: options.combine_stderr,
        }
    }
}

impl ExecApi for MemoryPebble {
    fn exec_process(&self, command: &[&str], options: &ExecOptions) -> Result<ExecProcess, PebbleError> {
        let args = ExecArgs::new(command, options);
        let (handler, index) = self.with(|c| {
            let handler = c
                .execs
                .iter()
                .filter(|h| {
                    h.command_prefix.len() <= command.len() && h.command_prefix.iter().zip(command).all(|(a, b)| a == b)
                })
                .max_by_key(|h| h.command_prefix.len())
                .cloned()
                .ok_or_else(|| PebbleError::Api {
                    code: 500,
                    status: "Internal Server Error".to_owned(),
                    kind: String::new(),
                    message: format!("no exec handler registered for {command:?}"),
                })?;
            c.exec_history.push(args.clone());
            Ok((handler, c.exec_history.len() - 1))
        })?;
        let run =
            Arc::new(Shared { run: Mutex::new(MemoryRun { args, handler, output: None }), answered: Condvar::new() });
        let stdin = ExecStdin::new(Box::new(MemoryStdin(run.clone())));
        let stdout = ExecStream::new(Box::new(MemoryOutput { run: run.clone(), stderr: false, given: false }));
        let stderr = (!options.combine_stderr)
            .then(|| ExecStream::new(Box::new(MemoryOutput { run: run.clone(), stderr: true, given: false })));
        let running = Box::new(MemoryRunning { run, state: self.state.clone(), container: self.name.clone(), index });
        Ok(ExecProcess::new(command, stdin, stdout, stderr, running, options.stdin.clone(), usize::MAX))
    }
}

/// One exec in the in-memory Pebble: what it was given so far, and its answer once its
/// standard input has ended (the handler answers the whole input at once).
struct MemoryRun {
    args: ExecArgs,
    handler: ExecHandler,
    output: Option<ExecOutput>,
}

/// A run shared by its standard input (on the caller's thread or the feeder's) and its
/// output streams, which wait for the answer.
struct Shared {
    run: Mutex<MemoryRun>,
    answered: Condvar,
}

/// How long an output stream waits for standard input to end: a test that reads output
/// without ever closing stdin fails instead of hanging.
const ANSWER_WAIT: Duration = Duration::from_secs(10);

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, MemoryRun> {
    shared.run.lock().unwrap_or_else(|e| e.into_inner())
}

struct MemoryStdin(Arc<Shared>);

impl StdinSink for MemoryStdin {
    fn send(&mut self, data: &[u8]) -> std::io::Result<()> {
        lock(&self.0).args.stdin.extend_from_slice(data);
        Ok(())
    }

    fn end(&mut self) -> std::io::Result<()> {
        let mut run = lock(&self.0);
        if run.output.is_none() {
            let mut output = run.handler.answer(&run.args);
            if run.args.combine_stderr {
                let stderr = std::mem::take(&mut output.stderr);
                output.stdout.extend(stderr);
            }
            run.output = Some(output);
            self.0.answered.notify_all();
        }
        Ok(())
    }
}

struct MemoryOutput {
    run: Arc<Shared>,
    stderr: bool,
    given: bool,
}

impl OutputSource for MemoryOutput {
    fn next_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        if self.given {
            return Ok(None);
        }
        let run = lock(&self.run);
        let (run, _) = self
            .run
            .answered
            .wait_timeout_while(run, ANSWER_WAIT, |run| run.output.is_none())
            .unwrap_or_else(|e| e.into_inner());
        let Some(output) = &run.output else {
            return Err(std::io::Error::other(
                "the in-memory Pebble answers a command once its standard input is closed: close stdin first",
            ));
        };
        self.given = true;
        Ok(Some(if self.stderr { output.stderr.clone() } else { output.stdout.clone() }))
    }
}

struct MemoryRunning {
    run: Arc<Shared>,
    state: Rc<RefCell<State>>,
    container: String,
    index: usize,
}

impl Running for MemoryRunning {
    fn send_signal(&mut self, _signal: &str) -> Result<(), PebbleError> {
        Ok(())
    }

    fn exit_code(&mut self) -> Result<i32, PebbleError> {
        MemoryStdin(self.run.clone()).end().map_err(|e| PebbleError::Timeout { what: e.to_string() })?;
        Ok(lock(&self.run).output.as_ref().map_or(-1, |o| o.exit_code))
    }
}

impl Drop for MemoryRunning {
    /// Records what the command was given, standard input included, in the history.
    fn drop(&mut self) {
        let stdin = std::mem::take(&mut lock(&self.run).args.stdin);
        if let Some(container) = self.state.borrow_mut().containers.get_mut(&self.container)
            && let Some(args) = container.exec_history.get_mut(self.index)
        {
            args.stdin = stdin;
        }
    }
}
