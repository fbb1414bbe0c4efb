//! Chapter 5's tests, in one test binary: parity of the two variants, the side-by-side payloads,
//! AWS's edges, faults in the store and concurrent writes.

// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod doors;
mod edges;
mod faults;
mod parity;
mod races;
mod side_by_side;
