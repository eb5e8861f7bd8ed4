// Operation limits under the issue-16 attack: twelve distinct 10,000-alias texts (~350 KB each) sent one after
// another to the real gateway entry, once with the default limits and once with every limit off (MAX_*=0, fewer
// texts: each takes seconds and hundreds of MiB). Prints latency per text and the gateway's RSS before, after and at
// peak, plus a normal query's latency afterwards.
import { request } from "undici";
import { runLoad } from "./lib/load.js";
import { startEmulator, startGateway, type Child, type EmulatorReady } from "./lib/procs.js";
import { fmt, percentile, table } from "./lib/stats.js";
import { authHeaders, graphqlBodies, measure, p50 } from "./reads.js";

export interface LimitsOptions {
  quick: boolean;
}

const ALIASES = 10_000;
const LIMITS_OFF = { MAX_TOKENS: "0", MAX_ALIASES: "0", MAX_DEPTH: "0", MAX_DIRECTIVES: "0", MAX_COST: "0" };

/** The attack: ~350 KB of `erpIntegration { erpName }` aliases (ids as variables). */
function aliasAttack(text: number): string {
  // Distinct texts (the prefix changes), so neither Apollo's document store nor the compiled cache can share them.
  const field = "erpIntegration(companyId: $c, erpId: $e) { erpName }";
  return `query ($c: ID!, $e: ID!) { ${Array.from({ length: ALIASES }, (_, i) => `t${text}a${i}: ${field}`).join(" ")} }`;
}

async function post(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<{ ms: number; status: number; bytes: number; code?: string }> {
  const started = performance.now();
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const text = await res.body.text();
  const ms = performance.now() - started;
  let code: string | undefined;
  try {
    code = JSON.parse(text).errors?.[0]?.extensions?.code;
  } catch {
    code = undefined;
  }
  return { ms, status: res.statusCode, bytes: text.length, code };
}

const NORMAL = `query ($c: ID!, $e: ID!) { erpIntegration(companyId: $c, erpId: $e) { accounts(first: 100) { edges { cursor node { id name number type } } pageInfo { hasNextPage endCursor } } } }`;

async function normalQueryP50(gateway: Child<{ url: string }>, emu: EmulatorReady): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 50; i++) times.push((await post(gateway.ready.url, emu.token, NORMAL, { c: emu.companyId, e: emu.erpId })).ms);
  return percentile(times.sort((a, b) => a - b), 50);
}

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runLimits(options: LimitsOptions): Promise<string> {
  const emulator = await startEmulator({ pageBytes: 1_000_000 });
  const emu = emulator.ready;
  const rows: string[][] = [];
  const notes: string[] = [];
  let guarded = "";
  try {
    const variants = [
      { name: "default limits", env: {} as Record<string, string>, texts: options.quick ? 3 : 12 },
      { name: "every limit off (MAX_*=0)", env: LIMITS_OFF, texts: options.quick ? 1 : 2 },
    ];
    for (const variant of variants) {
      const gateway = await startGateway(emu.url, variant.env);
      try {
        const normalBefore = await normalQueryP50(gateway, emu); // also warms the page cache and the fast path
        await settle(500);
        const rssBefore = gateway.rssMiB();
        const times: number[] = [];
        const codes = new Map<string, number>();
        let answerBytes = 0;
        for (let t = 0; t < variant.texts; t++) {
          const res = await post(gateway.ready.url, emu.token, aliasAttack(t), { c: emu.companyId, e: emu.erpId });
          times.push(res.ms);
          answerBytes = Math.max(answerBytes, res.bytes);
          const key = `${res.status} ${res.code ?? "data"}`;
          codes.set(key, (codes.get(key) ?? 0) + 1);
        }
        const rssAfterAttack = gateway.rssMiB();
        await settle(2_000);
        const rssIdle = gateway.rssMiB();
        const normalAfter = await normalQueryP50(gateway, emu);
        const sorted = [...times].sort((a, b) => a - b);
        rows.push([
          variant.name,
          String(variant.texts),
          [...codes].map(([k, n]) => `${n}x ${k}`).join(", "),
          fmt(percentile(sorted, 50), 1),
          fmt(sorted[sorted.length - 1] ?? NaN, 1),
          fmt(answerBytes / 1024, 1),
          fmt(rssBefore, 0),
          fmt(rssAfterAttack, 0),
          fmt(rssIdle, 0),
          fmt(rssIdle - rssBefore, 0),
          fmt(gateway.peakRssMiB(), 0),
          fmt(normalBefore, 2),
          fmt(normalAfter, 2),
        ]);
      } finally {
        await gateway.stop();
      }
    }
    notes.push(`- Each text: ${ALIASES.toLocaleString("en-US")} aliases of erpIntegration(companyId: $c, erpId: $e) { erpName }, ${fmt(aliasAttack(0).length / 1024, 0)} KiB; sent one at a time.`);
    notes.push("- \"normal p50\": 50 sequential `accounts(first: 100)` queries (fast path, warm page cache) before and after the attack texts.");
    notes.push("- RSS idle: 2 s after the last attack text; the process keeps what the heap grew to, so \"idle\" is what an attack leaves behind.");
    guarded = await guardsCost(emu, options.quick);
  } finally {
    await emulator.stop();
  }
  return [
    table(
      ["gateway", "texts", "answers", "p50 ms", "max ms", "largest answer KiB", "RSS before MiB", "RSS after MiB", "RSS idle MiB", "idle - before MiB", "peak RSS MiB", "normal p50 ms before", "normal p50 ms after"],
      rows,
    ),
    "",
    ...notes,
    "",
    guarded,
  ].join("\n");
}

