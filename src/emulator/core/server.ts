import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { CoreContext } from "./context.js";
import { buildErrorMessage, ErrorCode, HttpError } from "./errors.js";
import { roll } from "./faults.js";
import { bodyAccessors, type Reply } from "./http.js";
import type { Router } from "./router.js";
import type { Site } from "./sites.js";

const CORRELATION_HEADER = "concur-correlationid";

/** Echo a client's correlation id when it looks sane, otherwise mint one (spec 1.0: a UUID on every response). */
function correlationIdOf(req: IncomingMessage): string {
  const incoming = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

/** The HTTP edge: routing, faults on Concur paths, error bodies, correlation ids and call counters. */
export function createHttpServer(ctx: CoreContext, router: Router, site: Site): Server {
  return createServer((req, res) => {
    handle(ctx, router, site, req, res).catch(() => {
      // Only reachable when the socket died mid-answer; there is nobody left to tell.
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
}

async function handle(ctx: CoreContext, router: Router, site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const path = url.pathname;
  const correlationId = correlationIdOf(req);
  const accessors = bodyAccessors(req);
  const match = router.match(method, path);
  let reply: Reply;
  try {
    if (match.kind === "not-found") throw new HttpError(404, ErrorCode.RouteNotFound, `No route for ${method} ${path}`);
    if (match.kind === "method-not-allowed") {
      throw new HttpError(405, ErrorCode.MethodNotAllowed, `${method} is not allowed on ${path}`, undefined, {
        allow: match.allowed.join(", "),
      });
    }
    if (match.route.kind === "concur") await injectFaults(ctx);
    reply = await match.route.handler({
      method,
      path,
      query: url.searchParams,
      params: match.params,
      headers: req.headers,
      correlationId,
      site,
      body: accessors.body,
      json: accessors.json,
    });
  } catch (err) {
    reply = errorReply(ctx, err, path);
  }
  // A body nobody read (e.g. rejected before parsing) is drained so keep-alive connections stay usable.
  if (!accessors.consumed()) req.resume();
  send(res, reply, correlationId);
  if (match.kind === "found" && match.route.kind !== "admin") ctx.counters.record(method, match.route.template, reply.status);
}

/** Latency, then 500, then 429 — all before the handler, so a faulted write is never applied. */
async function injectFaults(ctx: CoreContext): Promise<void> {
  const { latencyMs, error5xxRate, rate429 } = ctx.faults;
  if (latencyMs > 0) await new Promise<void>((resolve) => ctx.timers.set(resolve, latencyMs) ?? resolve());
  if (roll(error5xxRate, ctx.random)) {
    throw new HttpError(500, ErrorCode.FaultInjected, "Internal server error (injected fault)");
  }
  if (roll(rate429, ctx.random)) {
    throw new HttpError(429, ErrorCode.RateLimited, "Rate limit exceeded (injected fault); retry after 1 s", undefined, {
      "retry-after": "1",
    });
  }
}

function errorReply(ctx: CoreContext, err: unknown, path: string): Reply {
  // Anything that is not an HttpError is a bug: answer a masked 500, never a stack trace.
  const httpError = err instanceof HttpError ? err : new HttpError(500, ErrorCode.Internal, "Internal server error");
  return { status: httpError.status, body: buildErrorMessage(httpError, path, ctx.now()), headers: httpError.headers };
}

function send(res: ServerResponse, reply: Reply, correlationId: string): void {
  const headers: Record<string, string | number> = { [CORRELATION_HEADER]: correlationId, ...reply.headers };
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  let payload: Buffer;
  if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === "string" && reply.contentType) payload = Buffer.from(reply.body);
  else payload = Buffer.from(JSON.stringify(reply.body));
  headers["content-type"] = reply.contentType ?? "application/json";
  // A route may ask for a chunked answer (the images API's unsized-file fault); every other answer has its length.
  if (reply.headers?.["transfer-encoding"] !== "chunked") headers["content-length"] = payload.length;
  res.writeHead(reply.status, headers);
  res.end(payload);
}
