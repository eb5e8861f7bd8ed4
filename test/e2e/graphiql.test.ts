// GraphiQL in a real headless browser (Debian chromium driven by playwright-core): the page and all its assets
// come from the gateway itself (no CDN), it opens with the demo token and the example query, and running that
// query shows demo data. CI installs chromium (.ci/run, scripts/test.sh); locally a missing chromium skips loudly.
import { existsSync, mkdirSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleQuery } from "../../src/http/example-query.js";
import { startStack, type Stack } from "../helpers/stack.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) {
  console.warn(
    `\n*** SKIPPING the GraphiQL browser test: ${CHROMIUM} is missing. Install it (apt-get install -y chromium) to run it; CI always runs it. ***\n`,
  );
}

describe.skipIf(!hasChromium && !process.env.CI)("GraphiQL in a headless browser", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install chromium (see .ci/run) before the tests`);
    // As `npm start` in embedded mode: the demo bearer token header and the example query.
    stack = await startStack({
      graphiql: ({ companyId, erpId, token }) => ({ headers: { Authorization: `Bearer ${token}` }, query: exampleQuery(companyId, erpId) }),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("loads from the gateway only, runs the example query with the demo token and shows demo data", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const requested: string[] = [];
    const pageErrors: string[] = [];
    page.on("request", (req) => requested.push(req.url()));
    page.on("websocket", (ws) => requested.push(ws.url()));
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Anything not on this machine is refused (and recorded above), so the test also proves the page works offline.
    await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());

    try {
      const response = await page.goto(stack.gateway.url, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-type"]).toContain("text/html");

      const run = page.locator(".graphiql-execute-button");
      await run.waitFor({ state: "visible", timeout: 20_000 });
      // The editors hold the example query and the demo token header.
      await expect.poll(() => page.locator(".graphiql-query-editor").innerText(), { timeout: 10_000 }).toContain("ChartOfAccounts");
      await run.click();

      const result = page.locator(".graphiql-response");
      await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain("ACC-00001");
      mkdirSync(".tmp", { recursive: true });
      await page.screenshot({ path: ".tmp/graphiql.png" });
      // The response editor renders only its visible lines: check the top of the result.
      const text = await result.innerText();
      expect(text).toContain('"erpName": "Emulated ERP"');
      expect(text).toContain("Cash"); // the first demo account's name
      expect(text).not.toContain('"errors"');

      const origin = new URL(stack.gateway.url).host;
      const offMachine = requested.filter((url) => {
        if (url.startsWith("data:") || url.startsWith("blob:")) return false;
        const parsed = new URL(url);
        return parsed.hostname !== "127.0.0.1" || parsed.host !== origin;
      });
      expect(offMachine).toEqual([]);
      // The page, its assets and the query itself all went to the gateway.
      expect(requested.some((url) => url.includes("/graphiql-assets/graphiql.js"))).toBe(true);
      expect(requested.filter((url) => url === stack.gateway.url).length).toBeGreaterThanOrEqual(2); // page + POST
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
