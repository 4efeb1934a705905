// A charm with `config: options:` left empty gets an empty, defaultable Config.
#![deny(warnings)] // generated code must compile without a warning
mod charm {
    include!("../../codegen/tests/golden/empty-config.rs");
}

fn main() {
    let config = charm::Config::default();
    assert_eq!(config, charm::Config {});
    assert!(charm::METADATA.config.is_empty());
    let _: ops::EventSource<ops::RelationBrokenEvent<charm::relations::Ingress>> = charm::EVENTS.ingress_relation_broken;
}
