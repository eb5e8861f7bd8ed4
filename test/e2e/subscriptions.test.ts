// Subscriptions end to end (issue 5): real HTTP + graphql-ws against the gateway in front of the Concur emulator.
// Mutations go through the gateway, the emulator processes them and delivers signed ESS webhooks (with faults),
// and graphql-ws subscribers assert what reaches them. No fixed sleeps: readiness is proven by probe events.
import { constants, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import type { DocumentNode } from "graphql";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_TOPIC } from "../../src/emulator/index.js";
import {
  MappingsChangedDocument,
  MappingsDocument,
  RequestStatusChangedDocument,
  RequestStatusChangedLightDocument,
  ResetRequestedDocument,
  UpsertAccountsDocument,
} from "../generated/graphql.js";
import { waitForFinalStatus } from "../helpers/requests.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { subscribe, type Subscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

// ---------------------------------------------------------------------------------------------------------------
// graphql-ws client helpers (subscribe: test/helpers/subscriber.ts)


/**
 * Proves a subscription is live server side: sends a probe (a real event) and waits briefly for it to arrive,
 * repeating until one does. Returns the number of events seen, so later assertions can skip the probes.
 */
async function untilLive(sub: Subscriber<unknown>, probe: () => Promise<void>, what: string): Promise<number> {
  await waitFor(
    async () => {
      const before = sub.events.length;
      await probe();
      try {
        await waitFor(() => sub.events.length > before, 300, what);
        return true;
      } catch {
        return false;
      }
    },
    15_000,
    `${what} to be live`,
  );
  // A late probe may still be on its way: let the count settle on what has arrived.
  return sub.events.length;
}

// ---------------------------------------------------------------------------------------------------------------
// ESS events signed with our own "Concur" key (the emulator signs with the same key)

const concurKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
const forgerKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
const concurPrivatePem = concurKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

