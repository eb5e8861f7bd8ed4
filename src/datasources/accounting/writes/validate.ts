import { badInput, type CodedError } from "../../../errors.js";
import { AccountType, ConfigurationFieldType, ErpFeatureFlag, VendorType } from "../../../schema/enums.js";

/**
 * Input validation of write payloads, before anything is queued or sent (spec 1.1, 1.2a-d, Q10).
 * Each validator returns every problem it finds (never throws); `problemsToError` turns them into one
 * BAD_USER_INPUT error that lists them all.
 */

/** One thing wrong with the input: where, what was given, and what to send instead. */
export interface Problem {
  /** Input path, e.g. `accounts[2].type`. */
  field: string;
  /** Full sentence starting with the path, e.g. `accounts[2].type: "EXPENS" is not an AccountType; expected one of …`. */
  message: string;
}

// The schema enums' values are Concur's wire values for these four types (mappers.ts relies on the same).
export const ACCOUNT_TYPES = Object.values(AccountType);
export const VENDOR_TYPES = Object.values(VendorType);
export const ERP_FEATURE_FLAGS = Object.values(ErpFeatureFlag);
export const CONFIGURATION_FIELD_TYPES = Object.values(ConfigurationFieldType);

/** Required vendor fields by vendor type (spec Q10: the markdown's stricter reading). */
export const VENDOR_REQUIRED: Record<VendorType, readonly string[]> = {
  ACCOUNTING: ["name", "companyName"],
  EMPLOYEE: ["firstName", "lastName", "email", "employeeId"],
};

/** ISO 4217 codes known to this Node's ICU (no hand-written list). */
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region" });

export function isCurrencyCode(value: string): boolean {
  return CURRENCIES.has(value);
}

/** ISO 3166-1 alpha-2 as known to ICU: two capitals that ICU can name. */
export function isCountryCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value)) return false;
  const name = REGION_NAMES.of(value);
  return name !== undefined && name !== value && name !== "Unknown Region";
}

type Obj = Record<string, unknown>;

const show = (value: unknown): string => {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

class Collector {
  readonly problems: Problem[] = [];
  add(field: string, message: string): void {
    this.problems.push({ field, message: `${field}: ${message}` });
  }
  object(value: unknown, path: string): value is Obj {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return true;
    this.add(path, `${show(value)} is not an object`);
    return false;
  }
  /** Required non-blank string. */
  required(obj: Obj, key: string, path: string, why = ""): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      this.add(`${path}.${key}`, `is required${why}`);
      return undefined;
    }
    if (typeof value !== "string") {
      this.add(`${path}.${key}`, `${show(value)} is not a string`);
      return undefined;
    }
    if (value.trim() === "") {
      this.add(`${path}.${key}`, `must not be empty${why}`);
      return undefined;
    }
    return value;
  }
  optional(obj: Obj, key: string, path: string): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") {
      this.add(`${path}.${key}`, `${show(value)} is not a string`);
      return undefined;
    }
    return value;
  }
  oneOf(value: string | undefined, allowed: readonly string[], typeName: string, field: string): void {
    if (value !== undefined && !allowed.includes(value)) {
      this.add(field, `${show(value)} is not a${/^[AEIOU]/.test(typeName) ? "n" : ""} ${typeName}; expected one of ${allowed.join(", ")}`);
    }
  }
  array(obj: Obj, key: string, path: string, required: boolean): unknown[] | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.add(`${path}.${key}`, "is required (a list)");
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.add(`${path}.${key}`, `${show(value)} is not a list`);
      return undefined;
    }
    return value;
  }
}

/** Account (spec 1.2a): id, name, type required; number optional. */
export function validateAccount(input: unknown, path: string): Problem[] {
  const c = new Collector();
  if (!c.object(input, path)) return c.problems;
  c.required(input, "id", path);
  c.required(input, "name", path);
  c.optional(input, "number", path);
  c.oneOf(c.required(input, "type", path), ACCOUNT_TYPES, "AccountType", `${path}.type`);
  return c.problems;
}

