//! Which operations a path item holds: the fixed fields (`get`, `put`, ... `trace`), and in
//! OpenAPI 3.2 `query` (the QUERY method) and `additionalOperations` (any other method, by
//! its name as sent). In a 3.0 or 3.1 document those two are 3.2 fields: reported, not read.

use serde_json::{Map, Value};

use super::Lowerer;
use crate::diag::join;
use crate::ir::HttpMethod;
use crate::load::SpecVersion;

impl<'d> Lowerer<'d> {
    /// Each operation of a path item, in document order: where it is declared, its method,
    /// and its value (perhaps a reference).
    pub(super) fn item_operations(
        &mut self,
        item: &'d Map<String, Value>,
        item_ptr: &str,
    ) -> Vec<(String, HttpMethod, &'d Value)> {
        let is_3_2 = self.version == SpecVersion::V3_2;
        let mut operations = Vec::new();
        for (key, op) in item {
            let ptr = join(item_ptr, &[key]);
            if let Some((_, method)) = HttpMethod::ALL.iter().find(|(m, _)| m == key) {
                operations.push((ptr, method.clone(), op));
            } else if key == "query" || key == "additionalOperations" {
                if !is_3_2 {
                    self.diags.warning_with_help(
                        ptr,
                        format!("`{key}` is an OpenAPI 3.2 field; in this document it is not read"),
                        "declare `openapi: 3.2.0` if the document is written for 3.2",
                    );
                } else if key == "query" {
                    operations.push((ptr, HttpMethod::Query, op));
                } else {
                    self.additional_operations(op, &ptr, &mut operations);
                }
            }
        }
        operations
    }

    fn additional_operations(
        &mut self,
        map: &'d Value,
        ptr: &str,
        operations: &mut Vec<(String, HttpMethod, &'d Value)>,
    ) {
        let Some(map) = map.as_object() else {
            self.diags
                .warning(ptr, "`additionalOperations` must be a map of method names to operations; it is not read");
            return;
        };
        for (name, op) in map {
            let op_ptr = join(ptr, &[name]);
            let fixed = name.to_ascii_lowercase();
            if fixed == "query" || HttpMethod::ALL.iter().any(|(m, _)| *m == fixed) {
                self.diags.warning(
                    op_ptr,
                    format!("`{name}` has its own field in a path item (`{fixed}`); this entry is not read"),
                );
            } else if !is_token(name) {
                self.diags.warning(
                    op_ptr,
                    format!("`{name}` is not an HTTP method name (letters, digits and !#$%&'*+-.^_`|~); this operation is not read"),
                );
            } else {
                operations.push((op_ptr, HttpMethod::Other(name.clone()), op));
            }
        }
    }
}

/// Whether `name` is an HTTP token (RFC 9110), as a method name must be.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
