// Checks before any call (vendor spec §2-§3, §6; PO spec §2, §4): the field, the limit and the value in every message.
import { badInput, type CodedError } from "../../errors.js";
import { BANK_CURRENCIES, CUSTOM_FIELD_COUNT, CUSTOM_FIELD_MAX, VENDOR_FIELDS, type InvoiceVendorBankRecord, type InvoiceVendorRecord } from "./vendor-model.js";

/** A value refused before any call: its input path and why. */
export interface InvoiceProblem {
  field: string;
  message: string;
}

/**
 * Countries whose vendors need `State` (v3.1 made it mandatory "for sanctioned countries", [RN-2301]; the docs name
 * Ukraine as the example). The full list is not published (vendor spec Q12): [INFERRED], kept here only.
 */
export const STATE_REQUIRED_COUNTRIES: readonly string[] = ["UA"];

const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

const show = (value: unknown) => {
  const s = typeof value === "string" ? value : String(value);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
};

/**
 * Problems of one vendor write. `mode` create: VendorCode, AddressCode, CountryCode and CurrencyCode are required
 * (v3.1); update: the same (a v3.1 record always carries them, and the PUT body is validated like a POST's).
 */
export function validateVendor(vendor: InvoiceVendorRecord, path: string): InvoiceProblem[] {
  const problems: InvoiceProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `${path}.${field}`, message: `${path}.${field}: ${message}` });
  for (const field of VENDOR_FIELDS) {
    const value = vendor[field.name];
    if (value === undefined || value === null) continue;
    if (field.kind === "text" && typeof value === "string") {
      if (field.max !== undefined && value.length > field.max) add(field.name, `at most ${field.max} characters (Concur's ${field.wire}), got ${value.length}: ${show(value)}`);
    }
  }
  for (const name of ["vendorCode", "addressCode"] as const) {
    if (!vendor[name] || vendor[name].trim() === "") add(name, "required: a non-empty code (the vendor record is identified by vendorCode + addressCode)");
  }
  if (!vendor.countryCode) add("countryCode", "required since Vendor v3.1: the ISO 3166-1 alpha-2 code in upper case, e.g. \"US\"");
  else if (!COUNTRY.test(vendor.countryCode)) add("countryCode", `must be 2 upper-case letters (ISO 3166-1 alpha-2; Concur's CountryCode is case sensitive), got ${show(vendor.countryCode)}`);
  if (!vendor.currencyCode) add("currencyCode", "required since Vendor v3.1: the ISO 4217 alpha code of the vendor's reimbursement currency, e.g. \"USD\"");
  else if (!CURRENCY.test(vendor.currencyCode)) add("currencyCode", `must be 3 upper-case letters (ISO 4217), got ${show(vendor.currencyCode)}`);
  if (vendor.countryCode && STATE_REQUIRED_COUNTRIES.includes(vendor.countryCode) && !vendor.state?.trim()) {
    add("state", `required for vendors in ${vendor.countryCode}: Concur checks the state/region against export-control (sanctions) rules for this country`);
  }
  if (vendor.paymentMethodType === "CHECK") {
    for (const name of ["address1", "address2"] as const) {
      const value = vendor[name];
      if (value && value.length > 50) add(name, `at most 50 characters when paymentMethodType is CHECK (printed on Invoice Pay checks), got ${value.length}`);
    }
  }
  if (vendor.paymentMethodType === "VCHER" && !vendor.contactEmail) add("contactEmail", "required when paymentMethodType is VCHER (the card voucher is e-mailed)");
  if (vendor.contactEmail && !EMAIL.test(vendor.contactEmail)) add("contactEmail", `not an e-mail address: ${show(vendor.contactEmail)}`);
  if (vendor.paymentTerms !== undefined && !(Number.isInteger(vendor.paymentTerms) && vendor.paymentTerms >= 1 && vendor.paymentTerms <= 999)) {
    add("paymentTerms", `an integer from 1 to 999 (days until payment is due), got ${vendor.paymentTerms}`);
  }
  if (vendor.discountTermsDays !== undefined && !(Number.isInteger(vendor.discountTermsDays) && vendor.discountTermsDays >= 1 && vendor.discountTermsDays <= 998)) {
    add("discountTermsDays", `an integer greater than 0 and less than 999, got ${vendor.discountTermsDays}`);
  }
  if (vendor.discountPercentage !== undefined) {
    const [int, frac = ""] = vendor.discountPercentage.replace(/^-/, "").split(".");
    if (int.replace(/^0+(?=\d)/, "").length > 3 || frac.length > 8) add("discountPercentage", `number(11,8): at most 3 digits before and 8 after the point, got ${show(vendor.discountPercentage)}`);
  }
  if (vendor.provincialTaxId && !/^[A-Za-z0-9]+$/.test(vendor.provincialTaxId)) add("provincialTaxId", `letters and digits only, got ${show(vendor.provincialTaxId)}`);
  const seen = new Set<number>();
  (vendor.customFields ?? []).forEach((custom, i) => {
    if (!Number.isInteger(custom.number) || custom.number < 1 || custom.number > CUSTOM_FIELD_COUNT) add(`customFields[${i}].number`, `1 to ${CUSTOM_FIELD_COUNT} (Custom1..Custom${CUSTOM_FIELD_COUNT}), got ${custom.number}`);
    else if (seen.has(custom.number)) add(`customFields[${i}].number`, `Custom${custom.number} is given twice`);
    seen.add(custom.number);
    if (custom.value.length > CUSTOM_FIELD_MAX) add(`customFields[${i}].value`, `at most ${CUSTOM_FIELD_MAX} characters, got ${custom.value.length}`);
  });
  return problems;
}

