//! HelloCharm through the in-memory Juju: the same framework code path as production,
//! with only the backend swapped.

use hello_charm::HelloCharm;
use hello_charm::charm::Config;
use hello_charm::charm::actions::FortuneParams;
use ops::testing::{ContainerState, Context, Event, RelationState, State, params};
use ops::{ActiveStatus, MaintenanceStatus, StatusValue};

fn ctx() -> Context<HelloCharm> {
    Context::new()
}

/// A unit whose install has completed.
fn installed() -> State {
    let mut state = State::default();
    state.stored.insert("stored".into(), serde_json::json!({"installed": true}));
    state
}

fn calls(out: &ops::testing::Output) -> Vec<String> {
    out.record.calls.iter().map(ToString::to_string).collect()
}

#[test]
fn install_goes_through_maintenance_to_active() {
    let out = ctx().run(ctx().on().install, State::default()).unwrap();
    assert_eq!(out.state.unit_status, StatusValue::from(ActiveStatus::default()));
    // Scenario's history: the statuses each change replaced.
    assert_eq!(
        out.record.unit_status_history,
        [ops::UnknownStatus.into(), MaintenanceStatus::new("Installing application packages").into()]
    );
    assert_eq!(out.state.workload_version, "3.10");
    assert_eq!(out.report.deliveries[0].observer, "HelloCharm::on_install");
}

#[test]
fn config_changed_reads_typed_config_once() {
    let state = State::default().with_config(&Config { thing: "Rust".into() });
    let out = ctx().run(ctx().on().config_changed, state).unwrap();
    assert_eq!(out.state.unit_status, ActiveStatus::new("hello, Rust").into());
    let config_gets = calls(&out).iter().filter(|c| c.starts_with("config-get")).count();
    assert_eq!(config_gets, 1);
}

#[test]
fn config_defaults_apply_when_juju_reports_nothing() {
    let out = ctx().run(ctx().on().config_changed, State::default()).unwrap();
    assert_eq!(out.state.unit_status, ActiveStatus::new("hello, world").into());
}

#[test]
fn wrong_config_type_from_juju_fails_the_hook_with_a_clear_error() {
    let mut state = State::default();
    state.config.set("thing", 42);
    let err = ctx().run(ctx().on().config_changed, state).unwrap_err();
    assert_eq!(
        err.error.to_string(),
        "handler HelloCharm::on_config_changed failed on the config_changed event: \
         invalid config: config option `thing`: expected a string, got 42"
    );
}

#[test]
fn fortune_action_uses_the_given_fortune() {
    let event = Event::action(&FortuneParams { fortune: Some("Ship it.".into()) });
    let out = ctx().run(event, State::default()).unwrap();
    let action = out.action.unwrap();
    assert_eq!(action.results, [("fortune".to_owned(), "Ship it.".to_owned())]);
    assert_eq!(action.logs, ["consulting the oracle"]);
    assert_eq!(action.failure, None);
}

#[test]
fn fortune_action_without_params_tells_one_of_its_own() {
    let out = ctx().run(Event::action_raw("fortune", params("{}").unwrap()), State::default()).unwrap();
    let results = out.action.unwrap().results;
    assert_eq!(results.len(), 1);
    assert!(!results[0].1.is_empty());
}

#[test]
fn start_sets_app_status_only_as_leader() {
    let mut state = State::default().with_leader(true);
    state.planned_units = 3;
    let out = ctx().run(ctx().on().start, state).unwrap();
    assert_eq!(out.state.app_status, ActiveStatus::new("3 unit(s) planned").into());

    let out = ctx().run(ctx().on().start, State::default()).unwrap();
    assert_eq!(out.state.app_status, StatusValue::default());
    assert!(!calls(&out).iter().any(|c| c.starts_with("status-set --application=True")));
}

