//! Operations: one per method of every path item, named from `operationId` (or the method
//! and path), with their parameters, body, responses and security.

use serde_json::{Map, Value};

use super::Lowerer;
use crate::diag::join;
use crate::ir::{Docs, HttpMethod, Operation, SecurityScheme};
use crate::naming::{self, Scope};
use crate::parse::describe;

/// Methods of the generated `Client` (own or derived) that an operation must not shadow.
pub(crate) const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "clone",
    "clone_from",
    "fmt",
    "into",
    "from",
    "try_into",
    "try_from",
    "borrow",
    "borrow_mut",
    "to_owned",
    "type_id",
];
/// Names visible in the generated `operations` module that a request builder must not take.
pub(crate) const BUILDER_RESERVED: &[&str] = &[
    "Box",
    "Client",
    "ClientBuilder",
    "Error",
    "ErrorBody",
    "Option",
    "Result",
    "String",
    "Vec",
];
/// Fields and methods of every request builder.
const OPERATION_RESERVED: &[&str] = &[
    "client",
    "body",
    "options",
    "send",
    "send_with_response",
    "into_future",
    "with_timeout",
    "with_retry",
    "with_idle_timeout",
    "with_header",
    "with_query",
    "paginate",
    "clone",
    "clone_from",
    "fmt",
];

impl<'d> Lowerer<'d> {
    pub(super) fn operations(&mut self, schemes: &[SecurityScheme]) -> Vec<Operation> {
        let mut operations = Vec::new();
        let Some(paths) = self.root.get("paths") else {
            return operations;
        };
        let Some(paths) = paths.as_object() else {
            self.diags.error(
                "#/paths",
                format!("`paths` must be an object, found {}", describe(paths)),
            );
            return operations;
        };
        self.method_names = super::method_names::MethodNames::plan(paths);
        let mut method_names = Scope::with_reserved(CLIENT_METHODS);
        let mut builder_names = Scope::with_reserved(BUILDER_RESERVED);
        for (path, item) in paths {
            let item_mark = self.begin_item();
            let declared_ptr = join("#/paths", &[path]);
            let what = format!("the path `{path}`");
            let Some((item, item_ptr)) = self.deref(item, declared_ptr.clone()) else {
                self.end_item(item_mark, &declared_ptr, &what, None);
                continue;
            };
            let Some(item_obj) = item.as_object() else {
                self.diags.error(
                    item_ptr,
                    format!("a path item must be an object, found {}", describe(item)),
                );
                self.end_item(item_mark, &declared_ptr, &what, None);
                continue;
            };
            for (declared_op_ptr, method, op) in self.item_operations(item_obj, &item_ptr) {
                let mark = self.begin_item();
                let what = format!("the operation `{} {path}`", method.as_str());
                // An operation may itself be a reference (`get: {$ref: ...}`).
                let Some((op, ptr)) = self.deref(op, declared_op_ptr.clone()) else {
                    self.end_item(mark, &declared_op_ptr, &what, None);
                    continue;
                };
                let Some(op_obj) = op.as_object() else {
                    self.diags.error(
                        ptr,
                        format!("an operation must be an object, found {}", describe(op)),
                    );
                    self.end_item(mark, &declared_op_ptr, &what, None);
                    continue;
                };
                let context = OperationContext {
                    path,
                    method,
                    item: item_obj,
                    item_ptr: &item_ptr,
                    op: op_obj,
                    ptr: &ptr,
                };
                let operation =
                    self.lower_operation(&context, schemes, &mut method_names, &mut builder_names);
                let kept = self.end_item(mark, &declared_op_ptr, &what, None);
                match operation {
                    Some(operation) if kept => {
                        let mut set_names = std::mem::take(&mut self.event_set_names);
                        let callbacks =
                            self.callbacks(op_obj, &ptr, &operation.builder_name, &mut set_names);
                        self.event_set_names = set_names;
                        self.callback_sets.extend(callbacks);
                        operations.push(operation);
                    }
                    _ => self.item_dropped(mark),
                }
            }
            self.end_item(item_mark, &declared_ptr, &what, None);
        }
        operations
    }

