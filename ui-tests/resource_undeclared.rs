// A resource the metadata does not declare.
use ops::hello::Meta;

struct Image;

fn fetch(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    let _path = model.resource::<Image>()?;
    Ok(())
}

fn main() {}
