//! Doc text from the document made safe for rustdoc's link checks, so that `cargo doc` of a
//! generated crate reports no broken links (CI runs it with warnings as errors):
//!
//! - a `[name]` in an API's description (`settings[reconciliation_mode]`,
//!   `automatic_tax[enabled]=true`) is not meant as an intra-doc link: its brackets are
//!   escaped (`\[name\]`, shown the same);
//! - a Markdown link whose target is a Rust path of the API's own source
//!   (`[Disk](omicron_common::api::external::Disk)`) becomes its text;
//! - a bare URL becomes an autolink (`<https://...>`), or code when it holds a placeholder
//!   in angle brackets (`https://github.com/apps/<slug>/x`);
//! - text in angle brackets that is neither an HTML element nor an autolink (`<name>`,
//!   `a <b> c`, `x < y`) has its `<` escaped, so rustdoc sees no unclosed HTML tag.
//!
//! Markdown links to URLs, references (`[text][ref]`, `[ref]: url`) and code are left alone.

/// Text from the document with its bracketed text escaped, except in code blocks (fenced,
/// or indented by four spaces after a blank line).
pub(super) fn escape_document_text(text: &str) -> String {
    if !text.contains(['[', '<']) && !text.contains("://") {
        return text.to_owned();
    }
    let mut in_fence = false;
    let mut in_indented = false;
    let mut after_blank = true;
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indented = line.starts_with("    ") && !trimmed.is_empty();
        in_indented = !in_fence && indented && (after_blank || in_indented);
        after_blank = trimmed.is_empty();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            out.push(line.to_owned());
        } else if in_fence || in_indented {
            out.push(line.to_owned());
        } else {
            out.push(escape_brackets(line));
        }
    }
    out.join("\n")
}

/// One line of Markdown (outside code blocks) with its bracketed text escaped.
fn escape_brackets(line: &str) -> String {
    if !line.contains(['[', '<']) && !line.contains("://") {
        return line.to_owned();
    }
    let chars: Vec<char> = line.chars().collect();
    // A link reference definition: `[ref]: url`.
    if let Some(first) = line.trim_start().strip_prefix('[') {
        if first
            .split_once("]:")
            .is_some_and(|(label, _)| !label.contains('['))
        {
            return line.to_owned();
        }
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                // An escape already: keep it and the character it escapes.
                out.push('\\');
                if let Some(&next) = chars.get(i + 1) {
                    out.push(next);
                }
                i += 2;
            }
            '`' => {
                // A code span: copied up to the closing run of as many backticks.
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                let close = (i + run..chars.len()).find(|&j| {
                    chars[j..].iter().take_while(|&&c| c == '`').count() == run
                        && (j == 0 || chars[j - 1] != '`')
                });
                let end = close.map_or(i + run, |j| j + run);
                out.extend(&chars[i..end]);
                i = end;
            }
            '[' => i = bracket(&chars, i, &mut out),
            '<' => {
                // An autolink or an HTML element: copied up to its `>`. Anything else in
                // angle brackets is text: its `<` escaped.
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '>' || c.is_whitespace())
                    .filter(|&n| chars[i + n] == '>')
                    .map(|n| i + n + 1);
                match end {
                    Some(end) if is_autolink(&chars[i + 1..end - 1]) => {
                        out.extend(&chars[i..end]);
                        i = end;
                    }
                    _ if is_html_tag(&chars[i + 1..]) => {
                        out.push('<');
                        i += 1;
                    }
                    _ => {
                        out.push_str("\\<");
                        i += 1;
                    }
                }
            }
            'h' if starts_with(&chars[i..], "http://") || starts_with(&chars[i..], "https://") => {
                i = bare_url(&chars, i, &mut out);
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// A `[` at `i`: a link (its text escaped, its target kept unless it is a Rust path), other
/// bracketed text (escaped), or a lone bracket. Returns where the rest of the line starts.
fn bracket(chars: &[char], i: usize, out: &mut String) -> usize {
    match matching_bracket(chars, i) {
        Some(close) if matches!(chars.get(close + 1), Some('(' | '[')) => {
            // A link: its text is escaped, its target (or reference) kept, unless
            // the target is a Rust path, which rustdoc would try to resolve.
            let text = escape_brackets(&chars[i + 1..close].iter().collect::<String>());
            let after = close + 1;
            let closing = if chars[after] == '[' {
                matching_bracket(chars, after)
            } else {
                matching_paren(chars, after)
            };
            let end = closing.map_or(chars.len(), |c| c + 1);
            let target: String = match closing {
                Some(c) => chars[after + 1..c].iter().collect(),
                None => String::new(),
            };
            if chars[after] == '(' && is_rust_path(&target) {
                out.push_str(&text);
            } else {
                out.push('[');
                out.push_str(&text);
                out.push(']');
                out.extend(&chars[after..end]);
            }
            end
        }
        Some(close) => {
            out.push_str("\\[");
            out.push_str(&escape_brackets(
                &chars[i + 1..close].iter().collect::<String>(),
            ));
            out.push_str("\\]");
            close + 1
        }
        None => {
            out.push('[');
            i + 1
        }
    }
}

/// A bare URL at `i`, up to a space or a closing character; trailing punctuation belongs to
/// the sentence. A placeholder in it (`<slug>`) makes it code. Returns where the rest of the
/// line starts.
fn bare_url(chars: &[char], i: usize, out: &mut String) -> usize {
    let mut end = i;
    let mut placeholder = false;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(chars[end], '"' | '`' | ')' | ']')
    {
        if matches!(chars[end], '<' | '>') {
            let close = chars[end..]
                .iter()
                .position(|&c| c == '>' || c.is_whitespace())
                .filter(|&n| chars[end] == '<' && chars[end + n] == '>');
            match close {
                Some(n) => {
                    placeholder = true;
                    end += n;
                }
                None => break,
            }
        }
        end += 1;
    }
    while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?' | '\'') {
        end -= 1;
    }
    if placeholder {
        out.push('`');
        out.extend(&chars[i..end]);
        out.push('`');
    } else {
        out.push('<');
        out.extend(&chars[i..end]);
        out.push('>');
    }
    end
}

