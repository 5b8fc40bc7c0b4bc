//! Where each part of a bundled document was written.

use std::collections::HashMap;

/// Pointers into the bundle → where that part was written: `#/components/schemas/Pet` →
/// `schemas/pet.yaml#`. Looked up by the longest prefix, token by token.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    origins: HashMap<String, String>,
}

impl SourceMap {
    pub(super) fn insert(&mut self, bundle: &str, origin: String) {
        self.origins.insert(bundle.to_owned(), origin);
    }

    /// Where the part of the bundle at `pointer` was written (`file#pointer` for another
    /// file); `None` when it is in the root document.
    pub fn origin(&self, pointer: &str) -> Option<String> {
        if self.origins.is_empty() {
            return None;
        }
        let mut prefix = pointer;
        loop {
            if let Some(origin) = self.origins.get(prefix) {
                return Some(format!("{origin}{}", &pointer[prefix.len()..]));
            }
            prefix = &prefix[..prefix.rfind('/')?];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_map_finds_the_longest_prefix_by_token() {
        let mut map = SourceMap::default();
        map.insert("#/paths/~1pets", "paths/pets.yaml#".to_owned());
        map.insert(
            "#/paths/~1pets/get/responses/200",
            "responses.yaml#/Ok".to_owned(),
        );
        assert_eq!(
            map.origin("#/paths/~1pets/get/parameters/0").as_deref(),
            Some("paths/pets.yaml#/get/parameters/0")
        );
        assert_eq!(
            map.origin("#/paths/~1pets/get/responses/200/content")
                .as_deref(),
            Some("responses.yaml#/Ok/content")
        );
        // A prefix that is not a whole token does not match.
        assert_eq!(map.origin("#/paths/~1petsX/get"), None);
        assert_eq!(map.origin("#/info"), None);
    }
}
