//! # Chapter 4: a serverless container
//!
//! One `hyper` server answers every endpoint. [`router`] matches paths in code and translates
//! between hyper and chapter 1 (which does all the work and all the error mapping); [`server`]
//! accepts connections with timeouts and shuts down gracefully on `SIGTERM`, as Fargate asks;
//! [`config`] is the command line and environment. [`export`] is chapter 11's streamed answer,
//! here because the container's image is built from this crate.

pub mod config;
pub mod export;
pub mod router;
pub mod server;
pub mod spans;
