//! The "Break it" and "Build it" sections of each chapter, and the solutions page, written from
//! `book/exercises.json`: the same file `cargo xtask exercises` reads to try every change, with
//! the message each failing test printed when that command last ran (`book/exercises-caught.json`).
//! A page can therefore not name a change or a test the command does not try, nor show a message
//! it did not print. `UPDATE_EXERCISES=1 cargo test -p book --test book exercises` rewrites the
//! pages after an edit of either file. Each solution's diff must still apply to the workspace.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

/// One text field of an exercise, which every exercise has.
/// `book/exercises.json`, read.
fn exercises_file() -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises.json");
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// Its "Build it" exercises.
fn builds() -> Vec<Value> {
    exercises_file()["build"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn text<'a>(exercise: &'a Value, name: &str) -> &'a str {
    exercise[name]
        .as_str()
        .unwrap_or_else(|| panic!("an exercise without {name}"))
}

/// A failing test's message, as the reader sees it, under the command that runs it.
fn message_block(page: &mut String, caught: &Value, chapter: &str, title: &str) {
    let key = format!("{chapter}/{title}");
    let lines = caught[&key].as_array().unwrap_or_else(|| {
        panic!("no message for {key} in exercises-caught.json: run `cargo xtask exercises`")
    });
    page.push_str("   ```text\n");
    for line in lines {
        writeln!(page, "   {}", line.as_str().unwrap()).unwrap();
    }
    page.push_str("   ```\n");
}

/// `-p <package> --test <target>` (or `--lib`) and the test's last name: what `cargo test` takes.
fn cargo_test(exercise: &Value) -> String {
    let field = |name: &str| text(exercise, name);
    let target = field("target");
    let test = field("test");
    let filter = test.rsplit("::").next().unwrap_or(test);
    format!(
        "-p {} {} {filter}",
        field("package"),
        if target == "lib" {
            "--lib".to_owned()
        } else {
            format!("--test {target}")
        }
    )
}

/// The anchor mdBook gives a heading.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

/// Whether the stack's jest runs the exercise's test, rather than `cargo test`.
fn is_jest(build: &Value) -> bool {
    build["runner"].as_str() == Some("jest")
}

/// The commands that run a "Build it" test.
fn build_it_commands(build: &Value) -> String {
    if is_jest(build) {
        format!(
            "$ cd {}\n   $ BLOG_BUILD_IT=1 npx jest {}",
            text(build, "package"),
            text(build, "target")
        )
    } else {
        format!("$ cargo test --features build-it {}", cargo_test(build))
    }
}

fn render_builds(page: &mut String, builds: &[&Value], caught: &Value) {
    let stays_out = if builds.iter().all(|build| is_jest(build)) {
        "it runs only when `BLOG_BUILD_IT=1` is set"
    } else {
        "it is compiled only with the crate's `build-it` feature"
    };
    write!(
        page,
        "\n## Build it\n\nEach exercise below comes with a test that fails until your change is \
         right; {stays_out}, so it stays out of the way of the other tests. Write the change, run \
         the test until it passes, then compare with the solution at the end of the book.\n",
    )
    .unwrap();
    for (n, build) in builds.iter().enumerate() {
        let field = |name: &str| text(build, name);
        let title = field("title");
        write!(
            page,
            "\n{}. **{title}.** {}\n\n   The test is `{}`, in `{}`:\n\n   ```console\n   {}\n   ```\n\n   Before your change it fails with:\n\n",
            n + 1,
            field("task"),
            field("test"),
            field("test_file"),
            build_it_commands(build),
        )
        .unwrap();
        message_block(page, caught, field("chapter"), title);
        writeln!(
            page,
            "\n   A solution: [{title}](solutions.md#{}).",
            anchor(&solution_heading(build))
        )
        .unwrap();
    }
}

fn solution_heading(build: &Value) -> String {
    let chapter = build["chapter"].as_str().unwrap();
    let number: u32 = chapter.trim_start_matches("ch").parse().unwrap();
    format!("Chapter {number}: {}", build["title"].as_str().unwrap())
}

fn render_solutions(builds: &[Value], book: &Path) -> String {
    let mut page = String::new();
    for build in builds {
        let solution = build["solution"].as_str().unwrap();
        let diff = std::fs::read_to_string(book.join("..").join(solution))
            .unwrap_or_else(|err| panic!("{solution}: {err}"));
        write!(
            page,
            "\n## {}\n\n{}\n\n```diff\n{}```\n",
            solution_heading(build),
            build["solution_notes"].as_str().unwrap_or_default(),
            diff
        )
        .unwrap();
    }
    page
}

