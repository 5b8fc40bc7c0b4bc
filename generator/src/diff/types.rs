//! Types: `types::*` structs (`#[non_exhaustive]`, required fields in `new()`, optional ones
//! behind setters), enums (exhaustive, with an `Unknown` fallback), unions and aliases. A type
//! is the same one in both documents when it comes from the same schema; a field when its
//! wire name is the same; an enum variant when its value is.

use std::collections::BTreeMap;

use super::operations::docs_change;
use super::{Change, Cx, Level, Side, Wire, token};
use crate::ir::{
    Boxing, Direction, Enum, Field, Presence, Struct, TypeDef, TypeId, TypeKind, TypeRef,
};

fn by_key<'a>(cx: &Cx<'a>) -> BTreeMap<String, (TypeId, &'a TypeDef)> {
    cx.api
        .types
        .iter()
        .enumerate()
        .map(|(i, def)| (cx.type_key(TypeId(i)), (TypeId(i), def)))
        .collect()
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) | TypeKind::Tagged(_) => "enum",
        TypeKind::Alias(_) => "type alias",
        TypeKind::Newtype(_) => "newtype",
    }
}

/// Which ways a type's values travel in either document.
#[derive(Clone, Copy)]
struct Travel {
    received: bool,
    sent: bool,
}

impl Travel {
    fn of(a: Direction, b: Direction) -> Travel {
        let received = |d| matches!(d, Direction::Response | Direction::Both);
        let sent = |d| matches!(d, Direction::Request | Direction::Both);
        Travel {
            received: received(a) || received(b),
            sent: sent(a) || sent(b),
        }
    }
}

pub(super) fn compare(old: &Cx<'_>, new: &Cx<'_>, changes: &mut Vec<Change>) {
    let (olds, news) = (by_key(old), by_key(new));
    for (key, (id, def)) in &olds {
        if !news.contains_key(key) {
            changes.push(
                Change::new(
                    format!("types::{}", def.rust_name),
                    "type removed",
                    Level::Major,
                    Wire::Compatible,
                )
                .at(Side::Old, &def.source)
                .gated(old.type_features(*id))
                .because(format!(
                    "the {} is gone: code naming it fails to compile",
                    kind_name(&def.kind)
                )),
            );
        }
    }
    for (key, (id, def)) in &news {
        let Some((_, before)) = olds.get(key) else {
            changes.push(
                Change::new(
                    format!("types::{}", def.rust_name),
                    "type added",
                    Level::Minor,
                    Wire::Compatible,
                )
                .at(Side::New, &def.source)
                .gated(new.type_features(*id)),
            );
            continue;
        };
        let mut found = Vec::new();
        type_def(old, new, before, def, &mut found);
        let features = new.type_features(*id);
        changes.extend(found.into_iter().map(|c| c.gated(features.clone())));
    }
}

fn type_def(old: &Cx<'_>, new: &Cx<'_>, a: &TypeDef, b: &TypeDef, out: &mut Vec<Change>) {
    let item = format!("types::{}", b.rust_name);
    let travel = Travel::of(a.direction, b.direction);
    if a.rust_name != b.rust_name {
        out.push(
            Change::new(&item, "type renamed", Level::Major, Wire::Compatible)
                .at(Side::New, &b.source)
                .because(format!("was `types::{}`", a.rust_name)),
        );
    }
    match (&a.kind, &b.kind) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            let cx = Pair { old, new, a, b };
            fields(&cx, x, y, travel, out);
        }
        (TypeKind::Enum(x), TypeKind::Enum(y)) => variants(&item, &b.source, x, y, travel, out),
        (TypeKind::Union(x), TypeKind::Union(y)) => {
            let shapes = |cx: &Cx<'_>, vs: &[crate::ir::UnionVariant]| {
                vs.iter()
                    .map(|v| (cx.shape(&v.ty), v.rust_name.clone()))
                    .collect::<BTreeMap<_, _>>()
            };
            let (sa, sb) = (shapes(old, &x.variants), shapes(new, &y.variants));
            one_of(&item, &b.source, &sa, &sb, travel, Wire::Breaking, out);
        }
        (TypeKind::Tagged(x), TypeKind::Tagged(y)) => {
            let tags = |vs: &[crate::ir::TaggedVariant]| {
                vs.iter()
                    .map(|v| (v.tag_values.join("|"), v.rust_name.clone()))
                    .collect::<BTreeMap<_, _>>()
            };
            let (sa, sb) = (tags(&x.variants), tags(&y.variants));
            // An unknown tag decodes into the fallback: a new variant is no wire break.
            one_of(&item, &b.source, &sa, &sb, travel, Wire::Compatible, out);
        }
        (TypeKind::Alias(x), TypeKind::Alias(y)) | (TypeKind::Newtype(x), TypeKind::Newtype(y)) => {
            let (ra, rb) = (old.rust(x), new.rust(y));
            if ra != rb || old.shape(x) != new.shape(y) {
                let wire = if old.shape(x) == new.shape(y) {
                    Wire::Compatible
                } else {
                    Wire::Breaking
                };
                let rust = if ra == rb { Level::Patch } else { Level::Major };
                out.push(
                    Change::new(&item, "aliased type changed", rust, wire)
                        .at(Side::New, &b.source)
                        .because(format!("`{ra}` is now `{rb}`")),
                );
            }
        }
        (x, y) => out.push(
            Change::new(&item, "kind of type changed", Level::Major, Wire::Breaking)
                .at(Side::New, &b.source)
                .because(format!("a {} is now a {}", kind_name(x), kind_name(y))),
        ),
    }
    if a.docs != b.docs {
        out.push(docs_change(
            item,
            b.source.clone(),
            &a.docs.deprecated,
            &b.docs.deprecated,
        ));
    }
}

