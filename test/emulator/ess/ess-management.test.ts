// ESS v4 management API and delivery, over real HTTP: app tokens per data center, M1–M5 (and M3'), the 5-per-app
// limit, global ids, companies joining subscriptions when they obtain a company token, delivery by topic / filter /
// company / data center, injected failures, and signing-key rotation.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../../src/emulator/index.js";
import { verifyConcurSignature } from "../../../src/subscriptions/signature.js";
import { registerCleanup } from "../../helpers/cleanup.js";
import { call, testKeyPem, waitFor } from "../helpers.js";

const TOKEN = "/oauth2/v0/token";
const FIS = "public.concur.financialintegration";
const AIS = "public.concur.spend.accountingintegration";
const OTHER_APP = { clientId: "a0000000-0000-4000-8000-00000000a002", clientSecret: "other-secret" };
const app = { client_id: EMULATOR_CLIENT_ID, client_secret: EMULATOR_CLIENT_SECRET };
const otherApp = { client_id: OTHER_APP.clientId, client_secret: OTHER_APP.clientSecret };
const form = (fields: Record<string, string>) => ({ rawBody: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });

let emu: RunningEmulator;
let us: string;
let eu: string;
let receiver: { url: string; received: { headers: IncomingHttpHeaders; body: Buffer }[]; server: Server };

const admin = (method: string, path: string, body?: unknown) => call(emu.url, method, `/_emulator${path}`, { body });
const appToken = async (base: string, creds = app): Promise<string> => {
  const r = await call(base, "POST", TOKEN, form({ ...creds, grant_type: "client_credentials" }));
  expect(r.status).toBe(200);
  expect(r.json.refresh_token).toBeUndefined();
  expect(r.json.geolocation).toBe(base);
  return r.json.access_token;
};
const put = (base: string, token: string, body: unknown) => call(base, "PUT", "/events/v4/subscriptions/webhook", { token, body });
const sub = (id: string, topic = FIS, endpoint = receiver.url, filter = ".*") => ({ id, topic, filter, webHookConfig: { endpoint } });
const connectCompany = async (companyId: string) => {
  const rt = await admin("POST", `/companies/${companyId}/request-token`);
  const r = await call(emu.tokenUrl, "POST", TOKEN, form({ ...app, grant_type: "password", username: companyId, password: rt.json.requestToken, credtype: "authtoken" }));
  expect(r.status).toBe(200);
};
const newFisDocument = (companyId: string) => admin("POST", `/fis/companies/${companyId}/documents`, { docType: "expense" });

beforeAll(async () => {
  emu = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo", webhookRetryBaseMs: 20, clients: [{ clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET }, OTHER_APP] });
  registerCleanup("ess emulator", () => emu.stop());
  us = emu.dataCenters[0].url;
  eu = emu.dataCenters[1].url;
  const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registerCleanup("ess receiver", () => new Promise<void>((resolve) => server.close(() => resolve())));
  receiver = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await admin("POST", "/reset");
  receiver.received.length = 0;
});

