import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { ADMIN_EMAIL, type WardenServer, startWarden } from "./harness.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

let server: WardenServer;

before(async () => {
  server = await startWarden();
});

after(async () => {
  await server?.stop();
});

test("examples/quickstart.ts registers, logs in, asks who it is and checks permissions", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/quickstart.ts"], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, WARDEN_ADDRESS: server.address, WARDEN_ADMIN_EMAIL: ADMIN_EMAIL },
    timeout: 60_000,
  }).catch((error: { code?: number | string; stdout?: string; stderr?: string }) => {
    assert.fail(`quickstart exited with ${error.code}:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  });
  assert.match(stdout, /^registered quickstart-.*@example\.com$/m);
  assert.match(stdout, /^session [0-9a-f]+ of user \S+, expires /m);
  assert.match(stdout, /^view document:readme -> PERMISSIONSHIP_HAS_PERMISSION$/m);
  assert.match(stdout, /^view document:secret -> PERMISSIONSHIP_NO_PERMISSION$/m);
});
