//! The Pebble client against the real Pebble daemon (v1.32.1): every endpoint the client
//! speaks and every method a container handle has, each test with its own daemon.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use juju_ops_testbed::real_pebble::RealPebble;
use ops::pebble::{
    Check, CheckLevel, CheckStatus, ExecCheck, ExecOptions, FileOptions, FileType, IdentityAccess, Layer, Listing,
    NoticeFilter, NoticeType, Override, PebbleError, Plan, Service, ServiceAction, ServiceStatus, Startup,
};
use ops::prelude::*;

fn service(command: &str, startup: Option<Startup>) -> Service {
    let mut service = Service::builder().override_(Override::Replace).command(command).build();
    service.startup = startup;
    service
}

fn web_layer() -> Layer {
    Layer::builder()
        .summary("web")
        .service("web", service("sleep 1000", Some(Startup::Enabled)))
        .service("worker", service("sleep 999", None))
        .build()
}

fn statuses(client: &ops::pebble::Client) -> Vec<(String, ServiceStatus)> {
    client.get_services(&[]).unwrap().into_iter().map(|s| (s.name, s.current)).collect()
}

#[test]
fn system_info_names_the_version() {
    let pebble = RealPebble::start();
    assert_eq!(pebble.client().get_system_info().unwrap().version, "v1.32.1");
}

#[test]
fn layers_combine_and_the_plan_reads_back() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    client.add_layer("base", &web_layer(), false).unwrap();
    let err = client.add_layer("base", &web_layer(), false).unwrap_err();
    assert!(matches!(&err, PebbleError::Api { code: 400, message, .. } if message == "layer \"base\" already exists"));
    let mut merge = Service::builder().override_(Override::Merge).command("sleep 2000").build();
    merge.environment.insert("MODE".into(), "fast".into());
    client.add_layer("base", &Layer::builder().service("web", merge).build(), true).unwrap();
    let plan = client.get_plan().unwrap();
    assert_eq!(plan.services["web"].command, "sleep 2000");
    assert_eq!(plan.services["web"].startup, Some(Startup::Enabled), "merge keeps what it does not say");
    assert_eq!(plan.services["web"].environment["MODE"], "fast");
    let without_override = Layer::builder().service("x", Service::builder().command("true").build()).build();
    let err = client.add_layer("bad", &without_override, false).unwrap_err();
    assert!(err.to_string().contains("must define \"override\" for service \"x\""), "{err}");
}

#[test]
fn a_plan_read_and_added_back_loses_nothing() {
    // `workloads:` and a service's `workload` come only from the layers directory at boot.
    let boot = "summary: boot\nworkloads:\n  app:\n    override: replace\n    user: root\n    environment:\n      A: b\nservices:\n  web:\n    override: replace\n    command: sleep 1000\n    workload: app\nchecks:\n  ok:\n    override: replace\n    level: alive\n    exec:\n      command: \"true\"\n      user: root\n      user-id: 0\n      group: root\n      group-id: 0\n";
    let pebble = RealPebble::start_with_layers(&[("001-boot.yaml", boot)]);
    let client = pebble.client();
    let plan = client.get_plan().unwrap();
    assert_eq!(plan.workloads["app"].environment["A"], "b");
    assert_eq!(plan.services["web"].workload, "app");
    let exec = plan.checks["ok"].exec.clone().unwrap();
    assert_eq!(
        (exec.user.as_str(), exec.user_id, exec.group.as_str(), exec.group_id),
        ("root", Some(0), "root", Some(0))
    );
    assert_eq!(plan.checks["ok"].level, Some(CheckLevel::Alive));
    client.add_layer("again", &Layer::from(plan.clone()), false).unwrap();
    assert_eq!(client.get_plan().unwrap(), plan);
    // Written as YAML and read again, the plan is the same too.
    assert_eq!(Plan::from_yaml(&plan.to_yaml().unwrap()).unwrap(), plan);
}

