//! Webhooks and callbacks: requests the API sends to the user. The document's `webhooks`
//! become one [`EventSet`] named `Webhook`; each operation's `callbacks` one set named after
//! the operation. Each event is one operation of a path item, with its JSON body's type
//! and the way a request is recognised as it ([`EventSelector`]): a header or a body field
//! to which the document gives a single value, else by which payload decodes. An event
//! whose value is shared by another one in its set is recognised by its payload instead.

use serde_json::{Map, Value};

use super::Lowerer;
use super::bodies::{MediaClass, pick_media};
use crate::diag::join;
use crate::ir::{Docs, Event, EventSelector, EventSet, HttpMethod, TypeRef};
use crate::naming::{self, Scope};

/// Field names that usually name an event, preferred in this order.
const EVENT_FIELDS: &[&str] = &["type", "event", "event_type", "eventType", "kind", "name"];

impl<'d> Lowerer<'d> {
    /// The document's `webhooks`, as the set `Webhook`.
    pub(super) fn webhooks(&mut self) -> Option<EventSet> {
        let webhooks = self.root.get("webhooks")?;
        let Some(webhooks) = webhooks.as_object() else {
            self.diags
                .error("#/webhooks", "`webhooks` must be an object of path items");
            return None;
        };
        let mut names = Scope::new();
        let mut events = Vec::new();
        for (name, item) in webhooks {
            let ptr = join("#/webhooks", &[name]);
            self.events_of(
                item,
                &ptr,
                name,
                "",
                "webhook",
                None,
                &mut names,
                &mut events,
            );
        }
        let docs = Docs {
            description: Some(
                "The webhooks the API sends to your endpoint. `parse` tells which one a request is and decodes it."
                    .to_owned(),
            ),
            ..Docs::default()
        };
        finish_set("Webhook".to_owned(), docs, events)
    }

    /// The `callbacks` of the operation at `op_ptr` (its request builder is
    /// `builder_name`), as the set `<builder_name>Callback`.
    pub(super) fn callbacks(
        &mut self,
        op: &'d Map<String, Value>,
        op_ptr: &str,
        builder_name: &str,
        set_names: &mut Scope,
    ) -> Option<EventSet> {
        let callbacks = op.get("callbacks")?;
        let callbacks_ptr = join(op_ptr, &["callbacks"]);
        let Some(callbacks) = callbacks.as_object() else {
            self.diags.warning(
                callbacks_ptr,
                "`callbacks` must be an object; it is ignored",
            );
            return None;
        };
        let mut names = Scope::new();
        let mut events = Vec::new();
        for (name, callback) in callbacks {
            let declared = join(&callbacks_ptr, &[name]);
            let Some((callback, ptr)) = self.deref(callback, declared.clone()) else {
                continue;
            };
            let first = events.len();
            let Some(expressions) = callback.as_object() else {
                self.diags.warning(
                    ptr,
                    "a callback must be an object of URL expressions; it is ignored",
                );
                continue;
            };
            let several = expressions.len() > 1;
            for (expression, item) in expressions {
                let item_ptr = join(&ptr, &[expression]);
                let wire = if several {
                    format!("{name} {expression}")
                } else {
                    name.clone()
                };
                self.events_of(
                    item,
                    &item_ptr,
                    &wire,
                    builder_name,
                    "callback",
                    Some(expression),
                    &mut names,
                    &mut events,
                );
            }
            // A callback given by reference is this operation's, wherever it is written.
            for event in &mut events[first..] {
                if let Some(rest) = event.source.strip_prefix(ptr.as_str()) {
                    event.source = format!("{declared}{rest}");
                }
            }
        }
        let rust_name = set_names.claim_camel(&format!("{builder_name}Callback"));
        let docs = Docs {
            description: Some(format!(
                "The callbacks the API sends after [`Client::{}`](super::Client): `parse` tells which one a request is and decodes it.",
                naming::snake(builder_name, "operation").trim_start_matches("r#")
            )),
            ..Docs::default()
        };
        finish_set(rust_name, docs, events)
    }

