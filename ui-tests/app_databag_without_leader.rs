// Only the leader writes the application databag: it takes the token `is_leader()` gives.
use ops::hello::relations::Db;

fn publish(event: &ops::RelationChangedEvent<Db>) -> Result<(), ops::ModelError> {
    event.relation.local_app_data().set("database", "hello")
}

fn main() {}
