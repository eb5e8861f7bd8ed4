// Subscriptions: a signed data.statusUpdated webhook POSTed to the gateway -> the message at N graphql-ws
// subscribers of requestStatusChanged(companyId, erpId) (no requestId, so one event fans out to all N).
// Latency = from just before the POST to each subscriber's receipt (the receiving clients live in this
// process, so their own parsing is included). Memory per idle subscription = gateway RSS delta / N
// (one WebSocket per subscriber; RSS, not heap after GC).
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createClient, type Client } from "graphql-ws";
import { request } from "undici";
import WebSocket from "ws";
import { signBody } from "../src/emulator/index.js";
import { createPrivateKey } from "node:crypto";
import { startEmulator, startGateway } from "./lib/procs.js";
import { fmt, percentile, table } from "./lib/stats.js";

const TOPIC = "public.concur.spend.accountingintegration";
const SUBSCRIPTION = `subscription Status($companyId: ID!, $erpId: ID) {
  requestStatusChanged(companyId: $companyId, erpId: $erpId) { requestId status }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSubs(options: { quick: boolean }): Promise<string> {
  const ns = options.quick ? [100] : [1, 100, 1_000];
  const eventsPerN = options.quick ? 3 : 20;
  const { privateKey: privateKeyPem, publicKey: publicKeyPem } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const privateKey = createPrivateKey(privateKeyPem);
  const emulator = await startEmulator({ pageBytes: 1_000_000, privateKeyPem });
  const emu = emulator.ready;
  const rows: string[][] = [];

  for (const n of ns) {
    // A fresh gateway per N, so its RSS before subscribing is a clean baseline.
    const gateway = await startGateway(emu.url, { CONCUR_WEBHOOK_PUBLIC_KEY: publicKeyPem });
    const webhookUrl = `${gateway.ready.origin}/webhooks/concur`;
    const wsUrl = gateway.ready.url.replace(/^http/, "ws");
    const clients: Client[] = [];
    const disposers: Array<() => void> = [];
    /** requestId -> receipt times (ms, performance.now()) per subscriber. */
    const receipts = new Map<string, number[]>();
    try {
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
        const t0 = performance.now();
        const res = await request(webhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json", "concur-signature": signBody(body, privateKey) },
          body,
        });
        await res.body.dump();
        if (res.statusCode >= 300) throw new Error(`webhook answered ${res.statusCode}`);
        return t0;
      };
      const waitAll = async (requestId: string, timeoutMs: number) => {
        const until = performance.now() + timeoutMs;
        while ((receipts.get(requestId)?.length ?? 0) < n && performance.now() < until) await sleep(2);
        return receipts.get(requestId)?.length ?? 0;
      };

      // Warm the gateway (schema, caches, the tenant check) before the baseline.
      await gatewayWarmup(gateway.ready.url, emu.token);
      await sleep(300);
      const rssBefore = gateway.rssMiB();

      for (let i = 0; i < n; i++) {
        const client = createClient({
          url: wsUrl,
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
      const rssIdle = gateway.rssMiB();

      const latencies: number[] = [];
      const lastArrivals: number[] = [];
      let missing = 0;
      for (let e = 0; e < eventsPerN; e++) {
        const requestId = randomUUID();
        const t0 = await post(requestId);
        const got = await waitAll(requestId, 10_000);
        missing += n - got;
        const times = receipts.get(requestId) ?? [];
        for (const t of times) latencies.push(t - t0);
        if (times.length) lastArrivals.push(Math.max(...times) - t0);
      }
      const sorted = Float64Array.from(latencies).sort();
      const lastSorted = Float64Array.from(lastArrivals).sort();
      rows.push([
        String(n),
        String(eventsPerN),
        String(latencies.length),
        String(missing),
        fmt(percentile(sorted, 50), 2),
        fmt(percentile(sorted, 99), 2),
        fmt(percentile(lastSorted, 50), 2),
        fmt(rssBefore, 0),
        fmt(rssIdle, 0),
        // Below 100 subscribers the delta is within RSS noise.
        n >= 100 ? fmt(((rssIdle - rssBefore) * 1024) / n, 1) : "(noise)",
      ]);
    } finally {
      for (const dispose of disposers) dispose();
      await Promise.all(clients.map((c) => c.dispose()));
      await gateway.stop();
    }
  }
  await emulator.stop();
  return [
    `subs: signed data.statusUpdated POSTed to /webhooks/concur -> requestStatusChanged(companyId, erpId) at N graphql-ws subscribers (one socket each), ${eventsPerN} events per N, one at a time`,
    `  latency = POST sent -> message parsed by the subscriber (clients in the bench process); KiB/sub = gateway RSS delta / N (RSS, not heap after GC; includes the WebSocket)`,
    "",
    table(["N", "events", "deliveries", "missing", "p50 ms", "p99 ms", "last sub p50 ms", "RSS before MiB", "RSS idle MiB", "KiB/sub"], rows),
  ].join("\n");
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