    /// The events of one path item (each of its operations), appended to `out`. Their
    /// inline types are named `<prefix><name><Kind>`.
    #[allow(clippy::too_many_arguments)]
    fn events_of(
        &mut self,
        item: &'d Value,
        item_ptr: &str,
        wire_name: &str,
        prefix: &str,
        kind: &str,
        expression: Option<&str>,
        names: &mut Scope,
        out: &mut Vec<Event>,
    ) {
        let item_mark = self.begin_item();
        let what = format!("the {kind} `{wire_name}`");
        let Some((item, item_ptr)) = self.deref(item, item_ptr.to_owned()) else {
            self.end_item(item_mark, item_ptr, &what, None);
            return;
        };
        let Some(item) = item.as_object() else {
            self.diags
                .error(&item_ptr, format!("{what} must be a path item (an object)"));
            self.end_item(item_mark, &item_ptr, &what, None);
            return;
        };
        let methods: Vec<(HttpMethod, &str, &'d Value)> = HttpMethod::ALL
            .iter()
            .filter_map(|(key, method)| Some((method.clone(), *key, item.get(*key)?)))
            .collect();
        if methods.is_empty() {
            self.diags.warning(
                &item_ptr,
                format!("{what} has no operation; nothing is generated for it"),
            );
        }
        for (method, key, op) in &methods {
            let declared = join(&item_ptr, &[key]);
            let mark = self.begin_item();
            let Some((op, op_ptr)) = self.deref(op, declared.clone()) else {
                self.end_item(mark, &declared, &what, None);
                continue;
            };
            let base = if methods.len() > 1 {
                format!("{wire_name} {}", key)
            } else {
                wire_name.to_owned()
            };
            let hint = format!(
                "{prefix}{}",
                naming::camel(&format!("{base} {kind}"), "Event")
            );
            let event = self.event(
                item,
                op,
                wire_name,
                &op_ptr,
                &hint,
                method.clone(),
                expression,
            );
            let kept = self.end_item(mark, &declared, &what, None);
            match event {
                Some((payload, selector, docs)) if kept => out.push(Event {
                    rust_name: names.claim_camel(&naming::camel(&base, "Event")),
                    wire_name: wire_name.to_owned(),
                    method: method.clone(),
                    source: op_ptr,
                    payload,
                    selector,
                    docs,
                }),
                _ => self.item_dropped(mark),
            }
        }
        self.end_item(item_mark, &item_ptr, &what, None);
    }

    /// One event: its payload type, how it is recognised, its docs. `None` when it cannot
    /// be decoded (a warning says why).
    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        item: &'d Map<String, Value>,
        op: &'d Value,
        event_name: &str,
        op_ptr: &str,
        hint: &str,
        method: HttpMethod,
        expression: Option<&str>,
    ) -> Option<(Option<TypeRef>, EventSelector, Docs)> {
        let mut payload = None;
        let mut field = None;
        if let Some(body) = op.get("requestBody") {
            let (body, body_ptr) = self.deref(body, join(op_ptr, &["requestBody"]))?;
            let content = body.get("content").and_then(Value::as_object);
            if let Some(content) = content.filter(|c| !c.is_empty()) {
                let Some((media_type, media, _)) = pick_media(content, &[MediaClass::Json]) else {
                    let types: Vec<&str> = content.keys().map(String::as_str).collect();
                    self.diags.warning(
                        join(&body_ptr, &["content"]),
                        format!(
                            "only JSON payloads are decoded, this one is {}; the event is left out",
                            types.join(", ")
                        ),
                    );
                    return None;
                };
                let schema_ptr = join(&body_ptr, &["content", media_type, "schema"]);
                payload = Some(match media.get("schema") {
                    Some(schema) => {
                        field = self.event_field(schema, event_name, 0);
                        self.lower_schema(schema, &schema_ptr, hint, None)
                    }
                    None => TypeRef::Any,
                });
            }
        }
        let selector = match (self.event_header(item, op), field) {
            (Some((name, value)), _) => EventSelector::Header { name, value },
            (None, Some((name, value))) => EventSelector::Field { name, value },
            (None, None) => EventSelector::Payload,
        };
        let text = |key: &str| op.get(key).and_then(Value::as_str).map(str::to_owned);
        let mut docs = Docs {
            summary: text("summary"),
            description: text("description"),
            ..Docs::default()
        };
        match expression {
            Some(expression) => docs
                .notes
                .push(format!("`{}` to `{expression}`", method.as_str())),
            None => docs.notes.push(format!("`{}`", method.as_str())),
        }
        Some((payload, selector, docs))
    }

