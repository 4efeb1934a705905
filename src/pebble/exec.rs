//! Running a command in the workload container (`POST /v1/exec`, then websockets).
//!
//! Pebble starts the command as a change with one task, and streams its standard input,
//! output and error over websockets on the same Unix socket (`/v1/tasks/<task>/websocket/
//! {control,stdio,stderr}`): binary frames carry data, a text frame `{"command":"end"}`
//! ends a stream, and `{"command":"signal",...}` on `control` signals the process. The exit
//! code is in the finished change, as Python ops reads it.
//!
//! Standard input and output share the `stdio` websocket, yet must flow at the same time
//! (a `cat` of a megabyte deadlocks otherwise). The socket is opened once and its file
//! descriptor duplicated: one half only writes stdin frames, the other only reads output
//! frames, so a writer and a reader can run on two threads.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use super::transport::{self, Deadlined};
use super::{Client, ExecApi, PebbleError, ProtocolError};

/// How to run a command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOptions {
    /// Environment variables.
    pub environment: BTreeMap<String, String>,
    /// The working directory.
    pub working_dir: Option<String>,
    /// Kill the command after this long. The client's reads and writes end by then too
    /// (with a second's grace), however the command behaves.
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
    /// Standard input, sent whole (on its own thread, while output is read). `None`:
    /// [`ExecProcess::take_stdin`] gives a writer instead, and `exec` sends nothing.
    pub stdin: Option<Vec<u8>>,
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

/// Where a process's standard input goes: a websocket half, or the in-memory Pebble.
pub(crate) trait StdinSink: Send {
    /// Sends `data`.
    fn send(&mut self, data: &[u8]) -> std::io::Result<()>;
    /// Ends the input.
    fn end(&mut self) -> std::io::Result<()>;
}

/// Where a process's output comes from: chunks until `None`.
pub(crate) trait OutputSource: Send {
    /// The next chunk, or `None` at the end.
    fn next_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>>;
}

/// The process itself: signals and its exit.
pub(crate) trait Running {
    /// Sends a signal.
    fn send_signal(&mut self, signal: &str) -> Result<(), PebbleError>;
    /// Waits for the process to exit; its exit code.
    fn exit_code(&mut self) -> Result<i32, PebbleError>;
}

/// The writing end of a running command's standard input. Closing it (or dropping it)
/// ends the input, as `EOF` on a pipe.
pub struct ExecStdin {
    sink: Box<dyn StdinSink>,
    ended: bool,
}

impl std::fmt::Debug for ExecStdin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecStdin").field("ended", &self.ended).finish_non_exhaustive()
    }
}

impl ExecStdin {
    pub(crate) fn new(sink: Box<dyn StdinSink>) -> Self {
        ExecStdin { sink, ended: false }
    }

    /// Ends the input.
    ///
    /// # Errors
    ///
    /// The websocket failed, or the deadline passed.
    pub fn close(mut self) -> std::io::Result<()> {
        self.end()
    }

    fn end(&mut self) -> std::io::Result<()> {
        if std::mem::replace(&mut self.ended, true) {
            return Ok(());
        }
        self.sink.end()
    }
}

impl Write for ExecStdin {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.ended {
            return Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "standard input was closed"));
        }
        // One frame per write, at most 1 MiB, so a large write is not one huge frame.
        let n = buf.len().min(1024 * 1024);
        self.sink.send(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for ExecStdin {
    fn drop(&mut self) {
        let _ = self.end();
    }
}

/// A running command's standard output or error, as a [`Read`] stream.
pub struct ExecStream {
    source: Box<dyn OutputSource>,
    chunk: Vec<u8>,
    at: usize,
    done: bool,
}

impl std::fmt::Debug for ExecStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecStream").field("done", &self.done).finish_non_exhaustive()
    }
}

impl ExecStream {
    pub(crate) fn new(source: Box<dyn OutputSource>) -> Self {
        ExecStream { source, chunk: Vec::new(), at: 0, done: false }
    }

    /// Reads to the end, keeping at most `cap` bytes.
    fn read_capped(&mut self, cap: usize, what: &str) -> Result<Vec<u8>, PebbleError> {
        let mut out = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = self.read(&mut buf).map_err(|e| stream_error(what, e))?;
            if n == 0 {
                return Ok(out);
            }
            if out.len() + n > cap {
                return Err(PebbleError::Protocol(ProtocolError::TooLarge { what: what.to_owned(), limit: cap }));
            }
            out.extend_from_slice(&buf[..n]);
        }
    }
}

impl Read for ExecStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            match self.source.next_chunk()? {
                Some(chunk) => (self.chunk, self.at) = (chunk, 0),
                None => self.done = true,
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn stream_error(what: &str, error: std::io::Error) -> PebbleError {
    match error.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => PebbleError::Timeout { what: what.to_owned() },
        _ => PebbleError::Protocol(ProtocolError::Websocket { stream: what.to_owned(), reason: error.to_string() }),
    }
}

