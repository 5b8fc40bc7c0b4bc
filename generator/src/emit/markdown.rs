//! Doc text from the document made safe for rustdoc's link checker: a `[name]` in an API's
//! description (`settings[reconciliation_mode]`, `automatic_tax[enabled]=true`) is not meant
//! as an intra-doc link, and would be reported as a broken one (so `cargo doc` with warnings
//! as errors would fail). Such brackets are escaped (`\[name\]`, shown the same); Markdown
//! links (`[text](url)`, `[text][ref]`, `[ref]: url`) and code spans are left as they are.

/// Text from the document with its bracketed text escaped, except in code blocks (fenced,
/// or indented by four spaces after a blank line).
pub(super) fn escape_document_text(text: &str) -> String {
    if !text.contains('[') {
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
    if !line.contains('[') {
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
            '[' => match matching_bracket(&chars, i) {
                Some(close) if matches!(chars.get(close + 1), Some('(' | '[')) => {
                    // A link: its text is escaped, its target (or reference) kept.
                    out.push('[');
                    out.push_str(&escape_brackets(
                        &chars[i + 1..close].iter().collect::<String>(),
                    ));
                    out.push(']');
                    i = close + 1;
                    if chars[i] == '[' {
                        let end = matching_bracket(&chars, i).map_or(i + 1, |c| c + 1);
                        out.extend(&chars[i..end]);
                        i = end;
                    }
                }
                Some(close) => {
                    out.push_str("\\[");
                    out.push_str(&escape_brackets(
                        &chars[i + 1..close].iter().collect::<String>(),
                    ));
                    out.push_str("\\]");
                    i = close + 1;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
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
}
