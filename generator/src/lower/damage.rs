//! Local damage: a problem inside one schema component, one operation or one path item
//! (a broken reference, an invalid schema, an impossible parameter) costs only that item
//! and what depends on it, not the whole API.
//!
//! Lowering brackets each item with [`Lowerer::begin_item`] / [`Lowerer::end_item`]. The
//! errors reported inside a bracket become one warning, at the first problem's place,
//! saying which item is left out (the other problems are listed in its help). Unless
//! `strict`, where they stay errors and the run fails as before. Errors outside every
//! bracket (the document's structure, security schemes, cycles of aliases found by
//! `finish`) always fail the run.
//!
//! [`prune`] then removes, before `finish`: the damaged types; every type and operation
//! that refers to one (each component schema and operation with its own warning naming what
//! it used); and the types made for dropped items that nothing kept uses.

use std::collections::{BTreeSet, VecDeque};

use super::Lowerer;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Api, TypeId, TypeKind, TypeRef};

/// Where an item began: the diagnostics and types there were then.
#[derive(Debug, Clone, Copy)]
pub(super) struct ItemMark {
    diags: usize,
    types: usize,
}

/// What lowering dropped, for [`prune`].
#[derive(Debug, Default)]
pub(super) struct Damage {
    /// Types of damaged items: dropped, with everything that refers to them.
    damaged: BTreeSet<usize>,
    /// Types made while lowering items that were dropped: removed unless something kept
    /// uses them.
    orphans: BTreeSet<usize>,
}

impl Lowerer<'_> {
    pub(super) fn begin_item(&self) -> ItemMark {
        ItemMark {
            diags: self.diags.mark(),
            types: self.types.len(),
        }
    }

    /// Ends the item at `item_ptr` begun at `mark` (`what` names it: "the schema `Pet`";
    /// `own` is its reserved type). Returns whether it is kept: false when errors were
    /// reported inside it, which then become one warning (unless strict, where they stay
    /// errors), at the first problem when it lies inside the item, else at the item.
    pub(super) fn end_item(
        &mut self,
        mark: ItemMark,
        item_ptr: &str,
        what: &str,
        own: Option<TypeId>,
    ) -> bool {
        if self.strict {
            return true;
        }
        let errors = self.diags.take_errors_since(mark.diags);
        let Some(first) = errors.first() else {
            return true;
        };
        let mut help: Vec<String> = first.help.iter().cloned().collect();
        if errors.len() > 1 {
            let others: Vec<String> = errors[1..]
                .iter()
                .take(5)
                .map(|d: &Diagnostic| format!("{} (at `{}`)", d.message, self.origin(d.pointer())))
                .collect();
            let more = errors.len() - 1 - others.len();
            let mut text = format!("also in it: {}", others.join("; "));
            if more > 0 {
                text.push_str(&format!("; and {more} more"));
            }
            help.push(text);
        }
        let inside = first.pointer() == item_ptr
            || first
                .pointer()
                .strip_prefix(item_ptr)
                .is_some_and(|rest| rest.starts_with('/'));
        let (pointer, message) = if inside {
            (
                first.pointer().to_owned(),
                format!("{}; {what} is left out", first.message),
            )
        } else {
            (
                item_ptr.to_owned(),
                format!(
                    "{} (at `{}`); {what} is left out",
                    first.message,
                    self.origin(first.pointer())
                ),
            )
        };
        match help.is_empty() {
            true => self.diags.warning(pointer, message),
            false => self
                .diags
                .warning_with_help(pointer, message, help.join("\n  = help: ")),
        }
        self.damage.damaged.extend(own.map(|id| id.0));
        self.damage.damaged.extend(mark.types..self.types.len());
        false
    }

    /// Where a pointer into the (bundled) document was written, for messages that name
    /// another place (diagnostics' own pointers are relocated at the end).
    fn origin(&self, pointer: &str) -> String {
        self.refs
            .sources
            .origin(pointer)
            .unwrap_or_else(|| pointer.to_owned())
    }

    /// The item begun at `mark` was left out for a reason already reported: the types made
    /// for it go with it, unless something kept uses them.
    pub(super) fn item_dropped(&mut self, mark: ItemMark) {
        self.damage.orphans.extend(mark.types..self.types.len());
    }
}

