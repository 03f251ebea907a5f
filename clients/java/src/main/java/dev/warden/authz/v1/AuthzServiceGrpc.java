package dev.warden.authz.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * AuthzService holds roles (copied into sessions, read by services with no
 * network call) and fine-grained relationships evaluated Zanzibar-style
 * against a schema written in a subset of the SpiceDB schema language.
 * Reads (checks, lookups, reading relationships and the schema) need any
 * authenticated caller; writes (roles, schema, relationships) and reading
 * role definitions need `admin`.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class AuthzServiceGrpc {

  private AuthzServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "warden.authz.v1.AuthzService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.CheckPermissionRequest,
      dev.warden.authz.v1.CheckPermissionResponse> getCheckPermissionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CheckPermission",
      requestType = dev.warden.authz.v1.CheckPermissionRequest.class,
      responseType = dev.warden.authz.v1.CheckPermissionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.CheckPermissionRequest,
      dev.warden.authz.v1.CheckPermissionResponse> getCheckPermissionMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.CheckPermissionRequest, dev.warden.authz.v1.CheckPermissionResponse> getCheckPermissionMethod;
    if ((getCheckPermissionMethod = AuthzServiceGrpc.getCheckPermissionMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getCheckPermissionMethod = AuthzServiceGrpc.getCheckPermissionMethod) == null) {
          AuthzServiceGrpc.getCheckPermissionMethod = getCheckPermissionMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.CheckPermissionRequest, dev.warden.authz.v1.CheckPermissionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CheckPermission"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.CheckPermissionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.CheckPermissionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("CheckPermission"))
              .build();
        }
      }
    }
    return getCheckPermissionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.CheckBulkPermissionsRequest,
      dev.warden.authz.v1.CheckBulkPermissionsResponse> getCheckBulkPermissionsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CheckBulkPermissions",
      requestType = dev.warden.authz.v1.CheckBulkPermissionsRequest.class,
      responseType = dev.warden.authz.v1.CheckBulkPermissionsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.CheckBulkPermissionsRequest,
      dev.warden.authz.v1.CheckBulkPermissionsResponse> getCheckBulkPermissionsMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.CheckBulkPermissionsRequest, dev.warden.authz.v1.CheckBulkPermissionsResponse> getCheckBulkPermissionsMethod;
    if ((getCheckBulkPermissionsMethod = AuthzServiceGrpc.getCheckBulkPermissionsMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getCheckBulkPermissionsMethod = AuthzServiceGrpc.getCheckBulkPermissionsMethod) == null) {
          AuthzServiceGrpc.getCheckBulkPermissionsMethod = getCheckBulkPermissionsMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.CheckBulkPermissionsRequest, dev.warden.authz.v1.CheckBulkPermissionsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CheckBulkPermissions"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.CheckBulkPermissionsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.CheckBulkPermissionsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("CheckBulkPermissions"))
              .build();
        }
      }
    }
    return getCheckBulkPermissionsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.WriteRelationshipsRequest,
      dev.warden.authz.v1.WriteRelationshipsResponse> getWriteRelationshipsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WriteRelationships",
      requestType = dev.warden.authz.v1.WriteRelationshipsRequest.class,
      responseType = dev.warden.authz.v1.WriteRelationshipsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.WriteRelationshipsRequest,
      dev.warden.authz.v1.WriteRelationshipsResponse> getWriteRelationshipsMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.WriteRelationshipsRequest, dev.warden.authz.v1.WriteRelationshipsResponse> getWriteRelationshipsMethod;
    if ((getWriteRelationshipsMethod = AuthzServiceGrpc.getWriteRelationshipsMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getWriteRelationshipsMethod = AuthzServiceGrpc.getWriteRelationshipsMethod) == null) {
          AuthzServiceGrpc.getWriteRelationshipsMethod = getWriteRelationshipsMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.WriteRelationshipsRequest, dev.warden.authz.v1.WriteRelationshipsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WriteRelationships"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.WriteRelationshipsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.WriteRelationshipsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("WriteRelationships"))
              .build();
        }
      }
    }
    return getWriteRelationshipsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.DeleteRelationshipsRequest,
      dev.warden.authz.v1.DeleteRelationshipsResponse> getDeleteRelationshipsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteRelationships",
      requestType = dev.warden.authz.v1.DeleteRelationshipsRequest.class,
      responseType = dev.warden.authz.v1.DeleteRelationshipsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.DeleteRelationshipsRequest,
      dev.warden.authz.v1.DeleteRelationshipsResponse> getDeleteRelationshipsMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.DeleteRelationshipsRequest, dev.warden.authz.v1.DeleteRelationshipsResponse> getDeleteRelationshipsMethod;
    if ((getDeleteRelationshipsMethod = AuthzServiceGrpc.getDeleteRelationshipsMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getDeleteRelationshipsMethod = AuthzServiceGrpc.getDeleteRelationshipsMethod) == null) {
          AuthzServiceGrpc.getDeleteRelationshipsMethod = getDeleteRelationshipsMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.DeleteRelationshipsRequest, dev.warden.authz.v1.DeleteRelationshipsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteRelationships"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.DeleteRelationshipsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.DeleteRelationshipsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("DeleteRelationships"))
              .build();
        }
      }
    }
    return getDeleteRelationshipsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.ReadRelationshipsRequest,
      dev.warden.authz.v1.ReadRelationshipsResponse> getReadRelationshipsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReadRelationships",
      requestType = dev.warden.authz.v1.ReadRelationshipsRequest.class,
      responseType = dev.warden.authz.v1.ReadRelationshipsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.ReadRelationshipsRequest,
      dev.warden.authz.v1.ReadRelationshipsResponse> getReadRelationshipsMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.ReadRelationshipsRequest, dev.warden.authz.v1.ReadRelationshipsResponse> getReadRelationshipsMethod;
    if ((getReadRelationshipsMethod = AuthzServiceGrpc.getReadRelationshipsMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getReadRelationshipsMethod = AuthzServiceGrpc.getReadRelationshipsMethod) == null) {
          AuthzServiceGrpc.getReadRelationshipsMethod = getReadRelationshipsMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.ReadRelationshipsRequest, dev.warden.authz.v1.ReadRelationshipsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReadRelationships"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ReadRelationshipsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ReadRelationshipsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("ReadRelationships"))
              .build();
        }
      }
    }
    return getReadRelationshipsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.LookupResourcesRequest,
      dev.warden.authz.v1.LookupResourcesResponse> getLookupResourcesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LookupResources",
      requestType = dev.warden.authz.v1.LookupResourcesRequest.class,
      responseType = dev.warden.authz.v1.LookupResourcesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.LookupResourcesRequest,
      dev.warden.authz.v1.LookupResourcesResponse> getLookupResourcesMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.LookupResourcesRequest, dev.warden.authz.v1.LookupResourcesResponse> getLookupResourcesMethod;
    if ((getLookupResourcesMethod = AuthzServiceGrpc.getLookupResourcesMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getLookupResourcesMethod = AuthzServiceGrpc.getLookupResourcesMethod) == null) {
          AuthzServiceGrpc.getLookupResourcesMethod = getLookupResourcesMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.LookupResourcesRequest, dev.warden.authz.v1.LookupResourcesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LookupResources"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.LookupResourcesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.LookupResourcesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("LookupResources"))
              .build();
        }
      }
    }
    return getLookupResourcesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.LookupSubjectsRequest,
      dev.warden.authz.v1.LookupSubjectsResponse> getLookupSubjectsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LookupSubjects",
      requestType = dev.warden.authz.v1.LookupSubjectsRequest.class,
      responseType = dev.warden.authz.v1.LookupSubjectsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.LookupSubjectsRequest,
      dev.warden.authz.v1.LookupSubjectsResponse> getLookupSubjectsMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.LookupSubjectsRequest, dev.warden.authz.v1.LookupSubjectsResponse> getLookupSubjectsMethod;
    if ((getLookupSubjectsMethod = AuthzServiceGrpc.getLookupSubjectsMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getLookupSubjectsMethod = AuthzServiceGrpc.getLookupSubjectsMethod) == null) {
          AuthzServiceGrpc.getLookupSubjectsMethod = getLookupSubjectsMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.LookupSubjectsRequest, dev.warden.authz.v1.LookupSubjectsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LookupSubjects"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.LookupSubjectsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.LookupSubjectsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("LookupSubjects"))
              .build();
        }
      }
    }
    return getLookupSubjectsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.WriteSchemaRequest,
      dev.warden.authz.v1.WriteSchemaResponse> getWriteSchemaMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WriteSchema",
      requestType = dev.warden.authz.v1.WriteSchemaRequest.class,
      responseType = dev.warden.authz.v1.WriteSchemaResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.WriteSchemaRequest,
      dev.warden.authz.v1.WriteSchemaResponse> getWriteSchemaMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.WriteSchemaRequest, dev.warden.authz.v1.WriteSchemaResponse> getWriteSchemaMethod;
    if ((getWriteSchemaMethod = AuthzServiceGrpc.getWriteSchemaMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getWriteSchemaMethod = AuthzServiceGrpc.getWriteSchemaMethod) == null) {
          AuthzServiceGrpc.getWriteSchemaMethod = getWriteSchemaMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.WriteSchemaRequest, dev.warden.authz.v1.WriteSchemaResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WriteSchema"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.WriteSchemaRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.WriteSchemaResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("WriteSchema"))
              .build();
        }
      }
    }
    return getWriteSchemaMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.ReadSchemaRequest,
      dev.warden.authz.v1.ReadSchemaResponse> getReadSchemaMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReadSchema",
      requestType = dev.warden.authz.v1.ReadSchemaRequest.class,
      responseType = dev.warden.authz.v1.ReadSchemaResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.ReadSchemaRequest,
      dev.warden.authz.v1.ReadSchemaResponse> getReadSchemaMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.ReadSchemaRequest, dev.warden.authz.v1.ReadSchemaResponse> getReadSchemaMethod;
    if ((getReadSchemaMethod = AuthzServiceGrpc.getReadSchemaMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getReadSchemaMethod = AuthzServiceGrpc.getReadSchemaMethod) == null) {
          AuthzServiceGrpc.getReadSchemaMethod = getReadSchemaMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.ReadSchemaRequest, dev.warden.authz.v1.ReadSchemaResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReadSchema"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ReadSchemaRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ReadSchemaResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("ReadSchema"))
              .build();
        }
      }
    }
    return getReadSchemaMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.DefineRoleRequest,
      dev.warden.authz.v1.DefineRoleResponse> getDefineRoleMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DefineRole",
      requestType = dev.warden.authz.v1.DefineRoleRequest.class,
      responseType = dev.warden.authz.v1.DefineRoleResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.DefineRoleRequest,
      dev.warden.authz.v1.DefineRoleResponse> getDefineRoleMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.DefineRoleRequest, dev.warden.authz.v1.DefineRoleResponse> getDefineRoleMethod;
    if ((getDefineRoleMethod = AuthzServiceGrpc.getDefineRoleMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getDefineRoleMethod = AuthzServiceGrpc.getDefineRoleMethod) == null) {
          AuthzServiceGrpc.getDefineRoleMethod = getDefineRoleMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.DefineRoleRequest, dev.warden.authz.v1.DefineRoleResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DefineRole"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.DefineRoleRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.DefineRoleResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("DefineRole"))
              .build();
        }
      }
    }
    return getDefineRoleMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.AssignRoleRequest,
      dev.warden.authz.v1.AssignRoleResponse> getAssignRoleMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AssignRole",
      requestType = dev.warden.authz.v1.AssignRoleRequest.class,
      responseType = dev.warden.authz.v1.AssignRoleResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.AssignRoleRequest,
      dev.warden.authz.v1.AssignRoleResponse> getAssignRoleMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.AssignRoleRequest, dev.warden.authz.v1.AssignRoleResponse> getAssignRoleMethod;
    if ((getAssignRoleMethod = AuthzServiceGrpc.getAssignRoleMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getAssignRoleMethod = AuthzServiceGrpc.getAssignRoleMethod) == null) {
          AuthzServiceGrpc.getAssignRoleMethod = getAssignRoleMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.AssignRoleRequest, dev.warden.authz.v1.AssignRoleResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AssignRole"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.AssignRoleRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.AssignRoleResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("AssignRole"))
              .build();
        }
      }
    }
    return getAssignRoleMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.UnassignRoleRequest,
      dev.warden.authz.v1.UnassignRoleResponse> getUnassignRoleMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UnassignRole",
      requestType = dev.warden.authz.v1.UnassignRoleRequest.class,
      responseType = dev.warden.authz.v1.UnassignRoleResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.UnassignRoleRequest,
      dev.warden.authz.v1.UnassignRoleResponse> getUnassignRoleMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.UnassignRoleRequest, dev.warden.authz.v1.UnassignRoleResponse> getUnassignRoleMethod;
    if ((getUnassignRoleMethod = AuthzServiceGrpc.getUnassignRoleMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getUnassignRoleMethod = AuthzServiceGrpc.getUnassignRoleMethod) == null) {
          AuthzServiceGrpc.getUnassignRoleMethod = getUnassignRoleMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.UnassignRoleRequest, dev.warden.authz.v1.UnassignRoleResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UnassignRole"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.UnassignRoleRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.UnassignRoleResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("UnassignRole"))
              .build();
        }
      }
    }
    return getUnassignRoleMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.ListUserRolesRequest,
      dev.warden.authz.v1.ListUserRolesResponse> getListUserRolesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListUserRoles",
      requestType = dev.warden.authz.v1.ListUserRolesRequest.class,
      responseType = dev.warden.authz.v1.ListUserRolesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.ListUserRolesRequest,
      dev.warden.authz.v1.ListUserRolesResponse> getListUserRolesMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.ListUserRolesRequest, dev.warden.authz.v1.ListUserRolesResponse> getListUserRolesMethod;
    if ((getListUserRolesMethod = AuthzServiceGrpc.getListUserRolesMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getListUserRolesMethod = AuthzServiceGrpc.getListUserRolesMethod) == null) {
          AuthzServiceGrpc.getListUserRolesMethod = getListUserRolesMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.ListUserRolesRequest, dev.warden.authz.v1.ListUserRolesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListUserRoles"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ListUserRolesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ListUserRolesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("ListUserRoles"))
              .build();
        }
      }
    }
    return getListUserRolesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.GetRoleRequest,
      dev.warden.authz.v1.GetRoleResponse> getGetRoleMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetRole",
      requestType = dev.warden.authz.v1.GetRoleRequest.class,
      responseType = dev.warden.authz.v1.GetRoleResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.GetRoleRequest,
      dev.warden.authz.v1.GetRoleResponse> getGetRoleMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.GetRoleRequest, dev.warden.authz.v1.GetRoleResponse> getGetRoleMethod;
    if ((getGetRoleMethod = AuthzServiceGrpc.getGetRoleMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getGetRoleMethod = AuthzServiceGrpc.getGetRoleMethod) == null) {
          AuthzServiceGrpc.getGetRoleMethod = getGetRoleMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.GetRoleRequest, dev.warden.authz.v1.GetRoleResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetRole"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.GetRoleRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.GetRoleResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("GetRole"))
              .build();
        }
      }
    }
    return getGetRoleMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.ListRolesRequest,
      dev.warden.authz.v1.ListRolesResponse> getListRolesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListRoles",
      requestType = dev.warden.authz.v1.ListRolesRequest.class,
      responseType = dev.warden.authz.v1.ListRolesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.ListRolesRequest,
      dev.warden.authz.v1.ListRolesResponse> getListRolesMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.ListRolesRequest, dev.warden.authz.v1.ListRolesResponse> getListRolesMethod;
    if ((getListRolesMethod = AuthzServiceGrpc.getListRolesMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getListRolesMethod = AuthzServiceGrpc.getListRolesMethod) == null) {
          AuthzServiceGrpc.getListRolesMethod = getListRolesMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.ListRolesRequest, dev.warden.authz.v1.ListRolesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListRoles"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ListRolesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.ListRolesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("ListRoles"))
              .build();
        }
      }
    }
    return getListRolesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.authz.v1.DeleteRoleRequest,
      dev.warden.authz.v1.DeleteRoleResponse> getDeleteRoleMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteRole",
      requestType = dev.warden.authz.v1.DeleteRoleRequest.class,
      responseType = dev.warden.authz.v1.DeleteRoleResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.authz.v1.DeleteRoleRequest,
      dev.warden.authz.v1.DeleteRoleResponse> getDeleteRoleMethod() {
    io.grpc.MethodDescriptor<dev.warden.authz.v1.DeleteRoleRequest, dev.warden.authz.v1.DeleteRoleResponse> getDeleteRoleMethod;
    if ((getDeleteRoleMethod = AuthzServiceGrpc.getDeleteRoleMethod) == null) {
      synchronized (AuthzServiceGrpc.class) {
        if ((getDeleteRoleMethod = AuthzServiceGrpc.getDeleteRoleMethod) == null) {
          AuthzServiceGrpc.getDeleteRoleMethod = getDeleteRoleMethod =
              io.grpc.MethodDescriptor.<dev.warden.authz.v1.DeleteRoleRequest, dev.warden.authz.v1.DeleteRoleResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteRole"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.DeleteRoleRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.authz.v1.DeleteRoleResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthzServiceMethodDescriptorSupplier("DeleteRole"))
              .build();
        }
      }
    }
    return getDeleteRoleMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static AuthzServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthzServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthzServiceStub>() {
        @java.lang.Override
        public AuthzServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthzServiceStub(channel, callOptions);
        }
      };
    return AuthzServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static AuthzServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthzServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthzServiceBlockingV2Stub>() {
        @java.lang.Override
        public AuthzServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthzServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return AuthzServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static AuthzServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthzServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthzServiceBlockingStub>() {
        @java.lang.Override
        public AuthzServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthzServiceBlockingStub(channel, callOptions);
        }
      };
    return AuthzServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static AuthzServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthzServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthzServiceFutureStub>() {
        @java.lang.Override
        public AuthzServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthzServiceFutureStub(channel, callOptions);
        }
      };
    return AuthzServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * AuthzService holds roles (copied into sessions, read by services with no
   * network call) and fine-grained relationships evaluated Zanzibar-style
   * against a schema written in a subset of the SpiceDB schema language.
   * Reads (checks, lookups, reading relationships and the schema) need any
   * authenticated caller; writes (roles, schema, relationships) and reading
   * role definitions need `admin`.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * CheckPermission answers whether a subject has a permission on a resource.
     * </pre>
     */
    default void checkPermission(dev.warden.authz.v1.CheckPermissionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.CheckPermissionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCheckPermissionMethod(), responseObserver);
    }

    /**
     * <pre>
     * CheckBulkPermissions runs many checks at one revision, each with its own
     * result or error.
     * </pre>
     */
    default void checkBulkPermissions(dev.warden.authz.v1.CheckBulkPermissionsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.CheckBulkPermissionsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCheckBulkPermissionsMethod(), responseObserver);
    }

    /**
     * <pre>
     * WriteRelationships applies creates, touches and deletes atomically, after
     * checking the preconditions.
     * </pre>
     */
    default void writeRelationships(dev.warden.authz.v1.WriteRelationshipsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.WriteRelationshipsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWriteRelationshipsMethod(), responseObserver);
    }

    /**
     * <pre>
     * DeleteRelationships deletes every relationship matching a filter.
     * </pre>
     */
    default void deleteRelationships(dev.warden.authz.v1.DeleteRelationshipsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.DeleteRelationshipsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteRelationshipsMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReadRelationships streams the relationships matching a filter.
     * </pre>
     */
    default void readRelationships(dev.warden.authz.v1.ReadRelationshipsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ReadRelationshipsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReadRelationshipsMethod(), responseObserver);
    }

    /**
     * <pre>
     * LookupResources streams the ids of resources of a type on which the
     * subject has the permission.
     * </pre>
     */
    default void lookupResources(dev.warden.authz.v1.LookupResourcesRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.LookupResourcesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLookupResourcesMethod(), responseObserver);
    }

    /**
     * <pre>
     * LookupSubjects streams the ids of subjects of a type that have the
     * permission on the resource.
     * </pre>
     */
    default void lookupSubjects(dev.warden.authz.v1.LookupSubjectsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.LookupSubjectsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLookupSubjectsMethod(), responseObserver);
    }

    /**
     * <pre>
     * WriteSchema replaces the schema after validating it.
     * </pre>
     */
    default void writeSchema(dev.warden.authz.v1.WriteSchemaRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.WriteSchemaResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWriteSchemaMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReadSchema returns the current schema text.
     * </pre>
     */
    default void readSchema(dev.warden.authz.v1.ReadSchemaRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ReadSchemaResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReadSchemaMethod(), responseObserver);
    }

    /**
     * <pre>
     * DefineRole creates or replaces a role and its permissions; its holders'
     * live sessions are re-enriched before it returns.
     * </pre>
     */
    default void defineRole(dev.warden.authz.v1.DefineRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.DefineRoleResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDefineRoleMethod(), responseObserver);
    }

    /**
     * <pre>
     * AssignRole gives a role to a user; live sessions are re-enriched.
     * </pre>
     */
    default void assignRole(dev.warden.authz.v1.AssignRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.AssignRoleResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAssignRoleMethod(), responseObserver);
    }

    /**
     * <pre>
     * UnassignRole takes a role from a user; live sessions are re-enriched.
     * </pre>
     */
    default void unassignRole(dev.warden.authz.v1.UnassignRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.UnassignRoleResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUnassignRoleMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListUserRoles lists a user's roles.
     * </pre>
     */
    default void listUserRoles(dev.warden.authz.v1.ListUserRolesRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ListUserRolesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListUserRolesMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetRole returns a role's definition; NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined. Needs `admin`.
     * </pre>
     */
    default void getRole(dev.warden.authz.v1.GetRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.GetRoleResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetRoleMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListRoles lists the defined roles in name order, a page at a time,
     * `admin` included. Needs `admin`.
     * </pre>
     */
    default void listRoles(dev.warden.authz.v1.ListRolesRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ListRolesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListRolesMethod(), responseObserver);
    }

    /**
     * <pre>
     * DeleteRole removes a role and takes it from every user who holds it;
     * their live sessions are re-enriched before it returns. NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined; the built-in `admin` cannot be
     * deleted (FAILED_PRECONDITION, reason `ROLE_BUILT_IN`). Needs `admin`.
     * DefineRole, AssignRole, UnassignRole and DeleteRole answer UNAVAILABLE
     * with reason `SESSIONS_NOT_UPDATED` when the change is saved but the live
     * sessions could not be reached: they get it once the session store
     * answers again, with no further call.
     * </pre>
     */
    default void deleteRole(dev.warden.authz.v1.DeleteRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.DeleteRoleResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteRoleMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service AuthzService.
   * <pre>
   * AuthzService holds roles (copied into sessions, read by services with no
   * network call) and fine-grained relationships evaluated Zanzibar-style
   * against a schema written in a subset of the SpiceDB schema language.
   * Reads (checks, lookups, reading relationships and the schema) need any
   * authenticated caller; writes (roles, schema, relationships) and reading
   * role definitions need `admin`.
   * </pre>
   */
  public static abstract class AuthzServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return AuthzServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service AuthzService.
   * <pre>
   * AuthzService holds roles (copied into sessions, read by services with no
   * network call) and fine-grained relationships evaluated Zanzibar-style
   * against a schema written in a subset of the SpiceDB schema language.
   * Reads (checks, lookups, reading relationships and the schema) need any
   * authenticated caller; writes (roles, schema, relationships) and reading
   * role definitions need `admin`.
   * </pre>
   */
  public static final class AuthzServiceStub
      extends io.grpc.stub.AbstractAsyncStub<AuthzServiceStub> {
    private AuthzServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthzServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthzServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * CheckPermission answers whether a subject has a permission on a resource.
     * </pre>
     */
    public void checkPermission(dev.warden.authz.v1.CheckPermissionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.CheckPermissionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCheckPermissionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * CheckBulkPermissions runs many checks at one revision, each with its own
     * result or error.
     * </pre>
     */
    public void checkBulkPermissions(dev.warden.authz.v1.CheckBulkPermissionsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.CheckBulkPermissionsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCheckBulkPermissionsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * WriteRelationships applies creates, touches and deletes atomically, after
     * checking the preconditions.
     * </pre>
     */
    public void writeRelationships(dev.warden.authz.v1.WriteRelationshipsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.WriteRelationshipsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getWriteRelationshipsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DeleteRelationships deletes every relationship matching a filter.
     * </pre>
     */
    public void deleteRelationships(dev.warden.authz.v1.DeleteRelationshipsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.DeleteRelationshipsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteRelationshipsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReadRelationships streams the relationships matching a filter.
     * </pre>
     */
    public void readRelationships(dev.warden.authz.v1.ReadRelationshipsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ReadRelationshipsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getReadRelationshipsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * LookupResources streams the ids of resources of a type on which the
     * subject has the permission.
     * </pre>
     */
    public void lookupResources(dev.warden.authz.v1.LookupResourcesRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.LookupResourcesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getLookupResourcesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * LookupSubjects streams the ids of subjects of a type that have the
     * permission on the resource.
     * </pre>
     */
    public void lookupSubjects(dev.warden.authz.v1.LookupSubjectsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.LookupSubjectsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getLookupSubjectsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * WriteSchema replaces the schema after validating it.
     * </pre>
     */
    public void writeSchema(dev.warden.authz.v1.WriteSchemaRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.WriteSchemaResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getWriteSchemaMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReadSchema returns the current schema text.
     * </pre>
     */
    public void readSchema(dev.warden.authz.v1.ReadSchemaRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ReadSchemaResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getReadSchemaMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DefineRole creates or replaces a role and its permissions; its holders'
     * live sessions are re-enriched before it returns.
     * </pre>
     */
    public void defineRole(dev.warden.authz.v1.DefineRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.DefineRoleResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDefineRoleMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * AssignRole gives a role to a user; live sessions are re-enriched.
     * </pre>
     */
    public void assignRole(dev.warden.authz.v1.AssignRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.AssignRoleResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAssignRoleMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * UnassignRole takes a role from a user; live sessions are re-enriched.
     * </pre>
     */
    public void unassignRole(dev.warden.authz.v1.UnassignRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.UnassignRoleResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUnassignRoleMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListUserRoles lists a user's roles.
     * </pre>
     */
    public void listUserRoles(dev.warden.authz.v1.ListUserRolesRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ListUserRolesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListUserRolesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetRole returns a role's definition; NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined. Needs `admin`.
     * </pre>
     */
    public void getRole(dev.warden.authz.v1.GetRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.GetRoleResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetRoleMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListRoles lists the defined roles in name order, a page at a time,
     * `admin` included. Needs `admin`.
     * </pre>
     */
    public void listRoles(dev.warden.authz.v1.ListRolesRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.ListRolesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListRolesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DeleteRole removes a role and takes it from every user who holds it;
     * their live sessions are re-enriched before it returns. NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined; the built-in `admin` cannot be
     * deleted (FAILED_PRECONDITION, reason `ROLE_BUILT_IN`). Needs `admin`.
     * DefineRole, AssignRole, UnassignRole and DeleteRole answer UNAVAILABLE
     * with reason `SESSIONS_NOT_UPDATED` when the change is saved but the live
     * sessions could not be reached: they get it once the session store
     * answers again, with no further call.
     * </pre>
     */
    public void deleteRole(dev.warden.authz.v1.DeleteRoleRequest request,
        io.grpc.stub.StreamObserver<dev.warden.authz.v1.DeleteRoleResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteRoleMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service AuthzService.
   * <pre>
   * AuthzService holds roles (copied into sessions, read by services with no
   * network call) and fine-grained relationships evaluated Zanzibar-style
   * against a schema written in a subset of the SpiceDB schema language.
   * Reads (checks, lookups, reading relationships and the schema) need any
   * authenticated caller; writes (roles, schema, relationships) and reading
   * role definitions need `admin`.
   * </pre>
   */
  public static final class AuthzServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<AuthzServiceBlockingV2Stub> {
    private AuthzServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthzServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthzServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * CheckPermission answers whether a subject has a permission on a resource.
     * </pre>
     */
    public dev.warden.authz.v1.CheckPermissionResponse checkPermission(dev.warden.authz.v1.CheckPermissionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCheckPermissionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CheckBulkPermissions runs many checks at one revision, each with its own
     * result or error.
     * </pre>
     */
    public dev.warden.authz.v1.CheckBulkPermissionsResponse checkBulkPermissions(dev.warden.authz.v1.CheckBulkPermissionsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCheckBulkPermissionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WriteRelationships applies creates, touches and deletes atomically, after
     * checking the preconditions.
     * </pre>
     */
    public dev.warden.authz.v1.WriteRelationshipsResponse writeRelationships(dev.warden.authz.v1.WriteRelationshipsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getWriteRelationshipsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteRelationships deletes every relationship matching a filter.
     * </pre>
     */
    public dev.warden.authz.v1.DeleteRelationshipsResponse deleteRelationships(dev.warden.authz.v1.DeleteRelationshipsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteRelationshipsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReadRelationships streams the relationships matching a filter.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.warden.authz.v1.ReadRelationshipsResponse>
        readRelationships(dev.warden.authz.v1.ReadRelationshipsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getReadRelationshipsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * LookupResources streams the ids of resources of a type on which the
     * subject has the permission.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.warden.authz.v1.LookupResourcesResponse>
        lookupResources(dev.warden.authz.v1.LookupResourcesRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getLookupResourcesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * LookupSubjects streams the ids of subjects of a type that have the
     * permission on the resource.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.warden.authz.v1.LookupSubjectsResponse>
        lookupSubjects(dev.warden.authz.v1.LookupSubjectsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getLookupSubjectsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WriteSchema replaces the schema after validating it.
     * </pre>
     */
    public dev.warden.authz.v1.WriteSchemaResponse writeSchema(dev.warden.authz.v1.WriteSchemaRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getWriteSchemaMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReadSchema returns the current schema text.
     * </pre>
     */
    public dev.warden.authz.v1.ReadSchemaResponse readSchema(dev.warden.authz.v1.ReadSchemaRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getReadSchemaMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DefineRole creates or replaces a role and its permissions; its holders'
     * live sessions are re-enriched before it returns.
     * </pre>
     */
    public dev.warden.authz.v1.DefineRoleResponse defineRole(dev.warden.authz.v1.DefineRoleRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDefineRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * AssignRole gives a role to a user; live sessions are re-enriched.
     * </pre>
     */
    public dev.warden.authz.v1.AssignRoleResponse assignRole(dev.warden.authz.v1.AssignRoleRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAssignRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UnassignRole takes a role from a user; live sessions are re-enriched.
     * </pre>
     */
    public dev.warden.authz.v1.UnassignRoleResponse unassignRole(dev.warden.authz.v1.UnassignRoleRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUnassignRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListUserRoles lists a user's roles.
     * </pre>
     */
    public dev.warden.authz.v1.ListUserRolesResponse listUserRoles(dev.warden.authz.v1.ListUserRolesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListUserRolesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetRole returns a role's definition; NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined. Needs `admin`.
     * </pre>
     */
    public dev.warden.authz.v1.GetRoleResponse getRole(dev.warden.authz.v1.GetRoleRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListRoles lists the defined roles in name order, a page at a time,
     * `admin` included. Needs `admin`.
     * </pre>
     */
    public dev.warden.authz.v1.ListRolesResponse listRoles(dev.warden.authz.v1.ListRolesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListRolesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteRole removes a role and takes it from every user who holds it;
     * their live sessions are re-enriched before it returns. NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined; the built-in `admin` cannot be
     * deleted (FAILED_PRECONDITION, reason `ROLE_BUILT_IN`). Needs `admin`.
     * DefineRole, AssignRole, UnassignRole and DeleteRole answer UNAVAILABLE
     * with reason `SESSIONS_NOT_UPDATED` when the change is saved but the live
     * sessions could not be reached: they get it once the session store
     * answers again, with no further call.
     * </pre>
     */
    public dev.warden.authz.v1.DeleteRoleResponse deleteRole(dev.warden.authz.v1.DeleteRoleRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteRoleMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service AuthzService.
   * <pre>
   * AuthzService holds roles (copied into sessions, read by services with no
   * network call) and fine-grained relationships evaluated Zanzibar-style
   * against a schema written in a subset of the SpiceDB schema language.
   * Reads (checks, lookups, reading relationships and the schema) need any
   * authenticated caller; writes (roles, schema, relationships) and reading
   * role definitions need `admin`.
   * </pre>
   */
  public static final class AuthzServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<AuthzServiceBlockingStub> {
    private AuthzServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthzServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthzServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * CheckPermission answers whether a subject has a permission on a resource.
     * </pre>
     */
    public dev.warden.authz.v1.CheckPermissionResponse checkPermission(dev.warden.authz.v1.CheckPermissionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCheckPermissionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CheckBulkPermissions runs many checks at one revision, each with its own
     * result or error.
     * </pre>
     */
    public dev.warden.authz.v1.CheckBulkPermissionsResponse checkBulkPermissions(dev.warden.authz.v1.CheckBulkPermissionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCheckBulkPermissionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WriteRelationships applies creates, touches and deletes atomically, after
     * checking the preconditions.
     * </pre>
     */
    public dev.warden.authz.v1.WriteRelationshipsResponse writeRelationships(dev.warden.authz.v1.WriteRelationshipsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getWriteRelationshipsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteRelationships deletes every relationship matching a filter.
     * </pre>
     */
    public dev.warden.authz.v1.DeleteRelationshipsResponse deleteRelationships(dev.warden.authz.v1.DeleteRelationshipsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteRelationshipsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReadRelationships streams the relationships matching a filter.
     * </pre>
     */
    public java.util.Iterator<dev.warden.authz.v1.ReadRelationshipsResponse> readRelationships(
        dev.warden.authz.v1.ReadRelationshipsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getReadRelationshipsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * LookupResources streams the ids of resources of a type on which the
     * subject has the permission.
     * </pre>
     */
    public java.util.Iterator<dev.warden.authz.v1.LookupResourcesResponse> lookupResources(
        dev.warden.authz.v1.LookupResourcesRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getLookupResourcesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * LookupSubjects streams the ids of subjects of a type that have the
     * permission on the resource.
     * </pre>
     */
    public java.util.Iterator<dev.warden.authz.v1.LookupSubjectsResponse> lookupSubjects(
        dev.warden.authz.v1.LookupSubjectsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getLookupSubjectsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WriteSchema replaces the schema after validating it.
     * </pre>
     */
    public dev.warden.authz.v1.WriteSchemaResponse writeSchema(dev.warden.authz.v1.WriteSchemaRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getWriteSchemaMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReadSchema returns the current schema text.
     * </pre>
     */
    public dev.warden.authz.v1.ReadSchemaResponse readSchema(dev.warden.authz.v1.ReadSchemaRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getReadSchemaMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DefineRole creates or replaces a role and its permissions; its holders'
     * live sessions are re-enriched before it returns.
     * </pre>
     */
    public dev.warden.authz.v1.DefineRoleResponse defineRole(dev.warden.authz.v1.DefineRoleRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDefineRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * AssignRole gives a role to a user; live sessions are re-enriched.
     * </pre>
     */
    public dev.warden.authz.v1.AssignRoleResponse assignRole(dev.warden.authz.v1.AssignRoleRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAssignRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UnassignRole takes a role from a user; live sessions are re-enriched.
     * </pre>
     */
    public dev.warden.authz.v1.UnassignRoleResponse unassignRole(dev.warden.authz.v1.UnassignRoleRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUnassignRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListUserRoles lists a user's roles.
     * </pre>
     */
    public dev.warden.authz.v1.ListUserRolesResponse listUserRoles(dev.warden.authz.v1.ListUserRolesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListUserRolesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetRole returns a role's definition; NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined. Needs `admin`.
     * </pre>
     */
    public dev.warden.authz.v1.GetRoleResponse getRole(dev.warden.authz.v1.GetRoleRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetRoleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListRoles lists the defined roles in name order, a page at a time,
     * `admin` included. Needs `admin`.
     * </pre>
     */
    public dev.warden.authz.v1.ListRolesResponse listRoles(dev.warden.authz.v1.ListRolesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListRolesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteRole removes a role and takes it from every user who holds it;
     * their live sessions are re-enriched before it returns. NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined; the built-in `admin` cannot be
     * deleted (FAILED_PRECONDITION, reason `ROLE_BUILT_IN`). Needs `admin`.
     * DefineRole, AssignRole, UnassignRole and DeleteRole answer UNAVAILABLE
     * with reason `SESSIONS_NOT_UPDATED` when the change is saved but the live
     * sessions could not be reached: they get it once the session store
     * answers again, with no further call.
     * </pre>
     */
    public dev.warden.authz.v1.DeleteRoleResponse deleteRole(dev.warden.authz.v1.DeleteRoleRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteRoleMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service AuthzService.
   * <pre>
   * AuthzService holds roles (copied into sessions, read by services with no
   * network call) and fine-grained relationships evaluated Zanzibar-style
   * against a schema written in a subset of the SpiceDB schema language.
   * Reads (checks, lookups, reading relationships and the schema) need any
   * authenticated caller; writes (roles, schema, relationships) and reading
   * role definitions need `admin`.
   * </pre>
   */
  public static final class AuthzServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<AuthzServiceFutureStub> {
    private AuthzServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthzServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthzServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * CheckPermission answers whether a subject has a permission on a resource.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.CheckPermissionResponse> checkPermission(
        dev.warden.authz.v1.CheckPermissionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCheckPermissionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * CheckBulkPermissions runs many checks at one revision, each with its own
     * result or error.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.CheckBulkPermissionsResponse> checkBulkPermissions(
        dev.warden.authz.v1.CheckBulkPermissionsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCheckBulkPermissionsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * WriteRelationships applies creates, touches and deletes atomically, after
     * checking the preconditions.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.WriteRelationshipsResponse> writeRelationships(
        dev.warden.authz.v1.WriteRelationshipsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getWriteRelationshipsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DeleteRelationships deletes every relationship matching a filter.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.DeleteRelationshipsResponse> deleteRelationships(
        dev.warden.authz.v1.DeleteRelationshipsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteRelationshipsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * WriteSchema replaces the schema after validating it.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.WriteSchemaResponse> writeSchema(
        dev.warden.authz.v1.WriteSchemaRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getWriteSchemaMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ReadSchema returns the current schema text.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.ReadSchemaResponse> readSchema(
        dev.warden.authz.v1.ReadSchemaRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getReadSchemaMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DefineRole creates or replaces a role and its permissions; its holders'
     * live sessions are re-enriched before it returns.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.DefineRoleResponse> defineRole(
        dev.warden.authz.v1.DefineRoleRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDefineRoleMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * AssignRole gives a role to a user; live sessions are re-enriched.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.AssignRoleResponse> assignRole(
        dev.warden.authz.v1.AssignRoleRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAssignRoleMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * UnassignRole takes a role from a user; live sessions are re-enriched.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.UnassignRoleResponse> unassignRole(
        dev.warden.authz.v1.UnassignRoleRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUnassignRoleMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListUserRoles lists a user's roles.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.ListUserRolesResponse> listUserRoles(
        dev.warden.authz.v1.ListUserRolesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListUserRolesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetRole returns a role's definition; NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined. Needs `admin`.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.GetRoleResponse> getRole(
        dev.warden.authz.v1.GetRoleRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetRoleMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListRoles lists the defined roles in name order, a page at a time,
     * `admin` included. Needs `admin`.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.ListRolesResponse> listRoles(
        dev.warden.authz.v1.ListRolesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListRolesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DeleteRole removes a role and takes it from every user who holds it;
     * their live sessions are re-enriched before it returns. NOT_FOUND (reason
     * `ROLE_NOT_FOUND`) when it is not defined; the built-in `admin` cannot be
     * deleted (FAILED_PRECONDITION, reason `ROLE_BUILT_IN`). Needs `admin`.
     * DefineRole, AssignRole, UnassignRole and DeleteRole answer UNAVAILABLE
     * with reason `SESSIONS_NOT_UPDATED` when the change is saved but the live
     * sessions could not be reached: they get it once the session store
     * answers again, with no further call.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.authz.v1.DeleteRoleResponse> deleteRole(
        dev.warden.authz.v1.DeleteRoleRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteRoleMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CHECK_PERMISSION = 0;
  private static final int METHODID_CHECK_BULK_PERMISSIONS = 1;
  private static final int METHODID_WRITE_RELATIONSHIPS = 2;
  private static final int METHODID_DELETE_RELATIONSHIPS = 3;
  private static final int METHODID_READ_RELATIONSHIPS = 4;
  private static final int METHODID_LOOKUP_RESOURCES = 5;
  private static final int METHODID_LOOKUP_SUBJECTS = 6;
  private static final int METHODID_WRITE_SCHEMA = 7;
  private static final int METHODID_READ_SCHEMA = 8;
  private static final int METHODID_DEFINE_ROLE = 9;
  private static final int METHODID_ASSIGN_ROLE = 10;
  private static final int METHODID_UNASSIGN_ROLE = 11;
  private static final int METHODID_LIST_USER_ROLES = 12;
  private static final int METHODID_GET_ROLE = 13;
  private static final int METHODID_LIST_ROLES = 14;
  private static final int METHODID_DELETE_ROLE = 15;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CHECK_PERMISSION:
          serviceImpl.checkPermission((dev.warden.authz.v1.CheckPermissionRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.CheckPermissionResponse>) responseObserver);
          break;
        case METHODID_CHECK_BULK_PERMISSIONS:
          serviceImpl.checkBulkPermissions((dev.warden.authz.v1.CheckBulkPermissionsRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.CheckBulkPermissionsResponse>) responseObserver);
          break;
        case METHODID_WRITE_RELATIONSHIPS:
          serviceImpl.writeRelationships((dev.warden.authz.v1.WriteRelationshipsRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.WriteRelationshipsResponse>) responseObserver);
          break;
        case METHODID_DELETE_RELATIONSHIPS:
          serviceImpl.deleteRelationships((dev.warden.authz.v1.DeleteRelationshipsRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.DeleteRelationshipsResponse>) responseObserver);
          break;
        case METHODID_READ_RELATIONSHIPS:
          serviceImpl.readRelationships((dev.warden.authz.v1.ReadRelationshipsRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.ReadRelationshipsResponse>) responseObserver);
          break;
        case METHODID_LOOKUP_RESOURCES:
          serviceImpl.lookupResources((dev.warden.authz.v1.LookupResourcesRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.LookupResourcesResponse>) responseObserver);
          break;
        case METHODID_LOOKUP_SUBJECTS:
          serviceImpl.lookupSubjects((dev.warden.authz.v1.LookupSubjectsRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.LookupSubjectsResponse>) responseObserver);
          break;
        case METHODID_WRITE_SCHEMA:
          serviceImpl.writeSchema((dev.warden.authz.v1.WriteSchemaRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.WriteSchemaResponse>) responseObserver);
          break;
        case METHODID_READ_SCHEMA:
          serviceImpl.readSchema((dev.warden.authz.v1.ReadSchemaRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.ReadSchemaResponse>) responseObserver);
          break;
        case METHODID_DEFINE_ROLE:
          serviceImpl.defineRole((dev.warden.authz.v1.DefineRoleRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.DefineRoleResponse>) responseObserver);
          break;
        case METHODID_ASSIGN_ROLE:
          serviceImpl.assignRole((dev.warden.authz.v1.AssignRoleRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.AssignRoleResponse>) responseObserver);
          break;
        case METHODID_UNASSIGN_ROLE:
          serviceImpl.unassignRole((dev.warden.authz.v1.UnassignRoleRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.UnassignRoleResponse>) responseObserver);
          break;
        case METHODID_LIST_USER_ROLES:
          serviceImpl.listUserRoles((dev.warden.authz.v1.ListUserRolesRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.ListUserRolesResponse>) responseObserver);
          break;
        case METHODID_GET_ROLE:
          serviceImpl.getRole((dev.warden.authz.v1.GetRoleRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.GetRoleResponse>) responseObserver);
          break;
        case METHODID_LIST_ROLES:
          serviceImpl.listRoles((dev.warden.authz.v1.ListRolesRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.ListRolesResponse>) responseObserver);
          break;
        case METHODID_DELETE_ROLE:
          serviceImpl.deleteRole((dev.warden.authz.v1.DeleteRoleRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.authz.v1.DeleteRoleResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getCheckPermissionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.CheckPermissionRequest,
              dev.warden.authz.v1.CheckPermissionResponse>(
                service, METHODID_CHECK_PERMISSION)))
        .addMethod(
          getCheckBulkPermissionsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.CheckBulkPermissionsRequest,
              dev.warden.authz.v1.CheckBulkPermissionsResponse>(
                service, METHODID_CHECK_BULK_PERMISSIONS)))
        .addMethod(
          getWriteRelationshipsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.WriteRelationshipsRequest,
              dev.warden.authz.v1.WriteRelationshipsResponse>(
                service, METHODID_WRITE_RELATIONSHIPS)))
        .addMethod(
          getDeleteRelationshipsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.DeleteRelationshipsRequest,
              dev.warden.authz.v1.DeleteRelationshipsResponse>(
                service, METHODID_DELETE_RELATIONSHIPS)))
        .addMethod(
          getReadRelationshipsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.warden.authz.v1.ReadRelationshipsRequest,
              dev.warden.authz.v1.ReadRelationshipsResponse>(
                service, METHODID_READ_RELATIONSHIPS)))
        .addMethod(
          getLookupResourcesMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.warden.authz.v1.LookupResourcesRequest,
              dev.warden.authz.v1.LookupResourcesResponse>(
                service, METHODID_LOOKUP_RESOURCES)))
        .addMethod(
          getLookupSubjectsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.warden.authz.v1.LookupSubjectsRequest,
              dev.warden.authz.v1.LookupSubjectsResponse>(
                service, METHODID_LOOKUP_SUBJECTS)))
        .addMethod(
          getWriteSchemaMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.WriteSchemaRequest,
              dev.warden.authz.v1.WriteSchemaResponse>(
                service, METHODID_WRITE_SCHEMA)))
        .addMethod(
          getReadSchemaMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.ReadSchemaRequest,
              dev.warden.authz.v1.ReadSchemaResponse>(
                service, METHODID_READ_SCHEMA)))
        .addMethod(
          getDefineRoleMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.DefineRoleRequest,
              dev.warden.authz.v1.DefineRoleResponse>(
                service, METHODID_DEFINE_ROLE)))
        .addMethod(
          getAssignRoleMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.AssignRoleRequest,
              dev.warden.authz.v1.AssignRoleResponse>(
                service, METHODID_ASSIGN_ROLE)))
        .addMethod(
          getUnassignRoleMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.UnassignRoleRequest,
              dev.warden.authz.v1.UnassignRoleResponse>(
                service, METHODID_UNASSIGN_ROLE)))
        .addMethod(
          getListUserRolesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.ListUserRolesRequest,
              dev.warden.authz.v1.ListUserRolesResponse>(
                service, METHODID_LIST_USER_ROLES)))
        .addMethod(
          getGetRoleMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.GetRoleRequest,
              dev.warden.authz.v1.GetRoleResponse>(
                service, METHODID_GET_ROLE)))
        .addMethod(
          getListRolesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.ListRolesRequest,
              dev.warden.authz.v1.ListRolesResponse>(
                service, METHODID_LIST_ROLES)))
        .addMethod(
          getDeleteRoleMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.authz.v1.DeleteRoleRequest,
              dev.warden.authz.v1.DeleteRoleResponse>(
                service, METHODID_DELETE_ROLE)))
        .build();
  }

  private static abstract class AuthzServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    AuthzServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.warden.authz.v1.AuthzProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("AuthzService");
    }
  }

  private static final class AuthzServiceFileDescriptorSupplier
      extends AuthzServiceBaseDescriptorSupplier {
    AuthzServiceFileDescriptorSupplier() {}
  }

  private static final class AuthzServiceMethodDescriptorSupplier
      extends AuthzServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    AuthzServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (AuthzServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new AuthzServiceFileDescriptorSupplier())
              .addMethod(getCheckPermissionMethod())
              .addMethod(getCheckBulkPermissionsMethod())
              .addMethod(getWriteRelationshipsMethod())
              .addMethod(getDeleteRelationshipsMethod())
              .addMethod(getReadRelationshipsMethod())
              .addMethod(getLookupResourcesMethod())
              .addMethod(getLookupSubjectsMethod())
              .addMethod(getWriteSchemaMethod())
              .addMethod(getReadSchemaMethod())
              .addMethod(getDefineRoleMethod())
              .addMethod(getAssignRoleMethod())
              .addMethod(getUnassignRoleMethod())
              .addMethod(getListUserRolesMethod())
              .addMethod(getGetRoleMethod())
              .addMethod(getListRolesMethod())
              .addMethod(getDeleteRoleMethod())
              .build();
        }
      }
    }
    return result;
  }
}
