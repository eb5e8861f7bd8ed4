import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, type Context, type Link, type Tracer } from "@opentelemetry/api";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { TracingConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { WriteBatchObserver } from "../datasources/index.js";

/** Instrumentation scope of the gateway's own spans. */
export const TRACER_NAME = "concur-graph";

/** Options of {@link startTracing}: the configuration, and what tests put in place of the OTLP exporter. */
export interface TracingOptions extends Partial<TracingConfig> {
  /**
   * Span processors to use instead of the OTLP exporter (tests: a SimpleSpanProcessor over an InMemorySpanExporter).
   * Given, tracing starts even without `otlpTracesUrl`. Default none.
   */
  spanProcessors?: SpanProcessor[];
  /** Where export failures are reported (rate-limited) and a shutdown that could not flush. Default: not reported. */
  logger?: Pick<Logger, "warn">;
  /** Longest {@link Tracing.shutdown} waits for the last spans to be exported, ms (default 2000). */
  shutdownTimeoutMs?: number;
  /** At most one export-failure line per this many ms; the ones in between are counted in the next (default 60 000). */
  failureLogIntervalMs?: number;
}

/** Tracing of this process: on (an SDK is registered with the OpenTelemetry API) or off (the API's no-op tracer). */
export interface Tracing {
  readonly enabled: boolean;
  /** The gateway's tracer (a no-op one when off). */
  readonly tracer: Tracer;
  /** Exports what is buffered and stops the SDK; the process is untraced afterwards. Idempotent. */
  shutdown(): Promise<void>;
}

/** Tracing off: nothing is started, every span the API hands out is a non-recording no-op, nothing is exported. */
export const TRACING_OFF: Tracing = Object.freeze({ enabled: false, tracer: trace.getTracer(TRACER_NAME), shutdown: async () => {} });

/**
 * The OpenTelemetry API keeps its tracer provider, context manager and propagator in process globals: one SDK per
 * process, so a second start while one runs is refused rather than silently ignored by the API.
 */
let running: Tracing | undefined;

/**
 * Starts tracing for this process when configured (`otlpTracesUrl`, or `spanProcessors` in tests); otherwise returns
 * {@link TRACING_OFF} without loading the SDK (~0 cost: the API's no-op tracer). When on: @opentelemetry/sdk-node
 * with the AsyncLocalStorage context manager (a span stays current across awaits), the W3C `traceparent` propagator
 * only (no baggage is forwarded to Concur), undici's client spans (every upstream call, `traceparent` injected), and
 * spans batched to OTLP/HTTP. The SDK itself still reads the other standard OTEL_* variables (sampler, resource
 * attributes, exporter headers).
 */
export async function startTracing(options: TracingOptions = {}): Promise<Tracing> {
  const exporting = options.otlpTracesUrl !== undefined;
  if (!exporting && !options.spanProcessors?.length) return TRACING_OFF;
  if (running) throw new Error("tracing is already started in this process; shut it down first");
  // Loaded only when tracing is on: the SDK and its exporters weigh ~0.4 s of start-up and several MiB.
  const [{ NodeSDK }, { W3CTraceContextPropagator, setGlobalErrorHandler, loggingErrorHandler }, { UndiciInstrumentation }, { BatchSpanProcessor }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/core"),
    import("@opentelemetry/instrumentation-undici"),
    import("@opentelemetry/sdk-trace-base"),
  ]);
  const spanProcessors = [...(options.spanProcessors ?? [])];
  if (exporting) {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpTracesUrl })));
  }
  const undici = new UndiciInstrumentation();
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? "concur-graph",
    spanProcessors,
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [undici],
    // Traces only: without these the SDK would also start OTLP metric and log exporters from the environment.
    metricReaders: [],
    logRecordProcessors: [],
  });
  // The SDK reports failed exports (an unreachable collector, a refusal) to its global error handler, which is silent
  // unless a diag logger is set: they go to the gateway's log instead, at most one line per interval.
  const failures = exportFailureReporter(options.logger, options.failureLogIntervalMs ?? 60_000);
  setGlobalErrorHandler(failures.report);
  sdk.start();
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 2_000;
  let stopped: Promise<void> | undefined;
  const tracing: Tracing = {
    enabled: true,
    tracer: trace.getTracer(TRACER_NAME),
    shutdown() {
      stopped ??= (async () => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<"timed out">((resolve) => {
          timer = setTimeout(() => resolve("timed out"), shutdownTimeoutMs);
        });
        try {
          // Bounded: an unreachable collector must not hold the process's exit for the exporter's own timeouts.
          const outcome = await Promise.race([
            sdk.shutdown().then(
              () => "flushed" as const,
              (error: unknown) => error,
            ),
            timeout,
          ]);
          if (outcome === "timed out") options.logger?.warn({ timeoutMs: shutdownTimeoutMs }, "trace export did not finish at shutdown; the spans not yet exported are dropped");
          else if (outcome !== "flushed") failures.report(outcome, { force: true });
          failures.close();
        } finally {
          clearTimeout(timer);
          setGlobalErrorHandler(loggingErrorHandler());
          undici.disable();
          trace.disable();
          context.disable();
          propagation.disable();
          running = undefined;
        }
      })();
      return stopped;
    },
  };
  running = tracing;
  return tracing;
}

