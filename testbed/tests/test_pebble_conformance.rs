//! The in-memory Pebble of `ops::testing` against the real daemon, on one table of cases:
//! each case makes the same calls on both and records what it observes (plans, service
//! states, files, checks, and errors by code and kind), and the two records must match,
//! so that a charm test passing in memory means the same on the daemon.

use juju_ops_testbed::real_pebble::RealPebble;
use ops::pebble::{
    Check, CheckLevel, ExecCheck, FileOptions, Layer, Listing, Override, PebbleApi, PebbleError, Service, Startup,
};
use ops::testing::{ContainerState, InMemoryPebble};

/// A case: calls on a Pebble, under a directory `root` for files; what it observed.
type Case = fn(&dyn PebbleApi, &str) -> Vec<String>;

/// An outcome as both Pebbles can be compared on: errors by kind, not by wording that
/// names temporary files.
fn outcome<T: std::fmt::Debug>(result: Result<T, PebbleError>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(PebbleError::Api { code, kind, message, .. }) => format!("api error {code} {kind:?}: {message}"),
        Err(PebbleError::Path { kind, .. }) => format!("path error {kind}"),
        Err(PebbleError::Change { .. }) => "change error".to_owned(),
        Err(other) => format!("error {other}"),
    }
}

fn done(result: Result<ops::pebble::Change, PebbleError>) -> String {
    outcome(result.map(|change| (change.kind, change.status, change.ready)))
}

fn service(command: &str, startup: Option<Startup>, how: Override) -> Service {
    let mut service = Service::builder().override_(how).command(command).build();
    service.startup = startup;
    service
}

fn base() -> Layer {
    Layer::builder()
        .summary("base")
        .service("web", service("sleep 1000", Some(Startup::Enabled), Override::Replace))
        .service("worker", service("sleep 999", None, Override::Replace))
        .build()
}

fn plan(pebble: &dyn PebbleApi) -> String {
    outcome(pebble.get_plan().map(|plan| plan.to_yaml().unwrap_or_default()))
}

fn services(pebble: &dyn PebbleApi) -> String {
    outcome(
        pebble
            .get_services(&[])
            .map(|all| all.into_iter().map(|s| format!("{} {} {}", s.name, s.startup, s.current)).collect::<Vec<_>>()),
    )
}

fn layers_merge_and_replace(pebble: &dyn PebbleApi, _root: &str) -> Vec<String> {
    let mut seen = vec![outcome(pebble.add_layer("base", &base(), false)), plan(pebble)];
    let mut merged = service("sleep 2000", None, Override::Merge);
    merged.environment.insert("MODE".into(), "fast".into());
    merged.after.push("worker".into());
    seen.push(outcome(pebble.add_layer("base", &Layer::builder().service("web", merged).build(), true)));
    seen.push(plan(pebble));
    let mut more = service("sleep 1", None, Override::Merge);
    more.environment.insert("LEVEL".into(), "2".into());
    more.after.push("db".into());
    seen.push(outcome(pebble.add_layer("more", &Layer::builder().service("web", more).build(), false)));
    seen.push(plan(pebble));
    let replaced = service("sleep 3", Some(Startup::Enabled), Override::Replace);
    seen.push(outcome(pebble.add_layer("more", &Layer::builder().service("worker", replaced).build(), true)));
    seen.push(plan(pebble));
    seen
}

fn layer_errors(pebble: &dyn PebbleApi, _root: &str) -> Vec<String> {
    let no_override = Layer::builder().service("x", Service::builder().command("true").build()).build();
    vec![
        outcome(pebble.add_layer("base", &base(), false)),
        outcome(pebble.add_layer("base", &base(), false)),
        outcome(pebble.add_layer("other", &no_override, false)),
        plan(pebble),
    ]
}

fn service_state_changes(pebble: &dyn PebbleApi, _root: &str) -> Vec<String> {
    vec![
        done(pebble.autostart()),
        outcome(pebble.add_layer("base", &base(), false)),
        services(pebble),
        done(pebble.replan()),
        services(pebble),
        done(pebble.start(&["worker"])),
        done(pebble.stop(&["web"])),
        services(pebble),
        done(pebble.restart(&["worker"])),
        done(pebble.start(&["nope"])),
        outcome(pebble.get_service("nope").map(|s| s.name)),
        done(pebble.autostart()),
        services(pebble),
        done(pebble.stop(&["web", "worker"])),
        services(pebble),
    ]
}

