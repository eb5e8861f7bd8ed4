// Reads: the 100-record connection query through the gateway vs a bare undici pass-through proxy
// over the same emulator, same load, same run. Every server in its own process; load from this one.
import { request } from "undici";
import { runLoad, type LoadResult } from "./lib/load.js";
import { startEmulator, startGateway, startProxy, type Child, type EmulatorReady } from "./lib/procs.js";
import { fmt, percentile, table } from "./lib/stats.js";
import { admin, sumCounters, walkUpstreamPages, type UpstreamPage } from "./lib/upstream.js";

export interface ReadsOptions {
  quick: boolean;
  connections?: number;
  durationMs?: number;
  warmupMs?: number;
}

/** Positions the workloads rotate over (first page + 4 `after` cursors: offsets 0, 100, 200, 300, 400). */
const POSITIONS = 5;
const FIRST = 100;

export const ACCOUNTS_QUERY = `query Accounts($companyId: ID!, $erpId: ID!, $after: String) {
  erpIntegration(companyId: $companyId, erpId: $erpId) {
    accounts(first: ${FIRST}, after: $after) {
      edges { cursor node { id name number type } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface Row {
  scenario: string;
  target: string;
  result: LoadResult;
  upstreamGetsPerRequest: number;
  rssMiB: number;
  peakRssMiB: number;
  cpuMsPerRequest: number;
  ratio?: number;
}

async function graphqlBodies(gatewayUrl: string, emu: EmulatorReady): Promise<{ bodies: string[]; minBytes: number }> {
  const bodies: string[] = [];
  let after: string | null = null;
  let minBytes = Infinity;
  for (let i = 0; i < POSITIONS; i++) {
    const body = JSON.stringify({ query: ACCOUNTS_QUERY, variables: { companyId: emu.companyId, erpId: emu.erpId, after } });
    const res = await request(gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${emu.token}` }, body });
    const text = await res.body.text();
    const json = JSON.parse(text);
    const conn = json.data?.erpIntegration?.accounts;
    if (res.statusCode !== 200 || json.errors || conn?.edges?.length !== FIRST) {
      throw new Error(`gateway answered the bench query badly (${res.statusCode}): ${text.slice(0, 300)}`);
    }
    bodies.push(body);
    minBytes = Math.min(minBytes, Buffer.byteLength(text));
    after = conn.pageInfo.endCursor;
  }
  return { bodies, minBytes: Math.floor(minBytes * 0.9) };
}

async function measure(
  scenario: string,
  target: string,
  server: Child<unknown>,
  emu: EmulatorReady,
  load: () => Promise<LoadResult>,
): Promise<Row> {
  await admin(emu.url, "POST", "/counters/reset");
  const cpu0 = server.cpuMs();
  const result = await load();
  const cpu1 = server.cpuMs();
  const counters = (await admin(emu.url, "GET", "/counters")).counters;
  const upstreamGets = sumCounters(counters, "GET /accountingintegration");
  return {
    scenario,
    target,
    result,
    // Counters and CPU include warm-up traffic: divide by everything sent, warm-up included.
    upstreamGetsPerRequest: upstreamGets / Math.max(1, result.sent),
    rssMiB: server.rssMiB(),
    peakRssMiB: server.peakRssMiB(),
    cpuMsPerRequest: (cpu1 - cpu0) / Math.max(1, result.sent),
  };
}

