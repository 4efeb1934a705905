// `collect_unit_status` cannot be deferred (Juju or ops never replays it): there is no `defer()`.
struct Charm;

impl Charm {
    fn on_collect_unit_status(&mut self, event: &ops::CollectStatusEvent) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
