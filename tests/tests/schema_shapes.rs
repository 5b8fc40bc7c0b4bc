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
