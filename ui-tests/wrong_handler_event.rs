// A handler observing an event it does not take: the fortune action handler on config-changed.
use ops::hello::Meta;
use ops::hello::actions::FortuneParams;

struct Charm;

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        framework.observe(framework.on().config_changed, Self::on_fortune);
        Charm
    }
}

impl Charm {
    fn on_fortune(&mut self, _event: &ops::ActionEvent<FortuneParams>) -> ops::HandlerResult {
        Ok(())
    }
}

fn main() {}
