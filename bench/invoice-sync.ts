// Invoice vendor sync: `concur-graph sync --type invoiceVendors` (the real CLI, a child process) loads a generated
// export of 5,000 vendor address records into Concur Invoice through the gateway. Prints Vendor v3.1 write calls
// against the lower bound ceil(records / 1000 per call) and the wall time against the pacing floor (one Invoice write
// call per second per company: (calls - 1) s). Then a rerun of the same export (0 calls expected). Gateway and emulator
// each in their own process.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { INVOICE_WRITE_INTERVAL_MS, MAX_VENDORS_PER_CALL } from "../src/datasources/invoice/paths.js";
import { ROOT, startEmulator, startGateway } from "./lib/procs.js";
import { fmt, table } from "./lib/stats.js";
import { admin, sumCounters } from "./lib/upstream.js";

const HEADER = ["vendorCode", "addressCode", "name", "address1", "city", "state", "postalCode", "countryCode", "currencyCode", "paymentMethodType", "paymentTerms", "approved"];
const row = (i: number) => [`BV-${String(i).padStart(6, "0")}`, "REMIT", `Bench vendor ${i}`, `${i} Main Street`, "Springfield", "IL", "62701", "US", "USD", "ACH", "30", "Y"];

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr }),
    );
  });
}

export async function runInvoiceSync(options: { quick: boolean }): Promise<string> {
  const n = options.quick ? 2_000 : 5_000;
  const dir = mkdtempSync(join(tmpdir(), "cg-bench-invoice-"));
  const emulator = await startEmulator({ pageBytes: 1_000_000, processingDelayMs: 50 });
  const emu = emulator.ready;
  const gateway = await startGateway(emu.url);
  const rows: string[][] = [];
  const input = join(dir, "vendors.csv");
  writeFileSync(input, [HEADER, ...Array.from({ length: n }, (_, i) => row(i + 1))].map((r) => r.join(",")).join("\n") + "\n");
  try {
    for (const run of ["initial load", "rerun (identical)"]) {
      await admin(emu.url, "POST", "/counters/reset");
      const t0 = performance.now();
      const result = await runCli(["sync", "--type", "invoiceVendors", "--url", gateway.ready.url, "--company", emu.companyId, "--input", input, "--report", join(dir, `report-${rows.length}`)], { CONCUR_GRAPH_TOKEN: emu.token });
      const seconds = (performance.now() - t0) / 1000;
      const counters = (await admin(emu.url, "GET", "/counters")).counters as Record<string, Record<string, number>>;
      const writes = sumCounters(counters, "POST /api/v3.1/invoice/vendors") + sumCounters(counters, "PUT /api/v3.1/invoice/vendors");
      const reads = sumCounters(counters, "GET /api/v3.1/invoice/vendors");
      const lowerBound = run === "initial load" ? Math.ceil(n / MAX_VENDORS_PER_CALL) : 0;
      const floor = (Math.max(0, writes - 1) * INVOICE_WRITE_INTERVAL_MS) / 1000;
      rows.push([run, String(n), String(writes), String(lowerBound), String(reads), fmt(floor, 1), fmt(seconds, 1), String(result.code)]);
    }
  } finally {
    await gateway.stop();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    `invoicesync: \`concur-graph sync --type invoiceVendors\` as a child process, ${n} vendor address records (Vendor v3.1: ${MAX_VENDORS_PER_CALL} records per call, one write call per ${INVOICE_WRITE_INTERVAL_MS} ms per company)`,
    table(["run", "records", "write calls", "lower bound", "GETs", "pacing floor s", "wall s", "exit"], rows),
  ].join("\n");
}
