// Stored state must be written and read back: a type serde cannot write is refused.
// (Here `Serialize` was forgotten.)
use ops::hello::Meta;

#[derive(Default, serde::Deserialize)]
struct Session {
    token: String,
}

struct Charm {
    session: ops::Stored<Session>,
}

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        Charm { session: framework.stored("session") }
    }
}

fn main() {}
