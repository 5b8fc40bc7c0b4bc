//! Checks of the constraints an API description puts on values (`maxLength`, `pattern`,
//! `minimum`, `maxItems`, `uniqueItems`, `enum`...), for values built by the user.
//!
//! Decoding what a server sends never checks them: a response that breaks its own
//! description is still delivered. Values the user builds are checked before a request body
//! is sent (a broken one makes `send` return `Error::InvalidRequest` without sending
//! anything), or at any time with [`Validate::validate`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, OnceLock};

/// A constraint that a value breaks: where (the path of wire names from the value checked,
/// `address.lines[2]`) and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Innermost segment first; reversed when shown.
    segments: Vec<String>,
    rule: String,
}

impl ValidationError {
    /// A broken rule at the value itself.
    pub fn new(rule: impl Into<String>) -> Self {
        ValidationError {
            segments: Vec::new(),
            rule: rule.into(),
        }
    }

    /// The same problem, seen from the object that holds the value under `field`.
    pub fn within(mut self, field: &str) -> Self {
        self.segments.push(format!(".{field}"));
        self
    }

    /// The same problem, seen from the list that holds the value at `index`.
    pub fn at_index(mut self, index: usize) -> Self {
        self.segments.push(format!("[{index}]"));
        self
    }

    /// Where the broken value is: `address.lines[2]`; empty for the value checked itself.
    pub fn path(&self) -> String {
        let path: String = self.segments.iter().rev().map(String::as_str).collect();
        path.strip_prefix('.').unwrap_or(&path).to_owned()
    }

    /// The rule, in words (`longer than 40 characters (maxLength)`).
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if path.is_empty() {
            write!(f, "the value is {}", self.rule)
        } else {
            write!(f, "`{path}` is {}", self.rule)
        }
    }
}

impl std::error::Error for ValidationError {}

/// A value whose constraints can be checked. Generated types implement it; containers
/// check each element.
pub trait Validate {
    /// The first constraint the value breaks, if any. By default none: generated types
    /// without constraints (in themselves or in what they hold) keep this.
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self) -> Result<(), ValidationError> {
        (**self).validate()
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), Validate::validate)
    }
}

impl<T: Validate> Validate for crate::Nullable<T> {
    fn validate(&self) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), Validate::validate)
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self) -> Result<(), ValidationError> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, item)| item.validate().map_err(|e| e.at_index(i)))
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self) -> Result<(), ValidationError> {
        self.iter()
            .try_for_each(|(key, value)| value.validate().map_err(|e| e.within(key)))
    }
}

/// `result`, its error seen from the object that holds the value under `field`. Generated
/// `validate()` bodies call these plain functions rather than `map_err` with a closure per
/// check: each closure is one more body for `rustc` to type-check and borrow-check.
pub fn within(result: Result<(), ValidationError>, field: &str) -> Result<(), ValidationError> {
    result.map_err(|e| e.within(field))
}

/// `result`, its error seen from the list that holds the value at `index`.
pub fn at_index(result: Result<(), ValidationError>, index: usize) -> Result<(), ValidationError> {
    result.map_err(|e| e.at_index(index))
}

/// The error of an enum's value that is not one of the values the API allows (a value the
/// client keeps as received, or one the user wrote).
pub fn unknown_value(value: impl fmt::Display) -> Result<(), ValidationError> {
    Err(ValidationError::new(format!(
        "`{value}`, which is not one of the values the API allows (enum)"
    )))
}

/// `maxLength`, in characters (Unicode code points, as JSON Schema counts them).
pub fn max_length(value: &str, max: u64) -> Result<(), ValidationError> {
    if value.chars().count() as u64 > max {
        return Err(ValidationError::new(format!(
            "longer than {max} characters (maxLength)"
        )));
    }
    Ok(())
}

