// ESS subscriptions managed by the gateway (ESS_MANAGE with PUBLIC_URL), against the emulator over real HTTP:
// one app token and one subscription per topic in each data center in use (emulator call counts), a company
// connecting in a new data center adds that data center, a signing-key rotation in the middle of a stream of events
// loses none and lets no forged one in, and an ESS answering errors leaves the gateway polling with the reason in
// GraphQL and /readyz.
import { generateKeyPairSync, constants, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { createEmulator, DEMO, type RunningEmulator } from "../../src/emulator/index.js";
import { connectThroughLanding } from "../../src/embedded.js";
import { signingKeyId } from "../../src/subscriptions/signature.js";
import { createPublicKey } from "node:crypto";
import { registerCleanup } from "../helpers/cleanup.js";
import { freePort } from "../helpers/ports.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const FIS = "public.concur.financialintegration";
const AIS = "public.concur.spend.accountingintegration";
const EVENT_DELIVERY = `query EventDelivery { eventDelivery { mode reason webhookUrl topics lastCheckedAt nextCheckAt
  dataCenters { name baseUrl state connectedCompanies error checkedAt subscriptions { id topic filter companies } } } }`;

const pem = () => generateKeyPairSync("rsa", { modulusLength: 2048 });
const privatePem = (k: ReturnType<typeof pem>) => k.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const publicPem = (k: ReturnType<typeof pem>) => k.publicKey.export({ type: "spki", format: "pem" }).toString();

async function emulator(privateKeyPem?: string): Promise<RunningEmulator> {
  const emu = await createEmulator({ port: 0, seed: "demo", processingDelayMs: 20, webhookRetryBaseMs: 20, privateKeyPem });
  registerCleanup(`the emulator at ${emu.url}`, () => emu.stop());
  return emu;
}

function store() {
  const dir = mkdtempSync(join(tmpdir(), "cg-ess-"));
  registerCleanup(`the store ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return { databaseUrl: `sqlite:${join(dir, "concur-graph.db")}`, encryptionKeys: `k1:${randomBytes(32).toString("base64")}` };
}

/** A managed gateway on a known port whose PUBLIC_URL is itself, managing its ESS subscriptions at the emulator. */
async function essStack(emu: RunningEmulator, options: { connectDemo?: boolean; env?: Record<string, string>; managed?: { databaseUrl: string; encryptionKeys: string } } = {}): Promise<Stack> {
  const port = await freePort();
  return startStack({
    sharedEmulator: emu,
    webhooks: false, // no admin-configured URL: events reach the gateway only through its own subscriptions
    managed: { ...(options.managed ?? store()), connectDemo: options.connectDemo ?? true },
    env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ESS_MANAGE: "on", ESS_RETRY_MS: "100", ...options.env },
  });
}

const admin = async (emu: RunningEmulator, method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown) => {
  const res = await request(`${emu.url}/_emulator${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  return text ? JSON.parse(text) : undefined;
};
type Calls = Record<string, Record<string, number>>;
const essCalls = async (emu: RunningEmulator): Promise<Calls> => (await admin(emu, "GET", "/ess/calls")).calls;
const calls = (all: Calls, dc: string, key: string) => all[dc]?.[key] ?? 0;
const APP_TOKEN = "POST /oauth2/v0/token client_credentials";
const SAVE = "PUT /events/v4/subscriptions/webhook";

async function eventDelivery(stack: Stack): Promise<any> {
  const res = await stack.graphql(EVENT_DELIVERY);
  expect(res.errors).toBeUndefined();
  return res.data.eventDelivery;
}
const waitForMode = (stack: Stack, mode: string, dataCenters: number, what: string) =>
  waitFor(async () => {
    const state = await eventDelivery(stack);
    return state.mode === mode && state.dataCenters.length === dataCenters ? state : undefined;
  }, 20_000, what);

describe("ESS subscriptions managed by the gateway", () => {
  it("subscribes once per data center in use at start, and adds a data center when a company there connects", async () => {
    const emu = await emulator();
    const kept = store();
    const stack = await essStack(emu, { connectDemo: false, managed: kept });
    const idle = await waitFor(async () => ((await eventDelivery(stack)).lastCheckedAt ? eventDelivery(stack) : undefined), 20_000, "the first round");
    expect(idle).toMatchObject({ mode: "POLLING", dataCenters: [], webhookUrl: `${stack.gateway.origin}/webhooks/concur` });
    expect(idle.reason).toContain("no company is connected");
    expect(await essCalls(emu)).toEqual({});

    await connectThroughLanding(stack.gateway, stack.config, emu, DEMO.companyId, stack.token);
    const one = await waitForMode(stack, "ESS", 1, "the us2 subscriptions");
    expect(one.dataCenters[0]).toMatchObject({ name: expect.any(String), baseUrl: emu.dataCenters[0].url, state: "SUBSCRIBED", connectedCompanies: 1 });
    expect(one.dataCenters[0].subscriptions.map((s: any) => s.topic).sort()).toEqual([FIS, AIS].sort());
    expect(one.dataCenters[0].subscriptions.every((s: any) => s.companies === 1)).toBe(true);

    await connectThroughLanding(stack.gateway, stack.config, emu, DEMO.secondCompanyId, stack.token);
    const two = await waitForMode(stack, "ESS", 2, "the eu2 subscriptions");
    expect(two.reason).toBeNull();
    const counted = await essCalls(emu);
    for (const dc of ["us2", "eu2"]) {
      expect(calls(counted, dc, APP_TOKEN), `app tokens in ${dc}`).toBe(1);
      expect(calls(counted, dc, SAVE), `subscriptions saved in ${dc}`).toBe(2);
    }
    const subs = (await admin(emu, "GET", "/ess/subscriptions")).subscriptions as any[];
    expect(subs).toHaveLength(4);
    for (const sub of subs) {
      expect(sub.webHookConfig.endpoint).toBe(`${stack.gateway.origin}/webhooks/concur`);
      expect(sub.companyIds).toEqual([sub.dataCenter === "us2" ? DEMO.companyId : DEMO.secondCompanyId]);
    }
    // Another round with nothing changed saves nothing.
    await stack.gateway.services.eventDelivery.reconcile();
    const again = await essCalls(emu);
    expect(calls(again, "us2", SAVE) + calls(again, "eu2", SAVE)).toBe(4);

    // Events of each company now reach the gateway through its own subscriptions (no admin-configured URL).
    const before = (await admin(emu, "GET", "/webhooks/deliveries")).deliveries.length;
    await admin(emu, "POST", `/fis/companies/${DEMO.secondCompanyId}/documents`, { docType: "expense" });
    await waitFor(async () => (await admin(emu, "GET", "/webhooks/deliveries")).deliveries.slice(before).some((d: any) => d.outcome === "delivered" && d.status === 202), 10_000, "the eu2 event delivered");

    // A start of a gateway on the same store: one app token and one subscription per topic in each data center.
    await stack.stop();
    await admin(emu, "DELETE", "/ess/subscriptions");
    const beforeRestart = await essCalls(emu);
    const restarted = await essStack(emu, { connectDemo: false, managed: kept });
    await waitForMode(restarted, "ESS", 2, "both data centers after the restart");
    const after = await essCalls(emu);
    for (const dc of ["us2", "eu2"]) {
      expect(calls(after, dc, APP_TOKEN) - calls(beforeRestart, dc, APP_TOKEN), `app tokens in ${dc} at start`).toBe(1);
      expect(calls(after, dc, SAVE) - calls(beforeRestart, dc, SAVE), `subscriptions saved in ${dc} at start`).toBe(2);
    }
    // The webhook URL changed with the port: the subscriptions point at the new gateway.
    const moved = (await admin(emu, "GET", "/ess/subscriptions")).subscriptions as any[];
    expect(moved.every((s) => s.webHookConfig.endpoint === `${restarted.gateway.origin}/webhooks/concur`)).toBe(true);

    // The last company of a data center disconnecting removes that data center's subscriptions.
    await restarted.graphql(`mutation { disconnectCompany(companyId: "${DEMO.secondCompanyId}") }`);
    await waitForMode(restarted, "ESS", 1, "eu2 retired");
    await waitFor(async () => ((await admin(emu, "GET", "/ess/subscriptions")).subscriptions as any[]).every((s) => s.dataCenter === "us2"), 10_000, "the eu2 subscriptions deleted");
  }, 90_000);

  it("loses no event and accepts no forged one across a signing-key rotation", async () => {
    const oldKey = pem();
    const newKey = pem();
    const emu = await emulator(privatePem(oldKey));
    // The operator lists the current key and the one SAP published ahead of the rotation.
    const stack = await essStack(emu, { env: { CONCUR_WEBHOOK_PUBLIC_KEYS: `${publicPem(oldKey)}\n${publicPem(newKey)}` } });
    await waitForMode(stack, "ESS", 2, "the subscriptions");
    const stream = async (n: number) => {
      for (let i = 0; i < n; i += 1) {
        await admin(emu, "POST", `/fis/companies/${i % 2 === 0 ? DEMO.companyId : DEMO.secondCompanyId}/documents`, { docType: "expense" });
      }
    };
    // SAP switches keys between two bursts of events; deliveries of the first may still be on their way.
    await stream(10);
    await admin(emu, "POST", "/ess/signing-keys/rotate", { privateKeyPem: privatePem(newKey) });
    await stream(10);

    const deliveries = async () => (await admin(emu, "GET", "/webhooks/deliveries")).deliveries as any[];
    await waitFor(async () => (await deliveries()).filter((d) => d.outcome === "delivered").length === 20, 20_000, "20 events delivered");
    const log = await deliveries();
    expect(new Set(log.map((d) => d.eventId)).size).toBe(20);
    expect(log.filter((d) => d.outcome !== "delivered"), "no retry, no refusal").toEqual([]);
    expect(log.every((d) => d.status === 202)).toBe(true);

    const metrics = async () => (await (await request(`${stack.gateway.origin}/metrics`)).body.text());
    const verifiedBy = (text: string, key: ReturnType<typeof pem>) => {
      const id = signingKeyId(createPublicKey(publicPem(key)));
      return Number(new RegExp(`concur_graph_webhook_signing_key_verifications_total\\{key="${id}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const text = await metrics();
    expect(verifiedBy(text, oldKey)).toBe(10);
    expect(verifiedBy(text, newKey)).toBe(10);

    // Forged: another key, a tampered body signed with a real key, no signature at all. Each 401, none processed.
    const forger = pem();
    const event = JSON.parse(JSON.stringify({ id: "f0f0f0f0-0000-4000-8000-000000000001", eventType: "expense.readyForIntegration", topic: FIS, subtopic: "x", timeStamp: "2026-12-04T10:00:00.000+0000", route: "stable", data: null, correlationId: "c", facts: { companyId: DEMO.companyId, documentId: "FORGED1", entityId: "x", href: "https://example.invalid" } }));
    const body = Buffer.from(JSON.stringify(event));
    const pss = (data: Buffer, key: ReturnType<typeof pem>) => sign("sha256", data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString("base64");
    const tampered = Buffer.from(JSON.stringify({ ...event, id: "f0f0f0f0-0000-4000-8000-000000000002" }));
    const attempts: [Buffer, string | undefined][] = [
      [body, pss(body, forger)],
      [tampered, pss(body, newKey)],
      [tampered, pss(body, oldKey)],
      [body, undefined],
    ];
    for (const [payload, signature] of attempts) {
      const res = await request(`${stack.gateway.origin}/webhooks/concur`, { method: "POST", headers: { "content-type": "application/json", ...(signature ? { "concur-signature": signature } : {}) }, body: payload });
      await res.body.dump();
      expect(res.statusCode).toBe(401);
    }
    const textAfter = await metrics();
    expect(verifiedBy(textAfter, oldKey) + verifiedBy(textAfter, newKey)).toBe(20);
    expect(/concur_graph_webhook_requests_total\{status="202"\} (\d+)/.exec(textAfter)?.[1]).toBe("20");
    expect(/concur_graph_webhook_requests_total\{status="401"\} (\d+)/.exec(textAfter)?.[1]).toBe("4");
  }, 90_000);

  it("falls back to polling with the reason in GraphQL and /readyz while ESS answers errors, and subscribes once it recovers", async () => {
    const emu = await emulator();
    await admin(emu, "PUT", "/ess/config", { failWith: 503 });
    const stack = await essStack(emu);
    const polling = await waitFor(async () => {
      const state = await eventDelivery(stack);
      return state.mode === "POLLING" && state.dataCenters.length === 2 && state.dataCenters.every((dc: any) => dc.state === "FAILED") ? state : undefined;
    }, 20_000, "both data centers failed");
    expect(polling.reason).toContain("HTTP 503");
    for (const dc of polling.dataCenters) expect(dc.error).toContain("ESS is unavailable");

    const res = await request(`${stack.gateway.origin}/readyz`);
    const ready = (await res.body.json()) as any;
    // Polling covers: the gateway stays ready, and says why events are not pushed.
    expect(res.statusCode).toBe(200);
    expect(ready.checks.eventDelivery.mode).toBe("POLLING");
    expect(ready.checks.eventDelivery.reason).toContain("HTTP 503");
    expect(ready.checks.eventDelivery.dataCenters.map((dc: any) => dc.state)).toEqual(["FAILED", "FAILED"]);
    const metrics = await (await request(`${stack.gateway.origin}/metrics`)).body.text();
    expect(metrics).toMatch(/concur_graph_ess_polling_fallback 1/);
    expect(metrics).toMatch(/concur_graph_ess_data_centers_failed 2/);

    await admin(emu, "PUT", "/ess/config", { failWith: null });
    const recovered = await waitForMode(stack, "ESS", 2, "the retry after ESS recovered");
    expect(recovered.dataCenters.every((dc: any) => dc.state === "SUBSCRIBED" && dc.error === null)).toBe(true);
    const readyAfter = (await (await request(`${stack.gateway.origin}/readyz`)).body.json()) as any;
    expect(readyAfter.checks.eventDelivery).toEqual({ mode: "ESS", dataCenters: [{ name: expect.any(String), state: "SUBSCRIBED" }, { name: expect.any(String), state: "SUBSCRIBED" }] });
  }, 90_000);

  it("says why it does not manage subscriptions without PUBLIC_URL (UNMANAGED), in GraphQL and /readyz", async () => {
    const stack = await startStack({ managed: { connectDemo: false } });
    const state = await eventDelivery(stack);
    expect(state).toMatchObject({ mode: "UNMANAGED", webhookUrl: null, dataCenters: [], topics: [] });
    expect(state.reason).toContain("PUBLIC_URL is not set");
    const ready = (await (await request(`${stack.gateway.origin}/readyz`)).body.json()) as any;
    expect(ready.checks.eventDelivery).toMatchObject({ mode: "UNMANAGED", dataCenters: [] });
    // Without credentials the field is refused like every managed-mode read.
    expect((await stack.graphql(EVENT_DELIVERY, undefined, null)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    await stack.stop();
  }, 60_000);

  it("names a missing scope and the 5-per-app limit as reasons", async () => {
    const emu = await emulator();
    await admin(emu, "PUT", "/ess/config", { appScopes: ["events.topic.read", "spend.accountingintegration.read"] });
    const stack = await essStack(emu, { connectDemo: false });
    await connectThroughLanding(stack.gateway, stack.config, emu, DEMO.companyId, stack.token);
    const narrow = await waitForMode(stack, "POLLING", 1, "the missing FIS scope");
    expect(narrow.reason).toContain(`${FIS} (needs scope FISVC`);
    // What the app may subscribe to is subscribed all the same.
    expect(narrow.dataCenters[0].subscriptions.map((s: any) => s.topic)).toEqual([AIS]);

    // Five subscriptions of the same app already fill eu2 (another tool, or an older deployment).
    await admin(emu, "PUT", "/ess/config", { appScopes: ["events.topic.read", "spend.accountingintegration.read", "FISVC"] });
    const eu = emu.dataCenters[1].url;
    const token = await request(`${eu}/oauth2/v0/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: stack.config.managed!.clientId, client_secret: stack.config.managed!.clientSecret }).toString() });
    const { access_token: appToken } = (await token.body.json()) as { access_token: string };
    for (let i = 1; i <= 5; i += 1) {
      const res = await request(`${eu}/events/v4/subscriptions/webhook`, { method: "PUT", headers: { authorization: `Bearer ${appToken}`, "content-type": "application/json" }, body: JSON.stringify({ id: `legacy.tool.${i}`, topic: AIS, filter: ".*", webHookConfig: { endpoint: "https://legacy.example/hook" } }) });
      await res.body.dump();
      expect(res.statusCode).toBe(200);
    }
    await connectThroughLanding(stack.gateway, stack.config, emu, DEMO.secondCompanyId, stack.token);
    const full = await waitFor(async () => {
      const state = await eventDelivery(stack);
      const euState = state.dataCenters.find((dc: any) => dc.baseUrl === eu);
      return euState?.state === "FAILED" && state.dataCenters.find((dc: any) => dc.baseUrl !== eu)?.state === "SUBSCRIBED" ? state : undefined;
    }, 20_000, "eu2 refused by the limit, us2 subscribed");
    expect(full.mode).toBe("POLLING");
    expect(full.reason).toContain("5 subscriptions per app");
    expect(full.reason).toContain("legacy.tool.1");
    // The gateway never deleted subscriptions that are not its own.
    expect(((await admin(emu, "GET", "/ess/subscriptions")).subscriptions as any[]).filter((s) => s.id.startsWith("legacy.")).length).toBe(5);
    await stack.stop();
  }, 60_000);
});
