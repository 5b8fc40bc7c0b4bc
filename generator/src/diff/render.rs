//! A [`Diff`] as text for a terminal, Markdown for a pull-request comment, or JSON.

use serde_json::json;

use super::{Change, Diff, Level, Side, Wire};

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// Markdown tables of additions and patches longer than this are folded in `<details>`;
/// breaking changes are always shown.
const FOLD_AFTER: usize = 10;

pub(super) fn render(diff: &Diff, format: Format) -> String {
    match format {
        Format::Text => text(diff),
        Format::Markdown => markdown(diff),
        Format::Json => json(diff),
    }
}

fn location(change: &Change) -> String {
    let side = match change.side {
        Side::Old => "OLD",
        Side::New => "NEW",
    };
    format!("{side}{}", change.pointer)
}

fn features(change: &Change) -> String {
    change.features.join(", ")
}

fn summary(diff: &Diff) -> String {
    if diff.changes.is_empty() {
        return "No change to the generated client.".to_owned();
    }
    let wire_breaks = diff
        .changes
        .iter()
        .filter(|c| c.wire == Wire::Breaking)
        .count();
    let mut line = format!(
        "{} change(s): {} major, {} minor, {} patch; {wire_breaks} breaking on the wire.",
        diff.changes.len(),
        diff.count(Level::Major),
        diff.count(Level::Minor),
        diff.count(Level::Patch),
    );
    line.push(' ');
    line.push_str(&version_line(diff));
    line
}

fn version_line(diff: &Diff) -> String {
    match (&diff.version, diff.next_version(), diff.worst()) {
        (Some(now), Some(next), Some(worst)) => {
            format!(
                "Next version: {next} (from {now}, a {} change).",
                worst.as_str()
            )
        }
        (Some(now), Some(_), None) => format!("Next version: {now} (unchanged)."),
        (Some(now), None, _) => format!("Next version: unknown (`{now}` is not x.y.z)."),
        (None, _, worst) => format!(
            "Next version: a {} bump (no crate version known).",
            worst.map_or("no", Level::as_str)
        ),
    }
}

fn text(diff: &Diff) -> String {
    let mut out = String::new();
    for change in &diff.changes {
        let gate = if change.features.is_empty() {
            String::new()
        } else {
            format!(" [feature {}]", features(change))
        };
        out.push_str(&format!(
            "{:<5} wire:{:<10} {}: {}{gate}\n",
            change.rust.as_str(),
            change.wire.as_str(),
            change.item,
            change.what,
        ));
        if !change.detail.is_empty() {
            out.push_str(&format!("      {}\n", change.detail));
        }
        out.push_str(&format!("      at {}\n", location(change)));
    }
    out.push_str(&summary(diff));
    out.push('\n');
    out
}

/// A Markdown table cell: no newlines, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn table(changes: &[&Change]) -> String {
    let mut out = String::from(
        "| Rust | Wire | Item | Change | Feature | Location |\n|---|---|---|---|---|---|\n",
    );
    for change in changes {
        let what = if change.detail.is_empty() {
            cell(&change.what)
        } else {
            format!("{}: {}", cell(&change.what), cell(&change.detail))
        };
        out.push_str(&format!(
            "| {} | {} | `{}` | {what} | {} | `{}` |\n",
            change.rust.as_str(),
            change.wire.as_str(),
            cell(&change.item),
            cell(&features(change)),
            cell(&location(change)),
        ));
    }
    out
}

fn section(out: &mut String, title: &str, changes: &[&Change], foldable: bool) {
    if changes.is_empty() {
        return;
    }
    if foldable && changes.len() > FOLD_AFTER {
        out.push_str(&format!(
            "<details><summary>{title} ({})</summary>\n\n{}\n</details>\n\n",
            changes.len(),
            table(changes)
        ));
    } else {
        out.push_str(&format!(
            "### {title} ({})\n\n{}\n",
            changes.len(),
            table(changes)
        ));
    }
}

fn markdown(diff: &Diff) -> String {
    let mut out = String::from("## Changes to the generated client\n\n");
    out.push_str(&summary(diff));
    out.push_str("\n\n");
    let breaking: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.rust == Level::Major || c.wire == Wire::Breaking)
        .collect();
    let additions: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.rust == Level::Minor && c.wire != Wire::Breaking)
        .collect();
    let rest: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.rust == Level::Patch && c.wire != Wire::Breaking)
        .collect();
    section(
        &mut out,
        "Breaking (Rust major or wire breaking)",
        &breaking,
        false,
    );
    section(&mut out, "Additions (minor)", &additions, true);
    section(
        &mut out,
        "Documentation and wire notes (patch)",
        &rest,
        true,
    );
    out
}

fn json(diff: &Diff) -> String {
    let changes: Vec<_> = diff
        .changes
        .iter()
        .map(|c| {
            json!({
                "item": c.item,
                "change": c.what,
                "detail": c.detail,
                "features": c.features,
                "document": match c.side { Side::Old => "old", Side::New => "new" },
                "pointer": c.pointer,
                "rust": c.rust.as_str(),
                "wire": c.wire.as_str(),
            })
        })
        .collect();
    let value = json!({
        "changes": changes,
        "summary": {
            "major": diff.count(Level::Major),
            "minor": diff.count(Level::Minor),
            "patch": diff.count(Level::Patch),
            "wire_breaking": diff.changes.iter().filter(|c| c.wire == Wire::Breaking).count(),
            "worst": diff.worst().map(Level::as_str),
            "worst_wire": diff.worst_wire().map(Wire::as_str),
            "version": diff.version,
            "next_version": diff.next_version(),
        }
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
