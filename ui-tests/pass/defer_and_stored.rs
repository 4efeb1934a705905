// Deferrable events have `defer()`; stored state takes any serde type with a default.
use ops::hello::Meta;
use ops::hello::containers::Pause;
use ops::hello::relations::Db;

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Seen {
    count: u32,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Ready {
    at: String,
}

static READY: ops::EventSource<ops::CustomEvent<Ready>> = ops::EventSource::custom("test.ready");

struct Charm {
    seen: ops::Stored<Seen>,
}

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        framework.observe(framework.on().config_changed, |_: &mut Self, e: &ops::ConfigChangedEvent| {
            e.defer();
            Ok(())
        });
        framework.observe(framework.on().db_relation_changed, |_: &mut Self, e: &ops::RelationChangedEvent<Db>| {
            e.defer();
            Ok(())
        });
        framework.observe(framework.on().pause_pebble_ready, |_: &mut Self, e: &ops::PebbleReadyEvent<Pause>| {
            e.defer();
            Ok(())
        });
        framework.observe(READY, |_: &mut Self, e: &ops::CustomEvent<Ready>| {
            let _at: &str = &e.at;
            e.defer();
            Ok(())
        });
        Charm { seen: framework.stored("seen") }
    }
}

fn main() {
    let _ = |c: &Charm| c.seen.update(|s| s.count += 1);
}
