//! The Pebble client on the wire, against a fake Pebble on a Unix socket.

use std::time::Duration;

use juju_ops_testbed::fake_pebble::FakePebble;
use ops::pebble::{CheckLevel, Client, Layer, Listing, Override, PebbleError, Service, ServiceStatus, Startup};
use ops::prelude::*;
use serde_json::Value;

fn layer(command: &str) -> Layer {
    let web = Service::builder().override_(Override::Replace).command(command).startup(Startup::Enabled).build();
    let worker = Service::builder().override_(Override::Replace).command("/worker").build();
    Layer::builder().summary("web").service("web", web).service("worker", worker).build()
}

#[test]
fn system_info() {
    let pebble = FakePebble::start().unwrap();
    assert_eq!(Client::new(pebble.socket()).get_system_info().unwrap().version, "1.19.0");
}

#[test]
fn a_missing_socket_is_a_connection_error() {
    let err = Client::new("/nonexistent/pebble.socket").get_system_info().unwrap_err();
    assert!(matches!(&err, PebbleError::Connection { reason, .. } if reason == "socket not found"), "{err}");
    assert_eq!(err.to_string(), "could not connect to Pebble at /nonexistent/pebble.socket: socket not found");
}

#[test]
fn add_layer_sends_what_ops_sends_and_the_plan_round_trips_chunked() {
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    client.add_layer("web", &layer("/web --port 8080"), false).unwrap();
    let sent: Value = serde_json::from_str(&pebble.world().requests[0].body).unwrap();
    assert_eq!(sent["action"], "add");
    assert_eq!(sent["combine"], false);
    assert_eq!(sent["label"], "web");
    assert_eq!(sent["format"], "yaml");
    assert_eq!(Layer::from_yaml(sent["layer"].as_str().unwrap()).unwrap(), layer("/web --port 8080"));
    pebble.world().chunk_above = 16;
    let plan = client.get_plan().unwrap();
    assert_eq!(plan.services["web"].command, "/web --port 8080");
    assert_eq!(plan.services["worker"].startup, None);
    assert_eq!(pebble.world().requests[1].path, "/v1/plan?format=yaml");
}

#[test]
fn a_layer_label_twice_without_combine_is_an_api_error() {
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    client.add_layer("web", &layer("/a"), false).unwrap();
    let err = client.add_layer("web", &layer("/b"), false).unwrap_err();
    assert!(
        matches!(&err, PebbleError::Api { code: 400, message, .. } if message == "layer \"web\" already exists"),
        "{err}"
    );
    client.add_layer("web", &layer("/b"), true).unwrap();
    assert_eq!(client.get_plan().unwrap().services["web"].command, "/b");
}

#[test]
fn replan_starts_enabled_services_and_stop_stops_them() {
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    client.add_layer("web", &layer("/web"), false).unwrap();
    let change = client.replan().unwrap();
    assert_eq!((change.status.as_str(), change.ready), ("Done", true));
    let services = client.get_services(&["web", "worker"]).unwrap();
    let states: Vec<(&str, ServiceStatus)> = services.iter().map(|s| (s.name.as_str(), s.current.clone())).collect();
    assert_eq!(states, [("web", ServiceStatus::Active), ("worker", ServiceStatus::Inactive)]);
    assert!(pebble.world().requests.iter().any(|r| r.path == "/v1/services?names=web,worker"));
    client.stop(&["web"]).unwrap();
    assert!(!client.get_services(&["web"]).unwrap()[0].is_running());
}

#[test]
fn a_failed_change_carries_its_error_and_task_logs() {
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let err = client.start(&["nope"]).unwrap_err();
    let PebbleError::Change { err: message, logs, .. } = &err else { panic!("{err}") };
    assert!(message.contains("service \"nope\" does not exist"), "{message}");
    assert_eq!(logs, &["ERROR service \"nope\" does not exist"]);
    assert!(err.to_string().contains("----- Logs -----"));
}

#[test]
fn waiting_goes_on_through_504s() {
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket()).with_timeout(Duration::from_secs(2));
    client.add_layer("web", &layer("/web"), false).unwrap();
    pebble.world().wait_timeouts = 3;
    client.replan().unwrap();
    let waits = pebble.world().requests.iter().filter(|r| r.path.starts_with("/v1/changes/1/wait?timeout=")).count();
    assert_eq!(waits, 4);
    assert!(pebble.world().requests.iter().any(|r| r.path == "/v1/changes/1/wait?timeout=1.000s"));
}

