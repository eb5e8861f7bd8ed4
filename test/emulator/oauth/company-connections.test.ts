// Company connections (Quick Connect): request tokens, client authentication, the documented token grants and
// success body, sliding and rotating refresh tokens, revocation, two data centers plus GLZ, and token faults,
// all over real HTTP. Expiry runs on the emulator's admin clock (POST /_emulator/clock/advance).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../../src/emulator/index.js";
import { call, testKeyPem } from "../helpers.js";

const TOKEN = "/oauth2/v0/token";
const OTHER_APP = { clientId: "a0000000-0000-4000-8000-00000000a002", clientSecret: "other-secret" };
const app = { client_id: EMULATOR_CLIENT_ID, client_secret: EMULATOR_CLIENT_SECRET };
const otherApp = { client_id: OTHER_APP.clientId, client_secret: OTHER_APP.clientSecret };
const DAY_MS = 24 * 3_600_000;

const form = (fields: Record<string, string>) => ({
  rawBody: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded" },
});
const accountsPath = (companyId: string, erpId: string) => `/accountingintegration/v4/companies/${companyId}/erps/${erpId}/accounts`;

let emu: RunningEmulator;
let eu: string;

const admin = (method: string, path: string, body?: unknown) => call(emu.url, method, `/_emulator${path}`, { body });
const advance = (ms: number) => admin("POST", "/clock/advance", { ms });
const requestToken = async (companyId: string, clientId?: string): Promise<string> => {
  const r = await admin("POST", `/companies/${companyId}/request-token`, clientId ? { clientId } : undefined);
  expect(r.status).toBe(201);
  return r.json.requestToken;
};
const exchange = async (base: string, companyId: string, password: string, creds: Record<string, string> = app) =>
  call(base, "POST", TOKEN, form({ ...creds, grant_type: "password", username: companyId, password, credtype: "authtoken" }));
const refresh = (base: string, refreshToken: string, creds: Record<string, string> = app) =>
  call(base, "POST", TOKEN, form({ ...creds, grant_type: "refresh_token", refresh_token: refreshToken }));
/** A connected company: a request token exchanged at GLZ. */
const connect = async (companyId: string = DEMO.companyId, creds = app, clientId?: string) => {
  const r = await exchange(emu.tokenUrl, companyId, await requestToken(companyId, clientId), creds);
  expect(r.status).toBe(200);
  return r.json;
};
const tokenCalls = async () => (await admin("GET", "/counters")).json.counters[`POST ${TOKEN}`] ?? {};

beforeAll(async () => {
  emu = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo", clients: [{ clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET }, OTHER_APP] });
  eu = emu.dataCenters[1].url;
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await admin("PUT", "/faults/token", { next: 0 });
});

describe("data centers and the GLZ token host", () => {
  it("serves two data centers and GLZ on their own base URLs; url stays the primary", () => {
    expect(emu.dataCenters.map((dc) => dc.name)).toEqual(["us2", "eu2"]);
    expect(emu.dataCenters[0].url).toBe(emu.url);
    const urls = new Set([emu.url, eu, emu.tokenUrl]);
    expect(urls.size).toBe(3);
    for (const u of urls) expect(u).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("GLZ exchanges for every company and answers geolocation = the company's data center", async () => {
    expect((await connect(DEMO.companyId)).geolocation).toBe(emu.url);
    expect((await connect(DEMO.secondCompanyId)).geolocation).toBe(eu);
  });

  it("API calls go to the token's geolocation: 200 there, 401 in the other data center and at GLZ", async () => {
    const second = await connect(DEMO.secondCompanyId);
    const path = accountsPath(DEMO.secondCompanyId, DEMO.secondErpId);
    const home = await call(second.geolocation, "GET", path, { token: second.access_token });
    expect(home.status).toBe(200);
    expect(home.json.data).toHaveLength(DEMO.secondAccounts);
    for (const wrong of [emu.url, emu.tokenUrl]) {
      const r = await call(wrong, "GET", path, { token: second.access_token });
      expect(r.status, wrong).toBe(401);
      expect(r.json).toMatchObject({ httpStatus: "401 - Unauthorized", errorCode: "token.invalid" });
    }
    // The demo company and issueToken tokens keep working on the primary, as before.
    const demo = await call(emu.url, "GET", accountsPath(DEMO.companyId, DEMO.erpId), { token: emu.issueToken(DEMO.companyId) });
    expect(demo.status).toBe(200);
    expect((await call(eu, "GET", accountsPath(DEMO.companyId, DEMO.erpId), { token: emu.issueToken(DEMO.companyId) })).status).toBe(401);
  });

  it("the token endpoint of another data center answers code 16 with the right geolocation", async () => {
    const wrongHost = await exchange(emu.url, DEMO.secondCompanyId, await requestToken(DEMO.secondCompanyId));
    expect(wrongHost.status).toBe(400);
    expect(wrongHost.json).toEqual({ code: 16, error: "invalid_request", error_description: expect.any(String), geolocation: eu });
    // The password grant also works at the company's own data center (the older docs' host).
    expect((await exchange(eu, DEMO.secondCompanyId, await requestToken(DEMO.secondCompanyId))).status).toBe(200);

    const second = await connect(DEMO.secondCompanyId);
    for (const wrong of [emu.url, emu.tokenUrl]) {
      const r = await refresh(wrong, second.refresh_token);
      expect(r.status, wrong).toBe(400);
      expect(r.json).toMatchObject({ code: 16, geolocation: eu });
    }
    expect((await refresh(eu, second.refresh_token)).status).toBe(200);
  });

  it("admin creates companies in a chosen data center", async () => {
    const created = await admin("POST", "/companies", { dataCenter: "eu2" });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ companyId: expect.stringMatching(/^[0-9a-f-]{36}$/), dataCenter: "eu2", geolocation: eu });
    expect((await connect(created.json.companyId)).geolocation).toBe(eu);
    expect((await admin("POST", "/companies", {})).json).toMatchObject({ dataCenter: "us2", geolocation: emu.url });
    const bad = await admin("POST", "/companies", { dataCenter: "mars1" });
    expect(bad.status).toBe(400);
    expect(bad.json.validationErrors[0].source).toBe("dataCenter");
    expect((await admin("POST", "/companies", { companyId: DEMO.companyId, dataCenter: "eu2" })).status).toBe(400);
  });
});

