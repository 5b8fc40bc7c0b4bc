//! Reading the files of a document: each once, within the size limits, inside the root's
//! folder unless allowed.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{BrokenRef, Bundler, MAX_FILES};
use crate::diag::Diagnostics;
use crate::parse;

/// Reads a file no larger than [`parse::MAX_DOCUMENT_BYTES`] (checked before reading), nor
/// than what is left of the total once `already` bytes were read.
pub(super) fn read_bounded(path: &Path, already: u64) -> Result<Vec<u8>, String> {
    let limit = parse::MAX_DOCUMENT_BYTES;
    let size = std::fs::metadata(path)
        .map_err(|err| format!("cannot read the file: {err}"))?
        .len();
    if size > limit || already + size > limit {
        return Err(format!(
            "the file is {} MB; files of one document may be {} MB in all, {} MB are read already",
            size / (1024 * 1024),
            limit / (1024 * 1024),
            already / (1024 * 1024)
        ));
    }
    std::fs::read(path).map_err(|err| format!("cannot read the file: {err}"))
}

impl Bundler<'_> {
    /// The parsed file, read the first time it is asked for.
    pub(super) fn file(&mut self, name: &str) -> Result<&Value, BrokenRef> {
        if !self.files.contains_key(name) {
            let loaded = self.read(name);
            self.refs.files.push(name.to_owned());
            self.files.insert(name.to_owned(), loaded);
        }
        match self.files.get(name) {
            Some(Ok(value)) => Ok(value),
            Some(Err(why)) => Err(why.clone()),
            None => Err(unreadable("cannot read the file".to_owned())),
        }
    }

    fn read(&mut self, name: &str) -> Result<Value, BrokenRef> {
        if self.files.len() >= MAX_FILES {
            return Err(unreadable(format!(
                "a document may be made of at most {MAX_FILES} files"
            )));
        }
        let path = if Path::new(name).is_absolute() {
            PathBuf::from(name)
        } else {
            self.folder.join(name)
        };
        if !self.options.allow_outside_root {
            let inside = match (&self.folder_canonical, std::fs::canonicalize(&path)) {
                (Some(folder), Ok(file)) => file.starts_with(folder),
                (_, Err(err)) => return Err(unreadable(format!("cannot read the file: {err}"))),
                (None, _) => false,
            };
            if !inside {
                return Err(BrokenRef {
                    message: "the file (through a symbolic link) is outside the root document's folder; it is not read".to_owned(),
                    help: None,
                    refused: true,
                });
            }
        }
        let bytes = read_bounded(&path, self.total_bytes).map_err(unreadable)?;
        self.total_bytes += bytes.len() as u64;
        let mut diags = Diagnostics::default();
        parse::parse(&bytes, &mut diags).ok_or_else(|| {
            unreadable(
                diags
                    .iter()
                    .map(|d| format!("{} (at `{}`)", d.message, d.pointer()))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    }
}

/// A file that cannot be read or parsed: a broken reference, not a refusal.
pub(super) fn unreadable(message: String) -> BrokenRef {
    BrokenRef {
        message,
        help: None,
        refused: false,
    }
}
