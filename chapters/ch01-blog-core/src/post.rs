//! A blog post, and the one place where a client's JSON becomes a post we are willing to store.

use chrono::{DateTime, DurationRound, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::BlogError;

// ANCHOR: limits
/// The contract's limits, counted in characters (Unicode scalar values), never in bytes:
/// `"é"` is one character although UTF-8 spends two bytes on it.
pub const ID_MAX_CHARS: usize = 64;
pub const TITLE_MAX_CHARS: usize = 200;
pub const AUTHOR_MAX_CHARS: usize = 100;
pub const CONTENTS_MAX_CHARS: usize = 50_000;
// ANCHOR_END: limits

// ANCHOR: post
/// A stored post, exactly as both backends return it as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: String,
    pub title: String,
    pub author: String,
    pub contents: String,
    /// Set by the server when the post is created; RFC 3339 in UTC with milliseconds.
    #[serde(with = "rfc3339_millis")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// What a client sends to create a post. `id` is optional (the server generates one when it is
/// absent); `created_at` is not accepted because the server sets it. Any other field is an error
/// rather than silently dropped: a typo such as `"contnets"` should not lose the text.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    /// Absent, or a string: `"id": null` is an error, not a request to generate one.
    #[serde(default, deserialize_with = "present_string")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub id: Option<String>,
    pub title: String,
    pub author: String,
    pub contents: String,
}
// ANCHOR_END: post

/// Reads a field that may be absent (`#[serde(default)]` makes it `None`) but, when present,
/// must be a string: `null` is refused.
fn present_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

impl Post {
    /// Whether `self` carries the same client-chosen fields as `stored`: what a create retried
    /// after a lost answer sends again. `created_at` is the server's, so it is not compared.
    pub fn is_retry_of(&self, stored: &Post) -> bool {
        self.id == stored.id
            && self.title == stored.title
            && self.author == stored.author
            && self.contents == stored.contents
    }
}

// ANCHOR: validate
impl NewPost {
    /// Parses a request body. Broken JSON is `invalid_json`; well-formed JSON of the wrong shape
    /// (a missing or unknown field, a number where a string belongs) is `validation_failed`.
    pub fn from_json(body: &[u8]) -> Result<Self, BlogError> {
        serde_json::from_slice(body).map_err(|err| match err.classify() {
            serde_json::error::Category::Data => BlogError::Validation(err.to_string()),
            _ => BlogError::InvalidJson(err.to_string()),
        })
    }

    /// Checks every field against the contract and, if all pass, turns the input into a post.
    /// The first field that fails is reported, in the order id, title, author, contents.
    pub fn validate(
        self,
        new_id: impl FnOnce() -> String,
        now: DateTime<Utc>,
    ) -> Result<Post, BlogError> {
        let id = match self.id {
            Some(id) => {
                check_id(&id)?;
                id
            }
            None => new_id(),
        };
        check_text("title", &self.title, TITLE_MAX_CHARS)?;
        check_text("author", &self.author, AUTHOR_MAX_CHARS)?;
        check_text("contents", &self.contents, CONTENTS_MAX_CHARS)?;
        Ok(Post {
            id,
            title: self.title,
            author: self.author,
            contents: self.contents,
            // Kept at the precision the API shows and the feed sorts by (milliseconds): a
            // cursor read back from a client must name exactly the post it came from.
            created_at: now
                .duration_trunc(TimeDelta::milliseconds(1))
                .unwrap_or(now),
        })
    }
}

