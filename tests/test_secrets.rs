//! Secrets through the in-memory Juju: the owner's calls (add, grant, rotate, remove) with
//! the exact command lines, the observer's reads (tracked, refresh, peek), Juju's rules,
//! the read-modify-write before Juju 3.6, deferral, and content kept out of everything
//! that is logged or printed.

use ops::hello::relations::Db;
use ops::hello::{Config, Meta};
use ops::testing::{Context, Event, RelationState, SecretOwner, SecretState, State};
use ops::{SecretContent, SecretLookup, SecretMeta, SecretRotate, SecretString};

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Credentials {
    username: String,
    password: SecretString,
}

fn creds(password: &str) -> Credentials {
    Credentials { username: "admin".into(), password: SecretString::new(password) }
}

fn content(password: &str) -> SecretContent {
    SecretContent::from_serialize(&creds(password)).unwrap()
}

/// Owns the `db-admin` secret as the application, and observes what `db` hands it;
/// `thing` picks what config-changed does.
struct Keeper {
    model: ops::Model<Meta>,
}

impl ops::CharmBase for Keeper {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.install, Self::on_install);
        framework.observe(on.config_changed, Self::on_config_changed);
        framework.observe(on.db_relation_joined, Self::on_db_joined);
        framework.observe(on.secret_rotate, Self::on_rotate);
        framework.observe(on.secret_remove, Self::on_remove);
        framework.observe(on.secret_changed, Self::on_changed);
        Keeper { model: framework.model() }
    }
}

impl Keeper {
    fn on_install(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
        if let Some(leader) = self.model.unit().is_leader()? {
            let meta = SecretMeta::label("db-admin").with_rotate(SecretRotate::Monthly);
            let secret = self.model.app().add_secret(&leader, &creds("s3cret"), meta)?;
            log::info!("added {}", secret.id().map(|id| id.to_string()).unwrap_or_default());
        }
        self.model.unit().add_secret(&SecretContent::from_pairs([("token", "unit-token")])?, SecretMeta::default())?;
        Ok(())
    }

