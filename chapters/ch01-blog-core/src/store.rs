//! Where posts live: the `PostStore` trait every store implements, the feed order and its opaque
//! cursor, and `MemoryStore`, the store the book runs on when there is no database at all.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Timelike, Utc};

use crate::BlogError;
use crate::post::{Post, format_timestamp, is_valid_id};

// ANCHOR: trait
/// A place to keep posts. Both backends talk to a store only through this trait, so the same
/// operations run on [`MemoryStore`] here and on chapter 2's `DynamoStore` in AWS.
#[async_trait]
pub trait PostStore: Send + Sync {
    /// Stores a new post and returns the post as stored. Never overwrites: if the id exists with
    /// different fields, fails with [`BlogError::Conflict`] and leaves the stored post as it was.
    /// If the id exists with the same fields ([`Post::is_retry_of`]), this is a retry of a
    /// create that already happened (its answer was lost on the way): it succeeds and returns
    /// the post stored the first time, so a retry answers as the first attempt would have.
    async fn create(&self, post: &Post) -> Result<Post, BlogError>;

    /// Fetches one post, or [`BlogError::NotFound`].
    async fn get(&self, id: &str) -> Result<Post, BlogError>;

    /// Up to `limit` posts, newest first, starting after `after` (the `next` of an earlier page).
    async fn list(&self, limit: usize, after: Option<&Cursor>) -> Result<Page, BlogError>;

    /// Removes a post, or fails with [`BlogError::NotFound`] if there is none with this id.
    async fn delete(&self, id: &str) -> Result<(), BlogError>;
}

/// The four methods of [`PostStore`], by name: what a deployment grants a backend permission
/// to do (chapter 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StoreOperation {
    Create,
    Get,
    List,
    Delete,
}

impl StoreOperation {
    pub const ALL: [Self; 4] = [Self::Create, Self::Get, Self::List, Self::Delete];
}

/// One page of the feed. `next` is `None` on the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub posts: Vec<Post>,
    pub next: Option<Cursor>,
}
// ANCHOR_END: trait

// ANCHOR: cursor
/// A position in the feed: the `(created_at, id)` of the last post a page returned. The feed is
/// ordered by this pair, newest first; posts created in the same millisecond are ordered by id
/// (descending), so the order is total and a cursor never skips or repeats a post.
///
/// Clients see it only as an opaque string ([`Cursor::encode`]); it names a position, not a post,
/// so it stays valid when that post is deleted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: String,
}

impl Cursor {
    /// The longest cursor a client can have been given (base64 of a 24-byte timestamp, `#` and a
    /// 64-character id is 119 characters); anything longer is refused before it is decoded.
    pub const MAX_LEN: usize = 128;

    /// The position of `post` in the feed.
    pub fn of(post: &Post) -> Self {
        Self {
            created_at: post.created_at,
            id: post.id.clone(),
        }
    }

    /// The feed's sort key as one string, `"<created_at>#<id>"`. Timestamps are fixed width, so
    /// comparing these strings byte by byte gives the same order as comparing the pairs.
    pub fn sort_key(&self) -> String {
        format!("{}#{}", format_timestamp(&self.created_at), self.id)
    }

    /// The reverse of [`Cursor::sort_key`]. A time with more than milliseconds is cut to the
    /// millisecond, as stored times are, so that every store reads the same position from it.
    pub fn from_sort_key(key: &str) -> Option<Self> {
        let (at, id) = key.split_once('#')?;
        let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
        let created_at = at.with_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000)?;
        is_valid_id(id).then(|| Self {
            created_at,
            id: id.to_owned(),
        })
    }

    /// The string clients pass back as `cursor`: URL-safe base64 of the sort key.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.sort_key())
    }

    /// Reads a client's `cursor`, or says why it cannot.
    pub fn decode(text: &str) -> Result<Self, BlogError> {
        Some(text)
            .filter(|text| text.len() <= Self::MAX_LEN)
            .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|key| Self::from_sort_key(&key))
            .ok_or_else(|| {
                BlogError::BadRequest(
                    "cursor is not valid; pass the next_cursor of a previous page".to_owned(),
                )
            })
    }
}
// ANCHOR_END: cursor

