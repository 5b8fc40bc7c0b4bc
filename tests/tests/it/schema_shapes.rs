//! Behaviour of generated types that snapshots cannot show: how they decode and encode.
//! Each test uses the code generated from one fixture (`oagen_tests::fixture_<name>`).

use oagen_runtime::Nullable;
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
                with(|a| a.nickname = Nullable::Value("toolong".into())),
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
        assert_eq!(with(|a| a.nickname = Nullable::Null).validate(), Ok(()));
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
            .create_account(Account::new("", "ABC"))
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
    use oagen_tests::fixture_deprecated_and_access::types::{User, UserRequest};

    #[test]
    fn read_only_is_received_and_kept_and_write_only_is_required_when_sent() {
        // Received: the required read-only `id` is plain, the write-only `password` optional,
        // and everything decoded is encoded back.
        let (user, encoded): (User, _) = round_trip(json!({"id": "u1", "name": "Ann"}));
        assert_eq!(user.id, "u1");
        assert_eq!(user.password, None);
        assert_eq!(encoded, json!({"id": "u1", "name": "Ann"}));
        // Sent: no `id` at all, the required write-only `password` a constructor argument.
        let request = UserRequest::new("Ann", "secret");
        assert_eq!(oagen_runtime::Validate::validate(&request), Ok(()));
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"name": "Ann", "password": "secret"})
        );
    }
}

mod read_write_shapes {
    use super::*;
    use oagen_tests::fixture_read_write_shapes::types::{
        AccountRequest, Card, PaymentRequest, Receipt, Signup, Tag,
    };

    #[test]
    fn a_type_sent_only_leaves_read_only_fields_out() {
        // `Signup` is only sent: it has no `id` field; a received `id` is not kept.
        let signup = Signup::new("a@example.com", "t0k");
        assert_eq!(
            serde_json::to_value(&signup).unwrap(),
            json!({"email": "a@example.com", "token": "t0k"})
        );
        let (_, encoded): (Signup, _) =
            round_trip(json!({"id": "s1", "email": "a@example.com", "token": "t0k"}));
        assert_eq!(encoded, json!({"email": "a@example.com", "token": "t0k"}));
    }

    #[test]
    fn a_type_received_only_has_plain_read_only_and_optional_write_only_fields() {
        let value = json!({"number": 42, "memo": "thanks"});
        let (receipt, encoded): (Receipt, _) = round_trip(value.clone());
        assert_eq!(receipt.number, 42);
        assert_eq!(receipt.secret, None);
        assert_eq!(receipt.memo.as_deref(), Some("thanks"));
        assert_eq!(encoded, value);
    }

    #[test]
    fn a_type_without_flags_stays_one_type_and_keeps_null_apart() {
        for value in [
            json!({"label": "red"}),
            json!({"label": "red", "color": null}),
            json!({"label": "red", "color": "#f00"}),
        ] {
            let (tag, encoded): (Tag, _) = round_trip(value.clone());
            assert_eq!(encoded, value);
            assert_eq!(tag.color.as_deref(), value["color"].as_str());
        }
        // Readable as the value, whatever it is.
        assert_eq!(
            format!("{:?}", Tag::new("red").color("#f00")),
            r##"Tag { label: "red", color: "#f00" }"##
        );
    }

    #[test]
    fn a_recursive_type_has_recursive_shapes() {
        use oagen_tests::fixture_read_write_shapes::types::{Folder, FolderRequest};
        let sent = FolderRequest::new("docs")
            .parent(FolderRequest::new("root"))
            .children(vec![FolderRequest::new("a")]);
        assert_eq!(
            serde_json::to_value(&sent).unwrap(),
            json!({"name": "docs", "parent": {"name": "root"}, "children": [{"name": "a"}]})
        );
        let value = json!({"id": "f2", "name": "docs", "parent": {"id": "f1", "name": "root"}});
        let (folder, encoded): (Folder, _) = round_trip(value.clone());
        assert_eq!(folder.parent.map(|p| p.id).as_deref(), Some("f1"));
        assert_eq!(encoded, value);
    }

