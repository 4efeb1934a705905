//! The keeper charm's `dispatch`.

fn main() {
    ops::main::<secret_pair::keeper::Keeper>()
}
