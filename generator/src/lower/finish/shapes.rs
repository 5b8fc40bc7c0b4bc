//! Request and response shapes: which ways each type travels (`Direction`), and what that
//! makes of its `readOnly` and `writeOnly` fields.
//!
//! A type reachable from what operations send (parameters, request bodies) travels in
//! requests; one reachable from what they receive (success and error bodies, event streams,
//! webhook and callback payloads) travels in responses. Reachability goes through every type
//! reference (fields, maps, lists, unions, aliases), so a type holds the directions of
//! everything that holds it.
//!
//! A type that travels both ways and holds read-only or write-only fields, in itself or in a
//! type it holds, becomes two: the response shape keeps the schema's name (read-only fields
//! with their `required`, write-only ones optional), the request shape is named after it
//! (`FooRequest`, unique among the types) and has no read-only fields, its write-only ones
//! keeping their `required`. What is sent (parameters, bodies, other request shapes and
//! request-only types) refers to the request shape. A type used one way only stays one type,
//! shaped for that way; a type without those fields is never split.

use crate::ir::{
    Access, Api, Direction, Field, NextCursor, PageField, PageStyle, Presence, TypeDef, TypeId,
    TypeKind, TypeRef,
};
use crate::naming::Scope;

pub(super) fn shape(api: &mut Api) {
    set_directions(api);
    split_both_ways(api);
    for def in &mut api.types {
        let direction = def.direction;
        if let TypeKind::Struct(s) = &mut def.kind {
            s.fields.retain(|f| keeps(direction, f));
            s.fields.iter_mut().for_each(|f| shape_field(direction, f));
        }
    }
    page_fields(api);
}

/// Marks each type with the directions it is reached from.
fn set_directions(api: &mut Api) {
    let mut request_seeds = Vec::new();
    let mut response_seeds = Vec::new();
    for op in &api.operations {
        op.request_refs()
            .into_iter()
            .for_each(|ty| ty.named_ids(&mut request_seeds));
        response_seeds.extend(op.response_ids());
    }
    response_seeds.extend(api.event_type_ids());
    // The shared walk of `ir/walk.rs` (a worklist, so deep graphs cannot overflow).
    let sent = api.reached_from(request_seeds);
    let received = api.reached_from(response_seeds);
    for (index, def) in api.types.iter_mut().enumerate() {
        def.direction = match (sent[index], received[index]) {
            (true, true) => Direction::Both,
            (true, false) => Direction::Request,
            (false, true) => Direction::Response,
            (false, false) => Direction::Unused,
        };
    }
}

fn has_access_fields(def: &TypeDef) -> bool {
    matches!(&def.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.access != Access::ReadWrite))
}

/// Splits the types that travel both ways and hold read-only or write-only fields (in
/// themselves or in what they hold) into a response shape (the type as it is) and a request
/// shape (appended; `finish` sorts the table afterwards).
fn split_both_ways(api: &mut Api) {
    let count = api.types.len();
    // Holders of each type, among the types that travel both ways (everything a both-ways
    // type holds travels both ways too).
    let mut held_by: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, def) in api.types.iter().enumerate() {
        if def.direction != Direction::Both {
            continue;
        }
        let mut held = Vec::new();
        def.kind
            .refs()
            .into_iter()
            .for_each(|ty| ty.named_ids(&mut held));
        for id in held {
            if let Some(holders) = held_by.get_mut(id.0) {
                holders.push(index);
            }
        }
    }
    let mut split = vec![false; count];
    let mut pending: Vec<usize> = (0..count)
        .filter(|&i| api.types[i].direction == Direction::Both && has_access_fields(&api.types[i]))
        .collect();
    while let Some(index) = pending.pop() {
        if std::mem::replace(&mut split[index], true) {
            continue;
        }
        pending.extend(held_by[index].iter().copied().filter(|&h| !split[h]));
    }
    if !split.contains(&true) {
        return;
    }

    // The request shape of each split type: a new id, a free name.
    let mut names = Scope::new();
    for def in &api.types {
        names.claim_camel(&def.rust_name);
    }
    let mut default_fns = Scope::new();
    for field in struct_fields(&api.types) {
        if let Some(default) = &field.default {
            default_fns.claim_snake(&default.function);
        }
    }
    let mut request_of: Vec<Option<TypeId>> = vec![None; count];
    let mut shapes = Vec::new();
    for index in (0..count).filter(|&i| split[i]) {
        request_of[index] = Some(TypeId(count + shapes.len()));
        let mut shape = api.types[index].clone();
        shape.rust_name = names.claim_camel(&format!("{}Request", shape.rust_name));
        shape.direction = Direction::Request;
        shape.docs.notes.push(format!(
            "`{}` as it is sent: without its read-only fields.",
            api.types[index].rust_name
        ));
        if let TypeKind::Struct(s) = &mut shape.kind {
            for default in s.fields.iter_mut().filter_map(|f| f.default.as_mut()) {
                default.function =
                    default_fns.claim_snake(&format!("{}_request", default.function));
            }
        }
        api.types[index].direction = Direction::Response;
        shapes.push(shape);
    }
    api.types.extend(shapes);

    // What is sent refers to request shapes.
    let to_request = |ty: &mut TypeRef| redirect(ty, &request_of);
    for def in &mut api.types {
        if def.direction == Direction::Request {
            def.kind.refs_mut().into_iter().for_each(to_request);
        }
    }
    for op in &mut api.operations {
        op.request_refs_mut().into_iter().for_each(to_request);
    }
}

