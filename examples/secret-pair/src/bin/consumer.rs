//! The consumer charm's `dispatch`.

fn main() {
    ops::main::<secret_pair::consumer::Consumer>()
}
