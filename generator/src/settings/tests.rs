use super::file::key_positions;
use super::*;
use crate::diag::Error;

fn parse(text: &str) -> Result<Settings, Error> {
    Settings::parse(text, Some(Path::new("oagen.toml")))
}

/// Every diagnostic of a refused text, formatted.
fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(err) => {
            assert_eq!(err.exit_code(), 2, "{err}");
            err.diagnostics().iter().map(ToString::to_string).collect()
        }
    }
}

#[test]
fn the_documented_example_parses() {
    let text = include_str!("../settings.rs")
        .lines()
        .filter_map(|line| line.strip_prefix("//! "))
        .skip_while(|line| !line.starts_with("```toml"))
        .skip(1)
        .take_while(|line| !line.starts_with("```"))
        .collect::<Vec<_>>()
        .join("\n");
    let settings = parse(&text).expect("the example is valid");
    assert_eq!(settings.package.workspace, Workspace::Member);
    assert_eq!(settings.runtime, Runtime::Vendored(None));
    assert_eq!(
        settings.rename.operations["listPetsWithFilters"],
        "list_pets"
    );
    assert_eq!(settings.dependencies["schemars"], "\"0.8\"");
    assert_eq!(settings.operations.exclude_tags, ["internal"]);
}

#[test]
fn the_document_section_becomes_the_reading_options() {
    let settings = Settings::parse(
        "[document]\nstrict = true\nallow-outside-root = true\nurls = { \"https://example.com/s/\" = \"schemas\" }\n",
        Some(Path::new("/repo/api/oagen.toml")),
    )
    .expect("valid");
    assert!(settings.document.strict);
    let refs = settings.ref_options();
    assert!(refs.allow_outside_root);
    assert_eq!(
        refs.url_map,
        vec![(
            "https://example.com/s/".to_owned(),
            PathBuf::from("/repo/api/schemas")
        )]
    );
    let none = Settings::default().ref_options();
    assert!(!none.allow_outside_root && none.url_map.is_empty());
    // A file named without a folder is in the current one: its URL folders are too.
    let here = Settings::parse(
        "[document]\nurls = { \"https://x/\" = \"schemas\" }\n",
        Some(Path::new("oagen.toml")),
    )
    .expect("valid");
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(here.ref_options().url_map[0].1, cwd.join("./schemas"));
}

#[test]
fn unknown_keys_and_wrong_types_are_located() {
    let found = errors("[package]\nname = \"a\"\nnmae = \"b\"\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("unknown field `nmae`"), "{found:?}");
    assert!(found[0].contains("--> oagen.toml:3:1"), "{found:?}");
    let found = errors("[operation]\ninclude = []\n");
    assert!(found[0].contains("oagen.toml:1:"), "{found:?}");
    let found = errors("[document]\nstrict = \"yes\"\n");
    assert!(found[0].contains("oagen.toml:2:10"), "{found:?}");
}

#[test]
fn enumerated_values_are_checked_and_name_the_allowed_forms() {
    let found = errors("[package]\nworkspace = \"sometimes\"\n");
    assert!(
        found[0].contains("`auto`, `member`, `standalone`")
            || found[0].contains("auto, member, standalone")
            || found[0].contains("`auto`"),
        "{found:?}"
    );
    assert!(found[0].contains("oagen.toml:2:13"), "{found:?}");
    for value in ["\"yes please\"", "\"no\"", "3", "\"\""] {
        let found = errors(&format!("[runtime]\nvendored = {value}\n"));
        assert_eq!(found.len(), 1, "one error, no knock-on: {found:?}");
        assert!(
            found[0].contains("`vendored` is `true`, `false` or a folder path"),
            "{found:?}"
        );
        assert!(
            found[0].contains("oagen.toml:2:1 (`runtime.vendored`)"),
            "{found:?}"
        );
    }
    for folder in ["vendor/oagen-runtime", "../rt", "rt_1.0"] {
        let settings = parse(&format!("[runtime]\nvendored = \"{folder}\"\n")).expect(folder);
        assert_eq!(
            settings.runtime,
            Runtime::Vendored(Some(PathBuf::from(folder)))
        );
    }
    let found = errors("[runtime]\nvendored = false\n");
    assert!(
        found[0].contains("name where the runtime comes from"),
        "{found:?}"
    );
    let settings = parse("[runtime]\nvendored = false\nversion = \"0.1\"\n").expect("valid");
    assert_eq!(settings.runtime, Runtime::Version("0.1".to_owned()));
}

#[test]
fn invalid_values_are_each_located_at_their_key() {
    let found = errors(
        "[runtime]\npath = \"a\"\nversion = \"1\"\ngit = \"g\"\n[rename.operations]\nx = \"Not-Snake\"\n[derives]\nall = [\"Eq\", \"a b\"]\n",
    );
    let text = found.join("\n");
    assert!(text.contains("exactly one of"), "{text}");
    assert!(text.contains("oagen.toml:1:2 (`runtime`)"), "{text}");
    assert!(
        text.contains("oagen.toml:6:1 (`rename.operations.x`)"),
        "{text}"
    );
    assert!(
        text.contains("oagen.toml:8:14 (`derives.all[1]`)"),
        "{text}"
    );
    let found = errors("[dependencies]\nserde = \"1\"\n");
    assert!(found[0].contains("depends on `serde` already"), "{found:?}");
    assert!(found[0].contains("oagen.toml:2:1"), "{found:?}");
    // Settings built in code are checked the same way, by key, without a file.
    let settings = Settings {
        package: Package {
            name: Some("not a name".to_owned()),
            ..Package::default()
        },
        ..Settings::default()
    };
    let err = settings.check().expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "error: `not a name` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter)\n  --> settings (`package.name`)"
    );
}

