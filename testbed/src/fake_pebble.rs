//! A fake Pebble: a real HTTP/1.1 server on a Unix socket in a temporary directory, so
//! the client is tested on the wire. It keeps layers and service states, answers in
//! Pebble's JSON envelopes (sync, async with a change id, error), sends large bodies
//! chunked, and records every request.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use serde_json::{Map, Value, json};

/// One request the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`.
    pub method: String,
    /// The path with its query.
    pub path: String,
    /// The body, as text.
    pub body: String,
}

/// What the fake Pebble knows.
#[derive(Debug, Default)]
pub struct World {
    /// Layers by label, in order, as JSON objects.
    pub layers: Vec<(String, Map<String, Value>)>,
    /// Services that are running.
    pub running: BTreeSet<String>,
    /// Every request, in order.
    pub requests: Vec<Recorded>,
    /// Changes by id.
    pub changes: BTreeMap<String, Value>,
    /// How many `/wait` calls answer 504 (not ready yet) before the change.
    pub wait_timeouts: u32,
    /// Responses longer than this are sent chunked.
    pub chunk_above: usize,
    /// Answer everything as `text/plain`, as a proxy in the way would.
    pub not_json: bool,
    /// The container's files by path: `None` for a directory.
    pub files: BTreeMap<String, Option<String>>,
    /// Checks as `GET /v1/checks` reports them.
    pub checks: Vec<Value>,
    /// Notices as `GET /v1/notices` reports them.
    pub notices: Vec<Value>,
    /// Signals sent to exec'd processes over the control websocket: (task, signal).
    pub exec_signals: Vec<(String, String)>,
    /// Service log lines, as `GET /v1/logs` streams them.
    pub logs: Vec<Value>,
    /// Commands run with exec, by task id: the request, and the outcome once run.
    pub execs: BTreeMap<String, Exec>,
}

/// One exec: what was asked, and (once the command ran here) what it did.
#[derive(Debug, Clone, Default)]
pub struct Exec {
    /// The change id.
    pub change: String,
    /// The exec request as sent.
    pub request: Value,
    /// Exit code and standard error, once finished.
    pub outcome: Option<(i32, Vec<u8>)>,
}

impl World {
    /// The plan: services from every layer, later ones replacing or merging into earlier.
    pub fn plan(&self) -> Map<String, Value> {
        let mut services = Map::new();
        for (_, layer) in &self.layers {
            for (name, service) in layer.get("services").and_then(Value::as_object).into_iter().flatten() {
                let replace = service.get("override").and_then(Value::as_str) != Some("merge");
                match (services.get_mut(name), replace) {
                    (Some(Value::Object(existing)), false) => {
                        existing.extend(service.as_object().cloned().unwrap_or_default());
                    }
                    _ => {
                        services.insert(name.clone(), service.clone());
                    }
                }
            }
        }
        let mut plan = Map::new();
        if !services.is_empty() {
            plan.insert("services".into(), Value::Object(services));
        }
        plan
    }
}

/// A running fake Pebble; stops when dropped.
pub struct FakePebble {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    world: Arc<Mutex<World>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakePebble {
    /// Starts a fake Pebble on a new socket.
    pub fn start() -> std::io::Result<FakePebble> {
        let dir = tempfile::tempdir()?;
        let socket = dir.path().join("pebble.socket");
        Self::serve_at(dir, socket)
    }

    /// Starts a fake Pebble for container `name` under a new directory laid out as Juju lays
    /// out `/charm/containers`: `<dir>/<name>/pebble.socket` (see [`FakePebble::containers_dir`]).
    pub fn start_for_container(name: &str) -> std::io::Result<FakePebble> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join(name))?;
        let socket = dir.path().join(name).join("pebble.socket");
        Self::serve_at(dir, socket)
    }

    /// The directory to give a charm as `JUJU_OPS_CONTAINERS_DIR`.
    pub fn containers_dir(&self) -> &Path {
        self._dir.path()
    }

    fn serve_at(dir: tempfile::TempDir, socket: PathBuf) -> std::io::Result<FakePebble> {
        let listener = UnixListener::bind(&socket)?;
        let world = Arc::new(Mutex::new(World { chunk_above: 512, ..World::default() }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (world, stop) = (world.clone(), stop.clone());
            std::thread::spawn(move || serve(listener, world, stop))
        };
        Ok(FakePebble { _dir: dir, socket, world, stop, thread: Some(thread) })
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The fake's state, to set up or inspect.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for FakePebble {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = UnixStream::connect(&self.socket);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: UnixListener, world: Arc<Mutex<World>>, stop: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(stream) = stream {
            // A thread per connection: exec keeps three websockets open at once.
            let world = world.clone();
            std::thread::spawn(move || handle(stream, &world));
        }
    }
}

