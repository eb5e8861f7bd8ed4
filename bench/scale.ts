// Partner scale (`npm run bench -- --only scale`): managed mode with many connected companies (default 1,000) spread
// over the emulator's two data centers, each with its own ERP and accounts; the store a throw-away PostgreSQL
// database on the machine's server (as test/helpers/postgres.ts makes one). Measures: the time to connect them
// (connectCompany, one token exchange each), memory per connected company (heap after GC and RSS, before vs after),
// the start-up time and RSS of a fresh gateway over the stored connections, and reads spread over every company
// (each its own data, C=50) against the bare proxy GETting each company's page with that company's token at its
// data center, cache on (default) and off; and every access token expiring at once under that load (refreshes per
// company, caller-visible errors, p99 during the storm); and one run of the connection sweep over every company
// (CONNECTION_SWEEP_INTERVAL_SECONDS / CONNECTION_SWEEP_WINDOW_DAYS set so it runs soon and finds every connection
// due): its token calls, store writes and duration.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { request } from "undici";
import { openApiKeyStore } from "../src/callers/api-keys.js";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET } from "../src/emulator/index.js";
import { runLoad } from "./lib/load.js";
import { heapAfterGcMiB, medianRssMiB, startEmulator, startGateway, startProxy, type Child } from "./lib/procs.js";
import { measure, p50, p99, type Measured } from "./reads.js";
import { fmt, percentile, summary, table, type TargetCheck } from "./lib/stats.js";
import { admin, sumCounters } from "./lib/upstream.js";

const CONNECTIONS = 50;
const ACCOUNTS_PER_COMPANY = 100;
const FIRST = 20;

const QUERY = `query ScaleAccounts($companyId: ID!, $erpId: ID!) {
  erpIntegration(companyId: $companyId, erpId: $erpId) { accounts(first: ${FIRST}) { edges { cursor node { id name number type } } pageInfo { hasNextPage endCursor } } }
}`;
const CONNECT = `mutation Connect($companyId: ID!, $requestToken: String!) { connectCompany(companyId: $companyId, requestToken: $requestToken) { companyId state } }`;

interface Company {
  companyId: string;
  erpId: string;
  /** Index of its data center in the emulator's list (the proxy's upstream index). */
  site: number;
  /** A token of its own, for the proxy. */
  token: string;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pooled<T>(items: T[], limit: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  }));
}

async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Index lookups and updated rows of the connection table (PostgreSQL's cumulative statistics, flushed within ~1 s). */
async function connectionTableStats(databaseUrl: string): Promise<{ lookups: number; updates: number; scans: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT COALESCE(idx_scan, 0) AS i, COALESCE(seq_scan, 0) AS s, n_tup_upd AS u FROM pg_stat_user_tables WHERE relname = 'cg_connections'");
    return { lookups: Number(rows[0]?.i ?? 0), scans: Number(rows[0]?.s ?? 0), updates: Number(rows[0]?.u ?? 0) };
  } finally {
    await client.end();
  }
}

