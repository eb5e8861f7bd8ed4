// The test helpers' own contract: the cleanup registry (test/helpers/cleanup.ts) and freePort.
import { createServer } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { drainCleanups, pendingCleanups, registerCleanup } from "../helpers/cleanup.js";
import { freePort } from "../helpers/ports.js";
import { settleWithin, waitFor } from "../helpers/wait.js";

describe("cleanup registry", () => {
  const closedByTheRegistry: string[] = [];

  it("a resource a test leaves open is closed after that test (1/2)", () => {
    registerCleanup("left open", () => void closedByTheRegistry.push("left open"));
    expect(closedByTheRegistry).toEqual([]);
  });

  it("a resource a test leaves open is closed after that test (2/2)", () => {
    expect(closedByTheRegistry).toEqual(["left open"]);
  });

  it("the returned close runs once and unregisters; drain runs the rest newest first", async () => {
    const before = pendingCleanups();
    const order: string[] = [];
    const stopA = registerCleanup("a", () => void order.push("a"));
    registerCleanup("b", () => void order.push("b"));
    registerCleanup("c", () => void order.push("c"));
    await stopA();
    await stopA();
    expect(order).toEqual(["a"]);
    expect(pendingCleanups()).toBe(before + 2);
    await drainCleanups("test");
    expect(order).toEqual(["a", "c", "b"]);
    expect(pendingCleanups()).toBe(before);
  });

  it("a failing close does not stop the others and is reported by name", async () => {
    const order: string[] = [];
    registerCleanup("fine", () => void order.push("fine"));
    registerCleanup("broken server", () => {
      throw new Error("EADDRINUSE");
    });
    await expect(drainCleanups("test")).rejects.toThrow(/cleanup of broken server failed: EADDRINUSE/);
    expect(order).toEqual(["fine"]);
  });
});

describe("cleanup registry: what a beforeAll starts", () => {
  let closed = false;
  beforeAll(() => {
    registerCleanup("a suite-wide server", () => void (closed = true));
  });

  it("stays open across the tests of the file (1/2)", () => expect(closed).toBe(false));
  it("stays open across the tests of the file (2/2)", () => expect(closed).toBe(false));
});

describe("freePort and waits", () => {
  it("freePort returns a port a server can listen on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("waitFor returns the first truthy value and names what timed out", async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : 0), 1_000)).toBe(3);
    await expect(waitFor(() => false, 30, "the impossible")).rejects.toThrow(/timed out after 30 ms waiting for the impossible/);
  });

  it("settleWithin gives the value, or the fallback when the promise does not settle in time", async () => {
    expect(await settleWithin(Promise.resolve("done"), 1_000, "late")).toBe("done");
    expect(await settleWithin(new Promise(() => undefined), 20, "late")).toBe("late");
  });
});
