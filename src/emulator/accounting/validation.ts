import { badRequest } from "../core/errors.js";
import { isObject } from "../core/validation.js";
import { ACCOUNTING_LIMITS } from "./limits.js";
import type { JsonObject, JsonValue, ValidationError } from "../core/types.js";
import type { ConfigurationField, ObjectType, PostingOption, StoredRecord } from "./types.js";

export const ACCOUNT_TYPES: readonly string[] = [
  "ACCOUNTS_PAYABLE", "ACCOUNTS_RECEIVABLE", "BANK", "COST_OF_GOODS_SOLD", "CREDIT_CARD", "DEPRECIATION", "EQUITY",
  "EXPENSE", "FIXED_ASSETS", "FUTURE_ASSETS", "INCOME", "LOAN", "LONG_TERM_LIABILITIES", "OTHER_ASSETS",
  "OTHER_CURRENT_ASSETS", "OTHER_CURRENT_LIABILITIES", "OTHER_EXPENSE", "OTHER_INCOME",
];
export const VENDOR_TYPES: readonly string[] = ["ACCOUNTING", "EMPLOYEE"];
export const ERP_FEATURES: readonly string[] = [
  "SUPPORTS_RECEIPT_POSTING", "SUPPORTS_LIABILITY_ACCOUNT", "DISABLE_INVOICE_INTEGRATION", "ENABLE_TAX_INTEGRATION",
];
export const CONFIGURATION_FIELD_TYPES: readonly string[] = [
  "ERP_LIABILITY_ACCOUNT", "ERP_CREDIT_CARD_ACCOUNT", "ERP_CLEARING_ACCOUNT", "CREDIT_CARD_VENDOR_NAME", "POSTING_DATE",
];
export const OBJECT_TYPES_RESETTABLE: readonly string[] = ["ACCOUNT", "VENDOR", "LIST"];

const ADDRESS_FIELDS = ["addr1", "addr2", "addr3", "city", "state", "country", "postalCode", "note"] as const;
const VENDOR_OPTIONAL_STRINGS = [
  "name", "companyName", "lastName", "firstName", "email", "employeeId", "taxId", "phone", "accountNumber",
] as const;


const required = (source: string): ValidationError => ({
  source,
  errorCode: `${source}.required`,
  errorMessage: `${source} is required`,
});
const invalid = (source: string, why: string): ValidationError => ({
  source,
  errorCode: `${source}.invalid`,
  errorMessage: `${source} ${why}`,
});

/** Non-empty string check producing `<field>.required` / `<field>.invalid` [INFERRED Q9]. */
function requireString(raw: JsonObject, field: string, errors: ValidationError[], source = field): void {
  const v = raw[field];
  if (v === undefined || v === null || v === "") errors.push(required(source));
  else if (typeof v !== "string") errors.push(invalid(source, "must be a string"));
}

function optionalString(raw: JsonObject, field: string, errors: ValidationError[], source = field): void {
  const v = raw[field];
  if (v !== undefined && v !== null && typeof v !== "string") errors.push(invalid(source, "must be a string"));
}

function requireEnum(raw: JsonObject, field: string, allowed: readonly string[], errors: ValidationError[]): void {
  const v = raw[field];
  if (v === undefined || v === null || v === "") errors.push(required(field));
  else if (typeof v !== "string" || !allowed.includes(v)) errors.push(invalid(field, `must be one of ${allowed.join(", ")}`));
}

/** Validation of one record that is to be added or updated (spec Q9/Q10). */
export function validateUpsert(type: ObjectType, raw: JsonObject, existing: StoredRecord | undefined): ValidationError[] {
  const errors: ValidationError[] = [];
  switch (type) {
    case "ACCOUNT":
      requireString(raw, "id", errors);
      requireString(raw, "name", errors);
      requireEnum(raw, "type", ACCOUNT_TYPES, errors);
      optionalString(raw, "number", errors);
      break;
    case "VENDOR":
      validateVendor(raw, existing, errors);
      break;
    case "LIST":
      requireString(raw, "id", errors);
      requireString(raw, "name", errors);
      break;
    case "TAX":
      validateTaxData(raw, errors);
      break;
  }
  const bytes = Buffer.byteLength(JSON.stringify(raw));
  if (bytes > ACCOUNTING_LIMITS.maxRecordBytes) {
    // [INFERRED Q6] oversize records fail individually; "record" is not a property, so source names the whole record.
    errors.push({
      source: "record",
      errorCode: "record.tooLarge",
      errorMessage: `record is ${bytes} bytes; the limit is ${ACCOUNTING_LIMITS.maxRecordBytes} bytes`,
    });
  }
  return errors;
}

/** A record flagged `isDeleted` needs only its key. */
export function validateDelete(type: ObjectType, raw: JsonObject): ValidationError[] {
  const errors: ValidationError[] = [];
  requireString(raw, type === "TAX" ? "countryCode" : "id", errors);
  return errors;
}