export async function runReads(options: ReadsOptions): Promise<string> {
  const connections = options.connections ?? (options.quick ? 8 : 16);
  const durationMs = options.durationMs ?? (options.quick ? 1_000 : 5_000);
  const warmupMs = options.warmupMs ?? (options.quick ? 300 : 1_000);
  const out: string[] = [];
  const rows: Row[] = [];

  const emulator = await startEmulator({ pageBytes: 1_000_000 });
  const emu = emulator.ready;
  const proxy = await startProxy(emu.url);
  const accountsPath = `/accountingintegration/v4/companies/${emu.companyId}/erps/${emu.erpId}/accounts`;
  try {
    // Calibrate: with the default 1 MB budget one page holds every demo account; size a budget for ~100.
    const [full] = await walkUpstreamPages(emu.url, emu.token, accountsPath, 1);
    const perRecord = full.bytes / full.records;
    const hundredBytes = Math.ceil(perRecord * FIRST + 160);
    const allScenarios = [
      { name: `1 MB pages (${full.records} records, ${fmt(full.bytes / 1024, 0)} KiB per page)`, pageBytes: 1_000_000 },
      { name: `${hundredBytes} B pages (~${FIRST} records per page)`, pageBytes: hundredBytes },
    ];
    // --quick (CI smoke): only the fair comparison, only the default gateway.
    const scenarios = options.quick ? allScenarios.slice(1) : allScenarios;

    for (const scenario of scenarios) {
      await admin(emu.url, "PUT", "/config", { pageBytes: scenario.pageBytes });
      const pages: UpstreamPage[] = await walkUpstreamPages(emu.url, emu.token, accountsPath, POSITIONS);
      const proxyPaths = pages.map((p) => p.path);
      const minProxyBytes = Math.floor(Math.min(...pages.map((p) => p.bytes)) * 0.9);
      const label = `${scenario.name}`;
      out.push(`  ${label}: proxy rotates over upstream page(s) ${pages.map((p) => `${p.records} rec/${fmt(p.bytes / 1024, 0)} KiB`).join(", ")}`);

      const loadProxy = () =>
        runLoad({
          origin: proxy.ready.url,
          connections,
          warmupMs,
          durationMs,
          minBytes: minProxyBytes,
          request: (i) => ({ path: proxyPaths[i % proxyPaths.length], method: "GET", headers: { authorization: `Bearer ${emu.token}` } }),
        });
      const proxyRow = await measure(label, "undici pass-through proxy", proxy, emu, loadProxy);
      rows.push(proxyRow);

      const variants = [
        { target: "gateway (page cache on, default)", env: {} as Record<string, string> },
        { target: "gateway (CACHE_TTL_SECONDS=0)", env: { CACHE_TTL_SECONDS: "0" } },
      ];
      for (const variant of options.quick ? variants.slice(0, 1) : variants) {
        const gateway = await startGateway(emu.url, variant.env);
        try {
          const { bodies, minBytes } = await graphqlBodies(gateway.ready.url, emu);
          const path = new URL(gateway.ready.url).pathname;
          const loadGateway = () =>
            runLoad({
              origin: gateway.ready.origin,
              connections,
              warmupMs,
              durationMs,
              minBytes,
              request: (i) => ({
                path,
                method: "POST",
                headers: { "content-type": "application/json", authorization: `Bearer ${emu.token}` },
                body: bodies[i % bodies.length],
              }),
            });
          const row = await measure(label, variant.target, gateway, emu, loadGateway);
          row.ratio = row.result.rps / proxyRow.result.rps;
          rows.push(row);
        } finally {
          await gateway.stop();
        }
      }
    }
  } finally {
    await proxy.stop();
    await emulator.stop();
  }

  const header = [
    `reads: C=${connections} connections, ${durationMs / 1000} s measured after ${warmupMs / 1000} s warm-up, per target, one run`,
    `  gateway query: erpIntegration { accounts(first: ${FIRST}, after: <rotating over offsets 0..${(POSITIONS - 1) * FIRST}>) { edges { cursor node { id name number type } } pageInfo } }`,
    `  proxy request: GET of the upstream accounts page(s) holding the same records`,
  ];
  const body = table(
    ["scenario", "target", "req/s", "ratio", "p50 ms", "p95 ms", "p99 ms", "errors", "KiB/resp", "upstream GET/req", "CPU ms/req", "RSS MiB", "peak RSS MiB"],
    rows.map((r) => [
      r.scenario,
      r.target,
      fmt(r.result.rps, 0),
      r.ratio === undefined ? "1 (base)" : `${fmt(r.ratio, 2)}x`,
      fmt(percentile(r.result.latencies, 50), 2),
      fmt(percentile(r.result.latencies, 95), 2),
      fmt(percentile(r.result.latencies, 99), 2),
      String(r.result.errors),
      fmt(r.result.bytesPerRequest / 1024, 1),
      fmt(r.upstreamGetsPerRequest, 3),
      fmt(r.cpuMsPerRequest, 2),
      fmt(r.rssMiB, 0),
      fmt(r.peakRssMiB, 0),
    ]),
  );
  return [...header, ...out, "", body].join("\n");
}

