//! render: tokens → `syn::File` → text (prettyplease), with the header line that names the
//! command regenerating the file, and blank lines between items (prettyplease writes none).

use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};

/// Formats one file whole (the header line, then [`piece`] of all its tokens).
#[cfg(test)]
pub fn render(tokens: TokenStream, header: &str) -> Result<String, String> {
    Ok(join(header, vec![piece(tokens)?]))
}

/// Part of a file, printed on its own ([`piece`]), to be joined with the parts before and
/// after it ([`join`]) as if the whole file had been printed at once.
pub struct Piece {
    text: String,
    /// The kind of its first item, and how it leaves the spacing for the next piece.
    first: Option<ItemKind>,
    end: Printed,
}

/// Prints whole top-level items: part of a file, without the header line. Fails (with the
/// parser's message) only if `emit` produced tokens that are not Rust items, which is a bug
/// in the generator, reported rather than panicking.
///
/// The tokens are parsed one top-level item at a time (`split_items`), so that only one
/// item's syntax tree exists at once: a `types.rs` of 300 000 lines parsed whole would hold
/// its tokens, syn's token buffer and the whole tree together (hundreds of megabytes).
///
/// Doc attributes holding a character that cannot stand in a comment are rewritten
/// ([`safe_doc_attributes`]) only in the items whose printed text shows one: rewriting
/// every item's tokens up front copied the whole token tree, about a tenth of a
/// generation's time, for the rare item that needs it.
pub fn piece(tokens: TokenStream) -> Result<Piece, String> {
    let mut out = String::with_capacity(4096);
    let mut chunks = split_items(tokens).into_iter();
    let mut state = Printed::default();
    let mut first = None;
    while let Some(chunk) = chunks.next() {
        let (file, parsed) = match syn::parse2::<syn::File>(chunk.clone()) {
            Ok(file) => (file, chunk),
            // Not a whole item after all: parse it with everything after it, as one file.
            Err(_) => {
                let rest: TokenStream =
                    chunk.into_iter().chain(chunks.by_ref().flatten()).collect();
                let file = syn::parse2(rest.clone())
                    .map_err(|err| format!("the generated code does not parse: {err}"))?;
                (file, rest)
            }
        };
        if first.is_none() {
            first = file.items.first().map(ItemKind::of);
        }
        let (before, mark) = (state, out.len());
        state.print(file, &mut out);
        if has_unsafe_char(&out[mark..]) {
            if let Some(safe) = safe_doc_attributes(&parsed) {
                out.truncate(mark);
                state = before;
                let file = syn::parse2(safe)
                    .map_err(|err| format!("the generated code does not parse: {err}"))?;
                state.print(file, &mut out);
            }
        }
    }
    Ok(Piece {
        text: out,
        first,
        end: state,
    })
}

/// The header line, then the pieces in order, spaced as one printing of them all would be.
pub fn join(header: &str, pieces: Vec<Piece>) -> String {
    let mut out =
        String::with_capacity(pieces.iter().map(|p| p.text.len() + 1).sum::<usize>() + 128);
    out.push_str("// ");
    out.push_str(&escape_comment(header, false));
    out.push('\n');
    let mut state: Option<Printed> = None;
    for piece in pieces {
        if let (Some(before), Some(kind)) = (state, piece.first) {
            if before.blank_before(kind) {
                out.push('\n');
            }
        }
        out.push_str(&piece.text);
        state = Some(match state {
            None => piece.end,
            Some(before) => Printed {
                previous: piece.end.previous.or(before.previous),
                ..before
            },
        });
    }
    out
}

/// What the items printed so far decide about the next one's spacing.
#[derive(Clone, Copy, Default)]
struct Printed {
    previous: Option<ItemKind>,
    started: bool,
    inner_docs: bool,
}

