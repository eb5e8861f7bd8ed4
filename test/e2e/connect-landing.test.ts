// Connect from the App Center as it is (issue 21 item 2): the emulator's App Center redirects a real headless browser
// (Debian chromium via playwright-core) with the company UUID in upper case and no header to the gateway's landing
// URL; the page says connected, the connection is stored under the lower-case id (GraphQL and the CLI show it at
// once) and a key scoped to the lower-case id acts for it. A replayed link, a link made for another app and one for
// another company each get a page that says why, and store nothing. API clients get JSON. No token reaches a log.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type Browser, type BrowserContext } from "playwright-core";
import { CHROMIUM, launchChromium } from "../helpers/browser.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET } from "../../src/emulator/index.js";
import { createLogger } from "../../src/logger.js";
import { REPO_ROOT, runCli } from "../helpers/cli.js";
import { ACCOUNTS, CONNECTION_FIELDS, createApiKey, startStack, tokenCalls, type ConnectionFields, type Stack } from "../helpers/stack.js";

const hasChromium = existsSync(CHROMIUM);
const OTHER_APP = { clientId: "a0000000-0000-4000-8000-00000000a0f2", clientSecret: "another-partner-secret" };
const SCREENSHOT = join(REPO_ROOT, ".tmp", "connect-success.png");
const CONNECTION_WITH_WHO = `query CompanyConnection($companyId: ID!) { companyConnection(companyId: $companyId) { ${CONNECTION_FIELDS} connectedBy } }`;

