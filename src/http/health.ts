import type { Request, Response } from "express";
import type { UpstreamHealth, UpstreamHealthStatus } from "../observability/upstream-health.js";

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
    eventDelivery?: EventDeliveryCheck;
  };
}

export function readiness(inputs: ReadinessInputs): Readiness {
  const lifecycle = inputs.lifecycle();
  const redis = inputs.redisReady === undefined ? "not configured" : inputs.redisReady() ? "ok" : "down";
  const upstream = inputs.upstream.status();
  const webhookKey = inputs.webhookKeyPresent ? "ok" : "missing";
  return {
    ready: lifecycle === "started" && webhookKey === "ok" && redis !== "down" && upstream.healthy,
    // The configuration was loaded and validated before the gateway existed: if this answers, it is "ok".
    checks: { config: "ok", lifecycle, webhookKey, redis, upstream, ...(inputs.eventDelivery ? { eventDelivery: inputs.eventDelivery() } : {}) },
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
