// Quickstart: register a user, log in, ask who we are, then check a permission.
//
//   WARDEN_ADDRESS=127.0.0.1:50051 npx tsx examples/quickstart.ts
//
// The relationship part needs an administrator: the server must run with
// `--bootstrap-admin-email admin@example.com` (or WARDEN_ADMIN_EMAIL), whose password is
// WARDEN_ADMIN_PASSWORD (registered here if the account does not exist yet).
import { randomUUID } from "node:crypto";

import * as grpc from "@grpc/grpc-js";

import { AuthServiceClient, WardenClient, authz, errorReason, unary } from "../src/index.js";

const address = process.env.WARDEN_ADDRESS ?? "127.0.0.1:50051";
const adminEmail = process.env.WARDEN_ADMIN_EMAIL ?? "admin@example.com";
const adminPassword = process.env.WARDEN_ADMIN_PASSWORD ?? "quickstart admin password";

const SCHEMA = `definition user {}

definition document {
  relation viewer: user
  permission view = viewer
}
`;

/** Registers an account; an existing one is fine. */
async function register(open: AuthServiceClient, email: string, password: string): Promise<void> {
  try {
    await unary(open.register.bind(open), { email, password, displayName: email.split("@")[0] ?? "" });
  } catch (error) {
    if ((error as grpc.ServiceError).code !== grpc.status.ALREADY_EXISTS) {
      throw error;
    }
  }
}

async function check(warden: WardenClient, documentId: string, userId: string): Promise<authz.Permissionship> {
  const request = authz.CheckPermissionRequest.fromPartial({
    resource: { objectType: "document", objectId: documentId },
    permission: "view",
    subject: { object: { objectType: "user", objectId: userId } },
    consistency: { fullyConsistent: true },
  });
  const response = await unary(warden.authz.checkPermission.bind(warden.authz), request);
  return response.permissionship;
}

async function main(): Promise<void> {
  // 1. Register (an open RPC: a plain generated client, no token needed).
  const open = new AuthServiceClient(address, grpc.credentials.createInsecure());
  const email = `quickstart-${randomUUID()}@example.com`;
  const password = randomUUID();
  await register(open, email, password);
  await register(open, adminEmail, adminPassword);
  open.close();
  console.log(`registered ${email}`);

  // 2. Log in: every call through `user` now carries a fresh access token.
  const user = await WardenClient.connect({ address, login: { email, password } });
  const admin = await WardenClient.connect({ address, login: { email: adminEmail, password: adminPassword } });
  try {
    // 3. Who am I?
    const { session } = await unary(user.sessions.getCurrentSession.bind(user.sessions), {});
    if (session === undefined) {
      throw new Error("GetCurrentSession answered without a session");
    }
    console.log(`session ${session.sessionId} of user ${session.userId}, expires ${session.expiresAt?.toISOString()}`);

    // 4. As the administrator: a schema, and the user as a viewer of document:readme.
    await unary(admin.authz.writeSchema.bind(admin.authz), { schema: SCHEMA });
    const write = authz.WriteRelationshipsRequest.fromPartial({
      updates: [
        {
          operation: authz.RelationshipUpdate_Operation.OPERATION_TOUCH,
          relationship: {
            resource: { objectType: "document", objectId: "readme" },
            relation: "viewer",
            subject: { object: { objectType: "user", objectId: session.userId } },
          },
        },
      ],
    });
    await unary(admin.authz.writeRelationships.bind(admin.authz), write);

    // 5. Check: the user may view document:readme, and not document:secret.
    const readme = await check(user, "readme", session.userId);
    const secret = await check(user, "secret", session.userId);
    console.log(`view document:readme -> ${authz.permissionshipToJSON(readme)}`);
    console.log(`view document:secret -> ${authz.permissionshipToJSON(secret)}`);
    if (
      readme !== authz.Permissionship.PERMISSIONSHIP_HAS_PERMISSION ||
      secret !== authz.Permissionship.PERMISSIONSHIP_NO_PERMISSION
    ) {
      throw new Error("unexpected permission check results");
    }
  } finally {
    await user.logout();
    await admin.logout();
  }
}

main().catch((error: unknown) => {
  const reason = errorReason(error);
  console.error(
    `quickstart failed: ${error instanceof Error ? error.message : String(error)}${reason ? ` (${reason})` : ""}`,
  );
  process.exitCode = 1;
});
