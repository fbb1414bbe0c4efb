//! Chapter 4's tests, in one test binary (one link of hyper and the AWS SDK instead of one per
//! file): the router in process, the real binary over sockets, its shutdown, its DynamoDB store,
//! and the session the book shows.

mod black_box;
// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod dynamodb;
mod graceful_shutdown;
mod properties;
mod router;
mod session;
mod support;