fn handle(mut stream: UnixStream, world: &Mutex<World>) -> std::io::Result<()> {
    let Some((method, path, content_type, body, ws_key)) = read_request(&mut stream)? else { return Ok(()) };
    if let Some(key) = ws_key {
        return exec_stream(stream, world, &path, &key);
    }
    let mut world = world.lock().unwrap_or_else(|e| e.into_inner());
    world.requests.push(Recorded { method: method.clone(), path: path.clone(), body: body.clone() });
    let (status, content_type, text) = if content_type.starts_with("multipart/form-data") {
        write_files(&mut world, &content_type, &body)
    } else if method == "GET" && path.starts_with("/v1/files?") && path.contains("action=read") {
        read_file(&world, &path)
    } else {
        route(&mut world, &method, &path, &body)
    };
    let content_type = if world.not_json { "text/plain".to_owned() } else { content_type };
    let chunked = text.len() > world.chunk_above;
    drop(world);
    write_response(&mut stream, status, &content_type, &text, chunked)
}

type RawRequest = (String, String, String, String, Option<String>);

fn read_request(stream: &mut UnixStream) -> std::io::Result<Option<RawRequest>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        let Ok(httparse::Status::Complete(head)) = request.parse(&buf) else { continue };
        let length = request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-length"))
            .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let (method, path) = (request.method.unwrap_or("").to_owned(), request.path.unwrap_or("").to_owned());
        let content_type = request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
            .unwrap_or_default();
        let ws_key = request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
            .map(|h| String::from_utf8_lossy(h.value).into_owned());
        while buf.len() < head + length {
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = String::from_utf8_lossy(&buf[head..(head + length).min(buf.len())]).into_owned();
        return Ok(Some((method, path, content_type, body, ws_key)));
    }
}

fn write_response(
    stream: &mut UnixStream,
    status: u16,
    content_type: &str,
    text: &str,
    chunked: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        404 => "Not Found",
        504 => "Gateway Timeout",
        _ => "Other",
    };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n");
    if chunked {
        out.push_str("Transfer-Encoding: chunked\r\n\r\n");
        // Small chunks, so the client's decoder crosses chunk boundaries mid-token.
        for piece in text.as_bytes().chunks(100) {
            out.push_str(&format!("{:x}\r\n{}\r\n", piece.len(), String::from_utf8_lossy(piece)));
        }
        out.push_str("0\r\n\r\n");
    } else {
        out.push_str(&format!("Content-Length: {}\r\n\r\n{text}", text.len()));
    }
    stream.write_all(out.as_bytes())
}

type Answer = (u16, String, String);

fn sync(result: Value) -> Answer {
    (
        200,
        "application/json".into(),
        json!({"type": "sync", "status-code": 200, "status": "OK", "result": result}).to_string(),
    )
}

fn error(code: u16, status: &str, message: &str) -> Answer {
    let body = json!({"type": "error", "status-code": code, "status": status, "result": {"message": message}});
    (code, "application/json".into(), body.to_string())
}

fn route(world: &mut World, method: &str, path: &str, body: &str) -> Answer {
    let (path_only, _query) = path.split_once('?').unwrap_or((path, ""));
    let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match (method, path_only) {
        ("GET", "/v1/system-info") => sync(json!({"version": "1.19.0"})),
        ("GET", "/v1/plan") => {
            let plan = serde_yaml::to_string(&Value::Object(world.plan())).unwrap_or_default();
            sync(Value::String(if world.plan().is_empty() { "{}\n".into() } else { plan }))
        }
        ("POST", "/v1/layers") => add_layer(world, &body),
        ("GET", "/v1/services") => services(world, path),
        ("POST", "/v1/services") => services_action(world, &body),
        ("GET", p) if p.starts_with("/v1/changes/") => change(world, p),
        ("GET", "/v1/files") => list_files(world, path),
        ("POST", "/v1/files") => file_action(world, &body),
        ("GET", "/v1/checks") => sync(Value::Array(world.checks.clone())),
        ("POST", "/v1/checks") => sync(json!({"changed": body["checks"]})),
        ("GET", "/v1/notices") => sync(Value::Array(world.notices.clone())),
        ("POST", "/v1/notices") => {
            let id = (world.notices.len() + 1).to_string();
            let notice = json!({"id": id, "type": body["type"], "key": body["key"], "last-data": body["data"], "occurrences": 1});
            world.notices.push(notice);
            sync(json!({"id": id}))
        }
        ("POST", "/v1/signals") => sync(Value::Bool(true)),
        ("POST", "/v1/exec") => start_exec(world, &body),
        ("GET", "/v1/logs") => {
            let lines: Vec<String> = world.logs.iter().map(|l| format!("{l}\n")).collect();
            (200, "application/x-ndjson".into(), lines.concat())
        }
        _ => error(404, "Not Found", &format!("not found: {path}")),
    }
}

