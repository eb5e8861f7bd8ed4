// The operator console with TRUSTED_DOCUMENTS=enforce (docs/trusted-documents.md, docs/console.md): the operator's
// manifest holds none of the console's operations, yet every page loads and works in headless Chromium, because the
// gateway trusts the console's own manifest (dist/console/persisted-documents.json, written by its build from the
// client preset's output). Every operation the page sends is its hash only, over HTTP and graphql-ws; every operation
// of the console's manifest is used at least once; an operation outside both manifests is still refused.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { CHROMIUM, launchChromium } from "../helpers/browser.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleBundleDir, consoleManifestFile } from "../../src/http/console.js";
import { DEMO_LISTS } from "../../src/emulator/index.js";
import { FIS_DEMO_COUNTS } from "../../src/emulator/fis/seed.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const hasChromium = existsSync(CHROMIUM);
const WAIT = 30_000;
const OPERATOR_ONLY = "query OperatorShipped { __typename }";

interface Sent {
  via: "http" | "ws";
  operationName?: string;
  query?: string;
  sha256Hash?: string;
}

describe.skipIf(!hasChromium && !process.env.CI)("operator console with TRUSTED_DOCUMENTS=enforce", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-trusted-"));
  let stack: Stack;
  let browser: Browser;
  /** The console's manifest as the gateway reads it: operation name -> hash. */
  const consoleOperations = new Map<string, string>();

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: CI must install chromium (see .ci/run) before the tests`);
    if (!existsSync(join(consoleBundleDir(), "index.html")) || !existsSync(consoleManifestFile())) execFileSync("npm", ["run", "--silent", "build:console"], { stdio: "inherit" });
    for (const [id, text] of Object.entries(JSON.parse(readFileSync(consoleManifestFile(), "utf8")) as Record<string, string>)) {
      consoleOperations.set(/^(?:query|mutation|subscription) (\w+)/.exec(text)![1]!, id.replace(/^sha256:/, ""));
    }
    // The operator's manifest: one operation of its own front-end, none of the console's.
    const manifest = join(dir, "operator.json");
    writeFileSync(manifest, JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id: "operator-1", name: "OperatorShipped", type: "query", body: OPERATOR_ONLY }] }));
    stack = await startStack({ managed: {}, env: { TRUSTED_DOCUMENTS: "enforce", TRUSTED_DOCUMENTS_FILE: manifest } });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Records what the page sends to /graphql (HTTP bodies, graphql-ws subscribe payloads) and any error code it gets. */
  function watch(page: Page): { sent: Sent[]; codes: string[] } {
    const sent: Sent[] = [];
    const codes: string[] = [];
    const graphqlPath = new URL("/graphql", stack.gateway.origin).toString();
    page.on("request", (req) => {
      if (req.url() !== graphqlPath || req.method() !== "POST") return;
      const body = req.postDataJSON() as { operationName?: string; query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } };
      sent.push({ via: "http", operationName: body.operationName, query: body.query, sha256Hash: body.extensions?.persistedQuery?.sha256Hash });
    });
    page.on("response", async (res) => {
      if (res.url() !== graphqlPath) return;
      const body = (await res.json().catch(() => undefined)) as { errors?: Array<{ extensions?: { code?: string } }> } | undefined;
      for (const error of body?.errors ?? []) codes.push(String(error.extensions?.code));
    });
    page.on("websocket", (ws) => {
      ws.on("framesent", ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; payload?: { operationName?: string; query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } } };
        if (message.type === "subscribe") sent.push({ via: "ws", operationName: message.payload?.operationName, query: message.payload?.query, sha256Hash: message.payload?.extensions?.persistedQuery?.sha256Hash });
      });
      ws.on("framereceived", ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; payload?: unknown };
        if (message.type === "error") for (const error of message.payload as Array<{ extensions?: { code?: string } }>) codes.push(String(error.extensions?.code));
      });
    });
    return { sent, codes };
  }

  it("every page loads and works, each operation sent by hash only, the subscriptions live over graphql-ws", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const { sent, codes } = watch(page);
    const alerts = () => page.getByRole("alert").allInnerTexts();
    try {
      // Sign in (ConsoleViewer).
      await page.goto(new URL("/console/", stack.gateway.origin).toString(), { waitUntil: "load" });
      await page.getByLabel("API key").fill(stack.token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("navigation", { name: "Pages" }).waitFor({ state: "visible", timeout: WAIT });

      // Connections: the three demo companies, their editions; a disconnect seen live (ConsoleConnectionChanged over
      // graphql-ws, one subscription per card).
      const card = (companyId: string) => page.locator(`[data-testid="connection"][data-company="${companyId}"]`);
      for (const companyId of [stack.companyId, stack.secondCompanyId, stack.standardCompanyId]) {
        await expect.poll(() => card(companyId).getAttribute("data-state"), { timeout: WAIT }).toBe("CONNECTED");
      }
      await expect.poll(() => sent.filter((s) => s.via === "ws" && s.operationName === "ConsoleConnectionChanged").length, { timeout: WAIT }).toBe(3);
      const second = card(stack.secondCompanyId);
      await second.getByRole("button", { name: "Disconnect" }).click();
      await second.getByRole("button", { name: "Confirm disconnect" }).click();
      await expect.poll(() => second.getAttribute("data-state"), { timeout: WAIT }).toBe("DISCONNECTED");
      await expect.poll(() => second.getByTestId("reason").innerText(), { timeout: WAIT }).toMatch(/disconnect/i);

      // API keys: list, create (shown once), revoke.
      await page.getByRole("link", { name: "API keys" }).click();
      await page.getByLabel("Name").fill("enforce created");
      await page.getByLabel("Role").selectOption("read");
      await page.getByRole("button", { name: "Create key" }).click();
      await page.getByTestId("new-key-secret").waitFor({ state: "visible", timeout: WAIT });
      const created = page.locator('[data-testid="key-row"]', { hasText: "enforce created" });
      await created.getByRole("button", { name: "Revoke" }).click();
      await created.getByRole("button", { name: "Confirm revoke" }).click();
      await created.getByTestId("revoked").waitFor({ state: "visible", timeout: WAIT });

      // Health: event delivery (ConsoleEventDelivery).
      await page.getByRole("link", { name: "Health" }).click();
      await expect.poll(() => page.getByTestId("event-delivery").innerText(), { timeout: WAIT }).toContain("Mode");

      // Syncs: lists, a real sync to 100 % with progress over graphql-ws (ConsoleSyncProgress).
      const progressFrames: string[] = [];
      page.on("websocket", (ws) => ws.on("framereceived", ({ payload }) => String(payload).includes("concurListSyncProgress") && progressFrames.push(String(payload))));
      await page.getByRole("link", { name: "Syncs" }).click();
      // Syncs and Requests share one company choice (ConsoleCompanies); with nothing chosen they open on the first
      // connected company with a writable list (ConsoleLists, the bounded check), the Professional demo company.
      await expect.poll(() => page.getByRole("combobox", { name: "Company" }).inputValue(), { timeout: WAIT }).toBe(stack.companyId);
      await page.locator(`[data-testid="list-select"] option[value="${DEMO_LISTS.emptyCostCenters}"]`).waitFor({ state: "attached", timeout: WAIT });
      await page.getByTestId("list-select").selectOption(DEMO_LISTS.emptyCostCenters);
      await page.getByRole("button", { name: "Start sync" }).click();
      await expect.poll(() => page.getByTestId("sync-progress").getAttribute("data-percent"), { timeout: 90_000 }).toBe("100");
      expect(await page.getByTestId("sync-result").innerText()).toMatch(/created\s+208/);
      await expect.poll(() => progressFrames.some((frame) => frame.includes('"DONE"')), { timeout: WAIT }).toBe(true);

      // Requests: another system's upload with 3 bad records appears live (ConsoleRequestStatus re-reads the list),
      // and its rejected records open (ConsoleRequestErrors).
      await page.getByRole("link", { name: "Requests" }).click();
      await page.getByRole("heading", { name: "Write requests" }).waitFor({ state: "visible", timeout: WAIT });
      const statusSubscriptions = () => sent.filter((s) => s.via === "ws" && s.operationName === "ConsoleRequestStatus").length;
      // The same company as on Syncs, subscribed once; no request yet, so the page reads its ERPs to say why
      // (ConsoleRequestErps).
      await expect.poll(statusSubscriptions, { timeout: WAIT }).toBe(1);
      expect(await page.getByRole("combobox", { name: "Company" }).inputValue()).toBe(stack.companyId);
      await expect.poll(() => page.getByTestId("company-empty").innerText(), { timeout: WAIT }).toContain(`No write request seen for company ${stack.companyId} lately`);
      const upload = await waitFor(async () => {
        const res = await request(`${stack.emulator.url}/accountingintegration/v4/companies/${stack.companyId}/erps/${stack.erpId}/accounts`, {
          method: "PATCH",
          headers: { "content-type": "application/json", authorization: `Bearer ${stack.emulator.issueToken(stack.companyId)}` },
          body: JSON.stringify({ data: Array.from({ length: 3 }, (_, i) => ({ id: `BAD-${i}`, name: `Bad ${i}`, type: "NOT_A_TYPE" })) }),
        });
        if (res.statusCode === 429) {
          await res.body.dump();
          return undefined;
        }
        return res;
      }, 30_000, "the emulator to take the upload");
      expect(upload.statusCode).toBe(202);
      const requestId = ((await upload.body.json()) as { requestId: string }).requestId;
      const row = page.locator(`[data-testid="request-row"][data-request="${requestId}"]`);
      await expect.poll(() => row.getAttribute("data-status"), { timeout: 60_000 }).toMatch(/^(PARTIAL|ERROR)$/);
      await row.getByRole("button", { name: "Show rejected records" }).click();
      await expect.poll(() => page.getByTestId("rejected-record").count(), { timeout: WAIT }).toBe(3);

      // Documents: the FIS queue counted (ConsoleFisWalk, page by page).
      await page.getByRole("link", { name: "Documents" }).click();
      const docs = page.locator(`[data-testid="documents-row"][data-company="${stack.companyId}"]`);
      await docs.waitFor({ state: "visible", timeout: WAIT });
      await docs.getByRole("button", { name: "Count" }).click();
      await expect.poll(() => docs.getByTestId("count-EXPENSE").getAttribute("data-count"), { timeout: 3 * WAIT }).toBe(String(FIS_DEMO_COUNTS.expense));
      await expect.poll(() => docs.getByTestId("count-REPORT_OBLIGATION").getAttribute("data-count"), { timeout: 3 * WAIT }).toBe(String(FIS_DEMO_COUNTS.reportobligation));

      expect(await alerts()).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(codes.filter((code) => code.startsWith("PERSISTED_QUERY"))).toEqual([]);
      // Every operation went by its hash alone, and it is the console manifest's hash for that operation.
      expect(sent.length).toBeGreaterThan(consoleOperations.size);
      for (const s of sent) {
        expect(s.query ?? "", `${s.via} ${s.operationName}`).toBe("");
        expect(s.sha256Hash, `${s.via} ${s.operationName}`).toBe(consoleOperations.get(s.operationName!));
      }
      // Every operation of the console's manifest was used by some page.
      expect(new Set(sent.map((s) => s.operationName))).toEqual(new Set(consoleOperations.keys()));
    } finally {
      await context.close();
    }
  }, 300_000);

  it("an operation outside both manifests is refused over HTTP and graphql-ws; the operator's own runs", async () => {
    const shipped = await stack.graphql(OPERATOR_ONLY);
    expect(shipped).toEqual({ data: { __typename: "Query" } });
    const refused = await stack.graphql("query NotShipped { viewer { role } }");
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    // A console operation's text as its source spells it (not the manifest's normalized print) is not in a manifest.
    const sourceText = await stack.graphql("query ConsoleViewer { viewer { kind keyId role companies } }");
    expect(sourceText.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    const sub = subscribe(stack.gateway.wsUrl, stack.token, `subscription NotShipped { companyConnectionChanged(companyId: "${stack.companyId}") { state } }`, {});
    await sub.done;
    expect(sub.events).toEqual([]);
    expect(sub.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
  });
});
