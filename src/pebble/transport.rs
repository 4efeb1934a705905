//! Blocking HTTP/1.1 over Pebble's Unix socket.
//!
//! Written by hand on `httparse` rather than taken from an HTTP client crate: the
//! blocking ones cannot address a Unix socket without their unstable transport APIs, and
//! the async ones need a runtime a charm has no use for. One
//! request per connection (`Connection: close`); bodies by `Content-Length`, chunked
//! transfer encoding (Go switches to it for large bodies), or to end of stream.
//!
//! A server is not trusted to be well behaved: the whole exchange has one deadline (not
//! one per read, which a byte every half second would defeat), the response head and body
//! are capped, chunk sizes are checked before any arithmetic, and every id or name put in
//! a request path is percent-encoded.

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{PebbleError, ProtocolError};

/// The largest response head read: Pebble's are a few hundred bytes.
pub(crate) const MAX_HEAD: usize = 64 * 1024;

/// What bounds one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The whole exchange, connection to last byte.
    pub timeout: Duration,
    /// The largest response body kept.
    pub max_body: usize,
}

/// A request: method, path with its query, extra headers, body.
#[derive(Debug, Clone)]
pub(crate) struct Request<'a> {
    pub method: &'a str,
    pub path: String,
    pub headers: Vec<(&'a str, String)>,
    pub body: Vec<u8>,
}

/// A response: status, headers (names lowercased), body.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// `path?k=v&k2=v2`, percent-encoding what needs it.
pub(crate) fn path_with_query(path: &str, query: &[(&str, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", encode(k, b",/"), encode(v, b",/"))).collect();
    format!("{path}?{}", pairs.join("&"))
}

/// One path segment (a change id, a notice id, a task id), encoded so that nothing in it
/// can end the segment, the path or the request line (`/`, `..`, `?`, CR LF all escape).
pub(crate) fn segment(text: &str) -> String {
    match text {
        // `.` and `..` are unreserved, yet a segment of them walks the path.
        "." | ".." => text.replace('.', "%2E"),
        _ => encode(text, b""),
    }
}

fn encode(text: &str, also_plain: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || also_plain.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stream whose reads and writes all end by one deadline (or never, without one).
pub(crate) struct Deadlined {
    stream: UnixStream,
    deadline: Option<Instant>,
}

impl Deadlined {
    /// Connects to `socket`; the connection and everything after it share `timeout`.
    pub fn connect(socket: &Path, timeout: Duration) -> Result<Self, PebbleError> {
        let stream = UnixStream::connect(socket).map_err(|e| PebbleError::connection(socket, &e))?;
        Ok(Deadlined { stream, deadline: Some(Instant::now() + timeout) })
    }

    /// Time left, as a socket timeout (never zero, which would mean "none").
    fn remaining(&self) -> std::io::Result<Option<Duration>> {
        let Some(deadline) = self.deadline else { return Ok(None) };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(ErrorKind::TimedOut, "deadline passed"));
        }
        Ok(Some(left))
    }

    /// Moves the deadline (an exec stream lives as long as its command may run).
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// The same socket again (a duplicated descriptor), with `deadline`: one half writes
    /// while the other reads.
    pub fn try_clone_with(&self, deadline: Option<Instant>) -> std::io::Result<Deadlined> {
        Ok(Deadlined { stream: self.stream.try_clone()?, deadline })
    }
}

impl Read for Deadlined {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.set_read_timeout(self.remaining()?)?;
        self.stream.read(buf)
    }
}

impl Write for Deadlined {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.set_write_timeout(self.remaining()?)?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

/// Sends `request` to the socket at `socket` and reads the whole response, within `limits`.
pub(crate) fn send(socket: &Path, limits: Limits, request: &Request<'_>) -> Result<Response, PebbleError> {
    let what = || format!("{} {}", request.method, request.path.split('?').next().unwrap_or_default());
    let io = |e: std::io::Error| PebbleError::io(socket, &what(), e);
    let mut stream = Deadlined::connect(socket, limits.timeout)?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method,
        request.path,
        request.body.len()
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(&request.body).map_err(io)?;
    read_response(&mut stream, limits.max_body).map_err(|e| match e {
        ReadError::Io(e) => io(e),
        ReadError::Protocol(message) => PebbleError::Protocol(ProtocolError::Http(format!("{}: {message}", what()))),
        ReadError::TooLarge(limit) => PebbleError::Protocol(ProtocolError::TooLarge { what: what(), limit }),
    })
}

#[derive(Debug)]
enum ReadError {
    Io(std::io::Error),
    Protocol(String),
    TooLarge(usize),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn read_more(stream: &mut impl Read, buf: &mut Vec<u8>) -> Result<usize, ReadError> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(n);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

fn read_response(stream: &mut impl Read, max_body: usize) -> Result<Response, ReadError> {
    let mut buf = Vec::new();
    let head_end = read_head(stream, &mut buf)?;
    let mut parsed_headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut parsed_headers);
    response.parse(&buf[..head_end]).map_err(|e| ReadError::Protocol(format!("bad response head: {e}")))?;
    let status = response.code.unwrap_or(0);
    let headers: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
        .collect();
    buf.drain(..head_end);
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(stream, buf, max_body)?
    } else if let Some(length) = header("content-length") {
        let length: u64 =
            length.trim().parse().map_err(|_| ReadError::Protocol(format!("bad Content-Length {length:?}")))?;
        let length = usize::try_from(length).ok().filter(|l| *l <= max_body).ok_or(ReadError::TooLarge(max_body))?;
        while buf.len() < length {
            if read_more(stream, &mut buf)? == 0 {
                return Err(ReadError::Protocol(format!("body ended after {} of {length} bytes", buf.len())));
            }
        }
        buf.truncate(length);
        buf
    } else {
        while read_more(stream, &mut buf)? > 0 {
            if buf.len() > max_body {
                return Err(ReadError::TooLarge(max_body));
            }
        }
        buf
    };
    Ok(Response { status, headers, body })
}

