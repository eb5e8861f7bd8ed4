// The outcome of a sync: counts per kind, the requests and their final statuses, every rejected record.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Change, InvoiceSyncType, Rejection, SyncType } from "./types.js";

/** Counts of a sync (records of one object type). */
export interface SyncCounts {
  /** Valid records of the input. */
  input: number;
  /** Records Concur held before the sync. */
  held: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  rejected: number;
  /** Records sent in mutations (upserts and deletes; --replace: the whole export). */
  sent: number;
  /** Planned but never sent (interrupted). */
  notSent: number;
  /** Held by Concur, absent from the input, kept (no --delete). */
  absentKept: number;
}

export interface SyncReport {
  type: SyncType | InvoiceSyncType;
  input: string;
  companyId: string;
  erpId: string;
  mode: "upsert" | "upsert+delete" | "replace";
  dryRun: boolean;
  interrupted: boolean;
  startedAt: string;
  finishedAt: string;
  counts: SyncCounts;
  /** Every upload request the sync's mutations went in, with its final status. */
  requests: { requestId: string; status: string | null }[];
  /** The first differences found. */
  sample: Change[];
  rejected: Rejection[];
}

const csvCell = (value: unknown): string => {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** `rejected.csv`: line, id, stage, code, message; sorted by line. */
export function rejectedCsv(rejected: readonly Rejection[]): string {
  const rows = [...rejected].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  return ["line,id,stage,code,message", ...rows.map((r) => [r.line, r.key, r.stage, r.code, r.message].map(csvCell).join(","))].join("\n") + "\n";
}

/** Writes `report.json` and `rejected.csv` into `dir` (created if needed); returns their paths. */
export async function writeReport(dir: string, report: SyncReport): Promise<{ json: string; csv: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, "report.json");
  const csv = join(dir, "rejected.csv");
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(csv, rejectedCsv(report.rejected));
  return { json, csv };
}

/** The human summary printed at the end. */
export function summary(report: SyncReport): string {
  const c = report.counts;
  const statuses = new Map<string, number>();
  for (const r of report.requests) statuses.set(r.status ?? "UNKNOWN", (statuses.get(r.status ?? "UNKNOWN") ?? 0) + 1);
  const byStage = (stage: string) => report.rejected.filter((r) => r.stage === stage).length;
  const lines = [
    `${report.type}${report.dryRun ? " (dry run: nothing written)" : ""}${report.interrupted ? " (INTERRUPTED: the rest was not sent)" : ""}: ${c.input} valid record(s) in ${report.input}, ${c.held} held by Concur`,
    `  created ${c.created}  updated ${c.updated}  deleted ${c.deleted}  unchanged ${c.unchanged}  rejected ${c.rejected}${c.notSent ? `  not sent ${c.notSent}` : ""}${c.absentKept ? `  absent from the input, kept ${c.absentKept} (--delete removes them)` : ""}`,
  ];
  if (c.rejected) lines.push(`  rejected: ${byStage("input")} before sending (validation), ${byStage("gateway")} by the gateway, ${byStage("concur")} by Concur`);
  if (report.requests.length) lines.push(`  requests: ${report.requests.length} (${[...statuses].map(([s, n]) => `${s} ${n}`).join(", ")})`);
  return lines.join("\n") + "\n";
}