    /// A header parameter the document gives a single value: it names the event.
    fn event_header(
        &mut self,
        item: &'d Map<String, Value>,
        op: &'d Value,
    ) -> Option<(String, String)> {
        let lists = [item.get("parameters"), op.get("parameters")];
        for param in lists
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
        {
            let Some(param) = self.follow(param) else {
                continue;
            };
            if param.get("in").and_then(Value::as_str) != Some("header") {
                continue;
            }
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                continue;
            };
            if let Some(value) = param.get("schema").and_then(|s| self.single_value(s)) {
                return Some((name.to_ascii_lowercase(), value));
            }
        }
        None
    }

    /// A property of the payload's schema (through `$ref`s and `allOf`) that the document
    /// gives a single string value, or whose allowed values include the event's own name
    /// (one payload type shared by several events): it names the event.
    fn event_field(
        &self,
        schema: &'d Value,
        event_name: &str,
        depth: usize,
    ) -> Option<(String, String)> {
        if depth > 16 {
            return None;
        }
        let schema = self.follow(schema)?;
        let mut found: Vec<(String, String)> = Vec::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if let Some(value) = self.single_value(property) {
                    found.push((name.clone(), value));
                } else if self.allows(property, event_name) {
                    found.push((name.clone(), event_name.to_owned()));
                }
            }
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            found.extend(self.event_field(part, event_name, depth + 1));
        }
        EVENT_FIELDS
            .iter()
            .find_map(|preferred| found.iter().find(|(name, _)| name == preferred))
            .or(found.first())
            .cloned()
    }

    /// The one string a schema allows (`const`, or an `enum` of one), through `$ref`s.
    fn single_value(&self, schema: &'d Value) -> Option<String> {
        let schema = self.follow(schema)?;
        if let Some(value) = schema.get("const").and_then(Value::as_str) {
            return Some(value.to_owned());
        }
        match schema.get("enum").and_then(Value::as_array)?.as_slice() {
            [Value::String(value)] => Some(value.clone()),
            _ => None,
        }
    }

    /// Whether a schema's `enum` lists `value`, through `$ref`s.
    fn allows(&self, schema: &'d Value, value: &str) -> bool {
        self.follow(schema)
            .and_then(|schema| schema.get("enum"))
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|v| v.as_str() == Some(value)))
    }

    /// Follows local `$ref`s without reporting: for looking, not lowering.
    fn follow(&self, value: &'d Value) -> Option<&'d Value> {
        self.quiet_target(value)
    }
}

/// The set, or `None` when it has no event; events whose header or field value another
/// event of the set shares are recognised by their payload instead.
fn finish_set(rust_name: String, docs: Docs, mut events: Vec<Event>) -> Option<EventSet> {
    if events.is_empty() {
        return None;
    }
    let shared: Vec<bool> = events
        .iter()
        .map(|event| {
            event.selector != EventSelector::Payload
                && events
                    .iter()
                    .filter(|other| other.selector == event.selector)
                    .count()
                    > 1
        })
        .collect();
    for (event, shared) in events.iter_mut().zip(shared) {
        if shared {
            event.selector = EventSelector::Payload;
        }
    }
    Some(EventSet {
        rust_name,
        docs,
        events,
    })
}
