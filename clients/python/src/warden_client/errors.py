"""Reading Warden's machine-readable errors from a failed call."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

#: The `ErrorInfo.domain` of every Warden error.
DOMAIN = "warden"


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo | None:
    """The `google.rpc.ErrorInfo` in a failed call's status details, if any.

    Works for errors of both `grpc` and `grpc.aio` calls.
    """
    if not callable(getattr(error, "trailing_metadata", None)):
        return None
    try:
        status = rpc_status.from_call(error)
    except ValueError:
        return None
    if status is None:
        return None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info
    return None


def status_code(error: grpc.RpcError) -> grpc.StatusCode | None:
    """The status code of a failed call (`grpc` or `grpc.aio`), if it has one."""
    code = getattr(error, "code", None)
    return code() if callable(code) else None


def error_reason(error: grpc.RpcError) -> str | None:
    """The stable `ErrorInfo.reason` of a failed call (`TOKEN_EXPIRED`, ...), if any."""
    info = error_info(error)
    return info.reason if info is not None else None
