// One sync of one object type: read the export -> read Concur through the gateway -> compare -> send the changes
// (chunked mutations, several in flight so the gateway's batcher fills each 4 MiB PATCH) -> wait for every
// request to finish -> report. Stops sending new chunks when `stop` is aborted (Ctrl+C) and reports what went.
import type { GatewayClient, MutationOutcome } from "./gateway-client.js";
import { readInput } from "./input.js";
import { chunk, planSync } from "./plan.js";
import type { Progress } from "./progress.js";
import type { SyncCounts, SyncReport } from "./report.js";
import { FINAL_STATUSES, type InputRecord, type Rejection, type SourceRecord, type SyncType } from "./types.js";

/** Options of {@link runSync}. */
export interface SyncOptions {
  type: SyncType;
  input: string;
  companyId: string;
  erpId: string;
  columns: Map<string, string>;
  /** Delete records Concur holds that the export lacks. Default false. */
  delete?: boolean;
  /** Replace everything (replaceAll: Concur deleteAll, then the export). Default false. */
  replace?: boolean;
  dryRun?: boolean;
  /** Records per mutation. Default 1000. */
  chunkRecords?: number;
  /** JSON bytes per mutation at most. Default 2 MiB (the gateway takes request bodies up to 8 MiB). */
  chunkBytes?: number;
  /**
   * Bytes of mutations in flight at once. Default 12 MiB: three PATCHes' worth stay queued at the gateway, so
   * each 1-second slot sends a full 4 MiB body (the packing lower bound).
   */
  inFlightBytes?: number;
  /** Poll interval of request statuses, ms. Default 250. */
  pollMs?: number;
}

