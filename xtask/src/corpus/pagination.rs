//! `cargo xtask corpus --pagination`: per document, how many list operations there are
//! (`Api::is_list_operation`: a `GET` answering a list or an object with a list field) and
//! how many of them get `paginate()`. Lowers only; generates and checks nothing.

use std::fmt::Write as _;
use std::path::Path;

/// One document's counts, or why it did not lower.
pub struct Row {
    pub document: String,
    pub counts: Result<Counts, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counts {
    /// List operations.
    pub lists: usize,
    /// List operations with `paginate()`.
    pub paginated: usize,
    /// Operations with `paginate()` that are not list operations by the measure above
    /// (another method, or a page whose list is further down).
    pub other_paginated: usize,
    /// `METHOD /path` of the list operations without `paginate()`.
    pub unpaginated: Vec<String>,
    /// `METHOD /path: style` of the operations with `paginate()`.
    pub paginated_ops: Vec<String>,
}

/// The counts of the document at `path` (and the files it refers to).
pub fn count(path: &Path) -> Result<Counts, String> {
    let oagen::Lowered { api, .. } = oagen::Generator::default()
        .lower(oagen::Document::File(path))
        .map_err(|err| err.to_string())?;
    let mut counts = Counts::default();
    for op in &api.operations {
        if let Some(pagination) = &op.pagination {
            counts.paginated_ops.push(format!(
                "{:?} {}: {}",
                op.method,
                op.path,
                describe(&pagination.style)
            ));
        }
        match (api.is_list_operation(op), op.pagination.is_some()) {
            (true, paginated) => {
                counts.lists += 1;
                counts.paginated += usize::from(paginated);
                if !paginated {
                    counts.unpaginated.push(format!("GET {}", op.path));
                }
            }
            (false, true) => counts.other_paginated += 1,
            (false, false) => {}
        }
    }
    Ok(counts)
}

pub fn run(documents: &[std::path::PathBuf]) -> Vec<Row> {
    documents
        .iter()
        .map(|path| Row {
            document: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            counts: count(path),
        })
        .collect()
}

/// A Markdown table of the rows, with a total.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| document | list operations | paginate() | other paginate() |\n| --- | ---: | ---: | ---: |\n",
    );
    let mut total = Counts::default();
    for row in rows {
        match &row.counts {
            Ok(c) => {
                total.lists += c.lists;
                total.paginated += c.paginated;
                total.other_paginated += c.other_paginated;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    row.document, c.lists, c.paginated, c.other_paginated
                );
            }
            Err(why) => {
                let _ = writeln!(out, "| {} | not lowered: {why} | | |", row.document);
            }
        }
    }
    let _ = writeln!(
        out,
        "| **total** | {} | {} | {} |",
        total.lists, total.paginated, total.other_paginated
    );
    out
}

/// A pagination style in a few words: its kind and the names it reads.
fn describe(style: &oagen::ir::PageStyle) -> String {
    use oagen::ir::{NextCursor, PageStyle};
    let dotted = |path: &[oagen::ir::PageField]| {
        path.iter()
            .map(|f| f.wire_name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    };
    match style {
        PageStyle::Cursor {
            next: NextCursor::Field(path),
            ..
        } => format!("cursor from `{}`", dotted(path)),
        PageStyle::Cursor {
            next: NextCursor::LastItem { has_more, .. },
            ..
        } => format!("last item while `{}`", has_more.wire_name),
        PageStyle::HeaderCursor { header, .. } => format!("header cursor `{header}`"),
        PageStyle::Link => "Link header".to_owned(),
        PageStyle::NextUrl { path } => format!("next URL `{}`", dotted(path)),
        PageStyle::LinkList { list, .. } => format!("next link in `{}`", dotted(list)),
        PageStyle::PageNumber { first, .. } => format!("page number from {first}"),
        PageStyle::Offset { total, .. } => format!(
            "offset{}",
            total
                .as_ref()
                .map(|t| format!(" until `{}`", t.wire_name))
                .unwrap_or_default()
        ),
    }
}
