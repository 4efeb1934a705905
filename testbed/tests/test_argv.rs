//! Whatever a charm passes to a hook tool reaches it intact: every string the charm API
//! puts on a command line, replayed through the strict fake tools (which parse argv as
//! Juju's do), comes out as the same value, and nothing is ever read as a flag.

use ops::hello::actions::FortuneParams;
use ops::hello::{Config, Meta};
use ops::testing::{Context, Event, State};
use proptest::prelude::*;

use juju_ops_testbed::flags::{self, Flag, Kind};
use juju_ops_testbed::tools::{self, Call};

/// Sends its config option `thing`, or the fortune it is given, through every tool that
/// takes free text.
struct Echo {
    model: ops::Model<Meta>,
}

impl ops::CharmBase for Echo {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        framework.observe(framework.on().config_changed, Self::on_config_changed);
        framework.observe(framework.on().fortune_action, Self::on_fortune);
        Echo { model: framework.model() }
    }
}

impl Echo {
    fn on_config_changed(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        let text = self.model.config()?.thing.clone();
        log::info!("{text}");
        self.model.unit().set_status(ops::ActiveStatus::new(text.clone()))?;
        self.model.unit().set_workload_version(&text)?;
        Ok(())
    }

    fn on_fortune(&mut self, event: &ops::ActionEvent<FortuneParams>) -> ops::HandlerResult {
        let text = event.params.fortune.clone().unwrap_or_default();
        event.log(&text)?;
        event.set_results([("text", text.as_str()), ("nested.key-1", text.as_str())])?;
        event.fail(&text)?;
        Ok(())
    }
}

/// Replays what the charm ran through the fake tools, as one unit running `fortune`.
fn replay(calls: &[ops::testing::ToolCall]) -> (juju_ops_testbed::State, Vec<String>) {
    let mut state = juju_ops_testbed::State {
        action: Some(juju_ops_testbed::state::Action { name: "fortune".into(), ..Default::default() }),
        ..Default::default()
    };
    let env = |key: &str| (key == "JUJU_ACTION_NAME").then(|| "fortune".to_owned());
    let mut logged = Vec::new();
    for call in calls {
        let args = &call.args;
        let outcome = tools::run(call.tool, &Call { args, stdin: call.stdin.as_deref(), env: &env }, &mut state)
            .unwrap_or_else(|| panic!("no fake for {}", call.tool));
        if let Err(fail) = outcome {
            panic!("{call} was refused: {fail:?}");
        }
        if call.tool == "juju-log" {
            let juju_log = [
                Flag { names: &["debug"], kind: Kind::Bool },
                Flag { names: &["l", "log-level"], kind: Kind::Value },
                Flag { names: &["format"], kind: Kind::Value },
            ];
            logged.push(flags::parse(&juju_log, args).unwrap().positionals.join(" "));
        }
    }
    (state, logged)
}

/// Text of every kind: anything but NUL (no command line carries one), and text made to
/// look like flags and key=value pairs.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\\x00]{0,40}",
        "-{1,2}[a-z=-]{0,12}( [^\\x00]{0,8})?",
        Just("--".to_owned()),
        Just("-".to_owned()),
        Just("--help".to_owned()),
        Just("a=b".to_owned()),
        Just("\n\t".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn juju_log_status_and_version_receive_the_text_itself(text in text()) {
        let state = State::default().with_config(&Config { thing: text.clone() });
        let out = Context::<Echo>::new().run(Event::hook("config-changed"), state).unwrap();
        let (fake, logged) = replay(&out.record.calls);
        prop_assert_eq!(logged, vec![text.clone()]);
        prop_assert_eq!(&fake.unit_status.status, "active");
        prop_assert_eq!(&fake.unit_status.message, &text);
        prop_assert_eq!(&fake.workload_version, &text);
    }

    #[test]
    fn action_tools_receive_the_text_itself(text in text()) {
        let event = Event::action(&FortuneParams { fortune: Some(text.clone()) });
        let out = Context::<Echo>::new().run(event, State::default()).unwrap();
        let (fake, _) = replay(&out.record.calls);
        let action = fake.action.unwrap();
        prop_assert_eq!(action.logs, vec![text.clone()]);
        prop_assert_eq!(action.results.get("text"), Some(&text));
        prop_assert_eq!(action.results.get("nested.key-1"), Some(&text));
        prop_assert_eq!(action.failed, Some(text));
    }
}

#[test]
fn a_nul_byte_is_refused_by_the_library_not_cut_by_the_kernel() {
    let state = State::default().with_config(&Config { thing: "before\0after".into() });
    let err = Context::<Echo>::new().run(Event::hook("config-changed"), state).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("NUL byte"), "{message}");
    assert!(!message.contains("after"), "{message}");
}