#[test]
fn a_response_that_is_not_json_is_a_protocol_error() {
    let pebble = FakePebble::start().unwrap();
    pebble.world().not_json = true;
    let err = Client::new(pebble.socket()).get_system_info().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unexpected answer from Pebble: GET /v1/system-info: HTTP 200 with Content-Type \"text/plain\", expected application/json"
    );
}

#[test]
fn push_pull_list_make_dir_remove() {
    use ops::pebble::FileOptions;
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let options =
        FileOptions { make_parents: true, permissions: Some(0o640), user: Some("app".into()), ..Default::default() };
    client.make_dir("/etc/app", &options).unwrap();
    let sent: Value = serde_json::from_str(&pebble.world().requests[0].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"action": "make-dirs", "dirs": [{"path": "/etc/app", "make-parents": true, "permissions": "640", "user": "app"}]})
    );

    client.push("/etc/app/app.conf", b"port = 8080\nname = \"x\"\n", &FileOptions::default()).unwrap();
    let push = pebble.world().requests[1].clone();
    assert!(
        push.body.contains("name=\"request\"")
            && push.body.contains("{\"action\":\"write\",\"files\":[{\"path\":\"/etc/app/app.conf\"}]}")
    );
    assert_eq!(client.pull("/etc/app/app.conf").unwrap(), b"port = 8080\nname = \"x\"\n");

    let listed = client.list_files("/etc/app", None, Listing::Contents).unwrap();
    assert_eq!(listed.iter().map(|f| (f.name.as_str(), f.permissions)).collect::<Vec<_>>(), [("app.conf", 0o644)]);
    assert!(client.isdir("/etc/app").unwrap());
    assert!(client.exists("/etc/app/app.conf").unwrap());
    assert!(!client.exists("/etc/nope").unwrap());

    client.remove_path("/etc/app", true).unwrap();
    assert!(!client.exists("/etc/app/app.conf").unwrap());
}

#[test]
fn per_file_errors_inside_a_200_are_path_errors() {
    use ops::pebble::FileOptions;
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let err = client.pull("/missing").unwrap_err();
    assert!(matches!(&err, PebbleError::Path { kind, .. } if kind == "not-found"), "{err}");
    let err = client.remove_path("/missing", false).unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client.make_dir("/no/parent", &FileOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "Pebble could not use /no/parent (not-found): stat /no: no such file or directory");
}

#[test]
fn checks_notices_and_signals() {
    let pebble = FakePebble::start().unwrap();
    pebble.world().checks = vec![serde_json::json!({"name": "up", "level": "alive", "status": "up", "threshold": 3})];
    let client = Client::new(pebble.socket());
    let checks = client.get_checks(Some(CheckLevel::Alive), &["up", "ready"]).unwrap();
    assert_eq!((checks[0].name.as_str(), checks[0].status.as_str()), ("up", "up"));
    assert!(pebble.world().requests[0].path.ends_with("/v1/checks?level=alive&names=up&names=ready"));
    assert_eq!(client.stop_checks(&["up"]).unwrap(), ["up"]);

    let data = [("path".to_owned(), "/etc".to_owned())].into();
    let id = client.notify("example.com/reload", &data, Some(Duration::from_secs(60))).unwrap();
    let sent: Value = serde_json::from_str(&pebble.world().requests.last().unwrap().body).unwrap();
    assert_eq!(sent["repeat-after"], "60.000s");
    let notices = client.get_notices(&Default::default()).unwrap();
    assert_eq!((notices[0].id.as_str(), notices[0].key.as_str()), (id.as_str(), "example.com/reload"));

    client.send_signal("SIGHUP", &["web"]).unwrap();
    let sent: Value = serde_json::from_str(&pebble.world().requests.last().unwrap().body).unwrap();
    assert_eq!(sent, serde_json::json!({"signal": "SIGHUP", "services": ["web"]}));
}