/// The two sides of one type.
struct Pair<'a, 'b> {
    old: &'b Cx<'a>,
    new: &'b Cx<'a>,
    a: &'b TypeDef,
    b: &'b TypeDef,
}

/// The field's Rust type as `emit` writes it (`fields::field_type`).
fn field_rust(cx: &Cx<'_>, direction: Direction, field: &Field) -> String {
    let boxed = |text: String| match field.boxing {
        Boxing::Boxed => format!("Box<{text}>"),
        Boxing::Inline => text,
    };
    let nullable = matches!(field.ty, TypeRef::Nullable(_));
    let inner = boxed(cx.rust(field.ty.non_null()));
    match (field.presence, nullable) {
        (Presence::Required, false) => boxed(cx.rust(&field.ty)),
        (Presence::Required, true) => format!("Option<{inner}>"),
        (Presence::Optional, true) if direction.keeps_null() => format!("Nullable<{inner}>"),
        (Presence::Optional, _) => format!("Option<{inner}>"),
    }
}

/// Whether `new()` asks for the field: required, and not a `const` filled in by itself.
fn in_constructor(cx: &Cx<'_>, field: &Field) -> bool {
    if field.presence != Presence::Required {
        return false;
    }
    let fixed = match &field.ty {
        TypeRef::Named(id) if field.boxing == Boxing::Inline => matches!(
            &cx.api.type_def(*id).kind, TypeKind::Enum(e) if e.variants.len() == 1
        ),
        _ => false,
    };
    !fixed
}

/// Whether a received value of this field may be absent or `null` in OLD's Rust type: then
/// NEW's server leaving it out or sending `null` still decodes.
fn tolerates_absence(field: &Field) -> bool {
    field.presence == Presence::Optional || matches!(field.ty, TypeRef::Nullable(_))
}

