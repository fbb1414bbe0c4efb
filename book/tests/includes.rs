//! Every `{{#include file:anchor}}` on a page points at a file that exists and an anchor that is
//! in it. (mdBook fails on a missing file but silently includes nothing for a missing anchor, so
//! a renamed anchor would leave an empty listing in the book.)

use std::fs;
use std::path::{Path, PathBuf};

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(pages(&path));
        } else if path.extension().is_some_and(|ext| ext == "md") {
            found.push(path);
        }
    }
    found
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    let mut problems = Vec::new();
    for page in pages(&src) {
        let text = fs::read_to_string(&page).unwrap();
        for (start, _) in text.match_indices("{{#include ") {
            let rest = &text[start + "{{#include ".len()..];
            let target = &rest[..rest.find("}}").expect("an include ends with }}")];
            let (file, anchor) = match target.rsplit_once(':') {
                Some((file, anchor)) if !anchor.contains('/') => (file, Some(anchor)),
                _ => (target, None),
            };
            let path = page.parent().unwrap().join(file);
            checked += 1;
            let Ok(contents) = fs::read_to_string(&path) else {
                problems.push(format!("{}: no file {file}", page.display()));
                continue;
            };
            if let Some(anchor) = anchor {
                let begins = contents
                    .lines()
                    .position(|l| l.contains(&format!("ANCHOR: {anchor}")));
                let ends = contents
                    .lines()
                    .position(|l| l.contains(&format!("ANCHOR_END: {anchor}")));
                match (begins, ends) {
                    (Some(begin), Some(end)) if end > begin + 1 => {}
                    _ => problems.push(format!(
                        "{}: no non-empty anchor {anchor} in {file}",
                        page.display()
                    )),
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} includes found");
    assert!(
        problems.is_empty(),
        "broken includes:\n{}",
        problems.join("\n")
    );
}
