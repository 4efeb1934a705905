// UnknownStatus is Juju's to set, not the charm's.
use ops::hello::Meta;

fn reset(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    model.unit().set_status(ops::UnknownStatus)
}

fn main() {}