fn add_layer(world: &mut World, body: &Value) -> Answer {
    let label = body["label"].as_str().unwrap_or_default().to_owned();
    let layer: Value = serde_yaml::from_str(body["layer"].as_str().unwrap_or_default()).unwrap_or(Value::Null);
    let layer = layer.as_object().cloned().unwrap_or_default();
    let combine = body["combine"].as_bool().unwrap_or(false);
    match world.layers.iter_mut().find(|(l, _)| *l == label) {
        Some(_) if !combine => error(400, "Bad Request", &format!("layer {label:?} already exists")),
        Some((_, existing)) => {
            let services = existing.entry("services").or_insert_with(|| json!({}));
            if let (Some(into), Some(from)) =
                (services.as_object_mut(), layer.get("services").and_then(Value::as_object))
            {
                into.extend(from.clone());
            }
            sync(Value::Bool(true))
        }
        None => {
            world.layers.push((label, layer));
            sync(Value::Bool(true))
        }
    }
}

fn services(world: &World, path: &str) -> Answer {
    let names: Option<Vec<&str>> =
        path.split_once("names=").map(|(_, rest)| rest.split('&').next().unwrap_or("").split(',').collect());
    let plan = world.plan();
    let list: Vec<Value> = plan
        .get("services")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| names.as_ref().is_none_or(|n| n.contains(&name.as_str())))
        .map(|(name, service)| {
            let startup = service.get("startup").and_then(Value::as_str).unwrap_or("disabled");
            let current = if world.running.contains(name) { "active" } else { "inactive" };
            json!({"name": name, "startup": startup, "current": current})
        })
        .collect();
    sync(Value::Array(list))
}

fn services_action(world: &mut World, body: &Value) -> Answer {
    let action = body["action"].as_str().unwrap_or_default();
    let mut names: Vec<String> =
        body["services"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    let plan = world.plan();
    let defined = plan.get("services").and_then(Value::as_object).cloned().unwrap_or_default();
    if matches!(action, "replan" | "autostart") {
        names = defined
            .iter()
            .filter(|(_, s)| s.get("startup").and_then(Value::as_str) == Some("enabled"))
            .map(|(n, _)| n.clone())
            .collect();
    }
    let missing: Vec<&String> = names.iter().filter(|n| !defined.contains_key(*n)).collect();
    let id = (world.changes.len() + 1).to_string();
    let change = if let Some(name) = missing.first() {
        let err =
            format!("cannot perform the following tasks:\n- Start service {name:?} (service {name:?} does not exist)");
        json!({"id": id, "kind": action, "summary": action, "status": "Error", "ready": true, "err": err,
               "tasks": [{"id": "1", "kind": action, "status": "Error", "log": [format!("ERROR service {name:?} does not exist")]}]})
    } else {
        for name in &names {
            match action {
                "stop" => world.running.remove(name),
                _ => world.running.insert(name.clone()),
            };
        }
        json!({"id": id, "kind": action, "summary": action, "status": "Done", "ready": true,
               "tasks": [{"id": "1", "kind": action, "status": "Done"}]})
    };
    world.changes.insert(id.clone(), change);
    let body = json!({"type": "async", "status-code": 202, "status": "Accepted", "change": id, "result": null});
    (202, "application/json".into(), body.to_string())
}

fn change(world: &mut World, path: &str) -> Answer {
    let rest = path.trim_start_matches("/v1/changes/");
    let (id, wait) = match rest.split_once('/') {
        Some((id, "wait")) => (id, true),
        _ => (rest, false),
    };
    if wait && world.wait_timeouts > 0 {
        world.wait_timeouts -= 1;
        return error(504, "Gateway Timeout", "timed out waiting for change");
    }
    match world.changes.get(id) {
        Some(change) => sync(change.clone()),
        None => error(404, "Not Found", &format!("cannot find change with id {id:?}")),
    }
}

fn query_value(path: &str, key: &str) -> Option<String> {
    let query = path.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| v.replace("%2F", "/").replace("%20", " "))
    })
}

