// An ingress requirer attached to `db`, whose interface is `postgresql_client`: the charm
// does not build, and the message says what the component speaks.
use ops::hello::Meta;
use ops::hello::relations::Db;
use ops_interfaces::ingress::{IngressRequest, IngressRequirer};

struct Charm {
    ingress: IngressRequirer<Db>,
}

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let ingress = IngressRequirer::new(framework, |c: &mut Self| Some(&mut c.ingress), IngressRequest::new(80));
        Charm { ingress }
    }
}

fn main() {
    ops::main::<Charm>();
}
