//! Every type reference of the IR, in one place: passes that renumber the type table (`finish`
//! sorts it, local damage and the configuration's selection remove types) or that follow
//! references (reachability) go through these walks, so a new place that holds a `TypeRef`
//! is added here once.

use super::{Api, Operation, ResponseBody, TypeDef, TypeId, TypeKind, TypeRef};

/// How long a chain of aliases is followed: longer than any a document writes, and a bound
/// for a chain that loops (`lower` breaks such loops, but a pass must not rely on it to end).
pub const ALIAS_DEPTH: usize = 64;

/// `ty` with named aliases followed to what they name (the first reference that is not a
/// named alias, or where the chain stops after [`ALIAS_DEPTH`]). `kind_of` reads the type
/// table, so that `lower` can follow aliases in the table it is still building.
pub fn through_aliases<'a>(
    ty: &'a TypeRef,
    kind_of: impl Fn(TypeId) -> Option<&'a TypeKind>,
) -> &'a TypeRef {
    follow(ty, kind_of, false)
}

/// [`through_aliases`], with `null` taken off at every step too: the type of the value
/// itself, when there is one.
pub fn through_aliases_and_null<'a>(
    ty: &'a TypeRef,
    kind_of: impl Fn(TypeId) -> Option<&'a TypeKind>,
) -> &'a TypeRef {
    follow(ty, kind_of, true)
}

fn follow<'a>(
    mut ty: &'a TypeRef,
    kind_of: impl Fn(TypeId) -> Option<&'a TypeKind>,
    strip_null: bool,
) -> &'a TypeRef {
    let strip = |ty: &'a TypeRef| if strip_null { ty.non_null() } else { ty };
    ty = strip(ty);
    for _ in 0..ALIAS_DEPTH {
        match ty {
            TypeRef::Named(id) => match kind_of(*id) {
                Some(TypeKind::Alias(target)) => ty = strip(target),
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

impl TypeKind {
    /// The type references this definition holds directly.
    pub fn refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.as_ref().map(|a| &a.ty))
                .collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Tagged(t) => t.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
            TypeKind::Enum(_) => Vec::new(),
        }
    }

    /// [`TypeKind::refs`], to change them.
    pub fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .map(|f| &mut f.ty)
                .chain(s.additional.as_mut().map(|a| &mut a.ty))
                .collect(),
            TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Tagged(t) => t.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
            TypeKind::Enum(_) => Vec::new(),
        }
    }
}