#[test]
fn runtime_sources() {
    let runtime = |text: &str| parse(text).expect("valid").runtime;
    assert_eq!(
        runtime("runtime = { version = \"0.1\" }"),
        Runtime::Version("0.1".to_owned())
    );
    assert_eq!(
        runtime("runtime = { path = \"../runtime\" }"),
        Runtime::Path(PathBuf::from("../runtime"))
    );
    assert_eq!(
        runtime("runtime = { git = \"https://x/y.git\", tag = \"v1\" }"),
        Runtime::Git {
            url: "https://x/y.git".to_owned(),
            reference: Some(GitReference::Tag("v1".to_owned())),
        }
    );
    assert_eq!(runtime(""), Runtime::Vendored(None));
    let found = errors("runtime = { version = \"1\", tag = \"v1\", branch = \"b\" }");
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn keys_are_found_where_they_are_written() {
    let text = "[operations]\ninclude = [\n  \"a\",\n  \"b\",\n]\n\n[rename.operations]\n\"GET /pets\" = \"pets\"\n";
    let keys = key_positions(text);
    assert_eq!(keys["operations"], (1, 2));
    assert_eq!(keys["operations.include"], (2, 1));
    assert_eq!(keys["operations.include[1]"], (4, 3));
    assert_eq!(keys["rename.operations.\"GET /pets\""], (8, 1));
    assert_eq!(key_part("GET /pets"), "\"GET /pets\"");
    assert_eq!(key_part("list-pets_2"), "list-pets_2");
}

#[test]
fn the_file_is_found_beside_the_document() {
    let dir = std::env::temp_dir().join(format!("oagen-settings-find-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("api")).expect("writable");
    let document = dir.join("api/openapi.yaml");
    assert_eq!(Settings::find(&document), None);
    std::fs::write(dir.join("api/oagen.toml"), "").expect("writable");
    assert_eq!(Settings::find(&document), Some(dir.join("api/oagen.toml")));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `[types] serialize` reads `sent` or `all`; anything else is an error at its key.
#[test]
fn serialize_reads_sent_or_all() {
    assert_eq!(parse("").unwrap().types.serialize, Encoder::Sent);
    let all = parse("[types]\nserialize = \"all\"\n").unwrap();
    assert_eq!(all.types.serialize, Encoder::All);
    assert_eq!(all.file.as_ref().map(|f| f.serialize), Some(Encoder::All));
    let wrong = errors("[types]\nserialize = \"some\"\n");
    assert!(
        wrong.iter().any(|e| e.contains("oagen.toml:2")),
        "{wrong:?}"
    );
}
