// Sync: `concur-graph sync` (the real CLI, a child process) loads a generated ERP export of accounts and vendors into
// an empty ERP through the gateway. Prints PATCHes against the packing lower bound ceil(bytes / 4 MiB) and the wall
// time against the 1-PATCH-per-second floor for that many PATCHes. Gateway and emulator each in their own process.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ROOT, startEmulator, startGateway } from "./lib/procs.js";
import { fmt, table } from "./lib/stats.js";
import { admin, sumCounters } from "./lib/upstream.js";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const pad = (n: number) => String(n).padStart(6, "0");
const NOTE = "Payment terms net 30; remit to the lockbox; quote the PO number on every invoice".repeat(2);

interface Part {
  type: "accounts" | "vendors";
  header: string[];
  row: (i: number) => string[];
  /** The record as the gateway sends it (for the lower bound). */
  wire: (row: string[]) => object;
}

const PARTS_OF_RUN: Part[] = [
  {
    type: "accounts",
    header: ["id", "name", "number", "type"],
    row: (i) => [`BS-A-${pad(i)}`, `Bench account ${i} travel and entertainment`, String(700000 + i), "EXPENSE"],
    wire: (r) => ({ id: r[0], name: r[1], number: r[2], type: r[3] }),
  },
  {
    type: "vendors",
    header: ["id", "type", "currencyCode", "name", "companyName", "addr1", "city", "country", "note"],
    row: (i) => [`BS-V-${pad(i)}`, "ACCOUNTING", "USD", `Vendor ${i}`, `Vendor ${i} Ltd`, `${i} Main Street`, "Springfield", "US", NOTE],
    wire: (r) => ({ id: r[0], type: r[1], currencyCode: r[2], name: r[3], companyName: r[4], address: { addr1: r[5], city: r[6], country: r[7], note: r[8] } }),
  },
];

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr }),
    );
  });
}

export async function runSync(options: { quick: boolean }): Promise<string> {
  const counts = options.quick ? { accounts: 2_000, vendors: 5_000 } : { accounts: 5_000, vendors: 20_000 };
  const dir = mkdtempSync(join(tmpdir(), "cg-bench-sync-"));
  const emulator = await startEmulator({ pageBytes: 1_000_000, processingDelayMs: 50 });
  const emu = emulator.ready;
  const gateway = await startGateway(emu.url);
  const rows: string[][] = [];
  try {
    for (const part of PARTS_OF_RUN) {
      const n = counts[part.type];
      const data = Array.from({ length: n }, (_, i) => part.row(i));
      writeFileSync(join(dir, `${part.type}.csv`), [part.header, ...data].map((r) => r.join(",")).join("\n") + "\n");
      const bytes = data.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(part.wire(r))), 0) + n - 1 + Buffer.byteLength('{"deleteAll":false,"data":[]}');
      const lowerBound = Math.ceil(bytes / MAX_BODY_BYTES);
      await admin(emu.url, "POST", "/counters/reset");
      const t0 = performance.now();
      const result = await runCli(
        ["sync", "--url", gateway.ready.url, "--company", emu.companyId, "--erp", emu.erpId, "--type", part.type, "--input", join(dir, `${part.type}.csv`), "--report", join(dir, `report-${part.type}`)],
        { CONCUR_GRAPH_TOKEN: emu.token },
      );
      const seconds = (performance.now() - t0) / 1000;
      const counters = (await admin(emu.url, "GET", "/counters")).counters as Record<string, Record<string, number>>;
      const patches = sumCounters(counters, `PATCH /accountingintegration/v4/companies/{companyId}/erps/{erpId}/${part.type}`);
      rows.push([part.type, String(n), fmt(bytes / 1024 / 1024, 1), String(patches), String(lowerBound), String(Math.max(0, patches - 1)), fmt(seconds, 1), String(result.code)]);
    }
  } finally {
    await gateway.stop();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    "sync: `concur-graph sync` as a child process, initial load of a generated CSV export into the demo ERP, one run",
    table(["type", "records", "MiB sent", "PATCHes", "lower bound", "1 call/s floor s", "wall s", "exit"], rows),
  ].join("\n");
}
