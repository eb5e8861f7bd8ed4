// Reading the ERP's export: CSV with a header row (columns mapped onto fields) or JSON Lines, into normalised
// records with their line numbers; invalid and duplicate rows become rejections, the rest goes on.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import { badInput } from "../../errors.js";
import { ADDRESS_FIELDS, DEFAULT_COLUMNS, keyOf, normalise, validateRecord } from "./records.js";
import type { InputRecord, Rejection, SourceRecord, SyncType } from "./types.js";

/** What reading an input file produced. */
export interface ReadInput {
  records: SourceRecord[];
  rejected: Rejection[];
  /** Header cells no field is mapped to (ignored). */
  ignoredColumns: string[];
  /** Data rows / lines read. */
  rows: number;
}

/**
 * Parses `--columns`: `Header=field,Other=field` or the path of a file holding a JSON object `{ "Header": "field" }`
 * or one `Header=field` per line. Fields are the default column names of the type (`address.city` for vendors).
 */
export async function parseColumnMapping(spec: string | undefined, type: SyncType): Promise<Map<string, string>> {
  const mapping = new Map<string, string>();
  if (!spec) return mapping;
  let pairs: [string, string][];
  if (spec.includes("=") && !/[\\/]/.test(spec.split("=")[0]!)) {
    pairs = splitPairs(spec.split(","));
  } else {
    const text = await readFile(spec, "utf8").catch(() => {
      throw badInput(`--columns: ${spec} is neither a Header=field list nor a readable file`);
    });
    pairs = text.trim().startsWith("{") ? Object.entries(JSON.parse(text) as Record<string, string>) : splitPairs(text.split(/\r?\n/));
  }
  const known = DEFAULT_COLUMNS[type];
  for (const [header, field] of pairs) {
    const target = known.find((k) => k.toLowerCase() === field.toLowerCase());
    if (!target) throw badInput(`--columns: ${JSON.stringify(field)} is not a ${type} field; expected one of ${known.join(", ")}`);
    mapping.set(header.toLowerCase(), target);
  }
  return mapping;
}

function splitPairs(lines: string[]): [string, string][] {
  return lines
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const at = l.indexOf("=");
      if (at <= 0) throw badInput(`--columns: ${JSON.stringify(l)} is not Header=field`);
      return [l.slice(0, at).trim(), l.slice(at + 1).trim()];
    });
}

/** Which field each header cell feeds (undefined: ignored). */
function fieldsOfHeader(header: string[], type: SyncType, mapping: Map<string, string>): (string | undefined)[] {
  const known = DEFAULT_COLUMNS[type];
  return header.map((cell) => {
    const name = cell.trim().toLowerCase();
    const mapped = mapping.get(name);
    if (mapped) return mapped;
    const direct = known.find((k) => k.toLowerCase() === name);
    if (direct) return direct;
    // Vendors: a bare address column (`city`) is the address field.
    if (type === "vendors") return ADDRESS_FIELDS.find((f) => f.toLowerCase() === name) ? `address.${ADDRESS_FIELDS.find((f) => f.toLowerCase() === name)}` : undefined;
    return undefined;
  });
}

