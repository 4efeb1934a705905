// A database provider attached to `db`, which the charm declares under `requires:`: right
// interface, wrong side. The charm does not build.
use ops::hello::Meta;
use ops::hello::relations::Db;
use ops_interfaces::database::DatabaseProvider;

struct Charm {
    database: DatabaseProvider<Db>,
}

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let database = DatabaseProvider::new(framework, |c: &mut Self| Some(&mut c.database));
        Charm { database }
    }
}

fn main() {
    ops::main::<Charm>();
}