/** Export failures to the log: the first at once, then at most one line per interval saying how many were not logged. */
function exportFailureReporter(logger: Pick<Logger, "warn"> | undefined, intervalMs: number) {
  let lastLoggedAt = -Infinity;
  let unlogged = 0;
  const describe = (error: unknown) => {
    // Neither the exporter's request nor the collector's answer body: a message and a status code at most.
    const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
    return { message: typeof message === "string" ? message.slice(0, 300) : String(error).slice(0, 300), ...(typeof code === "number" || typeof code === "string" ? { code } : {}) };
  };
  return {
    report(error: unknown, options: { force?: boolean } = {}) {
      const now = Date.now();
      if (!options.force && now - lastLoggedAt < intervalMs) {
        unlogged += 1;
        return;
      }
      lastLoggedAt = now;
      logger?.warn({ err: describe(error), unloggedSince: unlogged }, "trace export failed: spans were dropped (is the OTLP collector reachable?)");
      unlogged = 0;
    },
    close() {
      if (unlogged > 0) logger?.warn({ unlogged }, "trace exports failed since the last logged failure");
      unlogged = 0;
    },
  };
}

/**
 * Traces of the write batchers: each caller's trace context is kept when its write is queued, and each batch send
 * runs in a span of its own (a new trace: a batch serves many callers) linked to every caller's operation span; the
 * upstream call's span is its child.
 */
export function writeBatchTraces(tracing: Tracing): Pick<WriteBatchObserver, "queued" | "aroundSend"> {
  if (!tracing.enabled) return {};
  return {
    queued: () => context.active(),
    aroundSend(batch, send) {
      const links: Link[] = [];
      for (const origin of batch.origins) {
        const spanContext = trace.getSpanContext(origin as Context);
        if (spanContext && isSpanContextValid(spanContext)) links.push({ context: spanContext });
      }
      return tracing.tracer.startActiveSpan(
        `concur.write_batch ${batch.target}`,
        {
          root: true,
          kind: SpanKind.INTERNAL,
          links,
          attributes: {
            "concur.write_batch.writer": batch.writer,
            "concur.write_batch.target": batch.target,
            "concur.write_batch.records": batch.records,
            ...(batch.bytes > 0 ? { "concur.write_batch.bytes": batch.bytes } : {}),
            "concur.write_batch.callers": batch.origins.length,
          },
        },
        async (span) => {
          try {
            return await send();
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode(error) });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
  };
}

/** The coded error's code (never an upstream body or a token), else its class name. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name : "error";
}
