// Writes: K concurrent single-record upsertAccounts mutations (~300-byte records) -> PATCH calls counted by
// the emulator vs the lower bound ceil(total record bytes / 4 MiB), upstream 429s (must be 0), and wall time
// vs the 1-PATCH-per-second floor ((PATCHes - 1) s). Gateway and emulator each in their own process. The
// "2 CPU hogs" rows repeat a K with two busy-looping processes competing for the cores (as test/e2e/batching-load
// does), the client's sockets opened before the hogs start: batching must not depend on a quiet machine.
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { startCpuHog, startEmulator, startGateway } from "./lib/procs.js";
import { fmt, percentile, summary, table, type TargetCheck } from "./lib/stats.js";
import { admin, sumCounters } from "./lib/upstream.js";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
/**
 * One client socket per mutation, so all K are in flight at once: each mutation's response waits for its
 * PATCH, so fewer sockets would cap a PATCH at the socket count (256 sockets gave 40 PATCHes for K=10,000).
 * Needs ~K file descriptors in this process and in the gateway (`ulimit -n` here: 20000).
 */
const MAX_SOCKETS = 10_000;

const UPSERT = `mutation Upsert($companyId: ID!, $erpId: ID!, $accounts: [AccountInput!]!) {
  upsertAccounts(companyId: $companyId, erpId: $erpId, accounts: $accounts) { request { requestId } sentIds rejected { id } }
}`;

const TYPES = ["EXPENSE", "ACCOUNTS_PAYABLE", "BANK", "INCOME", "EQUITY"];

/** A realistic account: ~300 bytes as serialized for the PATCH body. */
function account(run: number, i: number) {
  const id = `BENCH-${run}-${String(i).padStart(6, "0")}`;
  const name = `Bench account ${i} - travel and entertainment expenses, regional cost centre ${i % 97}, ledger group ${i % 13}, migrated from the legacy ERP chart of accounts for the quarterly close`.padEnd(230, ".");
  return { id, name, number: `${600000 + i}`, type: TYPES[i % TYPES.length] };
}

export async function runWrites(options: { quick: boolean }): Promise<string> {
  const plan = (options.quick ? [1, 100] : [1, 100, 1_000, 10_000]).map((k) => ({ k, hogs: 0 }));
  plan.push(...(options.quick ? [200] : [200, 1_000]).map((k) => ({ k, hogs: 2 })));
  const checks: TargetCheck[] = [];
  const emulator = await startEmulator({ pageBytes: 1_000_000, processingDelayMs: 50 });
  const emu = emulator.ready;
  const gateway = await startGateway(emu.url);
  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    for (const [run, { k, hogs }] of plan.entries()) {
      const records = Array.from({ length: k }, (_, i) => account(run, i));
      const recordBytes = records.map((r) => Buffer.byteLength(JSON.stringify(r)));
      // Lower bound: every record's bytes plus a comma between records, in bodies of at most 4 MiB.
      const totalBytes = recordBytes.reduce((a, b) => a + b, 0) + Math.max(0, k - 1);
      const lowerBound = Math.ceil(totalBytes / MAX_BODY_BYTES);
      // Start each K on a free 1-second slot, so the previous row's PATCH does not pace this one.
      if (run > 0) await new Promise((resolve) => setTimeout(resolve, 1_100));
      await admin(emu.url, "POST", "/counters/reset");
      const pool = new Pool(gateway.ready.origin, { connections: Math.min(k, MAX_SOCKETS), pipelining: 1 });
      // Under load, open the sockets first: a client too starved to send would spread arrivals, which no batching rule sees.
      if (hogs > 0) await Promise.all(Array.from({ length: Math.min(k, MAX_SOCKETS) }, () => pool.request({ method: "GET", path: "/healthz" }).then((r) => r.body.dump())));
      const hogProcs = Array.from({ length: hogs }, () => startCpuHog());
      const latencies: number[] = [];
      const requestIds = new Set<string>();
      let failed = 0;
      const reasons = new Map<string, number>();
      const fail = (reason: string) => {
        failed += 1;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      };
      const t0 = performance.now();
      await Promise.all(
        records.map(async (record) => {
          const s = performance.now();
          try {
            const res = await pool.request({
              path: "/graphql",
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${emu.token}` },
              body: JSON.stringify({ query: UPSERT, variables: { companyId: emu.companyId, erpId: emu.erpId, accounts: [record] } }),
              headersTimeout: 120_000,
              bodyTimeout: 120_000,
            });
            const json = (await res.body.json()) as any;
            const result = json.data?.upsertAccounts;
            if (res.statusCode !== 200 || json.errors || !result || result.sentIds?.length !== 1) {
              fail(`HTTP ${res.statusCode} ${json.errors?.[0]?.extensions?.code ?? ""} ${json.errors?.[0]?.message ?? ""}`.trim().slice(0, 120));
            } else requestIds.add(result.request.requestId);
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
      const counters = (await admin(emu.url, "GET", "/counters")).counters;
      const patchRoute = "PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts";
      const patches = sumCounters(counters, patchRoute);
      const accepted = sumCounters(counters, patchRoute, "202");
      const upstream429 = Object.values(counters as Record<string, Record<string, number>>).reduce((sum, byStatus) => sum + (byStatus["429"] ?? 0), 0);
      const sorted = Float64Array.from(latencies).sort();
      const label = hogs > 0 ? `${k}, ${hogs} CPU hogs` : String(k);
      // K=200 is test/e2e/batching-load's case; larger K arrive over more than a second on 2 cores (see the table).
      if (hogs > 0 && k === 200) {
        checks.push({
          target: `item 7, writes under CPU load (K=${k}, ${hogs} hogs): PATCHes at the lower bound, 0 failed`,
          measured: `${patches} PATCH (bound ${lowerBound}), ${failed} failed, ${upstream429} 429s`,
          met: patches <= lowerBound && failed === 0 && upstream429 === 0,
          ratio: `${fmt(patches / lowerBound, 1)}x bound`,
        });
      }
      rows.push([
        label,
        fmt(totalBytes / k, 0),
        fmt(totalBytes / 1024, 1),
        String(patches),
        String(lowerBound),
        String(accepted),
        String(upstream429),
        String(requestIds.size),
        String(failed),
        fmt(wallS, 2),
        fmt(Math.max(0, patches - 1), 0),
        fmt(percentile(sorted, 50), 0),
        fmt(percentile(sorted, 99), 0),
      ]);
    }
  } finally {
    await gateway.stop();
    await emulator.stop();
  }
  return [
    `writes: K concurrent upsertAccounts mutations, one ~300-byte account each, over up to ${MAX_SOCKETS} client sockets; fresh ids per K`,
    `  PATCHes/429s from the emulator's counters; lower bound = ceil(total record bytes / 4 MiB); floor = (PATCHes - 1) s at 1 PATCH/s`,
    "",
    table(
      ["K", "B/record", "total KiB", "PATCH calls", "lower bound", "PATCH 202", "upstream 429s", "request ids", "failed", "wall s", "floor s", "p50 ms", "p99 ms"],
      rows,
    ),
    ...notes,
    "",
    summary(checks),
  ].join("\n");
}