/// Whether `id` is 1 to 64 characters of `A-Z a-z 0-9 _ -`: safe in a URL path without escaping.
pub fn is_valid_id(id: &str) -> bool {
    (1..=ID_MAX_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn check_id(id: &str) -> Result<(), BlogError> {
    if is_valid_id(id) {
        Ok(())
    } else {
        Err(BlogError::Validation(format!(
            "id must be 1 to {ID_MAX_CHARS} characters of A-Z, a-z, 0-9, _ and -"
        )))
    }
}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), BlogError> {
    let chars = value.chars().count();
    if chars == 0 || chars > max {
        return Err(BlogError::Validation(format!(
            "{field} must be 1 to {max} characters (got {chars})"
        )));
    }
    if value.trim().is_empty() {
        return Err(BlogError::Validation(format!(
            "{field} must not be only white space"
        )));
    }
    Ok(())
}
// ANCHOR_END: validate

/// Formats a timestamp the way every post carries it: fixed width, so that the strings sort in
/// time order (chapter 2 builds its DynamoDB sort key on that).
pub fn format_timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Serde helpers for `created_at`: write [`format_timestamp`], read any RFC 3339 time.
pub mod rfc3339_millis {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_timestamp(at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|at| at.with_timezone(&Utc))
            .map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: Option<&str>, title: &str) -> NewPost {
        NewPost {
            id: id.map(str::to_owned),
            title: title.to_owned(),
            author: "Ada".to_owned(),
            contents: "Hello".to_owned(),
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        // 200 two-byte characters: 400 bytes, but exactly at the limit.
        let title = "é".repeat(TITLE_MAX_CHARS);
        assert!(input(None, &title).validate(|| "x".into(), now()).is_ok());
        let too_long = "é".repeat(TITLE_MAX_CHARS + 1);
        let err = input(None, &too_long)
            .validate(|| "x".into(), now())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "title must be 1 to 200 characters (got 201)"
        );
    }

    #[test]
    fn empty_and_blank_fields_are_rejected() {
        let err = input(None, "").validate(|| "x".into(), now()).unwrap_err();
        assert_eq!(err.to_string(), "title must be 1 to 200 characters (got 0)");
        let err = input(None, "  \t")
            .validate(|| "x".into(), now())
            .unwrap_err();
        assert_eq!(err.to_string(), "title must not be only white space");
    }

    #[test]
    fn ids_outside_the_alphabet_or_too_long_are_rejected() {
        for bad in ["", "a/b", "a b", "é", &"a".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad:?} should be invalid");
            let err = input(Some(bad), "t")
                .validate(|| "x".into(), now())
                .unwrap_err();
            assert_eq!(err.code(), "validation_failed");
        }
        assert!(is_valid_id(&"a".repeat(64)));
        assert!(is_valid_id("A-z_09"));
    }

    #[test]
    fn a_missing_id_is_generated() {
        let post = input(None, "t").validate(|| "gen-1".into(), now()).unwrap();
        assert_eq!(post.id, "gen-1");
        assert_eq!(post.created_at, now());
    }

    #[test]
    fn broken_json_and_wrong_shapes_are_different_errors() {
        let err = NewPost::from_json(br#"{"title": "#).unwrap_err();
        assert_eq!(err.code(), "invalid_json");
        let err =
            NewPost::from_json(br#"{"title":"t","author":"a","contents":"c","x":1}"#).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert!(err.to_string().contains("unknown field `x`"), "{err}");
        let err = NewPost::from_json(br#"{"title":"t","author":"a"}"#).unwrap_err();
        assert!(
            err.to_string().contains("missing field `contents`"),
            "{err}"
        );
    }

    #[test]
    fn a_null_id_is_refused_and_an_absent_one_is_generated() {
        let err = NewPost::from_json(br#"{"id":null,"title":"t","author":"a","contents":"c"}"#)
            .unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert!(err.to_string().contains("invalid type: null"), "{err}");
        let absent = NewPost::from_json(br#"{"title":"t","author":"a","contents":"c"}"#).unwrap();
        assert_eq!(absent.id, None);
    }

    #[test]
    fn created_at_is_kept_to_the_millisecond() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00.123456789Z".parse().unwrap();
        let post = input(None, "t").validate(|| "x".into(), now).unwrap();
        assert_eq!(
            post.created_at,
            "2026-01-01T00:00:00.123Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn timestamps_are_fixed_width_utc_with_milliseconds() {
        assert_eq!(format_timestamp(&now()), "2026-01-01T00:00:00.000Z");
    }
}
