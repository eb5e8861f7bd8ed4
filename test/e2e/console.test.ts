// The operator console (issue 24, docs/console.md) in a real headless browser (Debian chromium driven by
// playwright-core) against a managed-mode demo stack: the bundle comes from the gateway itself (dist/console, built by
// scripts/test.sh; built here when missing), the page signs in with an API key and uses only the public GraphQL API
// over HTTP and graphql-ws. Screenshots of every page go to .tmp/console/ (docs/console/ holds committed copies).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM, launchChromium } from "../helpers/browser.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleBundleDir } from "../../src/http/console.js";
import { DEMO_LISTS } from "../../src/emulator/index.js";
import { FIS_DEMO_COUNTS } from "../../src/emulator/fis/seed.js";
import { createApiKey, startStack, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) {
  console.warn(`\n*** SKIPPING the console browser test: ${CHROMIUM} is missing. Install it (apt-get install -y chromium) to run it; CI always runs it. ***\n`);
}
const SHOTS = ".tmp/console";
const WAIT = 30_000;
/** src/console/src/company.tsx's DEFAULT_CHECKS: companies checked for a writable list when nothing was chosen. */
const DEFAULT_CHECKS = 5;

describe.skipIf(!hasChromium && !process.env.CI)("operator console in a headless browser", () => {
  let stack: Stack;
  let browser: Browser;
  let consoleUrl: string;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install chromium (see .ci/run) before the tests`);
    // scripts/test.sh builds the bundle before vitest; a lone local run builds it once here.
    if (!existsSync(join(consoleBundleDir(), "index.html"))) execFileSync("npm", ["run", "--silent", "build:console"], { stdio: "inherit" });
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ managed: {} });
    consoleUrl = new URL("/console/", stack.gateway.origin).toString();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A fresh browser context (own sessionStorage) on the console, signed in with `key` by keyboard. */
  async function signIn(key: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; pageErrors: string[]; offMachine: string[] }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    const offMachine: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Anything not on this machine is refused and recorded: the console works offline.
    await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/]|ws:\/\/127\.0\.0\.1[:/]).*/, (route) => {
      offMachine.push(route.request().url());
      return route.abort();
    });
    await page.goto(consoleUrl, { waitUntil: "load" });
    const input = page.getByLabel("API key");
    await input.waitFor({ state: "visible", timeout: WAIT });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: WAIT }).toBe("api-key");
    await page.keyboard.type(key);
    await page.keyboard.press("Enter");
    await page.getByRole("navigation", { name: "Pages" }).waitFor({ state: "visible", timeout: WAIT });
    return { context, page, pageErrors, offMachine };
  }

  const cards = (page: Page) => page.locator('[data-testid="connection"]');
  const card = (page: Page, companyId: string) => page.locator(`[data-testid="connection"][data-company="${companyId}"]`);

  /**
   * Picks the company of a page with a Company select (Syncs, Requests: one choice for the tab). With nothing chosen they
   * open on the first connected company with a writable list, in the demo the Professional one with the demo lists
   * (not the Standard one, …57d0, that sorts first: no ERP, so no lists and no write requests).
   */
  async function chooseCompany(page: Page, companyId: string): Promise<void> {
    await page.getByRole("combobox", { name: "Company" }).selectOption(companyId, { timeout: WAIT });
  }

  /** Opens a page by its #hash (Syncs and Requests on the Professional demo company) and waits until its data is on screen. */
  async function openPage(page: Page, id: "connections" | "keys" | "health" | "syncs" | "requests" | "documents"): Promise<void> {
    await page.evaluate((hash) => (window.location.hash = hash), `#/${id}`);
    if (id === "syncs" || id === "requests") await chooseCompany(page, stack.companyId);
    const ready = {
      connections: () => cards(page).first(),
      keys: () => page.locator('[data-testid="key-row"]').first(),
      health: () => page.getByTestId("event-delivery"),
      syncs: () => page.locator('[data-testid="list-select"] option').first(),
      requests: () => page.locator('[data-testid="request-row"]').first(),
      documents: () => page.locator('[data-testid="documents-row"]').first(),
    }[id]();
    await ready.waitFor({ state: "attached", timeout: WAIT });
  }

  it("serves index.html no-cache, hashed assets immutable, and /console redirects to /console/", async () => {
    const bare = await request(new URL("/console", stack.gateway.origin));
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe("/console/");
    await bare.body.dump();

    const index = await request(consoleUrl);
    expect(index.statusCode).toBe(200);
    expect(index.headers["content-type"]).toContain("text/html");
    expect(index.headers["cache-control"]).toBe("no-cache");
    const html = await index.body.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    for (const asset of assets) {
      expect(asset).toMatch(/-[A-Za-z0-9_-]{8,}\.(js|css)$/); // content-hashed name
      const res = await request(new URL(asset, stack.gateway.origin));
      expect(res.statusCode).toBe(200);
      expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      await res.body.dump();
    }
    const missing = await request(new URL("/console/assets/nope-12345678.js", stack.gateway.origin));
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
    const settings = await request(new URL("/console/settings.json", stack.gateway.origin));
    expect(await settings.body.json()).toMatchObject({ graphqlPath: "/graphql", connectPath: "/concur/connect", metricsPath: "/metrics" });
  });

  it("a wrong key is refused with the gateway's message and nothing is stored", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(consoleUrl);
      await page.getByLabel("API key").fill("cg_nope_notakey");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => page.getByRole("alert").innerText(), { timeout: WAIT }).toMatch(/UNAUTHENTICATED/);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("a read key sees both companies but no admin or write action", async () => {
    const readKey = await createApiKey(stack, "read", [stack.companyId, stack.secondCompanyId], "console read");
    const { context, page, pageErrors } = await signIn(readKey);
    try {
      await expect.poll(() => cards(page).count(), { timeout: WAIT }).toBe(2);
      expect(await page.getByTestId("viewer-role").innerText()).toBe("read");
      const nav = await page.getByRole("navigation", { name: "Pages" }).innerText();
      expect(nav).toContain("Connections");
      expect(nav).toContain("Health");
      expect(nav).not.toContain("API keys");
      expect(nav).not.toContain("Syncs");
      expect(await page.getByRole("button", { name: "Disconnect" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Copy landing URL" }).count()).toBe(0);
      // Typing the admin page's address shows the connections instead.
      await page.evaluate(() => (window.location.hash = "#/keys"));
      await expect.poll(() => page.locator("h2").first().innerText(), { timeout: WAIT }).toBe("Connections");
      expect(await page.getByRole("button", { name: "Create key" }).count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("a key for company A sees nothing of company B", async () => {
    const keyA = await createApiKey(stack, "admin", [stack.companyId], "console company A");
    const { context, page, pageErrors } = await signIn(keyA);
    try {
      await card(page, stack.companyId).waitFor({ state: "visible", timeout: WAIT });
      await expect.poll(() => card(page, stack.companyId).getAttribute("data-state"), { timeout: WAIT }).toBe("CONNECTED");
      expect(await cards(page).count()).toBe(1);
      await page.getByRole("link", { name: "API keys" }).click();
      await page.getByRole("button", { name: "Create key" }).waitFor({ state: "visible", timeout: WAIT });
      // Its key list holds only keys confined to company A (its own among them), never the demo key of both.
      await expect.poll(() => page.locator('[data-testid="key-row"]').count(), { timeout: WAIT }).toBeGreaterThan(0);
      for (const target of ["connections", "keys", "health", "syncs", "documents"] as const) {
        await openPage(page, target);
        expect(await page.locator("body").innerText(), target).not.toContain(stack.secondCompanyId);
      }
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("the demo admin key: connections live, a key created and shown once, health, a list sync to 100 %", async () => {
    const { context, page, pageErrors, offMachine } = await signIn(stack.token);
    try {
      // 1. Connections: the three demo companies (two Professional, one Standard) CONNECTED, with their data centers.
      await expect.poll(() => cards(page).count(), { timeout: WAIT }).toBe(3);
      for (const companyId of [stack.companyId, stack.secondCompanyId, stack.standardCompanyId]) {
        await expect.poll(() => card(page, companyId).getAttribute("data-state"), { timeout: WAIT }).toBe("CONNECTED");
      }
      await expect.poll(() => card(page, stack.standardCompanyId).innerText(), { timeout: WAIT }).toContain("STANDARD · PAYMENT_BATCH");
      await expect.poll(() => page.locator("body").innerText(), { timeout: WAIT }).toContain("Copy landing URL");
      expect(await page.locator(".landing").innerText()).toContain(`${stack.gateway.origin}/concur/connect`);
      await page.screenshot({ path: `${SHOTS}/connections.png` });

      // Disconnect the second company: its card turns DISCONNECTED from the graphql-ws event, without a reload.
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      const second = card(page, stack.secondCompanyId);
      await second.getByRole("button", { name: "Disconnect" }).click();
      await second.getByRole("button", { name: "Confirm disconnect" }).click();
      await expect.poll(() => second.getAttribute("data-state"), { timeout: WAIT }).toBe("DISCONNECTED");
      await expect.poll(() => second.getByTestId("reason").innerText(), { timeout: WAIT }).toMatch(/disconnect/i);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(await card(page, stack.companyId).getAttribute("data-state")).toBe("CONNECTED");
      expect((await stack.graphql(`{ companyConnection(companyId: "${stack.secondCompanyId}") { state } }`)).data.companyConnection).toBeNull();

      // 2. API keys: create one, see its secret once, and it works.
      await page.getByRole("link", { name: "API keys" }).click();
      await page.getByLabel("Name").fill("console created");
      await page.getByLabel("Role").selectOption("read");
      await page.getByRole("button", { name: "Create key" }).click();
      const secret = await page.getByTestId("new-key-secret");
      await secret.waitFor({ state: "visible", timeout: WAIT });
      const key = (await secret.innerText()).trim();
      expect(key).toMatch(/^cg_/);
      // The secret is masked in the picture (docs/console/ keeps a copy): no key, even a throw-away one, in the repository.
      await page.screenshot({ path: `${SHOTS}/keys.png`, mask: [secret] });
      const viewer = await stack.graphql(`{ viewer { role keyId } }`, undefined, key);
      expect(viewer.data.viewer.role).toBe("READ");
      await expect.poll(() => page.locator(`[data-testid="key-row"][data-key="${viewer.data.viewer.keyId}"]`).count(), { timeout: WAIT }).toBe(1);
      await page.getByRole("button", { name: "I have stored it" }).click();
      expect(await page.getByTestId("new-key").count()).toBe(0);
      await page.getByRole("link", { name: "Connections" }).click();
      await page.getByRole("link", { name: "API keys" }).click();
      await page.getByRole("button", { name: "Create key" }).waitFor({ state: "visible", timeout: WAIT });
      expect(await page.locator("body").innerText()).not.toContain(key);
      // Revoke it from the page.
      const row = page.locator(`[data-testid="key-row"][data-key="${viewer.data.viewer.keyId}"]`);
      await row.getByRole("button", { name: "Revoke" }).click();
      await row.getByRole("button", { name: "Confirm revoke" }).click();
      await row.getByTestId("revoked").waitFor({ state: "visible", timeout: WAIT });
      expect((await stack.graphql(`{ viewer { role } }`, undefined, key)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

      // 3. Health: readiness, event delivery and sampled metrics.
      await page.getByRole("link", { name: "Health" }).click();
      await expect.poll(() => page.getByTestId("readiness").innerText(), { timeout: WAIT }).toBe("Ready");
      await expect.poll(() => page.getByTestId("event-delivery").innerText(), { timeout: WAIT }).toContain("Mode");
      await expect.poll(() => page.getByTestId("metrics").innerText(), { timeout: WAIT }).toContain("Concur calls");
      // The chart plots rates between samples taken every 2 s while the page is open.
      await expect.poll(async () => Number(await page.locator(".chart").getAttribute("data-points")), { timeout: WAIT }).toBeGreaterThanOrEqual(3);
      await page.locator(".chart canvas").first().waitFor({ state: "attached", timeout: WAIT });
      await page.screenshot({ path: `${SHOTS}/health.png` });

      // 4. Syncs: a real sync of the demo tree into the empty cost-centre list, progress over graphql-ws.
      const progressFrames: string[] = [];
      page.on("websocket", (ws) => ws.on("framereceived", ({ payload }) => String(payload).includes("concurListSyncProgress") && progressFrames.push(String(payload))));
      await page.getByRole("link", { name: "Syncs" }).click();
      await chooseCompany(page, stack.companyId);
      await page.locator(`[data-testid="list-select"] option[value="${DEMO_LISTS.emptyCostCenters}"]`).waitFor({ state: "attached", timeout: WAIT });
      await page.getByTestId("list-select").selectOption(DEMO_LISTS.emptyCostCenters);
      await page.getByRole("button", { name: "Start sync" }).click();
      await expect.poll(() => page.getByTestId("sync-progress").getAttribute("data-percent"), { timeout: 90_000 }).toBe("100");
      await page.getByTestId("sync-result").waitFor({ state: "visible", timeout: WAIT });
      expect(await page.getByTestId("sync-result").innerText()).toMatch(/created\s+208/);
      await expect.poll(() => progressFrames.some((frame) => frame.includes('"DONE"')), { timeout: WAIT }).toBe(true);
      expect(progressFrames.length).toBeGreaterThan(1);
      await page.screenshot({ path: `${SHOTS}/syncs.png` });

      expect(pageErrors).toEqual([]);
      expect(offMachine).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it("Requests: recent write requests per company, live; a PARTIAL one opens its rejected records, paged", async () => {
    const { context, page, pageErrors } = await signIn(stack.token);
    try {
      // The Professional demo company's list read (its subscription made with it) before the mutation below: the page
      // opens on it by default (nothing chosen in this tab).
      const listed = page.waitForResponse((res) => {
        if (res.request().method() !== "POST") return false;
        const body = res.request().postDataJSON() as { operationName?: string; variables?: { companyId?: string } } | null;
        return body?.operationName === "ConsoleRecentRequests" && body.variables?.companyId === stack.companyId;
      }, { timeout: WAIT });
      await page.getByRole("link", { name: "Requests" }).click();
      await page.getByRole("heading", { name: "Write requests" }).waitFor({ state: "visible", timeout: WAIT });
      await listed;
      expect(await page.getByTestId("company-select").inputValue()).toBe(stack.companyId);
      // A gateway mutation (SUCCESS) while the page is open: it appears without a reload.
      const upsert = await stack.graphql(
        `mutation($c: ID!, $e: ID!, $a: [AccountInput!]!) { upsertAccounts(companyId: $c, erpId: $e, accounts: $a) { request { requestId } } }`,
        { c: stack.companyId, e: stack.erpId, a: [{ id: "CONSOLE-OK", name: "Console OK", type: "EXPENSE" }] },
      );
      expect(upsert.errors).toBeUndefined();
      const okId: string = upsert.data.upsertAccounts.request.requestId;
      await expect.poll(() => page.locator(`[data-testid="request-row"][data-request="${okId}"]`).getAttribute("data-status"), { timeout: 60_000 }).toBe("SUCCESS");

      // Another system's upload straight to Concur with 12 bad records: the gateway learns of it from the ESS event.
      // Concur paces writes per company (429 within the same second as the mutation's PATCH): send again until taken.
      const upload = await waitFor(async () => {
        const res = await request(`${stack.emulator.url}/accountingintegration/v4/companies/${stack.companyId}/erps/${stack.erpId}/accounts`, {
          method: "PATCH",
          headers: { "content-type": "application/json", authorization: `Bearer ${stack.emulator.issueToken(stack.companyId)}` },
          body: JSON.stringify({
            data: [
              ...Array.from({ length: 3 }, (_, i) => ({ id: `GOOD-${i}`, name: `Good ${i}`, number: String(100 + i), type: "EXPENSE" })),
              ...Array.from({ length: 12 }, (_, i) => ({ id: `BAD-${i}`, name: `Bad ${i}`, type: "NOT_A_TYPE" })),
            ],
          }),
        });
        if (res.statusCode === 429) {
          await res.body.dump();
          return undefined;
        }
        return res;
      }, 30_000, "the emulator to take the upload");
      expect(upload.statusCode).toBe(202);
      const partialId = ((await upload.body.json()) as { requestId: string }).requestId;
      const row = page.locator(`[data-testid="request-row"][data-request="${partialId}"]`);
      await expect.poll(() => row.getAttribute("data-status"), { timeout: 60_000 }).toBe("PARTIAL");
      expect(await page.locator(`[data-testid="request-row"][data-request="${okId}"]`).getByRole("button").count()).toBe(0);

      await row.getByRole("button", { name: "Show rejected records" }).click();
      const rejected = page.getByTestId("rejected");
      await expect.poll(() => rejected.getByTestId("rejected-record").count(), { timeout: WAIT }).toBe(10);
      const firstPage = await rejected.innerText();
      expect(firstPage).toContain("BAD-0");
      expect(firstPage).toContain("type");
      await page.screenshot({ path: `${SHOTS}/requests.png` });
      await rejected.getByRole("button", { name: "Next page" }).click();
      await expect.poll(() => rejected.getByTestId("rejected-record").count(), { timeout: WAIT }).toBe(2);
      expect(await rejected.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true);
      const seen = [firstPage, await rejected.innerText()].join("\n");
      for (let i = 0; i < 12; i++) expect(seen).toContain(`BAD-${i}"`);
      expect(seen).not.toContain("GOOD-");
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("one company choice for Syncs and Requests: a default with lists, words for a company without lists or ERP, kept across pages and a reload", async () => {
    const { context, page, pageErrors } = await signIn(stack.token);
    // Every concurLists read the page makes, by company: the default's check is bounded and made once per tab load.
    const listReads: string[] = [];
    page.on("request", (req) => {
      if (req.method() !== "POST" || !req.url().endsWith("/graphql")) return;
      const body = req.postDataJSON() as { operationName?: string; variables?: { companyId?: string } } | null;
      if (body?.operationName === "ConsoleLists") listReads.push(body.variables!.companyId!);
    });
    const select = page.getByTestId("company-select");
    const empty = page.getByTestId("company-empty");
    const storedChoice = () => page.evaluate(() => sessionStorage.getItem("concur-graph.console.companyId"));
    try {
      // Nothing chosen: Syncs opens on the first connected company with a writable list (the Standard company sorts
      // first and has none), said to be the default.
      await page.getByRole("link", { name: "Syncs" }).click();
      await page.locator(`[data-testid="list-select"] option[value="${DEMO_LISTS.emptyCostCenters}"]`).waitFor({ state: "attached", timeout: WAIT });
      expect(await select.inputValue()).toBe(stack.companyId);
      expect(await select.getAttribute("data-origin")).toBe("default");
      expect(await page.getByTestId("company-origin").innerText()).toContain("Default: the first connected company with a writable Concur list");
      expect(await storedChoice()).toBeNull();
      expect(listReads.length).toBeLessThanOrEqual(DEFAULT_CHECKS + 1);
      expect(listReads).toContain(stack.standardCompanyId);

      // The Standard company chosen on Syncs: no list dropdown, words naming it and suggesting the one with lists.
      await select.selectOption(stack.standardCompanyId);
      await expect.poll(() => empty.innerText(), { timeout: WAIT }).toContain(`Company ${stack.standardCompanyId} has no writable Concur list (it has no Concur lists at all)`);
      expect(await empty.innerText()).toContain(`Try ${stack.companyId}`);
      expect(await page.getByTestId("list-select").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Start sync" }).isDisabled()).toBe(true);
      expect(await select.getAttribute("data-origin")).toBe("chosen");
      expect(await storedChoice()).toBe(stack.standardCompanyId);
      await page.screenshot({ path: `${SHOTS}/syncs-no-lists.png` });

      // Requests shows the same company after navigating, and says it has no ERP.
      await page.getByRole("link", { name: "Requests" }).click();
      await page.getByRole("heading", { name: "Write requests" }).waitFor({ state: "visible", timeout: WAIT });
      await expect.poll(() => select.inputValue(), { timeout: WAIT }).toBe(stack.standardCompanyId);
      await expect.poll(() => empty.innerText(), { timeout: WAIT }).toContain(`Company ${stack.standardCompanyId} has no ERP integration registered (registerErp), so it sends no write requests.`);
      expect(await empty.innerText()).toContain(`Try ${stack.companyId}`);
      expect(await page.locator('[data-testid="request-row"]').count()).toBe(0);

      // And after a reload of the tab (the key and the choice are in its sessionStorage).
      await page.reload({ waitUntil: "load" });
      await page.getByRole("heading", { name: "Write requests" }).waitFor({ state: "visible", timeout: WAIT });
      await expect.poll(() => select.inputValue(), { timeout: WAIT }).toBe(stack.standardCompanyId);
      expect(await select.getAttribute("data-origin")).toBe("chosen");
      await expect.poll(() => empty.innerText(), { timeout: WAIT }).toContain("has no ERP integration registered");

      // The suggestion switches the tab's choice; Syncs follows, reading only its own lists (no second check).
      await empty.getByRole("button", { name: "Switch company" }).click();
      await expect.poll(() => select.inputValue(), { timeout: WAIT }).toBe(stack.companyId);
      expect(await storedChoice()).toBe(stack.companyId);
      const readsBefore = listReads.length;
      await page.getByRole("link", { name: "Syncs" }).click();
      await page.locator(`[data-testid="list-select"] option[value="${DEMO_LISTS.emptyCostCenters}"]`).waitFor({ state: "attached", timeout: WAIT });
      expect(await select.inputValue()).toBe(stack.companyId);
      expect(listReads.slice(readsBefore)).toEqual([stack.companyId]);

      // Signing out forgets the choice with the key.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("API key").waitFor({ state: "visible", timeout: WAIT });
      expect(await storedChoice()).toBeNull();
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("Documents: READY counts per doc type of a company's FIS queue, on request", async () => {
    const { context, page, pageErrors } = await signIn(stack.token);
    try {
      await page.getByRole("link", { name: "Documents" }).click();
      const row = page.locator(`[data-testid="documents-row"][data-company="${stack.companyId}"]`);
      await row.waitFor({ state: "visible", timeout: WAIT });
      await row.getByRole("button", { name: "Count" }).click();
      // The emulator's demo FIS seed (src/emulator/fis/seed.ts): what waits in the company's queue, nothing acknowledged.
      const expected = { EXPENSE: FIS_DEMO_COUNTS.expense, INVOICE: FIS_DEMO_COUNTS.invoice, CASH_ADVANCE: FIS_DEMO_COUNTS.cashadvance, PAYROLL: FIS_DEMO_COUNTS.payroll, REQUEST_OBLIGATION: FIS_DEMO_COUNTS.requestobligation, REPORT_OBLIGATION: FIS_DEMO_COUNTS.reportobligation };
      for (const [docType, count] of Object.entries(expected)) {
        // Counting walks every READY page of six queues: under the full suite's load it has taken over 30 s.
        await expect.poll(() => row.getByTestId(`count-${docType}`).getAttribute("data-count"), { timeout: 3 * WAIT }).toBe(String(count));
      }
      await page.screenshot({ path: `${SHOTS}/documents.png` });
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("a gateway that does not know the console's hashes (another version behind the same address): the console sends the text instead", async () => {
    // Every hash-only request answered PERSISTED_QUERY_NOT_FOUND, over HTTP and graphql-ws, as an older gateway would.
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const notFound = [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }];
    const sentAsText: string[] = [];
    const serverErrors: string[] = [];
    let answeredNotFound = 0;
    await page.route(`${stack.gateway.origin}/graphql`, (route) => {
      const body = route.request().postDataJSON() as { query?: string; operationName?: string };
      if (!body.query) {
        answeredNotFound++;
        return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ errors: notFound }) });
      }
      sentAsText.push(body.operationName ?? "");
      return route.continue();
    });
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if ((JSON.parse(String(message)) as { type: string }).type === "error") serverErrors.push(String(message));
        ws.send(message);
      });
      ws.onMessage((message) => {
        const parsed = JSON.parse(String(message)) as { id?: string; type: string; payload?: { query?: string; operationName?: string } };
        if (parsed.type === "subscribe" && !parsed.payload?.query) return ws.send(JSON.stringify({ id: parsed.id, type: "error", payload: notFound }));
        if (parsed.type === "subscribe") sentAsText.push(`ws ${parsed.payload?.operationName}`);
        server.send(message);
      });
    });
    try {
      await page.goto(consoleUrl);
      await page.getByLabel("API key").fill(stack.token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => cards(page).count(), { timeout: WAIT }).toBeGreaterThan(0);
      await expect.poll(() => sentAsText.filter((name) => name === "ws ConsoleConnectionChanged").length, { timeout: WAIT }).toBe(await cards(page).count());
      expect(sentAsText).toContain("ConsoleViewer");
      expect(sentAsText).toContain("ConsoleConnections");
      expect(answeredNotFound).toBeGreaterThanOrEqual(2);
      expect(serverErrors).toEqual([]);
      expect(await page.getByRole("alert").count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("is readable at a phone width: nothing wider than the screen", async () => {
    const { context, page, pageErrors } = await signIn(stack.token, { width: 390, height: 844 });
    try {
      await expect.poll(() => cards(page).count(), { timeout: WAIT }).toBeGreaterThan(0);
      for (const target of ["connections", "keys", "health", "syncs", "requests", "documents"] as const) {
        await openPage(page, target);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), target).toBeLessThanOrEqual(390);
        await page.screenshot({ path: `${SHOTS}/phone-${target}.png`, fullPage: true });
      }
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
