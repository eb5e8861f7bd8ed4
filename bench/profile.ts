// Own cost of one read, distinct callers: a gateway (cache on or off) answering the big page (or `first: N`) with a token
// of its own per request, its CPU per request, and with --cpu-prof its profile summarized (self and inclusive time per
// function, from the first executed query on: start-up is left out). Not part of `npm run bench`; run it alone:
//   PROFILE_TOP=40 node --import tsx bench/profile.ts [--cache off|on] [--first 5000] [--page-bytes 4000000] [--seconds 10] [--connections 8] [--node-args "--max-semi-space-size=32"] [--cpu-prof] [--floor | --floor-graphql | --dist]
// (--first 100 --page-bytes 8846: the reads bench's ~100-record upstream pages)
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "undici";
import { tokensFor } from "./lib/distinct.js";
import { runLoad } from "./lib/load.js";
import { gatewayUrl, ROOT, spawnChild, startEmulator } from "./lib/procs.js";
import { admin, walkUpstreamPages } from "./lib/upstream.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const cacheOff = arg("cache", "off") === "off";
const first = Number(arg("first", "5000"));
const seconds = Number(arg("seconds", "10"));
const connections = Number(arg("connections", "8"));
const pageBytes = Number(arg("page-bytes", "4000000"));
const profile = process.argv.includes("--cpu-prof");
/** Extra node flags of the gateway, space-separated (e.g. "--max-semi-space-size=32"). */
const nodeArgs = arg("node-args", "").split(" ").filter(Boolean);
const profileDir = `${ROOT}.tmp/bench-profile-${process.pid}`;
/** --floor: profile bench/children/floor.ts (the same answer without GraphQL) instead of the gateway. */
/** --floor-graphql: the floor in its "graphql" mode (the same read behind graphql-jit over a minimal schema). */
const floorGraphql = process.argv.includes("--floor-graphql");
const floor = floorGraphql || process.argv.includes("--floor");
/** --dist: the gateway built into .tmp/bench-dist (`npm run bench -- --only idle` builds it), without the tsx loader. */
const dist = process.argv.includes("--dist");
const floorUrl = (line: string) => {
  if (!line.startsWith("BENCH_READY ")) return undefined;
  const { url } = JSON.parse(line.slice("BENCH_READY ".length)) as { url: string };
  return { url, origin: new URL(url).origin };
};

const emulator = await startEmulator({ pageBytes: 4_000_000 });
const emu = emulator.ready;
try {
  const accountsPath = `/accountingintegration/v4/companies/${emu.companyId}/erps/${emu.erpId}/accounts`;
  const [page] = await walkUpstreamPages(emu.url, emu.token, accountsPath, 1);
  if (page.records < 5000) await admin(emu.url, "POST", `/companies/${emu.companyId}/erps/${emu.erpId}/seed`, { accounts: 5000 - page.records });
  await admin(emu.url, "PUT", "/config", { pageBytes });
  const server = floor
    ? { name: "floor", entry: "bench/children/floor.ts", env: { BENCH_UPSTREAM: emu.url, BENCH_FLOOR_MODE: floorGraphql ? "graphql" : "plain" } }
    : dist
      ? { name: "gateway", entry: ".tmp/bench-dist/index.js", tsx: false }
      : { name: "gateway", entry: "src/index.ts" };
  const gateway = await spawnChild({
    ...server,
    nodeArgs: [...nodeArgs, ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])],
    env: { CONCUR_BASE_URL: emu.url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", NODE_ENV: "production", MAX_PAGE_SIZE: "5000", MAX_COST: "100000", ...(cacheOff ? { CACHE_TTL_SECONDS: "0" } : {}), ...server.env },
    parseReady: (line) => gatewayUrl(line) ?? floorUrl(line),
    timeoutMs: 180_000,
  });
  const query = `query Big($companyId: ID!, $erpId: ID!) { erpIntegration(companyId: $companyId, erpId: $erpId) { accounts(first: ${first}) { edges { cursor node { id name number type } } pageInfo { hasNextPage endCursor } } } }`;
  // `first` also as a variable: the floor reads it from there (the gateway from the query text).
  const body = JSON.stringify({ query, variables: { companyId: emu.companyId, erpId: emu.erpId, ...(floor ? { first } : {}) } });
  const headers = { "content-type": "application/json", authorization: `Bearer ${emu.token}` };
  await (await request(gateway.ready.url, { method: "POST", headers, body })).body.text();
  const tokenOf = tokensFor("distinct", emu.token);
  const cpu0 = gateway.cpuMs();
  const result = await runLoad({
    origin: gateway.ready.origin,
    connections,
    warmupMs: 500,
    durationMs: seconds * 1000,
    request: (i) => ({ path: "/graphql", method: "POST", headers: { ...headers, authorization: `Bearer ${tokenOf(i)}` }, body }),
  });
  const cpuMsPerRequest = (gateway.cpuMs() - cpu0) / Math.max(1, result.sent);
  console.log(`first: ${first}, upstream pages of ${pageBytes} bytes, cache ${cacheOff ? "off" : "on"}, distinct callers, C=${connections}: ${result.rps.toFixed(1)} req/s, ${result.errors} errors, CPU ${cpuMsPerRequest.toFixed(2)} ms/req, RSS ${gateway.rssMiB().toFixed(0)} MiB, peak ${gateway.peakRssMiB().toFixed(0)} MiB`);
  await gateway.stop();
  if (profile) {
    const file = readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile")).sort()[0];
    console.log(summarize(JSON.parse(readFileSync(`${profileDir}/${file}`, "utf8")), result.sent));
    // PROFILE_KEEP=1 keeps the .cpuprofile (open it in Chrome DevTools) and prints where it is.
    if (process.env.PROFILE_KEEP) console.log(`profile kept: ${profileDir}/${file}`);
    else rmSync(profileDir, { recursive: true, force: true });
  }
} finally {
  await emulator.stop();
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self and inclusive ms per function (and per request), from the first sample under an executed query on. */
function summarize(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, requests: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/.*node_modules\//, "").replace(ROOT, "")}`;
  const underQuery = (id: number) => {
    for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) if (byId.get(c)!.callFrame.functionName === (floor ? "answer" : "executeCompiled")) return true;
    return false;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let started = false;
  profile.samples.forEach((id, i) => {
    started ||= underQuery(id);
    if (!started) return;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const l = label(byId.get(id)!);
    self.set(l, (self.get(l) ?? 0) + us);
    const seen = new Set<string>();
    for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
      const name = label(byId.get(c)!);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      seen.add(name);
    }
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([l, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}% ${(us / 1000 / requests).toFixed(2).padStart(7)} ms/req  ${l}`);
  return [`profile: ${(total / 1000).toFixed(0)} ms sampled over ${requests} requests`, "self:", ...top(self, 25), "inclusive:", ...top(inclusive, Number(process.env.PROFILE_TOP ?? 40))].join("\n");
}
