//! The holistic version of HelloCharm: one reconcile for every event that matters.

use hello_charm::GREETING_FILE;
use hello_charm::charm::Config;
use hello_charm::reconcile::HelloReconciler;
use ops::testing::{ContainerState, Context, Event, RelationState, State};

fn ctx() -> Context<HelloReconciler> {
    Context::new()
}

#[test]
fn every_trigger_runs_the_same_reconcile() {
    let state = State::default()
        .with_config(&Config { thing: "Rust".into() })
        .with_container("pause", ContainerState::connected());
    let out = ctx().run(ctx().on().config_changed, state).unwrap();
    assert_eq!(out.state.unit_status, ops::ActiveStatus::new("hello, Rust").into());
    let pause = &out.state.containers["pause"];
    assert_eq!(pause.file_text(GREETING_FILE).as_deref(), Some("hello, Rust\n"));
    assert!(pause.is_running("pause"));
    assert_eq!(out.report.deliveries[0].observer, "HelloReconciler::reconcile");

    let rel = RelationState::new("db", 3, "pg");
    let state = out.state.with_relation(rel.clone()).with_config(&Config { thing: "world".into() });
    let out = ctx().run(Event::relation(ctx().on().db_relation_changed, &rel, Some("pg/0")), state).unwrap();
    assert_eq!(out.state.containers["pause"].file_text(GREETING_FILE).as_deref(), Some("hello, world\n"));
}

#[test]
fn an_event_that_comes_too_early_is_deferred_and_replayed_to_the_reconcile() {
    let out = ctx().run(ctx().on().config_changed, State::default()).unwrap();
    assert_eq!(out.state.unit_status, ops::WaitingStatus::new("waiting for Pebble").into());
    assert_eq!(out.state.deferred.len(), 1);
    assert_eq!(out.state.deferred[0].event, "config_changed");
    assert_eq!(out.state.deferred[0].observer, "HelloReconciler::reconcile");

    // Pebble comes up: the deferred config-changed runs first, then pebble-ready; both reconcile.
    let state = out.state.with_container("pause", ContainerState::connected());
    let out = ctx().run(Event::pebble_ready(ctx().on().pause_pebble_ready), state).unwrap();
    let runs: Vec<(&str, bool)> = out.report.deliveries.iter().map(|d| (d.event.as_str(), d.reemitted)).collect();
    assert_eq!(runs, [("config_changed", true), ("pause_pebble_ready", false)]);
    assert!(out.state.deferred.is_empty());
    assert_eq!(out.state.unit_status, ops::ActiveStatus::new("hello, world").into());
}
