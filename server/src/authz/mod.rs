//! The authorization engine behind `warden.authz.v1.AuthzService`: the schema
//! language and check evaluation on an in-memory index. The service itself is
//! registered once relationships storage, lookups and the role RPCs work.

pub mod engine;
pub mod schema;
