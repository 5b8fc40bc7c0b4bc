//! OpenAPI 3.2's `$self`: a document's own URI, the base its relative references resolve
//! against (read only when the root says `openapi: 3.2.x`). Nothing is fetched, so a
//! reference resolved against a `$self` is mapped back to a file: the `$self` of a document
//! already read (the root or another file) is that document, and a URI under the folder of
//! such a `$self` is the file at the same place under that document's folder. A relative
//! `$self` places its document elsewhere in the root's folder tree. A reference that maps to
//! no file is read as before (relative to the file holding it, or as a URL).

use serde_json::Value;

use super::Bundler;

impl Bundler<'_> {
    /// `reference`, written in `file`, rebased through `$self`: the reference and the file it
    /// is then relative to. `None` when `$self` changes nothing.
    pub(super) fn through_self(&self, reference: &str, file: &str) -> Option<(String, String)> {
        if !self.reads_self || reference.starts_with('#') {
            return None;
        }
        let own = self.self_of(file);
        let resolved = match own {
            _ if has_scheme(reference) => reference.to_owned(),
            Some(base) if has_scheme(base) => resolve(base, reference),
            // A relative `$self`: the document stands there, relative to where it was read.
            Some(base) => return Some((reference.to_owned(), beside(file, base))),
            None => reference.to_owned(),
        };
        if !has_scheme(&resolved) {
            return None;
        }
        let (uri, fragment) = resolved.split_once('#').unwrap_or((&resolved, ""));
        let known = self.selves();
        if let Some((_, doc)) = known.iter().find(|(own, _)| own == uri) {
            return Some((format!("#{fragment}"), doc.clone()));
        }
        let under = known
            .iter()
            .filter_map(|(own, doc)| {
                let rest = uri.strip_prefix(folder(own)?)?;
                (!rest.is_empty()).then_some((own.len(), rest, doc))
            })
            .max_by_key(|(len, ..)| *len);
        let (_, rest, doc) = under?;
        Some((format!("{rest}#{fragment}"), doc.clone()))
    }

    /// The `$self` of `file` (the root, or a file already read).
    fn self_of(&self, file: &str) -> Option<&str> {
        if file == self.root_name {
            return self.root_self.as_deref();
        }
        match self.files.get(file) {
            Some(Ok(value)) => value.get("$self").and_then(Value::as_str),
            _ => None,
        }
    }

    /// Every absolute `$self` known, with its file: the root's first, then the files read.
    fn selves(&self) -> Vec<(String, String)> {
        let root = self
            .root_self
            .iter()
            .map(|own| (own.clone(), self.root_name.clone()));
        let files = self.files.iter().filter_map(|(name, value)| {
            let own = value.as_ref().ok()?.get("$self")?.as_str()?;
            Some((own.to_owned(), name.clone()))
        });
        root.chain(files)
            .filter(|(own, _)| has_scheme(own))
            .map(|(own, file)| (own.split('#').next().unwrap_or_default().to_owned(), file))
            .collect()
    }
}

/// Whether a URI reference starts with a scheme (`https:`, `urn:`).
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The folder of an absolute URI (through its last `/` after the authority), if it has one.
fn folder(uri: &str) -> Option<&str> {
    let authority = uri.find("://")? + 3;
    let path = authority + uri[authority..].find('/')?;
    let last = uri.rfind('/')?;
    (last >= path).then(|| &uri[..=last])
}

/// `reference` resolved against the absolute `base` (RFC 3986, section 5.2, for the forms
/// references take: absolute, network-path, absolute-path and relative-path).
fn resolve(base: &str, reference: &str) -> String {
    let base = base.split('#').next().unwrap_or_default();
    let scheme_end = base.find(':').unwrap_or(0);
    let merged = if let Some(rest) = reference.strip_prefix("//") {
        format!("{}//{rest}", &base[..=scheme_end])
    } else if reference.starts_with('/') {
        let origin_end = base
            .find("://")
            .and_then(|a| base[a + 3..].find('/').map(|p| a + 3 + p))
            .unwrap_or(base.len());
        format!("{}{reference}", &base[..origin_end])
    } else if reference.is_empty() {
        base.to_owned()
    } else {
        let folder = base.rfind('/').map_or(base, |last| &base[..=last]);
        format!("{folder}{reference}")
    };
    without_dot_segments(&merged)
}

/// The URI with `.` and `..` path segments removed (never above its authority).
fn without_dot_segments(uri: &str) -> String {
    let (uri, fragment) = match uri.split_once('#') {
        Some((uri, fragment)) => (uri, Some(fragment)),
        None => (uri, None),
    };
    let start = uri
        .find("://")
        .and_then(|a| uri[a + 3..].find('/').map(|p| a + 3 + p))
        .unwrap_or(uri.len());
    let (origin, path) = uri.split_at(start);
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        match *part {
            "." if last => segments.push(""),
            "." => {}
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            part => segments.push(part),
        }
    }
    let mut out = origin.to_owned();
    if !path.is_empty() {
        out.push('/');
        out.push_str(&segments.join("/"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Where a document read as `file` stands when its `$self` is the relative `own`.
fn beside(file: &str, own: &str) -> String {
    let folder = file.rfind('/').map_or("", |last| &file[..=last]);
    let joined = without_dot_segments(&format!("x://x/{folder}{own}"));
    joined
        .strip_prefix("x://x/")
        .unwrap_or(&joined)
        .split('#')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_against_a_base() {
        let base = "https://api.example.com/v1/openapi.yaml";
        assert_eq!(
            resolve(base, "schemas/pet.yaml#/Pet"),
            "https://api.example.com/v1/schemas/pet.yaml#/Pet"
        );
        assert_eq!(
            resolve(base, "../common/./error.yaml"),
            "https://api.example.com/common/error.yaml"
        );
        assert_eq!(
            resolve(base, "/v2/x.yaml"),
            "https://api.example.com/v2/x.yaml"
        );
        assert_eq!(
            resolve(base, "//cdn.example.com/a.yaml"),
            "https://cdn.example.com/a.yaml"
        );
        assert_eq!(
            resolve(base, "../../../a.yaml"),
            "https://api.example.com/a.yaml"
        );
        assert!(has_scheme(base) && has_scheme("urn:uuid:1") && !has_scheme("schemas/a.yaml"));
        assert!(!has_scheme("C:\\specs\\a.yaml"));
        assert_eq!(folder(base), Some("https://api.example.com/v1/"));
        assert_eq!(folder("https://api.example.com"), None);
        assert_eq!(
            beside("specs/openapi.yaml", "../v2/openapi.yaml"),
            "v2/openapi.yaml"
        );
    }
}