#[test]
fn services_start_stop_restart_replan_and_autostart() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let err = client.autostart().unwrap_err();
    assert!(matches!(&err, PebbleError::Api { code: 400, kind, .. } if kind == "no-default-services"), "{err}");
    client.add_layer("base", &web_layer(), false).unwrap();
    let change = client.replan().unwrap();
    assert_eq!((change.kind.as_str(), change.status.as_str(), change.ready), ("replan", "Done", true));
    assert_eq!(
        statuses(&client),
        [("web".to_owned(), ServiceStatus::Active), ("worker".to_owned(), ServiceStatus::Inactive)]
    );
    let web = client.get_service("web").unwrap();
    assert_eq!(web.startup, Startup::Enabled);
    assert!(web.current_since.is_some());
    client.start(&["worker"]).unwrap();
    client.stop(&["web"]).unwrap();
    assert!(!client.get_service("web").unwrap().is_running());
    let restart = client.restart(&["worker"]).unwrap();
    assert_eq!(restart.tasks.len(), 2, "a restart is a stop and a start");
    client.stop(&["worker"]).unwrap();
    client.autostart().unwrap();
    assert!(client.get_service("web").unwrap().is_running());
    let err = client.get_service("nope").unwrap_err();
    assert!(matches!(&err, PebbleError::ServiceNotFound { name } if name == "nope"), "{err}");
    for action in [ServiceAction::Start, ServiceAction::Stop, ServiceAction::Restart] {
        let err = client.services_action(action, &["web", "nope"]).unwrap_err();
        assert!(matches!(&err, PebbleError::ServiceNotFound { name } if name == "nope"), "{err}");
    }
}

#[test]
fn signals_reach_services_and_an_unknown_signal_is_an_api_error() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    client.add_layer("base", &web_layer(), false).unwrap();
    client.replan().unwrap();
    client.send_signal("SIGHUP", &["web"]).unwrap();
    let err = client.send_signal("SIGNOPE", &["web"]).unwrap_err();
    assert!(matches!(&err, PebbleError::Api { code: 500, .. }), "{err}");
}

