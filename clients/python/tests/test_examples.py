"""The examples run against a live warden."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import grpc
import pytest
from conftest import PASSWORD, LiveWarden, free_port, unique_email
from grpc_health.v1 import health_pb2, health_pb2_grpc

from warden_client import WardenClient, error_reason, session_pb2, session_pb2_grpc

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_registers_logs_in_and_checks_permissions(warden: LiveWarden) -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py"), "--warden-url", warden.target],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "logged in as " in run.stdout
    assert "view document:readme -> PERMISSIONSHIP_HAS_PERMISSION" in run.stdout
    assert "view document:secret -> PERMISSIONSHIP_NO_PERMISSION" in run.stdout


@pytest.fixture
def service(warden: LiveWarden, tmp_path: pathlib.Path):
    address = f"127.0.0.1:{free_port()}"
    log = (tmp_path / "service.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            str(EXAMPLES / "service.py"),
            f"--listen={address}",
            f"--warden-url={warden.target}",
            f"--redis-url={warden.redis_url}",
            f"--amqp-url={warden.amqp_url}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        with grpc.insecure_channel(address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, (tmp_path / "service.log").read_text()
                try:
                    health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    break
                except grpc.RpcError:
                    assert time.monotonic() < deadline, "service did not start"
                    time.sleep(0.1)
        yield address
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()


def test_service_example_accepts_tokens_and_refuses_logged_out_sessions(
    warden: LiveWarden, service: str
) -> None:
    email = unique_email()
    with WardenClient(warden.target) as client, grpc.insecure_channel(service) as channel:
        client.register(email, PASSWORD)
        client.login(email, PASSWORD)
        stub = session_pb2_grpc.SessionServiceStub(client.intercept(channel))
        response = stub.GetCurrentSession(session_pb2.GetCurrentSessionRequest())
        assert response.session.user_id == client.user_id

        bare = session_pb2_grpc.SessionServiceStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            bare.GetCurrentSession(session_pb2.GetCurrentSessionRequest())
        assert error_reason(refused.value) == "MISSING_TOKEN"

        token = client.access_token()
        client.logout()
        # The service caches sessions (it follows warden.events): the logout
        # reaches it with SessionRevoked, within the event's delivery time.
        deadline = time.monotonic() + 5
        while True:
            try:
                bare.GetCurrentSession(
                    session_pb2.GetCurrentSessionRequest(),
                    metadata=(("authorization", f"Bearer {token}"),),
                )
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.UNAUTHENTICATED
                assert error_reason(error) == "SESSION_REVOKED"
                break
            assert time.monotonic() < deadline, "the logged-out session is still accepted"
            time.sleep(0.05)
