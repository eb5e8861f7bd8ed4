import type { Redis } from "ioredis";
import type { Logger } from "../../../logger.js";
import type { Caller } from "../../client/caller.js";
import { createPacer, heldSlot } from "../../client/pacing.js";
import { IDEMPOTENT_WRITE_POLICY, SEND_ONCE_POLICY, type ConcurCall, type ConcurClient } from "../../client/pipeline.js";
import { errorFromResponse } from "../../client/errors.js";
import { ACCOUNTING_SCOPES, accountingPaths } from "../paths.js";
import type { ErpPackage, ErpRegistrationBody, ErpUpdateBody } from "../wire/index.js";
import { PACING_MARGIN_MS, REGISTER_INTERVAL_MS } from "./limits.js";
import { definedOnly, type WriteRetryOptions } from "./send.js";

/** ErpPackage as answered by Concur (`erpId` always present in answers). */
export type ErpPackageWire = ErpPackage & { erpId: string };

export interface RegistrationOptions {
  /** The Concur client pipeline. */
  client: ConcurClient;
  logger?: Logger;
  /** Minimum gap between two registrations of one company, ms. Default REGISTER_INTERVAL_MS + PACING_MARGIN_MS. */
  intervalMs?: number;
  /** Shared Redis: the per-company registration pace then holds across replicas. Default in-process. */
  redis?: Redis;
  /** Tuning of update/unregister retries on 5xx / network errors, and of 429 waits for all three. */
  retry?: WriteRetryOptions;
  /** Called after each successful register/update/unregister (cache invalidation). Errors are logged, never surfaced. */
  onChanged?: (companyId: string, erpId: string) => void | Promise<void>;
}

export interface RegistrationClient {
  /** POST /erps. Queued per company so registrations leave at least a minute apart; waits out 429s; never fails on the limit. */
  register(caller: Caller, companyId: string, erp: ErpRegistrationBody): Promise<ErpPackageWire>;
  /** PATCH /erps/{erpId}; `features` and `postingOptions` replace the stored ones wholesale. */
  update(caller: Caller, companyId: string, erpId: string, update: ErpUpdateBody): Promise<ErpPackageWire>;
  /** DELETE /erps/{erpId}: removes the integration and all ERP data Concur cached for it. */
  unregister(caller: Caller, companyId: string, erpId: string): Promise<void>;
  /** Waits for every call queued or in flight (graceful stop). */
  drain(): Promise<void>;
}

/** The name the composition root uses. */
export type Registrar = RegistrationClient;
export const createRegistrar = (options: RegistrationOptions): Registrar => createRegistrationClient(options);

export function createRegistrationClient(options: RegistrationOptions): RegistrationClient {
  const { client, logger } = options;
  const tuning = definedOnly(options.retry ?? {});
  const pacer = createPacer({
    intervalMs: options.intervalMs ?? REGISTER_INTERVAL_MS + PACING_MARGIN_MS,
    redis: options.redis,
    keyPrefix: "concur-graph:pace:register",
  });

  /** Sends one /erps call: 2xx -> the answer; anything else -> its coded error. */
  async function send<T>(call: ConcurCall): Promise<T> {
    const res = await client.request<T>({ ...call, throwOnError: false, scopeHint: ACCOUNTING_SCOPES.write });
    if (res.status >= 200 && res.status < 300) return res.body;
    // A DELETE answered 404 after a try that may have gone through: the delete already happened.
    if (call.method === "DELETE" && res.status === 404 && res.maybeApplied) return res.body;
    throw errorFromResponse({ method: call.method, status: res.status, body: res.body, headers: res.headers, correlationId: res.correlationId, scopeHint: ACCOUNTING_SCOPES.write });
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

  const calls = {
    async register(caller, companyId, erp) {
      // Not retried on 5xx: POST /erps has no idempotency key, and a retry could register twice. Paced per company.
      const slot = await heldSlot(pacer, companyId);
      try {
        const body = { ...erp, features: erp.features ?? [], postingOptions: erp.postingOptions ?? [] };
        const path = accountingPaths.erps(companyId);
        return await send<ErpPackageWire>({ method: "POST", path, caller, companyId, body, retry: { ...SEND_ONCE_POLICY, ...tuning, retries: 0 }, pacing: slot });
      } finally {
        await slot.dispose();
      }
    },

    async update(caller, companyId, erpId, update) {
      const path = accountingPaths.erp(companyId, erpId);
      return send<ErpPackageWire>({ method: "PATCH", path, caller, companyId, body: update, retry: { ...IDEMPOTENT_WRITE_POLICY, ...tuning } });
    },

    async unregister(caller, companyId, erpId) {
      await send({ method: "DELETE", path: accountingPaths.erp(companyId, erpId), caller, companyId, retry: { ...IDEMPOTENT_WRITE_POLICY, ...tuning } });
    },
  } satisfies Omit<RegistrationClient, "drain">;

  return {
    register: (caller, companyId, erp) => track(companyId, (r) => r.erpId, () => calls.register(caller, companyId, erp)),
    update: (caller, companyId, erpId, update) => track(companyId, () => erpId, () => calls.update(caller, companyId, erpId, update)),
    unregister: (caller, companyId, erpId) => track(companyId, () => erpId, () => calls.unregister(caller, companyId, erpId)),
    async drain() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
