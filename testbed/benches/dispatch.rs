//! The dispatch benchmark: prints figures, asserts nothing.
//!
//! `cargo bench -p juju-ops-testbed --bench dispatch` builds HelloCharm's real `main.rs`
//! with the release profile and reports, for one `config-changed` dispatch with the fake
//! hook tools on PATH:
//! - its wall time against a minimal program that makes the same hook-tool calls and
//!   nothing else (`replay-hook-calls`, replaying the calls recorded from the charm),
//!   and the ratio of the medians (target: at most 1.10);
//! - the hook-tool calls per event for the main lifecycle;
//! - peak memory (max RSS);
//! - the stripped binary size (target: at most 2 MB);
//! - the packed charm at the floor: `cargo charm pack`'s `dispatch`, unzipped, running a
//!   config-changed that changes stored state, against a minimal program making the same
//!   hook-tool calls and the same durable state write (target: ratio at most 1.05), and
//!   callgrind's instruction counts of each process alone (target: at most 100,000
//!   instructions of the library's own per dispatch).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use juju_ops_testbed::state::Action;
use juju_ops_testbed::{FakeJuju, State};
use ops::prelude::*;

const CHARM: &str = env!("CARGO_BIN_EXE_hello-dispatch");
const TOOL: &str = env!("CARGO_BIN_EXE_fake-hook-tool");
const REPLAY: &str = env!("CARGO_BIN_EXE_replay-hook-calls");
const QUEUE_CHARM: &str = env!("CARGO_BIN_EXE_queue-charm");
const ROUNDS: usize = 300;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--probe") {
        probe(&args[1..]);
        return;
    }
    // `-- packed` runs the packed-charm section alone (it packs and times on its own).
    if args.iter().any(|a| a == "packed") {
        packed_at_the_floor();
        return;
    }
    let juju = FakeJuju::new(Path::new(TOOL), &state()).expect("set up the fake Juju");
    println!("HelloCharm dispatch benchmark ({ROUNDS} rounds, fake hook tools, release profile)\n");
    calls_per_event(&juju);
    let replay_file = record_config_changed(&juju);
    timing(&juju, &replay_file);
    memory(&juju, &replay_file);
    sizes();
    deferred_queue();
    pebble_round_trip();
    packed_at_the_floor();
}

/// One `add_layer` + `replan` against the fake Pebble on a Unix socket (the fake runs in
/// this process, on its own threads).
fn pebble_round_trip() {
    use juju_ops_testbed::fake_pebble::FakePebble;
    use ops::pebble::{Client, Layer, Override, Service, Startup};
    let pebble = FakePebble::start().expect("start the fake Pebble");
    let client = Client::new(pebble.socket());
    let service =
        Service::builder().override_(Override::Replace).command("/bin/true").startup(Startup::Enabled).build();
    let layer = Layer::builder().service("web", service).build();
    let mut samples = Vec::new();
    for _ in 0..300 {
        let start = Instant::now();
        client.add_layer("bench", &layer, true).expect("add_layer");
        client.replan().expect("replan");
        samples.push(start.elapsed());
        pebble.world().requests.clear();
    }
    let stats = stats(samples);
    println!("\nPebble add_layer + replan round trip (fake Pebble, Unix socket, 3 requests):");
    println!("  median {:>9.3?}  mean {:>9.3?}  p90 {:>9.3?}", stats.median, stats.mean, stats.p90);
}

fn state() -> State {
    let config = serde_json::json!({"thing": "bench"});
    State { leader: true, config: config.as_object().cloned().unwrap_or_default(), ..State::default() }
}

fn charm(juju: &FakeJuju, path: &str) -> Command {
    let mut command = juju.command(Path::new(CHARM));
    command.env("JUJU_DISPATCH_PATH", path);
    if let Some(name) = path.strip_prefix("actions/") {
        command.env("JUJU_ACTION_NAME", name).env("JUJU_ACTION_UUID", "1");
    }
    command
}