#[test]
fn a_failing_service_start_is_a_change_error_with_logs() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let layer = Layer::builder().service("bad", service("/bin/sh -c 'echo oops; exit 3'", None)).build();
    client.add_layer("base", &layer, false).unwrap();
    let err = client.start(&["bad"]).unwrap_err();
    match &err {
        PebbleError::Change { err, logs, .. } => {
            assert!(err.contains("cannot perform the following tasks"), "{err}");
            assert!(logs.iter().any(|l| l.contains("oops") || l.contains("exited")), "{logs:?}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn changes_can_be_read_waited_on_and_listed() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    client.add_layer("base", &web_layer(), false).unwrap();
    let change = client.replan().unwrap();
    assert_eq!(client.get_change(&change.id).unwrap().id, change.id);
    assert_eq!(client.wait_change(&change.id, Duration::from_secs(5)).unwrap().status, "Done");
    assert!(client.get_changes("all", None).unwrap().iter().any(|c| c.id == change.id));
    let err = client.get_change("999").unwrap_err();
    assert!(err.is_not_found(), "{err}");
    // An id that would walk to another endpoint, or inject a header, stays one segment.
    // (Go's router answers an encoded `/` with a redirect, which is no change either.)
    // A percent sign is sent as itself: `%32` is not change 2.
    let escaped: String = change.id.bytes().map(|b| format!("%{b:02X}")).collect();
    for hostile in ["../../v1/plan", "1\r\nX-Injected: yes", "1?select=all", &escaped] {
        let err = client.get_change(hostile).unwrap_err();
        assert!(err.is_not_found() || matches!(err, PebbleError::Protocol(_)), "{hostile:?}: {err}");
    }
}

#[test]
fn files_push_pull_list_make_dirs_and_remove() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let root = pebble.dir().join("srv").display().to_string();
    let path = format!("{root}/conf/app.toml");
    let options = FileOptions { make_parents: true, permissions: Some(0o640), ..FileOptions::default() };
    client.push(&path, b"port = 8080\n", &options).unwrap();
    assert_eq!(client.pull(&path).unwrap(), b"port = 8080\n");
    let listed = client.list_files(&format!("{root}/conf"), None, Listing::Contents).unwrap();
    assert_eq!(listed.len(), 1);
    let file = &listed[0];
    assert_eq!(
        (file.name.as_str(), &file.kind, file.size, file.permissions),
        ("app.toml", &FileType::File, Some(12), 0o640)
    );
    let itself = client.list_files(&format!("{root}/conf"), None, Listing::Itself).unwrap();
    assert_eq!(itself[0].kind, FileType::Directory);
    assert!(client.list_files(&format!("{root}/conf"), Some("*.yaml"), Listing::Contents).unwrap().is_empty());
    assert!(client.exists(&path).unwrap() && !client.isdir(&path).unwrap() && client.isdir(&root).unwrap());
    assert!(!client.exists(&format!("{root}/nope")).unwrap());
    let err = client.push(&format!("{root}/missing/x"), b"x", &FileOptions::default()).unwrap_err();
    assert!(matches!(&err, PebbleError::Path { kind, .. } if kind == "not-found"), "{err}");
    let err = client.pull(&format!("{root}/nope")).unwrap_err();
    assert!(err.is_not_found(), "{err}");
    client.make_dir(&format!("{root}/a/b"), &FileOptions { make_parents: true, ..FileOptions::default() }).unwrap();
    let err = client.remove_path(&format!("{root}/a"), false).unwrap_err();
    assert!(matches!(&err, PebbleError::Path { .. }), "a non-empty directory needs recursive: {err}");
    client.remove_path(&format!("{root}/a"), true).unwrap();
    assert!(!client.exists(&format!("{root}/a")).unwrap());
    let err = client.remove_path(&format!("{root}/a"), false).unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[test]
fn odd_paths_reach_the_daemon_as_they_are() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let options = FileOptions { make_parents: true, ..FileOptions::default() };
    for name in ["with space", "quote\"d", "back\\slash", "percent%41", "amp&eq=q?x#y", "ünï"] {
        let path = format!("{}/odd/{name}", pebble.dir().display());
        client.push(&path, name.as_bytes(), &options).unwrap();
        assert_eq!(client.pull(&path).unwrap(), name.as_bytes(), "{name}");
        assert_eq!(std::fs::read(&path).unwrap(), name.as_bytes(), "{name}");
    }
    let err = client.push("/tmp/line\nbreak", b"x", &options).unwrap_err();
    assert!(matches!(err, PebbleError::InvalidArgument { .. }), "{err}");
}

#[test]
fn push_path_and_pull_path_copy_trees() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let local = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(local.path().join("conf/sub")).unwrap();
    std::fs::write(local.path().join("conf/a"), "a").unwrap();
    std::fs::write(local.path().join("conf/sub/b"), "b").unwrap();
    let remote = pebble.dir().join("dest").display().to_string();
    client.push_path(&[&local.path().join("conf")], &remote).unwrap();
    assert_eq!(client.pull(&format!("{remote}/conf/sub/b")).unwrap(), b"b");
    let back = tempfile::tempdir().unwrap();
    client.pull_path(&[&format!("{remote}/conf")], back.path()).unwrap();
    assert_eq!(std::fs::read_to_string(back.path().join("conf/a")).unwrap(), "a");
    assert_eq!(std::fs::read_to_string(back.path().join("conf/sub/b")).unwrap(), "b");
}

#[test]
fn a_large_file_goes_both_ways_and_a_cap_stops_a_larger_one() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let path = format!("{}/big", pebble.dir().display());
    let content: Vec<u8> = (0..4 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    client.push(&path, &content, &FileOptions::default()).unwrap();
    assert_eq!(client.pull(&path).unwrap(), content);
    let capped = client.clone().with_max_response(1024 * 1024);
    let err = capped.pull(&path).unwrap_err();
    assert!(matches!(err, PebbleError::Protocol(ops::pebble::ProtocolError::TooLarge { .. })), "{err}");
}

fn checks_layer() -> Layer {
    let exec = |command: &str| ExecCheck { command: command.into(), ..ExecCheck::default() };
    let check = |level: CheckLevel, command: &str| {
        let mut check = Check::builder().override_(Override::Replace).level(level).period("50ms").threshold(1).build();
        check.exec = Some(exec(command));
        check
    };
    Layer::builder()
        .check("alive", check(CheckLevel::Alive, "true"))
        .check("ready", check(CheckLevel::Ready, "true"))
        .build()
}

