import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, type Context, type Link, type Tracer } from "@opentelemetry/api";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { TracingConfig } from "../config.js";
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
  const [{ NodeSDK }, { W3CTraceContextPropagator }, { UndiciInstrumentation }, { BatchSpanProcessor }] = await Promise.all([
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
  sdk.start();
  let stopped: Promise<void> | undefined;
  const tracing: Tracing = {
    enabled: true,
    tracer: trace.getTracer(TRACER_NAME),
    shutdown() {
      stopped ??= (async () => {
        try {
          await sdk.shutdown();
        } finally {
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