/** What runSync needs from outside. */
export interface SyncDeps {
  client: GatewayClient;
  progress: Progress;
  /** Aborted: send no new chunk (in-flight ones finish and are waited for). */
  stop?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

interface Sent {
  kind: "upsert" | "delete";
  keys: string[];
}

export async function runSync(options: SyncOptions, deps: SyncDeps): Promise<SyncReport> {
  const { type, client, progress } = { ...options, ...deps };
  const sleep = deps.sleep ?? delay;
  const startedAt = new Date().toISOString();

  progress.start("read input", 0);
  const input = await readInput(options.input, type, options.columns, (n) => progress.update("read input", n, n));
  progress.finish("read input", `${input.rows} row(s), ${input.records.length} valid, ${input.rejected.length} refused`);

  progress.start("read Concur", 0);
  const held = await client.readAll(type, (n) => progress.update("read Concur", n, n));
  progress.finish("read Concur", `${held.length} record(s)`);

  progress.start("compare", input.records.length);
  const plan = planSync(type, input.records, held, 10, (n) => progress.update("compare", n));
  progress.finish("compare", `${plan.creates.length} new, ${plan.updates.length} changed, ${plan.unchanged} unchanged, ${plan.absent.length} absent from the input`);

  const lineByKey = new Map(input.records.map((r) => [r.key, r.line]));
  const rejected: Rejection[] = [...input.rejected];
  const createKeys = new Set(plan.creates.map((r) => r.key));
  const deleting = Boolean(options.delete) && !options.replace && type !== "taxData";
  const report: SyncReport = {
    type,
    input: options.input,
    companyId: options.companyId,
    erpId: options.erpId,
    mode: options.replace ? "replace" : deleting ? "upsert+delete" : "upsert",
    dryRun: Boolean(options.dryRun),
    interrupted: false,
    startedAt,
    finishedAt: startedAt,
    counts: { input: input.records.length, held: held.length, created: 0, updated: 0, deleted: 0, unchanged: plan.unchanged, rejected: 0, sent: 0, notSent: 0, absentKept: 0 },
    requests: [],
    sample: [...plan.sample, ...(deleting || options.replace ? plan.absent.slice(0, Math.max(0, 10 - plan.sample.length)).map((key) => ({ kind: "delete" as const, key })) : [])],
    rejected,
  };
  const counts: SyncCounts = report.counts;

  if (options.dryRun) {
    counts.created = plan.creates.length;
    counts.updated = plan.updates.length;
    counts.deleted = deleting || options.replace ? plan.absent.length : 0;
    counts.absentKept = deleting || options.replace ? 0 : plan.absent.length;
    counts.rejected = rejected.length;
    report.finishedAt = new Date().toISOString();
    return report;
  }

  // ---- send
  const upserts: SourceRecord[] = options.replace ? [...input.records].sort((a, b) => a.line - b.line) : [...plan.creates, ...plan.updates].sort((a, b) => a.line - b.line);
  const nothingChanged = plan.creates.length === 0 && plan.updates.length === 0 && (!(deleting || options.replace) || plan.absent.length === 0);
  const recordChunks = options.replace && nothingChanged ? [] : chunk(upserts, options.chunkRecords ?? 1000, options.chunkBytes ?? 2 * 1024 * 1024, (r) => bytes(r.record));
  const deleteChunks = deleting ? chunk(plan.absent, options.chunkRecords ?? 1000, options.chunkBytes ?? 2 * 1024 * 1024, (k) => k.length + 20) : [];
  // Replace with an empty export still has to wipe: replaceAll needs at least the deleteAll body (the gateway refuses an empty upsert only).
  const totalRecords = recordChunks.reduce((n, c) => n + c.length, 0) + deleteChunks.reduce((n, c) => n + c.length, 0);
  const sent: Sent[] = [];
  const keysByRequest = new Map<string, Set<string>>();
  const statusByRequest = new Map<string, string | null>();
  let sentRecords = 0;

  const settle = (kind: "upsert" | "delete", keys: string[], outcome: MutationOutcome) => {
    if (outcome.error) {
      const problems = outcome.error.extensions?.problems;
      const code = outcome.error.extensions?.code ?? "GATEWAY_ERROR";
      keys.forEach((key, i) => {
        const own = problems?.filter((p) => new RegExp(`^\\w+\\[${i}\\]`).test(p.field)).map((p) => p.message);
        rejected.push({ key, line: lineByKey.get(key), code, message: own?.length ? own.join("; ") : outcome.error!.message, stage: "gateway" });
      });
      return;
    }
    const refused = new Set(outcome.rejected.map((r) => r.id));
    for (const r of outcome.rejected) rejected.push({ key: r.id, line: lineByKey.get(r.id), code: r.code, message: r.message, stage: "gateway" });
    const went = keys.filter((k) => !refused.has(k));
    sent.push({ kind, keys: went });
    for (const request of outcome.requests) {
      let set = keysByRequest.get(request.requestId);
      if (!set) keysByRequest.set(request.requestId, (set = new Set()));
      for (const k of went) set.add(k);
      statusByRequest.set(request.requestId, request.status);
    }
  };

  progress.start("send", totalRecords);
  const maxInFlight = options.inFlightBytes ?? 12 * 1024 * 1024;
  const inFlight = new Set<Promise<void>>();
  let inFlightBytes = 0;
  const jobs: { kind: "upsert" | "delete" | "replaceAll"; keys: string[]; payload: InputRecord[] | string[]; bytes: number }[] = [
    ...recordChunks.map((c, i) => ({
      kind: (options.replace && i === 0 ? "replaceAll" : "upsert") as "upsert" | "replaceAll",
      keys: c.map((r) => r.key),
      payload: c.map((r) => r.record),
      bytes: c.reduce((n, r) => n + bytes(r.record) + 1, 0),
    })),
    ...deleteChunks.map((c) => ({ kind: "delete" as const, keys: c, payload: c, bytes: c.reduce((n, k) => n + k.length + 20, 0) })),
  ];
  if (options.replace && recordChunks.length === 0 && plan.absent.length > 0 && type !== "taxData") {
    // An empty export under --replace deletes everything Concur holds (by id: replaceAll refuses an empty list).
    for (const c of chunk(plan.absent, 1000, 2 * 1024 * 1024, (k) => k.length + 20)) jobs.push({ kind: "delete", keys: c, payload: c, bytes: c.length * 40 });
  }
  for (const job of jobs) {
    if (deps.stop?.aborted) break;
    while (inFlight.size > 0 && inFlightBytes + job.bytes > maxInFlight) await Promise.race(inFlight);
    if (deps.stop?.aborted) break;
    const run = client.write(type, job.kind, job.payload).then(
      (outcome) => settle(job.kind === "delete" ? "delete" : "upsert", job.keys, outcome),
      (error: unknown) => settle(job.kind === "delete" ? "delete" : "upsert", job.keys, { requests: [], sentIds: [], rejected: [], error: { message: (error as Error).message, extensions: { code: "GATEWAY_UNREACHABLE" } } }),
    );
    const tracked: Promise<void> = run.finally(() => {
      inFlight.delete(tracked);
      inFlightBytes -= job.bytes;
      sentRecords += job.keys.length;
      progress.update("send", sentRecords);
    });
    inFlight.add(tracked);
    inFlightBytes += job.bytes;
    // The replace-all body (deleteAll) must be queued before anything else of this sync.
    if (job.kind === "replaceAll") await tracked;
  }
  await Promise.all(inFlight);
  report.interrupted = Boolean(deps.stop?.aborted) && sentRecords < totalRecords;
  counts.notSent = totalRecords - sentRecords;
  counts.sent = sent.reduce((n, s) => n + s.keys.length, 0);
  progress.finish("send", `${sentRecords} record(s) in ${jobs.length} mutation(s) -> ${keysByRequest.size} request(s)`);

  // ---- wait for Concur's processing
  const requestIds = [...keysByRequest.keys()];
  progress.start("wait", requestIds.length);
  let finished = 0;
  const final = (status: string | null | undefined) => (FINAL_STATUSES as readonly string[]).includes(status ?? "");
  const concurRejected = new Set<string>();
  await Promise.all(
    requestIds.map(async (requestId) => {
      let status = statusByRequest.get(requestId) ?? null;
      while (!final(status)) {
        await sleep(options.pollMs ?? 250);
        status = await client.requestStatus(requestId).catch(() => null);
      }
      statusByRequest.set(requestId, status);
      if (status !== "SUCCESS") {
        const errors = await client.requestErrors(requestId);
        for (const e of errors) {
          const key = String(e.record?.id ?? e.record?.countryCode ?? "");
          const detail = e.validationErrors.map((v) => `${v.source ?? "?"}: ${v.errorCode ?? ""} ${v.errorMessage ?? ""}`.trim()).join("; ");
          rejected.push({ key, line: lineByKey.get(key), code: e.errorCode ?? e.validationErrors[0]?.errorCode ?? "REJECTED", message: [e.errorMessage, detail].filter(Boolean).join(": "), stage: "concur" });
          concurRejected.add(key);
        }
        if (status === "ERROR" && errors.length === 0) {
          // The whole request failed without per-record errors: none of its records was applied.
          for (const key of keysByRequest.get(requestId) ?? []) {
            rejected.push({ key, line: lineByKey.get(key), code: "REQUEST_ERROR", message: `request ${requestId} ended in ERROR`, stage: "concur" });
            concurRejected.add(key);
          }
        }
      }
      progress.update("wait", ++finished);
    }),
  );
  report.requests = requestIds.map((requestId) => ({ requestId, status: statusByRequest.get(requestId) ?? null }));
  progress.finish("wait", `${requestIds.map((id) => statusByRequest.get(id)).join(", ") || "no request"}`);

  const updateKeys = new Set(plan.updates.map((u) => u.key));
  for (const batch of sent) {
    for (const key of batch.keys) {
      if (concurRejected.has(key)) continue;
      if (batch.kind === "delete") counts.deleted++;
      else if (createKeys.has(key)) counts.created++;
      else if (updateKeys.has(key)) counts.updated++;
      // else: --replace re-sent an unchanged record (counted unchanged)
    }
  }
  // --replace: deleteAll removed what Concur held and the export lacks.
  if (options.replace && !report.interrupted) counts.deleted += recordChunks.length > 0 ? plan.absent.length : 0;
  counts.absentKept = deleting || options.replace ? 0 : plan.absent.length;
  counts.rejected = rejected.length;
  report.finishedAt = new Date().toISOString();
  return report;
}
