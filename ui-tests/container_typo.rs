// A typo in a container's name: each kind has its own module, and rustc suggests the
// declared name within it.
use ops::hello::{Meta, containers};

fn workload(model: &ops::Model<Meta>) {
    let _container = model.unit().container::<containers::Paus>();
}

fn main() {}
