import * as grpc from "@grpc/grpc-js";

import { errorReason } from "./errors.js";
import { AuthServiceClient, type Tokens } from "./gen/warden/auth/v1/auth.js";
import { AuthzServiceClient } from "./gen/warden/authz/v1/authz.js";
import { SessionServiceClient } from "./gen/warden/session/v1/session.js";
import { unary } from "./unary.js";

/** How the client logs in: a user's email and password, or an API key (`wdn_...`). */
export type LoginCredentials = { email: string; password: string } | { apiKey: string };

/** Reported to `onTokens` each time the client obtains tokens; it never carries the tokens. */
export interface TokenEvent {
  /** `login` for a new session (first login or re-login), `refresh` for a rotation. */
  kind: "login" | "refresh";
  sessionId: string;
  userId: string;
  /** When the new access token expires (by the local clock). */
  expiresAt: Date;
}

export interface WardenClientOptions {
  /** Warden's gRPC address, for example `127.0.0.1:50051`. */
  address: string;
  /** The credentials to log in with, and to log in again with when a refresh is refused. */
  login: LoginCredentials;
  /** Transport security; plaintext (`grpc.credentials.createInsecure()`) by default. */
  channelCredentials?: grpc.ChannelCredentials;
  /** grpc-js channel options (`grpc.keepalive_time_ms`, ...). */
  channelOptions?: grpc.ChannelOptions;
  /**
   * Refresh this long before the access token expires, at most a quarter of its lifetime
   * (default 60 s).
   */
  refreshMarginMs?: number;
  /** Deadline of the Login and Refresh calls (default 10 s). */
  authTimeoutMs?: number;
  /** Called after every login and refresh (for metrics or logs; it gets no secret). */
  onTokens?: (event: TokenEvent) => void;
}

interface HeldTokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  /** Local time (ms) at which the request that returned these tokens was sent. */
  obtainedAt: number;
  expiresAt: number;
  refreshAt: number;
}

/** RPCs that need no bearer token: no token is fetched for them. */
const OPEN_METHODS = new Set([
  "/warden.auth.v1.AuthService/Register",
  "/warden.auth.v1.AuthService/Login",
  "/warden.auth.v1.AuthService/LoginWithApiKey",
  "/warden.auth.v1.AuthService/Refresh",
  "/warden.auth.v1.AuthService/GetJwks",
  "/grpc.health.v1.Health/Check",
  "/grpc.health.v1.Health/Watch",
]);

/** Refusals after which the token the call carried is useless: the next call gets a new one. */
const STALE_TOKEN_REASONS = new Set(["TOKEN_EXPIRED", "SESSION_REVOKED", "SESSION_EXPIRED"]);

/** After a refresh failed for a transient reason, the current token is used this long before trying again. */
const RETRY_AFTER_MS = 1_000;

/**
 * A logged-in connection to Warden. Every call made through `auth`, `sessions` and `authz`
 * (or through any grpc-js client built with `interceptor` or `callCredentials`) carries
 * `authorization: Bearer <access token>`; the token is refreshed before it expires, the refresh
 * token is rotated on every use, and when Warden refuses the refresh (session ended, reuse
 * detected) the client logs in again with its credentials. Concurrent calls share one refresh.
 *
 * ```ts
 * const warden = await WardenClient.connect({ address, login: { email, password } });
 * const { session } = await unary(warden.sessions.getCurrentSession.bind(warden.sessions), {});
 * warden.close();
 * ```
 */
export class WardenClient {
  /** `AuthService`; its open RPCs (Register, Login, ...) are sent without a token. */
  readonly auth: AuthServiceClient;
  readonly sessions: SessionServiceClient;
  readonly authz: AuthzServiceClient;
  /**
   * A grpc-js client interceptor that adds the bearer token to each call and drops a token
   * Warden reported as expired or revoked. Pass it to other clients:
   * `new MyServiceClient(addr, creds, { interceptors: [warden.interceptor] })`. It works on
   * plaintext and TLS channels alike.
   */
  readonly interceptor: grpc.Interceptor;
  /**
   * The same bearer token as call credentials, for a TLS channel:
   * `grpc.credentials.combineChannelCredentials(tls, warden.callCredentials)`.
   * Use either this or `interceptor` on a client, not both.
   */
  readonly callCredentials: grpc.CallCredentials;

  readonly #open: AuthServiceClient;
  readonly #login: LoginCredentials;
  readonly #refreshMarginMs: number;
  readonly #authTimeoutMs: number;
  readonly #onTokens: ((event: TokenEvent) => void) | undefined;
  #tokens: HeldTokens | undefined;
  #pending: Promise<HeldTokens> | undefined;
  #closed = false;

