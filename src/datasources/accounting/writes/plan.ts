import { CodedError, ErrorCode } from "../../../errors.js";
import { MAX_PATCH_BYTES, MAX_RECORD_BYTES } from "./limits.js";
import type { WireRecord } from "./types.js";

/** One pending operation on one record (or a whole replace) for a single (company, ERP, object type). */
export type PlanOp =
  /** `bytes` = `Buffer.byteLength(JSON.stringify(record))`; computed when omitted. */
  | { kind: "upsert"; record: WireRecord; bytes?: number }
  | { kind: "delete"; id: string }
  /** `bytes[i]` = serialized size of `records[i]`; computed when omitted. */
  | { kind: "replaceAll"; records: WireRecord[]; bytes?: number[] };

/** Body of a bulk write (spec 1.2: `{deleteAll, data}`). */
export interface PatchBody {
  deleteAll: boolean;
  data: WireRecord[];
}

/** Which op (and, for `replaceAll`, which of its records) a body element came from. */
export interface PlanItem {
  op: number;
  /** Index in `replaceAll.records`; absent for upsert/delete ops. */
  record?: number;
  /** Record id, for per-caller `sentIds`. */
  id: string;
}

export interface PlannedPatch {
  body: PatchBody;
  /** Exactly `Buffer.byteLength(JSON.stringify(body))`. */
  bytes: number;
  /** One entry per element of `body.data`, same order. */
  items: PlanItem[];
  /** Index of the `replaceAll` op this body starts (then `body.deleteAll` is true). */
  replaceOp?: number;
}

export interface RejectedItem {
  op: number;
  record?: number;
  id: string;
  error: CodedError;
}

export interface Plan {
  patches: PlannedPatch[];
  rejected: RejectedItem[];
}

export interface PlanLimits {
  /** Default MAX_PATCH_BYTES (4 MiB). */
  maxPatchBytes?: number;
  /** Default MAX_RECORD_BYTES (200 KiB). */
  maxRecordBytes?: number;
  /** Label used in error messages, e.g. `accounts`. Default `records`. */
  type?: string;
}

/** Record key: `id` for accounts/vendors/lists, `countryCode` for tax data. */
export function recordId(record: WireRecord): string {
  const { id: key, countryCode } = record as { id?: unknown; countryCode?: unknown };
  const id = key ?? countryCode;
  return id === undefined || id === null ? "" : String(id);
}

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

const kb = (bytes: number) => `${Number.isInteger(bytes / 1024) ? bytes / 1024 : (bytes / 1024).toFixed(1)} KB`;

/** `{"deleteAll":false,"data":[]}` and its `true` twin; every element adds its bytes plus one comma after the first. */
const emptyBodyBytes = (deleteAll: boolean) => jsonBytes({ deleteAll, data: [] });

/**
 * Packs ordered write operations of ONE (company, ERP, object type, caller) into the fewest bulk bodies
 * the limits allow, keeping their order.
 *
 * Upstream applies a body as: `deleteAll`, then upserts in array order, then `isDeleted` records (spec Q19).
 * So a delete of X followed by an upsert of X cannot share a body (a new body starts); an upsert followed by
 * a delete of X can; duplicates of an upsert id can (last wins, Q20). A `replaceAll` starts a new body with
 * `deleteAll: true`; its overflow continues in later bodies with `deleteAll: false`.
 *
 * Greedy packing is optimal here: bodies are contiguous runs of the ordered ops, and any sub-run of a valid
 * body is itself valid (smaller, no new conflicts), so cutting a body only when the next element does not fit
 * never yields more bodies than any other order-keeping split.
 *
 * A record over `maxRecordBytes` is not sent: it is returned in `rejected` with a PAYLOAD_TOO_LARGE error
 * naming its id and the limit; everything else is still planned.
 */
export function planPatchBatches(ops: readonly PlanOp[], limits: PlanLimits = {}): Plan {
  const maxPatch = limits.maxPatchBytes ?? MAX_PATCH_BYTES;
  const maxRecord = limits.maxRecordBytes ?? MAX_RECORD_BYTES;
  const label = limits.type ?? "records";
  const patches: PlannedPatch[] = [];
  const rejected: RejectedItem[] = [];

  let current: PlannedPatch | undefined;
  let deletedInCurrent = new Set<string>();

  const open = (deleteAll: boolean): PlannedPatch => {
    current = { body: { deleteAll, data: [] }, bytes: emptyBodyBytes(deleteAll), items: [] };
    deletedInCurrent = new Set();
    patches.push(current);
    return current;
  };

  const add = (record: WireRecord, bytes: number, item: PlanItem, isDelete: boolean) => {
    if (bytes > maxRecord) {
      rejected.push({
        op: item.op,
        record: item.record,
        id: item.id,
        error: new CodedError(
          ErrorCode.PAYLOAD_TOO_LARGE,
          `${label}[id=${item.id}] is ${kb(bytes)}; Concur accepts at most ${kb(maxRecord)} per record`,
          { recordId: item.id, bytes, limitBytes: maxRecord },
        ),
      });
      return;
    }
    let target = current;
    // Upstream deletes last: an upsert of an id deleted earlier in this body would be undone, so cut here.
    const conflict = !isDelete && target !== undefined && deletedInCurrent.has(item.id);
    const fits = target !== undefined && target.bytes + (target.items.length > 0 ? 1 : 0) + bytes <= maxPatch;
    if (!target || conflict || !fits) target = open(false);
    target.bytes += (target.items.length > 0 ? 1 : 0) + bytes;
    target.body.data.push(record);
    target.items.push(item);
    if (isDelete) deletedInCurrent.add(item.id);
  };

  ops.forEach((op, index) => {
    switch (op.kind) {
      case "upsert": {
        const id = recordId(op.record);
        add(op.record, op.bytes ?? jsonBytes(op.record), { op: index, id }, false);
        break;
      }
      case "delete": {
        const record = { id: op.id, isDeleted: true };
        add(record, jsonBytes(record), { op: index, id: op.id }, true);
        break;
      }
      case "replaceAll": {
        open(true).replaceOp = index;
        op.records.forEach((record, r) => {
          add(record, op.bytes?.[r] ?? jsonBytes(record), { op: index, record: r, id: recordId(record) }, false);
        });
        break;
      }
    }
  });

  return { patches, rejected };
}
