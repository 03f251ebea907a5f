//! Runs the README's grpcurl walkthrough, exactly as written, against the
//! `warden` binary started as the README says (embedded backends, default ports).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The shell commands between the walkthrough markers of README.md.
fn walkthrough_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let start = readme
        .find("<!-- walkthrough:start -->")
        .expect("walkthrough start marker");
    let end = readme
        .find("<!-- walkthrough:end -->")
        .expect("walkthrough end marker");
    // Every line of the `sh` code blocks, with `\` continuations joined.
    let mut commands = Vec::new();
    let mut current = String::new();
    let mut in_block = false;
    for line in readme[start..end].lines() {
        let line = line.trim_end();
        if !in_block {
            in_block = line == "```sh";
            continue;
        }
        if line == "```" {
            in_block = false;
            continue;
        }
        match line.strip_suffix('\\') {
            Some(continued) => current.push_str(continued),
            None => {
                current.push_str(line);
                commands.push(std::mem::take(&mut current));
            }
        }
    }
    commands
}

fn path_with_go_bin() -> String {
    let home = std::env::var("HOME").unwrap_or_default();
    format!(
        "{}:{home}/go/bin",
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn readme_grpcurl_walkthrough_works_as_written() {
    let path = path_with_go_bin();
    let has_grpcurl = Command::new("grpcurl")
        .arg("-version")
        .env("PATH", &path)
        .output()
        .is_ok();
    assert!(
        has_grpcurl,
        "grpcurl is needed: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest (scripts/test.sh does it)"
    );
    let data = tempfile::tempdir().unwrap();
    let mut warden = Command::new(env!("CARGO_BIN_EXE_warden"))
        .arg("serve")
        .env("WARDEN_BOOTSTRAP_ADMIN_EMAIL", "alice@example.com")
        .current_dir(data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start warden");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect("127.0.0.1:50051").is_err() {
        assert!(
            Instant::now() < deadline,
            "warden did not listen on 127.0.0.1:50051 (is another warden running?)"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let commands = walkthrough_commands();
    assert!(
        commands.len() >= 5,
        "the walkthrough has its commands: {commands:?}"
    );
    // One shell, so variables set by a line (TOKEN=...) reach the next ones.
    let script = format!("set -euo pipefail\n{}", commands.join("\n"));
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("PATH", &path)
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the walkthrough failed: {all}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "warden.auth.v1.AuthService",
        "grpc.health.v1.Health",
        "\"userId\"",
        "\"accessToken\"",
        "\"refreshToken\"",
        "\"kty\": \"OKP\"",
        "\"keys\":[",
        "\"authMethod\": \"AUTH_METHOD_PASSWORD\"",
        "\"plan\": \"premium\"",
        "\"articles.create\"",
        "PERMISSIONSHIP_HAS_PERMISSION",
    ] {
        assert!(
            all.contains(expected),
            "walkthrough output lacks {expected}:\n{all}"
        );
    }
    // Graceful shutdown on SIGTERM.
    Command::new("kill")
        .arg("-TERM")
        .arg(warden.id().to_string())
        .status()
        .unwrap();
    let status = warden.wait().unwrap();
    assert!(
        status.success(),
        "warden exits cleanly on SIGTERM: {status}"
    );
    assert!(data.path().join("warden-data/warden.db").exists());
}
