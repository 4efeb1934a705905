//! `METADATA`: everything the YAML declares, as static data, so nothing is parsed at run time.

use super::ALLOW;
use super::writer::{Writer, emit, float, lit, opt_num, opt_str, str_slice};
use crate::model::{Assumption, Charm, CharmUser, OptionDefault, Role};

pub fn metadata(w: &mut Writer, charm: &Charm) {
    let info = &charm.info;
    w.line("/// The charm's metadata as static data: no YAML is parsed at run time.");
    w.line(ALLOW);
    w.open("pub static METADATA: ::ops::meta::Metadata = ::ops::meta::Metadata {");
    emit!(w, "name: {},", lit(&info.name));
    emit!(w, "title: {},", lit(&info.title));
    emit!(w, "summary: {},", lit(&info.summary));
    emit!(w, "description: {},", lit(&info.description));
    emit!(w, "maintainers: {},", str_slice(&info.maintainers));
    w.open("links: ::ops::meta::Links {");
    emit!(w, "documentation: {},", opt_str(info.links.documentation.as_deref()));
    emit!(w, "issues: {},", str_slice(&info.links.issues));
    emit!(w, "sources: {},", str_slice(&info.links.sources));
    emit!(w, "websites: {},", str_slice(&info.links.websites));
    w.close("},");
    emit!(w, "terms: {},", str_slice(&info.terms));
    let user = match info.charm_user {
        CharmUser::Root => "Root",
        CharmUser::Sudoer => "Sudoer",
        CharmUser::NonRoot => "NonRoot",
    };
    emit!(w, "charm_user: ::ops::meta::CharmUser::{user},");
    emit!(w, "subordinate: {},", info.subordinate);
    list(w, "assumes", &charm.assumes, assumption);
    emit!(w, "min_juju_version: {},", opt_str(info.min_juju_version.as_deref()));
    list(w, "containers", &charm.containers, |w, c| {
        w.open("::ops::meta::ContainerMeta {");
        emit!(w, "name: {},", lit(&c.name));
        emit!(w, "resource: {},", opt_str(c.resource.as_deref()));
        list(w, "bases", &c.bases, |w, b| {
            emit!(
                w,
                "::ops::meta::ContainerBase {{ name: {}, channel: {}, architectures: {} }},",
                lit(&b.name),
                lit(&b.channel),
                str_slice(&b.architectures)
            );
        });
        list(w, "mounts", &c.mounts, |w, m| {
            emit!(
                w,
                "::ops::meta::MountMeta {{ storage: {}, location: {} }},",
                lit(&m.storage),
                opt_str(m.location.as_deref())
            );
        });
        emit!(w, "uid: {},", opt_num(c.uid, "u32"));
        emit!(w, "gid: {},", opt_num(c.gid, "u32"));
        w.close("},");
    });
    list(w, "relations", &charm.relations, |w, r| {
        w.open("::ops::meta::RelationMeta {");
        emit!(w, "name: {},", lit(&r.name));
        emit!(w, "role: {},", role(r.role));
        emit!(w, "interface: {},", lit(&r.interface));
        emit!(w, "limit: {},", opt_num(r.limit, "u32"));
        emit!(w, "optional: {},", r.optional);
        emit!(w, "scope: ::ops::meta::RelationScope::{},", if r.container_scope { "Container" } else { "Global" });
        w.close("},");
    });
    emit!(w, "extra_bindings: {},", str_slice(&charm.extra_bindings));
    list(w, "storage", &charm.storage, |w, s| {
        w.open("::ops::meta::StorageMeta {");
        emit!(w, "name: {},", lit(&s.name));
        emit!(w, "kind: ::ops::meta::StorageType::{},", if s.block { "Block" } else { "Filesystem" });
        emit!(w, "description: {},", lit(&s.description));
        emit!(w, "location: {},", opt_str(s.location.as_deref()));
        emit!(w, "shared: {},", s.shared);
        emit!(w, "read_only: {},", s.read_only);
        emit!(w, "minimum_size: {},", opt_str(s.minimum_size.as_deref()));
        emit!(w, "multiple: ({}u32, {}),", s.multiple.0, opt_num(s.multiple.1, "u32"));
        emit!(w, "properties: {},", str_slice(&s.properties));
        w.close("},");
    });
    list(w, "devices", &charm.devices, |w, d| {
        w.open("::ops::meta::DeviceMeta {");
        emit!(w, "name: {},", lit(&d.name));
        emit!(w, "kind: {},", lit(&d.kind));
        emit!(w, "description: {},", lit(&d.description));
        emit!(w, "count_min: {}u32,", d.count_min);
        emit!(w, "count_max: {}u32,", d.count_max);
        w.close("},");
    });
    list(w, "resources", &charm.resources, |w, r| {
        w.open("::ops::meta::ResourceMeta {");
        emit!(w, "name: {},", lit(&r.name));
        emit!(w, "kind: {},", lit(&r.kind));
        emit!(w, "filename: {},", opt_str(r.filename.as_deref()));
        emit!(w, "description: {},", lit(&r.description));
        w.close("},");
    });
    list(w, "config", &charm.options, |w, o| {
        w.open("::ops::meta::ConfigOptionMeta {");
        emit!(w, "name: {},", lit(&o.name));
        emit!(w, "kind: ::ops::meta::OptionType::{:?},", o.kind);
        let default = match &o.default {
            None => "::std::option::Option::None".to_owned(),
            Some(OptionDefault::String(s)) => {
                format!("::std::option::Option::Some(::ops::meta::DefaultValue::String({}))", lit(s))
            }
            Some(OptionDefault::Int(n)) => {
                format!("::std::option::Option::Some(::ops::meta::DefaultValue::Int({n}i64))")
            }
            Some(OptionDefault::Float(f)) => {
                format!("::std::option::Option::Some(::ops::meta::DefaultValue::Float({}))", float(*f))
            }
            Some(OptionDefault::Boolean(b)) => {
                format!("::std::option::Option::Some(::ops::meta::DefaultValue::Boolean({b}))")
            }
        };
        emit!(w, "default: {default},");
        emit!(w, "description: {},", lit(&o.description));
        w.close("},");
    });
    list(w, "actions", &charm.actions, |w, a| {
        w.open("::ops::meta::ActionMeta {");
        emit!(w, "name: {},", lit(&a.name));
        emit!(w, "title: {},", lit(&a.title));
        emit!(w, "description: {},", lit(&a.description));
        list(w, "params", &a.params, |w, p| {
            w.open("::ops::meta::ParamMeta {");
            emit!(w, "name: {},", lit(&p.name));
            emit!(w, "kind: ::ops::meta::ParamType::{:?},", p.kind);
            emit!(w, "description: {},", lit(&p.description));
            emit!(w, "required: {},", p.required);
            w.close("},");
        });
        emit!(
            w,
            "additional_properties: {},",
            a.additional_properties
                .map_or("::std::option::Option::None".to_owned(), |b| format!("::std::option::Option::Some({b})"))
        );
        emit!(w, "execution_group: {},", opt_str(a.execution_group.as_deref()));
        emit!(w, "parallel: {},", a.parallel.unwrap_or(false));
        w.close("},");
    });
    w.close("};");
}

/// `field: &[...]`, one item per line, or `field: &[]`.
fn list<T>(w: &mut Writer, field: &str, items: &[T], mut item: impl FnMut(&mut Writer, &T)) {
    if items.is_empty() {
        emit!(w, "{field}: &[],");
        return;
    }
    w.open(&format!("{field}: &["));
    for entry in items {
        item(w, entry);
    }
    w.close("],");
}

fn assumption(w: &mut Writer, expression: &Assumption) {
    match expression {
        Assumption::Feature(text) => emit!(w, "::ops::meta::Assumption::Feature({}),", lit(text)),
        Assumption::AllOf(items) | Assumption::AnyOf(items) => {
            let kind = if matches!(expression, Assumption::AllOf(_)) { "AllOf" } else { "AnyOf" };
            w.open(&format!("::ops::meta::Assumption::{kind}(&["));
            for nested in items {
                assumption(w, nested);
            }
            w.close("]),");
        }
    }
}

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Requires => "::ops::meta::RelationRole::Requires",
        Role::Provides => "::ops::meta::RelationRole::Provides",
        Role::Peer => "::ops::meta::RelationRole::Peer",
    }
}
