//! End to end, on 127.0.0.1: OpenAPI 3.2's `query` (the QUERY method, with a body) and
//! `additionalOperations` (any method, sent by its name), through the client generated
//! from `fixtures/openapi_3_2_methods.yaml`.

use oagen_tests::fixture_openapi_3_2_methods::Client;
use oagen_tests::fixture_openapi_3_2_methods::types::Search;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("valid settings")
}

#[tokio::test]
async fn query_sends_the_query_method_with_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/documents"))
        .and(body_json(serde_json::json!({"text": "rust"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(["a.md"])))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server)
        .search_documents(Search::new("rust"))
        .await
        .expect("the call succeeds");
    assert_eq!(found, vec!["a.md".to_owned()]);
}

#[tokio::test]
async fn additional_operations_send_their_method_by_name() {
    let server = MockServer::start().await;
    Mock::given(method("LINK"))
        .and(path("/documents"))
        .and(query_param("target", "b.md"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PURGE"))
        .and(path("/documents"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .link_documents("b.md")
        .await
        .expect("the call succeeds");
    client(&server)
        .purge_documents()
        .await
        .expect("the call succeeds");
}

mod querystring {
    //! `in: querystring`: one value is the whole query string, written in the media type of
    //! its `content` (`fixtures/openapi_3_2_querystring.yaml`).

    use oagen_tests::fixture_openapi_3_2_querystring::Client;
    use oagen_tests::fixture_openapi_3_2_querystring::types::{
        Criteria, CriteriaStatus, FilterJsonFilter,
    };
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    fn client(server: &MockServer) -> Client {
        Client::builder()
            .base_url(server.uri())
            .build()
            .expect("valid settings")
    }

    /// Matches a request whose raw query string is exactly `expected`.
    fn raw_query(expected: &'static str) -> impl Fn(&Request) -> bool + Send + Sync {
        move |request: &Request| request.url.query() == Some(expected)
    }

    #[tokio::test]
    async fn a_form_query_string_is_the_objects_pairs() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/events"))
            .and(raw_query(
                "startDate=2026-03-01&status=cancelled&tags=a+b&tags=c%26d",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(["e1"])))
            .expect(1)
            .mount(&server)
            .await;
        let criteria = Criteria::new("2026-03-01")
            .status(CriteriaStatus::Cancelled)
            .tags(vec!["a b".to_owned(), "c&d".to_owned()]);
        let found = client(&server)
            .search_events(criteria)
            .await
            .expect("the call succeeds");
        assert_eq!(found, vec!["e1".to_owned()]);
    }

    #[tokio::test]
    async fn a_json_query_string_is_percent_encoded_json_and_optional() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/filter"))
            .and(raw_query(
                "%7B%22numbers%22%3A%5B1%2C2%5D%2C%22flag%22%3Atrue%7D",
            ))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/filter"))
            .and(|request: &Request| request.url.query().is_none())
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        client
            .filter_json()
            .filter(FilterJsonFilter::new().numbers(vec![1, 2]).flag(true))
            .await
            .expect("the call with a filter succeeds");
        client
            .filter_json()
            .await
            .expect("the call without one succeeds, with no query string");
    }

    #[tokio::test]
    async fn another_media_type_is_its_text_percent_encoded() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/select"))
            .and(raw_query("%24.items%5B0%5D"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .select_items("$.items[0]")
            .await
            .expect("the call succeeds");
    }

    #[tokio::test]
    async fn query_parameters_beside_it_follow_the_query_string() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/mixed"))
            .and(raw_query("a=1&limit=5"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .mixed_query()
            .limit(5)
            .whole([("a".to_owned(), "1".to_owned())].into())
            .await
            .expect("the call succeeds");
    }
}

mod default_mapping {
    //! `discriminator.defaultMapping`: a value whose tag is missing or names no variant
    //! decodes into the default schema's variant (`fixtures/openapi_3_2_default_mapping.yaml`).

    use oagen_tests::fixture_openapi_3_2_default_mapping::Client;
    use oagen_tests::fixture_openapi_3_2_default_mapping::types::{Pet, Shape};
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    async fn pet(answer: serde_json::Value) -> Pet {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/pets/p1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(&server)
            .await;
        Client::builder()
            .base_url(server.uri())
            .build()
            .expect("valid settings")
            .get_pet("p1")
            .await
            .expect("the pet decodes")
    }

    #[tokio::test]
    async fn a_tag_the_mapping_names_decodes_as_before() {
        match pet(json!({"petType": "cat", "lives": 9})).await {
            Pet::Cat(cat) => assert_eq!(cat.lives, 9),
            other => panic!("expected a cat, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_unknown_tag_decodes_into_the_default_schema() {
        match pet(json!({"petType": "hamster", "name": "Rex"})).await {
            Pet::OtherPet(other) => {
                assert_eq!(other.name, "Rex");
                assert_eq!(other.pet_type.as_deref(), Some("hamster"));
            }
            other => panic!("expected the default variant, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_missing_tag_decodes_into_the_default_schema() {
        match pet(json!({"name": "Nameless"})).await {
            Pet::OtherPet(other) => assert_eq!(other.pet_type, None),
            other => panic!("expected the default variant, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_value_that_fits_no_default_is_kept_as_json() {
        let value = json!({"petType": "rock"});
        match pet(value.clone()).await {
            Pet::Unknown(kept) => assert_eq!(kept, value),
            other => panic!("expected the unknown variant, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_default_among_the_branches_takes_unknown_tags_and_writes_them_back() {
        let server = MockServer::start().await;
        let answer = json!([
            {"kind": "Circle", "radius": 1.5},
            {"kind": "hexagon", "sides": 6},
            {"kind": "blob"}
        ]);
        Mock::given(method("GET"))
            .and(path("/shapes"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(&server)
            .await;
        let shapes = Client::builder()
            .base_url(server.uri())
            .build()
            .expect("valid settings")
            .list_shapes()
            .await
            .expect("the shapes decode");
        assert!(matches!(&shapes[0], Shape::Circle(c) if c.radius == 1.5));
        match &shapes[1] {
            Shape::Polygon(polygon) => {
                assert_eq!(polygon.sides, 6);
                assert_eq!(polygon.kind, "hexagon");
            }
            other => panic!("expected the default variant, got {other:?}"),
        }
        assert!(matches!(&shapes[2], Shape::Unknown(_)));
        // The default variant keeps the tag it came with.
        assert_eq!(
            serde_json::to_value(&shapes[1]).expect("encodes"),
            json!({"kind": "hexagon", "sides": 6})
        );
    }
}