describe("request tokens and the password grant", () => {
  it("admin request-token answers {requestToken, expiresAt, companyId}, 24 h on the emulator clock", async () => {
    const before = Date.parse((await advance(0)).json.now);
    const r = await admin("POST", `/companies/${DEMO.companyId}/request-token`);
    expect(r.status).toBe(201);
    expect(Object.keys(r.json).sort()).toEqual(["companyId", "expiresAt", "requestToken"]);
    expect(r.json.companyId).toBe(DEMO.companyId);
    expect(Date.parse(r.json.expiresAt) - before).toBeGreaterThanOrEqual(DAY_MS);
    expect(Date.parse(r.json.expiresAt) - before).toBeLessThan(DAY_MS + 60_000);
    expect((await admin("POST", "/companies/11111111-1111-4111-8111-111111111111/request-token")).status).toBe(404);
    expect((await admin("POST", `/companies/${DEMO.companyId}/request-token`, { clientId: "nobody" })).status).toBe(400);
  });

  it("a request token is reusable within 24 h (each exchange gives a valid pair) and dead after", async () => {
    const rt = await requestToken(DEMO.companyId);
    const first = await exchange(emu.tokenUrl, DEMO.companyId, rt);
    expect(first.status).toBe(200);
    await advance(23 * 3_600_000);
    const second = await exchange(emu.tokenUrl, DEMO.companyId, rt);
    expect(second.status).toBe(200);
    expect(second.json.refresh_token).not.toBe(first.json.refresh_token);
    expect((await call(emu.url, "GET", accountsPath(DEMO.companyId, DEMO.erpId), { token: second.json.access_token })).status).toBe(200);
    for (const pair of [first.json, second.json]) expect((await refresh(emu.url, pair.refresh_token)).status).toBe(200);
    await advance(3_600_000);
    const expired = await exchange(emu.tokenUrl, DEMO.companyId, rt);
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ code: 5, error: "invalid_grant", error_description: "Incorrect Credentials. Please Retry" });
  });

  it("rejects unknown request tokens, another company's, and another client's (136)", async () => {
    expect((await exchange(emu.tokenUrl, DEMO.companyId, "not-a-request-token")).json).toMatchObject({ code: 5, error: "invalid_grant" });
    const forSecond = await requestToken(DEMO.secondCompanyId);
    expect((await exchange(emu.tokenUrl, DEMO.companyId, forSecond)).json.code).toBe(5);
    const forOther = await requestToken(DEMO.companyId, OTHER_APP.clientId);
    const wrongClient = await exchange(emu.tokenUrl, DEMO.companyId, forOther, app);
    expect(wrongClient.status).toBe(400);
    expect(wrongClient.json).toMatchObject({ code: 136, error: "invalid_request" });
    expect((await exchange(emu.tokenUrl, DEMO.companyId, forOther, otherApp)).status).toBe(200);
    // issueRequestToken on RunningEmulator is the same thing for tests.
    const issued = emu.issueRequestToken(DEMO.companyId);
    expect(issued.companyId).toBe(DEMO.companyId);
    expect((await exchange(emu.tokenUrl, DEMO.companyId, issued.requestToken)).status).toBe(200);
  });

  it("authenticates the client: 62, 63, 61, 19", async () => {
    const rt = await requestToken(DEMO.companyId);
    const base = { grant_type: "password", username: DEMO.companyId, password: rt, credtype: "authtoken" };
    const cases: [Record<string, string>, number, number, string][] = [
      [{ client_secret: EMULATOR_CLIENT_SECRET }, 400, 62, "invalid_request"],
      [{ client_id: EMULATOR_CLIENT_ID }, 400, 63, "invalid_request"],
      [{ client_id: "unknown-client", client_secret: "x" }, 401, 61, "invalid_client"],
      [{ client_id: EMULATOR_CLIENT_ID, client_secret: "wrong" }, 401, 19, "invalid_client"],
    ];
    for (const [creds, status, code, error] of cases) {
      const r = await call(emu.tokenUrl, "POST", TOKEN, form({ ...base, ...creds }));
      expect(r.status, String(code)).toBe(status);
      expect(r.json).toEqual({ code, error, error_description: expect.any(String), geolocation: emu.tokenUrl });
    }
  });

  it("checks the password-grant fields: 65, 51, 52, credtype 5 / 120, format 135", async () => {
    const rt = await requestToken(DEMO.companyId);
    const post = (fields: Record<string, string>) => call(emu.tokenUrl, "POST", TOKEN, form(fields));
    expect((await post({ ...app })).json.code).toBe(65);
    expect((await post({ ...app, grant_type: "password", password: rt, credtype: "authtoken" })).json.code).toBe(51);
    expect((await post({ ...app, grant_type: "password", username: DEMO.companyId, credtype: "authtoken" })).json.code).toBe(52);
    expect((await post({ ...app, grant_type: "password", username: DEMO.companyId, password: rt })).json).toMatchObject({ code: 5 });
    expect((await post({ ...app, grant_type: "password", username: DEMO.companyId, password: rt, credtype: "magic" })).json.code).toBe(120);
    const asJson = await call(emu.tokenUrl, "POST", TOKEN, { body: { ...app, grant_type: "password" } });
    expect(asJson.status).toBe(400);
    expect(asJson.json.code).toBe(135);
  });
});