    fn lower_operation(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        schemes: &[SecurityScheme],
        method_names: &mut Scope,
        builder_names: &mut Scope,
    ) -> Option<Operation> {
        let operation_id = cx
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let base = self.method_names.get(cx.op, &cx.method, cx.path);
        let rust_name = method_names.claim_snake(&base);
        if rust_name != base {
            self.diags.warning(
                cx.ptr,
                format!(
                    "the method name `{}` is taken (by another operation or by the client itself): this operation's method is `{}`",
                    naming::unraw(&base),
                    naming::unraw(&rust_name)
                ),
            );
        }
        let builder_name =
            builder_names.claim_camel(&naming::camel(naming::unraw(&rust_name), "Operation"));

        let mut names = Scope::with_reserved(OPERATION_RESERVED);
        // Everything is looked at even when one part fails, so that all the problems of an
        // operation are reported in one run; the path needs the parameters to be checked.
        let mut params = self.lower_params(cx, &builder_name, &mut names);
        let segments = params
            .as_mut()
            .and_then(|params| self.path_segments(cx, params));
        let fixed_query = fixed_query(cx.path);
        let body = self.lower_body(cx, &builder_name);
        let (mut response, errors) = self.lower_responses(cx, &builder_name, builder_names);
        let (Some(mut params), Some(segments), Some(body)) = (params, segments, body) else {
            return None;
        };
        let idempotency_key = self.idempotency_key(cx, &mut params);
        let stream = self.event_stream(cx, &builder_name, &params, body.as_ref(), &mut response);

        let (security, security_needed) = self.operation_security(cx, schemes);

        let text = |key: &str| cx.op.get(key).and_then(Value::as_str).map(str::to_owned);
        let mut docs = Docs {
            summary: text("summary"),
            description: text("description"),
            notes: Vec::new(),
            deprecated: if cx.op.get("deprecated").and_then(Value::as_bool) == Some(true) {
                crate::ir::Deprecation::Deprecated
            } else {
                crate::ir::Deprecation::Current
            },
        };
        docs.notes
            .push(format!("`{} {}`", cx.method.as_str(), cx.path));

        let pagination = self.pagination(cx, &params, &response.body);
        Some(Operation {
            rust_name,
            builder_name,
            operation_id,
            method: cx.method.clone(),
            path: cx.path.to_owned(),
            segments,
            fixed_query,
            source: cx.ptr.to_owned(),
            tags: strings(cx.op.get("tags")),
            docs,
            params,
            body,
            response,
            errors,
            security,
            security_needed,
            pagination,
            stream,
            idempotency_key,
            // Given in `groups`, once every operation exists.
            group: String::new(),
        })
    }

    /// The schemes whose credentials the operation sends (any alternative of its security
    /// requirement, or the document's), and those of the first alternative, which it needs;
    /// a scheme named but not defined is a warning.
    fn operation_security(
        &mut self,
        cx: &OperationContext<'_, 'd>,
        schemes: &[SecurityScheme],
    ) -> (Vec<String>, Vec<String>) {
        let security_value = cx.op.get("security").or_else(|| self.root.get("security"));
        let mut security = Vec::new();
        let security_needed: Vec<String> = security_value
            .and_then(Value::as_array)
            .and_then(|alternatives| alternatives.first())
            .and_then(Value::as_object)
            .map(|first| {
                schemes
                    .iter()
                    .filter(|s| first.contains_key(&s.wire_name))
                    .map(|s| s.wire_name.clone())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(alternatives) = security_value.and_then(Value::as_array) {
            for requirement in alternatives.iter().filter_map(Value::as_object) {
                for name in requirement.keys() {
                    if !schemes.iter().any(|s| &s.wire_name == name)
                        && self
                            .root
                            .pointer(&format!(
                                "/components/securitySchemes/{}",
                                crate::diag::escape_token(name)
                            ))
                            .is_none()
                    {
                        self.diags.warning(cx.ptr, format!("security scheme `{name}` is not defined in `components/securitySchemes`"));
                    }
                }
            }
            for scheme in schemes {
                if alternatives
                    .iter()
                    .filter_map(Value::as_object)
                    .any(|requirement| requirement.contains_key(&scheme.wire_name))
                {
                    security.push(scheme.wire_name.clone());
                }
            }
        }
        (security, security_needed)
    }
}

/// The query written into a path template (`/things?beta=true`): its pairs, in order.
fn fixed_query(path: &str) -> Vec<(String, String)> {
    path.split_once('?')
        .map(|(_, query)| {
            query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (name.to_owned(), value.to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The strings of a list (`tags`), in order; none when it is not a list.
fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub(super) struct OperationContext<'a, 'd> {
    pub(super) path: &'a str,
    pub(super) method: HttpMethod,
    pub(super) item: &'d Map<String, Value>,
    pub(super) item_ptr: &'a str,
    pub(super) op: &'d Map<String, Value>,
    pub(super) ptr: &'a str,
}
