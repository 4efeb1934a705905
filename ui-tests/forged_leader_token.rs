// The leadership token cannot be made outside the library.
use ops::hello::Meta;

fn ready(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    let leader = ops::Leader { _private: () };
    model.app().set_status(&leader, ops::ActiveStatus::default())
}

fn main() {}
