// A relation endpoint the metadata does not declare.
use ops::hello::Meta;

enum Cache {}

fn cache(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    let _relations = model.relations::<Cache>()?;
    Ok(())
}

fn main() {}
