import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Keyv from "keyv";
import { pino } from "pino";
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CodedError, ErrorCode } from "../../src/errors.js";
import { callerFromAuthorization } from "../../src/datasources/client/caller.js";
import { createConcurClient, type ConcurClient } from "../../src/datasources/client/pipeline.js";
import { createPageCache } from "../../src/datasources/client/page-cache.js";
import { createConcurReader, type ConcurReader, type Connection } from "../../src/datasources/accounting/reader.js";
import type { Account } from "../../src/datasources/accounting/wire/index.js";

const LIST = "/accountingintegration/v4/companies/c1/erps/e1/accounts";
const TOTAL = 95;
const PAGE = 20;

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  correlationId?: string;
}

/** A tiny Concur stand-in: paged accounts with `links.next`, and canned failures on demand. */
class FakeConcur {
  server: Server = createServer((req, res) => this.handle(req, res));
  seen: Seen[] = [];
  /** Status codes to answer the next requests with, in order (then back to normal). */
  failures: number[] = [];
  hang = false;
  nextLinkOverride?: string;
  url = "";

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    this.seen.push({
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      correlationId: req.headers["concur-correlationid"] as string | undefined,
    });
    req.resume();
    if (this.hang) return; // never answers: exercises the timeout
    const correlationId = `up-${this.seen.length}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? "" : JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "concur-correlationid": correlationId, ...headers });
      res.end(text);
    };
    const failure = this.failures.shift();
    if (failure !== undefined) {
      const errorBody = {
        timestamp: "2025-01-01T00:00:00Z",
        httpStatus: `${failure} - Something`,
        errorCode: `code.${failure}`,
        errorMessage: failure === 400 ? "Invalid input" : "SECRET upstream detail: stack at Foo.java:42",
        path: req.url,
        validationErrors: failure === 400 ? [{ source: "type", errorMessage: "type is invalid", errorCode: "type.invalid" }] : undefined,
      };
      if (failure === 503) {
        res.writeHead(503, { "content-type": "text/plain", "concur-correlationid": correlationId });
        return res.end("SECRET plain maintenance page");
      }
      return send(failure, errorBody, failure === 429 ? { "retry-after": "7" } : {});
    }
    const url = new URL(req.url!, this.url);
    if (url.pathname === LIST && req.method === "GET") {
      const index = Number(url.searchParams.get("next") ?? 0);
      const data: Account[] = [];
      for (let i = index * PAGE; i < Math.min(TOTAL, (index + 1) * PAGE); i++) data.push({ id: `acc-${i}`, name: `Account ${i}`, number: null, type: "EXPENSE" });
      const hasNext = (index + 1) * PAGE < TOTAL;
      const href = this.nextLinkOverride ?? `${LIST}?next=${index + 1}`;
      return send(200, { data, links: hasNext ? { next: { href } } : {} });
    }
    if (req.method === "DELETE") return send(204, undefined);
    return send(404, { errorCode: "notFound", errorMessage: "SECRET", path: req.url });
  }
}

describe("Concur HTTP edge over real HTTP", () => {
  const concur = new FakeConcur();
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  const logger = pino({ level: "silent" });
  let http: ConcurClient;
  let reader: ConcurReader;
  const alice = callerFromAuthorization("Bearer alice-token", "corr-from-caller")!;
  const bob = callerFromAuthorization("Bearer bob-token")!;
  const list = { companyId: "c1", erpId: "e1", type: "accounts" as const };

  beforeAll(async () => {
    await concur.start();
    http = createConcurClient({ baseUrl: concur.url, timeoutMs: 2_000, dispatcher, logger, retryMinTimeoutMs: 5 });
  });
  afterAll(async () => {
    await concur.stop();
    await dispatcher.close();
  });
  beforeEach(() => {
    concur.seen = [];
    concur.failures = [];
    concur.hang = false;
    concur.nextLinkOverride = undefined;
    reader = createConcurReader({ client: http, cache: createPageCache({ store: new Keyv(), ttlSeconds: 60 }), maxPageSize: 500 });
  });

  async function failure(promise: Promise<unknown>): Promise<CodedError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodedError);
    return error as CodedError;
  }

  /** Nothing upstream-only may reach the caller: no upstream messages (except 400), bodies or stacks. */
  function expectNoLeak(error: CodedError) {
    const visible = JSON.stringify({ message: error.message, extensions: error.extensions });
    expect(visible).not.toContain("SECRET");
    expect(visible).not.toContain("Foo.java");
    for (const key of Object.keys(error.extensions)) {
      expect(["code", "correlationId", "upstreamStatus", "upstreamErrorCode", "retryAfterSeconds"]).toContain(key);
    }
  }

  it("walks all pages over HTTP: each record once, in order, each page fetched once, token and correlation id forwarded", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const conn: Connection<Account> = await reader.connection(alice, list, { first: 15, after });
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => `acc-${i}`));
    expect(concur.seen.map((s) => s.url)).toEqual([LIST, `${LIST}?next=1`, `${LIST}?next=2`, `${LIST}?next=3`, `${LIST}?next=4`]);
    for (const s of concur.seen) {
      expect(s.authorization).toBe("Bearer alice-token");
      expect(s.correlationId).toBe("corr-from-caller");
    }
  });

  it("returns the upstream correlation id and does not send one when the caller has none", async () => {
    const res = await http.request({ method: "GET", path: LIST, caller: bob });
    expect(res.status).toBe(200);
    expect(res.correlationId).toBe("up-1");
    expect(res.headers["concur-correlationid"]).toBe("up-1");
    expect(concur.seen[0].correlationId).toBeUndefined();
    expect(concur.seen[0].authorization).toBe("Bearer bob-token");
  });

  it.each([
    [401, ErrorCode.UNAUTHENTICATED],
    [403, ErrorCode.FORBIDDEN],
    [404, ErrorCode.NOT_FOUND],
    [412, ErrorCode.CONFLICT],
    [429, ErrorCode.RATE_LIMITED],
  ])("maps %i to %s with correlation id, status and upstream errorCode, leaking nothing", async (status, code) => {
    concur.failures = [status];
    const error = await failure(reader.connection(bob, list, { first: 5 }));
    expect(error.code).toBe(code);
    expect(error.extensions).toMatchObject({ correlationId: "up-1", upstreamStatus: status, upstreamErrorCode: `code.${status}` });
    expectNoLeak(error);
    if (status === 401) expect(error.message).toBe("Concur rejected the bearer token: send a valid company access token in the Authorization header");
    if (status === 429) expect(error.extensions.retryAfterSeconds).toBe(7);
    expect(concur.seen).toHaveLength(1); // 4xx are never retried
  });

  it("maps 400 to BAD_USER_INPUT with the upstream message and validation sources (they describe the caller's input)", async () => {
    concur.failures = [400];
    const error = await failure(http.request({ method: "PATCH", path: LIST, caller: bob, body: { data: [] } }));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.message).toBe("Invalid input: type: type is invalid");
    expect(error.extensions).toMatchObject({ upstreamStatus: 400, upstreamErrorCode: "code.400", correlationId: "up-1" });
    expectNoLeak(error);
  });

  it("retries a GET on 5xx and succeeds", async () => {
    concur.failures = [500, 503];
    const conn = await reader.connection(bob, list, { first: 3 });
    expect(conn.edges.map((e) => e.node.id)).toEqual(["acc-0", "acc-1", "acc-2"]);
    expect(concur.seen).toHaveLength(3);
  });

  it("gives up after the retries with UPSTREAM_UNAVAILABLE and no upstream body", async () => {
    concur.failures = [500, 502, 503];
    const error = await failure(reader.connection(bob, list, { first: 3 }));
    expect(error.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(error.extensions).toMatchObject({ upstreamStatus: 503, correlationId: "up-3" });
    expectNoLeak(error);
    expect(concur.seen).toHaveLength(3);
  });

  it("never retries non-idempotent requests", async () => {
    concur.failures = [500];
    const error = await failure(http.request({ method: "PATCH", path: LIST, caller: bob, body: { data: [] } }));
    expect(error.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(concur.seen).toHaveLength(1);
  });

  it("throwOnError: false hands non-2xx back raw (for the write side)", async () => {
    concur.failures = [429];
    const res = await http.request<{ errorCode: string }>({ method: "PATCH", path: LIST, caller: bob, body: { data: [] }, throwOnError: false });
    expect(res.status).toBe(429);
    expect(res.body.errorCode).toBe("code.429");
    expect(res.headers["retry-after"]).toBe("7");
    expect(res.correlationId).toBe("up-1");
  });

  it("returns 204 with an undefined body", async () => {
    const res = await http.request({ method: "DELETE", path: "/accountingintegration/v4/companies/c1/erps/e1", caller: bob });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
  });

  it("times out with UPSTREAM_TIMEOUT", async () => {
    concur.hang = true;
    const fast = createConcurClient({ baseUrl: concur.url, timeoutMs: 150, dispatcher, logger, getRetries: 0 });
    const error = await failure(fast.request({ method: "GET", path: LIST, caller: alice }));
    expect(error.code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    expect(error.message).toContain("150 ms");
    expect(error.extensions.correlationId).toBe("corr-from-caller");
  });

  it("maps network errors to UPSTREAM_UNAVAILABLE", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = createConcurClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1_000, dispatcher, logger, retryMinTimeoutMs: 1 });
    const error = await failure(nowhere.request({ method: "GET", path: LIST, caller: alice }));
    expect(error.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expectNoLeak(error);
  });

  it("refuses to follow a next link to a foreign host (the token never leaves)", async () => {
    concur.nextLinkOverride = "http://evil.example/accountingintegration/v4/companies/c1/erps/e1/accounts?next=1";
    const error = await failure(reader.connection(alice, list, { first: 30 }));
    expect(error.code).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(concur.seen).toHaveLength(1);
  });

  it("keeps callers apart over HTTP: an unauthorized caller gets 401, not the other caller's cached page", async () => {
    await reader.connection(alice, list, { first: 5 });
    concur.failures = [401];
    const error = await failure(reader.connection(bob, list, { first: 5 }));
    expect(error.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(concur.seen.map((s) => s.authorization)).toEqual(["Bearer alice-token", "Bearer bob-token"]);
  });
});
