import type { IncomingMessage, ServerResponse } from "node:http";
import type Keyv from "keyv";
import pRetry from "p-retry";
import type { Logger } from "../logger.js";
import { ACCOUNTING_TOPIC, EssEventError, parseEssEvent, type EssEvent } from "../datasources/index.js";
import { createOnceStore } from "./once-store.js";
import { createKeySetVerifier, type KeySetVerifier, type SigningKeyInfo } from "./signature.js";

/** ESS retries an event for 72 h (spec 2.3); keep ids a little longer so no redelivery slips through. */
export const DEFAULT_DEDUPE_TTL_MS = (72 + 6) * 60 * 60 * 1000;

export interface WebhookHandlerOptions {
  /**
   * Concur's ESS signing keys: PEM text with one or more public keys (or certificates); an event is verified when any
   * of them verifies it, so a key rotation loses nothing. Unset: every event is refused with 503 (nothing unverified
   * is published).
   */
  publicKeyPem?: string;
  /** Each verified event and the key that verified it (metrics: is the previous key still in use?). Must not throw. */
  onSignatureVerified?: (key: SigningKeyInfo) => void;
  /**
   * Reads the key set again (the key file): called when an event verifies with none of the keys, at most every
   * `reloadKeysEveryMs`, so a key added to the file counts without a restart. Returns PEM text or throws.
   */
  reloadKeys?: () => string;
  /** Least time between two reloads, ms. Default 30 000 (a stream of forged events costs one file read per 30 s). */
  reloadKeysEveryMs?: number;
  /** Largest accepted body in bytes; larger -> 413. */
  maxBodyBytes: number;
  /** Store of seen event ids (`ess:event:<id>`); on @keyv/redis the claim is atomic across replicas. */
  dedupe: Keyv;
  /** Each failed or timed-out call to the de-duplication store (the event is then answered 503; metrics). */
  onDedupeError?: (err: unknown) => void;
  /** How long an event id is remembered, ms. Default 78 h (72 h ESS retention + margin). */
  dedupeTtlMs?: number;
  /** Runs after the 202 went out. Throwing retries it (`onEventRetries` times) then logs the loss. */
  onEvent: (event: EssEvent) => Promise<void> | void;
  /** Retries of a failing `onEvent`. Default 3 (100 ms, doubling). */
  onEventRetries?: number;
  /**
   * ESS topics besides Accounting Integration, by topic name: each with its parser and its `onEvent` (e.g. FIS,
   * `public.concur.financialintegration`). Events of any other topic get the Accounting parser, hence its 400.
   */
  topics?: Record<string, EventTopic>;
  logger: Logger;
}

/** What the receiver needs of any parsed event: the de-duplication key, what to log, and whether to ignore it. */
export interface ReceivedEvent {
  id: string;
  eventType: string;
  kind: string;
  companyId: string;
  erpId?: string;
}

/** One ESS topic the receiver accepts: its parser (throws EssEventError -> 400) and where its events go. */
export interface EventTopic<E extends ReceivedEvent = ReceivedEvent> {
  parse(json: unknown): E;
  onEvent(event: E): Promise<void> | void;
}

/** A node-style request handler; mount it before any body parser (it reads the raw body itself). */
export interface WebhookHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Resolves when every acknowledged event has been processed (including ones acknowledged meanwhile). */
  drain(): Promise<void>;
  /** Refuses new events with 503 (ESS retries them) and drains. For shutdown. */
  close(): Promise<void>;
  /** Events acknowledged but not yet processed. */
  readonly inFlight: number;
}

class BodyTooLarge extends Error {}
class BodyAlreadyConsumed extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  // Already read by a body parser mounted in front of us: use its raw Buffer if it left one.
  const parsed = (req as { body?: unknown }).body;
  if (Buffer.isBuffer(parsed)) return parsed.length > maxBytes ? Promise.reject(new BodyTooLarge()) : Promise.resolve(parsed);
  // A parser that left no raw Buffer consumed the stream: waiting for "end" would hang forever.
  if (req.readableEnded || parsed !== undefined) return Promise.reject(new BodyAlreadyConsumed());
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, closeConnection = false): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text));
  if (closeConnection) res.setHeader("connection", "close");
  res.end(text);
}

