// A small bounded closed-loop load generator: C workers over one undici Pool of C connections, each
// sending its next request as soon as the previous response body is fully read. Bounded by time and count.
import { performance } from "node:perf_hooks";
import { Pool, type Dispatcher } from "undici";

export interface LoadSpec {
  origin: string;
  /** Concurrent connections = concurrent in-flight requests. */
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Safety cap on requests per run (warm-up included). */
  maxRequests?: number;
  /** Request i (rotate workloads with i). */
  request: (i: number) => Dispatcher.RequestOptions;
  /** Minimal bytes a good response has; a shorter body or a non-200 counts as an error. */
  minBytes?: number;
}

export interface LoadResult {
  /** Latencies (ms) of successful requests in the measured window. */
  latencies: Float64Array;
  requests: number;
  errors: number;
  /** Every request sent, warm-up included (for per-request upstream and CPU counts). */
  sent: number;
  seconds: number;
  rps: number;
  bytesPerRequest: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const maxRequests = spec.maxRequests ?? 5_000_000;
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let bytes = 0;
  let lastEnd = 0;
  const start = performance.now();
  const measureFrom = start + spec.warmupMs;
  const end = measureFrom + spec.durationMs;

  async function worker(): Promise<void> {
    while (issued < maxRequests) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const i = issued++;
      let ok = false;
      let size = 0;
      try {
        const res = await pool.request(spec.request(i));
        for await (const chunk of res.body) size += (chunk as Buffer).length;
        ok = res.statusCode === 200 && size >= (spec.minBytes ?? 1);
      } catch {
        ok = false;
      }
      const t1 = performance.now();
      if (t0 >= measureFrom) {
        lastEnd = Math.max(lastEnd, t1);
        if (ok) {
          latencies.push(t1 - t0);
          bytes += size;
        } else errors += 1;
      }
    }
  }

  await Promise.all(Array.from({ length: spec.connections }, worker));
  await pool.close();
  const seconds = Math.max(1e-9, (lastEnd - measureFrom) / 1000);
  return {
    latencies: Float64Array.from(latencies).sort(),
    requests: latencies.length,
    errors,
    sent: issued,
    seconds,
    rps: latencies.length / seconds,
    bytesPerRequest: latencies.length ? bytes / latencies.length : 0,
  };
}
