//! Files in the workload container: push, pull, list, make directories, remove.
//!
//! Reads and writes travel as `multipart/form-data` (a JSON `request` part and a `files`
//! part); Pebble reports a failure on one file inside a 200 response, which becomes a
//! [`PebbleError::Path`].

use serde::Deserialize;
use serde_json::{Value, json};

use super::client::decode;
use super::transport::{self, Request};
use super::{Client, FileType, FilesApi, Listing, PathFailure, PathFailureCause, PebbleError, ProtocolError};

/// A file as `list_files` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileInfo {
    /// The full path.
    pub path: String,
    /// The base name.
    pub name: String,
    /// What it is.
    #[serde(rename = "type")]
    pub kind: FileType,
    /// The size in bytes (files only).
    #[serde(default)]
    pub size: Option<u64>,
    /// The permission bits, as Pebble's octal string parsed (`0o644`).
    #[serde(deserialize_with = "octal")]
    pub permissions: u32,
    /// When it was last modified (RFC 3339).
    #[serde(default)]
    pub last_modified: String,
    /// The owner's id.
    #[serde(default)]
    pub user_id: Option<u32>,
    /// The owner's name.
    #[serde(default)]
    pub user: Option<String>,
    /// The group's id.
    #[serde(default)]
    pub group_id: Option<u32>,
    /// The group's name.
    #[serde(default)]
    pub group: Option<String>,
}

impl FileInfo {
    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        self.kind == FileType::Directory
    }
}

fn octal<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let text = String::deserialize(deserializer)?;
    u32::from_str_radix(&text, 8).map_err(serde::de::Error::custom)
}

/// Who owns a pushed file or a new directory, and its permissions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileOptions {
    /// Create missing parent directories.
    pub make_parents: bool,
    /// Permission bits (`0o644`); Pebble's default when `None`.
    pub permissions: Option<u32>,
    /// Owner's id.
    pub user_id: Option<u32>,
    /// Owner's name.
    pub user: Option<String>,
    /// Group's id.
    pub group_id: Option<u32>,
    /// Group's name.
    pub group: Option<String>,
}

impl FileOptions {
    fn apply(&self, item: &mut Value) {
        if let Some(permissions) = self.permissions {
            item["permissions"] = json!(format!("{permissions:03o}"));
        }
        let fields = [("user-id", self.user_id.map(Value::from)), ("group-id", self.group_id.map(Value::from))];
        for (key, value) in fields {
            if let Some(value) = value {
                item[key] = value;
            }
        }
        for (key, value) in [("user", &self.user), ("group", &self.group)] {
            if let Some(value) = value {
                item[key] = json!(value);
            }
        }
    }
}

/// Pebble's per-path results: the first error, if any, as a [`PebbleError::Path`].
fn check_paths(result: &Value) -> Result<(), PebbleError> {
    for item in result.as_array().into_iter().flatten() {
        if let Some(error) = item.get("error").filter(|e| !e.is_null()) {
            let text = |key: &str| error.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
            return Err(PebbleError::Path {
                path: item.get("path").and_then(Value::as_str).unwrap_or_default().to_owned(),
                kind: text("kind"),
                message: text("message"),
            });
        }
    }
    Ok(())
}

fn boundary() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{:032x}", nanos ^ (u128::from(std::process::id()) << 64))
}

impl FilesApi for Client {
    fn list_files(&self, path: &str, pattern: Option<&str>, listing: Listing) -> Result<Vec<FileInfo>, PebbleError> {
        let mut query = vec![("path", path.to_owned())];
        query.extend(pattern.map(|p| ("pattern", p.to_owned())));
        if listing == Listing::Itself {
            query.push(("itself", "true".to_owned()));
        }
        query.push(("action", "list".to_owned()));
        let (result, _) = self.call("GET", "/v1/files", &query, None)?;
        decode(result, "file list")
    }

    fn make_dir(&self, path: &str, options: &FileOptions) -> Result<(), PebbleError> {
        let mut dir = json!({"path": path, "make-parents": options.make_parents});
        options.apply(&mut dir);
        let (result, _) = self.call("POST", "/v1/files", &[], Some(json!({"action": "make-dirs", "dirs": [dir]})))?;
        check_paths(&result)
    }

    fn remove_path(&self, path: &str, recursive: bool) -> Result<(), PebbleError> {
        let body = json!({"action": "remove", "paths": [{"path": path, "recursive": recursive}]});
        let (result, _) = self.call("POST", "/v1/files", &[], Some(body))?;
        check_paths(&result)
    }