fn render(exercises: &[&Value], builds: &[&Value], caught: &Value) -> String {
    let mut page = String::from(
        "Each change below compiles, and the test named under it then fails. Make one, run the \
         test, read its message, and undo the change (`git checkout -- <file>`).\n",
    );
    for (n, exercise) in exercises.iter().enumerate() {
        let field = |name: &str| text(exercise, name);
        let test = field("test");
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
            "   ```\n\n   Caught by `{test}`:\n\n   ```console\n   $ cargo test {}\n   ```\n\n   It fails with:\n\n",
            cargo_test(exercise),
        )
        .unwrap();
        message_block(&mut page, caught, field("chapter"), field("title"));
    }
    if !builds.is_empty() {
        render_builds(&mut page, builds, caught);
    }
    page
}

#[test]
fn each_chapters_break_it_list_is_written_from_the_exercises_file() {
    let book = Path::new(env!("CARGO_MANIFEST_DIR"));
    let all = exercises_file();
    let caught: Value = serde_json::from_str(
        &std::fs::read_to_string(book.join("exercises-caught.json"))
            .expect("exercises-caught.json: run `cargo xtask exercises`"),
    )
    .unwrap();
    let mut by_chapter: BTreeMap<&str, (Vec<&Value>, Vec<&Value>)> = BTreeMap::new();
    for exercise in all["exercises"].as_array().unwrap() {
        let chapter = exercise["chapter"].as_str().unwrap();
        by_chapter.entry(chapter).or_default().0.push(exercise);
    }
    let builds = all["build"].as_array().cloned().unwrap_or_default();
    for build in &builds {
        let chapter = build["chapter"].as_str().unwrap();
        by_chapter.entry(chapter).or_default().1.push(build);
    }
    assert!(
        by_chapter.len() >= 5,
        "exercises for {} chapters",
        by_chapter.len()
    );
    let update = std::env::var_os("UPDATE_EXERCISES").is_some();
    let mut stale: Vec<String> = Vec::new();
    let solutions = book.join("src/exercises/solutions.md");
    let mut pages = vec![(solutions, render_solutions(&builds, book))];
    for (chapter, (exercises, builds)) in &by_chapter {
        pages.push((
            book.join("src/exercises").join(format!("{chapter}.md")),
            render(exercises, builds, &caught),
        ));
    }
    for (file, expected) in &pages {
        if update {
            std::fs::write(file, expected).unwrap();
        } else if std::fs::read_to_string(file).ok().as_deref() != Some(expected.as_str()) {
            stale.push(file.display().to_string());
        }
    }
    for chapter in by_chapter.keys() {
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

/// Every solution still applies to the workspace as it is: a change elsewhere that moved the lines
/// a diff touches would leave the reader a solution that does not fit their code.
#[test]
fn every_solution_applies_to_the_workspace() {
    let book = Path::new(env!("CARGO_MANIFEST_DIR"));
    let builds = builds();
    for build in builds {
        let solution = build["solution"].as_str().unwrap();
        let output = std::process::Command::new("git")
            .current_dir(book.join(".."))
            .args(["apply", "--check", solution])
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "{solution} does not apply: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Every chapter gives the reader something to build, and each exercise's test is where the book
/// says it is.
#[test]
fn every_chapter_has_a_build_it_whose_test_is_in_its_file() {
    let book = Path::new(env!("CARGO_MANIFEST_DIR"));
    let builds = builds();
    let chapters: std::collections::BTreeSet<u32> = builds
        .iter()
        .map(|build| {
            text(build, "chapter")
                .trim_start_matches("ch")
                .parse()
                .unwrap()
        })
        .collect();
    let missing: Vec<u32> = (1..=12).filter(|n| !chapters.contains(n)).collect();
    assert!(missing.is_empty(), "no Build it for chapters {missing:?}");
    for build in &builds {
        let file = text(build, "test_file");
        let source = std::fs::read_to_string(book.join("..").join(file))
            .unwrap_or_else(|err| panic!("{file}: {err}"));
        let test = text(build, "test");
        let name = test.rsplit("::").next().unwrap_or(test);
        assert!(source.contains(name), "{file} has no test {name}");
    }
}
