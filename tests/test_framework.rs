//! The framework's order of work, through the in-memory Juju: observers in registration
//! order, errors and panics, collect-status, caching, unknown events.

use ops::hello::Meta;
use ops::hello::actions::FortuneParams;
use ops::hello::containers::Pause;
use ops::testing::{Context, Event, State};
use ops::{ActiveStatus, BlockedStatus, DispatchError, StatusValue, WaitingStatus};

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Ping {
    n: u32,
}

static PING: ops::EventSource<ops::CustomEvent<Ping>> = ops::EventSource::custom("probe.ping");

/// A charm whose behaviour each test picks through the config option `thing`.
struct Probe {
    model: ops::Model<Meta>,
    emitter: ops::Emitter,
}

impl ops::CharmBase for Probe {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.install, Self::first);
        framework.observe(on.install, Self::second);
        framework.observe(on.config_changed, Self::misbehave);
        framework.observe(on.collect_unit_status, Self::collect_unit);
        framework.observe(on.collect_unit_status, Self::collect_unit_again);
        framework.observe(on.collect_app_status, Self::collect_app);
        framework.observe(on.fortune_action, Self::leadership_twice);
        framework.observe(on.start, Self::ping);
        framework.observe(PING, Self::on_ping);
        framework.observe(on.start, Self::after_ping);
        framework.observe(on.pause_pebble_custom_notice, |_: &mut Self, e: &ops::PebbleCustomNoticeEvent<Pause>| {
            log::info!("notice {} {} {} in {}", e.notice_id, e.notice_type, e.notice_key, e.workload.name());
            e.defer();
            Ok(())
        });
        framework.observe(on.pause_pebble_check_failed, |_: &mut Self, e: &ops::PebbleCheckFailedEvent<Pause>| {
            log::info!("check {} failed", e.check_name);
            Ok(())
        });
        let commit = framework.framework_on();
        framework.observe(commit.pre_commit, |_: &mut Self, _: &ops::PreCommitEvent| {
            log::info!("pre-commit");
            Ok(())
        });
        framework.observe(commit.commit, |_: &mut Self, _: &ops::CommitEvent| {
            log::info!("commit");
            Ok(())
        });
        Probe { model: framework.model(), emitter: framework.emitter() }
    }
}

impl Probe {
    fn thing(&self) -> Result<String, ops::ModelError> {
        Ok(self.model.config()?.thing.clone())
    }

    fn first(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
        log::info!("first saw {}", self.thing()?);
        Ok(())
    }

    fn second(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
        log::info!("second saw {}", self.thing()?);
        Ok(())
    }

    fn misbehave(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        match self.thing()?.as_str() {
            "error" => Err("the thing is wrong".into()),
            "panic" => panic!("the thing is very wrong"),
            _ => Ok(()),
        }
    }

    fn collect_unit(&mut self, event: &ops::CollectStatusEvent) -> ops::HandlerResult {
        match self.thing()?.as_str() {
            "quiet" => {}
            "blocked" => {
                event.add_status(ActiveStatus::new("fine"));
                event.add_status(BlockedStatus::new("needs a db"));
            }
            _ => event.add_status(WaitingStatus::new("first waiting")),
        }
        Ok(())
    }

    fn collect_unit_again(&mut self, event: &ops::CollectStatusEvent) -> ops::HandlerResult {
        if self.thing()? != "quiet" {
            event.add_status(WaitingStatus::new("second waiting"));
        }
        Ok(())
    }

    fn collect_app(&mut self, event: &ops::CollectStatusEvent) -> ops::HandlerResult {
        event.add_status(ActiveStatus::new("app ok"));
        Ok(())
    }

    fn ping(&mut self, _: &ops::StartEvent) -> ops::HandlerResult {
        self.emitter.emit(PING, Ping { n: 1 })?;
        self.emitter.emit(PING, Ping { n: 2 })?;
        Ok(())
    }

    fn on_ping(&mut self, event: &ops::CustomEvent<Ping>) -> ops::HandlerResult {
        log::info!("ping {}", event.n);
        if self.thing()? == "defer pings" {
            event.defer();
        }
        Ok(())
    }

    fn after_ping(&mut self, _: &ops::StartEvent) -> ops::HandlerResult {
        log::info!("after ping");
        Ok(())
    }