function rowToRaw(fields: (string | undefined)[], cells: string[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  fields.forEach((field, i) => {
    if (!field) return;
    const value = cells[i];
    if (field.startsWith("address.")) ((raw.address ??= {}) as Record<string, unknown>)[field.slice(8)] = value;
    else raw[field] = value;
  });
  return raw;
}

/** Groups tax data rows (one per reclaim detail) into one record per country, in first-seen order. */
class TaxGrouper {
  readonly countries = new Map<string, { raw: Record<string, unknown>; line: number }>();
  add(row: Record<string, unknown>, line: number): void {
    const code = String(row.countryCode ?? "").trim().toUpperCase();
    let country = this.countries.get(code);
    if (!country) {
      country = { raw: { countryCode: row.countryCode, countryName: row.countryName, stateEntries: [] }, line };
      this.countries.set(code, country);
    }
    const states = country.raw.stateEntries as Record<string, unknown>[];
    const stateCode = String(row.stateCode ?? "").trim();
    let state = states.find((s) => String(s.stateCode ?? "").trim() === stateCode);
    if (!state) states.push((state = { stateCode: row.stateCode, stateDesc: row.stateDesc, reclaimEntries: [] }));
    const reclaims = state.reclaimEntries as Record<string, unknown>[];
    const reclaimCode = String(row.reclaimCode ?? "").trim();
    let reclaim = reclaims.find((r) => String(r.reclaimCode ?? "").trim() === reclaimCode);
    if (!reclaim) reclaims.push((reclaim = { reclaimCode: row.reclaimCode, reclaimDesc: row.reclaimDesc, reclaimDetails: [] }));
    if (row.taxCode !== undefined && String(row.taxCode).trim() !== "") {
      (reclaim.reclaimDetails as unknown[]).push({ taxCode: row.taxCode, taxRateDesc: row.taxRateDesc, percentage: row.percentage, validFrom: row.validFrom, validTo: row.validTo });
    }
  }
}

/**
 * Reads every record of the input file. `.jsonl` / `.ndjson` files are JSON Lines (one GraphQL input object per
 * line); anything else is CSV with a header row. `onRow` is called with the count of rows read so far.
 */
export async function readInput(path: string, type: SyncType, mapping: Map<string, string>, onRow?: (rows: number) => void): Promise<ReadInput> {
  const accepted: SourceRecord[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let ignoredColumns: string[] = [];
  let rows = 0;
  const tax = type === "taxData" ? new TaxGrouper() : undefined;

  const take = (raw: Record<string, unknown>, line: number) => {
    rows++;
    if (rows % 1000 === 0) onRow?.(rows);
    if (tax) return tax.add(raw, line);
    accept(raw, line);
  };
  const accept = (raw: Record<string, unknown>, line: number) => {
    const record: InputRecord = normalise(type, raw);
    const key = keyOf(type, record);
    const problems = validateRecord(type, record);
    if (problems.length > 0) return void rejected.push({ key, line, code: "VALIDATION", message: problems.join("; "), stage: "input" });
    if (seen.has(key)) return void rejected.push({ key, line, code: "DUPLICATE_ID", message: `${key} appears again (first row kept)`, stage: "input" });
    seen.add(key);
    accepted.push({ key, record, line });
  };

  await ensureReadable(path);
  if (/\.(jsonl|ndjson)$/i.test(path)) {
    const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line++;
      if (text.trim() === "") continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        rejected.push({ key: "", line, code: "VALIDATION", message: `not JSON: ${(error as Error).message}`, stage: "input" });
        continue;
      }
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
        rejected.push({ key: "", line, code: "VALIDATION", message: "not a JSON object", stage: "input" });
        continue;
      }
      // One JSON line is a whole record, tax data included.
      rows++;
      if (rows % 1000 === 0) onRow?.(rows);
      accept(raw as Record<string, unknown>, line);
    }
  } else {
    const parser = createReadStream(path).pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: false }));
    let fields: (string | undefined)[] | undefined;
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!fields) {
        fields = fieldsOfHeader(record, type, mapping);
        ignoredColumns = record.filter((_, i) => fields![i] === undefined);
        const keyField = type === "taxData" ? "countryCode" : "id";
        if (!fields.includes(keyField)) throw badInput(`${path}: the header has no ${keyField} column (header: ${record.join(",")}); map one with --columns <Header>=${keyField}`);
        continue;
      }
      take(rowToRaw(fields, record), info.lines);
    }
  }
  if (tax) for (const { raw, line } of tax.countries.values()) accept(raw, line);
  onRow?.(rows);
  return { records: accepted, rejected, ignoredColumns, rows };
}

async function ensureReadable(path: string): Promise<void> {
  const { access } = await import("node:fs/promises");
  await access(path).catch(() => {
    throw badInput(`--input: cannot read ${path}`);
  });
}
