// The emulator's own reading of the vendor field rules ([V31-SW] lengths and enums, [RN-2301] mandatory fields); it
// never imports the gateway. Each refusal is a per-record ERROR status whose message starts with the wire field.

/** Longest value per wire field ([V31-SW]). */
export const VENDOR_MAX: Record<string, number> = {
  VendorCode: 32, AddressCode: 32, VendorName: 255, Address1: 255, Address2: 255, Address3: 255, City: 255, State: 255, PostalCode: 20,
  Country: 255, CountryCode: 2, CurrencyCode: 3, ContactFirstName: 255, ContactLastName: 255, ContactEmail: 255, ContactPhoneNumber: 25,
  PurchaseOrderContactFirstName: 255, PurchaseOrderContactLastName: 255, PurchaseOrderContactEmail: 255, PurchaseOrderContactPhoneNumber: 25,
  AccountNumber: 50, TaxID: 48, ProvincialTaxID: 15, DefaultEmployeeID: 48, DefaultExpenseTypeName: 64, VendorFormName: 64,
  ShippingMethod: 10, ShippingTerms: 10, VoucherNotes: 250, AddressImportSyncID: 20,
};
for (let n = 1; n <= 20; n++) VENDOR_MAX[`Custom${n}`] = 48;

const ENUMS: Record<string, readonly string[]> = {
  TaxType: ["DITX", "DNTX", "INTX"],
  PaymentMethodType: ["ACH", "CHECK", "CLIENT", "WIRE", "PAYPVD", "CARD", "VCHER"],
  IsLineItemVatIncld: ["Y", "N"],
  IsVisibleForContentExtraction: ["Y", "N"],
  Approved: ["Y", "N"],
};

/** Writable fields: the length table, the enums, PaymentTerms and the discount fields. */
export const VENDOR_WRITABLE = new Set([...Object.keys(VENDOR_MAX), ...Object.keys(ENUMS), "PaymentTerms", "DiscountPercentage", "DiscountTermsDays"]);

/**
 * [INFERRED vendor Q12] countries whose State v3.1 requires ("sanctioned countries", [RN-2301]; Ukraine is the docs'
 * example), and the regions of them under embargo (a record there is refused).
 */
export const STATE_REQUIRED: Record<string, readonly string[]> = {
  UA: ["CRIMEA", "UA-43", "SEVASTOPOL", "UA-40", "DONETSK", "UA-14", "LUHANSK", "UA-09"],
};

export interface RuleFailure {
  code: number;
  message: string;
}

/**
 * Problems of one vendor record in a POST/PUT body: required fields, lengths, enums, numbers, the state rule.
 * [INFERRED vendor Q2] codes: 1001 required, 1002 too long, 1003 invalid value, 1004 embargo.
 */
export function vendorFailures(record: Record<string, string>): RuleFailure[] {
  const out: RuleFailure[] = [];
  for (const field of ["VendorCode", "AddressCode", "CountryCode", "CurrencyCode"]) {
    if (!record[field]) out.push({ code: 1001, message: `${field}: is required` });
  }
  for (const [field, value] of Object.entries(record)) {
    const max = VENDOR_MAX[field];
    if (max !== undefined && value.length > max) out.push({ code: 1002, message: `${field}: is longer than ${max} characters` });
    const allowed = ENUMS[field];
    if (allowed && value !== "" && !allowed.includes(value.toUpperCase())) out.push({ code: 1003, message: `${field}: must be one of ${allowed.join(", ")}` });
  }
  if (record.CountryCode && !/^[A-Z]{2}$/.test(record.CountryCode)) out.push({ code: 1003, message: "CountryCode: must be an upper-case ISO 3166-1 alpha-2 code" });
  if (record.CurrencyCode && !/^[A-Za-z]{3}$/.test(record.CurrencyCode)) out.push({ code: 1003, message: "CurrencyCode: must be an ISO 4217 alpha code" });
  const regions = record.CountryCode ? STATE_REQUIRED[record.CountryCode] : undefined;
  if (regions && !record.State) out.push({ code: 1001, message: `State: is required for vendors in ${record.CountryCode}` });
  if (regions && record.State && regions.includes(record.State.trim().toUpperCase())) out.push({ code: 1004, message: `State: ${record.State} is an embargoed region; the vendor cannot be saved` });
  if (record.PaymentTerms && !(/^\d+$/.test(record.PaymentTerms) && Number(record.PaymentTerms) >= 1 && Number(record.PaymentTerms) <= 999)) out.push({ code: 1003, message: "PaymentTerms: must be an integer between 1 and 999" });
  if (record.DiscountTermsDays && !(/^\d+$/.test(record.DiscountTermsDays) && Number(record.DiscountTermsDays) > 0 && Number(record.DiscountTermsDays) < 999)) out.push({ code: 1003, message: "DiscountTermsDays: must be an integer greater than 0 and less than 999" });
  if (record.DiscountPercentage && !/^-?\d{1,3}(\.\d{1,8})?$/.test(record.DiscountPercentage)) out.push({ code: 1003, message: "DiscountPercentage: must be a number(11,8)" });
  if ((record.PaymentMethodType ?? "").toUpperCase() === "VCHER" && !record.ContactEmail) out.push({ code: 1001, message: "ContactEmail: is required when PaymentMethodType is VCHER" });
  if ((record.PaymentMethodType ?? "").toUpperCase() === "CHECK") {
    for (const field of ["Address1", "Address2"]) if ((record[field] ?? "").length > 50) out.push({ code: 1002, message: `${field}: is longer than 50 characters (Invoice Pay checks)` });
  }
  return out;
}

/** Bank record rules ([V31], [V31-SW] §3). */
export function bankFailures(record: Record<string, string>): RuleFailure[] {
  const out: RuleFailure[] = [];
  for (const field of ["VendorCode", "AccountNumber", "AccountType", "NameOnAccount", "IsActive"]) if (!record[field]) out.push({ code: 1001, message: `${field}: is required` });
  const country = record.CountryCode || "US";
  if (record.AccountType && !["CHCK", "SAVE"].includes(record.AccountType.toUpperCase())) out.push({ code: 1003, message: "AccountType: must be CHCK or SAVE" });
  if (record.AccountType?.toUpperCase() === "SAVE" && country !== "US") out.push({ code: 1003, message: "AccountType: only CHCK outside the US" });
  if (record.IsActive && !["Y", "N"].includes(record.IsActive.toUpperCase())) out.push({ code: 1003, message: "IsActive: must be Y or N" });
  if ((record.NameOnAccount ?? "").length > 100) out.push({ code: 1002, message: "NameOnAccount: is longer than 100 characters" });
  if (record.CurrencyAlphaCode && !["USD", "EUR", "AUD", "GBP"].includes(record.CurrencyAlphaCode.toUpperCase())) out.push({ code: 1003, message: "CurrencyAlphaCode: must be USD, EUR, AUD or GBP" });
  if (record.TransType && record.TransType.toUpperCase() !== "ACH") out.push({ code: 1003, message: "TransType: must be ACH" });
  return out;
}

/** A record's values as strings (numbers and booleans as their text; objects dropped). */
export function stringsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined || typeof v === "object") continue;
    out[k] = String(v);
  }
  return out;
}
