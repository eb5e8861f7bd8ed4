import { createHash } from "node:crypto";
import type { ReadLog } from "./read-log.js";

/**
 * Who is asking: the bearer token exactly as received (forwarded to Concur, never logged) and a key
 * derived from it for cache keys, so one caller's cached data is never served to another caller.
 */
export interface Caller {
  /** The `Authorization` header as received, e.g. `Bearer eyJ…`. Forwarded upstream unchanged. */
  authorization: string;
  /** First 32 hex chars of sha256(token): the caller's identity inside cache keys. */
  key: string;
  /** Sent upstream as `concur-correlationid` when present (e.g. from an ESS delivery). */
  correlationId?: string;
  /** The operation's record of its cached reads, when its answer may be reused (see read-log.ts). */
  readLog?: ReadLog;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** Cache-key identity of a token: the first 32 hex chars of its sha256. */
export function callerKeyOf(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 32);
}

/**
 * Builds a Caller from an `Authorization` header; null when it is missing or not `Bearer <token>`
 * (the context turns null into UNAUTHENTICATED with a message that says what to send).
 */
export function callerFromAuthorization(header: string | undefined, correlationId?: string): Caller | null {
  if (typeof header !== "string" || header.length > 16_384) return null;
  const match = BEARER.exec(header);
  if (!match) return null;
  const token = match[1];
  const caller: Caller = { authorization: `Bearer ${token}`, key: callerKeyOf(token) };
  if (correlationId) caller.correlationId = correlationId;
  return caller;
}
