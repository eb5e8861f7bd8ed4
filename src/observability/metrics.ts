import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { UpstreamExchange } from "../datasources/index.js";

/** What the client pipeline reports after each upstream HTTP exchange (its `onExchange` hook: the pipeline knows nothing of metrics). */
export type UpstreamCallReport = UpstreamExchange;

export type OperationOutcome = "ok" | "partial" | "failed" | "refused";

/** Parts of the gateway that use Redis (the `component` label of `redis_errors_total`). */
export type RedisComponent = "cache" | "pubsub" | "limiter" | "dedupe" | "locks";

/** The gateway's Prometheus metrics: one registry per gateway (no global state), low-cardinality labels only. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** The pipeline hook: upstream calls, token refreshes (refresh_token grants). */
  upstreamCall(report: UpstreamCallReport): void;
  /** One GraphQL operation over HTTP (Apollo or the fast path). `name` is the operation's name, bounded. */
  operation(name: string | undefined, type: string, outcome: OperationOutcome, seconds: number): void;
  /** A page-cache lookup: `local` / `shared` hit, or a miss that went upstream (`joined`: shared an in-flight read). */
  cacheLookup(outcome: "local" | "shared" | "joined" | "miss"): void;
  /** One ESS webhook POST and the HTTP status it was answered with. */
  webhookRequest(status: number): void;
  /** One accepted ESS event after processing: its type (bounded) and whether processing succeeded. */
  webhookEvent(type: string, outcome: "processed" | "failed"): void;
  subscriptionStarted(): void;
  subscriptionEnded(): void;
  /** A write waited `seconds` queued until its (first) batch left; `writer` is `accounting`, `lists` or `invoice`. */
  writeQueued(writer: string, seconds: number): void;
  /**
   * A write batch left for Concur (one body, its re-sends not counted again): its records and request bytes (bytes
   * only when the writer measures them), by `writer` and `target` (the object type or call kind: a fixed set, no ids).
   */
  writeBatch(writer: string, target: string, records: number, bytes: number): void;
  /** A write batch waited `seconds` for its pacing slot (one call per second per endpoint). */
  pacerWaited(writer: string, seconds: number): void;
  /** A Redis command or connection failure, by the part of the gateway that met it (the caller degraded, see README Redis outages). */
  redisError(component: RedisComponent): void;
  /** An ESS event verified by the signing key with this short id (a rotation shows as a new id taking over). */
  signingKeyUsed(keyId: string): void;
  /** A gauge read when scraped (queue depth, cache sizes): no polling, no state here. */
  watch(name: string, help: string, read: () => number): void;
  /** `GET /metrics` in the Prometheus text format. */
  handler(req: IncomingMessage, res: ServerResponse): void;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Metric name prefix. Default `concur_graph_`. */
  prefix?: string;
  /** Node.js process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
  /** Distinct values a client-chosen label (operation name, event type) may take before the rest count as `other`. Default 100. */
  maxLabelValues?: number;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Waits around the batching window (25 ms) and the pacing interval (1 s), up to a long backlog. */
const WAIT_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10, 30, 60];

