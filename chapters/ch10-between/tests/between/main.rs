//! Chapter 10's tests: the one function answers every route through chapter 4's router, from
//! real REST API proxy events of the `{proxy+}` resource.

mod adapter;
mod edges;
mod one_function;
mod parity;