fn run_ok(mut command: Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(out.status.success(), "{what} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn calls_per_event(juju: &FakeJuju) {
    println!("hook-tool calls per event:");
    for path in ["hooks/install", "hooks/config-changed", "hooks/start", "actions/fortune", "hooks/update-status"] {
        let mut state = state();
        if path.starts_with("actions/") {
            state.action = Some(Action { name: "fortune".into(), ..Action::default() });
        }
        juju.set_state(&state);
        juju.clear_calls();
        run_ok(charm(juju, path), path);
        let tools: Vec<String> = juju.calls().iter().map(|c| c.tool.clone()).collect();
        println!("  {path:<22} {:>2}  ({})", tools.len(), tools.join(", "));
    }
    println!();
}

/// Runs config-changed once with logging on, and keeps its calls for the baseline.
fn record_config_changed(juju: &FakeJuju) -> PathBuf {
    juju.set_state(&state());
    juju.clear_calls();
    run_ok(charm(juju, "hooks/config-changed"), "config-changed");
    let replay = juju.charm_dir().join("config-changed.calls.jsonl");
    std::fs::copy(juju.log_path(), &replay).expect("keep the recorded calls");
    juju.clear_calls();
    replay
}

fn timed(mut command: Command) -> Duration {
    command.env_remove("FAKE_JUJU_LOG");
    let start = Instant::now();
    let status = command.status().expect("run");
    let elapsed = start.elapsed();
    assert!(status.success());
    elapsed
}

struct Stats {
    median: Duration,
    mean: Duration,
    p90: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    Stats { median: samples[samples.len() / 2], mean, p90: samples[samples.len() * 9 / 10] }
}

fn timing(juju: &FakeJuju, replay_file: &Path) {
    let baseline = || {
        let mut command = juju.command(Path::new(REPLAY));
        command.arg(replay_file);
        command
    };
    // Warm the page cache for both programs and the tools.
    for _ in 0..10 {
        timed(charm(juju, "hooks/config-changed"));
        timed(baseline());
    }
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    // Interleaved, so a busy moment on the machine hits both alike.
    for _ in 0..ROUNDS {
        ours.push(timed(charm(juju, "hooks/config-changed")));
        base.push(timed(baseline()));
    }
    let (ours, base) = (stats(ours), stats(base));
    println!("one config-changed dispatch (wall time):");
    println!(
        "  {:<34} median {:>9.3?}  mean {:>9.3?}  p90 {:>9.3?}",
        "HelloCharm (release)", ours.median, ours.mean, ours.p90
    );
    println!(
        "  {:<34} median {:>9.3?}  mean {:>9.3?}  p90 {:>9.3?}",
        "baseline: the same calls, replayed", base.median, base.mean, base.p90
    );
    let ratio = ours.median.as_secs_f64() / base.median.as_secs_f64();
    let verdict = if ratio <= 1.10 { "met" } else { "NOT met" };
    println!("  ratio of medians {ratio:.3} (target <= 1.10: {verdict})");
    println!("  framework overhead per dispatch ~{:.3?}\n", ours.median.saturating_sub(base.median));
}

/// Re-runs this benchmark binary as `--probe <program> <args>` so that the only child it
/// waits for is that program; its RUSAGE_CHILDREN max RSS is then the largest resident set
/// among the program and the hook tools it waited for.
fn max_rss_kib(program: &Path, args: &[&Path], env: Command) -> i64 {
    let mut probe = Command::new(std::env::current_exe().expect("this benchmark's path"));
    probe.arg("--probe").arg(program).args(args);
    for (key, value) in env.get_envs() {
        match value {
            Some(value) => probe.env(key, value),
            None => probe.env_remove(key),
        };
    }
    probe.current_dir(env.get_current_dir().unwrap_or(Path::new(".")));
    let out = probe.output().expect("run the probe");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(-1)
}

fn probe(args: &[String]) {
    let status = Command::new(&args[0])
        .args(&args[1..])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run the probed program");
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    if status.success() {
        println!("{}", usage.max_rss());
    }
}

fn memory(juju: &FakeJuju, replay_file: &Path) {
    juju.set_state(&state());
    let ours = max_rss_kib(Path::new(CHARM), &[], charm(juju, "hooks/config-changed"));
    let base = max_rss_kib(Path::new(REPLAY), &[replay_file], juju.command(Path::new(REPLAY)));
    let tool = max_rss_kib(&juju.bin_dir().join("is-leader"), &[], juju.command(Path::new("is-leader")));
    // The charm's own peak is at most the first figure: RUSAGE_CHILDREN reports the largest
    // resident set among the program and the tools it waited for.
    println!("peak memory (max RSS, KiB; the largest of the program and the tools it ran):");
    println!("  HelloCharm config-changed {ours:>8}");
    println!("  baseline replay           {base:>8}");
    println!("  one fake hook tool alone  {tool:>8}\n");
}

fn sizes() {
    let size = |path: &str| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let charm = size(CHARM);
    let verdict = if charm <= 2_000_000 { "met" } else { "NOT met" };
    println!("binary size (release profile, strip = true):");
    println!(
        "  hello-charm dispatch binary {:>9} bytes ({:.2} MB; target <= 2 MB: {verdict})",
        charm,
        charm as f64 / 1e6
    );
    println!("  baseline replay binary      {:>9} bytes", size(REPLAY));
}

/// Dispatch cost with N deferred events queued: every one is re-emitted (and deferred again)
/// before the dispatch's own event, and the queue is written back.
fn deferred_queue() {
    println!(
        "\nupdate-status with N deferred events queued (queue-charm, all re-deferred; as ops, each re-emit and \
         defer is one DEBUG juju-log call):"
    );
    let mut base = None;
    for n in [0usize, 10, 100, 1000] {
        let config = serde_json::json!({"thing": "hold"});
        let juju = FakeJuju::new(
            Path::new(TOOL),
            &State { config: config.as_object().cloned().unwrap_or_default(), ..State::default() },
        )
        .expect("set up the fake Juju");
        let queue_charm = |hook: &str| {
            let mut command = juju.command(Path::new(QUEUE_CHARM));
            command.env("JUJU_DISPATCH_PATH", format!("hooks/{hook}"));
            command
        };
        run_ok(queue_charm("config-changed"), "config-changed");
        seed_queue(&juju, n);
        let rounds = if n >= 1000 { 20 } else { 50 };
        let median = stats((0..rounds).map(|_| timed(queue_charm("update-status"))).collect()).median;
        let per_event = base.map(|b: Duration| median.saturating_sub(b).as_secs_f64() * 1e6 / n.max(1) as f64);
        base.get_or_insert(median);
        match per_event {
            Some(us) => println!("  N = {n:>4}: median {median:>9.3?}  (+{us:.1} µs per queued event)"),
            None => println!("  N = {n:>4}: median {median:>9.3?}"),
        }
    }
}

/// Writes a queue of `n` held update-status events; one has the same (empty) snapshot as a
/// new update-status, so the new event is not queued and the queue stays at `n`.
fn seed_queue(juju: &FakeJuju, n: usize) {
    let path = juju.charm_dir().join(".juju-ops-state.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("state file")).expect("state");
    let notices: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let snapshot = if i == 0 { serde_json::json!({}) } else { serde_json::json!({"secret_label": format!("n{i}")}) };
            serde_json::json!({"sequence": i + 1, "event": "update_status", "observer": "QueueCharm::on_update_status", "snapshot": snapshot})
        })
        .collect();
    doc["deferred"] = serde_json::Value::Array(notices);
    doc["next_sequence"] = serde_json::json!(n + 1);
    std::fs::write(&path, doc.to_string()).expect("seed the queue");
}

