import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../src/emulator/index.js";
import { call, fakeClock, startWithErp, waitForFinal } from "../helpers.js";

const PAGE_BYTES = 2_000;
const clock = fakeClock();
let emu: RunningEmulator;
let token: string;
let base: string;
let companyId: string;
let erpId: string;

beforeAll(async () => {
  ({ emu, token, base, companyId, erpId } = await startWithErp({ now: clock.now, pageBytes: PAGE_BYTES }));
  await call(emu.url, "POST", `/_emulator/companies/${companyId}/erps/${erpId}/seed`, { body: { accounts: 120, vendors: 30, lists: 15 } });
});
afterAll(async () => {
  await emu.stop();
});

/** Follows links.next from the first page; checks the byte budget of each page. */
async function readAllPages(segment: string) {
  const pages: { bytes: number; count: number; next?: string }[] = [];
  const records: { id: string }[] = [];
  let path: string | undefined = `${base}/${segment}`;
  while (path) {
    const r = await call(emu.url, "GET", path, { token });
    expect(r.status).toBe(200);
    const next: string | undefined = r.json.links?.next?.href;
    pages.push({ bytes: Buffer.byteLength(r.text), count: r.json.data.length, next });
    records.push(...r.json.data);
    path = next;
  }
  return { pages, records };
}

describe("GET paging by bytes", () => {
  it("cuts every page within the byte budget, returns each record once in order, no next on the last page", async () => {
    for (const [segment, expected] of [["accounts", 120], ["vendors", 30], ["lists", 15]] as const) {
      const { pages, records } = await readAllPages(segment);
      expect(records).toHaveLength(expected);
      expect(new Set(records.map((r) => r.id)).size).toBe(expected);
      if (segment === "accounts") expect(records.map((r) => r.id).slice(0, 3)).toEqual(["ACC-00001", "ACC-00002", "ACC-00003"]);
      for (const p of pages) expect(p.bytes).toBeLessThanOrEqual(PAGE_BYTES);
      expect(pages.at(-1)!.next).toBeUndefined();
      if (segment !== "lists") {
        expect(pages.length).toBeGreaterThan(1);
        // Pages are filled: adding the next record would have exceeded the budget.
        expect(pages[0].bytes).toBeGreaterThan(PAGE_BYTES * 0.8);
      }
      for (const p of pages.slice(0, -1)) {
        expect(p.next).toMatch(new RegExp(`^/accountingintegration/v4/companies/${companyId}/erps/${erpId}/${segment}\\?next=[A-Za-z0-9_-]+$`));
      }
    }
  });

  it("serves the same bytes for a repeated page (cached) and fresh data after a write", async () => {
    const a = await call(emu.url, "GET", `${base}/lists`, { token });
    const b = await call(emu.url, "GET", `${base}/lists`, { token });
    expect(b.text).toBe(a.text);
    clock.advance(1_000);
    const w = await call(emu.url, "PATCH", `${base}/lists`, { token, body: { data: [{ id: "LST-0001", name: "Renamed" }] } });
    await waitForFinal(emu, token, base, w.json.requestId);
    const c = await call(emu.url, "GET", `${base}/lists`, { token });
    expect(c.json.data[0]).toEqual({ id: "LST-0001", name: "Renamed" });
  });

  it("answers 400 for an invalid or foreign next token", async () => {
    for (const bad of ["%%%", "bm90LWpzb24", "", Buffer.from('{"k":"ACCOUNT","o":-1}').toString("base64url")]) {
      const r = await call(emu.url, "GET", `${base}/accounts?next=${bad}`, { token });
      expect(r.status, bad).toBe(400);
      expect(r.json.errorCode).toBe("next.invalid");
    }
    const { pages } = await readAllPages("accounts");
    const foreignToken = pages[0].next!.split("next=")[1];
    expect((await call(emu.url, "GET", `${base}/vendors?next=${foreignToken}`, { token })).status).toBe(400);
  });

  it("paginates request errors under _links.next", async () => {
    clock.advance(1_000);
    const data = Array.from({ length: 40 }, (_, i) => ({ id: `BAD-${i}`, type: "NOPE" }));
    const w = await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data } });
    const final = await waitForFinal(emu, token, base, w.json.requestId);
    expect(final.status).toBe("ERROR");
    const seen: string[] = [];
    let path: string | undefined = `${base}/requests/${w.json.requestId}/errors`;
    let pagesRead = 0;
    while (path) {
      const r = await call(emu.url, "GET", path, { token });
      expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(PAGE_BYTES);
      expect(r.json.links).toBeUndefined();
      seen.push(...r.json.data.map((e: { values: string }) => JSON.parse(e.values).id));
      path = r.json._links.next?.href;
      pagesRead += 1;
    }
    expect(pagesRead).toBeGreaterThan(1);
    expect(seen).toEqual(data.map((d) => d.id));
  });
});