    fn leadership_twice(&mut self, _: &ops::ActionEvent<FortuneParams>) -> ops::HandlerResult {
        let unit = self.model.unit();
        assert_eq!(unit.is_leader()?.is_some(), unit.is_leader()?.is_some());
        Ok(())
    }
}

fn with_thing(thing: &str) -> State {
    let mut state = State::default();
    state.config.set("thing", thing);
    state
}

fn calls(record: &ops::testing::Record, tool: &str) -> usize {
    record.calls.iter().filter(|c| c.tool == tool).count()
}

#[test]
fn observers_run_in_registration_order_and_share_one_config_get() {
    let out = Context::<Probe>::new().run(Event::hook("install"), with_thing("x")).unwrap();
    let observers: Vec<&str> = out.report.deliveries.iter().map(|d| d.observer.as_str()).collect();
    assert_eq!(observers[..2], ["Probe::first", "Probe::second"]);
    let logs: Vec<&str> = out.record.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(logs, ["first saw x", "second saw x", "pre-commit", "commit"]);
    assert_eq!(calls(&out.record, "config-get"), 1);
}

#[test]
fn a_handler_error_names_the_handler_and_event() {
    let err = Context::<Probe>::new().run(Event::hook("config-changed"), with_thing("error")).unwrap_err();
    assert!(matches!(&err.error, DispatchError::Handler { observer, .. } if observer == "Probe::misbehave"));
    assert_eq!(
        err.error.to_string(),
        "handler Probe::misbehave failed on the config_changed event: the thing is wrong"
    );
    assert_eq!(calls(&err.record, "status-set"), 0, "collect-status does not run after an error");
}

#[test]
fn an_error_chain_says_each_cause_once() {
    let err = Context::<Probe>::new().run(Event::hook("config-changed"), with_thing("error")).unwrap_err();
    let mut report = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        report.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    assert_eq!(report.matches("the thing is wrong").count(), 1, "{report}");
}

#[test]
fn a_panic_becomes_an_error() {
    let err = Context::<Probe>::new().run(Event::hook("config-changed"), with_thing("panic")).unwrap_err();
    assert_eq!(err.error.to_string(), "charm code panicked: the thing is very wrong");
}

#[test]
fn collect_status_sets_the_highest_priority_and_ties_go_to_the_first() {
    let out = Context::<Probe>::new().run(Event::hook("update-status"), with_thing("blocked")).unwrap();
    assert_eq!(out.state.unit_status, BlockedStatus::new("needs a db").into());

    let out = Context::<Probe>::new().run(Event::hook("update-status"), with_thing("x")).unwrap();
    assert_eq!(out.state.unit_status, WaitingStatus::new("first waiting").into());
}

#[test]
fn collect_status_sets_nothing_when_nothing_was_added() {
    let out = Context::<Probe>::new().run(Event::hook("update-status"), with_thing("quiet")).unwrap();
    assert_eq!(out.state.unit_status, StatusValue::default());
    assert_eq!(calls(&out.record, "status-set"), 0);
}

#[test]
fn app_status_is_collected_only_on_the_leader() {
    let out = Context::<Probe>::new().run(Event::hook("update-status"), with_thing("x").with_leader(true)).unwrap();
    assert_eq!(out.state.app_status, ActiveStatus::new("app ok").into());
    let out = Context::<Probe>::new().run(Event::hook("update-status"), with_thing("x")).unwrap();
    assert_eq!(out.state.app_status, StatusValue::default());
    assert!(!out.report.deliveries.iter().any(|d| d.event == "collect_app_status"));
}

#[test]
fn leadership_is_asked_once() {
    let event = Event::action(&FortuneParams::default());
    let out = Context::<Probe>::new().run(event, with_thing("quiet").with_leader(true)).unwrap();
    assert_eq!(calls(&out.record, "is-leader"), 1);
}

#[test]
fn unknown_events_are_not_emitted_but_collect_status_runs() {
    let out = Context::<Probe>::new().run(Event::hook("no-such-hook"), with_thing("x")).unwrap();
    assert!(!out.report.known);
    assert_eq!(out.report.deliveries[0].event, "collect_unit_status");
    assert_eq!(out.record.logs[0].message, "Event no_such_hook not defined for hello.");
}

