//! Every identifier the generator emits is decided here: casing (via `heck`), keyword
//! escaping, sanitising of characters Rust does not accept, and de-duplication within a scope.
//!
//! Generated names are ASCII only, so they never trip `non_ascii_idents`-style lints or
//! confusable-character warnings.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every edition up to 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names that generated code refers to unqualified; a type of the API with one of these
/// names would shadow them.
pub const PRELUDE_TYPES: &[&str] = &["Box", "Into", "Option", "Result", "String", "Vec"];

/// Cargo features a generated crate has besides one per resource group (`default` lists
/// them all); a group never takes one of these names.
pub const RESERVED_FEATURES: &[&str] = &["default", "mock"];

/// A Cargo feature name for `raw`: snake_case ASCII letters, digits and `_` (`Vector
/// stores` → `vector_stores`); empty when `raw` has no ASCII letter or digit.
pub fn feature(raw: &str) -> String {
    ascii_words(raw).to_snake_case()
}

/// Replaces everything but ASCII letters and digits by word breaks, keeping case changes
/// (which `heck` reads as word breaks too).
fn ascii_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Words of an API's title that say what kind of document it is, not which API: left out
/// of the crate's name (`Orbit AI API` → `orbit-ai`).
const FILLER_WORDS: &[&str] = &[
    "a",
    "an",
    "api",
    "apis",
    "definition",
    "description",
    "documentation",
    "http",
    "https",
    "json",
    "oas",
    "openapi",
    "rest",
    "restful",
    "spec",
    "specification",
    "the",
    "yaml",
];

/// The crate name for an API titled `title`: its short name in kebab-case, without filler
/// words (`api`, `rest`, `openapi`, `the`...), version numbers (`v3`, `2.0`, `2024-01-01`)
/// or a word said twice (`Orbit AI API` → `orbit-ai`, `GitHub v3 REST API` → `github`, `Swagger Petstore -
/// OpenAPI 3.0` → `swagger-petstore`). Words are split at anything but ASCII letters and
/// digits, not at case changes, so `OpenAI` stays one word. `api` when nothing is left.
pub fn crate_name(title: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for word in ascii_words(title).split_whitespace() {
        let word = word.to_ascii_lowercase();
        let version = word.bytes().all(|b| b.is_ascii_digit())
            || word.strip_prefix('v').is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
            }) && word.len() <= 8;
        if version || FILLER_WORDS.contains(&word.as_str()) || words.contains(&word) {
            continue;
        }
        words.push(word);
    }
    if words.is_empty() {
        return "api".to_owned();
    }
    let mut name = words.join("-");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    name
}