async function graphql(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await request(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const json = (await res.body.json()) as any;
  if (json.errors) throw new Error(`gateway: ${JSON.stringify(json.errors).slice(0, 300)}`);
  return json.data;
}

export async function runScale(options: { quick: boolean }): Promise<string> {
  const companies = options.quick ? 50 : 1_000;
  const durationMs = options.quick ? 2_000 : 8_000;
  const warmupMs = options.quick ? 500 : 2_000;
  const out: string[] = [];
  const database = `cg_bench_${randomBytes(6).toString("hex")}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${database}`;
  await pgAdmin(`CREATE DATABASE ${database}`);
  const emulator = await startEmulator({ pageBytes: 1_000_000 });
  const emu = emulator.ready;
  const children: Array<Child<unknown>> = [];
  try {
    const managedEnv = {
      CONCUR_AUTH_MODE: "managed",
      DATABASE_URL: databaseUrl,
      CONNECTION_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      CONCUR_CLIENT_ID: EMULATOR_CLIENT_ID,
      CONCUR_CLIENT_SECRET: EMULATOR_CLIENT_SECRET,
      CONCUR_TOKEN_URL: emu.tokenUrl,
    };
    const keys = await openApiKeyStore({ databaseUrl });
    const { key } = await keys.create({ name: "bench scale", role: "admin", companies: "*" });
    await keys.close();

    // Companies, alternately in each data center, each with an ERP, its own accounts and a token for the proxy.
    let t0 = Date.now();
    const list: Company[] = [];
    await pooled(Array.from({ length: companies }, (_, i) => i), 8, async (i) => {
      const site = i % emu.dataCenters.length;
      const { companyId } = await admin(emu.url, "POST", "/companies", { dataCenter: emu.dataCenters[site].name });
      const { erpId } = await admin(emu.url, "POST", `/companies/${companyId}/register-erp`, {});
      await admin(emu.url, "POST", `/companies/${companyId}/erps/${erpId}/seed`, { accounts: ACCOUNTS_PER_COMPANY });
      const { access_token: token } = await admin(emu.url, "POST", "/tokens", { companyId });
      list[i] = { companyId, erpId, site, token };
    });
    out.push(`  emulator: ${companies} companies over ${emu.dataCenters.map((dc) => dc.name).join(" + ")}, ${ACCOUNTS_PER_COMPANY} accounts each, created in ${fmt((Date.now() - t0) / 1000, 1)} s`);

    // Connect them all through one gateway; memory before and after.
    let started = Date.now();
    const first = await startGateway(emu.url, managedEnv, { heapProbe: true });
    const firstStartS = (Date.now() - started) / 1000;
    children.push(first);
    const heapBefore = await heapAfterGcMiB(first);
    const rssBefore = await medianRssMiB(first);
    t0 = Date.now();
    await pooled(list, 8, async (company) => {
      const { requestToken } = await admin(emu.url, "POST", `/companies/${company.companyId}/request-token`, {});
      const data = await graphql(first.ready.url, key, CONNECT, { companyId: company.companyId, requestToken });
      if (data.connectCompany.state !== "CONNECTED") throw new Error(`connect ${company.companyId}: ${JSON.stringify(data)}`);
    });
    const connectS = (Date.now() - t0) / 1000;
    const heapAfter = await heapAfterGcMiB(first);
    const rssAfter = await medianRssMiB(first);
    await first.stop();
    children.pop();

    // A fresh gateway over the stored connections: start-up time and memory.
    started = Date.now();
    const restarted = await startGateway(emu.url, managedEnv, { heapProbe: true });
    const restartS = (Date.now() - started) / 1000;
    children.push(restarted);
    const restartRss = await medianRssMiB(restarted);
    const restartHeap = await heapAfterGcMiB(restarted);
    out.push("", table(
      ["step", "companies", "seconds", "heap after GC MiB", "RSS MiB", "per company"],
      [
        ["gateway start, empty store", "0", fmt(firstStartS, 1), fmt(heapBefore, 1), fmt(rssBefore, 0), "-"],
        [`connectCompany x ${companies} (8 at a time)`, String(companies), fmt(connectS, 1), fmt(heapAfter, 1), fmt(rssAfter, 0), `${fmt(((heapAfter - heapBefore) * 1024) / companies, 1)} KiB heap, ${fmt(((rssAfter - rssBefore) * 1024) / companies, 1)} KiB RSS`],
        ["fresh gateway start over the stored connections", String(companies), fmt(restartS, 1), fmt(restartHeap, 1), fmt(restartRss, 0), `${fmt(((restartHeap - heapBefore) * 1024) / companies, 1)} KiB heap vs the empty start`],
      ],
    ));
    await restarted.stop();
    children.pop();

    // Reads spread over every company, each its own data: the gateway (cache on / off) vs the proxy.
    const proxy = await startProxy(emu.dataCenters.map((dc) => dc.url));
    children.push(proxy);
    const accountsPath = (c: Company) => `/accountingintegration/v4/companies/${c.companyId}/erps/${c.erpId}/accounts`;
    const rows: Array<{ target: string; m: Measured & { tokenCalls?: number }; proxy?: Measured }> = [];
    let stormNote = "";
    let stormCheck: { tokenCalls: number; errors: number; p99: number; p99Before: number } | undefined;
    let cacheOnSteady: Measured | undefined;
    const proxyRow = await measure(proxy, emu, () =>
      runLoad({
        origin: proxy.ready.url,
        connections: CONNECTIONS,
        warmupMs,
        durationMs,
        minBytes: 1000,
        request: (i) => {
          const c = list[i % companies];
          return { path: accountsPath(c), method: "GET", headers: { authorization: `Bearer ${c.token}`, "x-bench-upstream": String(c.site) } };
        },
      }),
    );
    rows.push({ target: "undici pass-through proxy (each company's token, its data center)", m: proxyRow });
    const variants: Array<{ target: string; env: Record<string, string> }> = [
      { target: "gateway managed, page cache on (default)", env: {} },
      { target: "gateway managed, CACHE_TTL_SECONDS=0", env: { CACHE_TTL_SECONDS: "0" } },
    ];
    for (const variant of variants) {
      // BENCH_SCALE_CPU_PROF=<dir>: the cache-off gateway writes a CPU profile there (bench/profile.ts reads such files).
      const profileDir = variant.env.CACHE_TTL_SECONDS === "0" ? process.env.BENCH_SCALE_CPU_PROF : undefined;
      const gateway = await startGateway(emu.url, { ...managedEnv, ...variant.env }, { nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [] });
      children.push(gateway);
      const body = (c: Company) => JSON.stringify({ query: QUERY, variables: { companyId: c.companyId, erpId: c.erpId } });
      const data = await graphql(gateway.ready.url, key, QUERY, { companyId: list[0].companyId, erpId: list[0].erpId });
      if (data.erpIntegration.accounts.edges.length !== FIRST) throw new Error("scale read answered badly");
      const bodies = list.map(body);
      const m: Measured & { tokenCalls?: number } = await measure(gateway, emu, () =>
        runLoad({
          origin: gateway.ready.origin,
          connections: CONNECTIONS,
          warmupMs,
          durationMs,
          minBytes: 1000,
          request: (i) => ({ path: "/graphql", method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: bodies[i % companies] }),
        }),
      );
      m.tokenCalls = sumCounters((await admin(emu.url, "GET", "/counters")).counters, "POST /oauth2/v0/token");
      rows.push({ target: `${variant.target}, first load after its start`, m, proxy: proxyRow });
      if (variant.env.CACHE_TTL_SECONDS !== "0") {
        // The steady state: every access token held, every company's page cached (within its TTL).
        const again = await measure(gateway, emu, () =>
          runLoad({
            origin: gateway.ready.origin,
            connections: CONNECTIONS,
            warmupMs,
            durationMs,
            minBytes: 1000,
            request: (i) => ({ path: "/graphql", method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: bodies[i % companies] }),
          }),
        );
        rows.push({ target: "  same, second load (every access token held)", m: again, proxy: proxyRow });
        cacheOnSteady = again;
      }
      if (variant.env.CACHE_TTL_SECONDS === "0") {
        // A fresh gateway without Redis holds no access token: each company's first call refreshes one (above). Again,
        // every token now held:
        const again = await measure(gateway, emu, () =>
          runLoad({
            origin: gateway.ready.origin,
            connections: CONNECTIONS,
            warmupMs,
            durationMs,
            minBytes: 1000,
            request: (i) => ({ path: "/graphql", method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: bodies[i % companies] }),
          }),
        );
        rows.push({ target: "  same, second load (every access token held)", m: again, proxy: proxyRow });
        // Every access token expires at the same moment under this steady load: the emulator's clock jumps past their
        // 1 h lifetime 1 s into the measured window, so each company's next call meets a 401 and its token is renewed.
        const jumpAt = warmupMs + 1_000;
        let tokenCalls = 0;
        const storm = await measure(gateway, emu, async () => {
          const jump = new Promise<void>((resolve) => setTimeout(() => void admin(emu.url, "POST", "/clock/advance", { ms: 2 * 3_600_000 }).then(() => resolve(), () => resolve()), jumpAt));
          const result = await runLoad({
            origin: gateway.ready.origin,
            connections: CONNECTIONS,
            warmupMs,
            durationMs: Math.max(durationMs, 6_000),
            request: (i) => ({ path: "/graphql", method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: bodies[i % companies] }),
            minBytes: 1000,
          });
          await jump;
          tokenCalls = sumCounters((await admin(emu.url, "GET", "/counters")).counters, "POST /oauth2/v0/token");
          return result;
        });
        stormNote = `  storm: every access token expired at once ${fmt(jumpAt / 1000, 1)} s into the load (emulator clock +2 h): ${tokenCalls} token calls for ${companies} companies, ${storm.result.errors} caller-visible errors of ${storm.result.requests + storm.result.errors} requests`;
        rows.push({ target: "  same, all access tokens expiring together (refresh storm)", m: { ...storm, tokenCalls }, proxy: proxyRow });
        stormCheck = { tokenCalls, errors: storm.result.errors, p99: p99(storm), p99Before: p99(again) };
      }
      await gateway.stop();
      children.pop();
    }
    out.push("", table(
      ["target", "req/s", "ratio", "p50 ms", "p99 ms", "errors", "upstream GET/req", "token calls", "CPU ms/req", "RSS MiB", "peak RSS MiB"],
      rows.map(({ target, m, proxy: base }) => [
        target,
        fmt(m.result.rps, 0),
        base ? `${fmt(m.result.rps / base.result.rps, 2)}x` : "1 (base)",
        fmt(p50(m), 2),
        fmt(p99(m), 2),
        String(m.result.errors),
        fmt(m.upstreamGetsPerRequest, 3),
        m.tokenCalls === undefined ? "-" : String(m.tokenCalls),
        fmt(m.cpuMsPerRequest, 2),
        fmt(m.rssMiB, 0),
        fmt(m.peakRssMiB, 0),
      ]),
    ), stormNote);

    // One connection sweep over every company: a gateway whose sweep first runs SWEEP_AFTER_S after its start and
    // finds every connection due (a 366-day window is wider than a refresh token's 6 months); nothing else calls
    // Concur meanwhile. Its start, end and CPU are read around the emulator's token-call count (polled every 20 ms).
    const sweepAfterS = options.quick ? 5 : 15;
    const statsBefore = await connectionTableStats(databaseUrl);
    await admin(emu.url, "POST", "/counters/reset");
    const sweeper = await startGateway(emu.url, { ...managedEnv, CONNECTION_SWEEP_INTERVAL_SECONDS: String(sweepAfterS), CONNECTION_SWEEP_WINDOW_DAYS: "366" });
    children.push(sweeper);
    const tokenCalls = async () => sumCounters((await admin(emu.url, "GET", "/counters")).counters, "POST /oauth2/v0/token");
    let previous = { at: Date.now(), cpu: sweeper.cpuMs() };
    let sweepStart: { at: number; cpu: number } | undefined;
    let sweepEnd: { at: number; cpu: number; calls: number } | undefined;
    const sweepDeadline = Date.now() + (sweepAfterS + 600) * 1000;
    while (!sweepEnd && Date.now() < sweepDeadline) {
      const calls = await tokenCalls();
      const here = { at: Date.now(), cpu: sweeper.cpuMs() };
      if (calls > 0 && !sweepStart) sweepStart = previous;
      if (calls >= companies) sweepEnd = { ...here, calls };
      previous = here;
      if (!sweepEnd) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Stopped at once, before a second sweep is due; its store connections close, so their statistics are flushed.
    await sweeper.stop();
    children.pop();
    let statsAfter = await connectionTableStats(databaseUrl);
    for (let i = 0; i < 50 && statsAfter.updates - statsBefore.updates < (sweepEnd?.calls ?? 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      statsAfter = await connectionTableStats(databaseUrl);
    }
    let sweepSeconds = NaN;
    if (sweepStart && sweepEnd) {
      sweepSeconds = (sweepEnd.at - sweepStart.at) / 1000;
      out.push("", table(
        ["connection sweep (every connection due)", "companies", "token calls", "store rows updated", "store index lookups", "seconds", "gateway CPU ms", "CPU ms per company"],
        [[
          `one sweep, ${sweepAfterS} s after a fresh start`,
          String(companies),
          String(sweepEnd.calls),
          String(statsAfter.updates - statsBefore.updates),
          String(statsAfter.lookups - statsBefore.lookups),
          fmt(sweepSeconds, 2),
          fmt(sweepEnd.cpu - sweepStart.cpu, 0),
          fmt((sweepEnd.cpu - sweepStart.cpu) / companies, 2),
        ]],
      ));
      out.push(`  sweep: refreshes one company at a time (a refresh grant, a store read and a conditional write each); the index lookups include the start-up's read of every connection (kept for store outages). Seconds from the last poll before the first token call to the poll that saw the ${companies}th (±20 ms).`);
    } else {
      out.push("", `  sweep: did not finish within ${sweepAfterS + 600} s (${sweepEnd?.calls ?? "no"} token calls seen)`);
    }

    // The issue-25 targets for this many companies.
    const rssPerCompanyKiB = Math.max(((rssAfter - rssBefore) * 1024) / companies, ((restartRss - rssBefore) * 1024) / companies);
    const checks: TargetCheck[] = [
      { target: "start-up to ready over the stored connections <= 5 s", measured: `${fmt(restartS, 1)} s`, met: restartS <= 5 },
      { target: "<= 50 KiB RSS per connected company, idle", measured: `${fmt(((rssAfter - rssBefore) * 1024) / companies, 1)} KiB (connected), ${fmt(((restartRss - rssBefore) * 1024) / companies, 1)} KiB (fresh start)`, met: rssPerCompanyKiB <= 50 },
      stormCheck
        ? { target: "refresh storm: exactly one refresh per company, 0 caller errors (p99)", measured: `${stormCheck.tokenCalls} refreshes, ${stormCheck.errors} errors, p99 ${fmt(stormCheck.p99, 0)} ms (${fmt(stormCheck.p99Before, 0)} ms without)`, met: stormCheck.tokenCalls === companies && stormCheck.errors === 0 }
        : { target: "refresh storm", measured: "not run" },
      cacheOnSteady
        ? { target: "spread reads >= 0.7x proxy (cache on, tokens held)", measured: `${fmt(cacheOnSteady.result.rps, 0)} vs ${fmt(proxyRow.result.rps, 0)} req/s`, met: cacheOnSteady.result.rps >= 0.7 * proxyRow.result.rps, ratio: `${fmt(cacheOnSteady.result.rps / proxyRow.result.rps, 2)}x` }
        : { target: "spread reads", measured: "not run" },
      { target: "daily sweep: calls and duration (no bar)", measured: `${sweepEnd?.calls ?? "-"} token calls, ${fmt(sweepSeconds, 2)} s` },
    ];
    out.push("", summary(checks));
    void percentile;
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await emulator.stop();
    await pgAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
  }
  const header = [
    `scale: managed mode, ${companies} connected companies over the emulator's two data centers, store = a throw-away PostgreSQL database; one run`,
    `  reads: accounts(first: ${FIRST}) of company i mod ${companies} (each its own ${ACCOUNTS_PER_COMPANY} accounts, one upstream page) with one admin API key, C=${CONNECTIONS}, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up;`,
    `  proxy: GET of that company's accounts page with the company's own token at its data center. Ratios within this run only (the machine is shared).`,
    "  refresh storm: on the cache-off gateway (every read calls Concur); sweep: a fresh gateway with CONNECTION_SWEEP_INTERVAL_SECONDS set, every connection due",
  ];
  return [...header, ...out].join("\n");
}
