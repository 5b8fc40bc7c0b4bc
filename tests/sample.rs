//! A valid response for an operation, made from its IR (`build.rs` uses it for the loopback
//! server that each README example calls): the smallest value of the response's type that
//! decodes, every required field filled in, optional ones left out, the first variant of
//! each enum and union.

use oagen::ir::{Api, ResponseBody, Scalar, StatusMatch, TypeKind, TypeRef};
use serde_json::{Map, Value, json};

/// A response: status, content type (none without a body) and body.
pub struct Sample {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The response the server gives to a call of an operation answering `body`.
pub fn response(api: &Api, body: &ResponseBody) -> Sample {
    match body {
        ResponseBody::Empty => Sample {
            status: 204,
            content_type: None,
            body: Vec::new(),
        },
        ResponseBody::Json(ty) => Sample {
            status: 200,
            content_type: Some("application/json".to_owned()),
            body: value(api, ty, 0).to_string().into_bytes(),
        },
        ResponseBody::Text { media_type } => Sample {
            status: 200,
            content_type: Some(media_type.clone()),
            body: b"text".to_vec(),
        },
        ResponseBody::Binary { media_type } => Sample {
            status: 200,
            content_type: Some(media_type.clone()),
            body: vec![0, 1, 2],
        },
        ResponseBody::PerStatus(statuses) => {
            let first = statuses.variants.iter().find_map(|v| match v.status {
                StatusMatch::Code(code) if (200..300).contains(&code) => Some((code, v)),
                _ => None,
            });
            match first {
                Some((code, variant)) => Sample {
                    status: code,
                    ..response(api, &variant.body)
                },
                None => response(api, &ResponseBody::Empty),
            }
        }
    }
}

/// The smallest value of `ty` that decodes. Past a depth of 24 (a type that requires
/// itself), the emptiest value of the shape.
pub fn value(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    if depth > 24 {
        return Value::Null;
    }
    match ty {
        TypeRef::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Struct(fields) => {
                let mut object = Map::new();
                for field in &fields.fields {
                    if field.presence == oagen::ir::Presence::Required {
                        object.insert(field.wire_name.clone(), value(api, &field.ty, depth + 1));
                    }
                }
                Value::Object(object)
            }
            TypeKind::Enum(enumeration) => match enumeration.variants.first() {
                Some(variant) => match enumeration.repr {
                    oagen::ir::EnumRepr::String => json!(variant.wire_value),
                    oagen::ir::EnumRepr::Integer => variant
                        .wire_value
                        .parse::<i64>()
                        .map_or(Value::Null, Value::from),
                },
                None => json!("value"),
            },
            TypeKind::Union(union) => match union.variants.first() {
                Some(variant) => value(api, &variant.ty, depth + 1),
                None => Value::Null,
            },
            TypeKind::Tagged(tagged) => match tagged.variants.first() {
                Some(variant) => {
                    let mut inner = value(api, &variant.ty, depth + 1);
                    if let (Value::Object(object), Some(tag)) =
                        (&mut inner, variant.tag_values.first())
                    {
                        object.insert(tagged.tag.clone(), json!(tag));
                    }
                    inner
                }
                None => json!({}),
            },
            TypeKind::Alias(inner) | TypeKind::Newtype(inner) => value(api, inner, depth + 1),
        },
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String => json!("text"),
            Scalar::Bool => json!(true),
            Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 => json!(1),
            Scalar::F32 | Scalar::F64 => json!(1.5),
            Scalar::Uuid => json!("123e4567-e89b-12d3-a456-426614174000"),
            Scalar::DateTime => json!("2024-01-02T03:04:05Z"),
            Scalar::Date => json!("2024-01-02"),
            Scalar::Base64 => json!("AAEC"),
            Scalar::Binary => json!(""),
        },
        TypeRef::Array(_) => json!([]),
        TypeRef::Map(_) | TypeRef::JsonObject => json!({}),
        TypeRef::Nullable(_) => Value::Null,
        TypeRef::Any => json!({}),
    }
}