fn files(pebble: &dyn PebbleApi, root: &str) -> Vec<String> {
    let parents = FileOptions { make_parents: true, ..FileOptions::default() };
    let list = |path: &str, pattern: Option<&str>, listing: Listing| {
        outcome(pebble.list_files(path, pattern, listing).map(|files| {
            files
                .into_iter()
                .map(|f| format!("{} {} {} {:?} {:o}", f.path, f.name, f.kind, f.size, f.permissions))
                .collect::<Vec<_>>()
        }))
    };
    vec![
        outcome(pebble.make_dir(root, &parents)),
        outcome(pebble.push(&format!("{root}/conf/app.toml"), b"port = 1\n", &parents)),
        outcome(pebble.push(
            &format!("{root}/conf/secret"),
            b"s",
            &FileOptions { permissions: Some(0o600), ..FileOptions::default() },
        )),
        outcome(pebble.push(&format!("{root}/missing/x"), b"x", &FileOptions::default())),
        outcome(pebble.pull(&format!("{root}/conf/app.toml")).map(String::from_utf8)),
        outcome(pebble.pull(&format!("{root}/conf/nope"))),
        list(&format!("{root}/conf"), None, Listing::Contents),
        list(&format!("{root}/conf"), Some("*.toml"), Listing::Contents),
        list(&format!("{root}/conf"), None, Listing::Itself),
        list(&format!("{root}/conf/app.toml"), None, Listing::Contents),
        list(&format!("{root}/nope"), None, Listing::Contents),
        outcome(pebble.exists(&format!("{root}/conf"))),
        outcome(pebble.isdir(&format!("{root}/conf"))),
        outcome(pebble.isdir(&format!("{root}/conf/app.toml"))),
        outcome(pebble.make_dir(&format!("{root}/a/b"), &FileOptions::default())),
        outcome(pebble.make_dir(&format!("{root}/a/b"), &parents)),
        outcome(pebble.make_dir(&format!("{root}/a/b"), &FileOptions::default())),
        outcome(pebble.remove_path(&format!("{root}/a"), false)),
        outcome(pebble.remove_path(&format!("{root}/a"), true)),
        outcome(pebble.remove_path(&format!("{root}/a"), false)),
        outcome(pebble.exists(&format!("{root}/a/b"))),
    ]
}

fn checks(pebble: &dyn PebbleApi, _root: &str) -> Vec<String> {
    let check = |level: Option<CheckLevel>| {
        let mut check = Check::builder().override_(Override::Replace).period("1h").build();
        check.level = level;
        check.exec = Some(ExecCheck { command: "true".into(), ..ExecCheck::default() });
        check
    };
    let layer = Layer::builder()
        .check("alive", check(Some(CheckLevel::Alive)))
        .check("ready", check(Some(CheckLevel::Ready)))
        .check("plain", check(None))
        .build();
    let infos = |level: Option<CheckLevel>, names: &[&str]| {
        outcome(pebble.get_checks(level, names).map(|checks| {
            checks
                .into_iter()
                .map(|c| format!("{} {:?} {:?} {} {}", c.name, c.level, c.startup, c.status, c.threshold))
                .collect::<Vec<_>>()
        }))
    };
    vec![
        outcome(pebble.add_layer("checks", &layer, false)),
        plan(pebble),
        infos(None, &[]),
        infos(Some(CheckLevel::Alive), &[]),
        infos(Some(CheckLevel::Ready), &[]),
        infos(None, &["ready", "plain"]),
        outcome(pebble.get_check("nope").map(|c| c.name)),
        outcome(pebble.stop_checks(&["alive", "plain"])),
        infos(None, &[]),
        outcome(pebble.stop_checks(&["alive"])),
        outcome(pebble.start_checks(&["alive"])),
        infos(None, &["alive"]),
    ]
}

const CASES: &[(&str, Case)] = &[
    ("layers combined with merge and replace", layers_merge_and_replace),
    ("layer errors", layer_errors),
    ("service state changes", service_state_changes),
    ("files", files),
    ("checks", checks),
];

#[test]
fn the_in_memory_pebble_observes_what_the_daemon_does() {
    let mut differences = Vec::new();
    for (name, case) in CASES {
        let daemon = RealPebble::start();
        let root = daemon.dir().join("srv").display().to_string();
        let client = daemon.client();
        let real = case(&client, &root);
        let memory = InMemoryPebble::new(ContainerState::connected());
        let simulated = case(&*memory, &root);
        for (step, (real, simulated)) in real.iter().zip(&simulated).enumerate() {
            if real != simulated {
                differences.push(format!("{name}, step {step}:\n  daemon: {real}\n  memory: {simulated}"));
            }
        }
    }
    assert!(differences.is_empty(), "{} difference(s):\n{}", differences.len(), differences.join("\n"));
}
