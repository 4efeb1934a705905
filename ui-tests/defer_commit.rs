// The framework's `commit` event cannot be deferred: there is no `defer()`.
struct Charm;

impl Charm {
    fn on_commit(&mut self, event: &ops::CommitEvent) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