    #[test]
    fn request_shapes_reach_through_unions_and_keep_their_own_names() {
        // The schema named `AccountRequest` keeps its name: `Account`'s request shape is
        // `AccountRequest2`.
        assert_eq!(
            serde_json::to_value(AccountRequest::new().reason("x")).unwrap(),
            json!({"reason": "x"})
        );
        // The union sent holds `CardRequest` (write-only `number` required, no `last4`); the
        // one received holds `Card` (`last4` kept, `number` optional).
        let sent = PaymentRequest::Card(
            oagen_tests::fixture_read_write_shapes::types::CardRequest::new("4242"),
        );
        assert_eq!(
            serde_json::to_value(&sent).unwrap(),
            json!({"number": "4242"})
        );
        let (card, encoded): (Card, _) = round_trip(json!({"last4": "4242"}));
        assert_eq!(card.last4.as_deref(), Some("4242"));
        assert_eq!(encoded, json!({"last4": "4242"}));
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
            settings.since.as_ref().map(|d| d.to_string()).as_deref(),
            Some("2024-01-01")
        );
        // A default that does not decode into its type leaves the field unset.
        assert_eq!(settings.undecodable, None);
        // A present key wins, and `null` is kept apart from absent.
        let settings: Settings =
            serde_json::from_value(json!({"level": "low", "since": null})).expect("decodes");
        assert_eq!(settings.level, Some(Level::Low));
        assert_eq!(settings.since, Nullable::Null);
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

mod inferred_tags {
    use super::*;
    use oagen_tests::fixture_inferred_tags::types::{
        Action, Card, NotTagged, PaymentMethod, Wallet, WalletType,
    };

    #[test]
    fn a_const_or_one_value_enum_on_each_branch_chooses_the_variant() {
        // Paypal comes first and accepts the same keys minus `cvc`: the tag decides.
        let card = json!({"type": "card", "email": "a@b.c", "cvc": "123"});
        let (method, encoded): (PaymentMethod, _) = round_trip(card.clone());
        assert!(
            matches!(&method, PaymentMethod::Card(c) if c.cvc.as_deref() == Some("123")),
            "{method:?}"
        );
        assert_eq!(encoded, card);
        let (paypal, _): (PaymentMethod, _) = round_trip(json!({"type": "paypal"}));
        assert!(matches!(paypal, PaymentMethod::Paypal(_)), "{paypal:?}");
    }

    #[test]
    fn each_value_of_an_enum_set_names_its_branch() {
        for value in ["apple_pay", "google_pay"] {
            let wallet = json!({"type": value, "token": "t"});
            let (method, encoded): (PaymentMethod, _) = round_trip(wallet.clone());
            assert!(matches!(&method, PaymentMethod::Wallet(_)), "{method:?}");
            assert_eq!(
                encoded, wallet,
                "the variant's own field is written as it is"
            );
        }
        let built = PaymentMethod::Wallet(Wallet::new(WalletType::GooglePay));
        assert_eq!(
            serde_json::to_value(&built).unwrap(),
            json!({"type": "google_pay"})
        );
        let card = PaymentMethod::Card(Card::new().cvc("1"));
        assert_eq!(
            serde_json::to_value(&card).unwrap(),
            json!({"type": "card", "cvc": "1"})
        );
    }

    #[test]
    fn an_unknown_tag_is_kept_as_json() {
        let klarna = json!({"type": "klarna", "email": "a@b.c"});
        let (method, encoded): (PaymentMethod, _) = round_trip(klarna.clone());
        assert_eq!(method, PaymentMethod::Unknown(klarna.clone()));
        assert_eq!(encoded, klarna);
    }

    #[test]
    fn the_tag_need_not_be_the_first_property_and_branches_may_be_inline() {
        let redirect = json!({"url": "https://x", "kind": "redirect", "method": "POST"});
        let (action, encoded): (Action, _) = round_trip(redirect.clone());
        assert!(matches!(action, Action::ActionVariant0(_)), "{action:?}");
        assert_eq!(encoded, redirect);
        let qr = json!({"url": "https://x", "kind": "qr", "image": "data:"});
        let (action, encoded): (Action, _) = round_trip(qr.clone());
        assert!(matches!(action, Action::ActionVariant1(_)), "{action:?}");
        assert_eq!(encoded, qr, "`image` is kept");
    }

