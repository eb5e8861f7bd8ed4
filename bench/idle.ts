// Idle memory of the built gateway as `npm run start:prod` runs it (`node dist/index.js`, NODE_ENV=production, no
// tsx loader): built once into .tmp/bench-dist (git-ignored), then started twice, each fresh: with no CONCUR_BASE_URL
// (what start:prod does out of the box: the embedded emulator with demo data, managed mode, in the same process) and
// pointed at the bench emulator (the gateway alone). RSS right after start and after a warm-up, each the median of
// several readings.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { request } from "undici";
import { openApiKeyStore } from "../src/callers/api-keys.js";
import { buildDist, DIST, gatewayUrl, medianRssMiB, spawnChild, startEmulator, type Child } from "./lib/procs.js";
import { fmt, summary, table } from "./lib/stats.js";

/** A read key of every company in the demo's store, as `npm run cli -- keys create` would make it. */
async function benchKey(databaseUrl: string): Promise<string> {
  const keys = await openApiKeyStore({ databaseUrl, cacheTtlMs: 0 });
  try {
    return (await keys.create({ name: "bench idle", role: "read", companies: "*" })).key;
  } finally {
    await keys.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ready {
  url: string;
  companyId?: string;
  erpId?: string;
  token?: string;
  /** The embedded demo's store, where the bench makes its own key (the demo's secret is printed only on a terminal). */
  databaseUrl?: string;
}

/** The built entry, started fresh in a throw-away working directory (the default SQLite file lands there). */
function startBuilt(env: Record<string, string>, cwd: string): Promise<Child<Ready>> {
  const ready: Partial<Ready> = {};
  const embedded = !env.CONCUR_BASE_URL;
  return spawnChild<Ready>({
    name: "gateway (dist)",
    entry: path.join(DIST, "index.js"),
    tsx: false,
    cwd,
    env: { NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", ...env },
    parseReady: (line) => {
      const url = gatewayUrl(line);
      if (url) ready.url = url.url;
      // NODE_ENV=production logs JSON: the ready record names the demo ids and the demo's store, never the key's secret.
      const record = url && line.startsWith("{") ? (JSON.parse(line) as { demoCompanyId?: string; demoErpId?: string; databaseUrl?: string }) : {};
      ready.companyId ??= record.demoCompanyId;
      ready.erpId ??= record.demoErpId;
      ready.databaseUrl ??= record.databaseUrl;
      return ready.url && (!embedded || ready.databaseUrl) ? (ready as Ready) : undefined;
    },
  });
}

const QUERY = `query ($c: ID!, $e: ID!, $after: String) { erpIntegration(companyId: $c, erpId: $e) { accounts(first: 100, after: $after) { edges { cursor node { id name number type } } pageInfo { hasNextPage endCursor } } } }`;

/** Warm-up: `requests` 100-record queries, 8 at a time, walking the first 5 pages over and over. */
async function warmUp(ready: Ready, requests: number): Promise<void> {
  let after: string | null = null;
  const one = async (): Promise<string | null> => {
    const res = await request(ready.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ready.token}` },
      body: JSON.stringify({ query: QUERY, variables: { c: ready.companyId, e: ready.erpId, after } }),
    });
    const json = (await res.body.json()) as any;
    const conn = json.data?.erpIntegration?.accounts;
    if (res.statusCode !== 200 || !conn) throw new Error(`warm-up query failed (${res.statusCode}): ${JSON.stringify(json).slice(0, 300)}`);
    return conn.pageInfo.endCursor as string | null;
  };
  for (let batch = 0; batch * 8 < requests; batch++) {
    const [next] = await Promise.all(Array.from({ length: 8 }, one));
    after = batch % 5 === 4 ? null : next;
  }
}

export async function runIdle(options: { quick: boolean }): Promise<string> {
  const t0 = Date.now();
  await buildDist();
  const buildS = (Date.now() - t0) / 1000;
  const warmRequests = options.quick ? 80 : 400;
  const emulator = await startEmulator({ pageBytes: 1_000_000 });
  const rows: string[][] = [];
  const measured: Record<string, { start: number; warm: number }> = {};
  try {
    const variants = [
      { name: "start:prod as shipped (embedded emulator + demo, managed)", env: {} as Record<string, string> },
      { name: "gateway alone (CONCUR_BASE_URL = bench emulator)", env: { CONCUR_BASE_URL: emulator.ready.url } },
    ];
    for (const variant of options.quick ? variants.slice(0, 1) : variants) {
      const cwd = mkdtempSync(path.join(os.tmpdir(), "concur-graph-bench-idle-"));
      const gateway = await startBuilt(variant.env, cwd);
      try {
        await sleep(1_000);
        const start = await medianRssMiB(gateway, 5, 200);
        const ready: Ready = variant.env.CONCUR_BASE_URL
          ? { ...gateway.ready, companyId: emulator.ready.companyId, erpId: emulator.ready.erpId, token: emulator.ready.token }
          : { ...gateway.ready, token: await benchKey(gateway.ready.databaseUrl!) };
        await warmUp(ready, warmRequests);
        await sleep(2_000);
        const warm = await medianRssMiB(gateway, 5, 200);
        measured[variant.name] = { start, warm };
        rows.push([variant.name, fmt(start, 0), String(warmRequests), fmt(warm, 0), fmt(gateway.peakRssMiB(), 0)]);
      } finally {
        await gateway.stop();
        rmSync(cwd, { recursive: true, force: true });
      }
    }
  } finally {
    await emulator.stop();
  }
  const shipped = Object.values(measured)[0];
  return [
    `idle: node .tmp/bench-dist/index.js (built with tsc -p tsconfig.build.json in ${fmt(buildS, 1)} s), NODE_ENV=production, default LOG_LEVEL; each variant a fresh process`,
    `  RSS = median of 5 readings 200 ms apart: 1 s after the ready line, and 2 s after the warm-up (100-record queries, 8 at a time)`,
    "",
    table(["process", "RSS after start MiB", "warm-up queries", "RSS after warm-up MiB", "peak RSS MiB"], rows),
    "",
    summary(
      shipped
        ? [{ target: "fresh start:prod idle RSS (issue text: about 98 MiB today; a figure to refresh, no bound)", measured: `${fmt(shipped.start, 0)} MiB at start, ${fmt(shipped.warm, 0)} MiB warm`, ratio: `${fmt(shipped.start / 98, 2)}x the 98 MiB` }]
        : [],
    ),
  ].join("\n");
}
