//! `Events` and `EVENTS`: a typed source per event the metadata implies.

use super::ALLOW;
use super::actions::params_type;
use super::writer::{Writer, emit};
use crate::event_table::{self, Scope};
use crate::model::Charm;
use crate::names;

/// One event source: its field, its event type, its doc line.
struct Source {
    field: String,
    ty: String,
    doc: String,
}

/// Every event of the charm, in the table's order: the charm's own, then each relation
/// endpoint's, container's, storage's and action's.
fn event_list(charm: &Charm) -> Vec<Source> {
    let mut events: Vec<Source> = event_table::of(Scope::Charm)
        .map(|e| Source {
            field: e.name.to_owned(),
            ty: format!("::ops::{}", e.ty),
            doc: format!("`{}`: {}.", e.name.replace('_', "-"), e.doc),
        })
        .collect();
    let mut per = |scope: Scope, name: &str, marker: String| {
        for e in event_table::of(scope) {
            events.push(Source {
                field: names::event_field(name, e.name),
                ty: format!("::ops::{}<{marker}>", e.ty),
                doc: format!("`{name}-{}`: {}.", e.name.replace('_', "-"), e.doc),
            });
        }
    };
    for r in &charm.relations {
        per(Scope::Relation, &r.name, format!("self::relations::{}", names::type_name(&r.name)));
    }
    for c in &charm.containers {
        per(Scope::Container, &c.name, format!("self::containers::{}", names::type_name(&c.name)));
    }
    for s in &charm.storage {
        per(Scope::Storage, &s.name, format!("self::storages::{}", names::type_name(&s.name)));
    }
    for a in &charm.actions {
        per(Scope::Action, &a.name, format!("self::actions::{}", params_type(&a.name)));
    }
    events
}

pub fn events(w: &mut Writer, charm: &Charm) {
    let list = event_list(charm);
    w.line("/// Every event the charm can observe, as typed sources for `Framework::observe`.");
    w.line(ALLOW);
    w.line("#[derive(Debug, Clone, Copy)]");
    w.open("pub struct Events {");
    for source in &list {
        emit!(w, "/// {}", source.doc);
        emit!(w, "pub {}: ::ops::EventSource<{}>,", source.field, source.ty);
    }
    w.close("}");
    w.blank();
    w.line("/// The charm's event sources (Python's `self.on`).");
    w.line(ALLOW);
    w.open("pub static EVENTS: Events = Events {");
    for source in &list {
        emit!(w, "{}: ::ops::EventSource::__new({:?}),", source.field, source.field);
    }
    w.close("};");
    w.blank();
    w.line("/// The name of every event in `Events`: what `ops::main` can dispatch to this charm.");
    w.line(ALLOW);
    w.open("pub static EVENT_NAMES: &[&str] = &[");
    for source in &list {
        emit!(w, "{:?},", source.field);
    }
    w.close("];");
}
