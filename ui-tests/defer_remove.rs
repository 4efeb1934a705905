// `remove` cannot be deferred (Juju or ops never replays it): there is no `defer()`.
struct Charm;

impl Charm {
    fn on_remove(&mut self, event: &ops::RemoveEvent) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