// ANCHOR: memory
/// An in-process store: a map by id for `get`, and a second map ordered by feed position for
/// `list`. One lock guards both, so no reader ever sees a post in one map and not the other.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RwLock<State>,
}

#[derive(Debug, Default)]
struct State {
    by_id: HashMap<String, Post>,
    feed: BTreeMap<Cursor, String>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl PostStore for MemoryStore {
    async fn create(&self, post: &Post) -> Result<Post, BlogError> {
        let mut state = self.state.write().map_err(poisoned)?;
        if let Some(stored) = state.by_id.get(&post.id) {
            return if post.is_retry_of(stored) {
                Ok(stored.clone())
            } else {
                Err(BlogError::Conflict(post.id.clone()))
            };
        }
        state.feed.insert(Cursor::of(post), post.id.clone());
        state.by_id.insert(post.id.clone(), post.clone());
        Ok(post.clone())
    }

    async fn get(&self, id: &str) -> Result<Post, BlogError> {
        let state = self.state.read().map_err(poisoned)?;
        state.by_id.get(id).cloned().ok_or_else(|| not_found(id))
    }

    async fn list(&self, limit: usize, after: Option<&Cursor>) -> Result<Page, BlogError> {
        let state = self.state.read().map_err(poisoned)?;
        // Newest first: walk the ordered map backwards, from just below the cursor.
        let mut positions = match after {
            Some(cursor) => state.feed.range(..cursor.clone()).rev(),
            None => state.feed.range(..).rev(),
        };
        let posts: Vec<Post> = positions
            .by_ref()
            .take(limit)
            .map(|(_, id)| state.by_id[id].clone())
            .collect();
        let more = positions.next().is_some();
        let next = if more {
            posts.last().map(Cursor::of)
        } else {
            None
        };
        Ok(Page { posts, next })
    }

    async fn delete(&self, id: &str) -> Result<(), BlogError> {
        let mut state = self.state.write().map_err(poisoned)?;
        let post = state.by_id.remove(id).ok_or_else(|| not_found(id))?;
        state.feed.remove(&Cursor::of(&post));
        Ok(())
    }
}
// ANCHOR_END: memory

/// The `not_found` error for an id, worded for the client. Every store uses it so that both
/// backends say the same thing.
pub fn not_found(id: &str) -> BlogError {
    BlogError::NotFound(format!("there is no post with id {id}"))
}

fn poisoned<T>(_: T) -> BlogError {
    BlogError::Internal {
        detail: "memory store lock poisoned by a panic".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            created_at: "2026-01-01T00:00:00.5Z".parse().unwrap(),
            id: "a-1".to_owned(),
        };
        assert_eq!(cursor.sort_key(), "2026-01-01T00:00:00.500Z#a-1");
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        let longest = Cursor {
            created_at: "2026-01-01T00:00:00.5Z".parse().unwrap(),
            id: "x".repeat(crate::ID_MAX_CHARS),
        };
        assert!(longest.encode().len() <= Cursor::MAX_LEN);
        for bad in [
            "",
            "!!!",
            "bm90LWEta2V5",
            &URL_SAFE_NO_PAD.encode("2026#a/b"),
            &"A".repeat(Cursor::MAX_LEN + 1),
        ] {
            let err = Cursor::decode(bad).unwrap_err();
            assert_eq!(err.code(), "bad_request", "{bad:?}");
        }
    }

    #[test]
    fn sort_keys_order_like_the_pairs() {
        let earlier = Cursor {
            created_at: "2026-01-01T00:00:00.999Z".parse().unwrap(),
            id: "zzz".to_owned(),
        };
        let later = Cursor {
            created_at: "2026-01-01T00:00:01Z".parse().unwrap(),
            id: "aaa".to_owned(),
        };
        assert!(earlier < later);
        assert!(earlier.sort_key() < later.sort_key());
    }
}
