//! Chapter 2's tests, in one test binary: the DynamoDB store against the store contract on moto,
//! its failures, the client from the environment, the pictures and the tour the book shows.

// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod connect;
mod failures;
mod from_env;
mod pictures;
mod store_contract_dynamodb_on_moto;
mod tour;
