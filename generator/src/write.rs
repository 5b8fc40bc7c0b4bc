//! write: puts a generated crate on disk, or checks it against what is there.
//!
//! Writing is all or nothing: every changed file is first written to a temporary file beside
//! its target, and only when all of them were written are they renamed into place (a rename
//! within a directory is atomic). A failed run removes its temporary files and leaves the
//! output as it was. Files the generator does not produce are never touched, and unchanged
//! files are not rewritten (so their timestamps, and cargo's caches, stay valid).
//!
//! Nor is a file that someone else wrote: every generated file says `@generated` in its first
//! line, and a run that would replace a file without that mark refuses before writing
//! anything ([`Error::NotGenerated`]), so pointing the generator at a hand-written crate
//! cannot destroy it. To replace such a file anyway, delete it first.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diag::Error;

/// One generated file: its path relative to the crate root (with `/`), and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

/// The mark that every generated file carries in its first line.
pub(crate) const GENERATED_MARK: &str = "@generated";

/// Whether the file at `path` says `@generated` in its first line. Only the start of the
/// file is read.
pub(crate) fn is_generated(path: &Path) -> Result<bool, Error> {
    let mut start = Vec::with_capacity(512);
    fs::File::open(path)
        .and_then(|file| file.take(4096).read_to_end(&mut start))
        .map_err(|err| with_path(err, path))?;
    let first_line = start.split(|&b| b == b'\n').next().unwrap_or_default();
    Ok(first_line
        .windows(GENERATED_MARK.len())
        .any(|window| window == GENERATED_MARK.as_bytes()))
}

/// How a committed file differs from what the document produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    Missing,
    Differs,
}

impl fmt::Display for Staleness {
    /// What a `stale: FILE ...` line says of the file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Staleness::Missing => "is missing",
            Staleness::Differs => "differs from what the document produces",
        })
    }
}

/// Files under `dir` that are missing or differ from `files`, with their paths.
pub(crate) fn check(dir: &Path, files: &[OutputFile]) -> Result<Vec<(PathBuf, Staleness)>, Error> {
    let mut stale = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        match fs::read(&path) {
            Ok(existing) if existing == file.contents.as_bytes() => {}
            Ok(_) => stale.push((path, Staleness::Differs)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                stale.push((path, Staleness::Missing))
            }
            Err(err) => return Err(with_path(err, &path)),
        }
    }
    Ok(stale)
}

/// Writes `files` under `dir`, changing only what differs. Returns the paths written.
///
/// Refuses, writing nothing, when a file it would replace was not generated
/// ([`Error::NotGenerated`]).
pub(crate) fn write(dir: &Path, files: &[OutputFile]) -> Result<Vec<PathBuf>, Error> {
    let stale = check(dir, files)?;
    let mut foreign = Vec::new();
    for (path, staleness) in &stale {
        if *staleness == Staleness::Differs && !is_generated(path)? {
            foreign.push(path.clone());
        }
    }
    if !foreign.is_empty() {
        return Err(Error::NotGenerated(foreign));
    }
    let changed: Vec<(PathBuf, &OutputFile)> = stale
        .into_iter()
        .filter_map(|(path, _)| {
            let file = files.iter().find(|f| dir.join(&f.path) == path)?;
            Some((path, file))
        })
        .collect();

    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(changed.len());
    let result = (|| {
        for (path, file) in &changed {
            let parent = path.parent().unwrap_or(dir);
            fs::create_dir_all(parent).map_err(|err| with_path(err, parent))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temp = parent.join(format!(".{name}.oagen-{}.tmp", std::process::id()));
            fs::write(&temp, &file.contents).map_err(|err| with_path(err, &temp))?;
            staged.push((temp, path.clone()));
        }
        Ok(())
    })();
    if let Err(err) = result {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(err);
    }
    let mut written = Vec::with_capacity(staged.len());
    for (index, (temp, path)) in staged.iter().enumerate() {
        if let Err(err) = fs::rename(temp, path) {
            for (rest, _) in &staged[index..] {
                let _ = fs::remove_file(rest);
            }
            return Err(with_path(err, path));
        }
        written.push(path.clone());
    }
    Ok(written)
}

fn with_path(source: io::Error, path: &Path) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_is_typed_and_an_unchanged_file_is_no_reason_to_refuse() {
        let out = std::env::temp_dir().join(format!("oagen-write-typed-{}", std::process::id()));
        let _ = fs::remove_dir_all(&out);
        fs::create_dir_all(&out).expect("writable");
        let files = vec![
            OutputFile {
                path: "a.rs".to_owned(),
                contents: "// @generated\nfn a() {}\n".to_owned(),
            },
            OutputFile {
                path: "b.rs".to_owned(),
                contents: "fn b() {}\n".to_owned(),
            },
        ];
        // b.rs holds exactly what would be written: nothing to replace, so no refusal.
        fs::write(out.join("b.rs"), "fn b() {}\n").expect("writable");
        fs::write(out.join("a.rs"), "fn mine() {}\n").expect("writable");
        match write(&out, &files) {
            Err(Error::NotGenerated(paths)) => assert_eq!(paths, vec![out.join("a.rs")]),
            other => panic!("expected NotGenerated, got {other:?}"),
        }
        fs::remove_file(out.join("a.rs")).expect("removable");
        let written = write(&out, &files).expect("a missing file is written");
        assert_eq!(written, vec![out.join("a.rs")]);
        let _ = fs::remove_dir_all(&out);
    }
}
