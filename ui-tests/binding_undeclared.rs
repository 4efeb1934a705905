// A network binding for something that is neither a relation endpoint nor an extra
// binding: a container marker. `get_binding` takes relation and `bindings` markers only.
use ops::hello::Meta;
use ops::hello::containers::Pause;

fn address(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    let _network = model.get_binding::<Pause>().network()?;
    Ok(())
}

fn main() {}
