//! Behaviour of generated types that snapshots cannot show: how they decode and encode.
//! Each test uses the code generated from one fixture (`oagen_tests::fixture_<name>`).

use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> (T, Value) {
    let decoded: T = serde_json::from_value(value).expect("decodes");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    (decoded, encoded)
}

mod discriminator {
    use super::*;
    use oagen_tests::fixture_discriminator::types::{Cat, Dog, Group, Pet, Shape};

    #[test]
    fn tags_choose_the_variant_and_mapping_names_it() {
        let cat = json!({"pet_type": "cat", "lives": 9});
        let (pet, encoded): (Pet, _) = round_trip(cat.clone());
        assert!(matches!(&pet, Pet::Cat(c) if c.lives == 9), "{pet:?}");
        assert_eq!(encoded, cat);
        // Two tag values map to one schema: each keeps its own variant.
        let (puppy, encoded): (Pet, _) = round_trip(json!({"pet_type": "puppy"}));
        assert!(matches!(puppy, Pet::Puppy(_)));
        assert_eq!(encoded, json!({"pet_type": "puppy"}));
        // Without a mapping entry, the schema's name is the tag.
        let (lizard, _): (Pet, _) = round_trip(json!({"pet_type": "Lizard"}));
        assert!(matches!(lizard, Pet::Lizard(_)));
    }

    #[test]
    fn an_unknown_tag_is_kept_not_an_error() {
        let parrot = json!({"pet_type": "parrot", "words": 12});
        let (pet, encoded): (Pet, _) = round_trip(parrot.clone());
        assert_eq!(pet, Pet::Unknown(parrot.clone()));
        assert_eq!(encoded, parrot);
        let (untagged, _): (Pet, _) = round_trip(json!({"lives": 1}));
        assert!(matches!(untagged, Pet::Unknown(_)));
    }

    #[test]
    fn a_known_tag_with_a_wrong_body_is_an_error() {
        assert!(serde_json::from_value::<Pet>(json!({"pet_type": "cat"})).is_err());
    }

    #[test]
    fn the_variant_decides_the_tag_that_is_sent() {
        let pet = Pet::Dog(Dog::new("whatever").good(true));
        assert_eq!(
            serde_json::to_value(&pet).unwrap(),
            json!({"pet_type": "dog", "good": true})
        );
        let pet = Pet::Cat(Cat::new("cat", 3));
        assert_eq!(
            serde_json::to_value(&pet).unwrap(),
            json!({"pet_type": "cat", "lives": 3})
        );
    }

    #[test]
    fn recursion_through_a_tagged_union() {
        let nested = json!({
            "kind": "Group",
            "members": [{"kind": "Circle", "radius": 1.5}, {"kind": "Square"}],
            "main": {"kind": "Group", "members": []}
        });
        let (shape, encoded): (Shape, _) = round_trip(nested.clone());
        assert_eq!(encoded, nested);
        let Shape::Group(group) = shape else {
            panic!("a group")
        };
        let Group { members, .. } = *group;
        assert!(matches!(members[1], Shape::Unknown(_)));
    }
}

mod constraints {
    use super::*;
    use oagen_runtime::Validate;
    use oagen_tests::fixture_constraints::types::{Account, AccountStatus, Address};
    use oagen_tests::fixture_constraints::{Client, Error};

    fn with(change: impl FnOnce(&mut Account)) -> Account {
        let mut account = valid();
        change(&mut account);
        account
    }

    fn valid() -> Account {
        Account::new("Acme", "ABC")
            .age(30)
            .tags(vec!["a".into(), "b".into()])
            .address(Address::new("1 Main St"))
    }

