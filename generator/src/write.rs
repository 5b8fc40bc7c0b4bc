//! write: puts a generated crate on disk, or checks it against what is there.
//!
//! Writing is all or nothing: every changed file is first written to a temporary file beside
//! its target, and only when all of them were written are they renamed into place (a rename
//! within a directory is atomic). A failed run removes its temporary files and leaves the
//! output as it was. Files the generator does not produce are never touched, and unchanged
//! files are not rewritten (so their timestamps, and cargo's caches, stay valid).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::OutputFile;

/// How a committed file differs from what the document produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    Missing,
    Differs,
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
pub fn write(dir: &Path, files: &[OutputFile]) -> io::Result<Vec<PathBuf>> {
    let changed: Vec<(PathBuf, &OutputFile)> = check(dir, files)?
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

fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}