function validateVendor(raw: JsonObject, existing: StoredRecord | undefined, errors: ValidationError[]): void {
  requireString(raw, "id", errors);
  requireEnum(raw, "type", VENDOR_TYPES, errors);
  // [INFERRED Q10] markdown rules (stricter than swagger): currencyCode for all types.
  requireString(raw, "currencyCode", errors);
  if (typeof raw.currencyCode === "string" && raw.currencyCode !== "" && !/^[A-Z]{3}$/.test(raw.currencyCode)) {
    errors.push(invalid("currencyCode", "must be a 3-letter ISO 4217 code"));
  }
  for (const f of VENDOR_OPTIONAL_STRINGS) optionalString(raw, f, errors);
  if (raw.type === "ACCOUNTING") {
    requireString(raw, "name", errors);
    requireString(raw, "companyName", errors);
  } else if (raw.type === "EMPLOYEE") {
    for (const f of ["firstName", "lastName", "email", "employeeId"]) requireString(raw, f, errors);
  }
  if (typeof raw.email === "string" && raw.email !== "" && !/^[^@\s]+@[^@\s]+$/.test(raw.email)) {
    errors.push(invalid("email", "must be an e-mail address"));
  }
  const address = raw.address;
  if (address !== undefined && address !== null) {
    if (!isObject(address)) errors.push(invalid("address", "must be an object"));
    else for (const f of ADDRESS_FIELDS) optionalString(address, f, errors, `address.${f}`);
  }
  // Documented example (spec 1.2b): an existing vendor cannot change type.
  if (existing && "type" in existing && typeof raw.type === "string" && existing.type !== raw.type) {
    errors.push({ source: "type", errorCode: "type.cannot.update", errorMessage: "Vendor type cannot be updated" });
  }
}

function validateTaxData(raw: JsonObject, errors: ValidationError[]): void {
  requireString(raw, "countryCode", errors);
  if (typeof raw.countryCode === "string" && raw.countryCode !== "" && !/^[A-Z]{2}$/.test(raw.countryCode)) {
    errors.push(invalid("countryCode", "must be an ISO 3166-1 alpha-2 code"));
  }
  optionalString(raw, "countryName", errors);
  optionalString(raw, "countryDesc", errors);
  const states = requireArray(raw, "stateEntries", "stateEntries", errors);
  states.forEach((s, i) => {
    const sp = `stateEntries[${i}]`;
    if (!isObject(s)) return void errors.push(invalid(sp, "must be an object"));
    optionalString(s, "stateCode", errors, `${sp}.stateCode`);
    optionalString(s, "stateDesc", errors, `${sp}.stateDesc`);
    requireArray(s, "reclaimEntries", `${sp}.reclaimEntries`, errors).forEach((r, j) => {
      const rp = `${sp}.reclaimEntries[${j}]`;
      if (!isObject(r)) return void errors.push(invalid(rp, "must be an object"));
      requireString(r, "reclaimCode", errors, `${rp}.reclaimCode`);
      optionalString(r, "reclaimDesc", errors, `${rp}.reclaimDesc`);
      requireArray(r, "reclaimDetails", `${rp}.reclaimDetails`, errors).forEach((d, k) => {
        const dp = `${rp}.reclaimDetails[${k}]`;
        if (!isObject(d)) return void errors.push(invalid(dp, "must be an object"));
        requireString(d, "taxCode", errors, `${dp}.taxCode`);
        optionalString(d, "taxRateDesc", errors, `${dp}.taxRateDesc`);
        if (d.percentage !== undefined && d.percentage !== null && typeof d.percentage !== "number") {
          errors.push(invalid(`${dp}.percentage`, "must be a number"));
        }
        requireString(d, "validFrom", errors, `${dp}.validFrom`);
        if (typeof d.validFrom === "string" && d.validFrom !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(d.validFrom)) {
          errors.push(invalid(`${dp}.validFrom`, "must be YYYY-MM-dd"));
        }
        optionalString(d, "validTo", errors, `${dp}.validTo`);
      });
    });
  });
}

function requireArray(raw: JsonObject, field: string, source: string, errors: ValidationError[]): JsonValue[] {
  const v = raw[field];
  if (v === undefined || v === null) {
    errors.push(required(source));
    return [];
  }
  if (!Array.isArray(v)) {
    errors.push(invalid(source, "must be an array"));
    return [];
  }
  return v;
}

export interface DataBody {
  deleteAll: boolean;
  data: JsonObject[];
}

/** Request-level shape check of `{deleteAll?, data[]}`; failures are 400 with validationErrors. */
export function parseDataBody(body: unknown, allowMissingData: boolean): DataBody {
  if (!isObject(body)) throw badRequest("Request body must be a JSON object", [invalid("body", "must be a JSON object")]);
  const errors: ValidationError[] = [];
  const { deleteAll, data } = body;
  if (deleteAll !== undefined && deleteAll !== null && typeof deleteAll !== "boolean") {
    errors.push(invalid("deleteAll", "must be a boolean"));
  }
  const deleteAllFlag = deleteAll === true;
  if (data === undefined || data === null) {
    if (!(allowMissingData && deleteAllFlag)) errors.push(required("data"));
  } else if (!Array.isArray(data)) {
    errors.push(invalid("data", "must be an array"));
  } else {
    data.forEach((item, i) => {
      if (!isObject(item)) errors.push(invalid(`data[${i}]`, "must be a JSON object"));
      else if (item.isDeleted !== undefined && item.isDeleted !== null && typeof item.isDeleted !== "boolean") {
        errors.push(invalid(`data[${i}].isDeleted`, "must be a boolean"));
      }
    });
  }
  if (errors.length > 0) throw badRequest("Request body is invalid", errors);
  return { deleteAll: deleteAllFlag, data: Array.isArray(data) ? (data as JsonObject[]) : [] };
}

