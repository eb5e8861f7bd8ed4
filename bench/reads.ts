// Reads: the 100-record connection query through the gateway vs a bare undici pass-through proxy over the same
// emulator, same load, same run, at 0, 20 and 100 ms of added upstream latency (the emulator's latency fault, so the
// proxy pays it too), with the gateway's page cache on and off. Every server in its own process; load from this one.
import { request } from "undici";
import { runLoad, type LoadResult } from "./lib/load.js";
import { startEmulator, startFloor, startGateway, startProxy, type Child, type EmulatorReady, type FloorMode } from "./lib/procs.js";
import { fmt, percentile, summary, table, type TargetCheck } from "./lib/stats.js";
import { admin, sumCounters, walkUpstreamPages, type UpstreamPage } from "./lib/upstream.js";
import { CALLER_FORMS, tokensFor, type CallerForm } from "./lib/distinct.js";

export interface ReadsOptions {
  quick: boolean;
  /** Caller forms measured (default both). */
  forms?: readonly CallerForm[];
}

/** Upstream pages the workloads rotate over; the gateway's query at position i answers the records of page i. */
const POSITIONS = 5;
const FIRST = 100;
/** Concurrent connections (wrk -c50): with 20-100 ms upstream, fewer would measure the latency, not the servers. */
const CONNECTIONS = 50;