/// The prefix of the environment variables a README reads a crate's credentials from:
/// the crate's name in SCREAMING_SNAKE_CASE (`orbit-ai` → `ORBIT_AI`, for `ORBIT_AI_API_KEY`).
pub fn env_prefix(crate_name: &str) -> String {
    ascii_words(crate_name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_ascii_uppercase()
}

/// A snake_case identifier for `raw`, or `fallback` when `raw` has no letters or digits.
/// Keywords become raw identifiers (`r#type`) or get a trailing `_` where that is not
/// allowed (`self_`).
pub fn snake(raw: &str, fallback: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.chars().all(|c| c.is_ascii_digit() || c == '_') {
        // `_0` would be a name of only underscores and digits (clippy warns): `n0`.
        name.insert(0, 'n');
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

/// An UpperCamelCase identifier for `raw`, or `fallback` when `raw` has no letters or digits.
pub fn camel(raw: &str, fallback: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

/// Whether `name` is a Rust keyword (strict or reserved, any edition up to 2024).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name) || NOT_RAW.contains(&name)
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The name without a raw-identifier prefix: what serde sees as the field's name.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// A set of names already used in one scope. Claiming a taken name yields the first free
/// numbered variant (`name_2`, `Name2`), so results depend only on the order of claims, which
/// callers keep deterministic.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    pub fn with_reserved(names: &[&str]) -> Self {
        let mut scope = Scope::new();
        for name in names {
            scope.taken.insert((*name).to_owned());
        }
        scope
    }

    /// Claims a snake_case name, numbering it `_2`, `_3`, … if taken.
    pub fn claim_snake(&mut self, base: &str) -> String {
        self.claim(base, "_")
    }

    /// Claims an UpperCamelCase name, numbering it `2`, `3`, … if taken.
    pub fn claim_camel(&mut self, base: &str) -> String {
        self.claim(base, "")
    }

    fn claim(&mut self, base: &str, separator: &str) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        // `self_` numbered is `self_2`, not `self__2` (a doubled underscore is not snake case).
        let stem = unraw(base).trim_end_matches('_');
        let stem = if stem.is_empty() { unraw(base) } else { stem };
        let mut n = 2usize;
        loop {
            let candidate = format!("{stem}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_escapes() {
        assert_eq!(snake("zipCode", "field"), "zip_code");
        assert_eq!(snake("id__in", "field"), "id_in");
        assert_eq!(snake("type", "field"), "r#type");
        assert_eq!(snake("self", "field"), "self_");
        assert_eq!(snake("$ref", "field"), "r#ref");
        assert_eq!(snake("123abc", "field"), "_123abc");
        assert_eq!(snake("0", "field"), "n0");
        assert_eq!(snake("1_2", "field"), "n1_2");
        assert_eq!(snake("foo-bar", "field"), "foo_bar");
        assert_eq!(snake("名前", "field"), "field");
        assert_eq!(snake("Get-order-by-ID", "op"), "get_order_by_id");
        assert_eq!(camel("HTTPValidationError", "Type"), "HttpValidationError");
        assert_eq!(camel("a-b", "Type"), "AB");
        assert_eq!(camel("1st", "Type"), "N1st");
        assert_eq!(camel("", "Empty"), "Empty");
        assert_eq!(camel("self", "Type"), "SelfValue");
    }

    #[test]
    fn crate_names_are_short_names() {
        assert_eq!(crate_name("Orbit AI API"), "orbit-ai");
        assert_eq!(env_prefix(&crate_name("Orbit AI API")), "ORBIT_AI");
        assert_eq!(crate_name("GitHub v3 REST API"), "github");
        assert_eq!(
            crate_name("Swagger Petstore - OpenAPI 3.0"),
            "swagger-petstore"
        );
        assert_eq!(crate_name("OpenAI API"), "openai");
        assert_eq!(crate_name("Prefect Prefect REST API"), "prefect");
        assert_eq!(crate_name("The Museum API"), "museum");
        assert_eq!(crate_name("Twilio - Messaging"), "twilio-messaging");
        assert_eq!(crate_name("Stripe API v2024-01-01"), "stripe");
        assert_eq!(crate_name("3D Secure"), "api-3d-secure");
        assert_eq!(crate_name("API"), "api");
        assert_eq!(crate_name("名前"), "api");
        assert_eq!(crate_name("Oxide Region API"), "oxide-region");
    }

    #[test]
    fn feature_names() {
        assert_eq!(feature("Vector stores"), "vector_stores");
        assert_eq!(feature("fine-tuning"), "fine_tuning");
        assert_eq!(feature("payment_intents"), "payment_intents");
        assert_eq!(
            feature("MessagingV1AlphaSender"),
            "messaging_v1_alpha_sender"
        );
        assert_eq!(feature("type"), "type");
        assert_eq!(feature("3d secure"), "3d_secure");
        assert_eq!(feature("名前"), "");
    }

    #[test]
    fn scopes_number_collisions() {
        let mut scope = Scope::with_reserved(&["new"]);
        assert_eq!(scope.claim_snake("new"), "new_2");
        assert_eq!(scope.claim_snake("foo_bar"), "foo_bar");
        assert_eq!(scope.claim_snake("foo_bar"), "foo_bar_2");
        assert_eq!(scope.claim_snake("r#type"), "r#type");
        assert_eq!(scope.claim_snake("r#type"), "type_2");
        assert_eq!(scope.claim_snake("self_"), "self_");
        assert_eq!(scope.claim_snake("self_"), "self_2");
        let mut types = Scope::new();
        assert_eq!(types.claim_camel("FooBar"), "FooBar");
        assert_eq!(types.claim_camel("FooBar"), "FooBar2");
    }

    #[test]
    fn keywords_of_every_edition_are_escaped_and_unraw_undoes_it() {
        assert!(is_keyword("gen") && is_keyword("async") && is_keyword("Self"));
        assert!(!is_keyword("union") && !is_keyword("default"));
        assert_eq!(snake("gen", "field"), "r#gen");
        assert_eq!(snake("crate", "field"), "crate_");
        assert_eq!(unraw("r#gen"), "gen");
        assert_eq!(unraw("plain"), "plain");
        assert_eq!(camel("Self", "Type"), "SelfValue");
    }
}