    fn push(&self, path: &str, content: &[u8], options: &FileOptions) -> Result<(), PebbleError> {
        let filename = multipart_filename(path)?;
        let mut file = json!({"path": path});
        if options.make_parents {
            file["make-dirs"] = json!(true);
        }
        options.apply(&mut file);
        let request_json = json!({"action": "write", "files": [file]}).to_string();
        let boundary = boundary();
        let mut body = Vec::new();
        body.extend(format!("--{boundary}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{request_json}\r\n").bytes());
        body.extend(format!("--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n\r\n").bytes());
        body.extend_from_slice(content);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let headers = vec![
            ("Accept", "application/json".to_owned()),
            ("Content-Type", format!("multipart/form-data; boundary=\"{boundary}\"")),
        ];
        let response = self.send(&Request { method: "POST", path: "/v1/files".into(), headers, body })?;
        let (result, _) = self.unwrap_json("POST", "/v1/files", &response)?;
        check_paths(&result)
    }

    fn pull(&self, path: &str) -> Result<Vec<u8>, PebbleError> {
        let query = [("action", "read".to_owned()), ("path", path.to_owned())];
        let headers = vec![("Accept", "multipart/form-data".to_owned())];
        let request =
            Request { method: "GET", path: transport::path_with_query("/v1/files", &query), headers, body: vec![] };
        let response = self.send(&request)?;
        let content_type = response.header("content-type").unwrap_or_default().to_owned();
        if !content_type.starts_with("multipart/form-data") {
            // Errors that are not about the file come back as plain JSON.
            self.unwrap_json("GET", "/v1/files", &response)?;
            return Err(PebbleError::Protocol(ProtocolError::ContentType {
                request: format!("pull of {path}"),
                status: response.status,
                content_type,
                expected: "multipart/form-data",
            }));
        }
        let parts = multipart_parts(&content_type, &response.body)?;
        let meta = parts
            .iter()
            .find(|p| p.name == "response")
            .ok_or_else(|| missing(format!("the response part of the pull of {path}")))?;
        let meta: Value = serde_json::from_slice(&meta.body).map_err(|e| {
            PebbleError::Protocol(ProtocolError::Decode { what: format!("pull of {path}"), reason: e.to_string() })
        })?;
        check_paths(&meta["result"])?;
        parts
            .into_iter()
            .find(|p| p.name == "files")
            .map(|p| p.body)
            .ok_or_else(|| missing(format!("the file part of the pull of {path}")))
    }
}

/// The path as a quoted multipart file name: quotes and backslashes escaped, as Go's
/// MIME parser reads them; a line break or NUL, which would end the part's head, refused.
fn multipart_filename(path: &str) -> Result<String, PebbleError> {
    if path.contains(['\r', '\n', '\0']) {
        return Err(PebbleError::InvalidArgument {
            what: "path",
            value: path.to_owned(),
            reason: "a line break or NUL cannot be sent",
        });
    }
    Ok(path.replace('\\', "\\\\").replace('"', "\\\""))
}

fn missing(what: String) -> PebbleError {
    PebbleError::Protocol(ProtocolError::Missing { what })
}

/// One part of a multipart body.
struct Part {
    name: String,
    body: Vec<u8>,
}

fn multipart_parts(content_type: &str, body: &[u8]) -> Result<Vec<Part>, PebbleError> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .ok_or_else(|| missing("the multipart boundary".to_owned()))?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    for section in split(body, &delimiter).into_iter().skip(1) {
        if section.starts_with(b"--") {
            break;
        }
        let section = section.strip_prefix(b"\r\n").unwrap_or(section);
        let Some(head_end) = find(section, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&section[..head_end]);
        let name = head
            .split(';')
            .find_map(|p| p.trim().strip_prefix("name="))
            .map(|n| n.split(['\r', '\n']).next().unwrap_or(n).trim_matches('"').to_owned())
            .unwrap_or_default();
        let content = &section[head_end + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        parts.push(Part { name, body: content.to_vec() });
    }
    Ok(parts)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut data: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(data, delimiter) {
        out.push(&data[..at]);
        data = &data[at + delimiter.len()..];
    }
    out.push(data);
    out
}

