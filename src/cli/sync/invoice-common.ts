// What the three Invoice sync types (invoice vendors, purchase orders, goods receipts) share: the way to the gateway
// (GraphQL over HTTP with the command's token), reading a JSON Lines export, and the comparison of the export with
// what Concur holds (only the fields the export carries count, so absent columns are left alone).
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Agent, request, type Dispatcher } from "undici";
import { badInput, CodedError, ErrorCode } from "../../errors.js";
import { canonical, fieldDiff } from "./records.js";
import type { Change, InputRecord, Rejection, SourceRecord } from "./types.js";

export interface GatewayAnswer<T = any> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** POSTs one operation to the gateway; an unreachable gateway is UPSTREAM_UNAVAILABLE, an unreadable body an empty answer. */
export function createGatewayPoster(options: { url: string; token: string; connections?: number; dispatcher?: Dispatcher }) {
  const own = options.dispatcher ? undefined : new Agent({ connections: options.connections ?? 8, keepAliveTimeout: 10_000, bodyTimeout: 600_000, headersTimeout: 600_000 });
  const dispatcher = options.dispatcher ?? own!;
  return {
    async post<T = any>(query: string, variables: Record<string, unknown>): Promise<GatewayAnswer<T>> {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(options.url, { method: "POST", dispatcher, headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` }, body: JSON.stringify({ query, variables }) });
      } catch (error) {
        throw new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, `cannot reach the gateway at ${options.url}: ${(error as Error).message}`);
      }
      return (await res.body.json().catch(() => ({}))) as GatewayAnswer<T>;
    },
    async close() {
      await own?.close();
    },
  };
}

/** A refused write as the report shows it: Concur's code where there is one, and the field it names. */
export function writeRefusal(answer: GatewayAnswer, codeKeys: readonly string[] = ["upstreamErrorCode", "code"]): { code: string; message: string } | undefined {
  const error = answer.errors?.[0];
  if (!error) return undefined;
  const code = codeKeys.map((k) => error.extensions?.[k]).find((v) => v !== undefined && v !== null);
  return { code: String(code ?? "GATEWAY_ERROR"), message: `${error.extensions?.field ? `${String(error.extensions.field)}: ` : ""}${error.message}` };
}

/** `.jsonl`/`.ndjson` only; a missing file is refused before anything else runs. */
export async function checkJsonLinesInput(path: string, what: string): Promise<void> {
  if (!/\.(jsonl|ndjson)$/i.test(path)) throw badInput(what);
  await access(path).catch(() => {
    throw badInput(`--input: cannot read ${path}`);
  });
}

/**
 * Reads a JSON Lines export: each non-empty line parsed and normalised, then `check`ed (its problems refuse the line),
 * and the first line of each key kept (later ones are DUPLICATE_ID).
 */
export async function readJsonLines(
  path: string,
  record: {
    normalise: (value: unknown) => InputRecord;
    problems: (record: InputRecord) => string[];
    /** How the report names the record. */
    displayKey: (record: InputRecord) => string;
    /** The key duplicates are found by (letter case folded). */
    uniqueKey: (record: InputRecord) => string;
    duplicateMessage: (displayKey: string) => string;
  },
): Promise<{ records: SourceRecord[]; rejected: Rejection[]; lines: number }> {
  const records: SourceRecord[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    let parsed: InputRecord;
    try {
      parsed = record.normalise(JSON.parse(text));
    } catch (error) {
      rejected.push({ key: "", line, code: "VALIDATION", message: `not JSON: ${(error as Error).message}`, stage: "input" });
      continue;
    }
    const key = record.displayKey(parsed);
    const problems = record.problems(parsed);
    if (problems.length > 0) rejected.push({ key, line, code: "VALIDATION", message: problems.join("; "), stage: "input" });
    else if (seen.has(record.uniqueKey(parsed))) rejected.push({ key, line, code: "DUPLICATE_ID", message: record.duplicateMessage(key), stage: "input" });
    else {
      seen.add(record.uniqueKey(parsed));
      records.push({ key, record: parsed, line });
    }
  }
  return { records, rejected, lines: line };
}

/**
 * Each export record against what Concur holds, seen through the record's own fields (`seenAs` answers undefined when
 * Concur holds nothing under the record's key): new, changed or unchanged, with the first ten changes as a sample.
 */
export function compareWithHeld(records: readonly SourceRecord[], seenAs: (source: SourceRecord) => InputRecord | undefined) {
  const plan = { creates: [] as SourceRecord[], updates: [] as SourceRecord[], unchanged: 0, sample: [] as Change[] };
  for (const source of records) {
    const current = seenAs(source);
    if (current === undefined) {
      plan.creates.push(source);
      if (plan.sample.length < 10) plan.sample.push({ kind: "create", key: source.key, line: source.line });
    } else if (canonical(current) === canonical(source.record)) plan.unchanged++;
    else {
      plan.updates.push(source);
      if (plan.sample.length < 10) plan.sample.push({ kind: "update", key: source.key, line: source.line, fields: fieldDiff(current, source.record) });
    }
  }
  return plan;
}

/** `held` limited to the keys `wanted` carries (flat records). */
export const onlyFieldsOf = (held: InputRecord, wanted: InputRecord): InputRecord => Object.fromEntries(Object.keys(wanted).map((k) => [k, held[k]]));
