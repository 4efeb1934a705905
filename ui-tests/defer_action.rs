// Actions cannot be deferred: the user is waiting for the result. There is no `defer()`.
use ops::hello::actions::FortuneParams;

struct Charm;

impl Charm {
    fn on_fortune_action(&mut self, event: &ops::ActionEvent<FortuneParams>) -> ops::HandlerResult {
        event.defer();
        Ok(())
    }
}

fn main() {}
