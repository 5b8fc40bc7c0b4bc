//! Shared by `build.rs` and `tests/fuzz.rs`: which files of a folder are documents.

use std::fs;
use std::path::{Path, PathBuf};

/// `.yaml`, `.yml` and `.json` files of at most `max_size` bytes, sorted; none if `dir` does
/// not exist.
pub fn documents(dir: &Path, max_size: u64) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|path| {
        matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) && fs::metadata(path).is_ok_and(|m| m.len() <= max_size)
    });
    found.sort();
    found
}
