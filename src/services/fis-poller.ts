// The FIS poller: the fallback where ESS readyForIntegration events are not subscribed (spec Q14). One loop per
// company, shared by all its subscribers, reading the READY queue of each doc type somebody listens to and announcing
// documents that were not there at the previous poll; idle polls back off, a new subscriber or a poll-now resets it.
import type { Caller, FinancialDocumentRecord, FisDocType, FisReader } from "../datasources/index.js";
import type { GatewayPubSub } from "../subscriptions/index.js";
import type { Logger } from "../logger.js";

/** Options of {@link createFisPoller}. */
export interface FisPollerOptions {
  reader: FisReader;
  pubsub: GatewayPubSub;
  /** Gap between polls while documents keep coming, ms (config `fisPollIntervalMs`). */
  intervalMs: number;
  /** Largest gap after idle polls (doubling), ms. Default 4 × intervalMs. */
  maxIntervalMs?: number;
  logger: Logger;
}

export interface FisPollResult {
  ready: number;
  announced: number;
}

export interface FisPoller {
  /**
   * Keeps `docType` of the company polled while watched; resolves (with the unwatch function) once the queue as it
   * is now is known, so every document that becomes READY afterwards is announced. The newest watcher's caller polls.
   */
  watch(companyId: string, docType: FisDocType, caller: Caller): Promise<() => void>;
  /** Polls now (the "run FIS" button): announces what is new to subscribers; resets the back-off. */
  pollNow(companyId: string, docType: FisDocType, caller: Caller): Promise<FisPollResult>;
  /** Companies polled. */
  readonly size: number;
  close(): void;
}

interface Watched {
  caller: Caller;
  docType: FisDocType;
}

interface Entry {
  companyId: string;
  watchers: Map<symbol, Watched>;
  /** READY ids per doc type at the last poll. */
  known: Map<FisDocType, Set<string>>;
  timer?: NodeJS.Timeout;
  dueAt: number;
  intervalMs: number;
  /** Polls of one company never overlap. */
  chain: Promise<unknown>;
  stopped: boolean;
}

export function createFisPoller(options: FisPollerOptions): FisPoller {
  const { reader, pubsub, intervalMs, logger } = options;
  const maxIntervalMs = Math.max(intervalMs, options.maxIntervalMs ?? intervalMs * 4);
  const entries = new Map<string, Entry>();
  let closed = false;

  const callerFor = (entry: Entry, docType: FisDocType): Caller | undefined => [...entry.watchers.values()].filter((w) => w.docType === docType).at(-1)?.caller;
  const docTypes = (entry: Entry) => [...new Set([...entry.watchers.values()].map((w) => w.docType))];

  /** One serialised poll of a doc type: reads the queue, announces what is new (unless `baseline`). */
  function pollType(entry: Entry, docType: FisDocType, caller: Caller, baseline: boolean): Promise<FisPollResult> {
    const run = entry.chain.then(async () => {
      const documents = await reader.readyDocuments(caller, entry.companyId, docType);
      const before = entry.known.get(docType);
      const fresh: FinancialDocumentRecord[] = baseline || !before ? [] : documents.filter((d) => !before.has(d.id));
      if (callerFor(entry, docType) || !baseline) entry.known.set(docType, new Set(documents.map((d) => d.id)));
      for (const document of fresh) pubsub.publish("FIS_DOCUMENT_READY", { companyId: entry.companyId, docType, documentId: document.id, source: "poll", document });
      return { ready: documents.length, announced: fresh.length };
    });
    entry.chain = run.catch(() => undefined);
    return run;
  }

  function schedule(entry: Entry, delayMs: number): void {
    if (entry.stopped) return;
    clearTimeout(entry.timer);
    entry.dueAt = Date.now() + delayMs;
    entry.timer = setTimeout(() => void tick(entry), delayMs);
    entry.timer.unref();
  }

  async function tick(entry: Entry): Promise<void> {
    let announced = 0;
    for (const docType of docTypes(entry)) {
      const caller = callerFor(entry, docType);
      if (!caller || entry.stopped) continue;
      try {
        announced += (await pollType(entry, docType, caller, false)).announced;
      } catch (error) {
        logger.warn({ err: error, companyId: entry.companyId, docType }, "FIS poll failed; backing off");
      }
    }
    // Idle: poll less often, up to maxIntervalMs; something new: back to the configured pace.
    entry.intervalMs = announced > 0 ? intervalMs : Math.min(entry.intervalMs * 2, maxIntervalMs);
    schedule(entry, entry.intervalMs);
  }

  /** A new subscriber or a poll-now: back to the configured pace, and no later than one interval from now. */
  function hurry(entry: Entry): void {
    entry.intervalMs = intervalMs;
    if (entry.dueAt - Date.now() > intervalMs) schedule(entry, intervalMs);
  }

  function entryOf(companyId: string): Entry {
    const key = companyId.toLowerCase();
    let entry = entries.get(key);
    if (!entry) {
      entry = { companyId: key, watchers: new Map(), known: new Map(), dueAt: 0, intervalMs, chain: Promise.resolve(), stopped: false };
      entries.set(key, entry);
      schedule(entry, intervalMs);
    }
    return entry;
  }

  function stop(entry: Entry): void {
    entry.stopped = true;
    clearTimeout(entry.timer);
    if (entries.get(entry.companyId) === entry) entries.delete(entry.companyId);
  }

  return {
    async watch(companyId, docType, caller) {
      if (closed) return () => {};
      const entry = entryOf(companyId);
      const watcher = Symbol("fis watcher");
      const firstOfType = !entry.known.has(docType) && callerFor(entry, docType) === undefined;
      entry.watchers.set(watcher, { caller, docType });
      hurry(entry);
      const unwatch = () => {
        if (!entry.watchers.delete(watcher)) return;
        if (callerFor(entry, docType) === undefined) entry.known.delete(docType);
        if (entry.watchers.size === 0) stop(entry);
      };
      if (firstOfType) {
        try {
          await pollType(entry, docType, caller, true);
        } catch (error) {
          unwatch();
          throw error;
        }
      } else {
        await entry.chain;
      }
      return unwatch;
    },
    async pollNow(companyId, docType, caller) {
      const entry = entries.get(companyId.toLowerCase());
      if (!entry || callerFor(entry, docType) === undefined) {
        const page = await reader.page(caller, companyId, docType, 0, 1);
        return { ready: page.totalElements, announced: 0 };
      }
      hurry(entry);
      return pollType(entry, docType, caller, false);
    },
    get size() {
      return entries.size;
    },
    close() {
      closed = true;
      for (const entry of [...entries.values()]) stop(entry);
    },
  };
}
