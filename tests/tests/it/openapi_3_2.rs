//! OpenAPI 3.2's fields, as `lower` reads them: tag `parent`/`kind` as feature groups,
//! `$self` as the base of references (across files too), the new example fields, the OAuth 2
//! device flow, and each 3.2 field in a 3.1 document reported where it stands (and not read,
//! but for `itemSchema`).
//! What the generated clients send and decode is `openapi_3_2_e2e.rs`.

use std::path::{Path, PathBuf};

use oagen::ir::Api;
use oagen::{Diagnostic, Document, Generator, Severity};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(path).expect("the fixture is readable")
}

/// The IR and the warnings of a document given as bytes.
fn lower(bytes: &[u8]) -> (Api, Vec<Diagnostic>) {
    let lowered = Generator::default()
        .lower(Document::bytes(bytes))
        .expect("the document generates");
    let warnings = lowered
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .cloned()
        .collect();
    (lowered.api, warnings)
}

fn group_of<'a>(api: &'a Api, operation: &str) -> &'a str {
    api.operations
        .iter()
        .find(|op| op.operation_id.as_deref() == Some(operation))
        .map(|op| op.group.as_str())
        .unwrap_or_else(|| panic!("no operation {operation}"))
}

#[test]
fn child_tags_join_their_parents_group_and_labels_make_none() {
    let (api, warnings) = lower(&fixture("openapi_3_2_tags.yaml"));
    for op in ["listPets", "listCats", "listKittens", "listDogs"] {
        assert_eq!(group_of(&api, op), "pets", "{op}");
    }
    // `partners` is an audience, `beta` a badge: the next tag, else the path.
    assert_eq!(group_of(&api, "listToys"), "toys");
    assert_eq!(group_of(&api, "listPreviews"), "previews");
    // A cycle, and a parent that is not a tag: the tag is its own group.
    assert_eq!(group_of(&api, "listLoops"), "loop_a");
    assert_eq!(group_of(&api, "listOrphans"), "orphan");
    let features: Vec<&str> = api.groups.iter().map(|g| g.feature.as_str()).collect();
    assert_eq!(features, ["loop_a", "orphan", "pets", "previews", "toys"]);
    let places: Vec<&str> = warnings.iter().map(|d| d.pointer()).collect();
    assert_eq!(
        places,
        ["#/tags/9/parent", "#/tags/8/parent"],
        "{warnings:?}"
    );
}

/// The generated crate: a child tag's methods are compiled with its top parent's feature.
#[test]
fn the_features_of_the_crate_follow_the_tag_tree() {
    let output = Generator::default()
        .generate(Document::bytes(&fixture("openapi_3_2_tags.yaml")))
        .expect("generates");
    let manifest = output.file("Cargo.toml").expect("a manifest");
    for feature in ["loop_a", "orphan", "pets", "previews", "toys"] {
        assert!(
            manifest.contains(&format!("\n{feature} = []")),
            "{manifest}"
        );
    }
    for absent in ["cats", "kittens", "dogs", "beta", "partners"] {
        assert!(!manifest.contains(&format!("\n{absent} = ")), "{manifest}");
    }
    let client = output.file("src/client.rs").expect("the client");
    for (method, feature) in [
        ("list_pets", "pets"),
        ("list_cats", "pets"),
        ("list_kittens", "pets"),
        ("list_dogs", "pets"),
        ("list_toys", "toys"),
        ("list_previews", "previews"),
    ] {
        let gated = format!("#[cfg(feature = \"{feature}\")]\n    pub fn {method}(");
        assert!(client.contains(&gated), "{method} behind {feature}");
    }
}

#[test]
fn a_cycle_of_many_tags_is_one_warning_and_never_a_hang() {
    let mut tags = String::new();
    for i in 0..200 {
        tags.push_str(&format!("  - {{name: t{i}, parent: t{}}}\n", (i + 1) % 200));
    }
    let document = format!(
        "openapi: 3.2.0\ninfo: {{title: T, version: '1'}}\ntags:\n{tags}paths:\n  /a:\n    get:\n      tags: [t5]\n      responses: {{'204': {{description: ok}}}}\n"
    );
    let (api, warnings) = lower(document.as_bytes());
    assert_eq!(api.operations[0].group, "t5");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("cycle"), "{warnings:?}");
}

#[test]
fn each_3_2_field_in_a_3_1_document_is_one_warning_where_it_stands() {
    let (api, warnings) = lower(&fixture("openapi_3_1_with_3_2_fields.yaml"));
    let places: Vec<&str> = warnings.iter().map(|d| d.pointer()).collect();
    let media = "#/paths/~1documents/get/responses/200/content";
    for place in [
        "#/$self".to_owned(),
        "#/tags/0/kind".to_owned(),
        "#/tags/1/parent".to_owned(),
        "#/paths/~1documents/query".to_owned(),
        "#/paths/~1documents/additionalOperations".to_owned(),
        "#/paths/~1documents/get/parameters/0/in".to_owned(),
        format!("{media}/application~1json/examples/one/dataValue"),
        format!("{media}/application~1json/examples/one/serializedValue"),
        format!("{media}/application~1jsonl/itemSchema"),
        "#/components/schemas/Document/discriminator/defaultMapping".to_owned(),
        "#/components/securitySchemes/device/flows/deviceAuthorization".to_owned(),
    ] {
        assert_eq!(
            places.iter().filter(|p| **p == place).count(),
            1,
            "one warning at {place}: {places:?}"
        );
        let warning = warnings.iter().find(|d| d.pointer() == place).unwrap();
        assert!(warning.message.contains("3.2"), "{warning:?}");
        // `itemSchema` is read in any version (the streams of SDK-oriented 3.1 documents),
        // the others not.
        let read = place.ends_with("itemSchema");
        assert_eq!(warning.message.contains("read ahead"), read, "{warning:?}");
    }
    assert_eq!(places.len(), 11, "{places:?}");
    // None of them is read.
    let op = &api.operations[0];
    assert!(op.params.is_empty());
    assert_eq!(op.group, "drafts");
    assert!(api.examples.is_empty());
    assert!(api.security_schemes[0].docs.notes.is_empty());
    let tagged = api
        .types
        .iter()
        .find_map(|t| match &t.kind {
            oagen::ir::TypeKind::Tagged(tagged) => Some(tagged),
            _ => None,
        })
        .expect("Document is a tagged union");
    assert_eq!(tagged.default, None);
}