    #[test]
    fn a_valid_value_passes() {
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn each_broken_rule_is_named_with_its_path() {
        let cases: Vec<(Account, &str)> = vec![
            (
                with(|a| a.name = String::new()),
                "`name` is shorter than 1 characters (minLength)",
            ),
            (
                with(|a| a.name = "x".repeat(11)),
                "`name` is longer than 10 characters (maxLength)",
            ),
            (
                with(|a| a.code = "abc".into()),
                "`code` is not matched by the pattern `^[A-Z]{3}$`",
            ),
            (
                with(|a| a.nickname = Some(Some("toolong".into()))),
                "`nickname` is longer than 5 characters (maxLength)",
            ),
            (valid().age(17), "`age` is below 18 (minimum)"),
            (
                valid().balance(0.0),
                "`balance` is not above 0 (exclusiveMinimum)",
            ),
            (valid().score(11), "`score` is above 10 (maximum)"),
            (
                valid().tags(vec![]),
                "`tags` is a list of fewer than 1 items (minItems)",
            ),
            (
                valid().tags(vec!["a".into(), "a".into()]),
                "`tags` is a list whose item 1 repeats an earlier one (uniqueItems)",
            ),
            (
                valid().status(AccountStatus::Unknown("frozen".into())),
                "`status` is `frozen`, which is not one of the values the API allows (enum)",
            ),
            (
                valid().address(Address::new("x".repeat(21))),
                "`address.line` is longer than 20 characters (maxLength)",
            ),
            (
                valid().previous(vec![Address::new("ok"), Address::new("x".repeat(21))]),
                "`previous[1].line` is longer than 20 characters (maxLength)",
            ),
        ];
        let items: Vec<(Account, &str)> = vec![
            (
                valid().codes(vec!["ok".into(), "toolong".into()]),
                "`codes[1]` is longer than 3 characters (maxLength)",
            ),
            (
                valid().grid(vec![vec![1], vec![2, 10]]),
                "`grid[1][1]` is above 9 (maximum)",
            ),
        ];
        for (value, message) in cases.into_iter().chain(items) {
            let err = value.validate().expect_err(message);
            assert_eq!(err.to_string(), message);
        }
        // Null and absent are not checked; a pattern `regex` cannot read is not either.
        assert_eq!(with(|a| a.nickname = Some(None)).validate(), Ok(()));
        assert_eq!(valid().lookahead("admin").validate(), Ok(()));
    }

    #[test]
    fn decoding_stays_lenient() {
        let received = json!({"name": "", "code": "lowercase", "age": 3, "status": "frozen"});
        let account: Account = serde_json::from_value(received).expect("decodes");
        assert!(account.validate().is_err());
    }

    #[tokio::test]
    async fn a_broken_body_is_not_sent() {
        // Nothing listens there: the problem must be found before connecting.
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("valid settings");
        let err = client
            .create_account(&Account::new("", "ABC"))
            .await
            .expect_err("invalid");
        match err {
            Error::InvalidRequest(message) => assert!(
                message.contains("`name` is shorter than 1 characters (minLength)"),
                "{message}"
            ),
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
}

mod integer_enum_and_const {
    use super::*;
    use oagen_tests::fixture_integer_enum_and_const::types::{Job, JobKind, Offset, Priority};

    #[test]
    fn integer_enums_round_trip_and_keep_unknown_values() {
        let (job, encoded): (Job, _) =
            round_trip(json!({"kind": "job", "priority": 3, "offset": -1}));
        assert_eq!(job.priority, Priority::High);
        assert_eq!(job.offset, Some(Offset::Minus1));
        assert_eq!(encoded, json!({"kind": "job", "priority": 3, "offset": -1}));
        let (job, encoded): (Job, _) = round_trip(json!({"kind": "job", "priority": 7}));
        assert_eq!(job.priority, Priority::Unknown(7));
        assert_eq!(encoded["priority"], json!(7));
        assert_eq!(Priority::Normal.to_string(), "2");
    }

    #[test]
    fn a_const_field_is_filled_in() {
        let job = Job::new(Priority::Low);
        assert_eq!(job.kind, JobKind::Job);
        assert_eq!(
            serde_json::to_value(&job).unwrap(),
            json!({"kind": "job", "priority": 1})
        );
    }
}

mod deprecated_and_access {
    use super::*;
    use oagen_tests::fixture_deprecated_and_access::types::User;

    #[test]
    fn read_only_is_received_never_sent_and_write_only_is_sent_never_required() {
        let (user, encoded): (User, _) = round_trip(json!({"id": "u1", "name": "Ann"}));
        assert_eq!(user.id.as_deref(), Some("u1"));
        assert_eq!(user.password, None);
        assert_eq!(encoded, json!({"name": "Ann"}));
        // Required in requests: checked before sending.
        let missing = oagen_runtime::Validate::validate(&User::new("Ann")).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "`password` is missing (required in requests)"
        );
        let request = User::new("Ann").password("secret");
        assert_eq!(oagen_runtime::Validate::validate(&request), Ok(()));
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"name": "Ann", "password": "secret"})
        );
    }
}

