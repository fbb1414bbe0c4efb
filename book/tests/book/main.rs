//! The book's tests, in one test binary: every include resolves, the exercise pages are generated
//! from `exercises.json`, and every Rust snippet on the pages compiles and runs (skeptic).

mod exercises;
mod includes;
mod skeptic;
