//! Which store a process runs on: chosen explicitly, never guessed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ch01_blog_core::{MemoryStore, PostStore, StoreOperation};

use crate::DynamoStore;
use crate::connect::{CONNECT_AT_INIT_BOUND, CONNECT_AT_INIT_ENV, connect_at_init_from_env};

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

// ANCHOR: open_for
/// What opening a store for a function did about its connection, for the init log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// The memory store has none.
    None,
    /// `DYNAMODB_CONNECT_AT_INIT=false`: the first request opens it.
    Skipped,
    /// Opened, in this long.
    Opened(Duration),
    /// Not opened (DynamoDB did not answer in time, or answered with an error): the first request
    /// tries again and reports what it finds.
    Failed(String),
}

impl StoreChoice {
    /// [`StoreChoice::open`] for a function that performs `operation`: with DynamoDB, the
    /// connection is opened now, during init, through that operation's own call
    /// ([`DynamoStore::open_connection`]), unless `DYNAMODB_CONNECT_AT_INIT=false`. Never fails
    /// init because of the store: a store that cannot be reached now is reported, and the first
    /// request answers 503 as it would have.
    pub async fn open_for(
        self,
        operation: StoreOperation,
    ) -> Result<(Arc<dyn PostStore>, Connection), String> {
        let store = match self {
            Self::Memory => return Ok((self.open().await, Connection::None)),
            Self::DynamoDb => DynamoStore::from_env().await,
        };
        if !connect_at_init_from_env()? {
            return Ok((Arc::new(store), Connection::Skipped));
        }
        let started = Instant::now();
        let connection = match tokio::time::timeout(
            CONNECT_AT_INIT_BOUND,
            store.open_connection(operation),
        )
        .await
        {
            Ok(Ok(())) => Connection::Opened(started.elapsed()),
            Ok(Err(detail)) => Connection::Failed(detail),
            Err(_) => Connection::Failed(format!(
                "no answer within {CONNECT_AT_INIT_BOUND:?} (set {CONNECT_AT_INIT_ENV}=false to skip)"
            )),
        };
        Ok((Arc::new(store), connection))
    }
}
// ANCHOR_END: open_for

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