/// The packed charm against the floor: a program that makes the same hook-tool calls and
/// writes the same state file as durably, and nothing else.
fn packed_at_the_floor() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_path_buf();
    let out = tempfile::tempdir().expect("a directory to pack into");
    let options = cargo_charm::pack::Options {
        manifest_path: Some(root.join("examples/hello-charm/Cargo.toml")),
        out_dir: Some(out.path().to_path_buf()),
        binary: Some(PathBuf::from(CHARM)),
        quiet: true,
        ..cargo_charm::pack::Options::default()
    };
    let packed = cargo_charm::pack::pack(&options).expect("pack the reference charm");
    let juju = FakeJuju::new(Path::new(TOOL), &state()).expect("set up the fake Juju");
    for entry in cargo_charm::archive::read(&packed[0].path).expect("read the .charm") {
        use std::os::unix::fs::PermissionsExt;
        let path = juju.charm_dir().join(&entry.name);
        std::fs::write(&path, &entry.data).expect("unzip");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(entry.mode)).expect("mode");
    }
    let dispatch = juju.charm_dir().join("dispatch");
    let state_file = juju.charm_dir().join(".juju-ops-state.json");
    // Before each run: stored state that has seen "a", and config "b", so the dispatch
    // stores "b" and writes the state file.
    let with_thing = |thing: &str| {
        let mut state = state();
        state.config.insert("thing".into(), serde_json::json!(thing));
        state
    };
    juju.set_state(&with_thing("a"));
    run_ok(dispatch_command(&juju, &dispatch), "config-changed a");
    let before = std::fs::read(&state_file).expect("the state after a");
    juju.set_state(&with_thing("b"));
    juju.clear_calls();
    run_ok(dispatch_command(&juju, &dispatch), "config-changed b");
    let written = juju.charm_dir().join("written-state.json");
    std::fs::copy(&state_file, &written).expect("keep the state the charm wrote");
    let replay = juju.charm_dir().join("b.calls.jsonl");
    std::fs::copy(juju.log_path(), &replay).expect("keep the calls");
    let reset = || std::fs::write(&state_file, &before).expect("reset the state file");
    let floor = || {
        let mut command = juju.command(Path::new(REPLAY));
        command.arg(&replay).arg("--write-state").arg(&state_file).arg(&written);
        as_juju_runs_it(command)
    };
    let dispatch_command = |juju: &FakeJuju, dispatch: &Path| as_juju_runs_it(dispatch_command(juju, dispatch));
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS + 10 {
        reset();
        let charm = timed(dispatch_command(&juju, &dispatch));
        reset();
        let minimal = timed(floor());
        if round >= 10 {
            ours.push(charm);
            base.push(minimal);
        }
    }
    let (ours, base) = (stats(ours), stats(base));
    let ratio = ours.median.as_secs_f64() / base.median.as_secs_f64();
    println!(
        "\nthe packed charm at the floor (config-changed that changes stored state; {ROUNDS} interleaved rounds):"
    );
    println!("  packed dispatch              median {:>9.3?}  mean {:>9.3?}", ours.median, ours.mean);
    println!("  the same calls + state write median {:>9.3?}  mean {:>9.3?}", base.median, base.mean);
    let verdict = if ratio <= 1.05 { "met" } else { "NOT met" };
    println!("  ratio of medians {ratio:.3} (target <= 1.05: {verdict})");
    reset();
    let charm_ir = callgrind(dispatch_command(&juju, &dispatch), &juju);
    reset();
    let floor_ir = callgrind(floor(), &juju);
    match (charm_ir, floor_ir) {
        (Some(charm), Some(floor)) => {
            let own = charm.saturating_sub(floor);
            let verdict = if own <= 100_000 { "met" } else { "NOT met" };
            println!("  instructions (callgrind, the process alone): dispatch {charm}, floor {floor}");
            println!("  the library's own per dispatch: {own} (target <= 100,000: {verdict})");
        }
        _ => println!("  instructions: valgrind not found; install it to count them"),
    }
    println!(
        "  packed dispatch: {} bytes stripped, in a {}-byte .charm",
        std::fs::metadata(&dispatch).map(|m| m.len()).unwrap_or(0),
        packed[0].size
    );
}

