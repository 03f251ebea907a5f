//! Compiles the Warden protos with protox (no `protoc` needed) and generates
//! the tonic/prost code plus the descriptor set used for reflection and JSON.

use std::path::PathBuf;

use prost_reflect::prost::Message;

const PROTOS: &[&str] = &[
    "warden/auth/v1/auth.proto",
    "warden/session/v1/session.proto",
    "warden/authz/v1/authz.proto",
    "warden/events/v1/events.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=warden");
    println!("cargo:rerun-if-changed=third_party");
    let fds = protox::compile(PROTOS, ["."])?;
    // Reflection also serves google.rpc's error details, so that grpcurl and
    // other reflection clients can decode the ErrorInfo and BadRequest of errors.
    let mut reflection = fds.clone();
    let details = protox::compile(["google/rpc/error_details.proto"], ["third_party"])?;
    for file in details.file {
        if !reflection.file.iter().any(|f| f.name == file.name) {
            reflection.file.push(file);
        }
    }
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("warden_descriptor.bin"),
        reflection.encode_to_vec(),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
