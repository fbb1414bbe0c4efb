//! # Chapter 12: operating both
//!
//! [`log_lines`] reads the lines both variants write (chapter 1's `logs::json_lines`) back as
//! JSON objects, the way CloudWatch Logs Insights discovers their fields.

pub mod log_lines;