fn dispatch_command(juju: &FakeJuju, dispatch: &Path) -> Command {
    let mut command = juju.command(dispatch);
    command.env("JUJU_DISPATCH_PATH", "hooks/config-changed");
    command
}

/// `command` with the environment Juju gives a hook and nothing else: Juju builds it from
/// scratch (the hook's `JUJU_*` context, proxies, `PATH` with the tools first, locale and
/// apt settings), so the benchmark's own environment (cargo's variables, the shell's) does
/// not make the charm's lookups dearer than they are on a unit. The fake tools' two
/// variables stay.
fn as_juju_runs_it(mut command: Command) -> Command {
    let set: Vec<(std::ffi::OsString, std::ffi::OsString)> =
        command.get_envs().filter_map(|(key, value)| Some((key.to_owned(), value?.to_owned()))).collect();
    let charm_dir = set.iter().find(|(key, _)| key == "JUJU_CHARM_DIR").map(|(_, dir)| dir.clone()).unwrap_or_default();
    command.env_clear();
    command.envs(set);
    command.env("CHARM_DIR", charm_dir);
    let context_id = format!("hello/0-config-changed-{}", std::process::id());
    for (key, value) in [
        ("JUJU_DISPATCH_PATH", "hooks/config-changed"),
        ("JUJU_CONTEXT_ID", context_id.as_str()),
        ("JUJU_HOOK_NAME", "config-changed"),
        ("JUJU_AGENT_SOCKET_ADDRESS", "@/var/lib/juju/agents/unit-hello-0/agent.socket"),
        ("JUJU_AGENT_SOCKET_NETWORK", "unix"),
        ("JUJU_API_ADDRESSES", "10.1.0.2:17070"),
        ("JUJU_MACHINE_ID", ""),
        ("JUJU_PRINCIPAL_UNIT", ""),
        ("JUJU_AVAILABILITY_ZONE", ""),
        ("CLOUD_API_VERSION", "1.31.0"),
        ("JUJU_CHARM_HTTP_PROXY", ""),
        ("JUJU_CHARM_HTTPS_PROXY", ""),
        ("JUJU_CHARM_FTP_PROXY", ""),
        ("JUJU_CHARM_NO_PROXY", "127.0.0.1,localhost,::1"),
        ("KUBERNETES_SERVICE_HOST", "10.152.183.1"),
        ("KUBERNETES_SERVICE_PORT", "443"),
        ("APT_LISTCHANGES_FRONTEND", "none"),
        ("DEBIAN_FRONTEND", "noninteractive"),
        ("LANG", "C.UTF-8"),
        ("TERM", "tmux-256color"),
    ] {
        command.env(key, value);
    }
    command
}

