// `concur-graph sync` as a child process against a stack this test starts (passthrough: the demo company's Concur
// token): PATCH counts from the emulator's counters, records read back through the gateway.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN, REPO_ROOT, runCli } from "../helpers/cli.js";
import { fromAccountInput, fromVendorInput } from "../../src/datasources/index.js";
import { MAX_PATCH_BYTES } from "../../src/datasources/accounting/writes/limits.js";
import { ROUTES, startStack, sumCalls, type Stack } from "../helpers/stack.js";
import { waitFor } from "../helpers/wait.js";

const root = REPO_ROOT;
const cliMain = CLI_MAIN;
const dir = mkdtempSync(join(tmpdir(), "cg-sync-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: dir, env });

const pad = (n: number) => String(n).padStart(5, "0");
// ~480 bytes per record: 20,000 vendors need 3 PATCHes of 4 MiB.
const NOTE = "Payment terms net 30; remit to the lockbox; quote the PO number on every invoice; contact AP for changes of bank details".repeat(2);
const vendorRow = (i: number, suffix = "") => [`SV-${pad(i)}`, "ACCOUNTING", i % 3 === 0 ? "EUR" : "USD", `Vendor ${i}${suffix}`, `Vendor ${i} Ltd`, `${i} Main Street`, "Springfield", "US", `TX-${i}`, `+1 555 ${pad(i)}`, `ACC-${pad(i)}`, NOTE];
const VENDOR_HEADER = ["id", "type", "currencyCode", "name", "companyName", "addr1", "city", "country", "taxId", "phone", "accountNumber", "note"];
const accountRow = (i: number) => [`SA-${pad(i)}`, `Account ${i}`, String(100000 + i), i % 2 ? "EXPENSE" : "OTHER_EXPENSE"];

const csv = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.join(",")).join("\n") + "\n";

/** The gateway's packing lower bound: ceil(exact body bytes / 4 MiB), body = {"deleteAll":false,"data":[…]}. */
function lowerBound(records: object[]): number {
  const envelope = Buffer.byteLength(JSON.stringify({ deleteAll: false, data: [] }));
  const bytes = records.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0) + Math.max(0, records.length - 1) + envelope;
  return Math.ceil(bytes / MAX_PATCH_BYTES);
}

const wireVendor = (row: string[]) =>
  fromVendorInput({ id: row[0], type: row[1], currencyCode: row[2], name: row[3], companyName: row[4], taxId: row[8], phone: row[9], accountNumber: row[10], address: { addr1: row[5], city: row[6], country: row[7], note: row[11] } } as never);
const wireAccount = (row: string[]) => fromAccountInput({ id: row[0], name: row[1], number: row[2], type: row[3] } as never);

