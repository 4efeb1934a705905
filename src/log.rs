//! Logging through `juju-log`: the `log` crate's macros, as Python's `logging` in ops.
//!
//! `log::info!("...")` in charm code becomes `juju-log --log-level INFO -- ...`. The
//! logger is installed once per process and writes through the backend of the dispatch
//! running on the current thread, so the in-memory Juju records log lines too.

use std::cell::RefCell;
use std::rc::Rc;

use crate::backend::{Backend, LogLevel};

thread_local! {
    static CURRENT: RefCell<Option<Rc<dyn Backend>>> = const { RefCell::new(None) };
}

struct JujuLogger;

static LOGGER: JujuLogger = JujuLogger;

impl log::Log for JujuLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Debug
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        let sent = CURRENT.with(|current| {
            let backend = current.borrow().clone()?;
            Some(backend.juju_log(level(record.level()), &message))
        });
        match sent {
            Some(Ok(())) => {}
            // Outside a dispatch, or juju-log itself failed: stderr is what Juju logs next.
            Some(Err(error)) => eprintln!("{} {message} (juju-log failed: {error})", record.level()),
            None => eprintln!("{} {message}", record.level()),
        }
    }

    fn flush(&self) {}
}

/// The `juju-log` level for a `log` level (`Warn` is Python's `WARNING`).
pub fn level(level: log::Level) -> LogLevel {
    match level {
        log::Level::Error => LogLevel::Error,
        log::Level::Warn => LogLevel::Warning,
        log::Level::Info => LogLevel::Info,
        log::Level::Debug => LogLevel::Debug,
        log::Level::Trace => LogLevel::Trace,
    }
}

/// Runs `f` with log records going to `backend`'s `juju-log`.
pub(crate) fn with_backend<R>(backend: Rc<dyn Backend>, f: impl FnOnce() -> R) -> R {
    // Another logger may already be installed (by a test harness); then ours stays out.
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
    let previous = CURRENT.with(|current| current.replace(Some(backend)));
    struct Restore(Option<Rc<dyn Backend>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_juju_names() {
        assert_eq!(level(log::Level::Warn).as_str(), "WARNING");
        assert_eq!(level(log::Level::Error).as_str(), "ERROR");
        assert_eq!(level(log::Level::Debug).as_str(), "DEBUG");
    }
}