const signBody = (body: Buffer, key: KeyObject = concurKey.privateKey) =>
  sign("sha256", body, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString("base64");

function essEvent(eventType: string, companyId: string, erpId: string, data: unknown, id: string = randomUUID()) {
  return {
    id,
    correlationId: randomUUID(),
    eventType,
    topic: EVENT_TOPIC,
    subtopic: null,
    timeStamp: new Date().toISOString(),
    facts: { companyId, erpId, partnerId: "concur-graph-tests", data },
  };
}

const statusEvent = (companyId: string, erpId: string, requestId: string, status: string, id?: string) =>
  essEvent("data.statusUpdated", companyId, erpId, { requestId, status, _links: { errors: { href: `/v4/companies/${companyId}/requests/${requestId}/errors` } } }, id);

interface PostOptions {
  /** Signature header value; default: a valid signature of the body. `null` sends none. */
  signature?: string | null;
  /** Bytes to send instead of the signed body (tampering). */
  sendBody?: Buffer;
}

async function postEvent(stack: Stack, event: unknown, options: PostOptions = {}): Promise<{ status: number; body: any }> {
  const body = Buffer.from(typeof event === "string" ? event : JSON.stringify(event));
  const signature = options.signature === undefined ? signBody(body) : options.signature;
  const res = await request(`${stack.gateway.origin}/webhooks/concur`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature === null ? {} : { "concur-signature": signature }) },
    body: options.sendBody ?? body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// Operations (the shared ones: test/operations/*.graphql -> test/generated/graphql.ts)

const STATUS_SUBSCRIPTION = RequestStatusChangedDocument;
/** Without `errors`: company-wide subscribers also see made-up request ids that Concur does not know. */
const STATUS_LIGHT_SUBSCRIPTION = RequestStatusChangedLightDocument;
const UPSERT_ACCOUNTS = UpsertAccountsDocument;

const VENDORS_AND_ACCOUNTS = /* GraphQL */ `
  mutation VendorsAndAccounts($companyId: ID!, $erpId: ID!, $vendors: [VendorInput!]!, $accounts: [AccountInput!]!) {
    vendors: upsertVendors(companyId: $companyId, erpId: $erpId, vendors: $vendors) {
      request {
        requestId
        status
      }
      sentIds
      rejected {
        id
      }
    }
    accounts: upsertAccounts(companyId: $companyId, erpId: $erpId, accounts: $accounts) {
      request {
        requestId
        status
      }
      sentIds
      rejected {
        id
      }
    }
  }
`;

type StatusEvent = {
  requestStatusChanged: {
    companyId: string;
    erpId: string;
    requestId: string;
    status: string;
    errors?: { edges: { node: { errorCode: string | null; validationErrors: { source: string | null; errorCode: string | null }[] } }[] };
  };
};

const FINAL = new Set(["SUCCESS", "PARTIAL", "ERROR"]);
const statusesOf = (sub: Subscriber<StatusEvent>) => sub.events.map((e) => e.requestStatusChanged.status);
const finalsOf = (sub: Subscriber<StatusEvent>) => sub.events.filter((e) => FINAL.has(e.requestStatusChanged.status));

const newAccount = (name = "Subscriptions e2e") => ({ id: `ACC-SUB-${randomUUID().slice(0, 8)}`, name, number: "70000", type: "EXPENSE" });

/** Upserts one valid account through the gateway; returns its request id (PROCESSING). */
async function upsertOneAccount(stack: Stack, companyId = stack.companyId, erpId = stack.erpId, token?: string): Promise<string> {
  const res = await stack.graphql(UPSERT_ACCOUNTS, { companyId, erpId, accounts: [newAccount()] }, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.upsertAccounts.rejected).toEqual([]);
  return res.data.upsertAccounts.request.requestId as string;
}

const setProcessingPaused = (stack: Stack, paused: boolean) => stack.admin("PUT", "/config", { processingPaused: paused });

async function deliveries(stack: Stack): Promise<Array<{ eventId: string; eventType: string; url: string; status: number | null; outcome: string; duplicate: boolean }>> {
  return (await stack.admin("GET", "/webhooks/deliveries")).deliveries;
}

// ---------------------------------------------------------------------------------------------------------------

describe("subscriptions end to end: ESS webhooks -> graphql-ws", () => {
  let stack: Stack;
  const open: Subscriber<unknown>[] = [];
  const track = <T>(sub: Subscriber<T>): Subscriber<T> => {
    open.push(sub as Subscriber<unknown>);
    return sub;
  };
  const sub = <T = StatusEvent>(query: string | DocumentNode, variables: Record<string, unknown>, token: string | null = stack.token) =>
    track(subscribe<T>(stack.gateway.wsUrl, token, query, variables));

  /** A company-wide status subscriber of the demo ERP, proven live with signed probe events. */
  async function liveCompanySubscriber(companyId = stack.companyId, erpId = stack.erpId, token = stack.token) {
    const s = sub<StatusEvent>(STATUS_LIGHT_SUBSCRIPTION, { companyId, erpId }, token);
    const probes = new Set<string>();
    const seen = await untilLive(
      s as Subscriber<unknown>,
      async () => {
        const probeId = `probe-${randomUUID()}`;
        probes.add(probeId);
        expect((await postEvent(stack, statusEvent(companyId, erpId, probeId, "SUCCESS"))).status).toBe(202);
      },
      "company-wide status subscription",
    );
    return { sub: s, probes, seen };
  }

  beforeAll(async () => {
    // POLL_FALLBACK_MS is long here, so every status in this suite comes from a webhook (the fallback has its own suite).
    stack = await startStack({ emulator: { privateKeyPem: concurPrivatePem }, env: { POLL_FALLBACK_MS: "60000" } });
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await stack?.stop();
  });

  it("done when: a PARTIAL batch, signed webhook with duplicate + reorder faults -> exactly one final status with its errors, then complete", async () => {
    await stack.admin("PUT", "/faults", { webhookDuplicateRate: 1, webhookReorder: true });
    await setProcessingPaused(stack, true);
    try {
      // V-00001 is a demo ACCOUNTING vendor: sending it as EMPLOYEE passes the gateway's validation but Concur
      // refuses the type change per record (type.cannot.update); the second vendor is fine -> PARTIAL.
      const res = await stack.graphql(VENDORS_AND_ACCOUNTS, {
        companyId: stack.companyId,
        erpId: stack.erpId,
        vendors: [
          { id: "V-00001", type: "EMPLOYEE", currencyCode: "USD", firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", employeeId: "E-ADA" },
          { id: `V-SUB-${randomUUID().slice(0, 8)}`, type: "ACCOUNTING", currencyCode: "USD", name: "Subscriptions Vendor", companyName: "Subscriptions Inc." },
        ],
        accounts: [newAccount()],
      });
      expect(res.errors).toBeUndefined();
      expect(res.data.vendors.rejected).toEqual([]);
      expect(res.data.vendors.sentIds).toHaveLength(2);
      expect(res.data.vendors.request.status).toBe("PROCESSING");
      const vendorRequestId: string = res.data.vendors.request.requestId;
      const accountRequestId: string = res.data.accounts.request.requestId;
      expect(accountRequestId).not.toBe(vendorRequestId);

      const vendors = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId: vendorRequestId });
      const vendors2 = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId: vendorRequestId });
      const accounts = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId: accountRequestId });
      // The latest known status (PROCESSING, recorded by the mutation) is replayed: proof the subscribers are live.
      await waitFor(() => [vendors, vendors2, accounts].every((s) => s.events.length >= 1), 5_000, "PROCESSING replay");
      for (const s of [vendors, vendors2, accounts]) expect(statusesOf(s)).toEqual(["PROCESSING"]);
      const deliveredBefore = (await deliveries(stack)).length;

      // Both requests finish in the same tick: their two events are held and delivered reversed, each twice.
      await setProcessingPaused(stack, false);
      await Promise.all([vendors.done, vendors2.done, accounts.done].map((done) => waitFor(() => done.then(() => true), 10_000, "subscriptions to complete")));

      for (const s of [vendors, vendors2]) {
        expect(s.errors).toBeUndefined();
        expect(s.completed).toBe(true);
        expect(statusesOf(s)).toEqual(["PROCESSING", "PARTIAL"]);
        const final = finalsOf(s)[0]!.requestStatusChanged;
        expect(final.requestId).toBe(vendorRequestId);
        expect(final.errors!.edges).toHaveLength(1);
        expect(final.errors!.edges[0]!.node.validationErrors).toContainEqual({ source: "type", errorCode: "type.cannot.update" });
      }
      expect(accounts.completed).toBe(true);
      expect(statusesOf(accounts)).toEqual(["PROCESSING", "SUCCESS"]);
      expect(finalsOf(accounts)[0]!.requestStatusChanged.errors!.edges).toEqual([]);

      // The faults really fired: two events, each delivered twice; the gateway took one copy (202) and
      // answered the other as a duplicate (200).
      await waitFor(async () => (await deliveries(stack)).length - deliveredBefore >= 4, 5_000, "4 webhook deliveries");
      const fresh = (await deliveries(stack)).slice(deliveredBefore).filter((d) => d.eventType === "data.statusUpdated");
      const byEvent = new Map<string, typeof fresh>();
      for (const d of fresh) byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
      expect(byEvent.size).toBe(2);
      for (const copies of byEvent.values()) {
        expect(copies.map((d) => d.duplicate).sort()).toEqual([false, true]);
        expect(copies.map((d) => d.status).sort()).toEqual([200, 202]);
        expect(copies.every((d) => d.outcome === "delivered")).toBe(true);
      }
      // Nothing was polled: the final statuses came from the webhooks.
      expect(stack.gateway.services.poller.size).toBe(0);
    } finally {
      await stack.admin("PUT", "/faults", { webhookDuplicateRate: 0, webhookReorder: false });
      await setProcessingPaused(stack, false);
    }
  });

  it("forged signature: 401 and nothing published (a valid event sent afterwards is the one that arrives)", async () => {
    await setProcessingPaused(stack, true);
    try {
      const requestId = await upsertOneAccount(stack);
      const one = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId });
      await waitFor(() => one.events.length === 1, 5_000, "PROCESSING replay");
      const company = await liveCompanySubscriber();

      const forged = statusEvent(stack.companyId, stack.erpId, requestId, "SUCCESS");
      const forgedBody = Buffer.from(JSON.stringify(forged));
      // Signed by another key; valid signature over other bytes (tampered); no signature; junk.
      expect(await postEvent(stack, forged, { signature: signBody(forgedBody, forgerKey.privateKey) })).toMatchObject({ status: 401 });
      const genuine = Buffer.from(JSON.stringify(statusEvent(stack.companyId, stack.erpId, requestId, "ERROR")));
      expect(await postEvent(stack, forged, { signature: signBody(genuine) })).toMatchObject({ status: 401 });
      expect(await postEvent(stack, forged, { signature: null })).toMatchObject({ status: 401 });
      expect(await postEvent(stack, forged, { signature: "bm90IGEgc2lnbmF0dXJl" })).toMatchObject({ status: 401 });
      // A forged event is not de-duplicated either: the genuine event with the same id still goes through later.
      // Validly signed but not JSON -> 400.
      expect(await postEvent(stack, "{not json")).toMatchObject({ status: 400 });

      // Sentinel: a validly signed ERROR with the forged event's id. Had the forged SUCCESS been published (or
      // its id remembered), the subscriber would see SUCCESS (and ERROR would be dropped as a later final).
      const sentinel = { ...statusEvent(stack.companyId, stack.erpId, requestId, "ERROR"), id: forged.id };
      expect(await postEvent(stack, sentinel)).toMatchObject({ status: 202 });
      await one.done;
      expect(one.errors).toBeUndefined();
      expect(statusesOf(one)).toEqual(["PROCESSING", "ERROR"]);
      await waitFor(() => company.sub.events.length > company.seen, 5_000, "the sentinel at the company-wide subscriber");
      const after = company.sub.events.slice(company.seen).filter((e) => !company.probes.has(e.requestStatusChanged.requestId));
      expect(after.map((e) => [e.requestStatusChanged.requestId, e.requestStatusChanged.status])).toEqual([[requestId, "ERROR"]]);
    } finally {
      await setProcessingPaused(stack, false);
    }
  });

  it("tenant isolation: another company's token is FORBIDDEN on this company; a company never hears another's requests", async () => {
    const { companyId: otherCompany } = await stack.admin("POST", "/companies", {});
    const otherToken = stack.emulator.issueToken(otherCompany);
    const { erpId: otherErp } = await stack.admin("POST", `/companies/${otherCompany}/register-erp`, {});

    await setProcessingPaused(stack, true);
    try {
      const requestId = await upsertOneAccount(stack);
      // Company B's token on company A's request / ERP / company: refused, never any event.
      const intruders = [
        sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId }, otherToken),
        sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId }, otherToken),
        sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId }, otherToken),
        sub(MappingsChangedDocument, { companyId: stack.companyId, erpId: stack.erpId }, otherToken),
        sub(ResetRequestedDocument, { companyId: stack.companyId, erpId: stack.erpId }, otherToken),
      ];
      const anonymous = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId }, null);
      await Promise.all([...intruders, anonymous].map((s) => s.done));
      for (const s of intruders) {
        expect(s.events).toEqual([]);
        expect(s.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
      }
      expect(anonymous.events).toEqual([]);
      expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);

      // Company B listens to its own company (every ERP) while A's request finishes.
      const b = await liveCompanySubscriber(otherCompany, otherErp, otherToken);
      const bWide = sub<StatusEvent>(STATUS_LIGHT_SUBSCRIPTION, { companyId: otherCompany }, otherToken);
      const bWideSeen = await untilLive(
        bWide as Subscriber<unknown>,
        async () => void (await postEvent(stack, statusEvent(otherCompany, otherErp, `probe-${randomUUID()}`, "SUCCESS"))),
        "company B subscription",
      );
      const a = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId });
      await waitFor(() => a.events.length === 1, 5_000, "PROCESSING replay");
      await setProcessingPaused(stack, false);
      await a.done;
      expect(statusesOf(a)).toEqual(["PROCESSING", "SUCCESS"]);
      // Also a signed event naming company A directly.
      expect((await postEvent(stack, statusEvent(stack.companyId, stack.erpId, `a-only-${randomUUID()}`, "SUCCESS"))).status).toBe(202);

      // Sentinel: company B's own request finishing (a real mutation with B's token) reaches B after all that.
      const bRequest = await upsertOneAccount(stack, otherCompany, otherErp, otherToken);
      await waitFor(() => bWide.events.slice(bWideSeen).some((e) => e.requestStatusChanged.requestId === bRequest && e.requestStatusChanged.status === "SUCCESS"), 10_000, "B's own request");
      for (const s of [b.sub, bWide]) {
        expect(s.events.every((e) => e.requestStatusChanged.companyId === otherCompany)).toBe(true);
        expect(s.events.some((e) => e.requestStatusChanged.requestId === requestId)).toBe(false);
      }
    } finally {
      await setProcessingPaused(stack, false);
    }
  });

  it("subscribe after finish: the final status is delivered at once, then the subscription completes", async () => {
    const deliveredBefore = (await deliveries(stack)).filter((d) => d.outcome === "delivered").length;
    const requestId = await upsertOneAccount(stack);
    // Concur says final, and its webhook has been delivered to (and processed by) the gateway.
    await waitForFinalStatus(stack, { requestId });
    await waitFor(async () => (await deliveries(stack)).filter((d) => d.outcome === "delivered").length > deliveredBefore, 5_000, "the webhook");
    await stack.gateway.services.webhookHandler.drain();

    const started = Date.now();
    const late = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId });
    await late.done;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(late.errors).toBeUndefined();
    expect(late.completed).toBe(true);
    expect(statusesOf(late)).toEqual(["SUCCESS"]);
    expect(late.events[0]!.requestStatusChanged.errors!.edges).toEqual([]);
  });

  it("out of order: a late PROCESSING (or a second final) after SUCCESS never reaches a subscriber; redeliveries are published once", async () => {
    const company = await liveCompanySubscriber();
    const requestId = `late-${randomUUID()}`;
    const success = statusEvent(stack.companyId, stack.erpId, requestId, "SUCCESS");
    expect(await postEvent(stack, success)).toMatchObject({ status: 202 });
    // Redelivery of the same event id: acknowledged as a duplicate.
    expect(await postEvent(stack, success)).toMatchObject({ status: 200, body: { status: "duplicate" } });
    // ESS delivers in parallel: an older PROCESSING and a conflicting final arrive after the SUCCESS.
    expect(await postEvent(stack, statusEvent(stack.companyId, stack.erpId, requestId, "PROCESSING"))).toMatchObject({ status: 202 });
    expect(await postEvent(stack, statusEvent(stack.companyId, stack.erpId, requestId, "ERROR"))).toMatchObject({ status: 202 });
    // Sentinel: a later event of another request arrives after all of the above were processed.
    const sentinelId = `sentinel-${randomUUID()}`;
    expect(await postEvent(stack, statusEvent(stack.companyId, stack.erpId, sentinelId, "PARTIAL"))).toMatchObject({ status: 202 });
    await stack.gateway.services.webhookHandler.drain();
    await waitFor(() => company.sub.events.some((e) => e.requestStatusChanged.requestId === sentinelId), 5_000, "the sentinel");

    const forRequest = company.sub.events.filter((e) => e.requestStatusChanged.requestId === requestId).map((e) => e.requestStatusChanged.status);
    expect(forRequest).toEqual(["SUCCESS"]);

    // A subscriber that comes now gets the final status, not the late PROCESSING, and completes.
    const late = sub(STATUS_LIGHT_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId });
    await late.done;
    expect(late.errors).toBeUndefined();
    expect(statusesOf(late)).toEqual(["SUCCESS"]);

    // The same with a real request the gateway saw as PROCESSING: SUCCESS, then a late PROCESSING.
    await setProcessingPaused(stack, true);
    try {
      const realId = await upsertOneAccount(stack);
      const one = sub(STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId: realId });
      await waitFor(() => one.events.length === 1, 5_000, "PROCESSING replay");
      expect(await postEvent(stack, statusEvent(stack.companyId, stack.erpId, realId, "SUCCESS"))).toMatchObject({ status: 202 });
      expect(await postEvent(stack, statusEvent(stack.companyId, stack.erpId, realId, "PROCESSING"))).toMatchObject({ status: 202 });
      await one.done;
      expect(statusesOf(one)).toEqual(["PROCESSING", "SUCCESS"]);
    } finally {
      await setProcessingPaused(stack, false);
    }
  });

  it("mapping events: mapping.updated (cached mappings dropped), listMapping.created, listMapping.deleted", async () => {
    const ledgerName = async () => (await stack.graphql(MappingsDocument, { companyId: stack.companyId, erpId: stack.erpId })).data.erpIntegration.mappings.ledger.name as string;
    const upstream = `/accountingintegration/v4/companies/${stack.companyId}/erps/${stack.erpId}/mappings`;
    const current = async () => {
      const res = await request(`${stack.emulator.url}${upstream}`, { headers: { authorization: `Bearer ${stack.token}` } });
      return (await res.body.json()) as any;
    };
    const renameLedger = async (name: string) => {
      const mappings = await current();
      const { eventEmitted } = await stack.admin("PUT", `/companies/${stack.companyId}/erps/${stack.erpId}/mappings`, { ...mappings, ledger: { ...mappings.ledger, name } });
      expect(eventEmitted).toBe(true);
    };

    const s = sub<any>(MappingsChangedDocument, { companyId: stack.companyId, erpId: stack.erpId });
    const seen = await untilLive(s as Subscriber<unknown>, () => renameLedger(`Probe ${randomUUID()}`), "mappingsChanged");
    await stack.gateway.services.webhookHandler.drain();

    // Warm the gateway's mappings cache, then change the mappings at Concur.
    const before = await ledgerName();
    expect(await ledgerName()).toBe(before);
    const name = `Renamed Ledger ${randomUUID().slice(0, 8)}`;
    await renameLedger(name);
    await waitFor(() => s.events.slice(seen).some((e) => e.mappingsChanged.mappings.ledger.name === name), 5_000, "mapping.updated");
    const updated = s.events.slice(seen).find((e) => e.mappingsChanged.mappings.ledger.name === name)!.mappingsChanged;
    expect(updated).toMatchObject({ companyId: stack.companyId, erpId: stack.erpId, eventType: "mapping.updated", createdListMappings: [], deletedListMappings: [] });
    // The cache was invalidated before the event went out: a query now returns the new mappings.
    expect(await ledgerName()).toBe(name);

    const erpListId = `LST-SUB-${randomUUID().slice(0, 8)}`;
    const listMapping = {
      erpListId,
      concurListId: randomUUID(),
      fieldMappings: [{ formTypeCode: "expenseEntry", fields: [{ alternateFieldId: "custom7", level: 1 }], connectedLists: [] }],
    };
    await stack.admin("POST", `/companies/${stack.companyId}/erps/${stack.erpId}/list-mappings`, listMapping);
    await waitFor(() => s.events.some((e) => e.mappingsChanged.eventType === "listMapping.created"), 5_000, "listMapping.created");
    const created = s.events.find((e) => e.mappingsChanged.eventType === "listMapping.created")!.mappingsChanged;
    expect(created.createdListMappings).toEqual([
      { erpListId, concurListId: listMapping.concurListId, fieldMappings: [{ formTypeCode: "EXPENSE_ENTRY", fields: [{ alternateFieldId: "custom7", level: 1 }] }] },
    ]);
    expect(created.deletedListMappings).toEqual([]);
    const listed = await stack.graphql(MappingsDocument, { companyId: stack.companyId, erpId: stack.erpId });
    expect(listed.data.erpIntegration.mappings.files.flatMap((f: any) => f.listMappings.map((m: any) => m.erpListId))).toContain(erpListId);

    await stack.admin("DELETE", `/companies/${stack.companyId}/erps/${stack.erpId}/list-mappings/${erpListId}`);
    await waitFor(() => s.events.some((e) => e.mappingsChanged.eventType === "listMapping.deleted"), 5_000, "listMapping.deleted");
    const deleted = s.events.find((e) => e.mappingsChanged.eventType === "listMapping.deleted")!.mappingsChanged;
    expect(deleted.deletedListMappings).toEqual([{ erpListId, concurListId: listMapping.concurListId }]);
    expect(deleted.createdListMappings).toEqual([]);
    expect(s.errors).toBeUndefined();
  });

  it("resetRequested: the emulator's JSON-string form and the schema's array form", async () => {
    const s = sub<any>(ResetRequestedDocument, { companyId: stack.companyId, erpId: stack.erpId });
    const seen = await untilLive(
      s as Subscriber<unknown>,
      async () => void (await stack.admin("POST", `/companies/${stack.companyId}/erps/${stack.erpId}/reset-requested`, { objectTypes: ["ACCOUNT"] })),
      "resetRequested",
    );
    await stack.gateway.services.webhookHandler.drain();
    const after = () => s.events.slice(seen).map((e) => e.resetRequested);

    // String form, from the emulator: "{\"accountingObjects\":[\"VENDOR\",\"LIST\"]}".
    await stack.admin("POST", `/companies/${stack.companyId}/erps/${stack.erpId}/reset-requested`, { objectTypes: ["VENDOR", "LIST"] });
    await waitFor(() => after().length >= 1, 5_000, "string-form reset");
    // Array form, as the event schema documents it.
    expect(await postEvent(stack, essEvent("data.resetRequested", stack.companyId, stack.erpId, ["ACCOUNT", "VENDOR"]))).toMatchObject({ status: 202 });
    await waitFor(() => after().length >= 2, 5_000, "array-form reset");
    expect(after()).toEqual([
      { companyId: stack.companyId, erpId: stack.erpId, objectTypes: ["VENDOR", "LIST"] },
      { companyId: stack.companyId, erpId: stack.erpId, objectTypes: ["ACCOUNT", "VENDOR"] },
    ]);
    expect(s.errors).toBeUndefined();
  });
});