/// A command running in the container (ops' `ExecProcess`): write its standard input,
/// read its output as streams, signal it, wait for it.
///
/// ```no_run
/// # fn f(container: &ops::Container<ops::hello::containers::Pause>) -> Result<(), ops::pebble::PebbleError> {
/// use std::io::{Read, Write};
///
/// let mut process = container.exec_process(&["sort"], &ops::pebble::ExecOptions::default())?;
/// let mut stdin = process.take_stdin().expect("no stdin was given up front");
/// let mut stdout = process.take_stdout().expect("not taken yet");
/// let sorted = std::thread::scope(|scope| {
///     scope.spawn(move || {
///         stdin.write_all(b"b\na\n")?;
///         stdin.close()
///     });
///     let mut text = String::new();
///     stdout.read_to_string(&mut text).map(|_| text)
/// });
/// process.wait()?;
/// # Ok(()) }
/// ```
pub struct ExecProcess {
    command: String,
    stdin: Option<ExecStdin>,
    stdout: Option<ExecStream>,
    stderr: Option<ExecStream>,
    running: Box<dyn Running>,
    feeder: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    max_output: usize,
}

impl std::fmt::Debug for ExecProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecProcess").field("command", &self.command).finish_non_exhaustive()
    }
}

impl ExecProcess {
    /// A process over its parts; `input`, when given, is sent whole on its own thread.
    pub(crate) fn new(
        command: &[&str],
        stdin: ExecStdin,
        stdout: ExecStream,
        stderr: Option<ExecStream>,
        running: Box<dyn Running>,
        input: Option<Vec<u8>>,
        max_output: usize,
    ) -> Self {
        let (stdin, feeder) = match input {
            None => (Some(stdin), None),
            Some(data) => {
                let mut stdin = stdin;
                let feeder = std::thread::spawn(move || {
                    stdin.write_all(&data)?;
                    stdin.close()
                });
                (None, Some(feeder))
            }
        };
        ExecProcess { command: command.join(" "), stdin, stdout: Some(stdout), stderr, running, feeder, max_output }
    }

    /// The writer of standard input, unless [`ExecOptions::stdin`] was given (or it was
    /// taken already). Write from another thread than the one reading output.
    pub fn take_stdin(&mut self) -> Option<ExecStdin> {
        self.stdin.take()
    }

    /// Standard output (with standard error when combined), unless taken already.
    pub fn take_stdout(&mut self) -> Option<ExecStream> {
        self.stdout.take()
    }

    /// Standard error, unless combined into standard output or taken already.
    pub fn take_stderr(&mut self) -> Option<ExecStream> {
        self.stderr.take()
    }

    /// Sends `signal` (`SIGTERM`, `SIGHUP`...) to the process.
    pub fn send_signal(&mut self, signal: &str) -> Result<(), PebbleError> {
        self.running.send_signal(signal)
    }

    /// Waits for the process to exit, discarding output not taken (ops' `wait`).
    ///
    /// # Errors
    ///
    /// [`PebbleError::Exec`] when it exits non-zero (with no output kept);
    /// [`PebbleError::Timeout`] past the options' timeout.
    pub fn wait(self) -> Result<(), PebbleError> {
        self.wait_output().map(drop)
    }

    /// Waits for the process to finish and collects the output not taken (ops'
    /// `wait_output`): stdout and stderr are read at once, while stdin is still being sent.
    ///
    /// # Errors
    ///
    /// [`PebbleError::Exec`], carrying the output, when it exits non-zero;
    /// [`PebbleError::Timeout`] past the options' timeout; [`ProtocolError::TooLarge`]
    /// past the client's response cap.
    pub fn wait_output(mut self) -> Result<ExecOutput, PebbleError> {
        drop(self.stdin.take()); // ends the input
        let cap = self.max_output;
        let (stdout, stderr) = std::thread::scope(|scope| {
            let stderr = self.stderr.take().map(|mut s| scope.spawn(move || s.read_capped(cap, "exec stderr")));
            let stdout = match self.stdout.take() {
                Some(mut s) => s.read_capped(cap, "exec stdout"),
                None => Ok(Vec::new()),
            };
            let stderr = match stderr {
                Some(handle) => handle.join().unwrap_or_else(|_| Ok(Vec::new())),
                None => Ok(Vec::new()),
            };
            (stdout, stderr)
        });
        let (stdout, stderr) = (stdout?, stderr?);
        if let Some(feeder) = self.feeder.take() {
            // A command that exits without reading all its input closes the socket under
            // the feeder: its exit code, not the feeder's broken pipe, tells what happened.
            let _ = feeder.join();
        }
        let exit_code = self.running.exit_code()?;
        let output = ExecOutput { exit_code, stdout, stderr };
        if exit_code != 0 {
            return Err(PebbleError::Exec { command: std::mem::take(&mut self.command), output });
        }
        Ok(output)
    }
}

type Socket = WebSocket<Deadlined>;

/// The writing half of the stdio websocket.
struct WebsocketStdin(Socket);

impl StdinSink for WebsocketStdin {
    fn send(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.0.send(Message::Binary(data.to_vec().into())).map_err(io_error)
    }

