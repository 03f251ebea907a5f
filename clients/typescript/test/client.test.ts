import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import * as grpc from "@grpc/grpc-js";

import {
  AuthServiceClient,
  SessionServiceClient,
  type TokenEvent,
  WardenClient,
  errorDetails,
  errorReason,
  session,
  unary,
} from "../src/index.js";
import { type WardenServer, startWarden } from "./harness.js";

/** Access-token lifetime of the test server: Warden's shortest, so that tests cross several expiries. */
const TTL_MS = 10_000;

let server: WardenServer;
let open: AuthServiceClient;

async function newUser(): Promise<{ email: string; password: string }> {
  const email = `ts-${randomUUID()}@example.com`;
  const password = randomUUID();
  await unary(open.register.bind(open), { email, password, displayName: "TS test" });
  return { email, password };
}

/** Rejects unless `promise` fails with a gRPC status of `code`; returns the error. */
async function grpcFailure(promise: Promise<unknown>, code: grpc.status): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as grpc.ServiceError).code, code, `unexpected error: ${String(error)}`);
    return error as grpc.ServiceError;
  }
  assert.fail(`the call succeeded; expected status ${grpc.status[code]}`);
}

/** GetCurrentSession with an explicit bearer token, bypassing WardenClient. */
function whoAmIWith(token: string): Promise<session.GetCurrentSessionResponse> {
  const client = new SessionServiceClient(server.address, grpc.credentials.createInsecure(), {
    channelOverride: open.getChannel(),
  });
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return unary(client.getCurrentSession.bind(client), {}, {}, metadata);
}

before(async () => {
  server = await startWarden({ accessTokenTtl: `${TTL_MS / 1_000}s` });
  open = new AuthServiceClient(server.address, grpc.credentials.createInsecure());
});

after(async () => {
  open?.close();
  await server?.stop();
});

