//! What a run gives back: [`Output`], or [`RunError`] when the dispatch failed.

use serde_json::{Map, Value};

use super::memory::Record;
use super::pebble::ExecArgs;
use super::state::{ActionRun, State};
use crate::framework::{DispatchError, DispatchReport};
use crate::model::Port;

/// The result of a run that completed.
#[derive(Debug, Clone)]
pub struct Output {
    /// The state after the dispatch.
    pub state: State,
    /// What the framework did: the event, every handler called, the events emitted.
    pub report: DispatchReport,
    /// The hook-tool calls, logs, status and workload version history, removed secret
    /// revisions, storage requested and reboots.
    pub record: Record,
    /// The action's results, logs and failure, when the event was an action.
    pub action: Option<ActionRun>,
}

/// How an action ended (Scenario's `ctx.action_results`, or its `ActionFailed`).
#[derive(Debug, Clone, PartialEq)]
pub enum ActionOutcome {
    /// The action completed: its results, nested as ops took them (`db.host` as
    /// `{"db": {"host": ..}}`).
    Completed {
        /// The results.
        results: Value,
        /// What it logged with `event.log`.
        logs: Vec<String>,
    },
    /// The action called `event.fail(message)`.
    Failed {
        /// The message.
        message: String,
        /// The results it set before failing.
        results: Value,
        /// What it logged.
        logs: Vec<String>,
    },
}

impl ActionRun {
    /// The results nested back from Juju's dotted keys (`a.b=c` → `{"a": {"b": "c"}}`),
    /// every value a string, as `juju show-task` shows them.
    pub fn nested_results(&self) -> Value {
        let mut root = Map::new();
        for (key, value) in &self.results {
            let mut parts: Vec<&str> = key.split('.').collect();
            let last = parts.pop().unwrap_or_default();
            let mut node = &mut root;
            for part in parts {
                let entry = node.entry(part.to_owned()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                let Value::Object(next) = entry else { unreachable!("made an object just above") };
                node = next;
            }
            node.insert(last.to_owned(), Value::String(value.clone()));
        }
        Value::Object(root)
    }
}

impl Output {
    /// How the action ended, when the event was one.
    pub fn action_outcome(&self) -> Option<ActionOutcome> {
        let action = self.action.as_ref()?;
        let (results, logs) = (action.nested_results(), action.logs.clone());
        Some(match &action.failure {
            Some(message) => ActionOutcome::Failed { message: message.clone(), results, logs },
            None => ActionOutcome::Completed { results, logs },
        })
    }

    /// The ports open after the run, typed; a port the charm could not have opened reads
    /// as an error in the test, never a panic.
    pub fn opened_ports(&self) -> Result<Vec<Port>, crate::ModelError> {
        self.state.opened_ports.iter().map(|p| p.parse()).collect()
    }

    /// The commands run in `container` so far, with their arguments, environment, working
    /// directory, user and stdin.
    pub fn exec_history(&self, container: &str) -> &[ExecArgs] {
        self.state.containers.get(container).map_or(&[], |c| c.exec_history.as_slice())
    }

    /// The names of the events emitted, in order (the hook's, custom ones, collect-status,
    /// pre-commit, commit): Scenario's `ctx.emitted_events`.
    pub fn emitted_events(&self) -> Vec<&str> {
        self.report.emitted.iter().map(|e| e.event.as_str()).collect()
    }
}

/// A run whose dispatch failed, as Juju would see it: the error, and what the charm did
/// before it (hook-tool calls are not undone).
///
/// `Display` and `Debug` say what failed in a few lines (the error, the charm's own error
/// inside it, the last hook-tool call); the state stays in [`state`](Self::state), never
/// printed, so a failing `unwrap()` reads well.
pub struct RunError {
    /// Why the dispatch failed.
    pub error: DispatchError,
    /// The state after the failed dispatch.
    pub state: State,
    /// What happened before the failure.
    pub record: Record,
}

impl RunError {
    pub(crate) fn new(error: DispatchError, state: State, record: Record) -> Self {
        RunError { error, state, record }
    }

    fn summary(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the dispatch failed: {}", self.error)?;
        if let Some(call) = self.record.calls.last() {
            write!(f, "\n  last hook-tool call: {}", call.command_line())?;
        }
        let errors = self.record.logs.iter().filter(|l| l.level == crate::backend::LogLevel::Error).count();
        write!(
            f,
            "\n  ({} hook-tool calls, {} log lines, {errors} at ERROR; the state is in `RunError::state`)",
            self.record.calls.len(),
            self.record.logs.len()
        )
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.summary(f)
    }
}

impl std::fmt::Debug for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.summary(f)
    }
}

impl std::error::Error for RunError {}
