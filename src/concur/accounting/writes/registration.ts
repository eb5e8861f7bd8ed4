import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import pRetry, { AbortError } from "p-retry";
import { CodedError, ErrorCode } from "../../../errors.js";
import type { Logger } from "../../../logger.js";
import { errorFromResponse } from "../../client/pipeline.js";
import { createPacer } from "./batcher.js";
import { PACING_MARGIN_MS, REGISTER_INTERVAL_MS } from "./limits.js";
import { erpPath, retryAfterMs, type RetryPolicy } from "./send.js";
import type { PatchSender, SenderRequest, SenderResponse, WriteCaller } from "./types.js";

/** PostingOption (spec 1.1). */
export interface PostingOptionInput {
  postingCode: string;
  postingName: string;
  availableForOutOfPocketExpenses?: boolean;
  configurationFields?: Array<{ configurationFieldType: string; isRequired?: boolean }>;
}

/** Body of POST /erps (spec 1.1 ErpPackage without erpId). */
export interface ErpRegistrationInput {
  partnerAppName: string;
  erpName: string;
  externalErpId: string;
  features?: string[];
  postingOptions?: PostingOptionInput[];
}

/**
 * Body of PATCH /erps/{erpId}. Concur replaces `features` and `postingOptions` WHOLESALE, so both are required:
 * send every active flag and every posting option each time (an omitted one is removed).
 */
export interface ErpUpdateInput {
  features: string[];
  postingOptions: PostingOptionInput[];
  partnerAppName?: string;
  erpName?: string;
  externalErpId?: string;
}

/** ErpPackage as answered by Concur. */
export interface ErpPackageWire {
  erpId: string;
  partnerAppName: string;
  erpName: string;
  externalErpId: string;
  features: string[];
  postingOptions: PostingOptionInput[];
  [key: string]: unknown;
}

export interface RegistrationOptions {
  sender: PatchSender;
  logger?: Logger;
  /** Minimum gap between two registrations of one company, ms. Default REGISTER_INTERVAL_MS + PACING_MARGIN_MS. */
  intervalMs?: number;
  /** Shared Redis: the per-company registration pace then holds across replicas. Default in-process. */
  redis?: Redis;
  /** Retries of update/unregister on 5xx / network errors, and 429 waits for all three. */
  retry?: RetryPolicy;
  /** Called after each successful register/update/unregister (cache invalidation). Errors are logged, never surfaced. */
  onChanged?: (companyId: string, erpId: string) => void | Promise<void>;
}

export interface RegistrationClient {
  /** POST /erps. Queued per company so registrations leave at least a minute apart; waits out 429s; never fails on the limit. */
  register(caller: WriteCaller, companyId: string, erp: ErpRegistrationInput): Promise<ErpPackageWire>;
  /** PATCH /erps/{erpId}; `features` and `postingOptions` replace the stored ones wholesale. */
  update(caller: WriteCaller, companyId: string, erpId: string, update: ErpUpdateInput): Promise<ErpPackageWire>;
  /** DELETE /erps/{erpId}: removes the integration and all ERP data Concur cached for it. */
  unregister(caller: WriteCaller, companyId: string, erpId: string): Promise<void>;
  /** Waits for every call queued or in flight (graceful stop). */
  drain(): Promise<void>;
}

/** The name the composition root uses. */
export type Registrar = RegistrationClient;
export const createRegistrar = (options: RegistrationOptions): Registrar => createRegistrationClient(options);

const RETRYABLE = new Set<string>([ErrorCode.UPSTREAM_UNAVAILABLE, ErrorCode.UPSTREAM_TIMEOUT]);

