import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../src/emulator/index.js";
import { call, fakeClock, startWithErp } from "../helpers.js";

/**
 * Every operation of AccountingIntegration.swagger2.json (plus taxData, spec 1.2d) against the error statuses the
 * swagger documents for all of them: 400 (ids not UUIDs), 401, 403, 404 and 500 — each with an ErrorMessage body.
 */
const OPERATIONS: ReadonlyArray<[method: string, suffix: string, body?: unknown]> = [
  ["POST", "", { partnerAppName: "a", erpName: "b", externalErpId: "c" }],
  ["GET", ""],
  ["GET", "/{erpId}"],
  ["PATCH", "/{erpId}", { features: [] }],
  ["DELETE", "/{erpId}"],
  ["GET", "/{erpId}/mappings"],
  ["GET", "/{erpId}/accounts"],
  ["PATCH", "/{erpId}/accounts", { data: [] }],
  ["GET", "/{erpId}/vendors"],
  ["PATCH", "/{erpId}/vendors", { data: [] }],
  ["GET", "/{erpId}/lists"],
  ["PATCH", "/{erpId}/lists", { data: [] }],
  ["GET", "/{erpId}/taxData"],
  ["POST", "/{erpId}/taxData", { data: [] }],
  ["PUT", "/{erpId}/taxData", { data: [] }],
  ["GET", "/{erpId}/requests/{requestId}"],
  ["GET", "/{erpId}/requests/{requestId}/errors"],
];

const clock = fakeClock();
let emu: RunningEmulator;
let token: string;
let companyId: string;
let erpId: string;
let requestId: string;

const pathFor = (suffix: string, ids: { companyId?: string; erpId?: string; requestId?: string } = {}) =>
  `/accountingintegration/v4/companies/${ids.companyId ?? companyId}/erps${suffix
    .replace("{erpId}", ids.erpId ?? erpId)
    .replace("{requestId}", ids.requestId ?? requestId)}`;

function expectErrorMessage(r: { status: number; json: Record<string, unknown>; headers: Record<string, unknown> }, status: number, path: string) {
  expect(r.status, `${path} → ${JSON.stringify(r.json)}`).toBe(status);
  expect(r.json).toMatchObject({ timestamp: expect.any(String), httpStatus: expect.stringMatching(new RegExp(`^${status} - `)), errorCode: expect.any(String), errorMessage: expect.any(String), path });
  expect(r.headers["concur-correlationid"]).toEqual(expect.any(String));
}

beforeAll(async () => {
  ({ emu, token, companyId, erpId } = await startWithErp({ now: clock.now }));
  const r = await call(emu.url, "PATCH", pathFor("/{erpId}/lists"), { token, body: { data: [] } });
  requestId = r.json.requestId;
});
afterAll(async () => {
  await emu.stop();
});

describe.each(OPERATIONS)("%s …/erps%s", (method, suffix, body) => {
  it("401 without a token", async () => {
    const path = pathFor(suffix);
    expectErrorMessage(await call(emu.url, method, path, { body }), 401, path);
  });

  it("403 with another company's token", async () => {
    const path = pathFor(suffix);
    expectErrorMessage(await call(emu.url, method, path, { body, token: emu.issueToken(randomUUID()) }), 403, path);
  });

  it("400 for ids that are not UUIDs", async () => {
    const path = pathFor(suffix, { erpId: "not-a-uuid", requestId: "also-not" });
    const t = suffix === "" ? emu.issueToken("bad-company") : token;
    const p = suffix === "" ? pathFor(suffix, { companyId: "bad-company" }) : path;
    expectErrorMessage(await call(emu.url, method, p, { body, token: t }), 400, p);
  });

  it("404 for an unknown company, ERP or request", async () => {
    const unknown = randomUUID();
    const ids = suffix === "" ? { companyId: unknown } : suffix.includes("{requestId}") ? { requestId: unknown } : { erpId: unknown };
    const path = pathFor(suffix, ids);
    const t = suffix === "" ? emu.issueToken(unknown) : token;
    expectErrorMessage(await call(emu.url, method, path, { body, token: t }), 404, path);
  });

  it("500 under the 5xx fault", async () => {
    await call(emu.url, "PUT", "/_emulator/faults", { body: { error5xxRate: 1 } });
    try {
      const path = pathFor(suffix);
      expectErrorMessage(await call(emu.url, method, path, { body, token }), 500, path);
    } finally {
      await call(emu.url, "PUT", "/_emulator/faults", { body: { error5xxRate: 0 } });
    }
  });
});
