//! The exporter on the in-memory Juju: a subordinate's relation to its principal, the
//! scrape address from the relation's binding, the prometheus_scrape databags, peers,
//! storage, a reboot after the hook, and the relation lifecycle.

use std::cell::RefCell;
use std::rc::Rc;

use exporter::charm::{Config, actions::AddTextfilesParams};
use exporter::{Exporter, Kernel};
use ops::testing::{Context, Event, NetworkState, RelationState, State, StorageState};

fn config(port: i64, sysctl: &str) -> Config {
    Config { port, sysctl: sysctl.into() }
}

fn machine() -> State {
    State { machine_id: Some("7".into()), principal_unit: Some("mysql/2".into()), ..State::default() }
        .with_config(&config(9100, ""))
}

fn lines(out: &ops::testing::Output) -> Vec<String> {
    out.record.calls.iter().map(ToString::to_string).collect()
}

#[test]
fn a_subordinate_names_its_principal_and_machine() {
    let ctx = Context::<Exporter>::new();
    let principal = RelationState::subordinate("juju-info", 1, "mysql/2");
    let event = Event::relation(ctx.on().juju_info_relation_joined, &principal, Some("mysql/2"));
    let out = ctx.run(event, machine().with_relation(principal)).unwrap();
    assert_eq!(out.state.unit_status, ops::ActiveStatus::new("exporting mysql/2 on machine 7").into());
}

#[test]
fn the_scrape_address_comes_from_the_relations_binding_and_the_jobs_are_typed() {
    let ctx = Context::<Exporter>::new();
    let scraper = RelationState::new("metrics-endpoint", 4, "prometheus");
    let state = machine()
        .with_leader(true)
        .with_relation(scraper.clone())
        .with_network("metrics-endpoint", NetworkState::new("10.20.0.5", "10.20.0.0/24"));
    let out = ctx
        .run(Event::relation(ctx.on().metrics_endpoint_relation_joined, &scraper, Some("prometheus/0")), state)
        .unwrap();
    assert!(lines(&out).contains(&"network-get --format=json -r 4 metrics-endpoint".to_owned()));
    let relation = &out.state.relations[0];
    assert_eq!(relation.local_unit_data["prometheus_scrape_unit_address"], "10.20.0.5");
    assert_eq!(relation.local_unit_data["prometheus_scrape_unit_name"], "exporter/0");
    // Each field one JSON value, formatted as Python's json.dumps formats it.
    assert_eq!(
        relation.local_app_data["scrape_jobs"],
        r#"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:9100"]}]}]"#
    );
    assert_eq!(
        relation.local_app_data["scrape_metadata"],
        r#"{"model": "test-model", "model_uuid": "00000000-0000-4000-8000-000000000000", "application": "exporter", "charm_name": "exporter"}"#
    );
    // And each field reads back as its type, as a Rust scraper's `load` would read it.
    let jobs: Vec<exporter::ScrapeJob> = serde_json::from_str(&relation.local_app_data["scrape_jobs"]).unwrap();
    assert_eq!(jobs[0].static_configs[0].targets, ["*:9100"]);
}

#[test]
fn a_follower_reads_the_peer_app_bag_the_leader_wrote() {
    let ctx = Context::<Exporter>::new();
    let peers = RelationState::peer("exporters", 2, &["exporter/1"]);
    let leader = ctx.run(ctx.on().config_changed, machine().with_leader(true).with_relation(peers)).unwrap().state;
    let written = leader.relations[0].local_app_data.clone();
    assert_eq!(written["port"], "9100");

    let mut peers = RelationState::peer("exporters", 2, &["exporter/0"]);
    peers.local_app_data = written;
    let follower = State { unit_name: "exporter/1".into(), ..machine() }.with_relation(peers.clone());
    let out =
        ctx.run(Event::relation(ctx.on().exporters_relation_changed, &peers, Some("exporter/0")), follower).unwrap();
    assert_eq!(out.record.logs.last().unwrap().message, "the leader serves on port 9100");
}

