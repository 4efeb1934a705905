// The fortune action declares `fortune`, not `fortunes`.
use ops::hello::actions::FortuneParams;

fn fortune(event: &ops::ActionEvent<FortuneParams>) -> Option<String> {
    event.params.fortunes.clone()
}

fn main() {}
