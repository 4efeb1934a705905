//! Logging through `juju-log`: the `log` crate's macros, as Python's `logging` in ops.
//!
//! `log::info!("...")` in charm code becomes `juju-log --log-level INFO -- ...`. The
//! logger is installed once per process and writes through the backend of the dispatch
//! running on the current thread, so the in-memory Juju records log lines too.

use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use crate::backend::{Backend, LogLevel};

thread_local! {
    /// The dispatch's backend. Held as `ManuallyDrop` so that the slot has no destructor to
    /// register with the C runtime: `with_backend` drops what it put there itself.
    static CURRENT: RefCell<Option<ManuallyDrop<Rc<dyn Backend>>>> = const { RefCell::new(None) };
    /// `JUJU_DEBUG` is set: records also go to stderr, as ops adds a stream handler.
    static ALSO_STDERR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
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
            let backend = Rc::clone(current.borrow().as_deref()?);
            Some(send(backend.as_ref(), level(record.level()), &message))
        });
        if ALSO_STDERR.get() {
            eprintln!("{} {message}", record.level());
        }
        match sent {
            Some(Ok(())) => {}
            // Outside a dispatch, or juju-log itself failed: stderr is what Juju logs next.
            Some(Err(error)) => eprintln!("{} {message} (juju-log failed: {error})", record.level()),
            None => eprintln!("{} {message}", record.level()),
        }
    }

    fn flush(&self) {}
}

/// The longest message passed to `juju-log` in one call, as in ops (a safe argv length).
pub const MAX_LOG_LINE_LEN: usize = 131_071;

/// Sends `message` through `juju-log`, split as ops splits it when it is too long for one
/// command line: a header, then chunks of at most [`MAX_LOG_LINE_LEN`] characters.
pub fn send(backend: &dyn Backend, level: LogLevel, message: &str) -> Result<(), crate::backend::BackendError> {
    // A message has at most as many characters as bytes: almost every one is short enough
    // to go as it is, without counting its characters or collecting parts.
    if message.len() <= MAX_LOG_LINE_LEN {
        return backend.juju_log(level, message);
    }
    for part in split(message) {
        backend.juju_log(level, part.as_ref())?;
    }
    Ok(())
}

fn split(message: &str) -> Vec<std::borrow::Cow<'_, str>> {
    if message.chars().count() <= MAX_LOG_LINE_LEN {
        return vec![message.into()];
    }
    let chars: Vec<(usize, char)> = message.char_indices().collect();
    let header = format!("Log string greater than {MAX_LOG_LINE_LEN}. Splitting into multiple chunks: ");
    let mut parts = vec![header.into()];
    for chunk in chars.chunks(MAX_LOG_LINE_LEN) {
        let start = chunk[0].0;
        let end = chunk.last().map_or(start, |(at, c)| at + c.len_utf8());
        parts.push(message[start..end].into());
    }
    parts
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
pub(crate) fn with_backend<R>(backend: Rc<dyn Backend>, debug: bool, f: impl FnOnce() -> R) -> R {
    // Another logger may already be installed (by a test harness); then ours stays out.
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
    let previous = CURRENT.with(|current| current.replace(Some(ManuallyDrop::new(backend))));
    let previous_debug = ALSO_STDERR.replace(debug);
    struct Restore(Option<ManuallyDrop<Rc<dyn Backend>>>, bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            let ours = CURRENT.with(|current| current.replace(previous));
            drop(ours.map(ManuallyDrop::into_inner));
            ALSO_STDERR.set(self.1);
        }
    }
    let _restore = Restore(previous, previous_debug);
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_split_as_ops_splits_them() {
        assert_eq!(split("short"), ["short"]);
        let long = "é".repeat(MAX_LOG_LINE_LEN + 5);
        let parts = split(&long);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "Log string greater than 131071. Splitting into multiple chunks: ");
        assert_eq!(parts[1].chars().count(), MAX_LOG_LINE_LEN);
        assert_eq!(parts[2], "ééééé");
    }

    #[test]
    fn levels_map_to_juju_names() {
        assert_eq!(level(log::Level::Warn).as_str(), "WARNING");
        assert_eq!(level(log::Level::Error).as_str(), "ERROR");
        assert_eq!(level(log::Level::Debug).as_str(), "DEBUG");
    }
}
