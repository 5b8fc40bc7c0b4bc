//! Diagnostics: located, plain-language messages collected across a whole run.
//!
//! Every phase pushes into one [`Diagnostics`] accumulator instead of stopping at the first
//! problem, so a user sees everything wrong with a document at once. A diagnostic's place
//! ([`Location`]) is either a JSON pointer into the document
//! (`#/components/schemas/Address/properties/zipCode`, the same for YAML and JSON) or a key
//! of the settings, with its line and column in `oagen.toml` when it was read from one.
//! Nothing here is text until a caller formats it (`Display`).

use std::fmt;
use std::path::PathBuf;

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

/// One message about one place: in the API document or in the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it, where there is something to say.
    pub help: Option<String>,
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// A place in the API document.
    Document {
        /// The document's file as the run names it (empty for bytes given without a name).
        file: String,
        /// JSON pointer to the place, starting with `#`; in another file of a multi-file
        /// document, that file's name (relative to the root document's folder, with `/`)
        /// before the `#`: `schemas/pet.yaml#/properties/id`.
        pointer: String,
    },
    /// A setting: a key of the configuration file (`oagen.toml`), or of settings built in
    /// code (no file, no line).
    Settings {
        file: Option<String>,
        /// The key, dotted, with quotes where a part is not a bare key and `[i]` for the
        /// i-th item of a list: `operations.include-tags[0]`, `rename.operations.listPetz`.
        key: String,
        /// 1-based line and column of the key (or item) in the file.
        line: Option<usize>,
        column: Option<usize>,
    },
}

impl Location {
    /// A place in the document (whose file the run fills in).
    pub fn document(pointer: impl Into<String>) -> Location {
        Location::Document {
            file: String::new(),
            pointer: pointer.into(),
        }
    }
}

impl Diagnostic {
    /// The JSON pointer of a diagnostic about the document; empty for a setting.
    pub fn pointer(&self) -> &str {
        match &self.location {
            Location::Document { pointer, .. } => pointer,
            Location::Settings { .. } => "",
        }
    }

    /// Whether the diagnostic is about the settings rather than the document.
    pub fn is_about_settings(&self) -> bool {
        matches!(self.location, Location::Settings { .. })
    }

    fn pointer_mut(&mut self) -> Option<&mut String> {
        match &mut self.location {
            Location::Document { pointer, .. } => Some(pointer),
            Location::Settings { .. } => None,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `error: message`, then `  --> file#/pointer` or `  --> oagen.toml:3:1 (key)`, then
    /// the help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}\n  --> ", self.message)?;
        match &self.location {
            Location::Document { file, pointer } if pointer.starts_with('#') => {
                write!(f, "{file}{pointer}")?
            }
            // In another file of the document, named relative to the root document's folder.
            Location::Document { file, pointer } => match file.rfind('/') {
                Some(slash) => write!(f, "{}{pointer}", &file[..=slash])?,
                None => write!(f, "{pointer}")?,
            },
            Location::Settings {
                file,
                key,
                line,
                column,
            } => {
                match file {
                    Some(file) => write!(f, "{file}")?,
                    None => write!(f, "settings")?,
                }
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                    if let Some(column) = column {
                        write!(f, ":{column}")?;
                    }
                }
                write!(f, " (`{key}`)")?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Why nothing was generated (or written). [`Error::exit_code`] is the command's.
#[derive(Debug)]
pub enum Error {
    /// The document has errors: every diagnostic, errors first, located in the document.
    Document(Vec<Diagnostic>),
    /// The settings have errors (a value that is not allowed, a name the document does not
    /// have): every one, located by key (and line and column in the configuration file).
    Settings(Vec<Diagnostic>),
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The output folder holds files the run would replace but that it did not write (no
    /// `@generated` in their first line): nothing was written.
    NotGenerated(Vec<PathBuf>),
    /// The generator made code that does not parse: a bug in the generator.
    Bug { file: String, message: String },
}

impl Error {
    /// 1 the document has errors (or the generator failed on it), 2 the settings or the
    /// command line are invalid, or reading or writing failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Document(_) | Error::Bug { .. } => 1,
            Error::Settings(_) | Error::Io { .. } | Error::NotGenerated(_) => 2,
        }
    }

    /// The diagnostics of a document or settings error.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Document(d) | Error::Settings(d) => d,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Document(diagnostics) | Error::Settings(diagnostics) => {
                for (index, diagnostic) in diagnostics.iter().enumerate() {
                    if index > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{diagnostic}")?;
                }
                Ok(())
            }
            Error::Io { path, source } => write!(f, "error: {}: {source}", path.display()),
            Error::NotGenerated(paths) => {
                write!(
                    f,
                    "error: refusing to overwrite files that oagen did not generate (no `@generated` in their first line):"
                )?;
                for path in paths {
                    write!(f, "\n  {}", path.display())?;
                }
                Ok(())
            }
            Error::Bug { file, message } => write!(
                f,
                "error: internal error in `{file}`: {message}\n  = help: this is a bug in the generator; please report it with the document"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
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
            location: Location::document(pointer),
            message,
            help,
        });
    }

    /// An error in a setting, located by its key (see [`Location::Settings`]).
    pub fn setting_error(
        &mut self,
        key: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.items.push(Diagnostic {
            severity: Severity::Error,
            location: Location::Settings {
                file: None,
                key: key.into(),
                line: None,
                column: None,
            },
            message: message.into(),
            help,
        });
    }

    pub fn push_diagnostic(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
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
            if let Some(pointer) = item.pointer_mut() {
                if let Some(place) = origin(pointer) {
                    *pointer = place;
                }
            }
        }
    }

    /// [`Diagnostics::relocate`] for the diagnostics reported since `mark`.
    pub fn relocate_since(&mut self, mark: usize, origin: impl Fn(&str) -> Option<String>) {
        for item in self.items.iter_mut().skip(mark) {
            if let Some(pointer) = item.pointer_mut() {
                if let Some(place) = origin(pointer) {
                    *pointer = place;
                }
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
            .retain(|d| seen.insert((d.severity, d.location.clone(), d.message.clone())));
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
