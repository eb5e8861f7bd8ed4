import "reflect-metadata";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { expressMiddleware } from "@as-integrations/express5";
import { getOperationAST, GraphQLError, type ExecutionArgs } from "graphql";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import type { ResolvedGatewayConfig } from "./config.js";
import { createErrorFormatter, errorBody, ErrorCode, logUnexpected } from "./errors.js";
import { storeOutagePlugin } from "./http/store-outage.js";
import { createLogger, prettyLogs, type Logger } from "./logger.js";
import { createServices, type Services } from "./services/index.js";
import { createQueryCompiler } from "./http/executor.js";
import { createOperationGuard } from "./http/limits.js";
import { observedWebhook, operationMetricsPlugin, subscriptionGauge } from "./http/metrics.js";
import { livenessHandler, readinessHandler } from "./http/health.js";
import { eventDeliveryCheck, watchEventDelivery } from "./http/event-delivery.js";
import { createMetrics, type GatewayMetrics } from "./observability/metrics.js";
import { createUpstreamHealth } from "./observability/upstream-health.js";
import { TRACING_OFF, writeBatchTraces, type Tracing } from "./observability/tracing.js";
import { operationSpanMiddleware, operationTracingPlugin, traceFastPathOperation, traceSubscriptionSetup, webhookSpanMiddleware, withOperationSpans } from "./http/tracing.js";
import { mountConnectLanding } from "./http/connect-landing.js";
import { mountFileDownloads } from "./http/files.js";
import { graphqlPostHandler } from "./http/graphql-http.js";
import { createResultSharing } from "./http/result-sharing.js";
import { createWsOperations } from "./http/ws-operations.js";
import { createTrustedDocuments } from "./http/trusted-documents.js";
import { buildGatewaySchema } from "./schema/build.js";
import { createContext, type GatewayContext } from "./context.js";
import { CONSOLE_PATH, consoleRouter } from "./http/console.js";
import { graphiqlAssets, graphiqlPage, GRAPHIQL_ASSET_PATH, wantsGraphiQL, type GraphiQLDefaults } from "./http/graphiql.js";

export const GRAPHQL_PATH = "/graphql";

export interface GatewayOptions {
  config: ResolvedGatewayConfig;
  /** Defaults, else a pino logger at `config.logLevel`. */
  logger?: Logger;
  /** What GraphiQL opens with (embedded mode passes the demo token and an example query). */
  graphiql?: GraphiQLDefaults;
  /**
   * This process's tracing, started by the entry point from `config.tracing` (`startTracing`, once per process; tests
   * pass one with an in-memory exporter). Default off: no spans, no per-request cost.
   */
  tracing?: Tracing;
}

export interface Gateway {
  /** `http://host:port/graphql` once started. */
  readonly url: string;
  /** `ws://host:port/graphql` once started. */
  readonly wsUrl: string;
  /** `http://host:port` once started. */
  readonly origin: string;
  readonly services: Services;
  /** Prometheus metrics of this gateway (served at `config.metricsPath`). */
  readonly metrics: GatewayMetrics;
  /** Query texts the compiled fast path holds and their approximate bytes (bounded by `compiledQueryCacheBytes`). */
  readonly compiledQueries: { readonly texts: number; readonly bytes: number };
  /** Replaces what GraphiQL opens with (the embedded demo fills in its API key once it exists). */
  setGraphiQL(defaults: GraphiQLDefaults): void;
  start(): Promise<void>;
  /** Graceful: stop taking operations, send queued writes, answer waiting callers, close sockets. */
  stop(): Promise<void>;
}

type Lifecycle = { state: "created" } | { state: "started"; origin: string } | { state: "stopping" | "stopped" };

