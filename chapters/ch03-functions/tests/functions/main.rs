//! Chapter 3's tests, in one test binary: the handlers on real API Gateway events, API Gateway's
//! limits, the local API Gateway, properties and the pictures.

// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod common;
mod doors;
mod events;
mod limits;
mod local_gateway;
mod pictures;
mod properties;
