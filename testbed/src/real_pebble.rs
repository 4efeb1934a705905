//! The real Pebble daemon, one per test: started in its own temporary directory with a
//! clean environment, stopped with SIGTERM when dropped.
//!
//! The binary is `$PEBBLE_BIN`; without it, `../shared/bin/pebble` beside the workspace,
//! then `pebble` on `PATH`. When none is there the test fails with how to get one: the
//! wire tests are never skipped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the Pebble binary.
pub const PEBBLE_BIN_VAR: &str = "PEBBLE_BIN";

/// A running daemon.
pub struct RealPebble {
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// Where the Pebble binary is, or why there is none.
pub fn binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(PEBBLE_BIN_VAR) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("{PEBBLE_BIN_VAR}={} does not exist", path.display()))
        };
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bin/pebble");
    if beside.is_file() {
        return Ok(beside);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("pebble"))
        .find(|p| p.is_file());
    on_path.ok_or_else(|| {
        format!(
            "no Pebble binary: set {PEBBLE_BIN_VAR} to one (`snap install pebble`, or build \
             github.com/canonical/pebble/cmd/pebble at v1.32.1)"
        )
    })
}

impl RealPebble {
    /// Starts a daemon with no layers.
    pub fn start() -> RealPebble {
        Self::start_with_layers(&[])
    }

    /// Starts a daemon whose layers directory holds `layers` (`(file name, YAML)`), read at
    /// boot: the only way to give it a `workloads:` section.
    pub fn start_with_layers(layers: &[(&str, &str)]) -> RealPebble {
        let binary = binary().unwrap_or_else(|reason| panic!("{reason}"));
        let dir = tempfile::tempdir().expect("a temporary directory");
        if !layers.is_empty() {
            let layers_dir = dir.path().join("layers");
            std::fs::create_dir(&layers_dir).expect("the layers directory");
            for (name, yaml) in layers {
                std::fs::write(layers_dir.join(name), yaml).expect("a layer file");
            }
        }
        let log = std::fs::File::create(dir.path().join("daemon.log")).expect("the daemon's log");
        let child = Command::new(&binary)
            .args(["run", "--create-dirs"])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("PEBBLE", dir.path())
            .env("HOME", dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the log again"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
        let pebble = RealPebble { dir, child: Some(child) };
        pebble.wait_until_up();
        pebble
    }

    fn wait_until_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::os::unix::net::UnixStream::connect(self.socket()).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("Pebble did not come up; its log:\n{}", self.log());
    }

    /// The daemon's socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join(".pebble.socket")
    }

    /// Its directory (`$PEBBLE`), which is also its `HOME`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }

    /// A client for it.
    pub fn client(&self) -> ops::pebble::Client {
        ops::pebble::Client::new(self.socket())
    }
}

impl Drop for RealPebble {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        if let Ok(pid) = i32::try_from(child.id()) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}
