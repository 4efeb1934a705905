// `secret_expired` cannot be deferred (Juju or ops never replays it): there is no `defer()`.
struct Charm;

impl Charm {
    fn on_secret_expired(&mut self, event: &ops::SecretExpiredEvent) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
