//! Valid OpenAPI 3.1 documents in which every name is hostile to a Rust code generator:
//! keywords, prelude names, names starting with digits, punctuation, non-ASCII text, very long
//! names, near-collisions and the names of the generator's own items. Shared by the build
//! script (which compiles a fixed batch of them, see `build.rs`) and `tests/fuzz.rs` (which
//! generates many), so it depends on nothing: [`document`] draws from a tiny xorshift
//! generator and writes JSON by hand.

/// Keywords, strict, reserved and weak, and a raw identifier written out.
const KEYWORDS: &[&str] = &[
    "type", "self", "Self", "super", "crate", "match", "fn", "async", "await", "dyn", "gen", "try",
    "union", "r#type", "_",
];

/// Prelude and standard library names that generated code may refer to unqualified.
const PRELUDE: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Default", "Clone",
    "Into", "From",
];

/// Digits first; punctuation, quotes, escapes, whitespace and nothing at all.
const PUNCTUATION: &[&str] = &[
    "123abc",
    "1st",
    "0",
    "$ref",
    "foo-bar",
    "a.b",
    "@type",
    "'x'",
    "\"q\"",
    "",
    " ",
    "__",
    "-",
    "---",
    "a\\b",
    "*/",
    "new\nline",
];

/// Non-ASCII: CJK, accents, an emoji, right-to-left text and a text-direction override (which
/// rustc refuses in comments unless escaped).
const UNICODE: &[&str] = &["名前", "café", "😀", "שלום", "\u{202e}abc"];

/// Near-collisions: one name once sanitised.
const NEAR_COLLISIONS: &[&str] = &["fooBar", "foo_bar", "FooBar", "foo-bar", "FOO_BAR"];

/// The names of the generator's own items, fields and methods.
const OWN: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Error",
    "ErrorBody",
    "Response",
    "Secret",
    "types",
    "operations",
    "client",
    "body",
    "send",
    "new",
    "default",
    "with_default",
    "into_future",
    "defaults",
    "deserializer",
    "D",
    "de",
    "map",
    "keys",
    "A",
    "Object",
];

/// Names no sanitising can pass through unchanged, without duplicates.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in [
        KEYWORDS,
        PRELUDE,
        PUNCTUATION,
        UNICODE,
        NEAR_COLLISIONS,
        OWN,
    ]
    .concat()
    {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    // A very long name, in words so that every casing keeps it long.
    names.push("very_long_name_".repeat(20));
    names
}

/// A deterministic OpenAPI 3.1 document (JSON) whose schema names, property names, enum
/// values, parameter names and operationIds are drawn from [`names`]. It holds an object with
/// required, optional and nullable properties, a string enum, a oneOf and an allOf of two
/// objects, a self-referencing schema, a GET with path, query and header parameters and a
/// POST with a JSON body; every path parameter in a template is declared. One seed always
/// gives the same document.
pub fn document(seed: u64) -> String {
    let pool = names();
    let mut rng = Rng::new(seed);

    // Distinct schema names: object, enum, second object, oneOf, allOf, recursive.
    let [object, enumeration, other, one_of, all_of, recursive]: [String; 6] = rng
        .distinct(&pool, 6, |_| true)
        .try_into()
        .expect("six names were drawn");

    // Property names of the two objects are disjoint, so that their allOf merges cleanly.
    let property_names = rng.distinct(&pool, 10, |_| true);
    let (object_props, other_props) = property_names.split_at(6);
    let object_schema = rng.object(
        object_props,
        &pool,
        &schema_ref(&enumeration),
        &schema_ref(&other),
    );
    let other_schema = rng.object(
        other_props,
        &pool,
        &schema_ref(&enumeration),
        &Json::str_schema(),
    );

    let values = rng.distinct(&pool, 5, |_| true);
    let enum_schema = obj([
        ("type", Json::str("string")),
        (
            "enum",
            Json::Arr(values.iter().map(|v| Json::str(v)).collect()),
        ),
    ]);

    let recursive_props = rng.distinct(&pool, 3, |_| true);
    let recursive_schema = obj([
        ("type", Json::str("object")),
        ("required", Json::Arr(vec![Json::str(&recursive_props[2])])),
        (
            "properties",
            Json::Obj(vec![
                (recursive_props[0].clone(), schema_ref(&recursive)),
                (
                    recursive_props[1].clone(),
                    obj([
                        ("type", Json::str("array")),
                        ("items", schema_ref(&recursive)),
                    ]),
                ),
                (recursive_props[2].clone(), Json::str_schema()),
            ]),
        ),
    ]);

    let schemas = Json::Obj(vec![
        (object.clone(), object_schema),
        (enumeration.clone(), enum_schema),
        (other.clone(), other_schema),
        (
            one_of.clone(),
            obj([(
                "oneOf",
                Json::Arr(vec![schema_ref(&object), schema_ref(&other)]),
            )]),
        ),
        (
            all_of.clone(),
            obj([(
                "allOf",
                Json::Arr(vec![schema_ref(&object), schema_ref(&other)]),
            )]),
        ),
        (recursive.clone(), recursive_schema),
    ]);

    // GET: two path parameters (whose names must not break the template: no braces, no
    // slashes, no query), two query parameters (one an inline enum) and a header; names may
    // repeat across locations.
    let template_safe = |name: &str| {
        !name.is_empty() && !name.contains(['/', '{', '}', '?']) && !name.contains(char::is_control)
    };
    let path_params = rng.distinct(&pool, 2, template_safe);
    let query_params = rng.distinct(&pool, 2, |_| true);
    let header = rng.distinct(&pool, 1, |_| true);
    let query_values = rng.distinct(&pool, 3, |_| true);
    let mut parameters = Vec::new();
    for name in &path_params {
        parameters.push(parameter(name, "path", true, Json::str_schema()));
    }
    parameters.push(parameter(
        &query_params[0],
        "query",
        true,
        Json::str_schema(),
    ));
    parameters.push(parameter(
        &query_params[1],
        "query",
        false,
        obj([
            ("type", Json::str("string")),
            (
                "enum",
                Json::Arr(query_values.iter().map(|v| Json::str(v)).collect()),
            ),
        ]),
    ));
    parameters.push(parameter(&header[0], "header", false, Json::str_schema()));
    let operation_ids = rng.distinct(&pool, 2, |_| true);
    let get = obj([
        ("operationId", Json::str(&operation_ids[0])),
        ("parameters", Json::Arr(parameters)),
        (
            "responses",
            obj([("200", json_response(schema_ref(&recursive)))]),
        ),
    ]);
    let post = obj([
        ("operationId", Json::str(&operation_ids[1])),
        (
            "requestBody",
            obj([
                ("required", Json::Bool(true)),
                (
                    "content",
                    obj([("application/json", obj([("schema", schema_ref(&all_of))]))]),
                ),
            ]),
        ),
        (
            "responses",
            obj([
                ("200", json_response(schema_ref(&one_of))),
                ("default", json_response(schema_ref(&other))),
            ]),
        ),
    ]);
    let paths = Json::Obj(vec![
        (
            format!("/x/{{{}}}/y/{{{}}}", path_params[0], path_params[1]),
            obj([("get", get)]),
        ),
        ("/z".to_owned(), obj([("post", post)])),
    ]);

    let title = rng.pick(&pool).to_owned();
    let document = obj([
        ("openapi", Json::str("3.1.0")),
        (
            "info",
            obj([
                ("title", Json::str(&title)),
                ("version", Json::str("1.0.0")),
            ]),
        ),
        ("paths", paths),
        ("components", obj([("schemas", schemas)])),
    ]);
    let mut text = String::new();
    document.write(&mut text);
    text
}