fn wait_for(mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn checks_health_and_a_down_check() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    client.add_layer("checks", &checks_layer(), false).unwrap();
    let checks = client.get_checks(None, &[]).unwrap();
    assert_eq!(checks.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["alive", "ready"]);
    assert_eq!(client.get_checks(Some(CheckLevel::Alive), &[]).unwrap().len(), 1);
    assert_eq!(client.get_check("ready").unwrap().level, Some(CheckLevel::Ready));
    assert!(matches!(client.get_check("nope").unwrap_err(), PebbleError::CheckNotFound { .. }));
    wait_for(|| client.health(None, &[]).unwrap());
    // The alive check starts failing: health is an answer (false), at the ready level too.
    let failing = {
        let mut check = checks_layer().checks["alive"].clone();
        check.exec = Some(ExecCheck { command: "false".into(), ..ExecCheck::default() });
        Layer::builder().check("alive", check).build()
    };
    client.add_layer("checks", &failing, true).unwrap();
    wait_for(|| client.get_check("alive").unwrap().status == CheckStatus::Down);
    assert!(!client.health(None, &[]).unwrap());
    assert!(!client.health(Some(CheckLevel::Ready), &[]).unwrap());
    assert!(client.health(None, &["ready"]).unwrap());
    assert_eq!(client.stop_checks(&["alive"]).unwrap(), ["alive"]);
    assert_eq!(client.get_check("alive").unwrap().status, CheckStatus::Inactive);
    assert!(client.stop_checks(&["alive"]).unwrap().is_empty());
    // Pebble stops a check by aborting its change; under load the abort can still be
    // settling when the start arrives, which then reports nothing started. What must hold:
    // a start answers with the check once it is settled, and the check runs again.
    wait_for(|| {
        client.start_checks(&["alive"]).unwrap() == ["alive"]
            || client.get_check("alive").unwrap().status != CheckStatus::Inactive
    });
    wait_for(|| client.get_check("alive").unwrap().status != CheckStatus::Inactive);
}

#[test]
fn notices_are_recorded_listed_and_read() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let data = BTreeMap::from([("path".to_owned(), "/srv/b.tar".to_owned())]);
    let id = client.notify("example.com/backup", &data, None).unwrap();
    client.notify("example.com/backup", &data, Some(Duration::from_secs(3600))).unwrap();
    let notice = client.get_notice(&id).unwrap();
    assert_eq!((notice.kind.clone(), notice.key.as_str()), (NoticeType::Custom, "example.com/backup"));
    assert_eq!(notice.last_data, data);
    assert_eq!(notice.occurrences, 2);
    let filter = NoticeFilter { types: vec![NoticeType::Custom], ..NoticeFilter::default() };
    assert_eq!(client.get_notices(&filter).unwrap().len(), 1);
    assert!(client.get_notice("999").unwrap_err().is_not_found());
}

#[test]
fn logs_give_every_line_unless_told() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let layer = Layer::builder()
        .service("talker", service("/bin/sh -c 'for i in $(seq 1 50); do echo line $i; done; sleep 1000'", None))
        .build();
    client.add_layer("base", &layer, false).unwrap();
    client.start(&["talker"]).unwrap();
    wait_for(|| client.get_logs(&["talker"], None).unwrap().len() >= 50);
    let all = client.get_logs(&["talker"], None).unwrap();
    assert_eq!(all.len(), 50);
    assert_eq!((all[0].service.as_str(), all[0].message.as_str()), ("talker", "line 1"));
    assert_eq!(client.get_logs(&["talker"], Some(5)).unwrap().len(), 5);
}

#[test]
fn identities_can_be_added_read_and_removed() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let identity = ops::pebble::Identity {
        access: IdentityAccess::Read,
        local: Some(ops::pebble::LocalIdentity { user_id: 1234 }),
        basic: None,
    };
    client.replace_identities(&BTreeMap::from([("bob".to_owned(), Some(identity.clone()))])).unwrap();
    assert_eq!(client.get_identities().unwrap()["bob"], identity);
    client.remove_identities(&["bob"]).unwrap();
    assert!(!client.get_identities().unwrap().contains_key("bob"));
}