describe("the success body and token lifetimes", () => {
  it("is exactly the documented fields: expires_in a string, refresh_expires_in epoch seconds, geolocation", async () => {
    const nowMs = Date.parse((await advance(0)).json.now);
    const body = await connect(DEMO.companyId);
    expect(Object.keys(body).sort()).toEqual(
      ["access_token", "expires_in", "geolocation", "id_token", "refresh_expires_in", "refresh_token", "scope", "token_type"]);
    expect(body).toMatchObject({
      expires_in: "3600",
      token_type: "Bearer",
      // Default grants carry every emulated API's scopes (Accounting first), space-delimited.
      scope: expect.stringMatching(/^spend\.accountingintegration\.read spend\.accountingintegration\.write( \S+)*$/),
      geolocation: emu.url,
    });
    expect(body.refresh_token).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.refresh_expires_in).toMatch(/^\d+$/);
    expect(Number(body.refresh_expires_in) - Math.floor(nowMs / 1000)).toBeGreaterThanOrEqual(180 * 86_400 - 60);
    expect(Number(body.refresh_expires_in) - Math.floor(nowMs / 1000)).toBeLessThanOrEqual(180 * 86_400 + 60);
    const claims = JSON.parse(Buffer.from(body.id_token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ sub: DEMO.companyId, aud: EMULATOR_CLIENT_ID });
  });

  it("access tokens expire after an hour on the emulator clock; the refresh grant gives a new one", async () => {
    const body = await connect(DEMO.companyId);
    const path = accountsPath(DEMO.companyId, DEMO.erpId);
    await advance(3_599_000);
    expect((await call(emu.url, "GET", path, { token: body.access_token })).status).toBe(200);
    await advance(1_000);
    const expired = await call(emu.url, "GET", path, { token: body.access_token });
    expect(expired.status).toBe(401);
    expect(expired.json.errorMessage).toMatch(/expired/);
    const refreshed = await refresh(body.geolocation, body.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.geolocation).toBe(emu.url);
    expect((await call(emu.url, "GET", path, { token: refreshed.json.access_token })).status).toBe(200);
  });

  it("refresh tokens slide: each refresh moves refresh_expires_in forward; idle 6 months → 108", async () => {
    const body = await connect(DEMO.companyId);
    await advance(100 * DAY_MS);
    const slid = await refresh(emu.url, body.refresh_token);
    expect(slid.json.refresh_token).toBe(body.refresh_token); // refreshRotation "never" (the default)
    expect(Number(slid.json.refresh_expires_in) - Number(body.refresh_expires_in)).toBe(100 * 86_400);
    await advance(170 * DAY_MS);
    expect((await refresh(emu.url, body.refresh_token)).status).toBe(200); // 270 days after connect, 170 after the last refresh
    await advance(180 * DAY_MS);
    const dead = await refresh(emu.url, body.refresh_token);
    expect(dead.status).toBe(400);
    expect(dead.json).toEqual({ code: 108, error: "invalid_grant", error_description: expect.any(String), geolocation: emu.url });
  });

  it("checks refresh fields and ownership: 106, 105, 54 (a refresh may narrow scopes, not widen)", async () => {
    const body = await connect(DEMO.companyId);
    expect((await call(emu.url, "POST", TOKEN, form({ ...app, grant_type: "refresh_token" }))).json.code).toBe(106);
    expect((await refresh(emu.url, body.refresh_token, otherApp)).json).toMatchObject({ code: 105, error: "invalid_grant" });
    const narrowed = await call(emu.url, "POST", TOKEN, form({ ...app, grant_type: "refresh_token", refresh_token: body.refresh_token, scope: "spend.accountingintegration.read" }));
    expect(narrowed.json.scope).toBe("spend.accountingintegration.read");
    // A scope the connection was never granted (the default grant holds every emulated API's scopes).
    const widened = await call(emu.url, "POST", TOKEN, form({ ...app, grant_type: "refresh_token", refresh_token: body.refresh_token, scope: "spend.accountingintegration.read company.write.not-granted" }));
    expect(widened.json).toMatchObject({ code: 54, error: "invalid_scope" });
  });

  it("admin expire / revoke of a company's refresh tokens → 108", async () => {
    const a = await connect(DEMO.companyId);
    const expired = await admin("POST", `/companies/${DEMO.companyId}/refresh-tokens/expire`);
    expect(expired.status).toBe(200);
    expect(expired.json.expired).toBeGreaterThanOrEqual(1);
    expect((await refresh(emu.url, a.refresh_token)).json.code).toBe(108);
    const b = await connect(DEMO.companyId);
    const revoked = await admin("POST", `/companies/${DEMO.companyId}/refresh-tokens/revoke`, { clientId: EMULATOR_CLIENT_ID });
    expect(revoked.json).toMatchObject({ companyId: DEMO.companyId, revoked: expect.any(Number) });
    expect((await refresh(emu.url, b.refresh_token)).json.code).toBe(108);
    // Access tokens are untouched by these admin calls: they run out on their own.
    expect((await call(emu.url, "GET", accountsPath(DEMO.companyId, DEMO.erpId), { token: b.access_token })).status).toBe(200);
    expect((await admin("POST", "/companies/11111111-1111-4111-8111-111111111111/refresh-tokens/expire")).status).toBe(404);
  });
});

