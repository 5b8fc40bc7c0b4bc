//! Where a reference leads: the file (named relative to the root's folder, with `/`) and
//! the pointer, or why it is not followed (an anchor, a URL not mapped, a path outside the
//! root's folder or absolute, unless allowed).

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::{BrokenRef, Bundler, Target};

impl Bundler<'_> {
    /// Where a reference written in `file` leads, or why it cannot be followed.
    pub(super) fn target(&self, reference: &str, file: &str) -> Result<Target, BrokenRef> {
        // OpenAPI 3.2's `$self` may place the reference elsewhere (`base.rs`).
        let rebased = self.through_self(reference, file);
        let (reference, file) = match &rebased {
            Some((reference, file)) => (reference.as_str(), file.as_str()),
            None => (reference, file),
        };
        let (path_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let pointer = percent_decode(fragment);
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(BrokenRef {
                message: format!(
                    "`{reference}` names an anchor (`#{pointer}`); only JSON pointers (`#/...`) are followed"
                ),
                help: None,
                refused: false,
            });
        }
        if path_part.is_empty() {
            return Ok(Target {
                file: file.to_owned(),
                pointer,
            });
        }
        let lower = path_part.to_ascii_lowercase();
        let local = if lower.starts_with("http://") || lower.starts_with("https://") {
            let Some((prefix, local)) = self
                .options
                .url_map
                .iter()
                .find(|(prefix, _)| path_part.starts_with(prefix.as_str()))
            else {
                return Err(BrokenRef {
                    message: format!("`{reference}` is a URL; nothing is fetched from the network"),
                    help: Some(
                        "download the file beside the document and refer to it by a relative path, or map the URL to a local file in the configuration".to_owned(),
                    ),
                    refused: true,
                });
            };
            let rest = percent_decode(&path_part[prefix.len()..]);
            let mapped = if rest.is_empty() {
                local.clone()
            } else {
                local.join(rest.trim_start_matches('/'))
            };
            // Mapped by configuration: trusted like the root's folder.
            return Ok(Target {
                file: mapped.to_string_lossy().replace('\\', "/"),
                pointer,
            });
        } else if lower.contains("://") || lower.starts_with("urn:") || lower.starts_with("file:") {
            return Err(BrokenRef {
                message: format!(
                    "`{reference}` is a URI this generator does not read; only relative file paths are followed"
                ),
                help: None,
                refused: true,
            });
        } else {
            percent_decode(path_part)
        };
        let refused = |why: &str| {
            BrokenRef {
            message: format!("`{reference}` {why}; it is not read"),
            help: Some("allow references outside the root document's folder in the configuration, or move the file into it".to_owned()),
            refused: true,
        }
        };
        if Path::new(&local).is_absolute() || local.starts_with('/') || local.starts_with('\\') {
            if !self.options.allow_outside_root {
                return Err(refused("is an absolute path"));
            }
            return Ok(Target {
                file: local.replace('\\', "/"),
                pointer,
            });
        }
        // Relative to the folder of the file holding the reference.
        let base = if Path::new(file).is_absolute() {
            PathBuf::from(file)
        } else {
            PathBuf::from(file.replace('\\', "/"))
        };
        let mut parts: Vec<String> = Vec::new();
        let mut above = 0usize;
        let absolute_base = base.is_absolute();
        let joined = base
            .parent()
            .unwrap_or(Path::new(""))
            .join(local.replace('\\', "/"));
        for component in joined.components() {
            match component {
                Component::CurDir => {}
                Component::ParentDir => {
                    if parts.pop().is_none() {
                        above += 1;
                    }
                }
                Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
                Component::RootDir | Component::Prefix(_) => {}
            }
        }
        if above > 0 && !self.options.allow_outside_root && !absolute_base {
            return Err(refused("leaves the root document's folder"));
        }
        let mut name = "../".repeat(above);
        if absolute_base {
            name = "/".to_owned();
        }
        name.push_str(&parts.join("/"));
        Ok(Target {
            file: name,
            pointer,
        })
    }
}

/// Decodes `%XX` escapes in a `$ref` (URI references may be percent-encoded).
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether any `$ref` (or `discriminator.mapping` value) names another file or a URL.
pub(super) fn refers_to_other_files(value: &Value, depth: usize) -> bool {
    if depth > 512 {
        return false;
    }
    match value {
        Value::Object(object) => object
            .iter()
            .any(|(key, child)| match (key.as_str(), child) {
                ("$ref", Value::String(reference)) => !reference.starts_with('#'),
                ("mapping", Value::Object(mapping)) => mapping.values().any(|target| {
                    target
                        .as_str()
                        .is_some_and(|t| !t.starts_with('#') && mapping_is_reference(t))
                }),
                _ => refers_to_other_files(child, depth + 1),
            }),
        Value::Array(items) => items
            .iter()
            .any(|item| refers_to_other_files(item, depth + 1)),
        _ => false,
    }
}

/// Whether a `discriminator.mapping` value is a reference rather than a schema name.
pub(super) fn mapping_is_reference(value: &str) -> bool {
    value.contains('#')
        || value.contains('/')
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| value.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::RefOptions;
    use crate::diag::Diagnostics;

    fn bundler<'a>(options: &'a RefOptions, diags: &'a mut Diagnostics) -> Bundler<'a> {
        Bundler::new(
            PathBuf::from("api"),
            None,
            options,
            "openapi.yaml".to_owned(),
            0,
            diags,
        )
    }

    #[test]
    fn references_are_named_relative_to_the_root_folder() {
        let options = RefOptions::default();
        let mut diags = Diagnostics::default();
        let b = bundler(&options, &mut diags);
        let file = |reference: &str, from: &str| {
            b.target(reference, from)
                .map(|t| t.location())
                .map_err(|e| e.message)
        };
        assert_eq!(
            file("./schemas/pet.yaml", "openapi.yaml").as_deref(),
            Ok("schemas/pet.yaml#")
        );
        assert_eq!(
            file("../openapi.yaml#/components/schemas/A", "schemas/pet.yaml").as_deref(),
            Ok("openapi.yaml#/components/schemas/A")
        );
        assert_eq!(
            file("common/a%20b.yaml#/x~1y/%7Bid%7D", "schemas/pet.yaml").as_deref(),
            Ok("schemas/common/a b.yaml#/x~1y/{id}")
        );
        assert_eq!(
            file("#/Local", "schemas/pet.yaml").as_deref(),
            Ok("schemas/pet.yaml#/Local")
        );
        assert!(
            file("../../outside.yaml", "schemas/pet.yaml")
                .is_err_and(|m| m.contains("leaves the root document's folder"))
        );
        assert!(file("/etc/passwd", "openapi.yaml").is_err_and(|m| m.contains("absolute path")));
        assert!(
            file("https://example.com/a.yaml", "openapi.yaml")
                .is_err_and(|m| m.contains("is a URL"))
        );
        assert!(file("a.yaml#anchor", "openapi.yaml").is_err_and(|m| m.contains("anchor")));
    }
}
