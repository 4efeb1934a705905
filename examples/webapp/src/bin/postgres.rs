//! The database charm's `dispatch`.

fn main() {
    ops::main::<webapp::postgres::Postgres>()
}