/// The inside of `<...>` is an autolink: a URL with a scheme, or an e-mail address.
fn is_autolink(inside: &[char]) -> bool {
    let text: String = inside.iter().collect();
    let scheme = text.split_once(':').is_some_and(|(scheme, rest)| {
        scheme.len() >= 2
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
    });
    let email = text
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    scheme || email
}

/// HTML elements that descriptions use; rustdoc checks that they are closed, and a
/// description that opens one closes it as HTML would.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// What follows a `<` opens or closes an HTML element (`b>`, `/p>`, `a href="..">`, `br/>`),
/// or is a comment (`!--`).
fn is_html_tag(after: &[char]) -> bool {
    if starts_with(after, "!--") {
        return true;
    }
    let rest = after.strip_prefix(&['/']).unwrap_or(after);
    let name: String = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let next = rest.get(name.len());
    HTML_ELEMENTS.contains(&name.as_str()) && matches!(next, Some('>' | '/' | ' ' | '\t'))
}

fn starts_with(chars: &[char], prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(n, c)| chars.get(n) == Some(&c))
}

/// Whether a link target is a Rust path rustdoc would resolve (`crate::a::B`, `Disk`), not a
/// URL, a path with `/`, an anchor or a file name.
fn is_rust_path(target: &str) -> bool {
    let target = target.trim();
    !target.is_empty()
        && target.split("::").all(|segment| {
            !segment.is_empty()
                && segment.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// The index of the `)` that closes the `(` at `open`, on the same line.
fn matching_paren(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The index of the `]` that closes the `[` at `open`, on the same line.
fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{escape_brackets, escape_document_text};

    #[test]
    fn code_blocks_are_left_alone() {
        let text = "A [word].\n\n```\nlet a = [1];\n```\n\n    indented [2]\nafter [3]";
        assert_eq!(
            escape_document_text(text),
            "A \\[word\\].\n\n```\nlet a = [1];\n```\n\n    indented [2]\nafter \\[3\\]"
        );
    }

    #[test]
    fn bracketed_words_are_escaped_links_and_code_are_not() {
        assert_eq!(
            escape_brackets("The settings[reconciliation_mode] field"),
            "The settings\\[reconciliation_mode\\] field"
        );
        assert_eq!(
            escape_brackets("a [Stream] of pages"),
            "a \\[Stream\\] of pages"
        );
        assert_eq!(
            escape_brackets("see [the guide](https://x.test/a) and [ref][1]"),
            "see [the guide](https://x.test/a) and [ref][1]"
        );
        assert_eq!(
            escape_brackets("[1]: https://x.test"),
            "[1]: https://x.test"
        );
        assert_eq!(
            escape_brackets("use `metadata[key]` or ``a[b]``"),
            "use `metadata[key]` or ``a[b]``"
        );
        assert_eq!(
            escape_brackets("one of [\"visa\"] [a [b]]"),
            "one of \\[\"visa\"\\] \\[a \\[b\\]\\]"
        );
        assert_eq!(
            escape_brackets("unclosed [ and ] alone"),
            "unclosed \\[ and \\] alone"
        );
        assert_eq!(escape_brackets("a \\[kept\\]"), "a \\[kept\\]");
        assert_eq!(escape_brackets("lone ["), "lone [");
    }

    #[test]
    fn angle_brackets_that_are_not_html_are_escaped() {
        assert_eq!(
            escape_brackets("see https://github.com/apps/<slug>/installations/new."),
            "see `https://github.com/apps/<slug>/installations/new`."
        );
        assert_eq!(
            escape_brackets("the <name> of a <b>bold</b> <a href=\"x\">link</a>"),
            "the \\<name> of a <b>bold</b> <a href=\"x\">link</a>"
        );
        assert_eq!(
            escape_brackets("x < y, <br/> <!-- c --> <you@x.test> <owner/repo>"),
            "x \\< y, <br/> <!-- c --> <you@x.test> \\<owner/repo>"
        );
        assert_eq!(
            escape_document_text("a <T>\n\n```\nVec<T>\n```"),
            "a \\<T>\n\n```\nVec<T>\n```"
        );
    }

    #[test]
    fn rust_paths_lose_their_link_and_bare_urls_become_links() {
        assert_eq!(
            escape_brackets("for a [`Disk`](omicron_common::api::external::Disk) or [x](crate::A)"),
            "for a `Disk` or x"
        );
        assert_eq!(
            escape_brackets("[docs](https://x.test/a_(b)) and [up](../x.md) [top](#top)"),
            "[docs](https://x.test/a_(b)) and [up](../x.md) [top](#top)"
        );
        assert_eq!(
            escape_brackets("PEM format: https://en.wikipedia.org/wiki/PEM. Then"),
            "PEM format: <https://en.wikipedia.org/wiki/PEM>. Then"
        );
        assert_eq!(
            escape_brackets("kept <https://x.test> and \"https://y.test\" and `https://z.test`"),
            "kept <https://x.test> and \"<https://y.test>\" and `https://z.test`"
        );
    }
}