async function readAll(stack: Stack, type: "vendors" | "accounts" | "listNames", fields: string): Promise<Map<string, any>> {
  const out = new Map<string, any>();
  let after: string | null = null;
  for (;;) {
    const res: any = await stack.graphql(
      `query($companyId: ID!, $erpId: ID!, $after: String) { erpIntegration(companyId: $companyId, erpId: $erpId) { ${type}(first: 1000, after: $after) { edges { node { ${fields} } } pageInfo { hasNextPage endCursor } } } }`,
      { companyId: stack.companyId, erpId: stack.erpId, after },
    );
    const page = res.data.erpIntegration[type];
    for (const { node } of page.edges) out.set(node.id, node);
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

const readReport = (reportDir: string) => JSON.parse(readFileSync(join(reportDir, "report.json"), "utf8"));

describe("concur-graph sync (child process)", () => {
  let stack: Stack;
  let base: string[];
  beforeAll(async () => {
    stack = await startStack({ emulator: { processingDelayMs: 20 } });
    base = ["sync", "--url", stack.gateway.url, "--company", stack.companyId, "--erp", stack.erpId];
  });
  afterAll(() => stack.stop());
  const env = () => ({ CONCUR_GRAPH_TOKEN: stack.token });
  const patches = async (route: string) => sumCalls(await stack.counters(), route);

  it("initial load of 5,000 accounts and 20,000 vendors: every record in Concur, PATCHes = ceil(bytes / 4 MiB); 1 % changed: exactly those sent; identical: nothing sent", async () => {
    const accounts = Array.from({ length: 5000 }, (_, i) => accountRow(i + 1));
    const vendors = Array.from({ length: 20_000 }, (_, i) => vendorRow(i + 1));
    writeFileSync(join(dir, "accounts.csv"), csv(["id", "name", "number", "type"], accounts));
    writeFileSync(join(dir, "vendors.csv"), csv(VENDOR_HEADER, vendors));

    // ---- initial load
    await stack.resetCounters();
    let t0 = Date.now();
    const a1 = await cli([...base, "--type", "accounts", "--input", "accounts.csv", "--report", "r-a1"], env());
    const accountsMs = Date.now() - t0;
    expect(a1.code, a1.stderr).toBe(0);
    expect(await patches(ROUTES.patchAccounts)).toBe(lowerBound(accounts.map(wireAccount)));
    expect(readReport(join(dir, "r-a1")).counts).toMatchObject({ input: 5000, created: 5000, updated: 0, unchanged: 0, rejected: 0, sent: 5000 });

    await stack.resetCounters();
    t0 = Date.now();
    const v1 = await cli([...base, "--type", "vendors", "--input", "vendors.csv", "--report", "r-v1"], env());
    const vendorsMs = Date.now() - t0;
    expect(v1.code, v1.stderr).toBe(0);
    const vendorBound = lowerBound(vendors.map(wireVendor));
    expect(vendorBound).toBe(3);
    expect(await patches(ROUTES.patchVendors)).toBe(vendorBound);
    const r1 = readReport(join(dir, "r-v1"));
    expect(r1.counts).toMatchObject({ input: 20_000, created: 20_000, rejected: 0, sent: 20_000 });
    expect(r1.requests.every((r: any) => r.status === "SUCCESS")).toBe(true);
    expect(readFileSync(join(dir, "r-v1", "rejected.csv"), "utf8")).toBe("line,id,stage,code,message\n");
    expect(v1.stdout).toMatch(/created 20000 {2}updated 0 {2}deleted 0 {2}unchanged 0 {2}rejected 0/);
    expect(v1.stderr).toMatch(/\[sync\] send: done/); // plain progress lines (no TTY)

    const heldVendors = await readAll(stack, "vendors", "id name currencyCode address { city }");
    for (const row of vendors) expect(heldVendors.get(row[0])?.name).toBe(row[3]);
    const heldAccounts = await readAll(stack, "accounts", "id name number type");
    for (const row of accounts) expect(heldAccounts.get(row[0])).toEqual({ id: row[0], name: row[1], number: row[2], type: row[3] });
    console.log(`initial load: accounts ${accountsMs} ms (${lowerBound(accounts.map(wireAccount))} PATCH), vendors ${vendorsMs} ms (${vendorBound} PATCH)`);

    // ---- 1 % of the vendors changed (every 100th): exactly those are sent, in one PATCH
    const changed = vendors.map((row, i) => (i % 100 === 0 ? vendorRow(i + 1, " (renamed)") : row));
    writeFileSync(join(dir, "vendors.csv"), csv(VENDOR_HEADER, changed));
    await stack.resetCounters();
    const v2 = await cli([...base, "--type", "vendors", "--input", "vendors.csv", "--report", "r-v2"], env());
    expect(v2.code, v2.stderr).toBe(0);
    expect(readReport(join(dir, "r-v2")).counts).toMatchObject({ created: 0, updated: 200, unchanged: 19_800, rejected: 0, sent: 200 });
    expect(await patches(ROUTES.patchVendors)).toBe(1);
    const after2 = await readAll(stack, "vendors", "id name");
    expect(after2.get("SV-00001")?.name).toBe("Vendor 1 (renamed)");
    expect(after2.get("SV-00002")?.name).toBe("Vendor 2");

    // ---- identical third run: nothing sent
    await stack.resetCounters();
    const v3 = await cli([...base, "--type", "vendors", "--input", "vendors.csv", "--report", "r-v3"], env());
    expect(v3.code, v3.stderr).toBe(0);
    expect(readReport(join(dir, "r-v3")).counts).toMatchObject({ created: 0, updated: 0, unchanged: 20_000, sent: 0 });
    expect(await patches(ROUTES.patchVendors)).toBe(0);
  }, 180_000);

  it("rows with a missing required field or a bad currency are reported with their line numbers; the rest is loaded; exit 1", async () => {
    writeFileSync(
      join(dir, "mixed.csv"),
      csv(VENDOR_HEADER, [vendorRow(30_001), ["SV-30002", "ACCOUNTING", "EURO", "Bad currency", "Co", "", "", "", "", "", "", ""], vendorRow(30_003), ["SV-30004", "ACCOUNTING", "USD", "", "No name Co", "", "", "", "", "", "", ""], vendorRow(30_005)]),
    );
    await stack.resetCounters();
    const run = await cli([...base, "--type", "vendors", "--input", "mixed.csv", "--report", "r-mixed"], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 record\(s\) rejected/);
    const report = readReport(join(dir, "r-mixed"));
    expect(report.counts).toMatchObject({ created: 3, rejected: 2 });
    const rows = readFileSync(join(dir, "r-mixed", "rejected.csv"), "utf8").trim().split("\n");
    expect(rows[1]).toMatch(/^3,SV-30002,input,VALIDATION,.*EURO.*ISO 4217/);
    expect(rows[2]).toMatch(/^5,SV-30004,input,VALIDATION,.*name: is required/);
    const held = await readAll(stack, "vendors", "id");
    expect([...["SV-30001", "SV-30003", "SV-30005"].map((id) => held.has(id)), held.has("SV-30002"), held.has("SV-30004")]).toEqual([true, true, true, false, false]);
  }, 60_000);

  it("usage mistakes exit 2; --dry-run writes nothing", async () => {
    const noTarget = await cli(["sync", "--type", "vendors", "--input", "mixed.csv"], env());
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--url .* or --embedded/);
    const badType = await cli([...base, "--type", "costs", "--input", "mixed.csv"], env());
    expect(badType.code).toBe(2);
    const noToken = await cli([...base, "--type", "vendors", "--input", "mixed.csv"]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/CONCUR_GRAPH_TOKEN/);

    writeFileSync(join(dir, "dry.csv"), csv(VENDOR_HEADER, [vendorRow(30_001, " changed"), vendorRow(40_000)]));
    await stack.resetCounters();
    const dry = await cli([...base, "--type", "vendors", "--input", "dry.csv", "--dry-run", "--report", "r-dry"], env());
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/update SV-30001 \(line 2\) name: "Vendor 30001" -> "Vendor 30001 changed"/);
    expect(dry.stdout).toMatch(/create SV-40000 \(line 3\)/);
    expect(await patches(ROUTES.patchVendors)).toBe(0);
  }, 60_000);

  it("JSON Lines with --delete: Concur ends with exactly the export (absent list names deleted, counted in the report)", async () => {
    const jsonl = (ids: string[]) => ids.map((id) => JSON.stringify({ id, name: `List ${id}` })).join("\n") + "\n";
    writeFileSync(join(dir, "lists-1.jsonl"), jsonl(["LN-1", "LN-2", "LN-3"]));
    const first = await cli([...base, "--type", "listNames", "--input", "lists-1.jsonl", "--report", "r-l1"], env());
    expect(first.code, first.stderr).toBe(0);
    expect(readReport(join(dir, "r-l1")).counts).toMatchObject({ created: 3, deleted: 0 });
    const heldBefore = [...(await readAll(stack, "listNames", "id")).keys()];
    expect(heldBefore).toEqual(expect.arrayContaining(["LN-1", "LN-2", "LN-3"]));

    writeFileSync(join(dir, "lists-2.jsonl"), jsonl(["LN-1", "LN-2"]));
    const second = await cli([...base, "--type", "listNames", "--input", "lists-2.jsonl", "--delete", "--report", "r-l2"], env());
    expect(second.code, second.stderr).toBe(0);
    expect(readReport(join(dir, "r-l2")).counts).toMatchObject({ created: 0, unchanged: 2, deleted: heldBefore.length - 2 });
    expect([...(await readAll(stack, "listNames", "id")).keys()].sort()).toEqual(["LN-1", "LN-2"]);
  }, 60_000);

  it("a record Concur rejects while processing (a vendor's type cannot change) is reported with its line, stage concur; exit 1", async () => {
    const header = ["id", "type", "currencyCode", "name", "companyName", "firstName", "lastName", "email", "employeeId"];
    writeFileSync(join(dir, "v-1.csv"), csv(header, [["SV-60001", "ACCOUNTING", "USD", "Acme", "Acme Ltd", "", "", "", ""], ["SV-60002", "ACCOUNTING", "USD", "Beta", "Beta Ltd", "", "", "", ""]]));
    expect((await cli([...base, "--type", "vendors", "--input", "v-1.csv", "--report", "r-v1"], env())).code).toBe(0);
    writeFileSync(join(dir, "v-2.csv"), csv(header, [["SV-60001", "EMPLOYEE", "USD", "", "", "Ann", "Lee", "ann@example.com", "E-1"], ["SV-60002", "ACCOUNTING", "USD", "Beta renamed", "Beta Ltd", "", "", "", ""]]));
    const run = await cli([...base, "--type", "vendors", "--input", "v-2.csv", "--report", "r-v2"], env());
    expect(run.code, run.stderr).toBe(1);
    expect(readReport(join(dir, "r-v2")).counts).toMatchObject({ updated: 1, rejected: 1 });
    const rows = readFileSync(join(dir, "r-v2", "rejected.csv"), "utf8").trim().split("\n");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^2,SV-60001,concur,/);
    const held = await readAll(stack, "vendors", "id name type");
    expect(held.get("SV-60001")).toMatchObject({ type: "ACCOUNTING" });
    expect(held.get("SV-60002")).toMatchObject({ name: "Beta renamed" });
  }, 60_000);

  it("Ctrl+C mid-send: no new chunk leaves, what was sent is waited for, and the report matches what Concur holds (exit 130)", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`CC-${pad(i)}`, `Interrupted ${i}`, String(300000 + i), "EXPENSE"]);
    writeFileSync(join(dir, "interrupt.csv"), csv(["id", "name", "number", "type"], rows));
    const reportDir = join(dir, "report-interrupt");
    const before = await patches(ROUTES.patchAccounts);
    // 100 records per mutation, one mutation in flight: each waits for its paced PATCH (1/s), so the run lasts ~30 s.
    // One process (node --import tsx), so the signal reaches the CLI itself; cwd is the checkout, where tsx resolves.
    const child = spawn(process.execPath, ["--import", "tsx", cliMain, ...base, "--type", "accounts", "--input", join(dir, "interrupt.csv"), "--report", reportDir, "--chunk-size", "100", "--in-flight-bytes", "1"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", CONCUR_GRAPH_TOKEN: stack.token },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    await waitFor(async () => (await patches(ROUTES.patchAccounts)) - before >= 2, 60_000, "two PATCHes of the run");
    child.kill("SIGINT");
    expect(await exited, stderr.slice(-2000)).toBe(130);
    expect(stdout).toContain("INTERRUPTED");
    const report = readReport(reportDir);
    expect(report.interrupted).toBe(true);
    const sent = report.counts.sent as number;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(rows.length);
    expect(sent % 100).toBe(0);
    const held = [...(await readAll(stack, "accounts", "id")).keys()].filter((id) => id.startsWith("CC-"));
    expect(held.length).toBe(sent);
    expect(report.counts.notSent).toBe(rows.length - sent);
  }, 90_000);
});
