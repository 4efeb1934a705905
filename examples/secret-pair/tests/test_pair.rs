//! The keeper and the consumer through the in-memory Juju, one state chained into the
//! next as Juju would carry it between the two units: the keeper creates and grants the
//! secret, the consumer reads it, the keeper rotates it, the consumer follows.

use ops::testing::{Context, Event, RelationState, SecretState, State};
use secret_pair::consumer::Consumer;
use secret_pair::keeper::Keeper;
use secret_pair::{Credentials, LABEL, SECRET_ID_KEY};

/// What Juju shows the consumer of the keeper's secret: the content of every revision,
/// tracking the one it last read.
fn as_seen_by_consumer(owned: &SecretState, tracked: Option<&SecretState>) -> SecretState {
    let mut seen = SecretState::observed(owned.latest_content.clone()).with_id(owned.id.clone());
    seen.latest_revision = owned.latest_revision;
    if let Some(tracked) = tracked {
        seen.tracked_content = tracked.tracked_content.clone();
        seen.tracked_revision = tracked.tracked_revision;
        seen.label = tracked.label.clone();
    }
    seen
}

#[test]
fn the_secret_goes_from_keeper_to_consumer_and_follows_rotation() {
    let keeper = Context::<Keeper>::new();
    let consumer = Context::<Consumer>::new();

    // The keeper's leader creates the credentials.
    let out = keeper.run(keeper.on().install, State::default().with_leader(true)).unwrap();
    let owned = out.state.secret_by_label(LABEL).unwrap().clone();
    assert_eq!(owned.latest_content.get("username"), Some("admin"));

    // A consumer relates: it is granted the secret and told its id.
    let link = RelationState::new("credentials", 3, "consumer");
    let out = keeper
        .run(
            Event::relation(keeper.on().credentials_relation_joined, &link, Some("consumer/0")),
            out.state.with_relation(link.clone()),
        )
        .unwrap();
    let keeper_state = out.state;
    assert_eq!(keeper_state.secret_by_label(LABEL).unwrap().remote_grants[&3], ["consumer".to_owned()].into());
    let id = keeper_state.relations[0].local_app_data[SECRET_ID_KEY].clone();
    assert_eq!(id, owned.id.to_string());

    // The consumer sees the relation data and reads the credentials.
    let mut theirs = RelationState::new("credentials", 3, "keeper");
    theirs.remote_app_data.insert(SECRET_ID_KEY.into(), id.clone());
    let state = State::default().with_relation(theirs.clone()).with_secret(as_seen_by_consumer(&owned, None));
    let out = consumer
        .run(Event::relation(consumer.on().credentials_relation_changed, &theirs, Some("keeper/0")), state)
        .unwrap();
    assert_eq!(out.state.unit_status, ops::ActiveStatus::new("connected as admin").into());
    let consumer_state = out.state;
    assert_eq!(consumer_state.secrets[0].label.as_deref(), Some(LABEL), "the consumer labelled it");

    // Juju asks the keeper to rotate: a new revision.
    let owned = keeper_state.secret_by_label(LABEL).unwrap().clone();
    let out = keeper.run(Event::secret_rotate(keeper.on().secret_rotate, &owned), keeper_state).unwrap();
    let rotated = out.state.secret_by_label(LABEL).unwrap().clone();
    assert_eq!(rotated.latest_revision, 2);
    let first: Credentials = owned.latest_content.parse().unwrap();
    let second: Credentials = rotated.latest_content.parse().unwrap();
    assert_ne!(first.password, second.password);

    // The consumer is told, and moves to the new revision.
    let seen = as_seen_by_consumer(&rotated, Some(&consumer_state.secrets[0]));
    let mut state = consumer_state.clone();
    state.secrets = vec![seen.clone()];
    let out = consumer.run(Event::secret_changed(consumer.on().secret_changed, &seen), state).unwrap();
    assert_eq!(out.state.secrets[0].tracked_revision, 2);
    assert_eq!(out.record.logs.last().unwrap().message, "the admin credentials changed");

    // Revision 1 is no longer used: the keeper removes it.
    let out = keeper
        .run(Event::secret_remove(keeper.on().secret_remove, &rotated, 1), out_state_of(&keeper, rotated))
        .unwrap();
    assert_eq!(out.record.removed_secret_revisions, [(owned.id.clone(), Some(1))]);
}

/// A keeper state holding just `secret` (for the remove step).
fn out_state_of(_: &Context<Keeper>, secret: SecretState) -> State {
    State::default().with_leader(true).with_secret(secret)
}
