//! Generate time and generated size, for the largest fixture charm and for a synthetic
//! charm of 10,000 options (the cost must stay linear in the input).
//!
//! Build scripts run in the debug profile, so that is the figure that matters:
//!
//! ```text
//! cargo bench -p juju-ops-build --bench generate --profile dev    # as a build script runs it
//! cargo bench -p juju-ops-build --bench generate                  # release
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!("juju-ops-build generate ({profile} profile)");
    let large = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/large");
    measure("large fixture (160 options, 22 endpoints)", &large, 20);
    for options in [1_000, 10_000] {
        let dir = synthetic(options);
        measure(&format!("synthetic, {options} options"), &dir, 5);
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Runs the generator `runs` times on `dir` and prints min/median/max and the output size.
fn measure(label: &str, dir: &Path, runs: usize) {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let generated = match juju_ops_build::generate_source(dir) {
            Ok(generated) => generated,
            Err(error) => {
                println!("{label}: failed: {error}");
                return;
            }
        };
        times.push(started.elapsed());
        size = generated.source.len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {label}: min {:.1} ms, median {:.1} ms, max {:.1} ms over {runs} runs; generated {:.1} KiB, {} lines",
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs - 1]),
        size as f64 / 1024.0,
        std::fs::read_dir(dir).map(|_| ()).map_or(0, |()| lines(dir)),
    );
}

fn lines(dir: &Path) -> usize {
    juju_ops_build::generate_source(dir).map_or(0, |g| g.source.lines().count())
}

/// A charm with `options` config options of every type, in a fresh directory.
fn synthetic(options: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("juju-ops-bench-{}-{options}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let mut config = String::from("options:\n");
    for n in 0..options {
        let (kind, default) = match n % 4 {
            0 => ("string", "\"value\""),
            1 => ("int", "42"),
            2 => ("float", "0.5"),
            _ => ("boolean", "true"),
        };
        config.push_str(&format!(
            "  option-{n}:\n    type: {kind}\n    default: {default}\n    description: Option number {n}, of type {kind}.\n"
        ));
    }
    std::fs::write(dir.join("metadata.yaml"), "name: synthetic\nsummary: s\ndescription: d\n").expect("write");
    std::fs::write(dir.join("config.yaml"), config).expect("write");
    dir
}
