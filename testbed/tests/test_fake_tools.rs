//! The fake hook tools accept what Juju accepts (the argv Python ops sends) and reject
//! what Juju rejects, with Juju's messages and exit codes.

use std::path::Path;

use juju_ops_testbed::state::{Action, Relation};
use juju_ops_testbed::{FakeJuju, State};
use serde_json::json;

const TOOL: &str = env!("CARGO_BIN_EXE_fake-hook-tool");

fn world() -> FakeJuju {
    let mut state = State { unit: "hello/0".into(), leader: true, ..State::default() };
    state.config = json!({"thing": "world"}).as_object().unwrap().clone();
    state.relations.insert(
        1,
        Relation { endpoint: "db".into(), remote_app: "pg".into(), units: vec!["pg/0".into()], ..Relation::default() },
    );
    state.action = Some(Action { name: "fortune".into(), ..Action::default() });
    FakeJuju::new(Path::new(TOOL), &state).unwrap()
}

/// Runs `argv` (tool first) with `env`; gives (exit code, stdout, stderr).
fn run_env(juju: &FakeJuju, argv: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut command = std::process::Command::new(juju.bin_dir().join(argv[0]));
    command.args(&argv[1..]).env("FAKE_JUJU_STATE", juju.state_path()).envs(env.iter().copied());
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn run(juju: &FakeJuju, argv: &[&str]) -> (i32, String, String) {
    run_env(juju, argv, &[("JUJU_ACTION_NAME", "fortune")], None)
}

#[test]
fn accepts_the_argv_python_ops_sends() {
    let juju = world();
    let cases: &[&[&str]] = &[
        &["juju-log", "--log-level", "INFO", "--", "a message"],
        &["status-set", "--application=False", "maintenance", "--", "installing"],
        &["status-set", "--application=True", "active", "--", ""],
        &["status-get", "--include-data", "--format=json", "--application=false"],
        &["status-get", "--include-data", "--format=json", "--application=true"],
        &["is-leader", "--format=json"],
        &["config-get", "--format=json"],
        &["relation-ids", "db", "--format=json"],
        &["relation-list", "--format=json", "-r", "db:1"],
        &["relation-list", "--format=json", "--app", "-r", "db:1"],
        &["relation-get", "--format=json", "-r", "db:1", "-", "pg/0"],
        &["relation-get", "--format=json", "-r", "db:1", "--app", "-", "pg"],
        &["relation-model-get", "--format=json", "-r", "db:1"],
        &["action-get", "--format=json"],
        &["action-set", "fortune=Ship it.", "a.b-c=1"],
        &["action-log", "--", "working"],
        &["action-fail", "--", ""],
        &["application-version-set", "--", "1.2"],
        &["goal-state", "--format=json"],
        &["open-port", "8080/tcp"],
        &["open-port", "icmp"],
        &["close-port", "8080/tcp"],
        &["opened-ports", "--format=json"],
        &["state-get", "missing"],
        &["state-delete"],
    ];
    for argv in cases {
        let (code, _, stderr) = run(&juju, argv);
        assert_eq!(code, 0, "{argv:?}: {stderr}");
    }
    let (_, stdout, _) = run(&juju, &["status-get", "--include-data", "--format=json", "--application=false"]);
    assert_eq!(stdout, "{\"message\":\"installing\",\"status\":\"maintenance\",\"status-data\":{}}\n");
    let (_, stdout, _) = run(&juju, &["relation-ids", "db", "--format=json"]);
    assert_eq!(stdout, "[\"db:1\"]\n");
}

#[test]
fn rejects_what_juju_rejects() {
    let juju = world();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["config-get", "--bogus"], 2, "flag provided but not defined: --bogus"),
        (&["config-get", "-x"], 2, "flag provided but not defined: -x"),
        (&["config-get", "--format"], 2, "flag needs an argument: --format"),
        (&["config-get", "--format=xml"], 2, r#"invalid value "xml" for flag --format: unknown format "xml""#),
        (&["config-get", "--all", "thing"], 2, r#"cannot use argument --all together with key "thing""#),
        (&["config-get", "a", "b"], 2, r#"unrecognized args: ["b"]"#),
        (&["goal-state", "--format=smart"], 2, r#"invalid value "smart" for flag --format: unknown format "smart""#),
        (&["is-leader", "extra"], 2, r#"unrecognized args: ["extra"]"#),
        (&["status-set"], 2, "invalid args, require <status> [message]"),
        (&["status-set", "idle"], 2, r#"invalid status "idle", expected one of [maintenance blocked waiting active]"#),
        (&["status-set", "active", "m", "data"], 2, r#"unrecognized args: ["data"]"#),
        (
            &["status-set", "--application=yes", "active"],
            2,
            r#"invalid value "yes" for flag --application: strconv.ParseBool: parsing "yes": invalid syntax"#,
        ),
        // A short flag keeps the `=`: `-r=5` is the relation id "=5".
        (&["relation-list", "-r=5"], 2, r#"invalid value "=5" for flag -r: invalid relation id"#),
        (&["relation-list", "-r", "db:x"], 2, r#"invalid value "db:x" for flag -r: invalid relation id"#),
        (
            &["relation-list", "--relation", "db:9"],
            2,
            r#"invalid value "db:9" for flag --relation: relation not found"#,
        ),
        (&["relation-list"], 2, "no relation id specified"),
        (&["relation-get", "-r", "db:1", "-", "pg"], 2, r#"expected unit name, got application name "pg""#),
        (&["relation-get", "-r", "db:1", "-", "Not/A/Unit"], 2, r#"invalid unit name "Not/A/Unit""#),
        (&["relation-get", "-r", "db:1"], 2, "no unit or application specified"),
        (&["relation-set", "-r", "db:1", "--app", "true"], 2, r#"expected "key=value", got "true""#),
        (&["relation-set", "-r", "db:1", "foo"], 2, r#"expected "key=value", got "foo""#),
        (&["relation-set", "-r", "db:1", "=v"], 2, r#"expected "key=value", got "=v""#),
        (&["relation-set", "-r", "db:1", "a=1", "a=2"], 2, r#"key "a" specified more than once"#),
        (&["juju-log"], 2, "no message specified"),
        (&["juju-log", "--"], 2, "no message specified"),
        (
            &["action-set", "Foo=1"],
            2,
            r#"key "Foo" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods"#,
        ),
        (&["action-set", "stdout=x"], 2, r#"cannot set reserved action key "stdout""#),
        (&["action-set", "novalue"], 2, r#"argument "novalue" must be of the form key...=value"#),
        (&["action-fail", "a", "b"], 2, r#"unrecognized args: ["b"]"#),
        (&["application-version-set"], 2, "no version specified"),
        (&["open-port"], 2, "no port or range specified"),
        (&["open-port", "80", "tcp"], 2, r#"unrecognized args: ["tcp"]"#),
        (&["open-port", "90-80/tcp"], 2, "invalid port range 90-80/tcp"),
        (&["open-port", "80/sctp"], 2, r#"invalid protocol "sctp", expected "tcp", "udp", or "icmp""#),
        (&["open-port", "icmp/80"], 2, r#"invalid protocol "80", expected "tcp", "udp", or "icmp""#),
        (&["resource-get"], 2, "missing required resource name"),
        (&["storage-get"], 2, "no storage instance specified"),
        (&["storage-get", "-s", "Data/0"], 2, r#"invalid value "Data/0" for flag -s: invalid storage ID "Data/0""#),
        (&["config-get", "--=x"], 2, r#"empty flag in argument "--=x""#),
    ];
    for (argv, code, message) in cases {
        let (got_code, stdout, stderr) = run(&juju, argv);
        assert_eq!((got_code, stderr.as_str()), (*code, format!("ERROR {message}\n").as_str()), "{argv:?}");
        assert_eq!(stdout, "", "{argv:?}");
    }
}

#[test]
fn run_time_refusals_exit_one() {
    let juju = world();
    let mut state = juju.state();
    state.leader = false;
    juju.set_state(&state);
    let cases: &[(&[&str], &str)] = &[
        (&["status-set", "--application", "active"], "this unit is not the leader"),
        (&["status-get", "--application"], "finding application status: this unit is not the leader"),
        (&["relation-set", "-r", "db:1", "--app", "a=b"], "cannot write relation settings"),
        (&["relation-get", "-r", "db:1", "--app", "-", "hello"], "permission denied"),
    ];
    for (argv, message) in cases {
        let (code, _, stderr) = run(&juju, argv);
        assert_eq!((code, stderr), (1, format!("ERROR {message}\n")), "{argv:?}");
    }
    let (code, _, stderr) = run_env(&juju, &["action-log", "hi"], &[], None);
    assert_eq!((code, stderr.as_str()), (1, "ERROR not running an action\n"));
}

#[test]
fn relation_set_reads_json_from_stdin_and_deletes_empty_values() {
    let juju = world();
    let (code, _, stderr) =
        run_env(&juju, &["relation-set", "-r", "db:1", "--file", "-"], &[], Some(r#"{"a":"1","b":"2"}"#));
    assert_eq!(code, 0, "{stderr}");
    run_env(&juju, &["relation-set", "-r", "db:1", "--file", "-", "c=3"], &[], Some(r#"{"a":""}"#));
    let bag = &juju.state().relations[&1].data["hello/0"];
    assert_eq!(bag.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(), ["b=2", "c=3"]);
}

#[test]
fn defaults_come_from_the_hook_environment() {
    let juju = world();
    let env = [("JUJU_RELATION_ID", "db:1"), ("JUJU_RELATION", "db"), ("JUJU_REMOTE_UNIT", "pg/0")];
    let (code, stdout, _) = run_env(&juju, &["relation-list", "--format=json"], &env, None);
    assert_eq!((code, stdout.as_str()), (0, "[\"pg/0\"]\n"));
    let (code, _, _) = run_env(&juju, &["relation-get", "--format=json"], &env, None);
    assert_eq!(code, 0);
    let (code, stdout, _) = run_env(&juju, &["relation-ids", "--format=json"], &env, None);
    assert_eq!((code, stdout.as_str()), (0, "[\"db:1\"]\n"));
}

#[test]
fn deprecated_format_is_accepted_with_a_note() {
    let juju = world();
    let (code, _, stderr) = run(&juju, &["juju-log", "--format", "anything", "msg"]);
    assert_eq!((code, stderr.as_str()), (0, r#"--format flag deprecated for command "juju-log""#));
}

#[test]
fn smart_output_is_the_default() {
    let juju = world();
    assert_eq!(run(&juju, &["is-leader"]).1, "True\n");
    assert_eq!(run(&juju, &["config-get", "thing"]).1, "world\n");
}

#[test]
fn every_call_is_logged_with_its_exit_code() {
    let juju = world();
    let mut command = std::process::Command::new(juju.bin_dir().join("status-set"));
    command.arg("idle").env("FAKE_JUJU_STATE", juju.state_path()).env("FAKE_JUJU_LOG", juju.log_path());
    assert_eq!(command.output().unwrap().status.code(), Some(2));
    let calls = juju.calls();
    assert_eq!(
        (calls[0].tool.as_str(), calls[0].args.as_slice(), calls[0].exit),
        ("status-set", &["idle".to_owned()][..], 2)
    );
}

/// Writes `value` to a content file the way the library does (`key#file=PATH`).
fn content_file(dir: &tempfile::TempDir, key: &str, value: &str) -> String {
    let path = dir.path().join(key);
    std::fs::write(&path, value).unwrap();
    format!("{key}#file={}", path.display())
}

#[test]
fn secret_tools_accept_the_argv_python_ops_sends() {
    let juju = world();
    let files = tempfile::tempdir().unwrap();
    let password = content_file(&files, "password", "s3cret");
    let (code, stdout, stderr) = run(
        &juju,
        &[
            "secret-add",
            "--label",
            "db",
            "--description",
            "admin",
            "--expire",
            "2030-01-01T00:00:00Z",
            "--rotate",
            "daily",
            "--owner",
            "application",
            &password,
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let id = stdout.trim().to_owned();
    assert!(id.starts_with("secret:") && id.len() == 27, "{id}");
    let newer = content_file(&files, "password", "n3w");
    let cases: &[&[&str]] = &[
        &["secret-get", "--format=json", &id],
        &["secret-get", "--format=json", "--label", "db"],
        &["secret-get", "--format=json", &id, "--label", "db", "--refresh"],
        &["secret-get", "--format=json", &id, "--peek"],
        &["secret-info-get", "--format=json", &id],
        &["secret-info-get", "--format=json", "--label", "db"],
        &["secret-set", "--owner", "application", &id, &newer],
        &["secret-set", "--rotate", "weekly", "--expire", "24h", "--owner", "application", &id],
        &["secret-grant", "--relation", "1", &id],
        &["secret-grant", "--relation", "1", "--unit", "pg/0", &id],
        &["secret-revoke", "--relation", "1", "--unit", "pg/0", &id],
        &["secret-ids", "--format=json"],
        &["secret-remove", &id, "--revision", "1"],
    ];
    for argv in cases {
        let (code, _, stderr) = run(&juju, argv);
        assert_eq!(code, 0, "{argv:?}: {stderr}");
    }
    let (_, stdout, _) = run(&juju, &["secret-get", "--format=json", &id, "--peek"]);
    assert_eq!(stdout, "{\"password\":\"n3w\"}\n");
    let state = juju.state();
    let secret = state.secrets.values().next().unwrap();
    assert_eq!((secret.rotate.as_deref(), secret.removed.as_slice()), (Some("weekly"), &[1][..]));
    assert_eq!(secret.grants[&1].iter().collect::<Vec<_>>(), ["pg"]);
    let (code, _, stderr) = run(&juju, &["secret-remove", &id]);
    assert_eq!(code, 0, "{stderr}");
    assert!(juju.state().secrets.is_empty());
}

#[test]
fn secret_tools_reject_what_juju_rejects() {
    let juju = world();
    let (_, stdout, _) = run(&juju, &["secret-add", "--owner", "unit", "token=abc"]);
    let id = stdout.trim().to_owned();
    let cases: &[(&[&str], &str)] = &[
        (&["secret-add"], "missing secret value or filename"),
        (&["secret-add", "Password=x"], r#"key "Password" not valid"#),
        (&["secret-add", "pw=x"], r#"key "pw" not valid"#),
        (&["secret-add", "pass--word=x"], r#"key "pass--word" not valid"#),
        (&["secret-add", "password"], r#"key value "password" not valid"#),
        (&["secret-add", "--rotate", "fortnightly", "password=x"], r#"rotate policy "fortnightly" not valid"#),
        (&["secret-add", "--owner", "model", "password=x"], r#"secret owner "model" not valid"#),
        (&["secret-add", "--expire", "tomorrow", "password=x"], r#"expire time or duration "tomorrow" not valid"#),
        (&["secret-get", "--format=json"], "require either a secret URI or label"),
        (&["secret-get", &id, "--peek", "--refresh"], "specify one of --peek or --refresh but not both"),
        (&["secret-get", "secret:not-an-id"], r#"secret URI "secret:not-an-id" not valid"#),
        (&["secret-info-get", &id, "--label", "x"], "specify either a secret URI or label but not both"),
        (
            &["secret-grant", "--relation", "1", "--unit", "other/0", &id],
            r#"cannot specify unit "other/0" in relation to application "pg""#,
        ),
        (
            &["secret-remove", &id, "--revision", "one"],
            r#"invalid value "one" for flag --revision: strconv.ParseInt: parsing "one": invalid syntax"#,
        ),
        (&["secret-set"], "missing secret URI"),
    ];
    for (argv, message) in cases {
        let (code, stdout, stderr) = run(&juju, argv);
        assert_eq!((code, stderr.as_str()), (2, format!("ERROR {message}\n").as_str()), "{argv:?}");
        assert_eq!(stdout, "", "{argv:?}");
    }
}

#[test]
fn secret_tools_refuse_at_run_time_what_the_unit_may_not_do() {
    let juju = world();
    let (_, app_secret, _) = run(&juju, &["secret-add", "--owner", "application", "token=abc"]);
    let app_secret = app_secret.trim().to_owned();
    let mut state = juju.state();
    state.leader = false;
    juju.set_state(&state);
    let cases: &[(&[&str], &str)] = &[
        (&["secret-add", "--owner", "application", "token=abc"], "this unit is not the leader"),
        (&["secret-set", "--owner", "application", &app_secret, "token=new"], "this unit is not the leader"),
        (&["secret-grant", "--relation", "1", &app_secret], "this unit is not the leader"),
        (&["secret-get", "--format=json", "--label", "missing"], r#"secret "missing" not found"#),
    ];
    for (argv, message) in cases {
        let (code, _, stderr) = run(&juju, argv);
        assert_eq!((code, stderr), (1, format!("ERROR {message}\n")), "{argv:?}");
    }
    // A unit secret stays the unit's own, leader or not.
    let (code, _, stderr) = run(&juju, &["secret-add", "--owner", "unit", "token=abc"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn model_tools_accept_the_argv_python_ops_sends() {
    let juju = world();
    let mut state = juju.state();
    state.extra_bindings = vec!["public".into()];
    state.cloud_spec = Some(json!({"type": "lxd", "name": "localhost"}));
    juju.set_state(&state);
    let (code, stdout, stderr) = run(&juju, &["network-get", "--format=json", "-r", "1", "db"]);
    assert_eq!(code, 0, "{stderr}");
    let network: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(network["ingress-addresses"], json!(["192.0.2.0"]));
    let (code, stdout, _) = run(&juju, &["network-get", "public", "--ingress-address"]);
    assert_eq!((code, stdout.as_str()), (0, "192.0.2.0\n"));
    let (code, stdout, _) = run(&juju, &["credential-get", "--format=json"]);
    assert_eq!((code, stdout.trim()), (0, r#"{"name":"localhost","type":"lxd"}"#));
    let no_action: &[(&str, &str)] = &[];
    for argv in [&["juju-reboot"][..], &["juju-reboot", "--now"], &["storage-add", "data=2"], &["storage-add", "logs"]]
    {
        let (code, _, stderr) = run_env(&juju, argv, no_action, None);
        assert_eq!(code, 0, "{argv:?}: {stderr}");
    }
    let state = juju.state();
    assert_eq!(state.reboots, ["after-hook", "now"]);
    assert_eq!(state.storage_requests, [("data".to_owned(), 2), ("logs".to_owned(), 1)]);
}

#[test]
fn model_tools_reject_what_juju_rejects() {
    let juju = world();
    let usage: &[(&[&str], &str)] = &[
        (&["network-get"], "no arguments specified"),
        (&["network-get", ""], "no binding name specified"),
        (&["network-get", "db", "extra"], r#"unrecognized args: ["extra"]"#),
        (
            &["network-get", "db", "--primary-address", "--bind-address"],
            "--primary-address must be the only flag specified",
        ),
        (&["network-get", "-r", "9", "db"], r#"invalid value "9" for flag -r: relation not found"#),
        (&["credential-get", "x"], r#"unrecognized args: ["x"]"#),
        (&["juju-reboot", "now"], r#"unrecognized args: ["now"]"#),
        (&["storage-add"], "storage add requires a storage directive"),
        (&["storage-add", "a=b=c"], r#"expected "name=constraints" or "name", got "a=b=c""#),
        (&["storage-add", "data", "data=2"], r#"storage "data" specified more than once"#),
        (
            &["storage-add", "data=0"],
            r#"cannot parse constraints for storage "data": cannot parse count: count must be greater than zero, got "0""#,
        ),
        (&["storage-add", "data=10G"], r#"only count can be specified for "data""#),
    ];
    for (argv, message) in usage {
        let (code, stdout, stderr) = run(&juju, argv);
        assert_eq!((code, stderr.as_str()), (2, format!("ERROR {message}\n").as_str()), "{argv:?}");
        assert_eq!(stdout, "", "{argv:?}");
    }
    let refused: &[(&[&str], &str)] = &[
        (&["network-get", "nope"], r#"no network config found for binding "nope""#),
        (&["credential-get"], "cannot access cloud credentials: application is not trusted; run `juju trust`"),
        // `run` sets JUJU_ACTION_NAME: juju-reboot refuses inside an action.
        (&["juju-reboot"], "juju-reboot is not supported when running an action."),
    ];
    for (argv, message) in refused {
        let (code, _, stderr) = run(&juju, argv);
        assert_eq!((code, stderr), (1, format!("ERROR {message}\n")), "{argv:?}");
    }
}