fn struct_fields(types: &[TypeDef]) -> impl Iterator<Item = &Field> {
    types.iter().flat_map(|def| match &def.kind {
        TypeKind::Struct(s) => s.fields.as_slice(),
        _ => &[],
    })
}

/// Points the named types of `ty` that were split at their request shapes.
fn redirect(ty: &mut TypeRef, request_of: &[Option<TypeId>]) {
    match ty {
        TypeRef::Named(id) => {
            if let Some(Some(shape)) = request_of.get(id.0) {
                *id = *shape;
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            redirect(inner, request_of)
        }
        TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => {}
    }
}

/// Read-only fields are not part of what is sent.
fn keeps(direction: Direction, field: &Field) -> bool {
    !(direction == Direction::Request && field.access == Access::ReadOnly)
}

/// A field's presence in a type that travels this way: read-only fields keep `required`
/// where received, write-only ones where sent; elsewhere they are optional (a type reached
/// by nothing cannot say which way it goes).
fn shape_field(direction: Direction, field: &mut Field) {
    let keeps_required = match (field.access, direction) {
        (Access::ReadWrite, _) => true,
        (Access::ReadOnly, Direction::Response) => true,
        (Access::WriteOnly, Direction::Request) => true,
        (Access::ReadOnly | Access::WriteOnly, _) => false,
    };
    if !keeps_required {
        field.presence = Presence::Optional;
    }
    if field.presence == Presence::Required {
        // Set by the constructor.
        field.setter = None;
        field.default = None;
    }
}

/// How many `Option`-like wrappers a field has in Rust: none when required and not
/// nullable; `Option<T>` when required and nullable, or optional; `Nullable<T>` (2) when
/// optional and nullable in a type that keeps `null` apart.
fn depth(direction: Direction, field: &Field) -> u8 {
    let nullable = matches!(field.ty, TypeRef::Nullable(_));
    match (field.presence, nullable) {
        (Presence::Required, false) => 0,
        (Presence::Required, true) | (Presence::Optional, false) => 1,
        (Presence::Optional, true) if direction.keeps_null() => 2,
        (Presence::Optional, true) => 1,
    }
}

/// The struct behind `ty` (through aliases), with its direction.
fn struct_of<'a>(api: &'a Api, ty: &TypeRef) -> Option<(&'a [Field], Direction)> {
    let TypeRef::Named(id) = api.value_type(ty) else {
        return None;
    };
    let def = api.types.get(id.0)?;
    match &def.kind {
        TypeKind::Struct(s) => Some((&s.fields, def.direction)),
        _ => None,
    }
}

/// Sets the depth of `page_field`, a field of the struct behind `owner`, from the field as
/// shaped; returns the field's type. `None` when the field is no longer there.
fn fix(api: &Api, owner: &TypeRef, page_field: &mut PageField) -> Option<TypeRef> {
    let (fields, direction) = struct_of(api, owner)?;
    let field = fields
        .iter()
        .find(|f| f.rust_name == page_field.rust_name)?;
    page_field.depth = depth(direction, field);
    Some(field.ty.clone())
}

/// The fields pagination and event streams read and write, their depths set from the fields
/// as shaped. A stream flag that is no longer in the request body (read-only) is dropped.
fn page_fields(api: &mut Api) {
    let mut operations = std::mem::take(&mut api.operations);
    for op in &mut operations {
        if let (Some(stream), Some(body)) = (&mut op.stream, &op.body) {
            if let (Some(flag), Some(ty)) = (&mut stream.flag, body.kind.ty()) {
                if fix(api, ty, flag).is_none() {
                    stream.flag = None;
                }
            }
        }
        let (Some(pagination), Some(page)) = (&mut op.pagination, op.response.body.ty()) else {
            continue;
        };
        let items_ty = match &mut pagination.items {
            Some(items) => fix(api, page, items),
            None => Some(page.clone()),
        };
        match &mut pagination.style {
            PageStyle::Cursor { next, .. } => match next {
                NextCursor::Field(path) => {
                    let mut owner = Some(page.clone());
                    for field in path {
                        owner = owner.and_then(|ty| fix(api, &ty, field));
                    }
                }
                NextCursor::LastItem { has_more, id } => {
                    fix(api, page, has_more);
                    if let Some(item) = items_ty.as_ref().and_then(|ty| list_item(api, ty)) {
                        fix(api, &item, id);
                    }
                }
            },
            PageStyle::NextUrl { path } => {
                let mut owner = Some(page.clone());
                for field in path {
                    owner = owner.and_then(|ty| fix(api, &ty, field));
                }
            }
            PageStyle::LinkList { list, rel, href } => {
                let mut owner = Some(page.clone());
                for field in list {
                    owner = owner.and_then(|ty| fix(api, &ty, field));
                }
                if let Some(link) = owner.as_ref().and_then(|ty| list_item(api, ty)) {
                    fix(api, &link, rel);
                    fix(api, &link, href);
                }
            }
            PageStyle::Offset {
                total: Some(total), ..
            } => {
                fix(api, page, total);
            }
            PageStyle::Offset { total: None, .. }
            | PageStyle::HeaderCursor { .. }
            | PageStyle::Link
            | PageStyle::PageNumber { .. } => {}
        }
    }
    api.operations = operations;
}

/// The item type of a list (through `null` and aliases).
fn list_item(api: &Api, ty: &TypeRef) -> Option<TypeRef> {
    match api.value_type(ty) {
        TypeRef::Array(item) => Some((**item).clone()),
        _ => None,
    }
}