/// `minLength`, in characters.
pub fn min_length(value: &str, min: u64) -> Result<(), ValidationError> {
    if (value.chars().count() as u64) < min {
        return Err(ValidationError::new(format!(
            "shorter than {min} characters (minLength)"
        )));
    }
    Ok(())
}

/// `pattern`: the regular expression must match somewhere in the value (it is not
/// anchored unless it says so). The generator only emits patterns that compile.
pub fn pattern(value: &str, pattern: &'static str) -> Result<(), ValidationError> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<regex::Regex>>>> = OnceLock::new();
    // The lock is held only to find or compile the expression (a `Regex` clone is cheap), not
    // while matching, so concurrent requests do not queue behind each other.
    let regex = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(pattern)
        .or_insert_with(|| regex::Regex::new(pattern).ok())
        .clone();
    match &regex {
        Some(regex) if !regex.is_match(value) => Err(ValidationError::new(format!(
            "not matched by the pattern `{pattern}`"
        ))),
        _ => Ok(()),
    }
}

/// A number that bounds can be compared with.
pub trait Number: Copy {
    fn to_f64(self) -> f64;
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
number!(i32, i64, u32, u64, f32, f64);

/// `minimum` (or `exclusiveMinimum` when `exclusive`).
pub fn minimum(value: impl Number, bound: f64, exclusive: bool) -> Result<(), ValidationError> {
    let value = value.to_f64();
    if value < bound || (exclusive && value == bound) {
        let rule = if exclusive {
            format!("not above {bound} (exclusiveMinimum)")
        } else {
            format!("below {bound} (minimum)")
        };
        return Err(ValidationError::new(rule));
    }
    Ok(())
}

/// `maximum` (or `exclusiveMaximum` when `exclusive`).
pub fn maximum(value: impl Number, bound: f64, exclusive: bool) -> Result<(), ValidationError> {
    let value = value.to_f64();
    if value > bound || (exclusive && value == bound) {
        let rule = if exclusive {
            format!("not below {bound} (exclusiveMaximum)")
        } else {
            format!("above {bound} (maximum)")
        };
        return Err(ValidationError::new(rule));
    }
    Ok(())
}

/// `minItems`.
pub fn min_items<T>(items: &[T], min: u64) -> Result<(), ValidationError> {
    if (items.len() as u64) < min {
        return Err(ValidationError::new(format!(
            "a list of fewer than {min} items (minItems)"
        )));
    }
    Ok(())
}

/// `maxItems`.
pub fn max_items<T>(items: &[T], max: u64) -> Result<(), ValidationError> {
    if items.len() as u64 > max {
        return Err(ValidationError::new(format!(
            "a list of more than {max} items (maxItems)"
        )));
    }
    Ok(())
}

/// `uniqueItems`: no two items are equal.
pub fn unique_items<T: PartialEq>(items: &[T]) -> Result<(), ValidationError> {
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            return Err(ValidationError::new(format!(
                "a list whose item {i} repeats an earlier one (uniqueItems)"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_paths() {
        assert!(max_length("héllo", 5).is_ok());
        let err = max_length("héllo!", 5)
            .unwrap_err()
            .at_index(2)
            .within("lines")
            .within("address");
        assert_eq!(err.path(), "address.lines[2]");
        assert_eq!(
            err.to_string(),
            "`address.lines[2]` is longer than 5 characters (maxLength)"
        );
        assert!(min_length("", 1).is_err());
        assert!(pattern("AB12", "^[A-Z]+[0-9]+$").is_ok());
        assert!(pattern("ab", "^[A-Z]+$").is_err());
        assert!(minimum(0u64, 0.0, false).is_ok());
        assert!(minimum(0u64, 0.0, true).is_err());
        assert!(maximum(2.5f64, 2.0, false).is_err());
        assert!(unique_items(&[1, 2, 1]).is_err());
        assert!(max_items(&[1, 2], 1).is_err());
        assert!(min_items(&[1, 2], 1).is_ok());
        assert_eq!(ValidationError::new("bad").to_string(), "the value is bad");
    }
}
