// List writes: K concurrent createConcurListItem mutations (one level-1 item each, into a fresh list) -> bulk POSTs
// counted by the emulator vs the lower bound ceil(K / 250) parts per call, upstream 429s (must be 0), part failures
// (must be 0) and wall time vs the 1-call-per-second floor ((calls - 1) s). The "2 CPU hogs" row repeats K with two
// busy-looping processes competing for the cores, the client's sockets opened before the hogs start (as the accounting
// "writes under CPU load" row and test/e2e/lists-batching-load do): batching must not depend on a quiet machine.
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { startCpuHog, startEmulator, startGateway } from "./lib/procs.js";
import { fmt, percentile, summary, table, type TargetCheck } from "./lib/stats.js";
import { admin, sumCounters } from "./lib/upstream.js";

const MAX_BULK_PARTS = 250;
const B1 = "POST /list/v4/lists/{listId}/bulk";

const CREATE = `mutation Create($c: ID!, $l: ID!, $s: String!, $v: String!) {
  createConcurListItem(companyId: $c, listId: $l, shortCode: $s, value: $v) { code succeeded error { id } }
}`;

export async function runListWrites(options: { quick: boolean }): Promise<string> {
  const plan = [
    { k: 296, hogs: 0 },
    { k: 296, hogs: 2 },
  ];
  if (!options.quick) plan.push({ k: 1_000, hogs: 2 });
  const checks: TargetCheck[] = [];
  const emulator = await startEmulator({ pageBytes: 1_000_000, processingDelayMs: 50 });
  const emu = emulator.ready;
  const gateway = await startGateway(emu.url);
  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    // The emulator's own bulk rate limit (5/s) is not what is measured here: the gateway paces itself at 1/s.
    await admin(emu.url, "PUT", "/config", { listBulkPerSecond: 0 });
    for (const [run, { k, hogs }] of plan.entries()) {
      const list = await admin(emu.url, "POST", `/lists/companies/${emu.companyId}/lists`, { value: `Bench list writes ${run}`, levelCount: 1 });
      const lowerBound = Math.ceil(k / MAX_BULK_PARTS);
      // Start each K on a free 1-second slot, so the previous row's last call does not pace this one.
      if (run > 0) await new Promise((resolve) => setTimeout(resolve, 1_100));
      await admin(emu.url, "POST", "/counters/reset");
      const pool = new Pool(gateway.ready.origin, { connections: k, pipelining: 1 });
      // Under load, open the sockets first: a client too starved to send would spread arrivals, which no batching rule sees.
      if (hogs > 0) await Promise.all(Array.from({ length: k }, () => pool.request({ method: "GET", path: "/healthz" }).then((r) => r.body.dump())));
      const hogProcs = Array.from({ length: hogs }, () => startCpuHog());
      const latencies: number[] = [];
      let failed = 0;
      const reasons = new Map<string, number>();
      const fail = (reason: string) => {
        failed += 1;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      };
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: k }, async (_, i) => {
          const shortCode = `B${String(i).padStart(5, "0")}`;
          const s = performance.now();
          try {
            const res = await pool.request({
              path: "/graphql",
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${emu.token}` },
              body: JSON.stringify({ query: CREATE, variables: { c: emu.companyId, l: list.id, s: shortCode, v: `Bench item ${i}` } }),
              headersTimeout: 120_000,
              bodyTimeout: 120_000,
            });
            const json = (await res.body.json()) as any;
            const result = json.data?.createConcurListItem;
            if (res.statusCode !== 200 || json.errors || !result?.succeeded) {
              fail(`HTTP ${res.statusCode} ${json.errors?.[0]?.extensions?.code ?? result?.error?.id ?? ""} ${json.errors?.[0]?.message ?? ""}`.trim().slice(0, 120));
            }
          } catch (error) {
            fail(`client: ${(error as { code?: string }).code ?? (error as Error).message}`.slice(0, 120));
          }
          latencies.push(performance.now() - s);
        }),
      );
      const wallS = (performance.now() - t0) / 1000;
      for (const hog of hogProcs) hog.stop();
      for (const [reason, count] of reasons) notes.push(`  K=${k}: ${count} failed: ${reason}`);
      await pool.close();
      const counters = (await admin(emu.url, "GET", "/counters")).counters as Record<string, Record<string, number>>;
      const calls = sumCounters(counters, B1);
      const created = sumCounters(counters, B1, "201");
      const upstream429 = Object.values(counters).reduce((sum, byStatus) => sum + (byStatus["429"] ?? 0), 0);
      const sorted = Float64Array.from(latencies).sort();
      const label = hogs > 0 ? `${k}, ${hogs} CPU hogs` : String(k);
      // K=296 under the hogs is issue 20's case (and test/e2e/lists-batching-load's).
      if (hogs > 0 && k === 296) {
        checks.push({
          target: `issue 20 item 5, list item creates under CPU load (K=${k}, ${hogs} hogs): bulk calls at the lower bound, 0 failed`,
          measured: `${calls} bulk POST (bound ${lowerBound}), ${failed} failed, ${upstream429} 429s`,
          met: calls <= lowerBound && failed === 0 && upstream429 === 0,
          ratio: `${fmt(calls / lowerBound, 1)}x bound`,
        });
      }
      rows.push([label, String(calls), String(lowerBound), String(created), String(upstream429), String(failed), fmt(wallS, 2), fmt(Math.max(0, calls - 1), 0), fmt(percentile(sorted, 50), 0), fmt(percentile(sorted, 99), 0)]);
    }
  } finally {
    await gateway.stop();
    await emulator.stop();
  }
  return [
    `listwrites: K concurrent createConcurListItem mutations into a fresh 1-level list, one client socket each`,
    `  bulk POSTs/429s from the emulator's counters; lower bound = ceil(K / ${MAX_BULK_PARTS}); floor = (calls - 1) s at 1 bulk call/s`,
    "",
    table(["K", "bulk POSTs", "lower bound", "POST 201", "upstream 429s", "failed", "wall s", "floor s", "p50 ms", "p99 ms"], rows),
    ...notes,
    "",
    summary(checks),
  ].join("\n");
}
