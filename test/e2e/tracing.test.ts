// Traces through real HTTP: a caller's W3C traceparent becomes the parent of the gateway's operation span, whose
// children are the upstream undici calls, which carry the same trace to the emulator; a batch of mutations is one
// span linked to every caller's operation; log lines carry the current trace id. Spans go to an in-memory exporter.
import { randomBytes } from "node:crypto";
import diagnosticsChannel from "node:diagnostics_channel";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { AccountsPageDocument, UpsertAccountsDocument } from "../generated/graphql.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";
import { createLogger } from "../../src/logger.js";

const exporter = new InMemorySpanExporter();
const logs: string[] = [];
/** What the emulator's HTTP servers received: path and traceparent of every request (node:http's own diagnostics channel). */
const received: Array<{ method: string; path: string; traceparent?: string }> = [];
let emulatorPorts = new Set<number>();
const onServerRequest = (message: unknown) => {
  const req = (message as { request: IncomingMessage }).request;
  if (!emulatorPorts.has(req.socket.localPort ?? -1)) return;
  const traceparent = req.headers.traceparent;
  received.push({ method: req.method ?? "", path: req.url ?? "", traceparent: Array.isArray(traceparent) ? traceparent.join(",") : traceparent });
};

let stack: Stack;

beforeAll(async () => {
  diagnosticsChannel.subscribe("http.server.request.start", onServerRequest);
  stack = await startStack({
    // Every query reads Concur (no page cache), so the fast path's repeat calls upstream too.
    env: { CACHE_TTL_SECONDS: "0" },
    logger: createLogger("debug", { destination: { write: (line: string) => void logs.push(line) } }),
    tracing: { spanProcessors: [new SimpleSpanProcessor(exporter)] },
  });
  emulatorPorts = new Set([stack.emulator.url, stack.emulator.tokenUrl, ...stack.emulator.dataCenters.map((dc) => dc.url)].map((url) => Number(new URL(url).port)));
});
afterAll(async () => {
  await stack?.stop();
  diagnosticsChannel.unsubscribe("http.server.request.start", onServerRequest);
});

