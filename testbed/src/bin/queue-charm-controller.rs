//! The queue charm with its state in Juju's controller (see `juju_ops_testbed::queue_charm`).

fn main() {
    ops::main::<juju_ops_testbed::queue_charm::QueueCharm<true>>()
}