impl ResponseBody {
    fn types_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            ResponseBody::Json(ty) => vec![ty],
            ResponseBody::PerStatus(statuses) => statuses
                .variants
                .iter_mut()
                .filter_map(|v| match &mut v.body {
                    ResponseBody::Json(ty) => Some(ty),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Operation {
    /// The type references of the operation: parameters, request body, success bodies and
    /// the data of its event stream (error bodies are [`ErrorResponse::body`](super::ErrorResponse::body) ids).
    pub fn refs(&self) -> Vec<&TypeRef> {
        let mut refs: Vec<&TypeRef> = self.params.iter().map(|p| &p.ty).collect();
        refs.extend(self.body.as_ref().and_then(|b| b.kind.ty()));
        refs.extend(self.response.body.types());
        refs.extend(self.stream.as_ref().map(|s| &s.data));
        refs
    }

    /// [`Operation::refs`], to change them.
    pub fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        let mut refs: Vec<&mut TypeRef> = self.params.iter_mut().map(|p| &mut p.ty).collect();
        refs.extend(self.body.as_mut().and_then(|b| b.kind.ty_mut()));
        refs.extend(self.response.body.types_mut());
        refs.extend(self.stream.as_mut().map(|s| &mut s.data));
        refs
    }
}

impl Operation {
    /// The type references of what the operation sends: parameters and request body.
    pub fn request_refs(&self) -> Vec<&TypeRef> {
        let mut refs: Vec<&TypeRef> = self.params.iter().map(|p| &p.ty).collect();
        refs.extend(self.body.as_ref().and_then(|b| b.kind.ty()));
        refs
    }

    /// [`Operation::request_refs`], to change them.
    pub fn request_refs_mut(&mut self) -> Vec<&mut TypeRef> {
        let mut refs: Vec<&mut TypeRef> = self.params.iter_mut().map(|p| &mut p.ty).collect();
        refs.extend(self.body.as_mut().and_then(|b| b.kind.ty_mut()));
        refs
    }

    /// The named types of what the operation receives: success bodies, the data of its event
    /// stream and its error bodies.
    pub fn response_ids(&self) -> Vec<TypeId> {
        let mut ids = Vec::new();
        for ty in self
            .response
            .body
            .types()
            .into_iter()
            .chain(self.stream.as_ref().map(|s| &s.data))
        {
            ty.named_ids(&mut ids);
        }
        ids.extend(self.errors.iter().filter_map(|e| e.body));
        ids
    }

    /// The named types the operation refers to directly: those of [`Operation::refs`] and
    /// its error bodies.
    pub fn named_ids(&self, out: &mut Vec<TypeId>) {
        self.refs().into_iter().for_each(|ty| ty.named_ids(out));
        out.extend(self.errors.iter().filter_map(|e| e.body));
    }
}

impl Api {
    /// `ty` with aliases followed (see [`through_aliases`]).
    pub fn through_aliases<'a>(&'a self, ty: &'a TypeRef) -> &'a TypeRef {
        through_aliases(ty, |id| self.types.get(id.0).map(|def| &def.kind))
    }

    /// `ty` with aliases and `null` taken off (see [`through_aliases_and_null`]).
    pub fn value_type<'a>(&'a self, ty: &'a TypeRef) -> &'a TypeRef {
        through_aliases_and_null(ty, |id| self.types.get(id.0).map(|def| &def.kind))
    }

    /// Which types are reached from `roots`, through every reference of every type (by
    /// type id); linear in the size of the type table.
    pub fn reached_from(&self, roots: Vec<TypeId>) -> Vec<bool> {
        let mut reached = vec![false; self.types.len()];
        let mut pending = roots;
        while let Some(id) = pending.pop() {
            match reached.get_mut(id.0) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            for ty in self.types[id.0].kind.refs() {
                ty.named_ids(&mut pending);
            }
        }
        reached
    }

    /// The named types that the events (webhooks and callbacks) carry.
    pub fn event_type_ids(&self) -> Vec<TypeId> {
        let mut ids = Vec::new();
        for payload in self
            .events
            .iter()
            .flat_map(|set| &set.events)
            .filter_map(|event| event.payload.as_ref())
        {
            payload.named_ids(&mut ids);
        }
        ids
    }
}

impl TypeRef {
    /// Whether this reference mentions a named type (inside arrays, maps and nullables too).
    pub fn mentions_named(&self) -> bool {
        match self {
            TypeRef::Named(_) => true,
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.mentions_named()
            }
            TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => false,
        }
    }

    /// The named types this reference mentions, appended to `out`.
    pub fn named_ids(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.named_ids(out)
            }
            TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => {}
        }
    }

    /// Points every named type at its new place (`new_id[old]`); an id outside `new_id` is
    /// left as it is.
    pub fn renumber(&mut self, new_id: &[usize]) {
        match self {
            TypeRef::Named(id) => id.renumber(new_id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.renumber(new_id)
            }
            TypeRef::Scalar(_) | TypeRef::JsonObject | TypeRef::Any => {}
        }
    }
}

impl TypeId {
    /// This id's new place (`new_id[old]`); an id outside `new_id` is left as it is.
    pub fn renumber(&mut self, new_id: &[usize]) {
        self.0 = new_id.get(self.0).copied().unwrap_or(self.0);
    }
}

