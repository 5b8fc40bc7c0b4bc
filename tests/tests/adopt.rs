//! Using oagen from another repository: the configuration file (selection, renames,
//! derives, runtime, workspace), output that does not depend on how paths were typed, and
//! the whole flow of a user, built for real in a folder outside this workspace: install the
//! `oagen` command, generate a client into the user's workspace as a member, check it, run
//! the user's own xtask (which uses the `oagen` library by path), and build the user's app
//! (the example of the generated README) against the client.
//!
//! The user repository's builds use `target/outside` (kept between runs, so that only what
//! changed is rebuilt, and shared with the other tests that build outside this workspace:
//! `support/commands.rs`), `--offline` and this workspace's `Cargo.lock`, so they resolve
//! the same versions without the network.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use oagen::{Document, Error, Generator, Mode, Outcome, Settings};

#[path = "support/commands.rs"]
mod commands;
use commands::{cargo, run};

fn root() -> PathBuf {
    xtask::workspace_root()
}

fn adopt(name: &str) -> PathBuf {
    root().join("tests/adopt").join(name)
}

/// The generated files for the adoption test's document and configuration, in memory.
fn petstore_output(config_text: &str) -> Result<oagen::Output, String> {
    petstore(config_text).map_err(|err| err.to_string())
}

/// The same, with the error as it is returned.
fn petstore(config_text: &str) -> Result<oagen::Output, Error> {
    let bytes = fs::read(adopt("petstore.yaml")).expect("readable");
    let mut settings = Settings::parse(config_text, Some(Path::new("oagen.toml")))?;
    // In memory: the default vendored runtime, whatever the file says.
    settings.runtime = oagen::Runtime::default();
    settings.package.workspace = oagen::Workspace::Auto;
    Generator::new(settings).generate(Document::Bytes {
        name: "petstore.yaml",
        bytes: &bytes,
    })
}

fn file<'a>(output: &'a oagen::Output, path: &str) -> &'a str {
    output
        .file(path)
        .unwrap_or_else(|| panic!("{path} is generated"))
}

#[test]
fn the_configuration_selects_renames_and_derives() {
    let config = fs::read_to_string(adopt("oagen.toml")).expect("readable");
    let output = petstore_output(&config).expect("generates");
    let client = file(&output, "src/client.rs");
    let types = file(&output, "src/types.rs");
    // The `internal` tag is excluded, and with it the only type its operation used.
    assert!(!client.contains("list_audit_entries"), "{client}");
    assert!(!types.contains("AuditEntry"), "{types}");
    assert_eq!(output.operations, 3);
    // Renamed: the method, its request builder, and a type (everywhere it is used).
    assert!(client.contains("pub fn list_pets("), "{client}");
    assert!(file(&output, "src/operations.rs").contains("pub struct ListPets {"));
    assert!(types.contains("pub struct PetPage {"), "{types}");
    assert!(!types.contains("PetListWithPaginationResponse"), "{types}");
    // Extra derives, beside (not repeating) the generated ones.
    let species = types.find("pub enum Species").expect("Species");
    assert!(
        types[..species].ends_with(
            "#[derive(PartialOrd, Ord)]\n#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n"
        ),
        "{}",
        &types[species.saturating_sub(300)..species]
    );
    let owner = types.find("pub struct Owner").expect("Owner");
    assert!(types[owner.saturating_sub(200)..owner].contains("#[derive(Eq, Hash)]"));
    // Every generated file, the vendored runtime's too, says so on its first line.
    for file in &output.files {
        let first = file.contents.lines().next().unwrap_or("");
        assert!(first.contains("@generated"), "{}: {first}", file.path);
    }
    assert!(
        output
            .files
            .iter()
            .any(|f| f.path == "oagen-runtime/src/lib.rs")
    );
    assert!(file(&output, "Cargo.toml").contains("oagen-runtime = { path = \"oagen-runtime\" }"));

    // `Eq` on every type is left out where a type already has it, and is an error (from
    // the compiler, not here) only where a type cannot have it.
    let all = petstore_output("[derives]\nall = [\"Eq\"]\n").expect("generates");
    let types = file(&all, "src/types.rs");
    assert!(!types.contains("#[derive(Eq)]\n#[derive(Debug, Clone, PartialEq, Eq"));
    // Nor a second `Deserialize` beside the impls written by hand (structs, enums, unions).
    let all = petstore_output("[derives]\nall = [\"serde::Deserialize\"]\n").expect("generates");
    let types = file(&all, "src/types.rs");
    assert!(!types.contains("#[derive(serde::Deserialize)]"), "{types}");
}