describe("WardenClient", { concurrency: true }, () => {
  test("keeps calls working across several token expiries, on one session", async () => {
    const events: TokenEvent[] = [];
    const warden = await WardenClient.connect({
      address: server.address,
      login: await newUser(),
      onTokens: (event) => events.push(event),
    });
    try {
      const firstToken = await warden.accessToken();
      const sessionId = warden.sessionId;
      assert.ok(sessionId);

      const until = Date.now() + 3.5 * TTL_MS;
      let calls = 0;
      while (Date.now() < until) {
        const response = await unary(warden.sessions.getCurrentSession.bind(warden.sessions), {});
        assert.equal(response.session?.sessionId, sessionId);
        calls += 1;
        await sleep(250);
      }

      // The first token really expired on the server: without the refreshes these calls would fail.
      const expired = await grpcFailure(whoAmIWith(firstToken), grpc.status.UNAUTHENTICATED);
      assert.equal(errorReason(expired), "TOKEN_EXPIRED");

      assert.ok(calls >= 50, `only ${calls} calls`);
      assert.equal(events.filter((event) => event.kind === "login").length, 1);
      assert.ok(
        events.filter((event) => event.kind === "refresh").length >= 3,
        `refreshes: ${events.filter((event) => event.kind === "refresh").length}`,
      );
      assert.ok(events.every((event) => event.sessionId === sessionId));
      assert.notEqual(await warden.accessToken(), firstToken);
    } finally {
      warden.close();
    }
  });

  test("concurrent calls on a due token share one refresh", async () => {
    const events: TokenEvent[] = [];
    const warden = await WardenClient.connect({
      address: server.address,
      login: await newUser(),
      onTokens: (event) => events.push(event),
    });
    try {
      await sleep(0.8 * TTL_MS); // past the refresh point (three quarters of the lifetime)
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => unary(warden.sessions.getCurrentSession.bind(warden.sessions), {})),
      );
      assert.ok(responses.every((response) => response.session?.sessionId === warden.sessionId));
      assert.deepEqual(
        events.map((event) => event.kind),
        ["login", "refresh"],
      );
    } finally {
      warden.close();
    }
  });

  test("logs in again when the session ends and the refresh is refused", async () => {
    const events: TokenEvent[] = [];
    const warden = await WardenClient.connect({
      address: server.address,
      login: await newUser(),
      onTokens: (event) => events.push(event),
    });
    try {
      const firstSession = warden.sessionId;
      // The session is ended behind the client's back (a logout from elsewhere).
      const metadata = new grpc.Metadata();
      metadata.set("authorization", `Bearer ${await warden.accessToken()}`);
      await unary(open.logout.bind(open), {}, {}, metadata);

      // The call in flight with the revoked token fails once, with the reason...
      const revoked = await grpcFailure(
        unary(warden.sessions.getCurrentSession.bind(warden.sessions), {}),
        grpc.status.UNAUTHENTICATED,
      );
      assert.equal(errorReason(revoked), "SESSION_REVOKED");

      // ...and the next one goes through on a new session: the refresh was refused, so it logged in.
      const response = await unary(warden.sessions.getCurrentSession.bind(warden.sessions), {});
      assert.notEqual(response.session?.sessionId, firstSession);
      assert.equal(response.session?.sessionId, warden.sessionId);
      assert.deepEqual(
        events.map((event) => event.kind),
        ["login", "login"],
      );
    } finally {
      warden.close();
    }
  });

  test("logs in with an API key", async () => {
    const owner = await WardenClient.connect({ address: server.address, login: await newUser() });
    try {
      const created = await unary(owner.auth.createApiKey.bind(owner.auth), { name: "ts-test", expiresAt: undefined });
      assert.match(created.apiKey, /^wdn_/);
      const service = await WardenClient.connect({ address: server.address, login: { apiKey: created.apiKey } });
      try {
        const response = await unary(service.sessions.getCurrentSession.bind(service.sessions), {});
        assert.equal(response.session?.userId, owner.userId);
        assert.equal(response.session?.authMethod, session.AuthMethod.AUTH_METHOD_API_KEY);
        assert.equal(response.session?.apiKeyId, created.keyId);
      } finally {
        service.close();
      }
    } finally {
      owner.close();
    }
  });

  test("logout ends the session at once", async () => {
    const warden = await WardenClient.connect({ address: server.address, login: await newUser() });
    const token = await warden.accessToken();
    await warden.logout();
    const error = await grpcFailure(whoAmIWith(token), grpc.status.UNAUTHENTICATED);
    assert.equal(errorReason(error), "SESSION_REVOKED");

    // Its call credentials no longer give a token, and open RPCs never needed one.
    const options = { credentials: warden.callCredentials };
    const jwks = await unary(open.getJwks.bind(open), {}, options);
    assert.ok(jwks.keys.length > 0);
    const closed = await grpcFailure(unary(open.logout.bind(open), {}, options), grpc.status.UNAUTHENTICATED);
    assert.match(closed.details, /WardenClient is closed/);
  });

  test("a bad login rejects with the ErrorInfo reason", async () => {
    const { email } = await newUser();
    const error = await grpcFailure(
      WardenClient.connect({ address: server.address, login: { email, password: "not the password" } }),
      grpc.status.UNAUTHENTICATED,
    );
    assert.deepEqual(errorDetails(error).errorInfo, {
      reason: "INVALID_CREDENTIALS",
      domain: "warden",
      metadata: {},
    });
  });

  test("a malformed registration carries field violations", async () => {
    const error = await grpcFailure(
      unary(open.register.bind(open), { email: "not an email", password: "short", displayName: "" }),
      grpc.status.INVALID_ARGUMENT,
    );
    const fields = errorDetails(error).fieldViolations.map((violation) => violation.field);
    assert.ok(fields.includes("email"), `violations: ${fields.join(", ")}`);
  });

  test("a call without a token is refused with MISSING_TOKEN", async () => {
    const client = new SessionServiceClient(server.address, grpc.credentials.createInsecure());
    try {
      const error = await grpcFailure(unary(client.getCurrentSession.bind(client), {}), grpc.status.UNAUTHENTICATED);
      assert.deepEqual(errorDetails(error).errorInfo?.reason, "MISSING_TOKEN");
    } finally {
      client.close();
    }
  });
});
