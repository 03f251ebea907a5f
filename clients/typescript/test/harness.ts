import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import * as grpc from "@grpc/grpc-js";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SERVING = 1;

/** The email that `startWarden` makes the bootstrap administrator. */
export const ADMIN_EMAIL = "admin@example.com";

export interface WardenServer {
  /** gRPC address, `127.0.0.1:<port>`. */
  address: string;
  /** What the server printed so far (for failure messages). */
  logs(): string;
  stop(): Promise<void>;
}

export interface WardenOptions {
  /** `--access-token-ttl`, for example `2s`. */
  accessTokenTtl?: string;
}

/** The `warden` binary: `$WARDEN_BIN`, or `<repo>/target/debug/warden`. */
export function wardenBin(): string {
  const bin = process.env.WARDEN_BIN ?? join(REPO_ROOT, "target/debug/warden");
  if (!existsSync(bin)) {
    throw new Error(
      `warden binary not found at ${bin}: build it with \`cargo build -p warden-server --bin warden\` ` +
        "in the repository root, or point WARDEN_BIN at one",
    );
  }
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") {
          resolve(address.port);
        } else {
          reject(new Error("no port assigned"));
        }
      });
    });
  });
}

/** One `grpc.health.v1.Health/Check` for the whole server; resolves to the serving status. */
function healthStatus(client: grpc.Client): Promise<number> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      "/grpc.health.v1.Health/Check",
      () => Buffer.alloc(0),
      // HealthCheckResponse is a single enum field 1: [0x08, status].
      (bytes: Buffer) => (bytes.length >= 2 && bytes[0] === 0x08 ? (bytes[1] ?? 0) : 0),
      {},
      new grpc.Metadata(),
      { deadline: Date.now() + 1_000 },
      (error: grpc.ServiceError | null, status?: number) => (error ? reject(error) : resolve(status ?? 0)),
    );
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts a private `warden serve` on free ports with a fresh data directory; waits until it is SERVING. */
export async function startWarden(options: WardenOptions = {}): Promise<WardenServer> {
  const bin = wardenBin();
  const dataDir = await mkdtemp(join(tmpdir(), "warden-ts-"));
  const address = `127.0.0.1:${await freePort()}`;
  const httpAddress = `127.0.0.1:${await freePort()}`;
  const args = [
    "serve",
    "--data-dir",
    dataDir,
    "--listen",
    address,
    "--http-listen",
    httpAddress,
    "--argon2-memory-kib",
    "256",
    "--argon2-iterations",
    "1",
    "--hash-threads",
    "1",
    "--access-token-ttl",
    options.accessTokenTtl ?? "15m",
    "--token-leeway",
    "0s",
    "--bootstrap-admin-email",
    ADMIN_EMAIL,
  ];
  let output = "";
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "warn" } });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const stop = async (): Promise<void> => {
    if (!exited(child)) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([gone, sleep(5_000)]);
      if (!exited(child)) {
        child.kill("SIGKILL");
        await gone;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const probe = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited(child)) {
        throw new Error(`warden exited during startup (${child.exitCode ?? child.signalCode}):\n${output}`);
      }
      try {
        if ((await healthStatus(probe)) === SERVING) {
          break;
        }
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(`warden did not report SERVING within 30 s:\n${output}`);
      }
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.close();
  }
  return { address, logs: () => output, stop };
}