/// Removes what depends on damage (see the module's documentation). `components[i]`: type
/// `i` is a component schema (those get their own warning when they are left out).
pub(super) fn prune(api: &mut Api, damage: &Damage, components: &[bool], diags: &mut Diagnostics) {
    if damage.damaged.is_empty() && damage.orphans.is_empty() {
        return;
    }
    let n = api.types.len();
    let forward: Vec<Vec<usize>> = api.types.iter().map(|t| kind_refs(&t.kind)).collect();
    let mut backward: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, targets) in forward.iter().enumerate() {
        for &to in targets {
            if to < n && !backward[to].contains(&from) {
                backward[to].push(from);
            }
        }
    }

    let (dropped, cause) = spread(api, damage, components, &backward, diags);
    let left_behind = drop_users(api, &dropped, &cause, diags);
    let reached = reached(api, damage, components, &forward, &dropped, left_behind);
    let keep: Vec<bool> = (0..n).map(|id| !dropped[id] && reached[id]).collect();
    api.retain_types(&keep);
}

/// The damaged types and, through references (`backward[i]`: the types that use `i`),
/// everything that uses them; and `cause[i]`, the schema named in the warnings of what
/// uses `i` (a component or a damaged type, not an inline type made on the way).
fn spread(
    api: &Api,
    damage: &Damage,
    components: &[bool],
    backward: &[Vec<usize>],
    diags: &mut Diagnostics,
) -> (Vec<bool>, Vec<usize>) {
    let n = api.types.len();
    // The damaged types and, through references, everything that uses them.
    // `cause[i]`: the schema named in the warnings of what uses `i` (a component or a
    // damaged type, not an inline type made on the way).
    let mut dropped = vec![false; n];
    let mut cause: Vec<usize> = (0..n).collect();
    let mut queue: VecDeque<usize> = VecDeque::new();
    for &id in damage.damaged.iter().filter(|&&id| id < n) {
        dropped[id] = true;
        queue.push_back(id);
    }
    let is_component = |id: usize| components.get(id).copied().unwrap_or(false);
    while let Some(id) = queue.pop_front() {
        for &user in &backward[id] {
            if dropped[user] {
                continue;
            }
            dropped[user] = true;
            queue.push_back(user);
            if is_component(user) {
                let def = &api.types[user];
                diags.warning(
                    &def.source,
                    format!(
                        "the schema `{}` uses `{}`, which is left out; it is left out too",
                        def.rust_name, api.types[cause[id]].rust_name
                    ),
                );
            } else {
                cause[user] = cause[id];
            }
        }
    }
    (dropped, cause)
}

