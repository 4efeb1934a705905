//! The generated code of every fixture charm in `codegen/tests/fixtures`, compiled as
//! public modules of a library that denies warnings and missing docs, and checked at run
//! time against what the YAML says.
#![deny(warnings, missing_docs)]

/// Includes a fixture's generated module.
macro_rules! fixture {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub mod $name {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
        }
    };
}

fixture!(
    /// A build-only charmcraft.yaml beside metadata.yaml, config.yaml and actions.yaml.
    build_only
);
fixture!(
    /// `config: options:` left empty.
    empty_config
);
fixture!(
    /// The reference charm.
    hello
);
fixture!(
    /// Assumes trees, extra bindings, devices, container bases, top-level action properties.
    juju_shapes
);
fixture!(
    /// 160 options, 22 endpoints, six containers: the large charm of the benchmark.
    large
);
fixture!(
    /// A machine subordinate from metadata.yaml alone.
    machine_subordinate
);
fixture!(
    /// Names shared across kinds.
    shared_names
);
fixture!(
    /// The split files alone.
    split_files
);

/// The fixtures compiled above, by directory name.
pub const FIXTURES: &[&str] = &[
    "build-only",
    "empty-config",
    "hello",
    "juju-shapes",
    "large",
    "machine-subordinate",
    "shared-names",
    "split-files",
];

#[cfg(test)]
mod tests {
    use ops::meta::{Assumption, CharmUser, RelationRole, RelationScope};
    use ops::prelude::*;

    #[test]
    fn every_fixture_is_compiled_here() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut on_disk: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        on_disk.sort();
        assert_eq!(on_disk, super::FIXTURES, "add the new fixture to codegen/check/src/lib.rs");
    }

    #[test]
    fn build_only_layout_reads_metadata_yaml() {
        use super::build_only::*;
        let meta = Meta::metadata();
        assert_eq!((meta.name, meta.title), ("pgbouncer-lite", "PgBouncer Lite"));
        assert_eq!(meta.links.documentation, Some("https://discourse.example.com/t/pgbouncer-lite-docs/1234"));
        assert_eq!(meta.links.websites, ["https://example.com/pgbouncer", "https://charmhub.io/pgbouncer-lite"]);
        assert_eq!(meta.maintainers, ["Data Team <data@example.com>"]);
        assert_eq!(meta.relations.len(), 8);
        assert_eq!(relations::PgbPeers::ROLE, RelationRole::Peer);
        assert_eq!(Config::default().listen_port, 6432);
        assert_eq!(<actions::GetPasswordParams as ActionParams>::ACTION, "get-password");
        assert_eq!(containers::Pgbouncer::NAME, "pgbouncer");
        assert_eq!(resources::PgbouncerImage::NAME, "pgbouncer-image");
    }

    #[test]
    fn shared_names_are_distinct_items() {
        use super::shared_names::*;
        assert_eq!(containers::Grafana::NAME, relations::Grafana::NAME);
        assert_eq!(relations::Grafana::ROLE, RelationRole::Peer);
        assert_eq!(storages::Database::NAME, relations::Database::NAME);
        assert_eq!(
            (containers::Config::NAME, storages::Config::NAME, resources::Config::NAME),
            ("config", "config", "config")
        );
        assert_eq!((relations::Meta::NAME, storages::Meta::NAME), ("meta", "meta"));
        assert_eq!((containers::Events::NAME, relations::Events::NAME), ("events", "events"));
        let config = Config::default();
        assert_eq!((config.meta.as_str(), config.events, config.config), ("", false, 1));
        assert_eq!(actions::MetaParams { events: actions::MetaEvents::All }.events.as_str(), "all");
        let _: ops::EventSource<ops::ActionEvent<actions::ConfigParams>> = EVENTS.config_action;
        let _: ops::EventSource<ops::RelationChangedEvent<relations::Config>> = EVENTS.config_relation_changed;
        let _: ops::EventSource<ops::ConfigChangedEvent> = EVENTS.config_changed;
        assert_eq!(EVENTS.grafana_pebble_ready.kind(), "grafana_pebble_ready");
        assert_eq!(EVENTS.grafana_relation_joined.kind(), "grafana_relation_joined");
        assert_eq!(EVENTS.meta_storage_attached.kind(), "meta_storage_attached");
        assert_eq!(EVENTS.events_pebble_ready.kind(), "events_pebble_ready");
    }

    #[test]
    fn every_key_juju_reads_is_kept() {
        use super::juju_shapes::*;
        let meta = Meta::metadata();
        assert_eq!(meta.charm_user, CharmUser::NonRoot);
        assert_eq!(meta.terms, ["example-terms/1"]);
        assert_eq!(meta.maintainers, ["Team <team@example.com>"]);
        assert_eq!(meta.links.issues, ["https://example.com/issues"]);
        let expected = [
            Assumption::Feature("juju >= 3.6"),
            Assumption::AnyOf(&[
                Assumption::Feature("k8s-api"),
                Assumption::AllOf(&[Assumption::Feature("juju >= 3.1"), Assumption::Feature("juju < 4")]),
            ]),
        ];
        assert_eq!(meta.assumes, expected);
        assert_eq!(meta.extra_bindings, ["public", "cluster-net"]);
        let app = meta.container("app").unwrap();
        assert_eq!((app.resource, app.uid, app.gid), (None, Some(584_792), Some(584_792)));
        assert_eq!(app.bases[0].architectures, ["amd64", "arm64"]);
        assert_eq!((app.bases[0].name, app.bases[0].channel), ("ubuntu", "24.04"));
        assert_eq!(app.mounts[0].location, Some("/scratch"));
        assert_eq!(meta.storage("scratch").unwrap().properties, ["transient"]);
        assert_eq!(meta.storage("disks").unwrap().multiple, (1, Some(4)));
        assert_eq!((meta.devices[0].kind, meta.devices[0].count_max), ("nvidia.com/gpu", 2));
        let snapshot = meta.action("snapshot").unwrap();
        assert_eq!(
            (snapshot.title, snapshot.execution_group, snapshot.parallel),
            ("Take a snapshot", Some("data"), false)
        );
        assert!(meta.action("list-snapshots").unwrap().parallel);
        // Top-level `properties:`/`required:` are the action's params.
        let params = actions::SnapshotParams { name: "daily".into(), keep: 3, tags: None };
        assert_eq!(params.to_values().get::<String>("name").unwrap().as_deref(), Some("daily"));
        assert!(snapshot.params.iter().any(|p| p.name == "name" && p.required));
    }

    #[test]
    fn machine_subordinate() {
        use super::machine_subordinate::*;
        let meta = Meta::metadata();
        assert!(meta.subordinate);
        assert_eq!(meta.maintainers, ["Observability <obs@example.com>"]);
        assert_eq!(relations::JujuInfo::INTERFACE, "juju-info");
        assert_eq!(meta.relation("host").unwrap().scope, RelationScope::Container);
        assert_eq!(meta.extra_bindings, ["scrape"]);
        assert!(meta.config.is_empty() && meta.actions.is_empty());
    }

    #[test]
    fn large_charm() {
        use super::large::*;
        let meta = Meta::metadata();
        assert_eq!(meta.config.len(), 160);
        assert_eq!(meta.relations.len(), 22);
        assert_eq!(meta.containers.len(), 6);
        assert_eq!(storages::Wal::NAME, "wal");
        assert_eq!(meta.storage("wal").unwrap().multiple, (0, Some(3)));
        assert_eq!(actions::BackupWorkload::Grafana.as_str(), "grafana");
        assert_eq!(meta.extra_bindings, ["external", "cluster"]);
    }
}
