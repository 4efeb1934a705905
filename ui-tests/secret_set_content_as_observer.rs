// A secret the charm was given is read-only: changing its content is the owner's job, so
// `set_content` exists only on an owned handle (`app().get_secret` or `unit().get_secret`).
use ops::hello::Meta;
use ops::{SecretContent, SecretLookup};

fn rotate(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    let secret = model.get_secret(SecretLookup::label("upstream"))?;
    secret.set_content(&SecretContent::from_pairs([("password", "new")]).unwrap())
}

fn main() {}
