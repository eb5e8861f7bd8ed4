// The list sync: the ERP's full tree of one list -> validate (no hyphens, parents present, depth) before any call ->
// resolve the Concur list (by id or through the ERP's list mappings) -> walk the Concur tree (active items only) and
// look up the deleted items holding codes the ERP wants back -> diff by long code -> apply with the fewest bulk calls
// (creates of all levels in order, parents first, 250 per call; reactivations, updates and deletes of subtree roots,
// deepest first, 250 per call), one sync per list at a time -> progress events -> summary.
import { randomUUID } from "node:crypto";
import { Repeater } from "@graphql-yoga/subscription";
import type Keyv from "keyv";
import {
  checkSegment,
  listProblemsToError,
  MAX_BULK_PARTS,
  type BulkCreatePart,
  type BulkPatchPart,
  type Caller,
  type ConcurReader,
  type ListItemWriter,
  type ListProblem,
  type ListReader,
  type WireConcurListItem,
} from "../datasources/index.js";
import { badInput, CodedError, ErrorCode } from "../errors.js";
import { pushOrStop, type GatewayPubSub, type ListSyncProgressPayload } from "../subscriptions/pubsub.js";
import type { Logger } from "../logger.js";

/** One item of the ERP's tree. */
export interface ErpTreeItem {
  path: string[];
  value: string;
}

export interface ListSyncInput {
  companyId: string;
  target: { concurListId?: string | null; erpId?: string | null; erpListId?: string | null };
  items: ErpTreeItem[];
  dryRun?: boolean | null;
  /** Caller-chosen id (UUID) so a progress subscription can be opened before the sync starts. */
  syncId?: string | null;
}

/** REACTIVATE: the code belongs to an item deleted in Concur; it is brought back with B2 `deleted: false` (spec Q3). */
export type SyncOperation = "CREATE" | "REACTIVATE" | "UPDATE" | "DELETE";

export interface SyncChange {
  operation: SyncOperation;
  code: string;
  level: number;
  value: string | null;
  previousValue: string | null;
  items: number;
}

export interface SyncPlan {
  creates: number;
  createsByLevel: number[];
  reactivations: number;
  updates: number;
  deletes: number;
  deletedItems: number;
  unchanged: number;
  bulkCalls: number;
  perLevelBulkCalls: number;
  changes: SyncChange[];
}

export interface SyncError {
  operation: SyncOperation;
  code: string;
  errorId: string;
  message: string;
  /** Concur holds the code in a state the sync does not override (a deleted item it refused to reactivate). */
  conflict: boolean;
}

export interface ListSyncResult {
  syncId: string;
  companyId: string;
  listId: string;
  dryRun: boolean;
  plan: SyncPlan;
  created: number;
  reactivated: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  conflicts: number;
  errors: SyncError[];
  bulkCalls: number;
  pagesRead: number;
}

export interface ListSyncDeps {
  reader: ConcurReader;
  listReader: ListReader;
  listWriter: ListItemWriter;
  pubsub: GatewayPubSub;
  /** Shared store (Redis with replicas) keeping each sync's latest progress for a late subscriber. */
  store?: Keyv;
  logger?: Logger;
}

/** Which progress events a subscriber wants: one company's, optionally one list's or one sync's. */
export interface SyncProgressFilter {
  listId?: string | null;
  syncId?: string | null;
}

