//! The marker modules: `containers`, `relations`, `bindings`, `storages`, `resources`, one type per
//! declaration, each implementing the library trait that names its kind.

use super::metadata::role;
use super::writer::{Writer, emit, lit};
use super::{ALLOW, docs};
use crate::model::Charm;
use crate::names;

pub fn modules(w: &mut Writer, charm: &Charm) {
    module(
        w,
        "containers",
        "The workload containers (`containers:`), one marker type each: `unit.container::<containers::Name>()`.",
        &charm.containers,
        |w, c| {
            let ty = names::type_name(&c.name);
            let runs = c.resource.as_ref().map_or(String::new(), |r| format!(" (runs resource `{r}`)"));
            w.doc(&format!("The workload container `{}`{runs}: `unit.container::<containers::{ty}>()`.", c.name));
            marker(w, &ty, "ContainerName", &c.name, &[]);
        },
    );
    w.blank();
    module(
        w,
        "relations",
        "The relation endpoints (`requires:`, `provides:`, `peers:`), one marker type each:\n`model.relation::<relations::Name>()`.",
        &charm.relations,
        |w, r| {
            let limit = r.limit.map_or(String::new(), |l| format!(", limit {l}"));
            let summary = format!(
                "The relation endpoint `{}` ({}, interface `{}`{limit}).",
                r.name,
                r.role.section(),
                r.interface
            );
            w.doc(&docs(&summary, &r.description, None));
            let extra = [
                format!("const ROLE: ::ops::meta::RelationRole = {};", role(r.role)),
                format!("const INTERFACE: &'static str = {};", lit(&r.interface)),
            ];
            let ty = names::type_name(&r.name);
            marker(w, &ty, "RelationEndpoint", &r.name, &extra);
            if r.role == crate::model::Role::Peer {
                emit!(w, "impl ::ops::generated::PeerEndpoint for {ty} {{}}");
            }
        },
    );
    w.blank();
    module(
        w,
        "bindings",
        "The extra bindings (`extra-bindings:`), one marker type each: `model.get_binding::<bindings::Name>()`\n(relation endpoints are bindings too).",
        &charm.extra_bindings,
        |w, b| {
            w.doc(&format!("The extra binding `{b}`: `model.get_binding::<bindings::{}>()`.", names::type_name(b)));
            marker(w, &names::type_name(b), "BindingName", b, &[]);
        },
    );
    w.blank();
    module(
        w,
        "storages",
        "The storage (`storage:`), one marker type each: `model.storages::<storages::Name>()`.",
        &charm.storage,
        |w, s| {
            let kind = if s.block { "block" } else { "filesystem" };
            w.doc(&docs(&format!("The storage `{}` ({kind}).", s.name), &s.description, None));
            marker(w, &names::type_name(&s.name), "StorageName", &s.name, &[]);
        },
    );
    w.blank();
    module(w, "resources", "The resources (`resources:`), one marker type each.", &charm.resources, |w, r| {
        w.doc(&docs(&format!("The resource `{}` ({}).", r.name, r.kind), &r.description, None));
        marker(w, &names::type_name(&r.name), "ResourceName", &r.name, &[]);
    });
}

/// `pub mod name { ... }` with one item per entry.
fn module<T>(w: &mut Writer, name: &str, doc: &str, items: &[T], mut item: impl FnMut(&mut Writer, &T)) {
    w.doc(doc);
    w.line(ALLOW);
    if items.is_empty() {
        emit!(w, "pub mod {name} {{}}");
        return;
    }
    w.open(&format!("pub mod {name} {{"));
    for (n, entry) in items.iter().enumerate() {
        if n > 0 {
            w.blank();
        }
        item(w, entry);
    }
    w.close("}");
}

/// A marker type and its impl of `::ops::<trait_name>`.
fn marker(w: &mut Writer, ty: &str, trait_name: &str, name: &str, extra: &[String]) {
    w.line("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]");
    emit!(w, "pub enum {ty} {{}}");
    w.blank();
    w.open(&format!("impl ::ops::generated::{trait_name} for {ty} {{"));
    w.line("type Charm = super::Meta;");
    emit!(w, "const NAME: &'static str = {};", lit(name));
    for line in extra {
        w.line(line);
    }
    w.close("}");
}
