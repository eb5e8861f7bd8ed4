// The list sync's plan (pure): deleted items are absent, codes the ERP has that Concur holds as deleted are
// reactivated (parents first, never "unchanged"), and the plan's changes are in send order.
import { describe, expect, it } from "vitest";
import type { WireConcurListItem } from "../../src/datasources/index.js";
import { planSync, validateTree } from "../../src/services/list-sync.js";

const item = (code: string, value: string, isDeleted = false): WireConcurListItem => ({
  id: `id-${code}`,
  code,
  shortCode: code.split("-").at(-1)!,
  value,
  level: code.split("-").length,
  isDeleted,
  lists: [{ id: "list", hasChildren: false }],
});
const tree = (...codes: string[]) => validateTree(codes.map((code) => ({ path: code.split("-"), value: `v ${code.replaceAll("-", ".")}` })));

describe("planSync with items deleted in Concur", () => {
  it("reactivates wanted codes held by deleted items, parents first, and never counts them unchanged", () => {
    const wanted = tree("A", "A-B", "A-B-C", "D");
    const plan = planSync(wanted, [item("D", "v D")], [item("A", "v A", true), item("A-B-C", "old", true), item("A-B", "v A.B", true)]);
    expect(plan.summary).toMatchObject({ creates: 0, reactivations: 3, updates: 0, deletes: 0, unchanged: 1, bulkCalls: 1 });
    expect(plan.changes.map((c) => [c.operation, c.code, c.previousValue])).toEqual([
      ["REACTIVATE", "A", "v A"],
      ["REACTIVATE", "A-B", "v A.B"],
      ["REACTIVATE", "A-B-C", "old"],
    ]);
    // The value goes with the reactivation only when it changed.
    expect(plan.patches.map((p) => (p.op === "REACTIVATE" ? p.valueChanged : null))).toEqual([false, false, true]);
  });

  it("sends the B2 calls before the creates only when a create hangs under a reactivated item", () => {
    const under = planSync(tree("A", "A-N"), [], [item("A", "v A", true)]);
    expect(under.patchesFirst).toBe(true);
    expect(under.changes.map((c) => `${c.operation} ${c.code}`)).toEqual(["REACTIVATE A", "CREATE A-N"]);
    const apart = planSync(tree("A", "B", "B-N"), [item("B", "v B")], [item("A", "v A", true)]);
    expect(apart.patchesFirst).toBe(false);
    expect(apart.changes.map((c) => `${c.operation} ${c.code}`)).toEqual(["CREATE B-N", "REACTIVATE A"]);
  });

  it("plans no delete for an item that is only deleted, and an active code wins over a deleted twin", () => {
    const plan = planSync(tree("A"), [item("A", "v A")], [item("A", "gone", true), item("Z", "gone", true)]);
    expect(plan.summary).toMatchObject({ creates: 0, reactivations: 0, deletes: 0, unchanged: 1, bulkCalls: 0 });
  });
});