export interface ListSync {
  sync(caller: Caller, input: ListSyncInput): Promise<ListSyncResult>;
  /**
   * Progress events of a company's syncs. Named by its syncId, a sync's latest progress (kept
   * {@link PROGRESS_KEPT_MS}) comes first: a subscriber whose subscription reached the gateway after the sync moved on,
   * or ended, still learns where it is. The caller's access to the company is checked by the resolver.
   */
  progress(companyId: string, filter: SyncProgressFilter): AsyncIterable<ListSyncProgressPayload>;
  /** The Concur list a target names (resolving ERP list ids through the mappings). */
  resolveListId(caller: Caller, companyId: string, target: ListSyncInput["target"]): Promise<string>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How long a sync's latest progress is kept for subscribers that arrive late. The subscription and the mutation
 * travel separately (graphql-ws and HTTP), and the subscription's tenant check calls Concur, so a subscription sent
 * first can still start after a short sync has ended.
 */
export const PROGRESS_KEPT_MS = 60 * 60 * 1000;

const progressKey = (companyId: string, syncId: string) => `list-sync-progress:${companyId.toLowerCase()}:${syncId.toLowerCase()}`;
const sameSync = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Built once (createServices): holds the one-sync-per-list locks of this process. */
export function createListSync(deps: ListSyncDeps): ListSync {
  const running = new Map<string, Promise<unknown>>();

  async function resolveListId(caller: Caller, companyId: string, target: ListSyncInput["target"]): Promise<string> {
    if (target.concurListId) {
      if (target.erpListId) throw badInput("target: give concurListId, or erpId with erpListId, not both", { field: "target" });
      return target.concurListId;
    }
    if (!target.erpId || !target.erpListId) throw badInput("target: give concurListId, or erpId with erpListId", { field: "target" });
    const mappings = await deps.reader.getMappings(caller, companyId, target.erpId);
    for (const file of mappings.files ?? []) {
      const found = (file.listMappings ?? []).find((m) => m.erpListId === target.erpListId);
      if (found?.concurListId) return found.concurListId;
    }
    throw new CodedError(ErrorCode.NOT_FOUND, `target.erpListId: ERP ${target.erpId} maps no Concur list to ERP list ${target.erpListId}; map it in Concur or pass concurListId`, { field: "target.erpListId" });
  }

  async function sync(caller: Caller, input: ListSyncInput): Promise<ListSyncResult> {
    const { companyId } = input;
    const syncId = input.syncId ?? randomUUID();
    if (!UUID_RE.test(syncId)) throw badInput(`syncId: ${JSON.stringify(syncId.slice(0, 60))} is not a UUID`, { field: "syncId" });
    const wanted = validateTree(input.items);
    const listId = await resolveListId(caller, companyId, input.target);
    const list = await deps.listReader.getList(caller, companyId, listId);
    const tooDeep = [...wanted.values()].filter((w) => w.level > list.levelCount);
    if (tooDeep.length > 0) {
      throw listProblemsToError(tooDeep.map((w) => ({ field: `items[${w.index}].path`, message: `items[${w.index}].path: level ${w.level} is deeper than list ${listId}'s ${list.levelCount} level(s) (${w.code})` })))!;
    }
    const key = `${companyId}/${listId}`;
    const previous = running.get(key) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => run(caller, input, syncId, listId, wanted));
    running.set(key, mine);
    try {
      return await mine;
    } finally {
      if (running.get(key) === mine) running.delete(key);
    }
  }

