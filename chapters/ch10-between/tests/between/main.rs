//! Chapter 10's tests: the one function answers every route through chapter 4's router, from
//! real REST API proxy events of the `{proxy+}` resource.

mod adapter;
// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod edges;
mod one_function;
mod parity;
