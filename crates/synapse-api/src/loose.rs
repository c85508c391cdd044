//! Decoders for the loose field types real Synapse sends.
//!
//! Measured on 1.163.2: the same flag is `true` in one endpoint, `1` in another and
//! `null` for remote media. Use with `#[serde(default, deserialize_with = "…")]`.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct LooseBool;

impl<'de> Visitor<'de> for LooseBool {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, 0/1, or null")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v != 0))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v != 0))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// `true`/`false`, `1`/`0` or `null` (read as `false`).
pub fn bool_or_int<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(d.deserialize_any(LooseBool)?.unwrap_or(false))
}

/// `true`/`false`, `1`/`0`, or `null` kept as `None` (unknown, e.g. remote media).
pub fn opt_bool_or_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(LooseBool)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Flags {
        #[serde(default, deserialize_with = "super::bool_or_int")]
        a: bool,
        #[serde(default, deserialize_with = "super::opt_bool_or_int")]
        b: Option<bool>,
    }

    fn flags(json: &str) -> (bool, Option<bool>) {
        let f: Flags = serde_json::from_str(json).unwrap();
        (f.a, f.b)
    }

    #[test]
    fn reads_bools_ints_and_nulls() {
        assert_eq!(flags(r#"{"a":true,"b":false}"#), (true, Some(false)));
        assert_eq!(flags(r#"{"a":1,"b":0}"#), (true, Some(false)));
        assert_eq!(flags(r#"{"a":0,"b":1}"#), (false, Some(true)));
        assert_eq!(flags(r#"{"a":null,"b":null}"#), (false, None));
        assert_eq!(flags(r#"{}"#), (false, None));
    }

    #[test]
    fn refuses_strings() {
        assert!(serde_json::from_str::<Flags>(r#"{"a":"false"}"#).is_err());
    }
}
