//! Checks before a run that the state and event fit the charm's metadata, where the types
//! do not already prevent the mistake (Scenario's consistency checker): a test that sets up
//! a world Juju could never produce is told so, instead of passing for the wrong reason.

use super::event::Event;
use super::state::State;
use crate::meta::{Metadata, RelationRole};
use crate::secret::SecretId;

/// One way the state or event does not fit the charm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency(String);

impl std::fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Inconsistency {}

pub(crate) fn check(meta: &Metadata, event: &Event, state: &State) -> Result<(), Vec<Inconsistency>> {
    let mut problems = Vec::new();
    check_state(meta, state, &mut problems);
    check_event(meta, event, state, &mut problems);
    if problems.is_empty() { Ok(()) } else { Err(problems.into_iter().map(Inconsistency).collect()) }
}

fn check_state(meta: &Metadata, state: &State, problems: &mut Vec<String>) {
    for relation in &state.relations {
        match meta.relations.iter().find(|r| r.name == relation.endpoint) {
            None => problems.push(format!(
                "relation {} is on endpoint `{}`, which the charm does not declare (it declares {})",
                relation.id,
                relation.endpoint,
                names(meta.relations.iter().map(|r| r.name))
            )),
            Some(declared) if (declared.role == RelationRole::Peer) != relation.peer => problems.push(format!(
                "relation {} on `{}` is {}a peer relation in the state, but the endpoint is declared under `{}`",
                relation.id,
                relation.endpoint,
                if relation.peer { "" } else { "not " },
                match declared.role {
                    RelationRole::Requires => "requires",
                    RelationRole::Provides => "provides",
                    RelationRole::Peer => "peers",
                }
            )),
            Some(_) => {}
        }
    }
    let mut ids: Vec<u64> = state.relations.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
        problems.push(format!("two relations have id {}; Juju gives each relation its own", pair[0]));
    }
    for name in state.containers.keys() {
        if !meta.containers.iter().any(|c| c.name == name) {
            problems.push(format!(
                "the state has container `{name}`, which the charm does not declare (it declares {})",
                names(meta.containers.iter().map(|c| c.name))
            ));
        }
    }
    for storage in &state.storage {
        if !meta.storage.iter().any(|s| s.name == storage.name) {
            problems.push(format!(
                "the state has storage `{}/{}`, which the charm does not declare (it declares {})",
                storage.name,
                storage.index,
                names(meta.storage.iter().map(|s| s.name))
            ));
        }
    }
    for key in state.config.as_map().keys() {
        if !meta.config.iter().any(|o| o.name == key) {
            problems.push(format!("config option `{key}` is not declared by the charm"));
        }
    }
}

fn check_event(meta: &Metadata, event: &Event, state: &State, problems: &mut Vec<String>) {
    let var = |name: &str| event.vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if let Some(action) = &event.action
        && !meta.actions.iter().any(|a| a.name == action.name)
    {
        problems.push(format!("action `{}` is not declared by the charm", action.name));
    }
    if let Some(id) = var("JUJU_RELATION_ID") {
        let (endpoint, number) = id.rsplit_once(':').unwrap_or(("", id));
        let relation = state.relations.iter().find(|r| r.endpoint == endpoint && r.id.to_string() == number);
        match relation {
            None => problems.push(format!("the event is on relation {id}, which is not in the state")),
            Some(relation) => {
                let hook = event.dispatch_path.rsplit('/').next().unwrap_or_default();
                let arriving = hook.ends_with("-relation-joined") || hook.ends_with("-relation-changed");
                if let Some(unit) = var("JUJU_REMOTE_UNIT")
                    && arriving
                    && !relation.remote_units.contains_key(unit)
                {
                    problems.push(format!(
                        "the event comes from unit `{unit}`, which is not among relation {id}'s remote units ({})",
                        names(relation.remote_units.keys().map(String::as_str))
                    ));
                }
            }
        }
    }
    if let Some(id) = var("JUJU_STORAGE_ID")
        && !state.storage.iter().any(|s| format!("{}/{}", s.name, s.index) == id)
    {
        problems.push(format!("the event is for storage `{id}`, which is not in the state"));
    }
    if let Some(id) = var("JUJU_SECRET_ID") {
        let unique = SecretId::parse(id).map(|id| id.unique_id().to_owned()).unwrap_or_else(|_| id.to_owned());
        if !state.secrets.iter().any(|s| s.id.unique_id() == unique) {
            problems.push(format!("the event is for secret `{id}`, which is not in the state"));
        }
    }
    if let Some(container) = var("JUJU_WORKLOAD_NAME")
        && !state.containers.contains_key(container)
    {
        problems.push(format!("the event is for container `{container}`, which is not in the state"));
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if list.is_empty() { "none".to_owned() } else { list.join(", ") }
}