export const ACCOUNTS_QUERY = `query Accounts($companyId: ID!, $erpId: ID!, $after: String, $first: Int = ${FIRST}) {
  erpIntegration(companyId: $companyId, erpId: $erpId) {
    accounts(first: $first, after: $after) {
      edges { cursor node { id name number type } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const CACHE_ON = "gateway (page cache on, default)";
const CACHE_OFF = "gateway (CACHE_TTL_SECONDS=0)";
const NO_REUSE = "gateway (page cache on, ANSWER_CACHE_BYTES=0)";
const PROXY = "undici pass-through proxy";
/** bench/children/floor.ts: the same answer with no GraphQL, caches or limits (distinct callers only). */
export const FLOOR = "floor: hand-written server, same answer, no GraphQL";
/** bench/children/floor.ts in its graphql mode: the same read behind graphql-jit over a minimal schema. */
export const FLOOR_GRAPHQL = "floor + GraphQL: the same, executed by graphql-jit";
/** The floor rows, each right after the proxy row of distinct callers; `reference` names it in the summaries. */
export const FLOORS: ReadonlyArray<{ mode: FloorMode; target: string; reference: string }> = [
  { mode: "plain", target: FLOOR, reference: "the floor (bench/children/floor.ts plain, the same answer without GraphQL)" },
  { mode: "graphql", target: FLOOR_GRAPHQL, reference: "the floor + GraphQL (bench/children/floor.ts graphql, the same answer executed by graphql-jit)" },
];

export interface Measured {
  result: LoadResult;
  upstreamGetsPerRequest: number;
  rssMiB: number;
  peakRssMiB: number;
  cpuMsPerRequest: number;
}

interface Row extends Measured {
  scenario: string;
  latencyMs: number;
  /** shared: every request with the same token; distinct: each request its own token (nothing shareable). */
  form: CallerForm;
  target: string;
  proxy?: Measured;
}

export const authHeaders = (token: string) => ({ "content-type": "application/json", authorization: `Bearer ${token}` });

/**
 * The POST bodies the gateway load rotates over (each checked once through the gateway) and a minimal good answer
 * size. Without `firsts`: `first: 100` from the start and after each of the next POSITIONS-1 end cursors. With
 * `firsts` (the record count of each upstream page the proxy rotates over): position i asks for exactly page i's
 * records, starting where page i starts, so gateway and proxy move the same records and each query needs one page.
 */
export async function graphqlBodies(gatewayUrl: string, emu: EmulatorReady, firsts?: readonly number[]): Promise<{ bodies: string[]; minBytes: number }> {
  const bodies: string[] = [];
  let after: string | null = null;
  let minBytes = Infinity;
  for (let i = 0; i < (firsts?.length ?? POSITIONS); i++) {
    const first = firsts?.[i] ?? FIRST;
    const body = JSON.stringify({ query: ACCOUNTS_QUERY, variables: { companyId: emu.companyId, erpId: emu.erpId, after, first } });
    const res = await request(gatewayUrl, { method: "POST", headers: authHeaders(emu.token), body });
    const text = await res.body.text();
    const json = JSON.parse(text);
    const conn = json.data?.erpIntegration?.accounts;
    if (res.statusCode !== 200 || json.errors || conn?.edges?.length !== first) {
      throw new Error(`gateway answered the bench query badly (${res.statusCode}): ${text.slice(0, 300)}`);
    }
    bodies.push(body);
    minBytes = Math.min(minBytes, Buffer.byteLength(text));
    after = conn.pageInfo.endCursor;
  }
  return { bodies, minBytes: Math.floor(minBytes * 0.9) };
}

/** Runs one load against `server` and reads the emulator's GET count and the server's CPU and RSS around it. */
export async function measure(server: Child<unknown>, emu: EmulatorReady, load: () => Promise<LoadResult>): Promise<Measured> {
  await admin(emu.url, "POST", "/counters/reset");
  const cpu0 = server.cpuMs();
  const result = await load();
  const cpu1 = server.cpuMs();
  const counters = (await admin(emu.url, "GET", "/counters")).counters;
  return {
    result,
    // Counters and CPU include warm-up traffic: divide by everything sent, warm-up included.
    upstreamGetsPerRequest: sumCounters(counters, "GET /accountingintegration") / Math.max(1, result.sent),
    rssMiB: server.rssMiB(),
    peakRssMiB: server.peakRssMiB(),
    cpuMsPerRequest: (cpu1 - cpu0) / Math.max(1, result.sent),
  };
}

export const p50 = (m: Measured) => percentile(m.result.latencies, 50);
export const p99 = (m: Measured) => percentile(m.result.latencies, 99);

export async function runReads(options: ReadsOptions): Promise<string> {
  const durationMs = options.quick ? 1_000 : 8_000;
  const warmupMs = options.quick ? 300 : 2_000;
  const latencies = options.quick ? [0, 20] : [0, 20, 100];
  const out: string[] = [];
  const rows: Row[] = [];

  const emulator = await startEmulator({ pageBytes: 1_000_000 });
  const emu = emulator.ready;
  const proxy = await startProxy(emu.url);
  const floors = await Promise.all(FLOORS.map((f) => startFloor(emu.url, f.mode)));
  const accountsPath = `/accountingintegration/v4/companies/${emu.companyId}/erps/${emu.erpId}/accounts`;
  const setLatency = (latencyMs: number) => admin(emu.url, "PUT", "/faults", { latencyMs });
  try {
    // Calibrate: with the default 1 MB budget one page holds every demo account; size a budget for ~100.
    const [full] = await walkUpstreamPages(emu.url, emu.token, accountsPath, 1);
    const hundredBytes = Math.ceil((full.bytes / full.records) * FIRST + 160);
    const allScenarios = [
      // The fair comparison (the proxy moves ~100 records too), at every upstream latency.
      { name: `${hundredBytes} B pages (~${FIRST} records per page)`, pageBytes: hundredBytes, latencies, pageByPage: true },
      // Concur's real 1 MB pages: the proxy moves every record, the gateway answers 100 of them.
      { name: `1 MB pages (${full.records} records, ${fmt(full.bytes / 1024, 0)} KiB per page)`, pageBytes: 1_000_000, latencies: [0], pageByPage: false },
    ];
    const scenarios = options.quick ? allScenarios.slice(0, 1) : allScenarios;

    for (const scenario of scenarios) {
      await setLatency(0);
      await admin(emu.url, "PUT", "/config", { pageBytes: scenario.pageBytes });
      const pages: UpstreamPage[] = await walkUpstreamPages(emu.url, emu.token, accountsPath, POSITIONS);
      const proxyPaths = pages.map((p) => p.path);
      const minProxyBytes = Math.floor(Math.min(...pages.map((p) => p.bytes)) * 0.9);
      out.push(`  ${scenario.name}: proxy rotates over upstream page(s) ${pages.map((p) => `${p.records} rec/${fmt(p.bytes / 1024, 0)} KiB`).join(", ")}`);
      const loadProxy = (form: CallerForm) => {
        const tokenOf = tokensFor(form, emu.token);
        return runLoad({
          origin: proxy.ready.url,
          connections: CONNECTIONS,
          warmupMs,
          durationMs,
          minBytes: minProxyBytes,
          request: (i) => ({ path: proxyPaths[i % proxyPaths.length], method: "GET", headers: { authorization: `Bearer ${tokenOf(i)}` } }),
        });
      };

      // Both gateways stay up across the latencies (the idle one costs no CPU); the cache-on one stays warm, as in production.
      const variants = [
        { target: CACHE_ON, env: {} as Record<string, string> },
        { target: CACHE_OFF, env: { CACHE_TTL_SECONDS: "0" } },
        // Answers never reused (identical queries in flight together still run once): the cost of executing each.
        { target: NO_REUSE, env: { ANSWER_CACHE_BYTES: "0" } },
      ];
      const gateways = await Promise.all(variants.map((v) => startGateway(emu.url, v.env)));
      try {
        // The floor gets the gateway's own query bodies (it decodes the gateway's cursors).
        const floorBodies = await graphqlBodies(gateways[0].ready.url, emu, scenario.pageByPage ? pages.map((p) => p.records) : undefined);
        const loadFloor = (floor: Child<{ url: string; origin: string }>) => {
          const tokenOf = tokensFor("distinct", emu.token);
          const path = new URL(floor.ready.url).pathname;
          return runLoad({
            origin: floor.ready.origin,
            connections: CONNECTIONS,
            warmupMs,
            durationMs,
            minBytes: floorBodies.minBytes,
            request: (i) => ({ path, method: "POST", headers: authHeaders(tokenOf(i)), body: floorBodies.bodies[i % floorBodies.bodies.length] }),
          });
        };
        const loads = await Promise.all(
          gateways.map(async (gateway) => {
            // ~100-record pages, like for like: each query answers exactly the records of one page the proxy GETs.
            const { bodies, minBytes } = await graphqlBodies(gateway.ready.url, emu, scenario.pageByPage ? pages.map((p) => p.records) : undefined);
            const path = new URL(gateway.ready.url).pathname;
            return (form: CallerForm) => {
              const tokenOf = tokensFor(form, emu.token);
              return runLoad({
                origin: gateway.ready.origin,
                connections: CONNECTIONS,
                warmupMs,
                durationMs,
                minBytes,
                request: (i) => ({ path, method: "POST", headers: authHeaders(tokenOf(i)), body: bodies[i % bodies.length] }),
              });
            };
          }),
        );
        for (const latencyMs of scenario.latencies) {
          await setLatency(latencyMs);
          // Each form right after its own proxy row (interleaved, one run): ratios compare neighbours in time.
          for (const form of options.forms ?? CALLER_FORMS) {
            const proxyRow = await measure(proxy, emu, () => loadProxy(form));
            rows.push({ scenario: scenario.name, latencyMs, form, target: PROXY, ...proxyRow });
            if (form === "distinct") {
              for (const [f, floor] of floors.entries()) {
                const floorRow = await measure(floor, emu, () => loadFloor(floor));
                rows.push({ scenario: scenario.name, latencyMs, form, target: FLOORS[f].target, ...floorRow, proxy: proxyRow });
              }
            }
            for (const [v, variant] of variants.entries()) {
              // With a token per request nothing is reused whatever ANSWER_CACHE_BYTES says: that row would repeat the cache-on one.
              if (form === "distinct" && variant.target === NO_REUSE) continue;
              const row = await measure(gateways[v], emu, () => loads[v](form));
              rows.push({ scenario: scenario.name, latencyMs, form, target: variant.target, ...row, proxy: proxyRow });
            }
          }
        }
      } finally {
        await Promise.all(gateways.map((g) => g.stop()));
      }
    }
  } finally {
    await setLatency(0).catch(() => {});
    await proxy.stop();
    await Promise.all(floors.map((f) => f.stop()));
    await emulator.stop();
  }

  const header = [
    `reads: C=${CONNECTIONS} connections, ${durationMs / 1000} s measured after ${warmupMs / 1000} s warm-up, per target, one run`,
    `  gateway query: erpIntegration { accounts(first: <records of upstream page i>, after: <cursor where page i starts>) { edges { cursor node { id name number type } } pageInfo } }, rotating over the first ${POSITIONS} upstream pages`,
    `  proxy request: GET of upstream page i (the same records); upstream latency = the emulator's latencyMs fault (before every API answer, so the proxy pays it too)`,
    `  1 MB pages: the proxy GETs the whole page; the gateway answers 100 of its records (first: 100 at offsets 0..${(POSITIONS - 1) * FIRST})`,
    `  upstream GET/req below 1 with the cache off: concurrent identical queries (${CONNECTIONS} connections over ${POSITIONS} positions) share one in-flight upstream read`,
    `  callers: "shared" = every request with the same token (as a partner front-end whose users share one company token: pages and answers are shared); "distinct" = each request its own token (bench/lib/distinct.ts), so nothing can be shared: the gateway's own cost per request`,
    `  ratio = gateway req/s / proxy req/s of the same scenario, latency and callers form (the proxy row measured just before); Δp50 = gateway p50 - proxy p50; peak RSS is since the process started (the gateways serve every latency and form of a scenario)`,
  ];
  const body = table(
    ["scenario", "upstream ms", "callers", "target", "req/s", "ratio", "p50 ms", "Δp50 ms", "p95 ms", "p99 ms", "errors", "KiB/resp", "upstream GET/req", "CPU ms/req", "RSS MiB", "peak RSS MiB"],
    rows.map((r) => [
      r.scenario,
      String(r.latencyMs),
      r.form,
      r.target,
      fmt(r.result.rps, 0),
      r.proxy ? `${fmt(r.result.rps / r.proxy.result.rps, 2)}x` : "1 (base)",
      fmt(p50(r), 2),
      r.proxy ? signed(p50(r) - p50(r.proxy)) : "-",
      fmt(percentile(r.result.latencies, 95), 2),
      fmt(p99(r), 2),
      String(r.result.errors),
      fmt(r.result.bytesPerRequest / 1024, 1),
      fmt(r.upstreamGetsPerRequest, 3),
      fmt(r.cpuMsPerRequest, 2),
      fmt(r.rssMiB, 0),
      fmt(r.peakRssMiB, 0),
    ]),
  );

  const fair = rows.filter((r) => r.scenario === rows[0]?.scenario);
  const find = (latencyMs: number, target: string, form: CallerForm = "shared") => fair.find((r) => r.latencyMs === latencyMs && r.target === target && r.form === form);
  const checks: TargetCheck[] = [];
  for (const target of [CACHE_OFF, CACHE_ON]) {
    const row = find(20, target);
    if (!row?.proxy) continue;
    const ratio = row.result.rps / row.proxy.result.rps;
    const dp50 = p50(row) - p50(row.proxy);
    const short = target === CACHE_ON ? "cache on" : "cache off";
    checks.push({ target: `item 1, 20 ms upstream, ${short}: req/s >= 0.8x proxy`, measured: `${fmt(row.result.rps, 0)} vs ${fmt(row.proxy.result.rps, 0)} req/s`, met: ratio >= 0.8, ratio: `${fmt(ratio, 2)}x` });
    checks.push({ target: `item 1, 20 ms upstream, ${short}: p50 within 5 ms of proxy`, measured: `${fmt(p50(row), 2)} vs ${fmt(p50(row.proxy), 2)} ms`, met: dp50 <= 5, ratio: `Δ ${signed(dp50)} ms` });
  }
  const cached = find(0, CACHE_ON);
  if (cached?.proxy) {
    const ratio = cached.result.rps / cached.proxy.result.rps;
    checks.push({ target: "item 3, 0 ms upstream, cache on: req/s >= 0.7x proxy", measured: `${fmt(cached.result.rps, 0)} vs ${fmt(cached.proxy.result.rps, 0)} req/s`, met: ratio >= 0.7, ratio: `${fmt(ratio, 2)}x` });
  }
  // Issue 25, the partner's case: every request its own token (nothing can be shared), cache off.
  for (const [latencyMs, bound] of [[20, 0.9], [0, 0.6]] as const) {
    const row = find(latencyMs, CACHE_OFF, "distinct");
    if (!row?.proxy) continue;
    const ratio = row.result.rps / row.proxy.result.rps;
    checks.push({ target: `issue 25, ${latencyMs} ms upstream, cache off, distinct callers: req/s >= ${bound}x proxy`, measured: `${fmt(row.result.rps, 0)} vs ${fmt(row.proxy.result.rps, 0)} req/s, Δp50 ${signed(p50(row) - p50(row.proxy))} ms`, met: ratio >= bound, ratio: `${fmt(ratio, 2)}x` });
    for (const { target, reference } of FLOORS) {
      const floorRow = find(latencyMs, target, "distinct");
      if (!floorRow?.proxy) continue;
      checks.push({
        target: `  reference at ${latencyMs} ms: ${reference}`,
        measured: `${fmt(floorRow.result.rps, 0)} req/s, ${fmt(floorRow.cpuMsPerRequest, 2)} CPU ms/req (gateway ${fmt(row.cpuMsPerRequest, 2)}, proxy ${fmt(row.proxy.cpuMsPerRequest, 2)})`,
        ratio: `${fmt(floorRow.result.rps / floorRow.proxy.result.rps, 2)}x proxy, gateway ${fmt(row.result.rps / floorRow.result.rps, 2)}x it`,
      });
    }
    if (latencyMs === 20) {
      const tail = p99(row) / p99(row.proxy);
      checks.push({ target: "issue 25, 20 ms upstream, cache off, distinct callers: p99 <= 1.3x the proxy's", measured: `${fmt(p99(row), 1)} vs ${fmt(p99(row.proxy), 1)} ms`, met: tail <= 1.3, ratio: `${fmt(tail, 2)}x` });
    }
  }
  const executed = find(0, NO_REUSE);
  if (executed?.proxy) {
    const ratio = executed.result.rps / executed.proxy.result.rps;
    checks.push({ target: "item 3, same, every answer executed (ANSWER_CACHE_BYTES=0): req/s >= 0.7x proxy", measured: `${fmt(executed.result.rps, 0)} vs ${fmt(executed.proxy.result.rps, 0)} req/s`, met: ratio >= 0.7, ratio: `${fmt(ratio, 2)}x` });
  }
  return [...header, ...out, "", body, "", summary(checks)].join("\n");
}

const signed = (ms: number) => (ms >= 0 ? "+" : "") + fmt(ms, 2);
