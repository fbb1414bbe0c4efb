//! Every `{{#include file:anchor}}` on a page points at a file that exists and an anchor that is
//! in it. (mdBook fails on a missing file but silently includes nothing for a missing anchor, so
//! a renamed anchor would leave an empty listing in the book.) Every listing names its file, and
//! a snapshot shown whole starts after insta's header.

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
            // `file`, `file:anchor`, or `file:N:` (from line N on) and other line ranges.
            let (file, anchor) = match target.split_once(':') {
                Some((file, range)) if range.chars().all(|c| c.is_ascii_digit() || c == ':') => {
                    (file, None)
                }
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target, None),
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

/// The listings of a page: each fenced block whose first line is an include, with the line
/// above the fence (skipping blank lines) and the include's target.
fn listings(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (n, pair) in lines.windows(2).enumerate() {
        let [fence, first] = pair else { continue };
        let Some(target) = first
            .strip_prefix("{{#include ../../")
            .and_then(|rest| rest.strip_suffix("}}"))
        else {
            continue;
        };
        if !fence.starts_with("```") {
            continue;
        }
        let caption = lines[..n]
            .iter()
            .rev()
            .find(|line| !line.trim().is_empty())
            .map(|line| line.to_string())
            .unwrap_or_default();
        found.push((caption, target.to_owned()));
    }
    found
}

#[test]
fn every_listing_names_its_file_and_shows_no_snapshot_header() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    let mut problems = Vec::new();
    for page in pages(&src) {
        let text = fs::read_to_string(&page).unwrap();
        for (caption, target) in listings(&text) {
            checked += 1;
            let (file, range) = target.split_once(':').unwrap_or((&target, ""));
            let expected = format!("<span class=\"filename\">Filename: {file}</span>");
            if caption != expected {
                problems.push(format!(
                    "{}: the listing of {file} has no caption `{expected}` above it (found {caption:?})",
                    page.display()
                ));
            }
            if file.ends_with(".snap") && range.chars().all(|c| c.is_ascii_digit() || c == ':') {
                // insta's header is `---`, some `key: value` lines, `---`.
                let contents = fs::read_to_string(root.join(file)).unwrap();
                let header_lines = contents
                    .lines()
                    .skip(1)
                    .position(|line| line == "---")
                    .map(|closing| closing + 2);
                let expected = header_lines.map(|lines| format!("{}:", lines + 1));
                if expected.as_deref() != Some(range) {
                    problems.push(format!(
                        "{}: {file} is shown from `:{range}`, not from just after insta's header ({expected:?})",
                        page.display()
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} listings found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The chapter a page belongs to, from its file name (`ch05-payloads.md` is chapter 5).
fn chapter_of(page: &Path) -> Option<u32> {
    let name = page.file_name()?.to_str()?;
    name.strip_prefix("ch")?.get(..2)?.parse().ok()
}

/// The caption under each fenced block of a page: the first non-blank line after the closing
/// fence, or an empty string when the block ends the page.
fn captions_under_blocks(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut captions = Vec::new();
    let mut open = false;
    for (n, line) in lines.iter().enumerate() {
        if !line.starts_with("```") {
            continue;
        }
        if open {
            let below = lines[n + 1..]
                .iter()
                .find(|line| !line.trim().is_empty())
                .map(|line| line.to_string())
                .unwrap_or_default();
            captions.push(below);
        }
        open = !open;
    }
    captions
}

/// The Rust Book's numbered captions: every block of a chapter, code or output, has
/// `<span class="caption">Listing 3-2: what it shows</span>` under it, numbered in order through
/// the chapter (a chapter's second page goes on from its first).
#[test]
fn every_block_of_a_chapter_has_a_numbered_caption() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut chapters: Vec<(u32, PathBuf)> = pages(&src)
        .into_iter()
        .filter(|page| page.parent() == Some(src.as_path()))
        .filter_map(|page| Some((chapter_of(&page)?, page)))
        .collect();
    chapters.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut next = (0, 1);
    for (chapter, page) in &chapters {
        if next.0 != *chapter {
            next = (*chapter, 1);
        }
        for caption in captions_under_blocks(&fs::read_to_string(page).unwrap()) {
            checked += 1;
            let prefix = format!("<span class=\"caption\">Listing {chapter}-{}: ", next.1);
            let described = caption
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix("</span>"))
                .is_some_and(|what| !what.trim().is_empty());
            if !described {
                problems.push(format!(
                    "{}: block {chapter}-{} has no caption `{prefix}…</span>` under it (found {caption:?})",
                    page.display(),
                    next.1
                ));
            }
            next.1 += 1;
        }
    }
    assert!(checked > 100, "only {checked} blocks found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