/// A `$ref` to a component schema.
fn schema_ref(name: &str) -> Json {
    let target = format!("#/components/schemas/{}", pointer_token(name));
    obj([("$ref", Json::Str(target))])
}

/// A parameter object.
fn parameter(name: &str, location: &str, required: bool, schema: Json) -> Json {
    obj([
        ("name", Json::str(name)),
        ("in", Json::str(location)),
        ("required", Json::Bool(required)),
        ("schema", schema),
    ])
}

/// A response with a JSON body of the given schema.
fn json_response(schema: Json) -> Json {
    obj([
        ("description", Json::str("hostile")),
        (
            "content",
            obj([("application/json", obj([("schema", schema)]))]),
        ),
    ])
}

/// `name` escaped as one token of a JSON pointer (RFC 6901) inside a URI fragment: `~` and
/// `/` as `~0` and `~1`, `%` percent-encoded so that it is not read as an escape.
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0")
        .replace('/', "~1")
        .replace('%', "%25")
}

/// xorshift64*, seeded through splitmix64 so that nearby seeds give unrelated documents (and
/// seed 0 works).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, pool: &'a [String]) -> &'a str {
        &pool[self.below(pool.len())]
    }

    /// `n` different names of the pool that pass `keep`.
    fn distinct(&mut self, pool: &[String], n: usize, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let mut candidates: Vec<&String> = pool.iter().filter(|name| keep(name)).collect();
        assert!(
            candidates.len() >= n,
            "the pool has too few names to draw {n}"
        );
        // A partial Fisher-Yates shuffle: the first `n` places are the draw.
        for i in 0..n {
            let j = i + self.below(candidates.len() - i);
            candidates.swap(i, j);
        }
        candidates[..n].iter().map(|name| (*name).clone()).collect()
    }

    /// An object with the given properties, each of a randomly chosen shape, some of them
    /// required.
    fn object(
        &mut self,
        properties: &[String],
        pool: &[String],
        enumeration: &Json,
        other: &Json,
    ) -> Json {
        let mut required = Vec::new();
        let mut fields = Vec::new();
        for name in properties {
            let schema = match self.below(8) {
                0 => Json::str_schema(),
                1 => obj([(
                    "type",
                    Json::Arr(vec![Json::str("string"), Json::str("null")]),
                )]),
                2 => obj([
                    ("type", Json::str("integer")),
                    ("format", Json::str("int64")),
                ]),
                3 => obj([(
                    "type",
                    Json::Arr(vec![Json::str("boolean"), Json::str("null")]),
                )]),
                4 => enumeration.clone(),
                5 => obj([("type", Json::str("array")), ("items", Json::str_schema())]),
                6 => other.clone(),
                // An inline object, whose type is named after the property.
                _ => {
                    let inner = self.pick(pool).to_owned();
                    obj([
                        ("type", Json::str("object")),
                        ("properties", Json::Obj(vec![(inner, Json::str_schema())])),
                    ])
                }
            };
            if self.below(2) == 0 {
                required.push(Json::str(name));
            }
            fields.push((name.clone(), schema));
        }
        obj([
            ("type", Json::str("object")),
            ("required", Json::Arr(required)),
            ("properties", Json::Obj(fields)),
        ])
    }
}

/// Just enough JSON to write the documents.
#[derive(Clone)]
enum Json {
    Bool(bool),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// An object from fixed keys.
fn obj<const N: usize>(entries: [(&str, Json); N]) -> Json {
    Json::Obj(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

impl Json {
    fn str(text: &str) -> Json {
        Json::Str(text.to_owned())
    }

    fn str_schema() -> Json {
        obj([("type", Json::str("string"))])
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Str(s) => write_string(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal, escaped by `serde_json`.
fn write_string(text: &str, out: &mut String) {
    // Serializing a `&str` cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}
