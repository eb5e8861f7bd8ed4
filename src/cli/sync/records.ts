// Per object type: the default column mapping, the record key, normalisation (the way Concur stores values) and
// the gateway's own validation, so a record is refused here, with its line, instead of failing a whole mutation.
import { validateAccount, validateListName, validateTaxData, validateVendor, type Problem } from "../../datasources/index.js";
import type { InputRecord, SyncType } from "./types.js";

/** Fields of a vendor's address; CSV columns `address.city` or `city` both map here. */
export const ADDRESS_FIELDS = ["addr1", "addr2", "addr3", "city", "state", "country", "postalCode", "note"] as const;

/** Tax data CSV: one row per reclaim detail, grouped by countryCode, then stateCode, then reclaimCode. */
export const TAX_COLUMNS = ["countryCode", "countryName", "stateCode", "stateDesc", "reclaimCode", "reclaimDesc", "taxCode", "taxRateDesc", "percentage", "validFrom", "validTo"] as const;

/**
 * Default CSV columns per type: a header cell names the field (case-insensitive). `--columns` maps other header
 * names onto these fields.
 */
export const DEFAULT_COLUMNS: Record<SyncType, readonly string[]> = {
  accounts: ["id", "name", "number", "type"],
  vendors: ["id", "type", "currencyCode", "name", "companyName", "firstName", "lastName", "email", "employeeId", "taxId", "phone", "accountNumber", ...ADDRESS_FIELDS.map((f) => `address.${f}`)],
  listNames: ["id", "name"],
  taxData: TAX_COLUMNS,
};

/** The key Concur identifies a record by (tax data: its country). */
export const keyOf = (type: SyncType, record: InputRecord): string => String((type === "taxData" ? record.countryCode : record.id) ?? "");

/** Trimmed string, or undefined when empty / absent (Concur stores no empty strings). */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = (typeof value === "string" ? value : String(value)).trim();
  return s === "" ? undefined : s;
}

/** Enum spelling of Concur's wire values: upper case, spaces and hyphens as underscores (`credit card` -> CREDIT_CARD). */
const enumText = (value: unknown): string | undefined => text(value)?.toUpperCase().replace(/[\s-]+/g, "_");

function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
  return obj;
}

function percentage(value: unknown): unknown {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number") return value;
  const n = Number(String(value).trim());
  // Keep what is not a number as given: the validator reports it with the line.
  return Number.isFinite(n) && String(value).trim() !== "" ? n : String(value).trim();
}

function normaliseTaxData(raw: Record<string, unknown>): InputRecord {
  const states = Array.isArray(raw.stateEntries) ? (raw.stateEntries as Record<string, unknown>[]) : [];
  return compact({
    countryCode: text(raw.countryCode)?.toUpperCase(),
    countryName: text(raw.countryName ?? raw.countryDesc),
    stateEntries: states.map((state) =>
      compact({
        stateCode: text(state.stateCode),
        stateDesc: text(state.stateDesc),
        reclaimEntries: (Array.isArray(state.reclaimEntries) ? (state.reclaimEntries as Record<string, unknown>[]) : []).map((reclaim) =>
          compact({
            reclaimCode: text(reclaim.reclaimCode),
            reclaimDesc: text(reclaim.reclaimDesc),
            reclaimDetails: (Array.isArray(reclaim.reclaimDetails) ? (reclaim.reclaimDetails as Record<string, unknown>[]) : []).map((detail) =>
              compact({
                taxCode: text(detail.taxCode),
                taxRateDesc: text(detail.taxRateDesc),
                percentage: percentage(detail.percentage),
                validFrom: text(detail.validFrom),
                validTo: text(detail.validTo),
              }),
            ),
          }),
        ),
      }),
    ),
  });
}

/**
 * A record (from the input file, or a node Concur holds as the gateway returns it) in the GraphQL input shape,
 * normalised: strings trimmed, empty -> absent, enums and currency / country codes upper case, an all-empty
 * address absent. Both sides go through this before they are compared.
 */
export function normalise(type: SyncType, raw: Record<string, unknown>): InputRecord {
  switch (type) {
    case "accounts":
      return compact({ id: text(raw.id), name: text(raw.name), number: text(raw.number), type: enumText(raw.type) });
    case "listNames":
      return compact({ id: text(raw.id), name: text(raw.name) });
    case "taxData":
      return normaliseTaxData(raw);
    case "vendors": {
      const source = (raw.address && typeof raw.address === "object" ? raw.address : {}) as Record<string, unknown>;
      const address = compact(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, text(source[f])])) as Record<string, unknown>);
      return compact({
        id: text(raw.id),
        type: enumText(raw.type),
        currencyCode: text(raw.currencyCode)?.toUpperCase(),
        name: text(raw.name),
        companyName: text(raw.companyName),
        firstName: text(raw.firstName),
        lastName: text(raw.lastName),
        email: text(raw.email),
        employeeId: text(raw.employeeId),
        taxId: text(raw.taxId),
        phone: text(raw.phone),
        accountNumber: text(raw.accountNumber),
        address: Object.keys(address).length > 0 ? address : undefined,
      });
    }
  }
}

const VALIDATORS: Record<SyncType, (input: unknown, path: string) => Problem[]> = {
  accounts: validateAccount,
  vendors: validateVendor,
  listNames: validateListName,
  taxData: validateTaxData,
};

/** The gateway's own checks of one record (required fields per type, enums, ISO codes): every problem, as text. */
export function validateRecord(type: SyncType, record: InputRecord): string[] {
  return VALIDATORS[type](record, type).map((p) => p.message);
}

/** Canonical text of a record (keys sorted at every level), to compare records. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Field-level differences of two normalised records (top-level fields; nested values compared whole). */
export function fieldDiff(held: InputRecord, wanted: InputRecord): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(held), ...Object.keys(wanted)])) {
    if (canonical(held[key]) !== canonical(wanted[key])) out[key] = [held[key], wanted[key]];
  }
  return out;
}