  async function run(caller: Caller, input: ListSyncInput, syncId: string, listId: string, wanted: Map<string, Wanted>): Promise<ListSyncResult> {
    const { companyId } = input;
    const dryRun = input.dryRun === true;
    const progress = (phase: ListSyncProgressPayload["phase"], done: number, total: number) => {
      const payload: ListSyncProgressPayload = { companyId, listId, syncId, phase, done, total };
      // Kept before it is published, so a subscriber that misses the event reads it (or a later one).
      deps.store?.set(progressKey(companyId, syncId), payload, PROGRESS_KEPT_MS).catch((err: unknown) => deps.logger?.warn({ err }, "list sync progress not kept"));
      deps.pubsub.publish("LIST_SYNC_PROGRESS", payload);
    };

    let read = 0;
    let pagesRead = 0;
    const current = await deps.listReader.walkTree(caller, companyId, listId, (items) => {
      read += items.length;
      pagesRead += 1;
      progress("READ", read, read);
    });
    // Deleted items are absent from the tree; those holding a code the ERP wants back are looked up, so the plan (and
    // a dry run) says REACTIVATE for them instead of a create Concur would refuse.
    const deleted = await findDeletedWanted(caller, companyId, listId, wanted, current, () => (pagesRead += 1));
    const plan = planSync(wanted, current, deleted);
    const target = { caller, companyId, listId };
    const result: ListSyncResult = {
      syncId, companyId, listId, dryRun, plan: { ...plan.summary, changes: dryRun ? plan.changes : [] },
      created: 0, reactivated: 0, updated: 0, deleted: 0, unchanged: plan.summary.unchanged, failed: 0, conflicts: 0, errors: [], bulkCalls: 0, pagesRead,
    };
    if (dryRun) {
      progress("DONE", 0, 0);
      return result;
    }
    const fail = (operation: SyncOperation, code: string, errorId: string, message: string, conflict = false) => {
      result.failed += 1;
      if (conflict) result.conflicts += 1;
      result.errors.push({ operation, code, errorId, message, conflict });
    };
    const refusedReactivation = (code: string, error: { id: string; message: string } | undefined) =>
      fail("REACTIVATE", code, error?.id ?? "unknown", `conflict: ${code} belongs to an item deleted in Concur, and Concur refused to reactivate it (${error?.id ?? "unknown"}${error?.message ? `: ${error.message}` : ""}); restore it in Concur, or remove or rename it in the ERP`, true);
    // Codes that could not be created or reactivated: their descendants are not sent.
    const failedCodes = new Set<string>();

    // Creates: every level in one ordered stream (parts run in order, so parents precede their children even inside
    // one call); children of a create that failed in an earlier call are not sent.
    const sendCreates = async () => {
      const reserved: Array<{ code: string; value: string }> = [];
      let done = 0;
      progress("CREATE", 0, plan.creates.length);
      for (const chunk of chunks(plan.creates, MAX_BULK_PARTS)) {
        const parts: BulkCreatePart[] = [];
        for (const c of chunk) {
          if (c.parentCode && failedCodes.has(c.parentCode)) {
            failedCodes.add(c.code);
            fail("CREATE", c.code, "item.parent.not.created", `not sent: its parent ${c.parentCode} could not be created or reactivated`);
            continue;
          }
          parts.push(c.parentCode ? { shortCode: c.shortCode, value: c.value, parentCode: c.parentCode } : { shortCode: c.shortCode, value: c.value });
        }
        if (parts.length > 0) {
          result.bulkCalls += 1;
          const outcome = await deps.listWriter.send(target, "create", parts);
          for (const part of outcome.parts) {
            if (part.ok) result.created += 1;
            else if (part.error?.id === "item.duplicate.code.deleted") reserved.push({ code: part.code, value: wanted.get(part.code)!.value });
            else {
              failedCodes.add(part.code);
              fail("CREATE", part.code, part.error?.id ?? "unknown", part.error?.message ?? "");
            }
          }
        }
        done += chunk.length;
        progress("CREATE", done, plan.creates.length);
      }
      // A code deleted in Concur that the lookup did not find (deleted meanwhile, or Concur does not answer deleted
      // items): reactivate it now (spec Q3); if Concur refuses, it is a conflict.
      for (const chunk of chunks(reserved, MAX_BULK_PARTS)) {
        result.bulkCalls += 1;
        const outcome = await deps.listWriter.send(target, "patch", chunk.map((r) => ({ code: r.code, value: r.value, deleted: false })));
        for (const part of outcome.parts) {
          if (part.ok) result.reactivated += 1;
          else {
            failedCodes.add(part.code);
            refusedReactivation(part.code, part.error);
          }
        }
      }
    };

    // Reactivations (parents first), updates and deletes (subtree roots, deepest first) share B2 calls.
    const sendPatches = async () => {
      let reactivationsDone = 0;
      let updatesDone = 0;
      let deletesDone = 0;
      if (plan.reactivations.length > 0) progress("REACTIVATE", 0, plan.reactivations.length);
      if (plan.updates.length > 0) progress("UPDATE", 0, plan.updates.length);
      if (plan.deletes.length > 0) progress("DELETE", 0, plan.deletes.length);
      for (const planned of chunks(plan.patches, MAX_BULK_PARTS)) {
        const chunk: PlannedPatch[] = [];
        for (const p of planned) {
          const parentCode = p.op === "REACTIVATE" ? parentOf(p.code) : undefined;
          if (parentCode && failedCodes.has(parentCode)) {
            failedCodes.add(p.code);
            reactivationsDone += 1;
            fail("REACTIVATE", p.code, "item.parent.not.reactivated", `conflict: not sent: ${p.code} is deleted in Concur and its parent ${parentCode} could not be reactivated`, true);
            continue;
          }
          chunk.push(p);
        }
        if (chunk.length === 0) continue;
        result.bulkCalls += 1;
        const outcome = await deps.listWriter.send(target, "patch", chunk.map(patchPart));
        outcome.parts.forEach((part, i) => {
          const change = chunk[i];
          if (change.op === "REACTIVATE") {
            reactivationsDone += 1;
            if (part.ok) result.reactivated += 1;
            else {
              failedCodes.add(change.code);
              refusedReactivation(change.code, part.error);
            }
            return;
          }
          if (part.ok) {
            if (change.op === "UPDATE") result.updated += 1;
            else result.deleted += change.items;
          } else fail(change.op, part.code, part.error?.id ?? "unknown", part.error?.message ?? "");
          if (change.op === "UPDATE") updatesDone += 1;
          else deletesDone += 1;
        });
        if (chunk.some((c) => c.op === "REACTIVATE")) progress("REACTIVATE", reactivationsDone, plan.reactivations.length);
        if (chunk.some((c) => c.op === "UPDATE")) progress("UPDATE", updatesDone, plan.updates.length);
        if (chunk.some((c) => c.op === "DELETE")) progress("DELETE", deletesDone, plan.deletes.length);
      }
    };

    // Creates under a reactivated item need it active first: then the B2 calls go before the creates (they touch
    // other codes than the creates, so the order is otherwise free; the plan's changes list the same order).
    if (plan.patchesFirst) {
      await sendPatches();
      await sendCreates();
    } else {
      await sendCreates();
      await sendPatches();
    }
    const summary = plan.summary;
    const deletesOk = plan.deletes.length - result.errors.filter((e) => e.operation === "DELETE").length;
    progress("DONE", result.created + result.reactivated + result.updated + deletesOk, summary.creates + summary.reactivations + summary.updates + summary.deletes);
    deps.logger?.info({ syncId, listId, created: result.created, reactivated: result.reactivated, updated: result.updated, deleted: result.deleted, failed: result.failed, conflicts: result.conflicts, bulkCalls: result.bulkCalls }, "list sync finished");
    return result;
  }