fn not_found(path: &str) -> Value {
    json!({"kind": "not-found", "message": format!("stat {path}: no such file or directory")})
}

fn file_info(path: &str, content: &Option<String>) -> Value {
    let name = path.rsplit('/').next().unwrap_or(path);
    match content {
        None => json!({"path": path, "name": name, "type": "directory", "permissions": "755"}),
        Some(text) => json!({"path": path, "name": name, "type": "file", "size": text.len(), "permissions": "644"}),
    }
}

fn list_files(world: &World, query_path: &str) -> Answer {
    let path = query_value(query_path, "path").unwrap_or_default();
    let itself = query_value(query_path, "itself").as_deref() == Some("true");
    let Some(entry) = world.files.get(&path) else {
        let body = json!({"type": "error", "status-code": 404, "status": "Not Found", "result": not_found(&path)});
        return (404, "application/json".into(), body.to_string());
    };
    if itself || entry.is_some() {
        return sync(json!([file_info(&path, entry)]));
    }
    let prefix = format!("{}/", path.trim_end_matches('/'));
    let children: Vec<Value> = world
        .files
        .iter()
        .filter(|(p, _)| p.strip_prefix(&prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/')))
        .map(|(p, c)| file_info(p, c))
        .collect();
    sync(Value::Array(children))
}

fn parent_of(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((parent, _)) => parent,
    }
}

fn file_action(world: &mut World, body: &Value) -> Answer {
    let mut results = Vec::new();
    match body["action"].as_str() {
        Some("make-dirs") => {
            for dir in body["dirs"].as_array().into_iter().flatten() {
                let path = dir["path"].as_str().unwrap_or_default().to_owned();
                let parent = parent_of(&path).to_owned();
                if dir["make-parents"].as_bool() != Some(true) && parent != "/" && !world.files.contains_key(&parent) {
                    results.push(json!({"path": path, "error": not_found(&parent)}));
                    continue;
                }
                world.files.insert(path.clone(), None);
                results.push(json!({"path": path}));
            }
        }
        Some("remove") => {
            for item in body["paths"].as_array().into_iter().flatten() {
                let path = item["path"].as_str().unwrap_or_default().to_owned();
                if world.files.remove(&path).is_none() {
                    results.push(json!({"path": path, "error": not_found(&path)}));
                    continue;
                }
                if item["recursive"].as_bool() == Some(true) {
                    let prefix = format!("{path}/");
                    world.files.retain(|p, _| !p.starts_with(&prefix));
                }
                results.push(json!({"path": path}));
            }
        }
        _ => return error(400, "Bad Request", "unknown action"),
    }
    sync(Value::Array(results))
}

/// A multipart write: the JSON `request` part names the path, the `files` part has the content.
fn write_files(world: &mut World, content_type: &str, body: &str) -> Answer {
    let Some(boundary) = content_type.split("boundary=").nth(1).map(|b| b.trim_matches('"').to_owned()) else {
        return error(400, "Bad Request", "no boundary");
    };
    let mut request = Value::Null;
    let mut content = None;
    for part in body.split(&format!("--{boundary}")).skip(1) {
        let Some((head, data)) = part.split_once("\r\n\r\n") else { continue };
        let data = data.strip_suffix("\r\n").unwrap_or(data);
        if head.contains("name=\"request\"") {
            request = serde_json::from_str(data).unwrap_or(Value::Null);
        } else if head.contains("name=\"files\"") {
            content = Some(data.to_owned());
        }
    }
    let path = request["files"][0]["path"].as_str().unwrap_or_default().to_owned();
    world.files.insert(path.clone(), content);
    sync(json!([{"path": path}]))
}

fn read_file(world: &World, query_path: &str) -> Answer {
    let path = query_value(query_path, "path").unwrap_or_default();
    let boundary = "FAKEPEBBLEBOUNDARY";
    let (file, result) = match world.files.get(&path) {
        Some(Some(text)) => (text.clone(), json!([{"path": path}])),
        _ => (String::new(), json!([{"path": path, "error": not_found(&path)}])),
    };
    let response = json!({"type": "sync", "status-code": 200, "status": "OK", "result": result});
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{path}\"\r\n\r\n{file}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"response\"\r\n\r\n{response}\r\n--{boundary}--\r\n"
    );
    (200, format!("multipart/form-data; boundary={boundary}"), body)
}

