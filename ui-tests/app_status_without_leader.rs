// Only the leader may set the application's status: the setter takes the token that
// `unit().is_leader()` gives, and there is no other way to get one.
use ops::hello::Meta;

fn ready(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    model.app().set_status(ops::ActiveStatus::default())
}

fn main() {}