#[test]
fn settings_that_name_nothing_are_errors_naming_the_key() {
    for (config, expected) in [
        (
            "[rename.operations]\nlistPetz = \"pets\"\n",
            "`rename.operations.listPetz` names no operation",
        ),
        (
            "[operations]\ninclude = [\"GET /pets\", \"getPett\"]\n",
            "`operations.include` names `getPett`",
        ),
        (
            "[operations]\nexclude-tags = [\"internl\"]\n",
            "the tag `internl`, which no operation has",
        ),
        (
            "[rename.types]\nPet = \"Species\"\n",
            "the name `Species` is already taken",
        ),
        (
            "[rename.operations]\ngetPet = \"new\"\n",
            "the name `new` (request builder `New`) is already taken",
        ),
        (
            "[derives]\ntypes = { Dog = [\"Hash\"] }\n",
            "`derives.types.Dog` names no type",
        ),
    ] {
        let err = petstore(config).expect_err(config);
        // The configuration's mistake: its exit code, one error, at its key's line.
        assert_eq!(err.exit_code(), 2, "{err}");
        let [diagnostic] = err.diagnostics() else {
            panic!("one error, no knock-on: {err}")
        };
        assert!(diagnostic.is_about_settings(), "{err}");
        let text = err.to_string();
        assert!(text.contains(expected), "{config}:\n{text}");
        assert!(text.contains("--> oagen.toml:2:"), "{text}");
    }
    // Selecting by `METHOD /path` and by tag keeps what those operations use.
    let output = petstore_output("[operations]\ninclude = [\"GET /pets/{petId}\"]\n").expect("ok");
    assert_eq!(output.operations, 1);
    let types = file(&output, "src/types.rs");
    assert!(types.contains("pub struct Pet {") && types.contains("pub struct Owner {"));
    assert!(!types.contains("PetListWithPaginationResponse"), "{types}");
    let output = petstore_output("[operations]\ninclude-tags = [\"internal\"]\n").expect("ok");
    assert_eq!(output.operations, 1);
    assert!(file(&output, "src/types.rs").contains("pub struct AuditEntry {"));
}

#[test]
fn the_readme_configuration_is_valid() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let example = code_block(&readme, "### Configure", "toml");
    let settings =
        Settings::parse(&example, Some(Path::new("README.md"))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(settings.package.name.as_deref(), Some("petstore"));
    assert_eq!(settings.dependencies.len(), 1);
}

/// A scratch folder under `target/tmp/adopt`.
fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/tmp/adopt").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("writable");
    dir
}

/// The run of `oagen generate SPEC --out OUT --config CONFIG [--name NAME]`, through the
/// library.
fn generate(
    spec: &Path,
    out: &Path,
    config: Option<&Path>,
    name: Option<&str>,
    mode: Mode,
) -> Result<Outcome, Error> {
    let mut settings = match config {
        Some(path) => Settings::read(path)?,
        None => Settings::default(),
    };
    if let Some(name) = name {
        settings.package.name = Some(name.to_owned());
    }
    Generator::new(settings).run(spec, out, mode)
}

/// `to` relative to the folder `from`, both absolute.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part.as_os_str());
    }
    path
}

