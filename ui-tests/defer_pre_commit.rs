// The framework's `pre_commit` event cannot be deferred: there is no `defer()`.
struct Charm;

impl Charm {
    fn on_pre_commit(&mut self, event: &ops::PreCommitEvent) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