impl Api {
    /// Sorts the type table by `rust_name` (the order of the generated files), renumbering
    /// every reference.
    pub fn sort_types_by_name(&mut self) {
        let mut order: Vec<usize> = (0..self.types.len()).collect();
        order.sort_by(|&a, &b| self.types[a].rust_name.cmp(&self.types[b].rust_name));
        let mut new_id = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old] = new;
        }
        let mut slots: Vec<Option<TypeDef>> = std::mem::take(&mut self.types)
            .into_iter()
            .map(Some)
            .collect();
        self.types = order.iter().filter_map(|&old| slots[old].take()).collect();
        self.renumber_types(&new_id);
        self.error_types.sort();
    }

    /// Keeps the types whose `keep` is true (in their order), renumbering every reference.
    /// Error types and examples of removed types go with them; nothing else may still refer
    /// to a removed type.
    pub fn retain_types(&mut self, keep: &[bool]) {
        let kept = |id: TypeId| keep.get(id.0).copied().unwrap_or(false);
        let mut new_id = vec![usize::MAX; keep.len()];
        let mut next = 0;
        for (old, &kept) in keep.iter().enumerate() {
            if kept {
                new_id[old] = next;
                next += 1;
            }
        }
        self.error_types.retain(|&id| kept(id));
        self.examples.retain(|example| {
            let mut ids = Vec::new();
            example.ty.named_ids(&mut ids);
            ids.into_iter().all(kept)
        });
        let mut index = 0;
        self.types.retain(|_| {
            index += 1;
            keep.get(index - 1).copied().unwrap_or(false)
        });
        self.renumber_types(&new_id);
        self.error_types.sort();
    }

    /// Renumbers every type reference and id of the API after its type table was reordered
    /// or thinned: the type that was at `old` is now at `new_id[old]`.
    pub fn renumber_types(&mut self, new_id: &[usize]) {
        for def in &mut self.types {
            def.kind
                .refs_mut()
                .into_iter()
                .for_each(|ty| ty.renumber(new_id));
        }
        self.examples.iter_mut().for_each(|e| e.ty.renumber(new_id));
        for op in &mut self.operations {
            op.refs_mut().into_iter().for_each(|ty| ty.renumber(new_id));
            for id in op.errors.iter_mut().filter_map(|e| e.body.as_mut()) {
                id.renumber(new_id);
            }
        }
        self.error_types
            .iter_mut()
            .for_each(|id| id.renumber(new_id));
        for event in self.events.iter_mut().flat_map(|set| &mut set.events) {
            if let Some(ty) = &mut event.payload {
                ty.renumber(new_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(index: usize) -> TypeRef {
        TypeRef::Named(TypeId(index))
    }

    fn nullable(ty: TypeRef) -> TypeRef {
        TypeRef::Nullable(Box::new(ty))
    }

    #[test]
    fn aliases_are_followed_to_what_they_name() {
        // 0 = 1, 1 = 2?, 2 = [string], 3 is an enum.
        let table = [
            TypeKind::Alias(named(1)),
            TypeKind::Alias(nullable(named(2))),
            TypeKind::Alias(TypeRef::Array(Box::new(TypeRef::Scalar(
                super::super::Scalar::String,
            )))),
            TypeKind::Enum(super::super::Enum {
                repr: super::super::EnumRepr::String,
                variants: Vec::new(),
                fallback: "Unknown".to_owned(),
            }),
        ];
        let kind_of = |id: TypeId| table.get(id.0);
        let (first, enum_ty, any, outside) = (named(0), named(3), TypeRef::Any, named(9));
        // `null` is kept by the plain follower, taken off at every step by the other.
        assert_eq!(through_aliases(&first, kind_of), &nullable(named(2)));
        assert!(matches!(
            through_aliases_and_null(&first, kind_of),
            TypeRef::Array(_)
        ));
        // A named type that is not an alias, a reference that is not named, and an id
        // outside the table are where the walk stops.
        assert_eq!(through_aliases(&enum_ty, kind_of), &named(3));
        assert_eq!(through_aliases(&any, kind_of), &TypeRef::Any);
        assert_eq!(through_aliases(&outside, kind_of), &named(9));
    }

    #[test]
    fn a_loop_of_aliases_ends() {
        let table = [TypeKind::Alias(named(1)), TypeKind::Alias(named(0))];
        let kind_of = |id: TypeId| table.get(id.0);
        let (first, second) = (named(0), nullable(named(1)));
        let end = through_aliases(&first, kind_of);
        assert!(matches!(end, TypeRef::Named(_)));
        let end = through_aliases_and_null(&second, kind_of);
        assert!(matches!(end, TypeRef::Named(_)));
    }

    #[test]
    fn named_types_are_found_inside_lists_maps_and_nullables() {
        let deep = TypeRef::Array(Box::new(TypeRef::Map(Box::new(nullable(named(4))))));
        assert!(deep.mentions_named());
        let mut ids = Vec::new();
        deep.named_ids(&mut ids);
        assert_eq!(ids, [TypeId(4)]);
        let plain = TypeRef::Array(Box::new(TypeRef::JsonObject));
        assert!(!plain.mentions_named());
    }

    #[test]
    fn renumbering_moves_named_types_and_leaves_others() {
        let mut ty = TypeRef::Array(Box::new(named(0)));
        ty.renumber(&[2, 0, 1]);
        assert_eq!(ty, TypeRef::Array(Box::new(named(2))));
        let mut outside = named(7);
        outside.renumber(&[2, 0, 1]);
        assert_eq!(outside, named(7));
    }
}
