// Reading a databag into a type that serde cannot build.
use ops::hello::relations::Db;

struct Endpoints {
    _hosts: Vec<String>,
}

fn read(relation: &ops::Relation<Db>) -> Result<(), ops::ModelError> {
    let _endpoints: Endpoints = relation.remote_app_data()?.load()?;
    Ok(())
}

fn main() {}
