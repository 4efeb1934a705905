// `stop` cannot be deferred (Juju or ops never replays it): there is no `defer()`.
struct Charm;

impl Charm {
    fn on_stop(&mut self, event: &ops::StopEvent) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