  private constructor(options: WardenClientOptions) {
    this.#login = options.login;
    this.#refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.#authTimeoutMs = options.authTimeoutMs ?? 10_000;
    this.#onTokens = options.onTokens;
    const channelCredentials = options.channelCredentials ?? grpc.credentials.createInsecure();
    this.#open = new AuthServiceClient(options.address, channelCredentials, options.channelOptions);
    const channel = this.#open.getChannel();

    this.callCredentials = grpc.credentials.createFromMetadataGenerator((params, callback) => {
      if (OPEN_METHODS.has(params.method_name)) {
        callback(null, new grpc.Metadata());
        return;
      }
      this.accessToken().then(
        (token) => {
          const metadata = new grpc.Metadata();
          metadata.set("authorization", `Bearer ${token}`);
          callback(null, metadata);
        },
        (error: Error) => callback(error),
      );
    });

    this.interceptor = (callOptions, nextCall) => {
      const startedAt = Date.now();
      const credentials = callOptions.credentials
        ? callOptions.credentials.compose(this.callCredentials)
        : this.callCredentials;
      return new grpc.InterceptingCall(nextCall({ ...callOptions, credentials }), {
        start: (metadata, listener, next) => {
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              if (status.code === grpc.status.UNAUTHENTICATED && STALE_TOKEN_REASONS.has(errorReason(status) ?? "")) {
                this.#forget(startedAt);
              }
              nextStatus(status);
            },
          });
        },
      });
    };

    const clientOptions: grpc.ClientOptions = { channelOverride: channel, interceptors: [this.interceptor] };
    this.auth = new AuthServiceClient(options.address, channelCredentials, clientOptions);
    this.sessions = new SessionServiceClient(options.address, channelCredentials, clientOptions);
    this.authz = new AuthzServiceClient(options.address, channelCredentials, clientOptions);
  }

  /**
   * Connects and logs in. Rejects with the grpc-js `ServiceError` of the login when it fails
   * (for example `UNAUTHENTICATED` with reason `INVALID_CREDENTIALS`, see `errorDetails`).
   */
  static async connect(options: WardenClientOptions): Promise<WardenClient> {
    const client = new WardenClient(options);
    try {
      await client.accessToken();
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  /** The current session id (it changes when the client has to log in again). */
  get sessionId(): string | undefined {
    return this.#tokens?.sessionId;
  }

  /** The logged-in user's id. */
  get userId(): string | undefined {
    return this.#tokens?.userId;
  }

  /** The channel the clients share, for building clients of other Warden-protected services. */
  getChannel(): ReturnType<grpc.Client["getChannel"]> {
    return this.#open.getChannel();
  }

  /**
   * A valid access token: the current one, or a new one when it is due for refresh. Concurrent
   * callers wait for the same refresh.
   */
  async accessToken(): Promise<string> {
    const held = this.#tokens;
    if (held !== undefined && Date.now() < held.refreshAt) {
      return held.accessToken;
    }
    return (await this.#renew()).accessToken;
  }

  /** Ends the session on the server, then closes the client. */
  async logout(): Promise<void> {
    if (this.#tokens !== undefined) {
      await unary(this.auth.logout.bind(this.auth), {}, this.#authCallOptions());
      this.#tokens = undefined;
    }
    this.close();
  }

  /** Closes the channel; calls made afterwards fail. */
  close(): void {
    this.#closed = true;
    this.#open.close();
  }

  #renew(): Promise<HeldTokens> {
    this.#pending ??= this.#obtain().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #obtain(): Promise<HeldTokens> {
    if (this.#closed) {
      throw Object.assign(new Error("WardenClient is closed"), { code: grpc.status.UNAUTHENTICATED });
    }
    const held = this.#tokens;
    if (held === undefined) {
      return this.#logIn();
    }
    const sentAt = Date.now();
    try {
      const response = await unary(
        this.#open.refresh.bind(this.#open),
        { refreshToken: held.refreshToken },
        this.#authCallOptions(),
      );
      return this.#keep(response.tokens, sentAt, "refresh");
    } catch (error) {
      if (grpcCode(error) === grpc.status.UNAUTHENTICATED) {
        // The refresh token was refused (session ended, reuse, idle timeout): start over.
        this.#tokens = undefined;
        return this.#logIn();
      }
      if (Date.now() < held.expiresAt - RETRY_AFTER_MS) {
        // Warden is unreachable for now, but the current token is still good: keep using it.
        held.refreshAt = Date.now() + RETRY_AFTER_MS;
        return held;
      }
      throw error;
    }
  }

  async #logIn(): Promise<HeldTokens> {
    const sentAt = Date.now();
    const login = this.#login;
    const response =
      "apiKey" in login
        ? await unary(this.#open.loginWithApiKey.bind(this.#open), { apiKey: login.apiKey }, this.#authCallOptions())
        : await unary(
            this.#open.login.bind(this.#open),
            { email: login.email, password: login.password },
            this.#authCallOptions(),
          );
    return this.#keep(response.tokens, sentAt, "login");
  }

  #keep(tokens: Tokens | undefined, sentAt: number, kind: TokenEvent["kind"]): HeldTokens {
    if (tokens === undefined || tokens.accessToken === "") {
      throw new Error("Warden answered without tokens");
    }
    const lifetimeMs = tokens.expiresIn * 1_000;
    const expiresAt = sentAt + lifetimeMs;
    const held: HeldTokens = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      sessionId: tokens.sessionId,
      userId: tokens.userId,
      obtainedAt: sentAt,
      expiresAt,
      refreshAt: expiresAt - Math.min(this.#refreshMarginMs, lifetimeMs / 4),
    };
    this.#tokens = held;
    this.#onTokens?.({ kind, sessionId: held.sessionId, userId: held.userId, expiresAt: new Date(expiresAt) });
    return held;
  }

  /** Marks the current token as due, unless it was obtained after the refused call started. */
  #forget(callStartedAt: number): void {
    const held = this.#tokens;
    if (held !== undefined && held.obtainedAt <= callStartedAt) {
      held.refreshAt = 0;
    }
  }

  #authCallOptions(): Partial<grpc.CallOptions> {
    return { deadline: Date.now() + this.#authTimeoutMs };
  }
}

function grpcCode(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "number") {
    return error.code;
  }
  return undefined;
}
