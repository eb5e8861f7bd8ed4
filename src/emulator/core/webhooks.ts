import { constants, randomUUID, sign, type KeyObject } from "node:crypto";
import { Agent, request } from "undici";
import { roll, type Faults } from "./faults.js";
import { CORE_LIMITS } from "./limits.js";
import type { TimerSet } from "./timers.js";
import type { Clock, JsonValue, RandomSource } from "./types.js";

/** ESS event envelope (accounting spec 2.1); each API names its own topic and event types. */
export interface EventEnvelope<T extends string = string> {
  id: string;
  correlationId: string;
  eventType: T;
  topic: string;
  subtopic: null;
  timeStamp: string;
  facts: { companyId: string; erpId: string; partnerId: string; data?: JsonValue };
}

/** What the sender needs of any event, whatever its API's envelope looks like (e.g. FIS: subtopic, route, facts). */
export interface SendableEvent {
  id: string;
  eventType: string;
  correlationId: string;
  /** ESS topic and the company the event is about: what subscriptions deliver by (src/emulator/ess). */
  topic?: string;
  facts?: { companyId?: string };
}

export type DeliveryOutcome = "delivered" | "retrying" | "rejected" | "network-error" | "expired" | "suppressed";

export interface DeliveryLogEntry {
  eventId: string;
  eventType: string;
  url: string;
  attempt: number;
  /** HTTP status of the subscriber's answer; null for network errors and deliveries never attempted. */
  status: number | null;
  outcome: DeliveryOutcome;
  /** true for the extra copy sent by the duplicate fault. */
  duplicate: boolean;
  at: string;
  error?: string;
}

interface Delivery {
  event: SendableEvent;
  body: Buffer;
  signature: string;
  url: string;
  publishedAt: number;
  attempt: number;
}

export interface WebhookDeps {
  /** The key new deliveries are signed with (it may rotate: core/signing-keys.ts). */
  signingKey: () => KeyObject;
  now: Clock;
  random: RandomSource;
  timers: TimerSet;
  faults: () => Faults;
  retryBaseMs: () => number;
  /** Where one event goes: the admin-configured URLs and the endpoints of matching ESS subscriptions. */
  urls: (event: SendableEvent) => readonly string[];
}

/** How long the reorder fault holds events before flushing the batch reversed. */
const REORDER_HOLD_MS = 30;
const LOG_CAP = 10_000;

/** RSA-PSS / SHA-256 / MGF1-SHA-256 / max salt over the raw body, base64 (spec 2.3, [INFERRED Q1]). */
export function signBody(body: Buffer, privateKey: KeyObject): string {
  return sign("sha256", body, {
    key: privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
  }).toString("base64");
}

/**
 * ESS delivery: one POST per event per subscriber URL, at-least-once, retried with exponential backoff on
 * 5xx/401/403/429 and I/O errors until the 72 h retention (measured on the injectable clock) runs out.
 */
export class WebhookSender {
  private readonly agent = new Agent({ connect: { timeout: 10_000 } });
  private readonly inFlight = new Set<AbortController>();
  private held: Delivery[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private log: DeliveryLogEntry[] = [];
  private outcomes: Record<DeliveryOutcome, number> = emptyOutcomes();
  private stopped = false;

  constructor(private readonly deps: WebhookDeps) {}

  publish<T extends string>(topic: string, eventType: T, facts: EventEnvelope["facts"], correlationId: string): EventEnvelope<T> {
    const nowMs = this.deps.now();
    const event: EventEnvelope<T> = {
      id: randomUUID(),
      correlationId,
      eventType,
      topic,
      subtopic: null,
      timeStamp: new Date(nowMs).toISOString(),
      facts,
    };
    return this.send(event);
  }

  /** Signs and delivers an event built by its API (an envelope other than the Accounting one), like `publish`. */
  send<E extends SendableEvent>(event: E): E {
    const nowMs = this.deps.now();
    const faults = this.deps.faults();
    const urls = this.deps.urls(event);
    if (!faults.webhooksEnabled) {
      for (const url of urls) this.record({ event, url, attempt: 0, status: null, outcome: "suppressed", duplicate: false });
      return event;
    }
    const body = Buffer.from(JSON.stringify(event));
    const signature = signBody(body, this.deps.signingKey());
    for (const url of urls) {
      const delivery: Delivery = { event, body, signature, url, publishedAt: nowMs, attempt: 0 };
      if (faults.webhookReorder) this.hold(delivery);
      else this.dispatch(delivery);
    }
    return event;
  }

  deliveries(): readonly DeliveryLogEntry[] {
    return this.log;
  }

  outcomeCounts(): Readonly<Record<DeliveryOutcome, number>> {
    return this.outcomes;
  }

  resetCounters(): void {
    this.outcomes = emptyOutcomes();
  }

  /** Drops pending retries, held events and the log (admin reset). */
  reset(): void {
    this.held = [];
    this.deps.timers.clear(this.holdTimer);
    this.holdTimer = undefined;
    for (const t of this.retryTimers) this.deps.timers.clear(t);
    this.retryTimers.clear();
    for (const c of this.inFlight) c.abort();
    this.inFlight.clear();
    this.log = [];
    this.outcomes = emptyOutcomes();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.inFlight) c.abort();
    this.inFlight.clear();
    this.held = [];
    await this.agent.destroy().catch(() => undefined);
  }

