// Subscriptions: a signed data.statusUpdated webhook POSTed to the gateway -> the message at N graphql-ws
// subscribers of requestStatusChanged(companyId, erpId) (no requestId, so one event fans out to all N), in one
// gateway process and across two replicas sharing a private Redis (subscribers split over both, webhook to the
// first). Latency = from just before the POST to each subscriber's receipt (the receiving clients live in this
// process, so their own parsing is included). Memory per idle subscription = gateway RSS delta / N, each RSS the
// median of several readings (the gateway has no route to force a GC; one WebSocket per subscriber included).
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createClient, type Client } from "graphql-ws";
import { request } from "undici";
import WebSocket from "ws";
import { signBody } from "../src/emulator/index.js";
import { heapAfterGcMiB, medianRssMiB, startEmulator, startGateway, startRedis, type Child, type EmulatorReady } from "./lib/procs.js";
import { fmt, percentile, summary, table, type TargetCheck } from "./lib/stats.js";

const TOPIC = "public.concur.spend.accountingintegration";
const SUBSCRIPTION = `subscription Status($companyId: ID!, $erpId: ID) {
  requestStatusChanged(companyId: $companyId, erpId: $erpId) { requestId status }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Gateway = Child<{ url: string; origin: string }>;

interface FanOutResult {
  n: number;
  events: number;
  latencies: Float64Array;
  lastArrivals: Float64Array;
  missing: number;
  /** Webhook POSTs answered 503 and sent again (as ESS retries them). */
  retried503: number;
  /** Per gateway: RSS before subscribing and once the N subscriptions are idle (medians, MiB). */
  rssBefore: number[];
  rssIdle: number[];
  /** Per gateway: heap used + external after full GCs, before subscribing and once idle (MiB). */
  heapBefore: number[];
  heapIdle: number[];
}

/** N subscribers spread round-robin over `gateways`; every event is POSTed to the first gateway's webhook. */
async function fanOut(gateways: Gateway[], emu: EmulatorReady, privateKey: KeyObject, n: number, events: number): Promise<FanOutResult> {
  const webhookUrl = `${gateways[0].ready.origin}/webhooks/concur`;
  const clients: Client[] = [];
  const disposers: Array<() => void> = [];
  /** requestId -> receipt times (ms, performance.now()) per subscriber. */
  const receipts = new Map<string, number[]>();
  let retried503 = 0;
  const post = async (requestId: string) => {
    const body = Buffer.from(
      JSON.stringify({
        id: randomUUID(),
        correlationId: randomUUID(),
        eventType: "data.statusUpdated",
        topic: TOPIC,
        subtopic: null,
        timeStamp: new Date().toISOString(),
        data: null,
        facts: {
          companyId: emu.companyId,
          erpId: emu.erpId,
          data: { requestId, status: "SUCCESS", _links: { errors: { href: `/v4/companies/${emu.companyId}/requests/${requestId}/errors` } } },
        },
      }),
    );
    const headers = { "content-type": "application/json", "concur-signature": signBody(body, privateKey) };
    // Latency counts from the first attempt: a 503 (e.g. the dedupe store slow to answer) is retried, as ESS would.
    const t0 = performance.now();
    for (let attempt = 0; ; attempt++) {
      const res = await request(webhookUrl, { method: "POST", headers, body });
      await res.body.dump();
      if (res.statusCode < 300) return t0;
      if (res.statusCode !== 503 || attempt >= 10) throw new Error(`webhook answered ${res.statusCode}`);
      retried503 += 1;
      await sleep(20);
    }
  };
  const waitAll = async (requestId: string, timeoutMs: number) => {
    const until = performance.now() + timeoutMs;
    while ((receipts.get(requestId)?.length ?? 0) < n && performance.now() < until) await sleep(2);
    return receipts.get(requestId)?.length ?? 0;
  };
  try {
    // Ready (Redis connected, key loaded), then warm (schema, caches, the tenant check) before the baseline.
    for (const gateway of gateways) await waitReady(gateway.ready.origin);
    for (const gateway of gateways) await gatewayWarmup(gateway.ready.url, emu.token);
    await sleep(300);
    const rssBefore = await Promise.all(gateways.map((g) => medianRssMiB(g)));
    const heapBefore = await Promise.all(gateways.map((g) => heapAfterGcMiB(g)));

    for (let i = 0; i < n; i++) {
      const client = createClient({
        url: gateways[i % gateways.length].ready.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${emu.token}` },
      });
      clients.push(client);
      disposers.push(
        client.subscribe(
          { query: SUBSCRIPTION, variables: { companyId: emu.companyId, erpId: emu.erpId } },
          {
            next: (message) => {
              const at = performance.now();
              const id = (message.data as any)?.requestStatusChanged?.requestId as string | undefined;
              if (!id) return;
              let list = receipts.get(id);
              if (!list) receipts.set(id, (list = []));
              list.push(at);
            },
            error: () => {},
            complete: () => {},
          },
        ),
      );
    }

    // A subscription is live only once the server ran its subscribe: probe until every subscriber got one.
    let ready = 0;
    for (let attempt = 0; attempt < 50 && ready < n; attempt++) {
      const probe = `probe-${randomUUID()}`;
      await post(probe);
      ready = await waitAll(probe, 1_000);
    }
    if (ready < n) throw new Error(`only ${ready} of ${n} subscribers became live`);
    await sleep(500);
    const rssIdle = await Promise.all(gateways.map((g) => medianRssMiB(g)));
    const heapIdle = await Promise.all(gateways.map((g) => heapAfterGcMiB(g)));

    const latencies: number[] = [];
    const lastArrivals: number[] = [];
    let missing = 0;
    for (let e = 0; e < events; e++) {
      const requestId = randomUUID();
      const t0 = await post(requestId);
      const got = await waitAll(requestId, 10_000);
      missing += n - got;
      const times = receipts.get(requestId) ?? [];
      for (const t of times) latencies.push(t - t0);
      if (times.length) lastArrivals.push(Math.max(...times) - t0);
    }
    return {
      n,
      events,
      latencies: Float64Array.from(latencies).sort(),
      lastArrivals: Float64Array.from(lastArrivals).sort(),
      missing,
      retried503,
      rssBefore,
      rssIdle,
      heapBefore,
      heapIdle,
    };
  } finally {
    for (const dispose of disposers) dispose();
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

export async function runSubs(options: { quick: boolean }): Promise<string> {
  const ns = options.quick ? [100] : [1, 100, 1_000];
  const redisN = options.quick ? 100 : 1_000;
  const eventsPerN = options.quick ? 3 : 20;
  const { privateKey: privateKeyPem, publicKey: publicKeyPem } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const privateKey = createPrivateKey(privateKeyPem);
  const emulator = await startEmulator({ pageBytes: 1_000_000, privateKeyPem });
  const emu = emulator.ready;
  const results: Array<{ setup: string; r: FanOutResult }> = [];
  try {
    for (const n of ns) {
      // A fresh gateway per N, so its RSS before subscribing is a clean baseline.
      const gateway = await startGateway(emu.url, { CONCUR_WEBHOOK_PUBLIC_KEY: publicKeyPem }, { heapProbe: true });
      try {
        results.push({ setup: "1 process", r: await fanOut([gateway], emu, privateKey, n, eventsPerN) });
      } finally {
        await gateway.stop();
      }
    }
    const redis = await startRedis();
    try {
      const env = { CONCUR_WEBHOOK_PUBLIC_KEY: publicKeyPem, REDIS_URL: redis.url };
      const replicas = await Promise.all([startGateway(emu.url, env, { heapProbe: true }), startGateway(emu.url, env, { heapProbe: true })]);
      try {
        results.push({ setup: "2 replicas + Redis", r: await fanOut(replicas, emu, privateKey, redisN, eventsPerN) });
      } finally {
        await Promise.all(replicas.map((g) => g.stop()));
      }
    } finally {
      await redis.stop();
    }
  } finally {
    await emulator.stop();
  }

  const kibPerSub = (r: FanOutResult) => (r.rssIdle.reduce((a, b) => a + b, 0) - r.rssBefore.reduce((a, b) => a + b, 0)) * 1024 / r.n;
  const heapKibPerSub = (r: FanOutResult) => (r.heapIdle.reduce((a, b) => a + b, 0) - r.heapBefore.reduce((a, b) => a + b, 0)) * 1024 / r.n;
  const mib = (values: number[]) => values.map((v) => fmt(v, 0)).join(" + ");
  const rows = results.map(({ setup, r }) => [
    setup,
    String(r.n),
    String(r.events),
    String(r.latencies.length),
    String(r.missing),
    String(r.retried503),
    fmt(percentile(r.latencies, 50), 2),
    fmt(percentile(r.latencies, 99), 2),
    fmt(percentile(r.lastArrivals, 50), 2),
    mib(r.rssBefore),
    mib(r.rssIdle),
    // Below 100 subscribers the delta is within RSS noise.
    r.n >= 100 ? fmt(kibPerSub(r), 1) : "(noise)",
    r.n >= 100 ? fmt(heapKibPerSub(r), 1) : "(noise)",
  ]);

  const checks: TargetCheck[] = [];
  const local = results.find((x) => x.setup === "1 process" && x.r.n === Math.max(...ns))?.r;
  const shared = results.find((x) => x.setup !== "1 process")?.r;
  if (local) {
    const p = percentile(local.latencies, 99);
    checks.push({ target: `item 6, webhook -> 1,000 subscribers in process: p99 < 20 ms${local.n === 1_000 ? "" : ` (here N=${local.n})`}`, measured: `p99 ${fmt(p, 1)} ms (p50 ${fmt(percentile(local.latencies, 50), 1)})`, met: p < 20, ratio: `${fmt(p / 20, 2)}x bound` });
  }
  if (shared) {
    const p = percentile(shared.latencies, 99);
    checks.push({ target: `item 6, webhook -> 1,000 subscribers over 2 replicas + Redis: p99 < 100 ms${shared.n === 1_000 ? "" : ` (here N=${shared.n})`}`, measured: `p99 ${fmt(p, 1)} ms (p50 ${fmt(percentile(shared.latencies, 50), 1)})`, met: p < 100, ratio: `${fmt(p / 100, 2)}x bound` });
  }
  if (local) {
    const k = kibPerSub(local);
    checks.push({ target: `item 6, memory per idle subscription < 20 KiB (N=0 vs N=${local.n}, RSS)`, measured: `${fmt(k, 1)} KiB`, met: k < 20, ratio: `${fmt(k / 20, 2)}x bound` });
    const h = heapKibPerSub(local);
    checks.push({ target: `item 6, memory per idle subscription < 20 KiB (N=0 vs N=${local.n}, heap + external after GC)`, measured: `${fmt(h, 1)} KiB`, met: h < 20, ratio: `${fmt(h / 20, 2)}x bound` });
  }
  return [
    `subs: signed data.statusUpdated POSTed to /webhooks/concur -> requestStatusChanged(companyId, erpId) at N graphql-ws subscribers (one socket each), ${eventsPerN} events per N, one at a time`,
    `  latency = first POST attempt sent -> message parsed by the subscriber (clients in the bench process); a webhook answered 503 is sent again after 20 ms, as ESS retries it`,
    `  2 replicas + Redis: two gateways with REDIS_URL on a private redis-server, subscribers alternating between them, every webhook POSTed to the first`,
    `  RSS KiB/sub = gateway RSS delta (idle with N subscriptions - before any, summed over the replicas) / N; each RSS is the median of 5 readings 200 ms apart (includes the WebSocket)`,
    `  heap KiB/sub = the same delta of V8 heap used + external memory after two full GCs (bench/children/heap-probe.cjs, --expose-gc): what the subscriptions hold, without allocator slack`,
    "",
    table(["setup", "N", "events", "deliveries", "missing", "webhook 503 retried", "p50 ms", "p99 ms", "last sub p50 ms", "RSS before MiB", "RSS idle MiB", "RSS KiB/sub", "heap KiB/sub"], rows),
    "",
    summary(checks),
  ].join("\n");
}

/** Polls GET /readyz until 200 (at most 15 s). */
async function waitReady(origin: string): Promise<void> {
  const until = performance.now() + 15_000;
  for (;;) {
    const res = await request(`${origin}/readyz`);
    const text = await res.body.text();
    if (res.statusCode === 200) return;
    if (performance.now() > until) throw new Error(`gateway not ready after 15 s: ${text.slice(0, 300)}`);
    await sleep(100);
  }
}

async function gatewayWarmup(url: string, token: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    await res.body.dump();
  }
}
