// Generates the charm's typed API from charmcraft.yaml (see `mod charm` in src/lib.rs).
fn main() {
    juju_ops_build::generate();
}