mod recursive_alias {
    use super::*;
    use oagen_tests::fixture_recursive_alias::types::{Dict, Holder, Tree};

    #[test]
    fn newtypes_are_transparent_on_the_wire() {
        let value = json!({"tree": [[], [[]]], "forest": [null, [[]]], "dict": {"a": {"b": {}}}});
        let (holder, encoded): (Holder, _) = round_trip(value.clone());
        assert_eq!(encoded, value);
        assert_eq!(
            holder.tree,
            Tree(vec![Tree(vec![]), Tree(vec![Tree(vec![])])])
        );
        assert!(holder.dict.is_some_and(|Dict(map)| map.contains_key("a")));
    }
}

mod properties_and_additional {
    use super::*;
    use oagen_tests::fixture_properties_and_additional::types::{Closed, Labels, Open};

    #[test]
    fn other_keys_are_kept_when_allowed_and_ignored_when_not() {
        let value = json!({"name": "n", "team": "core", "tier": "gold"});
        let (labels, encoded): (Labels, _) = round_trip(value.clone());
        assert_eq!(
            labels.additional_properties.get("team").map(String::as_str),
            Some("core")
        );
        assert_eq!(encoded, value);
        let value =
            json!({"id": 1, "additional_properties": "named", "anything": [1, {"a": null}]});
        let (open, encoded): (Open, _) = round_trip(value.clone());
        assert_eq!(open.additional_properties.as_deref(), Some("named"));
        assert_eq!(encoded, value);
        let (_, encoded): (Closed, _) = round_trip(json!({"id": 1, "other": true}));
        assert_eq!(encoded, json!({"id": 1}));
    }
}

mod defaults {
    use super::*;
    use oagen_tests::fixture_maps_and_defaults::types::{Level, Settings};

    #[test]
    fn defaults_of_every_shape_apply_when_the_key_is_absent() {
        let settings: Settings = serde_json::from_value(json!({})).expect("decodes");
        assert_eq!(settings.retries, Some(3));
        assert_eq!(settings.level, Some(Level::High));
        assert_eq!(settings.tags, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(settings.limits.and_then(|l| l.max), Some(10));
        assert_eq!(
            settings.since.flatten().map(|d| d.to_string()).as_deref(),
            Some("2024-01-01")
        );
        // A default that does not decode into its type leaves the field unset.
        assert_eq!(settings.undecodable, None);
        // A present key wins, and `null` is kept apart from absent.
        let settings: Settings =
            serde_json::from_value(json!({"level": "low", "since": null})).expect("decodes");
        assert_eq!(settings.level, Some(Level::Low));
        assert_eq!(settings.since, Some(None));
    }
}

mod one_of_required {
    use oagen_runtime::Validate;
    use oagen_tests::fixture_one_of_required::types::{Contact, ImageRef};

    #[test]
    fn sets_of_required_fields_are_checked() {
        assert!(ImageRef::new().image_url("u").validate().is_ok());
        assert!(ImageRef::new().file_id("f").validate().is_ok());
        let neither = ImageRef::new().validate().unwrap_err();
        assert!(
            neither
                .to_string()
                .contains("exactly one of: `image_url`, or `file_id` (oneOf)"),
            "{neither}"
        );
        assert!(
            ImageRef::new()
                .image_url("u")
                .file_id("f")
                .validate()
                .is_err()
        );
        assert!(Contact::new("n").email("e").validate().is_ok());
        assert!(Contact::new("n").phone("p").validate().is_err());
        assert!(
            Contact::new("n")
                .phone("p")
                .extension("1")
                .validate()
                .is_ok()
        );
    }
}
