import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import { planPatchBatches, type PlanOp } from "../../src/datasources/accounting/writes/plan.js";
import { MAX_PATCH_BYTES, MAX_RECORD_BYTES } from "../../src/datasources/accounting/writes/limits.js";

const bytesOf = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** An account record whose serialized JSON is exactly `size` bytes. */
function account(id: string, size: number) {
  const base = { id, name: "", type: "EXPENSE" };
  const pad = size - bytesOf(base);
  if (pad < 0) throw new Error("size too small");
  return { id, name: "x".repeat(pad), type: "EXPENSE" };
}

const upsert = (record: Record<string, unknown>): PlanOp => ({ kind: "upsert", record, bytes: bytesOf(record) });

function expectExactAndWithinLimit(plan: ReturnType<typeof planPatchBatches>, max = MAX_PATCH_BYTES) {
  for (const p of plan.patches) {
    expect(p.bytes).toBe(bytesOf(p.body));
    expect(p.bytes).toBeLessThanOrEqual(max);
    expect(p.items).toHaveLength(p.body.data.length);
  }
}

describe("planPatchBatches", () => {
  it("packs N records of known size into ceil(total / 4 MB) bodies, measured as exact JSON bytes", () => {
    const size = 100 * 1024;
    const ops = Array.from({ length: 100 }, (_, i) => upsert(account(`A-${i}`, size)));
    const plan = planPatchBatches(ops);
    expectExactAndWithinLimit(plan);
    // 40 records of 100 KiB + 39 commas + 29 bytes of envelope fit in 4 MiB; 41 do not.
    const perPatch = Math.floor((MAX_PATCH_BYTES - 29 + 1) / (size + 1));
    expect(perPatch).toBe(40);
    expect(plan.patches).toHaveLength(Math.ceil(100 / perPatch));
    expect(plan.patches.map((p) => p.body.data.length)).toEqual([40, 40, 20]);
    expect(plan.patches.flatMap((p) => p.items.map((i) => i.op))).toEqual(ops.map((_, i) => i));
    expect(plan.rejected).toEqual([]);
  });

  it("fills a body to the last byte and not one byte more", () => {
    const envelope = bytesOf({ deleteAll: false, data: [] });
    const a = account("A", 1000);
    const b = account("B", 2000);
    const limit = envelope + bytesOf(a) + 1 + bytesOf(b);
    const tight = planPatchBatches([upsert(a), upsert(b)], { maxPatchBytes: limit });
    expect(tight.patches).toHaveLength(1);
    expect(tight.patches[0]!.bytes).toBe(limit);
    expect(bytesOf(tight.patches[0]!.body)).toBe(limit);
    const over = planPatchBatches([upsert(a), upsert(b)], { maxPatchBytes: limit - 1 });
    expect(over.patches).toHaveLength(2);
    expectExactAndWithinLimit(over, limit - 1);
  });

  it("lower bound holds for many small records: ceil(total bytes / 4 MB)", () => {
    const ops = Array.from({ length: 10_000 }, (_, i) => upsert(account(`ACC-${i}`, 1000)));
    const plan = planPatchBatches(ops);
    expectExactAndWithinLimit(plan);
    const total = ops.reduce((n, op) => n + (op.kind === "upsert" ? op.bytes! : 0), 0);
    expect(plan.patches).toHaveLength(Math.ceil(total / MAX_PATCH_BYTES));
  });

  it("starts a new body when an upsert follows a delete of the same id", () => {
    const plan = planPatchBatches([{ kind: "delete", id: "X" }, upsert({ id: "X", name: "n", type: "BANK" })]);
    expect(plan.patches).toHaveLength(2);
    expect(plan.patches[0]!.body.data).toEqual([{ id: "X", isDeleted: true }]);
    expect(plan.patches[1]!.body.data).toEqual([{ id: "X", name: "n", type: "BANK" }]);
  });

  it("keeps an upsert after a delete of a different id in the same body", () => {
    const plan = planPatchBatches([{ kind: "delete", id: "X" }, upsert({ id: "Y", name: "n", type: "BANK" })]);
    expect(plan.patches).toHaveLength(1);
  });

  it("keeps an upsert followed by a delete of the same id in one body, and duplicate upserts together", () => {
    const plan = planPatchBatches([
      upsert({ id: "X", name: "a", type: "BANK" }),
      upsert({ id: "X", name: "b", type: "BANK" }),
      { kind: "delete", id: "X" },
    ]);
    expect(plan.patches).toHaveLength(1);
    expect(plan.patches[0]!.items.map((i) => i.op)).toEqual([0, 1, 2]);
    expect(plan.patches[0]!.body.deleteAll).toBe(false);
  });

  it("replaceAll starts a new body with deleteAll:true and overflows into bodies with deleteAll:false", () => {
    const records = Array.from({ length: 90 }, (_, i) => account(`R-${i}`, 100 * 1024));
    const plan = planPatchBatches([
      upsert({ id: "before", name: "b", type: "BANK" }),
      { kind: "replaceAll", records },
      upsert({ id: "after", name: "a", type: "BANK" }),
    ]);
    expectExactAndWithinLimit(plan);
    expect(plan.patches.map((p) => p.body.deleteAll)).toEqual([false, true, false, false]);
    expect(plan.patches.map((p) => p.body.data.length)).toEqual([1, 40, 40, 11]);
    expect(plan.patches[1]!.items[0]).toEqual({ op: 1, record: 0, id: "R-0" });
    // The op after the replace shares the overflow body.
    expect(plan.patches[3]!.items.at(-1)).toEqual({ op: 2, id: "after" });
  });

  it("an empty replaceAll still sends deleteAll:true", () => {
    const plan = planPatchBatches([{ kind: "replaceAll", records: [] }]);
    expect(plan.patches).toEqual([{ body: { deleteAll: true, data: [] }, bytes: 28, items: [], replaceOp: 0 }]);
  });

  it("rejects a record over 200 KB before sending, naming the id and limit, and plans the rest", () => {
    const big = account("A-17", 250 * 1024);
    const plan = planPatchBatches([upsert({ id: "A-1", name: "a", type: "BANK" }), upsert(big), { kind: "delete", id: "A-2" }], {
      type: "accounts",
    });
    expect(plan.patches).toHaveLength(1);
    expect(plan.patches[0]!.items.map((i) => i.id)).toEqual(["A-1", "A-2"]);
    expect(plan.rejected).toHaveLength(1);
    expect(plan.rejected[0]!.op).toBe(1);
    expect(plan.rejected[0]!.error.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(plan.rejected[0]!.error.message).toBe("accounts[id=A-17] is 250 KB; Concur accepts at most 200 KB per record");
  });

  it("accepts a record of exactly 200 KB", () => {
    const plan = planPatchBatches([upsert(account("edge", MAX_RECORD_BYTES))]);
    expect(plan.rejected).toEqual([]);
    expect(plan.patches).toHaveLength(1);
  });

  it("keys tax data by countryCode", () => {
    const plan = planPatchBatches([{ kind: "replaceAll", records: [{ countryCode: "DE", stateEntries: [] }] }]);
    expect(plan.patches[0]!.items[0]!.id).toBe("DE");
  });
});
