//! The "Break it" section of each chapter, written from `book/exercises.json`: the same file
//! `cargo xtask exercises` reads to try every change. A page can therefore not name a change or a
//! test the command does not try. `UPDATE_EXERCISES=1 cargo test -p book --test book exercises`
//! rewrites the pages' lists after an edit of the JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

fn render(exercises: &[&Value]) -> String {
    let mut page = String::from(
        "Each change below compiles, and the test named under it then fails. Make one, run the \
         test, read its message, and undo the change (`git checkout -- <file>`). `cargo xtask \
         exercises` tries them all, on a scratch copy of the workspace.\n",
    );
    for (n, exercise) in exercises.iter().enumerate() {
        let field = |name: &str| exercise[name].as_str().unwrap_or_else(|| panic!("{name}"));
        let target = field("target");
        let test = field("test");
        let filter = test.rsplit("::").next().unwrap_or(test);
        write!(
            page,
            "\n{}. **{}.** {}\n\n   In `{}`, change:\n\n   ```diff\n",
            n + 1,
            field("title"),
            field("why"),
            field("file"),
        )
        .unwrap();
        for line in field("find").lines() {
            writeln!(page, "   -{line}").unwrap();
        }
        for line in field("replace").lines() {
            writeln!(page, "   +{line}").unwrap();
        }
        write!(
            page,
            "   ```\n\n   Caught by `{test}`:\n\n   ```console\n   $ cargo test -p {} {} {filter}\n   ```\n",
            field("package"),
            if target == "lib" { "--lib".to_owned() } else { format!("--test {target}") },
        )
        .unwrap();
    }
    page
}

#[test]
fn each_chapters_break_it_list_is_written_from_the_exercises_file() {
    let book = Path::new(env!("CARGO_MANIFEST_DIR"));
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(book.join("exercises.json")).unwrap())
            .unwrap();
    let mut by_chapter: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for exercise in all["exercises"].as_array().unwrap() {
        let chapter = exercise["chapter"].as_str().unwrap();
        by_chapter.entry(chapter).or_default().push(exercise);
    }
    assert!(
        by_chapter.len() >= 5,
        "exercises for {} chapters",
        by_chapter.len()
    );
    let update = std::env::var_os("UPDATE_EXERCISES").is_some();
    let mut stale = Vec::new();
    for (chapter, exercises) in &by_chapter {
        let file = book.join("src/exercises").join(format!("{chapter}.md"));
        let expected = render(exercises);
        if update {
            std::fs::write(&file, &expected).unwrap();
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(expected.as_str()) {
            stale.push(file.display().to_string());
        }
        // The chapter's page shows the list.
        let pages = std::fs::read_dir(book.join("src")).unwrap();
        let included = pages.filter_map(Result::ok).any(|page| {
            let name = page.file_name().to_string_lossy().into_owned();
            name.starts_with(&format!("{chapter}-"))
                && std::fs::read_to_string(page.path())
                    .unwrap()
                    .contains(&format!("{{{{#include exercises/{chapter}.md}}}}"))
        });
        assert!(
            included,
            "no page of {chapter} includes exercises/{chapter}.md"
        );
    }
    assert!(
        stale.is_empty(),
        "out of date (UPDATE_EXERCISES=1 cargo test -p book --test book exercises rewrites them): {}",
        stale.join(", ")
    );
}
