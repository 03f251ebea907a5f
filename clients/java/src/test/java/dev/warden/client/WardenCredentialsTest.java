package dev.warden.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import dev.warden.auth.v1.AuthServiceGrpc;
import dev.warden.auth.v1.CreateApiKeyRequest;
import dev.warden.auth.v1.CreateApiKeyResponse;
import dev.warden.auth.v1.GetJwksRequest;
import dev.warden.auth.v1.LogoutRequest;
import dev.warden.auth.v1.RegisterRequest;
import dev.warden.session.v1.AuthMethod;
import dev.warden.session.v1.GetCurrentSessionRequest;
import dev.warden.session.v1.Session;
import dev.warden.session.v1.SessionServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WardenCredentialsTest {

  /** Access-token lifetime of the test server: Warden's shortest, to cross several expiries. */
  private static final Duration TTL = Duration.ofSeconds(10);

  private static WardenServer server;
  private static AuthServiceGrpc.AuthServiceBlockingStub open;

  @BeforeAll
  static void startServer() throws Exception {
    server = WardenServer.start(TTL.toSeconds() + "s");
    open = AuthServiceGrpc.newBlockingStub(server.channel());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private record Account(String email, String password) {}

  private static Account newUser() {
    Account account =
        new Account("java-" + UUID.randomUUID() + "@example.com", UUID.randomUUID().toString());
    open.register(
        RegisterRequest.newBuilder()
            .setEmail(account.email())
            .setPassword(account.password())
            .setDisplayName("Java test")
            .build());
    return account;
  }

  private static WardenCredentials credentials(Account account, List<TokenEvent> events) {
    return WardenCredentials.forPassword(server.channel(), account.email(), account.password())
        .onTokens(events::add)
        .build();
  }

  private static SessionServiceGrpc.SessionServiceBlockingStub sessions(
      WardenCredentials credentials) {
    return SessionServiceGrpc.newBlockingStub(server.channel())
        .withInterceptors(credentials.interceptor());
  }

  private static Session whoAmI(WardenCredentials credentials) {
    return sessions(credentials)
        .getCurrentSession(GetCurrentSessionRequest.getDefaultInstance())
        .getSession();
  }

  private static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return headers;
  }

  /** GetCurrentSession with an explicit bearer token, bypassing the credentials. */
  private static Session whoAmIWith(String token) {
    return SessionServiceGrpc.newBlockingStub(server.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
        .getCurrentSession(GetCurrentSessionRequest.getDefaultInstance())
        .getSession();
  }

  private static List<TokenEvent.Kind> kinds(List<TokenEvent> events) {
    return events.stream().map(TokenEvent::kind).toList();
  }

  @Test
  void keepsCallsWorkingAcrossSeveralExpiriesOnOneSession() throws Exception {
    List<TokenEvent> events = new CopyOnWriteArrayList<>();
    WardenCredentials credentials = credentials(newUser(), events);
    credentials.login();
    String firstToken = credentials.accessToken().get();
    String sessionId = credentials.sessionId().orElseThrow();

    long until = System.nanoTime() + TTL.multipliedBy(7).dividedBy(2).toNanos();
    int calls = 0;
    while (System.nanoTime() < until) {
      assertEquals(sessionId, whoAmI(credentials).getSessionId());
      calls++;
      Thread.sleep(250);
    }

    // The first token really expired on the server: without the refreshes these calls would fail.
    StatusRuntimeException expired =
        assertThrows(StatusRuntimeException.class, () -> whoAmIWith(firstToken));
    assertEquals(Status.Code.UNAUTHENTICATED, expired.getStatus().getCode());
    assertEquals("TOKEN_EXPIRED", WardenErrors.reason(expired).orElseThrow());

    assertTrue(calls >= 50, "only " + calls + " calls");
    assertEquals(1, kinds(events).stream().filter(TokenEvent.Kind.LOGIN::equals).count());
    long refreshes = kinds(events).stream().filter(TokenEvent.Kind.REFRESH::equals).count();
    assertTrue(refreshes >= 3, "refreshes: " + refreshes);
    assertTrue(events.stream().allMatch(event -> event.sessionId().equals(sessionId)));
    assertNotEquals(firstToken, credentials.accessToken().get());
  }

  @Test
  void concurrentCallsOnADueTokenShareOneRefresh() throws Exception {
    List<TokenEvent> events = new CopyOnWriteArrayList<>();
    WardenCredentials credentials = credentials(newUser(), events);
    credentials.login();
    // Past the refresh point (three quarters of the lifetime).
    Thread.sleep(TTL.multipliedBy(4).dividedBy(5).toMillis());

    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Future<Session>> results =
          IntStream.range(0, 20).mapToObj(i -> pool.submit(() -> whoAmI(credentials))).toList();
      for (Future<Session> result : results) {
        assertEquals(credentials.sessionId().orElseThrow(), result.get().getSessionId());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(TokenEvent.Kind.LOGIN, TokenEvent.Kind.REFRESH), kinds(events));
  }

  @Test
  void logsInAgainWhenTheSessionEndsAndTheRefreshIsRefused() throws Exception {
    List<TokenEvent> events = new CopyOnWriteArrayList<>();
    WardenCredentials credentials = credentials(newUser(), events);
    credentials.login();
    String firstSession = credentials.sessionId().orElseThrow();

    // The session is ended behind the credentials' back (a logout from elsewhere).
    open.withInterceptors(
            MetadataUtils.newAttachHeadersInterceptor(bearer(credentials.accessToken().get())))
        .logout(LogoutRequest.getDefaultInstance());

    // The call in flight with the revoked token fails once, with the reason...
    StatusRuntimeException revoked =
        assertThrows(StatusRuntimeException.class, () -> whoAmI(credentials));
    assertEquals(Status.Code.UNAUTHENTICATED, revoked.getStatus().getCode());
    assertEquals("SESSION_REVOKED", WardenErrors.reason(revoked).orElseThrow());

    // ...and the next one goes through on a new session: the refresh was refused, so it logged in.
    Session session = whoAmI(credentials);
    assertNotEquals(firstSession, session.getSessionId());
    assertEquals(credentials.sessionId().orElseThrow(), session.getSessionId());
    assertEquals(List.of(TokenEvent.Kind.LOGIN, TokenEvent.Kind.LOGIN), kinds(events));
  }

  @Test
  void logsInWithAnApiKey() {
    WardenCredentials owner = credentials(newUser(), new CopyOnWriteArrayList<>());
    CreateApiKeyResponse created =
        AuthServiceGrpc.newBlockingStub(server.channel())
            .withCallCredentials(owner)
            .createApiKey(CreateApiKeyRequest.newBuilder().setName("java-test").build());
    assertTrue(created.getApiKey().startsWith("wdn_"));

    WardenCredentials service =
        WardenCredentials.forApiKey(server.channel(), created.getApiKey()).build();
    Session session = whoAmI(service);
    assertEquals(owner.userId().orElseThrow(), session.getUserId());
    assertEquals(AuthMethod.AUTH_METHOD_API_KEY, session.getAuthMethod());
    assertEquals(created.getKeyId(), session.getApiKeyId());
  }

  @Test
  void logoutEndsTheSessionAtOnce() throws Exception {
    WardenCredentials credentials = credentials(newUser(), new CopyOnWriteArrayList<>());
    String token = credentials.accessToken().get();
    credentials.logout();

    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> whoAmIWith(token));
    assertEquals("SESSION_REVOKED", WardenErrors.reason(refused).orElseThrow());
    StatusRuntimeException afterLogout =
        assertThrows(StatusRuntimeException.class, () -> whoAmI(credentials));
    assertEquals(Status.Code.UNAUTHENTICATED, afterLogout.getStatus().getCode());
    // Open RPCs never needed a token.
    assertTrue(
        open.withCallCredentials(credentials)
                .getJwks(GetJwksRequest.getDefaultInstance())
                .getKeysCount()
            > 0);
  }

  @Test
  void aBadLoginCarriesTheErrorInfoReason() {
    Account account = newUser();
    WardenCredentials credentials =
        WardenCredentials.forPassword(server.channel(), account.email(), "not the password")
            .build();

    StatusRuntimeException login = assertThrows(StatusRuntimeException.class, credentials::login);
    assertEquals(Status.Code.UNAUTHENTICATED, login.getStatus().getCode());
    assertEquals("INVALID_CREDENTIALS", WardenErrors.reason(login).orElseThrow());
    assertEquals("warden", WardenErrors.errorInfo(login).orElseThrow().getDomain());

    // A call whose credentials cannot log in fails with the login's code, the cause attached.
    StatusRuntimeException call =
        assertThrows(StatusRuntimeException.class, () -> whoAmI(credentials));
    assertEquals(Status.Code.UNAUTHENTICATED, call.getStatus().getCode());
    assertEquals("INVALID_CREDENTIALS", WardenErrors.reason(call).orElseThrow());
  }

  @Test
  void aMalformedRegistrationCarriesFieldViolations() {
    StatusRuntimeException error =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                open.register(
                    RegisterRequest.newBuilder()
                        .setEmail("not an email")
                        .setPassword("short")
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    List<String> fields =
        WardenErrors.fieldViolations(error).stream()
            .map(BadRequest.FieldViolation::getField)
            .toList();
    assertTrue(fields.contains("email"), "violations: " + fields);
  }

  @Test
  void aCallWithoutATokenIsRefusedWithMissingToken() {
    StatusRuntimeException error =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                SessionServiceGrpc.newBlockingStub(server.channel())
                    .getCurrentSession(GetCurrentSessionRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAUTHENTICATED, error.getStatus().getCode());
    assertEquals("MISSING_TOKEN", WardenErrors.reason(error).orElseThrow());
  }
}
