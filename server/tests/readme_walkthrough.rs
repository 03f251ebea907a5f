//! Runs the README's grpcurl walkthrough, exactly as written, against the
//! `warden` binary started as the README says (embedded backends, default ports).

use std::process::Command;
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

/// What holds the walkthrough's ports, for a failure message.
fn port_holders() -> String {
    Command::new("ss")
        .args(["-tanp", "( sport = :50051 or sport = :50052 )"])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_else(|e| format!("(ss: {e})"))
}

/// Starts `warden serve` in `dir` as the README does and waits until it
/// logs that it is serving.
///
/// Both default ports (50051, 50052) lie in Linux's ephemeral range
/// (32768-60999), so an outgoing connection of another process can hold one,
/// and keeps holding it for 60 s in TIME_WAIT once closed: `warden` then
/// exits with "Address already in use". That is retried for 90 s; any other
/// early exit fails at once with warden's own output. (`.ci/run` reserves
/// both ports so that CI never waits.)
fn start_warden(dir: &std::path::Path) -> std::process::Child {
    let deadline = Instant::now() + Duration::from_secs(90);
    let log_path = dir.join("warden.log");
    loop {
        let log = std::fs::File::create(&log_path).unwrap();
        let mut warden = Command::new(env!("CARGO_BIN_EXE_warden"))
            .arg("serve")
            .env("WARDEN_BOOTSTRAP_ADMIN_EMAIL", "alice@example.com")
            .current_dir(dir)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start warden");
        loop {
            let output = std::fs::read_to_string(&log_path).unwrap_or_default();
            // Logged once both listeners are bound.
            if output.contains("warden serving") {
                return warden;
            }
            if let Some(status) = warden.try_wait().unwrap() {
                let output = std::fs::read_to_string(&log_path).unwrap_or_default();
                let port_taken = output.contains("Address already in use");
                assert!(
                    port_taken && Instant::now() < deadline,
                    "warden exited at start ({status}):\n{output}\nsockets on its ports:\n{}",
                    port_holders()
                );
                eprintln!("a port of warden's is taken, retrying:\n{}", port_holders());
                std::thread::sleep(Duration::from_millis(500));
                break;
            }
            if Instant::now() >= deadline {
                let _ = warden.kill();
                panic!(
                    "warden did not start serving within 90 s:\n{output}\nsockets on its ports:\n{}",
                    port_holders()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
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
    let mut warden = start_warden(data.path());

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
