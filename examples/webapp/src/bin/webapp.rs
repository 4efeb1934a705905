//! The web application's `dispatch`.

fn main() {
    ops::main::<webapp::webapp::WebApp>()
}
