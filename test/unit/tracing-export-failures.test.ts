// OpenTelemetry reports failed exports to its global error handler, silent by default. Tracing routes them to the
// gateway's log, rate-limited (the first at once, then one line per interval with a count), and a shutdown against a
// collector that never answers ends within its bound, saying so.
import { createServer, type Server, type Socket } from "node:net";
import { globalErrorHandler } from "@opentelemetry/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../../src/logger.js";
import { startTracing, type Tracing } from "../../src/observability/tracing.js";

interface Line {
  fields: Record<string, unknown>;
  msg: string;
}
const capture = () => {
  const lines: Line[] = [];
  // Only pino's (fields, message) form is used by tracing; the cast stands for pino's overloads.
  const warn = (fields: Record<string, unknown>, msg: string) => void lines.push({ fields, msg });
  return { lines, logger: { warn } as unknown as Pick<Logger, "warn"> };
};

let tracing: Tracing | undefined;
let collector: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  for (const socket of sockets) socket.destroy();
  if (collector) await new Promise<void>((resolve) => collector!.close(() => resolve()));
  collector = undefined;
});

/** A collector that accepts connections and never answers. */
async function hangingCollector(): Promise<string> {
  collector = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => collector!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(collector.address() as { port: number }).port}/v1/traces`;
}

describe("trace export failures", () => {
  it("are logged at once, then at most once per interval with how many were not", async () => {
    const { lines, logger } = capture();
    tracing = await startTracing({ otlpTracesUrl: await hangingCollector(), logger, failureLogIntervalMs: 60_000, shutdownTimeoutMs: 200 });
    globalErrorHandler(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4318"), { code: "ECONNREFUSED", data: "a body never logged" }));
    globalErrorHandler(new Error("second"));
    globalErrorHandler(new Error("third"));
    expect(lines).toHaveLength(1);
    expect(lines[0].msg).toMatch(/^trace export failed/);
    expect(lines[0].fields).toEqual({ err: { message: "connect ECONNREFUSED 127.0.0.1:4318", code: "ECONNREFUSED" }, unloggedSince: 0 });

    await tracing.shutdown();
    expect(lines.map((line) => line.msg)).toContain("trace exports failed since the last logged failure");
    expect(lines.find((line) => line.msg === "trace exports failed since the last logged failure")?.fields).toEqual({ unlogged: 2 });
  });

  it("a shutdown whose last spans meet a collector that never answers ends within its bound and says so", async () => {
    const { lines, logger } = capture();
    tracing = await startTracing({ otlpTracesUrl: await hangingCollector(), logger, shutdownTimeoutMs: 300 });
    tracing.tracer.startSpan("to export").end();
    const startedAt = Date.now();
    await tracing.shutdown();
    // The exporter alone would wait 10 s for an answer; the bound is 300 ms (generous margin for a loaded machine).
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(lines.map((line) => line.msg)).toContain("trace export did not finish at shutdown; the spans not yet exported are dropped");
    expect(sockets.size).toBeGreaterThan(0); // the flush did try the collector
  });
});
