//! The Pebble client against the real Pebble daemon: `add_layer` + `replan` with the
//! service changed and unchanged, a 1 MiB push and pull, and `cat` of 4 MiB through exec.
//! Prints medians; run with `cargo bench -p juju-ops-testbed --bench pebble`.

use std::time::{Duration, Instant};

use juju_ops_testbed::real_pebble::RealPebble;
use ops::pebble::{ExecOptions, FileOptions, Layer, Override, Service, Startup};
use ops::prelude::*;

fn layer(command: &str) -> Layer {
    let service = Service::builder().override_(Override::Replace).command(command).startup(Startup::Enabled).build();
    Layer::builder().service("web", service).build()
}

/// Median, min and max of `rounds` runs of `f` (after one warm-up run).
fn measure(rounds: usize, mut f: impl FnMut(usize)) -> (Duration, Duration, Duration) {
    f(usize::MAX);
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|round| {
            let started = Instant::now();
            f(round);
            started.elapsed()
        })
        .collect();
    samples.sort();
    (samples[samples.len() / 2], samples[0], samples[samples.len() - 1])
}

fn report(what: &str, (median, min, max): (Duration, Duration, Duration), bytes: Option<usize>) {
    let rate = bytes
        .map_or(String::new(), |b| format!("  ({:.0} MiB/s)", b as f64 / (1024.0 * 1024.0) / median.as_secs_f64()));
    println!("  {what:<44} median {median:>10.3?}  min {min:>10.3?}  max {max:>10.3?}{rate}");
}

fn main() {
    let pebble = RealPebble::start();
    let client = pebble.client();
    println!("Pebble {} (the real daemon), one client request at a time:", client.get_system_info().unwrap().version);

    report(
        "add_layer + replan, service unchanged",
        measure(20, |_| {
            client.add_layer("web", &layer("sleep 1000"), true).unwrap();
            client.replan().unwrap();
        }),
        None,
    );
    report(
        "add_layer + replan, service changed",
        measure(5, |round| {
            client.add_layer("web", &layer(&format!("sleep {}", 2000 + round % 1000)), true).unwrap();
            client.replan().unwrap();
        }),
        None,
    );

    const MIB: usize = 1024 * 1024;
    let content: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8).collect();
    let path = format!("{}/bench/file", pebble.dir().display());
    let options = FileOptions { make_parents: true, ..FileOptions::default() };
    report("push 1 MiB", measure(20, |_| client.push(&path, &content, &options).unwrap()), Some(MIB));
    report("pull 1 MiB", measure(20, |_| assert_eq!(client.pull(&path).unwrap().len(), MIB)), Some(MIB));

    let input: Vec<u8> = (0..4 * MIB).map(|i| (i % 253) as u8).collect();
    let exec_options = ExecOptions { stdin: Some(input), ..ExecOptions::default() };
    report(
        "exec cat, 4 MiB in and out",
        measure(10, |_| assert_eq!(client.exec(&["cat"], &exec_options).unwrap().stdout.len(), 4 * MIB)),
        Some(4 * MIB),
    );
}
