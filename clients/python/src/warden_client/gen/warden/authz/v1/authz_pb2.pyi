import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Permissionship(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERMISSIONSHIP_UNSPECIFIED: _ClassVar[Permissionship]
    PERMISSIONSHIP_NO_PERMISSION: _ClassVar[Permissionship]
    PERMISSIONSHIP_HAS_PERMISSION: _ClassVar[Permissionship]

class DeletionProgress(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELETION_PROGRESS_UNSPECIFIED: _ClassVar[DeletionProgress]
    DELETION_PROGRESS_COMPLETE: _ClassVar[DeletionProgress]
    DELETION_PROGRESS_PARTIAL: _ClassVar[DeletionProgress]
PERMISSIONSHIP_UNSPECIFIED: Permissionship
PERMISSIONSHIP_NO_PERMISSION: Permissionship
PERMISSIONSHIP_HAS_PERMISSION: Permissionship
DELETION_PROGRESS_UNSPECIFIED: DeletionProgress
DELETION_PROGRESS_COMPLETE: DeletionProgress
DELETION_PROGRESS_PARTIAL: DeletionProgress

class ObjectReference(_message.Message):
    __slots__ = ("object_type", "object_id")
    OBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    object_type: str
    object_id: str
    def __init__(self, object_type: _Optional[str] = ..., object_id: _Optional[str] = ...) -> None: ...

class SubjectReference(_message.Message):
    __slots__ = ("object", "optional_relation")
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_RELATION_FIELD_NUMBER: _ClassVar[int]
    object: ObjectReference
    optional_relation: str
    def __init__(self, object: _Optional[_Union[ObjectReference, _Mapping]] = ..., optional_relation: _Optional[str] = ...) -> None: ...

class Revision(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class Consistency(_message.Message):
    __slots__ = ("minimize_latency", "at_least_as_fresh", "fully_consistent")
    MINIMIZE_LATENCY_FIELD_NUMBER: _ClassVar[int]
    AT_LEAST_AS_FRESH_FIELD_NUMBER: _ClassVar[int]
    FULLY_CONSISTENT_FIELD_NUMBER: _ClassVar[int]
    minimize_latency: bool
    at_least_as_fresh: Revision
    fully_consistent: bool
    def __init__(self, minimize_latency: _Optional[bool] = ..., at_least_as_fresh: _Optional[_Union[Revision, _Mapping]] = ..., fully_consistent: _Optional[bool] = ...) -> None: ...

class CheckPermissionRequest(_message.Message):
    __slots__ = ("resource", "permission", "subject", "consistency", "with_tracing")
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    WITH_TRACING_FIELD_NUMBER: _ClassVar[int]
    resource: ObjectReference
    permission: str
    subject: SubjectReference
    consistency: Consistency
    with_tracing: bool
    def __init__(self, resource: _Optional[_Union[ObjectReference, _Mapping]] = ..., permission: _Optional[str] = ..., subject: _Optional[_Union[SubjectReference, _Mapping]] = ..., consistency: _Optional[_Union[Consistency, _Mapping]] = ..., with_tracing: _Optional[bool] = ...) -> None: ...

class CheckTrace(_message.Message):
    __slots__ = ("step", "granted", "children")
    STEP_FIELD_NUMBER: _ClassVar[int]
    GRANTED_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    step: str
    granted: bool
    children: _containers.RepeatedCompositeFieldContainer[CheckTrace]
    def __init__(self, step: _Optional[str] = ..., granted: _Optional[bool] = ..., children: _Optional[_Iterable[_Union[CheckTrace, _Mapping]]] = ...) -> None: ...

class CheckPermissionResponse(_message.Message):
    __slots__ = ("permissionship", "checked_at", "trace")
    PERMISSIONSHIP_FIELD_NUMBER: _ClassVar[int]
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    permissionship: Permissionship
    checked_at: Revision
    trace: CheckTrace
    def __init__(self, permissionship: _Optional[_Union[Permissionship, str]] = ..., checked_at: _Optional[_Union[Revision, _Mapping]] = ..., trace: _Optional[_Union[CheckTrace, _Mapping]] = ...) -> None: ...

class CheckBulkPermissionsRequestItem(_message.Message):
    __slots__ = ("resource", "permission", "subject")
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    resource: ObjectReference
    permission: str
    subject: SubjectReference
    def __init__(self, resource: _Optional[_Union[ObjectReference, _Mapping]] = ..., permission: _Optional[str] = ..., subject: _Optional[_Union[SubjectReference, _Mapping]] = ...) -> None: ...

class CheckBulkPermissionsRequest(_message.Message):
    __slots__ = ("items", "consistency")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[CheckBulkPermissionsRequestItem]
    consistency: Consistency
    def __init__(self, items: _Optional[_Iterable[_Union[CheckBulkPermissionsRequestItem, _Mapping]]] = ..., consistency: _Optional[_Union[Consistency, _Mapping]] = ...) -> None: ...

class CheckBulkPermissionsPair(_message.Message):
    __slots__ = ("request", "permissionship", "error", "error_reason")
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONSHIP_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ERROR_REASON_FIELD_NUMBER: _ClassVar[int]
    request: CheckBulkPermissionsRequestItem
    permissionship: Permissionship
    error: str
    error_reason: str
    def __init__(self, request: _Optional[_Union[CheckBulkPermissionsRequestItem, _Mapping]] = ..., permissionship: _Optional[_Union[Permissionship, str]] = ..., error: _Optional[str] = ..., error_reason: _Optional[str] = ...) -> None: ...

class CheckBulkPermissionsResponse(_message.Message):
    __slots__ = ("pairs", "checked_at")
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    pairs: _containers.RepeatedCompositeFieldContainer[CheckBulkPermissionsPair]
    checked_at: Revision
    def __init__(self, pairs: _Optional[_Iterable[_Union[CheckBulkPermissionsPair, _Mapping]]] = ..., checked_at: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class Relationship(_message.Message):
    __slots__ = ("resource", "relation", "subject", "expires_at")
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    RELATION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    resource: ObjectReference
    relation: str
    subject: SubjectReference
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, resource: _Optional[_Union[ObjectReference, _Mapping]] = ..., relation: _Optional[str] = ..., subject: _Optional[_Union[SubjectReference, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RelationshipUpdate(_message.Message):
    __slots__ = ("operation", "relationship")
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPERATION_UNSPECIFIED: _ClassVar[RelationshipUpdate.Operation]
        OPERATION_CREATE: _ClassVar[RelationshipUpdate.Operation]
        OPERATION_TOUCH: _ClassVar[RelationshipUpdate.Operation]
        OPERATION_DELETE: _ClassVar[RelationshipUpdate.Operation]
    OPERATION_UNSPECIFIED: RelationshipUpdate.Operation
    OPERATION_CREATE: RelationshipUpdate.Operation
    OPERATION_TOUCH: RelationshipUpdate.Operation
    OPERATION_DELETE: RelationshipUpdate.Operation
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    operation: RelationshipUpdate.Operation
    relationship: Relationship
    def __init__(self, operation: _Optional[_Union[RelationshipUpdate.Operation, str]] = ..., relationship: _Optional[_Union[Relationship, _Mapping]] = ...) -> None: ...

class SubjectFilter(_message.Message):
    __slots__ = ("subject_type", "optional_subject_id", "optional_relation")
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_RELATION_FIELD_NUMBER: _ClassVar[int]
    subject_type: str
    optional_subject_id: str
    optional_relation: str
    def __init__(self, subject_type: _Optional[str] = ..., optional_subject_id: _Optional[str] = ..., optional_relation: _Optional[str] = ...) -> None: ...

class RelationshipFilter(_message.Message):
    __slots__ = ("resource_type", "optional_resource_id", "optional_relation", "optional_subject_filter")
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_RELATION_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_SUBJECT_FILTER_FIELD_NUMBER: _ClassVar[int]
    resource_type: str
    optional_resource_id: str
    optional_relation: str
    optional_subject_filter: SubjectFilter
    def __init__(self, resource_type: _Optional[str] = ..., optional_resource_id: _Optional[str] = ..., optional_relation: _Optional[str] = ..., optional_subject_filter: _Optional[_Union[SubjectFilter, _Mapping]] = ...) -> None: ...

class Precondition(_message.Message):
    __slots__ = ("operation", "filter")
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPERATION_UNSPECIFIED: _ClassVar[Precondition.Operation]
        OPERATION_MUST_MATCH: _ClassVar[Precondition.Operation]
        OPERATION_MUST_NOT_MATCH: _ClassVar[Precondition.Operation]
    OPERATION_UNSPECIFIED: Precondition.Operation
    OPERATION_MUST_MATCH: Precondition.Operation
    OPERATION_MUST_NOT_MATCH: Precondition.Operation
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    operation: Precondition.Operation
    filter: RelationshipFilter
    def __init__(self, operation: _Optional[_Union[Precondition.Operation, str]] = ..., filter: _Optional[_Union[RelationshipFilter, _Mapping]] = ...) -> None: ...

class WriteRelationshipsRequest(_message.Message):
    __slots__ = ("updates", "preconditions")
    UPDATES_FIELD_NUMBER: _ClassVar[int]
    PRECONDITIONS_FIELD_NUMBER: _ClassVar[int]
    updates: _containers.RepeatedCompositeFieldContainer[RelationshipUpdate]
    preconditions: _containers.RepeatedCompositeFieldContainer[Precondition]
    def __init__(self, updates: _Optional[_Iterable[_Union[RelationshipUpdate, _Mapping]]] = ..., preconditions: _Optional[_Iterable[_Union[Precondition, _Mapping]]] = ...) -> None: ...

class WriteRelationshipsResponse(_message.Message):
    __slots__ = ("written_at",)
    WRITTEN_AT_FIELD_NUMBER: _ClassVar[int]
    written_at: Revision
    def __init__(self, written_at: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class DeleteRelationshipsRequest(_message.Message):
    __slots__ = ("filter", "preconditions", "optional_limit", "optional_allow_partial_deletions")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PRECONDITIONS_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_LIMIT_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_ALLOW_PARTIAL_DELETIONS_FIELD_NUMBER: _ClassVar[int]
    filter: RelationshipFilter
    preconditions: _containers.RepeatedCompositeFieldContainer[Precondition]
    optional_limit: int
    optional_allow_partial_deletions: bool
    def __init__(self, filter: _Optional[_Union[RelationshipFilter, _Mapping]] = ..., preconditions: _Optional[_Iterable[_Union[Precondition, _Mapping]]] = ..., optional_limit: _Optional[int] = ..., optional_allow_partial_deletions: _Optional[bool] = ...) -> None: ...

class DeleteRelationshipsResponse(_message.Message):
    __slots__ = ("deleted_at", "deleted_count", "deletion_progress")
    DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    DELETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DELETION_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    deleted_at: Revision
    deleted_count: int
    deletion_progress: DeletionProgress
    def __init__(self, deleted_at: _Optional[_Union[Revision, _Mapping]] = ..., deleted_count: _Optional[int] = ..., deletion_progress: _Optional[_Union[DeletionProgress, str]] = ...) -> None: ...

class ReadRelationshipsRequest(_message.Message):
    __slots__ = ("filter", "consistency", "optional_limit", "optional_cursor")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_LIMIT_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_CURSOR_FIELD_NUMBER: _ClassVar[int]
    filter: RelationshipFilter
    consistency: Consistency
    optional_limit: int
    optional_cursor: str
    def __init__(self, filter: _Optional[_Union[RelationshipFilter, _Mapping]] = ..., consistency: _Optional[_Union[Consistency, _Mapping]] = ..., optional_limit: _Optional[int] = ..., optional_cursor: _Optional[str] = ...) -> None: ...

class ReadRelationshipsResponse(_message.Message):
    __slots__ = ("read_at", "relationship", "after_result_cursor")
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    AFTER_RESULT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    read_at: Revision
    relationship: Relationship
    after_result_cursor: str
    def __init__(self, read_at: _Optional[_Union[Revision, _Mapping]] = ..., relationship: _Optional[_Union[Relationship, _Mapping]] = ..., after_result_cursor: _Optional[str] = ...) -> None: ...

class LookupResourcesRequest(_message.Message):
    __slots__ = ("resource_object_type", "permission", "subject", "consistency", "optional_limit", "optional_cursor")
    RESOURCE_OBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_LIMIT_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_CURSOR_FIELD_NUMBER: _ClassVar[int]
    resource_object_type: str
    permission: str
    subject: SubjectReference
    consistency: Consistency
    optional_limit: int
    optional_cursor: str
    def __init__(self, resource_object_type: _Optional[str] = ..., permission: _Optional[str] = ..., subject: _Optional[_Union[SubjectReference, _Mapping]] = ..., consistency: _Optional[_Union[Consistency, _Mapping]] = ..., optional_limit: _Optional[int] = ..., optional_cursor: _Optional[str] = ...) -> None: ...

class LookupResourcesResponse(_message.Message):
    __slots__ = ("looked_up_at", "resource_object_id", "after_result_cursor")
    LOOKED_UP_AT_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_RESULT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    looked_up_at: Revision
    resource_object_id: str
    after_result_cursor: str
    def __init__(self, looked_up_at: _Optional[_Union[Revision, _Mapping]] = ..., resource_object_id: _Optional[str] = ..., after_result_cursor: _Optional[str] = ...) -> None: ...

class LookupSubjectsRequest(_message.Message):
    __slots__ = ("resource", "permission", "subject_object_type", "optional_subject_relation", "consistency", "optional_limit", "optional_cursor")
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_OBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_SUBJECT_RELATION_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_LIMIT_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_CURSOR_FIELD_NUMBER: _ClassVar[int]
    resource: ObjectReference
    permission: str
    subject_object_type: str
    optional_subject_relation: str
    consistency: Consistency
    optional_limit: int
    optional_cursor: str
    def __init__(self, resource: _Optional[_Union[ObjectReference, _Mapping]] = ..., permission: _Optional[str] = ..., subject_object_type: _Optional[str] = ..., optional_subject_relation: _Optional[str] = ..., consistency: _Optional[_Union[Consistency, _Mapping]] = ..., optional_limit: _Optional[int] = ..., optional_cursor: _Optional[str] = ...) -> None: ...

class ResolvedSubject(_message.Message):
    __slots__ = ("subject_object_id",)
    SUBJECT_OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    subject_object_id: str
    def __init__(self, subject_object_id: _Optional[str] = ...) -> None: ...

class LookupSubjectsResponse(_message.Message):
    __slots__ = ("looked_up_at", "subject", "after_result_cursor", "excluded_subjects")
    LOOKED_UP_AT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    AFTER_RESULT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    looked_up_at: Revision
    subject: ResolvedSubject
    after_result_cursor: str
    excluded_subjects: _containers.RepeatedCompositeFieldContainer[ResolvedSubject]
    def __init__(self, looked_up_at: _Optional[_Union[Revision, _Mapping]] = ..., subject: _Optional[_Union[ResolvedSubject, _Mapping]] = ..., after_result_cursor: _Optional[str] = ..., excluded_subjects: _Optional[_Iterable[_Union[ResolvedSubject, _Mapping]]] = ...) -> None: ...

class WriteSchemaRequest(_message.Message):
    __slots__ = ("schema",)
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    schema: str
    def __init__(self, schema: _Optional[str] = ...) -> None: ...

class WriteSchemaResponse(_message.Message):
    __slots__ = ("written_at",)
    WRITTEN_AT_FIELD_NUMBER: _ClassVar[int]
    written_at: Revision
    def __init__(self, written_at: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class ReadSchemaRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReadSchemaResponse(_message.Message):
    __slots__ = ("schema", "read_at")
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    schema: str
    read_at: Revision
    def __init__(self, schema: _Optional[str] = ..., read_at: _Optional[_Union[Revision, _Mapping]] = ...) -> None: ...

class DefineRoleRequest(_message.Message):
    __slots__ = ("role", "permissions", "attributes")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ROLE_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    role: str
    permissions: _containers.RepeatedScalarFieldContainer[str]
    attributes: _containers.ScalarMap[str, str]
    def __init__(self, role: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class DefineRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AssignRoleRequest(_message.Message):
    __slots__ = ("user_id", "role")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    role: str
    def __init__(self, user_id: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class AssignRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnassignRoleRequest(_message.Message):
    __slots__ = ("user_id", "role")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    role: str
    def __init__(self, user_id: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class UnassignRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUserRolesRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class ListUserRolesResponse(_message.Message):
    __slots__ = ("roles",)
    ROLES_FIELD_NUMBER: _ClassVar[int]
    roles: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, roles: _Optional[_Iterable[str]] = ...) -> None: ...

class Role(_message.Message):
    __slots__ = ("name", "permissions", "attributes", "updated_at", "user_count")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    USER_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    permissions: _containers.RepeatedScalarFieldContainer[str]
    attributes: _containers.ScalarMap[str, str]
    updated_at: _timestamp_pb2.Timestamp
    user_count: int
    def __init__(self, name: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., attributes: _Optional[_Mapping[str, str]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_count: _Optional[int] = ...) -> None: ...

class GetRoleRequest(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: str
    def __init__(self, role: _Optional[str] = ...) -> None: ...

class GetRoleResponse(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: Role
    def __init__(self, role: _Optional[_Union[Role, _Mapping]] = ...) -> None: ...

class ListRolesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRolesResponse(_message.Message):
    __slots__ = ("roles", "next_page_token")
    ROLES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    roles: _containers.RepeatedCompositeFieldContainer[Role]
    next_page_token: str
    def __init__(self, roles: _Optional[_Iterable[_Union[Role, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteRoleRequest(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: str
    def __init__(self, role: _Optional[str] = ...) -> None: ...

class DeleteRoleResponse(_message.Message):
    __slots__ = ("unassigned_users",)
    UNASSIGNED_USERS_FIELD_NUMBER: _ClassVar[int]
    unassigned_users: int
    def __init__(self, unassigned_users: _Optional[int] = ...) -> None: ...
