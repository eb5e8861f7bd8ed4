import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFromAuthorization } from "../../src/datasources/client/caller.js";
import { createConcurClient, type ConcurClient } from "../../src/datasources/client/pipeline.js";
import { ErrorCode } from "../../src/errors.js";

/** Answers each path with its body written in the given pieces (bytes), one write per piece. */
const BODIES: Record<string, () => Buffer[]> = {};
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe("client pipeline: response bodies read chunk by chunk", () => {
  let server: Server;
  let client: ConcurClient;
  const dispatcher = new Agent({ connections: 4 });
  const caller = callerFromAuthorization("Bearer t")!;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const pieces = BODIES[req.url!]?.() ?? [];
      if (req.url === "/stall") {
        // Headers and part of the body, then nothing: the whole-exchange deadline covers the body too.
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"data":[');
        return;
      }
      if (req.url === "/cut") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write(pieces[0]);
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      const write = (i: number) => {
        if (i === pieces.length) return void res.end();
        res.write(pieces[i]);
        // A separate socket write per piece, so the client sees them as separate chunks.
        setTimeout(() => write(i + 1), 2);
      };
      write(0);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createConcurClient({ baseUrl: url, timeoutMs: 5_000, dispatcher, logger: pino({ level: "silent" }) });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dispatcher.close();
  });

  it("joins a body split inside a multi-byte character and drops a leading byte order mark split from it", async () => {
    const value = { data: Array.from({ length: 300 }, (_, i) => ({ id: `A-${i}`, name: i % 2 ? "Büro — €1 🧾" : "Cash" })) };
    const bytes = Buffer.concat([BOM, Buffer.from(JSON.stringify(value))]);
    const euro = bytes.indexOf(Buffer.from("€")) + 1; // inside the 3-byte euro sign
    const emoji = bytes.indexOf(Buffer.from("🧾")) + 2; // inside the 4-byte emoji
    BODIES["/split"] = () => [bytes.subarray(0, 2), bytes.subarray(2, euro), bytes.subarray(euro, emoji), bytes.subarray(emoji)];
    const res = await client.request<typeof value>({ method: "GET", path: "/split", caller });
    expect(res.body).toEqual(value);
    expect(res.bytes).toBe(JSON.stringify(value).length);
  });

  it("reads a one-chunk body with a byte order mark, and an empty body", async () => {
    BODIES["/one"] = () => [Buffer.concat([BOM, Buffer.from('{"data":[1]}')])];
    expect((await client.request({ method: "GET", path: "/one", caller })).body).toEqual({ data: [1] });
    BODIES["/empty"] = () => [];
    expect((await client.request({ method: "GET", path: "/empty", caller })).body).toBeUndefined();
  });

  it("times out a body that stops coming (UPSTREAM_TIMEOUT), the deadline counting from the request", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const quick = createConcurClient({ baseUrl: url, timeoutMs: 300, dispatcher, logger: pino({ level: "silent" }) });
    const started = performance.now();
    await expect(quick.request({ method: "GET", path: "/stall", caller, retry: { retries: 0, minTimeoutMs: 0, max429Waits: 0 } })).rejects.toMatchObject({
      extensions: { code: ErrorCode.UPSTREAM_TIMEOUT },
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("answers a body cut before its end as a coded upstream error", async () => {
    BODIES["/cut"] = () => [Buffer.from('{"data":[')];
    await expect(client.request({ method: "GET", path: "/cut", caller, retry: { retries: 0, minTimeoutMs: 0, max429Waits: 0 } })).rejects.toMatchObject({
      extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE },
    });
  });
});
