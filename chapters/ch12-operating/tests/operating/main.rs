//! Chapter 12's tests: the one log shape of both variants.

mod logs;
mod stack;
mod traces;