describe("revocation: DELETE /app-mgmt/v0/connections", () => {
  it("200; revokes the company's refresh and access tokens for that app only", async () => {
    const mine = await connect(DEMO.companyId);
    const theirs = await connect(DEMO.companyId, otherApp, OTHER_APP.clientId);
    const path = accountsPath(DEMO.companyId, DEMO.erpId);
    const r = await call(emu.url, "DELETE", "/app-mgmt/v0/connections", { token: mine.access_token });
    expect(r.status).toBe(200);
    expect((await refresh(emu.url, mine.refresh_token)).json.code).toBe(108);
    expect((await call(emu.url, "GET", path, { token: mine.access_token })).status).toBe(401);
    expect((await refresh(emu.url, theirs.refresh_token, otherApp)).status).toBe(200);
    expect((await call(emu.url, "DELETE", "/app-mgmt/v0/connections")).status).toBe(401);
    // A new Connect works again.
    expect((await connect(DEMO.companyId)).access_token).toEqual(expect.any(String));
  });

  it("goes to the company's data center like every API call", async () => {
    const second = await connect(DEMO.secondCompanyId);
    expect((await call(emu.url, "DELETE", "/app-mgmt/v0/connections", { token: second.access_token })).status).toBe(401);
    expect((await call(eu, "DELETE", "/app-mgmt/v0/connections", { token: second.access_token })).status).toBe(200);
  });
});

