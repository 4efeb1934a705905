//! The testing module at Scenario's level: every event can be run (collect-status, custom
//! events, storage), the charm can be reached before and after the event, actions end as
//! their own outcomes with nested results, the output has Scenario's histories, runs are
//! checked against the metadata first, and a failed run reads well.

use ops::hello::actions::FortuneParams;
use ops::hello::relations::Db;
use ops::hello::{Config, Meta};
use ops::testing::{ActionOutcome, ContainerState, Context, Event, RelationState, State};
use ops::{ActiveStatus, CustomEvent, EventSource, MaintenanceStatus, StatusValue, WaitingStatus};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Ready {
    endpoints: String,
}

static READY: EventSource<CustomEvent<Ready>> = EventSource::custom("database.ready");

/// A charm whose handlers each show one thing; `thing` picks what config-changed does.
struct Subject {
    model: ops::Model<Meta>,
    seen: Vec<String>,
    greeting: String,
}

impl ops::CharmBase for Subject {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.collect_unit_status, Self::collect_unit);
        framework.observe(on.collect_app_status, Self::collect_app);
        framework.observe(READY, Self::on_ready);
        framework.observe(on.fortune_action, Self::on_fortune);
        framework.observe(on.config_changed, Self::on_config_changed);
        framework.observe(on.install, Self::on_install);
        Subject { model: framework.model(), seen: Vec::new(), greeting: "hello".into() }
    }
}

impl Subject {
    fn collect_unit(&mut self, event: &ops::CollectStatusEvent) -> ops::HandlerResult {
        event.add_status(WaitingStatus::new("waiting for the database"));
        event.add_status(ActiveStatus::default());
        Ok(())
    }

    fn collect_app(&mut self, event: &ops::CollectStatusEvent) -> ops::HandlerResult {
        event.add_status(ActiveStatus::new("serving"));
        Ok(())
    }

    fn on_ready(&mut self, event: &CustomEvent<Ready>) -> ops::HandlerResult {
        self.seen.push(event.endpoints.clone());
        log::info!("{} at {}", self.greeting, event.endpoints);
        Ok(())
    }

    fn on_fortune(&mut self, event: &ops::ActionEvent<FortuneParams>) -> ops::HandlerResult {
        event.log("consulting the oracle")?;
        #[derive(serde::Serialize)]
        struct Told<'a> {
            fortune: &'a str,
            source: Source,
        }
        #[derive(serde::Serialize)]
        struct Source {
            kind: &'static str,
            lucky: u8,
        }
        let fortune = event.params.fortune.as_deref().unwrap_or("none");
        event.set_results_from(&Told { fortune, source: Source { kind: "oracle", lucky: 7 } })?;
        if fortune == "doom" {
            event.fail("the oracle refuses")?;
        }
        Ok(())
    }

    fn on_config_changed(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        match self.model.config()?.thing.as_str() {
            "versions" => {
                for version in ["1.0", "1.1", "1.2"] {
                    self.model.unit().set_workload_version(version)?;
                }
            }
            "ports" => {
                self.model.unit().open_port(ops::Port::tcp(8080))?;
                self.model.unit().open_port(ops::Port::udp(53))?;
            }
            "fail" => {
                self.model.unit().set_status(MaintenanceStatus::new("about to fail"))?;
                let _: Ready = self.model.relation::<Db>()?.ok_or("no db relation")?.remote_app_data()?.load()?;
            }
            _ => {}
        }
        Ok(())
    }

    fn on_install(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
        self.model.unit().set_status(MaintenanceStatus::new("installing"))?;
        self.model.unit().set_status(MaintenanceStatus::new("still installing"))?;
        Ok(())
    }
}

fn with_thing(thing: &str) -> State {
    State::default().with_config(&Config { thing: thing.into() })
}

#[test]
fn collect_status_events_run_from_their_sources() {
    let ctx = Context::<Subject>::new();
    let out = ctx.run(ctx.on().collect_unit_status, State::default()).unwrap();
    // The highest-priority status added wins, as in ops.
    assert_eq!(out.state.unit_status, StatusValue::from(WaitingStatus::new("waiting for the database")));
    let out = ctx.run(ctx.on().collect_app_status, State::default().with_leader(true)).unwrap();
    assert_eq!(out.state.app_status, StatusValue::from(ActiveStatus::new("serving")));
}

#[test]
fn a_components_custom_event_runs_in_place_of_a_hook() {
    let ctx = Context::<Subject>::new();
    let data = Ready { endpoints: "pg:5432".into() };
    let (out, seen) = ctx.run_inspect(Event::custom(READY, &data), State::default(), |c| c.seen.clone()).unwrap();
    assert_eq!(seen, ["pg:5432"]);
    assert_eq!(out.report.event, "database.ready");
    assert_eq!(out.emitted_events()[0], "database.ready");
}

#[test]
fn the_charm_can_be_prepared_before_the_event_and_inspected_after() {
    let ctx = Context::<Subject>::new();
    let data = Ready { endpoints: "pg:5432".into() };
    let (out, greeting) = ctx
        .run_with(
            Event::custom(READY, &data),
            State::default(),
            |charm| charm.greeting = "bonjour".into(),
            |charm| charm.greeting.clone(),
        )
        .unwrap();
    assert_eq!(greeting, "bonjour");
    assert_eq!(out.record.logs.last().unwrap().message, "bonjour at pg:5432");
}

