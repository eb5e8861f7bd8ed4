// The App Center's Connect button, emulated: a request token and the redirect to the partner's landing URL with the
// company UUID in upper case (as partners see it, issue 21), `userId` or `userID`; the token in the redirect is
// exchanged with the id in either case. Over real HTTP: the JSON admin call and the 301 a browser follows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, type RunningEmulator } from "../../../src/emulator/index.js";
import { call, testKeyPem } from "../helpers.js";

const LANDING = "https://partner.example/concur/connect?tenant=acme";
let emu: RunningEmulator;

const exchange = (companyId: string, requestToken: string) =>
  call(emu.tokenUrl, "POST", "/oauth2/v0/token", {
    rawBody: new URLSearchParams({ client_id: EMULATOR_CLIENT_ID, client_secret: EMULATOR_CLIENT_SECRET, grant_type: "password", username: companyId, password: requestToken, credtype: "authtoken" }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });

beforeAll(async () => {
  emu = await createEmulator({ port: 0, privateKeyPem: testKeyPem(), seed: "demo" });
});
afterAll(async () => {
  await emu.stop();
});

describe("App Center Connect redirect", () => {
  it("POST /_emulator/companies/{id}/connect answers the redirect URL: upper-case id, the request token, userId, the landing URL's own query kept", async () => {
    const r = await call(emu.url, "POST", `/_emulator/companies/${DEMO.companyId}/connect`, { body: { landingUrl: LANDING } });
    expect(r.status).toBe(201);
    const body = r.json as { redirectUrl: string; requestToken: string; companyId: string; userId: string; expiresAt: string };
    const url = new URL(body.redirectUrl);
    expect(`${url.origin}${url.pathname}`).toBe("https://partner.example/concur/connect");
    expect(url.searchParams.get("tenant")).toBe("acme");
    expect(url.searchParams.get("id")).toBe(DEMO.companyId.toUpperCase());
    expect(url.searchParams.get("id")).not.toBe(DEMO.companyId);
    expect(url.searchParams.get("requestToken")).toBe(body.requestToken);
    expect(url.searchParams.get("userId")).toBe(body.userId);
    expect(body.userId).toBe(body.userId.toUpperCase());
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    // The upper-case id of the redirect is accepted by the password grant, as Concur's UUIDs are case-insensitive.
    const token = await exchange(url.searchParams.get("id")!, body.requestToken);
    expect(token.status).toBe(200);
    expect((token.json as { refresh_token: string }).refresh_token).toBeTruthy();
  });

  it("GET …/connect is the 301 a browser follows; idCase=lower and userParam=userID change the redirect", async () => {
    const query = new URLSearchParams({ landingUrl: LANDING, idCase: "lower", userParam: "userID", userId: "ABCDEF00-0000-4000-8000-000000000001" });
    const r = await call(emu.url, "GET", `/_emulator/companies/${DEMO.companyId}/connect?${query}`);
    expect(r.status).toBe(301);
    const url = new URL(String(r.headers.location));
    expect(url.searchParams.get("id")).toBe(DEMO.companyId);
    expect(url.searchParams.get("userID")).toBe("abcdef00-0000-4000-8000-000000000001");
    expect(url.searchParams.has("userId")).toBe(false);
    expect((await exchange(DEMO.companyId, url.searchParams.get("requestToken")!)).status).toBe(200);
  });

  it("the test-side API makes the same redirect", () => {
    const redirect = emu.appCenterRedirect(DEMO.secondCompanyId, { landingUrl: "http://127.0.0.1:1/connect" });
    expect(new URL(redirect.redirectUrl).searchParams.get("id")).toBe(DEMO.secondCompanyId.toUpperCase());
  });

  it("refuses a missing or non-http landing URL (400) and an unknown company (404)", async () => {
    expect((await call(emu.url, "POST", `/_emulator/companies/${DEMO.companyId}/connect`, { body: {} })).status).toBe(400);
    expect((await call(emu.url, "POST", `/_emulator/companies/${DEMO.companyId}/connect`, { body: { landingUrl: "javascript:alert(1)" } })).status).toBe(400);
    expect((await call(emu.url, "POST", `/_emulator/companies/${DEMO.companyId}/connect`, { body: { landingUrl: LANDING, idCase: "mixed" } })).status).toBe(400);
    expect((await call(emu.url, "POST", "/_emulator/companies/00000000-0000-4000-8000-00000000dead/connect", { body: { landingUrl: LANDING } })).status).toBe(404);
  });
});