/** Vendor (spec 1.2b, Q10): all need id, type, currencyCode; the rest depends on the type. */
export function validateVendor(input: unknown, path: string): Problem[] {
  const c = new Collector();
  if (!c.object(input, path)) return c.problems;
  c.required(input, "id", path);
  const type = c.required(input, "type", path);
  c.oneOf(type, VENDOR_TYPES, "VendorType", `${path}.type`);
  const currency = c.required(input, "currencyCode", path);
  if (currency !== undefined && !isCurrencyCode(currency)) {
    c.add(`${path}.currencyCode`, `${show(currency)} is not an ISO 4217 currency code (e.g. "USD", "EUR")`);
  }
  if (type === "ACCOUNTING" || type === "EMPLOYEE") {
    for (const key of VENDOR_REQUIRED[type]) c.required(input, key, path, ` for ${type} vendors`);
  }
  for (const key of ["taxId", "phone", "accountNumber"]) c.optional(input, key, path);
  const email = typeof input.email === "string" ? input.email : undefined;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) c.add(`${path}.email`, `${show(email)} is not an email address`);
  const address = input.address;
  if (address !== undefined && address !== null && c.object(address, `${path}.address`)) {
    for (const key of ["addr1", "addr2", "addr3", "city", "state", "country", "postalCode", "note"]) c.optional(address, key, `${path}.address`);
  }
  return c.problems;
}

