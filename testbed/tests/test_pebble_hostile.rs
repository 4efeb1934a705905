//! The Pebble client against a server that misbehaves: malformed, truncated, oversized,
//! slow and silent answers each give a typed error within the deadline, never a panic, and
//! never make the client hold more than its cap.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ops::pebble::{Client, ExecOptions, PebbleError, ProtocolError};
use ops::prelude::*;

const TIMEOUT: Duration = Duration::from_millis(800);
const CAP: usize = 1024 * 1024;

/// A server answering every connection with `answer`; counts the bytes it got out.
struct Hostile {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    sent: Arc<AtomicUsize>,
}

impl Hostile {
    fn start(answer: fn(&mut UnixStream, &AtomicUsize)) -> Hostile {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("pebble.socket");
        let listener = UnixListener::bind(&socket).unwrap();
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = sent.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let counter = counter.clone();
                std::thread::spawn(move || {
                    read_head(&mut stream);
                    answer(&mut stream, &counter);
                });
            }
        });
        Hostile { _dir: dir, socket, sent }
    }

    fn client(&self) -> Client {
        Client::new(&self.socket).with_timeout(TIMEOUT).with_max_response(CAP)
    }
}

fn read_head(stream: &mut UnixStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
}

fn send(stream: &mut UnixStream, counter: &AtomicUsize, bytes: &[u8]) -> bool {
    let ok = stream.write_all(bytes).is_ok();
    if ok {
        counter.fetch_add(bytes.len(), Ordering::Relaxed);
    }
    ok
}

/// Runs `call` against `server`: its error, and how long it took.
fn failing<T: std::fmt::Debug>(call: impl FnOnce() -> Result<T, PebbleError>) -> (PebbleError, Duration) {
    let started = Instant::now();
    let error = call().expect_err("a misbehaving server must be an error");
    let took = started.elapsed();
    assert!(took < TIMEOUT + Duration::from_secs(2), "took {took:?}: {error}");
    (error, took)
}

fn is_protocol(error: &PebbleError) -> bool {
    matches!(error, PebbleError::Protocol(_))
}

fn is_too_large(error: &PebbleError) -> bool {
    matches!(error, PebbleError::Protocol(ProtocolError::TooLarge { .. }))
}

#[test]
fn a_malformed_head_is_a_protocol_error() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 2x0 Whatever\r\nno colon here\r\n\r\n");
    });
    let (error, _) = failing(|| server.client().get_system_info());
    assert!(is_protocol(&error), "{error}");
}

#[test]
fn a_truncated_body_is_a_protocol_error() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":");
    });
    let (error, _) = failing(|| server.client().get_system_info());
    assert!(is_protocol(&error), "{error}");
}

#[test]
fn a_body_that_is_not_json_is_a_protocol_error() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello");
    });
    let (error, _) = failing(|| server.client().get_plan());
    assert!(is_protocol(&error), "{error}");
}

#[test]
fn a_huge_content_length_is_refused_before_reading() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n");
        while send(s, c, &[b' '; 65536]) {}
    });
    let (error, _) = failing(|| server.client().get_plan());
    assert!(is_too_large(&error), "{error}");
}

#[test]
fn a_chunk_size_at_the_top_of_u64_is_an_error_not_a_panic() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        send(s, c, b"ffffffffffffffff\r\nabc");
    });
    let (error, _) = failing(|| server.client().get_plan());
    assert!(is_too_large(&error), "{error}");
}

#[test]
fn an_endless_body_stops_at_the_cap() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n");
        while send(s, c, &[b' '; 65536]) {}
    });
    let (error, _) = failing(|| server.client().get_plan());
    assert!(is_too_large(&error), "{error}");
    std::thread::sleep(Duration::from_millis(100));
    let sent = server.sent.load(Ordering::Relaxed);
    // What was read is the cap; the rest of what the server managed to write sat in the
    // socket's buffers until the client hung up.
    assert!(sent < CAP + 8 * 1024 * 1024, "the server got {sent} bytes out");
}

#[test]
fn endless_chunks_stop_at_the_cap() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        let mut chunk = b"10000\r\n".to_vec();
        chunk.extend([b' '; 0x10000]);
        chunk.extend(b"\r\n");
        while send(s, c, &chunk) {}
    });
    let (error, _) = failing(|| server.client().get_plan());
    assert!(is_too_large(&error), "{error}");
}

#[test]
fn an_endless_head_is_a_protocol_error() {
    let server = Hostile::start(|s, c| {
        send(s, c, b"HTTP/1.1 200 OK\r\n");
        while send(s, c, b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n") {}
    });
    let (error, _) = failing(|| server.client().get_plan());
    assert!(is_protocol(&error), "{error}");
}

#[test]
fn a_silent_server_is_a_timeout_at_the_deadline() {
    let server = Hostile::start(|_, _| std::thread::sleep(Duration::from_secs(30)));
    let (error, took) = failing(|| server.client().get_plan());
    assert!(matches!(error, PebbleError::Timeout { .. }), "{error}");
    assert!(took >= TIMEOUT);
}

#[test]
fn a_server_trickling_a_byte_at_a_time_meets_one_deadline() {
    let server = Hostile::start(|s, c| {
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n".iter().cycle()
        {
            if !send(s, c, &[*byte]) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let (error, _) = failing(|| server.client().get_plan());
    assert!(matches!(error, PebbleError::Timeout { .. }), "{error}");
}

#[test]
fn an_exec_whose_websockets_never_answer_times_out() {
    let server = Hostile::start(|s, c| {
        // /v1/exec is accepted; every websocket connection after it hears nothing.
        let body = br#"{"type":"async","status-code":202,"status":"Accepted","change":"1","result":{"task-id":"2"}}"#;
        let head = format!(
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        if CALLS.fetch_add(1, Ordering::Relaxed) == 0 {
            send(s, c, head.as_bytes());
            send(s, c, body);
        } else {
            std::thread::sleep(Duration::from_secs(30));
        }
    });
    let (error, _) = failing(|| server.client().exec(&["true"], &ExecOptions::default()));
    assert!(matches!(error, PebbleError::Timeout { .. }), "{error}");
}
