// Tokens: memory of a gateway flooded with bearer tokens it has never seen (issue 25: "10,000 distinct random tokens:
// RSS growth <= 50 MiB after GC"). Passthrough mode, page cache on (the default), against the bench emulator:
//   1. 10,000 made-up tokens, each for a made-up company too (an attacker's flood): Concur refuses every one;
//   2. 10,000 distinct tokens Concur accepts (a partner's distinct callers): each reads its own 100-record page.
// After each flood: V8 heap + external after two full GCs, median RSS, and the per-caller structures from /metrics.
import { randomBytes, randomUUID } from "node:crypto";
import { Pool, request } from "undici";
import { authHeaders, ACCOUNTS_QUERY } from "./reads.js";
import { heapAfterGcMiB, medianRssMiB, startEmulator, startGateway } from "./lib/procs.js";
import { fmt, summary, table, type TargetCheck } from "./lib/stats.js";
import { admin, walkUpstreamPages } from "./lib/upstream.js";

const CONNECTIONS = 50;
const FIRST = 100;
const GAUGES = ["trusted_tokens", "token_companies", "page_cache_pages", "page_cache_scopes", "answer_cache_entries"] as const;

export async function runTokens(options: { quick: boolean }): Promise<string> {
  const count = options.quick ? 1_000 : 10_000;
  const out: string[] = [];
  const emulator = await startEmulator({ pageBytes: 1_000_000 });
  const emu = emulator.ready;
  try {
    // ~100 records per upstream page, as the reads bench's fair rows.
    const accountsPath = `/accountingintegration/v4/companies/${emu.companyId}/erps/${emu.erpId}/accounts`;
    const [full] = await walkUpstreamPages(emu.url, emu.token, accountsPath, 1);
    await admin(emu.url, "PUT", "/config", { pageBytes: Math.ceil((full.bytes / full.records) * FIRST + 160) });

    const gateway = await startGateway(emu.url, {}, { heapProbe: true });
    try {
      const path = new URL(gateway.ready.url).pathname;
      const pool = new Pool(gateway.ready.origin, { connections: CONNECTIONS, pipelining: 1 });
      const body = (companyId: string) => JSON.stringify({ query: ACCOUNTS_QUERY, variables: { companyId, erpId: emu.erpId, after: null } });
      const ownBody = body(emu.companyId);
      /** `total` requests, CONNECTIONS at a time; counts of answers with data and with errors. */
      const flood = async (total: number, next: () => { token: string; body: string }) => {
        let sent = 0;
        const tally = { data: 0, errors: 0, failed: 0 };
        const started = Date.now();
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async () => {
            while (sent < total) {
              sent++;
              const { token, body: text } = next();
              try {
                const res = await pool.request({ path, method: "POST", headers: authHeaders(token), body: text });
                const json = (await res.body.json()) as { data?: { erpIntegration?: unknown }; errors?: unknown[] };
                if (json.errors) tally.errors++;
                else if (json.data?.erpIntegration) tally.data++;
                else tally.failed++;
              } catch {
                tally.failed++;
              }
            }
          }),
        );
        return { ...tally, seconds: (Date.now() - started) / 1000 };
      };
      const gauges = async () => {
        const text = await (await request(`${gateway.ready.origin}/metrics`)).body.text();
        return Object.fromEntries(GAUGES.map((name) => [name, Number(new RegExp(`^concur_graph_${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? NaN)]));
      };
      const memory = async () => ({ heap: await heapAfterGcMiB(gateway), rss: await medianRssMiB(gateway) });

      // Warm: the query compiled, the code paths hot, with the emulator's own token.
      await flood(500, () => ({ token: emu.token, body: ownBody }));
      const base = await memory();
      const headers = ["after", "requests", "answered with data / errors / failed", "seconds", "heap after GC MiB", "RSS MiB", ...GAUGES];
      const rows: string[][] = [];
      const row = (name: string, m: { heap: number; rss: number }, g: Record<string, number>, f?: { data: number; errors: number; failed: number; seconds: number }) =>
        rows.push([name, f ? String(f.data + f.errors + f.failed) : "-", f ? `${f.data} / ${f.errors} / ${f.failed}` : "-", f ? fmt(f.seconds, 1) : "-", fmt(m.heap, 1), fmt(m.rss, 0), ...GAUGES.map((k) => String(g[k]))]);
      row("warm-up (one real token)", base, await gauges());

      // 1. Made-up tokens for made-up companies: refused by Concur, nothing of them may stay.
      const refused = await flood(count, () => ({ token: `made_up_${randomBytes(16).toString("hex")}`, body: body(randomUUID()) }));
      const afterRefused = await memory();
      const refusedGauges = await gauges();
      row(`${count} made-up tokens (refused)`, afterRefused, refusedGauges, refused);

      // 2. Distinct tokens Concur accepts, each reading its own page (cached under its own caller).
      let n = 0;
      const tag = `bench_tokens${process.pid.toString(36)}_`;
      const accepted = await flood(count, () => ({ token: tag + (n++).toString(36), body: ownBody }));
      const afterAccepted = await memory();
      row(`+ ${count} accepted distinct tokens`, afterAccepted, await gauges(), accepted);
      await pool.close();

      out.push(table(headers, rows));
      out.push(`  growth over the warm-up: refused flood +${fmt(afterRefused.heap - base.heap, 1)} MiB heap, +${fmt(afterRefused.rss - base.rss, 0)} MiB RSS; with the accepted ones +${fmt(afterAccepted.heap - base.heap, 1)} MiB heap, +${fmt(afterAccepted.rss - base.rss, 0)} MiB RSS`);
      out.push("  (accepted callers' pages stay in the page cache, bounded by its 64 MiB budget, until they expire: that growth is the cache doing its work)");
      const checks: TargetCheck[] = [
        { target: `${count} distinct random tokens: RSS growth <= 50 MiB after GC`, measured: `+${fmt(afterRefused.rss - base.rss, 1)} MiB RSS (+${fmt(afterRefused.heap - base.heap, 1)} MiB heap)`, met: afterRefused.rss - base.rss <= 50 },
        { target: "refused tokens leave no trusted token", measured: `${refusedGauges.trusted_tokens} trusted`, met: refusedGauges.trusted_tokens <= 1 },
      ];
      out.push(summary(checks));
    } finally {
      await gateway.stop();
    }
  } finally {
    await emulator.stop();
  }
  return out.join("\n");
}
