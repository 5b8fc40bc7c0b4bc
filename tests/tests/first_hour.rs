//! A new user's first hour, for real, in a temporary folder outside this repository: install
//! the `oagen` command; generate a client from one document before there is a workspace,
//! then make a workspace and generate two clients from two different documents with no
//! configuration (one shared runtime, the first client's own copy removed); build an app
//! that calls both; run each generated README's example, verbatim, against a loopback
//! server (the documents' servers are the loopback servers, as a user's staging server
//! would be).
//!
//! Built like `adopt.rs`, whose target folder it shares (`target/outside`, so the
//! dependencies are compiled once for both), offline, with this workspace's `Cargo.lock`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/commands.rs"]
mod commands;
use commands::cargo;

/// A document written by a FastAPI service: three security schemes, any one of which
/// will do; operationIds of the form `<function>_<path words>_<method>`.
const MAIL: &str = r#"openapi: 3.1.0
info: { title: Postbox Mail API, version: 0.3.0 }
servers: [{ url: "SERVER" }]
security:
  - ApiKeyHeader: []
  - BearerToken: []
  - DashboardUserContextAuth: []
components:
  securitySchemes:
    ApiKeyHeader: { type: apiKey, in: header, name: x-api-key }
    BearerToken: { type: http, scheme: bearer }
    DashboardUserContextAuth: { type: apiKey, in: header, name: x-dashboard-user }
  schemas:
    Message:
      type: object
      required: [id, subject]
      properties:
        id: { type: string }
        subject: { type: string }
        read: { type: boolean }
    MessageList:
      type: object
      required: [messages]
      properties:
        messages: { type: array, items: { $ref: '#/components/schemas/Message' } }
paths:
  /v1/messages:
    get:
      operationId: list_messages_v1_messages_get
      responses:
        '200':
          description: The messages.
          content: { application/json: { schema: { $ref: '#/components/schemas/MessageList' } } }
    post:
      operationId: send_message_v1_messages_post
      requestBody:
        required: true
        content: { application/json: { schema: { $ref: '#/components/schemas/Message' } } }
      responses:
        '201':
          description: Sent.
          content: { application/json: { schema: { $ref: '#/components/schemas/Message' } } }
  /v1/messages/{message_id}:
    get:
      operationId: read_message_v1_messages__message_id__get
      parameters: [{ name: message_id, in: path, required: true, schema: { type: string } }]
      responses:
        '200':
          description: One message.
          content: { application/json: { schema: { $ref: '#/components/schemas/Message' } } }
"#;

/// The app: both clients, one call each.
const APP: &str = r#"#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pets = petstore::Client::new(std::env::var("PETSTORE_API_KEY")?)?;
    let page = pets.list_pets_with_filters_and_pagination().limit(10).await?;
    let mail = postbox_mail::Client::new(std::env::var("POSTBOX_MAIL_API_KEY")?)?;
    let inbox = mail.list_messages().await?;
    println!("{} pets, {} messages", page.pets.len(), inbox.messages.len());
    Ok(())
}
"#;

const PET_KEY: &str = "pk_first_hour";
const MAIL_KEY: &str = "mk_first_hour";

/// Runs a command that must succeed.
fn run(command: &mut Command) -> Output {
    commands::run(command, true)
}

/// The first fenced Rust block of a Markdown text.
fn first_rust_block(text: &str) -> String {
    let begin = text.find("```rust\n").expect("a Rust example") + 8;
    let end = text[begin..].find("```").expect("closed") + begin;
    text[begin..end].to_owned()
}

/// The user's folder: the same on each run of this checkout, so cargo's fingerprints of the
/// user's crates stay valid.
fn user_folder(root: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    std::env::temp_dir().join(format!("oagen-first-hour-{:016x}", hasher.finish()))
}

async fn pet_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/pets"))
        .and(header("x-api-key", PET_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "pets": [{ "id": 1, "name": "Rex", "species": "dog" }],
            "next": null
        })))
        .mount(&server)
        .await;
    server
}

