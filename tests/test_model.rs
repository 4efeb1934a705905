//! The rest of the model through the in-memory Juju, on the reference charm's `db`
//! endpoint: typed databags with ops' encoding, the relation lifecycle (broken, several
//! relations, departing units, remote model), network bindings, the cloud spec, resources
//! by marker and reboots. Each test drives a small charm whose handlers do one thing.

use ops::hello::relations::Db;
use ops::hello::resources::PauseImage;
use ops::hello::{Config, Meta};
use ops::testing::{Context, Event, NetworkState, RelationState, State};
use ops::{DepartingUnit, ModelError, Reboot};

/// What the database publishes (the `database` interface's provider side, trimmed).
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Provided {
    endpoints: String,
    #[serde(rename = "read-only-endpoints", default)]
    read_only_endpoints: Option<String>,
    version: String,
}

/// What the charm asks for.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Request {
    database: String,
    #[serde(rename = "extra-user-roles")]
    extra_user_roles: Option<String>,
    replicas: u8,
    tags: Vec<String>,
}

struct Tour {
    model: ops::Model<Meta>,
}

impl ops::CharmBase for Tour {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.db_relation_joined, Self::on_joined);
        framework.observe(on.db_relation_changed, Self::on_changed);
        framework.observe(on.db_relation_departed, Self::on_departed);
        framework.observe(on.db_relation_broken, Self::on_broken);
        framework.observe(on.config_changed, Self::on_config_changed);
        Tour { model: framework.model() }
    }
}

impl Tour {
    fn on_joined(&mut self, event: &ops::RelationJoinedEvent<Db>) -> ops::HandlerResult {
        let request = Request {
            database: "hello".into(),
            extra_user_roles: None,
            replicas: 2,
            tags: vec!["é".into(), "b".into()],
        };
        event.relation.local_unit_data().save(&request)?;
        Ok(())
    }

    fn on_changed(&mut self, event: &ops::RelationChangedEvent<Db>) -> ops::HandlerResult {
        let provided: Provided = event.relation.remote_app_data()?.load()?;
        let ours: Request = event.relation.local_unit_data().load()?;
        let uuid = event.relation.remote_model_uuid()?;
        log::info!("{provided:?} for {} from model {uuid}", ours.database);
        Ok(())
    }

    fn on_departed(&mut self, event: &ops::RelationDepartedEvent<Db>) -> ops::HandlerResult {
        match &event.departing_unit {
            Some(DepartingUnit::ThisUnit) => log::info!("this unit is leaving"),
            Some(DepartingUnit::Remote(unit)) => log::info!("{} is leaving", unit.name()),
            None => log::info!("nobody is leaving"),
        }
        Ok(())
    }

    fn on_broken(&mut self, event: &ops::RelationBrokenEvent<Db>) -> ops::HandlerResult {
        let left = self.model.relations::<Db>()?.len();
        log::info!(
            "active {}, {left} left, one: {:?}",
            event.relation.active(),
            self.model.relation::<Db>()?.is_some()
        );
        Ok(())
    }

