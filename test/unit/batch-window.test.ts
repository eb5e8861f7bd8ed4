// The first batching window's rule (src/datasources/client/batch-window.ts) against the real event loop: quiet time, the
// cap, and a burst the process can already read but needs longer than the cap of CPU to work through.
import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { openBatchWindow } from "../../src/datasources/client/batch-window.js";
import { registerCleanup } from "../helpers/cleanup.js";
import { elapse } from "../helpers/wait.js";

/** Keeps the CPU busy for `ms` (a loaded machine: the process is slow to handle what it has already read). */
function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe("openBatchWindow", () => {
  it("closes a lone write after the quiet time", async () => {
    const started = performance.now();
    const window = openBatchWindow({ windowMs: 20, maxWindowMs: 1000 });
    await window.closed;
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(19);
    expect(took).toBeLessThan(1000);
  });

  it("past the cap, still takes every write of a burst that was readable at once, however long the CPU needs for it", async () => {
    // K clients each send one message at the same moment; handling each costs 8 ms of CPU, so the K arrive over
    // K x 8 ms = 320 ms, far past the 50 ms cap, without one quiet moment on the network.
    const K = 40;
    const received: Socket[] = [];
    const server = createServer((socket) => received.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    registerCleanup("test server", () => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const clients = await Promise.all(
      Array.from({ length: K }, () => new Promise<Socket>((resolve) => {
        const socket = createConnection(port, "127.0.0.1", () => resolve(socket));
      })),
    );
    registerCleanup("test clients", () => clients.forEach((c) => c.destroy()));
    while (received.length < K) await new Promise((resolve) => setImmediate(resolve));

    let window: ReturnType<typeof openBatchWindow> | undefined;
    let arrivals = 0;
    let arrivalsWhenClosed = -1;
    for (const socket of received) {
      socket.on("data", () => {
        burn(8);
        arrivals += 1;
        if (!window) {
          window = openBatchWindow({ windowMs: 10, maxWindowMs: 50, maxHeldWindowMs: 5000 });
          void window.closed.then(() => (arrivalsWhenClosed = arrivals));
        } else window.arrived();
      });
    }
    for (const client of clients) client.write("w");
    const started = performance.now();
    while (!window) await new Promise((resolve) => setImmediate(resolve));
    await window.closed;
    expect(performance.now() - started).toBeGreaterThan(50); // the cap was passed
    expect(arrivalsWhenClosed).toBe(K);
  });

  it("past the cap, closes during a steady stream of writes (most polls bring none), long before the held bound", async () => {
    const started = performance.now();
    const window = openBatchWindow({ windowMs: 25, maxWindowMs: 60, maxHeldWindowMs: 5000 });
    const stream = setInterval(() => window.arrived(), 5);
    registerCleanup("stream", () => clearInterval(stream));
    await window.closed;
    clearInterval(stream);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(59);
    expect(took).toBeLessThan(2000);
  });

  it("past the cap, waits for writes still on their way (without spinning), up to the held bound", async () => {
    let pending = 1;
    const started = performance.now();
    const window = openBatchWindow({ windowMs: 10, maxWindowMs: 30, maxHeldWindowMs: 5000, pendingArrivals: () => pending });
    const stream = setInterval(() => window.arrived(), 5);
    registerCleanup("stream", () => clearInterval(stream));
    await elapse(100); // the test's own input: a received mutation stays on its way this long
    clearInterval(stream);
    let closedAt: number | undefined;
    void window.closed.then(() => (closedAt = performance.now()));
    await elapse(50); // proving it does NOT close while one is on its way
    expect(closedAt).toBeUndefined();
    pending = 0;
    window.arrived();
    await window.closed;
    expect(closedAt! - started).toBeLessThan(5000);
  });
});
