//! The database protocol between two real binaries, each against its own strict fake Juju:
//! the web application asks, the database answers with credentials in a secret granted to
//! the relation, and the web application reads them by the secret's id under
//! data_interfaces' label. The test plays the controller between the two.

mod common;

use std::path::Path;
use std::process::Output;

use common::TOOL;
use juju_ops_testbed::state::Relation;
use juju_ops_testbed::{FakeJuju, State, ToolCall, secret_tools};

const WEBAPP: &str = env!("CARGO_BIN_EXE_webapp-dispatch");
const POSTGRES: &str = env!("CARGO_BIN_EXE_postgres-dispatch");

fn unit(name: &str, endpoint: &str, id: u64, remote_app: &str) -> FakeJuju {
    let relation = Relation {
        endpoint: endpoint.into(),
        remote_app: remote_app.into(),
        units: vec![format!("{remote_app}/0")],
        ..Relation::default()
    };
    let state = State {
        unit: name.into(),
        leader: true,
        relations: [(id, relation)].into_iter().collect(),
        ..State::default()
    };
    FakeJuju::new(Path::new(TOOL), &state).unwrap()
}

fn run(juju: &FakeJuju, charm: &str, unit: &str, hook: &str, relation: (&str, u64, &str)) -> Output {
    juju.clear_calls();
    let (endpoint, id, remote) = relation;
    let out = juju
        .command(Path::new(charm))
        .env("JUJU_UNIT_NAME", unit)
        .env("JUJU_DISPATCH_PATH", format!("hooks/{hook}"))
        .env("JUJU_RELATION", endpoint)
        .env("JUJU_RELATION_ID", format!("{endpoint}:{id}"))
        .env("JUJU_REMOTE_APP", remote)
        .env("JUJU_REMOTE_UNIT", format!("{remote}/0"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{hook} on {unit}: {}", String::from_utf8_lossy(&out.stderr));
    for call in juju.calls() {
        assert_eq!(call.exit, 0, "the fake Juju rejected {}", call.line());
    }
    out
}

fn set_calls(juju: &FakeJuju) -> Vec<ToolCall> {
    juju.calls().into_iter().filter(|c| c.tool == "relation-set").collect()
}

#[test]
fn the_database_protocol_between_two_binaries_with_a_secret() {
    let webapp = unit("webapp/0", "database", 3, "postgres");
    let postgres = unit("postgres/0", "database", 7, "webapp");

    // The request, on relation-created: unit bag first, then the leader's app bag.
    run(&webapp, WEBAPP, "webapp/0", "database-relation-created", ("database", 3, "postgres"));
    let sets = set_calls(&webapp);
    assert_eq!(sets.len(), 2, "{sets:?}");
    assert_eq!(sets[1].args, ["-r", "database:3", "--app", "--file", "-"]);
    let request: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(sets[1].stdin.as_deref().unwrap()).unwrap();
    assert_eq!(request["database"], "webapp");
    assert_eq!(
        request["requested-secrets"],
        r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#
    );

    // The controller hands the request to the database, which answers.
    let mut state = postgres.state();
    let asked = webapp.state().relations[&3].data["webapp"].clone();
    state.relations.get_mut(&7).unwrap().data.insert("webapp".into(), asked);
    postgres.set_state(&state);
    run(&postgres, POSTGRES, "postgres/0", "database-relation-changed", ("database", 7, "webapp"));
    let lines: Vec<String> = postgres.calls().iter().map(ToolCall::line).collect();
    let add = lines.iter().find(|l| l.starts_with("secret-add")).expect("a secret-add");
    assert!(add.starts_with("secret-add --label database.7.user.secret --owner application password#file="), "{add}");
    assert!(!lines.iter().any(|l| l.contains("pw-for-webapp")), "the password never reaches a command line");
    let answer = postgres.state().relations[&7].data["postgres"].clone();
    let secret_id = answer["secret-user"].clone();
    assert!(lines.contains(&format!("secret-grant --relation 7 {secret_id}")), "{lines:?}");

    // The controller hands the answer and the granted secret to the web application.
    let mut state = webapp.state();
    state.relations.get_mut(&3).unwrap().data.insert("postgres".into(), answer);
    secret_tools::share(&postgres.state(), &mut state, &secret_id);
    webapp.set_state(&state);
    run(&webapp, WEBAPP, "webapp/0", "database-relation-changed", ("database", 3, "postgres"));
    let lines: Vec<String> = webapp.calls().iter().map(ToolCall::line).collect();
    assert!(
        lines.contains(&format!("secret-get --format=json {secret_id} --label database.3.user.secret")),
        "{lines:?}"
    );
    assert_eq!(webapp.state().unit_status.message, "serving with postgres-0.postgres-endpoints:5432");
    assert!(!lines.iter().any(|l| l.contains("pw-for-webapp")), "{lines:?}");
}
