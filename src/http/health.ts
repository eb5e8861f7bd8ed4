import type { Request, Response } from "express";
import type { UpstreamHealth, UpstreamHealthStatus } from "../observability/upstream-health.js";
import type { StoreStatus } from "../connections/store/health.js";

/** What readiness looks at; nothing here makes a call of its own. */
export interface ReadinessInputs {
  /** The gateway's lifecycle state (`started` is the only ready one; `stopping` means draining). */
  lifecycle: () => string;
  /** A Concur webhook public key is configured (without it every ESS event is refused). */
  webhookKeyPresent: boolean;
  /** The shared Redis connection is up; undefined without REDIS_URL. */
  redisReady?: () => boolean;
  /** Upstream health from the gateway's recent Concur calls. */
  upstream: UpstreamHealth;
  /** Managed mode: the store's state (DATABASE_URL) from its own statements and probes; undefined in passthrough. */
  store?: () => StoreStatus;
  /** How ESS events reach the gateway (services/ess-subscriptions.ts): a detail, never a reason to be not ready (polling covers). */
  eventDelivery?: () => EventDeliveryCheck;
}

/** The `/readyz` detail of ESS delivery: mode, why not pushed, and each data center's state. */
export interface EventDeliveryCheck {
  mode: string;
  reason?: string;
  dataCenters: { name: string; state: string; error?: string }[];
}

export interface Readiness {
  ready: boolean;
  checks: {
    config: "ok";
    lifecycle: string;
    webhookKey: "ok" | "missing";
    redis: "ok" | "down" | "not configured";
    upstream: UpstreamHealthStatus;
    /** `not configured` (passthrough), or the store's state; not ready while it is not `ok`. */
    store: StoreCheck | "not configured";
    eventDelivery?: EventDeliveryCheck;
  };
}

/** The `/readyz` detail of the managed-mode store. */
export interface StoreCheck {
  /** `ok`, `down` (cannot be read) or `read-only` (cannot be written). */
  state: StoreStatus["state"];
  /** Why not ok, as the driver named it (`ECONNREFUSED`, `SQLITE_IOERR_WRITE`, …). */
  reason?: string;
  /** ISO time since when it is not ok. */
  since?: string;
  /** Refresh tokens Concur rotated that only this process holds (lost if it stops before the store takes them). */
  pendingWrites: number;
}

function storeCheck(status: StoreStatus): StoreCheck {
  const check: StoreCheck = { state: status.state, pendingWrites: status.pendingWrites };
  if (status.reason !== undefined) check.reason = status.reason;
  if (status.since !== undefined) check.since = new Date(status.since).toISOString();
  return check;
}

export function readiness(inputs: ReadinessInputs): Readiness {
  const lifecycle = inputs.lifecycle();
  const redis = inputs.redisReady === undefined ? "not configured" : inputs.redisReady() ? "ok" : "down";
  const upstream = inputs.upstream.status();
  const webhookKey = inputs.webhookKeyPresent ? "ok" : "missing";
  const store = inputs.store ? storeCheck(inputs.store()) : "not configured";
  const storeReady = store === "not configured" || (store.state === "ok" && store.pendingWrites === 0);
  return {
    ready: lifecycle === "started" && webhookKey === "ok" && redis !== "down" && upstream.healthy && storeReady,
    // The configuration was loaded and validated before the gateway existed: if this answers, it is "ok".
    checks: { config: "ok", lifecycle, webhookKey, redis, upstream, store, ...(inputs.eventDelivery ? { eventDelivery: inputs.eventDelivery() } : {}) },
  };
}

/** `GET /healthz`: liveness. 200 while the process serves HTTP, whatever its state (a draining gateway is alive). */
export function livenessHandler(lifecycle: () => string) {
  return (_req: Request, res: Response) => {
    const state = lifecycle();
    res.json({ status: state === "started" ? "ok" : state });
  };
}

/** `GET /readyz`: 200 `{ status: "ready", checks }` or 503 `{ status: "not ready", checks }`. */
export function readinessHandler(inputs: ReadinessInputs) {
  return (_req: Request, res: Response) => {
    const { ready, checks } = readiness(inputs);
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
  };
}
