//! Which store a process runs on: chosen explicitly, never guessed.

use std::fmt;
use std::sync::Arc;

use ch01_blog_core::{MemoryStore, PostStore};

use crate::DynamoStore;

// ANCHOR: choice
/// The store a backend uses, from `BLOG_STORE` (`memory`, the default, or `dynamodb`).
///
/// Memory is the default so that every chapter runs on a laptop with nothing else installed; the
/// CDK stack sets `BLOG_STORE=dynamodb` on every function and task. Each process prints its
/// choice when it starts, so a deployment that forgot the variable is obvious in the first log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreChoice {
    #[default]
    Memory,
    DynamoDb,
}

impl StoreChoice {
    pub const ENV: &str = "BLOG_STORE";

    /// Reads `BLOG_STORE`; an unknown value is an error rather than a silent default.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(Self::ENV) {
            Err(_) => Ok(Self::default()),
            Ok(value) => value.parse(),
        }
    }

    /// Opens the chosen store. DynamoDB is configured from the environment
    /// ([`DynamoStore::from_env`]).
    pub async fn open(self) -> Arc<dyn PostStore> {
        match self {
            Self::Memory => Arc::new(MemoryStore::new()),
            Self::DynamoDb => Arc::new(DynamoStore::from_env().await),
        }
    }
}
// ANCHOR_END: choice

impl std::str::FromStr for StoreChoice {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "memory" => Ok(Self::Memory),
            "dynamodb" => Ok(Self::DynamoDb),
            other => Err(format!(
                "{}={other:?} is not a store; use memory or dynamodb",
                Self::ENV
            )),
        }
    }
}

impl fmt::Display for StoreChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Memory => "memory",
            Self::DynamoDb => "dynamodb",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_names_parse_and_unknown_ones_are_errors() {
        assert_eq!("memory".parse(), Ok(StoreChoice::Memory));
        assert_eq!("DynamoDB".parse(), Ok(StoreChoice::DynamoDb));
        let err = "postgres".parse::<StoreChoice>().unwrap_err();
        assert_eq!(
            err,
            r#"BLOG_STORE="postgres" is not a store; use memory or dynamodb"#
        );
    }
}
