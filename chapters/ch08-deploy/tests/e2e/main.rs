//! Chapter 8's end-to-end tests: the dry run and the rehearsal on moto deploy what
//! `cargo xtask package` built (`BLOG_PACKAGE_DIR`), and the outputs and a new account's rules are
//! read from the template `cdk synth` wrote from it (`BLOG_TEMPLATE`). `cargo xtask test` builds
//! both and runs these (`cargo test --test e2e`); they are not part of a plain `cargo test`.

mod dry_run;
mod fresh_account;
mod outputs;
mod rehearsal;
#[allow(dead_code)] // each test binary uses part of it
#[path = "../support/mod.rs"]
mod support;
