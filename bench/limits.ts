// Operation limits under the issue-16 attack: twelve distinct 10,000-alias texts (~350 KB each) sent one after
// another to the real gateway entry, once with the default limits and once with every limit off (MAX_*=0, fewer
// texts: each takes seconds and hundreds of MiB). Prints latency per text and the gateway's RSS before, after and at
// peak, plus a normal query's latency afterwards.
import { request } from "undici";
import { startEmulator, startGateway, type Child, type EmulatorReady } from "./lib/procs.js";
import { fmt, percentile, table } from "./lib/stats.js";

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
  ].join("\n");
}
