import { constants, verify } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../src/emulator/index.js";
import { elapse } from "../../helpers/wait.js";
import { call, fakeClock, startReceiver, startWithErp, waitFor, waitForFinal } from "../helpers.js";

const clock = fakeClock();
let emu: RunningEmulator;
let token: string;
let base: string;
let companyId: string;
let erpId: string;
let admin: string;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

async function receiver(statuses?: number[]) {
  const r = await startReceiver(statuses);
  receivers.push(r);
  emu.setWebhookUrls([r.url]);
  return r;
}

async function patchLists(data: unknown[] = [{ id: "L", name: "n" }]) {
  clock.advance(1_000);
  const r = await call(emu.url, "PATCH", `${base}/lists`, { token, body: { data } });
  expect(r.status).toBe(202);
  return r.json.requestId as string;
}

const deliveries = async () => (await call(emu.url, "GET", "/_emulator/webhooks/deliveries")).json.deliveries as {
  eventId: string; eventType: string; url: string; status: number | null; attempt: number; outcome: string; duplicate: boolean;
}[];

beforeAll(async () => {
  ({ emu, token, base, companyId, erpId } = await startWithErp({ now: clock.now, webhookRetryBaseMs: 20 }));
  admin = `/_emulator/companies/${companyId}/erps/${erpId}`;
});
afterEach(async () => {
  await call(emu.url, "PUT", "/_emulator/faults", { body: { webhookDuplicateRate: 0, webhookReorder: false, webhooksEnabled: true } });
});
afterAll(async () => {
  await emu.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

describe("ESS webhook delivery", () => {
  it("POSTs a data.statusUpdated event whose Concur-Signature verifies with the published key", async () => {
    const hooks = await receiver();
    const requestId = await patchLists([{ id: "ok", name: "ok" }, { id: "bad" }]);
    const [hook] = await waitFor(() => (hooks.received.length > 0 ? hooks.received : undefined));
    const publicKey = (await call(emu.url, "GET", "/_emulator/public-key")).text;
    expect(publicKey).toContain("BEGIN PUBLIC KEY");
    expect(publicKey).toBe(emu.publicKeyPem);
    const signature = Buffer.from(String(hook.headers["concur-signature"]), "base64");
    const ok = verify("sha256", hook.raw, {
      key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO,
    }, signature);
    expect(ok).toBe(true);
    // A tampered body must not verify.
    const tampered = Buffer.from(hook.raw.toString().replace("PARTIAL", "SUCCESS"));
    expect(verify("sha256", tampered, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature)).toBe(false);

    expect(hook.headers["content-type"]).toBe("application/json");
    expect(hook.headers["concur-correlationid"]).toBe(hook.event.correlationId);
    expect(hook.event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlationId: expect.any(String),
      eventType: "data.statusUpdated",
      topic: "public.concur.spend.accountingintegration",
      subtopic: null,
      timeStamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      facts: {
        companyId, erpId, partnerId: expect.any(String),
        data: { requestId, status: "PARTIAL", companyId, erpId, _links: { errors: { href: `/v4/companies/${companyId}/requests/${requestId}/errors` } } },
      },
    });
  });

  it("retries on 500 with backoff until the subscriber answers 200", async () => {
    const hooks = await receiver([500, 503, 200]);
    await patchLists();
    await waitFor(() => hooks.received.length >= 3, 5_000, "three attempts");
    const ids = new Set(hooks.received.map((h) => h.event.id));
    expect(ids.size).toBe(1);
    const log = (await deliveries()).filter((d) => d.eventId === [...ids][0]);
    expect(log.map((d) => [d.attempt, d.status, d.outcome])).toEqual([[1, 500, "retrying"], [2, 503, "retrying"], [3, 200, "delivered"]]);
  });

  it("retries on 401/403/429 but not on another 4xx", async () => {
    const retried = await receiver([429, 401, 403, 200]);
    await patchLists();
    await waitFor(() => retried.received.length >= 4, 5_000, "four attempts");
    const rejecting = await receiver([400]);
    const requestId = await patchLists();
    await waitForFinal(emu, token, base, requestId);
    await waitFor(async () => (await deliveries()).some((d) => d.outcome === "rejected"), 5_000, "rejected delivery");
    // Proves a retry does NOT happen: a bounded wait giving a would-be retry (base 20 ms) ample opportunity.
    await elapse(150);
    expect(rejecting.received).toHaveLength(1);
  });

  it("retries on network errors and gives up after the 72 h retention", async () => {
    const hooks = await receiver([500]);
    await patchLists();
    await waitFor(() => hooks.received.length >= 1);
    clock.advance(72 * 3_600_000);
    await waitFor(async () => (await deliveries()).some((d) => d.outcome === "expired"), 5_000, "expired delivery");
    const count = hooks.received.length;
    // Proves no further delivery happens after expiry: a bounded wait of several retry periods.
    await elapse(100);
    expect(hooks.received.length).toBe(count);

    emu.setWebhookUrls(["http://127.0.0.1:9/unreachable"]);
    await patchLists();
    await waitFor(async () => (await deliveries()).filter((d) => d.outcome === "network-error").length >= 2, 5_000, "network retries");
  });

  it("duplicate fault delivers the same signed event twice", async () => {
    const hooks = await receiver();
    await call(emu.url, "PUT", "/_emulator/faults", { body: { webhookDuplicateRate: 1 } });
    await patchLists();
    await waitFor(() => hooks.received.length >= 2);
    expect(hooks.received[0].raw.equals(hooks.received[1].raw)).toBe(true);
    expect(hooks.received[0].headers["concur-signature"]).toBe(hooks.received[1].headers["concur-signature"]);
  });

  it("reorder fault delivers a batch of events in reverse order", async () => {
    const hooks = await receiver();
    await call(emu.url, "PUT", "/_emulator/faults", { body: { webhookReorder: true } });
    await call(emu.url, "PUT", "/_emulator/config", { body: { processingPaused: true } });
    clock.advance(1_000);
    const first = await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: [] } });
    const second = await call(emu.url, "PATCH", `${base}/vendors`, { token, body: { data: [] } });
    expect((await call(emu.url, "GET", `${base}/requests/${first.json.requestId}`, { token })).json.status).toBe("PROCESSING");
    await call(emu.url, "PUT", "/_emulator/config", { body: { processingPaused: false } });
    await waitFor(() => hooks.received.length >= 2);
    expect(hooks.received.map((h) => h.event.facts.data.requestId)).toEqual([second.json.requestId, first.json.requestId]);
  });

  it("webhooksEnabled=false delivers nothing", async () => {
    const hooks = await receiver();
    await call(emu.url, "PUT", "/_emulator/faults", { body: { webhooksEnabled: false } });
    const requestId = await patchLists();
    await waitForFinal(emu, token, base, requestId);
    await waitFor(async () => (await deliveries()).some((d) => d.outcome === "suppressed"));
    expect(hooks.received).toHaveLength(0);
  });

  it("admin changes emit mapping.updated, listMapping.created/deleted and data.resetRequested", async () => {
    const hooks = await receiver();
    const mappings = (await call(emu.url, "GET", `${base}/mappings`, { token })).json;
    const onlyPolicies = await call(emu.url, "PUT", `${admin}/mappings`, { body: { ...mappings, invoicePolicies: [] } });
    expect(onlyPolicies.json.eventEmitted).toBe(false);
    await call(emu.url, "PUT", `${admin}/mappings`, { body: { ...mappings, companyEdition: "STANDARD" } });
    const mapping = { erpListId: "LST-0042", concurListId: "c1", fieldMappings: [{ formTypeCode: "report", fields: [{ alternateFieldId: "custom5", level: 1 }], connectedLists: [] }] };
    await call(emu.url, "POST", `${admin}/list-mappings`, { body: mapping });
    await call(emu.url, "DELETE", `${admin}/list-mappings/LST-0042`);
    expect((await call(emu.url, "DELETE", `${admin}/list-mappings/LST-0042`)).status).toBe(404);
    await call(emu.url, "POST", `${admin}/reset-requested`, { body: { objectTypes: ["ACCOUNT", "VENDOR"] } });
    await waitFor(() => hooks.received.length >= 4);
    const events = hooks.received.map((h) => h.event);
    expect(events.map((e) => e.eventType)).toEqual(["mapping.updated", "listMapping.created", "listMapping.deleted", "data.resetRequested"]);
    expect(events[0].facts).toEqual({ companyId, erpId, partnerId: expect.any(String) });
    expect(events[1].facts.data).toEqual([mapping]);
    expect(events[2].facts.data).toEqual([{ erpListId: "LST-0042", concurListId: "c1" }]);
    expect(events[3].facts.data).toBe('{"accountingObjects":["ACCOUNT","VENDOR"]}');
    expect((await call(emu.url, "GET", `${base}/mappings`, { token })).json.companyEdition).toBe("STANDARD");
  });
});