  /**
   * The deleted items of the list that hold a code the ERP wants and that is not active: level by level, the deleted
   * children of each active (or found deleted) parent of such a code (all pages, 8 parents at a time).
   * A Concur that refuses these reads (404 / 400) is taken as answering none: the create then meets
   * item.duplicate.code.deleted and is reactivated after all.
   */
  async function findDeletedWanted(caller: Caller, companyId: string, listId: string, wanted: Map<string, Wanted>, current: WireConcurListItem[], onPage: () => void): Promise<WireConcurListItem[]> {
    const active = new Map(current.map((item) => [item.code, item]));
    const found = new Map<string, WireConcurListItem>();
    const missing = [...wanted.values()].filter((w) => !active.has(w.code));
    const levels = [...new Set(missing.map((w) => w.level))].sort((a, b) => a - b);
    for (const level of levels) {
      const parents = new Set(missing.filter((w) => w.level === level).map((w) => w.parentCode ?? ""));
      const reads: Array<string | null> = [];
      for (const parentCode of parents) {
        if (parentCode === "") reads.push(null);
        else {
          const parent = active.get(parentCode) ?? found.get(parentCode);
          if (parent) reads.push(parent.id);
        }
      }
      const answers = await pool(reads, 8, async (itemId) => {
        try {
          return await deps.listReader.deletedChildren(caller, companyId, { listId, itemId }, onPage);
        } catch (error) {
          if (error instanceof CodedError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.BAD_USER_INPUT)) {
            deps.logger?.warn({ listId, itemId, err: error }, "list sync: deleted items could not be read; a create of such a code will be reactivated when Concur refuses it");
            return [];
          }
          throw error;
        }
      });
      for (const item of answers.flat()) if (wanted.has(item.code) && !active.has(item.code)) found.set(item.code, item);
    }
    return [...found.values()];
  }

  function progress(companyId: string, filter: SyncProgressFilter): AsyncIterable<ListSyncProgressPayload> {
    const { listId, syncId } = filter;
    const wanted = (p: ListSyncProgressPayload) => (!listId || p.listId === listId) && (!syncId || sameSync(p.syncId, syncId));
    if (!syncId || !deps.store) return deps.pubsub.subscribe("LIST_SYNC_PROGRESS", companyId, wanted);
    const store = deps.store;
    return new Repeater<ListSyncProgressPayload>(async (push, stop) => {
      // Listen first, read the kept progress, then hand over: nothing published in between is lost, and the kept
      // state comes before anything newer.
      let held: ListSyncProgressPayload[] | undefined = [];
      const unlisten = deps.pubsub.listen("LIST_SYNC_PROGRESS", companyId, wanted, (p) => (held ? held.push(p) : pushOrStop(push, stop, p)));
      void stop.then(unlisten);
      const kept = await store.get<ListSyncProgressPayload>(progressKey(companyId, syncId)).catch(() => undefined);
      const keptAgain = (p: ListSyncProgressPayload) => kept !== undefined && p.phase === kept.phase && p.done === kept.done && p.total === kept.total;
      if (kept && kept.companyId.toLowerCase() === companyId.toLowerCase() && wanted(kept)) pushOrStop(push, stop, kept);
      for (const p of held) if (!keptAgain(p)) pushOrStop(push, stop, p);
      held = undefined;
    });
  }

  return { sync, resolveListId, progress };
}

