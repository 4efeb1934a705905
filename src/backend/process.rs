//! Running one child process within bounds: its stdin written, its stdout and stderr read,
//! all from one thread with `poll(2)`, as `Command::output` does, plus what `output` lacks: a
//! deadline, a cap on what is read, and no waiting on a grandchild that kept the pipes open.
//!
//! Written by hand over `nix::poll` because no crate offers bounded, deadline-limited output
//! capture without a thread per pipe, and a thread per pipe costs a dispatch of four hook
//! tools about a twentieth of its time.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// How long output is waited for after the child exited: a background child of its own
/// may hold the pipes open, and must not hold the caller.
pub(crate) const AFTER_EXIT: Duration = Duration::from_millis(250);

/// The longest single `poll` wait, so that a child's exit is noticed while a grandchild
/// holds its pipes.
const SLICE: Duration = Duration::from_millis(50);

/// What a child that finished left.
#[derive(Debug)]
pub(crate) struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Why a child did not finish within bounds. It has been killed and reaped in each case.
#[derive(Debug)]
pub(crate) enum Unfinished {
    /// It ran past the deadline.
    TimedOut,
    /// It printed more than the cap on stdout or stderr.
    TooLarge,
    /// Talking to it failed.
    Io(std::io::Error),
}

/// One output pipe and what was read from it.
struct Output<R> {
    pipe: Option<R>,
    bytes: Vec<u8>,
}

impl<R: Read + AsFd> Output<R> {
    fn new(pipe: Option<R>) -> Result<Self, std::io::Error> {
        if let Some(pipe) = &pipe {
            nonblocking(pipe.as_fd())?;
        }
        Ok(Output { pipe, bytes: Vec::new() })
    }

    /// Reads what is there; closes the pipe at end of file. `Err(TooLarge)` past `cap`.
    ///
    /// Reads straight into the buffer's spare room (`read_to_end` does not zero it first),
    /// at most one byte past the cap; a pipe with nothing more for now (`WouldBlock`) keeps
    /// what was read.
    fn drain(&mut self, cap: usize) -> Result<(), Unfinished> {
        let Some(pipe) = &mut self.pipe else { return Ok(()) };
        let room = cap.saturating_add(1).saturating_sub(self.bytes.len()) as u64;
        let outcome = pipe.by_ref().take(room).read_to_end(&mut self.bytes);
        if self.bytes.len() > cap {
            return Err(Unfinished::TooLarge);
        }
        match outcome {
            // Within the cap, so this is the end of the output.
            Ok(_) => {
                self.pipe = None;
                Ok(())
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(Unfinished::Io(e)),
        }
    }
}

fn nonblocking(fd: BorrowedFd<'_>) -> Result<(), std::io::Error> {
    let flags = OFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFL)?);
    fcntl(fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(())
}

/// Feeds `input` to `child`'s stdin, collects its stdout and stderr (each at most `cap`
/// bytes), and reaps it, all before `timeout`. A child still running at the deadline, or
/// printing past the cap, is killed.
pub(crate) fn communicate(
    child: &mut Child,
    input: Option<&[u8]>,
    timeout: Duration,
    cap: usize,
) -> Result<Finished, Unfinished> {
    let outcome = talk(child, input, Instant::now() + timeout, cap);
    if outcome.is_err() {
        let _ = child.kill();
        let _ = child.wait();
    }
    outcome
}

fn talk(child: &mut Child, input: Option<&[u8]>, deadline: Instant, cap: usize) -> Result<Finished, Unfinished> {
    let io = Unfinished::Io;
    let mut stdin = child.stdin.take().filter(|_| input.is_some());
    if let Some(pipe) = &stdin {
        nonblocking(pipe.as_fd()).map_err(io)?;
    }
    let mut input = input.unwrap_or_default();
    let mut stdout = Output::new(child.stdout.take()).map_err(io)?;
    let mut stderr = Output::new(child.stderr.take()).map_err(io)?;
    let mut exited_at: Option<Instant> = None;
    while stdout.pipe.is_some() || stderr.pipe.is_some() {
        let limit = exited_at.map_or(deadline, |at| (at + AFTER_EXIT).min(deadline));
        let now = Instant::now();
        if now >= limit {
            if exited_at.is_some() {
                break; // a grandchild holds the pipes: what was read is the answer
            }
            return Err(Unfinished::TimedOut);
        }
        let wait = (limit - now).min(SLICE);
        let ready = wait_ready(stdin.as_ref(), stdout.pipe.as_ref(), stderr.pipe.as_ref(), wait).map_err(io)?;
        if ready == [false; 3] {
            if exited_at.is_none() && child.try_wait().map_err(io)?.is_some() {
                exited_at = Some(Instant::now());
            }
            continue;
        }
        if ready[0] {
            input = feed(&mut stdin, input).map_err(io)?;
        }
        if ready[1] {
            stdout.drain(cap)?;
        }
        if ready[2] {
            stderr.drain(cap)?;
        }
    }
    drop(stdin);
    let status = reap(child, deadline)?;
    Ok(Finished { status, stdout: stdout.bytes, stderr: stderr.bytes })
}

