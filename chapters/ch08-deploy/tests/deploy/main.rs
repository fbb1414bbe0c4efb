//! Chapter 8's tests, in one test binary (one link instead of one per file).
//!
//! The dry run and the rehearsal need what `cargo xtask package` built (`BLOG_PACKAGE_DIR`,
//! which `cargo xtask test` sets); the preflight and the rehearsal need moto (`MOTO_PYTHON`, or
//! the project's `.venv`).

mod credentials;
mod destroy;
mod dry_run;
mod fresh_account;
mod leftovers;
mod outputs;
mod preflight;
mod prerequisites;
mod public_address;
mod record;
mod rehearsal;
mod support;
