//! The Warden server: Auth, Session and Authz gRPC services over shared ports
//! (`store`, `events`, `keys`), and the wiring that serves them.

pub mod app;
pub mod auth;
pub mod authz;
pub mod config;
pub mod error;
pub mod events;
pub mod http;
pub mod keys;
pub mod lifecycle;
pub mod paging;
pub mod session;
pub mod store;
pub mod telemetry;
