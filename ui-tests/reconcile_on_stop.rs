// A reconcile can only be triggered by events that can be deferred: `stop` cannot.
use ops::hello::Meta;

struct Charm;

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe_all([on.config_changed.into(), on.stop.into()], Self::reconcile);
        Charm
    }
}

impl Charm {
    fn reconcile(&mut self, _event: &ops::AnyEvent) -> ops::HandlerResult {
        Ok(())
    }
}

fn main() {}