async fn mail_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", MAIL_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "messages": [{ "id": "m1", "subject": "Hello" }]
        })))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_hour_two_clients_one_app_readme_examples_that_run() {
    let root = xtask::workspace_root();
    let target = commands::target(&root);
    let install = root.join("target/adopt/install");
    let user = user_folder(&root);
    let _ = fs::remove_dir_all(&user);
    let write = |path: &str, text: &str| {
        let path = user.join(path);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("writable");
        fs::write(path, text).expect("writable");
    };
    let pets = pet_server().await;
    let mail = mail_server().await;

    // 1. Install the command (as adopt.rs does: debug, offline, this lock file).
    run(cargo(&root, &target)
        .args([
            "install",
            "--quiet",
            "--debug",
            "--offline",
            "--locked",
            "--force",
        ])
        .arg("--path")
        .arg(root.join("generator"))
        .arg("--root")
        .arg(&install));
    let oagen = install.join("bin").join("oagen");
    let generate = |spec: &str, out: &str| {
        let output = run(Command::new(&oagen)
            .args(["generate", spec, "--out", out])
            .current_dir(&user));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };

    // 2. Two documents of the user's (their staging servers are the loopback ones).
    let petstore = fs::read_to_string(root.join("tests/adopt/petstore.yaml")).expect("r");
    write(
        "api/petstore.yaml",
        &petstore.replace("https://pets.example.com/v1", &format!("{}/v1", pets.uri())),
    );
    write("api/mail.yaml", &MAIL.replace("SERVER", &mail.uri()));

    // 3. A first client before there is any Cargo project: a crate of its own, with its
    // own copy of the runtime inside it.
    generate("api/petstore.yaml", "clients/petstore");
    assert!(
        user.join("clients/petstore/oagen-runtime/Cargo.toml")
            .is_file()
    );

    // 4. Then a workspace, and both clients generated into it with no configuration: one
    // runtime at the workspace's root, shared; the first client's old copy removed.
    write(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"app\", \"clients/*\"]\n",
    );
    fs::copy(root.join("Cargo.lock"), user.join("Cargo.lock")).expect("lock file");
    let stderr = generate("api/petstore.yaml", "clients/petstore");
    assert!(stderr.contains("removed the"), "{stderr}");
    let stderr = generate("api/mail.yaml", "clients/mail");
    assert!(stderr.contains("crate `postbox-mail`"), "{stderr}");
    assert!(user.join("oagen-runtime/Cargo.toml").is_file());
    for client in ["petstore", "mail"] {
        let dir = user.join("clients").join(client);
        assert!(!dir.join("oagen-runtime").exists(), "{client}");
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("generated");
        assert!(
            manifest.contains("oagen-runtime = { path = \"../../oagen-runtime\" }"),
            "{manifest}"
        );
    }

    // 5. Names people would write, and a README example that needs one key of three.
    let mail_readme = fs::read_to_string(user.join("clients/mail/README.md")).expect("r");
    let mail_example = first_rust_block(&mail_readme);
    assert!(
        mail_example.contains("std::env::var(\"POSTBOX_MAIL_API_KEY\")"),
        "{mail_example}"
    );
    assert!(!mail_example.contains("DASHBOARD"), "{mail_example}");
    assert!(
        mail_example.contains("client.list_messages().await?"),
        "{mail_example}"
    );
    let pet_readme = fs::read_to_string(user.join("clients/petstore/README.md")).expect("r");
    let pet_example = first_rust_block(&pet_readme);
    assert!(
        pet_example.contains("std::env::var(\"PETSTORE_API_KEY\")"),
        "{pet_example}"
    );

    // 6. The app that calls both, and each README example, verbatim, as an example of it.
    let tokio = "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }";
    assert!(pet_readme.contains(tokio) && mail_readme.contains(tokio));
    write(
        "app/Cargo.toml",
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\npetstore = {{ path = \"../clients/petstore\" }}\npostbox-mail = {{ path = \"../clients/mail\" }}\n{tokio}\n"
        ),
    );
    write("app/src/main.rs", APP);
    write("app/examples/petstore.rs", &pet_example);
    write("app/examples/mail.rs", &mail_example);
    run(cargo(&user, &target).args(["build", "--offline", "-p", "app", "--bins", "--examples"]));

    let debug = target.join("debug");
    let output = run(Command::new(debug.join("app"))
        .env("PETSTORE_API_KEY", PET_KEY)
        .env("POSTBOX_MAIL_API_KEY", MAIL_KEY));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "1 pets, 1 messages\n"
    );
    let output =
        run(Command::new(debug.join("examples/petstore")).env("PETSTORE_API_KEY", PET_KEY));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Rex"),
        "{output:?}"
    );
    let output =
        run(Command::new(debug.join("examples/mail")).env("POSTBOX_MAIL_API_KEY", MAIL_KEY));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Hello"),
        "{output:?}"
    );
    // Without its key, the example says which variable to set.
    let output = Command::new(debug.join("examples/mail"))
        .env_remove("POSTBOX_MAIL_API_KEY")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("set POSTBOX_MAIL_API_KEY"),
        "{output:?}"
    );

    // 7. `oagen check --out DIR` alone, with nothing else on the command line, gives the
    // same answer as the full command: the header records the document and settings.
    for (spec, out) in [
        ("api/petstore.yaml", "clients/petstore"),
        ("api/mail.yaml", "clients/mail"),
    ] {
        run(Command::new(&oagen)
            .args(["check", spec, "--out", out])
            .current_dir(&user));
        run(Command::new(&oagen)
            .args(["check", "--out", out])
            .current_dir(&user));
    }
    let _ = fs::remove_dir_all(&user);
}
