// Comparing the export with what Concur holds: pure, no I/O.
import { canonical, fieldDiff, keyOf, normalise } from "./records.js";
import type { Change, InputRecord, SourceRecord, SyncType } from "./types.js";

/** What a sync will send. */
export interface SyncPlan {
  creates: SourceRecord[];
  updates: SourceRecord[];
  /** Keys Concur holds that the export lacks (sent only with `--delete`). */
  absent: string[];
  unchanged: number;
  /** The first differences, for `--dry-run` and the report. */
  sample: Change[];
}

/**
 * Record-by-record comparison of normalised records: new keys are creates, keys whose canonical text differs are
 * updates, keys Concur holds that the export lacks are `absent`.
 */
export function planSync(type: SyncType, wanted: readonly SourceRecord[], held: readonly Record<string, unknown>[], sampleSize = 10, onProgress?: (done: number) => void): SyncPlan {
  const heldByKey = new Map<string, InputRecord>();
  for (const node of held) {
    const record = normalise(type, node);
    heldByKey.set(keyOf(type, record), record);
  }
  const plan: SyncPlan = { creates: [], updates: [], absent: [], unchanged: 0, sample: [] };
  const wantedKeys = new Set<string>();
  wanted.forEach((source, i) => {
    wantedKeys.add(source.key);
    const current = heldByKey.get(source.key);
    if (!current) {
      plan.creates.push(source);
      if (plan.sample.length < sampleSize) plan.sample.push({ kind: "create", key: source.key, line: source.line });
    } else if (canonical(current) !== canonical(source.record)) {
      plan.updates.push(source);
      if (plan.sample.length < sampleSize) plan.sample.push({ kind: "update", key: source.key, line: source.line, fields: fieldDiff(current, source.record) });
    } else plan.unchanged++;
    if ((i + 1) % 5000 === 0) onProgress?.(i + 1);
  });
  for (const key of heldByKey.keys()) {
    if (!wantedKeys.has(key)) {
      plan.absent.push(key);
    }
  }
  onProgress?.(wanted.length);
  return plan;
}

/**
 * Cuts records into mutation-sized chunks: at most `maxRecords` each and at most `maxBytes` of JSON, so a
 * mutation stays well under the gateway's 8 MiB request body limit.
 */
export function chunk<T>(items: readonly T[], maxRecords: number, maxBytes: number, bytesOf: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item) + 1;
    if (current.length > 0 && (current.length >= maxRecords || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
