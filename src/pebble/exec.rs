//! Running a command in the workload container (`POST /v1/exec`, then websockets).
//!
//! Pebble starts the command as a change with one task, and streams its standard input,
//! output and error over websockets on the same Unix socket (`/v1/tasks/<task>/websocket/
//! {control,stdio,stderr}`): binary frames carry data, a text frame `{"command":"end"}`
//! ends a stream, and `{"command":"signal",...}` on `control` signals the process. The exit
//! code is in the finished change (python-ops-facts.md §5.3).

use std::collections::BTreeMap;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use super::{Client, PebbleError};

/// How to run a command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOptions {
    /// Environment variables.
    pub environment: BTreeMap<String, String>,
    /// The working directory.
    pub working_dir: Option<String>,
    /// Kill the command after this long.
    pub timeout: Option<Duration>,
    /// Run as this user id.
    pub user_id: Option<u32>,
    /// Run as this user.
    pub user: Option<String>,
    /// Run as this group id.
    pub group_id: Option<u32>,
    /// Run as this group.
    pub group: Option<String>,
    /// Run in this service's context (its environment, user, working directory).
    pub service_context: Option<String>,
    /// What to send to the command's standard input.
    pub stdin: Vec<u8>,
    /// Send standard error to standard output instead of apart.
    pub combine_stderr: bool,
}

/// What a command printed, and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOutput {
    /// Its exit code.
    pub exit_code: i32,
    /// Standard output (and standard error, when combined).
    pub stdout: Vec<u8>,
    /// Standard error, when apart.
    pub stderr: Vec<u8>,
}

impl ExecOutput {
    /// Standard output as text (lossy).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

type Socket = WebSocket<UnixStream>;

/// A command running in the container: signal it, then collect its output.
pub struct ExecProcess {
    client: Client,
    change_id: String,
    command: String,
    wait: Duration,
    control: Socket,
    stdio: Socket,
    stderr: Option<Socket>,
}

impl std::fmt::Debug for ExecProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecProcess").field("command", &self.command).field("change", &self.change_id).finish()
    }
}

impl ExecProcess {
    /// Sends `signal` (`SIGTERM`, `SIGHUP`...) to the process, over the control websocket.
    pub fn send_signal(&mut self, signal: &str) -> Result<(), PebbleError> {
        let message = json!({"command": "signal", "signal": {"name": signal}}).to_string();
        self.control.send(Message::Text(message.into())).map_err(ws_error)
    }

    /// Waits for the process to finish and collects its output (ops' `wait_output`). A
    /// non-zero exit is [`PebbleError::Exec`], carrying the output.
    pub fn wait_output(mut self) -> Result<ExecOutput, PebbleError> {
        // Read both streams at once: a command filling one pipe must not block the other.
        let (stdout, stderr) = std::thread::scope(|scope| {
            let stderr = self.stderr.take().map(|mut socket| scope.spawn(move || read_stream(&mut socket)));
            let stdout = read_stream(&mut self.stdio);
            let stderr = match stderr {
                Some(handle) => {
                    handle.join().unwrap_or_else(|_| Err(PebbleError::Protocol("stderr reader panicked".into())))
                }
                None => Ok(Vec::new()),
            };
            (stdout, stderr)
        });
        let (stdout, stderr) = (stdout?, stderr?);
        let change = self.client.wait_change(&self.change_id, self.wait)?;
        let exit_code = change
            .tasks
            .first()
            .and_then(|t| t.data.get("exit-code"))
            .and_then(Value::as_i64)
            .map_or(-1, |c| i32::try_from(c).unwrap_or(-1));
        let output = ExecOutput { exit_code, stdout, stderr };
        if exit_code != 0 {
            return Err(PebbleError::Exec { command: self.command, output });
        }
        Ok(output)
    }
}

impl Client {
    /// Runs `command` to completion and collects its output (ops' `exec(...).wait_output()`).
    /// A non-zero exit is [`PebbleError::Exec`], carrying the output.
    pub fn exec(&self, command: &[&str], options: &ExecOptions) -> Result<ExecOutput, PebbleError> {
        self.exec_process(command, options)?.wait_output()
    }

    /// Starts `command`, sends it `options.stdin`, and gives the running process.
    pub fn exec_process(&self, command: &[&str], options: &ExecOptions) -> Result<ExecProcess, PebbleError> {
        let (change_id, task_id) = self.start_exec(command, options)?;
        let open = |name: &str| self.websocket(&task_id, name);
        let control = open("control")?;
        let mut stdio = open("stdio")?;
        let stderr = if options.combine_stderr { None } else { Some(open("stderr")?) };
        stdio.send(Message::Binary(options.stdin.clone().into())).map_err(ws_error)?;
        stdio.send(Message::Text(json!({"command": "end"}).to_string().into())).map_err(ws_error)?;
        let wait = options.timeout.map_or(Duration::from_secs(60 * 60 * 24), |t| t + Duration::from_secs(1));
        Ok(ExecProcess { client: self.clone(), change_id, command: command.join(" "), wait, control, stdio, stderr })
    }

    fn start_exec(&self, command: &[&str], options: &ExecOptions) -> Result<(String, String), PebbleError> {
        let mut body = json!({
            "command": command,
            "environment": options.environment,
            "split-stderr": !options.combine_stderr,
        });
        let optional = [
            ("working-dir", options.working_dir.clone().map(Value::from)),
            ("timeout", options.timeout.map(|t| Value::from(format!("{:.3}s", t.as_secs_f64())))),
            ("user-id", options.user_id.map(Value::from)),
            ("user", options.user.clone().map(Value::from)),
            ("group-id", options.group_id.map(Value::from)),
            ("group", options.group.clone().map(Value::from)),
            ("service-context", options.service_context.clone().map(Value::from)),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                body[key] = value;
            }
        }
        let (result, change) = self.call("POST", "/v1/exec", &[], Some(body))?;
        let change = change.ok_or_else(|| PebbleError::Protocol("exec gave no change id".into()))?;
        let task = result
            .get("task-id")
            .and_then(Value::as_str)
            .ok_or_else(|| PebbleError::Protocol("exec gave no task id".into()))?;
        Ok((change, task.to_owned()))
    }

    fn websocket(&self, task_id: &str, name: &str) -> Result<Socket, PebbleError> {
        let stream = UnixStream::connect(self.socket()).map_err(|e| PebbleError::connection(self.socket(), &e))?;
        let url = format!("ws://localhost/v1/tasks/{task_id}/websocket/{name}");
        let (socket, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| PebbleError::Protocol(format!("websocket {name} of task {task_id}: {e}")))?;
        Ok(socket)
    }
}

/// Reads binary frames until the text frame `{"command":"end"}` (or the socket closes).
fn read_stream(socket: &mut Socket) -> Result<Vec<u8>, PebbleError> {
    let mut data = Vec::new();
    loop {
        match socket.read() {
            Ok(Message::Binary(bytes)) => data.extend_from_slice(&bytes),
            Ok(Message::Text(text)) => {
                let command: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                if command["command"] == "end" {
                    return Ok(data);
                }
                log::debug!("ignoring exec stream message {text}");
            }
            Ok(Message::Close(_)) => return Ok(data),
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => return Ok(data),
            Err(error) => return Err(ws_error(error)),
        }
    }
}

fn ws_error(error: tungstenite::Error) -> PebbleError {
    PebbleError::Protocol(format!("exec stream: {error}"))
}
