package dev.warden.client;

import dev.warden.auth.v1.AuthServiceGrpc;
import dev.warden.auth.v1.LoginRequest;
import dev.warden.auth.v1.LoginResponse;
import dev.warden.auth.v1.LoginWithApiKeyRequest;
import dev.warden.auth.v1.LoginWithApiKeyResponse;
import dev.warden.auth.v1.LogoutRequest;
import dev.warden.auth.v1.RefreshRequest;
import dev.warden.auth.v1.RefreshResponse;
import dev.warden.auth.v1.Tokens;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.CompositeCallCredentials;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Call credentials that log in to Warden and keep the access token fresh.
 *
 * <p>Each call gets {@code authorization: Bearer <access token>}. The token is refreshed before it
 * expires (a quarter of its lifetime, at most {@link Builder#refreshMargin} before), the refresh
 * token is rotated on every use, and when Warden refuses the refresh (session ended, idle timeout,
 * reuse detected) the credentials log in again. Concurrent calls share one refresh. Instances are
 * thread-safe; share one per identity.
 *
 * <pre>{@code
 * ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:50051",
 *     InsecureChannelCredentials.create()).build();
 * WardenCredentials credentials =
 *     WardenCredentials.forPassword(channel, "alice@example.com", password).build();
 * SessionServiceGrpc.SessionServiceBlockingStub sessions =
 *     SessionServiceGrpc.newBlockingStub(channel).withInterceptors(credentials.interceptor());
 * Session me = sessions.getCurrentSession(GetCurrentSessionRequest.getDefaultInstance()).getSession();
 * }</pre>
 *
 * <p>{@code stub.withCallCredentials(credentials)} works too; {@link #interceptor()} adds that a
 * call refused with {@code TOKEN_EXPIRED}, {@code SESSION_REVOKED} or {@code SESSION_EXPIRED} makes
 * the next call get a new token.
 */
public final class WardenCredentials extends CallCredentials {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** RPCs that need no bearer token: no token is fetched for them. */
  private static final Set<String> OPEN_METHODS =
      Set.of(
          AuthServiceGrpc.getRegisterMethod().getFullMethodName(),
          AuthServiceGrpc.getLoginMethod().getFullMethodName(),
          AuthServiceGrpc.getLoginWithApiKeyMethod().getFullMethodName(),
          AuthServiceGrpc.getRefreshMethod().getFullMethodName(),
          AuthServiceGrpc.getGetJwksMethod().getFullMethodName(),
          "grpc.health.v1.Health/Check",
          "grpc.health.v1.Health/Watch");

  /** Refusals after which the token a call carried is useless. */
  private static final Set<String> STALE_TOKEN_REASONS =
      Set.of("TOKEN_EXPIRED", "SESSION_REVOKED", "SESSION_EXPIRED");

  /** After a refresh failed for a transient reason, the current token is used this long. */
  private static final long RETRY_AFTER_MILLIS = 1_000;

  private final Channel channel;
  private final Login login;
  private final Duration refreshMargin;
  private final Duration authTimeout;
  private final Consumer<TokenEvent> onTokens;
  private final Clock clock;
  private final ClientInterceptor interceptor = new StaleTokenInterceptor();

  private final Object lock = new Object();
  private Held held; // guarded by lock
  private CompletableFuture<Held> pending; // guarded by lock
  private boolean loggedOut; // guarded by lock

  private WardenCredentials(Builder builder) {
    this.channel = builder.channel;
    this.login = builder.login;
    this.refreshMargin = builder.refreshMargin;
    this.authTimeout = builder.authTimeout;
    this.onTokens = builder.onTokens;
    this.clock = builder.clock;
  }

  /** Credentials that log in with a user's email and password over {@code channel}. */
  public static Builder forPassword(Channel channel, String email, String password) {
    return new Builder(channel, new Login.Password(email, password));
  }

  /** Credentials that log in with an API key ({@code wdn_...}) over {@code channel}. */
  public static Builder forApiKey(Channel channel, String apiKey) {
    return new Builder(channel, new Login.ApiKey(apiKey));
  }

  /**
   * Logs in now, unless a token is already held, so that bad credentials surface at start-up.
   *
   * @throws StatusRuntimeException the login's error, for example {@code UNAUTHENTICATED} with
   *     reason {@code INVALID_CREDENTIALS} (see {@link WardenErrors})
   */
  public void login() {
    await(currentOrRenewed());
  }

  /** A valid access token: the current one, or a new one when it is due for refresh. */
  public CompletableFuture<String> accessToken() {
    return currentOrRenewed().thenApply(Held::accessToken);
  }

  /** The current session id, once logged in (it changes when the credentials log in again). */
  public Optional<String> sessionId() {
    synchronized (lock) {
      return Optional.ofNullable(held).map(Held::sessionId);
    }
  }

  /** The logged-in user's id, once logged in. */
  public Optional<String> userId() {
    synchronized (lock) {
      return Optional.ofNullable(held).map(Held::userId);
    }
  }

  /**
   * A client interceptor that attaches these credentials to every call and drops a token that
   * Warden reported as expired or revoked: {@code
   * stub.withInterceptors(credentials.interceptor())}.
   */
  public ClientInterceptor interceptor() {
    return interceptor;
  }

  /**
   * Ends the session on the server. Calls made with these credentials afterwards fail with {@code
   * UNAUTHENTICATED}.
   */
  public void logout() {
    synchronized (lock) {
      if (loggedOut) {
        return;
      }
    }
    if (sessionId().isPresent()) {
      AuthServiceGrpc.newBlockingStub(channel)
          .withCallCredentials(this)
          .withDeadlineAfter(authTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .logout(LogoutRequest.getDefaultInstance());
    }
    synchronized (lock) {
      loggedOut = true;
      held = null;
    }
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    if (OPEN_METHODS.contains(requestInfo.getMethodDescriptor().getFullMethodName())) {
      applier.apply(new Metadata());
      return;
    }
    currentOrRenewed()
        .whenComplete(
            (current, error) -> {
              if (error != null) {
                Throwable cause = unwrap(error);
                applier.fail(Status.fromThrowable(cause).withCause(cause));
              } else {
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, "Bearer " + current.accessToken());
                applier.apply(headers);
              }
            });
  }

  private CompletableFuture<Held> currentOrRenewed() {
    synchronized (lock) {
      if (loggedOut) {
        return CompletableFuture.failedFuture(
            Status.UNAUTHENTICATED.withDescription("logged out").asRuntimeException());
      }
      if (held != null && clock.millis() < held.refreshAt()) {
        return CompletableFuture.completedFuture(held);
      }
      if (pending != null) {
        return pending;
      }
      CompletableFuture<Held> started = obtain(held);
      pending = started;
      started.whenComplete(
          (result, error) -> {
            synchronized (lock) {
              if (pending == started) {
                pending = null;
              }
            }
          });
      return started;
    }
  }

  private CompletableFuture<Held> obtain(Held current) {
    if (current == null) {
      return logIn();
    }
    long sentAt = clock.millis();
    RefreshRequest request =
        RefreshRequest.newBuilder().setRefreshToken(current.refreshToken()).build();
    return WardenCredentials.<RefreshResponse>call(
            observer -> authStub().refresh(request, observer))
        .thenApply(response -> keep(response.getTokens(), sentAt, TokenEvent.Kind.REFRESH))
        .exceptionallyCompose(
            error -> {
              Throwable cause = unwrap(error);
              if (Status.fromThrowable(cause).getCode() == Status.Code.UNAUTHENTICATED) {
                // The refresh token was refused (session ended, reuse, idle timeout): start over.
                return logIn();
              }
              long now = clock.millis();
              if (now < current.expiresAt() - RETRY_AFTER_MILLIS) {
                // Warden cannot be reached for now, but the current token is still good.
                Held retry = current.withRefreshAt(now + RETRY_AFTER_MILLIS);
                synchronized (lock) {
                  if (held == current) {
                    held = retry;
                  }
                }
                return CompletableFuture.completedFuture(retry);
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private CompletableFuture<Held> logIn() {
    long sentAt = clock.millis();
    CompletableFuture<Tokens> tokens;
    if (login instanceof Login.ApiKey apiKey) {
      LoginWithApiKeyRequest request =
          LoginWithApiKeyRequest.newBuilder().setApiKey(apiKey.key()).build();
      tokens =
          WardenCredentials.<LoginWithApiKeyResponse>call(
                  observer -> authStub().loginWithApiKey(request, observer))
              .thenApply(LoginWithApiKeyResponse::getTokens);
    } else {
      Login.Password password = (Login.Password) login;
      LoginRequest request =
          LoginRequest.newBuilder()
              .setEmail(password.email())
              .setPassword(password.password())
              .build();
      tokens =
          WardenCredentials.<LoginResponse>call(observer -> authStub().login(request, observer))
              .thenApply(LoginResponse::getTokens);
    }
    return tokens.thenApply(issued -> keep(issued, sentAt, TokenEvent.Kind.LOGIN));
  }

  private Held keep(Tokens tokens, long sentAt, TokenEvent.Kind kind) {
    if (tokens.getAccessToken().isEmpty()) {
      throw Status.INTERNAL.withDescription("Warden answered without tokens").asRuntimeException();
    }
    long lifetime = tokens.getExpiresIn() * 1_000;
    long expiresAt = sentAt + lifetime;
    long refreshAt = expiresAt - Math.min(refreshMargin.toMillis(), lifetime / 4);
    Held fresh =
        new Held(
            tokens.getAccessToken(),
            tokens.getRefreshToken(),
            tokens.getSessionId(),
            tokens.getUserId(),
            sentAt,
            expiresAt,
            refreshAt);
    synchronized (lock) {
      if (loggedOut) {
        throw Status.UNAUTHENTICATED.withDescription("logged out").asRuntimeException();
      }
      held = fresh;
    }
    onTokens.accept(
        new TokenEvent(kind, fresh.sessionId(), fresh.userId(), Instant.ofEpochMilli(expiresAt)));
    return fresh;
  }

  /** Marks the current token as due, unless it was obtained after the refused call started. */
  private void forget(long callStartedAt) {
    synchronized (lock) {
      if (held != null && held.obtainedAt() <= callStartedAt) {
        held = held.withRefreshAt(0);
      }
    }
  }

  private AuthServiceGrpc.AuthServiceStub authStub() {
    return AuthServiceGrpc.newStub(channel)
        .withDeadlineAfter(authTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> CompletableFuture<T> call(Consumer<StreamObserver<T>> start) {
    CompletableFuture<T> result = new CompletableFuture<>();
    start.accept(
        new StreamObserver<>() {
          @Override
          public void onNext(T value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable error) {
            result.completeExceptionally(error);
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(
                Status.INTERNAL.withDescription("no response").asRuntimeException());
          }
        });
    return result;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").withCause(e).asRuntimeException();
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw Status.fromThrowable(cause).withCause(cause).asRuntimeException();
    }
  }

  /** How the credentials log in. */
  private sealed interface Login {
    record Password(String email, String password) implements Login {
      @Override
      public String toString() {
        return "Password[email=" + email + "]";
      }
    }

    record ApiKey(String key) implements Login {
      @Override
      public String toString() {
        return "ApiKey";
      }
    }
  }

  /** The tokens held, with local times in epoch milliseconds. */
  private record Held(
      String accessToken,
      String refreshToken,
      String sessionId,
      String userId,
      long obtainedAt,
      long expiresAt,
      long refreshAt) {

    Held withRefreshAt(long at) {
      return new Held(accessToken, refreshToken, sessionId, userId, obtainedAt, expiresAt, at);
    }

    @Override
    public String toString() {
      return "Held[sessionId=" + sessionId + ", userId=" + userId + "]";
    }
  }

  /** Attaches the credentials and forgets a token Warden refused as expired or revoked. */
  private final class StaleTokenInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      long startedAt = clock.millis();
      CallCredentials existing = options.getCredentials();
      CallCredentials credentials =
          existing == null
              ? WardenCredentials.this
              : new CompositeCallCredentials(existing, WardenCredentials.this);
      ClientCall<Q, R> call = next.newCall(method, options.withCallCredentials(credentials));
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                  if (status.getCode() == Status.Code.UNAUTHENTICATED
                      && WardenErrors.errorInfo(status, trailers)
                          .filter(info -> STALE_TOKEN_REASONS.contains(info.getReason()))
                          .isPresent()) {
                    forget(startedAt);
                  }
                  super.onClose(status, trailers);
                }
              },
              headers);
        }
      };
    }
  }

  /** Configures {@link WardenCredentials}. */
  public static final class Builder {
    private final Channel channel;
    private final Login login;
    private Duration refreshMargin = Duration.ofSeconds(60);
    private Duration authTimeout = Duration.ofSeconds(10);
    private Consumer<TokenEvent> onTokens = event -> {};
    private Clock clock = Clock.systemUTC();

    private Builder(Channel channel, Login login) {
      this.channel = Objects.requireNonNull(channel, "channel");
      this.login = login;
    }

    /** Refresh this long before expiry, at most a quarter of the token's lifetime (60 s). */
    public Builder refreshMargin(Duration margin) {
      this.refreshMargin = Objects.requireNonNull(margin, "margin");
      return this;
    }

    /** Deadline of the Login and Refresh calls (10 s). */
    public Builder authTimeout(Duration timeout) {
      this.authTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Called after every login and refresh (for metrics or logs); it gets no secret. */
    public Builder onTokens(Consumer<TokenEvent> listener) {
      this.onTokens = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock that times refreshes (the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public WardenCredentials build() {
      return new WardenCredentials(this);
    }
  }
}
