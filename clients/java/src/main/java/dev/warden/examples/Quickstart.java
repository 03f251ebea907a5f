package dev.warden.examples;

import dev.warden.auth.v1.AuthServiceGrpc;
import dev.warden.auth.v1.RegisterRequest;
import dev.warden.authz.v1.AuthzServiceGrpc;
import dev.warden.authz.v1.CheckPermissionRequest;
import dev.warden.authz.v1.Consistency;
import dev.warden.authz.v1.ObjectReference;
import dev.warden.authz.v1.Permissionship;
import dev.warden.authz.v1.Relationship;
import dev.warden.authz.v1.RelationshipUpdate;
import dev.warden.authz.v1.SubjectReference;
import dev.warden.authz.v1.WriteRelationshipsRequest;
import dev.warden.authz.v1.WriteSchemaRequest;
import dev.warden.client.WardenCredentials;
import dev.warden.client.WardenErrors;
import dev.warden.session.v1.GetCurrentSessionRequest;
import dev.warden.session.v1.Session;
import dev.warden.session.v1.SessionServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Registers a user, logs in, asks who it is, then checks a permission.
 *
 * <pre>
 * WARDEN_ADDRESS=127.0.0.1:50051 mvn -q compile exec:java
 * </pre>
 *
 * <p>The relationship part needs an administrator: the server must run with {@code
 * --bootstrap-admin-email admin@example.com} (or {@code WARDEN_ADMIN_EMAIL}), whose password is
 * {@code WARDEN_ADMIN_PASSWORD} (registered here if the account does not exist yet).
 */
public final class Quickstart {

  private static final String SCHEMA =
      """
      definition user {}

      definition document {
        relation viewer: user
        permission view = viewer
      }
      """;

  private Quickstart() {}

  public static void main(String[] args) throws InterruptedException {
    String address = env("WARDEN_ADDRESS", "127.0.0.1:50051");
    String adminEmail = env("WARDEN_ADMIN_EMAIL", "admin@example.com");
    String adminPassword = env("WARDEN_ADMIN_PASSWORD", "quickstart admin password");
    try {
      run(address, adminEmail, adminPassword, System.out);
    } catch (StatusRuntimeException e) {
      System.err.println(
          "quickstart failed: "
              + e.getStatus()
              + WardenErrors.reason(e).map(reason -> " (" + reason + ")").orElse(""));
      System.exit(1);
    }
  }

  /** Runs the quickstart against the Warden at {@code address}, printing to {@code out}. */
  public static void run(String address, String adminEmail, String adminPassword, PrintStream out)
      throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
    try {
      // 1. Register (an open RPC: a plain stub, no token needed).
      AuthServiceGrpc.AuthServiceBlockingStub open = AuthServiceGrpc.newBlockingStub(channel);
      String email = "quickstart-" + UUID.randomUUID() + "@example.com";
      String password = UUID.randomUUID().toString();
      register(open, email, password);
      register(open, adminEmail, adminPassword);
      out.println("registered " + email);

      // 2. Log in: every call made with these credentials carries a fresh access token.
      WardenCredentials user = WardenCredentials.forPassword(channel, email, password).build();
      WardenCredentials admin =
          WardenCredentials.forPassword(channel, adminEmail, adminPassword).build();
      user.login();
      admin.login();
      try {
        // 3. Who am I?
        Session session =
            SessionServiceGrpc.newBlockingStub(channel)
                .withInterceptors(user.interceptor())
                .getCurrentSession(GetCurrentSessionRequest.getDefaultInstance())
                .getSession();
        out.printf(
            "session %s of user %s, expires %s%n",
            session.getSessionId(),
            session.getUserId(),
            Instant.ofEpochSecond(
                session.getExpiresAt().getSeconds(), session.getExpiresAt().getNanos()));

        // 4. As the administrator: a schema, and the user as a viewer of document:readme.
        AuthzServiceGrpc.AuthzServiceBlockingStub adminAuthz =
            AuthzServiceGrpc.newBlockingStub(channel).withInterceptors(admin.interceptor());
        adminAuthz.writeSchema(WriteSchemaRequest.newBuilder().setSchema(SCHEMA).build());
        adminAuthz.writeRelationships(
            WriteRelationshipsRequest.newBuilder()
                .addUpdates(
                    RelationshipUpdate.newBuilder()
                        .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                        .setRelationship(
                            Relationship.newBuilder()
                                .setResource(object("document", "readme"))
                                .setRelation("viewer")
                                .setSubject(
                                    SubjectReference.newBuilder()
                                        .setObject(object("user", session.getUserId())))))
                .build());

        // 5. Check: the user may view document:readme, and not document:secret.
        AuthzServiceGrpc.AuthzServiceBlockingStub authz =
            AuthzServiceGrpc.newBlockingStub(channel).withInterceptors(user.interceptor());
        Permissionship readme = check(authz, "readme", session.getUserId());
        Permissionship secret = check(authz, "secret", session.getUserId());
        out.println("view document:readme -> " + readme);
        out.println("view document:secret -> " + secret);
        if (readme != Permissionship.PERMISSIONSHIP_HAS_PERMISSION
            || secret != Permissionship.PERMISSIONSHIP_NO_PERMISSION) {
          throw Status.INTERNAL
              .withDescription("unexpected permission check results")
              .asRuntimeException();
        }
      } finally {
        user.logout();
        admin.logout();
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Registers an account; an existing one is fine. */
  private static void register(
      AuthServiceGrpc.AuthServiceBlockingStub open, String email, String password) {
    try {
      open.register(
          RegisterRequest.newBuilder()
              .setEmail(email)
              .setPassword(password)
              .setDisplayName(email.substring(0, email.indexOf('@')))
              .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  private static Permissionship check(
      AuthzServiceGrpc.AuthzServiceBlockingStub authz, String documentId, String userId) {
    return authz
        .checkPermission(
            CheckPermissionRequest.newBuilder()
                .setResource(object("document", documentId))
                .setPermission("view")
                .setSubject(SubjectReference.newBuilder().setObject(object("user", userId)))
                .setConsistency(Consistency.newBuilder().setFullyConsistent(true))
                .build())
        .getPermissionship();
  }

  private static ObjectReference object(String type, String id) {
    return ObjectReference.newBuilder().setObjectType(type).setObjectId(id).build();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
