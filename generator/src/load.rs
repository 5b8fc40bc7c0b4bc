//! load: bytes (or a file and the files it refers to, through `bundle`) → a document
//! value whose version is checked: OpenAPI 3.0.x or 3.1.x, or Swagger 2.0 translated to
//! 3.0 (`swagger2`). The text itself is read by
//! `parse`.

use serde_json::Value;

use crate::diag::Diagnostics;
pub use crate::parse::describe;
use crate::parse::parse;

/// Which OpenAPI minor version a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    /// Swagger 2.0, read through its translation to 3.0 (`swagger2`).
    V2_0,
    V3_0,
    V3_1,
    /// Read as 3.1, with 3.2's own fields (`query`, `additionalOperations`).
    V3_2,
}

/// A parsed document whose version has been checked.
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Value,
    /// `lower` reads 3.2's own fields only in a 3.2 document.
    pub version: SpecVersion,
    /// What bundling the files of a multi-file document left: where each part came from,
    /// and the references to other files that could not be followed. Empty for a document
    /// read from bytes.
    pub refs: crate::bundle::Refs,
}

/// Parses and checks a document. `bytes` may be YAML or JSON. References to other files
/// cannot be followed from bytes (there is no folder to read them from): use [`load_file`].
pub fn load(bytes: &[u8], diags: &mut Diagnostics) -> Option<Document> {
    let mut root = parse(bytes, diags)?;
    let refs = crate::bundle::in_memory(&mut root, diags);
    checked(root, refs, diags)
}

/// Reads, parses and checks the document at `path`, with every file it refers to
/// ([`crate::bundle`]).
pub fn load_file(
    path: &std::path::Path,
    options: &crate::bundle::RefOptions,
    diags: &mut Diagnostics,
) -> Option<Document> {
    let (root, refs) = crate::bundle::bundle(path, options, diags)?;
    checked(root, refs, diags)
}

/// The document with its version checked; a Swagger 2.0 document translated to 3.0, with
/// its broken references moved to where they stand in the translation.
fn checked(
    root: Value,
    mut refs: crate::bundle::Refs,
    diags: &mut Diagnostics,
) -> Option<Document> {
    let mut root = root;
    if !crate::swagger2::is_swagger2(&root) {
        let version = check_version(&root, diags)?;
        without_null_paths(&mut root);
        return Some(Document {
            root,
            version,
            refs,
        });
    }
    let (mut root, moved) = crate::swagger2::translate(&root, diags)?;
    refs.broken = std::mem::take(&mut refs.broken)
        .into_iter()
        .map(|(ptr, broken)| (moved.forward(&ptr).unwrap_or(ptr), broken))
        .collect();
    refs.moved = moved;
    check_version(&root, diags)?;
    without_null_paths(&mut root);
    Some(Document {
        root,
        version: SpecVersion::V2_0,
        refs,
    })
}

fn check_version(root: &Value, diags: &mut Diagnostics) -> Option<SpecVersion> {
    let Some(object) = root.as_object() else {
        diags.error(
            "#",
            format!("the document is {}, not an OpenAPI object", describe(root)),
        );
        return None;
    };
    let version = match object.get("openapi") {
        None => {
            diags.error_with_help(
                "#",
                "the document has no `openapi` field, so it is not an OpenAPI document",
                "add `openapi: 3.1.0` (or the 3.0.x version it was written for) at the top",
            );
            return None;
        }
        Some(Value::String(version)) => version.as_str(),
        Some(other) => {
            diags.error(
                "#/openapi",
                format!(
                    "`openapi` must be a version string such as \"3.1.0\", found {}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    let spec_version = if is_minor(version, "3.0") {
        SpecVersion::V3_0
    } else if is_minor(version, "3.1") {
        SpecVersion::V3_1
    } else if is_minor(version, "3.2") {
        SpecVersion::V3_2
    } else {
        diags.error(
            "#/openapi",
            format!(
                "unsupported OpenAPI version `{version}`; this generator reads 3.0.x, 3.1.x, 3.2.x and Swagger 2.0"
            ),
        );
        return None;
    };
    let mut ok = true;
    match object.get("info") {
        Some(Value::Object(_)) => {}
        Some(other) => {
            diags.error(
                "#/info",
                format!("`info` must be an object, found {}", describe(other)),
            );
            ok = false;
        }
        // Incomplete, not invalid: the crate is named and versioned by default.
        None => diags.warning_with_help(
            "#",
            "the document has no `info` object; the API is called \"api\", version 0.0.0",
            "add `info` with at least `title` and `version`",
        ),
    }
    match object.get("paths") {
        None if spec_version == SpecVersion::V3_0 => diags.warning_with_help(
            "#",
            "the document has no `paths` object, which OpenAPI 3.0 requires; only its types are generated",
            "add `paths: {}` if the document really has no operations",
        ),
        Some(Value::Null) => diags.warning(
            "#/paths",
            "`paths` is empty (null); only the document's types are generated",
        ),
        Some(paths) if !paths.is_object() && !paths.is_null() => {
            diags.error(
                "#/paths",
                format!("`paths` must be an object, found {}", describe(paths)),
            );
            ok = false;
        }
        _ => {}
    }
    ok.then_some(spec_version)
}

/// `paths: null` (warned about) is read as no paths.
fn without_null_paths(root: &mut Value) {
    if let Some(object) = root.as_object_mut() {
        if object.get("paths").is_some_and(Value::is_null) {
            object.remove("paths");
        }
    }
}

fn is_minor(version: &str, minor: &str) -> bool {
    version
        .strip_prefix(minor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}