/// Leaves out the operations (with their callbacks) and the events that use a dropped type;
/// returns the types they used, to be removed unless something kept uses them.
fn drop_users(
    api: &mut Api,
    dropped: &[bool],
    cause: &[usize],
    diags: &mut Diagnostics,
) -> Vec<usize> {
    let n = api.types.len();
    // Operations that use a dropped type (their callbacks go with them).
    // Types that what is dropped here used: removed too unless something kept uses them.
    let mut left_behind: Vec<usize> = Vec::new();
    let operations = std::mem::take(&mut api.operations);
    let mut dropped_callbacks = Vec::new();
    for op in operations {
        match op_refs(&op).into_iter().find(|&id| id < n && dropped[id]) {
            Some(id) => {
                left_behind.extend(op_refs(&op));
                dropped_callbacks.push(format!("{}/callbacks/", op.source));
                diags.warning(
                    &op.source,
                    format!(
                        "the operation `{} {}` uses `{}`, which is left out; it is left out too",
                        op.method.as_str(),
                        op.path,
                        api.types[cause[id]].rust_name
                    ),
                );
            }
            None => api.operations.push(op),
        }
    }
    api.events.retain(|set| {
        let of_dropped = set.events.iter().any(|event| {
            dropped_callbacks
                .iter()
                .any(|prefix| event.source.starts_with(prefix.as_str()))
        });
        if of_dropped {
            for payload in set.events.iter().filter_map(|e| e.payload.as_ref()) {
                named(payload, &mut left_behind);
            }
        }
        !of_dropped
    });

    // Webhooks and callbacks whose payload uses a dropped type.
    for set in &mut api.events {
        let events = std::mem::take(&mut set.events);
        for event in events {
            let mut ids = Vec::new();
            if let Some(ty) = &event.payload {
                named(ty, &mut ids);
            }
            match ids.iter().copied().find(|&id| id < n && dropped[id]) {
                Some(id) => {
                    left_behind.extend(ids);
                    diags.warning(
                        &event.source,
                        format!(
                            "the event `{}` uses `{}`, which is left out; it is left out too",
                            event.wire_name, api.types[cause[id]].rust_name
                        ),
                    );
                }
                None => set.events.push(event),
            }
        }
    }
    api.events.retain(|set| !set.events.is_empty());
    left_behind
}

/// Which types something kept reaches: types made for dropped items (and what those used,
/// through everything but components) stay only then.
fn reached(
    api: &Api,
    damage: &Damage,
    components: &[bool],
    forward: &[Vec<usize>],
    dropped: &[bool],
    mut left_behind: Vec<usize>,
) -> Vec<bool> {
    let n = api.types.len();
    let is_component = |id: usize| components.get(id).copied().unwrap_or(false);
    // Types made for dropped items stay only when something kept reaches them.
    let mut reached = vec![false; n];
    let mut orphan = vec![false; n];
    damage
        .orphans
        .iter()
        .filter(|&&id| id < n)
        .for_each(|&id| orphan[id] = true);
    // What dropped items used, through everything but components (which stand alone).
    while let Some(id) = left_behind.pop() {
        if id < n && !is_component(id) && !orphan[id] {
            orphan[id] = true;
            left_behind.extend(forward[id].iter().copied());
        }
    }
    let mut stack: Vec<usize> = (0..n).filter(|&id| !dropped[id] && !orphan[id]).collect();
    stack.extend(api.operations.iter().flat_map(op_refs).filter(|&id| id < n));
    for payload in api
        .events
        .iter()
        .flat_map(|set| &set.events)
        .filter_map(|event| event.payload.as_ref())
    {
        let mut ids = Vec::new();
        named(payload, &mut ids);
        stack.extend(ids.into_iter().filter(|&id| id < n));
    }
    while let Some(id) = stack.pop() {
        if reached[id] {
            continue;
        }
        reached[id] = true;
        stack.extend(
            forward[id]
                .iter()
                .copied()
                .filter(|&t| t < n && !reached[t]),
        );
    }
    reached
}

/// Every named type a type reference mentions.
fn named(ty: &TypeRef, out: &mut Vec<usize>) {
    let mut ids = Vec::new();
    ty.named_ids(&mut ids);
    out.extend(ids.into_iter().map(|id| id.0));
}

/// Every named type a type definition mentions.
fn kind_refs(kind: &TypeKind) -> Vec<usize> {
    let mut out = Vec::new();
    kind.refs().into_iter().for_each(|ty| named(ty, &mut out));
    out
}

/// Every named type an operation mentions (its event stream's data included).
fn op_refs(op: &crate::ir::Operation) -> Vec<usize> {
    let mut out = Vec::new();
    op.refs().into_iter().for_each(|ty| named(ty, &mut out));
    out.extend(op.errors.iter().filter_map(|e| e.body.map(|id| id.0)));
    out
}
