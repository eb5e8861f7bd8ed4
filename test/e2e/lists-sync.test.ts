// Concur lists end to end: GraphQL over HTTP against a gateway in front of the emulator's List v4 / List Item v4 /
// Bulk API. Bulk call counts come from the emulator's own counters; the final Concur tree from its admin dump.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_LISTS } from "../../src/emulator/index.js";
import { startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const B1 = "POST /list/v4/lists/{listId}/bulk";
const B2 = "PATCH /list/v4/lists/{listId}/bulk";

interface SyncResult {
  syncId: string;
  listId: string;
  dryRun: boolean;
  plan: { creates: number; createsByLevel: number[]; updates: number; deletes: number; deletedItems: number; unchanged: number; bulkCalls: number; perLevelBulkCalls: number; changes: Array<{ operation: string; code: string }> };
  created: number;
  reactivated: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  conflicts: number;
  errors: Array<{ operation: string; code: string; errorId: string; message: string }>;
  bulkCalls: number;
}

const SYNC = `mutation Sync($c: ID!, $target: ConcurListSyncTarget!, $items: [ErpListItemInput!]!, $dryRun: Boolean!, $syncId: ID) {
  syncConcurList(companyId: $c, target: $target, items: $items, dryRun: $dryRun, syncId: $syncId) {
    syncId listId dryRun created reactivated updated deleted unchanged failed conflicts bulkCalls
    plan { creates createsByLevel updates deletes deletedItems unchanged bulkCalls perLevelBulkCalls changes { operation code } }
    errors { operation code errorId message }
  }
}`;

const CREATE = `mutation Create($c: ID!, $l: ID!, $s: String!, $v: String!, $pc: String) {
  createConcurListItem(companyId: $c, listId: $l, shortCode: $s, value: $v, parentCode: $pc) { code succeeded error { id message } }
}`;

type Tree = Array<{ path: string[]; value: string }>;

describe("Concur lists over HTTP", () => {
  let stack: Stack;
  let erpTree: Tree;
  const listsCalls = async () =>
    Object.entries(await stack.counters()).filter(([route]) => route.includes("/list/v4/")).reduce((n, [, byStatus]) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
  const dump = async (listId: string) =>
    ((await stack.admin("GET", `/lists/companies/${stack.companyId}/lists/${listId}/items`)).items as Array<{ code: string; value: string; level: number; isDeleted: boolean }>).filter((i) => !i.isDeleted);
  const sync = async (items: Tree, extra: Record<string, unknown> = {}) => {
    const answer = await stack.graphql<{ syncConcurList: SyncResult }>(SYNC, { c: stack.companyId, target: { concurListId: DEMO_LISTS.emptyCostCenters }, items, dryRun: false, ...extra });
    expect(answer.errors).toBeUndefined();
    return answer.data!.syncConcurList;
  };
  const asTree = (items: Array<{ code: string; value: string }>): Tree => items.map((i) => ({ path: i.code.split("-"), value: i.value }));
  const sameTree = (a: Array<{ code: string; value: string }>, b: Tree) =>
    expect(new Map(a.map((i) => [i.code, i.value]))).toEqual(new Map(b.map((i) => [i.path.join("-"), i.value])));

  beforeAll(async () => {
    stack = await startStack({ env: { BATCH_WINDOW_MS: "25" } });
    // The ERP's tree: the seeded 3-level cost-centre list (2,010 items), as an ERP would send it.
    erpTree = asTree(await dump(DEMO_LISTS.costCenters));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("walks the 3-level list of 2,010 items through nested connections and gets every item once", async () => {
    const query = `query Walk($c: ID!, $l: ID!) { concurList(companyId: $c, listId: $l) { name levelCount
      items(first: 10) { totalCount pageInfo { hasNextPage } edges { node { code level
        children(first: 10) { pageInfo { hasNextPage } edges { node { code level
          children(first: 20) { pageInfo { hasNextPage } edges { node { code level hasChildren } } } } } } } } } } }`;
    const answer = await stack.graphql(query, { c: stack.companyId, l: DEMO_LISTS.costCenters });
    expect(answer.errors).toBeUndefined();
    const codes: string[] = [];
    const visit = (conn: any) => {
      expect(conn.pageInfo.hasNextPage).toBe(false);
      for (const { node } of conn.edges) {
        codes.push(node.code);
        if (node.children) visit(node.children);
      }
    };
    visit(answer.data.concurList.items);
    expect(answer.data.concurList.levelCount).toBe(3);
    expect(codes).toHaveLength(2010);
    expect(new Set(codes).size).toBe(2010);
    expect(new Set(codes)).toEqual(new Set(erpTree.map((i) => i.path.join("-"))));
  });

  it("pages one level of 250 items with cursors over the 1-based pages of 100 and gets each item once", async () => {
    const list = await stack.admin("POST", `/lists/companies/${stack.companyId}/lists`, { value: "Flat 250", levelCount: 1, generate: [250] });
    const codes: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const answer: any = await stack.graphql(`query P($c: ID!, $l: ID!, $a: String) { concurList(companyId: $c, listId: $l) { items(first: 40, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } } }`, { c: stack.companyId, l: list.id, a: after });
      expect(answer.errors).toBeUndefined();
      const conn = answer.data.concurList.items;
      expect(conn.totalCount).toBe(250);
      codes.push(...conn.edges.map((e: any) => e.node.code));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(7);
    expect(codes).toHaveLength(250);
    expect(new Set(codes).size).toBe(250);
  });

  it("links an Accounting ListName to its mapped Concur list", async () => {
    const answer = await stack.graphql(`query L($c: ID!, $e: ID!) { erpIntegration(companyId: $c, erpId: $e) { listNames(first: 3) { edges { node { id concurList { id name levelCount } } } } } }`, { c: stack.companyId, e: stack.erpId });
    expect(answer.errors).toBeUndefined();
    const nodes = answer.data.erpIntegration.listNames.edges.map((e: any) => e.node);
    expect(nodes[0]).toMatchObject({ id: "LST-0001", concurList: { id: DEMO_LISTS.costCenters, name: "Cost Centers", levelCount: 3 } });
    expect(nodes[1].concurList).toMatchObject({ id: DEMO_LISTS.projects });
    expect(nodes[2].concurList).toBeNull();
  });

  it("syncs an ERP tree of 2,010 items into an empty list with ceil(2010/250) = 9 bulk calls, reporting progress", async () => {
    const syncId = "7d1c0a5e-0000-4000-8000-000000000001";
    await stack.resetCounters();
    const progress = subscribe<{ concurListSyncProgress: { phase: string; done: number; total: number } }>(stack.gateway.wsUrl ?? stack.gateway.url.replace(/^http/, "ws"), stack.token,
      `subscription P($c: ID!, $s: ID) { concurListSyncProgress(companyId: $c, syncId: $s) { phase done total } }`, { c: stack.companyId, s: syncId });
    const progressEvents = () => {
      if (progress.errors) throw new Error(`progress subscription failed: ${JSON.stringify(progress.errors)}`);
      if (progress.completed) throw new Error("progress subscription completed early");
      return progress.events.map((x) => x.concurListSyncProgress);
    };
    // A dry run first, under the same syncId: the plan, nothing written, and its READ and DONE events, which the
    // subscriber must hear. Until it does, it may not be listening yet (its tenant check reads the lists first), so
    // the dry run is repeated until one is heard: that proves the subscriber live before the real sync starts.
    let dry: { data?: { syncConcurList: SyncResult }; errors?: any[] } | undefined;
    await waitFor(async () => {
      progressEvents(); // a failed subscription is reported, not waited for
      dry = await stack.graphql<{ syncConcurList: SyncResult }>(SYNC, { c: stack.companyId, target: { concurListId: DEMO_LISTS.emptyCostCenters }, items: erpTree, dryRun: true, syncId });
      if (dry.errors) throw new Error(`dry run failed: ${JSON.stringify(dry.errors)}`);
      // The dry run's DONE is published before it answers: give a live subscriber a moment to receive it.
      return waitFor(() => progressEvents().some((p) => p.phase === "DONE"), 2_000, "the dry run's DONE").catch(() => false);
    }, 30_000, "the progress subscriber to hear a dry run");
    expect(dry!.data!.syncConcurList).toMatchObject({ dryRun: true, created: 0, bulkCalls: 0, plan: { creates: 2010, createsByLevel: [10, 100, 1900], bulkCalls: 9, perLevelBulkCalls: 10 } });
    expect(dry!.data!.syncConcurList.plan.changes).toHaveLength(2010);
    expect(sumCalls(await stack.counters(), B1)).toBe(0);
    const heardBefore = progressEvents().length;
    expect(progressEvents().at(-1)).toEqual({ phase: "DONE", done: 0, total: 0 });

    await stack.resetCounters();
    const result = await sync(erpTree, { syncId });
    const counters = await stack.counters();
    expect(result).toMatchObject({ syncId, created: 2010, updated: 0, deleted: 0, failed: 0, errors: [], bulkCalls: 9 });
    // Lower bound of the issue: ceil(creates per level / 250) summed = 1 + 1 + 8 = 10; parts run in order, so one
    // stream of all levels (parents first) needs ceil(2010 / 250) = 9.
    expect(sumCalls(counters, B1, "201")).toBe(9);
    expect(sumCalls(counters, B1)).toBe(9);
    expect(sumCalls(counters, B2)).toBe(0);
    sameTree(await dump(DEMO_LISTS.emptyCostCenters), erpTree);
    // The real sync's events, after the dry run's; its DONE was published before it answered.
    const events = await waitFor(() => {
      const e = progressEvents().slice(heardBefore);
      return e.some((p) => p.phase === "DONE") ? e : undefined;
    }, 20_000, "DONE progress");
    const creates = events.filter((e) => e.phase === "CREATE");
    expect(creates.at(-1)).toEqual({ phase: "CREATE", done: 2010, total: 2010 });
    expect(creates.map((e) => e.done)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2010]);
    expect(events[0]).toEqual({ phase: "READ", done: 0, total: 0 }); // the target was empty: one page, no items
    await progress.close();
  }, 60_000); // nine paced bulk calls (~9 s idle) plus the dry runs, on a loaded machine

  it("a subscriber that names a sync after it ended hears its final progress first (any letter case of the syncId)", async () => {
    // The console subscribes over graphql-ws and sends the mutation over HTTP: on a loaded machine the subscription
    // (whose tenant check calls Concur) can start after a short sync has ended. The sync above is long over.
    const syncId = "7d1c0a5e-0000-4000-8000-000000000001";
    const late = [syncId, syncId.toUpperCase()].map((s) =>
      subscribe<{ concurListSyncProgress: { syncId: string; phase: string; done: number; total: number } }>(stack.gateway.wsUrl ?? stack.gateway.url.replace(/^http/, "ws"), stack.token,
        `subscription P($c: ID!, $s: ID) { concurListSyncProgress(companyId: $c, syncId: $s) { syncId phase done total } }`, { c: stack.companyId, s }),
    );
    for (const subscriber of late) {
      const first = await waitFor(() => {
        if (subscriber.errors) throw new Error(`late subscription failed: ${JSON.stringify(subscriber.errors)}`);
        return subscriber.events[0]?.concurListSyncProgress;
      }, 20_000, "the kept progress");
      expect(first).toEqual({ syncId, phase: "DONE", done: 2010, total: 2010 });
      await subscriber.close();
    }
  });

  it("after 20 value changes, a deleted subtree and 30 new items, sends exactly those changes (1 B1 + 1 B2); a third sync sends nothing", async () => {
    const changed = erpTree.map((i) => ({ ...i }));
    const levels3 = changed.filter((i) => i.path.length === 3 && i.path[0] === "R02");
    for (const item of levels3.slice(0, 20)) item.value = `${item.value} (renamed)`;
    const subtreeRoot = "R10-D10";
    const kept = changed.filter((i) => i.path.join("-") !== subtreeRoot && !i.path.join("-").startsWith(`${subtreeRoot}-`));
    expect(changed.length - kept.length).toBe(20); // the department and its 19 cost centres
    const added = Array.from({ length: 30 }, (_, k) => ({ path: ["R01", "D01", `N${String(k + 1).padStart(3, "0")}`], value: `New cost centre ${k + 1}` }));
    const next = [...kept, ...added];

    await stack.resetCounters();
    const result = await sync(next);
    expect(result).toMatchObject({ created: 30, updated: 20, deleted: 20, failed: 0, bulkCalls: 2, plan: { creates: 30, updates: 20, deletes: 1, deletedItems: 20, unchanged: 2010 - 20 - 20 } });
    const counters = await stack.counters();
    expect(sumCalls(counters, B1)).toBe(1);
    expect(sumCalls(counters, B2)).toBe(1);
    sameTree(await dump(DEMO_LISTS.emptyCostCenters), next);

    await stack.resetCounters();
    const third = await sync(next);
    expect(third).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0, bulkCalls: 0, unchanged: 2020 });
    const after = await stack.counters();
    expect(sumCalls(after, B1) + sumCalls(after, B2)).toBe(0);
    erpTree = next;
  });

  it("refuses a code with a hyphen with the field and the reason, and writes (or reads) nothing", async () => {
    await stack.resetCounters();
    const bad = [...erpTree, { path: ["R01", "A-B"], value: "Hyphenated" }];
    const answer = await stack.graphql(SYNC, { c: stack.companyId, target: { concurListId: DEMO_LISTS.emptyCostCenters }, items: bad, dryRun: false });
    expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(answer.errors?.[0]?.message).toContain(`items[${bad.length - 1}].path[1]: "A-B" contains a hyphen`);
    const single = await stack.graphql(CREATE, { c: stack.companyId, l: DEMO_LISTS.emptyCostCenters, s: "X-1", v: "x" });
    expect(single.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "shortCode" } });
    expect(single.errors?.[0]?.message).toMatch(/^shortCode: "X-1" contains a hyphen/);
    expect(await listsCalls()).toBe(0);
  });

  it("a code reserved by an item deleted in Concur is reactivated, not created; where Concur refuses, a conflict naming the item", async () => {
    // Z99 exists and is deleted in Concur: its code stays reserved.
    const made = await stack.graphql(CREATE, { c: stack.companyId, l: DEMO_LISTS.emptyCostCenters, s: "Z99", v: "Soon deleted" });
    expect(made.data.createConcurListItem).toMatchObject({ code: "Z99", succeeded: true, error: null });
    const gone = await stack.graphql(`mutation D($c: ID!, $l: ID!) { deleteConcurListItem(companyId: $c, listId: $l, code: "Z99") { succeeded } }`, { c: stack.companyId, l: DEMO_LISTS.emptyCostCenters });
    expect(gone.data.deleteConcurListItem.succeeded).toBe(true);
    await stack.admin("PUT", "/config", { listReactivation: "refused" });
    try {
      await stack.resetCounters();
      const refused = await sync([...erpTree, { path: ["Z98"], value: "Fine" }, { path: ["Z99"], value: "Conflict" }]);
      const counters = await stack.counters();
      expect(sumCalls(counters, B1, "201")).toBe(1); // Z98 only: Z99 is never sent as a create
      expect(sumCalls(counters, B2, "400")).toBe(1);
      expect(refused).toMatchObject({ created: 1, reactivated: 0, failed: 1, conflicts: 1 });
      expect(refused.errors).toEqual([{ operation: "REACTIVATE", code: "Z99", errorId: "item.deleted", message: expect.stringContaining("deleted in Concur") }]);
    } finally {
      await stack.admin("PUT", "/config", { listReactivation: "allowed" });
    }
    const revived = await sync([...erpTree, { path: ["Z98"], value: "Fine" }, { path: ["Z99"], value: "Back" }]);
    expect(revived).toMatchObject({ created: 0, reactivated: 1, failed: 0, bulkCalls: 1 });
    erpTree = [...erpTree, { path: ["Z98"], value: "Fine" }, { path: ["Z99"], value: "Back" }];
  });

  it("100 concurrent single-item creates become one bulk call (at most one per second), each caller with its own outcome", async () => {
    const listId = DEMO_LISTS.emptyCostCenters;
    // Take the company's bulk slot first: the 100 callers then arrive while it waits for the next second.
    const warm = await stack.graphql(CREATE, { c: stack.companyId, l: listId, s: "W00", v: "warm" });
    expect(warm.data.createConcurListItem.succeeded).toBe(true);
    await stack.resetCounters();
    const started = Date.now();
    const codes = Array.from({ length: 100 }, (_, i) => `K${String(i).padStart(3, "0")}`);
    // One duplicate of an existing code among them: only that caller gets Concur's error (206).
    const answers = await Promise.all([...codes, "W00"].map((s) => stack.graphql(CREATE, { c: stack.companyId, l: listId, s, v: `Concurrent ${s}` })));
    const elapsedS = (Date.now() - started) / 1000;
    const counters = await stack.counters();
    // On an idle machine all 101 arrive within the wait for the company's next slot: exactly 1 call (206). Under CPU
    // load the last arrivals may miss it and go one pacing interval later; never more than one call per second.
    const calls = sumCalls(counters, B1);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(Math.max(1, Math.floor(elapsedS)));
    expect(sumCalls(counters, B1, "206")).toBe(1);
    answers.slice(0, 100).forEach((a, i) => expect(a.data.createConcurListItem).toEqual({ code: codes[i], succeeded: true, error: null }));
    expect(answers[100].data.createConcurListItem).toMatchObject({ code: "W00", succeeded: false, error: { id: "item.duplicate.code" } });
  });
});
