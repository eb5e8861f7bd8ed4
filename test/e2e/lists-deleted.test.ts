// Items deleted in Concur, end to end: GraphQL over HTTP against a gateway in front of the emulator, which answers
// deleted items too when no isDeleted filter is given (docs/emulator/lists-v4.md). Reads show active items only unless
// asked; the sync treats deleted items as absent, reactivates codes the ERP has again (or reports a conflict), and a
// dry run lists exactly the parts the real run sends (the emulator's bulk log is what it received).
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/stack.js";

type Tree = Array<{ path: string[]; value: string }>;
interface Change {
  operation: string;
  code: string;
}
interface SyncResult {
  plan: { creates: number; reactivations: number; updates: number; deletes: number; unchanged: number; bulkCalls: number; changes: Change[] };
  created: number;
  reactivated: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  conflicts: number;
  bulkCalls: number;
  errors: Array<{ operation: string; code: string; errorId: string; message: string; conflict: boolean }>;
}

const SYNC = `mutation Sync($c: ID!, $l: ID!, $items: [ErpListItemInput!]!, $dryRun: Boolean!) {
  syncConcurList(companyId: $c, target: { concurListId: $l }, items: $items, dryRun: $dryRun) {
    created reactivated updated deleted unchanged failed conflicts bulkCalls
    plan { creates reactivations updates deletes unchanged bulkCalls changes { operation code } }
    errors { operation code errorId message conflict }
  }
}`;

const ITEMS = `query Items($c: ID!, $l: ID!, $p: ID, $inc: Boolean, $f: ConcurListItemFilter) {
  concurListItems(companyId: $c, listId: $l, parentId: $p, includeDeleted: $inc, filter: $f, first: 50) { totalCount pageInfo { hasNextPage } edges { node { id code isDeleted } } }
}`;

