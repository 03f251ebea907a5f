package dev.warden.auth.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * AuthService registers users, logs them in and issues tokens. Access tokens
 * are JWTs signed with Warden's private key (EdDSA by default) and verified by
 * services locally against the keys of `GetJwks`; every token is bound to a
 * server-side session, so logout and suspension take effect at once.
 * `Register`, `Login`, `LoginWithApiKey`, `Refresh` and `GetJwks` are open;
 * every other RPC needs `authorization: Bearer &lt;access-jwt&gt;` metadata.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class AuthServiceGrpc {

  private AuthServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "warden.auth.v1.AuthService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.RegisterRequest,
      dev.warden.auth.v1.RegisterResponse> getRegisterMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Register",
      requestType = dev.warden.auth.v1.RegisterRequest.class,
      responseType = dev.warden.auth.v1.RegisterResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.RegisterRequest,
      dev.warden.auth.v1.RegisterResponse> getRegisterMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.RegisterRequest, dev.warden.auth.v1.RegisterResponse> getRegisterMethod;
    if ((getRegisterMethod = AuthServiceGrpc.getRegisterMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getRegisterMethod = AuthServiceGrpc.getRegisterMethod) == null) {
          AuthServiceGrpc.getRegisterMethod = getRegisterMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.RegisterRequest, dev.warden.auth.v1.RegisterResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Register"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.RegisterRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.RegisterResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("Register"))
              .build();
        }
      }
    }
    return getRegisterMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.LoginRequest,
      dev.warden.auth.v1.LoginResponse> getLoginMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Login",
      requestType = dev.warden.auth.v1.LoginRequest.class,
      responseType = dev.warden.auth.v1.LoginResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.LoginRequest,
      dev.warden.auth.v1.LoginResponse> getLoginMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.LoginRequest, dev.warden.auth.v1.LoginResponse> getLoginMethod;
    if ((getLoginMethod = AuthServiceGrpc.getLoginMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getLoginMethod = AuthServiceGrpc.getLoginMethod) == null) {
          AuthServiceGrpc.getLoginMethod = getLoginMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.LoginRequest, dev.warden.auth.v1.LoginResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Login"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.LoginRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.LoginResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("Login"))
              .build();
        }
      }
    }
    return getLoginMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.LoginWithApiKeyRequest,
      dev.warden.auth.v1.LoginWithApiKeyResponse> getLoginWithApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LoginWithApiKey",
      requestType = dev.warden.auth.v1.LoginWithApiKeyRequest.class,
      responseType = dev.warden.auth.v1.LoginWithApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.LoginWithApiKeyRequest,
      dev.warden.auth.v1.LoginWithApiKeyResponse> getLoginWithApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.LoginWithApiKeyRequest, dev.warden.auth.v1.LoginWithApiKeyResponse> getLoginWithApiKeyMethod;
    if ((getLoginWithApiKeyMethod = AuthServiceGrpc.getLoginWithApiKeyMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getLoginWithApiKeyMethod = AuthServiceGrpc.getLoginWithApiKeyMethod) == null) {
          AuthServiceGrpc.getLoginWithApiKeyMethod = getLoginWithApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.LoginWithApiKeyRequest, dev.warden.auth.v1.LoginWithApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LoginWithApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.LoginWithApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.LoginWithApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("LoginWithApiKey"))
              .build();
        }
      }
    }
    return getLoginWithApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.RefreshRequest,
      dev.warden.auth.v1.RefreshResponse> getRefreshMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Refresh",
      requestType = dev.warden.auth.v1.RefreshRequest.class,
      responseType = dev.warden.auth.v1.RefreshResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.RefreshRequest,
      dev.warden.auth.v1.RefreshResponse> getRefreshMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.RefreshRequest, dev.warden.auth.v1.RefreshResponse> getRefreshMethod;
    if ((getRefreshMethod = AuthServiceGrpc.getRefreshMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getRefreshMethod = AuthServiceGrpc.getRefreshMethod) == null) {
          AuthServiceGrpc.getRefreshMethod = getRefreshMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.RefreshRequest, dev.warden.auth.v1.RefreshResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Refresh"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.RefreshRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.RefreshResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("Refresh"))
              .build();
        }
      }
    }
    return getRefreshMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.LogoutRequest,
      dev.warden.auth.v1.LogoutResponse> getLogoutMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Logout",
      requestType = dev.warden.auth.v1.LogoutRequest.class,
      responseType = dev.warden.auth.v1.LogoutResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.LogoutRequest,
      dev.warden.auth.v1.LogoutResponse> getLogoutMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.LogoutRequest, dev.warden.auth.v1.LogoutResponse> getLogoutMethod;
    if ((getLogoutMethod = AuthServiceGrpc.getLogoutMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getLogoutMethod = AuthServiceGrpc.getLogoutMethod) == null) {
          AuthServiceGrpc.getLogoutMethod = getLogoutMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.LogoutRequest, dev.warden.auth.v1.LogoutResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Logout"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.LogoutRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.LogoutResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("Logout"))
              .build();
        }
      }
    }
    return getLogoutMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.GetJwksRequest,
      dev.warden.auth.v1.GetJwksResponse> getGetJwksMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetJwks",
      requestType = dev.warden.auth.v1.GetJwksRequest.class,
      responseType = dev.warden.auth.v1.GetJwksResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.GetJwksRequest,
      dev.warden.auth.v1.GetJwksResponse> getGetJwksMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.GetJwksRequest, dev.warden.auth.v1.GetJwksResponse> getGetJwksMethod;
    if ((getGetJwksMethod = AuthServiceGrpc.getGetJwksMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getGetJwksMethod = AuthServiceGrpc.getGetJwksMethod) == null) {
          AuthServiceGrpc.getGetJwksMethod = getGetJwksMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.GetJwksRequest, dev.warden.auth.v1.GetJwksResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetJwks"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.GetJwksRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.GetJwksResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("GetJwks"))
              .build();
        }
      }
    }
    return getGetJwksMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.ChangePasswordRequest,
      dev.warden.auth.v1.ChangePasswordResponse> getChangePasswordMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ChangePassword",
      requestType = dev.warden.auth.v1.ChangePasswordRequest.class,
      responseType = dev.warden.auth.v1.ChangePasswordResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.ChangePasswordRequest,
      dev.warden.auth.v1.ChangePasswordResponse> getChangePasswordMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.ChangePasswordRequest, dev.warden.auth.v1.ChangePasswordResponse> getChangePasswordMethod;
    if ((getChangePasswordMethod = AuthServiceGrpc.getChangePasswordMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getChangePasswordMethod = AuthServiceGrpc.getChangePasswordMethod) == null) {
          AuthServiceGrpc.getChangePasswordMethod = getChangePasswordMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.ChangePasswordRequest, dev.warden.auth.v1.ChangePasswordResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ChangePassword"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ChangePasswordRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ChangePasswordResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("ChangePassword"))
              .build();
        }
      }
    }
    return getChangePasswordMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.CreateApiKeyRequest,
      dev.warden.auth.v1.CreateApiKeyResponse> getCreateApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateApiKey",
      requestType = dev.warden.auth.v1.CreateApiKeyRequest.class,
      responseType = dev.warden.auth.v1.CreateApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.CreateApiKeyRequest,
      dev.warden.auth.v1.CreateApiKeyResponse> getCreateApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.CreateApiKeyRequest, dev.warden.auth.v1.CreateApiKeyResponse> getCreateApiKeyMethod;
    if ((getCreateApiKeyMethod = AuthServiceGrpc.getCreateApiKeyMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getCreateApiKeyMethod = AuthServiceGrpc.getCreateApiKeyMethod) == null) {
          AuthServiceGrpc.getCreateApiKeyMethod = getCreateApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.CreateApiKeyRequest, dev.warden.auth.v1.CreateApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.CreateApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.CreateApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("CreateApiKey"))
              .build();
        }
      }
    }
    return getCreateApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.ListApiKeysRequest,
      dev.warden.auth.v1.ListApiKeysResponse> getListApiKeysMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListApiKeys",
      requestType = dev.warden.auth.v1.ListApiKeysRequest.class,
      responseType = dev.warden.auth.v1.ListApiKeysResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.ListApiKeysRequest,
      dev.warden.auth.v1.ListApiKeysResponse> getListApiKeysMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.ListApiKeysRequest, dev.warden.auth.v1.ListApiKeysResponse> getListApiKeysMethod;
    if ((getListApiKeysMethod = AuthServiceGrpc.getListApiKeysMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getListApiKeysMethod = AuthServiceGrpc.getListApiKeysMethod) == null) {
          AuthServiceGrpc.getListApiKeysMethod = getListApiKeysMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.ListApiKeysRequest, dev.warden.auth.v1.ListApiKeysResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListApiKeys"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ListApiKeysRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ListApiKeysResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("ListApiKeys"))
              .build();
        }
      }
    }
    return getListApiKeysMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.RevokeApiKeyRequest,
      dev.warden.auth.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RevokeApiKey",
      requestType = dev.warden.auth.v1.RevokeApiKeyRequest.class,
      responseType = dev.warden.auth.v1.RevokeApiKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.RevokeApiKeyRequest,
      dev.warden.auth.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.RevokeApiKeyRequest, dev.warden.auth.v1.RevokeApiKeyResponse> getRevokeApiKeyMethod;
    if ((getRevokeApiKeyMethod = AuthServiceGrpc.getRevokeApiKeyMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getRevokeApiKeyMethod = AuthServiceGrpc.getRevokeApiKeyMethod) == null) {
          AuthServiceGrpc.getRevokeApiKeyMethod = getRevokeApiKeyMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.RevokeApiKeyRequest, dev.warden.auth.v1.RevokeApiKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RevokeApiKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.RevokeApiKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.RevokeApiKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("RevokeApiKey"))
              .build();
        }
      }
    }
    return getRevokeApiKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.SuspendUserRequest,
      dev.warden.auth.v1.SuspendUserResponse> getSuspendUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SuspendUser",
      requestType = dev.warden.auth.v1.SuspendUserRequest.class,
      responseType = dev.warden.auth.v1.SuspendUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.SuspendUserRequest,
      dev.warden.auth.v1.SuspendUserResponse> getSuspendUserMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.SuspendUserRequest, dev.warden.auth.v1.SuspendUserResponse> getSuspendUserMethod;
    if ((getSuspendUserMethod = AuthServiceGrpc.getSuspendUserMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getSuspendUserMethod = AuthServiceGrpc.getSuspendUserMethod) == null) {
          AuthServiceGrpc.getSuspendUserMethod = getSuspendUserMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.SuspendUserRequest, dev.warden.auth.v1.SuspendUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SuspendUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.SuspendUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.SuspendUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("SuspendUser"))
              .build();
        }
      }
    }
    return getSuspendUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.ReinstateUserRequest,
      dev.warden.auth.v1.ReinstateUserResponse> getReinstateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReinstateUser",
      requestType = dev.warden.auth.v1.ReinstateUserRequest.class,
      responseType = dev.warden.auth.v1.ReinstateUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.ReinstateUserRequest,
      dev.warden.auth.v1.ReinstateUserResponse> getReinstateUserMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.ReinstateUserRequest, dev.warden.auth.v1.ReinstateUserResponse> getReinstateUserMethod;
    if ((getReinstateUserMethod = AuthServiceGrpc.getReinstateUserMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getReinstateUserMethod = AuthServiceGrpc.getReinstateUserMethod) == null) {
          AuthServiceGrpc.getReinstateUserMethod = getReinstateUserMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.ReinstateUserRequest, dev.warden.auth.v1.ReinstateUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReinstateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ReinstateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ReinstateUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("ReinstateUser"))
              .build();
        }
      }
    }
    return getReinstateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.UnlockUserRequest,
      dev.warden.auth.v1.UnlockUserResponse> getUnlockUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UnlockUser",
      requestType = dev.warden.auth.v1.UnlockUserRequest.class,
      responseType = dev.warden.auth.v1.UnlockUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.UnlockUserRequest,
      dev.warden.auth.v1.UnlockUserResponse> getUnlockUserMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.UnlockUserRequest, dev.warden.auth.v1.UnlockUserResponse> getUnlockUserMethod;
    if ((getUnlockUserMethod = AuthServiceGrpc.getUnlockUserMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getUnlockUserMethod = AuthServiceGrpc.getUnlockUserMethod) == null) {
          AuthServiceGrpc.getUnlockUserMethod = getUnlockUserMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.UnlockUserRequest, dev.warden.auth.v1.UnlockUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UnlockUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.UnlockUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.UnlockUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("UnlockUser"))
              .build();
        }
      }
    }
    return getUnlockUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.GetUserRequest,
      dev.warden.auth.v1.GetUserResponse> getGetUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetUser",
      requestType = dev.warden.auth.v1.GetUserRequest.class,
      responseType = dev.warden.auth.v1.GetUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.GetUserRequest,
      dev.warden.auth.v1.GetUserResponse> getGetUserMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.GetUserRequest, dev.warden.auth.v1.GetUserResponse> getGetUserMethod;
    if ((getGetUserMethod = AuthServiceGrpc.getGetUserMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getGetUserMethod = AuthServiceGrpc.getGetUserMethod) == null) {
          AuthServiceGrpc.getGetUserMethod = getGetUserMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.GetUserRequest, dev.warden.auth.v1.GetUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.GetUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.GetUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("GetUser"))
              .build();
        }
      }
    }
    return getGetUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.ListUsersRequest,
      dev.warden.auth.v1.ListUsersResponse> getListUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListUsers",
      requestType = dev.warden.auth.v1.ListUsersRequest.class,
      responseType = dev.warden.auth.v1.ListUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.ListUsersRequest,
      dev.warden.auth.v1.ListUsersResponse> getListUsersMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.ListUsersRequest, dev.warden.auth.v1.ListUsersResponse> getListUsersMethod;
    if ((getListUsersMethod = AuthServiceGrpc.getListUsersMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getListUsersMethod = AuthServiceGrpc.getListUsersMethod) == null) {
          AuthServiceGrpc.getListUsersMethod = getListUsersMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.ListUsersRequest, dev.warden.auth.v1.ListUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ListUsersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.ListUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("ListUsers"))
              .build();
        }
      }
    }
    return getListUsersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.auth.v1.DeleteUserRequest,
      dev.warden.auth.v1.DeleteUserResponse> getDeleteUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteUser",
      requestType = dev.warden.auth.v1.DeleteUserRequest.class,
      responseType = dev.warden.auth.v1.DeleteUserResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.auth.v1.DeleteUserRequest,
      dev.warden.auth.v1.DeleteUserResponse> getDeleteUserMethod() {
    io.grpc.MethodDescriptor<dev.warden.auth.v1.DeleteUserRequest, dev.warden.auth.v1.DeleteUserResponse> getDeleteUserMethod;
    if ((getDeleteUserMethod = AuthServiceGrpc.getDeleteUserMethod) == null) {
      synchronized (AuthServiceGrpc.class) {
        if ((getDeleteUserMethod = AuthServiceGrpc.getDeleteUserMethod) == null) {
          AuthServiceGrpc.getDeleteUserMethod = getDeleteUserMethod =
              io.grpc.MethodDescriptor.<dev.warden.auth.v1.DeleteUserRequest, dev.warden.auth.v1.DeleteUserResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.DeleteUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.auth.v1.DeleteUserResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AuthServiceMethodDescriptorSupplier("DeleteUser"))
              .build();
        }
      }
    }
    return getDeleteUserMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static AuthServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthServiceStub>() {
        @java.lang.Override
        public AuthServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthServiceStub(channel, callOptions);
        }
      };
    return AuthServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static AuthServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthServiceBlockingV2Stub>() {
        @java.lang.Override
        public AuthServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return AuthServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static AuthServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthServiceBlockingStub>() {
        @java.lang.Override
        public AuthServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthServiceBlockingStub(channel, callOptions);
        }
      };
    return AuthServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static AuthServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AuthServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AuthServiceFutureStub>() {
        @java.lang.Override
        public AuthServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AuthServiceFutureStub(channel, callOptions);
        }
      };
    return AuthServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * AuthService registers users, logs them in and issues tokens. Access tokens
   * are JWTs signed with Warden's private key (EdDSA by default) and verified by
   * services locally against the keys of `GetJwks`; every token is bound to a
   * server-side session, so logout and suspension take effect at once.
   * `Register`, `Login`, `LoginWithApiKey`, `Refresh` and `GetJwks` are open;
   * every other RPC needs `authorization: Bearer &lt;access-jwt&gt;` metadata.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Register creates a user with an email and a password.
     * Errors: INVALID_ARGUMENT (with field violations) for a malformed email or
     * a password outside 8..=1024 bytes; ALREADY_EXISTS when the email (compared
     * case-insensitively) is taken.
     * </pre>
     */
    default void register(dev.warden.auth.v1.RegisterRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.RegisterResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRegisterMethod(), responseObserver);
    }

    /**
     * <pre>
     * Login checks an email and password and starts a session. A wrong password
     * and an unknown email give exactly the same UNAUTHENTICATED error (reason
     * `INVALID_CREDENTIALS`). After too many of them for one email, its logins
     * are RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`, with a RetryInfo
     * saying when to retry) until a failure is forgotten, one a minute.
     * </pre>
     */
    default void login(dev.warden.auth.v1.LoginRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.LoginResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLoginMethod(), responseObserver);
    }

    /**
     * <pre>
     * LoginWithApiKey exchanges an API key for tokens; the session has
     * `auth_method = AUTH_METHOD_API_KEY`.
     * </pre>
     */
    default void loginWithApiKey(dev.warden.auth.v1.LoginWithApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.LoginWithApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLoginWithApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Refresh exchanges a refresh token for new tokens of the same session. The
     * refresh token is rotated on every use; presenting an already rotated one
     * (outside a short grace window) revokes the whole session.
     * </pre>
     */
    default void refresh(dev.warden.auth.v1.RefreshRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.RefreshResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRefreshMethod(), responseObserver);
    }

    /**
     * <pre>
     * Logout ends the caller's session at once and publishes `SessionRevoked`.
     * </pre>
     */
    default void logout(dev.warden.auth.v1.LogoutRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.LogoutResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLogoutMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetJwks returns the public keys that verify access tokens: the current
     * signing key, the next one and recently retired ones.
     * </pre>
     */
    default void getJwks(dev.warden.auth.v1.GetJwksRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.GetJwksResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetJwksMethod(), responseObserver);
    }

    /**
     * <pre>
     * ChangePassword replaces the caller's password after checking the current
     * one, and ends every other session of the caller.
     * </pre>
     */
    default void changePassword(dev.warden.auth.v1.ChangePasswordRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ChangePasswordResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getChangePasswordMethod(), responseObserver);
    }

    /**
     * <pre>
     * CreateApiKey creates an API key for the caller. The secret is returned
     * once and only its hash is stored.
     * </pre>
     */
    default void createApiKey(dev.warden.auth.v1.CreateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.CreateApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListApiKeys lists the caller's API keys, never their secrets.
     * </pre>
     */
    default void listApiKeys(dev.warden.auth.v1.ListApiKeysRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ListApiKeysResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListApiKeysMethod(), responseObserver);
    }

    /**
     * <pre>
     * RevokeApiKey revokes one of the caller's API keys and ends the sessions it created.
     * </pre>
     */
    default void revokeApiKey(dev.warden.auth.v1.RevokeApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.RevokeApiKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRevokeApiKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * SuspendUser (admin) blocks a user from logging in and ends all their sessions.
     * </pre>
     */
    default void suspendUser(dev.warden.auth.v1.SuspendUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.SuspendUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSuspendUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReinstateUser (admin) lifts a suspension.
     * </pre>
     */
    default void reinstateUser(dev.warden.auth.v1.ReinstateUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ReinstateUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReinstateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * UnlockUser (admin) forgets a user's failed password logins, so that a
     * user refused with RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`) may log
     * in again at once. NOT_FOUND ("user not found") when there is no such user.
     * </pre>
     */
    default void unlockUser(dev.warden.auth.v1.UnlockUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.UnlockUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUnlockUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetUser returns a user, named by id or by email (no password or key
     * material, ever): the caller's own account, or anyone's for `admin`.
     * Errors: NOT_FOUND ("user not found") for `admin` when there is none;
     * PERMISSION_DENIED for anyone else naming another user, whether or not
     * that user exists.
     * </pre>
     */
    default void getUser(dev.warden.auth.v1.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.GetUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListUsers lists the users in email order, a page at a time. Needs `admin`.
     * </pre>
     */
    default void listUsers(dev.warden.auth.v1.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ListUsersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListUsersMethod(), responseObserver);
    }

    /**
     * <pre>
     * DeleteUser deletes a user with their roles and API keys, ends every one
     * of their sessions (`SessionRevoked`, reason USER_DELETED) and publishes
     * `UserDeleted`. The email may then be registered again, as a new user
     * with a new id. Needs `admin`; an administrator cannot delete themselves.
     * Errors: NOT_FOUND ("user not found").
     * </pre>
     */
    default void deleteUser(dev.warden.auth.v1.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.DeleteUserResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteUserMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service AuthService.
   * <pre>
   * AuthService registers users, logs them in and issues tokens. Access tokens
   * are JWTs signed with Warden's private key (EdDSA by default) and verified by
   * services locally against the keys of `GetJwks`; every token is bound to a
   * server-side session, so logout and suspension take effect at once.
   * `Register`, `Login`, `LoginWithApiKey`, `Refresh` and `GetJwks` are open;
   * every other RPC needs `authorization: Bearer &lt;access-jwt&gt;` metadata.
   * </pre>
   */
  public static abstract class AuthServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return AuthServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service AuthService.
   * <pre>
   * AuthService registers users, logs them in and issues tokens. Access tokens
   * are JWTs signed with Warden's private key (EdDSA by default) and verified by
   * services locally against the keys of `GetJwks`; every token is bound to a
   * server-side session, so logout and suspension take effect at once.
   * `Register`, `Login`, `LoginWithApiKey`, `Refresh` and `GetJwks` are open;
   * every other RPC needs `authorization: Bearer &lt;access-jwt&gt;` metadata.
   * </pre>
   */
  public static final class AuthServiceStub
      extends io.grpc.stub.AbstractAsyncStub<AuthServiceStub> {
    private AuthServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Register creates a user with an email and a password.
     * Errors: INVALID_ARGUMENT (with field violations) for a malformed email or
     * a password outside 8..=1024 bytes; ALREADY_EXISTS when the email (compared
     * case-insensitively) is taken.
     * </pre>
     */
    public void register(dev.warden.auth.v1.RegisterRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.RegisterResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRegisterMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Login checks an email and password and starts a session. A wrong password
     * and an unknown email give exactly the same UNAUTHENTICATED error (reason
     * `INVALID_CREDENTIALS`). After too many of them for one email, its logins
     * are RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`, with a RetryInfo
     * saying when to retry) until a failure is forgotten, one a minute.
     * </pre>
     */
    public void login(dev.warden.auth.v1.LoginRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.LoginResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLoginMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * LoginWithApiKey exchanges an API key for tokens; the session has
     * `auth_method = AUTH_METHOD_API_KEY`.
     * </pre>
     */
    public void loginWithApiKey(dev.warden.auth.v1.LoginWithApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.LoginWithApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLoginWithApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Refresh exchanges a refresh token for new tokens of the same session. The
     * refresh token is rotated on every use; presenting an already rotated one
     * (outside a short grace window) revokes the whole session.
     * </pre>
     */
    public void refresh(dev.warden.auth.v1.RefreshRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.RefreshResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRefreshMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Logout ends the caller's session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public void logout(dev.warden.auth.v1.LogoutRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.LogoutResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLogoutMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetJwks returns the public keys that verify access tokens: the current
     * signing key, the next one and recently retired ones.
     * </pre>
     */
    public void getJwks(dev.warden.auth.v1.GetJwksRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.GetJwksResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetJwksMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ChangePassword replaces the caller's password after checking the current
     * one, and ends every other session of the caller.
     * </pre>
     */
    public void changePassword(dev.warden.auth.v1.ChangePasswordRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ChangePasswordResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getChangePasswordMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * CreateApiKey creates an API key for the caller. The secret is returned
     * once and only its hash is stored.
     * </pre>
     */
    public void createApiKey(dev.warden.auth.v1.CreateApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.CreateApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListApiKeys lists the caller's API keys, never their secrets.
     * </pre>
     */
    public void listApiKeys(dev.warden.auth.v1.ListApiKeysRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ListApiKeysResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListApiKeysMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * RevokeApiKey revokes one of the caller's API keys and ends the sessions it created.
     * </pre>
     */
    public void revokeApiKey(dev.warden.auth.v1.RevokeApiKeyRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.RevokeApiKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRevokeApiKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * SuspendUser (admin) blocks a user from logging in and ends all their sessions.
     * </pre>
     */
    public void suspendUser(dev.warden.auth.v1.SuspendUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.SuspendUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSuspendUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReinstateUser (admin) lifts a suspension.
     * </pre>
     */
    public void reinstateUser(dev.warden.auth.v1.ReinstateUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ReinstateUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getReinstateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * UnlockUser (admin) forgets a user's failed password logins, so that a
     * user refused with RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`) may log
     * in again at once. NOT_FOUND ("user not found") when there is no such user.
     * </pre>
     */
    public void unlockUser(dev.warden.auth.v1.UnlockUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.UnlockUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUnlockUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetUser returns a user, named by id or by email (no password or key
     * material, ever): the caller's own account, or anyone's for `admin`.
     * Errors: NOT_FOUND ("user not found") for `admin` when there is none;
     * PERMISSION_DENIED for anyone else naming another user, whether or not
     * that user exists.
     * </pre>
     */
    public void getUser(dev.warden.auth.v1.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.GetUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListUsers lists the users in email order, a page at a time. Needs `admin`.
     * </pre>
     */
    public void listUsers(dev.warden.auth.v1.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.ListUsersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListUsersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DeleteUser deletes a user with their roles and API keys, ends every one
     * of their sessions (`SessionRevoked`, reason USER_DELETED) and publishes
     * `UserDeleted`. The email may then be registered again, as a new user
     * with a new id. Needs `admin`; an administrator cannot delete themselves.
     * Errors: NOT_FOUND ("user not found").
     * </pre>
     */
    public void deleteUser(dev.warden.auth.v1.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<dev.warden.auth.v1.DeleteUserResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service AuthService.
   * <pre>
   * AuthService registers users, logs them in and issues tokens. Access tokens
   * are JWTs signed with Warden's private key (EdDSA by default) and verified by
   * services locally against the keys of `GetJwks`; every token is bound to a
   * server-side session, so logout and suspension take effect at once.
   * `Register`, `Login`, `LoginWithApiKey`, `Refresh` and `GetJwks` are open;
   * every other RPC needs `authorization: Bearer &lt;access-jwt&gt;` metadata.
   * </pre>
   */
  public static final class AuthServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<AuthServiceBlockingV2Stub> {
    private AuthServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Register creates a user with an email and a password.
     * Errors: INVALID_ARGUMENT (with field violations) for a malformed email or
     * a password outside 8..=1024 bytes; ALREADY_EXISTS when the email (compared
     * case-insensitively) is taken.
     * </pre>
     */
    public dev.warden.auth.v1.RegisterResponse register(dev.warden.auth.v1.RegisterRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRegisterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Login checks an email and password and starts a session. A wrong password
     * and an unknown email give exactly the same UNAUTHENTICATED error (reason
     * `INVALID_CREDENTIALS`). After too many of them for one email, its logins
     * are RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`, with a RetryInfo
     * saying when to retry) until a failure is forgotten, one a minute.
     * </pre>
     */
    public dev.warden.auth.v1.LoginResponse login(dev.warden.auth.v1.LoginRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLoginMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * LoginWithApiKey exchanges an API key for tokens; the session has
     * `auth_method = AUTH_METHOD_API_KEY`.
     * </pre>
     */
    public dev.warden.auth.v1.LoginWithApiKeyResponse loginWithApiKey(dev.warden.auth.v1.LoginWithApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLoginWithApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Refresh exchanges a refresh token for new tokens of the same session. The
     * refresh token is rotated on every use; presenting an already rotated one
     * (outside a short grace window) revokes the whole session.
     * </pre>
     */
    public dev.warden.auth.v1.RefreshResponse refresh(dev.warden.auth.v1.RefreshRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRefreshMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Logout ends the caller's session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public dev.warden.auth.v1.LogoutResponse logout(dev.warden.auth.v1.LogoutRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLogoutMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetJwks returns the public keys that verify access tokens: the current
     * signing key, the next one and recently retired ones.
     * </pre>
     */
    public dev.warden.auth.v1.GetJwksResponse getJwks(dev.warden.auth.v1.GetJwksRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetJwksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ChangePassword replaces the caller's password after checking the current
     * one, and ends every other session of the caller.
     * </pre>
     */
    public dev.warden.auth.v1.ChangePasswordResponse changePassword(dev.warden.auth.v1.ChangePasswordRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getChangePasswordMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CreateApiKey creates an API key for the caller. The secret is returned
     * once and only its hash is stored.
     * </pre>
     */
    public dev.warden.auth.v1.CreateApiKeyResponse createApiKey(dev.warden.auth.v1.CreateApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListApiKeys lists the caller's API keys, never their secrets.
     * </pre>
     */
    public dev.warden.auth.v1.ListApiKeysResponse listApiKeys(dev.warden.auth.v1.ListApiKeysRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListApiKeysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RevokeApiKey revokes one of the caller's API keys and ends the sessions it created.
     * </pre>
     */
    public dev.warden.auth.v1.RevokeApiKeyResponse revokeApiKey(dev.warden.auth.v1.RevokeApiKeyRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRevokeApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SuspendUser (admin) blocks a user from logging in and ends all their sessions.
     * </pre>
     */
    public dev.warden.auth.v1.SuspendUserResponse suspendUser(dev.warden.auth.v1.SuspendUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSuspendUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReinstateUser (admin) lifts a suspension.
     * </pre>
     */
    public dev.warden.auth.v1.ReinstateUserResponse reinstateUser(dev.warden.auth.v1.ReinstateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getReinstateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UnlockUser (admin) forgets a user's failed password logins, so that a
     * user refused with RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`) may log
     * in again at once. NOT_FOUND ("user not found") when there is no such user.
     * </pre>
     */
    public dev.warden.auth.v1.UnlockUserResponse unlockUser(dev.warden.auth.v1.UnlockUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUnlockUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetUser returns a user, named by id or by email (no password or key
     * material, ever): the caller's own account, or anyone's for `admin`.
     * Errors: NOT_FOUND ("user not found") for `admin` when there is none;
     * PERMISSION_DENIED for anyone else naming another user, whether or not
     * that user exists.
     * </pre>
     */
    public dev.warden.auth.v1.GetUserResponse getUser(dev.warden.auth.v1.GetUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListUsers lists the users in email order, a page at a time. Needs `admin`.
     * </pre>
     */
    public dev.warden.auth.v1.ListUsersResponse listUsers(dev.warden.auth.v1.ListUsersRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteUser deletes a user with their roles and API keys, ends every one
     * of their sessions (`SessionRevoked`, reason USER_DELETED) and publishes
     * `UserDeleted`. The email may then be registered again, as a new user
     * with a new id. Needs `admin`; an administrator cannot delete themselves.
     * Errors: NOT_FOUND ("user not found").
     * </pre>
     */
    public dev.warden.auth.v1.DeleteUserResponse deleteUser(dev.warden.auth.v1.DeleteUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service AuthService.
   * <pre>
   * AuthService registers users, logs them in and issues tokens. Access tokens
   * are JWTs signed with Warden's private key (EdDSA by default) and verified by
   * services locally against the keys of `GetJwks`; every token is bound to a
   * server-side session, so logout and suspension take effect at once.
   * `Register`, `Login`, `LoginWithApiKey`, `Refresh` and `GetJwks` are open;
   * every other RPC needs `authorization: Bearer &lt;access-jwt&gt;` metadata.
   * </pre>
   */
  public static final class AuthServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<AuthServiceBlockingStub> {
    private AuthServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Register creates a user with an email and a password.
     * Errors: INVALID_ARGUMENT (with field violations) for a malformed email or
     * a password outside 8..=1024 bytes; ALREADY_EXISTS when the email (compared
     * case-insensitively) is taken.
     * </pre>
     */
    public dev.warden.auth.v1.RegisterResponse register(dev.warden.auth.v1.RegisterRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRegisterMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Login checks an email and password and starts a session. A wrong password
     * and an unknown email give exactly the same UNAUTHENTICATED error (reason
     * `INVALID_CREDENTIALS`). After too many of them for one email, its logins
     * are RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`, with a RetryInfo
     * saying when to retry) until a failure is forgotten, one a minute.
     * </pre>
     */
    public dev.warden.auth.v1.LoginResponse login(dev.warden.auth.v1.LoginRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLoginMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * LoginWithApiKey exchanges an API key for tokens; the session has
     * `auth_method = AUTH_METHOD_API_KEY`.
     * </pre>
     */
    public dev.warden.auth.v1.LoginWithApiKeyResponse loginWithApiKey(dev.warden.auth.v1.LoginWithApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLoginWithApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Refresh exchanges a refresh token for new tokens of the same session. The
     * refresh token is rotated on every use; presenting an already rotated one
     * (outside a short grace window) revokes the whole session.
     * </pre>
     */
    public dev.warden.auth.v1.RefreshResponse refresh(dev.warden.auth.v1.RefreshRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRefreshMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Logout ends the caller's session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public dev.warden.auth.v1.LogoutResponse logout(dev.warden.auth.v1.LogoutRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLogoutMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetJwks returns the public keys that verify access tokens: the current
     * signing key, the next one and recently retired ones.
     * </pre>
     */
    public dev.warden.auth.v1.GetJwksResponse getJwks(dev.warden.auth.v1.GetJwksRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetJwksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ChangePassword replaces the caller's password after checking the current
     * one, and ends every other session of the caller.
     * </pre>
     */
    public dev.warden.auth.v1.ChangePasswordResponse changePassword(dev.warden.auth.v1.ChangePasswordRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getChangePasswordMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CreateApiKey creates an API key for the caller. The secret is returned
     * once and only its hash is stored.
     * </pre>
     */
    public dev.warden.auth.v1.CreateApiKeyResponse createApiKey(dev.warden.auth.v1.CreateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListApiKeys lists the caller's API keys, never their secrets.
     * </pre>
     */
    public dev.warden.auth.v1.ListApiKeysResponse listApiKeys(dev.warden.auth.v1.ListApiKeysRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListApiKeysMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RevokeApiKey revokes one of the caller's API keys and ends the sessions it created.
     * </pre>
     */
    public dev.warden.auth.v1.RevokeApiKeyResponse revokeApiKey(dev.warden.auth.v1.RevokeApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRevokeApiKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SuspendUser (admin) blocks a user from logging in and ends all their sessions.
     * </pre>
     */
    public dev.warden.auth.v1.SuspendUserResponse suspendUser(dev.warden.auth.v1.SuspendUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSuspendUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReinstateUser (admin) lifts a suspension.
     * </pre>
     */
    public dev.warden.auth.v1.ReinstateUserResponse reinstateUser(dev.warden.auth.v1.ReinstateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getReinstateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * UnlockUser (admin) forgets a user's failed password logins, so that a
     * user refused with RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`) may log
     * in again at once. NOT_FOUND ("user not found") when there is no such user.
     * </pre>
     */
    public dev.warden.auth.v1.UnlockUserResponse unlockUser(dev.warden.auth.v1.UnlockUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUnlockUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetUser returns a user, named by id or by email (no password or key
     * material, ever): the caller's own account, or anyone's for `admin`.
     * Errors: NOT_FOUND ("user not found") for `admin` when there is none;
     * PERMISSION_DENIED for anyone else naming another user, whether or not
     * that user exists.
     * </pre>
     */
    public dev.warden.auth.v1.GetUserResponse getUser(dev.warden.auth.v1.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListUsers lists the users in email order, a page at a time. Needs `admin`.
     * </pre>
     */
    public dev.warden.auth.v1.ListUsersResponse listUsers(dev.warden.auth.v1.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteUser deletes a user with their roles and API keys, ends every one
     * of their sessions (`SessionRevoked`, reason USER_DELETED) and publishes
     * `UserDeleted`. The email may then be registered again, as a new user
     * with a new id. Needs `admin`; an administrator cannot delete themselves.
     * Errors: NOT_FOUND ("user not found").
     * </pre>
     */
    public dev.warden.auth.v1.DeleteUserResponse deleteUser(dev.warden.auth.v1.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service AuthService.
   * <pre>
   * AuthService registers users, logs them in and issues tokens. Access tokens
   * are JWTs signed with Warden's private key (EdDSA by default) and verified by
   * services locally against the keys of `GetJwks`; every token is bound to a
   * server-side session, so logout and suspension take effect at once.
   * `Register`, `Login`, `LoginWithApiKey`, `Refresh` and `GetJwks` are open;
   * every other RPC needs `authorization: Bearer &lt;access-jwt&gt;` metadata.
   * </pre>
   */
  public static final class AuthServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<AuthServiceFutureStub> {
    private AuthServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AuthServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AuthServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Register creates a user with an email and a password.
     * Errors: INVALID_ARGUMENT (with field violations) for a malformed email or
     * a password outside 8..=1024 bytes; ALREADY_EXISTS when the email (compared
     * case-insensitively) is taken.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.RegisterResponse> register(
        dev.warden.auth.v1.RegisterRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRegisterMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Login checks an email and password and starts a session. A wrong password
     * and an unknown email give exactly the same UNAUTHENTICATED error (reason
     * `INVALID_CREDENTIALS`). After too many of them for one email, its logins
     * are RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`, with a RetryInfo
     * saying when to retry) until a failure is forgotten, one a minute.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.LoginResponse> login(
        dev.warden.auth.v1.LoginRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLoginMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * LoginWithApiKey exchanges an API key for tokens; the session has
     * `auth_method = AUTH_METHOD_API_KEY`.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.LoginWithApiKeyResponse> loginWithApiKey(
        dev.warden.auth.v1.LoginWithApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLoginWithApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Refresh exchanges a refresh token for new tokens of the same session. The
     * refresh token is rotated on every use; presenting an already rotated one
     * (outside a short grace window) revokes the whole session.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.RefreshResponse> refresh(
        dev.warden.auth.v1.RefreshRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRefreshMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Logout ends the caller's session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.LogoutResponse> logout(
        dev.warden.auth.v1.LogoutRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLogoutMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetJwks returns the public keys that verify access tokens: the current
     * signing key, the next one and recently retired ones.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.GetJwksResponse> getJwks(
        dev.warden.auth.v1.GetJwksRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetJwksMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ChangePassword replaces the caller's password after checking the current
     * one, and ends every other session of the caller.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.ChangePasswordResponse> changePassword(
        dev.warden.auth.v1.ChangePasswordRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getChangePasswordMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * CreateApiKey creates an API key for the caller. The secret is returned
     * once and only its hash is stored.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.CreateApiKeyResponse> createApiKey(
        dev.warden.auth.v1.CreateApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListApiKeys lists the caller's API keys, never their secrets.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.ListApiKeysResponse> listApiKeys(
        dev.warden.auth.v1.ListApiKeysRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListApiKeysMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * RevokeApiKey revokes one of the caller's API keys and ends the sessions it created.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.RevokeApiKeyResponse> revokeApiKey(
        dev.warden.auth.v1.RevokeApiKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRevokeApiKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * SuspendUser (admin) blocks a user from logging in and ends all their sessions.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.SuspendUserResponse> suspendUser(
        dev.warden.auth.v1.SuspendUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSuspendUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ReinstateUser (admin) lifts a suspension.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.ReinstateUserResponse> reinstateUser(
        dev.warden.auth.v1.ReinstateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getReinstateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * UnlockUser (admin) forgets a user's failed password logins, so that a
     * user refused with RESOURCE_EXHAUSTED (reason `TOO_MANY_ATTEMPTS`) may log
     * in again at once. NOT_FOUND ("user not found") when there is no such user.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.UnlockUserResponse> unlockUser(
        dev.warden.auth.v1.UnlockUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUnlockUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetUser returns a user, named by id or by email (no password or key
     * material, ever): the caller's own account, or anyone's for `admin`.
     * Errors: NOT_FOUND ("user not found") for `admin` when there is none;
     * PERMISSION_DENIED for anyone else naming another user, whether or not
     * that user exists.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.GetUserResponse> getUser(
        dev.warden.auth.v1.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListUsers lists the users in email order, a page at a time. Needs `admin`.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.ListUsersResponse> listUsers(
        dev.warden.auth.v1.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListUsersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DeleteUser deletes a user with their roles and API keys, ends every one
     * of their sessions (`SessionRevoked`, reason USER_DELETED) and publishes
     * `UserDeleted`. The email may then be registered again, as a new user
     * with a new id. Needs `admin`; an administrator cannot delete themselves.
     * Errors: NOT_FOUND ("user not found").
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.auth.v1.DeleteUserResponse> deleteUser(
        dev.warden.auth.v1.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_REGISTER = 0;
  private static final int METHODID_LOGIN = 1;
  private static final int METHODID_LOGIN_WITH_API_KEY = 2;
  private static final int METHODID_REFRESH = 3;
  private static final int METHODID_LOGOUT = 4;
  private static final int METHODID_GET_JWKS = 5;
  private static final int METHODID_CHANGE_PASSWORD = 6;
  private static final int METHODID_CREATE_API_KEY = 7;
  private static final int METHODID_LIST_API_KEYS = 8;
  private static final int METHODID_REVOKE_API_KEY = 9;
  private static final int METHODID_SUSPEND_USER = 10;
  private static final int METHODID_REINSTATE_USER = 11;
  private static final int METHODID_UNLOCK_USER = 12;
  private static final int METHODID_GET_USER = 13;
  private static final int METHODID_LIST_USERS = 14;
  private static final int METHODID_DELETE_USER = 15;

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
        case METHODID_REGISTER:
          serviceImpl.register((dev.warden.auth.v1.RegisterRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.RegisterResponse>) responseObserver);
          break;
        case METHODID_LOGIN:
          serviceImpl.login((dev.warden.auth.v1.LoginRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.LoginResponse>) responseObserver);
          break;
        case METHODID_LOGIN_WITH_API_KEY:
          serviceImpl.loginWithApiKey((dev.warden.auth.v1.LoginWithApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.LoginWithApiKeyResponse>) responseObserver);
          break;
        case METHODID_REFRESH:
          serviceImpl.refresh((dev.warden.auth.v1.RefreshRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.RefreshResponse>) responseObserver);
          break;
        case METHODID_LOGOUT:
          serviceImpl.logout((dev.warden.auth.v1.LogoutRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.LogoutResponse>) responseObserver);
          break;
        case METHODID_GET_JWKS:
          serviceImpl.getJwks((dev.warden.auth.v1.GetJwksRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.GetJwksResponse>) responseObserver);
          break;
        case METHODID_CHANGE_PASSWORD:
          serviceImpl.changePassword((dev.warden.auth.v1.ChangePasswordRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.ChangePasswordResponse>) responseObserver);
          break;
        case METHODID_CREATE_API_KEY:
          serviceImpl.createApiKey((dev.warden.auth.v1.CreateApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.CreateApiKeyResponse>) responseObserver);
          break;
        case METHODID_LIST_API_KEYS:
          serviceImpl.listApiKeys((dev.warden.auth.v1.ListApiKeysRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.ListApiKeysResponse>) responseObserver);
          break;
        case METHODID_REVOKE_API_KEY:
          serviceImpl.revokeApiKey((dev.warden.auth.v1.RevokeApiKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.RevokeApiKeyResponse>) responseObserver);
          break;
        case METHODID_SUSPEND_USER:
          serviceImpl.suspendUser((dev.warden.auth.v1.SuspendUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.SuspendUserResponse>) responseObserver);
          break;
        case METHODID_REINSTATE_USER:
          serviceImpl.reinstateUser((dev.warden.auth.v1.ReinstateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.ReinstateUserResponse>) responseObserver);
          break;
        case METHODID_UNLOCK_USER:
          serviceImpl.unlockUser((dev.warden.auth.v1.UnlockUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.UnlockUserResponse>) responseObserver);
          break;
        case METHODID_GET_USER:
          serviceImpl.getUser((dev.warden.auth.v1.GetUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.GetUserResponse>) responseObserver);
          break;
        case METHODID_LIST_USERS:
          serviceImpl.listUsers((dev.warden.auth.v1.ListUsersRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.ListUsersResponse>) responseObserver);
          break;
        case METHODID_DELETE_USER:
          serviceImpl.deleteUser((dev.warden.auth.v1.DeleteUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.auth.v1.DeleteUserResponse>) responseObserver);
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
          getRegisterMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.RegisterRequest,
              dev.warden.auth.v1.RegisterResponse>(
                service, METHODID_REGISTER)))
        .addMethod(
          getLoginMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.LoginRequest,
              dev.warden.auth.v1.LoginResponse>(
                service, METHODID_LOGIN)))
        .addMethod(
          getLoginWithApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.LoginWithApiKeyRequest,
              dev.warden.auth.v1.LoginWithApiKeyResponse>(
                service, METHODID_LOGIN_WITH_API_KEY)))
        .addMethod(
          getRefreshMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.RefreshRequest,
              dev.warden.auth.v1.RefreshResponse>(
                service, METHODID_REFRESH)))
        .addMethod(
          getLogoutMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.LogoutRequest,
              dev.warden.auth.v1.LogoutResponse>(
                service, METHODID_LOGOUT)))
        .addMethod(
          getGetJwksMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.GetJwksRequest,
              dev.warden.auth.v1.GetJwksResponse>(
                service, METHODID_GET_JWKS)))
        .addMethod(
          getChangePasswordMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.ChangePasswordRequest,
              dev.warden.auth.v1.ChangePasswordResponse>(
                service, METHODID_CHANGE_PASSWORD)))
        .addMethod(
          getCreateApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.CreateApiKeyRequest,
              dev.warden.auth.v1.CreateApiKeyResponse>(
                service, METHODID_CREATE_API_KEY)))
        .addMethod(
          getListApiKeysMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.ListApiKeysRequest,
              dev.warden.auth.v1.ListApiKeysResponse>(
                service, METHODID_LIST_API_KEYS)))
        .addMethod(
          getRevokeApiKeyMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.RevokeApiKeyRequest,
              dev.warden.auth.v1.RevokeApiKeyResponse>(
                service, METHODID_REVOKE_API_KEY)))
        .addMethod(
          getSuspendUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.SuspendUserRequest,
              dev.warden.auth.v1.SuspendUserResponse>(
                service, METHODID_SUSPEND_USER)))
        .addMethod(
          getReinstateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.ReinstateUserRequest,
              dev.warden.auth.v1.ReinstateUserResponse>(
                service, METHODID_REINSTATE_USER)))
        .addMethod(
          getUnlockUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.UnlockUserRequest,
              dev.warden.auth.v1.UnlockUserResponse>(
                service, METHODID_UNLOCK_USER)))
        .addMethod(
          getGetUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.GetUserRequest,
              dev.warden.auth.v1.GetUserResponse>(
                service, METHODID_GET_USER)))
        .addMethod(
          getListUsersMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.ListUsersRequest,
              dev.warden.auth.v1.ListUsersResponse>(
                service, METHODID_LIST_USERS)))
        .addMethod(
          getDeleteUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.auth.v1.DeleteUserRequest,
              dev.warden.auth.v1.DeleteUserResponse>(
                service, METHODID_DELETE_USER)))
        .build();
  }

  private static abstract class AuthServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    AuthServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.warden.auth.v1.AuthProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("AuthService");
    }
  }

  private static final class AuthServiceFileDescriptorSupplier
      extends AuthServiceBaseDescriptorSupplier {
    AuthServiceFileDescriptorSupplier() {}
  }

  private static final class AuthServiceMethodDescriptorSupplier
      extends AuthServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    AuthServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (AuthServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new AuthServiceFileDescriptorSupplier())
              .addMethod(getRegisterMethod())
              .addMethod(getLoginMethod())
              .addMethod(getLoginWithApiKeyMethod())
              .addMethod(getRefreshMethod())
              .addMethod(getLogoutMethod())
              .addMethod(getGetJwksMethod())
              .addMethod(getChangePasswordMethod())
              .addMethod(getCreateApiKeyMethod())
              .addMethod(getListApiKeysMethod())
              .addMethod(getRevokeApiKeyMethod())
              .addMethod(getSuspendUserMethod())
              .addMethod(getReinstateUserMethod())
              .addMethod(getUnlockUserMethod())
              .addMethod(getGetUserMethod())
              .addMethod(getListUsersMethod())
              .addMethod(getDeleteUserMethod())
              .build();
        }
      }
    }
    return result;
  }
}
