// GraphiQL 5 in a real headless browser (Debian chromium driven by playwright-core): the page, its bundle (dist/graphiql,
// built by scripts/test.sh; built here when missing) and Monaco's web workers all come from the gateway itself (every
// request the page and its workers make is recorded, none leaves the gateway's origin), it opens with the demo token
// and the example query, running that query shows demo data, and a subscription runs over graphql-ws with the
// editor's headers. CI installs chromium (.ci/run, scripts/test.sh); locally a missing chromium skips loudly.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { CHROMIUM, launchChromium } from "../helpers/browser.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleQuery } from "../../src/http/example-query.js";
import { GRAPHIQL_CSP, graphiqlBundleDir } from "../../src/http/graphiql.js";
import { startStack, type Stack } from "../helpers/stack.js";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) {
  console.warn(
    `\n*** SKIPPING the GraphiQL browser test: ${CHROMIUM} is missing. Install it (apt-get install -y chromium) to run it; CI always runs it. ***\n`,
  );
}
const WAIT = 30_000;
/** The graphiql package the bundle was built from (package.json: devDependency graphiql ^5). */
const INSTALLED_GRAPHIQL = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve("graphiql/package.json"), "utf8")) as { version: string }).version;

describe.skipIf(!hasChromium && !process.env.CI)("GraphiQL in a headless browser", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install chromium (see .ci/run) before the tests`);
    // scripts/test.sh builds the bundle before vitest; a lone local run builds it once here.
    if (!existsSync(join(graphiqlBundleDir(), "index.html"))) execFileSync("npm", ["run", "--silent", "build:graphiql"], { stdio: "inherit" });
    // As `npm start` in embedded mode: the demo bearer token header and the example query.
    stack = await startStack({
      graphiql: ({ companyId, erpId, token }) => ({ headers: { Authorization: `Bearer ${token}` }, query: exampleQuery(companyId, erpId) }),
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** An editor's visible text; Monaco renders spaces as no-break spaces. */
  const textOf = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\u00a0/g, " ");

  /** Replaces the operation editor's text (Monaco) with `text`, as a paste would (no auto-closed brackets). */
  async function setOperation(page: Page, text: string): Promise<void> {
    await page.locator(".graphiql-query-editor .monaco-editor .view-lines").click();
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(text);
    await expect.poll(() => textOf(page, ".graphiql-query-editor"), { timeout: WAIT }).toContain(text.slice(0, 30));
  }

  it("GraphiQL 5 loads from the gateway only, runs the example query with the demo token, and a subscription over graphql-ws", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const requested: string[] = [];
    const workers: string[] = [];
    const pageErrors: string[] = [];
    const cspViolations: string[] = [];
    // The context sees the page's requests and its dedicated workers' (Monaco's editor, JSON and GraphQL workers).
    context.on("request", (req) => requested.push(req.url()));
    page.on("websocket", (ws) => requested.push(ws.url()));
    page.on("worker", (worker) => workers.push(worker.url()));
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    // Anything not on this machine is refused (and recorded above), so the test also proves the page works offline.
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]).*/, (route) => route.abort());

    try {
      const response = await page.goto(stack.gateway.url, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-type"]).toContain("text/html");
      expect(response?.headers()["content-security-policy"]).toBe(GRAPHIQL_CSP);

      const run = page.locator(".graphiql-execute-button");
      await run.waitFor({ state: "visible", timeout: WAIT });
      // GraphiQL 5: the version the bundle was built from, shown by the logo, and its Monaco editors (3.x used CodeMirror).
      expect(INSTALLED_GRAPHIQL).toMatch(/^5\./);
      expect(await page.evaluate(() => document.documentElement.dataset.graphiqlVersion)).toBe(INSTALLED_GRAPHIQL);
      expect(await page.locator(".graphiql-logo").innerText()).toContain(INSTALLED_GRAPHIQL);
      await page.locator(".graphiql-query-editor .monaco-editor").waitFor({ state: "visible", timeout: WAIT });
      expect(await page.locator(".CodeMirror").count()).toBe(0);
      // The editors hold the example query and the demo token header.
      await expect.poll(() => textOf(page, ".graphiql-query-editor"), { timeout: WAIT }).toContain("ChartOfAccounts");
      await page.getByRole("button", { name: "Headers" }).click();
      await expect.poll(() => textOf(page, ".graphiql-editor-tool"), { timeout: WAIT }).toContain(`Bearer ${stack.token}`);
      await run.click();

      const result = () => textOf(page, ".graphiql-response");
      await expect.poll(result, { timeout: WAIT }).toContain("ACC-00001");
      mkdirSync(".tmp", { recursive: true });
      await page.screenshot({ path: ".tmp/graphiql.png" });
      // The response editor renders only its visible lines: check the top of the result.
      const text = await result();
      expect(text).toContain('"erpName": "Emulated ERP"');
      expect(text).toContain("Cash"); // the first demo account's name
      expect(text).not.toContain('"errors"');

      // A subscription: an upload already finished delivers its final status at once, over graphql-ws, authenticated
      // by the Authorization header in the editor (sent as connectionParams).
      const upsert = await stack.graphql<{ upsertVendors: { request: { requestId: string } } }>(
        `mutation { upsertVendors(companyId: "${stack.companyId}", erpId: "${stack.erpId}", vendors: [{ id: "V-GQL5", type: ACCOUNTING, name: "GraphiQL 5", companyName: "GraphiQL 5 Inc.", currencyCode: "USD" }]) { request { requestId } } }`,
      );
      expect(upsert.errors).toBeUndefined();
      const requestId = upsert.data!.upsertVendors.request.requestId;
      await setOperation(page, `subscription Follow { requestStatusChanged(companyId: "${stack.companyId}", erpId: "${stack.erpId}", requestId: "${requestId}") { requestId status } }`);
      await run.click();
      // GraphiQL takes the operation name from the editor after a debounce: a click before it sends the previous
      // name (the gateway answers "Unknown operation named …"), so such an answer is run again, never accepted.
      await expect
        .poll(
          async () => {
            const answer = await result();
            if (answer.includes("Unknown operation named")) await run.click();
            return answer;
          },
          { timeout: WAIT },
        )
        .toContain('"status": "SUCCESS"');
      expect(await result()).toContain(requestId);
      const wsUrl = stack.gateway.url.replace(/^http/, "ws");
      expect(requested).toContain(wsUrl);

      const origin = new URL(stack.gateway.url).origin;
      const offOrigin = [...requested, ...workers].filter((url) => {
        if (url.startsWith("data:") || url.startsWith("blob:")) return false;
        return new URL(url).origin !== origin && new URL(url).origin !== origin.replace(/^http/, "ws");
      });
      expect(offOrigin).toEqual([]);
      // The page, its bundle, Monaco's three workers and the queries all went to the gateway.
      expect(requested.some((url) => /\/graphiql-assets\/assets\/index-[\w-]+\.js$/.test(url))).toBe(true);
      expect(workers.map((url) => new URL(url).pathname.replace(/-[\w-]+\.js$/, ""))).toEqual(
        expect.arrayContaining(["/graphiql-assets/assets/editor.worker", "/graphiql-assets/assets/json.worker", "/graphiql-assets/assets/graphql.worker"]),
      );
      expect(requested.filter((url) => url === stack.gateway.url).length).toBeGreaterThanOrEqual(3); // page + introspection + query
      expect(cspViolations).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("serves the bundle's assets immutable and refuses unknown ones", async () => {
    const page = await request(stack.gateway.url, { headers: { accept: "text/html" } });
    const html = await page.body.text();
    expect(page.headers["cache-control"]).toBe("no-cache");
    // The settings travel as JSON data, not as script: the CSP allows no inline script.
    expect(html).toContain('<script type="application/json" id="graphiql-settings">');
    const entry = /src="(\/graphiql-assets\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const asset = await request(new URL(entry!, stack.gateway.url));
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["content-type"]).toContain("javascript");
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    await asset.body.dump();
    const missing = await request(new URL("/graphiql-assets/assets/nothing-here.js", stack.gateway.url));
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
  }, 60_000);
});
