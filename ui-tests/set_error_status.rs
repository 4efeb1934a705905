// ErrorStatus is set by Juju when a hook fails, never by the charm.
use ops::hello::Meta;

fn fail(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    model.unit().set_status(ops::ErrorStatus::new("something broke"))
}

fn main() {}