describe("app tokens and the management API", () => {
  it("lists the topics the app token has scopes for; none with events.topic.read alone", async () => {
    const token = await appToken(us);
    const topics = await call(us, "GET", "/events/v4/topics", { token });
    expect(topics.status).toBe(200);
    expect(topics.json.sort()).toEqual([FIS, AIS].sort());
    await admin("PUT", "/ess/config", { appScopes: ["events.topic.read"] });
    const narrow = await call(us, "GET", "/events/v4/topics", { token: await appToken(us) });
    expect(narrow.json).toEqual([]);
    const refused = await put(us, await appToken(us), sub("cg.narrow.us2"));
    expect(refused.status).toBe(403);
    expect(refused.json.message).toContain("FISVC");
  });

  it("upserts by id, lists (both paths), reads one as an array, deletes asynchronously", async () => {
    const token = await appToken(us);
    const saved = await put(us, token, sub("cg.fis.us2"));
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual({ message: "Subscription 'cg.fis.us2' saved successfully" });
    expect((await put(us, token, sub("cg.fis.us2", FIS, `${receiver.url}?v=2`))).status).toBe(200);
    for (const path of ["/events/v4/subscriptions", "/events/v4/subscriptions/webhook"]) {
      const list = await call(us, "GET", path, { token });
      expect(list.status).toBe(200);
      expect(list.json).toHaveLength(1);
      expect(list.json[0]).toMatchObject({ id: "cg.fis.us2", topic: FIS, filter: ".*", webHookConfig: { endpoint: `${receiver.url}?v=2` }, applicationId: EMULATOR_CLIENT_ID, companyIds: [], groups: [], scope: "" });
    }
    const one = await call(us, "GET", "/events/v4/subscriptions/cg.fis.us2", { token });
    expect(Array.isArray(one.json) && one.json[0].id).toBe("cg.fis.us2");
    await admin("PUT", "/ess/config", { singleObject: true });
    expect((await call(us, "GET", "/events/v4/subscriptions/cg.fis.us2", { token })).json.id).toBe("cg.fis.us2");
    const deleted = await call(us, "DELETE", "/events/v4/subscriptions/cg.fis.us2", { token });
    expect(deleted.json).toEqual({ message: "Subscription 'cg.fis.us2' marked for deletion" });
    await waitFor(async () => (await call(us, "GET", "/events/v4/subscriptions", { token })).json.length === 0, 5_000, "the deletion");
  });

  it("needs an app token of the same data center; a company token is refused", async () => {
    const euToken = await appToken(eu);
    expect((await call(us, "GET", "/events/v4/subscriptions", { token: euToken })).status).toBe(401);
    expect((await call(us, "GET", "/events/v4/subscriptions")).status).toBe(401);
    expect((await call(us, "GET", "/events/v4/subscriptions", { token: emu.issueToken(DEMO.companyId) })).status).toBe(401);
    // …and an app token is refused by the company APIs.
    const accounts = await call(us, "GET", `/accountingintegration/v4/companies/${DEMO.companyId}/erps/${DEMO.erpId}/accounts`, { token: await appToken(us) });
    expect(accounts.status).toBe(401);
  });

  it("keeps ids globally unique and at most 5 subscriptions per app in a data center", async () => {
    const usToken = await appToken(us);
    const euToken = await appToken(eu);
    expect((await put(us, usToken, sub("cg.taken"))).status).toBe(200);
    const elsewhere = await put(eu, euToken, sub("cg.taken"));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.message).toContain("already taken");
    expect((await put(us, await appToken(us, otherApp), sub("cg.taken"))).status).toBe(400);
    for (let i = 1; i < 5; i += 1) expect((await put(us, usToken, sub(`cg.n${i}`))).status).toBe(200);
    const sixth = await put(us, usToken, sub("cg.n5"));
    expect(sixth.status).toBe(400);
    expect(sixth.json.message).toContain("at most 5");
    // Updating one of the five still works; another app and another data center have their own five.
    expect((await put(us, usToken, sub("cg.n1", AIS))).status).toBe(200);
    expect((await put(eu, euToken, sub("cg.eu.1"))).status).toBe(200);
    expect((await put(us, await appToken(us, otherApp), sub("other.1"))).status).toBe(200);
    expect((await put(us, usToken, { id: "Bad_Id", topic: FIS, webHookConfig: { endpoint: receiver.url } })).status).toBe(400);
    expect((await put(us, usToken, { id: "cg.x", topic: "public.unknown", webHookConfig: { endpoint: receiver.url } })).status).toBe(400);
  });

  it("answers every management call with the injected failure", async () => {
    const token = await appToken(us);
    await admin("PUT", "/ess/config", { failWith: 503 });
    const r = await call(us, "GET", "/events/v4/topics", { token });
    expect(r.status).toBe(503);
    expect(typeof r.json.message).toBe("string");
    const calls = (await admin("GET", "/ess/calls")).json.calls;
    expect(calls.us2["GET /events/v4/topics"]).toBe(1);
    expect(calls.us2["POST /oauth2/v0/token client_credentials"]).toBe(1);
  });
});

