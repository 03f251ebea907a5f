//! Generated Rust code for the Warden protobuf API.
//!
//! Every package of `proto/warden` is a module here (`warden_proto::auth::v1`,
//! ...). [`FILE_DESCRIPTOR_SET`] serves gRPC reflection, and [`session_json`]
//! reads and writes sessions in the canonical proto3 JSON stored in Redis.

use std::sync::OnceLock;

use prost_reflect::DescriptorPool;

/// `warden.auth.v1`: registration, login, tokens, API keys and the JWKS.
pub mod auth {
    /// Version 1 of the auth API.
    pub mod v1 {
        tonic::include_proto!("warden.auth.v1");
    }
}

/// `warden.session.v1`: the server-side session and the service that reads and ends it.
pub mod session {
    /// Version 1 of the session API.
    pub mod v1 {
        tonic::include_proto!("warden.session.v1");
    }
}

/// `warden.authz.v1`: roles and Zanzibar-style relationships.
pub mod authz {
    /// Version 1 of the authz API.
    pub mod v1 {
        tonic::include_proto!("warden.authz.v1");
    }
}

/// `warden.events.v1`: the events published on the `warden.events` exchange.
pub mod events {
    /// Version 1 of the events.
    pub mod v1 {
        tonic::include_proto!("warden.events.v1");
    }
}

/// The encoded `FileDescriptorSet` of every Warden proto (with imports), plus
/// `google/rpc/error_details.proto` so reflection clients decode error details.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/warden_descriptor.bin"));

/// The descriptor pool of the Warden API, decoded once.
pub fn descriptor_pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(FILE_DESCRIPTOR_SET).expect("the built-in descriptor set is valid")
    })
}

/// Canonical proto3 JSON for sessions, the format of `warden:session:<sid>` in Redis.
pub mod session_json {
    use prost::Message;
    use prost_reflect::{DynamicMessage, MessageDescriptor};

    use crate::session::v1::Session;

    /// The JSON could not be read as a `warden.session.v1.Session`.
    #[derive(Debug)]
    pub struct SessionJsonError(String);

    impl std::fmt::Display for SessionJsonError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "invalid session JSON: {}", self.0)
        }
    }

    impl std::error::Error for SessionJsonError {}

    fn descriptor() -> MessageDescriptor {
        crate::descriptor_pool()
            .get_message_by_name("warden.session.v1.Session")
            .expect("Session is in the descriptor set")
    }

    /// Encodes a session as canonical proto3 JSON (lowerCamelCase names,
    /// RFC 3339 timestamps, enum names, default values omitted).
    pub fn to_json(session: &Session) -> String {
        let dynamic = DynamicMessage::decode(descriptor(), session.encode_to_vec().as_slice())
            .expect("a Session always re-decodes with its own descriptor");
        serde_json::to_string(&dynamic).expect("a DynamicMessage always serializes")
    }

    /// Parses canonical proto3 JSON (either field-name style) into a session.
    pub fn from_json(json: &str) -> Result<Session, SessionJsonError> {
        let mut de = serde_json::Deserializer::from_str(json);
        let dynamic = DynamicMessage::deserialize(descriptor(), &mut de)
            .map_err(|e| SessionJsonError(e.to_string()))?;
        de.end().map_err(|e| SessionJsonError(e.to_string()))?;
        dynamic
            .transcode_to::<Session>()
            .map_err(|e| SessionJsonError(e.to_string()))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::session::v1::AuthMethod;

        #[test]
        fn round_trips_with_camel_case_names_and_rfc3339_times() {
            let session = Session {
                session_id: "s1".into(),
                user_id: "u1".into(),
                created_at: Some(prost_types::Timestamp {
                    seconds: 1_700_000_000,
                    nanos: 0,
                }),
                auth_method: AuthMethod::Password as i32,
                roles: vec!["admin".into()],
                ..Default::default()
            };
            let json = to_json(&session);
            assert!(json.contains("\"sessionId\":\"s1\""), "{json}");
            assert!(
                json.contains("\"createdAt\":\"2023-11-14T22:13:20Z\""),
                "{json}"
            );
            assert!(
                json.contains("\"authMethod\":\"AUTH_METHOD_PASSWORD\""),
                "{json}"
            );
            assert_eq!(from_json(&json).unwrap(), session);
        }

        #[test]
        fn rejects_garbage() {
            assert!(from_json("{\"sessionId\": 5}").is_err());
            assert!(from_json("not json").is_err());
        }
    }
}
