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
        longest_prefix(&self.origins, pointer)
    }
}

/// Where parts of a document were moved when it was translated from another version (a
/// Swagger 2.0 document read as OpenAPI 3.0): pointers into the translation ↔ pointers into
/// the original. Looked up by the longest prefix, token by token, like [`SourceMap`].
#[derive(Debug, Clone, Default)]
pub struct Moves {
    /// Translation → original.
    back: HashMap<String, String>,
    /// Original → translation (the first place a part was moved to, when it was copied
    /// to several).
    forward: HashMap<String, String>,
}

impl Moves {
    /// Records that the part at `from` in the original now stands at `to`.
    pub fn record(&mut self, to: &str, from: &str) {
        self.back.insert(to.to_owned(), from.to_owned());
        self.forward
            .entry(from.to_owned())
            .or_insert_with(|| to.to_owned());
    }

    /// Where the part of the translation at `pointer` stands in the original.
    pub fn back(&self, pointer: &str) -> Option<String> {
        longest_prefix(&self.back, pointer)
    }

    /// Where the part of the original at `pointer` stands in the translation.
    pub fn forward(&self, pointer: &str) -> Option<String> {
        longest_prefix(&self.forward, pointer)
    }
}

fn longest_prefix(map: &HashMap<String, String>, pointer: &str) -> Option<String> {
    if map.is_empty() {
        return None;
    }
    let mut prefix = pointer;
    loop {
        if let Some(to) = map.get(prefix) {
            return Some(format!("{to}{}", &pointer[prefix.len()..]));
        }
        prefix = &prefix[..prefix.rfind('/')?];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_map_both_ways_by_the_longest_prefix() {
        let mut moves = Moves::default();
        moves.record("#/components/schemas/Pet", "#/definitions/Pet");
        moves.record("#/paths/~1p/get/parameters/0", "#/parameters/limit");
        moves.record("#/paths/~1q/get/parameters/1", "#/parameters/limit");
        assert_eq!(
            moves
                .back("#/components/schemas/Pet/properties/id")
                .as_deref(),
            Some("#/definitions/Pet/properties/id")
        );
        assert_eq!(
            moves.back("#/paths/~1q/get/parameters/1/schema").as_deref(),
            Some("#/parameters/limit/schema")
        );
        assert_eq!(
            moves.forward("#/parameters/limit/schema").as_deref(),
            Some("#/paths/~1p/get/parameters/0/schema")
        );
        assert_eq!(moves.back("#/info"), None);
    }

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