/** The one composition root: builds long-lived services once and wires HTTP, WebSocket and webhooks. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel, { pretty: prettyLogs(config) });
  // Built once per gateway and injected: nothing observes through module-level state.
  const metrics = createMetrics();
  const tracing = options.tracing ?? TRACING_OFF;
  const batchTraces = writeBatchTraces(tracing);
  const upstreamHealth = createUpstreamHealth({ windowMs: config.upstreamHealthWindowSeconds * 1000 });
  const services = await createServices(config, logger, {
    onExchange: (exchange) => {
      metrics.upstreamCall(exchange);
      upstreamHealth.record(exchange);
    },
    onCacheLookup: (result) => metrics.cacheLookup(result),
    onEventProcessed: (eventType, outcome) => metrics.webhookEvent(eventType, outcome),
    onRedisError: (component) => metrics.redisError(component),
    onSigningKeyVerified: (keyId) => metrics.signingKeyUsed(keyId),
    writeBatches: (writer) => ({
      ...batchTraces,
      pacerWaited: (seconds) => metrics.pacerWaited(writer, seconds),
      batchLeaving: (batch) => {
        for (const seconds of batch.queuedSeconds) metrics.writeQueued(writer, seconds);
        metrics.writeBatch(writer, batch.target, batch.records, batch.bytes);
      },
    }),
  });
  metrics.watch("write_queue_depth", "Writes queued or in flight in this replica's write batcher.", () => services.writer.pending);
  const schema = await buildGatewaySchema();
  const formatError = createErrorFormatter(logger);
  const guard = createOperationGuard(schema, config.limits, { maxPageSize: config.maxPageSize });
  // Trusted documents: only the operations of the front-ends' manifest run (enforce), or those outside it are logged.
  const trustedDocuments = createTrustedDocuments({ ...config.trustedDocuments, logger });
  if (trustedDocuments.mode !== "off") logger.info({ mode: trustedDocuments.mode, operations: trustedDocuments.operations }, "trusted documents loaded");
  const compiler = createQueryCompiler(schema, logger, { maxBytes: config.compiledQueryCacheBytes, requestCostError: guard.requestCostError });
  const resultSharing = createResultSharing({ cache: services.cache, maxBytes: config.answerCacheBytes, ttlMs: config.cacheTtlSeconds * 1000 });
  metrics.watch("answer_cache_bytes", "Bytes of serialized query answers kept for reuse (ANSWER_CACHE_BYTES bounds it).", () => resultSharing.stats.bytes);
  metrics.watch("answers_reused", "Query answers served again since start, unchanged cached pages under them (a count; read as a counter).", () => resultSharing.stats.reused);
  metrics.watch("answers_joined", "Queries answered by an identical query in flight with the same credentials, since start (a count).", () => resultSharing.stats.joined);
  // Per-caller bookkeeping, each bounded however many distinct tokens arrive (docs/benchmarks.md, "Distinct callers").
  metrics.watch("answer_cache_entries", "Query answers kept for reuse (bounded by ANSWER_CACHE_BYTES).", () => resultSharing.stats.entries);
  metrics.watch("answers_in_flight", "Query executions running that identical queries may join.", () => resultSharing.stats.inFlight);
  metrics.watch("page_cache_pages", "Upstream pages in the in-process page cache, every caller (bounded by its 64 MiB budget).", () => services.cache.sizes().pages);
  metrics.watch("page_cache_scopes", "Cache scopes (a company's list, ERP or request) whose generation this process remembers (at most 10,000).", () => services.cache.sizes().scopes);
  metrics.watch("page_cache_reads_in_flight", "Upstream page reads and generation reads in flight.", () => services.cache.sizes().inFlight);
  metrics.watch("trusted_tokens", "Passthrough: tokens Concur accepted recently, remembered for cached reads (at most 100,000).", () => services.callerBookkeeping().trustedTokens);
  metrics.watch("token_companies", "Passthrough: tokens whose company is remembered (at most 10,000 tokens and 10,000 token-company pairs).", () => services.callerBookkeeping().tokenCompanies);
  metrics.watch("compiled_queries", "Query texts the compiled fast path holds.", () => compiler.cached.texts);
  metrics.watch("compiled_queries_bytes", "Approximate bytes of the compiled fast path's queries (bounded by COMPILED_QUERY_CACHE_BYTES).", () => compiler.cached.bytes);
  const storeStatus = services.storeStatus;
  if (storeStatus) {
    metrics.watch("store_up", "Managed mode: 1 while the store (DATABASE_URL) takes reads and writes, 0 while it is down or read-only.", () => (storeStatus().state === "ok" ? 1 : 0));
    metrics.watch("store_pending_writes", "Refresh tokens Concur rotated that the store could not take yet: held only in this process's memory.", () => storeStatus().pendingWrites);
  }
  watchEventDelivery(metrics, services);
  const subscriptionsRunning = subscriptionGauge(metrics);
  let lifecycle: Lifecycle = { state: "created" };

  const app = express();
  app.disable("x-powered-by");
  // GraphQL answers are per caller and never revalidated; a weak ETag would hash every response body.
  app.set("etag", false);
  // POST /graphql (every query and mutation) goes straight to Apollo; everything else through express.
  let postGraphQL: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const httpServer: Server = createServer((req, res) => {
    if (req.method !== "POST" || !isGraphQLPath(req.url)) return app(req, res);
    if (lifecycle.state !== "started" || !postGraphQL) return refuseWhileStopping(res);
    postGraphQL(req, res).catch((err: unknown) => {
      const errorId = logUnexpected(logger, err, {}, "GraphQL request failed outside execution");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(errorBody(ErrorCode.INTERNAL_SERVER_ERROR, `Internal server error (error id ${errorId})`, { errorId }));
    });
  });
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });
  // Where a subscription's trace context came from (the upgrade request, connectionParams), for its setup span.
  const subscriptionCarriers = new WeakMap<ExecutionArgs, { headers?: Record<string, unknown>; connectionParams?: Record<string, unknown> }>();
  const wsOperations = createWsOperations(schema, { parseOptions: guard.parseOptions, validationRules: guard.validationRules, hideSuggestions: config.hideSchemaSuggestions });
  const wsCleanup = useServer<Record<string, unknown>, { context?: GatewayContext }>(
    {
      schema,
      // Parsed, validated (the same operation limits as over HTTP) and compiled once per operation text.
      onSubscribe: (ctx, _id, payload) => {
        const admitted = trustedDocuments.admitSubscription(payload);
        if (admitted instanceof GraphQLError) return [admitted];
        const args = wsOperations.onSubscribe({ ...payload, query: admitted.query });
        if (tracing.enabled && !Array.isArray(args)) subscriptionCarriers.set(args as ExecutionArgs, { headers: ctx.extra.request.headers, connectionParams: ctx.connectionParams });
        return args;
      },
      subscribe: (args) =>
        traceSubscriptionSetup(tracing, subscriptionCarriers.get(args) ?? {}, args.operationName ?? getOperationAST(args.document)?.name?.value, () => wsOperations.subscribe(args)),
      // Subscriptions authenticate with the same bearer token as HTTP, sent in connectionParams.
      context: (ctx) =>
        createContext(services, { authorization: readAuthorization(ctx.connectionParams), apiKey: readParam(ctx.connectionParams, "x-api-key"), recordReads: false }),
      // Refused operations (parse, validation, an unresolvable operationName) are the caller's mistake, as over HTTP:
      // nothing above debug, so no caller can flood the log with them.
      onError: (_ctx, _id, _payload, errors) => {
        logger.debug({ errors: errors.map((e) => e.message) }, "subscription refused");
      },
      onOperation: (ctx, id, _payload, _args, result) => subscriptionsRunning.onOperation(ctx, id, result),
      onComplete: (ctx, id) => subscriptionsRunning.onComplete(ctx, id),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if ("errors" in result && result.errors) {
          return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as unknown as typeof result;
        }
        return result;
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<GatewayContext>({
    gateway: compiler.gateway,
    formatError,
    logger,
    includeStacktraceInErrorResponses: false,
    parseOptions: guard.parseOptions,
    validationRules: guard.validationRules,
    hideSchemaDetailsFromClientErrors: config.hideSchemaSuggestions,
    // The entry point owns SIGINT/SIGTERM: queued writes must be sent before Apollo stops. Apollo's own
    // handlers (on outside tests) raced it and re-raised the signal, and the process never exited.
    stopOnTerminationSignals: false,
    // Automatic persisted queries (docs/security.md): the trusted-documents manifest answers first; in enforce mode a
    // registration never adds to what may run.
    persistedQueries: { cache: trustedDocuments.persistedQueriesCache },
    plugins: [
      guard.plugin,
      trustedDocuments.plugin,
      operationMetricsPlugin(metrics),
      ...(tracing.enabled ? [operationTracingPlugin()] : []),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces (ftv1) only for a router that asks (header apollo-federation-include-trace), errors masked.
      // Installed explicitly: Apollo's automatic one announced "Enabling inline tracing" on every start.
      ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }),
      // No @cacheControl hints exist and responses are per caller; the default plugin's per-field hook cost ~15%
      // of a 100-record connection query's CPU (bench/reads.ts).
      ApolloServerPluginCacheControlDisabled(),
      storeOutagePlugin(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      {
        // A mutation counted as "on its way" by the HTTP edge stops holding the write windows once it executes.
        async requestDidStart() {
          return {
            async executionDidStart({ contextValue }) {
              contextValue.executionStarted?.();
            },
          };
        },
      },
    ],
  });

  app.get("/healthz", livenessHandler(() => lifecycle.state));
  app.get(
    "/readyz",
    readinessHandler({ lifecycle: () => lifecycle.state, webhookKeyPresent: Boolean(config.webhook.publicKeyPem), redisReady: services.redisReady, upstream: upstreamHealth, store: services.storeStatus, eventDelivery: () => eventDeliveryCheck(services.eventDelivery.state()) }),
  );
  if (config.metricsPath) app.get(config.metricsPath, metrics.handler);
  // The webhook reads its raw body itself (the signature covers the exact bytes): no body parser before it.
  // Every method reaches the handler, which answers 405 to anything but POST (express would answer 404).
  app.all(config.webhook.path, webhookSpanMiddleware(tracing, config.webhook.path), observedWebhook(services.webhookHandler, metrics));
  // The App Center landing page (and its sign-in callback and result page): docs/connecting-customers.md.
  if (config.managed) mountConnectLanding(app, { services, logger, config, origin: () => (lifecycle.state === "started" ? lifecycle.origin : undefined) });
  // Extract and payment-batch files: GET /files/<signed reference> (docs/posting-by-file.md).
  mountFileDownloads(app, services, () => (lifecycle.state === "started" ? lifecycle.origin : undefined), logger);
  app.use(GRAPHIQL_ASSET_PATH, graphiqlAssets());
  // The operator console (docs/console.md): a static bundle that uses only the public API below.
  app.use(CONSOLE_PATH, consoleRouter({ graphqlPath: GRAPHQL_PATH, connectPath: config.managed?.connectPath, publicUrl: config.files.publicUrl, metricsPath: config.metricsPath }));
  let page = graphiqlPage(GRAPHQL_PATH, options.graphiql ?? {});
  app.get(GRAPHQL_PATH, (req, res, next) => (wantsGraphiQL(req) ? page(req, res) : next()));

  async function start(): Promise<void> {
    if (lifecycle.state !== "created") throw new Error(`gateway cannot start from state ${lifecycle.state}`);
    await apollo.start();
    const fastPathTraced = tracing.enabled;
    const fastPathAnswered = (name: string | undefined, hadErrors: boolean, seconds: number) => {
      metrics.operation(name, "query", hadErrors ? "partial" : "ok", seconds);
      if (fastPathTraced) traceFastPathOperation(name, hadErrors);
    };
    const contextOf = (req: IncomingMessage, writesQueued?: () => void) =>
      createContext(services, {
        authorization: req.headers.authorization,
        apiKey: typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : undefined,
        correlationId: req.headers["concur-correlationid"],
        writesQueued,
      });
    postGraphQL = graphqlPostHandler(
      apollo,
      contextOf,
      compiler,
      formatError,
      services.writeArrivals,
      fastPathAnswered,
      resultSharing,
    );
    // One span per operation (tracing on): the caller's traceparent is its parent, upstream calls its children.
    postGraphQL = withOperationSpans(tracing, postGraphQL, GRAPHQL_PATH);
    // GET /graphql?query=… (queries only; Apollo refuses GET mutations). A GET has no body, but the express
    // integration insists on `req.body` being set.
    app.get(
      GRAPHQL_PATH,
      operationSpanMiddleware(tracing, GRAPHQL_PATH),
      (req, _res, next) => {
        req.body ??= {};
        next();
      },
      expressMiddleware(apollo, { context: async ({ req }) => contextOf(req) }),
    );
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const { port } = httpServer.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    lifecycle = { state: "started", origin: `http://${host}:${port}` };
    // ESS subscriptions (ESS_MANAGE): the first round once the webhook can answer.
    services.eventDelivery.start();
    logger.info({ url: `${lifecycle.origin}${GRAPHQL_PATH}` }, "gateway listening");
  }

  async function stop(): Promise<void> {
    if (lifecycle.state === "stopping" || lifecycle.state === "stopped") return;
    const wasStarted = lifecycle.state === "started";
    lifecycle = { state: "stopping" };
    // Order matters: refuse new writes, flush queued ones (their callers are still connected), then close.
    await services.drain();
    if (wasStarted) await apollo.stop();
    await services.close();
    lifecycle = { state: "stopped" };
  }

  const origin = () => {
    if (lifecycle.state !== "started") throw new Error("gateway is not started");
    return lifecycle.origin;
  };

  return {
    get url() {
      return `${origin()}${GRAPHQL_PATH}`;
    },
    get wsUrl() {
      return `${origin().replace(/^http/, "ws")}${GRAPHQL_PATH}`;
    },
    get origin() {
      return origin();
    },
    services,
    metrics,
    get compiledQueries() {
      return compiler.cached;
    },
    setGraphiQL(defaults) {
      page = graphiqlPage(GRAPHQL_PATH, defaults);
    },
    start,
    stop,
  };
}

/**
 * The bearer token of a WebSocket connection: `authorization` (graphql-ws clients, Hive Gateway) or `token`
 * (what Apollo Router puts in connection_init), with or without the `Bearer ` prefix.
 */
function isGraphQLPath(url: string | undefined): boolean {
  return url === GRAPHQL_PATH || (url !== undefined && url.startsWith(`${GRAPHQL_PATH}?`));
}

/** New operations during a graceful stop: refused, so the instance drains (writes already queued still finish). */
function refuseWhileStopping(res: ServerResponse): void {
  res.writeHead(503, { "content-type": "application/json", connection: "close" });
  res.end(errorBody(ErrorCode.SHUTTING_DOWN, "The gateway is shutting down; retry on another instance."));
}

function readAuthorization(params: Record<string, unknown> | undefined): string | undefined {
  if (!params) return undefined;
  let authorization: string | undefined;
  let token: string | undefined;
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== "string") continue;
    if (key.toLowerCase() === "authorization") authorization = value;
    else if (key.toLowerCase() === "token") token = value;
  }
  const found = authorization ?? token;
  if (found === undefined) return undefined;
  return /^bearer\s/i.test(found) ? found : `Bearer ${found}`;
}

function readParam(params: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!params) return undefined;
  for (const [key, value] of Object.entries(params)) if (typeof value === "string" && key.toLowerCase() === name) return value;
  return undefined;
}
