//! The smallest charm over the large fixture: the generated module is private, and only
//! one event is observed. Everything else it declares goes unused, and the crate must
//! still build without a warning, as a charm author's first binary does.
#![deny(warnings)]

mod charm {
    ops::include_charm!();
}

struct Stack {
    model: ops::Model<charm::Meta>,
}

impl ops::CharmBase for Stack {
    type Meta = charm::Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        framework.observe(framework.on().install, Self::on_install);
        Stack { model: framework.model() }
    }
}

impl Stack {
    fn on_install(&mut self, _event: &ops::InstallEvent) -> ops::HandlerResult {
        let level = &self.model.config()?.prometheus_log_level;
        self.model.unit().set_status(ops::ActiveStatus::new(format!("log level {level:?}")))?;
        Ok(())
    }
}

fn main() {
    ops::main::<Stack>()
}