export interface ErpPackageInput {
  partnerAppName?: string;
  erpName?: string;
  externalErpId?: string;
  features?: string[];
  postingOptions?: PostingOption[];
}

/**
 * Validates an ErpPackage body. `partial` (R2 PATCH) lets the three required strings be absent.
 * [INFERRED Q16] configuration fields accept `required` or `isRequired`; `isRequired` is emitted.
 */
export function parseErpPackage(body: unknown, partial: boolean): ErpPackageInput {
  if (!isObject(body)) throw badRequest("Request body must be a JSON object", [invalid("body", "must be a JSON object")]);
  const errors: ValidationError[] = [];
  const out: ErpPackageInput = {};
  for (const f of ["partnerAppName", "erpName", "externalErpId"] as const) {
    const v = body[f];
    if (v === undefined || v === null || v === "") {
      if (!partial) errors.push(required(f));
    } else if (typeof v !== "string") errors.push(invalid(f, "must be a string"));
    else out[f] = v;
  }
  if (body.features !== undefined && body.features !== null) {
    if (!Array.isArray(body.features)) errors.push(invalid("features", "must be an array"));
    else {
      const seen = new Set<string>();
      body.features.forEach((f, i) => {
        if (typeof f !== "string" || !ERP_FEATURES.includes(f)) {
          errors.push(invalid(`features[${i}]`, `must be one of ${ERP_FEATURES.join(", ")}`));
        } else if (seen.has(f)) errors.push(invalid(`features[${i}]`, "must be unique"));
        else seen.add(f);
      });
      out.features = [...seen];
    }
  }
  if (body.postingOptions !== undefined && body.postingOptions !== null) {
    if (!Array.isArray(body.postingOptions)) errors.push(invalid("postingOptions", "must be an array"));
    else out.postingOptions = parsePostingOptions(body.postingOptions, errors);
  }
  if (errors.length > 0) throw badRequest("ERP package is invalid", errors);
  return out;
}

function parsePostingOptions(items: JsonValue[], errors: ValidationError[]): PostingOption[] {
  const codes = new Set<string>();
  const names = new Set<string>();
  const out: PostingOption[] = [];
  items.forEach((item, i) => {
    const p = `postingOptions[${i}]`;
    if (!isObject(item)) return void errors.push(invalid(p, "must be an object"));
    const before = errors.length;
    requireString(item, "postingCode", errors, `${p}.postingCode`);
    requireString(item, "postingName", errors, `${p}.postingName`);
    if (typeof item.postingCode === "string" && codes.has(item.postingCode)) errors.push(invalid(`${p}.postingCode`, "must be unique"));
    if (typeof item.postingName === "string" && names.has(item.postingName)) errors.push(invalid(`${p}.postingName`, "must be unique"));
    const oop = item.availableForOutOfPocketExpenses;
    if (oop !== undefined && oop !== null && typeof oop !== "boolean") {
      errors.push(invalid(`${p}.availableForOutOfPocketExpenses`, "must be a boolean"));
    }
    let configurationFields: ConfigurationField[] | undefined;
    const cf = item.configurationFields;
    if (cf !== undefined && cf !== null) {
      if (!Array.isArray(cf)) errors.push(invalid(`${p}.configurationFields`, "must be an array"));
      else {
        configurationFields = [];
        cf.forEach((c, j) => {
          const cp = `${p}.configurationFields[${j}]`;
          if (!isObject(c)) return void errors.push(invalid(cp, "must be an object"));
          const t = c.configurationFieldType;
          if (typeof t !== "string" || !CONFIGURATION_FIELD_TYPES.includes(t)) {
            errors.push(invalid(`${cp}.configurationFieldType`, `must be one of ${CONFIGURATION_FIELD_TYPES.join(", ")}`));
            return;
          }
          const flag = c.isRequired ?? c.required ?? false;
          if (typeof flag !== "boolean") return void errors.push(invalid(`${cp}.isRequired`, "must be a boolean"));
          configurationFields!.push({ configurationFieldType: t, isRequired: flag });
        });
      }
    }
    if (errors.length > before) return;
    codes.add(item.postingCode as string);
    names.add(item.postingName as string);
    const option: PostingOption = {
      postingCode: item.postingCode as string,
      postingName: item.postingName as string,
      availableForOutOfPocketExpenses: oop === true,
    };
    if (configurationFields) option.configurationFields = configurationFields;
    out.push(option);
  });
  return out;
}