describe("subscriptions without ESS: polling fallback", () => {
  let stack: Stack;
  const open: Subscriber<unknown>[] = [];
  const sub = (variables: Record<string, unknown>) => {
    const s = subscribe<StatusEvent>(stack.gateway.wsUrl, stack.token, STATUS_SUBSCRIPTION, variables);
    open.push(s as Subscriber<unknown>);
    return s;
  };

  beforeAll(async () => {
    stack = await startStack({ webhooks: false, env: { POLL_FALLBACK_MS: "200" } });
    await stack.admin("PUT", "/faults", { webhooksEnabled: false });
  });

  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await stack?.stop();
  });

  it("two subscribers of one request get the final status from one shared poll loop", async () => {
    await setProcessingPaused(stack, true);
    try {
      const requestId = await upsertOneAccount(stack);
      const variables = { companyId: stack.companyId, erpId: stack.erpId, requestId };
      const a = sub(variables);
      const b = sub(variables);
      await waitFor(() => a.events.length === 1 && b.events.length === 1, 5_000, "PROCESSING replay");
      expect(stack.gateway.services.poller.size).toBe(1);
      await stack.resetCounters();
      // Let the (one) loop poll a PROCESSING request a few times before Concur finishes it.
      await waitFor(async () => sumCalls(await stack.counters(), ROUTES.request) >= 2, 5_000, "two polls");
      await setProcessingPaused(stack, false);
      await Promise.all([a.done, b.done]);
      for (const s of [a, b]) {
        expect(s.errors).toBeUndefined();
        expect(s.completed).toBe(true);
        expect(statusesOf(s)).toEqual(["PROCESSING", "SUCCESS"]);
      }
      const polls = sumCalls(await stack.counters(), ROUTES.request);
      // One loop (200, 400, 800 ms …) reaches the final in 3 polls, maybe 4 at a boundary; two loops would need 6+.
      expect(polls).toBeGreaterThanOrEqual(3);
      expect(polls).toBeLessThanOrEqual(4);
      await waitFor(() => stack.gateway.services.poller.size === 0, 2_000, "the poll loop to stop");
      expect((await deliveries(stack)).every((d) => d.outcome === "suppressed")).toBe(true);
    } finally {
      await setProcessingPaused(stack, false);
    }
  });

  it("a subscriber that leaves stops the shared poll loop once the last one is gone", async () => {
    await setProcessingPaused(stack, true);
    try {
      const requestId = await upsertOneAccount(stack);
      const variables = { companyId: stack.companyId, erpId: stack.erpId, requestId };
      const a = sub(variables);
      const b = sub(variables);
      await waitFor(() => a.events.length === 1 && b.events.length === 1, 5_000, "PROCESSING replay");
      expect(stack.gateway.services.poller.size).toBe(1);
      await a.close();
      // b still watches: the loop keeps polling (a poll after a left).
      await stack.resetCounters();
      await waitFor(async () => sumCalls(await stack.counters(), ROUTES.request) >= 1, 5_000, "a poll for b");
      expect(stack.gateway.services.poller.size).toBe(1);
      await b.close();
      await waitFor(() => stack.gateway.services.poller.size === 0, 5_000, "the poll loop to stop");
    } finally {
      await setProcessingPaused(stack, false);
    }
  });
});

describe("subscriptions without ESS: subscribe after finish", () => {
  let stack: Stack;
  let s: Subscriber<StatusEvent> | undefined;

  beforeAll(async () => {
    // The fallback is far away: a final status must come from the subscribe-time read, not from the poller.
    stack = await startStack({ webhooks: false, env: { POLL_FALLBACK_MS: "60000" } });
  });

  afterAll(async () => {
    await s?.close();
    await stack?.stop();
  });

  it("a request that finished while the gateway still thinks PROCESSING: final status at once from Concur, then complete", async () => {
    const requestId = await upsertOneAccount(stack);
    await waitForFinalStatus(stack, { requestId });
    s = subscribe<StatusEvent>(stack.gateway.wsUrl, stack.token, STATUS_SUBSCRIPTION, { companyId: stack.companyId, erpId: stack.erpId, requestId });
    await waitFor(() => s!.completed || s!.errors, 5_000, "the subscription to complete (the poll fallback is 60 s away)");
    expect(s.errors).toBeUndefined();
    expect(finalsOf(s).map((e) => e.requestStatusChanged.status)).toEqual(["SUCCESS"]);
    expect(statusesOf(s)).toEqual(["SUCCESS"]);
  });
});
