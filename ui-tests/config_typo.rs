// A config option the YAML does not declare: `thnig` for `thing`.
use ops::hello::Meta;

fn greeting(model: &ops::Model<Meta>) -> Result<String, ops::ModelError> {
    Ok(model.config()?.thnig.clone())
}

fn main() {}
