// Remote databags are read-only: there is nothing to write them with.
use ops::hello::relations::Db;

fn publish(event: &ops::RelationChangedEvent<Db>) -> Result<(), ops::ModelError> {
    let remote = event.relation.remote_app_data()?;
    remote.insert("endpoints".to_owned(), "x".to_owned());
    Ok(())
}

fn main() {}