fn fields(cx: &Pair<'_, '_>, x: &Struct, y: &Struct, travel: Travel, out: &mut Vec<Change>) {
    let name = &cx.b.rust_name;
    let olds: BTreeMap<_, _> = x.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
    let news: BTreeMap<_, _> = y.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
    let pointer = |source: &str, f: &Field| format!("{source}/properties/{}", token(&f.wire_name));
    for (wire, f) in &olds {
        if news.contains_key(wire) {
            continue;
        }
        let wire_verdict = if travel.received && !tolerates_absence(f) {
            Wire::Breaking
        } else if travel.sent {
            Wire::Risky
        } else {
            Wire::Compatible
        };
        let mut detail = format!("`{wire}` is gone: code reading or setting it fails to compile");
        if wire_verdict == Wire::Breaking {
            detail.push_str("; OLD programs require it in responses and fail to decode them");
        }
        out.push(
            Change::new(
                format!("types::{name}::{}", f.rust_name),
                "field removed",
                Level::Major,
                wire_verdict,
            )
            .at(Side::Old, pointer(&cx.a.source, f))
            .because(detail),
        );
    }
    for (wire, f) in &news {
        let item = format!("types::{name}::{}", f.rust_name);
        let at = pointer(&cx.b.source, f);
        let Some(before) = olds.get(wire) else {
            let change = if in_constructor(cx.new, f) {
                let wire_verdict = if travel.sent {
                    Wire::Breaking
                } else {
                    Wire::Compatible
                };
                Change::new(item, "required field added", Level::Major, wire_verdict).because(
                    format!(
                        "`types::{name}::new` takes a new argument `{}`{}",
                        f.rust_name,
                        if travel.sent {
                            "; the server requires it in requests OLD programs send without it"
                        } else {
                            ""
                        }
                    ),
                )
            } else {
                let setter = f
                    .setter
                    .as_deref()
                    .map(|s| format!(": set with `.{s}(..)`"))
                    .unwrap_or_default();
                Change::new(item, "optional field added", Level::Minor, Wire::Compatible)
                    .because(format!("the struct is `#[non_exhaustive]`{setter}"))
            };
            out.push(change.at(Side::New, at));
            continue;
        };
        field(cx, before, f, travel, item, at, out);
    }
    match (&x.additional, &y.additional) {
        (Some(a), None) => out.push(
            Change::new(
                format!("types::{name}::{}", a.rust_name),
                "additional properties removed",
                Level::Major,
                Wire::Compatible,
            )
            .at(Side::New, &cx.b.source),
        ),
        (None, Some(b)) => out.push(
            Change::new(
                format!("types::{name}::{}", b.rust_name),
                "additional properties added",
                Level::Minor,
                Wire::Compatible,
            )
            .at(Side::New, &cx.b.source),
        ),
        _ => {}
    }
}

/// One field present in both.
fn field(
    cx: &Pair<'_, '_>,
    a: &Field,
    b: &Field,
    travel: Travel,
    item: String,
    at: String,
    out: &mut Vec<Change>,
) {
    let name = &cx.b.rust_name;
    if a.rust_name != b.rust_name {
        out.push(
            Change::new(&item, "field renamed", Level::Major, Wire::Compatible)
                .at(Side::New, &at)
                .because(format!(
                    "was `types::{name}::{}` (same wire name `{}`)",
                    a.rust_name, a.wire_name
                )),
        );
    }
    let (ra, rb) = (
        field_rust(cx.old, cx.a.direction, a),
        field_rust(cx.new, cx.b.direction, b),
    );
    let (sa, sb) = (cx.old.shape(&a.ty), cx.new.shape(&b.ty));
    let shape_same = sa == sb;
    let became_nullable = format!("{sa}?") == sb;
    let loosened =
        (a.presence == Presence::Required && b.presence == Presence::Optional) || became_nullable;
    let tightened = a.presence == Presence::Optional && b.presence == Presence::Required;
    let mut wire = Wire::Compatible;
    let mut why = Vec::new();
    if travel.received && loosened && !tolerates_absence(a) {
        wire = Wire::Breaking;
        why.push(
            "NEW's server may leave it out or send `null`, which OLD programs fail to decode"
                .to_owned(),
        );
    }
    if travel.sent && tightened {
        wire = Wire::Breaking;
        why.push("NEW's server requires it; OLD programs may send requests without it".to_owned());
    }
    let lost_null = format!("{sb}?") == sa;
    if lost_null && travel.sent {
        wire = Wire::Breaking;
        why.push("NEW's server refuses `null`, which OLD programs may send".to_owned());
    }
    if !shape_same && !became_nullable && !lost_null && (travel.received || travel.sent) {
        wire = Wire::Breaking;
        why.push(format!("the value's shape changed ({sa} to {sb})"));
    }
    let constructor_changed = in_constructor(cx.old, a) != in_constructor(cx.new, b);
    if ra != rb || constructor_changed {
        let what = if a.presence != b.presence {
            "field presence changed"
        } else if became_nullable {
            "field became nullable"
        } else {
            "field type changed"
        };
        let mut detail = format!("`{ra}` is now `{rb}`");
        if constructor_changed {
            detail.push_str(&format!("; `types::{name}::new` takes different arguments"));
        }
        for reason in &why {
            detail.push_str("; ");
            detail.push_str(reason);
        }
        out.push(
            Change::new(&item, what, Level::Major, wire)
                .at(Side::New, &at)
                .because(detail),
        );
    } else if wire != Wire::Compatible {
        out.push(
            Change::new(&item, "field changed on the wire", Level::Patch, wire)
                .at(Side::New, &at)
                .because(why.join("; ")),
        );
    }
    if a.docs != b.docs || a.default != b.default || a.constraints != b.constraints {
        out.push(docs_change(
            item,
            at,
            &a.docs.deprecated,
            &b.docs.deprecated,
        ));
    }
}

