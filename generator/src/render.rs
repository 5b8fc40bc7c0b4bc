//! render: tokens → `syn::File` → text (prettyplease), with the header line that names the
//! command regenerating the file, and blank lines between items (prettyplease writes none).

use proc_macro2::TokenStream;

/// Formats one file. Fails (with the parser's message) only if `emit` produced tokens that
/// are not a Rust file, which is a bug in the generator, reported rather than panicking.
pub fn render(tokens: TokenStream, header: &str) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|err| format!("the generated code does not parse: {err}"))?;
    let mut out = String::with_capacity(4096);
    out.push_str("// ");
    out.push_str(header);
    out.push('\n');
    let syn::File { attrs, items, .. } = file;
    let has_inner_docs = !attrs.is_empty();
    if has_inner_docs {
        out.push_str(&prettyplease::unparse(&file_of(attrs, Vec::new())));
    }
    // Each item is printed on its own so that items can be separated by a blank line;
    // consecutive `use` and `mod` declarations stay together.
    let mut previous: Option<ItemKind> = None;
    for item in items {
        let kind = ItemKind::of(&item);
        let grouped = previous.is_some_and(|p| p == kind && kind != ItemKind::Other);
        if (previous.is_some() && !grouped) || (previous.is_none() && has_inner_docs) {
            out.push('\n');
        }
        out.push_str(&space_members(&prettyplease::unparse(&file_of(
            Vec::new(),
            vec![item],
        ))));
        previous = Some(kind);
    }
    Ok(out)
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
enum ItemKind {
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