#[test]
fn check_gives_the_same_answer_however_the_paths_are_typed() {
    let dir = scratch("paths");
    fs::copy(adopt("petstore.yaml"), dir.join("openapi.yaml")).expect("copy");
    fs::copy(adopt("oagen.toml"), dir.join("oagen.toml")).expect("copy");
    fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\"client\"]\n",
    )
    .expect("w");
    let config = dir.join("oagen.toml");
    assert!(matches!(
        generate(
            &dir.join("openapi.yaml"),
            &dir.join("client"),
            Some(&config),
            None,
            Mode::Write
        ),
        Ok(Outcome::Written { .. })
    ));
    // The same, typed differently: with `..` and `.` in them, and relative to the current
    // folder (this test's is the `tests/` crate).
    let cwd = std::env::current_dir().expect("cwd");
    let relative = |p: &Path| relative_path(&cwd, p);
    let result = generate(
        &relative(&dir.join("client/../openapi.yaml")),
        &relative(&dir.join("./client/")),
        Some(&relative(&dir.join("oagen.toml"))),
        None,
        Mode::Check,
    );
    assert!(matches!(result, Ok(Outcome::UpToDate { .. })), "{result:?}");
    let header = fs::read_to_string(dir.join("client/src/lib.rs")).expect("generated");
    assert!(
        header.starts_with(
            "// @generated by `oagen generate ../openapi.yaml --out . --config ../oagen.toml` from `../openapi.yaml`."
        ),
        "{}",
        header.lines().next().unwrap_or("")
    );
    // A member of the workspace around it: no `[workspace]` table of its own.
    let manifest = fs::read_to_string(dir.join("client/Cargo.toml")).expect("generated");
    assert!(!manifest.contains("[workspace]"), "{manifest}");
    // A name other than the file's is part of what reproduces the output.
    let renamed = |mode| {
        generate(
            &dir.join("openapi.yaml"),
            &dir.join("client"),
            Some(&config),
            Some("pets"),
            mode,
        )
    };
    assert!(matches!(renamed(Mode::Check), Ok(Outcome::Stale { .. })));
    renamed(Mode::Write).expect("written");
    assert_eq!(
        oagen::recorded_command(&dir.join("client")).as_deref(),
        Some("oagen generate ../openapi.yaml --out . --name pets --config ../oagen.toml")
    );
}

