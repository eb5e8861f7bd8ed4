// The Invoice "after apply" fault: a write call is carried out, then its answer is lost (500) or held (a slow answer,
// long enough for a client's timeout or for the client to die). The core faults all fire before the handler, so they
// never produce the case a client cannot tell apart: "applied, but I was not told".
import type { Reply } from "../core/http.js";
import { roll } from "../core/faults.js";
import type { ValidationError } from "../core/types.js";
import { isObject } from "../core/validation.js";
import type { AfterApplyFault, InvoiceContext } from "./context.js";

export const AFTER_APPLY_KEY = "invoiceWritesAfterApply";
const DEFAULT_HOLD_MS = 5_000;

/** Validates `{answer, count?, rate?, holdMs?}` or null (off); unknown keys are refused so a typo does not pass. */
export function afterApplyProblems(value: unknown): ValidationError[] {
  if (value === undefined || value === null) return [];
  const problem = (field: string, message: string): ValidationError => ({ source: `${AFTER_APPLY_KEY}.${field}`, errorCode: `${AFTER_APPLY_KEY}.invalid`, errorMessage: message });
  if (!isObject(value)) return [{ source: AFTER_APPLY_KEY, errorCode: `${AFTER_APPLY_KEY}.invalid`, errorMessage: 'must be {"answer": "500" | "hold", "count"?, "rate"?, "holdMs"?} or null' }];
  const errors: ValidationError[] = [];
  for (const key of Object.keys(value)) if (!["answer", "count", "rate", "holdMs"].includes(key)) errors.push(problem(key, "is not a setting of this fault"));
  if (value.answer !== "500" && value.answer !== "hold") errors.push(problem("answer", 'must be "500" or "hold"'));
  for (const key of ["count", "holdMs"] as const) {
    const n = value[key];
    if (n !== undefined && (typeof n !== "number" || !Number.isInteger(n) || n < 0)) errors.push(problem(key, "must be an integer ≥ 0"));
  }
  if (value.rate !== undefined && (typeof value.rate !== "number" || value.rate < 0 || value.rate > 1)) errors.push(problem("rate", "must be a number in 0..1"));
  return errors;
}

/** The fault as set (a validated value), or undefined for null (off). */
export function afterApplyOf(value: unknown): AfterApplyFault | undefined {
  if (!isObject(value)) return undefined;
  return {
    answer: value.answer as AfterApplyFault["answer"],
    count: typeof value.count === "number" ? value.count : 0,
    rate: typeof value.rate === "number" ? value.rate : 0,
    holdMs: typeof value.holdMs === "number" ? value.holdMs : DEFAULT_HOLD_MS,
  };
}

/**
 * What happens to the answer of an applied write (the guard carries it out): `"500"` (lost), a hold in ms, or nothing
 * when the fault is off, does not pick this call, or the handler did not answer 200.
 */
export function afterApplyFaultFor(ctx: InvoiceContext, reply: Reply): "500" | number | undefined {
  const fault = ctx.invoiceSettings.invoiceWritesAfterApply;
  if (!fault || reply.status !== 200) return undefined;
  if (fault.count > 0) fault.count -= 1;
  else if (!roll(fault.rate, ctx.random)) return undefined;
  return fault.answer === "500" ? "500" : fault.holdMs;
}
