import { badRequest } from "./errors.js";
import type { RandomSource, ValidationError } from "./types.js";
import { isObject } from "./validation.js";

/** Fault injection knobs, settable at start (`EmulatorOptions.faults`) or at run time (`PUT /_emulator/faults`). */
export interface Faults {
  /** Added to every Concur API answer (not admin, not OAuth). Default 0. */
  latencyMs: number;
  /** Share (0..1) of Concur API calls answered 500 without doing anything. Default 0. */
  error5xxRate: number;
  /** Share (0..1) of Concur API calls answered 429 with Retry-After. Default 0. */
  rate429: number;
  /** Share (0..1) of webhook deliveries sent twice. Default 0. */
  webhookDuplicateRate: number;
  /** Hold events briefly and deliver each batch in reverse order. Default false. */
  webhookReorder: boolean;
  /** false = deliver no webhooks at all. Default true. */
  webhooksEnabled: boolean;
}

export const DEFAULT_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  error5xxRate: 0,
  rate429: 0,
  webhookDuplicateRate: 0,
  webhookReorder: false,
  webhooksEnabled: true,
});

const NUMERIC: ReadonlyArray<keyof Faults> = ["latencyMs", "error5xxRate", "rate429", "webhookDuplicateRate"];
const BOOLEAN: ReadonlyArray<keyof Faults> = ["webhookReorder", "webhooksEnabled"];

/** Validates a partial Faults object (admin input); unknown keys are rejected so typos do not pass silently. */
export function parseFaults(input: unknown): Partial<Faults> {
  if (!isObject(input)) throw badRequest("Faults must be a JSON object");
  const out: Partial<Faults> = {};
  const errors: ValidationError[] = [];
  for (const [key, value] of Object.entries(input)) {
    if ((NUMERIC as string[]).includes(key)) {
      const isRate = key !== "latencyMs";
      if (typeof value !== "number" || value < 0 || (isRate && value > 1)) {
        errors.push({ source: key, errorCode: `${key}.invalid`, errorMessage: isRate ? "must be a number in 0..1" : "must be a number ≥ 0" });
      } else (out as Record<string, number>)[key] = value;
    } else if ((BOOLEAN as string[]).includes(key)) {
      if (typeof value !== "boolean") errors.push({ source: key, errorCode: `${key}.invalid`, errorMessage: "must be a boolean" });
      else (out as Record<string, boolean>)[key] = value;
    } else {
      errors.push({ source: key, errorCode: `${key}.unknown`, errorMessage: "is not a fault setting" });
    }
  }
  if (errors.length > 0) throw badRequest("Invalid faults", errors);
  return out;
}

/** True with probability `rate`; a rate of 1 always fires, 0 never (no random draw is wasted). */
export function roll(rate: number, random: RandomSource): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return random() < rate;
}
