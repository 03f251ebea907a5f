package dev.warden.session.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * SessionService reads and ends server-side sessions. Every RPC needs a bearer
 * access token (`authorization: Bearer &lt;jwt&gt;`). A caller acts on their own
 * sessions; acting on another user's sessions needs the `admin` role.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class SessionServiceGrpc {

  private SessionServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "warden.session.v1.SessionService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.warden.session.v1.GetCurrentSessionRequest,
      dev.warden.session.v1.GetCurrentSessionResponse> getGetCurrentSessionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetCurrentSession",
      requestType = dev.warden.session.v1.GetCurrentSessionRequest.class,
      responseType = dev.warden.session.v1.GetCurrentSessionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.session.v1.GetCurrentSessionRequest,
      dev.warden.session.v1.GetCurrentSessionResponse> getGetCurrentSessionMethod() {
    io.grpc.MethodDescriptor<dev.warden.session.v1.GetCurrentSessionRequest, dev.warden.session.v1.GetCurrentSessionResponse> getGetCurrentSessionMethod;
    if ((getGetCurrentSessionMethod = SessionServiceGrpc.getGetCurrentSessionMethod) == null) {
      synchronized (SessionServiceGrpc.class) {
        if ((getGetCurrentSessionMethod = SessionServiceGrpc.getGetCurrentSessionMethod) == null) {
          SessionServiceGrpc.getGetCurrentSessionMethod = getGetCurrentSessionMethod =
              io.grpc.MethodDescriptor.<dev.warden.session.v1.GetCurrentSessionRequest, dev.warden.session.v1.GetCurrentSessionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetCurrentSession"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.GetCurrentSessionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.GetCurrentSessionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SessionServiceMethodDescriptorSupplier("GetCurrentSession"))
              .build();
        }
      }
    }
    return getGetCurrentSessionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.session.v1.GetSessionRequest,
      dev.warden.session.v1.GetSessionResponse> getGetSessionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetSession",
      requestType = dev.warden.session.v1.GetSessionRequest.class,
      responseType = dev.warden.session.v1.GetSessionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.session.v1.GetSessionRequest,
      dev.warden.session.v1.GetSessionResponse> getGetSessionMethod() {
    io.grpc.MethodDescriptor<dev.warden.session.v1.GetSessionRequest, dev.warden.session.v1.GetSessionResponse> getGetSessionMethod;
    if ((getGetSessionMethod = SessionServiceGrpc.getGetSessionMethod) == null) {
      synchronized (SessionServiceGrpc.class) {
        if ((getGetSessionMethod = SessionServiceGrpc.getGetSessionMethod) == null) {
          SessionServiceGrpc.getGetSessionMethod = getGetSessionMethod =
              io.grpc.MethodDescriptor.<dev.warden.session.v1.GetSessionRequest, dev.warden.session.v1.GetSessionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetSession"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.GetSessionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.GetSessionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SessionServiceMethodDescriptorSupplier("GetSession"))
              .build();
        }
      }
    }
    return getGetSessionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.session.v1.ListSessionsRequest,
      dev.warden.session.v1.ListSessionsResponse> getListSessionsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListSessions",
      requestType = dev.warden.session.v1.ListSessionsRequest.class,
      responseType = dev.warden.session.v1.ListSessionsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.session.v1.ListSessionsRequest,
      dev.warden.session.v1.ListSessionsResponse> getListSessionsMethod() {
    io.grpc.MethodDescriptor<dev.warden.session.v1.ListSessionsRequest, dev.warden.session.v1.ListSessionsResponse> getListSessionsMethod;
    if ((getListSessionsMethod = SessionServiceGrpc.getListSessionsMethod) == null) {
      synchronized (SessionServiceGrpc.class) {
        if ((getListSessionsMethod = SessionServiceGrpc.getListSessionsMethod) == null) {
          SessionServiceGrpc.getListSessionsMethod = getListSessionsMethod =
              io.grpc.MethodDescriptor.<dev.warden.session.v1.ListSessionsRequest, dev.warden.session.v1.ListSessionsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListSessions"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.ListSessionsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.ListSessionsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SessionServiceMethodDescriptorSupplier("ListSessions"))
              .build();
        }
      }
    }
    return getListSessionsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.session.v1.RevokeSessionRequest,
      dev.warden.session.v1.RevokeSessionResponse> getRevokeSessionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RevokeSession",
      requestType = dev.warden.session.v1.RevokeSessionRequest.class,
      responseType = dev.warden.session.v1.RevokeSessionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.session.v1.RevokeSessionRequest,
      dev.warden.session.v1.RevokeSessionResponse> getRevokeSessionMethod() {
    io.grpc.MethodDescriptor<dev.warden.session.v1.RevokeSessionRequest, dev.warden.session.v1.RevokeSessionResponse> getRevokeSessionMethod;
    if ((getRevokeSessionMethod = SessionServiceGrpc.getRevokeSessionMethod) == null) {
      synchronized (SessionServiceGrpc.class) {
        if ((getRevokeSessionMethod = SessionServiceGrpc.getRevokeSessionMethod) == null) {
          SessionServiceGrpc.getRevokeSessionMethod = getRevokeSessionMethod =
              io.grpc.MethodDescriptor.<dev.warden.session.v1.RevokeSessionRequest, dev.warden.session.v1.RevokeSessionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RevokeSession"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.RevokeSessionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.RevokeSessionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SessionServiceMethodDescriptorSupplier("RevokeSession"))
              .build();
        }
      }
    }
    return getRevokeSessionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.warden.session.v1.RevokeUserSessionsRequest,
      dev.warden.session.v1.RevokeUserSessionsResponse> getRevokeUserSessionsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RevokeUserSessions",
      requestType = dev.warden.session.v1.RevokeUserSessionsRequest.class,
      responseType = dev.warden.session.v1.RevokeUserSessionsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.warden.session.v1.RevokeUserSessionsRequest,
      dev.warden.session.v1.RevokeUserSessionsResponse> getRevokeUserSessionsMethod() {
    io.grpc.MethodDescriptor<dev.warden.session.v1.RevokeUserSessionsRequest, dev.warden.session.v1.RevokeUserSessionsResponse> getRevokeUserSessionsMethod;
    if ((getRevokeUserSessionsMethod = SessionServiceGrpc.getRevokeUserSessionsMethod) == null) {
      synchronized (SessionServiceGrpc.class) {
        if ((getRevokeUserSessionsMethod = SessionServiceGrpc.getRevokeUserSessionsMethod) == null) {
          SessionServiceGrpc.getRevokeUserSessionsMethod = getRevokeUserSessionsMethod =
              io.grpc.MethodDescriptor.<dev.warden.session.v1.RevokeUserSessionsRequest, dev.warden.session.v1.RevokeUserSessionsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RevokeUserSessions"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.RevokeUserSessionsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.warden.session.v1.RevokeUserSessionsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SessionServiceMethodDescriptorSupplier("RevokeUserSessions"))
              .build();
        }
      }
    }
    return getRevokeUserSessionsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static SessionServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SessionServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SessionServiceStub>() {
        @java.lang.Override
        public SessionServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SessionServiceStub(channel, callOptions);
        }
      };
    return SessionServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static SessionServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SessionServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SessionServiceBlockingV2Stub>() {
        @java.lang.Override
        public SessionServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SessionServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return SessionServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static SessionServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SessionServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SessionServiceBlockingStub>() {
        @java.lang.Override
        public SessionServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SessionServiceBlockingStub(channel, callOptions);
        }
      };
    return SessionServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static SessionServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SessionServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SessionServiceFutureStub>() {
        @java.lang.Override
        public SessionServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SessionServiceFutureStub(channel, callOptions);
        }
      };
    return SessionServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * SessionService reads and ends server-side sessions. Every RPC needs a bearer
   * access token (`authorization: Bearer &lt;jwt&gt;`). A caller acts on their own
   * sessions; acting on another user's sessions needs the `admin` role.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * GetCurrentSession returns the session of the caller's access token ("who am I").
     * </pre>
     */
    default void getCurrentSession(dev.warden.session.v1.GetCurrentSessionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.GetCurrentSessionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetCurrentSessionMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetSession returns one session by id. Non-admins may only read their own.
     * </pre>
     */
    default void getSession(dev.warden.session.v1.GetSessionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.GetSessionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetSessionMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListSessions lists the live sessions of a user (the caller when user_id is empty).
     * </pre>
     */
    default void listSessions(dev.warden.session.v1.ListSessionsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.ListSessionsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListSessionsMethod(), responseObserver);
    }

    /**
     * <pre>
     * RevokeSession ends one session at once and publishes `SessionRevoked`.
     * </pre>
     */
    default void revokeSession(dev.warden.session.v1.RevokeSessionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.RevokeSessionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRevokeSessionMethod(), responseObserver);
    }

    /**
     * <pre>
     * RevokeUserSessions ends every session of a user, optionally keeping one.
     * </pre>
     */
    default void revokeUserSessions(dev.warden.session.v1.RevokeUserSessionsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.RevokeUserSessionsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRevokeUserSessionsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service SessionService.
   * <pre>
   * SessionService reads and ends server-side sessions. Every RPC needs a bearer
   * access token (`authorization: Bearer &lt;jwt&gt;`). A caller acts on their own
   * sessions; acting on another user's sessions needs the `admin` role.
   * </pre>
   */
  public static abstract class SessionServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return SessionServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service SessionService.
   * <pre>
   * SessionService reads and ends server-side sessions. Every RPC needs a bearer
   * access token (`authorization: Bearer &lt;jwt&gt;`). A caller acts on their own
   * sessions; acting on another user's sessions needs the `admin` role.
   * </pre>
   */
  public static final class SessionServiceStub
      extends io.grpc.stub.AbstractAsyncStub<SessionServiceStub> {
    private SessionServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SessionServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SessionServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetCurrentSession returns the session of the caller's access token ("who am I").
     * </pre>
     */
    public void getCurrentSession(dev.warden.session.v1.GetCurrentSessionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.GetCurrentSessionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetCurrentSessionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetSession returns one session by id. Non-admins may only read their own.
     * </pre>
     */
    public void getSession(dev.warden.session.v1.GetSessionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.GetSessionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetSessionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListSessions lists the live sessions of a user (the caller when user_id is empty).
     * </pre>
     */
    public void listSessions(dev.warden.session.v1.ListSessionsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.ListSessionsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListSessionsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * RevokeSession ends one session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public void revokeSession(dev.warden.session.v1.RevokeSessionRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.RevokeSessionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRevokeSessionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * RevokeUserSessions ends every session of a user, optionally keeping one.
     * </pre>
     */
    public void revokeUserSessions(dev.warden.session.v1.RevokeUserSessionsRequest request,
        io.grpc.stub.StreamObserver<dev.warden.session.v1.RevokeUserSessionsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRevokeUserSessionsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service SessionService.
   * <pre>
   * SessionService reads and ends server-side sessions. Every RPC needs a bearer
   * access token (`authorization: Bearer &lt;jwt&gt;`). A caller acts on their own
   * sessions; acting on another user's sessions needs the `admin` role.
   * </pre>
   */
  public static final class SessionServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<SessionServiceBlockingV2Stub> {
    private SessionServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SessionServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SessionServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * GetCurrentSession returns the session of the caller's access token ("who am I").
     * </pre>
     */
    public dev.warden.session.v1.GetCurrentSessionResponse getCurrentSession(dev.warden.session.v1.GetCurrentSessionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetCurrentSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetSession returns one session by id. Non-admins may only read their own.
     * </pre>
     */
    public dev.warden.session.v1.GetSessionResponse getSession(dev.warden.session.v1.GetSessionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListSessions lists the live sessions of a user (the caller when user_id is empty).
     * </pre>
     */
    public dev.warden.session.v1.ListSessionsResponse listSessions(dev.warden.session.v1.ListSessionsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListSessionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RevokeSession ends one session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public dev.warden.session.v1.RevokeSessionResponse revokeSession(dev.warden.session.v1.RevokeSessionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRevokeSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RevokeUserSessions ends every session of a user, optionally keeping one.
     * </pre>
     */
    public dev.warden.session.v1.RevokeUserSessionsResponse revokeUserSessions(dev.warden.session.v1.RevokeUserSessionsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRevokeUserSessionsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service SessionService.
   * <pre>
   * SessionService reads and ends server-side sessions. Every RPC needs a bearer
   * access token (`authorization: Bearer &lt;jwt&gt;`). A caller acts on their own
   * sessions; acting on another user's sessions needs the `admin` role.
   * </pre>
   */
  public static final class SessionServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<SessionServiceBlockingStub> {
    private SessionServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SessionServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SessionServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetCurrentSession returns the session of the caller's access token ("who am I").
     * </pre>
     */
    public dev.warden.session.v1.GetCurrentSessionResponse getCurrentSession(dev.warden.session.v1.GetCurrentSessionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetCurrentSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetSession returns one session by id. Non-admins may only read their own.
     * </pre>
     */
    public dev.warden.session.v1.GetSessionResponse getSession(dev.warden.session.v1.GetSessionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListSessions lists the live sessions of a user (the caller when user_id is empty).
     * </pre>
     */
    public dev.warden.session.v1.ListSessionsResponse listSessions(dev.warden.session.v1.ListSessionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListSessionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RevokeSession ends one session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public dev.warden.session.v1.RevokeSessionResponse revokeSession(dev.warden.session.v1.RevokeSessionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRevokeSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RevokeUserSessions ends every session of a user, optionally keeping one.
     * </pre>
     */
    public dev.warden.session.v1.RevokeUserSessionsResponse revokeUserSessions(dev.warden.session.v1.RevokeUserSessionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRevokeUserSessionsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service SessionService.
   * <pre>
   * SessionService reads and ends server-side sessions. Every RPC needs a bearer
   * access token (`authorization: Bearer &lt;jwt&gt;`). A caller acts on their own
   * sessions; acting on another user's sessions needs the `admin` role.
   * </pre>
   */
  public static final class SessionServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<SessionServiceFutureStub> {
    private SessionServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SessionServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SessionServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * GetCurrentSession returns the session of the caller's access token ("who am I").
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.session.v1.GetCurrentSessionResponse> getCurrentSession(
        dev.warden.session.v1.GetCurrentSessionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetCurrentSessionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetSession returns one session by id. Non-admins may only read their own.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.session.v1.GetSessionResponse> getSession(
        dev.warden.session.v1.GetSessionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetSessionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListSessions lists the live sessions of a user (the caller when user_id is empty).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.session.v1.ListSessionsResponse> listSessions(
        dev.warden.session.v1.ListSessionsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListSessionsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * RevokeSession ends one session at once and publishes `SessionRevoked`.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.session.v1.RevokeSessionResponse> revokeSession(
        dev.warden.session.v1.RevokeSessionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRevokeSessionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * RevokeUserSessions ends every session of a user, optionally keeping one.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.warden.session.v1.RevokeUserSessionsResponse> revokeUserSessions(
        dev.warden.session.v1.RevokeUserSessionsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRevokeUserSessionsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_GET_CURRENT_SESSION = 0;
  private static final int METHODID_GET_SESSION = 1;
  private static final int METHODID_LIST_SESSIONS = 2;
  private static final int METHODID_REVOKE_SESSION = 3;
  private static final int METHODID_REVOKE_USER_SESSIONS = 4;

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
        case METHODID_GET_CURRENT_SESSION:
          serviceImpl.getCurrentSession((dev.warden.session.v1.GetCurrentSessionRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.session.v1.GetCurrentSessionResponse>) responseObserver);
          break;
        case METHODID_GET_SESSION:
          serviceImpl.getSession((dev.warden.session.v1.GetSessionRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.session.v1.GetSessionResponse>) responseObserver);
          break;
        case METHODID_LIST_SESSIONS:
          serviceImpl.listSessions((dev.warden.session.v1.ListSessionsRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.session.v1.ListSessionsResponse>) responseObserver);
          break;
        case METHODID_REVOKE_SESSION:
          serviceImpl.revokeSession((dev.warden.session.v1.RevokeSessionRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.session.v1.RevokeSessionResponse>) responseObserver);
          break;
        case METHODID_REVOKE_USER_SESSIONS:
          serviceImpl.revokeUserSessions((dev.warden.session.v1.RevokeUserSessionsRequest) request,
              (io.grpc.stub.StreamObserver<dev.warden.session.v1.RevokeUserSessionsResponse>) responseObserver);
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
          getGetCurrentSessionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.session.v1.GetCurrentSessionRequest,
              dev.warden.session.v1.GetCurrentSessionResponse>(
                service, METHODID_GET_CURRENT_SESSION)))
        .addMethod(
          getGetSessionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.session.v1.GetSessionRequest,
              dev.warden.session.v1.GetSessionResponse>(
                service, METHODID_GET_SESSION)))
        .addMethod(
          getListSessionsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.session.v1.ListSessionsRequest,
              dev.warden.session.v1.ListSessionsResponse>(
                service, METHODID_LIST_SESSIONS)))
        .addMethod(
          getRevokeSessionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.session.v1.RevokeSessionRequest,
              dev.warden.session.v1.RevokeSessionResponse>(
                service, METHODID_REVOKE_SESSION)))
        .addMethod(
          getRevokeUserSessionsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.warden.session.v1.RevokeUserSessionsRequest,
              dev.warden.session.v1.RevokeUserSessionsResponse>(
                service, METHODID_REVOKE_USER_SESSIONS)))
        .build();
  }

  private static abstract class SessionServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    SessionServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.warden.session.v1.SessionProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("SessionService");
    }
  }

  private static final class SessionServiceFileDescriptorSupplier
      extends SessionServiceBaseDescriptorSupplier {
    SessionServiceFileDescriptorSupplier() {}
  }

  private static final class SessionServiceMethodDescriptorSupplier
      extends SessionServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    SessionServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (SessionServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new SessionServiceFileDescriptorSupplier())
              .addMethod(getGetCurrentSessionMethod())
              .addMethod(getGetSessionMethod())
              .addMethod(getListSessionsMethod())
              .addMethod(getRevokeSessionMethod())
              .addMethod(getRevokeUserSessionsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