/// Which of stdin (writable), stdout and stderr (readable, or closed) are ready, after at
/// most `wait`.
fn wait_ready(
    stdin: Option<&impl AsFd>,
    stdout: Option<&impl AsFd>,
    stderr: Option<&impl AsFd>,
    wait: Duration,
) -> Result<[bool; 3], std::io::Error> {
    let wanted = [
        stdin.map(|p| (p.as_fd(), PollFlags::POLLOUT)),
        stdout.map(|p| (p.as_fd(), PollFlags::POLLIN)),
        stderr.map(|p| (p.as_fd(), PollFlags::POLLIN)),
    ];
    let mut fds: Vec<PollFd<'_>> = wanted.iter().flatten().map(|(fd, flags)| PollFd::new(*fd, *flags)).collect();
    let millis = u16::try_from(wait.as_millis()).unwrap_or(u16::MAX);
    match poll(&mut fds, PollTimeout::from(millis)) {
        Ok(_) => {}
        Err(nix::errno::Errno::EINTR) => return Ok([false; 3]),
        Err(e) => return Err(e.into()),
    }
    let mut ready = [false; 3];
    let mut polled = fds.iter();
    for (slot, want) in ready.iter_mut().zip(&wanted) {
        if want.is_some() {
            *slot = polled.next().and_then(PollFd::revents).is_some_and(|r| !r.is_empty());
        }
    }
    Ok(ready)
}

/// Writes what the pipe takes of `input`; closes stdin once all is written, or when the
/// child closed its end (it exited without reading: its status tells what went wrong).
fn feed<'a, W: Write>(stdin: &mut Option<W>, input: &'a [u8]) -> Result<&'a [u8], std::io::Error> {
    let Some(pipe) = stdin else { return Ok(input) };
    let mut rest = input;
    while !rest.is_empty() {
        match pipe.write(rest) {
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(rest),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::BrokenPipe => break,
            Err(e) => return Err(e),
        }
    }
    *stdin = None;
    Ok(&[])
}

/// The child's exit status: it exits at once after closing its output, unless it closed
/// it and went on running, which the deadline bounds.
fn reap(child: &mut Child, deadline: Instant) -> Result<ExitStatus, Unfinished> {
    // Its pipes are closed, so the tool is exiting: for the first moments, give it the CPU
    // (a sleep, however short, costs tens of microseconds of timer slack, per tool call);
    // then wait longer and longer for one that lingers, up to the deadline.
    let yielding_until = Instant::now() + Duration::from_micros(500);
    let mut pause = Duration::from_micros(50);
    loop {
        if let Some(status) = child.try_wait().map_err(Unfinished::Io)? {
            return Ok(status);
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Unfinished::TimedOut);
        }
        if now < yielding_until {
            std::thread::yield_now();
            continue;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    fn spawn(script: &str) -> Child {
        Command::new("sh")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    #[test]
    fn input_larger_than_a_pipe_goes_through_while_output_comes_back() {
        let input = vec![b'x'; 1024 * 1024];
        let mut child = spawn("cat; echo done >&2");
        let done = communicate(&mut child, Some(&input), Duration::from_secs(30), usize::MAX).unwrap();
        assert!(done.status.success());
        assert_eq!(done.stdout, input);
        assert_eq!(done.stderr, b"done\n");
    }

    #[test]
    fn a_child_that_does_not_read_its_input_is_not_waited_on() {
        let input = vec![b'x'; 1024 * 1024];
        let mut child = spawn("exit 3");
        let done = communicate(&mut child, Some(&input), Duration::from_secs(30), usize::MAX).unwrap();
        assert_eq!(done.status.code(), Some(3));
    }

    #[test]
    fn output_past_the_cap_kills_the_child() {
        let mut child = spawn("yes");
        let started = Instant::now();
        let err = communicate(&mut child, None, Duration::from_secs(30), 1024 * 1024).unwrap_err();
        assert!(matches!(err, Unfinished::TooLarge), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_child_that_closes_its_output_and_runs_on_meets_the_deadline() {
        let mut child = spawn("exec >&- 2>&-; sleep 30");
        let err = communicate(&mut child, None, Duration::from_millis(300), usize::MAX).unwrap_err();
        assert!(matches!(err, Unfinished::TimedOut), "{err:?}");
    }
}
