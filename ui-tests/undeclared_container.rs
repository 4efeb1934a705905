// A container the metadata does not declare.
use ops::hello::Meta;

struct Nginx;

fn workload(model: &ops::Model<Meta>) {
    let _container = model.unit().container::<Nginx>();
}

fn main() {}
