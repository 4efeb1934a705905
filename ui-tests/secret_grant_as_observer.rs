// Granting access is the owner's: an observed secret's handle has no `grant`.
use ops::hello::{Meta, relations::Db};
use ops::SecretLookup;

fn share(model: &ops::Model<Meta>, relation: &ops::Relation<Db>) -> Result<(), ops::ModelError> {
    let secret = model.get_secret(SecretLookup::label("upstream"))?;
    secret.grant(relation, None)
}

fn main() {}