describe("rotation", () => {
  it('refreshRotation "always": every refresh returns a new refresh token and the old one stops working', async () => {
    const rot = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo", refreshRotation: "always" });
    try {
      const rt = rot.issueRequestToken(DEMO.companyId).requestToken;
      const first = await exchange(rot.tokenUrl, DEMO.companyId, rt);
      const next = await refresh(rot.url, first.json.refresh_token);
      expect(next.status).toBe(200);
      expect(next.json.refresh_token).not.toBe(first.json.refresh_token);
      expect((await refresh(rot.url, first.json.refresh_token)).json.code).toBe(108);
      expect((await refresh(rot.url, next.json.refresh_token)).status).toBe(200);
    } finally {
      await rot.stop();
    }
  });

  it("a rotation probability rolls the injected random source", async () => {
    let draw = 0.9;
    const rot = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo", refreshRotation: 0.5, random: () => draw });
    try {
      const first = await exchange(rot.tokenUrl, DEMO.companyId, rot.issueRequestToken(DEMO.companyId).requestToken);
      const kept = await refresh(rot.url, first.json.refresh_token);
      expect(kept.json.refresh_token).toBe(first.json.refresh_token);
      draw = 0.1;
      const rotated = await refresh(rot.url, first.json.refresh_token);
      expect(rotated.json.refresh_token).not.toBe(first.json.refresh_token);
    } finally {
      await rot.stop();
    }
  });
});

describe("token-endpoint faults and counters", () => {
  it("the next N token calls answer 503 (plain text), then the endpoint recovers; all are counted", async () => {
    const body = await connect(DEMO.companyId);
    await admin("POST", "/counters/reset");
    expect((await admin("PUT", "/faults/token", { next: 2, kind: "503" })).json).toEqual({ next: 2, kind: "503" });
    for (let i = 0; i < 2; i++) {
      const r = await refresh(emu.url, body.refresh_token);
      expect(r.status).toBe(503);
      expect(r.headers["content-type"]).toMatch(/^text\/plain/);
      expect(r.text).toBe("Service Unavailable");
    }
    expect((await refresh(emu.url, body.refresh_token)).status).toBe(200);
    expect(await tokenCalls()).toEqual({ "200": 1, "503": 2 });
    expect((await admin("GET", "/faults/token")).json).toEqual({ next: 0, kind: "503" });
  });

  it("500 plain text and code 134 (scheduled maintenance) on demand; bad input is 400", async () => {
    const body = await connect(DEMO.companyId);
    await admin("PUT", "/faults/token", { next: 1, kind: "500" });
    const r500 = await refresh(emu.url, body.refresh_token);
    expect(r500.status).toBe(500);
    expect(r500.text).toBe("Internal Server Error");
    await admin("PUT", "/faults/token", { next: 1, kind: "maintenance" });
    const r134 = await refresh(emu.url, body.refresh_token);
    expect(r134.status).toBe(400);
    expect(r134.json).toMatchObject({ code: 134, error: "invalid_request" });
    expect((await refresh(emu.url, body.refresh_token)).status).toBe(200);
    expect((await admin("PUT", "/faults/token", { next: -1 })).status).toBe(400);
    expect((await admin("PUT", "/faults/token", { next: 1, kind: "teapot" })).status).toBe(400);
  });

  it("counts one token call per refresh, whatever the number of API calls in between", async () => {
    const body = await connect(DEMO.companyId);
    await admin("POST", "/counters/reset");
    const refreshed = await refresh(emu.url, body.refresh_token);
    for (let i = 0; i < 5; i++) {
      expect((await call(emu.url, "GET", accountsPath(DEMO.companyId, DEMO.erpId), { token: refreshed.json.access_token })).status).toBe(200);
    }
    const counters = (await admin("GET", "/counters")).json.counters;
    expect(counters[`POST ${TOKEN}`]).toEqual({ "200": 1 });
    expect(counters["GET /accountingintegration/v4/companies/{companyId}/erps/{erpId}/accounts"]).toEqual({ "200": 5 });
  });

  it("admin reset clears pending token faults but keeps tokens valid", async () => {
    const body = await connect(DEMO.companyId);
    await admin("PUT", "/faults/token", { next: 5 });
    await admin("POST", "/reset");
    expect((await admin("GET", "/faults/token")).json.next).toBe(0);
    expect((await refresh(emu.url, body.refresh_token)).status).toBe(200);
  });
});