interface Wanted {
  index: number;
  code: string;
  shortCode: string;
  parentCode?: string;
  level: number;
  value: string;
}

/** The ERP tree by long code; every problem refused at once, before any call. */
export function validateTree(items: ErpTreeItem[]): Map<string, Wanted> {
  const problems: ListProblem[] = [];
  const wanted = new Map<string, Wanted>();
  items.forEach((item, index) => {
    const before = problems.length;
    if (!Array.isArray(item.path) || item.path.length === 0) problems.push({ field: `items[${index}].path`, message: `items[${index}].path: give at least the level-1 short code` });
    else item.path.forEach((code, k) => problems.push(...checkSegment(`items[${index}].path[${k}]`, code, "code")));
    problems.push(...checkSegment(`items[${index}].value`, item.value, "value"));
    if (problems.length > before) return;
    const code = item.path.join("-");
    if (wanted.has(code)) {
      problems.push({ field: `items[${index}].path`, message: `items[${index}].path: ${code} appears twice (also items[${wanted.get(code)!.index}])` });
      return;
    }
    const parentCode = item.path.length > 1 ? item.path.slice(0, -1).join("-") : undefined;
    wanted.set(code, { index, code, shortCode: item.path.at(-1)!, parentCode, level: item.path.length, value: item.value });
  });
  for (const w of wanted.values()) {
    if (w.parentCode && !wanted.has(w.parentCode)) problems.push({ field: `items[${w.index}].path`, message: `items[${w.index}].path: parent ${w.parentCode} of ${w.code} is not in the tree; send every level` });
  }
  const error = listProblemsToError(problems);
  if (error) throw error;
  return wanted;
}

/** One part of the B2 stream. */
type PlannedPatch =
  | { op: "REACTIVATE"; code: string; value: string; valueChanged: boolean }
  | { op: "UPDATE"; code: string; value: string }
  | { op: "DELETE"; code: string; items: number };

const patchPart = (p: PlannedPatch): BulkPatchPart => {
  if (p.op === "REACTIVATE") return p.valueChanged ? { code: p.code, deleted: false, value: p.value } : { code: p.code, deleted: false };
  return p.op === "UPDATE" ? { code: p.code, value: p.value } : { code: p.code, deleted: true };
};

interface Planned {
  summary: Omit<SyncPlan, "changes">;
  changes: SyncChange[];
  creates: Wanted[];
  reactivations: Array<{ code: string; value: string }>;
  updates: Array<{ code: string; value: string }>;
  deletes: Array<{ code: string; items: number }>;
  /** The B2 stream in send order: reactivations (parents first), updates, deletes (deepest first). */
  patches: PlannedPatch[];
  /** The B2 calls go before the creates (some create hangs under a reactivated item). */
  patchesFirst: boolean;
}

const parentOf = (code: string) => (code.includes("-") ? code.slice(0, code.lastIndexOf("-")) : undefined);

/**
 * The difference between the ERP tree and the Concur tree, and the bulk calls it takes. Pure. `current` holds the
 * active items; `deleted` the deleted items holding codes the ERP wants (reactivated, never "unchanged").
 */