#[test]
fn exec_streams_stdin_stdout_and_stderr_over_websockets() {
    use ops::pebble::ExecOptions;
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let options = ExecOptions {
        stdin: Some(b"hello from the charm\n".to_vec()),
        environment: [("GREETING".to_owned(), "hi".to_owned())].into(),
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    };
    let script = "cat; echo \"$GREETING\"; echo oops >&2";
    let output = client.exec(&["sh", "-c", script], &options).unwrap();
    assert_eq!(output.stdout_text(), "hello from the charm\nhi\n");
    assert_eq!(output.stderr, b"oops\n");
    let sent: Value = serde_json::from_str(&pebble.world().requests[0].body).unwrap();
    assert_eq!(sent["command"], serde_json::json!(["sh", "-c", script]));
    assert_eq!((sent["split-stderr"].clone(), sent["timeout"].clone()), (Value::Bool(true), Value::from("5.000s")));
}

#[test]
fn exec_with_a_non_zero_exit_is_an_exec_error_with_the_output() {
    use ops::pebble::ExecOptions;
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let err = client.exec(&["sh", "-c", "echo partial; echo broken >&2; exit 3"], &ExecOptions::default()).unwrap_err();
    let PebbleError::Exec { output, .. } = &err else { panic!("{err}") };
    assert_eq!((output.exit_code, output.stdout_text().as_str()), (3, "partial\n"));
    assert_eq!(err.to_string(), "command \"sh -c echo partial; echo broken >&2; exit 3\" exited with code 3: broken");
}

#[test]
fn exec_can_combine_stderr_into_stdout() {
    use ops::pebble::ExecOptions;
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let options = ExecOptions { combine_stderr: true, ..Default::default() };
    let output = client.exec(&["sh", "-c", "echo out; echo err >&2"], &options).unwrap();
    assert_eq!(output.stdout_text(), "out\nerr\n");
    assert!(output.stderr.is_empty());
}

#[test]
fn logs_are_newline_delimited_json() {
    let pebble = FakePebble::start().unwrap();
    pebble.world().logs = vec![
        serde_json::json!({"time": "2026-11-24T03:00:00Z", "service": "web", "message": "started"}),
        serde_json::json!({"time": "2026-11-24T03:00:01Z", "service": "web", "message": "listening on :8080"}),
    ];
    let client = Client::new(pebble.socket());
    let logs = client.get_logs(&["web"], Some(10)).unwrap();
    assert_eq!(logs.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(), ["started", "listening on :8080"]);
    assert_eq!(pebble.world().requests[0].path, "/v1/logs?services=web&n=10");
}

#[test]
fn a_running_exec_can_be_signalled_over_the_control_websocket() {
    use ops::pebble::ExecOptions;
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let mut process = client.exec_process(&["sh", "-c", "sleep 0.2; echo done"], &ExecOptions::default()).unwrap();
    process.send_signal("SIGTERM").unwrap();
    assert_eq!(process.wait_output().unwrap().stdout_text(), "done\n");
    // The fake records the signal (it does not kill: its command runs to the end).
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while pebble.world().exec_signals.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(pebble.world().exec_signals, [("t1".to_owned(), "SIGTERM".to_owned())]);
}

#[test]
fn push_path_and_pull_path_copy_whole_trees() {
    let pebble = FakePebble::start().unwrap();
    let client = Client::new(pebble.socket());
    let local = tempfile::tempdir().unwrap();
    let conf = local.path().join("conf");
    std::fs::create_dir_all(conf.join("sub")).unwrap();
    std::fs::write(conf.join("a.yaml"), "a: 1\n").unwrap();
    std::fs::write(conf.join("sub/b.yaml"), "b: 2\n").unwrap();
    client.push_path(&[conf.as_path()], "/etc/app").unwrap();
    assert_eq!(pebble.world().files.get("/etc/app/conf/sub/b.yaml"), Some(&Some("b: 2\n".to_owned())));

    let back = tempfile::tempdir().unwrap();
    client.pull_path(&["/etc/app/conf/*"], back.path()).unwrap();
    assert_eq!(std::fs::read_to_string(back.path().join("a.yaml")).unwrap(), "a: 1\n");
    assert_eq!(std::fs::read_to_string(back.path().join("sub/b.yaml")).unwrap(), "b: 2\n");

    let err = client.pull_path(&["/nope"], back.path()).unwrap_err();
    assert!(matches!(&err, PebbleError::PushPull { failures } if failures[0].path == "/nope"), "{err}");
}
