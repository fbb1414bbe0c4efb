//! Chapter 1's tests, in one test binary (one link instead of one per file): the OpenAPI
//! description, the operations and their errors, properties, the memory store against the store
//! contract, and the tour the book shows.

// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod openapi;
mod operations;
mod properties;
mod store_contract_memory;
mod tour;
