//! The queue charm with its state in a local file (see `juju_ops_testbed::queue_charm`).

fn main() {
    ops::main::<juju_ops_testbed::queue_charm::QueueCharm<false>>()
}