#[test]
fn a_unit_that_departs_itself_says_so() {
    let ctx = Context::<Exporter>::new();
    let peers = RelationState::peer("exporters", 2, &["exporter/1"]);
    let event = Event::relation_departed(ctx.on().exporters_relation_departed, &peers, "exporter/1", "exporter/0");
    let out = ctx.run(event, machine().with_relation(peers.clone())).unwrap();
    assert_eq!(out.state.unit_status, ops::MaintenanceStatus::new("leaving: stopping the exporter").into());
    let event = Event::relation_departed(ctx.on().exporters_relation_departed, &peers, "exporter/1", "exporter/1");
    let out = ctx.run(event, machine().with_relation(peers)).unwrap();
    assert_eq!(out.record.logs.last().unwrap().message, "peer exporter/1 left");
}

#[test]
fn the_last_scraper_breaking_blocks_the_unit() {
    let ctx = Context::<Exporter>::new();
    let scraper = RelationState::new("metrics-endpoint", 4, "prometheus");
    let out = ctx
        .run(
            Event::relation(ctx.on().metrics_endpoint_relation_broken, &scraper, None),
            machine().with_relation(scraper),
        )
        .unwrap();
    assert_eq!(out.state.unit_status, ops::BlockedStatus::new("no Prometheus scrapes this exporter").into());
}

/// A kernel that remembers what it was given instead of writing /etc/sysctl.d.
#[derive(Clone, Default)]
struct FakeKernel(Rc<RefCell<Vec<String>>>);

impl Kernel for FakeKernel {
    fn write_settings(&self, settings: &str) -> std::io::Result<()> {
        self.0.borrow_mut().push(settings.to_owned());
        Ok(())
    }
}

#[test]
fn new_kernel_settings_are_written_and_reboot_the_machine_after_the_hook_once() {
    let kernel = FakeKernel::default();
    let double = kernel.clone();
    let ctx = Context::with_factory(move |framework| Exporter::with_kernel(framework, double.clone()));
    let state = machine().with_config(&config(9100, "vm.swappiness=10"));
    let out = ctx.run(ctx.on().config_changed, state).unwrap();
    assert_eq!(*kernel.0.borrow(), ["vm.swappiness=10"]);
    assert_eq!(out.record.reboots, [ops::Reboot::AfterHook]);
    assert!(out.state.opened_ports.contains("9100/tcp"));
    let again = ctx.run(ctx.on().config_changed, out.state).unwrap();
    assert!(again.record.reboots.is_empty(), "the settings are applied already");
    assert_eq!(kernel.0.borrow().len(), 1);
}

#[test]
fn the_charm_can_be_inspected_after_the_event() {
    let ctx = Context::with_factory(|framework| Exporter::with_kernel(framework, FakeKernel::default()));
    let state = machine().with_config(&config(9100, "vm.swappiness=10"));
    let (_, applied) = ctx.run_inspect(ctx.on().config_changed, state, |charm| charm.applied_sysctl()).unwrap();
    assert_eq!(applied, "vm.swappiness=10");
}

#[test]
fn storage_is_requested_by_its_marker_and_attached_instances_are_found() {
    let ctx = Context::<Exporter>::new();
    let out = ctx.run(Event::action(&AddTextfilesParams { count: 2 }), machine()).unwrap();
    assert_eq!(out.record.requested_storage, [("textfiles".to_owned(), 2)]);
    assert!(lines(&out).contains(&"storage-add textfiles=2".to_owned()));

    let mut state = machine();
    let textfiles = StorageState { name: "textfiles".into(), index: 0, location: "/srv/textfiles/0".into() };
    state.storage.push(textfiles.clone());
    let out = ctx.run(Event::storage(ctx.on().textfiles_storage_attached, &textfiles), state).unwrap();
    assert!(lines(&out).contains(&"storage-get --format=json -s textfiles/0".to_owned()));
    assert_eq!(out.record.logs.last().unwrap().message, "textfiles at /srv/textfiles/0");
}

#[test]
fn the_public_extra_binding_has_its_own_network() {
    let ctx = Context::<Exporter>::new();
    let state = machine().with_network("public", NetworkState::new("203.0.113.9", "203.0.113.0/24"));
    let out = ctx.run(ctx.on().start, state).unwrap();
    assert_eq!(out.record.logs.last().unwrap().message, "public address 203.0.113.9");
    assert!(lines(&out).contains(&"network-get --format=json public".to_owned()));
}
