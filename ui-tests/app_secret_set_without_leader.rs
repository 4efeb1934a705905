// Changing an application's secret is the leader's too: the owner's methods on
// `Secret<AppOwned>` take the leadership token first.
use ops::SecretContent;

fn rotate(secret: &ops::Secret<ops::AppOwned>) -> Result<(), ops::ModelError> {
    secret.set_content(&SecretContent::from_pairs([("password", "n3w")]).unwrap())
}

fn main() {}
