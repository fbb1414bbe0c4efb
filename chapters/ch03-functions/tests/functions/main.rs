//! Chapter 3's tests, in one test binary: the handlers on real API Gateway events, API Gateway's
//! limits, the local API Gateway, properties and the pictures.

mod common;
mod doors;
mod events;
mod limits;
mod local_gateway;
mod pictures;
mod properties;