impl Printed {
    /// Prints the file's items, each on its own so that items can be separated by a blank
    /// line; consecutive `use` and `mod` declarations stay together.
    fn print(&mut self, file: syn::File, out: &mut String) {
        let syn::File { attrs, items, .. } = file;
        if !self.started && !attrs.is_empty() {
            self.inner_docs = true;
            out.push_str(&prettyplease::unparse(&file_of(attrs, Vec::new())));
        }
        self.started = true;
        for item in items {
            let kind = ItemKind::of(&item);
            let grouped = self
                .previous
                .is_some_and(|p| p == kind && kind != ItemKind::Other);
            if (self.previous.is_some() && !grouped) || (self.previous.is_none() && self.inner_docs)
            {
                out.push('\n');
            }
            out.push_str(&space_members(&prettyplease::unparse(&file_of(
                Vec::new(),
                vec![item],
            ))));
            self.previous = Some(kind);
        }
    }

    /// Whether a blank line goes before an item of this kind.
    fn blank_before(&self, kind: ItemKind) -> bool {
        let grouped = self
            .previous
            .is_some_and(|p| p == kind && kind != ItemKind::Other);
        (self.previous.is_some() && !grouped) || (self.previous.is_none() && self.inner_docs)
    }
}

/// Whether printed text holds a character [`escape_comment`] would escape (prettyplease
/// prints a doc attribute's text as it is; string literals are always escaped).
fn has_unsafe_char(text: &str) -> bool {
    let suspicious = |b: u8| (b < 0x20 && b != b'\n') || b >= 0x7f;
    text.bytes().any(suspicious)
        && text.chars().any(|c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
}

/// `text` with the characters rustc refuses or misreads in a comment written as escapes
/// (`\u{000D}`): control characters (a bare carriage return is an error in a doc comment;
/// a line feed is kept only when `keep_newlines`, for multi-line doc attributes that print
/// as block comments) and the Unicode characters that change the direction of text. A tab
/// becomes four spaces (the same in Markdown; clippy warns on tabs in doc comments).
pub(crate) fn escape_comment(text: &str, keep_newlines: bool) -> String {
    let unsafe_char = |c: char| {
        (c.is_control() && !(keep_newlines && c == '\n'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c == '\t' {
                "    ".to_owned()
            } else if unsafe_char(c) {
                format!("\\u{{{:04X}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Rewrites every `#[doc = "..."]` whose text holds a character that cannot stand in a
/// comment (see [`escape_comment`]); prettyplease prints doc attributes as `///` comments.
/// Whatever `emit` wrote, no generated comment can fail to compile. `None` when nothing
/// changed, so unchanged groups are not rebuilt.
fn safe_doc_attributes(tokens: &TokenStream) -> Option<TokenStream> {
    let mut changed = false;
    let trees: Vec<TokenTree> = tokens
        .clone()
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let fixed = if group.delimiter() == Delimiter::Bracket {
                    safe_doc_attribute(&group.stream())
                } else {
                    None
                }
                .or_else(|| safe_doc_attributes(&group.stream()));
                match fixed {
                    Some(stream) => {
                        changed = true;
                        let mut new = Group::new(group.delimiter(), stream);
                        new.set_span(group.span());
                        TokenTree::Group(new)
                    }
                    None => TokenTree::Group(group),
                }
            }
            other => other,
        })
        .collect();
    changed.then(|| trees.into_iter().collect())
}

/// The inside of one `[doc = "..."]` with its text made safe, when it needed to be.
fn safe_doc_attribute(inside: &TokenStream) -> Option<TokenStream> {
    let mut trees = inside.clone().into_iter();
    let (
        Some(TokenTree::Ident(name)),
        Some(TokenTree::Punct(eq)),
        Some(TokenTree::Literal(lit)),
        None,
    ) = (trees.next(), trees.next(), trees.next(), trees.next())
    else {
        return None;
    };
    if name != "doc" || eq.as_char() != '=' {
        return None;
    }
    // Only a literal written with escapes can hold a control character.
    let source = lit.to_string();
    if !source.contains('\\') && source.is_ascii() {
        return None;
    }
    let text = syn::parse_str::<syn::LitStr>(&source).ok()?.value();
    let escaped = escape_comment(&text, true);
    if escaped == text {
        return None;
    }
    Some(
        [
            TokenTree::Ident(name),
            TokenTree::Punct(eq),
            TokenTree::Literal(Literal::string(&escaped)),
        ]
        .into_iter()
        .collect(),
    )
}

/// The file's tokens cut after each top-level `;` and after each top-level `{ .. }` that is
/// not followed by `;` (which would belong to the same item, as in `const X: T = T { .. };`).
/// Every item ends at such a point; a cut inside an item only makes [`render`] parse that
/// part together with the rest of the file. Inner attributes (`#![..]`) stay with the first
/// item.
pub(crate) fn split_items(tokens: TokenStream) -> Vec<TokenStream> {
    let mut chunks = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let ends_item = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        current.push(token);
        if ends_item {
            chunks.push(current.drain(..).collect());
        }
    }
    if !current.is_empty() {
        chunks.push(current.into_iter().collect());
    }
    chunks
}

fn file_of(attrs: Vec<syn::Attribute>, items: Vec<syn::Item>) -> syn::File {
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs,
        items,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    Use,
    Mod,
    Other,
}

impl ItemKind {
    fn of(item: &syn::Item) -> Self {
        match item {
            syn::Item::Use(_) => ItemKind::Use,
            syn::Item::Mod(module) if module.content.is_none() => ItemKind::Mod,
            _ => ItemKind::Other,
        }
    }
}

/// A blank line between the members of an `impl` (or module): after a line that closes a
/// block, or ends a `const`/`type` member, when the next line at the same indentation starts
/// another member.
fn space_members(text: &str) -> String {
    const MEMBER_STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(",
        "fn ",
        "async fn ",
        "impl",
        "const ",
        "type ",
    ];
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (index, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let ends_member = trimmed == "}"
            || (trimmed.ends_with(';') && MEMBER_STARTS.iter().any(|s| trimmed.starts_with(s)));
        if indent == 0 || !ends_member {
            continue;
        }
        if let Some(next) = lines.get(index + 1) {
            let next_trimmed = next.trim_start();
            let next_indent = next.len() - next_trimmed.len();
            if next_indent == indent && MEMBER_STARTS.iter().any(|s| next_trimmed.starts_with(s)) {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn items_are_parsed_one_at_a_time() {
        let tokens = quote! {
            #![doc = "Crate."]
            use a::b;
            use c::d;
            pub struct A { x: u8 }
            const C: A = A { x: 1 };
            pub struct B;
        };
        assert_eq!(split_items(tokens.clone()).len(), 5);
        let text = render(tokens, "header").unwrap();
        assert_eq!(
            text,
            "// header\n//!Crate.\n\nuse a::b;\nuse c::d;\n\npub struct A {\n    x: u8,\n}\n\nconst C: A = A { x: 1 };\n\npub struct B;\n"
        );
    }

    #[test]
    fn control_characters_never_reach_a_comment() {
        let doc = "bare\rreturn, nul\0, bell\u{7}, rtl\u{202E}, tab\tkept";
        let multi = "first\nsecond\r";
        let tokens = quote! {
            #[doc = #doc]
            pub struct A {
                #[doc = #multi]
                pub x: u8,
            }
        };
        let text = render(tokens, "header\r").unwrap();
        assert_eq!(
            text,
            "// header\\u{000D}\n///bare\\u{000D}return, nul\\u{0000}, bell\\u{0007}, rtl\\u{202E}, tab    kept\npub struct A {\n    /**first\nsecond\\u{000D}*/\n    pub x: u8,\n}\n"
        );
    }

    #[test]
    fn a_cut_inside_an_item_parses_the_rest_at_once() {
        // `{ 1 }` is a cut point, but not the end of the item.
        let tokens = quote! {
            const X: u8 = { 1 } + 1;
            struct A;
        };
        let text = render(tokens, "h").unwrap();
        assert_eq!(text, "// h\nconst X: u8 = { 1 } + 1;\n\nstruct A;\n");
        assert!(render(quote! { struct A { } + }, "h").is_err());
    }
}
