//! The blog: one store, and the clock and id generator a test may replace.

use std::sync::Arc;

use crate::clock::{Clock, IdGenerator, SystemClock, UuidIds};
use crate::store::PostStore;

// ANCHOR: blog
/// The blog's operations over one store. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct Blog {
    pub(super) store: Arc<dyn PostStore>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) ids: Arc<dyn IdGenerator>,
}

impl Blog {
    /// A blog on `store` with the real clock and random (UUID v4) ids.
    pub fn new(store: Arc<dyn PostStore>) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            ids: Arc::new(UuidIds),
        }
    }

    /// Replaces the clock, so tests and snapshots see fixed `created_at` values.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces the id generator, so tests and snapshots see fixed ids.
    pub fn with_ids(mut self, ids: impl IdGenerator + 'static) -> Self {
        self.ids = Arc::new(ids);
        self
    }

    /// The store underneath, for callers that share it.
    pub fn store(&self) -> &Arc<dyn PostStore> {
        &self.store
    }
}
// ANCHOR_END: blog

impl std::fmt::Debug for Blog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blog").finish_non_exhaustive()
    }
}
