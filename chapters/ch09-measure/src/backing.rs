//! What a measured program answers from, and anything else that sets its row apart: the "store"
//! column of the book's tables.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    /// A floor (hello world): no store at all.
    None,
    Memory,
    /// The memory store with the access log on, as a deployment runs.
    MemoryAccessLog,
    /// DynamoDB as on AWS: moto behind an endpoint that speaks TLS and keeps connections open.
    Dynamodb,
    /// moto straight: plain HTTP, and a new connection for every call.
    DynamodbPlain,
    /// DynamoDB, trusting the system's bundle of every CA root instead of Amazon Trust Services'.
    DynamodbSystemBundle,
    /// DynamoDB as on AWS, with the connection left to the first call
    /// (`DYNAMODB_CONNECT_AT_INIT=false`).
    DynamodbConnectAtFirstCall,
}

impl Backing {
    /// The row's label in the book.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Memory => "memory",
            Self::MemoryAccessLog => "memory, access log on",
            Self::Dynamodb => "dynamodb (TLS)",
            Self::DynamodbPlain => "dynamodb, plain HTTP, a connection per call",
            Self::DynamodbSystemBundle => "dynamodb, the system's bundle of roots",
            Self::DynamodbConnectAtFirstCall => {
                "dynamodb (TLS), connection opened by the first call"
            }
        }
    }
}

impl std::fmt::Display for Backing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Backing {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

/// Every backing, to read one back from its label.
const ALL: [Backing; 7] = [
    Backing::None,
    Backing::Memory,
    Backing::MemoryAccessLog,
    Backing::Dynamodb,
    Backing::DynamodbPlain,
    Backing::DynamodbSystemBundle,
    Backing::DynamodbConnectAtFirstCall,
];

impl<'de> Deserialize<'de> for Backing {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let label = String::deserialize(deserializer)?;
        ALL.into_iter()
            .find(|backing| backing.label() == label)
            .ok_or_else(|| serde::de::Error::custom(format!("no backing is labelled {label:?}")))
    }
}
