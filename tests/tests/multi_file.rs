//! Documents spread over several files: `fixtures/multi_file/` (snapshot, compiled by
//! `build.rs`, and called end to end), and trees written to a temporary folder for what is
//! refused (outside the root's folder, absolute paths, URLs, missing files and pointers).

use std::path::{Path, PathBuf};

use oagen::DocumentSettings;

fn generator(document: DocumentSettings) -> oagen::Generator {
    oagen::Generator::new(oagen::Settings {
        package: oagen::Package {
            name: Some("multi-file".to_owned()),
            workspace: oagen::Workspace::Standalone,
            ..oagen::Package::default()
        },
        runtime: oagen::Runtime::Version("0.1".to_owned()),
        command: Some("cargo test -p oagen-tests".to_owned()),
        // As `build.rs` compiles it: a module of the test crate, without features.
        features: oagen::FeatureSettings {
            enabled: false,
            ..oagen::FeatureSettings::default()
        },
        document,
        ..oagen::Settings::default()
    })
}

fn warnings(output: &oagen::Output) -> String {
    let lines: Vec<String> = output.warnings().map(ToString::to_string).collect();
    lines.join("\n")
}

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/multi_file/openapi.yaml")
}

fn code(output: &oagen::Output) -> String {
    output
        .files
        .iter()
        .map(|file| format!("======== {} ========\n{}\n", file.path, file.contents))
        .collect()
}

#[test]
fn a_document_in_many_files_generates_as_one() {
    // Named as `build.rs` names it, relative to the crate's folder (where tests run).
    let root = Path::new("fixtures/multi_file/openapi.yaml");
    let output = generator(DocumentSettings::default())
        .generate(oagen::Document::File(root))
        .unwrap_or_else(|f| panic!("the multi-file fixture generates:\n{f}"));
    let warnings = warnings(&output);
    insta::assert_snapshot!(
        "multi_file",
        format!("warnings:\n{warnings}\n\n{}", code(&output))
    );
}

/// Every file of the document is read once, and listed (for build scripts).
#[test]
fn each_file_is_read_once_and_listed() {
    let output = generator(DocumentSettings::default())
        .generate(oagen::Document::File(&fixture_root()))
        .expect("generates");
    assert_eq!(
        output.document_files,
        // In the order first reached: the root's paths, then its components (the root's
        // `Pet` last, as its own entry is filled in after the walk).
        [
            "paths/pets.yaml",
            "parameters/common.yaml",
            "schemas/common/kinds.yaml",
            "schemas/pet_page.yaml",
            "responses/errors.yaml",
            "paths/pet_operations.yaml",
            "schemas/owner.json",
            "schemas/pet.yaml",
        ]
    );
}

/// The same output whether the root is named by a relative or an absolute path (files are
/// named relative to the root's folder, never to the working directory), and twice the same.
#[test]
fn output_does_not_depend_on_how_the_root_is_named() {
    let absolute = fixture_root();
    let relative = Path::new("fixtures/multi_file/openapi.yaml");
    // `cargo test` runs tests from the crate's folder.
    assert!(relative.is_file(), "the relative path names the fixture");
    // Named the same in headers: only the reading differs.
    let generator = generator(DocumentSettings::default());
    let generate = |path: &Path| {
        let bytes_name = "openapi.yaml";
        let output = generator
            .generate(oagen::Document::File(path))
            .expect("generates");
        let name = path.display().to_string();
        output
            .files
            .into_iter()
            .map(|f| f.contents.replace(&name, bytes_name))
            .collect::<Vec<_>>()
    };
    let a = generate(&absolute);
    let b = generate(relative);
    let c = generate(&absolute);
    assert_eq!(a, b);
    assert_eq!(a, c);
}

/// The fixture's client, compiled by `build.rs`, sends what the files describe.
#[tokio::test]
async fn the_generated_client_works_end_to_end() {
    use oagen_tests::fixture_multi_file::Client;
    use oagen_tests::fixture_multi_file::types::Kind;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "2"))
        .and(query_param("kind", "cat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "items": [{
                "id": "6f0c2b1e-8d7a-4c3b-9e21-0a1b2c3d4e5f",
                "name": "Tom",
                "owner": {"name": "Ann", "pets": []},
                "tags": [{"name": "grey"}]
            }],
            "next": "abc"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings");
    let page = client
        .list_pets()
        .limit(2)
        .kind(Kind::Cat)
        .await
        .expect("a page of pets");
    assert_eq!(page.items[0].name, "Tom");
    assert_eq!(
        page.items[0].owner.as_ref().map(|o| o.name.as_str()),
        Some("Ann")
    );
    assert_eq!(page.next.as_deref(), Some("abc"));
}

