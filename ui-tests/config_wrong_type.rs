// `thing` is `type: string`: using it as a number does not compile.
use ops::hello::Meta;

fn port(model: &ops::Model<Meta>) -> Result<u16, ops::ModelError> {
    let port: u16 = model.config()?.thing;
    Ok(port)
}

fn main() {}