/** List name (spec 1.2c): id and name required. */
export function validateListName(input: unknown, path: string): Problem[] {
  const c = new Collector();
  if (!c.object(input, path)) return c.problems;
  c.required(input, "id", path);
  c.required(input, "name", path);
  return c.problems;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Tax data (spec 1.2d): countryCode (ISO 3166-1 alpha-2), stateEntries → reclaimEntries → reclaimDetails. */
export function validateTaxData(input: unknown, path: string): Problem[] {
  const c = new Collector();
  if (!c.object(input, path)) return c.problems;
  const country = c.required(input, "countryCode", path);
  if (country !== undefined && !isCountryCode(country)) c.add(`${path}.countryCode`, `${show(country)} is not an ISO 3166-1 alpha-2 country code (e.g. "DE")`);
  c.optional(input, "countryDesc", path);
  c.optional(input, "countryName", path);
  const states = c.array(input, "stateEntries", path, true) ?? [];
  states.forEach((state, s) => {
    const sp = `${path}.stateEntries[${s}]`;
    if (!c.object(state, sp)) return;
    c.optional(state, "stateCode", sp);
    c.optional(state, "stateDesc", sp);
    const reclaims = c.array(state, "reclaimEntries", sp, true) ?? [];
    reclaims.forEach((reclaim, r) => {
      const rp = `${sp}.reclaimEntries[${r}]`;
      if (!c.object(reclaim, rp)) return;
      c.required(reclaim, "reclaimCode", rp);
      c.optional(reclaim, "reclaimDesc", rp);
      const details = c.array(reclaim, "reclaimDetails", rp, true) ?? [];
      details.forEach((detail, d) => {
        const dp = `${rp}.reclaimDetails[${d}]`;
        if (!c.object(detail, dp)) return;
        c.required(detail, "taxCode", dp);
        c.optional(detail, "taxRateDesc", dp);
        const pct = detail.percentage;
        if (pct !== undefined && pct !== null && (typeof pct !== "number" || !Number.isFinite(pct) || pct < 0)) {
          c.add(`${dp}.percentage`, `${show(pct)} is not a percentage (a number ≥ 0)`);
        }
        const from = c.required(detail, "validFrom", dp);
        if (from !== undefined && !isDate(from)) c.add(`${dp}.validFrom`, `${show(from)} is not a date (YYYY-MM-DD)`);
        const to = c.optional(detail, "validTo", dp);
        if (to !== undefined && !isDate(to)) c.add(`${dp}.validTo`, `${show(to)} is not a date (YYYY-MM-DD)`);
        else if (to !== undefined && from !== undefined && isDate(from) && to < from) c.add(`${dp}.validTo`, `${show(to)} is before validFrom ${show(from)}`);
      });
    });
  });
  return c.problems;
}

/** A record id to delete (spec 1.2: `{id, isDeleted: true}`): a non-blank string. */
export function validateId(input: unknown, path: string): Problem[] {
  if (typeof input === "string" && input.trim() !== "") return [];
  return [{ field: path, message: `${path}: ${show(input)} is not a record id (a non-empty string)` }];
}

/**
 * ErpPackage for register / update (spec 1.1). On update, `features` and `postingOptions` replace the stored
 * ones wholesale, so both are required then (pass `{ update: true }`).
 */
export function validateErpPackage(input: unknown, path: string, options: { update?: boolean } = {}): Problem[] {
  const c = new Collector();
  if (!c.object(input, path)) return c.problems;
  if (!options.update) {
    c.required(input, "partnerAppName", path);
    c.required(input, "erpName", path);
    c.required(input, "externalErpId", path);
  } else {
    for (const key of ["partnerAppName", "erpName", "externalErpId"]) {
      if (input[key] !== undefined) c.required(input, key, path);
    }
  }
  const features = c.array(input, "features", path, Boolean(options.update)) ?? [];
  const seen = new Set<unknown>();
  features.forEach((f, i) => {
    const fp = `${path}.features[${i}]`;
    if (typeof f !== "string") return c.add(fp, `${show(f)} is not an ErpFeatureFlag`);
    c.oneOf(f, ERP_FEATURE_FLAGS, "ErpFeatureFlag", fp);
    if (seen.has(f)) c.add(fp, `${show(f)} is listed twice`);
    seen.add(f);
  });
  const options_ = c.array(input, "postingOptions", path, Boolean(options.update)) ?? [];
  const codes = new Set<string>();
  const names = new Set<string>();
  options_.forEach((option, i) => {
    const op = `${path}.postingOptions[${i}]`;
    if (!c.object(option, op)) return;
    const code = c.required(option, "postingCode", op);
    const name = c.required(option, "postingName", op);
    if (code !== undefined && codes.has(code)) c.add(`${op}.postingCode`, `${show(code)} is used by another posting option; codes must be unique`);
    if (name !== undefined && names.has(name)) c.add(`${op}.postingName`, `${show(name)} is used by another posting option; names must be unique`);
    if (code !== undefined) codes.add(code);
    if (name !== undefined) names.add(name);
    const oop = option.availableForOutOfPocketExpenses;
    if (oop !== undefined && oop !== null && typeof oop !== "boolean") c.add(`${op}.availableForOutOfPocketExpenses`, `${show(oop)} is not a boolean`);
    const fields = c.array(option, "configurationFields", op, false) ?? [];
    fields.forEach((field, j) => {
      const fp = `${op}.configurationFields[${j}]`;
      if (!c.object(field, fp)) return;
      c.oneOf(c.required(field, "configurationFieldType", fp), CONFIGURATION_FIELD_TYPES, "ConfigurationFieldType", `${fp}.configurationFieldType`);
    });
  });
  return c.problems;
}

/** Validates every element of a list with `validate(item, "<name>[i]")`. */
export function validateAll(items: readonly unknown[], name: string, validate: (input: unknown, path: string) => Problem[]): Problem[] {
  return items.flatMap((item, i) => validate(item, `${name}[${i}]`));
}

/** One BAD_USER_INPUT error listing every problem (first 50), or undefined when there are none. */
export function problemsToError(problems: readonly Problem[]): CodedError | undefined {
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, 50).map((p) => p.message);
  const more = problems.length > 50 ? `\n… and ${problems.length - 50} more` : "";
  const head = problems.length === 1 ? "" : `${problems.length} problems in the input:\n`;
  return badInput(`${head}${shown.join("\n")}${more}`, {
    field: problems[0]!.field,
    problems: problems.slice(0, 50).map((p) => ({ field: p.field, message: p.message })),
  });
}
