// A relation endpoint is not a container, even when a container has the same name.
use ops::hello::{Meta, relations};

fn workload(model: &ops::Model<Meta>) {
    let _container = model.unit().container::<relations::Db>();
}

fn main() {}
