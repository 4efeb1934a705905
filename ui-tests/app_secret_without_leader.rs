// Only the leader may create the application's secrets: `add_secret` on the app takes the
// token that `unit().is_leader()` gives. (A unit's own secret needs none: `unit().add_secret`.)
use ops::hello::Meta;
use ops::{SecretContent, SecretMeta};

fn create(model: &ops::Model<Meta>) -> Result<(), ops::ModelError> {
    let content = SecretContent::from_pairs([("password", "s3cret")]).unwrap();
    model.app().add_secret(&content, SecretMeta::label("db"))?;
    Ok(())
}

fn main() {}