/// Reads until the blank line that ends the head; its length. The search resumes where
/// the last one stopped, so a head sent a byte at a time costs linear time.
fn read_head(stream: &mut impl Read, buf: &mut Vec<u8>) -> Result<usize, ReadError> {
    let mut searched = 0;
    loop {
        if let Some(at) = buf[searched..].windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(searched + at + 4);
        }
        searched = buf.len().saturating_sub(3);
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Protocol(format!("response head longer than {MAX_HEAD} bytes")));
        }
        if read_more(stream, buf)? == 0 {
            return Err(ReadError::Protocol("connection closed before the response head".into()));
        }
    }
}

fn read_chunked(stream: &mut impl Read, mut buf: Vec<u8>, max_body: usize) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let (consumed, size) = loop {
            match httparse::parse_chunk_size(&buf) {
                Ok(httparse::Status::Complete((consumed, size))) => break (consumed, size),
                Ok(httparse::Status::Partial) => {
                    if buf.len() > MAX_HEAD {
                        return Err(ReadError::Protocol("chunk size line too long".into()));
                    }
                    if read_more(stream, &mut buf)? == 0 {
                        return Err(ReadError::Protocol("chunked body ended early".into()));
                    }
                }
                Err(_) => return Err(ReadError::Protocol("bad chunk size".into())),
            }
        };
        // Checked before any arithmetic: a size near u64::MAX must be an error, not an overflow.
        let room = (max_body - body.len()) as u64;
        if size > room {
            return Err(ReadError::TooLarge(max_body));
        }
        let size = size as usize;
        if size == 0 {
            return Ok(body);
        }
        while buf.len() < consumed + size + 2 {
            if read_more(stream, &mut buf)? == 0 {
                return Err(ReadError::Protocol("chunked body ended inside a chunk".into()));
            }
        }
        if &buf[consumed + size..consumed + size + 2] != b"\r\n" {
            return Err(ReadError::Protocol("chunk not followed by CRLF".into()));
        }
        body.extend_from_slice(&buf[consumed..consumed + size]);
        buf.drain(..consumed + size + 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(raw: &[u8], max_body: usize) -> Result<Response, String> {
        read_response(&mut &raw[..], max_body).map_err(|e| match e {
            ReadError::Io(e) => e.to_string(),
            ReadError::Protocol(m) => m,
            ReadError::TooLarge(limit) => format!("too large: {limit}"),
        })
    }

    fn parse(raw: &[u8]) -> Result<Response, String> {
        parse_with(raw, 1 << 20)
    }

    #[test]
    fn content_length_body() {
        let r =
            parse(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}extra").unwrap();
        assert_eq!(
            (r.status, r.body.as_slice(), r.header("content-type")),
            (200, &b"{}"[..], Some("application/json"))
        );
    }

    #[test]
    fn chunked_body() {
        let r = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n")
            .unwrap();
        assert_eq!(r.body, b"{\"a\":1}");
    }

    #[test]
    fn body_to_end_of_stream() {
        assert_eq!(parse(b"HTTP/1.1 504 Gateway Timeout\r\n\r\nlate").unwrap().body, b"late");
    }

    #[test]
    fn truncated_bodies_are_protocol_errors() {
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").unwrap_err().contains("body ended"));
        assert!(parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nab").is_err());
        assert!(parse(b"HTTP/1.1 2").is_err());
    }

    #[test]
    fn sizes_past_the_cap_are_refused_before_reading() {
        let huge_chunk = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab";
        assert_eq!(parse(huge_chunk).unwrap_err(), "too large: 1048576");
        let long = b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n";
        assert!(parse(long).is_err());
        let over = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789a";
        assert_eq!(parse_with(over, 10).unwrap_err(), "too large: 10");
        let mut endless = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        endless.extend(std::iter::repeat_n(b'x', 100_000));
        assert_eq!(parse_with(&endless, 50_000).unwrap_err(), "too large: 50000");
        let mut chunks = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..20 {
            chunks.extend(b"1000\r\n");
            chunks.extend([b'x'; 0x1000]);
            chunks.extend(b"\r\n");
        }
        assert_eq!(parse_with(&chunks, 50_000).unwrap_err(), "too large: 50000");
    }

    #[test]
    fn an_endless_head_is_refused() {
        let mut raw = b"HTTP/1.1 200 OK\r\n".to_vec();
        while raw.len() < 2 * MAX_HEAD {
            raw.extend(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }
        assert!(parse(&raw).unwrap_err().contains("longer than"));
    }

    #[test]
    fn queries_and_segments_are_encoded() {
        let q = path_with_query("/v1/services", &[("names", "a,b".into()), ("x", "a b&c".into())]);
        assert_eq!(q, "/v1/services?names=a,b&x=a%20b%26c");
        assert_eq!(segment("1\r\nX-Injected: yes"), "1%0D%0AX-Injected%3A%20yes");
        assert_eq!(segment("../../v1/plan"), "..%2F..%2Fv1%2Fplan");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("42"), "42");
    }
}
