// The generated code for codegen's split-files fixture compiles, and reads as documented.
#![deny(warnings)] // generated code must compile without a warning
mod charm {
    include!("../../codegen/tests/golden/split-files.rs");
}

use charm::actions::{BackupMode, BackupParams};
use charm::containers::Web;
use charm::relations::{Cluster, Database, MetricsEndpoint};
use charm::storages::{Data, Scratch};
use charm::{Config, Meta};

fn uses(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    let config: &Config = model.config()?;
    let _: (&String, i64, f64, bool) = (&config.log_level, config.port, config.ratio, config.debug);
    let _: (&Option<ops::SecretId>, &Option<String>, &Option<String>) =
        (&config.admin_password, &config.hostname, &config.r#type);
    let _web = model.unit().container::<Web>();
    let _db: Option<ops::Relation<Database>> = model.relation::<Database>()?;
    let _peers: Vec<ops::Relation<Cluster>> = model.relations::<Cluster>()?;
    let _metrics: Vec<ops::Relation<MetricsEndpoint>> = model.relations::<MetricsEndpoint>()?;
    let _data: Vec<ops::Storage<Data>> = model.storages::<Data>()?;
    let _scratch: Vec<ops::Storage<Scratch>> = model.storages::<Scratch>()?;
    Ok(())
}

fn params(p: &BackupParams) {
    let _: (&String, bool, i64) = (&p.target, p.compress, p.retries);
    let _: (&Option<Vec<ops::json::Value>>, &Option<ops::json::Map<String, ops::json::Value>>, &Option<BackupMode>) =
        (&p.tables, &p.options, &p.mode);
    if p.mode == Some(BackupMode::Incremental) {
        let _: &str = BackupMode::Incremental.as_str();
    }
}

fn events(on: &charm::Events) {
    let _: ops::EventSource<ops::RelationChangedEvent<Database>> = on.database_relation_changed;
    let _: ops::EventSource<ops::PebbleReadyEvent<Web>> = on.web_pebble_ready;
    let _: ops::EventSource<ops::StorageAttachedEvent<Data>> = on.data_storage_attached;
    let _: ops::EventSource<ops::ActionEvent<BackupParams>> = on.backup_action;
    let _: ops::EventSource<ops::ActionEvent<charm::actions::RestartParams>> = on.restart_action;
    let _: ops::EventSource<ops::RelationJoinedEvent<MetricsEndpoint>> = on.metrics_endpoint_relation_joined;
}

fn main() {
    use ops::generated::ActionParams;
    let _ = (uses, params, events);
    let values = ops::testing::params(r#"{"target": "/backup", "mode": "incremental"}"#).unwrap();
    let parsed = BackupParams::from_values(&values).unwrap();
    assert_eq!((parsed.mode, parsed.compress, parsed.retries), (Some(BackupMode::Incremental), true, 3));
    let wrong = ops::testing::params(r#"{"target": "/backup", "mode": "partial"}"#).unwrap();
    let error = BackupParams::from_values(&wrong).unwrap_err().to_string();
    assert_eq!(error, "action parameter `mode`: expected one of: full, incremental, got \"partial\"");
    assert_eq!(charm::METADATA.storage[0].multiple, (0, None));
    assert_eq!(charm::METADATA.relations.len(), 4);
}
