//! Turns every inline Rust snippet of the book into a test, with skeptic.
//!
//! A Rust block on a page is one of two kinds:
//! - a ```` ```rust,ignore ```` block holding only `{{#include ...}}` lines: mdBook pulls that code
//!   from a chapter crate, which compiles and tests it, so it is left out here;
//! - anything else: a snippet skeptic compiles and runs as a test.
//!
//! A `rust,ignore` block with anything other than includes fails the build: nothing Rust on a
//! page goes untested.

use std::fs;
use std::path::{Path, PathBuf};

/// Templates for snippets, used as ```` ```rust,skt-async ````: the snippet becomes the body of
/// an async block run on a Tokio runtime.
const TEMPLATES: &str = r#"
```rust,skt-async
fn main() {{
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {{
        {}
    }});
}}
```
"#;

fn main() {
    println!("cargo:rerun-if-changed=src");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let pages_dir = out_dir.join("pages");
    fs::create_dir_all(&pages_dir).expect("create the pages folder");

    let mut pages = Vec::new();
    for page in markdown_files(Path::new("src")) {
        let text = fs::read_to_string(&page).expect("read a page");
        let kept =
            drop_included_blocks(&text).unwrap_or_else(|err| panic!("{}: {err}", page.display()));
        let name = page.file_name().expect("a file name");
        let copy = pages_dir.join(name);
        write_if_changed(&copy, &kept);
        write_if_changed(
            &pages_dir.join(format!("{}.skt.md", name.to_string_lossy())),
            TEMPLATES,
        );
        pages.push(copy.to_string_lossy().into_owned());
    }
    skeptic::generate_doc_tests(&pages);
}

/// skeptic asks cargo to rerun this script when a copy changes: a copy rewritten with the same
/// text would look changed and rebuild the book's tests on every run, so only a new text is
/// written.
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).unwrap_or_else(|err| panic!("write {}: {err}", path.display()));
    }
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("read book/src") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Removes the `rust,ignore` blocks that only include code from the chapter crates.
fn drop_included_blocks(text: &str) -> Result<String, String> {
    let mut kept = String::new();
    let mut lines = text.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let fence = line.trim_start();
        if fence.starts_with("```rust") && fence.contains("ignore") {
            let mut block = Vec::new();
            for (_, inner) in lines.by_ref() {
                if inner.trim_start().starts_with("```") {
                    break;
                }
                block.push(inner);
            }
            let only_includes = block
                .iter()
                .all(|l| l.trim().is_empty() || l.trim().starts_with("{{#include "));
            if !only_includes {
                return Err(format!(
                    "line {}: a rust,ignore block must only {{{{#include}}}} crate code",
                    number + 1
                ));
            }
            // Keep the line count so skeptic's test names still point at the right lines.
            kept.push('\n');
            for _ in &block {
                kept.push('\n');
            }
            kept.push('\n');
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    Ok(kept)
}