/// What the charm logged (the framework's own DEBUG lines left out).
fn messages(out: &ops::testing::Output) -> Vec<&str> {
    out.record.logs.iter().filter(|l| l.level != ops::testing::LogLevel::Debug).map(|l| l.message.as_str()).collect()
}

fn debug_lines(out: &ops::testing::Output) -> Vec<&str> {
    out.record.logs.iter().filter(|l| l.level == ops::testing::LogLevel::Debug).map(|l| l.message.as_str()).collect()
}

#[test]
fn custom_events_are_delivered_right_after_the_emitting_handler() {
    let out = Context::<Probe>::new().run(Event::hook("start"), with_thing("x")).unwrap();
    assert_eq!(messages(&out), ["ping 1", "ping 2", "after ping", "pre-commit", "commit"]);
    let emitted: Vec<(&str, Option<&serde_json::Value>)> =
        out.report.emitted.iter().map(|e| (e.event.as_str(), e.data.as_ref())).collect();
    let (one, two) = (serde_json::json!({"n": 1}), serde_json::json!({"n": 2}));
    let expected = [
        ("start", None),
        ("probe.ping", Some(&one)),
        ("probe.ping", Some(&two)),
        ("collect_unit_status", None),
        ("pre_commit", None),
        ("commit", None),
    ];
    assert_eq!(emitted, expected);
}

#[test]
fn custom_events_can_be_deferred_and_survive_in_the_queue() {
    let out = Context::<Probe>::new().run(Event::hook("start"), with_thing("defer pings")).unwrap();
    let queued: Vec<(&str, &serde_json::Value)> =
        out.state.deferred.iter().map(|n| (n.event.as_str(), &n.snapshot)).collect();
    assert_eq!(queued, [("probe.ping", &serde_json::json!({"n": 1})), ("probe.ping", &serde_json::json!({"n": 2}))]);

    let mut state = out.state;
    state.config.set("thing", "x");
    let out = Context::<Probe>::new().run(Event::hook("update-status"), state).unwrap();
    assert_eq!(messages(&out)[..2], ["ping 1", "ping 2"], "replayed first, in order");
    assert!(out.state.deferred.is_empty());
    // As ops, at DEBUG: each replay says what it is and where it stands in the queue.
    assert_eq!(
        debug_lines(&out),
        [
            "Re-emitting deferred event probe.ping for Probe::on_ping (1 of 2 in queue).",
            "Re-emitting deferred event probe.ping for Probe::on_ping (2 of 2 in queue).",
        ]
    );
}

#[test]
fn deferring_is_logged_at_debug_and_a_dispatch_without_deferrals_logs_nothing_of_its_own() {
    let out = Context::<Probe>::new().run(Event::hook("start"), with_thing("defer pings")).unwrap();
    assert_eq!(
        debug_lines(&out),
        ["Deferring probe.ping for Probe::on_ping.", "Deferring probe.ping for Probe::on_ping."]
    );
    let out = Context::<Probe>::new().run(Event::hook("update-status"), with_thing("x")).unwrap();
    assert!(debug_lines(&out).is_empty(), "{:?}", debug_lines(&out));
    assert!(!out.record.calls.iter().any(|c| c.tool == "juju-log" && c.args.contains(&"DEBUG".to_owned())));
}

#[test]
fn pebble_notice_and_check_events_carry_their_details_and_defer() {
    let ctx = Context::<Probe>::new();
    let event = Event::pebble_custom_notice(ctx.on().pause_pebble_custom_notice, "42", "example.com/reload");
    let out =
        ctx.run(event, with_thing("x").with_container("pause", ops::testing::ContainerState::connected())).unwrap();
    assert_eq!(messages(&out)[0], "notice 42 custom example.com/reload in pause");
    let snapshot = &out.state.deferred[0].snapshot;
    assert_eq!(snapshot["notice_key"], "example.com/reload");

    let out = ctx.run(Event::pebble_check_failed(ctx.on().pause_pebble_check_failed, "up"), out.state).unwrap();
    assert_eq!(messages(&out)[..2], ["notice 42 custom example.com/reload in pause", "check up failed"]);
}
