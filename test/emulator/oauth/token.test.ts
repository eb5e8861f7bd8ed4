import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../../src/emulator/index.js";
import { call, fakeClock, testKeyPem } from "../helpers.js";

const clock = fakeClock();
let emu: RunningEmulator;
const erps = `/accountingintegration/v4/companies/${DEMO.companyId}/erps`;
/** The registered app's credentials: since company connections, the token endpoint authenticates the client. */
const app = { client_id: EMULATOR_CLIENT_ID, client_secret: EMULATOR_CLIENT_SECRET };
const form = (fields: Record<string, string>) => ({
  rawBody: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded" },
});

beforeAll(async () => {
  emu = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo", now: clock.now });
});
afterAll(async () => {
  await emu.stop();
});

describe("OAuth token endpoint and scopes", () => {
  it("issues a company token by password grant with the spec's response fields", async () => {
    const r = await call(emu.url, "POST", "/oauth2/v0/token", form({
      ...app, grant_type: "password", username: DEMO.companyId, password: emu.issueRequestToken(DEMO.companyId).requestToken, credtype: "authtoken",
    }));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      expires_in: "3600",
      token_type: "Bearer",
      // Default grants carry every emulated API's scopes (Accounting first), space-delimited.
      scope: expect.stringMatching(/^spend\.accountingintegration\.read spend\.accountingintegration\.write( \S+)*$/),
      geolocation: emu.url,
    });
    expect(r.json.access_token).toEqual(expect.any(String));
    expect(r.json.refresh_token).toEqual(expect.any(String));
    const [, payload] = r.json.id_token.split(".");
    expect(JSON.parse(Buffer.from(payload, "base64url").toString()).sub).toBe(DEMO.companyId);
    expect((await call(emu.url, "GET", erps, { token: r.json.access_token })).status).toBe(200);
  });

  it("honours requested scopes: a read-only token gets 403 on PATCH and writes", async () => {
    const r = await call(emu.url, "POST", "/oauth2/v0/token", form({
      ...app, grant_type: "password", username: DEMO.companyId, password: emu.issueRequestToken(DEMO.companyId).requestToken, credtype: "authtoken", scope: "spend.accountingintegration.read",
    }));
    const token = r.json.access_token;
    expect(r.json.scope).toBe("spend.accountingintegration.read");
    const base = `${erps}/${DEMO.erpId}`;
    expect((await call(emu.url, "GET", `${base}/accounts`, { token })).status).toBe(200);
    const patch = await call(emu.url, "PATCH", `${base}/accounts`, { token, body: { data: [] } });
    expect(patch.status).toBe(403);
    expect(patch.json).toMatchObject({ httpStatus: "403 - Forbidden", errorCode: "scope.insufficient" });
    expect((await call(emu.url, "DELETE", base, { token })).status).toBe(403);
  });

  it("refreshes, expires access tokens after an hour, and rejects bad grants", async () => {
    const first = await call(emu.url, "POST", "/oauth2/v0/token", form({ ...app, grant_type: "password", username: DEMO.companyId, password: emu.issueRequestToken(DEMO.companyId).requestToken, credtype: "authtoken" }));
    clock.advance(3_600_000);
    const expired = await call(emu.url, "GET", erps, { token: first.json.access_token });
    expect(expired.status).toBe(401);
    expect(expired.json.httpStatus).toBe("401 - Unauthorized");
    const refreshed = await call(emu.url, "POST", "/oauth2/v0/token", form({ ...app, grant_type: "refresh_token", refresh_token: first.json.refresh_token }));
    expect(refreshed.status).toBe(200);
    expect((await call(emu.url, "GET", erps, { token: refreshed.json.access_token })).status).toBe(200);

    const badRefresh = await call(emu.url, "POST", "/oauth2/v0/token", form({ ...app, grant_type: "refresh_token", refresh_token: "nope" }));
    expect(badRefresh.status).toBe(400);
    expect(badRefresh.json).toMatchObject({ code: 108, error: "invalid_grant" });
    const unknownCompany = await call(emu.url, "POST", "/oauth2/v0/token", form({
      ...app, grant_type: "password", username: "11111111-1111-4111-8111-111111111111", password: "x", credtype: "authtoken",
    }));
    expect(unknownCompany.status).toBe(401);
    expect(unknownCompany.json).toMatchObject({ code: 5, error: "invalid_grant", error_description: expect.any(String) });
    const noPassword = await call(emu.url, "POST", "/oauth2/v0/token", form({ ...app, grant_type: "password", username: DEMO.companyId, credtype: "authtoken" }));
    expect(noPassword.status).toBe(400);
    expect((await call(emu.url, "POST", "/oauth2/v0/token", form({ grant_type: "magic" }))).json.error).toBe("unsupported_grant_type");
  });

  it("answers 401 for missing and malformed tokens and 403 for another company's token", async () => {
    expect((await call(emu.url, "GET", erps)).json.errorCode).toBe("authentication.required");
    expect((await call(emu.url, "GET", erps, { headers: { authorization: "Basic abc" } })).status).toBe(401);
    const { json } = await call(emu.url, "POST", "/_emulator/companies", { body: {} });
    const otherToken = (await call(emu.url, "POST", "/_emulator/tokens", { body: { companyId: json.companyId } })).json.access_token;
    const r = await call(emu.url, "GET", erps, { token: otherToken });
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe("company.forbidden");
  });

  it("puts concur-correlationid on every response and echoes the client's", async () => {
    const token = emu.issueToken(DEMO.companyId);
    const echoed = await call(emu.url, "GET", erps, { token, headers: { "concur-correlationid": "c0ffee00-1111-4222-8333-444455556666" } });
    expect(echoed.headers["concur-correlationid"]).toBe("c0ffee00-1111-4222-8333-444455556666");
    for (const [method, path] of [["GET", erps], ["GET", "/nowhere"], ["PUT", erps], ["GET", "/_emulator/counters"], ["POST", "/oauth2/v0/token"]]) {
      const r = await call(emu.url, method, path);
      expect(r.headers["concur-correlationid"], `${method} ${path}`).toMatch(/^[0-9a-f-]{36}$/);
    }
    const unknown = await call(emu.url, "GET", "/nowhere");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ httpStatus: "404 - Not Found", path: "/nowhere", timestamp: expect.any(String) });
    expect((await call(emu.url, "PUT", erps)).status).toBe(405);
  });
});
