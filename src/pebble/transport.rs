//! Blocking HTTP/1.1 over Pebble's Unix socket.
//!
//! Written by hand on `httparse` rather than taken from an HTTP client crate: the
//! blocking ones cannot address a Unix socket without their unstable transport APIs, and
//! the async ones need a runtime a charm has no use for (peers-and-style.md §E). One
//! request per connection (`Connection: close`); bodies by `Content-Length`, chunked
//! transfer encoding (Go switches to it for large bodies), or to end of stream.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use super::PebbleError;

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
    let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    format!("{path}?{}", pairs.join("&"))
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends `request` to the socket at `socket` and reads the whole response.
pub(crate) fn send(socket: &Path, timeout: Duration, request: &Request<'_>) -> Result<Response, PebbleError> {
    let mut stream = UnixStream::connect(socket).map_err(|e| PebbleError::connection(socket, &e))?;
    let io = |e: std::io::Error| PebbleError::io(socket, e);
    stream.set_read_timeout(Some(timeout)).map_err(io)?;
    stream.set_write_timeout(Some(timeout)).map_err(io)?;
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
    read_response(&mut stream).map_err(|e| match e {
        ReadError::Io(e) => io(e),
        ReadError::Protocol(message) => PebbleError::Protocol(message),
    })
}

enum ReadError {
    Io(std::io::Error),
    Protocol(String),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn read_more(stream: &mut impl Read, buf: &mut Vec<u8>) -> Result<usize, ReadError> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk)?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

fn read_response(stream: &mut impl Read) -> Result<Response, ReadError> {
    let mut buf = Vec::new();
    let (status, headers, consumed) = loop {
        let mut parsed_headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut parsed_headers);
        match response.parse(&buf).map_err(|e| ReadError::Protocol(format!("bad response head: {e}")))? {
            httparse::Status::Complete(consumed) => {
                let headers = response
                    .headers
                    .iter()
                    .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
                    .collect::<Vec<_>>();
                break (response.code.unwrap_or(0), headers, consumed);
            }
            httparse::Status::Partial => {
                if read_more(stream, &mut buf)? == 0 {
                    return Err(ReadError::Protocol("connection closed before the response head".into()));
                }
            }
        }
    };
    buf.drain(..consumed);
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(stream, buf)?
    } else if let Some(length) = header("content-length") {
        let length: usize =
            length.trim().parse().map_err(|_| ReadError::Protocol(format!("bad Content-Length {length:?}")))?;
        while buf.len() < length {
            if read_more(stream, &mut buf)? == 0 {
                return Err(ReadError::Protocol(format!("body ended after {} of {length} bytes", buf.len())));
            }
        }
        buf.truncate(length);
        buf
    } else {
        while read_more(stream, &mut buf)? > 0 {}
        buf
    };
    Ok(Response { status, headers, body })
}

fn read_chunked(stream: &mut impl Read, mut buf: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let (consumed, size) = loop {
            match httparse::parse_chunk_size(&buf) {
                Ok(httparse::Status::Complete((consumed, size))) => break (consumed, size as usize),
                Ok(httparse::Status::Partial) => {
                    if read_more(stream, &mut buf)? == 0 {
                        return Err(ReadError::Protocol("chunked body ended early".into()));
                    }
                }
                Err(_) => return Err(ReadError::Protocol("bad chunk size".into())),
            }
        };
        if size == 0 {
            return Ok(body);
        }
        while buf.len() < consumed + size + 2 {
            if read_more(stream, &mut buf)? == 0 {
                return Err(ReadError::Protocol("chunked body ended inside a chunk".into()));
            }
        }
        body.extend_from_slice(&buf[consumed..consumed + size]);
        buf.drain(..consumed + size + 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Result<Response, String> {
        read_response(&mut &raw[..]).map_err(|e| match e {
            ReadError::Io(e) => e.to_string(),
            ReadError::Protocol(m) => m,
        })
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
    fn queries_are_encoded() {
        let q = path_with_query("/v1/services", &[("names", "a,b".into()), ("x", "a b&c".into())]);
        assert_eq!(q, "/v1/services?names=a,b&x=a%20b%26c");
    }
}