/** Problems of one bank account write (§3). */
export function validateBank(bank: InvoiceVendorBankRecord, path: string): InvoiceProblem[] {
  const problems: InvoiceProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `${path}.${field}`, message: `${path}.${field}: ${message}` });
  if (!bank.vendorCode?.trim()) add("vendorCode", "required");
  else if (bank.vendorCode.length > 32) add("vendorCode", `at most 32 characters, got ${bank.vendorCode.length}`);
  if (bank.addressCode !== undefined && bank.addressCode.length > 32) add("addressCode", `at most 32 characters, got ${bank.addressCode.length}`);
  if (!bank.accountNumber?.trim()) add("accountNumber", "required (US/AU: account number; Euro and UK: IBAN)");
  if (!bank.nameOnAccount?.trim()) add("nameOnAccount", "required");
  else if (bank.nameOnAccount.length > 100) add("nameOnAccount", `at most 100 characters, got ${bank.nameOnAccount.length}`);
  if (bank.accountType === undefined) add("accountType", "required: CHECKING (any country) or SAVINGS (US only)");
  const country = bank.countryCode ?? "US";
  if (bank.countryCode !== undefined && !COUNTRY.test(bank.countryCode)) add("countryCode", `must be 2 upper-case letters, got ${show(bank.countryCode)}`);
  if (bank.accountType === "SAVE" && country !== "US") add("accountType", `SAVINGS is only for US accounts; ${country} accounts are CHECKING`);
  if (bank.active === undefined) add("active", "required (true or false)");
  if (bank.currencyCode !== undefined && !(BANK_CURRENCIES as readonly string[]).includes(bank.currencyCode)) add("currencyCode", `one of ${BANK_CURRENCIES.join(", ")} (Concur's bank currencies), got ${show(bank.currencyCode)}`);
  if (bank.transactionType !== undefined && bank.transactionType !== "ACH") add("transactionType", `must be ACH when given, got ${show(bank.transactionType)}`);
  return problems;
}

/** One BAD_USER_INPUT naming every problem (at most 10 spelled out), or null. */
export function problemsToError(problems: InvoiceProblem[]): CodedError | null {
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 10).map((p) => p.message);
  const more = problems.length > 10 ? `; and ${problems.length - 10} more` : "";
  return badInput(`${shown.join("; ")}${more}`, { field: problems[0].field, problems: problems.slice(0, 100) });
}