describe("companyIds and delivery", () => {
  it("fills companyIds from company tokens (before and after the subscription) and delivers only subscribed companies' events of the topic", async () => {
    await connectCompany(DEMO.companyId); // us2, before the subscription exists
    const token = await appToken(us);
    await put(us, token, sub("cg.fis.us2"));
    await put(us, token, sub("cg.ais.us2", AIS, `${receiver.url}?ais`));
    const list = (await call(us, "GET", "/events/v4/subscriptions", { token })).json;
    expect(list.every((s: { companyIds: string[] }) => s.companyIds.includes(DEMO.companyId))).toBe(true);

    await newFisDocument(DEMO.companyId);
    await waitFor(() => receiver.received.length === 1, 5_000, "the FIS event");
    const [delivery] = receiver.received;
    const event = JSON.parse(delivery.body.toString("utf8"));
    expect(event).toMatchObject({ topic: FIS, facts: { companyId: DEMO.companyId } });
    expect(verifyConcurSignature(delivery.body, delivery.headers["concur-signature"] as string, emu.publicKeyPem)).toBe(true);

    // The second demo company lives in eu2 and obtained no token: no subscription delivers its events.
    await newFisDocument(DEMO.secondCompanyId);
    await connectCompany(DEMO.secondCompanyId);
    const euToken = await appToken(eu);
    await put(eu, euToken, sub("cg.fis.eu2", FIS, `${receiver.url}?eu`));
    expect((await call(eu, "GET", "/events/v4/subscriptions", { token: euToken })).json[0].companyIds).toEqual([DEMO.secondCompanyId]);
    // The us2 subscriptions did not gain the eu2 company.
    expect((await call(us, "GET", "/events/v4/subscriptions", { token })).json.every((s: { companyIds: string[] }) => !s.companyIds.includes(DEMO.secondCompanyId))).toBe(true);
    await newFisDocument(DEMO.secondCompanyId);
    await waitFor(() => receiver.received.some((r) => r.body.toString().includes(DEMO.secondCompanyId)), 5_000, "the eu2 event");
    const deliveries = (await admin("GET", "/webhooks/deliveries")).json.deliveries as { url: string }[];
    expect(deliveries.map((d) => d.url).sort()).toEqual([receiver.url, `${receiver.url}?eu`].sort());
  });

  it("applies the filter to the whole eventType", async () => {
    await connectCompany(DEMO.companyId);
    const token = await appToken(us);
    await put(us, token, sub("cg.invoice-only", FIS, receiver.url, "invoice\\.readyForIntegration"));
    await newFisDocument(DEMO.companyId);
    await admin("POST", `/fis/companies/${DEMO.companyId}/documents`, { docType: "invoice" });
    await waitFor(() => receiver.received.length >= 1, 5_000, "the invoice event");
    const deliveries = (await admin("GET", "/webhooks/deliveries")).json.deliveries as { eventType: string }[];
    expect(deliveries.map((d) => d.eventType)).toEqual(["invoice.readyForIntegration"]);
  });
});

describe("signing-key rotation", () => {
  it("signs new deliveries with the new key and publishes the old one as previous", async () => {
    await connectCompany(DEMO.companyId);
    await put(us, await appToken(us), sub("cg.fis.us2"));
    const oldKey = emu.publicKeyPem;
    const next = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rotated = await admin("POST", "/ess/signing-keys/rotate", { privateKeyPem: next.privateKey.export({ type: "pkcs8", format: "pem" }) });
    expect(rotated.status).toBe(200);
    const newKey = next.publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(rotated.json).toEqual({ current: newKey, previous: [oldKey] });
    expect(emu.publicKeyPem).toBe(newKey);
    expect((await admin("GET", "/ess/public-keys")).json.current).toBe(newKey);
    await newFisDocument(DEMO.companyId);
    await waitFor(() => receiver.received.length === 1, 5_000, "the event after the rotation");
    const [delivery] = receiver.received;
    const signature = delivery.headers["concur-signature"] as string;
    expect(verifyConcurSignature(delivery.body, signature, newKey)).toBe(true);
    expect(verifyConcurSignature(delivery.body, signature, oldKey)).toBe(false);
    await admin("POST", "/reset");
    expect(emu.publicKeyPem).toBe(oldKey);
  });
});