    fn on_db_joined(&mut self, event: &ops::RelationJoinedEvent<Db>) -> ops::HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let secret = self.model.app().get_secret(&leader, SecretLookup::label("db-admin"))?;
        secret.grant(&leader, &event.relation, None)?;
        let id = secret.id().map(|id| id.to_string()).unwrap_or_default();
        event.relation.local_app_data(&leader).set("admin-secret", id)?;
        Ok(())
    }

    fn on_rotate(&mut self, event: &ops::SecretRotateEvent) -> ops::HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        event.app_secret(&leader).set_content(&leader, &creds("r0tated"))?;
        Ok(())
    }

    fn on_remove(&mut self, event: &ops::SecretRemoveEvent) -> ops::HandlerResult {
        event.remove_revision()?;
        Ok(())
    }

    fn on_changed(&mut self, event: &ops::SecretChangedEvent) -> ops::HandlerResult {
        if self.model.config()?.thing == "hold" {
            event.defer();
            return Ok(());
        }
        let latest: Credentials = event.secret().refresh_content()?;
        log::info!("{} changed; user {}", event.label.as_deref().unwrap_or("?"), latest.username);
        Ok(())
    }

    fn on_config_changed(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        let thing = self.model.config()?.thing.clone();
        match thing.as_str() {
            "read" => {
                let secret = self.model.get_secret(SecretLookup::label("upstream"))?;
                let tracked: Credentials = secret.get_content()?;
                let peeked: Credentials = secret.peek_content()?;
                let cached: Credentials = secret.get_content()?;
                log::info!("tracked {:?}, peeked {:?}, cached {:?}", tracked, peeked, cached);
            }
            "missing" => {
                self.model.get_secret(SecretLookup::label("nope"))?;
            }
            "claim-observed" => {
                self.model.unit().get_secret(SecretLookup::label("upstream"))?;
            }
            "claim-app" => {
                self.model.unit().get_secret(SecretLookup::label("db-admin"))?;
            }
            "rewrite" => {
                let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
                let secret = self.model.app().get_secret(&leader, SecretLookup::label("db-admin"))?;
                secret.set_info(&leader, SecretMeta::default().with_description("the admin"))?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn leader() -> State {
    State::default().with_leader(true)
}

fn lines(out: &ops::testing::Output) -> Vec<String> {
    out.record.calls.iter().map(ToString::to_string).collect()
}

fn everything_printed(out: &ops::testing::Output) -> String {
    format!("{:?}\n{:?}\n{}", out.record, out.state, lines(out).join("\n"))
}

#[test]
fn install_adds_an_app_secret_with_the_content_in_files() {
    let ctx = Context::<Keeper>::new();
    let out = ctx.run(ctx.on().install, leader()).unwrap();
    let calls = lines(&out);
    assert_eq!(
        calls[1],
        "secret-add --label db-admin --rotate monthly --owner application \
         password#file=/tmp/juju-ops-secret/password username#file=/tmp/juju-ops-secret/username"
    );
    assert_eq!(calls[3], "secret-add --owner unit token#file=/tmp/juju-ops-secret/token");
    let secret = out.state.secret_by_label("db-admin").unwrap();
    assert_eq!(secret.owner, Some(SecretOwner::Application));
    assert_eq!(secret.rotate, Some(SecretRotate::Monthly));
    assert_eq!(secret.latest_content, content("s3cret"));
    let printed = everything_printed(&out);
    assert!(!printed.contains("s3cret") && !printed.contains("unit-token"), "content leaked: {printed}");
}

#[test]
fn a_follower_adds_its_unit_secret_only() {
    let ctx = Context::<Keeper>::new();
    let out = ctx.run(ctx.on().install, State::default()).unwrap();
    assert_eq!(out.state.secrets.len(), 1);
    assert_eq!(out.state.secrets[0].owner, Some(SecretOwner::Unit));
}

#[test]
fn a_relation_joining_is_granted_the_secret_and_told_its_id() {
    let ctx = Context::<Keeper>::new();
    let installed = ctx.run(ctx.on().install, leader()).unwrap().state;
    let db = RelationState::new("db", 7, "pg");
    let state = installed.with_relation(db.clone());
    let out = ctx.run(Event::relation(ctx.on().db_relation_joined, &db, Some("pg/0")), state).unwrap();
    let secret = out.state.secret_by_label("db-admin").unwrap();
    assert_eq!(secret.remote_grants[&7], ["pg".to_owned()].into());
    assert!(lines(&out).iter().any(|l| *l == format!("secret-grant --relation 7 {}", secret.id)));
    assert_eq!(out.state.relations[0].local_app_data["admin-secret"], secret.id.to_string());
}

#[test]
fn rotation_writes_a_new_revision_and_remove_drops_an_old_one() {
    let ctx = Context::<Keeper>::new();
    let installed = ctx.run(ctx.on().install, leader()).unwrap().state;
    let secret = installed.secret_by_label("db-admin").unwrap().clone();
    let out = ctx.run(Event::secret_rotate(ctx.on().secret_rotate, &secret), installed).unwrap();
    let rotated = out.state.secret_by_label("db-admin").unwrap();
    assert_eq!((rotated.latest_revision, rotated.latest_content.clone()), (2, content("r0tated")));
    assert!(
        lines(&out)
            .iter()
            .any(|l| l.starts_with(&format!("secret-set --owner application {} password#file=", secret.id)))
    );
    let out = ctx.run(Event::secret_remove(ctx.on().secret_remove, rotated, 1), out.state).unwrap();
    assert_eq!(out.record.removed_secret_revisions, [(secret.id.clone(), Some(1))]);
    assert_eq!(lines(&out).last().unwrap(), &format!("secret-remove {} --revision 1", secret.id));
}

#[test]
fn an_observer_reads_tracked_peeks_latest_and_refreshes_on_change() {
    let ctx = Context::<Keeper>::new();
    let upstream = SecretState::observed(content("old")).with_label("upstream").with_latest(content("new"));
    let state = State::default().with_config(&Config { thing: "read".into() }).with_secret(upstream.clone());
    let out = ctx.run(ctx.on().config_changed, state).unwrap();
    let logged = &out.record.logs.last().unwrap().message;
    assert_eq!(
        logged,
        "tracked Credentials { username: \"admin\", password: <redacted> }, peeked Credentials { username: \"admin\", \
         password: <redacted> }, cached Credentials { username: \"admin\", password: <redacted> }"
    );
    let reads: Vec<String> = lines(&out).into_iter().filter(|l| l.starts_with("secret-get")).collect();
    assert_eq!(
        reads,
        ["secret-get --format=json --label upstream", "secret-get --format=json --label upstream --peek"]
    );
    assert_eq!(out.state.secrets[0].tracked_revision, 1, "peek does not move tracking");
    let state = out.state.with_config(&Config { thing: "go".into() });
    let out = ctx.run(Event::secret_changed(ctx.on().secret_changed, &upstream), state).unwrap();
    assert_eq!(out.state.secrets[0].tracked_revision, 2);
    assert_eq!(out.state.secrets[0].tracked_content, content("new"));
    assert_eq!(out.record.logs.last().unwrap().message, "upstream changed; user admin");
}

#[test]
fn a_deferred_secret_changed_event_keeps_its_secret() {
    let ctx = Context::<Keeper>::new();
    let upstream = SecretState::observed(content("old")).with_label("upstream").with_latest(content("new"));
    let state = State::default().with_config(&Config { thing: "hold".into() }).with_secret(upstream.clone());
    let out = ctx.run(Event::secret_changed(ctx.on().secret_changed, &upstream), state).unwrap();
    assert_eq!(out.state.deferred.len(), 1);
    let snapshot = serde_json::to_string(&out.state.deferred[0]).unwrap();
    assert!(snapshot.contains(&upstream.id.to_string()) && !snapshot.contains("new"), "{snapshot}");
    let state = out.state.with_config(&Config { thing: "go".into() });
    let out = ctx.run(ctx.on().update_status, state).unwrap();
    assert_eq!(out.record.logs.last().unwrap().message, "upstream changed; user admin");
    assert_eq!(out.state.secrets[0].tracked_revision, 2);
}

#[test]
fn a_secret_that_is_not_there_is_a_typed_not_found() {
    let ctx = Context::<Keeper>::new();
    let state = State::default().with_config(&Config { thing: "missing".into() });
    let err = ctx.run(ctx.on().config_changed, state).unwrap_err();
    let ops::DispatchError::Handler { error, .. } = &err.error else { panic!("{}", err.error) };
    let model = error.downcast_ref::<ops::ModelError>().unwrap();
    assert!(matches!(model, ops::ModelError::SecretNotFound(what) if what == "labelled \"nope\""), "{model}");
}

fn model_error(out: Result<ops::testing::Output, Box<ops::testing::RunError>>) -> String {
    let err = out.unwrap_err();
    let ops::DispatchError::Handler { error, .. } = &err.error else { panic!("{}", err.error) };
    let model = error.downcast_ref::<ops::ModelError>().unwrap();
    assert!(matches!(model, ops::ModelError::NotSecretOwner { .. }), "{model}");
    model.to_string()
}

#[test]
fn an_owners_handle_is_never_made_for_a_secret_the_charm_does_not_own_that_way() {
    let ctx = Context::<Keeper>::new();
    let upstream = SecretState::observed(content("old")).with_label("upstream");
    let state = State::default().with_config(&Config { thing: "claim-observed".into() }).with_secret(upstream);
    let message = model_error(ctx.run(ctx.on().config_changed, state));
    assert!(message.starts_with("secret labelled \"upstream\" is not owned by this unit"), "{message}");
    assert!(!message.contains("old"), "{message}");

    let installed = ctx.run(ctx.on().install, leader()).unwrap().state;
    let state = installed.with_config(&Config { thing: "claim-app".into() });
    let message = model_error(ctx.run(ctx.on().config_changed, state));
    assert!(message.starts_with("secret labelled \"db-admin\" is not owned by this unit"), "{message}");
}

#[test]
fn before_juju_3_6_a_partial_update_reads_and_writes_back_the_rest() {
    let ctx = Context::<Keeper>::new();
    let installed = ctx.run(ctx.on().install, leader()).unwrap().state;
    let mut state = installed.with_config(&Config { thing: "rewrite".into() });
    state.juju_version = "3.5.4".into();
    let out = ctx.run(ctx.on().config_changed, state.clone()).unwrap();
    let id = out.state.secret_by_label("db-admin").unwrap().id.to_string();
    let secret_calls: Vec<String> = lines(&out).into_iter().filter(|l| l.starts_with("secret-")).collect();
    assert_eq!(
        secret_calls,
        [
            "secret-get --format=json --label db-admin".to_owned(),
            "secret-info-get --format=json --label db-admin".to_owned(),
            format!("secret-get --format=json {id} --label db-admin --peek"),
            format!("secret-info-get --format=json {id}"),
            format!(
                "secret-set --label db-admin --description 'the admin' --rotate monthly --owner application {id} \
                 password#file=/tmp/juju-ops-secret/password username#file=/tmp/juju-ops-secret/username"
            ),
        ]
    );
    assert_eq!(out.state.secret_by_label("db-admin").unwrap().latest_revision, 2, "Juju 3.5 makes a revision");
    state.juju_version = "3.6.14".into();
    let out = ctx.run(ctx.on().config_changed, state).unwrap();
    let last = lines(&out).into_iter().rfind(|l| l.starts_with("secret-set")).unwrap();
    assert_eq!(last, format!("secret-set --description 'the admin' --owner application {id}"));
}

#[test]
fn juju_refuses_what_only_an_owner_may_do() {
    // A unit that is no longer the leader cannot manage the application's secret.
    let ctx = Context::<Keeper>::new();
    let installed = ctx.run(ctx.on().install, leader()).unwrap().state;
    let secret = installed.secret_by_label("db-admin").unwrap().clone();
    let err = ctx.run(Event::secret_rotate(ctx.on().secret_rotate, &secret), installed.with_leader(false));
    assert!(err.is_ok(), "a follower's rotate handler does nothing");
    let observed = SecretState::observed(content("x"));
    let source = ctx.on().secret_rotate;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Event::secret_rotate(source, &observed)));
    assert!(result.is_err(), "rotate goes to owners only");
}
