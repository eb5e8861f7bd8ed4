// `concur-graph sync --type invoiceVendors`: an ERP vendor export (CSV or JSON Lines, one row per vendor ADDRESS) made
// equal to Concur Invoice's vendor master through the gateway: read every vendor (invoiceVendors, first 1000), compare
// only the fields the export carries (Concur's PUT merges, so absent columns are left alone), send creates and updates
// in chunks the gateway packs into the fewest Vendor v3.1 calls, deletes with --delete. Same phases, report and exit
// codes as the other types; the answers are synchronous (per-record StatusList), so there is no wait phase.
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import type { Dispatcher } from "undici";
import { validateInvoiceVendor, vendorKey, VENDOR_FIELDS, yesNo } from "../../datasources/index.js";
import { badInput, CodedError, ErrorCode } from "../../errors.js";
import { chunk } from "./plan.js";
import { compareWithHeld, createGatewayPoster, onlyFieldsOf } from "./invoice-common.js";
import type { Progress } from "./progress.js";
import type { SyncCounts, SyncReport } from "./report.js";
import type { InputRecord, Rejection, SourceRecord } from "./types.js";

/** Input fields: the GraphQL names of ConcurInvoiceVendorInput; a CSV header may also use Concur's wire name (VendorName, TaxID, …) or custom1..custom20. */
const FIELD_BY_HEADER = new Map<string, string>();
for (const f of VENDOR_FIELDS) {
  FIELD_BY_HEADER.set(f.name.toLowerCase(), f.name);
  FIELD_BY_HEADER.set(f.wire.toLowerCase(), f.name);
}
for (let n = 1; n <= 20; n++) FIELD_BY_HEADER.set(`custom${n}`, `custom${n}`);
const KIND = new Map<string, string>(VENDOR_FIELDS.map((f) => [f.name, f.kind]));

/** `--columns Header=field,…`: fields are the input names above. */
export function invoiceColumnMapping(spec: string | undefined): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const pair of (spec ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at <= 0) throw badInput(`--columns: ${JSON.stringify(pair)} is not Header=field`);
    const field = FIELD_BY_HEADER.get(pair.slice(at + 1).trim().toLowerCase());
    if (!field) throw badInput(`--columns: ${JSON.stringify(pair.slice(at + 1))} is not an invoice vendor field; expected one of ${VENDOR_FIELDS.map((f) => f.name).join(", ")}, custom1..custom20`);
    mapping.set(pair.slice(0, at).trim().toLowerCase(), field);
  }
  return mapping;
}

const text = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === "" ? undefined : s;
};

/**
 * A vendor (an input row, or a node Concur holds as the gateway returns it) in ConcurInvoiceVendorInput shape,
 * normalised the way Concur stores values: trimmed, empty -> absent, codes upper case, numbers and booleans typed.
 * Unreadable numbers / booleans stay as text so validation reports them with the line.
 */
export function normaliseInvoiceVendor(raw: Record<string, unknown>): InputRecord {
  const out: InputRecord = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "customFields" || key.startsWith("custom")) continue;
    const kind = KIND.get(key);
    const s = typeof value === "boolean" || typeof value === "number" ? value : text(value);
    if (s === undefined || kind === undefined) continue;
    if (kind === "integer") out[key] = typeof s === "number" ? s : /^\d+$/.test(String(s)) ? Number(s) : s;
    else if (kind === "yesNo") out[key] = typeof s === "boolean" ? s : (yesNo(s) ?? s);
    else if (kind === "enum") out[key] = String(s).toUpperCase();
    else out[key] = String(s);
  }
  for (const key of ["countryCode", "currencyCode"]) if (typeof out[key] === "string") out[key] = (out[key] as string).toUpperCase();
  const customs: Array<{ number: number; value: string }> = [];
  for (const c of (raw.customFields as Array<{ number: number; value: string }> | undefined) ?? []) if (text(c.value) !== undefined) customs.push({ number: c.number, value: text(c.value)! });
  for (let n = 1; n <= 20; n++) if (text(raw[`custom${n}`]) !== undefined) customs.push({ number: n, value: text(raw[`custom${n}`])! });
  if (customs.length > 0) out.customFields = customs.sort((a, b) => a.number - b.number);
  return out;
}

