import type { JsonObject, JsonValue } from "../core/types.js";
import type { Account, Address, ListName, ObjectType, StoredRecord, TaxData, TaxReclaimDetail, TaxReclaimEntry, TaxStateEntry, Vendor } from "./types.js";

/** Turns a validated PATCH record into the shape GET returns: every field present, `null` when absent (spec 1.2a/b). */
export function toStoredRecord(type: ObjectType, raw: JsonObject): StoredRecord {
  switch (type) {
    case "ACCOUNT":
      return toAccount(raw);
    case "VENDOR":
      return toVendor(raw);
    case "LIST":
      return toListName(raw);
    case "TAX":
      return toTaxData(raw);
  }
}

/** The key a record is stored under: `id`, or `countryCode` for tax data [INFERRED Q21: tax data has no id]. */
export function recordKey(type: ObjectType, raw: JsonObject): string | undefined {
  const key = type === "TAX" ? raw.countryCode : raw.id;
  return typeof key === "string" && key.length > 0 ? key : undefined;
}

const str = (v: JsonValue | undefined): string | null => (typeof v === "string" ? v : null);
const num = (v: JsonValue | undefined): number | null => (typeof v === "number" ? v : null);
const obj = (v: JsonValue | undefined): JsonObject | null =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v : null;
const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

function toAccount(raw: JsonObject): Account {
  return { id: String(raw.id), name: String(raw.name), number: str(raw.number), type: String(raw.type) };
}

function toAddress(raw: JsonObject | null): Address | null {
  if (!raw) return null;
  return {
    addr1: str(raw.addr1),
    addr2: str(raw.addr2),
    addr3: str(raw.addr3),
    city: str(raw.city),
    state: str(raw.state),
    country: str(raw.country),
    postalCode: str(raw.postalCode),
    note: str(raw.note),
  };
}

function toVendor(raw: JsonObject): Vendor {
  return {
    id: String(raw.id),
    type: raw.type === "EMPLOYEE" ? "EMPLOYEE" : "ACCOUNTING",
    currencyCode: str(raw.currencyCode),
    name: str(raw.name),
    companyName: str(raw.companyName),
    lastName: str(raw.lastName),
    firstName: str(raw.firstName),
    email: str(raw.email),
    employeeId: str(raw.employeeId),
    taxId: str(raw.taxId),
    phone: str(raw.phone),
    accountNumber: str(raw.accountNumber),
    address: toAddress(obj(raw.address)),
  };
}

function toListName(raw: JsonObject): ListName {
  return { id: String(raw.id), name: String(raw.name) };
}

/** [INFERRED Q17] accepts `countryName` or `countryDesc`, emits `countryDesc`. */
function toTaxData(raw: JsonObject): TaxData {
  return {
    countryCode: String(raw.countryCode),
    countryDesc: str(raw.countryDesc) ?? str(raw.countryName),
    stateEntries: arr(raw.stateEntries).map((s): TaxStateEntry => {
      const se = obj(s) ?? {};
      return {
        stateCode: str(se.stateCode),
        stateDesc: str(se.stateDesc),
        reclaimEntries: arr(se.reclaimEntries).map((r): TaxReclaimEntry => {
          const re = obj(r) ?? {};
          return {
            reclaimCode: String(re.reclaimCode),
            reclaimDesc: str(re.reclaimDesc),
            reclaimDetails: arr(re.reclaimDetails).map((d): TaxReclaimDetail => {
              const de = obj(d) ?? {};
              return {
                taxCode: String(de.taxCode),
                taxRateDesc: str(de.taxRateDesc),
                percentage: num(de.percentage),
                validFrom: String(de.validFrom),
                validTo: str(de.validTo),
              };
            }),
          };
        }),
      };
    }),
  };
}