fn variants(item: &str, source: &str, x: &Enum, y: &Enum, travel: Travel, out: &mut Vec<Change>) {
    let olds: BTreeMap<_, _> = x
        .variants
        .iter()
        .map(|v| (v.wire_value.as_str(), v))
        .collect();
    let news: BTreeMap<_, _> = y
        .variants
        .iter()
        .map(|v| (v.wire_value.as_str(), v))
        .collect();
    let pointer = format!("{source}/enum");
    for (value, v) in &olds {
        if !news.contains_key(value) {
            let wire = if travel.sent {
                Wire::Breaking
            } else {
                Wire::Compatible
            };
            let mut detail =
                format!("the value `{value}` is gone: code naming the variant fails to compile");
            if travel.sent {
                detail.push_str("; NEW's server refuses it in requests");
            } else {
                detail.push_str("; responses never hold it, which OLD programs handle");
            }
            out.push(
                Change::new(
                    format!("{item}::{}", v.rust_name),
                    "enum variant removed",
                    Level::Major,
                    wire,
                )
                .at(Side::Old, &pointer)
                .because(detail),
            );
        }
    }
    for (value, v) in &news {
        match olds.get(value) {
            None => out.push(
                Change::new(format!("{item}::{}", v.rust_name), "enum variant added", Level::Major, Wire::Compatible)
                    .at(Side::New, &pointer)
                    .because(format!(
                        "the enum is exhaustive: a `match` without a wildcard arm stops compiling; OLD programs receive `{value}` as `{}`",
                        x.fallback
                    )),
            ),
            Some(before) if before.rust_name != v.rust_name => out.push(
                Change::new(format!("{item}::{}", v.rust_name), "enum variant renamed", Level::Major, Wire::Compatible)
                    .at(Side::New, &pointer)
                    .because(format!("was `{item}::{}`", before.rust_name)),
            ),
            Some(before) if before.docs != v.docs => out.push(docs_change(
                format!("{item}::{}", v.rust_name),
                pointer.clone(),
                &before.docs.deprecated,
                &v.docs.deprecated,
            )),
            Some(_) => {}
        }
    }
}

/// The variants of a union, keyed by what picks them on the wire. `new_wire`: the wire
/// verdict of a new variant in a value received.
fn one_of(
    item: &str,
    source: &str,
    olds: &BTreeMap<String, String>,
    news: &BTreeMap<String, String>,
    travel: Travel,
    new_wire: Wire,
    out: &mut Vec<Change>,
) {
    for (key, name) in olds {
        if !news.contains_key(key) {
            let wire = if travel.sent {
                Wire::Breaking
            } else {
                Wire::Compatible
            };
            out.push(
                Change::new(
                    format!("{item}::{name}"),
                    "union variant removed",
                    Level::Major,
                    wire,
                )
                .at(Side::Old, source)
                .because("code naming the variant fails to compile"),
            );
        }
    }
    for (key, name) in news {
        match olds.get(key) {
            None => {
                let wire = if travel.received {
                    new_wire
                } else {
                    Wire::Compatible
                };
                let mut detail =
                    "the enum is exhaustive: a `match` without a wildcard arm stops compiling"
                        .to_owned();
                if wire != Wire::Compatible {
                    detail.push_str("; OLD programs cannot decode a value of the new shape");
                }
                out.push(
                    Change::new(
                        format!("{item}::{name}"),
                        "union variant added",
                        Level::Major,
                        wire,
                    )
                    .at(Side::New, source)
                    .because(detail),
                );
            }
            Some(before) if before != name => out.push(
                Change::new(
                    format!("{item}::{name}"),
                    "union variant renamed",
                    Level::Major,
                    Wire::Compatible,
                )
                .at(Side::New, source)
                .because(format!("was `{item}::{before}`")),
            ),
            Some(_) => {}
        }
    }
}