export function createMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const prefix = options.prefix ?? "concur_graph_";
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix });
  const operationNames = boundedLabel(options.maxLabelValues ?? 100);
  const eventTypes = boundedLabel(options.maxLabelValues ?? 100);
  const routes = boundedLabel(200);
  const registers = [registry];

  const operations = new Counter({ name: `${prefix}graphql_operations_total`, help: "GraphQL operations over HTTP by operation name, type and outcome (ok, partial, failed, refused by a limit).", labelNames: ["operation", "type", "outcome"], registers });
  const operationSeconds = new Histogram({ name: `${prefix}graphql_operation_duration_seconds`, help: "GraphQL operation duration over HTTP (request read to response serialized).", labelNames: ["type", "outcome"], buckets: SECONDS, registers });
  const upstreamCalls = new Counter({ name: `${prefix}upstream_requests_total`, help: "Concur HTTP exchanges by API, method, route template (ids replaced by {id}) and status (or the transport error code).", labelNames: ["api", "method", "route", "status"], registers });
  const upstreamSeconds = new Histogram({ name: `${prefix}upstream_request_duration_seconds`, help: "Concur HTTP exchange duration (headers and body) by API and method.", labelNames: ["api", "method"], buckets: SECONDS, registers });
  const batchRecords = new Histogram({ name: `${prefix}write_batch_records`, help: "Records per write batch sent to Concur (one body: an Accounting Integration upload, a List Item bulk call, an Invoice vendor/bank/group call, a purchase order or receipt), by writer (accounting, lists, invoice) and target (object type or call kind).", labelNames: ["writer", "target"], buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000], registers });
  const batchBytes = new Histogram({ name: `${prefix}write_batch_bytes`, help: "Request body bytes per Accounting Integration write batch (Concur's limit is 4 MiB), by writer and target.", labelNames: ["writer", "target"], buckets: [1024, 10_240, 102_400, 524_288, 1_048_576, 2_097_152, 4_194_304], registers });
  const webhookRequests = new Counter({ name: `${prefix}webhook_requests_total`, help: "ESS webhook POSTs by answer status (202 accepted, 200 duplicate, 401 bad signature, 503 refused for a retry, …).", labelNames: ["status"], registers });
  const webhookEvents = new Counter({ name: `${prefix}webhook_events_total`, help: "Accepted ESS events by event type and processing outcome.", labelNames: ["type", "outcome"], registers });
  const subscriptions = new Gauge({ name: `${prefix}active_subscriptions`, help: "GraphQL subscriptions currently running over WebSocket on this replica.", registers });
  const cacheLookups = new Counter({ name: `${prefix}page_cache_lookups_total`, help: "Page-cache lookups: local / shared hits, joined (an identical read in flight) and misses (read from Concur).", labelNames: ["result"], registers });
  const redisErrors = new Counter({ name: `${prefix}redis_errors_total`, help: "Redis command and connection failures by component (cache, pubsub, limiter, dedupe, locks); each degraded instead of failing the request.", labelNames: ["component"], registers });
  const queueWait = new Histogram({ name: `${prefix}write_queue_wait_seconds`, help: "Time a write waited queued (batching window, pacing, earlier bodies) until its batch left, by writer (accounting, lists, invoice).", labelNames: ["writer"], buckets: WAIT_SECONDS, registers });
  const pacerWait = new Histogram({ name: `${prefix}pacer_wait_seconds`, help: "Time a write batch waited for its pacing slot (one call per second per endpoint; every re-send too), by writer (accounting, lists, invoice).", labelNames: ["writer"], buckets: WAIT_SECONDS, registers });
  const signingKeys = new Counter({ name: `${prefix}webhook_signing_key_verifications_total`, help: "ESS events verified, by the short id of the signing key that verified them (sha-256 of its SPKI, 16 hex digits).", labelNames: ["key"], registers });
  const keyIds = boundedLabel(20);
  const refreshes = new Counter({ name: `${prefix}token_refreshes_total`, help: "Company token refreshes at Concur's token endpoint (managed mode) by outcome.", labelNames: ["outcome"], registers });

  return {
    registry,
    upstreamCall(report) {
      const { api, route } = routeTemplate(report.url);
      const boundedRoute = routes(route);
      const status = report.status !== undefined ? String(report.status) : (report.errorCode ?? "error");
      upstreamCalls.inc({ api, method: report.method, route: boundedRoute, status });
      upstreamSeconds.observe({ api, method: report.method }, report.seconds);
      if (report.form?.grant_type === "refresh_token") refreshes.inc({ outcome: report.status !== undefined && report.status >= 200 && report.status < 300 ? "ok" : "failed" });
    },
    operation(name, type, outcome, seconds) {
      operations.inc({ operation: name && /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name) ? operationNames(name) : "-", type, outcome });
      operationSeconds.observe({ type, outcome }, seconds);
    },
    cacheLookup(result) {
      cacheLookups.inc({ result });
    },
    webhookRequest(status) {
      webhookRequests.inc({ status: String(status) });
    },
    webhookEvent(type, outcome) {
      webhookEvents.inc({ type: /^[\w.-]{1,100}$/.test(type) ? eventTypes(type) : "other", outcome });
    },
    writeQueued: (writer, seconds) => queueWait.observe({ writer }, seconds),
    writeBatch(writer, target, records, bytes) {
      batchRecords.observe({ writer, target }, records);
      if (bytes > 0) batchBytes.observe({ writer, target }, bytes);
    },
    pacerWaited: (writer, seconds) => pacerWait.observe({ writer }, seconds),
    subscriptionStarted: () => subscriptions.inc(),
    subscriptionEnded: () => subscriptions.dec(),
    redisError(component) {
      redisErrors.inc({ component });
    },
    signingKeyUsed(keyId) {
      signingKeys.inc({ key: /^[0-9a-f]{16}$/.test(keyId) ? keyIds(keyId) : "other" });
    },
    watch(name, help, read) {
      new Gauge({
        name: `${prefix}${name}`,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    },
    handler(_req, res) {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`metrics collection failed: ${(error as Error).message}`);
        },
      );
    },
  };
}

/** A label whose first `max` distinct values pass; later new values count as `other` (clients choose them). */
function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return "other";
    seen.add(value);
    return value;
  };
}

/**
 * `https://host/accountingintegration/v4/companies/5e0a…/erps/e7b1…/accounts?limit=…` ->
 * api `accountingintegration`, route `/accountingintegration/v4/companies/{id}/erps/{id}/accounts`. A segment stays
 * only when it is a lowercase word, perhaps with one trailing digit (`companies`, `list-items`, `oauth2`), or a version (`v4`); anything with a digit, an
 * upper-case letter or other characters (ids, tokens, names) becomes `{id}`. No query string.
 */
export function routeTemplate(url: string): { api: string; route: string } {
  // The path of an absolute URL without parsing all of it (called once per upstream call).
  const scheme = url.indexOf("://");
  const start = scheme >= 0 ? url.indexOf("/", scheme + 3) : 0;
  const end = url.search(/[?#]/);
  const path = start < 0 ? "/" : url.slice(start, end >= start ? end : undefined);
  const segments = path.split("/").filter((s) => s !== "").map((s) => (/^[a-z][a-z_-]{0,39}[0-9]?$/.test(s) || /^v\d{1,2}(\.\d{1,2})?$/.test(s) ? s : "{id}"));
  return { api: segments[0] ?? "-", route: `/${segments.join("/")}` };
}