export const invoiceVendorKey = (record: InputRecord) => vendorKey(String(record.vendorCode ?? ""), String(record.addressCode ?? ""));
const displayKey = (record: InputRecord) => `${record.vendorCode ?? ""}/${record.addressCode ?? ""}`;

/** Reads the export (`.jsonl`/`.ndjson`: one ConcurInvoiceVendorInput per line; else CSV with a header row). */
export async function readInvoiceVendors(path: string, mapping: Map<string, string>, onRow?: (rows: number) => void): Promise<{ records: SourceRecord[]; rejected: Rejection[]; rows: number }> {
  await access(path).catch(() => {
    throw badInput(`--input: cannot read ${path}`);
  });
  const records: SourceRecord[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let rows = 0;
  const accept = (raw: Record<string, unknown>, line: number) => {
    rows++;
    if (rows % 1000 === 0) onRow?.(rows);
    const record = normaliseInvoiceVendor(raw);
    const key = displayKey(record);
    const problems = validateInvoiceVendor(record as never, "vendor").map((p) => p.message);
    if (problems.length > 0) return void rejected.push({ key, line, code: "VALIDATION", message: problems.join("; "), stage: "input" });
    const id = invoiceVendorKey(record);
    if (seen.has(id)) return void rejected.push({ key, line, code: "DUPLICATE_ID", message: `${key} appears again (first row kept)`, stage: "input" });
    seen.add(id);
    records.push({ key, record, line });
  };
  if (/\.(jsonl|ndjson)$/i.test(path)) {
    let line = 0;
    for await (const row of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
      line++;
      if (row.trim() === "") continue;
      try {
        accept(JSON.parse(row) as Record<string, unknown>, line);
      } catch (error) {
        rejected.push({ key: "", line, code: "VALIDATION", message: `not JSON: ${(error as Error).message}`, stage: "input" });
      }
    }
  } else {
    let fields: (string | undefined)[] | undefined;
    const parser = createReadStream(path).pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!fields) {
        fields = record.map((cell) => mapping.get(cell.trim().toLowerCase()) ?? FIELD_BY_HEADER.get(cell.trim().toLowerCase()));
        if (!fields.includes("vendorCode") || !fields.includes("addressCode")) throw badInput(`${path}: the header needs vendorCode and addressCode columns (header: ${record.join(",")}); map others with --columns <Header>=vendorCode`);
        continue;
      }
      const raw: Record<string, unknown> = {};
      fields.forEach((field, i) => {
        if (field) raw[field] = record[i];
      });
      accept(raw, info.lines);
    }
  }
  onRow?.(rows);
  return { records, rejected, rows };
}

/** Creates, updates (only the fields the export carries are compared) and the keys Concur holds that the export lacks. */
export function planInvoiceVendors(wanted: readonly SourceRecord[], held: readonly Record<string, unknown>[]) {
  const heldByKey = new Map(held.map((node) => [invoiceVendorKey(node as InputRecord), normaliseInvoiceVendor(node)]));
  const wantedKeys = new Set(wanted.map((source) => invoiceVendorKey(source.record)));
  const plan = {
    ...compareWithHeld(wanted, (source) => {
      const current = heldByKey.get(invoiceVendorKey(source.record));
      return current && onlyFieldsOf(current, source.record);
    }),
    absent: [] as InputRecord[],
  };
  for (const [key, record] of heldByKey) if (!wantedKeys.has(key)) plan.absent.push(record);
  return plan;
}

const NODE = `vendorCode addressCode ${VENDOR_FIELDS.filter((f) => f.name !== "vendorCode" && f.name !== "addressCode").map((f) => f.name).join(" ")} customFields { number value }`;
const RESULT = "vendorCode addressCode succeeded statuses { type code message field }";

interface WriteAnswer {
  vendorCode: string;
  addressCode: string;
  succeeded: boolean;
  statuses: Array<{ type: string; code: string; message: string; field: string | null }>;
}

