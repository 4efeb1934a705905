//! The main job: HelloCharm through a Juju lifecycle on the built-in simulated Juju.
//!
//! `cargo run -p hello-charm --example lifecycle` dispatches install, config-changed,
//! start, the fortune action and update-status, each as Juju would, and prints what
//! happened: the handlers run, every hook-tool call the charm made (the exact command
//! line a real dispatch would run), and the statuses afterwards.

use hello_charm::HelloCharm;
use hello_charm::charm::Config;
use hello_charm::charm::actions::FortuneParams;
use ops::testing::{Context, Event, Output, State};

fn main() {
    let ctx = Context::<HelloCharm>::new();
    let config = Config { thing: "Juju".to_owned() };
    let mut state = State::default().with_leader(true).with_config(&config);
    state.planned_units = 3;
    println!(
        "Simulated Juju {}: model {:?}, unit hello/0 (leader), config thing={:?}, 3 units planned",
        state.juju_version, state.model_name, config.thing
    );

    let on = ctx.on();
    let events: [Event; 5] = [
        on.install.into(),
        on.config_changed.into(),
        on.start.into(),
        Event::action(&FortuneParams { fortune: None }),
        on.update_status.into(),
    ];
    for event in events {
        let title = event.kind();
        match ctx.run(event, state.clone()) {
            Ok(out) => {
                print_output(&title, &out);
                state = out.state;
            }
            Err(failure) => {
                println!("\n== {title}: FAILED: {}", failure.error);
                std::process::exit(1);
            }
        }
    }
    println!("\nDone: 5 events, every one exited 0.");
}

fn print_output(title: &str, out: &Output) {
    println!("\n== {title}");
    let handlers: Vec<&str> = out.report.deliveries.iter().map(|d| d.observer.as_str()).collect();
    println!("   handlers:    {}", if handlers.is_empty() { "(none)".to_owned() } else { handlers.join(", ") });
    println!("   hook tools:");
    for call in &out.record.calls {
        println!("     $ {call}");
    }
    if let Some(action) = &out.action {
        for (key, value) in &action.results {
            println!("   result:      {key} = {value:?}");
        }
        if let Some(failure) = &action.failure {
            println!("   failed:      {failure}");
        }
    }
    println!("   unit status: {}", out.state.unit_status);
    println!("   app status:  {}", out.state.app_status);
}
