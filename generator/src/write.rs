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
//! anything ([`WriteError::NotGenerated`]), so pointing the generator at a hand-written crate
//! cannot destroy it. To replace such a file anyway, delete it first.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::OutputFile;

/// The mark that every generated file carries in its first line.
pub const GENERATED_MARK: &str = "@generated";

/// Why [`write()`] wrote nothing.
#[derive(Debug)]
pub enum WriteError {
    /// Reading or writing failed (the message names the file).
    Io(io::Error),
    /// These files exist, differ from the output, and do not say `@generated` in their
    /// first line: someone else wrote them, so they are not replaced.
    NotGenerated(Vec<PathBuf>),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Io(err) => err.fmt(f),
            WriteError::NotGenerated(paths) => {
                f.write_str("refusing to overwrite files that the generator did not write")?;
                f.write_str(" (their first line does not say `@generated`); nothing was written:")?;
                for path in paths {
                    write!(f, "\n  {}", path.display())?;
                }
                f.write_str("\nmove them away, or choose another output folder")
            }
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io(err) => Some(err),
            WriteError::NotGenerated(_) => None,
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(err: io::Error) -> Self {
        WriteError::Io(err)
    }
}

/// Whether the file at `path` says `@generated` in its first line. Only the start of the
/// file is read.
pub(crate) fn is_generated(path: &Path) -> io::Result<bool> {
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
pub fn check(dir: &Path, files: &[OutputFile]) -> io::Result<Vec<(PathBuf, Staleness)>> {
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
/// ([`WriteError::NotGenerated`]).
pub fn write(dir: &Path, files: &[OutputFile]) -> Result<Vec<PathBuf>, WriteError> {
    let stale = check(dir, files)?;
    let mut foreign = Vec::new();
    for (path, staleness) in &stale {
        if *staleness == Staleness::Differs && !is_generated(path)? {
            foreign.push(path.clone());
        }
    }
    if !foreign.is_empty() {
        return Err(WriteError::NotGenerated(foreign));
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
        return Err(WriteError::Io(err));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (index, (temp, path)) in staged.iter().enumerate() {
        if let Err(err) = fs::rename(temp, path) {
            for (rest, _) in &staged[index..] {
                let _ = fs::remove_file(rest);
            }
            return Err(WriteError::Io(with_path(err, path)));
        }
        written.push(path.clone());
    }
    Ok(written)
}

fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}