    #[test]
    fn overlapping_value_sets_leave_the_union_untagged_but_nothing_is_lost() {
        let right = json!({"type": "b", "right": 2});
        let (value, encoded): (NotTagged, _) = round_trip(right.clone());
        assert!(
            matches!(value, NotTagged::NotTaggedVariant1(_)),
            "{value:?}"
        );
        assert_eq!(encoded, right);
        let (value, _): (NotTagged, _) = round_trip(json!({"type": "a"}));
        assert!(
            matches!(value, NotTagged::NotTaggedVariant0(_)),
            "{value:?}"
        );
    }
}

mod union_order {
    use super::*;
    use oagen_tests::fixture_union_order::types::{DeclaredFirst, DeclaredLast};

    #[test]
    fn a_union_declared_before_its_branches_ranks_them_like_one_declared_after() {
        let policy = json!({"privacy_policy_url": "https://p", "terms_url": "https://t"});
        let (first, encoded): (DeclaredFirst, _) = round_trip(policy.clone());
        assert!(matches!(first, DeclaredFirst::Policy(_)), "{first:?}");
        assert_eq!(encoded, policy);
        let (last, encoded): (DeclaredLast, _) = round_trip(policy.clone());
        assert!(matches!(last, DeclaredLast::Policy(_)), "{last:?}");
        assert_eq!(encoded, policy);
        let (note, _): (DeclaredFirst, _) = round_trip(json!({"note": "n"}));
        assert!(matches!(note, DeclaredFirst::Note(_)), "{note:?}");
    }
}

mod overlapping_unions {
    use super::*;
    use oagen_tests::fixture_overlapping_unions::types::{
        Environment, ProtectionRule, Reviewer, Shade,
    };

    #[test]
    fn the_variant_that_keeps_every_key_wins() {
        // Three branches accept `{id, type}`; only one keeps `reviewers`.
        let environment = json!({"protection_rules": [
            {"id": 1, "type": "wait_timer", "wait_timer": 30},
            {"id": 2, "type": "required_reviewers", "reviewers": [
                {"type": "User", "reviewer": {"login": "octocat"}}
            ]},
            {"id": 3, "type": "branch_policy"}
        ]});
        let (decoded, encoded): (Environment, _) = round_trip(environment.clone());
        assert_eq!(encoded, environment);
        let rules = decoded.protection_rules.unwrap();
        assert!(matches!(
            rules[0],
            ProtectionRule::ProtectionRuleVariant0(_)
        ));
        assert!(matches!(
            rules[1],
            ProtectionRule::ProtectionRuleVariant1(_)
        ));
        // Nothing beyond `{id, type}`: every branch fits; the first in rank order is chosen.
        assert!(matches!(
            rules[2],
            ProtectionRule::ProtectionRuleVariant0(_)
        ));
    }

    #[test]
    fn keys_lost_inside_a_nested_union_count_against_the_outer_variant() {
        let team = json!({"slug": "core", "members": 3});
        let (reviewer, encoded): (Reviewer, _) = round_trip(team.clone());
        assert!(matches!(reviewer, Reviewer::ReviewerVariant1(_)));
        assert_eq!(encoded, team);
        let rule = json!({"id": 2, "type": "t", "reviewers": [{"type": "Team", "reviewer": team}]});
        let (_, encoded): (ProtectionRule, _) = round_trip(rule.clone());
        assert_eq!(encoded, rule);
    }

    #[test]
    fn a_variant_that_knows_every_enum_value_wins_over_one_that_keeps_it_as_unknown() {
        let (blue, encoded): (Shade, _) = round_trip(json!({"colour": "blue"}));
        assert!(matches!(blue, Shade::ShadeVariant1(_)), "{blue:?}");
        assert_eq!(encoded, json!({"colour": "blue"}));
        let (dark, _): (Shade, _) = round_trip(json!({"colour": "green", "mode": "dark"}));
        assert!(matches!(dark, Shade::ShadeVariant1(_)), "{dark:?}");
        // Known by both: the first.
        let (red, _): (Shade, _) = round_trip(json!({"colour": "green", "mode": "light"}));
        assert!(matches!(red, Shade::ShadeVariant0(_)), "{red:?}");
    }

    #[test]
    fn a_value_no_variant_accepts_is_an_error_naming_the_union_s_failures() {
        let err = serde_json::from_value::<ProtectionRule>(json!("text")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a string that matches no variant"),
            "{err}"
        );
    }
}

mod all_of_annotations {
    use super::*;
    use oagen_tests::fixture_all_of_annotations::types::{Currency, Labelled, Price};

