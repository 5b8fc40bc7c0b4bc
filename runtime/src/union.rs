//! Decoding of the generated enums of `oneOf`/`anyOf`: the choice of a variant, shared by every
//! union so that the generated code per union stays a list of attempts.
//!
//! Branches of a union often overlap: every generated enum accepts any value (it keeps unknown
//! ones), and structs ignore keys they do not declare. So "the first variant that decodes"
//! silently loses data whenever an earlier variant is looser than the right one. Instead, the
//! value is read as JSON once and each variant is decoded from it while counting what it fails
//! to account for:
//!
//! - keys that no field of the variant (at any depth) took: they would be lost;
//! - enum values decoded as `Unknown` (a value the variant's schema does not list).
//!
//! The variant with the smallest [`Tally`] wins (keys first, then unknown values); ties go to
//! the earlier variant, so the order the generator ranked them in decides, deterministically.
//! A variant that accounts for everything ends the search at once, so the usual cost is one
//! decode. Unions nested inside a variant add the tally of the variant *they* chose, so a
//! loss anywhere below counts against the outer choice.
//!
//! The counts live in a thread-local cell: decoding is synchronous, and the cell is saved and
//! restored around every measured decode, so values decoded outside any union never matter.

use std::cell::Cell;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// What one decoded variant failed to account for. Smaller is better; the derived order
/// compares lost keys first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tally {
    /// Object keys that no field took (at any depth).
    pub unused_keys: usize,
    /// Enum values (and tags) this client does not know, kept as `Unknown`.
    pub unknown_values: usize,
}

impl Tally {
    fn add(self, other: Tally) -> Tally {
        Tally {
            unused_keys: self.unused_keys.saturating_add(other.unused_keys),
            unknown_values: self.unknown_values.saturating_add(other.unknown_values),
        }
    }

    fn is_perfect(self) -> bool {
        self == Tally::default()
    }
}

thread_local! {
    static TALLY: Cell<Tally> = const { Cell::new(Tally { unused_keys: 0, unknown_values: 0 }) };
}

fn record(tally: Tally) {
    TALLY.with(|cell| cell.set(cell.get().add(tally)));
}

fn note_unused(_: serde_ignored::Path<'_>) {
    record(Tally {
        unused_keys: 1,
        unknown_values: 0,
    });
}

/// Called by generated enums (and tagged unions) when they keep a value they do not know.
pub fn note_unknown() {
    record(Tally {
        unused_keys: 0,
        unknown_values: 1,
    });
}

/// Runs `decode` with a fresh tally and returns what it counted; the tally outside is
/// restored untouched.
fn measured<T>(decode: impl FnOnce() -> T) -> (T, Tally) {
    let outer = TALLY.with(|cell| cell.replace(Tally::default()));
    let result = decode();
    let inner = TALLY.with(|cell| cell.replace(outer));
    (result, inner)
}

/// Decodes one variant of a union from the JSON value (generated code: a closure calling
/// [`variant`] and wrapping the result in the enum's variant).
pub type Attempt<T> = fn(&Value) -> Result<T, serde_json::Error>;

/// Decodes one variant from `value`, counting the keys it leaves unused (and, through
/// [`note_unknown`], the unknown values below it). Generated code calls it once per variant.
pub fn variant<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    serde_ignored::deserialize(value, note_unused as fn(serde_ignored::Path<'_>))
}

/// Decodes the variant of an untagged union that accounts for `value` best (see the module
/// docs). `attempts` are the variants in the generator's order, each decoding with
/// [`variant`]. Fails only when no variant decodes at all.
pub fn decode<T>(value: &Value, attempts: &[Attempt<T>]) -> Result<T, serde_json::Error> {
    let mut best: Option<(Tally, T)> = None;
    let mut errors = Vec::new();
    for attempt in attempts {
        let (result, tally) = measured(|| attempt(value));
        match result {
            Ok(decoded) => {
                if best.as_ref().is_none_or(|(best, _)| tally < *best) {
                    best = Some((tally, decoded));
                    if tally.is_perfect() {
                        break;
                    }
                }
            }
            // Formatted only if no variant decodes.
            Err(err) => errors.push(err),
        }
    }
    match best {
        Some((tally, decoded)) => {
            record(tally);
            Ok(decoded)
        }
        None => Err(serde::de::Error::custom(no_variant(value, &errors))),
    }
}

/// `Deserialize` of a generated untagged union: reads the value as JSON, then [`decode`]s it.
pub fn deserialize<'de, D, T>(deserializer: D, attempts: &[Attempt<T>]) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    decode(&value, attempts).map_err(serde::de::Error::custom)
}

fn no_variant(value: &Value, errors: &[serde_json::Error]) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!(
        "{kind} that matches no variant of the union ({})",
        errors.join("; ")
    )
}

/// The tally `decode` would see for decoding `value` as `T`: what the value holds that `T`
/// does not account for. For tests and diagnostics.
pub fn tally_of<T: DeserializeOwned>(value: &Value) -> (Result<T, serde_json::Error>, Tally) {
    measured(|| variant::<T>(value))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Tally, decode, measured, note_unknown, tally_of, variant};

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Paypal {
        email: String,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Card {
        email: String,
        cvc: String,
    }

    #[derive(Debug, PartialEq)]
    enum Payment {
        Paypal(Paypal),
        Card(Card),
    }

    fn payment(value: &serde_json::Value) -> Result<Payment, serde_json::Error> {
        decode(
            value,
            &[
                |v| variant(v).map(Payment::Paypal),
                |v| variant(v).map(Payment::Card),
            ],
        )
    }

    #[test]
    fn the_variant_that_keeps_every_key_wins_over_an_earlier_one() {
        let card = payment(&json!({"email": "a@b.c", "cvc": "123"})).unwrap();
        assert_eq!(
            card,
            Payment::Card(Card {
                email: "a@b.c".into(),
                cvc: "123".into()
            })
        );
        // A tie (nothing lost either way) keeps the earlier variant.
        let paypal = payment(&json!({"email": "a@b.c"})).unwrap();
        assert!(matches!(paypal, Payment::Paypal(_)));
    }

    #[test]
    fn nested_losses_count_and_the_outer_tally_is_restored() {
        let (_, tally) = measured(|| {
            note_unknown();
            let (result, inner) = tally_of::<Paypal>(&json!({"email": "x", "a": {"b": 1}}));
            assert!(result.is_ok());
            assert_eq!(
                inner,
                Tally {
                    unused_keys: 1,
                    unknown_values: 0
                }
            );
            // The chosen variant's own tally is added to the caller's.
            let _ = payment(&json!({"email": "x", "cvc": "1", "extra": true}));
        });
        assert_eq!(
            tally,
            Tally {
                unused_keys: 1,
                unknown_values: 1
            }
        );
    }

    #[test]
    fn no_variant_names_the_value_and_each_error() {
        let err = payment(&json!([1])).unwrap_err().to_string();
        assert!(err.starts_with("a list that matches no variant"), "{err}");
    }
}