export function planSync(wanted: Map<string, Wanted>, current: WireConcurListItem[], deleted: WireConcurListItem[] = []): Planned {
  const byCode = new Map(current.map((item) => [item.code, item]));
  const deletedByCode = new Map(deleted.filter((item) => !byCode.has(item.code)).map((item) => [item.code, item]));
  const byLevel = (a: Wanted, b: Wanted) => a.level - b.level || a.index - b.index;
  const creates = [...wanted.values()].filter((w) => !byCode.has(w.code) && !deletedByCode.has(w.code)).sort(byLevel);
  const revived = [...wanted.values()].filter((w) => deletedByCode.has(w.code)).sort(byLevel);
  const reactivations = revived.map((w) => ({ code: w.code, value: w.value }));
  const updates: Planned["updates"] = [];
  let unchanged = 0;
  for (const w of wanted.values()) {
    const have = byCode.get(w.code);
    if (!have) continue;
    if (have.value !== w.value) updates.push({ code: w.code, value: w.value });
    else unchanged += 1;
  }
  // Only subtree roots are deleted: Concur deletes a parent's children with it. A short-code rename is a delete of
  // the old code and a create of the new one (spec Q5).
  const gone = current.filter((item) => !wanted.has(item.code));
  const goneCodes = new Set(gone.map((g) => g.code));
  const roots = gone.filter((g) => {
    const parent = parentOf(g.code);
    return parent === undefined || !goneCodes.has(parent);
  });
  const sizes = new Map(roots.map((r) => [r.code, 0]));
  for (const g of gone) {
    let code: string | undefined = g.code;
    while (code !== undefined && !sizes.has(code)) code = parentOf(code);
    if (code !== undefined) sizes.set(code, sizes.get(code)! + 1);
  }
  const deletes = roots.sort((a, b) => b.level - a.level).map((r) => ({ code: r.code, items: sizes.get(r.code)! }));
  const patches: PlannedPatch[] = [
    ...revived.map((w) => ({ op: "REACTIVATE" as const, code: w.code, value: w.value, valueChanged: deletedByCode.get(w.code)!.value !== w.value })),
    ...updates.map((u) => ({ op: "UPDATE" as const, ...u })),
    ...deletes.map((d) => ({ op: "DELETE" as const, ...d })),
  ];
  const revivedCodes = new Set(reactivations.map((r) => r.code));
  const patchesFirst = creates.some((c) => c.parentCode !== undefined && revivedCodes.has(c.parentCode));
  const levels = Math.max(0, ...creates.map((c) => c.level));
  const createsByLevel = Array.from({ length: levels }, (_, l) => creates.filter((c) => c.level === l + 1).length);
  const patchCalls = Math.ceil(patches.length / MAX_BULK_PARTS);
  const createChanges = creates.map((c) => ({ operation: "CREATE" as const, code: c.code, level: c.level, value: c.value, previousValue: null, items: 1 }));
  const patchChanges: SyncChange[] = patches.map((p) => {
    const level = p.code.split("-").length;
    if (p.op === "REACTIVATE") return { operation: "REACTIVATE", code: p.code, level, value: p.value, previousValue: deletedByCode.get(p.code)!.value, items: 1 };
    if (p.op === "UPDATE") return { operation: "UPDATE", code: p.code, level, value: p.value, previousValue: byCode.get(p.code)!.value, items: 1 };
    return { operation: "DELETE", code: p.code, level, value: null, previousValue: byCode.get(p.code)!.value, items: p.items };
  });
  return {
    summary: {
      creates: creates.length,
      createsByLevel,
      reactivations: reactivations.length,
      updates: updates.length,
      deletes: deletes.length,
      deletedItems: gone.length,
      unchanged,
      bulkCalls: Math.ceil(creates.length / MAX_BULK_PARTS) + patchCalls,
      perLevelBulkCalls: createsByLevel.reduce((sum, n) => sum + Math.ceil(n / MAX_BULK_PARTS), 0) + patchCalls,
    },
    // In send order, so a dry run lists exactly the parts the real run sends.
    changes: patchesFirst ? [...patchChanges, ...createChanges] : [...createChanges, ...patchChanges],
    creates,
    reactivations,
    updates,
    deletes,
    patches,
    patchesFirst,
  };
}

/** Runs `work` over `items`, at most `width` at a time; answers in item order. */
async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