/// Copies local files and directories into `dest_dir` in the container (ops' `push_path`).
///
/// A source directory is copied with its own name (`/src/conf` → `<dest>/conf/...`);
/// `dir/*` copies what is in it. Symlinks are followed. Failures are collected per file
/// and reported together as [`PebbleError::PushPull`] after everything else was copied.
pub(super) fn push_path<F: FilesApi + ?Sized>(
    api: &F,
    sources: &[&std::path::Path],
    dest_dir: &str,
) -> Result<(), PebbleError> {
    let mut failures = Vec::new();
    for source in sources {
        let text = source.to_string_lossy();
        let (root, items): (std::path::PathBuf, Vec<std::path::PathBuf>) = match text.strip_suffix("/*") {
            Some(dir) => match std::fs::read_dir(dir) {
                Ok(entries) => (dir.into(), entries.filter_map(|e| e.ok().map(|e| e.path())).collect()),
                Err(error) => {
                    failures.push(PathFailure { path: dir.to_owned(), cause: error.into() });
                    continue;
                }
            },
            None => (source.parent().map(|p| p.to_path_buf()).unwrap_or_default(), vec![source.to_path_buf()]),
        };
        for item in items {
            push_tree(api, &root, &item, dest_dir, &mut failures);
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(PebbleError::PushPull { failures }) }
}

fn push_tree<F: FilesApi + ?Sized>(
    api: &F,
    root: &std::path::Path,
    local: &std::path::Path,
    dest_dir: &str,
    failures: &mut Vec<PathFailure>,
) {
    let relative = local.strip_prefix(root).unwrap_or(local).to_string_lossy().into_owned();
    let remote = format!("{}/{}", dest_dir.trim_end_matches('/'), relative.trim_start_matches('/'));
    let options = FileOptions { make_parents: true, ..FileOptions::default() };
    let result = if local.is_dir() {
        api.make_dir(&remote, &options).map_err(PathFailureCause::from).and_then(|()| {
            let entries = std::fs::read_dir(local)?;
            for entry in entries.filter_map(Result::ok) {
                push_tree(api, root, &entry.path(), dest_dir, failures);
            }
            Ok(())
        })
    } else {
        std::fs::read(local)
            .map_err(PathFailureCause::from)
            .and_then(|content| Ok(api.push(&remote, &content, &options)?))
    };
    if let Err(cause) = result {
        failures.push(PathFailure { path: local.display().to_string(), cause });
    }
}

/// Copies files and directories from the container into local `dest_dir` (ops' `pull_path`);
/// the same naming rules as [`push_path`].
pub(super) fn pull_path<F: FilesApi + ?Sized>(
    api: &F,
    sources: &[&str],
    dest_dir: &std::path::Path,
) -> Result<(), PebbleError> {
    let mut failures = Vec::new();
    for source in sources {
        let (root, items) = match source.strip_suffix("/*") {
            Some(dir) => match api.list_files(dir, None, Listing::Contents) {
                Ok(files) => (dir.to_owned(), files),
                Err(error) => {
                    failures.push(PathFailure { path: dir.to_owned(), cause: error.into() });
                    continue;
                }
            },
            None => match api.list_files(source, None, Listing::Itself) {
                Ok(files) => (parent_dir(source).to_owned(), files),
                Err(error) => {
                    failures.push(PathFailure { path: (*source).to_owned(), cause: error.into() });
                    continue;
                }
            },
        };
        for item in items {
            pull_tree(api, &root, &item, dest_dir, &mut failures);
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(PebbleError::PushPull { failures }) }
}

fn parent_dir(path: &str) -> &str {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((parent, _)) => parent,
    }
}

fn pull_tree<F: FilesApi + ?Sized>(
    api: &F,
    root: &str,
    item: &FileInfo,
    dest_dir: &std::path::Path,
    failures: &mut Vec<PathFailure>,
) {
    let relative = item.path.strip_prefix(root).unwrap_or(&item.path).trim_start_matches('/');
    let local = dest_dir.join(relative);
    let result = if item.is_dir() {
        std::fs::create_dir_all(&local).map_err(PathFailureCause::from).and_then(|()| {
            let children = api.list_files(&item.path, None, Listing::Contents)?;
            for child in &children {
                pull_tree(api, root, child, dest_dir, failures);
            }
            Ok(())
        })
    } else {
        api.pull(&item.path).map_err(PathFailureCause::from).and_then(|content| {
            if let Some(parent) = local.parent() {
                std::fs::create_dir_all(parent)?;
            }
            Ok(std::fs::write(&local, content)?)
        })
    };
    if let Err(cause) = result {
        failures.push(PathFailure { path: item.path.clone(), cause });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_parts_are_split_by_name() {
        let body = b"--XYZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"/a\"\r\n\r\nline1\r\nline2\r\n--XYZ\r\nContent-Disposition: form-data; name=\"response\"\r\n\r\n{\"result\":[]}\r\n--XYZ--\r\n";
        let parts = multipart_parts("multipart/form-data; boundary=XYZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].body.as_slice()), ("files", &b"line1\r\nline2"[..]));
        assert_eq!(parts[1].name, "response");
    }

    #[test]
    fn per_path_errors_become_path_errors() {
        let result = json!([{"path": "/x", "error": {"kind": "not-found", "message": "stat /x: no such file"}}]);
        let err = check_paths(&result).unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.to_string(), "Pebble could not use /x (not-found): stat /x: no such file");
    }
}