    fn on_config_changed(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        match self.model.config()?.thing.as_str() {
            "one" => {
                self.model.relation::<Db>()?;
            }
            "network" => {
                let network = self.model.get_binding::<Db>().network()?;
                let again = self.model.get_binding::<Db>().network()?;
                assert_eq!(network, again);
                let relation = self.model.relations::<Db>()?.pop().expect("a relation");
                let through_relation = relation.binding().network()?;
                log::info!(
                    "bind {:?} ingress {:?} egress {:?}; relation {:?}",
                    network.bind_address().map(ToString::to_string),
                    network.ingress_address().map(ToString::to_string),
                    network.egress_subnets.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    through_relation.ingress_address().map(ToString::to_string),
                );
            }
            "cloud" => {
                let spec = self.model.get_cloud_spec()?;
                log::info!("{spec:?}");
            }
            "resource" => {
                let path = self.model.resource::<PauseImage>()?;
                log::info!("image at {}", path.display());
            }
            "reboot-later" => {
                self.model.unit().reboot(Reboot::AfterHook)?;
                self.model.unit().set_status(ops::ActiveStatus::new("rebooting after this hook"))?;
            }
            "reboot-now" => {
                self.model.unit().set_status(ops::MaintenanceStatus::new("rebooting"))?;
                self.model.unit().reboot(Reboot::Now)?;
                self.model.unit().set_status(ops::ActiveStatus::new("never reached"))?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn with_thing(thing: &str) -> State {
    State::default().with_config(&Config { thing: thing.into() })
}

fn lines(out: &ops::testing::Output) -> Vec<String> {
    out.record.calls.iter().map(ToString::to_string).collect()
}

fn last_log(out: &ops::testing::Output) -> String {
    out.record.logs.last().map(|l| l.message.clone()).unwrap_or_default()
}

fn model_error(result: Result<ops::testing::Output, Box<ops::testing::RunError>>) -> String {
    let err = result.unwrap_err();
    let ops::DispatchError::Handler { error, .. } = &err.error else { panic!("{}", err.error) };
    error.downcast_ref::<ModelError>().map(ToString::to_string).unwrap_or_else(|| error.to_string())
}

#[test]
fn save_writes_each_field_as_json_the_way_python_ops_does() {
    let ctx = Context::<Tour>::new();
    let db = RelationState::new("db", 3, "pg");
    let out = ctx
        .run(Event::relation(ctx.on().db_relation_joined, &db, Some("pg/0")), State::default().with_relation(db))
        .unwrap();
    let set = out.record.calls.iter().find(|c| c.tool == "relation-set").expect("one relation-set");
    // Python: {k: json.dumps(v) for k, v in model_dump().items()}, then relation-set of the changes.
    assert_eq!(
        set.stdin.as_deref(),
        Some(r#"{"database":"\"hello\"","extra-user-roles":"null","replicas":"2","tags":"[\"\\u00e9\", \"b\"]"}"#)
    );
    let bag = &out.state.relations[0].local_unit_data;
    assert_eq!(bag["tags"], r#"["\u00e9", "b"]"#);
}

#[test]
fn load_reads_the_remote_bag_with_renames_and_defaults_and_ignores_other_keys() {
    let ctx = Context::<Tour>::new();
    let mut db = RelationState::new("db", 3, "pg").with_remote_model("11111111-2222-4333-8444-555555555555");
    db.remote_app_data = [
        ("endpoints", "\"pg-0:5432\""),
        ("version", "\"16.4\""),
        ("password", "plain text written by a library that does not encode JSON"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    db.local_unit_data = [("database", "\"hello\""), ("extra-user-roles", "null"), ("replicas", "2"), ("tags", "[]")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let event = Event::relation(ctx.on().db_relation_changed, &db, Some("pg/0"));
    let out = ctx.run(event, State::default().with_relation(db)).unwrap();
    assert_eq!(
        last_log(&out),
        "Provided { endpoints: \"pg-0:5432\", read_only_endpoints: None, version: \"16.4\" } for hello \
         from model 11111111-2222-4333-8444-555555555555"
    );
    assert!(lines(&out).contains(&"relation-model-get --format=json -r db:3".to_owned()));
}

#[test]
fn a_bag_that_does_not_read_names_the_field_and_keeps_the_value_out_of_the_error() {
    let ctx = Context::<Tour>::new();
    let mut db = RelationState::new("db", 3, "pg");
    db.remote_app_data =
        [("endpoints", "\"pg-0:5432\""), ("version", "16")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    let event = Event::relation(ctx.on().db_relation_changed, &db, Some("pg/0"));
    let message = model_error(ctx.run(event, State::default().with_relation(db.clone())));
    assert!(message.starts_with("relation data field `version` does not read as `test_model::Provided`"), "{message}");
    assert!(!message.contains("16"), "{message}");

    db.remote_app_data.insert("version".into(), "s3cret-not-json".into());
    let event = Event::relation(ctx.on().db_relation_changed, &db, Some("pg/0"));
    let message = model_error(ctx.run(event, State::default().with_relation(db)));
    assert!(message.starts_with("relation data key `version` is not JSON"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
}

#[test]
fn during_relation_broken_the_relation_is_gone_from_the_model_and_inactive() {
    let ctx = Context::<Tour>::new();
    let db = RelationState::new("db", 3, "pg");
    let state = State::default().with_relation(db.clone()).with_relation(RelationState::new("db", 4, "other"));
    let out = ctx.run(Event::relation(ctx.on().db_relation_broken, &db, None), state).unwrap();
    assert_eq!(last_log(&out), "active false, 1 left, one: true");
}

#[test]
fn one_relation_asked_for_among_several_is_an_error_not_the_first() {
    let ctx = Context::<Tour>::new();
    let state = with_thing("one")
        .with_relation(RelationState::new("db", 3, "pg"))
        .with_relation(RelationState::new("db", 4, "b"));
    let message = model_error(ctx.run(ctx.on().config_changed, state));
    assert_eq!(message, "endpoint `db` has 2 relations where one was asked for; use `model.relations::<..>()`");
}

#[test]
fn the_departing_unit_says_whether_it_is_this_one() {
    let ctx = Context::<Tour>::new();
    let db = RelationState::new("db", 3, "pg");
    let run = |departing: &str| {
        let event = Event::relation_departed(ctx.on().db_relation_departed, &db, "pg/0", departing);
        last_log(&ctx.run(event, State::default().with_relation(db.clone())).unwrap())
    };
    assert_eq!(run("hello/0"), "this unit is leaving");
    assert_eq!(run("pg/0"), "pg/0 is leaving");
}

#[test]
fn bindings_read_network_get_once_and_default_to_scenarios_network() {
    let ctx = Context::<Tour>::new();
    let state = with_thing("network").with_relation(RelationState::new("db", 3, "pg"));
    let out = ctx.run(ctx.on().config_changed, state.clone()).unwrap();
    assert_eq!(
        last_log(&out),
        "bind Some(\"192.0.2.0\") ingress Some(\"192.0.2.0\") egress [\"192.0.2.0/24\"]; relation Some(\"192.0.2.0\")"
    );
    let network_calls: Vec<String> = lines(&out).into_iter().filter(|l| l.starts_with("network-get")).collect();
    assert_eq!(network_calls, ["network-get --format=json db", "network-get --format=json -r 3 db"]);

    let custom = NetworkState::new("10.0.0.7", "10.0.0.0/16");
    let out = ctx.run(ctx.on().config_changed, state.with_network("db", custom)).unwrap();
    assert!(last_log(&out).starts_with("bind Some(\"10.0.0.7\") ingress Some(\"10.0.0.7\") egress [\"10.0.0.0/16\"]"));
}

#[test]
fn the_cloud_spec_needs_trust_and_never_prints_its_secrets() {
    let ctx = Context::<Tour>::new();
    let message = model_error(ctx.run(ctx.on().config_changed, with_thing("cloud")));
    assert!(message.contains("cannot access cloud credentials"), "{message}");

    let mut spec = ops::CloudSpec::new("lxd", "localhost");
    spec.credential = Some(ops::CloudCredential::new(
        "certificate",
        [("client-key".to_owned(), "PRIVATE KEY".to_owned())].into_iter().collect(),
    ));
    let state = State { cloud_spec: Some(spec), ..with_thing("cloud") };
    let out = ctx.run(ctx.on().config_changed, state).unwrap();
    assert!(last_log(&out).contains("kind: \"lxd\""), "{}", last_log(&out));
    assert!(!last_log(&out).contains("PRIVATE"));
    assert!(lines(&out).contains(&"credential-get --format=json".to_owned()));
}

#[test]
fn resources_are_fetched_by_their_generated_marker() {
    let ctx = Context::<Tour>::new();
    let mut state = with_thing("resource");
    state.resources.insert("pause-image".into(), "/var/lib/juju/resources/pause-image/image.json".into());
    let out = ctx.run(ctx.on().config_changed, state).unwrap();
    assert_eq!(last_log(&out), "image at /var/lib/juju/resources/pause-image/image.json");
    assert!(lines(&out).contains(&"resource-get pause-image".to_owned()));
}

#[test]
fn a_reboot_now_ends_the_dispatch_with_nothing_saved_and_a_later_one_does_not() {
    let ctx = Context::<Tour>::new();
    let out = ctx.run(ctx.on().config_changed, with_thing("reboot-later")).unwrap();
    assert_eq!(out.record.reboots, [Reboot::AfterHook]);
    assert_eq!(out.state.unit_status, ops::ActiveStatus::new("rebooting after this hook").into());

    let out = ctx.run(ctx.on().config_changed, with_thing("reboot-now")).unwrap();
    assert_eq!(out.record.reboots, [Reboot::Now]);
    assert!(lines(&out).contains(&"juju-reboot --now".to_owned()));
    assert_eq!(out.state.unit_status, ops::MaintenanceStatus::new("rebooting").into(), "nothing ran after the reboot");
}