#[test]
fn db_relation_changed_reads_remote_and_writes_local_data() {
    let mut relation = RelationState::new("db", 7, "postgresql");
    relation.remote_app_data.insert("endpoints".into(), "pg:5432".into());
    let state = installed().with_leader(true).with_relation(relation.clone());
    let out =
        ctx().run(Event::relation(ctx().on().db_relation_changed, &relation, Some("postgresql/0")), state).unwrap();
    let after = out.state.relation(7).unwrap();
    assert_eq!(after.local_unit_data.get("greeting").map(String::as_str), Some("world"));
    assert_eq!(after.local_app_data.get("database").map(String::as_str), Some("hello"));
    assert!(calls(&out).contains(&r#"relation-set -r db:7 --file - <<< '{"greeting":"world"}'"#.to_owned()));
}

#[test]
fn db_relation_changed_as_follower_leaves_app_data_alone() {
    let relation = RelationState::new("db", 7, "postgresql");
    let state = installed().with_relation(relation.clone());
    let out =
        ctx().run(Event::relation(ctx().on().db_relation_changed, &relation, Some("postgresql/0")), state).unwrap();
    assert!(out.state.relation(7).unwrap().local_app_data.is_empty());
}

#[test]
fn db_relation_changed_before_install_is_deferred_until_after_it() {
    let mut relation = RelationState::new("db", 7, "postgresql");
    relation.remote_app_data.insert("endpoints".into(), "pg:5432".into());
    let event = || Event::relation(ctx().on().db_relation_changed, &relation, Some("postgresql/0"));
    let state = State::default().with_leader(true).with_relation(relation.clone());

    let out = ctx().run(event(), state).unwrap();
    assert_eq!(out.state.deferred.len(), 1);
    assert_eq!(out.state.deferred[0].observer, "HelloCharm::on_db_relation_changed");
    assert!(out.state.relation(7).unwrap().local_unit_data.is_empty());

    // The same event again is not queued twice.
    let out = ctx().run(event(), out.state).unwrap();
    assert_eq!(out.state.deferred.len(), 1);

    // Deferred events run before the new event, so during install it is still not installed.
    let out = ctx().run(ctx().on().install, out.state).unwrap();
    let first = &out.report.deliveries[0];
    assert!(first.reemitted && first.deferred, "{first:?}");
    assert_eq!(out.state.deferred.len(), 1, "re-deferred, in its place");

    let out = ctx().run(ctx().on().update_status, out.state).unwrap();
    assert!(out.report.deliveries[0].reemitted && !out.report.deliveries[0].deferred);
    assert!(out.state.deferred.is_empty());
    assert_eq!(out.state.relation(7).unwrap().local_unit_data.get("greeting").map(String::as_str), Some("world"));
}

#[test]
fn the_database_component_emits_its_event_once_per_new_endpoints() {
    let mut relation = RelationState::new("db", 7, "postgresql");
    relation.remote_app_data.insert("endpoints".into(), "pg:5432".into());
    let event = || Event::relation(ctx().on().db_relation_changed, &relation, Some("postgresql/0"));
    let out = ctx().run(event(), installed().with_relation(relation.clone())).unwrap();
    let ready: Vec<&str> =
        out.report.deliveries.iter().filter(|d| d.event == "database.ready").map(|d| d.observer.as_str()).collect();
    assert_eq!(ready, ["HelloCharm::on_database_ready"]);
    assert_eq!(out.state.stored["database"], serde_json::json!({"endpoints": "pg:5432"}));
    assert!(out.record.logs.iter().any(|l| l.message == "database endpoints: pg:5432"));

    let again = ctx().run(event(), out.state).unwrap();
    assert!(!again.report.deliveries.iter().any(|d| d.event == "database.ready"));
}

#[test]
fn stored_things_accumulate_across_dispatches() {
    let mut state = State::default();
    for thing in ["a", "b", "b", "c"] {
        state.config.set("thing", thing);
        state = ctx().run(ctx().on().config_changed, state).unwrap().state;
    }
    assert_eq!(state.stored["stored"], serde_json::json!({"installed": false, "things": ["a", "b", "c"]}));
}

#[test]
fn a_failed_dispatch_persists_nothing() {
    let mut state = installed();
    state.config.set("thing", "ok");
    let state = ctx().run(ctx().on().config_changed, state).unwrap().state;
    let before = state.stored.clone();
    let mut bad = state;
    bad.config.set("thing", 42);
    let err = ctx().run(ctx().on().config_changed, bad).unwrap_err();
    assert_eq!(err.state.stored, before);
}

#[test]
fn update_status_notices_the_db_relation() {
    let state = State::default().with_relation(RelationState::new("db", 1, "pg"));
    let out = ctx().run(ctx().on().update_status, state).unwrap();
    assert_eq!(out.state.unit_status, ActiveStatus::new("hello, world (db related)").into());
}

#[test]
fn pebble_ready_configures_the_workload_through_pebble() {
    use ops::pebble::ServiceStatus;
    use ops::testing::ContainerState;
    let state = State::default()
        .with_config(&Config { thing: "Rust".into() })
        .with_container("pause", ContainerState::connected());
    let out = ctx().run(Event::pebble_ready(ctx().on().pause_pebble_ready), state).unwrap();
    let pause = &out.state.containers["pause"];
    assert_eq!(pause.file_text(hello_charm::GREETING_FILE).as_deref(), Some("hello, Rust\n"));
    assert!(pause.files.contains_key("/etc/hello"), "parent directories made");
    assert_eq!(pause.plan().services["pause"], hello_charm::workload_layer("Rust").services["pause"]);
    assert_eq!(pause.service_statuses["pause"], ServiceStatus::Active);
    assert_eq!(out.state.unit_status, ActiveStatus::new("hello, Rust").into());
    assert!(out.state.deferred.is_empty());
}

#[test]
fn pebble_ready_defers_when_pebble_is_not_reachable() {
    use ops::testing::ContainerState;
    let state = State::default().with_container("pause", ContainerState::default());
    let out = ctx().run(Event::pebble_ready(ctx().on().pause_pebble_ready), state).unwrap();
    assert_eq!(out.state.deferred[0].observer, "HelloCharm::on_pause_pebble_ready");

    // Pebble is back: the replay at the next dispatch configures the workload.
    let mut state = out.state;
    state.containers.get_mut("pause").unwrap().can_connect = true;
    let out = ctx().run(ctx().on().update_status, state).unwrap();
    assert!(out.state.deferred.is_empty());
    assert!(out.state.containers["pause"].is_running("pause"));
}

#[test]
fn pebble_ready_gets_its_container() {
    let state = State::default().with_container("pause", ContainerState::connected());
    let out = ctx().run(Event::pebble_ready(ctx().on().pause_pebble_ready), state).unwrap();
    assert_eq!(out.record.logs[0].message, "Pebble is ready in pause");
}

#[test]
fn unknown_event_is_not_emitted_and_succeeds() {
    let out = ctx().run(Event::hook("not-an-event"), State::default()).unwrap();
    assert!(!out.report.known);
    assert!(out.report.deliveries.is_empty());
}

#[test]
fn a_lifecycle_chains_state() {
    let mut state = State::default().with_leader(true);
    let on = ctx().on();
    let events: [Event; 4] = [on.install.into(), on.config_changed.into(), on.start.into(), on.update_status.into()];
    for event in events {
        state = ctx().run(event, state).unwrap().state;
    }
    assert_eq!(state.unit_status, ActiveStatus::new("hello, world").into());
    assert_eq!(state.app_status, ActiveStatus::new("1 unit(s) planned").into());
}

#[test]
fn deferred_events_run_before_an_action_too() {
    let relation = RelationState::new("db", 7, "postgresql");
    let state = State::default().with_relation(relation.clone());
    let out =
        ctx().run(Event::relation(ctx().on().db_relation_changed, &relation, Some("postgresql/0")), state).unwrap();
    let out = ctx().run(Event::action(&FortuneParams { fortune: Some("x".into()) }), out.state).unwrap();
    let first = &out.report.deliveries[0];
    assert_eq!((first.observer.as_str(), first.reemitted), ("HelloCharm::on_db_relation_changed", true));
    assert_eq!(out.report.deliveries[1].observer, "HelloCharm::on_fortune_action");
}