#[test]
fn exec_gives_output_exit_code_and_runs_as_asked() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let options = ExecOptions {
        environment: BTreeMap::from([("GREETING".to_owned(), "hi".to_owned())]),
        working_dir: Some(pebble.dir().display().to_string()),
        stdin: Some(b"from stdin\n".to_vec()),
        ..ExecOptions::default()
    };
    let out =
        client.exec(&["/bin/sh", "-c", "read x; echo \"$GREETING $x in $(pwd)\"; echo err >&2"], &options).unwrap();
    assert_eq!(out.stdout_text(), format!("hi from stdin in {}\n", pebble.dir().display()));
    assert_eq!(out.stderr, b"err\n");
    let err = client.exec(&["/bin/sh", "-c", "echo bad >&2; exit 7"], &ExecOptions::default()).unwrap_err();
    match err {
        PebbleError::Exec { output, .. } => {
            assert_eq!((output.exit_code, output.stderr.as_slice()), (7, &b"bad\n"[..]))
        }
        other => panic!("{other}"),
    }
    let combined = ExecOptions { combine_stderr: true, ..ExecOptions::default() };
    let out = client.exec(&["/bin/sh", "-c", "echo out; echo err >&2"], &combined).unwrap();
    assert!(out.stdout_text().contains("out") && out.stdout_text().contains("err") && out.stderr.is_empty());
    let err = client.exec(&["/no/such/bin"], &ExecOptions::default()).unwrap_err();
    assert!(matches!(&err, PebbleError::Api { code: 400, message, .. } if message.contains("cannot find executable")));
    let as_nobody =
        ExecOptions { user: Some("nobody".into()), working_dir: Some("/".into()), ..ExecOptions::default() };
    assert!(client.exec(&["id", "-un"], &as_nobody).unwrap().stdout_text().starts_with("nobody"));
}

#[test]
fn exec_streams_megabytes_both_ways_at_once() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let input: Vec<u8> = (0..4 * 1024 * 1024).map(|i: u32| (i % 253) as u8).collect();
    let options =
        ExecOptions { stdin: Some(input.clone()), timeout: Some(Duration::from_secs(60)), ..ExecOptions::default() };
    let started = Instant::now();
    let out = client.exec(&["cat"], &options).unwrap();
    assert_eq!(out.stdout.len(), input.len());
    assert!(out.stdout == input);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn exec_stdin_and_stdout_as_streams() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let mut process = client.exec_process(&["tr", "a-z", "A-Z"], &ExecOptions::default()).unwrap();
    let mut stdin = process.take_stdin().unwrap();
    let mut stdout = process.take_stdout().unwrap();
    let text = std::thread::scope(|scope| {
        scope.spawn(move || {
            for _ in 0..1000 {
                stdin.write_all(b"hello pebble\n").unwrap();
            }
            stdin.close().unwrap();
        });
        let mut text = String::new();
        stdout.read_to_string(&mut text).unwrap();
        text
    });
    process.wait().unwrap();
    assert_eq!(text, "HELLO PEBBLE\n".repeat(1000));
}

#[test]
fn exec_can_be_signalled_and_times_out() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    let mut process =
        client.exec_process(&["sleep", "30"], &ExecOptions { stdin: Some(vec![]), ..ExecOptions::default() }).unwrap();
    process.send_signal("SIGTERM").unwrap();
    match process.wait_output().unwrap_err() {
        PebbleError::Exec { output, .. } => assert_eq!(output.exit_code, 143),
        other => panic!("{other}"),
    }
    let started = Instant::now();
    let timeout = ExecOptions { timeout: Some(Duration::from_millis(500)), ..ExecOptions::default() };
    let err = client.exec(&["sleep", "30"], &timeout).unwrap_err();
    assert!(
        matches!(err, PebbleError::Change { .. } | PebbleError::Exec { .. } | PebbleError::Timeout { .. }),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}
