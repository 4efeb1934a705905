// An action the YAML does not declare has no event source.
use ops::hello::Meta;

struct Charm;

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        framework.observe(framework.on().backup_action, |_: &mut Self, _: &ops::InstallEvent| Ok(()));
        Charm
    }
}

fn main() {}
