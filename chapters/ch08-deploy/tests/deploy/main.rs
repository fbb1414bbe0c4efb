//! Chapter 8's tests that need no package and no template, in one test binary: the credentials
//! and profiles, the preflight and destroy on moto (`MOTO_PYTHON`, or the project's `.venv`),
//! the address look-up, the record and what stays after a destroy. The dry run and the rehearsal
//! are in `tests/e2e/`.

// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod credentials;
mod destroy;
mod leftovers;
mod preflight;
mod prerequisites;
mod public_address;
mod record;
#[allow(dead_code)] // each test binary uses part of it
#[path = "../support/mod.rs"]
mod support;