    fn end(&mut self) -> std::io::Result<()> {
        self.0.send(Message::Text(json!({"command": "end"}).to_string().into())).map_err(io_error)
    }
}

/// The reading half of a websocket: binary frames until `{"command":"end"}`.
struct WebsocketOutput(Socket);

impl OutputSource for WebsocketOutput {
    fn next_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            match self.0.read() {
                Ok(Message::Binary(bytes)) => return Ok(Some(bytes.to_vec())),
                Ok(Message::Text(text)) => {
                    let command: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                    if command["command"] == "end" {
                        return Ok(None);
                    }
                }
                Ok(Message::Close(_)) => return Ok(None),
                Ok(_) => {}
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => return Ok(None),
                Err(error) => return Err(io_error(error)),
            }
        }
    }
}

fn io_error(error: tungstenite::Error) -> std::io::Error {
    match error {
        tungstenite::Error::Io(error) => error,
        other => std::io::Error::other(other.to_string()),
    }
}

/// The control websocket and the change: signals and the exit code.
struct WebsocketRunning {
    client: Client,
    change_id: String,
    control: Socket,
    deadline: Option<Instant>,
}

impl Running for WebsocketRunning {
    fn send_signal(&mut self, signal: &str) -> Result<(), PebbleError> {
        let message = json!({"command": "signal", "signal": {"name": signal}}).to_string();
        self.control.send(Message::Text(message.into())).map_err(|e| stream_error("exec control", io_error(e)))
    }

    fn exit_code(&mut self) -> Result<i32, PebbleError> {
        let wait = self.deadline.map_or(Duration::from_secs(60 * 60 * 24), |d| {
            d.saturating_duration_since(Instant::now()).max(Duration::from_millis(100))
        });
        let change = self.client.wait_change(&self.change_id, wait)?;
        Ok(change
            .tasks
            .first()
            .and_then(|t| t.data.get("exit-code"))
            .and_then(Value::as_i64)
            .map_or(-1, |c| i32::try_from(c).unwrap_or(-1)))
    }
}

/// How long after the command's own timeout the client still waits for its output.
const EXEC_GRACE: Duration = Duration::from_secs(1);

impl ExecApi for Client {
    fn exec_process(&self, command: &[&str], options: &ExecOptions) -> Result<ExecProcess, PebbleError> {
        let (change_id, task_id) = self.start_exec(command, options)?;
        // The handshakes share the client's request deadline; the streams then live as
        // long as the command may run.
        let deadline = options.timeout.map(|t| Instant::now() + t + EXEC_GRACE);
        let control = self.websocket(&task_id, "control", deadline)?;
        let stdio = self.websocket(&task_id, "stdio", deadline)?;
        let stderr = if options.combine_stderr { None } else { Some(self.websocket(&task_id, "stderr", deadline)?) };
        let writer = stdio.get_ref().try_clone_with(deadline).map_err(|e| PebbleError::io(self.socket(), "exec", e))?;
        let stdin = ExecStdin::new(Box::new(WebsocketStdin(WebSocket::from_raw_socket(writer, Role::Client, None))));
        let stdout = ExecStream::new(Box::new(WebsocketOutput(stdio)));
        let stderr = stderr.map(|s| ExecStream::new(Box::new(WebsocketOutput(s))));
        let running = Box::new(WebsocketRunning { client: self.clone(), change_id, control, deadline });
        Ok(ExecProcess::new(command, stdin, stdout, stderr, running, options.stdin.clone(), self.max_response()))
    }
}

impl Client {
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
        let missing =
            |what: &str| PebbleError::Protocol(ProtocolError::Missing { what: format!("the {what} of exec") });
        let change = change.ok_or_else(|| missing("change id"))?;
        let task = result.get("task-id").and_then(Value::as_str).ok_or_else(|| missing("task id"))?;
        Ok((change, task.to_owned()))
    }

    /// Opens `/v1/tasks/<task>/websocket/<name>` within the client's request timeout, then
    /// gives the stream `deadline` (none: as long as the command runs).
    fn websocket(&self, task_id: &str, name: &str, deadline: Option<Instant>) -> Result<Socket, PebbleError> {
        let stream = Deadlined::connect(self.socket(), self.timeout())?;
        let url = format!("ws://localhost/v1/tasks/{}/websocket/{name}", transport::segment(task_id));
        let failed = |reason: String| {
            PebbleError::Protocol(ProtocolError::Websocket { stream: format!("{name} of task {task_id}"), reason })
        };
        let (mut socket, _) = tungstenite::client(url.as_str(), stream).map_err(|e| match e {
            tungstenite::HandshakeError::Interrupted(_) => {
                PebbleError::Timeout { what: format!("the exec {name} websocket handshake") }
            }
            tungstenite::HandshakeError::Failure(tungstenite::Error::Io(e))
                if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) =>
            {
                PebbleError::Timeout { what: format!("the exec {name} websocket handshake") }
            }
            tungstenite::HandshakeError::Failure(e) => failed(e.to_string()),
        })?;
        socket.get_mut().set_deadline(deadline);
        Ok(socket)
    }
}
