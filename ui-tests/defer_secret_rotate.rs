// `secret_rotate` cannot be deferred (Juju or ops never replays it): there is no `defer()`.
struct Charm;

impl Charm {
    fn on_secret_rotate(&mut self, event: &ops::SecretRotateEvent) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
