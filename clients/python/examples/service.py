"""A tiny grpc.aio service protected by Warden's interceptor.

It serves `warden.session.v1.SessionService/GetCurrentSession` from the
verified caller (no call to Warden per request) and an open gRPC health check:

    python examples/service.py --listen 127.0.0.1:50061 --warden-url 127.0.0.1:50051 \\
        --redis-url redis://127.0.0.1:6379 --amqp-url amqp://guest:guest@127.0.0.1:5672/%2f
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

import grpc
import grpc.aio
from grpc_health.v1 import health, health_pb2_grpc

from warden_client import session_pb2, session_pb2_grpc
from warden_client.server import WardenInterceptor, current_auth


class WhoAmI(session_pb2_grpc.SessionServiceServicer):
    async def GetCurrentSession(self, request, context):
        caller = current_auth()
        logging.info("request from user %s", caller.user_id)
        return session_pb2.GetCurrentSessionResponse(session=caller.session)


async def serve(args: argparse.Namespace) -> None:
    interceptor = WardenInterceptor.connect(
        args.warden_url, redis_url=args.redis_url, amqp_url=args.amqp_url
    )
    async with interceptor:
        server = grpc.aio.server(interceptors=[interceptor])
        session_pb2_grpc.add_SessionServiceServicer_to_server(WhoAmI(), server)
        health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
        server.add_insecure_port(args.listen)
        await server.start()
        logging.info("serving on %s", args.listen)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await server.stop(grace=2)


def main() -> None:
    parser = argparse.ArgumentParser(description="A grpc.aio service behind WardenInterceptor")
    parser.add_argument("--listen", default="127.0.0.1:50061")
    parser.add_argument("--warden-url", default="127.0.0.1:50051")
    parser.add_argument("--redis-url", help="read sessions from Redis (else SessionService)")
    parser.add_argument("--amqp-url", help="cache sessions, evicted by warden.events")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