fn start_exec(world: &mut World, body: &Value) -> Answer {
    let id = (world.changes.len() + 1).to_string();
    let task = format!("t{id}");
    let change = json!({"id": id, "kind": "exec", "summary": "exec", "status": "Doing", "ready": false,
                        "tasks": [{"id": task, "kind": "exec", "status": "Doing"}]});
    world.changes.insert(id.clone(), change);
    world.execs.insert(task.clone(), Exec { change: id.clone(), request: body.clone(), outcome: None });
    let body =
        json!({"type": "async", "status-code": 202, "status": "Accepted", "change": id, "result": {"task-id": task}});
    (202, "application/json".into(), body.to_string())
}

/// Serves one exec websocket: `stdio` runs the command (for real, on this machine) with
/// the stdin it receives; `stderr` sends what it wrote there; `control` just stays open.
fn exec_stream(mut stream: UnixStream, world: &Mutex<World>, path: &str, key: &str) -> std::io::Result<()> {
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    let mut socket = tungstenite::WebSocket::from_raw_socket(stream, tungstenite::protocol::Role::Server, None);
    let mut parts = path.trim_start_matches("/v1/tasks/").split('/');
    let (task, name) = (parts.next().unwrap_or_default().to_owned(), parts.nth(1).unwrap_or_default().to_owned());
    let lock = || world.lock().unwrap_or_else(|e| e.into_inner());
    let end = || tungstenite::Message::Text(json!({"command": "end"}).to_string().into());
    match name.as_str() {
        "stdio" => {
            let mut stdin = Vec::new();
            while let Ok(message) = socket.read() {
                match message {
                    tungstenite::Message::Binary(bytes) => stdin.extend_from_slice(&bytes),
                    tungstenite::Message::Text(_) | tungstenite::Message::Close(_) => break,
                    _ => {}
                }
            }
            let request = lock().execs.get(&task).map(|e| e.request.clone()).unwrap_or_default();
            let (code, stdout, stderr) = run_command(&request, &stdin);
            {
                let mut world = lock();
                let change_id = world.execs.get(&task).map(|e| e.change.clone()).unwrap_or_default();
                if let Some(exec) = world.execs.get_mut(&task) {
                    exec.outcome = Some((code, stderr));
                }
                if let Some(change) = world.changes.get_mut(&change_id) {
                    change["ready"] = json!(true);
                    change["status"] = json!("Done");
                    change["tasks"][0]["status"] = json!("Done");
                    change["tasks"][0]["data"] = json!({"exit-code": code});
                }
            }
            let _ = socket.send(tungstenite::Message::Binary(stdout.into()));
            let _ = socket.send(end());
        }
        "stderr" => {
            let stderr = loop {
                if let Some((_, stderr)) = lock().execs.get(&task).and_then(|e| e.outcome.clone()) {
                    break stderr;
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            };
            let _ = socket.send(tungstenite::Message::Binary(stderr.into()));
            let _ = socket.send(end());
        }
        _ => {
            while let Ok(message) = socket.read() {
                if let tungstenite::Message::Text(text) = message {
                    let command: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                    if command["command"] == "signal" {
                        let signal = command["signal"]["name"].as_str().unwrap_or_default().to_owned();
                        lock().exec_signals.push((task.clone(), signal));
                    }
                }
            }
        }
    }
    Ok(())
}

fn run_command(request: &Value, stdin: &[u8]) -> (i32, Vec<u8>, Vec<u8>) {
    use std::process::{Command, Stdio};
    let argv: Vec<String> =
        request["command"].as_array().into_iter().flatten().filter_map(|a| a.as_str().map(str::to_owned)).collect();
    let Some((program, args)) = argv.split_first() else { return (127, vec![], b"no command".to_vec()) };
    let mut command = Command::new(program);
    command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (key, value) in request["environment"].as_object().into_iter().flatten() {
        command.env(key, value.as_str().unwrap_or_default());
    }
    if let Some(dir) = request["working-dir"].as_str() {
        command.current_dir(dir);
    }
    let Ok(mut child) = command.spawn() else { return (127, vec![], format!("cannot run {program:?}").into_bytes()) };
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin);
    }
    let Ok(output) = child.wait_with_output() else { return (1, vec![], vec![]) };
    let (mut stdout, stderr) = (output.stdout, output.stderr);
    let split = request["split-stderr"].as_bool().unwrap_or(true);
    if !split {
        stdout.extend(stderr);
        return (output.status.code().unwrap_or(-1), stdout, vec![]);
    }
    (output.status.code().unwrap_or(-1), stdout, stderr)
}