describe("items deleted in Concur", () => {
  let stack: Stack;
  const list = async (value: string, generate?: number[]) =>
    (await stack.admin("POST", `/lists/companies/${stack.companyId}/lists`, { value, levelCount: 3, ...(generate ? { generate } : {}) })).id as string;
  const dump = async (listId: string) =>
    ((await stack.admin("GET", `/lists/companies/${stack.companyId}/lists/${listId}/items`)).items as Array<{ id: string; code: string; value: string; isDeleted: boolean }>);
  const activeTree = async (listId: string) => new Map((await dump(listId)).filter((i) => !i.isDeleted).map((i) => [i.code, i.value]));
  const asMap = (tree: Tree) => new Map(tree.map((i) => [i.path.join("-"), i.value]));
  const without = (tree: Tree, ...codes: string[]) => tree.filter((i) => !codes.some((c) => i.path.join("-") === c || i.path.join("-").startsWith(`${c}-`)));
  const sync = async (listId: string, items: Tree, dryRun = false) => {
    const answer = await stack.graphql<{ syncConcurList: SyncResult }>(SYNC, { c: stack.companyId, l: listId, items, dryRun });
    expect(answer.errors).toBeUndefined();
    return answer.data!.syncConcurList;
  };
  const bulkLog = (listId: string) => `/lists/companies/${stack.companyId}/lists/${listId}/bulk-log`;
  /** What the emulator received, as the plan's changes: B1 parts are creates, B2 parts by their `deleted` / `value`. */
  const sent = async (listId: string): Promise<Change[]> =>
    ((await stack.admin("GET", bulkLog(listId))).calls as Array<{ method: string; parts: any[] }>).flatMap((call) =>
      call.parts.map((p) =>
        call.method === "POST"
          ? { operation: "CREATE", code: p.parentCode ? `${p.parentCode}-${p.shortCode}` : p.shortCode }
          : { operation: p.deleted === true ? "DELETE" : p.deleted === false ? "REACTIVATE" : "UPDATE", code: p.code },
      ),
    );
  /** Deletes items in Concur directly (the List Item Bulk API, as another app or an admin would), not through the gateway. */
  const deleteInConcur = async (listId: string, codes: string[]) => {
    const res = await request(`${stack.emulator.url}/list/v4/lists/${listId}/bulk`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
      body: JSON.stringify({ requests: codes.map((code) => ({ code, deleted: true })) }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  };
  /** The dry run, then the real run: the real run sends exactly the dry run's changes, in order. */
  const syncAsPlanned = async (listId: string, items: Tree) => {
    const dry = await sync(listId, items, true);
    await stack.admin("DELETE", bulkLog(listId));
    const real = await sync(listId, items);
    expect(await sent(listId)).toEqual(dry.plan.changes);
    expect(real.bulkCalls).toBe(dry.plan.bulkCalls);
    return { dry, real };
  };

  beforeAll(async () => {
    stack = await startStack({ webhooks: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("concurListItems, ConcurList.items and item(code) show only active items unless includeDeleted, also when Concur ignores the isDeleted filter", async () => {
    const listId = await list("Deleted reads", [3, 2]);
    await deleteInConcur(listId, ["R02"]);
    const codes = async (vars: Record<string, unknown>) => {
      const answer = await stack.graphql(ITEMS, { c: stack.companyId, l: listId, ...vars });
      expect(answer.errors).toBeUndefined();
      const conn = answer.data.concurListItems;
      return { total: conn.totalCount, more: conn.pageInfo.hasNextPage, codes: conn.edges.map((e: any) => `${e.node.code}${e.node.isDeleted ? " (deleted)" : ""}`) };
    };
    for (const ignoresFilter of [false, true]) {
      await stack.admin("PUT", "/config", { listIgnoreDeletedFilter: ignoresFilter });
      try {
        expect(await codes({}), `Concur ignores the filter: ${ignoresFilter}`).toEqual({ total: 2, more: false, codes: ["R01", "R03"] });
        expect(await codes({ inc: true })).toEqual({ total: 3, more: false, codes: ["R01", "R03", "R02 (deleted)"] });
        expect(await codes({ f: { deleted: true } })).toEqual({ total: 1, more: false, codes: ["R02 (deleted)"] });
        const r02 = (await dump(listId)).find((i) => i.code === "R02")!;
        expect(await codes({ p: r02.id })).toEqual({ total: 0, more: false, codes: [] });
        expect(await codes({ p: r02.id, inc: true })).toEqual({ total: 2, more: false, codes: ["R02-D01 (deleted)", "R02-D02 (deleted)"] });
        const nested = await stack.graphql(`query N($c: ID!, $l: ID!) { concurList(companyId: $c, listId: $l) {
          items(first: 10) { totalCount edges { node { code } } } gone: item(code: "R02") { code } kept: item(code: "R03") { code }
          all: items(first: 10, includeDeleted: true) { edges { node { code children(first: 5, includeDeleted: true) { edges { node { code isDeleted } } } } } } } }`, { c: stack.companyId, l: listId });
        expect(nested.errors).toBeUndefined();
        const concurList = nested.data.concurList;
        expect(concurList.items.totalCount).toBe(2);
        expect(concurList.items.edges.map((e: any) => e.node.code)).toEqual(["R01", "R03"]);
        expect(concurList.gone).toBeNull();
        expect(concurList.kept).toEqual({ code: "R03" });
        expect(concurList.all.edges.find((e: any) => e.node.code === "R02").node.children.edges).toEqual([
          { node: { code: "R02-D01", isDeleted: true } },
          { node: { code: "R02-D02", isDeleted: true } },
        ]);
      } finally {
        await stack.admin("PUT", "/config", { listIgnoreDeletedFilter: false });
      }
    }
  });

  it("pages across the active and then the deleted items with one cursor (includeDeleted), also when Concur ignores the isDeleted filter", async () => {
    const listId = await list("Deleted paging", [120]);
    await deleteInConcur(listId, Array.from({ length: 15 }, (_, i) => `R${String(i + 1).padStart(3, "0")}`));
    for (const ignoresFilter of [false, true]) {
      await stack.admin("PUT", "/config", { listIgnoreDeletedFilter: ignoresFilter });
      try {
        const seen: string[] = [];
        let after: string | null = null;
        let total = 0;
        for (let pages = 0; pages < 10; pages++) {
          const answer: any = await stack.graphql(`query P($c: ID!, $l: ID!, $a: String) { concurListItems(companyId: $c, listId: $l, includeDeleted: true, first: 40, after: $a) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { code isDeleted } } } }`, { c: stack.companyId, l: listId, a: after });
          expect(answer.errors).toBeUndefined();
          const conn = answer.data.concurListItems;
          total = conn.totalCount;
          seen.push(...conn.edges.map((e: any) => `${e.node.code}${e.node.isDeleted ? "*" : ""}`));
          if (!conn.pageInfo.hasNextPage) break;
          after = conn.pageInfo.endCursor;
        }
        // A Concur that ignores the filter counts both states in each answer: the count is exact once every page was seen.
        if (!ignoresFilter) expect(total).toBe(120);
        expect(seen, `Concur ignores the filter: ${ignoresFilter}`).toHaveLength(120);
        expect(new Set(seen).size).toBe(120);
        expect(seen.slice(0, 105).every((c) => !c.endsWith("*"))).toBe(true); // active first
        expect(seen.slice(105).every((c) => c.endsWith("*"))).toBe(true); // then the deleted ones
      } finally {
        await stack.admin("PUT", "/config", { listIgnoreDeletedFilter: false });
      }
    }
  });

  it("the sync treats deleted items as absent: a re-sync after deletions fails no part and plans no phantom delete; deleted codes the ERP has are reactivated as planned", async () => {
    const source = await list("ERP source", [3, 3, 4]);
    const erp: Tree = (await dump(source)).map((i) => ({ path: i.code.split("-"), value: i.value }));
    expect(erp).toHaveLength(3 + 9 + 36);
    const listId = await list("Deleted sync target");
    const first = await syncAsPlanned(listId, erp);
    expect(first.real).toMatchObject({ created: 48, failed: 0, bulkCalls: 1 });

    // The ERP drops a subtree and a leaf: the sync deletes them (2 parts); the same tree again sends nothing.
    const smaller = without(erp, "R02-D01", "R03-D02-C003");
    const second = await syncAsPlanned(listId, smaller);
    expect(second.dry.plan.changes).toEqual([{ operation: "DELETE", code: "R03-D02-C003" }, { operation: "DELETE", code: "R02-D01" }]);
    expect(second.real).toMatchObject({ deleted: 6, failed: 0, errors: [] });
    const again = await syncAsPlanned(listId, smaller);
    expect(again.dry.plan).toMatchObject({ creates: 0, reactivations: 0, updates: 0, deletes: 0, bulkCalls: 0, changes: [] });
    expect(again.real).toMatchObject({ failed: 0, bulkCalls: 0, unchanged: smaller.length });
    // The same when Concur answers the deleted items whatever the filter says: they are recognised and dropped.
    await stack.admin("PUT", "/config", { listIgnoreDeletedFilter: true });
    try {
      const ignored = await syncAsPlanned(listId, smaller);
      expect(ignored.dry.plan.changes).toEqual([]);
      expect(ignored.real).toMatchObject({ failed: 0, bulkCalls: 0, unchanged: smaller.length });
    } finally {
      await stack.admin("PUT", "/config", { listIgnoreDeletedFilter: false });
    }

    // Someone deletes items in Concur itself while the ERP still has them: the re-sync of the same tree brings them back.
    await deleteInConcur(listId, ["R03-D01", "R01-D02-C001"]);
    const third = await syncAsPlanned(listId, smaller);
    expect(third.dry.plan).toMatchObject({ creates: 0, reactivations: 6, updates: 0, deletes: 0, unchanged: smaller.length - 6, bulkCalls: 1 });
    expect(third.dry.plan.changes.map((c) => c.code)).toEqual(["R03-D01", "R01-D02-C001", "R03-D01-C001", "R03-D01-C002", "R03-D01-C003", "R03-D01-C004"]);
    expect(third.real).toMatchObject({ reactivated: 6, created: 0, failed: 0, errors: [] });
    expect(await activeTree(listId)).toEqual(asMap(smaller));

    // The ERP restores the dropped subtree (with a changed value and a new child under it) and the leaf: reactivations
    // first (a create hangs under a reactivated item), never "unchanged", never a refused create.
    const restored: Tree = [...erp.map((i) => (i.path.join("-") === "R02-D01-C002" ? { ...i, value: "Cost centre renamed" } : i)), { path: ["R02", "D01", "N01"], value: "New under restored" }];
    const fourth = await syncAsPlanned(listId, restored);
    expect(fourth.dry.plan).toMatchObject({ creates: 1, reactivations: 6, updates: 0, deletes: 0, unchanged: smaller.length, bulkCalls: 2 });
    expect(fourth.dry.plan.changes).toEqual([
      { operation: "REACTIVATE", code: "R02-D01" },
      ...["C001", "C002", "C003", "C004"].map((c) => ({ operation: "REACTIVATE", code: `R02-D01-${c}` })),
      { operation: "REACTIVATE", code: "R03-D02-C003" },
      { operation: "CREATE", code: "R02-D01-N01" },
    ]);
    expect(fourth.real).toMatchObject({ reactivated: 6, created: 1, failed: 0, conflicts: 0, errors: [] });
    expect(await activeTree(listId)).toEqual(asMap(restored));
  }, 60_000);

  it("a restored code Concur refuses to reactivate is a conflict naming the item, never unchanged; the rest of the sync goes on", async () => {
    const listId = await list("Conflict target", [2, 2]);
    const erp: Tree = (await dump(listId)).map((i) => ({ path: i.code.split("-"), value: i.value }));
    await deleteInConcur(listId, ["R01-D01"]);
    await stack.admin("PUT", "/config", { listReactivation: "refused" });
    try {
      const dry = await sync(listId, [...erp, { path: ["R02", "D03"], value: "New" }], true);
      expect(dry.plan).toMatchObject({ reactivations: 1, creates: 1, unchanged: erp.length - 1 });
      const real = await sync(listId, [...erp, { path: ["R02", "D03"], value: "New" }]);
      expect(real).toMatchObject({ reactivated: 0, created: 1, failed: 1, conflicts: 1, unchanged: erp.length - 1 });
      expect(real.errors).toEqual([{ operation: "REACTIVATE", code: "R01-D01", errorId: "item.deleted", conflict: true, message: expect.stringMatching(/^conflict: R01-D01 belongs to an item deleted in Concur, and Concur refused to reactivate it/) }]);
    } finally {
      await stack.admin("PUT", "/config", { listReactivation: "allowed" });
    }
  });

  it("a deleted subtree Concur refuses to reactivate: the root and each child are conflicts, in one B2 call (parents first)", async () => {
    const listId = await list("Conflict subtree", [2, 2, 2]);
    const erp: Tree = (await dump(listId)).map((i) => ({ path: i.code.split("-"), value: i.value }));
    await deleteInConcur(listId, ["R02-D01"]);
    await stack.admin("PUT", "/config", { listReactivation: "refused" });
    try {
      await stack.admin("DELETE", bulkLog(listId));
      const real = await sync(listId, erp);
      expect(real).toMatchObject({ reactivated: 0, failed: 3, conflicts: 3, unchanged: erp.length - 3 });
      // One B2 call: parts run in order, so the children are answered by Concur itself.
      expect(real.errors.map((e) => [e.code, e.errorId, e.conflict])).toEqual([
        ["R02-D01", "item.deleted", true],
        ["R02-D01-C001", "item.deleted", true],
        ["R02-D01-C002", "item.deleted", true],
      ]);
      expect((await stack.admin("GET", bulkLog(listId))).calls.map((c: any) => [c.method, c.parts.length, c.status])).toEqual([["PATCH", 3, 400]]);
    } finally {
      await stack.admin("PUT", "/config", { listReactivation: "allowed" });
    }
  });
});