  /** Reorder fault: collect events for a short window, then deliver them newest first. */
  private hold(delivery: Delivery): void {
    this.held.push(delivery);
    if (this.holdTimer) return;
    this.holdTimer = this.deps.timers.set(() => {
      this.holdTimer = undefined;
      const batch = this.held.reverse();
      this.held = [];
      for (const d of batch) this.dispatch(d);
    }, REORDER_HOLD_MS);
  }

  private dispatch(delivery: Delivery): void {
    if (this.stopped) return;
    if (this.deps.now() - delivery.publishedAt >= CORE_LIMITS.webhookRetentionMs) {
      this.record({ event: delivery.event, url: delivery.url, attempt: delivery.attempt, status: null, outcome: "expired", duplicate: false });
      return;
    }
    delivery.attempt += 1;
    const duplicate = delivery.attempt === 1 && roll(this.deps.faults().webhookDuplicateRate, this.deps.random);
    void this.attempt(delivery, false);
    if (duplicate) void this.attempt(delivery, true);
  }

  private async attempt(delivery: Delivery, isDuplicate: boolean): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const base = { event: delivery.event, url: delivery.url, attempt: delivery.attempt, duplicate: isDuplicate };
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await request(delivery.url, {
        method: "POST",
        dispatcher: this.agent,
        signal: controller.signal,
        headersTimeout: CORE_LIMITS.webhookAckTimeoutMs,
        bodyTimeout: CORE_LIMITS.webhookAckTimeoutMs,
        headers: {
          "content-type": "application/json",
          "concur-signature": delivery.signature,
          "concur-correlationid": delivery.event.correlationId,
        },
        body: delivery.body,
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      this.inFlight.delete(controller);
    }
    if (this.stopped || controller.signal.aborted) return;
    // The duplicate copy is fire-and-forget: the original delivery owns the retry schedule.
    if (status !== null && status >= 200 && status < 300) {
      this.record({ ...base, status, outcome: "delivered" });
      return;
    }
    const retryable = status === null || status >= 500 || status === 401 || status === 403 || status === 429;
    if (!retryable) {
      this.record({ ...base, status, outcome: "rejected" });
      return;
    }
    this.record({ ...base, status, outcome: status === null ? "network-error" : "retrying", error });
    if (isDuplicate) return;
    this.scheduleRetry(delivery);
  }

  private scheduleRetry(delivery: Delivery): void {
    const baseMs = this.deps.retryBaseMs();
    // [INFERRED Q18] base × 2^(attempt-1), capped at 300 × base.
    const delay = Math.min(baseMs * 2 ** (delivery.attempt - 1), baseMs * CORE_LIMITS.webhookBackoffCapFactor);
    if (this.deps.now() + delay - delivery.publishedAt >= CORE_LIMITS.webhookRetentionMs) {
      this.record({ event: delivery.event, url: delivery.url, attempt: delivery.attempt, status: null, outcome: "expired", duplicate: false });
      return;
    }
    const handle = this.deps.timers.set(() => {
      if (handle) this.retryTimers.delete(handle);
      this.dispatch(delivery);
    }, delay);
    if (handle) this.retryTimers.add(handle);
  }

  private record(entry: Omit<DeliveryLogEntry, "eventId" | "eventType" | "at"> & { event: SendableEvent }): void {
    const { event, ...rest } = entry;
    this.outcomes[rest.outcome] += 1;
    this.log.push({ eventId: event.id, eventType: event.eventType, ...rest, at: new Date(this.deps.now()).toISOString() });
    if (this.log.length > LOG_CAP) this.log.splice(0, this.log.length - LOG_CAP);
  }
}

function emptyOutcomes(): Record<DeliveryOutcome, number> {
  return { delivered: 0, retrying: 0, rejected: 0, "network-error": 0, expired: 0, suppressed: 0 };
}