describe.skipIf(!hasChromium && !process.env.CI)("Connect landing page: an App Center redirect in a browser with no header", { timeout: 120_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let admin: string;
  let dir: string;
  let databaseUrl: string;
  const logLines: string[] = [];
  /** Every request token this file used: none may appear in a log line. */
  const tokensSeen: string[] = [];
  const A = DEMO.companyId;
  const B = DEMO.secondCompanyId;

  const landingUrl = () => new URL(stack.config.managed!.connectPath, stack.gateway.origin).href;
  const connection = async (companyId: string): Promise<(ConnectionFields & { connectedBy: string | null }) | null> => {
    const res = await stack.graphql<{ companyConnection: (ConnectionFields & { connectedBy: string | null }) | null }>(CONNECTION_WITH_WHO, { companyId }, admin);
    expect(res.errors).toBeUndefined();
    return res.data!.companyConnection;
  };
  /** A browser context that records every request and refuses anything off this machine. */
  async function newContext(): Promise<{ context: BrowserContext; requests: { url: string; headers: Record<string, string> }[] }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    // Generous on a loaded 2-core machine: every wait below is for a condition, not a time.
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(60_000);
    const requests: { url: string; headers: Record<string, string> }[] = [];
    context.on("request", (req) => requests.push({ url: req.url(), headers: req.headers() }));
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());
    return { context, requests };
  }
  /** The App Center redirect for a company, as the emulator's Connect button makes it. */
  function redirectFor(companyId: string, options: { clientId?: string; userId?: string } = {}) {
    const redirect = stack.emulator.appCenterRedirect(companyId, { landingUrl: landingUrl(), ...options });
    tokensSeen.push(redirect.requestToken);
    return redirect;
  }
  const jsonLanding = async (url: string) => {
    const res = await request(url, { headers: { accept: "application/json" } });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
  };

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install chromium (see .ci/run) before the tests`);
    dir = mkdtempSync(join(tmpdir(), "cg-connect-"));
    databaseUrl = `sqlite:${join(dir, "gateway.db")}`;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    stack = await startStack({
      managed: { connectDemo: false, databaseUrl },
      emulator: { clients: [{ clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET }, OTHER_APP] },
      env: { CONNECT_APP_NAME: "Acme ERP Connector", CONNECT_RATE_PER_COMPANY: "4", CONNECT_RATE_PER_IP: "200" },
      logger: createLogger("debug", { destination: sink }),
    });
    admin = await createApiKey(stack, "admin", "*", "connect test admin");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the emulator's App Center sends the browser (301) with an upper-case id; the page says connected, with the company's name and data center", async () => {
    expect(await connection(A)).toBeNull();
    const before = await tokenCalls(stack);
    const { context, requests } = await newContext();
    const page = await context.newPage();
    try {
      // The customer's click on Connect: the emulator's App Center answers 301 to the landing URL.
      const appCenter = `${stack.emulator.url}/_emulator/companies/${A}/connect?${new URLSearchParams({ landingUrl: landingUrl() })}`;
      const response = await page.goto(appCenter, { waitUntil: "load" });
      expect(response?.status()).toBe(200);

      const landing = requests.find((r) => r.url.startsWith(landingUrl()) && r.url.includes("requestToken="));
      expect(landing, "the browser reached the landing URL").toBeDefined();
      const sent = new URL(landing!.url);
      expect(sent.searchParams.get("id")).toBe(A.toUpperCase());
      expect(sent.searchParams.get("id")).not.toBe(A);
      tokensSeen.push(sent.searchParams.get("requestToken")!);
      // No header carried credentials: the request token was the only one.
      for (const r of requests) {
        expect(r.headers.authorization).toBeUndefined();
        expect(r.headers["x-api-key"]).toBeUndefined();
      }
      // The result is shown after a redirect, so the token is no longer in the address bar (nor in a reload).
      expect(page.url()).toBe(`${stack.gateway.origin}${stack.config.managed!.connectPath}/done`);
      const headers = response!.headers();
      expect(headers["content-security-policy"]).toContain("default-src 'none'");
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["cache-control"]).toBe("no-store");
      expect(headers["referrer-policy"]).toBe("no-referrer");
      expect(headers["x-content-type-options"]).toBe("nosniff");

      const main = page.locator("main");
      expect(await main.getAttribute("data-outcome")).toBe("connected");
      const text = await main.innerText();
      expect(text).toContain("SAP Concur is connected to Acme ERP Connector");
      expect(text).toContain("Concur Graph Demo (Professional)"); // from the company's Profile
      expect(text).toContain(A); // the canonical (lower-case) id
      expect(text).toContain(stack.emulator.dataCenters[0].url);
      expect(text).toContain("What happens next");
      mkdirSync(join(REPO_ROOT, ".tmp"), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(existsSync(SCREENSHOT)).toBe(true);

      // A reload shows the same result and exchanges nothing again.
      const calls = await tokenCalls(stack);
      await page.reload({ waitUntil: "load" });
      expect(await page.locator("main").getAttribute("data-outcome")).toBe("connected");
      expect(await tokenCalls(stack)).toBe(calls);
      expect(calls).toBe(before + 1);
    } finally {
      await context.close();
    }
  });

  it("the company is CONNECTED under its lower-case id at once, in GraphQL and in the CLI, and a key scoped to the lower-case id acts for it", async () => {
    const connected = await connection(A);
    expect(connected).toMatchObject({ companyId: A, state: "CONNECTED", geolocation: stack.emulator.dataCenters[0].url, connectedBy: null });
    // The Concur admin of the redirect, canonical too.
    expect(connected!.connectedByUserId).toMatch(/^[0-9a-f-]{36}$/);
    // The upper-case form names the same connection.
    expect((await connection(A.toUpperCase()))?.companyId).toBe(A);

    const reader = await createApiKey(stack, "read", [A], "reader of A (lower case)");
    const res = await stack.graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 50 }, reader);
    expect(res.errors).toBeUndefined();
    expect(res.data.erpIntegration.accounts.edges.length).toBeGreaterThan(0);

    const cli = await runCli(["connections", "list", "--json"], { cwd: dir, env: { DATABASE_URL: databaseUrl }, timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    const rows = JSON.parse(cli.stdout) as { companyId: string; state: string }[];
    expect(rows).toEqual([expect.objectContaining({ companyId: A, state: "CONNECTED" })]);
  });

  it("a replayed Connect link gets a page that says it was already used; nothing changes and Concur is not called", async () => {
    const landing = new URL(landingUrl());
    const used = tokensSeen[tokensSeen.length - 1];
    landing.search = new URLSearchParams({ id: A.toUpperCase(), requestToken: used, userId: "00000000-0000-4000-8000-0000000000b1" }).toString();
    const before = await connection(A);
    const calls = await tokenCalls(stack);

    const { context } = await newContext();
    const page = await context.newPage();
    try {
      const response = await page.goto(landing.href, { waitUntil: "load" });
      expect(response?.status()).toBe(409);
      const main = page.locator("main");
      expect(await main.getAttribute("data-reason")).toBe("ALREADY_USED");
      expect(await main.innerText()).toContain("This Connect link was already used");
      expect(await main.innerText()).toContain("click Connect again");
    } finally {
      await context.close();
    }
    expect(await tokenCalls(stack)).toBe(calls);
    expect(await connection(A)).toEqual(before);
  });

  it("a link made for another app (Concur code 136) and a link for another company (code 5) each say why, and store nothing", async () => {
    const { context } = await newContext();
    const page = await context.newPage();
    try {
      const foreignApp = redirectFor(B, { clientId: OTHER_APP.clientId });
      const first = await page.goto(foreignApp.redirectUrl, { waitUntil: "load" });
      expect(first?.status()).toBe(400);
      let main = page.locator("main");
      expect(await main.getAttribute("data-reason")).toBe("OTHER_APP");
      let text = await main.innerText();
      expect(text).toContain("made for another app, not Acme ERP Connector");
      expect(text).toContain("SAP Concur code");
      expect(text).toContain("136");

      // A's token presented with B's id.
      const forA = redirectFor(A);
      const mixed = new URL(forA.redirectUrl);
      mixed.searchParams.set("id", B.toUpperCase());
      const second = await page.goto(mixed.href, { waitUntil: "load" });
      expect(second?.status()).toBe(400);
      main = page.locator("main");
      expect(await main.getAttribute("data-reason")).toBe("LINK_REFUSED");
      text = await main.innerText();
      expect(text).toContain("SAP Concur did not accept this Connect link");
      expect(text).toMatch(/SAP Concur code\s+5/);
    } finally {
      await context.close();
    }
    expect(await connection(B)).toBeNull();
    // The refused token is not burnt: used as meant (for A), it still connects.
    const forA = tokensSeen[tokensSeen.length - 1];
    const retry = await jsonLanding(`${landingUrl()}?${new URLSearchParams({ id: A, requestToken: forA })}`);
    expect(retry.status).toBe(200);
  });

  it("API clients get JSON: an anonymous Accept: application/json connects with the request token; a replay is 409 CONFLICT", async () => {
    const redirect = redirectFor(B);
    const first = await jsonLanding(redirect.redirectUrl);
    expect(first.status).toBe(200);
    expect(first.headers["content-type"]).toContain("application/json");
    expect(first.body).toMatchObject({ connected: true, companyId: B, state: "CONNECTED", geolocation: stack.emulator.dataCenters[1].url, companyName: "Concur Graph Demo (second data center)" });
    expect((await connection(B))?.state).toBe("CONNECTED");

    const replay = await jsonLanding(redirect.redirectUrl);
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ code: "CONFLICT", reason: "ALREADY_USED" });

    const incomplete = await jsonLanding(`${landingUrl()}?id=not-a-uuid&requestToken=x`);
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.code).toBe("BAD_USER_INPUT");
  });

  it("the browser only ever goes to the result page of this gateway, whatever the query carries", async () => {
    const { companyId } = await stack.admin("POST", "/companies", {});
    const redirect = new URL(redirectFor(companyId).redirectUrl);
    redirect.searchParams.set("redirect", "https://evil.example/");
    redirect.searchParams.set("returnTo", "https://evil.example/");
    const res = await request(redirect.href, { headers: { accept: "text/html" } });
    await res.body.dump();
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${stack.config.managed!.connectPath}/done`);
  });

  it("limits attempts per company (429 with Retry-After, no call to Concur) ", async () => {
    const { companyId } = await stack.admin("POST", "/companies", {});
    const calls = await tokenCalls(stack);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await jsonLanding(`${landingUrl()}?${new URLSearchParams({ id: companyId, requestToken: `junk-${i}` })}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    expect(await tokenCalls(stack)).toBe(calls + 4);
    const limited = await jsonLanding(`${landingUrl()}?${new URLSearchParams({ id: companyId, requestToken: "junk-5" })}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.body.code).toBe("RATE_LIMITED");
  });

  it("no request token appears in any log line", () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).toContain("company connected through the Connect page");
    expect(tokensSeen.length).toBeGreaterThanOrEqual(5);
    for (const token of tokensSeen) expect(logLines.join("\n")).not.toContain(token);
  });
});