#[test]
fn example_data_and_json_text_are_checked_examples() {
    let (api, warnings) = lower(&fixture("openapi_3_2_examples.yaml"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let media = "#/paths/~1notes/get/responses/200/content/application~1json/examples";
    let found: Vec<(&str, &serde_json::Value)> = api
        .examples
        .iter()
        .map(|e| (e.pointer.as_str(), &e.value))
        .collect();
    let expected = [
        (
            "#/components/examples/Notes/dataValue".to_owned(),
            serde_json::json!([{"id": 3, "text": "shared"}]),
        ),
        (
            "#/components/examples/Notes/serializedValue".to_owned(),
            serde_json::json!([{"id": 3, "text": "shared"}]),
        ),
        (
            "#/paths/~1notes/get/parameters/0/examples/plain/dataValue".to_owned(),
            serde_json::json!("urgent"),
        ),
        (
            format!("{media}/data/dataValue"),
            serde_json::json!([{"id": 1, "text": "buy milk"}]),
        ),
        (
            format!("{media}/text/serializedValue"),
            serde_json::json!([{"id": 2, "text": "call back", "done": true}]),
        ),
    ];
    let expected: Vec<(&str, &serde_json::Value)> =
        expected.iter().map(|(p, v)| (p.as_str(), v)).collect();
    // A parameter's `serializedValue` is its text on the wire, and `externalValue` is never
    // fetched: neither is an example value.
    assert_eq!(found, expected);
}

#[test]
fn the_device_flow_documents_the_credential() {
    let (api, warnings) = lower(&fixture("openapi_3_2_device_flow.yaml"));
    let tv = api
        .security_schemes
        .iter()
        .find(|s| s.wire_name == "tv")
        .expect("the scheme `tv`");
    assert_eq!(tv.kind, oagen::ir::SchemeKind::Bearer);
    assert_eq!(
        tv.docs.notes[0],
        "OAuth 2 device authorization flow: device authorization at `https://auth.example.com/device/code`, token at `https://auth.example.com/token`; scopes `watch`, `rate`."
    );
    assert!(tv.docs.notes[1].starts_with("OAuth 2 authorization code flow: authorization at"));
    let places: Vec<&str> = warnings.iter().map(|d| d.pointer()).collect();
    assert_eq!(
        places,
        ["#/components/securitySchemes/partial/flows/deviceAuthorization"]
    );
    assert!(warnings[0].message.contains("`tokenUrl`"));
}

/// A folder of files under the temporary directory, removed when dropped.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str, files: &[(&str, &str)]) -> Tree {
        let root = std::env::temp_dir().join(format!("oagen-3-2-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("creates");
            std::fs::write(path, text).expect("writes");
        }
        Tree(root)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ROOT: &str = "\
openapi: 3.2.0
$self: https://api.example.com/v1/openapi.yaml
info: {title: Self, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: The pets.
          content:
            application/json:
              schema: {$ref: 'https://api.example.com/v1/schemas/pet.yaml'}
components:
  schemas:
    Tag:
      type: object
      properties:
        name: {type: string}
";

#[test]
fn self_is_the_base_of_references_across_files() {
    let tree = Tree::new(
        "across",
        &[
            ("openapi.yaml", ROOT),
            // Its own `$self` places it; it refers back to the root by the root's `$self`,
            // and to a file beside it relative to its own.
            (
                "schemas/pet.yaml",
                "$self: https://api.example.com/v1/schemas/pet.yaml\ntype: object\nproperties:\n  tag: {$ref: 'https://api.example.com/v1/openapi.yaml#/components/schemas/Tag'}\n  owner: {$ref: 'owner.yaml'}\n",
            ),
            (
                "schemas/owner.yaml",
                "type: object\nproperties:\n  name: {type: string}\n",
            ),
        ],
    );
    let lowered = Generator::default()
        .lower(Document::File(&tree.0.join("openapi.yaml")))
        .expect("generates");
    let problems: Vec<&Diagnostic> = lowered
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    let mut names: Vec<&str> = lowered
        .api
        .types
        .iter()
        .map(|t| t.rust_name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["Owner", "Pet", "Tag"]);
}

#[test]
fn a_uri_under_no_self_is_still_a_url_that_is_not_fetched() {
    let root = ROOT.replace(
        "https://api.example.com/v1/schemas/pet.yaml",
        "https://elsewhere.example.com/pet.yaml",
    );
    let tree = Tree::new("elsewhere", &[("openapi.yaml", &root)]);
    let result = Generator::default().lower(Document::File(&tree.0.join("openapi.yaml")));
    let Err(oagen::Error::Document(diagnostics)) = result else {
        panic!("a URL outside `$self` is refused");
    };
    assert!(
        diagnostics
            .iter()
            .any(|d| d.message.contains("nothing is fetched")),
        "{diagnostics:?}"
    );
}
