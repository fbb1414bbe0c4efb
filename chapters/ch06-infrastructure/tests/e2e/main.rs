//! Chapter 6's end-to-end tests: what `cargo xtask package` built (the zips, the image) and the
//! template `cdk synth` wrote from it. `cargo xtask test` builds both and runs these
//! (`cargo test --test e2e`); they are not part of a plain `cargo test`.

mod image;
mod least_privilege;
mod package;
mod template;
