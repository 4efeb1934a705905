//! The exporter's `dispatch`.

fn main() {
    ops::main::<exporter::Exporter>()
}
