import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { LRUCache } from "lru-cache";
import { isStillCurrent, type CacheRead, type CompanyCheck, type PageCache } from "../datasources/index.js";
import type { GatewayContext } from "../context.js";
import type { Role } from "../callers/index.js";
import { answerByteLength, type AnswerBody } from "./answer-bytes.js";

/** A serialized GraphQL answer of the fast path. */
export interface Answer {
  /** A string, or bytes (one buffer, or a large answer's chunks in order: see answer-bytes.ts). */
  body: string | AnswerBody;
  operationName: string | undefined;
  hadErrors: boolean;
}

/** Options of {@link createResultSharing}. */
export interface ResultSharingOptions {
  cache: PageCache;
  /** Budget of reusable answers, bytes (config `answerCacheBytes`); 0 = never reuse (in-flight sharing still applies). */
  maxBytes: number;
  /** Longest an answer is kept, ms (the page cache's TTL: past it every page it read is gone anyway). */
  ttlMs: number;
}

export interface ResultSharing {
  /** The request's sharing key: the caller's credentials, the operation and its variables. */
  keyOf(req: IncomingMessage, query: string, operationName: string | undefined, variables: unknown): string;
  /**
   * The answer of `execute()` for this key, computed once for identical requests in flight together, and reused
   * afterwards while every cached read it made would still be served the very same value to this caller and every
   * company check it passed still passes (so a reuse answers exactly what executing it again would).
   */
  answer(key: string, ctx: GatewayContext, execute: () => Promise<Answer | undefined>): Promise<Answer | undefined>;
  /** bytes/entries: answers kept for reuse (bounded by `maxBytes`); inFlight: executions running now. */
  readonly stats: { readonly bytes: number; readonly entries: number; readonly inFlight: number; reused: number; joined: number };
}

interface Reusable {
  answer: Answer;
  reads: CacheRead[];
  checks: CompanyCheck[];
}

interface InFlight {
  answer: Promise<Answer | undefined>;
  checks: CompanyCheck[];
  /** Requests waiting for this execution besides the one that started it. */
  joiners: number;
}

/**
 * Big connection pages cost their serialization, not their upstream call, once the page cache holds them: 5,000
 * records are ~800 KB of JSON built edge by edge. Identical queries from the same credentials (a partner
 * front-end's users share one company token) get one execution: concurrent ones wait for it, later ones get its
 * bytes back after a check of a few map lookups, for as long as the cached pages under it are unchanged.
 */
export function createResultSharing(options: ResultSharingOptions): ResultSharing {
  const { cache } = options;
  const reusable =
    options.maxBytes > 0
      ? new LRUCache<string, Reusable>({
          maxSize: options.maxBytes,
          sizeCalculation: (entry, key) => Math.max(1, answerByteLength(entry.answer.body) + key.length + entry.reads.length * 64),
          ttl: options.ttlMs > 0 ? options.ttlMs : undefined,
        })
      : undefined;
  const inFlight = new Map<string, InFlight>();
  const stats = {
    get bytes() {
      return reusable?.calculatedSize ?? 0;
    },
    get entries() {
      return reusable?.size ?? 0;
    },
    get inFlight() {
      return inFlight.size;
    },
    reused: 0,
    joined: 0,
  };

  const checksPass = (checks: CompanyCheck[], ctx: GatewayContext) =>
    checks.every((check) => {
      try {
        return ctx.requireCaller(check.companyId!, check.role as Role | undefined).key === check.callerKey;
      } catch {
        return false;
      }
    });

  const stillCurrent = (entry: Reusable) => entry.reads.every((read) => isStillCurrent(read, cache.current(read.callerKey, read.scope, read.href)));

  return {
    keyOf(req, query, operationName, variables) {
      const credentials = createHash("sha256")
        .update(String(req.headers.authorization ?? ""))
        .update("\u0000")
        .update(String(req.headers["x-api-key"] ?? ""))
        .digest("base64");
      return `${credentials}\u0000${operationName ?? ""}\u0000${JSON.stringify(variables ?? {})}\u0000${query}`;
    },

    async answer(key, ctx, execute) {
      const known = reusable?.get(key);
      if (known) {
        if (checksPass(known.checks, ctx) && stillCurrent(known)) {
          stats.reused += 1;
          return known.answer;
        }
        reusable!.delete(key);
      }
      const running = inFlight.get(key);
      if (running) {
        running.joiners += 1;
        const answer = await running.answer;
        // Same credentials, but this request's own context decides: the checks the first one passed must pass here.
        if (checksPass(running.checks, ctx)) {
          stats.joined += 1;
          return answer;
        }
        return execute();
      }
      const log = ctx.readLog;
      const checks = log?.checks ?? [];
      const entry: InFlight = { answer: undefined!, checks, joiners: 0 };
      const answer = execute().then((result) => {
        if (!result) return result;
        // Kept only when every page under it came from the cache (see ReadLog.loaded): an answer built on pages just
        // loaded is usually one nobody asks for again (a token per request); the next identical request is kept.
        const keep = reusable !== undefined && !result.hadErrors && log !== undefined && !log.unrepeatable && !log.loaded && log.reads.length > 0;
        // The fast path's answers arrive as bytes (answer-bytes.ts); one that is kept or was joined is encoded once,
        // and every socket it is written to shares these bytes.
        const shared = typeof result.body === "string" && (keep || entry.joiners > 0) ? { ...result, body: Buffer.from(result.body) } : result;
        if (keep) reusable!.set(key, { answer: shared, reads: log!.reads, checks });
        return shared;
      });
      entry.answer = answer;
      inFlight.set(key, entry);
      try {
        return await answer;
      } finally {
        if (inFlight.get(key) === entry) inFlight.delete(key);
      }
    },
    stats,
  };
}