/// Instructions executed by the program alone (not the tools it runs): callgrind's total.
fn callgrind(command: Command, juju: &FakeJuju) -> Option<u64> {
    // DISPATCH_BENCH_CALLGRIND_DIR keeps each profile there, for callgrind_annotate.
    let keep = std::env::var_os("DISPATCH_BENCH_CALLGRIND_DIR").map(PathBuf::from);
    let name = command.get_program().to_string_lossy().rsplit('/').next().unwrap_or("program").to_string();
    let out_file = match &keep {
        Some(dir) => dir.join(format!("callgrind.{name}.out")),
        None => juju.charm_dir().join("callgrind.out"),
    };
    let mut valgrind = Command::new("valgrind");
    valgrind
        .args(["--tool=callgrind", "--trace-children=no"])
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(command.get_program())
        .args(command.get_args());
    // The commands measured here carry their whole environment (`as_juju_runs_it`):
    // valgrind passes it on to the program as it is, and adds nothing of this process's.
    valgrind.env_clear();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            valgrind.env(key, value);
        }
    }
    valgrind.current_dir(command.get_current_dir().unwrap_or(Path::new(".")));
    let status = valgrind.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).status().ok()?;
    if !status.success() {
        return None;
    }
    let text = std::fs::read_to_string(&out_file).ok()?;
    let total = text.lines().find_map(|l| l.strip_prefix("summary: ").or_else(|| l.strip_prefix("totals: ")))?;
    total.split_whitespace().next()?.parse().ok()
}