#[test]
fn an_invalid_configuration_is_a_located_usage_error() {
    let dir = scratch("invalid");
    fs::write(
        dir.join("oagen.toml"),
        "[package]\nname = \"pets\"\n\n[runtime]\nvendored = true\nverison = \"0.1\"\n",
    )
    .expect("w");
    let err = Settings::read(&dir.join("oagen.toml")).expect_err("unknown key");
    let text = err.to_string();
    assert!(text.contains("oagen.toml:6:1"), "{text}");
    assert!(text.contains("unknown field `verison`"), "{text}");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn several_clients_share_one_vendored_runtime_and_paths_are_relative_to_the_config() {
    let dir = scratch("shared-runtime");
    fs::create_dir_all(dir.join("api")).expect("w");
    fs::copy(adopt("petstore.yaml"), dir.join("api/pets.yaml")).expect("copy");
    // Two packages named `oagen-runtime` cannot be in one workspace: two clients name the
    // same copy, in a folder given relative to the configuration file.
    fs::write(
        dir.join("api/oagen.toml"),
        "[runtime]\nvendored = \"../vendor/oagen-runtime\"\n",
    )
    .expect("w");
    let config = dir.join("api/oagen.toml");
    for name in ["pets-a", "pets-b"] {
        let out = dir.join("clients").join(name);
        let result = generate(
            &dir.join("api/pets.yaml"),
            &out,
            Some(&config),
            Some(name),
            Mode::Write,
        );
        assert!(matches!(result, Ok(Outcome::Written { .. })), "{result:?}");
    }
    assert!(dir.join("vendor/oagen-runtime/src/lib.rs").is_file());
    let manifest = fs::read_to_string(dir.join("clients/pets-b/Cargo.toml")).expect("written");
    assert!(
        manifest.contains("oagen-runtime = { path = \"../../vendor/oagen-runtime\" }"),
        "{manifest}"
    );
    // The second client found the shared copy as written by the first.
    let result = generate(
        &dir.join("api/pets.yaml"),
        &dir.join("clients/pets-a"),
        Some(&config),
        Some("pets-a"),
        Mode::Check,
    );
    assert!(matches!(result, Ok(Outcome::UpToDate { .. })), "{result:?}");
}

#[test]
fn auto_membership_follows_the_workspace_around_the_output() {
    // What a run into `out` writes as the manifest, and its notes (in check mode, nothing is
    // written: every file is stale).
    let run_into = |out: &Path| {
        let Ok(Outcome::Stale { report, .. }) =
            Generator::default().run(&adopt("petstore.yaml"), out, Mode::Check)
        else {
            panic!("nothing is there yet")
        };
        report.notes
    };
    // No workspace above: a crate of its own.
    let lonely = std::env::temp_dir().join("oagen-adopt-lonely/client");
    let _ = fs::remove_dir_all(&lonely);
    let notes = run_into(&lonely);
    assert!(notes.is_empty(), "{notes:?}");
    Generator::default()
        .run(&adopt("petstore.yaml"), &lonely, Mode::Write)
        .expect("written");
    let text = fs::read_to_string(lonely.join("Cargo.toml")).expect("written");
    assert!(text.contains("\n[workspace]\n"), "{text}");
    let _ = fs::remove_dir_all(lonely.parent().expect("a folder"));
    // A workspace above that lists it (by a glob): a member, nothing to add.
    let dir = scratch("auto");
    fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"vendor\"]\n",
    )
    .expect("w");
    let written = |out: &Path| {
        Generator::default()
            .run(&adopt("petstore.yaml"), out, Mode::Write)
            .expect("written");
        fs::read_to_string(out.join("Cargo.toml")).expect("written")
    };
    assert!(run_into(&dir.join("crates/client")).is_empty());
    assert!(!written(&dir.join("crates/client")).contains("[workspace]"));
    // ...that does not list it yet: a member, and a note saying what to add.
    let notes = run_into(&dir.join("client"));
    assert!(
        notes
            .iter()
            .any(|n| n.contains("add \"client\" to its `members`")),
        "{notes:?}"
    );
    assert!(!written(&dir.join("client")).contains("[workspace]"));
    // ...that excludes it: a crate of its own.
    assert!(written(&dir.join("vendor/client")).contains("\n[workspace]\n"));
}

// The whole flow, for real.

/// The fenced block of `lang` in a Markdown text, after `after`.
fn code_block(text: &str, after: &str, lang: &str) -> String {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("`{after}` in the text"));
    let rest = &text[start..];
    let open = format!("```{lang}\n");
    let begin = rest.find(&open).expect("a code block") + open.len();
    let end = rest[begin..].find("```").expect("closed") + begin;
    rest[begin..end].to_owned()
}

/// The `oagen` command, installed once per test run as a user installs it (debug, to share
/// the build with the rest; offline, with this workspace's lock file).
fn installed_oagen() -> PathBuf {
    static INSTALLED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let root = root();
            let install = root.join("target/adopt/install");
            run(
                cargo(&root, &commands::target(&root))
                    .args([
                        "install",
                        "--quiet",
                        "--debug",
                        "--offline",
                        "--locked",
                        "--force",
                        "--path",
                    ])
                    .arg(root.join("generator"))
                    .arg("--root")
                    .arg(&install),
                true,
            );
            install.join("bin").join("oagen")
        })
        .clone()
}

/// A folder of its own under the system's temporary folder (outside this workspace, so
/// no configuration of it is found), emptied first.
fn outside(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oagen-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("writable");
    dir
}