/**
 * What the guards cost a normal read (issue 16: the reads ratio unchanged within noise with limits and metrics on):
 * the 100-record query against two gateways in one run, one as shipped and one with every limit and /metrics off,
 * both executing every answer (ANSWER_CACHE_BYTES=0: a reused answer would hide the per-request work), in
 * alternating rounds so both see the same machine.
 */
async function guardsCost(emu: EmulatorReady, quick: boolean): Promise<string> {
  const variants = [
    { name: "limits and metrics on (default)", env: { ANSWER_CACHE_BYTES: "0" } },
    { name: "limits off (MAX_*=0), METRICS_PATH=off", env: { ...LIMITS_OFF, METRICS_PATH: "off", ANSWER_CACHE_BYTES: "0" } },
  ];
  const gateways = await Promise.all(variants.map((v) => startGateway(emu.url, v.env)));
  try {
    const loads = await Promise.all(
      gateways.map(async (gateway) => {
        const { bodies, minBytes } = await graphqlBodies(gateway.ready.url, emu);
        const path = new URL(gateway.ready.url).pathname;
        return () =>
          runLoad({ origin: gateway.ready.origin, connections: 50, warmupMs: quick ? 300 : 1_000, durationMs: quick ? 1_000 : 4_000, minBytes, request: (i) => ({ path, method: "POST", headers: authHeaders(emu.token), body: bodies[i % bodies.length] }) });
      }),
    );
    const rows: string[][] = [];
    const rps = variants.map(() => [] as number[]);
    for (let round = 1; round <= (quick ? 1 : 2); round++) {
      for (const [v, variant] of variants.entries()) {
        const m = await measure(gateways[v], emu, loads[v]);
        rps[v].push(m.result.rps);
        rows.push([String(round), variant.name, fmt(m.result.rps, 0), fmt(p50(m), 2), fmt(m.cpuMsPerRequest, 3)]);
      }
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    return [
      "guards on a normal read: accounts(first: 100) rotating over 5 positions, C=50, every answer executed (ANSWER_CACHE_BYTES=0), rounds alternating",
      table(["round", "gateway", "req/s", "p50 ms", "CPU ms/req"], rows),
      `- with the guards on: ${fmt(mean(rps[0]) / mean(rps[1]), 2)}x the req/s of the same gateway with them off (mean of the rounds)`,
    ].join("\n");
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
  }
}