/**
 * ESS webhook receiver (spec section 2.3). Answers:
 * 503 no key configured / shutting down / dedupe store down (ESS retries); 413 body too large;
 * 401 bad or missing `Concur-Signature` (ESS retries 401; a forger gets nothing); 400 not JSON or not an
 * event of our topic; 200 duplicate event id (not re-processed); 202 accepted, processed after the answer.
 * Nothing is de-duplicated or processed unless it verified and parsed.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const { logger, maxBodyBytes, onEvent } = options;
  const dedupeTtlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
  const retries = options.onEventRetries ?? 3;
  const once = createOnceStore(options.dedupe, { onRedisError: options.onDedupeError });
  // The topic dispatch: one row per ESS topic; unknown topics fall to the Accounting parser (its 400 as before).
  const topics: Record<string, EventTopic> = { [ACCOUNTING_TOPIC]: { parse: parseEssEvent, onEvent: onEvent as EventTopic["onEvent"] }, ...options.topics };
  const topicOf = (json: unknown): EventTopic => {
    const name = json !== null && typeof json === "object" ? (json as { topic?: unknown }).topic : undefined;
    return (typeof name === "string" && Object.hasOwn(topics, name) ? topics[name] : undefined) ?? topics[ACCOUNTING_TOPIC];
  };
  // Parse the key once; a bad PEM is a configuration mistake and throws here, at start-up.
  let keySet: KeySetVerifier | undefined = options.publicKeyPem ? createKeySetVerifier(options.publicKeyPem) : undefined;
  let keyText = options.publicKeyPem;
  let lastReload = Date.now();
  /** True when the key file holds another, readable key set now (then the event is checked again). */
  const reloadedKeys = (log: Logger): boolean => {
    const reload = options.reloadKeys;
    if (!reload || Date.now() - lastReload < (options.reloadKeysEveryMs ?? 30_000)) return false;
    lastReload = Date.now();
    try {
      const text = reload();
      if (text === keyText) return false;
      const next = createKeySetVerifier(text);
      keySet = next;
      keyText = text;
      log.info({ signingKeys: next.keys.map((k) => k.id) }, "ESS webhook signing keys reloaded from the key file");
      return true;
    } catch (err) {
      // Keep the keys that work; a broken file must not refuse events the current keys verify.
      log.error({ err }, "the ESS webhook key file could not be read again; keeping the keys loaded before");
      return false;
    }
  };
  if (!keySet) logger.warn("no Concur webhook public key configured: every ESS event will be refused with 503");
  else logger.info({ signingKeys: keySet.keys.map((k) => k.id) }, "ESS webhook signing keys loaded");

  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const processEvent = async (event: ReceivedEvent, route: EventTopic, log: Logger) => {
    try {
      await pRetry(() => route.onEvent(event), {
        retries,
        minTimeout: 100,
        factor: 2,
        onFailedAttempt: (error) => log.warn({ err: error, attempt: error.attemptNumber, retriesLeft: error.retriesLeft }, "ESS event processing failed"),
      });
    } catch (err) {
      log.error({ err }, "ESS event lost after retries (already acknowledged)");
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const correlationIdHeader = req.headers["concur-correlationid"];
    const correlationId = Array.isArray(correlationIdHeader) ? correlationIdHeader[0] : correlationIdHeader;
    let log = logger.child({ webhook: "ess", correlationId, remoteAddress: req.socket.remoteAddress });

    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return reply(res, 405, { error: "method not allowed: POST events here" });
    }
    if (!keySet) {
      log.warn("ESS event refused: no public key configured");
      return reply(res, 503, { error: "webhook receiver has no signing key configured" }, true);
    }
    if (closing) return reply(res, 503, { error: "shutting down" }, true);

    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        log.warn({ maxBodyBytes }, "ESS event refused: body too large");
        reply(res, 413, { error: `body larger than ${maxBodyBytes} bytes` }, true);
        // Stop reading an oversized upload once the answer is out.
        res.once("finish", () => req.destroy());
        return;
      }
      if (error instanceof BodyAlreadyConsumed) {
        // ESS retries 5xx: no event is lost while the mounting is fixed.
        log.error("ESS webhook mounted after a body parser: mount it before express.json()/raw()");
        return reply(res, 500, { error: "webhook receiver misconfigured" });
      }
      log.warn({ err: error }, "ESS event body could not be read");
      return reply(res, 400, { error: "request body could not be read" }, true);
    }

    const signature = req.headers["concur-signature"];
    const signatureValue = Array.isArray(signature) ? signature[0] : signature;
    let signedBy = keySet.verify(body, signatureValue);
    if (!signedBy && reloadedKeys(log)) signedBy = keySet.verify(body, signatureValue);
    if (!signedBy) {
      log.warn({ hasSignature: signature !== undefined, bytes: body.length, signingKeys: keySet.keys.length }, "ESS event refused: bad or missing Concur-Signature");
      return reply(res, 401, { error: "invalid Concur-Signature" });
    }
    options.onSignatureVerified?.(signedBy);
    log = log.child({ signingKey: signedBy.id });

    let event: ReceivedEvent;
    let route: EventTopic;
    try {
      const json: unknown = JSON.parse(body.toString("utf8"));
      route = topicOf(json);
      event = route.parse(json);
    } catch (error) {
      const message = error instanceof EssEventError ? error.message : "body is not valid JSON";
      log.warn({ reason: message }, "ESS event refused: malformed");
      return reply(res, 400, { error: message });
    }
    log = log.child({ eventId: event.id, eventType: event.eventType, companyId: event.companyId, erpId: event.erpId });

    let first: boolean;
    try {
      first = await once.setIfAbsent(`ess:event:${event.id}`, "1", dedupeTtlMs);
    } catch (err) {
      log.error({ err }, "ESS event refused: dedupe store unavailable");
      return reply(res, 503, { error: "temporarily unavailable" });
    }
    if (!first) {
      log.info("ESS event duplicate ignored");
      return reply(res, 200, { status: "duplicate" });
    }
    if (event.kind === "unknown") {
      log.info("ESS event of unknown type acknowledged and ignored");
      return reply(res, 202, { status: "ignored" });
    }

    // Track before answering so drain() can never miss an acknowledged event.
    let done!: () => void;
    const tracked = new Promise<void>((resolve) => (done = resolve));
    inFlight.add(tracked);
    reply(res, 202, { status: "accepted" });
    log.info("ESS event accepted");
    setImmediate(() => {
      void processEvent(event, route, log).finally(() => {
        inFlight.delete(tracked);
        done();
      });
    });
  };

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err) => {
      const errorId = crypto.randomUUID();
      logger.error({ err, errorId }, "ESS webhook handler failed");
      reply(res, 500, { error: `internal error (error id ${errorId})`, errorId });
    });
  }) as WebhookHandler;

  const drain = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };
  Object.defineProperties(handler, {
    drain: { value: drain },
    close: {
      value: async () => {
        closing = true;
        await drain();
      },
    },
    inFlight: { get: () => inFlight.size },
  });
  return handler;
}
