//! Registers a user, logs in with the Warden client (which keeps the access
//! token fresh), asks who it is, and checks a permission: an administrator
//! writes a schema and a relationship, then the user checks "view" on a
//! document it may view and on one it may not.
//!
//! ```sh
//! cargo run -p warden-client --example quickstart -- --addr http://127.0.0.1:50051
//! ```
//!
//! Flags (all optional): `--addr`, `--email`, `--password`, `--admin-email`
//! (Warden's `--bootstrap-admin-email`), `--admin-password`.

use tonic::Code;
use warden_client::proto::auth::v1::RegisterRequest;
use warden_client::proto::authz::v1::{
    consistency, relationship_update, CheckPermissionRequest, Consistency, ObjectReference,
    Permissionship, Relationship, RelationshipUpdate, SubjectReference, WriteRelationshipsRequest,
    WriteSchemaRequest,
};
use warden_client::proto::session::v1::GetCurrentSessionRequest;
use warden_client::{Credentials, Error, WardenClient};

const SCHEMA: &str = "definition user {}

definition document {
  relation viewer: user
  permission view = viewer
}
";

/// Who runs the scenario, and where.
pub struct Settings {
    /// Warden's gRPC endpoint (`http://host:port`).
    pub addr: String,
    /// The user to register and log in.
    pub email: String,
    /// The user's password.
    pub password: String,
    /// An administrator (Warden's `--bootstrap-admin-email`).
    pub admin_email: String,
    /// The administrator's password.
    pub admin_password: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: "http://127.0.0.1:50051".into(),
            email: "alice@example.com".into(),
            password: "correct horse battery staple".into(),
            admin_email: "admin@example.com".into(),
            admin_password: "admin password for the quickstart".into(),
        }
    }
}

/// What the scenario saw.
pub struct Outcome {
    /// The user's id.
    pub user_id: String,
    /// The user's session.
    pub session_id: String,
    /// The answer for each document checked.
    pub checks: Vec<(String, Permissionship)>,
}

/// Runs the scenario, printing each step.
pub async fn run(settings: &Settings) -> Result<Outcome, Error> {
    let channel = tonic::transport::Endpoint::from_shared(settings.addr.clone())?
        .connect()
        .await?;

    // Register both users (an existing account is fine).
    let anonymous = WardenClient::anonymous(channel.clone());
    for (email, password) in [
        (&settings.email, &settings.password),
        (&settings.admin_email, &settings.admin_password),
    ] {
        let registered = anonymous
            .auth()
            .register(RegisterRequest {
                email: email.clone(),
                password: password.clone(),
                display_name: String::new(),
            })
            .await;
        match registered {
            Err(status) if status.code() != Code::AlreadyExists => return Err(status.into()),
            _ => {}
        }
    }

    // Log in: every call on `user` carries a fresh access token.
    let user = WardenClient::login(
        channel.clone(),
        Credentials::password(&settings.email, &settings.password),
    )
    .await?;
    let me = user
        .sessions()
        .get_current_session(GetCurrentSessionRequest {})
        .await?
        .into_inner()
        .session
        .unwrap_or_default();
    println!(
        "logged in as user {} (session {}, {})",
        me.user_id,
        me.session_id,
        me.auth_method().as_str_name()
    );

    // The administrator defines who may view documents, and lets the user view one.
    let admin = WardenClient::login(
        channel,
        Credentials::password(&settings.admin_email, &settings.admin_password),
    )
    .await?;
    admin
        .authz()
        .write_schema(WriteSchemaRequest {
            schema: SCHEMA.into(),
        })
        .await?;
    let subject = SubjectReference {
        object: Some(ObjectReference {
            object_type: "user".into(),
            object_id: me.user_id.clone(),
        }),
        optional_relation: String::new(),
    };
    let written = admin
        .authz()
        .write_relationships(WriteRelationshipsRequest {
            updates: vec![RelationshipUpdate {
                operation: relationship_update::Operation::Touch.into(),
                relationship: Some(Relationship {
                    resource: Some(ObjectReference {
                        object_type: "document".into(),
                        object_id: "readme".into(),
                    }),
                    relation: "viewer".into(),
                    subject: Some(subject.clone()),
                    expires_at: None,
                }),
            }],
            preconditions: vec![],
        })
        .await?
        .into_inner();
    println!("document:readme#viewer@user:{} written", me.user_id);

    // The user checks its own access, at least as fresh as the write.
    let fresh = Consistency {
        requirement: written
            .written_at
            .map(consistency::Requirement::AtLeastAsFresh),
    };
    let mut checks = Vec::new();
    for document in ["readme", "secret-plans"] {
        let answer = user
            .authz()
            .check_permission(CheckPermissionRequest {
                resource: Some(ObjectReference {
                    object_type: "document".into(),
                    object_id: document.into(),
                }),
                permission: "view".into(),
                subject: Some(subject.clone()),
                consistency: Some(fresh.clone()),
                with_tracing: false,
            })
            .await?
            .into_inner()
            .permissionship();
        println!("view document:{document}: {}", answer.as_str_name());
        checks.push((document.to_owned(), answer));
    }
    Ok(Outcome {
        user_id: me.user_id,
        session_id: me.session_id,
        checks,
    })
}

#[tokio::main]
async fn main() {
    let mut settings = Settings::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let field = match flag.as_str() {
            "--addr" => &mut settings.addr,
            "--email" => &mut settings.email,
            "--password" => &mut settings.password,
            "--admin-email" => &mut settings.admin_email,
            "--admin-password" => &mut settings.admin_password,
            other => {
                eprintln!("quickstart: unknown flag {other}");
                std::process::exit(2);
            }
        };
        match args.next() {
            Some(value) => *field = value,
            None => {
                eprintln!("quickstart: {flag} needs a value");
                std::process::exit(2);
            }
        }
    }
    match run(&settings).await {
        Ok(outcome)
            if outcome
                .checks
                .iter()
                .map(|(_, p)| *p)
                .eq([Permissionship::HasPermission, Permissionship::NoPermission]) => {}
        Ok(_) => {
            eprintln!("quickstart: unexpected permissionship");
            std::process::exit(1);
        }
        Err(err) => {
            let reason = err.reason().unwrap_or_default();
            eprintln!("quickstart: {err} {reason}");
            std::process::exit(1);
        }
    }
}
