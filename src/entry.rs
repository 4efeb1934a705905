//! The entry point: `ops::main::<MyCharm>()`, what Juju's `dispatch` runs.

use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use crate::backend::{Backend, HookTools, LogLevel};
use crate::charm::CharmBase;
use crate::context::JujuEnv;
use crate::framework::{self, DispatchError};
use crate::state_store::{Controller, LocalFile, StateStore};

/// Runs the charm for the event Juju is dispatching, and exits.
///
/// Reads the `JUJU_*` environment, runs a legacy `hooks/<name>` script if the charm still
/// has one, builds the charm, delivers the event to its observers, runs collect-status,
/// and exits 0. A handler error or panic is logged through `juju-log` at ERROR and the
/// process exits 1, so Juju marks the hook failed and retries it.
///
/// ```no_run
/// # struct HelloCharm;
/// # impl ops::CharmBase for HelloCharm {
/// #     type Meta = ops::hello::Meta;
/// #     fn new(_: &mut ops::Framework<Self>) -> Self { HelloCharm }
/// # }
/// fn main() {
///     ops::main::<HelloCharm>()
/// }
/// ```
pub fn main<C: CharmBase>() -> ! {
    std::process::exit(run::<C>())
}

/// What [`main`] does, returning the exit code instead of exiting. Nothing of it runs
/// outside the panic guard: a panic anywhere, even before the framework starts, is logged
/// and becomes exit code 1.
pub fn run<C: CharmBase>() -> i32 {
    match std::panic::catch_unwind(run_unguarded::<C>) {
        Ok(code) => code,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            report(
                &HookTools::new(),
                &format!("Uncaught error while in charm code: charm code panicked: {reason}"),
                true,
            );
            1
        }
    }
}

fn run_unguarded<C: CharmBase>() -> i32 {
    let backend: Rc<dyn Backend> = Rc::new(HookTools::new());
    let context = match JujuEnv::from_env() {
        Ok(context) => context,
        Err(error) => {
            report(backend.as_ref(), &format!("Cannot dispatch: {error}"), true);
            return 1;
        }
    };
    if context.operator_dispatch {
        // The charm was started by itself (a hook tool or legacy hook ran dispatch again).
        eprintln!("Charm called itself: OPERATOR_DISPATCH is set; exiting");
        return 0;
    }
    if let Err(code) = run_legacy_hook(&context) {
        return code;
    }
    let is_action = context.is_action();
    let charm_dir = context.charm_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let local = LocalFile::in_dir(&charm_dir);
    let controller = Controller::new(backend.as_ref());
    let store: &dyn StateStore = if C::USE_JUJU_FOR_STORAGE { &controller } else { &local };
    match framework::dispatch::<C>(backend.clone(), context, store) {
        Ok(_) | Err(DispatchError::Rebooting) => 0,
        Err(error) => {
            report(backend.as_ref(), &format!("Uncaught error while in charm code: {error}"), is_action);
            1
        }
    }
}

/// Logs a failure at ERROR; also on stderr for an action (Juju shows the user the
/// action's stderr, as ops does), when `also_stderr`, or when juju-log itself fails.
fn report(backend: &dyn Backend, message: &str, also_stderr: bool) {
    let logged = crate::log::send(backend, LogLevel::Error, message).is_ok();
    if also_stderr || !logged {
        eprintln!("{message}");
    }
}

/// Runs `<charm dir>/<JUJU_DISPATCH_PATH>` first if it is an executable that is not this
/// program, as ops does for charms that still ship per-hook scripts.
fn run_legacy_hook(context: &JujuEnv) -> Result<(), i32> {
    // Only a path inside the charm directory is a legacy hook: Juju gives `hooks/<name>`;
    // an absolute path, or one climbing out with `..`, is never run.
    let relative = Path::new(&context.dispatch_path).components().all(|c| matches!(c, Component::Normal(_)));
    let (Some(charm_dir), false, true) = (&context.charm_dir, context.dispatch_path.is_empty(), relative) else {
        return Ok(());
    };
    let hook = charm_dir.join(&context.dispatch_path);
    if !is_executable(&hook) || is_this_program(&hook) {
        return Ok(());
    }
    log_legacy(&format!("Legacy {} exists, running it (legacy hooks are deprecated)", context.dispatch_path));
    match Command::new(&hook).env("OPERATOR_DISPATCH", "1").status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => {
            log_legacy(&format!("Legacy {} exited with status {status}", context.dispatch_path));
            Err(status.code().unwrap_or(1))
        }
        Err(error) => {
            log_legacy(&format!("Could not run legacy {}: {error}", context.dispatch_path));
            Err(1)
        }
    }
}

fn log_legacy(message: &str) {
    if HookTools::new().juju_log(LogLevel::Warning, message).is_err() {
        eprintln!("{message}");
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn is_this_program(path: &Path) -> bool {
    let this = std::env::current_exe().and_then(|p| p.canonicalize());
    matches!((path.canonicalize(), this), (Ok(a), Ok(b)) if a == b)
}
