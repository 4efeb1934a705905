//! Secret content on its way to `secret-add` and `secret-set`: never on the command line
//! (where `ps` and `/proc` show it), but in files only this user can read, in a directory
//! only this user can open, removed as soon as the tool has run, whether it succeeded or
//! not.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

use crate::secret::SecretContent;

use super::BackendError;

/// One file per content key, in a private temporary directory removed on drop.
pub(crate) struct ContentFiles {
    dir: tempfile::TempDir,
}

impl ContentFiles {
    /// Writes each value of `content` to `<dir>/<key>` (the keys are checked names, so
    /// they are safe file names).
    pub fn write(tool: &'static str, content: &SecretContent) -> Result<Self, BackendError> {
        let error = |error| BackendError::ContentFiles { tool, error };
        // Made 0700 from the start (not chmod-ed after), and removed with what is inside
        // when dropped.
        let dir = tempfile::Builder::new()
            .prefix("juju-ops-secret-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()
            .map_err(error)?;
        for (key, value) in content.iter() {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(dir.path().join(key))
                .map_err(error)?;
            file.write_all(value.as_bytes()).map_err(error)?;
        }
        Ok(ContentFiles { dir })
    }

    /// The directory, as it goes into `<key>#file=<dir>/<key>`.
    pub fn dir(&self) -> String {
        self.dir.path().display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_files_gone_after_use() {
        let content = SecretContent::from_pairs([("password", "hunter2"), ("username", "app")]).unwrap();
        let files = ContentFiles::write("secret-add", &content).unwrap();
        let dir = std::path::PathBuf::from(files.dir());
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        let password = dir.join("password");
        assert_eq!(std::fs::read_to_string(&password).unwrap(), "hunter2");
        assert_eq!(std::fs::metadata(&password).unwrap().permissions().mode() & 0o777, 0o600);
        drop(files);
        assert!(!dir.exists());
    }
}
