import { badRequest } from "../core/errors.js";
import { isObject } from "../core/validation.js";

/** How an injected token-endpoint failure answers: plain-text 500/503, or JSON code 134 (scheduled maintenance). */
export type TokenFaultKind = "500" | "503" | "maintenance";
const KINDS: readonly TokenFaultKind[] = ["500", "503", "maintenance"];

export interface TokenFaults {
  /** How many of the next token-endpoint calls fail. */
  remaining: number;
  kind: TokenFaultKind;
}

export const noTokenFaults = (): TokenFaults => ({ remaining: 0, kind: "503" });

/** Admin input `{next: n, kind?}`; next 0 clears. */
export function parseTokenFaults(body: unknown): TokenFaults {
  if (!isObject(body)) throw badRequest("Body must be a JSON object");
  const { next, kind = "503" } = body;
  if (typeof next !== "number" || !Number.isInteger(next) || next < 0) throw badRequest("next must be an integer ≥ 0");
  if (typeof kind !== "string" || !(KINDS as string[]).includes(kind)) throw badRequest(`kind must be one of ${KINDS.join(", ")}`);
  return { remaining: next, kind: kind as TokenFaultKind };
}
