// Conformance of the emulated List v4 / List Item v4 / Bulk API over HTTP (docs/emulator/lists-v4.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concurListIdFor, listIdAt } from "../../../src/emulator/accounting/mappings.js";
import { DEMO_LISTS, type RunningEmulator } from "../../../src/emulator/index.js";
import { createEmulator } from "../../../src/emulator/index.js";
import { call, testKeyPem } from "../helpers.js";

let emu: RunningEmulator;
let token: string;
const L = "/list/v4";

beforeAll(async () => {
  emu = await createEmulator({ port: 0, seed: "demo", privateKeyPem: testKeyPem() });
  token = emu.issueToken(DEMO_LISTS.companyId);
  // The bulk rate limit has its own test below.
  await call(emu.url, "PUT", "/_emulator/config", { body: { listBulkPerSecond: 0 } });
});
afterAll(async () => {
  await emu?.stop();
});

const listError = (r: { status: number; json: any }, status: number, id: string) => {
  expect(r.status).toBe(status);
  expect(r.json).toMatchObject({ timestamp: expect.any(String), httpStatus: expect.stringMatching(new RegExp(`^${status} - `)), error: { id, message: expect.any(String) }, path: expect.any(String) });
};

describe("List v4 emulation", () => {
  it("the demo cost-centre and project lists are the ones the Accounting demo mappings name", () => {
    expect(DEMO_LISTS.costCenters).toBe(concurListIdFor(listIdAt(0)));
    expect(DEMO_LISTS.projects).toBe(concurListIdFor(listIdAt(1)));
  });

  it("pages are 1-based and fixed at 100, with page info; no all-levels call", async () => {
    const first = await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.costCenters}/children`, { token });
    expect(first.status).toBe(200);
    expect(first.json.page).toEqual({ size: 100, totalElements: 10, totalPages: 1, number: 1 });
    expect(first.json.links).toEqual([]);
    const region = first.json.content[0];
    expect(region).toMatchObject({ code: "R01", shortCode: "R01", level: 1, isDeleted: false });
    expect(region.lists).toContainEqual({ id: DEMO_LISTS.costCenters, hasChildren: true });
    expect(region.lists).toContainEqual({ id: DEMO_LISTS.emeaCostCenters, hasChildren: true }); // shared
    const dept = (await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.costCenters}/items/${region.id}/children`, { token })).json.content[0];
    const leaves = await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.costCenters}/items/${dept.id}/children?sortBy=shortCode&sortDirection=desc`, { token });
    expect(leaves.json.content[0]).toMatchObject({ code: "R01-D01-C019", level: 3, parentId: dept.id });
    const zero = await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.costCenters}/children?page=0`, { token });
    listError(zero, 400, "request.validation.error");
  });

  it("a 250-item level spans 3 pages; filters use field=op:value", async () => {
    const made = await call(emu.url, "POST", `/_emulator/lists/companies/${DEMO_LISTS.companyId}/lists`, { body: { value: "Flat", levelCount: 1, generate: [250] } });
    const p3 = await call(emu.url, "GET", `${L}/lists/${made.json.id}/children?page=3`, { token });
    expect(p3.json.page).toEqual({ size: 100, totalElements: 250, totalPages: 3, number: 3 });
    expect(p3.json.content).toHaveLength(50);
    const cp = await call(emu.url, "GET", `${L}/lists/${made.json.id}/children?shortCodeOrValue=cp:${encodeURIComponent("Region 12")}`, { token });
    expect(cp.json.content.map((i: any) => i.code)).toEqual(["R012", "R120", "R121", "R122", "R123", "R124", "R125", "R126", "R127", "R128", "R129"]);
    const lists = await call(emu.url, "GET", `${L}/lists?levelCount=gt:1&value=cp:Cost`, { token });
    expect(lists.json.content.map((l: any) => l.value)).toEqual(["Cost Centers", "Cost Centers (new)", "Cost Centers EMEA"]);
  });

  it("bulk create runs parts in order, non-transactionally: 201 / 206 / 400 with the failing parts echoed", async () => {
    const listId = DEMO_LISTS.emptyCostCenters;
    const ok = await call(emu.url, "POST", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ shortCode: "A", value: "a" }, { shortCode: "B", value: "b", parentCode: "A" }] } });
    expect(ok.status).toBe(201);
    expect(ok.json).toEqual({ status: "SUCCESS", recordsSucceeded: 2, recordsFailed: 0, errors: [] });
    const partial = await call(emu.url, "POST", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ shortCode: "C", value: "c", parentCode: "A-B" }, { shortCode: "D", value: "d", parentCode: "A-B-C" }, { shortCode: "A", value: "dup" }] } });
    expect(partial.status).toBe(206);
    expect(partial.json).toMatchObject({ status: "PARTIAL_SUCCESS", recordsSucceeded: 1, recordsFailed: 2 });
    expect(partial.json.errors).toEqual([
      { id: "item.max.level.exceeded", message: expect.any(String), listItem: { shortCode: "D", value: "d", parentCode: "A-B-C" } },
      { id: "item.duplicate.code", message: expect.any(String), listItem: { shortCode: "A", value: "dup" } },
    ]);
    const failed = await call(emu.url, "POST", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ shortCode: "X", value: "x", parentCode: "NOPE" }] } });
    expect(failed.status).toBe(400);
    expect(failed.json.errors[0].id).toBe("item.parent.not.found");
    const tooMany = await call(emu.url, "POST", `${L}/lists/${listId}/bulk`, { token, body: { requests: Array.from({ length: 251 }, (_, i) => ({ shortCode: `T${i}`, value: "t" })) } });
    listError(tooMany, 400, "request.validation.error");
    expect(tooMany.json.validationErrors).toEqual([{ source: "requests", message: "size must be between 1 and 250" }]);
  });

  it("bulk patch updates and deletes by long code; deleting a parent deletes its children; a deleted code stays reserved", async () => {
    const listId = DEMO_LISTS.emptyCostCenters;
    const patch = await call(emu.url, "PATCH", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ code: "A-B", value: "b2" }, { code: "A", deleted: true }, { code: "A-B", value: "late" }] } });
    expect(patch.status).toBe(206);
    expect(patch.json.errors).toEqual([{ id: "item.deleted", message: expect.any(String), listItem: { code: "A-B", value: "late" } }]);
    const again = await call(emu.url, "POST", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ shortCode: "A", value: "a" }] } });
    expect(again.status).toBe(400);
    expect(again.json.errors[0].id).toBe("item.duplicate.code.deleted");
    const deleted = await call(emu.url, "GET", `${L}/lists/${listId}/children?isDeleted=true`, { token });
    expect(deleted.json.content[0]).toMatchObject({ code: "A", isDeleted: true, lists: [{ id: listId, hasChildren: false }] });
  });

  it("deleted items: no isDeleted filter answers active and deleted ones; isDeleted=false / true each; updates refused with item.deleted", async () => {
    const made = await call(emu.url, "POST", `/_emulator/lists/companies/${DEMO_LISTS.companyId}/lists`, { body: { value: "Deletions", levelCount: 2, generate: [3, 2] } });
    const listId = made.json.id;
    const gone = await call(emu.url, "PATCH", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ code: "R02", deleted: true }] } });
    expect(gone.status).toBe(200);
    const codes = async (query: string) => (await call(emu.url, "GET", `${L}/lists/${listId}/children${query}`, { token })).json.content.map((i: any) => `${i.code}${i.isDeleted ? " (deleted)" : ""}`);
    expect(await codes("")).toEqual(["R01", "R02 (deleted)", "R03"]);
    expect(await codes("?isDeleted=false")).toEqual(["R01", "R03"]);
    expect(await codes("?isDeleted=true")).toEqual(["R02 (deleted)"]);
    const r02 = (await call(emu.url, "GET", `${L}/lists/${listId}/children?isDeleted=true`, { token })).json.content[0];
    const children = await call(emu.url, "GET", `${L}/lists/${listId}/items/${r02.id}/children`, { token });
    expect(children.json.content.map((i: any) => [i.code, i.isDeleted])).toEqual([["R02-D01", true], ["R02-D02", true]]);
    const update = await call(emu.url, "PATCH", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ code: "R02", value: "changed" }, { code: "R02", deleted: true }] } });
    expect(update.status).toBe(400);
    expect(update.json.errors.map((e: any) => e.id)).toEqual(["item.deleted", "item.deleted"]);
    // Fault: a Concur that ignores the filter answers both whatever is asked.
    await call(emu.url, "PUT", "/_emulator/config", { body: { listIgnoreDeletedFilter: true } });
    try {
      expect(await codes("?isDeleted=false")).toEqual(["R01", "R02 (deleted)", "R03"]);
    } finally {
      await call(emu.url, "PUT", "/_emulator/config", { body: { listIgnoreDeletedFilter: false } });
    }
  });

  it("reactivation: B2 deleted:false brings the item alone back (parents first), or is refused with item.deleted when so configured; the bulk log shows what was sent", async () => {
    const made = await call(emu.url, "POST", `/_emulator/lists/companies/${DEMO_LISTS.companyId}/lists`, { body: { value: "Reactivation", levelCount: 2, generate: [2, 2] } });
    const listId = made.json.id;
    await call(emu.url, "PATCH", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ code: "R01", deleted: true }] } });
    const childFirst = await call(emu.url, "PATCH", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ code: "R01-D01", deleted: false }, { code: "R01", deleted: false, value: "Back" }, { code: "R01-D02", deleted: false }] } });
    expect(childFirst.status).toBe(206);
    expect(childFirst.json.errors).toEqual([{ id: "item.parent.deleted", message: expect.any(String), listItem: { code: "R01-D01", deleted: false } }]);
    const active = (await call(emu.url, "GET", `${L}/lists/${listId}/children?isDeleted=false`, { token })).json.content;
    expect(active.map((i: any) => [i.code, i.value, i.isDeleted])).toEqual([["R01", "Back", false], ["R02", "Region 02", false]]);
    expect(active[0].lists).toEqual([{ id: listId, hasChildren: true }]);
    const kids = (await call(emu.url, "GET", `${L}/lists/${listId}/items/${active[0].id}/children`, { token })).json.content;
    expect(kids.map((i: any) => [i.code, i.isDeleted])).toEqual([["R01-D01", true], ["R01-D02", false]]);
    await call(emu.url, "PUT", "/_emulator/config", { body: { listReactivation: "refused" } });
    try {
      const refused = await call(emu.url, "PATCH", `${L}/lists/${listId}/bulk`, { token, body: { requests: [{ code: "R01-D01", deleted: false }] } });
      expect(refused.status).toBe(400);
      expect(refused.json.errors[0]).toMatchObject({ id: "item.deleted", message: "A previously deleted item cannot be updated" });
    } finally {
      await call(emu.url, "PUT", "/_emulator/config", { body: { listReactivation: "allowed" } });
    }
    const log = await call(emu.url, "GET", `/_emulator/lists/companies/${DEMO_LISTS.companyId}/lists/${listId}/bulk-log`);
    expect(log.json.calls.map((c: any) => [c.method, c.parts.length, c.status])).toEqual([["PATCH", 1, 200], ["PATCH", 3, 206], ["PATCH", 1, 400]]);
    expect(log.json.calls[1].parts[1]).toEqual({ code: "R01", deleted: false, value: "Back" });
    await call(emu.url, "DELETE", `/_emulator/lists/companies/${DEMO_LISTS.companyId}/lists/${listId}/bulk-log`);
    expect((await call(emu.url, "GET", `/_emulator/lists/companies/${DEMO_LISTS.companyId}/lists/${listId}/bulk-log`)).json.calls).toEqual([]);
  });

  it("managed lists refuse other apps with list.is.managed; hyphens are not refused by Concur itself", async () => {
    const managed = await call(emu.url, "POST", `${L}/lists/${DEMO_LISTS.managedVendors}/bulk`, { token, body: { requests: [{ shortCode: "V9", value: "v" }] } });
    listError(managed, 400, "list.is.managed");
    const single = await call(emu.url, "POST", `${L}/items`, { token, body: { listId: DEMO_LISTS.projects, shortCode: "P-X", value: "hyphen" } });
    expect(single.status).toBe(201);
    expect(single.json).toMatchObject({ code: "P-X", level: 1 });
    expect(single.headers.location).toContain(`${L}/items/${single.json.id}`);
  });

  it("single items: remove from one list keeps the shared item elsewhere; delete everywhere marks it deleted in all lists", async () => {
    const region = (await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.emeaCostCenters}/children`, { token })).json.content[0];
    expect((await call(emu.url, "DELETE", `${L}/lists/${DEMO_LISTS.emeaCostCenters}/items/${region.id}`, { token })).status).toBe(204);
    const after = await call(emu.url, "GET", `${L}/items/${region.id}`, { token });
    expect(after.json).toMatchObject({ isDeleted: false, lists: [{ id: DEMO_LISTS.costCenters, hasChildren: true }] });
    expect((await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.emeaCostCenters}/children`, { token })).json.content).toEqual([]);
  });

  it("scopes: a token without spend.listitem.* gets 403; no token 401; rate limit 429 with retry-after 0", async () => {
    const readOnly = emu.issueToken(DEMO_LISTS.companyId, ["spend.list.read"]);
    listError(await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.costCenters}/children`, { token: readOnly }), 403, "scope.insufficient");
    expect((await call(emu.url, "GET", `${L}/lists/${DEMO_LISTS.costCenters}`, { token: readOnly })).status).toBe(200);
    expect((await call(emu.url, "GET", `${L}/lists`)).status).toBe(401);
    await call(emu.url, "PUT", "/_emulator/config", { body: { listRate429: 1 } });
    const limited = await call(emu.url, "GET", `${L}/lists`, { token });
    listError(limited, 429, "security.rate.limit.reached");
    expect(limited.headers["retry-after"]).toBe("0");
    await call(emu.url, "PUT", "/_emulator/config", { body: { listRate429: 0, listBulkPerSecond: 1 } });
    const body = { requests: [{ code: "R01", value: "Region 01" }] };
    expect((await call(emu.url, "PATCH", `${L}/lists/${DEMO_LISTS.costCenters}/bulk`, { token, body })).status).toBe(200);
    const second = await call(emu.url, "PATCH", `${L}/lists/${DEMO_LISTS.costCenters}/bulk`, { token, body });
    listError(second, 429, "security.rate.limit.reached");
    expect(second.headers["retry-after"]).toBe("0");
  });
});
