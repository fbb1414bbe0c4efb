//! Where time and new ids come from. Injected into [`crate::Blog`] so that tests, snapshots and
//! the book's printed outputs are the same on every run.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

// ANCHOR: traits
/// The current time, as the server stamps it on a new post.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// A fresh id for a post created without one.
pub trait IdGenerator: Send + Sync {
    fn new_id(&self) -> String;
}
// ANCHOR_END: traits

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Random UUID v4 ids: unguessable, and unique without asking the store.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidIds;

impl IdGenerator for UuidIds {
    fn new_id(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// A clock for tests: starts at a fixed time and moves one second forward on every reading.
#[derive(Debug)]
pub struct SteppingClock {
    next: Mutex<DateTime<Utc>>,
}

impl SteppingClock {
    /// Starts at `2026-01-01T00:00:00Z`.
    pub fn new() -> Self {
        Self::starting_at("2026-01-01T00:00:00Z".parse().expect("a valid timestamp"))
    }

    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            next: Mutex::new(start),
        }
    }
}

impl Default for SteppingClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<Utc> {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = *next;
        *next = now + TimeDelta::seconds(1);
        now
    }
}

/// Ids for tests: `post-1`, `post-2`, ...
#[derive(Debug, Default)]
pub struct SequentialIds {
    issued: AtomicU64,
}

impl IdGenerator for SequentialIds {
    fn new_id(&self) -> String {
        format!("post-{}", self.issued.fetch_add(1, Ordering::Relaxed) + 1)
    }
}
