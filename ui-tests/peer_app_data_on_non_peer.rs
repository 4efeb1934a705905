// Only a peer relation's application databag is readable by every unit; `db` is not a
// peer endpoint, so a follower has no way to read this application's bag in it.
use ops::hello::relations::Db;

fn read(relation: &ops::Relation<Db>) -> Result<(), ops::ModelError> {
    let _bag = relation.peer_app_data()?;
    Ok(())
}

fn main() {}
