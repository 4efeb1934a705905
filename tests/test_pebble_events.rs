//! Workload events through the in-memory Juju and Pebble: a deferred check event replays
//! with its own check, and the notice and check a workload event is about are fetched
//! from Pebble when asked.

use ops::hello::Meta;
use ops::hello::containers::Pause;
use ops::pebble::{CheckInfo, CheckLevel, CheckStatus, Notice, NoticeType};
use ops::testing::{ContainerState, Context, Event, State};

/// Defers every check-failed event while `hold` is the config's `thing`; logs what it sees.
struct Watcher {
    model: ops::Model<Meta>,
}

impl ops::CharmBase for Watcher {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.pause_pebble_check_failed, Self::on_check_failed);
        framework.observe(on.pause_pebble_custom_notice, Self::on_notice);
        Watcher { model: framework.model() }
    }
}

impl Watcher {
    fn on_check_failed(&mut self, event: &ops::PebbleCheckFailedEvent<Pause>) -> ops::HandlerResult {
        let info = event.info()?;
        log::info!("check {} is {} after {} failures", event.check_name, info.status, info.failures);
        if self.model.config()?.thing == "hold" {
            event.defer();
        }
        Ok(())
    }

    fn on_notice(&mut self, event: &ops::PebbleCustomNoticeEvent<Pause>) -> ops::HandlerResult {
        let notice = event.notice()?;
        log::info!(
            "notice {} ({}) seen {} times: {:?}",
            notice.key,
            event.notice_type,
            notice.occurrences,
            notice.last_data
        );
        Ok(())
    }
}

fn check(name: &str, status: CheckStatus, failures: u32) -> CheckInfo {
    CheckInfo {
        name: name.into(),
        level: Some(CheckLevel::Alive),
        startup: None,
        status,
        successes: 0,
        failures,
        threshold: 3,
        change_id: String::new(),
    }
}

fn pause_with_checks() -> ContainerState {
    ContainerState {
        checks: vec![check("alive", CheckStatus::Down, 3), check("ready", CheckStatus::Down, 5)],
        ..ContainerState::connected()
    }
}

fn logs(out: &ops::testing::Output) -> Vec<String> {
    // The charm's lines; the framework's own re-emit notes are at DEBUG.
    out.record.logs.iter().filter(|l| l.level != ops::testing::LogLevel::Debug).map(|l| l.message.clone()).collect()
}

#[test]
fn a_deferred_check_event_replays_with_its_own_check() {
    let ctx = Context::<Watcher>::new();
    let state = State::default()
        .with_config(&ops::hello::Config { thing: "hold".into() })
        .with_container("pause", pause_with_checks());
    let out = ctx.run(Event::pebble_check_failed(ctx.on().pause_pebble_check_failed, "alive"), state).unwrap();
    assert_eq!(out.state.deferred.len(), 1);
    // Another check fails in a later hook; the deferred one comes first, as itself.
    let state = out.state.with_config(&ops::hello::Config { thing: "go".into() });
    let out = ctx.run(Event::pebble_check_failed(ctx.on().pause_pebble_check_failed, "ready"), state).unwrap();
    assert_eq!(
        logs(&out),
        ["check alive is down after 3 failures", "check ready is down after 5 failures"],
        "the replay carries its own check, not the current hook's"
    );
    assert!(out.state.deferred.is_empty());
}

#[test]
fn a_notice_event_fetches_the_notice_when_asked() {
    let ctx = Context::<Watcher>::new();
    let notice = Notice {
        id: "7".into(),
        user_id: None,
        kind: NoticeType::Custom,
        key: "example.com/backup".into(),
        first_occurred: String::new(),
        last_occurred: String::new(),
        last_repeated: String::new(),
        occurrences: 2,
        last_data: [("path".to_owned(), "/srv/b.tar".to_owned())].into(),
        repeat_after: None,
        expire_after: None,
    };
    let pause = ContainerState { notices: vec![notice], ..ContainerState::connected() };
    let state = State::default().with_container("pause", pause);
    let event = Event::pebble_custom_notice(ctx.on().pause_pebble_custom_notice, "7", "example.com/backup");
    let out = ctx.run(event, state).unwrap();
    assert_eq!(logs(&out), [r#"notice example.com/backup (custom) seen 2 times: {"path": "/srv/b.tar"}"#]);
}

#[test]
fn a_check_gone_from_the_plan_is_a_typed_not_found() {
    let ctx = Context::<Watcher>::new();
    let state = State::default().with_container("pause", ContainerState::connected());
    let err = ctx.run(Event::pebble_check_failed(ctx.on().pause_pebble_check_failed, "gone"), state).unwrap_err();
    match &err.error {
        ops::DispatchError::Handler { error, .. } => {
            let pebble = error.downcast_ref::<ops::pebble::PebbleError>().expect("a PebbleError");
            assert!(matches!(pebble, ops::pebble::PebbleError::CheckNotFound { name } if name == "gone"), "{pebble}");
        }
        other => panic!("{other}"),
    }
}
