import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from warden_client.gen.warden.session.v1 import session_pb2 as _session_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RevocationReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVOCATION_REASON_UNSPECIFIED: _ClassVar[RevocationReason]
    REVOCATION_REASON_LOGOUT: _ClassVar[RevocationReason]
    REVOCATION_REASON_REFRESH_TOKEN_REUSE: _ClassVar[RevocationReason]
    REVOCATION_REASON_REVOKED: _ClassVar[RevocationReason]
    REVOCATION_REASON_USER_SUSPENDED: _ClassVar[RevocationReason]
    REVOCATION_REASON_PASSWORD_CHANGED: _ClassVar[RevocationReason]
    REVOCATION_REASON_API_KEY_REVOKED: _ClassVar[RevocationReason]
    REVOCATION_REASON_EXPIRED: _ClassVar[RevocationReason]
    REVOCATION_REASON_USER_DELETED: _ClassVar[RevocationReason]
REVOCATION_REASON_UNSPECIFIED: RevocationReason
REVOCATION_REASON_LOGOUT: RevocationReason
REVOCATION_REASON_REFRESH_TOKEN_REUSE: RevocationReason
REVOCATION_REASON_REVOKED: RevocationReason
REVOCATION_REASON_USER_SUSPENDED: RevocationReason
REVOCATION_REASON_PASSWORD_CHANGED: RevocationReason
REVOCATION_REASON_API_KEY_REVOKED: RevocationReason
REVOCATION_REASON_EXPIRED: RevocationReason
REVOCATION_REASON_USER_DELETED: RevocationReason

class SessionCreated(_message.Message):
    __slots__ = ("event_id", "occurred_at", "session_id", "user_id", "auth_method", "expires_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AUTH_METHOD_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    occurred_at: _timestamp_pb2.Timestamp
    session_id: str
    user_id: str
    auth_method: _session_pb2.AuthMethod
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., session_id: _Optional[str] = ..., user_id: _Optional[str] = ..., auth_method: _Optional[_Union[_session_pb2.AuthMethod, str]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SessionRevoked(_message.Message):
    __slots__ = ("event_id", "occurred_at", "session_id", "user_id", "reason")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    occurred_at: _timestamp_pb2.Timestamp
    session_id: str
    user_id: str
    reason: RevocationReason
    def __init__(self, event_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., session_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[_Union[RevocationReason, str]] = ...) -> None: ...

class SessionUpdated(_message.Message):
    __slots__ = ("event_id", "occurred_at", "session_id", "user_id")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    occurred_at: _timestamp_pb2.Timestamp
    session_id: str
    user_id: str
    def __init__(self, event_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., session_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class UserSuspended(_message.Message):
    __slots__ = ("event_id", "occurred_at", "user_id", "reason")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    occurred_at: _timestamp_pb2.Timestamp
    user_id: str
    reason: str
    def __init__(self, event_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class UserDeleted(_message.Message):
    __slots__ = ("event_id", "occurred_at", "user_id")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    occurred_at: _timestamp_pb2.Timestamp
    user_id: str
    def __init__(self, event_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_id: _Optional[str] = ...) -> None: ...

class RelationshipsChanged(_message.Message):
    __slots__ = ("event_id", "occurred_at", "revision")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    occurred_at: _timestamp_pb2.Timestamp
    revision: str
    def __init__(self, event_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revision: _Optional[str] = ...) -> None: ...