#[test]
fn an_action_gives_back_nested_results_and_a_failure_is_its_own_outcome() {
    let ctx = Context::<Subject>::new();
    let out = ctx.run(Event::action(&FortuneParams { fortune: Some("ship it".into()) }), State::default()).unwrap();
    let wire: Vec<String> =
        out.record.calls.iter().filter(|c| c.tool == "action-set").map(ToString::to_string).collect();
    assert_eq!(wire, ["action-set 'fortune=ship it' source.kind=oracle source.lucky=7"]);
    assert_eq!(
        out.action_outcome(),
        Some(ActionOutcome::Completed {
            results: serde_json::json!({"fortune": "ship it", "source": {"kind": "oracle", "lucky": "7"}}),
            logs: vec!["consulting the oracle".into()],
        })
    );
    let out = ctx.run(Event::action(&FortuneParams { fortune: Some("doom".into()) }), State::default()).unwrap();
    let Some(ActionOutcome::Failed { message, results, .. }) = out.action_outcome() else { panic!("a failure") };
    assert_eq!(message, "the oracle refuses");
    assert_eq!(results["fortune"], "doom");
}

#[test]
fn histories_are_scenarios_the_values_each_change_replaced() {
    let ctx = Context::<Subject>::new();
    let out = ctx.run(ctx.on().install, State::default()).unwrap();
    // Two statuses set by the handler, then collect-status's: three replaced, the last one stays.
    assert_eq!(
        out.record.unit_status_history,
        [
            StatusValue::from(ops::UnknownStatus),
            MaintenanceStatus::new("installing").into(),
            MaintenanceStatus::new("still installing").into()
        ]
    );
    assert_eq!(out.state.unit_status, WaitingStatus::new("waiting for the database").into());
    let out = ctx.run(ctx.on().config_changed, with_thing("versions")).unwrap();
    assert_eq!(out.record.workload_version_history, ["1.0", "1.1"]);
    assert_eq!(out.state.workload_version, "1.2");
}

#[test]
fn opened_ports_come_back_typed() {
    let ctx = Context::<Subject>::new();
    let out = ctx.run(ctx.on().config_changed, with_thing("ports")).unwrap();
    assert_eq!(out.opened_ports().unwrap(), [ops::Port::udp(53), ops::Port::tcp(8080)]);
}

#[test]
fn a_state_from_the_metadata_has_the_defaults_and_the_containers() {
    let ctx = Context::<Subject>::new();
    let state = ctx.state_from_meta();
    assert_eq!(state.config.get::<String>("thing").unwrap().as_deref(), Some("world"));
    assert!(state.containers["pause"].can_connect);
    assert!(state.relations.is_empty(), "the reference charm has no peer relation");
    ctx.run(ctx.on().install, state).unwrap();
}

#[test]
fn a_state_that_does_not_fit_the_metadata_is_refused_naming_each_problem() {
    let ctx = Context::<Subject>::new();
    let mut state = State::default()
        .with_relation(RelationState::new("cache", 3, "redis"))
        .with_container("nginx", ContainerState::connected());
    state.relations.push(RelationState::new("db", 5, "pg"));
    let db = RelationState::new("db", 9, "pg");
    let event = Event::relation(ctx.on().db_relation_changed, &db, Some("pg/0"));
    let problems: Vec<String> = ctx.check(&event, &state).unwrap_err().iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "relation 3 is on endpoint `cache`, which the charm does not declare (it declares `db`)",
            "the state has container `nginx`, which the charm does not declare (it declares `pause`)",
            "the event is on relation db:9, which is not in the state",
        ]
    );
    let event = Event::hook("data-storage-attached").with_var("JUJU_STORAGE_ID", "data/0");
    let problems = ctx.check(&event, &State::default()).unwrap_err();
    assert_eq!(problems[0].to_string(), "the event is for storage `data/0`, which is not in the state");
    let event = Event::hook("secret-changed").with_var("JUJU_SECRET_ID", "secret:d8000000000000000001");
    let problems = ctx.check(&event, &State::default()).unwrap_err();
    assert_eq!(
        problems[0].to_string(),
        "the event is for secret `secret:d8000000000000000001`, which is not in the state"
    );
}

#[test]
#[should_panic(expected = "the event is for container `pause`, which is not in the state")]
fn running_an_event_the_state_cannot_have_panics_with_the_problem() {
    let ctx = Context::<Subject>::new();
    let _ = ctx.run(Event::pebble_ready(ctx.on().pause_pebble_ready), State::default());
}

#[test]
fn a_failed_run_says_what_failed_in_a_few_lines_without_the_state() {
    let ctx = Context::<Subject>::new();
    let mut db = RelationState::new("db", 3, "pg");
    db.remote_app_data.insert("endpoints".into(), "not json".into());
    let err = ctx.run(ctx.on().config_changed, with_thing("fail").with_relation(db)).unwrap_err();
    let shown = format!("{err:?}");
    assert_eq!(shown.lines().count(), 3, "{shown}");
    assert!(shown.starts_with("the dispatch failed: handler Subject::on_config_changed failed"), "{shown}");
    assert!(shown.contains("relation data key `endpoints` is not JSON"), "{shown}");
    assert!(shown.contains("last hook-tool call: relation-get --format=json -r db:3 --app - pg"), "{shown}");
    assert!(!shown.contains("not json") && !shown.contains("State {"), "{shown}");
    assert_eq!(err.state.unit_status, MaintenanceStatus::new("about to fail").into());
}
