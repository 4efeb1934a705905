//! The web application and the charm on the other side of each of its relations, run one
//! after the other on the in-memory Juju, each side's relation data handed to the other as
//! Juju would: the exact databag contents the Python libraries write and read.

use ops::Databag;
use ops::testing::{Context, Event, NetworkState, RelationState, SecretState, State};
use webapp::observer::Observer;
use webapp::postgres::Postgres;
use webapp::proxy::Proxy;
use webapp::webapp::WebApp;

fn bag(pairs: &[(&str, &str)]) -> Databag {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn webapp_state() -> State {
    State { unit_name: "webapp/0".into(), leader: true, ..State::default() }
}

fn last_log(out: &ops::testing::Output) -> String {
    out.record
        .logs
        .iter()
        .rev()
        .find(|l| l.level != ops::testing::LogLevel::Debug)
        .map(|l| l.message.clone())
        .unwrap_or_default()
}

#[test]
fn database_the_request_the_credentials_as_a_secret_and_the_created_event() {
    let app = Context::<WebApp>::new();
    let pg = Context::<Postgres>::new();

    // 1. The requirer's leader asks, as data_interfaces does on relation-created.
    let to_pg = RelationState::new("database", 3, "postgres");
    let out = app
        .run(Event::relation(app.on().database_relation_created, &to_pg, None), webapp_state().with_relation(to_pg))
        .unwrap();
    let requested =
        r#"["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]"#;
    let asked = out.state.relations[0].clone();
    assert_eq!(
        asked.local_app_data,
        bag(&[("database", "webapp"), ("provided-secrets", r#"["mtls-cert"]"#), ("requested-secrets", requested)])
    );
    assert_eq!(
        asked.local_unit_data,
        bag(&[("provided-secrets", r#"["mtls-cert"]"#), ("requested-secrets", requested)])
    );
    let webapp_after_request = out.state;

    // 2. The provider sees the request, and answers with a secret for the credentials.
    let mut to_app = RelationState::new("database", 7, "webapp");
    to_app.remote_app_data = asked.local_app_data.clone();
    let pg_state =
        State { unit_name: "postgres/0".into(), leader: true, ..State::default() }.with_relation(to_app.clone());
    let out = pg.run(Event::relation(pg.on().database_relation_changed, &to_app, Some("webapp/0")), pg_state).unwrap();
    let answer = out.state.relations[0].local_app_data.clone();
    let secret = out.state.secret_by_label("database.7.user.secret").expect("the user secret").clone();
    assert_eq!(secret.remote_grants[&7], ["webapp".to_owned()].into());
    assert_eq!(secret.latest_content.get("username"), Some("relation_id_7"));
    assert_eq!(answer["secret-user"], secret.id.to_string());
    assert_eq!(answer["database"], "webapp");
    assert_eq!(answer["endpoints"], "postgres-0.postgres-endpoints:5432");
    assert_eq!(answer["version"], "16.6");
    assert!(!answer.contains_key("password"), "the password travels in the secret");
    // The provider's copy of the request, as json.dumps writes it (keys sorted as Juju gave them).
    assert_eq!(
        answer["data"],
        format!(
            r#"{{"database": "webapp", "provided-secrets": "[\"mtls-cert\"]", "requested-secrets": "{}"}}"#,
            requested.replace('"', "\\\"")
        )
    );

    // 3. The requirer sees the answer: the secret is readable, and database_created fires.
    let mut webapp = webapp_after_request;
    webapp.relations[0].remote_app_data = answer;
    let granted = SecretState::observed(secret.latest_content.clone()).with_id(secret.id.clone());
    let webapp = webapp.with_secret(granted);
    let rel = webapp.relations[0].clone();
    let out = app.run(Event::relation(app.on().database_relation_changed, &rel, Some("postgres/0")), webapp).unwrap();
    assert_eq!(last_log(&out), "database ready: relation_id_7@postgres-0.postgres-endpoints:5432");
    assert_eq!(out.state.unit_status, ops::ActiveStatus::new("serving with postgres-0.postgres-endpoints:5432").into());
    assert_eq!(
        out.state.secrets[0].label.as_deref(),
        Some("database.3.user.secret"),
        "labelled as data_interfaces does"
    );
    assert!(
        out.state.relations[0].local_unit_data["data"].contains(r#""endpoints": "postgres-0.postgres-endpoints:5432""#)
    );
}

#[test]
fn database_a_provider_without_secrets_publishes_plain_fields_and_one_event_fires_per_hook() {
    let app = Context::<WebApp>::new();
    let mut to_pg = RelationState::new("database", 3, "postgres");
    to_pg.remote_app_data = bag(&[("endpoints", "pg:5432")]);
    let out = app
        .run(
            Event::relation(app.on().database_relation_changed, &to_pg, Some("postgres/0")),
            webapp_state().with_relation(to_pg.clone()),
        )
        .unwrap();
    // endpoints_changed only: no credentials yet.
    assert_eq!(out.state.unit_status, ops::WaitingStatus::new("waiting for database credentials").into());

    let mut state = out.state;
    state.relations[0].remote_app_data =
        bag(&[("endpoints", "pg:5432"), ("username", "app"), ("password", "plain-s3cret"), ("tls", "True")]);
    let rel = state.relations[0].clone();
    let out = app.run(Event::relation(app.on().database_relation_changed, &rel, Some("postgres/0")), state).unwrap();
    assert_eq!(last_log(&out), "database ready: app@pg:5432");
    let logged = format!("{:?}", out.record.logs);
    assert!(!logged.contains("plain-s3cret"), "{logged}");
}

#[test]
fn database_the_provider_refuses_credentials_before_the_request() {
    let ctx = Context::<Postgres>::new();
    let to_app = RelationState::new("database", 7, "webapp");
    // relation-changed with an empty requirer bag: nothing is requested, nothing is written.
    let state = State { leader: true, ..State::default() }.with_relation(to_app.clone());
    let out = ctx.run(Event::relation(ctx.on().database_relation_changed, &to_app, Some("webapp/0")), state).unwrap();
    assert!(!out.state.relations[0].local_app_data.contains_key("secret-user"));
}

#[test]
fn ingress_each_field_one_json_value_and_the_url_comes_back() {
    let app = Context::<WebApp>::new();
    let proxy = Context::<Proxy>::new();
    let to_proxy = RelationState::new("ingress", 4, "proxy");
    let state = webapp_state()
        .with_relation(to_proxy.clone())
        .with_network("ingress", NetworkState::new("10.1.0.7", "10.1.0.0/16"));
    let out = app.run(Event::relation(app.on().ingress_relation_changed, &to_proxy, Some("proxy/0")), state).unwrap();
    let asked = out.state.relations[0].clone();
    assert_eq!(asked.local_app_data, bag(&[("model", "\"test-model\""), ("name", "\"webapp\""), ("port", "8080")]));
    assert_eq!(
        asked.local_unit_data,
        bag(&[("host", "\"webapp-0.webapp-endpoints.test-model.svc.cluster.local\""), ("ip", "\"10.1.0.7\"")])
    );

    let mut to_app = RelationState::new("ingress", 9, "webapp");
    to_app.remote_app_data = asked.local_app_data.clone();
    to_app.remote_units.insert("webapp/0".into(), asked.local_unit_data.clone());
    let proxy_state = State { leader: true, ..State::default() }.with_relation(to_app.clone());
    let out = proxy
        .run(Event::relation(proxy.on().ingress_relation_changed, &to_app, Some("webapp/0")), proxy_state)
        .unwrap();
    let url = out.state.relations[0].local_app_data.clone();
    assert_eq!(url, bag(&[("ingress", r#"{"url": "http://proxy.example/test-model-webapp"}"#)]));

    let mut back = out_state_with(asked, url);
    back.leader = true;
    let rel = back.relations[0].clone();
    let out = app.run(Event::relation(app.on().ingress_relation_changed, &rel, Some("proxy/0")), back).unwrap();
    assert_eq!(last_log(&out), "reachable at http://proxy.example/test-model-webapp");
}

fn out_state_with(mut relation: RelationState, remote_app: Databag) -> State {
    relation.remote_app_data = remote_app;
    webapp_state().with_relation(relation)
}

#[test]
fn metrics_the_jobs_reach_the_observer_which_expands_them_per_unit() {
    let app = Context::<WebApp>::new();
    let observer = Context::<Observer>::new();
    let to_observer = RelationState::new("metrics-endpoint", 5, "observer");
    let state = webapp_state()
        .with_relation(to_observer.clone())
        .with_network("metrics-endpoint", NetworkState::new("10.1.0.7", "10.1.0.0/16"));
    let out = app
        .run(Event::relation(app.on().metrics_endpoint_relation_joined, &to_observer, Some("observer/0")), state)
        .unwrap();
    let offered = out.state.relations[0].clone();
    assert_eq!(
        offered.local_app_data["scrape_jobs"],
        r#"[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:8080"]}]}]"#
    );
    assert_eq!(
        offered.local_app_data["scrape_metadata"],
        r#"{"model": "test-model", "model_uuid": "00000000-0000-4000-8000-000000000000", "application": "webapp", "unit": "webapp/0", "charm_name": "webapp"}"#
    );
    assert_eq!(offered.local_app_data["alert_rules"], "{}");
    assert_eq!(offered.local_unit_data["prometheus_scrape_unit_address"], "10.1.0.7");
    assert_eq!(offered.local_unit_data["prometheus_scrape_unit_name"], "webapp/0");

    let mut to_app = RelationState::new("metrics-endpoint", 8, "webapp");
    to_app.remote_app_data = offered.local_app_data.clone();
    to_app.remote_units.insert("webapp/0".into(), offered.local_unit_data.clone());
    let out = observer
        .run(
            Event::relation(observer.on().metrics_endpoint_relation_changed, &to_app, Some("webapp/0")),
            State::default().with_relation(to_app),
        )
        .unwrap();
    let job = last_log(&out);
    assert!(job.contains(r#""job_name":"juju_test-model_00000000_webapp_prometheus_scrape-0""#), "{job}");
    assert!(job.contains(r#""targets":["10.1.0.7:8080"]"#), "{job}");
    assert!(job.contains(r#""juju_unit":"webapp/0""#), "{job}");
}

#[test]
fn dashboards_compressed_as_cosl_does_reach_the_observer() {
    let app = Context::<WebApp>::new();
    let observer = Context::<Observer>::new();
    let to_observer = RelationState::new("grafana-dashboard", 6, "observer");
    let charm_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("webapp");
    let state = State { charm_dir: Some(charm_dir), ..webapp_state() }.with_relation(to_observer.clone());
    let out = app.run(Event::relation(app.on().grafana_dashboard_relation_created, &to_observer, None), state).unwrap();
    let sent = out.state.relations[0].local_app_data["dashboards"].clone();
    let parsed: serde_json::Value = serde_json::from_str(&sent).unwrap();
    let template = &parsed["templates"]["file:webapp"];
    assert_eq!(template["charm"], "webapp");
    assert_eq!(template["inject_dropdowns"], true);
    assert_eq!(template["juju_topology"]["unit"], "webapp/0");
    assert_eq!(template["dashboard_alt_uid"].as_str().map(str::len), Some(16));
    assert!(sent.starts_with(r#"{"templates": {"file:webapp": {"charm": "webapp", "content": ""#), "{sent}");

    let mut to_app = RelationState::new("grafana-dashboard", 2, "webapp");
    to_app.remote_app_data = bag(&[("dashboards", &sent)]);
    let out = observer
        .run(
            Event::relation(observer.on().grafana_dashboard_relation_changed, &to_app, Some("webapp/0")),
            State::default().with_relation(to_app),
        )
        .unwrap();
    let logged = last_log(&out);
    assert!(logged.starts_with("dashboard grafana-dashboard:2/file:webapp: "), "{logged}");
    assert!(logged.contains(r#""title": "Web app""#) && logged.contains(r#""charm: webapp""#), "{logged}");
}
