// Connect with partner sign-in (CONNECT_SIGN_IN=oidc) against a real OpenID provider in this process (oidc-provider
// 8, its development login and consent pages): the App Center's redirect (upper-case id, no header) sends a headless
// chromium to the landing URL, which sends it to the provider; the person signs in and consents, the gateway checks
// the answer (code + PKCE, state, nonce) and connects. The page and GraphQL show who connected. A cancelled sign-in
// connects nothing; an API client without credentials must sign in.
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import Provider from "oidc-provider";
import { type Browser, type BrowserContext } from "playwright-core";
import { CHROMIUM, launchChromium } from "../helpers/browser.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../src/emulator/index.js";
import { freePort } from "../helpers/ports.js";
import { ACCOUNTS, CONNECTION_FIELDS, createApiKey, startStack, type ConnectionFields, type Stack } from "../helpers/stack.js";

const hasChromium = existsSync(CHROMIUM);
const CLIENT = { id: "acme-connect-page", secret: "acme-connect-page-secret-0123456789abcdef" };
const CONNECTION_WITH_WHO = `query CompanyConnection($companyId: ID!) { companyConnection(companyId: $companyId) { ${CONNECTION_FIELDS} connectedBy } }`;

describe.skipIf(!hasChromium && !process.env.CI)("Connect landing page with OpenID Connect sign-in", { timeout: 120_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let idp: Server;
  let issuer: string;
  let admin: string;
  const A = DEMO.companyId;
  const B = DEMO.secondCompanyId;

  const landingUrl = () => new URL(stack.config.managed!.connectPath, stack.gateway.origin).href;
  const connection = async (companyId: string) => {
    const res = await stack.graphql<{ companyConnection: (ConnectionFields & { connectedBy: string | null }) | null }>(CONNECTION_WITH_WHO, { companyId }, admin);
    expect(res.errors).toBeUndefined();
    return res.data!.companyConnection;
  };
  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    // Generous on a loaded 2-core machine: every wait below is for a condition, not a time.
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(60_000);
    // Only this machine (the provider's pages ask for a web font: refused).
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());
    return context;
  }

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install chromium (see .ci/run) before the tests`);
    const [gatewayPort, idpPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${idpPort}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          redirect_uris: [`http://127.0.0.1:${gatewayPort}/concur/connect/callback`],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      pkce: { methods: ["S256"], required: () => true },
      // The development login accepts any login; the login becomes the subject.
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@partner.example`, name: "Ana Ruiz" }) }),
      claims: { openid: ["sub"], email: ["email"], profile: ["name"] },
      cookies: { keys: ["connect-oidc-test-cookie-key-0123456789"] },
      features: { devInteractions: { enabled: true } },
    });
    idp = provider.listen(idpPort, "127.0.0.1") as unknown as Server;
    stack = await startStack({
      managed: { connectDemo: false },
      env: {
        PORT: String(gatewayPort),
        CONNECT_SIGN_IN: "oidc",
        CONNECT_OIDC_ISSUER: issuer,
        CONNECT_OIDC_CLIENT_ID: CLIENT.id,
        CONNECT_OIDC_CLIENT_SECRET: CLIENT.secret,
        CONNECT_APP_NAME: "Acme ERP Connector",
      },
    });
    expect(stack.gateway.origin).toBe(`http://127.0.0.1:${gatewayPort}`);
    admin = await createApiKey(stack, "admin", "*", "oidc test admin");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
  });

  it("the person signs in at the partner's provider, then the company is connected; the page and GraphQL show who connected", async () => {
    const context = await newContext();
    const page = await context.newPage();
    try {
      const appCenter = `${stack.emulator.url}/_emulator/companies/${A}/connect?${new URLSearchParams({ landingUrl: landingUrl() })}`;
      await page.goto(appCenter, { waitUntil: "load" });
      // At the provider's login page, not connected yet.
      expect(page.url().startsWith(`${issuer}/interaction/`)).toBe(true);
      expect(await connection(A)).toBeNull();
      await page.fill('input[name="login"]', "ana");
      await page.fill('input[name="password"]', "any password");
      await page.click('button[type="submit"]');
      await page.waitForURL(`${issuer}/interaction/**`);
      await page.click('button[type="submit"]'); // consent: Continue
      await page.waitForURL(`${stack.gateway.origin}/concur/connect/done`, { timeout: 30_000 });

      const main = page.locator("main");
      expect(await main.getAttribute("data-outcome")).toBe("connected");
      const text = await main.innerText();
      expect(text).toContain("SAP Concur is connected to Acme ERP Connector");
      expect(text).toContain("Concur Graph Demo (Professional)");
      expect(text).toContain(`Ana Ruiz <ana@partner.example> (sub ana at ${issuer})`);
    } finally {
      await context.close();
    }
    const connected = await connection(A);
    expect(connected).toMatchObject({ companyId: A, state: "CONNECTED", connectedBy: `Ana Ruiz <ana@partner.example> (sub ana at ${issuer})` });
    const reader = await createApiKey(stack, "read", [A], "reader of A");
    const read = await stack.graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 20 }, reader);
    expect(read.errors).toBeUndefined();
  });

  it("a link already used is refused before the sign-in (nobody signs in for nothing)", async () => {
    const used = stack.emulator.appCenterRedirect(B, { landingUrl: landingUrl() });
    const withKey = await request(used.redirectUrl, { headers: { accept: "application/json", authorization: `Bearer ${admin}` } });
    expect(withKey.statusCode).toBe(200);
    await withKey.body.dump();
    const context = await newContext();
    const page = await context.newPage();
    try {
      const response = await page.goto(used.redirectUrl, { waitUntil: "load" });
      expect(page.url()).toBe(`${stack.gateway.origin}/concur/connect/done`);
      expect(response?.status()).toBe(409);
      expect(await page.locator("main").getAttribute("data-reason")).toBe("ALREADY_USED");
    } finally {
      await context.close();
    }
    // Leave B unconnected for the tests below.
    const gone = await stack.graphql(`mutation { disconnectCompany(companyId: "${B}") }`, {}, admin);
    expect(gone.errors).toBeUndefined();
  });

  it("a cancelled sign-in says so (the provider's access_denied) and connects nothing", async () => {
    const context = await newContext();
    const page = await context.newPage();
    try {
      const redirect = stack.emulator.appCenterRedirect(B, { landingUrl: landingUrl() });
      await page.goto(redirect.redirectUrl, { waitUntil: "load" });
      expect(page.url().startsWith(`${issuer}/interaction/`)).toBe(true);
      await page.click("text=[ Cancel ]");
      await page.waitForURL(`${stack.gateway.origin}/concur/connect/done`, { timeout: 30_000 });
      const main = page.locator("main");
      expect(await main.getAttribute("data-reason")).toBe("SIGN_IN_FAILED");
      const text = await main.innerText();
      expect(text).toContain("Signing in did not complete");
      expect(text).toContain("access_denied");
    } finally {
      await context.close();
    }
    expect(await connection(B)).toBeNull();
  });

  it("a callback this browser did not start is refused in words; nothing is connected", async () => {
    const context = await newContext();
    const page = await context.newPage();
    try {
      const response = await page.goto(`${stack.gateway.origin}/concur/connect/callback?state=AAAAAAAAAAAAAAAAAAAAAA&code=stolen`, { waitUntil: "load" });
      expect(response?.status()).toBe(401);
      expect(await page.locator("main").getAttribute("data-reason")).toBe("SIGN_IN_EXPIRED");
    } finally {
      await context.close();
    }
    expect(await connection(B)).toBeNull();
  });

  it("an API client must sign in too (401 without credentials), or send an admin key of the company", async () => {
    const redirect = stack.emulator.appCenterRedirect(B, { landingUrl: landingUrl() });
    const anonymous = await request(redirect.redirectUrl, { headers: { accept: "application/json" } });
    const body = (await anonymous.body.json()) as { code: string };
    expect(anonymous.statusCode).toBe(401);
    expect(body.code).toBe("UNAUTHENTICATED");
    expect(await connection(B)).toBeNull();

    const withKey = await request(redirect.redirectUrl, { headers: { accept: "application/json", authorization: `Bearer ${admin}` } });
    expect(withKey.statusCode).toBe(200);
    expect(await withKey.body.json()).toMatchObject({ connected: true, companyId: B, connectedBy: null });
  });
});
