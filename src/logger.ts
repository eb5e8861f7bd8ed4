import { isSpanContextValid, trace } from "@opentelemetry/api";
import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

const NO_TRACE = Object.freeze({});

/**
 * `trace_id` and `span_id` of the current span, merged into every log line written while one is current (an
 * operation, an upstream call, a write batch). Tracing off: no context manager is registered, so this is one lookup
 * that finds nothing.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return NO_TRACE;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return NO_TRACE;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * Logs to stdout at `level` (config `logLevel`): JSON lines, or, with `pretty` (config `logFormat`; the default on a
 * terminal outside production), pino-pretty's readable lines. `destination` replaces stdout for JSON lines (tests
 * capture them). Every line written while a span is current carries its `trace_id` / `span_id`.
 */
export function createLogger(level: string, options: { pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const base = { service: "concur-graph" };
  const traced = { mixin: traceFields, mixinMergeStrategy };
  if (!options.pretty) return options.destination ? pino({ level, base, ...traced }, options.destination) : pino({ level, base, ...traced });
  return pino({ level, base, ...traced, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" } } });
}

/**
 * Resolves once every line logged so far is written (the log stream ended), or after `boundMs`. Why not pino's
 * `flush(cb)`: on stdout's default stream (sonic-boom, minLength 0) it calls back at once, even while a write is still
 * in flight, so a process that exits in that callback can lose its last lines when stdout's reader is slow (seen under
 * load: the final "concur-graph stopped." missing). Nothing may be logged after it resolves.
 */
export function endLogs(logger: Logger, boundMs = 3_000): Promise<void> {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | { end?: () => void; once?: (event: string, listener: () => void) => unknown; destroyed?: boolean }
    | undefined;
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, boundMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (typeof stream?.end !== "function" || typeof stream.once !== "function" || stream.destroyed) return logger.flush(() => done());
    stream.once("close", done);
    stream.once("error", done);
    stream.end();
  });
}

/** pino's own strategy (the line's fields win over the mixin's), without copying anything when there is no trace. */
function mixinMergeStrategy(mergeObject: object, mixinObject: object): object {
  return mixinObject === NO_TRACE ? mergeObject : Object.assign(mixinObject, mergeObject);
}

/**
 * Whether logs are pino-pretty's readable lines: `LOG_FORMAT=pretty`, or `auto` on a terminal outside production.
 * Otherwise every line on stdout is one JSON object (a collector's format).
 */
export function prettyLogs(config: { logFormat: "json" | "pretty" | "auto"; production: boolean }, stdoutIsTerminal = process.stdout.isTTY === true): boolean {
  return config.logFormat === "pretty" || (config.logFormat === "auto" && stdoutIsTerminal && !config.production);
}
