//! The charm binary: Juju runs it as `dispatch`, once per event.

fn main() {
    ops::main::<hello_charm::HelloCharm>()
}