/** A caller's own span context, as its traceparent header. */
function callerTrace(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/**
 * POST /graphql with node:http (undici, the test's usual client, is instrumented in this process too and would add
 * a traceparent of its own).
 */
function postGraphQL(body: unknown, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(stack.gateway.url, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), authorization: `Bearer ${stack.token}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const spans = () => exporter.getFinishedSpans();
const inTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The operation span of a caller's trace once it ended, with every span of that trace. */
async function operationOf(traceId: string, name: string): Promise<{ operation: ReadableSpan; trace: ReadableSpan[] }> {
  const operation = await waitFor(() => inTrace(traceId).find((s) => s.name === name), 5_000, `span ${name} in trace ${traceId}`);
  return { operation, trace: inTrace(traceId) };
}

/** True when `span` descends from `ancestor` within `trace`. */
function descendsFrom(span: ReadableSpan, ancestor: ReadableSpan, trace: ReadableSpan[]): boolean {
  const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
  for (let parent = parentOf(span); parent !== undefined; parent = byId.get(parent) ? parentOf(byId.get(parent)!) : undefined) {
    if (parent === ancestor.spanContext().spanId) return true;
  }
  return false;
}

function logLines(): Array<Record<string, any>> {
  return logs.map((line) => JSON.parse(line));
}

describe("traces", () => {
  it("a query's operation span is a child of the caller's traceparent, with the upstream GET as its child (Apollo, then the fast path)", async () => {
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 7 };
    for (const path of ["apollo", "fast path"]) {
      const caller = callerTrace();
      const res = await postGraphQL({ query: print(AccountsPageDocument), variables: vars }, { traceparent: caller.traceparent });
      expect(res.status, path).toBe(200);
      expect(res.json.errors, path).toBeUndefined();
      if (path === "apollo") expect(stack.gateway.compiledQueries.texts).toBeGreaterThanOrEqual(1); // the repeat may take the fast path

      const { operation, trace } = await operationOf(caller.traceId, "graphql.operation AccountsPage");
      expect(operation.kind, path).toBe(SpanKind.SERVER);
      expect(parentOf(operation), path).toBe(caller.spanId);
      expect(operation.attributes["graphql.operation.name"], path).toBe("AccountsPage");
      expect(operation.attributes["graphql.operation.type"], path).toBe("query");
      expect(operation.status.code, path).not.toBe(SpanStatusCode.ERROR);

      // The upstream call: undici's client span in the same trace, below the operation span.
      const upstream = trace.filter((s) => s.kind === SpanKind.CLIENT && s.attributes["http.request.method"] === "GET" && String(s.attributes["url.full"]).includes("/accounts"));
      expect(upstream.length, path).toBeGreaterThanOrEqual(1);
      for (const span of upstream) expect(descendsFrom(span, operation, trace), path).toBe(true);
      // …and the emulator received that trace in its traceparent (the client span's id as parent).
      const seen = received.filter((r) => r.method === "GET" && r.path.includes("/accounts") && r.traceparent?.startsWith(`00-${caller.traceId}-`));
      expect(seen.map((r) => r.traceparent!.split("-")[2]).sort(), path).toEqual(upstream.map((s) => s.spanContext().spanId).sort());

      // Log lines written during the operation carry its trace id (the upstream call's debug line, for one).
      const lines = logLines().filter((l) => l.trace_id === caller.traceId);
      expect(lines.some((l) => l.msg === "concur call" && l.method === "GET"), path).toBe(true);
      expect(lines.every((l) => typeof l.span_id === "string" && l.span_id.length === 16), path).toBe(true);
    }
  });

  it("a subscription's setup is a span of the caller's trace (traceparent in connectionParams), with its tenant check upstream as its child", async () => {
    const caller = callerTrace();
    const client = createClient({ url: stack.gateway.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization: `Bearer ${stack.token}`, traceparent: caller.traceparent } });
    const stop = client.subscribe({ query: "subscription Statuses($c: ID!, $e: ID) { requestStatusChanged(companyId: $c, erpId: $e) { requestId status } }", variables: { c: stack.companyId, e: stack.erpId } }, { next: () => {}, error: () => {}, complete: () => {} });
    try {
      const { operation, trace } = await operationOf(caller.traceId, "graphql.operation Statuses");
      expect(operation.kind).toBe(SpanKind.SERVER);
      expect(parentOf(operation)).toBe(caller.spanId);
      expect(operation.attributes["graphql.operation.type"]).toBe("subscription");
      const upstream = trace.filter((s) => s.kind === SpanKind.CLIENT && String(s.attributes["url.full"]).includes(`/erps/${stack.erpId}`));
      expect(upstream.length).toBeGreaterThanOrEqual(1);
      for (const span of upstream) expect(descendsFrom(span, operation, trace)).toBe(true);
    } finally {
      stop();
      await client.dispose();
    }
  });

  it("an operation with errors is marked, and a request without traceparent starts its own trace", async () => {
    const res = await postGraphQL({ query: "query Broken { erpIntegrations(companyId: 1) { nope } }" }, {});
    expect(res.status).toBe(400);
    const span = await waitFor(() => spans().find((s) => s.kind === SpanKind.SERVER && s.status.code === SpanStatusCode.ERROR && s.status.message?.includes("GRAPHQL_VALIDATION_FAILED")), 5_000, "the failed operation's span");
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes["http.response.status_code"]).toBe(400);
  });

  it("a batch of mutations is one span linked to every caller's operation span; its PATCH is its child and reaches the emulator with its trace", async () => {
    const callers = [callerTrace(), callerTrace()];
    const answers = await Promise.all(
      callers.map((caller, i) =>
        postGraphQL(
          { query: print(UpsertAccountsDocument), variables: { companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id: `TRACE-${i}`, name: `Traced ${i}`, number: null, type: "EXPENSE" }] } },
          { traceparent: caller.traceparent },
        ),
      ),
    );
    for (const answer of answers) expect(answer.json.errors).toBeUndefined();
    // Both writes went out in one PATCH: one request for both callers.
    expect(answers[0]!.json.data.upsertAccounts.request.requestId).toBe(answers[1]!.json.data.upsertAccounts.request.requestId);

    const operations = await Promise.all(callers.map(async (caller) => (await operationOf(caller.traceId, "graphql.operation UpsertAccounts")).operation));
    for (const operation of operations) expect(operation.attributes["graphql.operation.type"]).toBe("mutation");
    const batches = await waitFor(() => {
      const found = spans().filter((s) => s.name === "concur.write_batch accounts");
      return found.length > 0 ? found : undefined;
    }, 5_000, "the batch span");
    expect(batches).toHaveLength(1);
    const batch = batches[0]!;
    // Its own trace (a batch serves many callers), linked to each caller's operation span.
    expect(parentOf(batch)).toBeUndefined();
    expect(callers.map((c) => c.traceId)).not.toContain(batch.spanContext().traceId);
    expect(batch.links.map((l) => `${l.context.traceId}/${l.context.spanId}`).sort()).toEqual(operations.map((o) => `${o.spanContext().traceId}/${o.spanContext().spanId}`).sort());
    expect(batch.attributes["concur.write_batch.records"]).toBe(2);
    expect(batch.attributes["concur.write_batch.callers"]).toBe(2);

    const trace = inTrace(batch.spanContext().traceId);
    const patch = trace.find((s) => s.kind === SpanKind.CLIENT && s.attributes["http.request.method"] === "PATCH");
    expect(patch).toBeDefined();
    expect(parentOf(patch!)).toBe(batch.spanContext().spanId);
    expect(received.filter((r) => r.method === "PATCH").map((r) => r.traceparent)).toContain(`00-${batch.spanContext().traceId}-${patch!.spanContext().spanId}-01`);
    // The batcher's "sending write" line is in the batch's trace, not in the first caller's.
    expect(logLines().some((l) => l.msg === "sending write" && l.trace_id === batch.spanContext().traceId && l.span_id === batch.spanContext().spanId)).toBe(true);
  });
  it("an ESS webhook POST is a span of its own, ended with its answer", async () => {
    const before = spans().filter((s) => s.name === "concur.webhook").length;
    const res = await postGraphQL(
      { query: print(UpsertAccountsDocument), variables: { companyId: stack.companyId, erpId: stack.erpId, accounts: [{ id: "TRACE-WEBHOOK", name: "Webhook traced", number: null, type: "EXPENSE" }] } },
      {},
    );
    expect(res.json.errors).toBeUndefined();
    // The emulator processes the write and delivers its signed data.statusUpdated event to the gateway.
    const webhook = await waitFor(() => spans().filter((s) => s.name === "concur.webhook").slice(before).find((s) => s.attributes["http.response.status_code"] === 202), 15_000, "the webhook's span");
    expect(webhook.kind).toBe(SpanKind.SERVER);
    expect(webhook.status.code).not.toBe(SpanStatusCode.ERROR);
  });
});
