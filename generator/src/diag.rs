//! Diagnostics: located, plain-language messages collected across a whole run.
//!
//! Every phase pushes into one [`Diagnostics`] accumulator instead of stopping at the first
//! problem, so a user sees everything wrong with a document at once. A diagnostic's place is
//! a JSON pointer into the document (`#/components/schemas/Address/properties/zipCode`),
//! which works the same for YAML and JSON.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Said only when asked for (`explain`): why something was not generated, where the
    /// document does not say it was wanted.
    Note,
    /// Accepted with a guess; shown, but the run still succeeds.
    Warning,
    /// The run fails and writes nothing.
    Error,
}

/// One message about one place in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// JSON pointer to the place in the document, starting with `#`; in another file of a
    /// multi-file document, that file's name (relative to the root document's folder, with
    /// `/`) before the `#`: `schemas/pet.yaml#/properties/id`.
    pub pointer: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it, where there is something to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// Formats the diagnostic for a terminal, naming the file.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        DisplayWithFile { diag: self, file }
    }
}

struct DisplayWithFile<'a> {
    diag: &'a Diagnostic,
    file: &'a str,
}

impl fmt::Display for DisplayWithFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.diag.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}\n  --> ", self.diag.message)?;
        if self.diag.pointer.is_empty() {
            // About the file as a whole (a setting of the configuration file, say).
            write!(f, "{}", self.file)?;
        } else if self.diag.pointer.starts_with('#') {
            write!(f, "{}{}", self.file, self.diag.pointer)?;
        } else {
            // In another file of the document, named relative to the root document's folder.
            match self.file.rfind('/') {
                Some(slash) => write!(f, "{}{}", &self.file[..=slash], self.diag.pointer)?,
                None => write!(f, "{}", self.diag.pointer)?,
            }
        }
        if let Some(help) = &self.diag.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// The accumulator every phase writes into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, pointer.into(), message.into(), None);
    }

    pub fn error_with_help(
        &mut self,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(
            Severity::Error,
            pointer.into(),
            message.into(),
            Some(help.into()),
        );
    }

    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, pointer.into(), message.into(), None);
    }

    pub fn warning_with_help(
        &mut self,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(
            Severity::Warning,
            pointer.into(),
            message.into(),
            Some(help.into()),
        );
    }

    fn push(&mut self, severity: Severity, pointer: String, message: String, help: Option<String>) {
        self.items.push(Diagnostic {
            severity,
            pointer,
            message,
            help,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A mark for [`Diagnostics::take_errors_since`]: how many diagnostics there are now.
    pub fn mark(&self) -> usize {
        self.items.len()
    }

    /// Removes and returns the errors reported since `mark`, in order; warnings stay.
    pub fn take_errors_since(&mut self, mark: usize) -> Vec<Diagnostic> {
        let Some(later) = self.items.get_mut(mark..) else {
            return Vec::new();
        };
        if !later.iter().any(|d| d.severity == Severity::Error) {
            return Vec::new();
        }
        let later: Vec<Diagnostic> = self.items.drain(mark..).collect();
        let (errors, warnings): (Vec<_>, Vec<_>) = later
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        self.items.extend(warnings);
        errors
    }

    /// Moves every diagnostic whose pointer `origin` knows to the place it names (a pointer
    /// into a bundled document → the file and pointer where that part was written).
    pub fn relocate(&mut self, origin: impl Fn(&str) -> Option<String>) {
        for item in &mut self.items {
            if let Some(place) = origin(&item.pointer) {
                item.pointer = place;
            }
        }
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// All diagnostics, errors first, each group in the order found (deterministic). A
    /// diagnostic found twice (a schema read again through an `allOf`) is kept once.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        let mut seen = std::collections::HashSet::new();
        self.items
            .retain(|d| seen.insert((d.severity, d.pointer.clone(), d.message.clone())));
        self.items.sort_by_key(|d| std::cmp::Reverse(d.severity));
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends tokens to a JSON pointer.
pub fn join(pointer: &str, tokens: &[&str]) -> String {
    let mut out = String::with_capacity(pointer.len() + 16);
    out.push_str(pointer);
    for token in tokens {
        out.push('/');
        out.push_str(&escape_token(token));
    }
    out
}