/** The command's way to the gateway for invoice vendors (GraphQL over HTTP). */
export function createInvoiceVendorClient(options: { url: string; token: string; companyId: string; dispatcher?: Dispatcher }) {
  const gateway = createGatewayPoster({ ...options, connections: 16 });
  async function post<T>(query: string, variables: Record<string, unknown>, what: string): Promise<T> {
    const body = await gateway.post<T>(query, variables);
    if (body.data && !body.errors?.length) return body.data;
    const first = body.errors?.[0];
    const code = first?.extensions?.code as string | undefined;
    throw new CodedError(code === "UNAUTHENTICATED" || code === "FORBIDDEN" || code === "BAD_USER_INPUT" ? (code as ErrorCode) : ErrorCode.UPSTREAM_ERROR, `${what}: ${code ?? "GATEWAY_ERROR"}: ${first?.message ?? "no data"}`);
  }
  return {
    async readAll(onPage?: (count: number) => void): Promise<Record<string, unknown>[]> {
      const query = `query SyncInvoiceVendors($c: ID!, $after: String) { invoiceVendors(companyId: $c, first: 1000, after: $after) { edges { node { ${NODE} } } pageInfo { hasNextPage endCursor } } }`;
      const nodes: Record<string, unknown>[] = [];
      let after: string | null = null;
      for (;;) {
        type Page = { invoiceVendors: { edges: { node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
        const page: Page = await post<Page>(query, { c: options.companyId, after }, "reading invoice vendors");
        for (const edge of page.invoiceVendors.edges) nodes.push(edge.node);
        onPage?.(nodes.length);
        if (!page.invoiceVendors.pageInfo.hasNextPage || !page.invoiceVendors.pageInfo.endCursor) return nodes;
        after = page.invoiceVendors.pageInfo.endCursor;
      }
    },
    async write(kind: "create" | "update", records: InputRecord[]): Promise<WriteAnswer[]> {
      const field = kind === "create" ? "createInvoiceVendors" : "updateInvoiceVendors";
      const data = await post<{ w: WriteAnswer[] }>(`mutation SyncInvoiceVendors($c: ID!, $v: [ConcurInvoiceVendorInput!]!) { w: ${field}(companyId: $c, vendors: $v) { ${RESULT} } }`, { c: options.companyId, v: records }, field);
      return data.w;
    },
    async remove(records: Array<{ vendorCode: string; addressCode: string }>): Promise<WriteAnswer[]> {
      const data = await post<{ w: WriteAnswer[] }>(`mutation SyncInvoiceVendorDeletes($c: ID!, $r: [ConcurInvoiceVendorKeyInput!]!) { w: deleteInvoiceVendors(companyId: $c, records: $r) { ${RESULT} } }`, { c: options.companyId, r: records }, "deleteInvoiceVendors");
      return data.w;
    },
    close: gateway.close,
  };
}

export type InvoiceVendorClient = ReturnType<typeof createInvoiceVendorClient>;

export interface InvoiceVendorSyncOptions {
  input: string;
  companyId: string;
  columns: Map<string, string>;
  delete?: boolean;
  dryRun?: boolean;
  /** Records per mutation. Default 1000 (the gateway packs concurrent chunks into calls of up to 1000 records). */
  chunkRecords?: number;
  /** Mutations in flight at once. Default 4. */
  inFlight?: number;
}

/** One sync of the invoice vendor master. */
export async function runInvoiceVendorSync(options: InvoiceVendorSyncOptions, deps: { client: InvoiceVendorClient; progress: Progress; stop?: AbortSignal }): Promise<SyncReport> {
  const { client, progress } = deps;
  const startedAt = new Date().toISOString();
  progress.start("read input", 0);
  const input = await readInvoiceVendors(options.input, options.columns, (n) => progress.update("read input", n, n));
  progress.finish("read input", `${input.rows} row(s), ${input.records.length} valid, ${input.rejected.length} refused`);
  progress.start("read Concur", 0);
  const held = await client.readAll((n) => progress.update("read Concur", n, n));
  progress.finish("read Concur", `${held.length} record(s)`);
  progress.start("compare", input.records.length);
  const plan = planInvoiceVendors(input.records, held);
  progress.finish("compare", `${plan.creates.length} new, ${plan.updates.length} changed, ${plan.unchanged} unchanged, ${plan.absent.length} absent from the input`);

  const rejected: Rejection[] = [...input.rejected];
  const counts: SyncCounts = { input: input.records.length, held: held.length, created: 0, updated: 0, deleted: 0, unchanged: plan.unchanged, rejected: 0, sent: 0, notSent: 0, absentKept: 0 };
  const report: SyncReport = {
    type: "invoiceVendors",
    input: options.input,
    companyId: options.companyId,
    erpId: "",
    mode: options.delete ? "upsert+delete" : "upsert",
    dryRun: Boolean(options.dryRun),
    interrupted: false,
    startedAt,
    finishedAt: startedAt,
    counts,
    requests: [],
    sample: [...plan.sample, ...(options.delete ? plan.absent.slice(0, Math.max(0, 10 - plan.sample.length)).map((r) => ({ kind: "delete" as const, key: displayKey(r) })) : [])],
    rejected,
  };
  if (options.dryRun) {
    Object.assign(counts, { created: plan.creates.length, updated: plan.updates.length, deleted: options.delete ? plan.absent.length : 0, absentKept: options.delete ? 0 : plan.absent.length, rejected: rejected.length });
    report.finishedAt = new Date().toISOString();
    return report;
  }

  const size = options.chunkRecords ?? 1000;
  const jobs: Array<{ kind: "create" | "update" | "delete"; items: SourceRecord[] }> = [
    ...chunk(plan.creates, size, 4 * 1024 * 1024, (r) => JSON.stringify(r.record).length).map((items) => ({ kind: "create" as const, items })),
    ...chunk(plan.updates, size, 4 * 1024 * 1024, (r) => JSON.stringify(r.record).length).map((items) => ({ kind: "update" as const, items })),
    ...(options.delete ? chunk(plan.absent.map((record) => ({ key: displayKey(record), record, line: 0 })), size, 4 * 1024 * 1024, () => 80).map((items) => ({ kind: "delete" as const, items })) : []),
  ];
  const total = jobs.reduce((n, j) => n + j.items.length, 0);
  let done = 0;
  progress.start("send", total);
  const settle = (kind: "create" | "update" | "delete", items: SourceRecord[], answers: WriteAnswer[] | Error) => {
    items.forEach((item, i) => {
      const answer = answers instanceof Error ? undefined : answers[i];
      if (answer?.succeeded) {
        counts[kind === "create" ? "created" : kind === "update" ? "updated" : "deleted"]++;
        return;
      }
      const status = answer?.statuses.find((s) => /error|fail|invalid|unknown/i.test(s.type)) ?? answer?.statuses[0];
      rejected.push({
        key: item.key,
        line: item.line || undefined,
        code: answers instanceof Error ? ((answers as CodedError).code ?? "GATEWAY_ERROR") : status?.code || status?.type || "REJECTED",
        message: answers instanceof Error ? answers.message : `${status?.field ? `${status.field}: ` : ""}${status?.message ?? "refused"}`,
        stage: answers instanceof Error || status?.type === "INVALID" ? "gateway" : "concur",
      });
    });
  };
  // Several mutations in flight: the gateway's batching window packs them into calls of up to 1000 records.
  const inFlight = new Set<Promise<void>>();
  for (const job of jobs) {
    if (deps.stop?.aborted) break;
    while (inFlight.size >= (options.inFlight ?? 4)) await Promise.race(inFlight);
    if (deps.stop?.aborted) break;
    const call =
      job.kind === "delete"
        ? client.remove(job.items.map((i) => ({ vendorCode: String(i.record.vendorCode), addressCode: String(i.record.addressCode) })))
        : client.write(job.kind, job.items.map((i) => i.record));
    const tracked: Promise<void> = call
      .then((answers) => settle(job.kind, job.items, answers), (error: Error) => settle(job.kind, job.items, error))
      .finally(() => {
        inFlight.delete(tracked);
        done += job.items.length;
        counts.sent += job.items.length;
        progress.update("send", done);
      });
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  counts.notSent = total - done;
  report.interrupted = Boolean(deps.stop?.aborted) && done < total;
  progress.finish("send", `${done} record(s) in ${jobs.length} mutation(s)`);
  counts.absentKept = options.delete ? 0 : plan.absent.length;
  counts.rejected = rejected.length;
  report.finishedAt = new Date().toISOString();
  return report;
}