/// Runs the installed command in `dir`: its exit code and its stderr.
fn oagen_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(installed_oagen())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the command runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_command_finds_its_configuration_and_check_needs_only_the_output_folder() {
    let dir = outside("discovery");
    fs::create_dir_all(dir.join("api")).expect("w");
    fs::copy(adopt("petstore.yaml"), dir.join("api/openapi.yaml")).expect("copy");
    fs::write(
        dir.join("api/oagen.toml"),
        "[package]\nname = \"petstore\"\n\n[operations]\nexclude-tags = [\"internal\"]\n",
    )
    .expect("w");
    // Found beside the document, and recorded in the header.
    let (code, stderr) = oagen_in(&dir, &["generate", "api/openapi.yaml", "--out", "client"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("3 operations"),
        "the selection applied: {stderr}"
    );
    assert_eq!(
        oagen::recorded_command(&dir.join("client")).as_deref(),
        Some("oagen generate ../api/openapi.yaml --out . --config ../api/oagen.toml")
    );
    // `check --out DIR` alone gives the full command's answer, from any folder.
    let (code, stderr) = oagen_in(&dir, &["check", "--out", "client"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = oagen_in(&dir.join("api"), &["check", "--out", "../client"]);
    assert_eq!(code, 0, "{stderr}");
    // Without the configuration the files are stale, and the check says why.
    let (code, stderr) = oagen_in(
        &dir,
        &[
            "check",
            "api/openapi.yaml",
            "--out",
            "client",
            "--no-config",
        ],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("api/oagen.toml exists but was not used (--no-config)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the files were generated with the configuration"),
        "{stderr}"
    );
    // `--no-config` is recorded too: `check --out` alone then reads none, though one exists.
    let (code, stderr) = oagen_in(
        &dir,
        &[
            "generate",
            "api/openapi.yaml",
            "--out",
            "plain",
            "--no-config",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("4 operations"), "{stderr}");
    assert!(
        oagen::recorded_command(&dir.join("plain")).is_some_and(|c| c.ends_with(" --no-config")),
    );
    let (code, stderr) = oagen_in(&dir, &["check", "--out", "plain"]);
    assert_eq!(code, 0, "{stderr}");
    // A hand edit is found by `check --out` alone: exit 3, naming the file.
    let lib = dir.join("client/src/client.rs");
    let edited = format!("{}// edited\n", fs::read_to_string(&lib).expect("r"));
    fs::write(&lib, edited).expect("w");
    let (code, stderr) = oagen_in(&dir, &["check", "--out", "client"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("stale: client/src/client.rs"), "{stderr}");
    // In the current folder, when there is none beside the document.
    fs::create_dir_all(dir.join("elsewhere")).expect("w");
    fs::copy(adopt("petstore.yaml"), dir.join("elsewhere/pets.yaml")).expect("copy");
    fs::copy(dir.join("api/oagen.toml"), dir.join("oagen.toml")).expect("copy");
    let (code, stderr) = oagen_in(&dir, &["generate", "elsewhere/pets.yaml", "--out", "here"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("3 operations"), "{stderr}");
    assert!(
        oagen::recorded_command(&dir.join("here"))
            .is_some_and(|c| c.ends_with(" --config ../oagen.toml")),
    );
    // A folder with nothing generated in it: a usage error.
    let (code, stderr) = oagen_in(&dir, &["check", "--out", "elsewhere"]);
    assert_eq!(code, 2, "{stderr}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn every_configuration_mistake_is_located_in_it_and_exits_as_one() {
    let dir = outside("mistakes");
    fs::copy(adopt("petstore.yaml"), dir.join("openapi.yaml")).expect("copy");
    for (config, place, expected) in [
        (
            "[operations]\ninclude-tags = [\"pets\", \"petz\"]\n\n[rename.operations]\nlistPets = \"pets\"\nlistAuditEntries = \"audit\"\n",
            "oagen.toml:2:25",
            "the tag `petz`, which no operation has",
        ),
        (
            "[operations]\nexclude = [\"getPett\"]\n",
            "oagen.toml:2:12",
            "`operations.exclude` names `getPett`",
        ),
        (
            "[rename.types]\nDog = \"Hound\"\n\n[derives]\ntypes = { Hound = [\"Hash\"] }\n",
            "oagen.toml:2:1",
            "`rename.types.Dog` names no type",
        ),
        (
            "[rename.operations]\nlistPetz = \"pets\"\n",
            "oagen.toml:2:1",
            "`rename.operations.listPetz` names no operation",
        ),
        (
            "[features]\ngroups = { all = [\"pets\", \"cats\"] }\n",
            "oagen.toml:2:27",
            "names `cats`, which is no group of the document",
        ),
        (
            "[features]\noperations = { getPet = \"nowhere\" }\n",
            "oagen.toml:2:16",
            "names the group `nowhere`",
        ),
        (
            "[runtime]\nvendored = \"yes please\"\n",
            "oagen.toml:2:1",
            "`vendored` is `true`, `false` or a folder path",
        ),
        (
            "[package]\nworkspace = \"sometimes\"\n",
            "oagen.toml:2:13",
            "unknown variant `sometimes`",
        ),
        (
            "[document]\nstrict = \"yes\"\n",
            "oagen.toml:2:10",
            "invalid type",
        ),
    ] {
        fs::write(dir.join("oagen.toml"), config).expect("w");
        let (code, stderr) = oagen_in(&dir, &["generate", "openapi.yaml", "--out", "client"]);
        assert_eq!(
            code, 2,
            "the configuration's exit code for:\n{config}\n{stderr}"
        );
        assert!(stderr.contains(place), "{place} for:\n{config}\n{stderr}");
        assert!(
            stderr.contains(expected),
            "{expected} for:\n{config}\n{stderr}"
        );
        // One error (no knock-on) and the summary naming the configuration, not the document.
        assert_eq!(stderr.matches("error: ").count(), 2, "{config}\n{stderr}");
        assert!(
            stderr.contains("error: oagen.toml has errors; nothing was written"),
            "{stderr}"
        );
        assert!(
            !dir.join("client").exists(),
            "nothing written for:\n{config}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_user_installs_oagen_generates_into_their_workspace_and_builds_an_app() {
    let root = root();
    let target = commands::target(&root);
    // Outside this workspace, so nothing of it (workspace, lock file, config) applies. The
    // same folder on each run of this checkout (named from its path), so that cargo's
    // fingerprints of the user's crates stay valid and only changes are rebuilt.
    let user = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        root.hash(&mut hasher);
        std::env::temp_dir().join(format!("oagen-adopt-{:016x}", hasher.finish()))
    };
    let _ = fs::remove_dir_all(&user);

    // The README shows these steps; this test runs them.
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    let generate = "oagen generate api/openapi.yaml --out client --config oagen.toml";
    let check = "oagen check api/openapi.yaml --out client --config oagen.toml";
    for step in [
        "cargo install --path oagen/generator",
        generate,
        check,
        "cargo build -p app",
        "cargo xtask codegen --check",
    ] {
        assert!(readme.contains(step), "README.md shows `{step}`");
    }

    // 1. Install the command.
    let oagen = installed_oagen();

    // 2. The user's repository: a workspace with the client, an app and an xtask.
    let write = |path: &str, text: &str| {
        let path = user.join(path);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("writable");
        fs::write(path, text).expect("writable");
    };
    write(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"app\", \"client\", \"xtask\"]\n",
    );
    fs::copy(root.join("Cargo.lock"), user.join("Cargo.lock")).expect("lock file");
    write(
        "api/openapi.yaml",
        &fs::read_to_string(adopt("petstore.yaml")).expect("r"),
    );
    write(
        "oagen.toml",
        &fs::read_to_string(adopt("oagen.toml")).expect("r"),
    );
    write(
        ".cargo/config.toml",
        "[alias]\nxtask = \"run --quiet --package xtask --\"\n",
    );
    write(
        "xtask/Cargo.toml",
        &format!(
            "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\noagen = {{ path = {:?}, default-features = false }}\n",
            root.join("generator").display().to_string()
        ),
    );
    write(
        "xtask/src/main.rs",
        &fs::read_to_string(adopt("xtask.rs")).expect("r"),
    );

    // 3. Generate with the installed command: progress and a summary on stderr.
    let output = run(
        Command::new(&oagen)
            .args(generate.split(' ').skip(1))
            .current_dir(&user),
        true,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("$ {generate}\n{stderr}");
    for expected in [
        "oagen: read api/openapi.yaml",
        "oagen: 5 types, 3 operations, 0 warnings",
        "wrote client/Cargo.toml",
        "oagen: crate `petstore` in client:",
    ] {
        assert!(stderr.contains(expected), "`{expected}` in:\n{stderr}");
    }
    let manifest = fs::read_to_string(user.join("client/Cargo.toml")).expect("generated");
    assert!(
        !manifest.contains(&root.display().to_string()),
        "{manifest}"
    );
    assert!(!manifest.contains("[workspace]"), "{manifest}");

    // 4. The app: the generated README's example, with the dependencies it names.
    let client_readme = fs::read_to_string(user.join("client/README.md")).expect("generated");
    let tokio = "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }";
    assert!(client_readme.contains(tokio), "{client_readme}");
    write(
        "app/Cargo.toml",
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\npetstore = {{ path = \"../client\" }}\n{tokio}\n"
        ),
    );
    let example = code_block(&client_readme, "## Use it", "rust");
    assert!(example.contains("client.list_pets().await?"), "{example}");
    write("app/src/main.rs", &example);
    let output = run(
        cargo(&user, &target).args(["build", "--offline", "-p", "app"]),
        true,
    );
    eprintln!(
        "$ cargo build -p app\n{}",
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|l| !l.trim_start().starts_with("Compiling"))
            .collect::<Vec<_>>()
            .join("\n")
    );

    // The client's documentation has no broken links, though the document's descriptions
    // hold bracketed words.
    run(
        cargo(&user, &target)
            .args(["doc", "--offline", "--no-deps", "-p", "petstore"])
            .env("RUSTDOCFLAGS", "-D warnings"),
        true,
    );

    // 5. Checks: the command, from elsewhere with other paths, and the user's xtask (the
    // library, by path) all agree that the client is up to date.
    run(
        Command::new(&oagen)
            .args(check.split(' ').skip(1))
            .current_dir(&user),
        true,
    );
    run(
        Command::new(&oagen)
            .args(["check", "../api/openapi.yaml", "--out", ".", "--config"])
            .arg(user.join("oagen.toml"))
            .current_dir(user.join("client")),
        true,
    );
    run(
        cargo(&user, &target).args(["xtask", "codegen", "--check"]),
        true,
    );

    // 6. A hand edit of a generated file (its `@generated` first line kept) is found: exit
    // code 3, naming the file; regenerating replaces it. (A file without that line would be
    // refused rather than replaced: `writes.rs`.)
    let edited = fs::read_to_string(user.join("client/src/client.rs")).expect("readable");
    fs::write(
        user.join("client/src/client.rs"),
        format!("{edited}// edited by hand\n"),
    )
    .expect("writable");
    let output = run(
        Command::new(&oagen)
            .args(check.split(' ').skip(1))
            .current_dir(&user),
        false,
    );
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stale: client/src/client.rs"), "{stderr}");
    // The user's xtask regenerates it.
    run(cargo(&user, &target).args(["xtask", "codegen"]), true);
    run(
        Command::new(&oagen)
            .args(check.split(' ').skip(1))
            .current_dir(&user),
        true,
    );
    let _ = fs::remove_dir_all(&user);
}