/// A folder of its own under the system's temporary folder, removed at the end.
struct Tree {
    dir: PathBuf,
}

impl Tree {
    fn new(name: &str, files: &[(&str, &str)]) -> Tree {
        let dir =
            std::env::temp_dir().join(format!("oagen-multi-file-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        Tree { dir }
    }

    /// Every diagnostic of generating `root/openapi.yaml`, rendered, and whether it
    /// generated.
    fn diagnostics(&self, document: &DocumentSettings) -> (bool, String) {
        let root = self.dir.join("root/openapi.yaml");
        let (ok, text) = match generator(document.clone()).generate(oagen::Document::File(&root)) {
            Ok(output) => (true, warnings(&output)),
            Err(failure) => (false, failure.to_string()),
        };
        // Named relative to the tree, as a user would see it from there.
        let tree = format!("{}/", self.dir.display());
        (ok, text.replace(&tree, ""))
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A root whose one schema property refers to `reference`.
fn root_referring_to(reference: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        other: {{$ref: '{reference}'}}\n"
    )
}

const OTHER: &str = "type: object\nproperties:\n  name: {type: string}\n";

#[test]
fn a_reference_leaving_the_root_folder_is_refused_unless_allowed() {
    let tree = Tree::new(
        "outside",
        &[
            (
                "root/openapi.yaml",
                &root_referring_to("../shared/other.yaml"),
            ),
            ("shared/other.yaml", OTHER),
        ],
    );
    // Refused for safety: an error, even though other broken references only cost their item.
    let (ok, text) = tree.diagnostics(&DocumentSettings::default());
    assert!(
        !ok && text.contains(
            "error: `../shared/other.yaml` leaves the root document's folder; it is not read"
        ) && text.contains("--> root/openapi.yaml#/components/schemas/Thing/properties/other/$ref"),
        "{text}"
    );
    let allowed = DocumentSettings {
        allow_outside_root: true,
        ..DocumentSettings::default()
    };
    let (ok, text) = tree.diagnostics(&allowed);
    assert!(ok && text.is_empty(), "{text}");
}

#[test]
fn an_absolute_path_is_refused_unless_allowed() {
    let tree = Tree::new("absolute", &[("shared/other.yaml", OTHER)]);
    let absolute = tree.dir.join("shared/other.yaml").display().to_string();
    std::fs::create_dir_all(tree.dir.join("root")).expect("mkdir");
    std::fs::write(
        tree.dir.join("root/openapi.yaml"),
        root_referring_to(&absolute),
    )
    .expect("write");
    let (_, text) = tree.diagnostics(&DocumentSettings::default());
    assert!(
        text.contains("is an absolute path; it is not read"),
        "{text}"
    );
    let allowed = DocumentSettings {
        allow_outside_root: true,
        ..DocumentSettings::default()
    };
    let (ok, text) = tree.diagnostics(&allowed);
    assert!(ok && text.is_empty(), "{text}");
}

#[test]
fn a_url_is_refused_unless_mapped_to_a_local_file() {
    let tree = Tree::new(
        "url",
        &[
            (
                "root/openapi.yaml",
                &root_referring_to("https://schemas.example.com/v1/other.yaml"),
            ),
            ("root/vendor/v1/other.yaml", OTHER),
        ],
    );
    let (ok, text) = tree.diagnostics(&DocumentSettings::default());
    assert!(
        !ok && text.contains("is a URL; nothing is fetched from the network"),
        "{text}"
    );
    let mapped = DocumentSettings {
        urls: [(
            "https://schemas.example.com/".to_owned(),
            PathBuf::from("vendor"),
        )]
        .into(),
        ..DocumentSettings::default()
    };
    let (ok, text) = tree.diagnostics(&mapped);
    assert!(ok && text.is_empty(), "{text}");
}

/// Problems inside other files are located in those files, relative to the root's folder:
/// with `strict`, each is an error at its place; by default, the schema holding them is
/// left out with one warning that names them all, and so is what uses it.
#[test]
fn problems_in_other_files_name_the_file_and_the_pointer() {
    let tree = Tree::new(
        "located",
        &[
            ("root/openapi.yaml", &root_referring_to("schemas/a.yaml")),
            (
                "root/schemas/a.yaml",
                "type: object\nproperties:\n  b: {$ref: 'b.yaml#/Missing'}\n  c: {$ref: 'c.yaml'}\n  d: {$ref: 'nowhere.yaml'}\n",
            ),
            ("root/schemas/b.yaml", "Present: {type: string}\n"),
            (
                "root/schemas/c.yaml",
                "type: object\nproperties: {x: {type: string}\nbad: [\n",
            ),
        ],
    );
    let strict = DocumentSettings {
        strict: true,
        ..DocumentSettings::default()
    };
    let (ok, text) = tree.diagnostics(&strict);
    assert!(!ok);
    for expected in [
        "error: `schemas/b.yaml` has nothing at `#/Missing`\n  --> root/schemas/a.yaml#/properties/b/$ref",
        "error: `schemas/c.yaml`: invalid YAML",
        "--> root/schemas/a.yaml#/properties/c/$ref",
        "error: `schemas/nowhere.yaml`: cannot read the file",
        "--> root/schemas/a.yaml#/properties/d/$ref",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let (ok, text) = tree.diagnostics(&DocumentSettings::default());
    assert!(ok, "{text}");
    for expected in [
        "warning: `schemas/b.yaml` has nothing at `#/Missing`; the schema `A` is left out\n  --> root/schemas/a.yaml#/properties/b/$ref",
        "(at `schemas/a.yaml#/properties/c/$ref`)",
        "(at `schemas/a.yaml#/properties/d/$ref`)",
        "warning: the schema `Thing` uses `A`, which is left out; it is left out too\n  --> root/openapi.yaml#/components/schemas/Thing",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// A path item that contains itself through other files is reported, not followed forever.
#[test]
fn a_copy_that_contains_itself_is_reported() {
    let tree = Tree::new(
        "self-copy",
        &[
            (
                "root/openapi.yaml",
                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: 'paths/a.yaml'}\n  /b:\n    get:\n      operationId: b\n      responses: {'204': {description: ok}}\n",
            ),
            (
                "root/paths/a.yaml",
                "get:\n  operationId: a\n  responses:\n    '200': {$ref: 'b.yaml#/response'}\n",
            ),
            (
                "root/paths/b.yaml",
                "response:\n  description: ok\n  links:\n    again: {$ref: 'a.yaml'}\n",
            ),
        ],
    );
    let (ok, text) = tree.diagnostics(&DocumentSettings::default());
    assert!(ok, "{text}");
    assert!(
        text.contains("`paths/a.yaml#` contains a reference to itself"),
        "{text}"
    );
}

/// The nesting limit of one document applies to every file it refers to.
#[test]
fn the_nesting_limit_applies_to_every_file() {
    let deep = format!("{}1{}", "{\"a\": ".repeat(300), "}".repeat(300));
    let tree = Tree::new(
        "deep",
        &[
            ("root/openapi.yaml", &root_referring_to("deep.json")),
            ("root/deep.json", &deep),
        ],
    );
    let (ok, text) = tree.diagnostics(&DocumentSettings::default());
    assert!(ok, "{text}");
    assert!(
        text.contains("`deep.json`: invalid JSON") && text.contains("recursion limit"),
        "{text}"
    );
}

/// A `$ref` standing for a whole map of properties is followed, not read as a property
/// named `$ref`.
#[test]
fn a_reference_in_place_of_the_properties_map_is_followed() {
    let tree = Tree::new(
        "properties-map",
        &[
            (
                "root/openapi.yaml",
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties: {$ref: './properties.yml'}\n",
            ),
            (
                "root/properties.yml",
                "name: {type: string}\nowner: {$ref: './owner.yml'}\n",
            ),
            ("root/owner.yml", OTHER),
        ],
    );
    let (ok, text) = tree.diagnostics(&DocumentSettings::default());
    assert!(ok, "{text}");
    assert!(!text.contains("warning"), "{text}");
    let output = generator(DocumentSettings::default())
        .generate(oagen::Document::File(&tree.dir.join("root/openapi.yaml")))
        .expect("generates");
    let code = code(&output);
    assert!(code.contains("pub name: Option<String>"), "{code}");
    assert!(code.contains("pub owner: Option<Owner>"), "{code}");
}

/// A Swagger 2.0 document spread over files: `#/definitions/..` inside another file is that
/// file's, and schemas from other files sit beside the root's `definitions`.
#[test]
fn a_swagger_2_0_document_in_several_files_generates() {
    let root = Path::new("fixtures/swagger2_multi_file/openapi.yaml");
    let output = generator(DocumentSettings::default())
        .generate(oagen::Document::File(root))
        .unwrap_or_else(|f| panic!("the 2.0 multi-file fixture generates:\n{f}"));
    assert_eq!(warnings(&output), "");
    let code = code(&output);
    for expected in [
        "pub struct Owner",
        "pub address: Option<Address>",
        "pub struct Local",
        "pub owner: Option<Owner>",
        "pub fn list_owners",
    ] {
        assert!(code.contains(expected), "missing {expected:?} in:\n{code}");
    }
}
