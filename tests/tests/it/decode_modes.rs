//! Both ways of decoding structs give the same values and the same errors: the default
//! (`oagen_runtime::de`, `fixture_decode_modes`) and serde's derive (`deserialize =
//! "derive"`, `fixture_decode_modes_derive`), generated from the same fixture by `build.rs`.
//! Values are compared through `Debug` (the types of both modules print alike, and `Debug`
//! tells absent, `null` and a value apart) and through their encoding.

use std::fmt::Debug;

use oagen_tests::fixture_decode_modes::types as runtime;
use oagen_tests::fixture_decode_modes_derive::types as derive;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `json` both ways: the same `Debug`, the same encoding, the same unknown keys seen
/// by `serde_ignored`; or the same error. Returns the `Debug` (or the error).
fn same<R, D>(json: &str) -> Result<String, String>
where
    R: DeserializeOwned + Serialize + Debug,
    D: DeserializeOwned + Serialize + Debug,
{
    let ours = serde_json::from_str::<R>(json);
    let theirs = serde_json::from_str::<D>(json);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            let debug = format!("{ours:?}");
            assert_eq!(debug, format!("{theirs:?}"), "{json}");
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&theirs).unwrap(),
                "{json}"
            );
            assert_eq!(unused::<R>(json), unused::<D>(json), "{json}");
            Ok(debug)
        }
        (Err(ours), Err(theirs)) => {
            // The derive reads the keys of `additionalProperties` into a buffer first and
            // decodes them at the end of the object: the same message, another column.
            let message = |e: serde_json::Error| {
                let text = e.to_string();
                text.split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            };
            let ours = message(ours);
            assert_eq!(ours, message(theirs), "{json}");
            Err(ours)
        }
        (ours, theirs) => panic!("{json}: ours {ours:?}, the derive's {theirs:?}"),
    }
}

/// The paths of the keys `serde_ignored` sees skipped when `json` decodes as a `T`.
fn unused<T: DeserializeOwned>(json: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let _: T = serde_ignored::deserialize(&mut deserializer, |p| paths.push(p.to_string()))
        .expect("decoded once already");
    paths
}

fn pet(json: &str) -> Result<String, String> {
    same::<runtime::Pet, derive::Pet>(json)
}

#[test]
fn absent_null_and_value_with_defaults() {
    let absent = pet(r#"{"id": 1, "petName": "Rex", "owner": null}"#).unwrap();
    assert!(absent.contains("tag: absent"), "{absent}");
    assert!(absent.contains("legs: Some(4)"), "{absent}");
    assert!(absent.contains("kind: Some(Dog)"), "{absent}");
    assert!(absent.contains("colours: Some([\"black\"])"), "{absent}");
    assert!(absent.contains("owner: None"), "{absent}");
    let null =
        pet(r#"{"id": 1, "petName": "Rex", "owner": "Ann", "tag": null, "legs": null}"#).unwrap();
    assert!(null.contains("tag: null"), "{null}");
    assert!(null.contains("legs: None"), "{null}");
    assert!(null.contains("owner: Some(\"Ann\")"), "{null}");
    let value = pet(
        r#"{"id": 1, "petName": "Rex", "owner": null, "tag": "good", "kind": "cat", "toy": {"name": "ball", "squeaks": true}}"#,
    )
    .unwrap();
    assert!(value.contains("tag: \"good\""), "{value}");
    assert!(value.contains("kind: Some(Cat)"), "{value}");
    assert!(value.contains("squeaks: Some(true)"), "{value}");
    // A required nullable key may be absent (`None`), as with the derive.
    assert!(pet(r#"{"id": 1, "petName": "Rex"}"#).is_ok());
}

#[test]
fn other_keys_are_kept_or_skipped_alike() {
    let kept = pet(r#"{"zeta": 2, "id": 1, "petName": "Rex", "owner": null, "alpha": 3}"#).unwrap();
    assert!(kept.contains(r#"{"alpha": 3, "zeta": 2}"#), "{kept}");
    // A struct without additionalProperties: unknown keys (nested too) are skipped and seen
    // by serde_ignored the same way (compared inside `same`).
    let sighting = same::<runtime::Sighting, derive::Sighting>(
        r#"{"at": "noon", "weather": {"rain": true}, "pet": {"name": "ball", "colour": "red"}}"#,
    )
    .unwrap();
    assert!(sighting.contains("note: None"), "{sighting}");
    // Keys in any order, escaped keys matched by their text.
    assert!(pet(r#"{"owner": null, "pet\u004eame": "Rex", "id": 1}"#).is_ok());
}

#[test]
fn the_same_errors() {
    let missing = pet(r#"{"petName": "Rex", "owner": null}"#).unwrap_err();
    assert!(missing.contains("missing field `id`"), "{missing}");
    let nested = pet(r#"{"id": 1, "petName": "Rex", "owner": null, "toy": {}}"#).unwrap_err();
    assert!(nested.contains("missing field `name`"), "{nested}");
    let twice = pet(r#"{"id": 1, "id": 2, "petName": "Rex", "owner": null}"#).unwrap_err();
    assert!(twice.contains("duplicate field `id`"), "{twice}");
    let wrong = pet(r#"{"id": "one", "petName": "Rex", "owner": null}"#).unwrap_err();
    assert!(
        wrong.contains("invalid type: string \"one\", expected i64"),
        "{wrong}"
    );
    let extra = pet(r#"{"id": 1, "petName": "Rex", "owner": null, "x": "text"}"#).unwrap_err();
    assert!(extra.contains("expected i64"), "{extra}");
    let not_object = pet(r#""pet""#).unwrap_err();
    assert!(not_object.contains("expected struct Pet"), "{not_object}");
}

/// `[types] deserialize` in `oagen.toml` chooses the derive; anything but `runtime` and
/// `derive` is an error naming the line.
#[test]
fn the_setting() {
    let path = std::path::Path::new("oagen.toml");
    let file = oagen::Settings::parse("[types]\ndeserialize = \"derive\"\n", Some(path)).unwrap();
    assert_eq!(file.types.deserialize, oagen::Decoder::Derive);
    let default = oagen::Settings::parse("", Some(path)).unwrap();
    assert_eq!(default.types.deserialize, oagen::Decoder::Runtime);
    let wrong = oagen::Settings::parse("[types]\ndeserialize = \"fast\"\n", Some(path))
        .unwrap_err()
        .to_string();
    assert!(wrong.contains("oagen.toml:2:"), "{wrong}");
    assert!(
        wrong.contains("`runtime`") && wrong.contains("`derive`"),
        "{wrong}"
    );
}