export function createRegistrationClient(options: RegistrationOptions): RegistrationClient {
  const { sender, logger } = options;
  const retry = options.retry ?? {};
  const pacer = createPacer({
    intervalMs: options.intervalMs ?? REGISTER_INTERVAL_MS + PACING_MARGIN_MS,
    redis: options.redis,
    keyPrefix: "concur-graph:pace:register",
  });

  const toError = (req: SenderRequest, res: SenderResponse) =>
    errorFromResponse({ method: req.method, status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId ?? "" });

  /**
   * Sends, waiting out 429s (Retry-After); returns the first non-429 response. With `paceKey` every send
   * takes a pacing slot first and gives it back when the response arrives.
   */
  async function sendThrough429(req: SenderRequest, paceKey?: string): Promise<SenderResponse> {
    for (let waits = 0; ; waits += 1) {
      const release = paceKey !== undefined ? await pacer.acquire(paceKey) : undefined;
      let res: SenderResponse;
      try {
        res = await sender.send(req);
      } finally {
        await release?.();
      }
      if (res.status !== 429) return res;
      if (waits >= (retry.max429Waits ?? 10)) throw toError(req, res);
      const wait = retryAfterMs(res.headers["retry-after"], retry.maxRetryAfterMs);
      logger?.warn({ method: req.method, path: req.path, waitMs: wait }, "concur answered 429; waiting Retry-After");
      await sleep(wait);
    }
  }

  /** Idempotent calls: 5xx / network errors / timeouts retried with backoff. */
  function withRetries<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    let attempt = 0;
    return pRetry(
      async () => {
        attempt += 1;
        try {
          return await fn(attempt);
        } catch (error) {
          if (error instanceof CodedError && !RETRYABLE.has(error.code)) throw new AbortError(error);
          throw error;
        }
      },
      { retries: retry.retries ?? 4, minTimeout: retry.minTimeoutMs ?? 500, maxTimeout: retry.maxTimeoutMs ?? 10_000, factor: 2, randomize: true },
    );
  }

  const inFlight = new Set<Promise<unknown>>();
  /** Tracks the call for drain() and runs onChanged after success. */
  function track<T>(companyId: string, erpId: (result: T) => string, run: () => Promise<T>): Promise<T> {
    const promise = run().then(async (result) => {
      if (options.onChanged) {
        try {
          await options.onChanged(companyId, erpId(result));
        } catch (error) {
          logger?.warn({ err: error, companyId }, "registration onChanged hook failed");
        }
      }
      return result;
    });
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
    return promise;
  }

  const client = {
    async register(caller, companyId, erp) {
      const paceKey = companyId;
      const req: SenderRequest = {
        method: "POST",
        path: `/accountingintegration/v4/companies/${encodeURIComponent(companyId)}/erps`,
        caller,
        body: { ...erp, features: erp.features ?? [], postingOptions: erp.postingOptions ?? [] },
      };
      // Not retried on 5xx: POST /erps has no idempotency key, and a retry could register twice.
      const res = await sendThrough429(req, paceKey);
      if (res.status >= 200 && res.status < 300) return res.body as ErpPackageWire;
      throw toError(req, res);
    },

    async update(caller, companyId, erpId, update) {
      const req: SenderRequest = { method: "PATCH", path: erpPath(companyId, erpId), caller, body: update };
      return withRetries(async () => {
        const res = await sendThrough429(req);
        if (res.status >= 200 && res.status < 300) return res.body as ErpPackageWire;
        throw toError(req, res);
      });
    },

    async unregister(caller, companyId, erpId) {
      const req: SenderRequest = { method: "DELETE", path: erpPath(companyId, erpId), caller };
      let maybeApplied = false;
      return withRetries(async () => {
        let res: SenderResponse;
        try {
          res = await sendThrough429(req);
        } catch (error) {
          maybeApplied = true;
          throw error;
        }
        if (res.status >= 200 && res.status < 300) return;
        // A 404 after a try that may have gone through means the delete already happened.
        if (res.status === 404 && maybeApplied) return;
        if (res.status >= 500) maybeApplied = true;
        throw toError(req, res);
      });
    },
  } satisfies Omit<RegistrationClient, "drain">;

  return {
    register: (caller, companyId, erp) => track(companyId, (r) => r.erpId, () => client.register(caller, companyId, erp)),
    update: (caller, companyId, erpId, update) => track(companyId, () => erpId, () => client.update(caller, companyId, erpId, update)),
    unregister: (caller, companyId, erpId) => track(companyId, () => erpId, () => client.unregister(caller, companyId, erpId)),
    async drain() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