    #[test]
    fn annotations_beside_a_ref_are_the_referenced_type() {
        let price = json!({"currency": "usd", "anything": [1, "two"], "amount": 5});
        let (decoded, encoded): (Price, _) = round_trip(price.clone());
        assert!(matches!(
            decoded.currency,
            Some(Currency::CurrencyVariant0(_))
        ));
        assert_eq!(decoded.anything, Some(json!([1, "two"])));
        assert_eq!(decoded.amount, Some(5));
        assert_eq!(encoded, price);
        let (other, _): (Price, _) = round_trip(json!({"currency": "chf"}));
        assert!(
            matches!(&other.currency, Some(Currency::String(s)) if s == "chf"),
            "{other:?}"
        );
        // An object `$ref` plus a description is that object's type.
        let labelled: Labelled = Price::default();
        assert_eq!(serde_json::to_value(labelled).unwrap(), json!({}));
    }
}

/// Structs decode through `oagen_runtime::de::object` (no `Deserialize` derive): what the
/// derive did is kept.
mod struct_decoding {
    use super::*;
    use oagen_tests::fixture_nullable_forms::types::Record;

    #[test]
    fn absent_null_and_value_stay_apart() {
        let absent: Record =
            serde_json::from_value(json!({"required_plain": "a", "required_nullable": "b"}))
                .unwrap();
        assert_eq!(absent.required_nullable.as_deref(), Some("b"));
        assert_eq!(absent.optional_plain, None);
        assert!(absent.optional_nullable_any_of.is_absent());
        let null: Record = serde_json::from_value(json!({
            "required_plain": "a", "required_nullable": null,
            "optional_plain": null, "optional_nullable_any_of": null
        }))
        .unwrap();
        assert_eq!(null.required_nullable, None);
        assert_eq!(null.optional_plain, None);
        assert_eq!(null.optional_nullable_any_of, Nullable::Null);
        let value: Record = serde_json::from_value(json!({
            "required_plain": "a", "required_nullable": null,
            "optional_plain": 3, "optional_nullable_any_of": "x"
        }))
        .unwrap();
        assert_eq!(value.optional_plain, Some(3));
        assert_eq!(
            value.optional_nullable_any_of,
            Nullable::Value("x".to_owned())
        );
        // A required but nullable key may be left out, as with serde's derive.
        let missing: Record = serde_json::from_value(json!({"required_plain": "a"})).unwrap();
        assert_eq!(missing.required_nullable, None);
    }

    #[test]
    fn errors_name_the_key_and_where_it_is() {
        let missing = serde_json::from_str::<Record>("{\n  \"required_nullable\": null\n}")
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("missing field `required_plain`") && missing.contains("line 3"),
            "{missing}"
        );
        let twice =
            serde_json::from_str::<Record>(r#"{"required_plain": "a", "required_plain": "b"}"#)
                .unwrap_err()
                .to_string();
        assert!(
            twice.contains("duplicate field `required_plain`") && twice.contains("column"),
            "{twice}"
        );
        let wrong = serde_json::from_str::<Record>(r#"{"required_plain": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(
            wrong.contains("invalid type: integer `1`, expected a string")
                && wrong.contains("line 1 column"),
            "{wrong}"
        );
        let not_object = serde_json::from_str::<Record>("[]")
            .unwrap_err()
            .to_string();
        assert!(not_object.contains("struct Record"), "{not_object}");
    }

    #[test]
    fn unknown_keys_are_ignored_and_seen_by_serde_ignored() {
        let value = json!({
            "required_plain": "a",
            "optional_nullable_one_of": {"value": true, "colour": "red"},
            "age": 3
        });
        let mut unused = Vec::new();
        let record: Record =
            serde_ignored::deserialize(&value, |path| unused.push(path.to_string())).unwrap();
        // (`?` is the `Some` that `Nullable` reads through.)
        assert_eq!(unused, ["optional_nullable_one_of.?.colour", "age"]);
        let (_, encoded): (Record, _) = round_trip(value);
        assert_eq!(
            encoded,
            json!({"required_plain": "a", "required_nullable": null,
                   "optional_nullable_one_of": {"value": true}})
        );
        assert!(record.optional_nullable_one_of.as_ref().is_some());
    }
}
