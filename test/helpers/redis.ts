import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { registerCleanup } from "./cleanup.js";
import { freePort } from "./ports.js";
import { waitFor } from "./wait.js";

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** True when a real Redis server binary is installed (scripts/test.sh and .ci/run install it). */
export function redisAvailable(): boolean {
  const available = spawnSync("redis-server", ["--version"]).status === 0;
  if (!available && process.env.CI) {
    throw new Error("redis-server is not installed, and in CI the Redis tests must run: .ci/run installs it with apt-get.");
  }
  if (!available) console.warn("\n*** redis-server not found: multi-instance (Redis) tests are SKIPPED. Run `npm test` as root to install it. ***\n");
  return available;
}

/** Starts a throwaway real Redis on a free loopback port, without persistence; stopped by the cleanup registry if the test does not. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = registerCleanup(`redis-server on port ${port}`, () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  await waitFor(() => output.includes("Ready to accept connections") || child.exitCode !== null, 10_000, "redis-server to start");
  if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
  return { url: `redis://127.0.0.1:${port}`, stop };
}
