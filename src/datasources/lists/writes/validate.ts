import { badInput, type CodedError } from "../../../errors.js";

/** A value refused before any call: the input path and why. */
export interface ListProblem {
  field: string;
  message: string;
}

/**
 * Short codes and values must be non-empty and hyphen-free: Concur joins ancestors' short codes with `-` into the
 * long code, and a hyphen inside one "can corrupt the list" (spec §2, [ITEM] [BULK]). Refused, never transformed.
 */
export function checkSegment(field: string, text: unknown, what: "code" | "value"): ListProblem[] {
  if (typeof text !== "string" || text.trim().length === 0) return [{ field, message: `${field}: must be a non-empty string` }];
  if (text.includes("-")) {
    return [{ field, message: `${field}: ${JSON.stringify(clip(text))} contains a hyphen; Concur joins list item codes with "-" into long codes, so a hyphen in a ${what} would corrupt the list. Replace it before sending.` }];
  }
  return [];
}

/** A long code (`A-B-C`): hyphen-separated non-empty short codes. */
export function checkLongCode(field: string, code: unknown): ListProblem[] {
  if (typeof code !== "string" || code.length === 0) return [{ field, message: `${field}: must be a non-empty long code` }];
  if (code.split("-").some((part) => part.trim().length === 0)) return [{ field, message: `${field}: ${JSON.stringify(clip(code))} has an empty short code between hyphens` }];
  return [];
}

/** One BAD_USER_INPUT naming every problem (at most 10 spelled out), or null. */
export function listProblemsToError(problems: ListProblem[]): CodedError | null {
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 10).map((p) => p.message);
  const more = problems.length > 10 ? `; and ${problems.length - 10} more` : "";
  return badInput(`${shown.join("; ")}${more}`, { field: problems[0].field, problems: problems.slice(0, 100) });
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
