//! Which resource groups reach each type: what decides the `#[cfg(feature = ..)]` of a type
//! in a crate with a feature per group.

use super::{Api, TypeId};

/// When a type is compiled, in a crate with a Cargo feature per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Whatever features are chosen: every group reaches it, or a type compiled always
    /// reaches it: what a webhook or callback carries (events are not grouped), and types
    /// that no operation reaches (a schema declared but not used by any operation).
    Always,
    /// When the feature of one of these groups is on (indexes into `Api::groups`, sorted):
    /// the groups whose operations reach the type through any chain of references.
    Groups(Vec<usize>),
}

impl Api {
    /// The index in `groups` of the group with this feature name.
    pub fn group_index(&self, feature: &str) -> Option<usize> {
        self.groups
            .binary_search_by(|group| group.feature.as_str().cmp(feature))
            .ok()
    }

    /// By type id: which groups' features compile it. One walk per group (and one from the
    /// events), each linear in the type table.
    pub fn type_reach(&self) -> Vec<Reach> {
        let mut reached_by: Vec<Vec<usize>> = vec![Vec::new(); self.types.len()];
        for (index, group) in self.groups.iter().enumerate() {
            let mut roots: Vec<TypeId> = Vec::new();
            for op in self
                .operations
                .iter()
                .filter(|op| op.group == group.feature)
            {
                op.named_ids(&mut roots);
            }
            for (id, reached) in self.reached_from(roots).into_iter().enumerate() {
                if reached {
                    reached_by[id].push(index);
                }
            }
        }
        // Compiled whatever the features: what events carry, and types no operation reaches
        // (schemas the document declares without using them), with all they reach.
        let mut always = self.event_type_ids();
        always.extend(
            (0..self.types.len())
                .filter(|&id| reached_by[id].is_empty())
                .map(TypeId),
        );
        let always = self.reached_from(always);
        reached_by
            .into_iter()
            .zip(always)
            .map(|(groups, always)| {
                if always || groups.len() == self.groups.len() {
                    Reach::Always
                } else {
                    Reach::Groups(groups)
                }
            })
            .collect()
    }
}
